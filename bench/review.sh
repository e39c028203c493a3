#!/usr/bin/env bash
# Benchmark `rasoat review` on the real corpus (../shared/corpus-ext + corpus/) and on a
# 10× scaled copy (each copy made distinct: other law ids / number-symbols, so the duplicate
# detector does not collapse it). Reports wall time and peak memory (/usr/bin/time -v).
# Usage: bench/review.sh [SCALE]   (run from the repository root)
set -euo pipefail
SCALE=${1:-10}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
EXT=${CORPUS_EXT:-$ROOT/../shared/corpus-ext}
OUT=${TMPDIR:-/tmp}/rasoat-bench-review
cargo build --release --bin rasoat --manifest-path "$ROOT/Cargo.toml" >/dev/null 2>&1
BIN=$ROOT/target/release/rasoat
rm -rf "$OUT" && mkdir -p "$OUT/scaled"
python3 "$ROOT/bench/scale_corpus.py" "$EXT" "$ROOT/corpus" "$OUT/scaled" "$SCALE"
measure() {
  local label=$1; shift
  /usr/bin/time -v "$BIN" review "$@" --format json --as-of 2026-06-01 -q -o "$OUT/$label.json" 2> "$OUT/$label.time" || true
  local wall rss
  wall=$(grep "Elapsed (wall clock)" "$OUT/$label.time" | awk '{print $NF}')
  rss=$(grep "Maximum resident set size" "$OUT/$label.time" | awk '{print $NF}')
  local n
  n=$(python3 -c "import json;r=json.load(open('$OUT/$label.json'));s=r['summary'];print(s['documents'],'docs',s['provisions'],'provisions',s['findings'],'findings')")
  echo "$label: wall $wall, peak RSS ${rss} KB, $n"
}
measure real "$EXT" "$ROOT/corpus"
measure real "$EXT" "$ROOT/corpus"
measure scaled "$OUT/scaled"
python3 - "$OUT" <<'PY'
import json, sys, collections
out = sys.argv[1]
r = json.load(open(f"{out}/real.json"))
c = collections.Counter((f["code"] or f["rule"], f["severity"]) for f in r["findings"])
print("findings per rule (real corpus):")
for (code, sev), n in sorted(c.items()):
    print(f"  {code:<12} {sev:<8} {n}")
PY
