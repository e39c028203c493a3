#!/usr/bin/env bash
# A corpus with ≥ 10,000 findings for the Phát hiện page's load test: N copies of corpus/ whose
# documents get a distinct number per copy ("Số: 12/…" → "Số: 127/…") and a distinct first article
# ("… (bản thử 7)"), so the review keeps them apart (the same number and date, or the same text, is
# one document, merged) and each copy brings its own findings.
# Usage: bench/serve/many-findings.sh OUT_DIR [COPIES=46]; then bench/serve/load.sh OUT_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:?output folder}; n=${2:-46}
rm -rf "$out"; mkdir -p "$out"
for i in $(seq 1 "$n"); do
  d="$out/c$i"; mkdir -p "$d"; cp -r corpus/. "$d/"
  find "$d" -type f \( -name '*.md' -o -name '*.txt' \) -print0 |
    xargs -0 sed -i -E -e "0,/Số[:.]? *[0-9]+/s//&$i/" -e "0,/^(\\*\\*)?(Điều 1|1\\.|I\\.) /s/$/ (bản thử $i)/"
done
echo "$out: $(find "$out" -type f | wc -l) files, $(du -sh "$out" | cut -f1)"
