#!/usr/bin/env bash
# Runs each fuzz target under fuzz/ for SECONDS (default 600), one at a time, niced.
# Stable toolchain: cargo-fuzz's nightly flags are allowed by RUSTC_BOOTSTRAP=1; the
# sanitizer is off (`-s none`: no nightly std for ASan here), coverage is on.
# Seeds: corpus/ and tests/fixtures/ files by format. Crashes land in fuzz/artifacts/.
# Usage: bench/fuzz/run.sh [seconds] [target...]
# Needs: cargo install cargo-fuzz
set -uo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-600}; shift || true
targets=${*:-decode structure docx doc pdf html query}
export RUSTC_BOOTSTRAP=1 RASOAT_OCR=off
seed() { # target → seed files
  case $1 in
    decode) ls corpus/*.txt tests/fixtures/formats/*.txt tests/fixtures/parse/*.txt 2>/dev/null ;;
    structure) ls corpus/*.txt corpus/*.md tests/fixtures/formats/orig/*.txt; ls corpus/prov/*.md | head -20 ;;
    docx) ls tests/fixtures/formats/*.docx tests/fixtures/parse/*.docx 2>/dev/null ;;
    doc) ls tests/fixtures/formats/*.doc ;;
    pdf) ls tests/fixtures/formats/*.pdf | grep -v scan ;;
    html) ls tests/fixtures/formats/*.html ;;
    query) printf '%s\n' "Sở Tư pháp chủ trì" '"phân cấp" -huyện' "điều 5 khoản 2" "608/QĐ-TTg" ;;
  esac
}
for t in $targets; do
  c=fuzz/corpus/$t; mkdir -p "$c"
  if [ "$t" = query ]; then
    i=0; seed query | while read -r q; do i=$((i+1)); printf '%s' "$q" > "$c/seed-$i"; done
  else
    for f in $(seed "$t"); do cp "$f" "$c/"; done
  fi
  echo "== $t: ${secs}s"
  feat=""; [ "$t" = query ] && feat="--features index" # the search crate (tantivy) only here
  ( cd fuzz && nice cargo fuzz run -s none $feat "$t" "corpus/$t" -- \
      -max_total_time="$secs" -rss_limit_mb=2048 -timeout=20 -max_len=262144 -print_final_stats=1 ) \
    > "fuzz/$t.log" 2>&1
  echo "exit $?"; grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|Done [0-9]+ runs|SUMMARY|panicked" "fuzz/$t.log" | tail -5
done
