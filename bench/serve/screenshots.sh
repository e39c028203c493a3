#!/usr/bin/env bash
# Screenshots of each workbench page for a person to look at (headless Chromium + chromedriver:
# pages need a session, so the browser logs in through WebDriver first).
# Usage: bench/serve/screenshots.sh [OUT_DIR] [CORPUS...]   (default bench/serve/screenshots, corpus/)
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${RASOAT_BIN:-${CARGO_TARGET_DIR:-target}/release/rasoat}
[ -x "$BIN" ] || cargo build --release --locked
OUT=${1:-bench/serve/screenshots}; shift || true
[ $# -gt 0 ] || set -- corpus
rm -rf "$OUT/.work"
python3 bench/serve/screenshots.py "$BIN" "$OUT" "$@"
rm -rf "$OUT/.work"
