#!/usr/bin/env bash
# Word and Excel exports: render them to PDF and PNG (page 1) for a look, and time the export.
#
#   bench/export.sh            (run from the repository root)
#
# 1. `rasoat review corpus/ --format docx|xlsx` into $OUT (default /tmp/rasoat-bench-export);
# 2. when LibreOffice and poppler are installed (Debian: apt-get install -y libreoffice-writer
#    libreoffice-calc poppler-utils fonts-liberation2), converts each file with
#    `libreoffice --headless --convert-to pdf` and renders page 1 with `pdftoppm -png`; otherwise
#    says so and skips this step;
# 3. when ../shared/corpus-ext exists (or $CORPUS_EXT), times the review of corpus/ plus it as
#    JSON and as xlsx / docx (best of 3 each) and prints the difference: the export's own cost.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
EXT=${CORPUS_EXT:-$ROOT/../shared/corpus-ext}
OUT=${OUT:-${TMPDIR:-/tmp}/rasoat-bench-export}
AS_OF=${AS_OF:-2026-11-28}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
if [ -z "${RASOAT_BIN:-}" ]; then
  cargo build --release --bin rasoat --manifest-path "$ROOT/Cargo.toml" >/dev/null 2>&1
  RASOAT_BIN=$TARGET/release/rasoat
fi
BIN=$RASOAT_BIN
rm -rf "$OUT" && mkdir -p "$OUT"
cd "$ROOT"

echo "== exports of corpus/ (as of $AS_OF) into $OUT"
for fmt in docx xlsx; do
  "$BIN" review corpus --as-of "$AS_OF" -q --format "$fmt" --output "$OUT/rasoat-corpus.$fmt"
  echo "  $OUT/rasoat-corpus.$fmt ($(stat -c %s "$OUT/rasoat-corpus.$fmt") bytes)"
done

echo "== render with LibreOffice"
if command -v libreoffice >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1; then
  for fmt in docx xlsx; do
    # A private profile: works as root and beside a running LibreOffice.
    libreoffice -env:UserInstallation="file://$OUT/lo-profile" --headless \
      --convert-to pdf --outdir "$OUT" "$OUT/rasoat-corpus.$fmt" >/dev/null 2>&1 || true
    if [ -f "$OUT/rasoat-corpus.pdf" ]; then
      mv "$OUT/rasoat-corpus.pdf" "$OUT/rasoat-corpus-$fmt.pdf"
      pages=$(pdfinfo "$OUT/rasoat-corpus-$fmt.pdf" 2>/dev/null | awk '/^Pages:/{print $2}')
      pdftoppm -png -r 80 -f 1 -l 1 "$OUT/rasoat-corpus-$fmt.pdf" "$OUT/rasoat-corpus-$fmt-page"
      echo "  $fmt: $OUT/rasoat-corpus-$fmt.pdf (${pages:-?} pages), page 1: $(ls "$OUT"/rasoat-corpus-$fmt-page*.png)"
    else
      echo "  $fmt: LibreOffice produced no PDF"
    fi
  done
  fc-match "Times New Roman" 2>/dev/null | sed 's/^/  Times New Roman is rendered with: /' || true
else
  echo "  skipped: libreoffice and/or pdftoppm not installed"
  echo "  (Debian: apt-get update && apt-get install -y libreoffice-writer libreoffice-calc poppler-utils fonts-liberation2)"
fi

echo "== export time beyond the review"
if [ -d "$EXT" ]; then
  best() { # best wall time of 3 runs, in seconds
    local b=999
    for _ in 1 2 3; do
      local s e
      s=$(date +%s.%N)
      "$BIN" review corpus "$EXT" --as-of "$AS_OF" -q "$@" >/dev/null
      e=$(date +%s.%N)
      b=$(python3 -c "print(min($b, $e - $s))")
    done
    echo "$b"
  }
  j=$(best --format json --output "$OUT/ext.json")
  x=$(best --format xlsx --output "$OUT/ext.xlsx")
  d=$(best --format docx --output "$OUT/ext.docx")
  python3 - "$OUT" "$j" "$x" "$d" <<'PY'
import json, os, sys
out, j, x, d = sys.argv[1], *map(float, sys.argv[2:])
s = json.load(open(f"{out}/ext.json"))["summary"]
print(f"  review corpus/ + corpus-ext: {s['documents']} documents, {s['provisions']} provisions, {s['findings']} findings")
print(f"  --format json : {j:.2f} s")
print(f"  --format xlsx : {x:.2f} s  (+{x - j:.2f} s; {os.path.getsize(out + '/ext.xlsx')} bytes)")
print(f"  --format docx : {d:.2f} s  (+{d - j:.2f} s; {os.path.getsize(out + '/ext.docx')} bytes)")
PY
  echo "  ($(nproc) cores; $BIN)"
else
  echo "  skipped: $EXT not found"
fi
