#!/usr/bin/env bash
# Crash safety of `rasoat index`: kill -9 it at random moments of a rebuild, N times; after each
# kill the next `rasoat index` must complete, and search must give exactly the results of a clean
# build. Usage: bench/crash/kill-index.sh [CORPUS] [N]   (defaults: corpus/ 20)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${RASOAT_BIN:-target/release/rasoat}
corpus=${1:-corpus}
n=${2:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
queries="$work/q.txt"
printf '%s\n' "phan cap cho ubnd cap xa" "Sở Tư pháp chủ trì" "tài sản công" "thanh lý" "53/2025/QĐ-UBND" > "$queries"
"$bin" index --index "$work/clean" "$corpus" -q >/dev/null
"$bin" search --index "$work/clean" --queries "$queries" --format jsonl --limit 10 \
  | python3 -c 'import sys,json; [print(json.dumps([(h["file"],h.get("provision"),h["line"],round(h["score"],4)) for h in json.loads(l)["hits"]])) for l in sys.stdin]' > "$work/clean.txt"
ok=0
for i in $(seq 1 "$n"); do
  "$bin" index --index "$work/idx" --rebuild "$corpus" -q >/dev/null 2>&1 &
  pid=$!
  sleep "0.$(( RANDOM % 9 + 1 ))$(( RANDOM % 10 ))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if ! "$bin" index --index "$work/idx" "$corpus" -q >/dev/null 2>"$work/err"; then
    echo "run $i: index after kill failed: $(cat "$work/err")"; continue
  fi
  "$bin" search --index "$work/idx" --queries "$queries" --format jsonl --limit 10 \
    | python3 -c 'import sys,json; [print(json.dumps([(h["file"],h.get("provision"),h["line"],round(h["score"],4)) for h in json.loads(l)["hits"]])) for l in sys.stdin]' > "$work/got.txt"
  if cmp -s "$work/clean.txt" "$work/got.txt"; then ok=$((ok + 1)); else echo "run $i: results differ from a clean build"; fi
done
echo "kill -9 loop: $ok/$n runs recovered with results identical to a clean build ($corpus)"
[ "$ok" -eq "$n" ]
