//! Crawler Markdown: legal-portal pages converted to Markdown (thuvienphapluat.vn through
//! Trafilatura and the like). Not Markdown a person wrote: lines are hard-wrapped at about
//! 80 columns, often mid-word-group (`**Điều\n16. …**`, `Số:\n71/2025/QĐ-UBND`); the header
//! and signature columns are table cells separated by lines holding only `|`; emphasis runs
//! (`**…**`, `*…*`) mark whole paragraphs — headings, căn cứ, Nơi nhận, signature.
//!
//! pulldown-cmark reads such a file as one paragraph with stray list items and setext
//! headings, so these files get their own line builder: a `|`-only or rule line is a
//! paragraph break, an emphasis run is one logical line (its wraps joined), a line holding
//! only a marker word (`Điều`, `Số:`, `1.`) joins the next, and the rest are hard wraps for
//! the structure parser to judge as it does PDF text. Emphasis marks are dropped from the
//! text; every kept byte maps back to the original file.

use crate::lines::{Brk, Line, push_piece, push_verbatim};
use rasoat_model::MapPiece;

/// True when `text` looks like crawler Markdown: table-cell separator lines (`|` alone) in
/// the header region, the layout of every page crawled from a legal portal.
pub(crate) fn looks_crawled(text: &str) -> bool {
    text.lines()
        .take(80)
        .filter(|l| is_cell_separator(l.trim()))
        .count()
        >= 2
}

fn is_cell_separator(t: &str) -> bool {
    !t.is_empty() && t.chars().all(|c| c == '|' || c == ' ')
}

/// `---`, `______`, `---------------* *`: a rule under a header column.
fn is_rule(t: &str) -> bool {
    let marks = t
        .chars()
        .filter(|c| matches!(c, '-' | '_' | '=' | '–'))
        .count();
    marks >= 3
        && t.chars()
            .all(|c| matches!(c, '-' | '_' | '=' | '–' | '*' | ' '))
}

/// A line holding only a word that needs what follows: a structural word whose number was
/// wrapped away, `Số:` whose number is on the next line, or a bare list marker.
fn is_stub(t: &str) -> bool {
    let t = t.trim();
    if matches!(
        t,
        "Điều"
            | "ĐIỀU"
            | "Chương"
            | "CHƯƠNG"
            | "Mục"
            | "MỤC"
            | "Phần"
            | "PHẦN"
            | "Phụ lục"
            | "PHỤ LỤC"
            | "Số:"
            | "Số"
            | "Khoản"
            | "Điểm"
            | "TM."
            | "KT."
            | "TL."
            | "TUQ."
    ) {
        return true;
    }
    if t.ends_with(" Số:") || t.ends_with(" số:") {
        return true;
    }
    // "1.", "2a.", "a)", "đ)", "IV."
    let Some(body) = t.strip_suffix('.').or_else(|| t.strip_suffix(')')) else {
        return false;
    };
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    let tail = &body[digits..];
    (digits > 0
        && digits <= 3
        && tail.chars().count() <= 1
        && tail.chars().all(|c| c.is_ascii_lowercase()))
        || (t.ends_with(')')
            && (tail == "đ" || (tail.len() == 1 && tail.bytes().all(|b| b.is_ascii_lowercase()))))
        || (t.ends_with('.')
            && !body.is_empty()
            && body
                .chars()
                .all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C')))
}

/// Emphasis state: bold and italic open flags, toggled by runs of asterisks.
#[derive(Default, Clone, Copy)]
struct Emph {
    bold: bool,
    italic: bool,
}

impl Emph {
    fn open(self) -> bool {
        self.bold || self.italic
    }
    fn apply(&mut self, run: usize) {
        if run / 2 % 2 == 1 {
            self.bold = !self.bold;
        }
        if run % 2 == 1 {
            self.italic = !self.italic;
        }
    }
}

/// One raw line cleaned of Markdown marks: text, map, and how its emphasis begins and ends.
struct Clean {
    text: String,
    map: Vec<MapPiece>,
    starts_emph: bool,
    ends_emph: bool,
    /// Text offset where a run opened at the line start closes (the run's extent).
    first_close: Option<usize>,
}

fn clean(raw: &str, base: usize, e: &mut Emph) -> Clean {
    let mut text = String::with_capacity(raw.len());
    let mut map = Vec::new();
    let bytes = raw.as_bytes();
    let lead = raw.len() - raw.trim_start().len();
    let mut i = lead;
    // Headings (`## Chương I`) and quotes keep their text only.
    while i < bytes.len() && matches!(bytes[i], b'#' | b'>') {
        i += 1;
    }
    while i < bytes.len() && bytes[i] == b' ' {
        i += 1;
    }
    let starts_emph = bytes.get(i) == Some(&b'*');
    let mut seg = i;
    let mut last_emph_end = None;
    let mut first_close = None;
    while i < bytes.len() {
        if bytes[i] == b'*' {
            let mut j = i;
            while j < bytes.len() && bytes[j] == b'*' {
                j += 1;
            }
            if seg < i {
                push_verbatim(&mut map, &mut text, base + seg, &raw[seg..i]);
            }
            e.apply(j - i);
            if starts_emph && first_close.is_none() && !e.open() && !text.trim().is_empty() {
                first_close = Some(text.len());
            }
            last_emph_end = Some(j);
            i = j;
            seg = j;
        } else {
            i += 1;
        }
    }
    let mut end = raw.len();
    // A trailing backslash is a Markdown hard break.
    if raw[seg..].trim_end().ends_with('\\') {
        end = seg + raw[seg..].trim_end().len() - 1;
    }
    if seg < end {
        push_verbatim(&mut map, &mut text, base + seg, &raw[seg..end]);
    }
    let ends_emph = last_emph_end.is_some_and(|j| raw[j..].trim().is_empty()) && !e.open();
    Clean {
        text,
        map,
        starts_emph,
        ends_emph,
        first_close,
    }
}

/// A bold run that is a structural marker with at most a short heading: `Điều 2.`,
/// `Điều 1. Phạm vi điều chỉnh`, `1.`, `a)`, `Chương II`.
fn is_marker_run(t: &str) -> bool {
    let t = t.trim();
    let starts = ["Điều ", "ĐIỀU ", "Chương ", "CHƯƠNG ", "Mục ", "MỤC "]
        .iter()
        .any(|p| t.starts_with(p));
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    (starts || (digits > 0 && matches!(t.as_bytes().get(digits), Some(b'.' | b')'))))
        && t.chars().count() <= 120
}

/// Split a cleaned line at text offset `k` into the part before and the (trimmed) rest.
fn split_at(c: Clean, k: usize) -> (Clean, Clean) {
    let lead = c.text[k..].len() - c.text[k..].trim_start().len();
    let k2 = k + lead;
    let mut left = Vec::new();
    let mut right = Vec::new();
    for p in &c.map {
        let (t, src, len) = (p.text as usize, p.src as usize, p.src_len as usize);
        if t < k {
            let l = len.min(k - t);
            push_piece(&mut left, t as u32, src as u32, l as u32, true);
        }
        if t + len > k2 {
            let skip = k2.saturating_sub(t);
            push_piece(
                &mut right,
                (t + skip - k2) as u32,
                (src + skip) as u32,
                (len - skip) as u32,
                true,
            );
        }
    }
    let head = Clean {
        text: c.text[..k].to_string(),
        map: left,
        starts_emph: true,
        ends_emph: true,
        first_close: None,
    };
    let rest = Clean {
        text: c.text[k2..].to_string(),
        map: right,
        starts_emph: false,
        ends_emph: c.ends_emph,
        first_close: None,
    };
    (head, rest)
}

/// A logical line being assembled from raw lines.
struct Cur {
    text: String,
    map: Vec<MapPiece>,
    start: usize,
    end: usize,
    brk: Brk,
    /// Ends with a closed emphasis run that began the line: a heading-like paragraph.
    whole_emph: bool,
    raw_lines: usize,
}

/// Raw lines joined inside one emphasis run at most: a longer run (a quoted article in
/// italics, an unbalanced `*`) goes back to hard-wrap lines.
const MAX_RUN: usize = 6;

/// Split crawler Markdown into logical lines. `base` is the offset of `text` in the file.
pub(crate) fn split(text: &str, base: usize) -> Vec<Line<'static>> {
    let mut out: Vec<Line<'static>> = Vec::new();
    let mut cur: Option<Cur> = None;
    let mut e = Emph::default();
    let mut pending = Brk::Para;
    let mut pos = 0;
    let flush = |cur: &mut Option<Cur>, out: &mut Vec<Line<'static>>| {
        if let Some(c) = cur.take()
            && !c.text.trim().is_empty()
        {
            out.push(Line::owned(c.text, c.map, c.start, c.end, c.brk));
        }
    };
    for raw in text.split_inclusive('\n') {
        let at = base + pos;
        pos += raw.len();
        let raw = raw.trim_end_matches(['\n', '\r']);
        let t = raw.trim();
        if t.is_empty() || is_cell_separator(t) || is_rule(t) {
            // A table cell or block ends: emphasis never runs across it.
            flush(&mut cur, &mut out);
            e = Emph::default();
            pending = if t.is_empty() && pending == Brk::Wrap {
                Brk::Gap
            } else {
                Brk::Para
            };
            if !t.is_empty() {
                pending = Brk::Para;
            }
            continue;
        }
        let open_before = e.open();
        let c = clean(raw, at, &mut e);
        if c.text.trim().is_empty() {
            continue;
        }
        let join = match &cur {
            Some(k) => {
                (open_before && k.raw_lines < MAX_RUN) || (is_stub(&k.text) && k.raw_lines < 3)
            }
            None => false,
        };
        if join {
            let k = cur.as_mut().expect("checked");
            let off = k.text.len() as u32;
            push_piece(&mut k.map, off, at as u32, 0, false);
            k.text.push(' ');
            let shift = k.text.len() as u32;
            for p in &c.map {
                push_piece(&mut k.map, p.text + shift, p.src, p.src_len, true);
            }
            k.text.push_str(&c.text);
            k.end = at + raw.len();
            k.raw_lines += 1;
            k.whole_emph = k.whole_emph && (c.ends_emph || e.open());
            continue;
        }
        // "**Điều 2. **Quyết định này …": the bold run is the marker (and heading); the rest of
        // the line is the article's text, a paragraph of its own.
        let c = match c.first_close {
            Some(k)
                if !open_before && k < c.text.trim_end().len() && is_marker_run(&c.text[..k]) =>
            {
                let (head, rest) = split_at(c, k);
                let brk = if pending != Brk::Wrap {
                    pending
                } else {
                    Brk::Para
                };
                flush(&mut cur, &mut out);
                out.push(Line::owned(head.text, head.map, at, at + raw.len(), brk));
                pending = Brk::Para;
                rest
            }
            _ => c,
        };
        let brk = match &cur {
            _ if pending != Brk::Wrap => pending,
            Some(k) if k.whole_emph => Brk::Para,
            _ if c.starts_emph && !open_before => Brk::Para,
            _ => Brk::Wrap,
        };
        flush(&mut cur, &mut out);
        let whole = c.starts_emph && !open_before && (c.ends_emph || e.open());
        cur = Some(Cur {
            text: c.text,
            map: c.map,
            start: at,
            end: at + raw.len(),
            brk,
            whole_emph: whole && c.ends_emph,
            raw_lines: 1,
        });
        // A run still open at the end of the line: mark whole-emphasis when it closes.
        if whole && !c.ends_emph {
            cur.as_mut().expect("set").whole_emph = true;
        }
        pending = Brk::Wrap;
    }
    flush(&mut cur, &mut out);
    if let Some(first) = out.first_mut() {
        first.brk = Brk::Para;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<(String, Brk)> {
        split(s, 0)
            .into_iter()
            .map(|l| (l.text.trim().to_string(), l.brk))
            .collect()
    }

    #[test]
    fn header_cells_and_runs() {
        let s = "**ỦY\nBAN NHÂN DÂN**\nTỈNH CAO BẰNG\n--------\n|\n**CỘNG\nHÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**\nĐộc lập - Tự do - Hạnh phúc\n---------------\n|\n|\nSố:\n53/2025/QĐ-UBND\n|\n*Cao\nBằng, ngày 28 tháng 11 năm 2025*\n|\n**QUYẾT ĐỊNH**\nQUY ĐỊNH VIỆC PHÂN CẤP\nCHO SỞ\n*Căn cứ Luật Tổ chức\nchính quyền địa phương số 72/2025/QH15;*\n**Điều\n1. Phạm vi điều\nchỉnh**\n1. Quyết định này quy\nđịnh việc phân cấp.\n";
        let t = texts(s);
        let names: Vec<&str> = t.iter().map(|(x, _)| x.as_str()).collect();
        assert_eq!(
            names,
            [
                "ỦY BAN NHÂN DÂN",
                "TỈNH CAO BẰNG",
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc",
                "Số: 53/2025/QĐ-UBND",
                "Cao Bằng, ngày 28 tháng 11 năm 2025",
                "QUYẾT ĐỊNH",
                "QUY ĐỊNH VIỆC PHÂN CẤP",
                "CHO SỞ",
                "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15;",
                "Điều 1. Phạm vi điều chỉnh",
                "1. Quyết định này quy",
                "định việc phân cấp.",
            ]
        );
        assert_eq!(t[7].1, Brk::Para); // after the bold type line
        assert_eq!(t[8].1, Brk::Wrap);
        assert_eq!(t[9].1, Brk::Para); // italic căn cứ opens a paragraph
        assert_eq!(t[11].1, Brk::Para); // after a bold heading
        assert_eq!(t[12].1, Brk::Wrap);
    }

    #[test]
    fn bold_marker_then_text() {
        let s = "|\n|\n**Điều 2. **Quyết\nđịnh này có hiệu lực.\n";
        let lines = split(s, 0);
        let t: Vec<&str> = lines.iter().map(|l| l.text.trim()).collect();
        assert_eq!(t, ["Điều 2.", "Quyết", "định này có hiệu lực."]);
        assert_eq!(lines[1].brk, Brk::Para);
        assert!(s[lines[1].src(0)..].starts_with("Quyết"));
        assert!(s[lines[0].src(0)..].starts_with("Điều 2."));
    }

    #[test]
    fn map_points_into_the_file() {
        let s = "|\n|\n**Điều\n16. Trách nhiệm**\n";
        let lines = split(s, 0);
        let l = &lines[0];
        assert_eq!(l.text.trim(), "Điều 16. Trách nhiệm");
        let i = l.text.find("16.").unwrap();
        assert!(s[l.src(i)..].starts_with("16."));
        let j = l.text.find("Trách").unwrap();
        assert!(s[l.src(j)..].starts_with("Trách"));
        assert!(s[l.src(0)..].starts_with("Điều"));
    }

    #[test]
    fn detection() {
        assert!(looks_crawled("**A**\n|\nB\n|\n"));
        assert!(!looks_crawled("# Title\n\n| a | b |\n|---|---|\n"));
    }

    #[test]
    fn stubs() {
        assert!(is_stub("Điều"));
        assert!(is_stub("1."));
        assert!(is_stub("IV."));
        assert!(is_stub("Số:"));
        assert!(!is_stub("1. Quyết định"));
        assert!(!is_stub("Sở."));
        assert!(!is_stub("quan."));
        assert!(is_stub("a)"));
        assert!(is_stub("2a."));
    }
}
#[cfg(test)]
mod debug_tests {
    #[test]
    #[ignore]
    fn dump() {
        let p = std::env::var("CRAWL_FILE").unwrap();
        let s = std::fs::read_to_string(p).unwrap();
        for l in super::split(&s, 0) {
            println!("{:?}\t{}", l.brk, l.text);
        }
    }
}
