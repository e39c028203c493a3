#!/usr/bin/env python3
"""Reviewer query set on the real provincial documents (corpus-prov): rasoat search vs SQLite FTS5.

Each query in queries.tsv has one gold clause (file + 1-based inclusive line range). A hit is
correct when it is in the gold file, its line range overlaps the gold range, and it is not longer
than max(40 lines, 3 x gold length): a 600-line "provision" that happens to contain the clause is
not an answer.

rasoat: `rasoat index --index DIR --rebuild --quiet <the .md files>` into a temp dir, then one batch
`rasoat search --index DIR --queries FILE --format jsonl --limit 10` (hit fields file/line/end_line,
per-query `took_us`). Also times ~20 single `rasoat search` invocations (process wall time).
FTS5 peer: "plain blank-line blocks" of the same files (split at blank lines and at lines that are
only `|`, capped at 25 lines), tokenizer unicode61 remove_diacritics 2, bm25, the query's words
OR-ed (each token quoted).

Usage: bench/reviewer/run.py [--bin target/release/rasoat] [--corpus ../shared/corpus-prov]
       [--kind K] [--show-misses] [--json OUT] [--work DIR] [--singles 20]
Python 3.11 stdlib only.
"""
import argparse
import csv
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
KINDS = ["short-nodiac", "short-diac", "question", "agency-task", "number", "paraphrase"]
BLOCK_CAP = 25


def one_line(s):
    return re.sub(r"\s+", " ", s).strip()


def load_queries(path):
    rows = []
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            r["line_start"], r["line_end"] = int(r["line_start"]), int(r["line_end"])
            rows.append(r)
    return rows


def corpus_files(corpus):
    return sorted(os.path.join(corpus, n) for n in os.listdir(corpus)
                  if n.endswith(".md") and n != "SOURCES.md")


def pct(xs, p):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, int(round(p / 100.0 * (len(xs) - 1)))))
    return xs[k]


def correct(hit, q):
    """hit = (basename, start, end)."""
    f, s, e = hit[:3]
    if f != q["file"] or s is None or e is None:
        return False
    gs, ge = q["line_start"], q["line_end"]
    if e < gs or s > ge:
        return False
    return (e - s + 1) <= max(40, 3 * (ge - gs + 1))


def rank_of_first_correct(hits, q):
    for i, h in enumerate(hits[:10]):
        if correct(h, q):
            return i + 1
    return None


def score(ranks):
    n = len(ranks)
    if not n:
        return {"n": 0, "R@1": float("nan"), "R@5": float("nan"), "R@10": float("nan"), "MRR@10": float("nan")}
    return {"n": n,
            "R@1": sum(1 for r in ranks if r and r <= 1) / n,
            "R@5": sum(1 for r in ranks if r and r <= 5) / n,
            "R@10": sum(1 for r in ranks if r and r <= 10) / n,
            "MRR@10": sum(1.0 / r for r in ranks if r) / n}


# ---------------------------------------------------------------- rasoat

def run_binary(args, timeout=600):
    """Run, retrying for a while if the binary is missing (it may be rebuilt under us)."""
    for attempt in range(30):
        if os.path.exists(args[0]):
            try:
                return subprocess.run(args, capture_output=True, text=True, timeout=timeout)
            except (FileNotFoundError, PermissionError, OSError):
                pass
        time.sleep(2)
    sys.exit(f"binary not available: {args[0]}")


def parse_hits(r):
    hits = []
    for h in r.get("hits", []):
        path = h.get("file") or h.get("document") or ""
        s, e = h.get("line"), h.get("end_line", h.get("line"))
        hits.append((os.path.basename(path), s, e, h.get("label", "")))
    return hits


def run_rasoat(binary, files, queries, work, singles):
    idx = os.path.join(work, "index")
    t0 = time.perf_counter()
    p = run_binary([binary, "index", "--index", idx, "--rebuild", "--quiet"] + files)
    index_s = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"rasoat index failed:\n{p.stderr[:3000]}")
    qfile = os.path.join(work, "queries.txt")
    with open(qfile, "w", encoding="utf-8") as f:
        for q in queries:
            f.write(one_line(q["query"]) + "\n")
    t0 = time.perf_counter()
    p = run_binary([binary, "search", "--index", idx, "--queries", qfile, "--format", "jsonl", "--limit", "10"])
    batch_s = time.perf_counter() - t0
    lines = [l for l in p.stdout.splitlines() if l.strip()]
    if p.returncode != 0 or len(lines) != len(queries):
        sys.exit(f"rasoat search: rc={p.returncode}, {len(lines)} output lines for {len(queries)} queries\n{p.stderr[:3000]}")
    results, lat = [], []
    for line in lines:
        r = json.loads(line)
        if "took_us" in r:
            lat.append(r["took_us"] / 1000.0)
        results.append({"hits": parse_hits(r), "mode": r.get("mode")})
    # Single invocations: process wall time (includes start-up and opening the index).
    single_ms = []
    step = max(1, len(queries) // max(1, singles)) if singles else 0
    for q in (queries[::step][:singles] if singles else []):
        t = time.perf_counter()
        run_binary([binary, "search", "--index", idx, "--format", "jsonl", "--limit", "10", one_line(q["query"])])
        single_ms.append((time.perf_counter() - t) * 1000.0)
    return results, {"index_s": index_s, "batch_s": batch_s, "lat": lat, "single_ms": single_ms}


# ---------------------------------------------------------------- FTS5 peer

def blocks(path):
    """Plain blank-line blocks: split at blank lines and `|`-only lines, cap at BLOCK_CAP lines."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    out, cur, start = [], [], None
    for i, l in enumerate(lines, 1):
        if l.strip() in ("", "|"):
            if cur:
                out.append((start, i - 1, "\n".join(cur)))
            cur, start = [], None
            continue
        if start is None:
            start = i
        cur.append(l)
        if len(cur) >= BLOCK_CAP:
            out.append((start, i, "\n".join(cur)))
            cur, start = [], None
    if cur:
        out.append((start, start + len(cur) - 1, "\n".join(cur)))
    return out


def fts5_open(db):
    con = sqlite3.connect(db)
    con.execute("CREATE VIRTUAL TABLE b USING fts5(file UNINDEXED, s UNINDEXED, e UNINDEXED, body, "
                "tokenize='unicode61 remove_diacritics 2')")
    return con


def fts5_query(con, q, limit=10):
    toks = re.findall(r"\w+", q)  # drops FTS5 syntax characters (/ - " * : ( ) ...)
    if not toks:
        return []
    m = " OR ".join('"%s"' % w.replace('"', '""') for w in toks)
    rows = con.execute("SELECT file, s, e FROM b WHERE b MATCH ? ORDER BY bm25(b) LIMIT ?", (m, limit)).fetchall()
    return [(r[0], int(r[1]), int(r[2]), "") for r in rows]


def run_fts5(files, queries, work):
    db = os.path.join(work, "fts5.db")
    if os.path.exists(db):
        os.remove(db)
    t0 = time.perf_counter()
    con = fts5_open(db)
    nblocks = 0
    for p in files:
        bs = blocks(p)
        nblocks += len(bs)
        con.executemany("INSERT INTO b VALUES (?,?,?,?)", [(os.path.basename(p), s, e, t) for s, e, t in bs])
    con.commit()
    index_s = time.perf_counter() - t0
    results, lat = [], []
    for q in queries:
        t = time.perf_counter()
        hits = fts5_query(con, one_line(q["query"]))
        lat.append((time.perf_counter() - t) * 1000.0)
        results.append({"hits": hits})
    con.close()
    return results, {"index_s": index_s, "lat": lat, "blocks": nblocks}


# ---------------------------------------------------------------- report

def table(queries, r_ranks, f_ranks):
    groups = [("all", list(range(len(queries))))]
    for k in KINDS:
        ids = [i for i, q in enumerate(queries) if q["kind"] == k]
        if ids:
            groups.append((k, ids))
    rows = []
    hdr = (f"{'kind':<13} {'n':>3} | {'rasoat R@1':>10} {'R@5':>5} {'R@10':>5} {'MRR@10':>6} | "
           f"{'FTS5 R@1':>8} {'R@5':>5} {'R@10':>5} {'MRR@10':>6} | {'ΔMRR':>6}")
    lines = [hdr, "-" * len(hdr)]
    for name, ids in groups:
        a = score([r_ranks[i] for i in ids])
        b = score([f_ranks[i] for i in ids])
        rows.append({"kind": name, "rasoat": a, "fts5": b, "delta_mrr10": a["MRR@10"] - b["MRR@10"]})
        lines.append(f"{name:<13} {a['n']:>3} | {a['R@1']:>10.3f} {a['R@5']:>5.3f} {a['R@10']:>5.3f} {a['MRR@10']:>6.3f} | "
                     f"{b['R@1']:>8.3f} {b['R@5']:>5.3f} {b['R@10']:>5.3f} {b['MRR@10']:>6.3f} | {a['MRR@10'] - b['MRR@10']:>+6.3f}")
    return "\n".join(lines), rows


def short(f):
    return f[:-3] if f.endswith(".md") else f


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default_bin = os.path.join(ROOT, "target", "release", "rasoat")
    ap.add_argument("--bin", default=default_bin)
    ap.add_argument("--corpus", default=os.path.abspath(os.path.join(ROOT, "..", "shared", "corpus-prov")))
    ap.add_argument("--queries", default=os.path.join(HERE, "queries.tsv"))
    ap.add_argument("--kind", help="only queries of this kind (" + ", ".join(KINDS) + ")")
    ap.add_argument("--show-misses", action="store_true", help="print each rasoat miss with gold and rasoat's top 3")
    ap.add_argument("--json", help="write machine-readable results to this file")
    ap.add_argument("--work", help="work dir (default: a temp dir, removed afterwards)")
    ap.add_argument("--singles", type=int, default=20, help="number of single `rasoat search` runs to time")
    args = ap.parse_args()

    binary = os.path.abspath(args.bin)
    queries = load_queries(args.queries)
    if args.kind:
        queries = [q for q in queries if q["kind"] == args.kind]
        if not queries:
            sys.exit(f"no queries of kind {args.kind!r}")
    files = corpus_files(args.corpus)
    names = {os.path.basename(p) for p in files}
    for q in queries:
        if q["file"] not in names:
            sys.exit(f"{q['id']}: gold file {q['file']} not in {args.corpus}")

    work = args.work or tempfile.mkdtemp(prefix="rasoat-reviewer-")
    os.makedirs(work, exist_ok=True)
    try:
        r_res, r_sp = run_rasoat(binary, files, queries, work, args.singles)
        f_res, f_sp = run_fts5(files, queries, work)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)

    r_ranks = [rank_of_first_correct(r["hits"], q) for r, q in zip(r_res, queries)]
    f_ranks = [rank_of_first_correct(r["hits"], q) for r, q in zip(f_res, queries)]

    nfiles = len({q["file"] for q in queries})
    print(f"Reviewer queries: {len(queries)} over {nfiles} documents; corpus {len(files)} files "
          f"({f_sp['blocks']} FTS5 blocks)")
    print("A hit counts when it is in the gold file, overlaps the gold lines and is <= max(40, 3 x gold) lines long.\n")
    txt, rows = table(queries, r_ranks, f_ranks)
    print(txt)

    top1 = [r["hits"][0][2] - r["hits"][0][1] + 1 for r in r_res
            if r["hits"] and r["hits"][0][1] is not None and r["hits"][0][2] is not None]
    gold_len = [q["line_end"] - q["line_start"] + 1 for q in queries]
    print(f"\nrasoat top-1 hit length (lines): avg {statistics.mean(top1) if top1 else float('nan'):.1f}, "
          f"max {max(top1) if top1 else 0}   (gold clauses: avg {statistics.mean(gold_len):.1f}, max {max(gold_len)})")
    wrong_doc = sum(1 for r, q in zip(r_res, queries) if r["hits"] and r["hits"][0][0] != q["file"])
    too_long = sum(1 for r, q in zip(r_res, queries) if r["hits"] and r["hits"][0][0] == q["file"]
                   and not correct(r["hits"][0][:3], q)
                   and not (r["hits"][0][2] < q["line_start"] or r["hits"][0][1] > q["line_end"]))
    print(f"rasoat top-1 misses: wrong document {wrong_doc}, right document but too long {too_long}, "
          f"no hits {sum(1 for r in r_res if not r['hits'])}")
    sp = {
        "rasoat": {"index_s": r_sp["index_s"], "batch_s": r_sp["batch_s"],
                   "p50_ms": pct(r_sp["lat"], 50), "p99_ms": pct(r_sp["lat"], 99),
                   "single_p50_ms": pct(r_sp["single_ms"], 50), "single_p99_ms": pct(r_sp["single_ms"], 99),
                   "singles": len(r_sp["single_ms"])},
        "fts5": {"index_s": f_sp["index_s"], "p50_ms": pct(f_sp["lat"], 50), "p99_ms": pct(f_sp["lat"], 99)},
    }
    a, b = sp["rasoat"], sp["fts5"]
    print("\nLatency per query (ms)")
    print(f"{'':<34} {'p50':>8} {'p99':>8}")
    print(f"{'rasoat (in-process took_us)':<34} {a['p50_ms']:>8.2f} {a['p99_ms']:>8.2f}")
    print(f"{'rasoat (single process, n=%d)' % a['singles']:<34} {a['single_p50_ms']:>8.2f} {a['single_p99_ms']:>8.2f}")
    print(f"{'FTS5 (MATCH in this process)':<34} {b['p50_ms']:>8.2f} {b['p99_ms']:>8.2f}")
    print(f"rasoat index {a['index_s']:.2f} s, batch of {len(queries)} queries {a['batch_s']:.2f} s wall; "
          f"FTS5 index {b['index_s']:.2f} s")

    if args.show_misses:
        print("\nrasoat misses (gold, then rasoat top 3 as file:lines [label]; FTS5 rank in brackets)")
        for q, r, rr, fr in zip(queries, r_res, r_ranks, f_ranks):
            if rr == 1:
                continue
            status = f"rank {rr}" if rr else "not in top 10"
            print(f"\n{q['id']} ({q['kind']}, {status}; FTS5 {'rank %d' % fr if fr else 'miss'}): {q['query']}")
            print(f"  gold   {short(q['file'])}:{q['line_start']}-{q['line_end']}  ({q['note']})")
            for i, h in enumerate(r["hits"][:3], 1):
                mark = "*" if correct(h[:3], q) else " "
                print(f"  {i}.{mark}   {short(h[0])}:{h[1]}-{h[2]} ({(h[2] or 0) - (h[1] or 0) + 1} lines) {h[3]}")
            if not r["hits"]:
                print("  (no hits)")

    if args.json:
        out = {"queries": len(queries), "documents": nfiles, "binary": binary, "corpus": os.path.abspath(args.corpus),
               "scores": rows, "speed": sp,
               "rasoat_top1_lines": {"avg": statistics.mean(top1) if top1 else None, "max": max(top1) if top1 else None},
               "per_query": [{"id": q["id"], "kind": q["kind"], "query": q["query"],
                              "gold": [q["file"], q["line_start"], q["line_end"]],
                              "rasoat_rank": rr, "fts5_rank": fr,
                              "rasoat_top3": [list(h) for h in r["hits"][:3]],
                              "fts5_top3": [list(h[:3]) for h in f["hits"][:3]]}
                             for q, r, f, rr, fr in zip(queries, r_res, f_res, r_ranks, f_ranks)]}
        with open(args.json, "w", encoding="utf-8") as fo:
            json.dump(out, fo, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
