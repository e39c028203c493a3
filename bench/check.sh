#!/usr/bin/env bash
# Warm latency of `rasoat check` on one draft, for the pre-commit use case.
#
#   bench/check.sh                 # real corpus: corpus/ + ../shared/corpus-ext
#   SCALE=85 bench/check.sh        # also a scaled corpus (~1 GB): SCALE distinct copies of the real
#                                  # one made by bench/scale_corpus.py (other number-symbols / law ids)
#   RUNS=20 bench/check.sh
#
# Each corpus is checked once cold (parse + analyse + write the cache), then RUNS times warm
# (cache hit: stat every corpus file, read the cached documents, run the rules). Prints
# min / median / max wall time of the warm runs, and the cache size.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10}
SCALE=${SCALE:-0}
WORK=${WORK:-/tmp/rasoat-bench-check}
BIN=$WORK/rasoat   # a private copy: a rebuild of target/ must not invalidate the cache mid-run
DRAFT=$PWD/tests/fixtures/check/drafts/conflict.md

cargo build --release --bin rasoat >/dev/null 2>&1 || cargo build --release --bin rasoat

rm -rf "$WORK" && mkdir -p "$WORK/real"
cp target/release/rasoat "$BIN"
cp -r corpus "$WORK/real/corpus"
if [ -d ../shared/corpus-ext ]; then
  cp -r ../shared/corpus-ext "$WORK/real/corpus/ext"
fi

ms() { echo $(( ($2 - $1) / 1000000 )); }

measure() {
  local label=$1 dir=$2
  local size files
  size=$(du -sh "$dir/corpus" | cut -f1)
  files=$(find "$dir/corpus" -type f | wc -l)
  cd "$dir"
  local t0 t1
  t0=$(date +%s%N)
  "$BIN" check -v --as-of 2026-11-28 --fail-on never --format json "$DRAFT" >/dev/null 2>"$dir/cold.log" || true
  t1=$(date +%s%N)
  local cold; cold=$(ms "$t0" "$t1")
  grep -h "timings" "$dir/cold.log" | sed 's/^/    first run: /'
  local times=()
  for _ in $(seq "$RUNS"); do
    t0=$(date +%s%N)
    "$BIN" check -v --as-of 2026-11-28 --fail-on never --format json "$DRAFT" >/dev/null 2>"$dir/warm.log" || true
    t1=$(date +%s%N)
    times+=("$(ms "$t0" "$t1")")
  done
  local sorted; sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  local min med max
  min=$(echo "$sorted" | head -1); max=$(echo "$sorted" | tail -1)
  med=$(echo "$sorted" | sed -n "$(( (RUNS + 1) / 2 ))p")
  local cache; cache=$(du -sh "$dir/.rasoat/check-cache" | cut -f1)
  echo "$label: corpus $size in $files files; cold ${cold} ms; warm min ${min} / median ${med} / max ${max} ms over $RUNS runs; cache $cache"
  grep -h "timings" "$dir/warm.log" | sed 's/^/    last warm run: /'
  cd - >/dev/null
}

measure "real corpus" "$WORK/real"

if [ "$SCALE" -gt 0 ]; then
  mkdir -p "$WORK/scaled/corpus"
  python3 bench/scale_corpus.py ../shared/corpus-ext corpus "$WORK/scaled/corpus" "$SCALE"
  # scale_corpus.py writes each data set as ONE line; the parser counts columns from the line
  # start, which is quadratic on a multi-MB line. Re-indent (as the original files are) so the
  # cold build measures parsing, not that artefact.
  python3 - "$WORK/scaled/corpus" <<'PY'
import json, os, sys
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        if f.endswith(".json"):
            p = os.path.join(root, f)
            try:
                d = json.load(open(p, encoding="utf-8"))
            except Exception:
                continue
            json.dump(d, open(p, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
PY
  # A second draft for the scaled run: cites national laws, so some data-set laws are selected.
  DRAFT2=$PWD/bench/check-drafts/national.md
  measure "scaled corpus (x$SCALE)" "$WORK/scaled"
  DRAFT=$DRAFT2
  RUNS=$(( RUNS < 5 ? RUNS : 5 ))
  measure "scaled corpus (x$SCALE), draft citing national laws" "$WORK/scaled"
fi
