#!/usr/bin/env python3
"""Re-score the four data sets' training questions against the indexes run.py left in --work,
with other ranking weights and no re-indexing: the loop used to tune `RASOAT_SEARCH_WEIGHTS`.

  bench/retrieval/run.py                      # once: builds the indexes, prints the FTS5 peer
  bench/retrieval/tune.py 0,1,0,0,1,0,0.5,0,2,0.1       # weights (see crates/index/src/query.rs)
  bench/retrieval/tune.py 0,1,0,0,1,0,0.5,0,2,0.1,-1    # same, cascade off
  bench/retrieval/tune.py --reindex           # rebuild the indexes first (env is passed through)

Prints MRR@10, R@10 and p99 per set, in one line per weight vector.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("weights", nargs="*", help="RASOAT_SEARCH_WEIGHTS values to try (none = built-in)")
    ap.add_argument("--bin", default=os.path.join(run.ROOT, "target/release/rasoat"))
    ap.add_argument("--data", default=os.path.abspath(os.path.join(run.ROOT, "..", "shared", "corpus-ext")))
    ap.add_argument("--work", default="/tmp/rasoat-bench")
    ap.add_argument("--reindex", action="store_true")
    args = ap.parse_args()
    sets, amap = run.load_sets(args.data)
    for name, law, _, qs in sets:
        d = os.path.join(args.work, name)
        if args.reindex or not os.path.isdir(os.path.join(d, "index")):
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "questions.txt"), "w", encoding="utf-8") as f:
                f.writelines(run.one_line(q) + "\n" for q, _ in qs)
            subprocess.run([args.bin, "index", "--index", os.path.join(d, "index"), "--rebuild", "--quiet", law], check=True)
    for w in args.weights or [None]:
        env = dict(os.environ)
        if w is not None:
            env["RASOAT_SEARCH_WEIGHTS"] = w
        cols = []
        for name, _, _, qs in sets:
            d = os.path.join(args.work, name)
            p = subprocess.run([args.bin, "search", "--index", os.path.join(d, "index"), "--queries",
                                os.path.join(d, "questions.txt"), "--format", "jsonl", "--limit", "10"],
                               capture_output=True, text=True, env=env, check=True)
            ranked, lat = [], []
            for line in p.stdout.splitlines():
                r = json.loads(line)
                lat.append(r.get("took_us", 0) / 1000)
                keys = []
                for h in r.get("hits", []):
                    k = (h.get("law_id"), str(h.get("article_id")))
                    if name == "drill":
                        k = run.drill_key(k, amap)
                    if k not in keys:
                        keys.append(k)
                ranked.append(keys)
            s = run.score(ranked, [g for _, g in qs])
            cols.append(f"{name} MRR@10 {s['MRR@10']:.4f} R@10 {s['R@10']:.3f} p99 {run.pct(lat, 99):.1f}")
        print(w or "built-in", "|", " | ".join(cols), flush=True)


if __name__ == "__main__":
    main()
