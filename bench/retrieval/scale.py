#!/usr/bin/env python3
"""Scaled-corpus speed run: generate >= N MB of law text from the real data sets, index it with
`rasoat index` (under /usr/bin/time -v for peak RSS), then time the data sets' questions against it.

How the corpus is generated: every article of the four real corpora (ALQAC 2024, ALQAC 2022,
VLSP 2023, DRiLL subset) is split into sentences/lines; each synthetic article keeps a real
article's title line and length, with its body lines drawn at random (seeded) from the whole
pool of real lines. Synthetic laws (ALQAC JSON format, 300 articles, ~0.4 MB each) are written one
law per file under --out (default /tmp/rasoat-scale, never committed); one law per file so that
`rasoat index` reads files in parallel (the importer itself is linear: 34 MB of laws in one file
parse in 1.6 s). Vocabulary, line
lengths and term statistics are the real ones; the text is shuffled, so postings are realistic.

Usage: bench/retrieval/scale.py [--mb 1024] [--bin target/release/rasoat] [--fts5 [--fts5-questions 40]]
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run  # noqa: E402


def pool(data):
    lines, titles, lens = [], [], []
    for p in ["alqac/alqac2024/law.json", "alqac/alqac2022/law.json", "vlsp2023_lter/legal_passages.json"]:
        for law in json.load(open(os.path.join(data, p), encoding="utf-8")):
            for a in law["articles"]:
                parts = [x for x in a["text"].split("\n") if x.strip()]
                if not parts:
                    continue
                titles.append(parts[0])
                lens.append(max(1, len(parts) - 1))
                lines.extend(parts[1:])
    for law in json.load(open(os.path.join(data, "drill_alqac2026_subset/corpus_law_pub.json"), encoding="utf-8")):
        for a in law["content"]:
            parts = [x for x in a["content_Article"].split("\n") if x.strip()]
            lines.extend(parts)
    return lines, titles, lens


def generate(data, out, mb):
    os.makedirs(out, exist_ok=True)
    marker = os.path.join(out, f".generated-{mb}")
    if os.path.exists(marker):
        return
    for f in os.listdir(out):
        os.remove(os.path.join(out, f))
    rnd = random.Random(42)
    lines, titles, lens = pool(data)
    total, fno = 0, 0
    target = mb * 1_000_000
    while total < target:
        laws = []
        size = 0
        while not laws and total + size < target:
            law_no = len(laws)
            arts = []
            for i in range(300):
                t = rnd.randrange(len(titles))
                body = "\n".join(rnd.choice(lines) for _ in range(lens[t]))
                text = titles[t] + "\n\n" + body
                size += len(text.encode("utf-8"))
                arts.append({"id": str(i + 1), "text": text})
            laws.append({"id": f"Luật tổng hợp {fno}-{law_no}", "articles": arts})
        p = os.path.join(out, f"scaled-{fno:03d}.json")
        with open(p, "w", encoding="utf-8") as f:
            json.dump(laws, f, ensure_ascii=False)
        total += os.path.getsize(p)
        fno += 1
    open(marker, "w").write(str(total))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=1024)
    ap.add_argument("--bin", default=os.path.join(run.ROOT, "target/release/rasoat"))
    ap.add_argument("--data", default=os.path.abspath(os.path.join(run.ROOT, "..", "shared", "corpus-ext")))
    ap.add_argument("--out", default="/tmp/rasoat-scale")
    ap.add_argument("--index", default="/tmp/rasoat-scale-index")
    ap.add_argument("--fts5", action="store_true", help="also build and query an FTS5 table over the same text")
    ap.add_argument("--fts5-questions", type=int, default=40,
                    help="FTS5 answers only this many questions (evenly spaced): at 1 GB each takes seconds")
    args = ap.parse_args()
    src = os.path.join(args.out, f"{args.mb}mb")
    t0 = time.perf_counter()
    generate(args.data, src, args.mb)
    mb = sum(os.path.getsize(os.path.join(src, f)) for f in os.listdir(src) if f.endswith(".json")) / 1e6
    print(f"corpus: {mb:.0f} MB in {src} (generated/checked in {time.perf_counter() - t0:.0f}s)", flush=True)

    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v", args.bin, "index", "--index", args.index, "--rebuild", "--quiet", src],
                       capture_output=True, text=True)
    secs = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(p.stderr)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)) / 1024
    print(f"rasoat index: {secs:.1f}s, {mb / secs:.1f} MB/s, peak RSS {rss:.0f} MB", flush=True)

    sets, _ = run.load_sets(args.data)
    qs = [run.one_line(q) for _, _, _, qq in sets for q, _ in qq]
    qfile = os.path.join(args.out, "questions.txt")
    open(qfile, "w", encoding="utf-8").write("\n".join(qs) + "\n")
    t0 = time.perf_counter()
    p = subprocess.run([args.bin, "search", "--index", args.index, "--queries", qfile, "--format", "jsonl", "--limit", "10"],
                       capture_output=True, text=True)
    batch = time.perf_counter() - t0
    lat = [json.loads(l).get("took_us", 0) / 1000 for l in p.stdout.splitlines()]
    print(f"rasoat search: {len(lat)} queries, p50 {run.pct(lat, 50):.2f} ms, p99 {run.pct(lat, 99):.2f} ms, "
          f"batch {batch:.1f}s", flush=True)

    if args.fts5:
        db = os.path.join(args.out, "fts5.db")
        if os.path.exists(db):
            os.remove(db)
        t0 = time.perf_counter()
        con = run.fts5_open(db)
        for f in sorted(os.listdir(src)):
            if f.endswith(".json"):
                con.executemany("INSERT INTO a VALUES (?,?,?)", run.alqac_articles(os.path.join(src, f)))
        con.commit()
        fs = time.perf_counter() - t0
        step = max(1, len(qs) // max(1, args.fts5_questions))
        lat = []
        for q in qs[::step][:args.fts5_questions]:
            t = time.perf_counter()
            run.fts5_query(con, q)
            lat.append((time.perf_counter() - t) * 1000)
        print(f"FTS5: build {fs:.1f}s ({mb / fs:.1f} MB/s), {len(lat)} queries, p50 {run.pct(lat, 50):.2f} ms, p99 {run.pct(lat, 99):.2f} ms")


if __name__ == "__main__":
    main()
