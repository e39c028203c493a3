//! Reading source lines back for diagnostics, with columns counted in NFC characters.
//!
//! Locations carry byte offsets into the ORIGINAL file. A file may be NFD (combining marks)
//! or have tabs; what a reader sees is one column per composed letter, so the renderers
//! compose (NFC) the line before counting columns for the underline.
use rasoat_model::Location;
use rasoat_text::{LineIndex, nfc};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// A loaded source file.
pub struct SourceFile {
    pub text: String,
    pub index: LineIndex,
}

/// Caches files read for diagnostics (one read per file per render).
#[derive(Default)]
pub struct SourceCache {
    files: RefCell<HashMap<String, Option<Rc<SourceFile>>>>,
}

impl SourceCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// Register a file's text without touching the disk (tests, stdin).
    pub fn insert(&self, path: &str, text: String) {
        let index = LineIndex::new(&text);
        self.files
            .borrow_mut()
            .insert(path.to_string(), Some(Rc::new(SourceFile { text, index })));
    }

    /// The file's text, when it exists and is UTF-8 (a .docx or binary file yields `None`,
    /// and the renderers fall back to the location's snippet).
    pub fn get(&self, path: &str) -> Option<Rc<SourceFile>> {
        if let Some(f) = self.files.borrow().get(path) {
            return f.clone();
        }
        let loaded = std::fs::read(path)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .map(|text| {
                let index = LineIndex::new(&text);
                Rc::new(SourceFile { text, index })
            });
        self.files
            .borrow_mut()
            .insert(path.to_string(), loaded.clone());
        loaded
    }
}

/// One source line prepared for display: NFC text (tabs expanded) and the underlined
/// char range `[start, end)` within it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownLine {
    pub line: usize,
    pub text: String,
    pub start: usize,
    pub end: usize,
}

fn display(s: &str) -> String {
    nfc(s).replace('\t', "    ").replace(['\r', '\u{feff}'], "")
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Lines covered by `loc` (at most `max_lines`, first and last kept), each with its underline.
/// Uses the byte range when it is consistent with the file, else the line/column numbers.
pub fn shown_lines(file: &SourceFile, loc: &Location, max_lines: usize) -> Vec<ShownLine> {
    let text = &file.text;
    let idx = &file.index;
    let bytes_ok = loc.byte_end >= loc.byte_start
        && loc.byte_end <= text.len()
        && (loc.byte_end > loc.byte_start || loc.line == 0)
        && (loc.line == 0 || idx.line(loc.byte_start) == loc.line);
    let (b0, b1) = if bytes_ok {
        (
            floor_boundary(text, loc.byte_start),
            floor_boundary(text, loc.byte_end),
        )
    } else {
        // Fall back to line/column (columns counted in chars of the original line).
        if loc.line == 0 || loc.line > idx.line_count() {
            return Vec::new();
        }
        let to_byte = |line: usize, col: usize| {
            let ls = idx.line_start(line);
            let le = text[ls..].find('\n').map(|i| ls + i).unwrap_or(text.len());
            text[ls..le]
                .char_indices()
                .nth(col.saturating_sub(1))
                .map(|(i, _)| ls + i)
                .unwrap_or(le)
        };
        let end_line = loc.end_line.max(loc.line).min(idx.line_count());
        let b0 = to_byte(loc.line, loc.column.max(1));
        let mut b1 = to_byte(end_line, loc.end_column.max(1));
        // end_column is inclusive: step over that char.
        if let Some(c) = text[b1..].chars().next().filter(|&c| c != '\n') {
            b1 += c.len_utf8();
        }
        (b0, b1.max(b0))
    };
    let l0 = idx.line(b0);
    let l1 = idx.line(b1.saturating_sub(1).max(b0));
    let mut out = Vec::new();
    for l in l0..=l1 {
        let ls = idx.line_start(l);
        let le = text[ls..].find('\n').map(|i| ls + i).unwrap_or(text.len());
        let raw = &text[ls..le];
        let s = b0.max(ls) - ls;
        let e = b1.min(le).max(b0.max(ls)) - ls;
        let (s, e) = (floor_boundary(raw, s), floor_boundary(raw, e));
        let start = display(&raw[..s]).chars().count();
        let mid = display(&raw[s..e]).chars().count();
        out.push(ShownLine {
            line: l,
            text: display(raw),
            start,
            end: start + mid.max(if l == l0 { 1 } else { 0 }),
        });
    }
    if out.len() > max_lines && max_lines >= 2 {
        let last = out.pop();
        out.truncate(max_lines - 1);
        out.extend(last);
    }
    out
}

/// Keep long lines readable: a window of about `width` chars around the underline.
/// Returns (text, start, end) with "…" marks where cut.
pub fn window(line: &ShownLine, width: usize) -> (String, usize, usize) {
    let chars: Vec<char> = line.text.chars().collect();
    if chars.len() <= width {
        return (line.text.clone(), line.start, line.end);
    }
    let span = line.end.saturating_sub(line.start);
    let ctx = width.saturating_sub(span.min(width)) / 2;
    let from = line.start.saturating_sub(ctx.max(10));
    let to = (line.end + ctx.max(10)).min(chars.len());
    let mut s = String::new();
    let mut shift = 0;
    if from > 0 {
        s.push('…');
        shift = 1;
    }
    s.extend(&chars[from..to]);
    if to < chars.len() {
        s.push('…');
    }
    (
        s,
        line.start - from + shift,
        line.end.min(to) - from + shift,
    )
}

/// Recompute line/column numbers of `loc` from its byte range, counting NFC characters
/// (one column per Vietnamese letter even in an NFD file). Leaves `loc` alone when its
/// file cannot be read or the range does not fit the file.
pub fn resolve_columns(cache: &SourceCache, loc: &mut Location) {
    let Some(file) = cache.get(&loc.file) else {
        return;
    };
    let text = &file.text;
    if loc.byte_end < loc.byte_start || loc.byte_end > text.len() || loc.byte_end == 0 {
        return;
    }
    let col_of = |b: usize| {
        let b = floor_boundary(text, b);
        let line = file.index.line(b);
        let ls = file.index.line_start(line);
        (line, display(&text[ls..b]).chars().count() + 1)
    };
    let (l0, c0) = col_of(loc.byte_start);
    // Inclusive end column = number of composed chars from the line start through byte_end
    // (so a trailing combining mark does not count as a column of its own).
    let end = floor_boundary(text, loc.byte_end).max(loc.byte_start);
    let last = floor_boundary(text, end.saturating_sub(1)).max(loc.byte_start);
    let l1 = file.index.line(last);
    let ls1 = file.index.line_start(l1);
    let c1 = display(&text[ls1..end.max(ls1)])
        .trim_end_matches('\n')
        .chars()
        .count();
    loc.line = l0;
    loc.column = c0;
    loc.end_line = l1;
    loc.end_column = c1.max(if l1 == l0 { c0 } else { 1 });
}

/// Apply [`resolve_columns`] to every location of a report.
pub fn resolve_report_columns(cache: &SourceCache, report: &mut rasoat_model::Report) {
    for f in &mut report.findings {
        resolve_columns(cache, &mut f.location);
        for r in &mut f.related {
            resolve_columns(cache, r);
        }
    }
}
