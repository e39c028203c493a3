#!/usr/bin/env bash
# Character accuracy of OCR (scanned PDF → Tesseract vie) against the original text:
# per provision present in both, 1 − Levenshtein distance / original length, summed over
# provisions (whitespace collapsed). Also lists provision ids missing or extra.
# Usage: bench/formats/ocr-accuracy.sh [rasoat binary]   Needs tesseract-ocr-vie, poppler-utils.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-${CARGO_TARGET_DIR:-target}/release/rasoat}
fix=tests/fixtures/formats
t0=$(date +%s.%N)
"$bin" parse --format json "$fix/orig/ke-hoach-seed.txt" "$fix/ke-hoach-seed.scan.pdf" > /tmp/ocr-acc.jsonl
t1=$(date +%s.%N)
python3 - /tmp/ocr-acc.jsonl <<'PY'
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1])]
def flat(ps, out):
    for p in ps:
        out[p["id"]] = " ".join(((p.get("heading") or "") + " " + p["text"]).split())
        flat(p["children"], out)
    return out
a, b = flat(docs[0]["provisions"], {}), flat(docs[1]["provisions"], {})
def lev(x, y):
    prev = list(range(len(y) + 1))
    for i, cx in enumerate(x):
        cur = [i + 1]
        for j, cy in enumerate(y):
            cur.append(min(prev[j] + (cx != cy), prev[j + 1] + 1, cur[j] + 1))
        prev = cur
    return prev[-1]
dist = total = 0
for k, t in a.items():
    if k in b:
        dist += lev(b[k], t)
        total += len(t)
print(f"provisions: original {len(a)}, OCR {len(b)}; missing {sorted(set(a) - set(b))}, extra {sorted(set(b) - set(a))}")
print(f"character accuracy over common provisions: {1 - dist / max(total, 1):.4f} ({dist} edits / {total} chars)")
print("warnings:", docs[1]["warnings"])
PY
echo "parse time (original + 4-page scan): $(echo "$t1 - $t0" | bc -l | cut -c1-6) s"
