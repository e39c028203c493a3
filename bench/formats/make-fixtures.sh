#!/usr/bin/env bash
# Builds tests/fixtures/formats/ from real documents in corpus/: each original as
# PDF (text layer), image-only PDF (scan), .doc, .docx, .docx in TCVN3 and VNI fonts,
# HTML (Word export and a portal page), and text in TCVN3 / VNI / Windows-1258.
# Run once; the results are committed so CI needs none of these tools.
# Needs (Debian): libreoffice-writer poppler-utils img2pdf python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=tests/fixtures/formats
rm -rf "$out" && mkdir -p "$out/orig"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Originals: one paragraph per line (the forms every converter keeps).
python3 - "$out/orig" <<'PY'
import re, sys, pathlib
out = pathlib.Path(sys.argv[1])
# A thông tư (Chương / Điều / khoản / điểm), from clean Markdown.
md = pathlib.Path("corpus/thong-tu-06-2026-TT-BVHTTDL-phan-cap.md").read_text()
lines = [re.sub(r"^#+\s*", "", l).replace("**", "").rstrip() for l in md.splitlines()]
(out / "thong-tu-06.txt").write_text("\n".join(lines).strip() + "\n")
# The seed plan (I. / 1. / a) / -), PDF text: hard-wrapped blocks joined into paragraphs.
raw = pathlib.Path("corpus/000_2baec7468303b666.txt").read_text()
paras = []
for block in re.split(r"\n\s*\n", raw):
    p = ""
    for l in block.splitlines():
        l = re.sub(r"\s+", " ", l).strip()
        if not l:
            continue
        if not p or re.search(r"\w-$", p):
            p += l
        else:
            p += " " + l
    if p and not p.isdigit():  # lone page numbers of the PDF text
        paras.append(p)
(out / "ke-hoach-seed.txt").write_text("\n\n".join(paras) + "\n")
PY

for f in "$out"/orig/*.txt; do
  b=$(basename "$f" .txt)
  cp "$f" "$tmp/$b.txt"
  for fmt in docx doc pdf; do
    soffice --headless --infilter="Text (encoded):UTF8,LF,,," --convert-to "$fmt" --outdir "$tmp" "$tmp/$b.txt" >/dev/null 2>&1
    cp "$tmp/$b.$fmt" "$out/$b.$fmt"
  done
  # Word's HTML export ("Save as web page").
  soffice --headless --convert-to "html:HTML (StarWriter)" --outdir "$tmp" "$tmp/$b.docx" >/dev/null 2>&1
  cp "$tmp/$b.html" "$out/$b.word.html"
done
# Image-only PDF (a scan, no text layer) of the plan: pages rendered black and white at
# 200 dpi (one scan keeps the fixtures small).
pdftoppm -r 200 -mono -png "$out/ke-hoach-seed.pdf" "$tmp/scan-page"
img2pdf "$tmp"/scan-page*.png -o "$out/ke-hoach-seed.scan.pdf"

python3 - "$out" <<'PY'
import html, re, sys, zipfile, pathlib
out = pathlib.Path(sys.argv[1])
def table(name):
    t = {}
    for l in pathlib.Path(f"crates/parse/data/{name}.tsv").read_text().splitlines():
        if l and not l.startswith("#"):
            c, h = l.split("\t")
            t[c] = bytes(int(x, 16) for x in h.split())
    return t
T3, VNI = table("tcvn3"), table("vni")
def enc(s, t):
    b = b""
    for c in s:
        b += t.get(c) or t.get(c.lower()) or c.encode("cp1252")
    return b
def runs_tcvn3(s):
    # Capitals without a TCVN3 code go in .VnTimeH runs (drawn as capitals).
    segs = []
    for c in s:
        h = c not in T3 and c.lower() in T3 and c != c.lower()
        if segs and segs[-1][0] == h:
            segs[-1][1] += c
        else:
            segs.append([h, c])
    return [(".VnTimeH" if h else ".VnTime", enc(t.lower() if h else t, T3).decode("cp1252")) for h, t in segs]
def runs_vni(s):
    return [("VNI-Times", enc(s, VNI).decode("cp1252"))]
# One run with its text: the properties may not cross into the next run.
run_re = re.compile(r"<w:r>(?:<w:rPr>((?:(?!</w:r>).)*?)</w:rPr>)?<w:t(?: [^>]*)?>([^<]*)</w:t></w:r>", re.S)
def legacy_docx(src, dst, runs):
    zin = zipfile.ZipFile(src)
    zout = zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED)
    for item in zin.infolist():
        data = zin.read(item.filename)
        if item.filename == "word/document.xml":
            def sub(m):
                rpr = re.sub(r"<w:rFonts[^>]*/>", "", m.group(1) or "")
                text = html.unescape(m.group(2))
                return "".join(
                    f'<w:r><w:rPr><w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:cs="{f}"/>{rpr}</w:rPr>'
                    f'<w:t xml:space="preserve">{html.escape(t, quote=False)}</w:t></w:r>'
                    for f, t in runs(text))
            data = run_re.sub(sub, data.decode()).encode()
        zout.writestr(item, data)
    zout.close()
for orig in sorted((out / "orig").glob("*.txt")):
    b = orig.stem
    text = orig.read_text()
    legacy_docx(out / f"{b}.docx", out / f"{b}.tcvn3.docx", runs_tcvn3)
    legacy_docx(out / f"{b}.docx", out / f"{b}.vni.docx", runs_vni)
    (out / f"{b}.vni.txt").write_bytes(enc(text, VNI))
    (out / f"{b}.tcvn3.txt").write_bytes(enc(text, T3))
    import unicodedata
    # Windows-1258: â ê ô ă ơ ư đ precomposed, the five tones as combining marks.
    tones = "\u0300\u0301\u0303\u0309\u0323"
    def cp1258(c):
        d = unicodedata.normalize("NFD", c)
        base = unicodedata.normalize("NFC", "".join(x for x in d if x not in tones))
        return base + "".join(x for x in d if x in tones)
    (out / f"{b}.cp1258.txt").write_bytes("".join(cp1258(c) for c in text).encode("cp1258"))
    # A page saved from a legal portal: site navigation, the document, a footer.
    body = "\n".join(f"<p>{html.escape(l)}</p>" if l.strip() else "<p><br></p>" for l in text.splitlines())
    (out / f"{b}.portal.html").write_text(f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{b}</title>
<script>var menu = 1;</script><style>p {{ margin: 0 }}</style></head><body>
<header><nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/vb">Văn bản pháp luật</a></li><li>Hỏi đáp</li></ul></nav></header>
<div class="breadcrumb">Trang chủ » Văn bản</div>
<main><article class="content">
{body}
</article></main>
<aside><h3>Văn bản liên quan</h3><ul><li>Nghị định 01/2025/NĐ-CP</li></ul></aside>
<footer>Cổng thông tin điện tử. Bản quyền thuộc về cơ quan.</footer>
</body></html>
""")
PY
# Converting the TCVN3 .docx to .doc gives a .doc whose runs are in .VnTime fonts.
for f in "$out"/*.tcvn3.docx; do
  b=$(basename "$f" .docx)
  cp "$f" "$tmp/$b.docx"
  soffice --headless --convert-to doc --outdir "$tmp" "$tmp/$b.docx" >/dev/null 2>&1
  cp "$tmp/$b.doc" "$out/$b.doc"
done
du -sh "$out"; ls -la "$out"
