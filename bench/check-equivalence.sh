#!/usr/bin/env bash
# The corpus selection of `rasoat check` (national data-set laws the drafts do not cite are left
# out) must not change any finding: compare the default with --full-corpus on several drafts
# against the real corpus (corpus/ + ../shared/corpus-ext). Exit 1 on any difference.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-/tmp/rasoat-bench-check-eq}
BIN=$PWD/target/release/rasoat
cargo build --release --bin rasoat >/dev/null 2>&1 || cargo build --release --bin rasoat
rm -rf "$WORK" && mkdir -p "$WORK"
cp -r corpus "$WORK/corpus"
[ -d ../shared/corpus-ext ] && cp -r ../shared/corpus-ext "$WORK/corpus/ext"
cd "$WORK"
status=0
for d in "$OLDPWD"/tests/fixtures/check/drafts/*.md "$OLDPWD"/bench/check-drafts/*.md; do
  for mode in "" "--full-corpus"; do
    "$BIN" check -v --as-of 2026-11-28 --fail-on never --format json $mode "$d" 2>"err$mode.log" \
      | jq -S '[.findings[] | {rule, severity, message, location: {line: .location.line, column: .location.column}, related: [.related[] | {file, line}]}]' > "out$mode.json"
  done
  n=$(jq length out.json)
  sel=$(grep -o '[0-9]* selected' err.log || true)
  if diff -q out.json out--full-corpus.json >/dev/null; then
    echo "same   $(basename "$d"): $n findings ($sel of $(grep -o '[0-9]* docs' err.log))"
  else
    echo "DIFFER $(basename "$d")"; diff out.json out--full-corpus.json | head -20; status=1
  fi
done
exit $status
