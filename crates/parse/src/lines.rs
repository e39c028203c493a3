//! Logical lines with a map back to the original file, and the reflow that joins
//! them into provision text (hard wraps joined, split symbols re-joined, runs of
//! spaces collapsed) while keeping a [`SourceMap`] to the original bytes.

use rasoat_model::{MapPiece, SourceMap};
use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

/// How a line relates to the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Brk {
    /// Hard wrap inside a paragraph (PDF text, Markdown soft break).
    Wrap,
    /// Blank line(s) or a dropped page number: a paragraph break unless the sentence runs on.
    Gap,
    /// Certainly a new paragraph (Markdown block, data-set line, .docx paragraph).
    Para,
}

/// Which markers a line may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Allow {
    All,
    /// Data-set article bodies: no `Điều` (an article is already one Điều).
    NoDieu,
    /// Plain text only (markers are not recognised).
    None,
}

#[derive(Debug, Clone)]
pub(crate) struct Line<'a> {
    /// NFC text of the line (leading/trailing spaces kept; reflow trims).
    pub text: Cow<'a, str>,
    /// Map from offsets of `text` to original-file offsets (sorted, non-empty).
    pub map: Vec<MapPiece>,
    /// Original byte range of the line (without the newline).
    pub src_start: usize,
    pub src_end: usize,
    pub brk: Brk,
    pub allow: Allow,
    /// Data-set article index this line opens (synthesised `Điều N.` line).
    pub article: Option<usize>,
}

impl<'a> Line<'a> {
    /// A line whose text is `s`, located at `base` in the original file, NFC-normalised
    /// with an exact per-syllable map when the input is not already NFC.
    pub fn new(s: &'a str, base: usize, brk: Brk) -> Line<'a> {
        let (text, map) = nfc_mapped(s, base);
        Line {
            text,
            map,
            src_start: base,
            src_end: base + s.len(),
            brk,
            allow: Allow::All,
            article: None,
        }
    }

    /// A line built from owned text and an explicit map (Markdown, .docx, JSON strings).
    pub fn owned(
        text: String,
        map: Vec<MapPiece>,
        src_start: usize,
        src_end: usize,
        brk: Brk,
    ) -> Line<'a> {
        let map = if map.is_empty() {
            vec![MapPiece {
                text: 0,
                src: src_start as u32,
                src_len: 0,
            }]
        } else {
            map
        };
        if fast_is_nfc(&text) {
            return Line {
                text: Cow::Owned(text),
                map,
                src_start,
                src_end,
                brk,
                allow: Allow::All,
                article: None,
            };
        }
        // Compose while keeping each syllable's source range.
        let mut out = String::with_capacity(text.len());
        let mut m = Vec::new();
        for (a, b) in segments(&text) {
            let sa = map_off(&map, text.len(), a);
            let sb = map_off(&map, text.len(), b);
            push_piece(&mut m, out.len() as u32, sa as u32, (sb - sa) as u32, false);
            out.extend(text[a..b].nfc());
        }
        Line {
            text: Cow::Owned(out),
            map: m,
            src_start,
            src_end,
            brk,
            allow: Allow::All,
            article: None,
        }
    }

    /// Original-file offset of text offset `off`.
    pub fn src(&self, off: usize) -> usize {
        map_off(&self.map, self.text.len(), off)
    }

    pub fn trimmed(&self) -> &str {
        self.text.trim()
    }

    /// Offset of the first non-space char.
    pub fn indent(&self) -> usize {
        self.text.len() - self.text.trim_start().len()
    }

    /// Original-file offset just after the last non-space char.
    pub fn src_trim_end(&self) -> usize {
        let e = self.text.trim_end().len();
        if e == 0 {
            return self.src(0);
        }
        // Map the start of the last char and add its source length.
        let last = self.text[..e]
            .char_indices()
            .next_back()
            .map(|(i, _)| i)
            .unwrap_or(0);
        let s = self.src(last);
        let s2 = self.src(e);
        s2.max(s + 1).min(self.src_end.max(s + 1))
    }
}

/// NFC check with a fast path for the letters Vietnamese text uses (below U+0300, Latin
/// Extended Additional, general punctuation): all of them are NFC_QC=Yes, so the full
/// Unicode quick check only runs for other scripts or combining marks.
pub(crate) fn fast_is_nfc(s: &str) -> bool {
    if s.is_ascii() {
        return true;
    }
    // Byte-level: lead bytes below 0xCC encode chars below U+0300 (continuation bytes are
    // 0x80..0xBF); E1 B8..BB is U+1E00..U+1EFF; E2 80 82.. / E2 81 is U+2002..U+207F.
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0xCC {
            i += 1;
            continue;
        }
        let ok = match c {
            0xE1 => b.get(i + 1).is_some_and(|&x| (0xB8..=0xBB).contains(&x)),
            0xE2 => match b.get(i + 1) {
                Some(0x80) => b.get(i + 2).is_some_and(|&x| x >= 0x82),
                Some(0x81) => true,
                _ => false,
            },
            _ => false,
        };
        if !ok {
            return rasoat_text::is_nfc(s);
        }
        i += 3;
    }
    true
}

/// Map a text offset through pieces (like `SourceMap::to_source`).
pub(crate) fn map_off(map: &[MapPiece], text_len: usize, off: usize) -> usize {
    let _ = text_len;
    let off = off as u32;
    let i = match map.binary_search_by(|p| p.text.cmp(&off)) {
        Ok(i) => {
            // Several pieces may start at the same offset (zero-length synthesised text); take the last.
            let mut j = i;
            while j + 1 < map.len() && map[j + 1].text == off {
                j += 1;
            }
            j
        }
        Err(0) => return map.first().map(|p| p.src as usize).unwrap_or(0),
        Err(i) => i - 1,
    };
    let p = map[i];
    (p.src + (off - p.text).min(p.src_len)) as usize
}

/// Append a piece, merging it into the previous one when both are identity maps and contiguous.
pub(crate) fn push_piece(v: &mut Vec<MapPiece>, text: u32, src: u32, src_len: u32, identity: bool) {
    if let Some(last) = v.last_mut() {
        if identity && text == last.text + last.src_len && src == last.src + last.src_len {
            // `last` is identity too iff its text length equals src_len, which holds when this
            // piece starts right where last's source length says its text ends.
            last.src_len += src_len;
            return;
        }
        if last.text == text && last.src_len == 0 {
            *last = MapPiece { text, src, src_len };
            return;
        }
    }
    v.push(MapPiece { text, src, src_len });
}

/// Append `piece` (the source bytes from `src` on) to `text` as it is, mapped byte for byte.
pub(crate) fn push_verbatim(map: &mut Vec<MapPiece>, text: &mut String, src: usize, piece: &str) {
    push_piece(map, text.len() as u32, src as u32, piece.len() as u32, true);
    text.push_str(piece);
}

/// Split into starter + combining-mark segments (NFC never composes across them for Vietnamese).
fn segments(s: &str) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if i > start && canonical_combining_class(c) == 0 && !is_jamo(c) {
            v.push((start, i));
            start = i;
        }
    }
    if start < s.len() {
        v.push((start, s.len()));
    }
    v
}

fn is_jamo(c: char) -> bool {
    matches!(c as u32, 0x1160..=0x11FF)
}

fn nfc_mapped(s: &str, base: usize) -> (Cow<'_, str>, Vec<MapPiece>) {
    if fast_is_nfc(s) {
        return (
            Cow::Borrowed(s),
            vec![MapPiece {
                text: 0,
                src: base as u32,
                src_len: s.len() as u32,
            }],
        );
    }
    let mut out = String::with_capacity(s.len());
    let mut m = Vec::new();
    for (a, b) in segments(s) {
        let before = out.len();
        out.extend(s[a..b].nfc());
        let identity = out.len() - before == b - a;
        push_piece(
            &mut m,
            before as u32,
            (base + a) as u32,
            (b - a) as u32,
            identity,
        );
    }
    (Cow::Owned(out), m)
}

/// Split plain text into lines. Blank lines and lone page numbers become a `Gap`
/// on the next line. `base` is the offset of `text` in the original file.
pub(crate) fn split_plain(text: &str, base: usize, drop_page_numbers: bool) -> Vec<Line<'_>> {
    let mut out = Vec::with_capacity(text.len() / 60 + 1);
    let mut gap = true;
    let mut pos = 0;
    let bytes = text.as_bytes();
    while pos <= bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..])
            .map(|i| pos + i)
            .unwrap_or(bytes.len());
        let mut le = end;
        if le > pos && bytes[le - 1] == b'\r' {
            le -= 1;
        }
        let raw = &text[pos..le];
        let t = raw.trim();
        if t.is_empty() || (drop_page_numbers && is_page_number(t)) {
            gap = true;
        } else {
            out.push(Line::new(
                raw,
                base + pos,
                if gap { Brk::Gap } else { Brk::Wrap },
            ));
            gap = false;
        }
        if end >= bytes.len() {
            break;
        }
        pos = end + 1;
    }
    if let Some(first) = out.first_mut() {
        first.brk = Brk::Para;
    }
    out
}

/// A line that is only a page number: `5`, `- 5 -`, `Trang 5`, `5/12`.
pub(crate) fn is_page_number(t: &str) -> bool {
    let t = t.trim_matches(|c: char| c == '-' || c == '–' || c.is_whitespace());
    let t = t.strip_prefix("Trang ").unwrap_or(t);
    let (a, b) = match t.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (t, None),
    };
    let num = |x: &str| !x.is_empty() && x.len() <= 4 && x.bytes().all(|c| c.is_ascii_digit());
    num(a) && b.is_none_or(num)
}

/// Length in bytes of the white-space char at `i` (0 if none): ASCII blanks, NBSP,
/// the U+2000 spaces, zero-width space, U+3000 and a stray BOM.
#[inline]
fn ws_len(b: &[u8], i: usize) -> usize {
    match b[i] {
        b' ' | b'\t' | b'\r' | b'\x0b' | b'\x0c' => 1,
        0xC2 if b.get(i + 1) == Some(&0xA0) => 2,
        0xE2 if b.get(i + 1) == Some(&0x80)
            && b.get(i + 2)
                .is_some_and(|&c| (0x80..=0x8B).contains(&c) || c == 0xAF) =>
        {
            3
        }
        0xE2 if b.get(i + 1) == Some(&0x81) && b.get(i + 2) == Some(&0x9F) => 3,
        0xE3 if b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0x80) => 3,
        0xEF if b.get(i + 1) == Some(&0xBB) && b.get(i + 2) == Some(&0xBF) => 3,
        _ => 0,
    }
}

/// Joined text of several (line, start offset) parts with its map.
#[derive(Debug, Default)]
pub(crate) struct Reflow {
    pub text: String,
    pub pieces: Vec<MapPiece>,
    /// Source offset just after the last char written (for the next join's space).
    last_src_end: u32,
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}'
}

fn terminal(c: char) -> bool {
    matches!(
        c,
        '.' | ';' | ':' | '!' | '?' | '…' | ')' | '”' | '"' | '»' | '/'
    )
}

impl Reflow {
    pub fn into_map(self) -> (String, SourceMap) {
        (
            self.text,
            SourceMap {
                pieces: self.pieces,
            },
        )
    }

    /// Append `line.text[from..]` (trimmed, spaces collapsed), joined to what is there.
    pub fn push_line(&mut self, line: &Line, from: usize) {
        let seg = &line.text[from.min(line.text.len())..];
        let lead = seg.len() - seg.trim_start_matches(is_space).len();
        let seg_t = seg.trim_matches(is_space);
        if seg_t.is_empty() {
            return;
        }
        let a = from + lead;
        let first = seg_t.chars().next().unwrap_or(' ');
        if !self.text.is_empty() {
            let prev = self.text.chars().next_back().unwrap_or(' ');
            let before_prev = self.text.chars().rev().nth(1).unwrap_or(' ');
            // `608/QĐ-` + `TTg`, `16/6/` + `2025`: a symbol split by the wrap.
            let symbol_join =
                ((prev == '-' && !before_prev.is_whitespace() && before_prev.is_alphanumeric())
                    || (prev == '/' && before_prev.is_alphanumeric()))
                    && first.is_alphanumeric()
                    && line.brk != Brk::Para;
            let newline = match line.brk {
                Brk::Para => true,
                Brk::Gap => {
                    terminal(prev)
                        || first.is_uppercase()
                        || first.is_ascii_digit()
                        || matches!(first, '(' | '“' | '"' | '-' | '+' | '•')
                }
                Brk::Wrap => false,
            };
            if symbol_join && !newline {
                // nothing between
            } else {
                let t = self.text.len() as u32;
                self.text.push(if newline { '\n' } else { ' ' });
                push_piece(&mut self.pieces, t, self.last_src_end, 1, false);
            }
        }
        self.push_collapsed(line, a, a + seg_t.len());
    }

    /// Append `line.text[a..b]` with runs of white space collapsed to one space.
    fn push_collapsed(&mut self, line: &Line, a: usize, b: usize) {
        let bytes = line.text.as_bytes();
        let mut i = a;
        let mut word_start = a;
        while i < b {
            let w = ws_len(bytes, i);
            if w == 0 {
                i += 1;
                continue;
            }
            // A lone ASCII space between words needs no new map piece: keep copying.
            if w == 1 && bytes[i] == b' ' && i + 1 < b && ws_len(bytes, i + 1) == 0 {
                i += 1;
                continue;
            }
            // A run of white space: flush the word before it, then one space.
            let run_start = i;
            let single_space = bytes[i] == b' ';
            i += w;
            let mut run_len = 1usize;
            loop {
                let w2 = if i < b { ws_len(bytes, i) } else { 0 };
                if w2 == 0 {
                    break;
                }
                i += w2;
                run_len += 1;
            }
            if run_start > word_start {
                self.push_chunk(line, word_start, run_start);
            }
            if i < b {
                let t = self.text.len() as u32;
                self.text.push(' ');
                let src = line.src(run_start) as u32;
                push_piece(
                    &mut self.pieces,
                    t,
                    src,
                    1,
                    single_space && line.map.len() == 1,
                );
                self.last_src_end = src + 1;
                let _ = run_len;
            }
            word_start = i;
        }
        if b > word_start {
            self.push_chunk(line, word_start, b);
        }
    }

    /// Copy `line.text[a..b]` (no spaces to collapse) and map it piece by piece.
    fn push_chunk(&mut self, line: &Line, a: usize, b: usize) {
        let out0 = self.text.len();
        self.text.push_str(&line.text[a..b]);
        let map = &line.map;
        // First piece of the line map covering `a`.
        let mut i = match map.binary_search_by(|p| p.text.cmp(&(a as u32))) {
            Ok(i) => i,
            Err(0) => 0,
            Err(i) => i - 1,
        };
        let mut pos = a;
        while pos < b && i < map.len() {
            let p = map[i];
            let p_end = map
                .get(i + 1)
                .map(|q| q.text as usize)
                .unwrap_or(line.text.len());
            let sub_end = b.min(p_end.max(pos));
            if sub_end > pos {
                let text_len = p_end - p.text as usize;
                let identity = text_len == p.src_len as usize;
                let off_in = (pos - p.text as usize).min(p.src_len as usize) as u32;
                let src = p.src + off_in;
                let src_len = if identity {
                    (sub_end - pos) as u32
                } else if pos == p.text as usize && sub_end == p_end {
                    p.src_len
                } else {
                    (p.src_len - off_in).min((sub_end - pos) as u32)
                };
                push_piece(
                    &mut self.pieces,
                    (out0 + pos - a) as u32,
                    src,
                    src_len,
                    identity,
                );
                self.last_src_end = src + src_len;
                pos = sub_end;
            }
            i += 1;
        }
        if pos < b {
            // Text past the last piece (synthesised): map to the end of the last piece.
            push_piece(
                &mut self.pieces,
                (out0 + pos - a) as u32,
                self.last_src_end,
                0,
                false,
            );
        }
    }
}

/// Reflow `(line index, start offset)` parts of `lines` into one text.
pub(crate) fn reflow(lines: &[Line], parts: &[(usize, usize)]) -> Reflow {
    let mut r = Reflow::default();
    let total: usize = parts
        .iter()
        .map(|&(l, o)| lines[l].text.len().saturating_sub(o) + 1)
        .sum();
    r.text.reserve(total);
    r.pieces.reserve(parts.len() + 1);
    for &(li, off) in parts {
        r.push_line(&lines[li], off);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reflow_text(s: &str) -> (String, SourceMap) {
        let lines = split_plain(s, 0, true);
        let parts: Vec<_> = (0..lines.len()).map(|i| (i, 0)).collect();
        reflow(&lines, &parts).into_map()
    }

    #[test]
    fn joins_wraps_symbols_and_spaces() {
        let src =
            "Quyết định số 608/QĐ-\nTTg ngày 15/3/2025 của  Thủ  tướng \nChính phủ;\n\nĐể có cơ sở";
        let (t, m) = reflow_text(src);
        assert_eq!(
            t,
            "Quyết định số 608/QĐ-TTg ngày 15/3/2025 của Thủ tướng Chính phủ;\nĐể có cơ sở"
        );
        let i = t.find("TTg").unwrap();
        assert_eq!(&src[m.to_source(i)..m.to_source(i) + 3], "TTg");
        let j = t.find("Thủ tướng").unwrap();
        assert!(src[m.to_source(j)..].starts_with("Thủ  tướng"));
        let k = t.find("Để").unwrap();
        assert!(src[m.to_source(k)..].starts_with("Để có"));
    }

    #[test]
    fn page_number_dropped_and_sentence_joined() {
        let (t, _) = reflow_text("phát huy tính \n\n\n\n5\n\nchủ động, đổi mới");
        assert_eq!(t, "phát huy tính chủ động, đổi mới");
    }

    #[test]
    fn nfd_maps_back() {
        let nfd: String = "Sở Tư pháp chủ trì".nfd().collect();
        let (t, m) = reflow_text(&nfd);
        assert_eq!(t, "Sở Tư pháp chủ trì");
        let i = t.find("chủ").unwrap();
        let s = m.to_source(i);
        assert!(nfd[s..].starts_with('c'), "{s}");
        let tp = t.find("pháp").unwrap();
        assert!(nfd[m.to_source(tp)..].starts_with('p'));
    }
}
