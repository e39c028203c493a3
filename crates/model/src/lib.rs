//! The document model every other rasoat crate speaks.
//!
//! A [`Document`] is one source file (or one law of a data set) turned into a
//! tree of [`Provision`]s. Each provision knows where it came from in the
//! original file ([`Span`]: byte range plus 1-based line/column), and keeps a
//! [`SourceMap`] so a match inside its (NFC, reflowed) text can be pointed back
//! at the exact bytes of the original file. Findings of the review live here too
//! ([`finding`]), so reports depend only on the model.

pub mod finding;

pub use finding::*;
pub use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Input format of a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Plain text, typically extracted from PDF (hard-wrapped lines).
    Text,
    Markdown,
    Docx,
    /// A law imported from a JSON data set (ALQAC, VLSP, DRiLL, vbpl).
    Dataset,
    /// PDF: its text layer, or OCR of its page images (then a warning says so).
    Pdf,
    /// Legacy Word 97–2003 binary.
    Doc,
    Html,
    /// A page image (PNG, JPEG, TIFF) read by OCR.
    Image,
}

/// Where a document came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Path as given by the user (or `file.json#law-id` for data-set laws).
    pub path: String,
    pub format: Format,
    /// Size of the original file in bytes.
    pub bytes: u64,
    /// Hex digest of the original bytes (content identity; used for incremental indexing
    /// and for recognising one document present twice).
    pub digest: String,
    /// Paged sources (PDF, images): the 1-based line of the extracted text on which each
    /// page starts, so a line can be told as page + line ([`Source::page_line`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pages: Vec<usize>,
}

impl Source {
    /// Page (1-based) and line within that page of extracted-text line `line`; None for
    /// sources without pages.
    pub fn page_line(&self, line: usize) -> Option<(usize, usize)> {
        let i = self.pages.partition_point(|&start| start <= line);
        (i > 0).then(|| (i, line - self.pages[i - 1] + 1))
    }
}

/// A byte range into the original file plus 1-based line/column of both ends.
/// Columns count characters of the original line (a Vietnamese letter is one column).
/// `end_line`/`end_col` point at the last character (inclusive), like rustc.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub col: usize,
    pub end_line: usize,
    pub end_col: usize,
}

/// Maps byte offsets of a provision's `text` (NFC, reflowed) back to byte
/// offsets of the original file. Pieces are sorted by `text`; an offset inside
/// a piece maps linearly from its start (clamped to the piece's source length).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SourceMap {
    pub pieces: Vec<MapPiece>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapPiece {
    /// Byte offset in the provision text where this piece starts.
    pub text: u32,
    /// Byte offset in the original file where this piece starts.
    pub src: u32,
    /// Length in bytes of the piece in the original file.
    pub src_len: u32,
}

impl SourceMap {
    /// Original-file byte offset of text byte offset `off`.
    pub fn to_source(&self, off: usize) -> usize {
        let off = off as u32;
        let i = match self.pieces.binary_search_by(|p| p.text.cmp(&off)) {
            Ok(i) => i,
            Err(0) => return self.pieces.first().map(|p| p.src as usize).unwrap_or(0),
            Err(i) => i - 1,
        };
        let p = self.pieces[i];
        (p.src + (off - p.text).min(p.src_len)) as usize
    }
}

/// Structural level of a provision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProvisionKind {
    /// Opening text before the first structural unit (căn cứ lines, purpose paragraph).
    Preamble,
    Phan,
    Chuong,
    Muc,
    TieuMuc,
    Dieu,
    Khoan,
    Diem,
    /// Plan/report section "I.", "II." (Roman).
    Section,
    /// Plan item "1." under a section.
    Item,
    /// Plan sub-item "a)".
    SubItem,
    /// "-" / "+" bullet.
    Bullet,
    /// Phụ lục (appendix).
    PhuLuc,
    /// A paragraph that is not numbered (continuation text).
    Paragraph,
}

impl ProvisionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProvisionKind::Preamble => "preamble",
            ProvisionKind::Phan => "phan",
            ProvisionKind::Chuong => "chuong",
            ProvisionKind::Muc => "muc",
            ProvisionKind::TieuMuc => "tieu-muc",
            ProvisionKind::Dieu => "dieu",
            ProvisionKind::Khoan => "khoan",
            ProvisionKind::Diem => "diem",
            ProvisionKind::Section => "section",
            ProvisionKind::Item => "item",
            ProvisionKind::SubItem => "sub-item",
            ProvisionKind::Bullet => "bullet",
            ProvisionKind::PhuLuc => "phu-luc",
            ProvisionKind::Paragraph => "paragraph",
        }
    }
}

/// One addressable unit: Điều / Khoản / Điểm, or I. / 1. / a) in plans.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provision {
    /// Stable id: `dieu-5.khoan-2.diem-a`, `III.6.c`, `preamble`, `phu-luc-1`.
    pub id: String,
    /// Citation label in Vietnamese order: `điểm a khoản 2 Điều 5`, `điểm c khoản 6 mục III`.
    pub label: String,
    pub kind: ProvisionKind,
    /// The number as written: `5a`, `2`, `đ`, `III`.
    pub number: String,
    /// Heading text (Điều title, section title, "Sở Tư pháp" for III.1).
    pub heading: Option<String>,
    /// Own text (NFC, reflowed, spaces collapsed), without the label and without children.
    pub text: String,
    /// Source range of the whole provision (label through last child).
    pub span: Span,
    /// Maps offsets of `text` to original-file offsets.
    pub map: SourceMap,
    /// Data-set ids (ALQAC/VLSP/DRiLL): the law id and article id the data set uses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub law_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article_id: Option<String>,
    pub children: Vec<Provision>,
}

impl Provision {
    /// Depth-first pre-order walk over this provision and its descendants.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Provision, &[&'a Provision])) {
        fn go<'a>(
            p: &'a Provision,
            path: &mut Vec<&'a Provision>,
            f: &mut dyn FnMut(&'a Provision, &[&'a Provision]),
        ) {
            f(p, path);
            path.push(p);
            for c in &p.children {
                go(c, path, f);
            }
            path.pop();
        }
        let mut path = Vec::new();
        go(self, &mut path, f);
    }

    /// Heading and text together (what a reader sees for this unit).
    pub fn full_text(&self) -> String {
        match &self.heading {
            Some(h) if !self.text.is_empty() => format!("{h}\n{}", self.text),
            Some(h) => h.clone(),
            None => self.text.clone(),
        }
    }
}

/// Document metadata read from the header.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DocMeta {
    /// Số, ký hiệu as printed: `45/KH-UBND`, `12/2026/QĐ-UBND`, `72/2025/QH15`.
    pub number: Option<String>,
    /// Type code: `KH`, `QĐ`, `NQ`, `NĐ`, `TT`, `LUAT`, `BLUAT`, `HP`, `CV`, ...
    pub doc_type: Option<String>,
    /// Type word as a reader says it: `Kế hoạch`, `Quyết định`, `Luật`.
    pub type_name: Option<String>,
    /// Issuing body: `Ủy ban nhân dân tỉnh Đắk Lắk`.
    pub issuer: Option<String>,
    pub place: Option<String>,
    /// Date of issue.
    pub date: Option<Date>,
    /// Trích yếu.
    pub title: Option<String>,
    /// Văn bản quy phạm pháp luật (number carries a year) vs administrative.
    pub normative: bool,
    /// "DỰ THẢO" on top, or a blank number/date.
    pub draft: bool,
    /// Who signed (the name under the signature block).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// Data-set law id (`91/2015/QH13`, `Luật Đất đai 2013` ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub law_id: Option<String>,
    /// Data set name (`alqac2024`, `vlsp2023`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset: Option<String>,
}

/// A block kept out of the provisions (signature, Nơi nhận, Quốc hiệu).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    pub kind: BlockKind,
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlockKind {
    Header,
    Signature,
    NoiNhan,
}

/// One parsed document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub source: Source,
    pub meta: DocMeta,
    /// Top-level provisions (the preamble, if any, comes first).
    pub provisions: Vec<Provision>,
    /// Header, signature and Nơi nhận blocks.
    pub blocks: Vec<Block>,
    /// Non-fatal remarks of the parser (e.g. "numbering gap after Điều 4").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl Document {
    /// Depth-first pre-order walk over every provision, with its ancestors.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Provision, &[&'a Provision])) {
        for p in &self.provisions {
            p.walk(f);
        }
    }

    /// All provisions flattened in document order.
    pub fn flat(&self) -> Vec<&Provision> {
        let mut v = Vec::new();
        self.walk(&mut |p, _| v.push(p));
        v
    }

    /// Find a provision by id.
    pub fn find(&self, id: &str) -> Option<&Provision> {
        let mut found = None;
        self.walk(&mut |p, _| {
            if found.is_none() && p.id == id {
                found = Some(p);
            }
        });
        found
    }

    /// A short human name: number if known, else title, else file name.
    pub fn display_name(&self) -> String {
        if let Some(n) = &self.meta.number {
            return n.clone();
        }
        if let Some(l) = &self.meta.law_id {
            return l.clone();
        }
        if let Some(t) = &self.meta.title {
            return shorten_at_word(t, 60);
        }
        self.source.path.clone()
    }
}

/// Cut `s` to at most `max` chars at a word boundary, with "…" when cut.
pub fn shorten_at_word(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > 0 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    #[test]
    fn shortens_at_word() {
        let t =
            "Quy định phân cấp thẩm quyền quản lý tài chính, tài sản công trong quản lý nhà nước";
        let s = super::shorten_at_word(t, 60);
        assert!(s.ends_with('…') && !s.contains("nướ…"), "{s}");
        assert_eq!(super::shorten_at_word("ngắn", 60), "ngắn");
    }
}

/// Why a file could not be read or parsed. Never a panic; names the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{path}: {reason}")]
pub struct ParseError {
    pub path: String,
    pub reason: String,
}

impl ParseError {
    pub fn new(path: impl Into<String>, reason: impl Into<String>) -> Self {
        ParseError {
            path: path.into(),
            reason: reason.into(),
        }
    }
}
