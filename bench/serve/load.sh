#!/usr/bin/env bash
# Load on loopback: 32 connections against `rasoat serve corpus/ ../shared/corpus-ext`: search (ten short
# queries, then the 82 reviewer questions) and findings-list latency percentiles (wrk --latency),
# server RSS.
# Usage: bench/serve/load.sh [CORPUS...]   (DURATION=20s, CONNS=32)
set -euo pipefail
cd "$(dirname "$0")/../.."
DUR=${DURATION:-20s}; CONNS=${CONNS:-32}
. bench/serve/start.sh
echo "startup (review + index, until login): $(echo "$(date +%s.%N) - $T0" | bc) s; $(grep 'documents' "$WORK/serve.log")"
echo "findings: $(curl -s -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT/api/findings?per=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')"
rss() { awk '/VmRSS|VmHWM/ {printf "%s %.0f MB  ", $1, $2/1024}' /proc/$PID/status; echo; }
echo "RSS idle: $(rss)"
for what in search questions findings; do
  echo "== $what: $CONNS connections, $DUR"
  nice wrk -t2 -c$CONNS -d$DUR --latency -H "Cookie: $COOKIE" -s bench/serve/$what.lua http://127.0.0.1:$PORT \
    | grep -E 'Latency|50%|90%|99%|Requests/sec|Non-2xx'
  echo "RSS after $what: $(rss)"
done
