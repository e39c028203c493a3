#!/usr/bin/env bash
# Mixed load on loopback: the 82 reviewer questions on 32 connections while 8 more connections
# page through the findings list, both at once (wrk --latency each): what a reviewer opening
# the Phát hiện page feels while colleagues search. Prints both latency distributions.
# Usage: bench/serve/mixed.sh [CORPUS...]   (DURATION=15s; RASOAT_BIN=path to test another binary)
set -euo pipefail
cd "$(dirname "$0")/../.."
DUR=${DURATION:-15s}
. bench/serve/start.sh
run() { nice wrk -t1 -c"$1" -d"$DUR" --latency -H "Cookie: $COOKIE" -s "bench/serve/$2.lua" "http://127.0.0.1:$PORT" > "$WORK/$2.txt"; }
run 32 questions & Q=$!; run 8 findings & F=$!; wait $Q $F
for what in questions findings; do
  echo "== $what (at the same time as the other)"
  grep -E '50%|90%|99%|Requests/sec' "$WORK/$what.txt"
done
