#!/usr/bin/env bash
# What an index build costs, piece by piece, against SQLite FTS5 in the same run.
# On a data-set corpus (bench/retrieval/scale.py --mb 100 writes one), times:
#   - FTS5 (bench/retrieval/run.py's fts5_open, one thread) over the article texts;
#   - tantivy alone (crates/index/examples/index_floor.rs): the same article texts, no parse, no
#     extraction, nothing stored, with 1) folded syllables, 2) + folded bigrams, 3) + exact bigrams,
#     4) all three at two levels (rasoat's clause and article records);
#   - our analyzers alone (no tantivy);
#   - `rasoat index --rebuild --quiet` (the shipped build).
# CPU = user + system seconds (robust to other load); wall on an otherwise idle machine.
# Usage: bench/index/floor.sh DIR   (e.g. /tmp/rasoat-scale/100mb)
set -euo pipefail
cd "$(dirname "$0")/../.."
src=${1:?usage: bench/index/floor.sh DIR}
cargo build --release --locked -q
cargo build --release --locked -q --example index_floor -p rasoat-index
t=${CARGO_TARGET_DIR:-target}/release
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() { # label, command...
  local label=$1; shift
  rm -rf "$out/ix"
  /usr/bin/time -f "%e %U %S %M" -o "$out/time" "$@" > /dev/null
  read -r w u s m < "$out/time"
  printf "%-44s wall %6.1f s  cpu %6.1f s  rss %5d MB\n" "$label" "$w" "$(echo "$u + $s" | bc -l)" $((m / 1024))
}
run "SQLite FTS5 (peer)" python3 - "$src" "$out/fts5.db" <<'PY'
import sys, os
sys.path.insert(0, 'bench/retrieval')
import run
src, db = sys.argv[1], sys.argv[2]
con = run.fts5_open(db)
for f in sorted(os.listdir(src)):
    if f.endswith('.json'):
        con.executemany("INSERT INTO a VALUES (?,?,?)", run.alqac_articles(os.path.join(src, f)))
con.commit()
PY
run "our analyzers only (3 fields, 1 level)" "$t/examples/index_floor" "$src" "$out/ix" tokenize-only
run "tantivy: folded syllables, 1 level" "$t/examples/index_floor" "$src" "$out/ix" fold 2 1
run "tantivy: + folded bigrams, 1 level" "$t/examples/index_floor" "$src" "$out/ix" fold+bigram 2 1
run "tantivy: + exact bigrams, 1 level" "$t/examples/index_floor" "$src" "$out/ix" all 2 1
run "tantivy: all three, 2 levels" "$t/examples/index_floor" "$src" "$out/ix" all 2 2
run "rasoat index (shipped build)" "$t/rasoat" index --index "$out/ix" --rebuild --quiet "$src"
