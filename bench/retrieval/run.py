#!/usr/bin/env python3
"""Retrieval quality and speed of `rasoat search` vs SQLite FTS5 on the corpus-ext data sets.

For each data set: index the law file with `rasoat index`, write the training questions one per
line, run exactly `rasoat search --index DIR --queries FILE --format jsonl --limit 10`, and score
Recall@1/5/10 and MRR@10 at article level. The peer is SQLite FTS5 (unicode61 remove_diacritics 2,
bm25) over the same articles and questions, in the same run. Speed: index build MB/s of source
JSON, per-query latency p50/p99 (rasoat: in-process `took_us` of each JSONL line; FTS5: time of
each MATCH query in this process), and peak RSS of `rasoat index` via /usr/bin/time -v.

Usage: bench/retrieval/run.py [--bin target/release/rasoat] [--data ../shared/corpus-ext]
       [--work /tmp/rasoat-bench] [--only alqac2024,...]
"""
import argparse
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))


def alqac_articles(path):
    for law in json.load(open(path, encoding="utf-8")):
        for a in law["articles"]:
            yield str(law["id"]), str(a["id"]), a["text"]


def drill_articles(path):
    for law in json.load(open(path, encoding="utf-8")):
        for a in law["content"]:
            yield str(law["law_id"]), str(a["aid"]), a["content_Article"]


def drill_aid_map(path):
    """aid -> (law_id, article no.) with no. = aid - first aid + 1 (see SOURCES.md)."""
    m = {}
    for law in json.load(open(path, encoding="utf-8")):
        aids = [a["aid"] for a in law["content"]]
        first = min(aids)
        for aid in aids:
            m[aid] = (str(law["law_id"]), str(aid - first + 1))
    return m


def load_sets(data):
    sets = []
    # (name, law file, articles fn, questions [(text, [gold keys])])
    p = os.path.join(data, "alqac/alqac2024")
    qs = [(q["text"], [(r["law_id"], str(r["article_id"])) for r in q["relevant_articles"]])
          for q in json.load(open(os.path.join(p, "train.json"), encoding="utf-8"))]
    sets.append(("alqac2024", os.path.join(p, "law.json"), alqac_articles, qs))
    p = os.path.join(data, "alqac/alqac2022")
    qs = [(q["text"], [(r["law_id"], str(r["article_id"])) for r in q["relevant_articles"]])
          for q in json.load(open(os.path.join(p, "question.json"), encoding="utf-8"))]
    sets.append(("alqac2022", os.path.join(p, "law.json"), alqac_articles, qs))
    p = os.path.join(data, "vlsp2023_lter")
    qs = [(q["statement"], [(r["law_id"], str(r["article_id"])) for r in q["legal_passages"]])
          for q in json.load(open(os.path.join(p, "train.json"), encoding="utf-8"))]
    sets.append(("vlsp2023", os.path.join(p, "legal_passages.json"), alqac_articles, qs))
    p = os.path.join(data, "drill_alqac2026_subset")
    law = os.path.join(p, "corpus_law_pub.json")
    amap = drill_aid_map(law)
    qs = []
    for q in json.load(open(os.path.join(p, "drill_train_covered.json"), encoding="utf-8")):
        qs.append((q["question"], [(amap[a][0], str(a)) for a in q["relevant_laws"]]))
    sets.append(("drill", law, drill_articles, qs))
    return sets, amap


def one_line(s):
    return re.sub(r"\s+", " ", s).strip()


def score(ranked_lists, golds):
    """ranked_lists: per question, list of article keys (deduped, in order)."""
    r1 = r5 = r10 = mrr = 0.0
    for ranked, gold in zip(ranked_lists, golds):
        g = set(gold)
        if not g:
            continue
        top = ranked[:10]
        r1 += len(g & set(top[:1])) / len(g)
        r5 += len(g & set(top[:5])) / len(g)
        r10 += len(g & set(top[:10])) / len(g)
        for i, k in enumerate(top):
            if k in g:
                mrr += 1.0 / (i + 1)
                break
    n = len(golds)
    return {"R@1": r1 / n, "R@5": r5 / n, "R@10": r10 / n, "MRR@10": mrr / n}


def pct(xs, p):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, int(round(p / 100.0 * (len(xs) - 1)))))
    return xs[k]


def run_rasoat(binary, name, law, questions, work, amap):
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    idx = os.path.join(d, "index")
    qfile = os.path.join(d, "questions.txt")
    with open(qfile, "w", encoding="utf-8") as f:
        for q, _ in questions:
            f.write(one_line(q) + "\n")
    timecmd = ["/usr/bin/time", "-v"] if os.path.exists("/usr/bin/time") else []
    t0 = time.perf_counter()
    p = subprocess.run(timecmd + [binary, "index", "--index", idx, "--rebuild", "--quiet", law],
                       capture_output=True, text=True)
    build_s = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"rasoat index failed on {law}:\n{p.stderr}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    peak_mb = int(rss.group(1)) / 1024 if rss else float("nan")
    t0 = time.perf_counter()
    p = subprocess.run([binary, "search", "--index", idx, "--queries", qfile, "--format", "jsonl", "--limit", "10"],
                       capture_output=True, text=True)
    batch_s = time.perf_counter() - t0
    lines = p.stdout.splitlines()
    if len(lines) != len(questions):
        sys.exit(f"rasoat search: {len(lines)} output lines for {len(questions)} questions\n{p.stderr[:2000]}")
    ranked, lat = [], []
    for line in lines:
        r = json.loads(line)
        if "took_us" in r:
            lat.append(r["took_us"] / 1000.0)
        keys = []
        for h in r.get("hits", []):
            law_id, art = h.get("law_id"), h.get("article_id")
            if law_id is None or art is None:
                continue
            k = (law_id, str(art))
            if name == "drill":
                # Accept the data set's aid, or the article number the parser may derive from it.
                k = drill_key(k, amap)
            if k not in keys:
                keys.append(k)
        ranked.append(keys)
    return ranked, {"build_s": build_s, "peak_mb": peak_mb, "lat": lat, "batch_s": batch_s}


_REV = {}


def drill_key(k, amap):
    if not _REV:
        for aid, (law, no) in amap.items():
            _REV[(law, no)] = aid
    law, art = k
    try:
        if int(art) in amap and amap[int(art)][0] == law:
            return (law, art)
    except ValueError:
        pass
    aid = _REV.get((law, art))
    return (law, str(aid)) if aid is not None else k


def fts5_open(db):
    """FTS5 table `a(law_id, article_id, body)` in a new database file: unicode61, diacritics removed."""
    con = sqlite3.connect(db)
    con.execute("CREATE VIRTUAL TABLE a USING fts5(law_id UNINDEXED, article_id UNINDEXED, body, "
                "tokenize='unicode61 remove_diacritics 2')")
    return con


def fts5_query(con, q):
    """Top 10 (law_id, article_id) by bm25 for any word of `q`."""
    toks = re.findall(r"\w+", q)
    if not toks:
        return []
    m = " OR ".join('"%s"' % w for w in toks)
    rows = con.execute("SELECT law_id, article_id FROM a WHERE a MATCH ? ORDER BY bm25(a) LIMIT 10", (m,)).fetchall()
    return [(r[0], str(r[1])) for r in rows]


def run_fts5(name, law, articles_fn, questions, work):
    db = os.path.join(work, name, "fts5.db")
    if os.path.exists(db):
        os.remove(db)
    t0 = time.perf_counter()
    con = fts5_open(db)
    con.executemany("INSERT INTO a VALUES (?,?,?)", articles_fn(law))
    con.commit()
    build_s = time.perf_counter() - t0
    ranked, lat = [], []
    for q, _ in questions:
        t = time.perf_counter()
        keys = fts5_query(con, q)
        lat.append((time.perf_counter() - t) * 1000.0)
        ranked.append(keys)
    con.close()
    return ranked, {"build_s": build_s, "lat": lat}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target/release/rasoat"))
    ap.add_argument("--data", default=os.path.abspath(os.path.join(ROOT, "..", "shared", "corpus-ext")))
    ap.add_argument("--work", default="/tmp/rasoat-bench")
    ap.add_argument("--only", default="")
    ap.add_argument("--json", help="also write the results as JSON to this file")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    sets, amap = load_sets(args.data)
    only = set(filter(None, args.only.split(",")))
    rows = []
    for name, law, articles_fn, qs in sets:
        if only and name not in only:
            continue
        golds = [g for _, g in qs]
        mb = os.path.getsize(law) / 1e6
        r_rank, r_sp = run_rasoat(args.bin, name, law, qs, args.work, amap)
        f_rank, f_sp = run_fts5(name, law, articles_fn, qs, args.work)
        rows.append({
            "set": name, "questions": len(qs), "mb": mb,
            "rasoat": score(r_rank, golds), "fts5": score(f_rank, golds),
            "rasoat_speed": {"index_mb_s": mb / r_sp["build_s"], "index_s": r_sp["build_s"], "peak_mb": r_sp["peak_mb"],
                             "p50_ms": pct(r_sp["lat"], 50), "p99_ms": pct(r_sp["lat"], 99), "batch_s": r_sp["batch_s"]},
            "fts5_speed": {"index_mb_s": mb / f_sp["build_s"], "index_s": f_sp["build_s"],
                           "p50_ms": pct(f_sp["lat"], 50), "p99_ms": pct(f_sp["lat"], 99)},
        })
    print("\nRetrieval quality (article level; training questions)")
    print(f"{'set':<10} {'n':>4} | {'rasoat R@1':>10} {'R@5':>6} {'R@10':>6} {'MRR@10':>7} | {'FTS5 R@1':>9} {'R@5':>6} {'R@10':>6} {'MRR@10':>7} | {'ΔMRR':>6}")
    for r in rows:
        a, b = r["rasoat"], r["fts5"]
        print(f"{r['set']:<10} {r['questions']:>4} | {a['R@1']:>10.3f} {a['R@5']:>6.3f} {a['R@10']:>6.3f} {a['MRR@10']:>7.3f} | "
              f"{b['R@1']:>9.3f} {b['R@5']:>6.3f} {b['R@10']:>6.3f} {b['MRR@10']:>7.3f} | {a['MRR@10'] - b['MRR@10']:>+6.3f}")
    print("\nSpeed (index: MB/s of source JSON; latency per query in ms; rasoat peak RSS while indexing)")
    print(f"{'set':<10} {'MB':>5} | {'rasoat MB/s':>11} {'peak MB':>8} {'p50':>6} {'p99':>6} | {'FTS5 MB/s':>9} {'p50':>6} {'p99':>6} | {'rasoat batch s':>14}")
    for r in rows:
        a, b = r["rasoat_speed"], r["fts5_speed"]
        print(f"{r['set']:<10} {r['mb']:>5.1f} | {a['index_mb_s']:>11.1f} {a['peak_mb']:>8.0f} {a['p50_ms']:>6.2f} {a['p99_ms']:>6.2f} | "
              f"{b['index_mb_s']:>9.1f} {b['p50_ms']:>6.2f} {b['p99_ms']:>6.2f} | {a['batch_s']:>14.2f}")
    if args.json:
        json.dump(rows, open(args.json, "w"), indent=1)


if __name__ == "__main__":
    main()
