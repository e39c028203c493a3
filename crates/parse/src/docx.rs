//! Word `.docx` (zip + quick-xml): the text of each `w:p` (runs joined, tabs kept, table
//! cells as their own paragraphs), with Word's automatic numbering rebuilt from
//! `word/numbering.xml` (`Điều %1.`, `%1.`, `%2)` with decimal / letter / Roman formats)
//! so auto-numbered Điều / khoản / điểm are recognised.
//!
//! Numbering attached through a paragraph style (`w:pStyle` whose style in `styles.xml` has a
//! `w:numPr`) is followed too (one level: no `w:basedOn` chains).
//! Not supported: `w:lvlRestart`, legal-style numbering; tracked-change deletions are dropped,
//! text boxes, footnotes and headers/footers are not read. Word's `lowerLetter` produces
//! Latin letters (a b c d e f …), not the Vietnamese `đ`.
//!
//! Positions: a .docx is compressed, so spans refer to the document's paragraph text
//! (paragraphs joined by newlines; line N = paragraph N, numbering labels included).

use crate::lines::{Brk, split_plain};
use crate::structure::{self, Articles, SrcText};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use rasoat_model::{Document, Format};
use std::collections::HashMap;
use std::io::{Cursor, Read};

use crate::legacy::{self, Legacy};
use crate::limits::{Depth, MAX_INFLATED};

#[derive(Clone, Debug, Default)]
struct Level {
    start: u32,
    fmt: String,
    text: String,
}

#[derive(Default)]
struct Numbering {
    /// abstractNumId → levels
    abstracts: HashMap<String, Vec<Level>>,
    /// numId → (abstractNumId, start overrides per level)
    nums: HashMap<String, (String, HashMap<usize, u32>)>,
}

#[allow(deprecated)] // unescape_value is enough for attribute values we read (ids, numbers, lvlText)
fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

fn read_part(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, String> {
    let f = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("corrupt .docx: cannot open {name}: {e}")),
    };
    // Inflate at most the limit (plus one byte to tell): a zip bomb stops here.
    let mut s = String::new();
    f.take(MAX_INFLATED + 1)
        .read_to_string(&mut s)
        .map_err(|e| format!("corrupt .docx: cannot read {name}: {e}"))?;
    if s.len() as u64 > MAX_INFLATED {
        return Err(format!(
            "{name} inflates to more than {} MB (a zip bomb?): not read",
            MAX_INFLATED >> 20
        ));
    }
    Ok(Some(s))
}

fn parse_numbering(xml: &str) -> Result<Numbering, String> {
    let mut n = Numbering::default();
    let mut r = Reader::from_str(xml);
    let mut abs: Option<String> = None;
    let mut lvl: Option<usize> = None;
    let mut num: Option<String> = None;
    let mut ovr_lvl: Option<usize> = None;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| format!("corrupt .docx: numbering.xml: {e}"))?;
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.name();
                match name.as_ref() {
                    "w:abstractNum" => abs = attr(e, "w:abstractNumId"),
                    "w:lvl" if abs.is_some() => {
                        let i: usize = attr(e, "w:ilvl")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(0)
                            .min(9);
                        lvl = Some(i);
                        let levels = n
                            .abstracts
                            .entry(abs.clone().unwrap_or_default())
                            .or_default();
                        if levels.len() <= i {
                            levels.resize(
                                i + 1,
                                Level {
                                    start: 1,
                                    ..Default::default()
                                },
                            );
                        }
                    }
                    "w:start" | "w:numFmt" | "w:lvlText" if lvl.is_some() => {
                        if let (Some(a), Some(i)) = (&abs, lvl) {
                            let v = attr(e, "w:val").unwrap_or_default();
                            if let Some(l) = n.abstracts.get_mut(a).and_then(|ls| ls.get_mut(i)) {
                                match name.as_ref() {
                                    "w:start" => l.start = v.parse().unwrap_or(1),
                                    "w:numFmt" => l.fmt = v,
                                    _ => l.text = v,
                                }
                            }
                        }
                    }
                    "w:num" => {
                        num = attr(e, "w:numId");
                        if let Some(id) = &num {
                            n.nums.entry(id.clone()).or_default();
                        }
                    }
                    "w:abstractNumId" => {
                        if let (Some(id), Some(v)) = (&num, attr(e, "w:val")) {
                            n.nums.entry(id.clone()).or_default().0 = v;
                        }
                    }
                    "w:lvlOverride" => ovr_lvl = attr(e, "w:ilvl").and_then(|v| v.parse().ok()),
                    "w:startOverride" => {
                        if let (Some(id), Some(i), Some(v)) =
                            (&num, ovr_lvl, attr(e, "w:val").and_then(|v| v.parse().ok()))
                        {
                            n.nums.entry(id.clone()).or_default().1.insert(i, v);
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "w:abstractNum" => abs = None,
                "w:lvl" => lvl = None,
                "w:num" => num = None,
                "w:lvlOverride" => ovr_lvl = None,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(n)
}

fn fmt_num(v: u32, fmt: &str) -> String {
    let letters = |upper: bool| {
        // a..z, then aa, bb … like Word.
        let k = (v.max(1) - 1) as usize;
        let c = (b'a' + (k % 26) as u8) as char;
        let s: String = std::iter::repeat_n(c, k / 26 + 1).collect();
        if upper { s.to_uppercase() } else { s }
    };
    match fmt {
        "lowerLetter" => letters(false),
        "upperLetter" => letters(true),
        "upperRoman" => crate::markers::to_roman(v),
        "lowerRoman" => crate::markers::to_roman(v).to_lowercase(),
        "decimalZero" => format!("{v:02}"),
        "bullet" => "-".into(),
        "none" => String::new(),
        _ => v.to_string(),
    }
}

/// Word list counters, one set per numId.
struct Counters<'n> {
    numbering: &'n Numbering,
    state: HashMap<String, Vec<Option<u32>>>,
}

impl Counters<'_> {
    /// The label Word would print for a paragraph with this numId/ilvl.
    fn next(&mut self, num_id: &str, ilvl: usize) -> Option<String> {
        let (abs, overrides) = self.numbering.nums.get(num_id)?;
        let levels = self.numbering.abstracts.get(abs)?;
        let lv = levels.get(ilvl)?;
        let st = self
            .state
            .entry(num_id.to_string())
            .or_insert_with(|| vec![None; 10]);
        let ilvl = ilvl.min(9);
        let start = |i: usize| {
            overrides
                .get(&i)
                .copied()
                .unwrap_or_else(|| levels.get(i).map(|l| l.start).unwrap_or(1))
        };
        st[ilvl] = Some(st[ilvl].map(|v| v + 1).unwrap_or_else(|| start(ilvl)));
        for s in st.iter_mut().skip(ilvl + 1) {
            *s = None;
        }
        if lv.fmt == "bullet" {
            return Some("-".into());
        }
        let mut out = lv.text.clone();
        for k in (1..=9).rev() {
            let pat = format!("%{k}");
            if out.contains(&pat) {
                let i = k - 1;
                let v = st.get(i).copied().flatten().unwrap_or_else(|| start(i));
                let f = levels.get(i).map(|l| l.fmt.as_str()).unwrap_or("decimal");
                out = out.replace(&pat, &fmt_num(v, f));
            }
        }
        Some(out)
    }
}

fn general_ref(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let n = name.strip_prefix('#')?;
            let v = match n.strip_prefix('x') {
                Some(h) => u32::from_str_radix(h, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(v)
        }
    }
}

/// Paragraph styles that carry numbering: styleId → (numId, ilvl).
fn parse_styles(xml: &str) -> Result<HashMap<String, (String, usize)>, String> {
    let mut out = HashMap::new();
    let mut r = Reader::from_str(xml);
    let mut style: Option<String> = None;
    let mut num: (Option<String>, usize) = (None, 0);
    loop {
        match r
            .read_event()
            .map_err(|e| format!("corrupt .docx: styles.xml: {e}"))?
        {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "w:style" => {
                    style = attr(&e, "w:styleId");
                    num = (None, 0);
                }
                "w:numId" if style.is_some() => num.0 = attr(&e, "w:val"),
                "w:ilvl" if style.is_some() => {
                    num.1 = attr(&e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(0)
                }
                _ => {}
            },
            Event::End(e) if e.name().as_ref() == "w:style" => {
                if let (Some(st), Some(n)) = (style.take(), num.0.take()) {
                    out.insert(st, (n, num.1));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The paragraphs of `word/document.xml`, numbering labels prepended.
fn paragraphs(
    xml: &str,
    numbering: &Numbering,
    styles: &HashMap<String, (String, usize)>,
) -> Result<Vec<String>, String> {
    let mut r = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut cur: Option<String> = None;
    let mut in_t = false;
    let mut num: (Option<String>, usize) = (None, 0);
    let mut pstyle: Option<String> = None;
    let mut counters = Counters {
        numbering,
        state: HashMap::new(),
    };
    let mut depth = Depth::default();
    // The current run's legacy font (.VnTime, VNI-Times) and its w:t text so far.
    let mut font: Option<(Legacy, bool)> = None;
    let mut run = String::new();
    loop {
        let ev = r
            .read_event()
            .map_err(|e| format!("corrupt .docx: word/document.xml: {e}"))?;
        match &ev {
            Event::Start(_) => depth.open("word/document.xml")?,
            Event::End(_) => depth.close(),
            _ => {}
        }
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(ev, Event::Empty(_));
                match e.name().as_ref() {
                    "w:r" => font = None,
                    "w:rFonts" => {
                        font = ["w:ascii", "w:hAnsi"]
                            .iter()
                            .find_map(|a| attr(e, a).and_then(|f| legacy::font_encoding(&f)))
                    }
                    "w:p" => {
                        if let Some(p) = cur.take() {
                            out.push(p); // unclosed paragraph (nested)
                        }
                        num = (None, 0);
                        pstyle = None;
                        if empty {
                            out.push(String::new());
                        } else {
                            cur = Some(String::new());
                        }
                    }
                    "w:t" if !empty => in_t = true,
                    "w:tab" => {
                        if let Some(c) = cur.as_mut() {
                            c.push('\t');
                        }
                    }
                    "w:br" | "w:cr" => {
                        if let Some(c) = cur.as_mut() {
                            c.push(' ');
                        }
                    }
                    "w:numId" => num.0 = attr(e, "w:val"),
                    "w:pStyle" => pstyle = attr(e, "w:val"),
                    "w:ilvl" => num.1 = attr(e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(0),
                    _ => {}
                }
            }
            Event::Text(t) if in_t => run.push_str(&t.xml10_content()),
            Event::GeneralRef(g) if in_t => {
                if let Some(ch) = general_ref(&g.xml10_content()) {
                    run.push(ch);
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "w:t" => {
                    in_t = false;
                    if let Some(c) = cur.as_mut() {
                        match font {
                            Some((enc, caps)) => c.push_str(&legacy::decode_run(&run, enc, caps)),
                            None => c.push_str(&run),
                        }
                    }
                    run.clear();
                }
                "w:p" => {
                    let mut p = cur.take().unwrap_or_default();
                    if num.0.is_none() {
                        // Numbering inherited from the paragraph style.
                        if let Some((id, lvl)) = pstyle.take().and_then(|st| styles.get(&st)) {
                            num = (Some(id.clone()), *lvl);
                        }
                    }
                    if let Some(id) = num.0.take().filter(|id| id != "0")
                        && let Some(label) = counters.next(&id, num.1).filter(|l| !l.is_empty())
                    {
                        p = format!("{label} {p}");
                    }
                    // Newlines inside a paragraph would break the one-line-per-paragraph map.
                    out.push(p.replace(['\n', '\r'], " "));
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(p) = cur {
        out.push(p);
    }
    Ok(out)
}

pub(crate) fn parse(path: &str, bytes: &[u8]) -> Result<Document, String> {
    if bytes.is_empty() {
        return Err("empty file (0 bytes)".into());
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("corrupt .docx (not a valid zip archive): {e}"))?;
    let doc = read_part(&mut zip, "word/document.xml")?
        .ok_or("not a .docx: the archive has no word/document.xml")?;
    let numbering = match read_part(&mut zip, "word/numbering.xml")? {
        Some(x) => parse_numbering(&x)?,
        None => Numbering::default(),
    };
    let styles = match read_part(&mut zip, "word/styles.xml")? {
        Some(x) => parse_styles(&x)?,
        None => HashMap::new(),
    };
    let mut paras = paragraphs(&doc, &numbering, &styles)?;
    if paras.iter().all(|p| p.trim().is_empty()) {
        return Err("empty document (no text in word/document.xml)".into());
    }
    let mut warnings = Vec::new();
    if doc.contains("\".Vn") || doc.contains("\".VN") || doc.contains("\"VNI-") {
        warnings.push("runs in TCVN3/VNI fonts (.VnTime, VNI-Times…) converted to Unicode".into());
    } else if let Some((enc, _)) = legacy::detect_mojibake(&paras.join("\n")) {
        // Legacy text whose font comes from a style: converted by content.
        for p in &mut paras {
            if legacy::detect_mojibake(p).is_some() {
                *p = legacy::decode_run(p, enc, false);
            }
        }
        warnings.push(format!(
            "text in the legacy {} encoding converted to Unicode (by content)",
            enc.name()
        ));
    }
    let text = paras.join("\n");
    let mut lines = split_plain(&text, 0, false);
    for l in &mut lines {
        l.brk = Brk::Para; // every w:p is a paragraph of its own
    }
    let src = SrcText::new(&text);
    let parsed = structure::build(&lines, &src, true, &Articles::default());
    let mut d = crate::finish(crate::source(path, Format::Docx, bytes), parsed);
    d.warnings.extend(warnings);
    Ok(d)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// A minimal .docx: `paras` are (text, Some((numId, ilvl)) for auto-numbered paragraphs).
    pub(crate) fn make_docx(
        paras: &[(&str, Option<(u32, u32)>)],
        numbering: Option<&str>,
    ) -> Vec<u8> {
        let mut body = String::new();
        for (t, n) in paras {
            body.push_str("<w:p>");
            if let Some((id, l)) = n {
                body.push_str(&format!("<w:pPr><w:numPr><w:ilvl w:val=\"{l}\"/><w:numId w:val=\"{id}\"/></w:numPr></w:pPr>"));
            }
            // Split the text over two runs to check that runs are joined.
            let mid = t
                .char_indices()
                .nth(t.chars().count() / 2)
                .map(|(i, _)| i)
                .unwrap_or(0);
            let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;");
            body.push_str(&format!("<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>{}</w:t></w:r></w:p>", esc(&t[..mid]), esc(&t[mid..])));
        }
        let doc = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
        );
        let mut buf = Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut buf);
            let o = zip::write::SimpleFileOptions::default();
            z.start_file("[Content_Types].xml", o).unwrap();
            z.write_all(b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>").unwrap();
            z.start_file("word/document.xml", o).unwrap();
            z.write_all(doc.as_bytes()).unwrap();
            if let Some(n) = numbering {
                z.start_file("word/numbering.xml", o).unwrap();
                z.write_all(n.as_bytes()).unwrap();
            }
            z.finish().unwrap();
        }
        buf.into_inner()
    }

    pub(crate) const NUMBERING: &str = r#"<?xml version="1.0"?><w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="Điều %1."/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl><w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#;

    #[test]
    fn docx_with_auto_numbering() {
        let b = make_docx(
            &[
                ("QUYẾT ĐỊNH", None),
                ("Về việc phân cấp & ủy quyền", None),
                ("Phạm vi điều chỉnh", Some((1, 0))),
                ("Quyết định này quy định việc phân cấp.", Some((1, 1))),
                ("Đối tượng:", Some((1, 1))),
                ("Sở Tư pháp;", Some((1, 2))),
                ("UBND cấp xã.", Some((1, 2))),
                ("Hiệu lực thi hành", Some((1, 0))),
                ("Quyết định này có hiệu lực từ ngày ký.", Some((1, 1))),
            ],
            Some(NUMBERING),
        );
        let d = parse("t.docx", &b).unwrap();
        assert_eq!(d.meta.title.as_deref(), Some("Về việc phân cấp & ủy quyền"));
        assert_eq!(
            d.find("dieu-1").unwrap().heading.as_deref(),
            Some("Phạm vi điều chỉnh")
        );
        assert_eq!(
            d.find("dieu-1.khoan-2.diem-b").unwrap().text,
            "UBND cấp xã."
        );
        assert_eq!(d.find("dieu-2.khoan-1").unwrap().span.line, 9);
        assert!(
            parse("bad.docx", b"PK\x03\x04garbage")
                .unwrap_err()
                .contains("corrupt .docx")
        );
    }

    #[test]
    fn numbering_through_paragraph_style() {
        let styles = r#"<w:styles xmlns:w="x"><w:style w:type="paragraph" w:styleId="Dieu"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style></w:styles>"#;
        let n = parse_numbering(NUMBERING).unwrap();
        let st = parse_styles(styles).unwrap();
        let doc = r#"<w:document xmlns:w="x"><w:body><w:p><w:pPr><w:pStyle w:val="Dieu"/></w:pPr><w:r><w:t>Phạm vi</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val="Dieu"/></w:pPr><w:r><w:t>Đối tượng</w:t></w:r></w:p></w:body></w:document>"#;
        assert_eq!(
            paragraphs(doc, &n, &st).unwrap(),
            ["Điều 1. Phạm vi", "Điều 2. Đối tượng"]
        );
    }
}
