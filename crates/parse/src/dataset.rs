//! JSON data sets → one document per law, keeping the data set's law and article ids.
//!
//! * ALQAC / VLSP: `[{"id": law, "articles": [{"id": "5", "text": "title\n\nbody"}]}]`
//! * DRiLL (ALQAC 2026 corpus): `[{"id": n, "law_id": "91/2015/QH13", "content": [{"aid": 270,
//!   "content_Article": "body"}]}]`; article no. = aid − first aid + 1, article_id = the aid.
//! * vbpl crawl: `[{"short_title", "full_title": "Số: …", "intro": [lines],
//!   "content_layers": [{"title": "Điều N. …", "content": [lines]}]}]`
//!
//! Spans point into the JSON file: each article string is borrowed as a `RawValue`, so
//! its byte offset is known, and escapes are decoded with a map back to their bytes.

use crate::lines::{Allow, Brk, Line, push_piece, push_verbatim};
use crate::structure::{self, Articles, SrcText};
use rasoat_model::{Document, Format, MapPiece, Source};
use rayon::prelude::*;
use regex::Regex;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;
use std::sync::LazyLock;

#[derive(Deserialize)]
struct RawLaw<'a> {
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    law_id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    articles: Option<Vec<AlqacArticle<'a>>>,
    #[serde(borrow, default)]
    content: Option<Vec<DrillArticle<'a>>>,
    #[serde(borrow, default)]
    content_layers: Option<Vec<Layer<'a>>>,
    #[serde(borrow, default)]
    intro: Option<Vec<&'a RawValue>>,
    #[serde(borrow, default)]
    short_title: Option<&'a RawValue>,
    #[serde(borrow, default)]
    full_title: Option<&'a RawValue>,
    // Question / label files (ALQAC, VLSP, DRiLL) carry these instead of law texts.
    #[serde(default)]
    relevant_articles: Option<IgnoredAny>,
    #[serde(default)]
    relevant_laws: Option<IgnoredAny>,
    #[serde(default)]
    legal_passages: Option<IgnoredAny>,
    #[serde(default)]
    question: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct AlqacArticle<'a> {
    #[serde(borrow)]
    id: &'a RawValue,
    #[serde(borrow)]
    text: &'a RawValue,
}

#[derive(Deserialize)]
struct DrillArticle<'a> {
    #[serde(borrow)]
    aid: &'a RawValue,
    #[serde(borrow, rename = "content_Article")]
    content_article: &'a RawValue,
}

#[derive(Deserialize)]
struct Layer<'a> {
    #[serde(borrow, default)]
    title: Option<&'a RawValue>,
    #[serde(borrow, default)]
    content: Vec<&'a RawValue>,
}

/// A decoded JSON string with a map to its bytes in the file.
struct JStr {
    text: String,
    map: Vec<MapPiece>,
    start: usize,
    end: usize,
}

/// Decode a raw JSON value (string or number) located inside `file`.
fn jstr(file: &str, raw: &RawValue) -> Result<JStr, String> {
    let s = raw.get();
    let base = s.as_ptr() as usize - file.as_ptr() as usize;
    let end = base + s.len();
    if !s.starts_with('"') {
        // Numbers and other scalars: their literal text.
        return Ok(JStr {
            text: s.trim().to_string(),
            map: vec![MapPiece {
                text: 0,
                src: base as u32,
                src_len: s.len() as u32,
            }],
            start: base,
            end,
        });
    }
    let inner = &s[1..s.len().saturating_sub(1).max(1)];
    let ib = base + 1;
    let mut text = String::with_capacity(inner.len());
    let mut map = Vec::new();
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let j = memchr::memchr(b'\\', &bytes[i..])
            .map(|k| i + k)
            .unwrap_or(bytes.len());
        if j > i {
            push_verbatim(&mut map, &mut text, ib + i, &inner[i..j]);
        }
        if j >= bytes.len() {
            break;
        }
        let esc = *bytes.get(j + 1).ok_or("bad escape at end of string")?;
        let t0 = text.len() as u32;
        let (len, c) = match esc {
            b'n' => (2, '\n'),
            b't' => (2, '\t'),
            b'r' => (2, '\r'),
            b'b' => (2, '\u{8}'),
            b'f' => (2, '\u{c}'),
            b'"' => (2, '"'),
            b'\\' => (2, '\\'),
            b'/' => (2, '/'),
            b'u' => {
                let hex = |k: usize| {
                    inner
                        .get(k..k + 4)
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                };
                let u = hex(j + 2).ok_or("bad \\u escape")?;
                if (0xD800..0xDC00).contains(&u) && inner.get(j + 6..j + 8) == Some("\\u") {
                    let lo = hex(j + 8).ok_or("bad \\u escape")?;
                    let c = char::from_u32(
                        0x10000 + ((u - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF),
                    )
                    .unwrap_or('\u{fffd}');
                    (12, c)
                } else {
                    (6, char::from_u32(u).unwrap_or('\u{fffd}'))
                }
            }
            _ => return Err(format!("bad escape \\{}", esc as char)),
        };
        text.push(c);
        push_piece(&mut map, t0, (ib + j) as u32, len as u32, false);
        i = j + len;
    }
    Ok(JStr {
        text,
        map,
        start: ib,
        end: end.saturating_sub(1),
    })
}

/// Pieces of `map` covering `a..b` of its text, rebased to start at 0.
fn submap(map: &[MapPiece], text_len: usize, a: usize, b: usize) -> Vec<MapPiece> {
    let mut out = Vec::new();
    for (k, p) in map.iter().enumerate() {
        let pe = map.get(k + 1).map(|q| q.text as usize).unwrap_or(text_len);
        let ps = p.text as usize;
        if pe <= a || ps >= b {
            continue;
        }
        let identity = pe - ps == p.src_len as usize;
        let s = ps.max(a);
        let off = if identity { (s - ps) as u32 } else { 0 };
        let e = pe.min(b);
        let len = if identity { (e - s) as u32 } else { p.src_len };
        out.push(MapPiece {
            text: (s - a) as u32,
            src: p.src + off,
            src_len: len,
        });
    }
    out
}

/// Lines of a decoded string; every line is its own paragraph.
fn str_lines(j: &JStr, allow: Allow, out: &mut Vec<Line<'static>>) {
    let mut a = 0;
    let t = &j.text;
    while a <= t.len() {
        let e = t[a..].find('\n').map(|k| a + k).unwrap_or(t.len());
        let seg = &t[a..e];
        if !seg.trim().is_empty() {
            let m = submap(&j.map, t.len(), a, e);
            let s0 = crate::lines::map_off(&j.map, t.len(), a);
            let s1 = crate::lines::map_off(&j.map, t.len(), e);
            let mut l = Line::owned(seg.to_string(), m, s0, s1.max(s0), Brk::Para);
            l.allow = allow;
            out.push(l);
        }
        if e >= t.len() {
            break;
        }
        a = e + 1;
    }
}

/// A synthesised `Điều N. <title>` line: the prefix maps (empty) to where the title starts.
fn dieu_line(
    num: &str,
    title: Option<(&JStr, usize, usize)>,
    at: usize,
    article: usize,
) -> Line<'static> {
    let prefix = format!("Điều {num}. ");
    let mut text = prefix.clone();
    let mut map = vec![MapPiece {
        text: 0,
        src: at as u32,
        src_len: 0,
    }];
    let mut end = at;
    if let Some((j, a, b)) = title {
        for p in submap(&j.map, j.text.len(), a, b) {
            map.push(MapPiece {
                text: p.text + prefix.len() as u32,
                ..p
            });
        }
        text.push_str(&j.text[a..b]);
        end = crate::lines::map_off(&j.map, j.text.len(), b);
    }
    let mut l = Line::owned(text, map, at, end, Brk::Para);
    l.article = Some(article);
    l
}

static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\d{1,4}/(?:(?:19|20)\d{2}/)?[\p{Lu}Đ][\p{L}\d]*(?:-[\p{L}\d]+)*").unwrap()
});

fn dataset_name(path: &str, fallback: &str) -> String {
    let p = path.to_lowercase();
    for n in [
        "drill",
        "vbpl",
        "alqac2026",
        "alqac2024",
        "alqac2023",
        "alqac2022",
        "vlsp2023",
        "vlsp2025",
    ] {
        if p.contains(n) {
            return n.to_string();
        }
    }
    fallback.to_string()
}

pub(crate) fn parse(path: &str, bytes: &[u8]) -> Result<Vec<Document>, String> {
    let d = crate::decode::decode_text(bytes)?;
    let file: &str = &d.text;
    // RawValue cannot sit inside an untagged enum, so look at the first byte instead.
    let laws: Vec<RawLaw> = if file.trim_start().starts_with('{') {
        vec![serde_json::from_str(file).map_err(|e| format!("invalid JSON: {e}"))?]
    } else {
        serde_json::from_str(file)
            .map_err(|e| format!("invalid JSON or not a law data set: {e}"))?
    };
    let src = SrcText::new(file);
    // Laws are independent: parse them in parallel (a data-set file holds up to ~20 laws).
    let docs: Vec<Option<Document>> = laws
        .par_iter()
        .enumerate()
        .map(|(k, law)| {
            let r = if law.articles.is_some() {
                alqac(path, bytes, file, &src, law).map(Some)
            } else if law.content.is_some() {
                drill(path, bytes, file, &src, law).map(Some)
            } else if law.content_layers.is_some() {
                vbpl(path, bytes, file, &src, law).map(Some)
            } else if law.relevant_articles.is_some() || law.relevant_laws.is_some() || law.legal_passages.is_some() || law.question.is_some() {
                // Question/label files hold no law texts: zero documents, not an error.
                Ok(None)
            } else {
                Err("not a law of a known data set (expected ALQAC/VLSP \"articles\", DRiLL \"content\" or vbpl \"content_layers\")".to_string())
            };
            r.map_err(|e| format!("JSON entry #{}: {e}", k + 1))
        })
        .collect::<Result<_, String>>()?;
    Ok(docs.into_iter().flatten().collect())
}

fn doc_for(
    path: &str,
    bytes: &[u8],
    law_id: &str,
    dataset: String,
    digest_src: &[u8],
    parsed: structure::Parsed,
) -> Document {
    let mut doc = crate::finish(
        Source {
            path: format!("{path}#{law_id}"),
            format: Format::Dataset,
            bytes: bytes.len() as u64,
            digest: crate::digest(digest_src),
            pages: Vec::new(),
        },
        parsed,
    );
    let m = &mut doc.meta;
    if m.number.is_none()
        && let Some(n) = NUMBER.find(law_id).filter(|n| n.start() == 0)
    {
        m.number = Some(n.as_str().to_string());
    }
    if m.type_name.is_none() {
        for t in [
            "Hiến pháp",
            "Bộ luật",
            "Luật",
            "Pháp lệnh",
            "Nghị định",
            "Thông tư",
            "Nghị quyết",
        ] {
            if law_id.starts_with(t) {
                m.type_name = Some(t.to_string());
            }
        }
    }
    if m.title.is_none() && m.number.is_none() {
        m.title = Some(law_id.to_string());
    }
    let (code, normative) = crate::header::classify(m.number.as_deref(), m.type_name.as_deref());
    if m.doc_type.is_none() {
        m.doc_type = code;
    }
    // Everything in these data sets is a law or other VBQPPL.
    m.normative = normative || m.type_name.is_some() || m.number.is_some();
    m.law_id = Some(law_id.to_string());
    m.dataset = Some(dataset);
    doc
}

fn alqac(
    path: &str,
    bytes: &[u8],
    file: &str,
    src: &SrcText,
    law: &RawLaw,
) -> Result<Document, String> {
    let law_id = law
        .id
        .map(|r| jstr(file, r))
        .transpose()?
        .map(|j| j.text)
        .unwrap_or_default();
    let mut lines = Vec::new();
    let mut arts = Articles {
        law_id: Some(law_id.clone()),
        ids: Vec::new(),
    };
    let mut dig = Vec::new();
    for a in law.articles.as_deref().unwrap_or(&[]) {
        let id = jstr(file, a.id)?.text;
        let body = jstr(file, a.text)?;
        dig.extend_from_slice(body.text.as_bytes());
        // "title\n\nbody": the first line is the article title.
        let t = &body.text;
        let lead = t.len() - t.trim_start().len();
        let te = t[lead..].find('\n').map(|k| lead + k).unwrap_or(t.len());
        let k = arts.ids.len();
        arts.ids.push(id.clone());
        // Some articles (Hiến pháp in ALQAC) have no title: the first line is already body
        // ("1. …", or a sentence ending with a full stop).
        let first = t[lead..te].trim();
        let titled = !first.is_empty()
            && crate::markers::detect(first, 0, false).is_none()
            && !first.ends_with(['.', ';', ':', ',']);
        if titled {
            lines.push(dieu_line(&id, Some((&body, lead, te)), body.start, k));
            let rest = JStr {
                text: t[te..].to_string(),
                map: submap(&body.map, t.len(), te, t.len()),
                start: body.start,
                end: body.end,
            };
            str_lines(&rest, Allow::NoDieu, &mut lines);
        } else {
            lines.push(dieu_line(&id, None, body.start, k));
            str_lines(&body, Allow::NoDieu, &mut lines);
        }
    }
    let parsed = structure::build(&lines, src, false, &arts);
    Ok(doc_for(
        path,
        bytes,
        &law_id,
        dataset_name(path, "alqac"),
        &dig,
        parsed,
    ))
}

fn drill(
    path: &str,
    bytes: &[u8],
    file: &str,
    src: &SrcText,
    law: &RawLaw,
) -> Result<Document, String> {
    let law_id = match (law.law_id, law.id) {
        (Some(r), _) | (None, Some(r)) => jstr(file, r)?.text,
        _ => String::new(),
    };
    let mut lines = Vec::new();
    let mut arts = Articles {
        law_id: Some(law_id.clone()),
        ids: Vec::new(),
    };
    let mut first: Option<i64> = None;
    let mut dig = Vec::new();
    for a in law.content.as_deref().unwrap_or(&[]) {
        let aid = jstr(file, a.aid)?.text;
        let aid_n: i64 = aid
            .trim_matches('"')
            .parse()
            .map_err(|_| format!("aid {aid} is not a number"))?;
        let f = *first.get_or_insert(aid_n);
        let no = aid_n - f + 1;
        let body = jstr(file, a.content_article)?;
        dig.extend_from_slice(body.text.as_bytes());
        let k = arts.ids.len();
        arts.ids.push(aid.clone());
        let mut l = dieu_line(&no.to_string(), None, body.start, k);
        l.article = Some(k);
        lines.push(l);
        str_lines(&body, Allow::NoDieu, &mut lines);
    }
    // The Điều number is the article number; the data set's id (aid) is kept as article_id.
    let numbers: Vec<String> = lines
        .iter()
        .filter(|l| l.article.is_some())
        .map(|l| {
            l.text
                .trim_start_matches("Điều ")
                .trim_end()
                .trim_end_matches('.')
                .to_string()
        })
        .collect();
    let parsed = build_with_numbers(&lines, src, &arts, &numbers);
    Ok(doc_for(
        path,
        bytes,
        &law_id,
        dataset_name(path, "drill"),
        &dig,
        parsed,
    ))
}

/// Build where `Điều` numbers differ from the article ids (DRiLL).
fn build_with_numbers(
    lines: &[Line],
    src: &SrcText,
    arts: &Articles,
    numbers: &[String],
) -> structure::Parsed {
    let num_arts = Articles {
        law_id: arts.law_id.clone(),
        ids: numbers.to_vec(),
    };
    let mut parsed = structure::build(lines, src, false, &num_arts);
    // Swap the article ids back in (the tree's Điều numbers stay the article numbers).
    fn fix(
        ps: &mut [rasoat_model::Provision],
        map: &std::collections::HashMap<&str, &str>,
        cur: Option<String>,
    ) {
        for p in ps {
            let mine = if p.kind == rasoat_model::ProvisionKind::Dieu {
                p.article_id
                    .as_deref()
                    .and_then(|a| map.get(a))
                    .map(|s| s.to_string())
            } else {
                None
            };
            let c = mine.or_else(|| cur.clone());
            if p.article_id.is_some() {
                p.article_id = c.clone();
            }
            fix(&mut p.children, map, c);
        }
    }
    let map: std::collections::HashMap<&str, &str> = numbers
        .iter()
        .map(|s| s.as_str())
        .zip(arts.ids.iter().map(|s| s.as_str()))
        .collect();
    fix(&mut parsed.provisions, &map, None);
    parsed
}

static DIEU_TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:Điều|ĐIỀU)\s+(\d{1,4}[a-zđ]?)").unwrap());

fn vbpl(
    path: &str,
    bytes: &[u8],
    file: &str,
    src: &SrcText,
    law: &RawLaw,
) -> Result<Document, String> {
    let short = law
        .short_title
        .map(|r| jstr(file, r))
        .transpose()?
        .map(|j| j.text)
        .unwrap_or_default();
    let full = law
        .full_title
        .map(|r| jstr(file, r))
        .transpose()?
        .map(|j| j.text)
        .unwrap_or_default();
    let mut lines = Vec::new();
    let mut dig = Vec::new();
    let mut intro_text = String::new();
    for r in law.intro.as_deref().unwrap_or(&[]) {
        let j = jstr(file, r)?;
        intro_text.push_str(&j.text);
        intro_text.push('\n');
        str_lines(&j, Allow::All, &mut lines);
    }
    let number = NUMBER
        .find(&full)
        .map(|m| m.as_str().to_string())
        .or_else(|| {
            // "Luật Thi hành án hình sự số 41/2019/QH14 ngày …" in the intro.
            static SO: LazyLock<Regex> = LazyLock::new(|| {
                Regex::new(r"số\s+(\d{1,4}/\d{4}/[\p{Lu}Đ][\p{L}\d]*(?:-[\p{L}\d]+)*)").unwrap()
            });
            SO.captures(&intro_text).map(|c| c[1].to_string())
        });
    let law_id = number
        .clone()
        .or_else(|| NUMBER.find(&short).map(|m| m.as_str().to_string()))
        .unwrap_or_else(|| short.clone());
    let mut arts = Articles {
        law_id: Some(law_id.clone()),
        ids: Vec::new(),
    };
    for layer in law.content_layers.as_deref().unwrap_or(&[]) {
        if let Some(t) = layer.title {
            let j = jstr(file, t)?;
            dig.extend_from_slice(j.text.as_bytes());
            let before = lines.len();
            str_lines(&j, Allow::All, &mut lines);
            if let (Some(c), Some(l)) = (DIEU_TITLE.captures(&j.text), lines.get_mut(before)) {
                l.article = Some(arts.ids.len());
                arts.ids.push(c[1].to_string());
            }
        }
        for r in &layer.content {
            let j = jstr(file, r)?;
            dig.extend_from_slice(j.text.as_bytes());
            str_lines(&j, Allow::NoDieu, &mut lines);
        }
    }
    let parsed = structure::build(&lines, src, true, &arts);
    let mut doc = doc_for(
        path,
        bytes,
        &law_id,
        dataset_name(path, "vbpl"),
        &dig,
        parsed,
    );
    if doc.meta.number.is_none() {
        doc.meta.number = number;
        let (code, normative) =
            crate::header::classify(doc.meta.number.as_deref(), doc.meta.type_name.as_deref());
        doc.meta.doc_type = doc.meta.doc_type.clone().or(code);
        doc.meta.normative |= normative;
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_string_map() {
        let file = r#"{"t": "a\nb \"c\" \u0110i"}"#;
        let v: serde_json::Map<String, serde_json::Value> = serde_json::from_str(file).unwrap();
        let _ = v;
        #[derive(Deserialize)]
        struct T<'a> {
            #[serde(borrow)]
            t: &'a RawValue,
        }
        let t: T = serde_json::from_str(file).unwrap();
        let j = jstr(file, t.t).unwrap();
        assert_eq!(j.text, "a\nb \"c\" Đi");
        let i = j.text.find('c').unwrap();
        let s = crate::lines::map_off(&j.map, j.text.len(), i);
        assert_eq!(&file[s..s + 1], "c");
        let d = j.text.find('Đ').unwrap();
        let s = crate::lines::map_off(&j.map, j.text.len(), d);
        assert_eq!(&file[s..s + 6], "\\u0110");
    }
}
