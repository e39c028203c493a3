#!/usr/bin/env bash
# Load on loopback: 32 connections against `rasoat serve corpus/ ../shared/corpus-ext`: search (ten short
# queries, then the 82 reviewer questions) and findings-list latency percentiles (wrk --latency),
# server RSS.
# Usage: bench/serve/load.sh [CORPUS...]   (DURATION=20s, CONNS=32)
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${RASOAT_BIN:-${CARGO_TARGET_DIR:-target}/release/rasoat}
[ -x "$BIN" ] || cargo build --release --locked
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 2; }
[ $# -gt 0 ] || set -- corpus ../shared/corpus-ext
DUR=${DURATION:-20s}; CONNS=${CONNS:-32}
WORK=$(mktemp -d); PORT=$((20000 + RANDOM % 20000))
printf 'mat-khau-bench-123\n' | "$BIN" user add bench --role xem --password-stdin --data "$WORK/data"
t0=$(date +%s.%N)
"$BIN" serve "$@" --data "$WORK/data" --addr 127.0.0.1:$PORT 2> "$WORK/serve.log" &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
until grep -q "listening on" "$WORK/serve.log"; do
  kill -0 $PID 2>/dev/null || { cat "$WORK/serve.log"; exit 1; }; sleep 0.5
done
echo "startup (review + index): $(echo "$(date +%s.%N) - $t0" | bc) s; $(grep 'documents' "$WORK/serve.log")"
COOKIE=$(curl -s -i -H 'Content-Type: application/json' -d '{"user":"bench","password":"mat-khau-bench-123"}' \
  http://127.0.0.1:$PORT/api/login | tr -d '\r' | sed -n 's/^set-cookie: \([^;]*\).*/\1/Ip')
echo "findings: $(curl -s -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT/api/findings?per=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')"
rss() { awk '/VmRSS|VmHWM/ {printf "%s %.0f MB  ", $1, $2/1024}' /proc/$PID/status; echo; }
echo "RSS idle: $(rss)"
for what in search questions findings; do
  echo "== $what: $CONNS connections, $DUR"
  nice wrk -t2 -c$CONNS -d$DUR --latency -H "Cookie: $COOKIE" -s bench/serve/$what.lua http://127.0.0.1:$PORT \
    | grep -E 'Latency|50%|90%|99%|Requests/sec|Non-2xx'
  echo "RSS after $what: $(rss)"
done
