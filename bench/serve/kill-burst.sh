#!/usr/bin/env bash
# kill -9 `rasoat serve` during a burst of triage writes (8 writers), restart, and check that
# every acknowledged decision is there and PRAGMA integrity_check is ok.
# Usage: bench/serve/kill-burst.sh [CORPUS...]   (default tests/fixtures/serve; BURST_SECS=3)
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${RASOAT_BIN:-${CARGO_TARGET_DIR:-target}/release/rasoat}
[ -x "$BIN" ] || cargo build --release --locked
[ $# -gt 0 ] || set -- tests/fixtures/serve
for i in 1 2 3; do
  echo "== round $i"
  python3 bench/serve/kill_burst.py "$BIN" "$@"
done
