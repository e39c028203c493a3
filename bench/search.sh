#!/bin/sh
# Search benchmark: retrieval quality + speed vs SQLite FTS5 on ../shared/corpus-ext,
# optionally the scaled (>= 1 GB, generated under /tmp) speed run.
#   bench/search.sh            quality/speed tables on the four real data sets
#   bench/search.sh --scale    also the 1 GB run (slow on 2 cores: ~10+ minutes)
set -eu
cd "$(dirname "$0")/.."
cargo build --release --bin rasoat
python3 bench/retrieval/run.py --bin target/release/rasoat
if [ "${1:-}" = "--scale" ]; then
    python3 bench/retrieval/scale.py --mb 1024 --bin target/release/rasoat --fts5
fi
