#!/usr/bin/env bash
# Parse benchmark (issue 2): parses every data set and text under the given directories
# (default: ../shared/corpus-ext and corpus/) with a release build and prints documents/s, MB/s.
#   bench/parse.sh [DIR...]        ROUNDS=5 by default (best round is reported)
set -euo pipefail
cd "$(dirname "$0")/.."
dirs=("$@")
if [ ${#dirs[@]} -eq 0 ]; then dirs=(../shared/corpus-ext); fi
cargo build --release -q -p rasoat-parse --example bench_parse
exec target/release/examples/bench_parse "${dirs[@]}"
