"""Make an N× copy of a corpus whose copies are distinct documents (for bench/review.sh).

Text/Markdown files: the number-symbol on the "Số:" line gets a copy suffix. JSON data sets:
every law id gets " #k" appended, so each copy is another law for the duplicate detector.
"""
import json, os, re, shutil, sys

ext, corpus, out, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

def copy_tree(src, dst, k):
    for root, _, files in os.walk(src):
        for f in files:
            p = os.path.join(root, f)
            rel = os.path.relpath(p, src)
            q = os.path.join(dst, rel)
            os.makedirs(os.path.dirname(q), exist_ok=True)
            if f.endswith(".json"):
                try:
                    data = json.load(open(p, encoding="utf-8"))
                except Exception:
                    shutil.copy(p, q)
                    continue
                def walk(x, depth=0):
                    if isinstance(x, dict):
                        for key in ("id", "law_id"):
                            # Law ids only (they have words); article ids ("5", "5a") stay.
                            v = x.get(key)
                            if isinstance(v, str) and re.search(r"[^\W\d_]{3,}", v):
                                x[key] = f"{v} #{k}"
                        for v in x.values():
                            walk(v, depth + 1)
                    elif isinstance(x, list):
                        for v in x:
                            walk(v, depth)
                walk(data)
                # A distinct text per copy (else the text-digest duplicate detector merges them).
                def mark(x):
                    if isinstance(x, dict):
                        if isinstance(x.get("text"), str):
                            x["text"] += f" (bản sao {k})"
                            return True
                        return any(mark(v) for v in x.values())
                    if isinstance(x, list):
                        done = False
                        for v in x:
                            if isinstance(v, dict) and "articles" in v:
                                mark(v["articles"][0] if v["articles"] else v)
                                done = True
                            elif not done and mark(v):
                                done = True
                                if not any(isinstance(w, dict) and "articles" in w for w in x):
                                    # passage lists: mark every passage's first text
                                    for w in x[1:]:
                                        mark(w)
                                    break
                        return done
                    return False
                mark(data)
                json.dump(data, open(q, "w", encoding="utf-8"), ensure_ascii=False, indent=4)
            elif f.endswith((".txt", ".md")) and f not in ("SOURCES.md", "README.md"):
                t = open(p, encoding="utf-8", errors="replace").read()
                t = re.sub(r"(Số:\s*\d+)", lambda m: f"{m.group(1)}{k:02d}", t, count=1)
                # Headerless plans (the seed): a distinct first line keeps the digest apart.
                t = f"{t}\nBản sao số {k}.\n"
                open(q, "w", encoding="utf-8").write(t)
            else:
                shutil.copy(p, q)

for k in range(n):
    copy_tree(ext, os.path.join(out, f"copy{k:02d}", "ext"), k)
    copy_tree(corpus, os.path.join(out, f"copy{k:02d}", "corpus"), k)
