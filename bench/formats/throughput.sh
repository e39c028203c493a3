#!/usr/bin/env bash
# Parsing throughput per input format, against plain text in the same run.
# Each format: the fixtures of tests/fixtures/formats copied N times into a folder,
# parsed by `rasoat parse --format json` on one thread; MB/s (input bytes) and docs/s.
# REPEAT rounds (default 5) parse every folder in turn and each format's fastest run counts: one
# run of a few hundred milliseconds on this shared machine moved the PDF ratio between 2.4x and 3.2x.
# Usage: bench/formats/throughput.sh [copies=40]   (builds the release binary first;
#        RASOAT_BIN=path/to/rasoat uses that binary instead)
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-40}
if [ -z "${RASOAT_BIN:-}" ]; then
  cargo build --release --locked -q
fi
bin=${RASOAT_BIN:-${CARGO_TARGET_DIR:-target}/release/rasoat}
fix=tests/fixtures/formats
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -A sets=(
  [txt]="orig/thong-tu-06.txt orig/ke-hoach-seed.txt"
  [pdf]="thong-tu-06.pdf ke-hoach-seed.pdf"
  [doc]="thong-tu-06.doc ke-hoach-seed.doc"
  [docx]="thong-tu-06.docx ke-hoach-seed.docx"
  [html]="thong-tu-06.portal.html ke-hoach-seed.portal.html"
  [tcvn3-docx]="thong-tu-06.tcvn3.docx ke-hoach-seed.tcvn3.docx"
  [vni-txt]="thong-tu-06.vni.txt ke-hoach-seed.vni.txt"
)
formats="txt pdf doc docx html tcvn3-docx vni-txt"
for fmt in $formats; do
  d="$tmp/$fmt"; mkdir -p "$d"
  for f in ${sets[$fmt]}; do
    ext="${f#*.}"; stem=$(basename "$f"); stem=${stem%%.*}
    for i in $(seq 1 "$n"); do cp "$fix/$f" "$d/$stem-$i.$ext"; done
  done
done
# Rounds over all formats in turn, so that every format meets the machine's slow and fast spells.
declare -A best
for _ in $(seq 1 "${REPEAT:-5}"); do
  for fmt in $formats; do
    t0=$(date +%s.%N)
    RAYON_NUM_THREADS=1 "$bin" parse --format json "$tmp/$fmt" > /dev/null
    t1=$(date +%s.%N)
    r=$(echo "$t1 - $t0" | bc -l)
    if [ -z "${best[$fmt]:-}" ] || [ "$(echo "$r < ${best[$fmt]}" | bc -l)" = 1 ]; then best[$fmt]=$r; fi
  done
done
printf "%-12s %6s %9s %9s %9s %8s\n" format docs MB seconds MB/s docs/s
base=""
for fmt in $formats; do
  d="$tmp/$fmt"
  docs=$(ls "$d" | wc -l)
  bytes=$(du -cb "$d"/* | tail -1 | cut -f1)
  s=${best[$fmt]}
  mbs=$(echo "$bytes / 1048576 / $s" | bc -l)
  dps=$(echo "$docs / $s" | bc -l)
  [ -z "$base" ] && base=$dps
  printf "%-12s %6d %9.2f %9.3f %9.2f %8.1f  (%.2fx the docs/s of txt)\n" "$fmt" "$docs" \
    "$(echo "$bytes/1048576" | bc -l)" "$s" "$mbs" "$dps" "$(echo "$base / $dps" | bc -l)"
done
