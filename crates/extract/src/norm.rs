//! Text helpers shared by the extractors: the normalised folded view every
//! pattern runs on, number-symbol keys and dates.

use crate::facts::TextRange;
use rasoat_model::Date;
use rasoat_text::fold_with_map;
use regex::Regex;
use std::sync::LazyLock;

/// Folded, punctuation-normalised copy of a text with a byte map back to the original.
///
/// Folding (no diacritics, lower case, đ→d) makes one set of patterns work on text with
/// diacritics, without them, in NFC or NFD. On top of folding, dash variants become `-`,
/// whitespace runs become one space, and spaces next to `,` `-` `/` `&` are dropped, so
/// "28 / NQ - HĐND", "sở, ban, ngành" and PDF-reflowed "608/QĐ- TTg" each have one spelling.
#[derive(Debug, Clone)]
pub struct NormText {
    pub s: String,
    /// `map[i]` = byte offset in the original of the char that produced byte `i`; one extra entry at the end.
    map: Vec<u32>,
}

const TIGHT: &[u8] = b",-/&";

impl NormText {
    pub fn new(orig: &str) -> NormText {
        let (f, fmap) = fold_with_map(orig);
        let mut s = String::with_capacity(f.len());
        let mut map: Vec<u32> = Vec::with_capacity(f.len() + 1);
        let mut pending_space: Option<u32> = None;
        for (i, c) in f.char_indices() {
            let src = fmap[i];
            let c = match c {
                '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
                '\u{00a0}' => ' ',
                c => c,
            };
            if c.is_whitespace() {
                if pending_space.is_none() {
                    pending_space = Some(src);
                }
                continue;
            }
            if let Some(sp) = pending_space.take() {
                let prev_tight = s.as_bytes().last().is_some_and(|b| TIGHT.contains(b));
                let this_tight = c.is_ascii() && TIGHT.contains(&(c as u8));
                if !s.is_empty() && !prev_tight && !this_tight {
                    s.push(' ');
                    map.push(sp);
                }
            }
            let before = s.len();
            s.push(c);
            for _ in before..s.len() {
                map.push(src);
            }
        }
        map.push(orig.len() as u32);
        NormText { s, map }
    }

    /// Original byte offset of normalised byte offset `i`.
    pub fn orig(&self, i: usize) -> usize {
        self.map[i.min(self.map.len() - 1)] as usize
    }

    /// Original byte range of normalised range `a..b` (end exclusive).
    pub fn range(&self, a: usize, b: usize) -> TextRange {
        if b <= a {
            let o = self.orig(a);
            return TextRange { start: o, end: o };
        }
        // End = just after the char that produced byte b-1.
        let last = self.orig(b - 1);
        let end = self.orig(b).max(last + 1);
        TextRange {
            start: self.orig(a),
            end,
        }
    }

    /// Normalised offset of an original offset (first normalised byte at or after it).
    pub fn from_orig(&self, o: usize) -> usize {
        self.map.partition_point(|&m| (m as usize) < o)
    }
}

/// Key used for dictionary matching: the same normalisation as [`NormText`].
pub fn match_key(s: &str) -> String {
    NormText::new(s).s
}

/// Slice of `text` for a range, clamped to char boundaries (never panics).
pub fn slice(text: &str, r: TextRange) -> &str {
    let mut a = r.start.min(text.len());
    let mut b = r.end.min(text.len()).max(a);
    while a > 0 && !text.is_char_boundary(a) {
        a -= 1;
    }
    while b < text.len() && !text.is_char_boundary(b) {
        b += 1;
    }
    &text[a..b]
}

/// Is the byte at `i` of `s` a word char (ASCII alnum or any non-ASCII letter)?
pub fn is_word_byte(s: &str, i: usize) -> bool {
    s.as_bytes()
        .get(i)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b >= 0x80)
}

/// True when `a..b` of `s` is delimited by non-word chars on both sides.
pub fn at_word_bounds(s: &str, a: usize, b: usize) -> bool {
    (a == 0 || !is_word_byte(s, a - 1)) && !is_word_byte(s, b)
}

/// One key for the many spellings of a number-symbol: folded (Đ→D, no diacritics), lower case,
/// dash variants unified, spaces removed, leading zeros of each number dropped and a leading
/// "Số:" removed. `"28/NQ-HĐND"`, `"28/NQ-HDND"`, `"28 / NQ - HĐND"` → `"28/nq-hdnd"`;
/// `"043/2025/QĐ-UBND"` → `"43/2025/qd-ubnd"`.
pub fn normalize_number(s: &str) -> String {
    let f = rasoat_text::fold(s);
    let mut t = String::with_capacity(f.len());
    for c in f.chars() {
        match c {
            c if c.is_whitespace() => {}
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '_' => t.push('-'),
            c => t.push(c),
        }
    }
    let t = t
        .strip_prefix("so:")
        .or_else(|| t.strip_prefix("so"))
        .filter(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or(&t)
        .to_string();
    // Drop leading zeros of every digit run that starts a group ("043" → "43", but keep "0").
    let b = t.as_bytes();
    let mut out = String::with_capacity(t.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let group_start = i == 0 || matches!(b[i - 1], b'/' | b'-');
        if c == b'0' && group_start {
            let mut j = i;
            while j < b.len() && b[j] == b'0' {
                j += 1;
            }
            if j < b.len() && b[j].is_ascii_digit() {
                i = j;
                continue;
            }
        }
        out.push(c as char);
        i += 1;
    }
    out
}

pub static DATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(\d{1,2}) ?[/.-] ?(\d{1,2}) ?[/.-] ?((?:19|20)\d{2})(?-u:\b)|(?-u:\b)(\d{1,2}) thang (\d{1,2}) nam ((?:19|20)\d{2})(?-u:\b)")
        .expect("date regex")
});

/// A date found in normalised text.
#[derive(Debug, Clone, Copy)]
pub struct FoundDate {
    pub start: usize,
    pub end: usize,
    pub date: Date,
}

/// Build a date; None if invalid.
pub fn mk_date(y: i64, m: i64, d: i64) -> Option<Date> {
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

fn caps_date(c: &regex::Captures) -> Option<Date> {
    let g = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<i64>().ok());
    if c.get(1).is_some() {
        mk_date(g(3)?, g(2)?, g(1)?)
    } else {
        mk_date(g(6)?, g(5)?, g(4)?)
    }
}

/// All valid dates in normalised text.
pub fn find_dates(s: &str) -> Vec<FoundDate> {
    DATE_RE
        .captures_iter(s)
        .filter_map(|c| {
            let m = c.get(0)?;
            Some(FoundDate {
                start: m.start(),
                end: m.end(),
                date: caps_date(&c)?,
            })
        })
        .collect()
}

/// A date at the very start of `s` (after optional "ngay "); returns (date, bytes consumed).
pub fn date_at(s: &str) -> Option<(Date, usize)> {
    let c = DATE_RE.captures(s)?;
    let m = c.get(0)?;
    if m.start() != 0 {
        return None;
    }
    Some((caps_date(&c)?, m.end()))
}

/// Parse "2025-07-01" (data files).
pub fn parse_iso(s: &str) -> Option<Date> {
    s.parse::<Date>().ok()
}

/// Folded words that carry no task meaning (removed from task keys).
pub const STOP_WORDS: &[&str] = &[
    "cac", "cua", "va", "ve", "viec", "nhung", "cho", "voi", "de", "theo", "tai", "trong", "duoc",
    "nay", "co", "mot", "tren", "la", "o", "tu", "den", "khi", "nham", "hoac", "cung", "nhu",
    "thi", "da", "se", "can", "phai", "ca", "tung", "thuoc", "do", "vao", "bang",
];

/// Folded phrases without task meaning, removed before the single stop words.
pub const STOP_PHRASES: &[&str] = &[
    "co lien quan",
    "lien quan",
    "dia ban",
    "tang cuong",
    "tiep tuc",
    "kip thoi",
    "day manh",
    "thuong xuyen",
    "mot so",
    "tren co so do",
    "tren co so",
];

/// Words naming roles (removed from task keys; the role is recorded separately).
pub const ROLE_WORDS: &[&str] = &[
    "chu tri",
    "phoi hop",
    "chiu trach nhiem chinh",
    "chiu trach nhiem",
    "la co quan",
];

/// Build a task/scope key from a normalised (folded) string: expands common abbreviations,
/// drops role words, stop words and punctuation.
pub fn task_key(folded: &str) -> String {
    let mut s = format!(
        " {} ",
        folded.replace(|c: char| !(c.is_ascii_alphanumeric() || c == ' '), " ")
    );
    for (from, to) in [
        (" van ban quy pham phap luat ", " van ban qppl "),
        (" quy pham phap luat ", " qppl "),
        (" vbqppl ", " van ban qppl "),
        (" thu tuc hanh chinh ", " tthc "),
        (" ngan sach nha nuoc ", " nsnn "),
        (" hoi dong nhan dan ", " hdnd "),
        (" uy ban nhan dan ", " ubnd "),
    ] {
        while s.contains(from) {
            s = s.replace(from, to);
        }
    }
    for w in ROLE_WORDS.iter().chain(STOP_PHRASES) {
        let pat = format!(" {w} ");
        while s.contains(&pat) {
            s = s.replace(&pat, " ");
        }
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    let mut out: Vec<&str> = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        // "theo dõi" and "đề xuất" are actions although "theo" and "đề/để" alone are stop words.
        let keep_pair = (*w == "theo" && words.get(i + 1) == Some(&"doi"))
            || (*w == "de"
                && matches!(
                    words.get(i + 1),
                    Some(&"xuat") | Some(&"nghi") | Some(&"an")
                ));
        if keep_pair || !STOP_WORDS.contains(w) {
            out.push(w);
        }
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn number_keys_agree() {
        let k = normalize_number("28/NQ-HĐND");
        assert_eq!(k, "28/nq-hdnd");
        assert_eq!(normalize_number("28/NQ-HDND"), k);
        assert_eq!(normalize_number("28 / NQ - HĐND"), k);
        assert_eq!(normalize_number("28/NQ–HĐND"), k);
        assert_eq!(normalize_number("028/nq-hđnd"), k);
        assert_eq!(normalize_number("Số: 28/NQ-HĐND"), k);
        assert_eq!(normalize_number("043/2025/QĐ-UBND"), "43/2025/qd-ubnd");
        assert_eq!(normalize_number("192-KL/TW"), "192-kl/tw");
        assert_eq!(normalize_number("72/2025/QH15"), "72/2025/qh15");
        assert_ne!(normalize_number("28/NQ-HĐND"), normalize_number("28/NQ-CP"));
        assert_eq!(normalize_number("04/NQ-CP"), "4/nq-cp");
    }

    #[test]
    fn norm_text_tightens_and_maps() {
        let t = "Quyết định số 608/QĐ-\nTTg  ngày 15 / 3 / 2025";
        let n = NormText::new(t);
        assert_eq!(n.s, "quyet dinh so 608/qd-ttg ngay 15/3/2025");
        let a = n.s.find("608").unwrap();
        let r = n.range(a, a + "608/qd-ttg".len());
        assert_eq!(&t[r.start..r.end], "608/QĐ-\nTTg");
        let nfd: String = t.nfd().collect();
        assert_eq!(NormText::new(&nfd).s, n.s);
    }

    #[test]
    fn dates_both_forms() {
        let d = find_dates("ngay 16/6/2025 va ngay 01 thang 12 nam 2025, 31/2/2025");
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].date.to_string(), "2025-06-16");
        assert_eq!(d[1].date.to_string(), "2025-12-01");
    }

    #[test]
    fn task_keys_match_two_spellings() {
        let a = task_key(&rasoat_text::fold("rà soát các văn bản QPPL về phân cấp"));
        let b = task_key(&rasoat_text::fold(
            "chủ trì việc rà soát văn bản quy phạm pháp luật về phân cấp",
        ));
        assert_eq!(a, b);
        assert_eq!(a, "ra soat van ban qppl phan cap");
    }
}
