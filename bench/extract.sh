#!/usr/bin/env sh
# Extraction throughput over the external corpus (provisions/s, MB/s of provision text).
# Parsing is done once and not timed; see crates/extract/examples/bench_extract.rs.
# Usage: bench/extract.sh [DIR...]   (default: ../shared/corpus-ext)
set -e
cd "$(dirname "$0")/.."
[ $# -eq 0 ] && set -- ../shared/corpus-ext
cargo run --release -q -p rasoat-extract --example bench_extract -- "$@" --rounds 3
# End to end through the CLI (parse + extract + graph + JSON output), for reference.
cargo build --release -q --bin rasoat
start=$(date +%s.%N)
./target/release/rasoat extract "$@" --format json > /dev/null || true
end=$(date +%s.%N)
echo "rasoat extract --format json (end to end): $(echo "$end - $start" | bc) s"
