#!/usr/bin/env bash
# Mixed load on loopback: the 82 reviewer questions on 32 connections while 8 more connections
# page through the findings list, both at once (wrk --latency each): what a reviewer opening
# the Phát hiện page feels while colleagues search. Prints both latency distributions.
# Usage: bench/serve/mixed.sh [CORPUS...]   (DURATION=15s; RASOAT_BIN=path to test another binary)
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${RASOAT_BIN:-${CARGO_TARGET_DIR:-target}/release/rasoat}
[ -x "$BIN" ] || cargo build --release --locked
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 2; }
[ $# -gt 0 ] || set -- corpus ../shared/corpus-ext
DUR=${DURATION:-15s}
WORK=$(mktemp -d); PORT=$((20000 + RANDOM % 20000))
printf 'mat-khau-bench-123\n' | "$BIN" user add bench --role xem --password-stdin --data "$WORK/data" 2>/dev/null
"$BIN" serve "$@" --data "$WORK/data" --addr 127.0.0.1:$PORT 2> "$WORK/serve.log" &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
until grep -q "listening on" "$WORK/serve.log"; do
  kill -0 $PID 2>/dev/null || { cat "$WORK/serve.log"; exit 1; }; sleep 0.5
done
COOKIE=$(curl -s -i -H 'Content-Type: application/json' -d '{"user":"bench","password":"mat-khau-bench-123"}' \
  http://127.0.0.1:$PORT/api/login | tr -d '\r' | sed -n 's/^set-cookie: \([^;]*\).*/\1/Ip')
run() { nice wrk -t1 -c"$1" -d"$DUR" --latency -H "Cookie: $COOKIE" -s "bench/serve/$2.lua" "http://127.0.0.1:$PORT" > "$WORK/$2.txt"; }
run 32 questions & Q=$!; run 8 findings & F=$!; wait $Q $F
for what in questions findings; do
  echo "== $what (at the same time as the other)"
  grep -E '50%|90%|99%|Requests/sec' "$WORK/$what.txt"
done
