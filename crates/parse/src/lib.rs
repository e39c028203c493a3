//! Ingestion: turns source files into [`rasoat_model::Document`] trees.
//!
//! Formats:
//! * plain text extracted from PDF (`.txt`, or no extension): hard wraps joined, split
//!   symbols (`608/QĐ-` + `TTg`) re-joined, runs of spaces collapsed, lone page numbers
//!   dropped; header and trailing blocks (Nơi nhận, signature) kept out of the provisions;
//! * Markdown (`.md`), via pulldown-cmark;
//! * Word `.docx` (zip + quick-xml), with Word's automatic numbering rebuilt from
//!   `numbering.xml`;
//! * JSON data sets (`.json`): ALQAC/VLSP `[{"id","articles":[{"id","text"}]}]`,
//!   DRiLL `[{"id","law_id","content":[{"aid","content_Article"}]}]`, vbpl crawls
//!   `[{"short_title","full_title","intro","content_layers"}]`: one document per law.
//!
//! Positions: byte offsets into the original file (line/column 1-based) for text,
//! Markdown and JSON (for JSON, into the article strings of the JSON file). For .docx
//! they refer to the document's paragraph text (one line per `w:p`), since the file
//! itself is compressed; for UTF-16 input to the decoded text.

mod crawl;
mod dataset;
mod decode;
mod doc;
mod docx;
mod header;
mod html;
mod legacy;
mod limits;
mod lines;
mod markdown;
mod markers;
mod ocr;
mod pdf;
mod structure;

pub use limits::MAX_FILE_BYTES;

use rasoat_model::{Document, Format, ParseError, Source};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Warning on a page crawled from a legal portal (crawler Markdown): portals publish a
/// document's appendices as separate files, so the text may lack them.
pub const CRAWLED_PAGE: &str =
    "crawled portal page: appendices published as separate files may be missing";

/// Parse one file. A data-set JSON yields one document per law; a JSON file of
/// questions (no law texts) yields none.
pub fn parse_path(path: &Path) -> Result<Vec<Document>, ParseError> {
    let name = path.display().to_string();
    let err = |r: String| ParseError::new(&name, r);
    // The size first: a 1 GB file is refused before a byte of it is read.
    let meta = std::fs::metadata(path).map_err(|e| err(format!("cannot read: {e}")))?;
    limits::check_file_size(meta.len()).map_err(err)?;
    let bytes = std::fs::read(path).map_err(|e| err(format!("cannot read: {e}")))?;
    parse_bytes(&name, &bytes)
}

/// Parse in-memory bytes; `path` is used for the format (extension, else content) and messages.
pub fn parse_bytes(path: &str, bytes: &[u8]) -> Result<Vec<Document>, ParseError> {
    let err = |r: String| ParseError::new(path, r);
    limits::check_file_size(bytes.len() as u64).map_err(err)?;
    let fmt = detect_format(path, bytes).map_err(err)?;
    if matches!(fmt, Kind::Text | Kind::Markdown | Kind::Html) {
        limits::check_line_length(bytes).map_err(err)?;
    }
    let one = |r: Result<Document, String>| r.map(|d| vec![d]).map_err(err);
    match fmt {
        Kind::Text => one(parse_text(path, bytes)),
        Kind::Markdown => one(markdown::parse(path, bytes)),
        Kind::Docx => one(docx::parse(path, bytes)),
        Kind::Json => dataset::parse(path, bytes).map_err(err),
        Kind::Pdf => one(pdf::parse(path, bytes)),
        Kind::Doc => one(doc::parse(path, bytes)),
        Kind::Html => one(html::parse(path, bytes)),
        Kind::Image => one(ocr::parse_image(path, bytes)),
    }
}

/// Parse many files in parallel; results are in input order. One bad file never stops the rest.
pub fn parse_many(paths: &[PathBuf]) -> Vec<Result<Vec<Document>, ParseError>> {
    paths.par_iter().map(|p| parse_path(p)).collect()
}

/// File extensions taken from directories.
pub const EXTENSIONS: &[&str] = &[
    "txt", "text", "md", "markdown", "docx", "json", "pdf", "doc", "html", "htm", "png", "jpg",
    "jpeg", "tif", "tiff",
];

/// Walk `dir` recursively (following links, by file name), skipping hidden entries such as
/// `.git` and `.rasoat`: the one corpus walk of every command.
pub fn walk_dir(dir: &Path) -> impl Iterator<Item = walkdir::Result<walkdir::DirEntry>> {
    walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !e.file_name().to_str().is_some_and(|n| n.starts_with('.'))
        })
}

/// Expand files and directories into the list of input files, sorted and deterministic.
/// Directories are walked recursively; hidden entries, `README.md`/`SOURCES.md` and files
/// with other extensions are skipped there. Files named explicitly are kept as given (an
/// unsupported extension then fails in [`parse_path`] with a clear reason).
pub fn collect_inputs(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<ParseError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        let meta = match std::fs::metadata(p) {
            Ok(m) => m,
            Err(e) => {
                errors.push(ParseError::new(
                    p.display().to_string(),
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        if meta.is_dir() {
            let mut found = Vec::new();
            for e in walk_dir(p) {
                match e {
                    Ok(e) if e.file_type().is_file() => {
                        let name = e.file_name().to_string_lossy().to_lowercase();
                        // Provenance files (SOURCES.md, SOURCES-index.json) are not documents.
                        // A crawl's manifest (`index.json` beside the pages) is not a document.
                        if name == "readme.md"
                            || name.starts_with("sources")
                            || name == "index.json"
                        {
                            continue;
                        }
                        let ext = e
                            .path()
                            .extension()
                            .map(|x| x.to_string_lossy().to_lowercase())
                            .unwrap_or_default();
                        if EXTENSIONS.contains(&ext.as_str()) {
                            found.push(e.into_path());
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        let at = e
                            .path()
                            .map(|x| x.display().to_string())
                            .unwrap_or_else(|| p.display().to_string());
                        errors.push(ParseError::new(
                            at,
                            format!("cannot read directory entry: {e}"),
                        ));
                    }
                }
            }
            found.sort();
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    (files, errors)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Markdown,
    Docx,
    Json,
    Pdf,
    Doc,
    Html,
    Image,
}

fn detect_format(path: &str, bytes: &[u8]) -> Result<Kind, String> {
    let base = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let ext = match base.rsplit_once('.') {
        Some((stem, e)) if !stem.is_empty() => e.to_ascii_lowercase(),
        _ => String::new(),
    };
    match ext.as_str() {
        "txt" | "text" => Ok(Kind::Text),
        "md" | "markdown" => Ok(Kind::Markdown),
        "docx" => Ok(Kind::Docx),
        "json" => Ok(Kind::Json),
        "doc" => Ok(Kind::Doc),
        "pdf" => Ok(Kind::Pdf),
        "html" | "htm" => Ok(Kind::Html),
        "png" | "jpg" | "jpeg" | "tif" | "tiff" => Ok(Kind::Image),
        "" => {
            // No extension: look at the content.
            if bytes.starts_with(b"%PDF-") {
                Ok(Kind::Pdf)
            } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
                Ok(Kind::Doc)
            } else if bytes.starts_with(b"PK\x03\x04") {
                Ok(Kind::Docx)
            } else if bytes
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|&b| b == b'[' || b == b'{')
            {
                Ok(Kind::Json)
            } else {
                Ok(Kind::Text)
            }
        }
        other => Err(format!(
            "unsupported file type '.{other}' (expected .txt, .md, .docx, .doc, .pdf, .html, .json or a page image)"
        )),
    }
}

/// 64-bit FNV-1a over 8-byte words, as 16 hex digits: a content identity, not a security hash.
pub fn digest(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h ^ w).wrapping_mul(0x100000001b3);
        h ^= h >> 29;
    }
    for &b in chunks.remainder() {
        h = (h ^ b as u64).wrapping_mul(0x100000001b3);
    }
    h ^= bytes.len() as u64;
    h = h.wrapping_mul(0x9E3779B97F4A7C15);
    format!("{:016x}", h ^ (h >> 32))
}

fn source(path: &str, format: Format, bytes: &[u8]) -> Source {
    Source {
        path: path.to_string(),
        format,
        bytes: bytes.len() as u64,
        digest: digest(bytes),
        pages: Vec::new(),
    }
}

/// Plain text (PDF extraction) → one document.
fn parse_text(path: &str, bytes: &[u8]) -> Result<Document, String> {
    let d = decode::decode_text(bytes)?;
    // Spans are computed against the original file when it is UTF-8 (BOM included).
    // (Only a file with a UTF-8 BOM needs a second look at the original bytes.)
    let orig: &str = if d.utf16 || d.base == 0 {
        &d.text
    } else {
        std::str::from_utf8(bytes).unwrap_or(&d.text)
    };
    let base = if d.utf16 { 0 } else { d.base };
    let lines = lines::split_plain(&d.text, base, true);
    let src = structure::SrcText::new(orig);
    let parsed = structure::build(&lines, &src, true, &structure::Articles::default());
    let mut doc = finish(source(path, Format::Text, bytes), parsed);
    if let Some(enc) = d.legacy {
        doc.warnings.push(legacy_note(enc));
    }
    Ok(doc)
}

fn legacy_note(enc: legacy::Legacy) -> String {
    format!(
        "converted from the legacy {} encoding to Unicode; positions refer to the converted text",
        enc.name()
    )
}

/// Text produced by a reader (PDF text layer, OCR, .doc, HTML) → one document. Positions
/// refer to `text`. `paragraphs`: every line is a paragraph of its own (.doc, HTML), else
/// lines are wrapped as on a page and joined (PDF, OCR).
pub(crate) fn parse_extracted(
    source: Source,
    text: &str,
    paragraphs: bool,
    warnings: Vec<String>,
) -> Result<Document, String> {
    if text.trim().is_empty() {
        return Err("no text found in the document".into());
    }
    let mut lines = lines::split_plain(text, 0, !paragraphs);
    if paragraphs {
        for l in &mut lines {
            l.brk = lines::Brk::Para;
        }
    }
    let src = structure::SrcText::new(text);
    let parsed = structure::build(&lines, &src, true, &structure::Articles::default());
    let mut doc = finish(source, parsed);
    doc.warnings.extend(warnings);
    Ok(doc)
}

pub(crate) fn finish(source: Source, p: structure::Parsed) -> Document {
    let mut meta = header::to_meta(p.header);
    header::from_signature(&mut meta, &p.blocks);
    Document {
        source,
        meta,
        provisions: p.provisions,
        blocks: p.blocks,
        warnings: p.warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_detection() {
        assert_eq!(detect_format("a/b.TXT", b"x"), Ok(Kind::Text));
        assert_eq!(detect_format("law.json", b"[]"), Ok(Kind::Json));
        assert_eq!(detect_format("noext", b"  [1]"), Ok(Kind::Json));
        assert!(detect_format("x.xlsx", b"").unwrap_err().contains(".xlsx"));
        assert_eq!(detect_format(".hidden", b"abc"), Ok(Kind::Text));
    }

    #[test]
    fn digest_differs() {
        assert_ne!(digest(b"abc"), digest(b"abd"));
        assert_eq!(digest(b"abc").len(), 16);
    }
}

#[cfg(test)]
mod more_tests {
    use super::*;

    #[test]
    fn bom_and_crlf() {
        let src = "\u{feff}KẾ HOẠCH\r\nVề việc thử\r\n\r\nI. MỤC ĐÍCH\r\n1. Sở Tư pháp\r\n\r\nChủ trì.\r\n";
        let d = parse_bytes("x.txt", src.as_bytes()).unwrap().remove(0);
        assert_eq!(d.meta.title.as_deref(), Some("Về việc thử"));
        let p = d.find("I.1").unwrap();
        assert_eq!(p.heading.as_deref(), Some("Sở Tư pháp"));
        assert_eq!(p.text, "Chủ trì.");
        assert_eq!(p.span.line, 5);
        // Offsets count the BOM: the text maps back to the original bytes.
        let s = p.map.to_source(0);
        assert!(src[s..].starts_with("Chủ trì."));
    }

    #[test]
    fn attached_charter_and_rules_after_the_signature_are_parsed() {
        // As on the portals: the decision, its signature, then the attached text under a title in
        // capitals (Quảng Trị 2696/QĐ-UBND, Đà Nẵng 82/2025/QĐ-UBND, Cà Mau 0204/KH-UBND).
        for title in [
            "ĐIỀU LỆ",
            "NỘI QUY MẪU ÁP DỤNG CHO CÁC CHỢ",
            "DỰ BÁO MỘT SỐ CHỈ TIÊU KINH TẾ - XÃ HỘI",
        ] {
            let src = format!(
                "QUYẾT ĐỊNH\nVề việc ban hành\n\nĐiều 1. Ban hành kèm theo Quyết định này.\n\n\
                 Nơi nhận:\n- Như Điều 1;\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\
                 Hoàng Nam\n\n{title}\n(Kèm theo Quyết định số 2696/QĐ-UBND)\n\n\
                 Điều 1. Quỹ được mua sắm tài sản cố định.\n"
            );
            let d = parse_bytes("x.txt", src.as_bytes()).unwrap().remove(0);
            assert_eq!(d.meta.signer.as_deref(), Some("Hoàng Nam"), "{title}");
            let all: Vec<String> = d.flat().iter().map(|p| p.text.clone()).collect();
            assert!(
                all.iter().any(|t| t.contains("mua sắm tài sản cố định")),
                "{title}: attached text not parsed: {all:?}"
            );
        }
    }

    #[test]
    fn collect_skips_hidden_and_sources() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join(".hidden")).unwrap();
        std::fs::create_dir_all(d.join("b")).unwrap();
        for f in [
            "b/z.txt",
            "a.md",
            "SOURCES.md",
            "README.md",
            ".hidden/x.txt",
            "notes.pdf",
            "law.json",
            "x.xlsx",
        ] {
            std::fs::write(d.join(f), "x").unwrap();
        }
        let (files, errs) = collect_inputs(&[d.to_path_buf(), d.join("missing")]);
        let names: Vec<String> = files
            .iter()
            .map(|f| f.strip_prefix(d).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a.md", "b/z.txt", "law.json", "notes.pdf"]);
        assert_eq!(errs.len(), 1);
        assert!(errs[0].path.ends_with("missing"));
    }
}

#[cfg(test)]
mod fuzz_tests {
    use super::*;

    /// Random documents built from markers, Vietnamese words, odd spaces and NFD marks:
    /// parsing never panics and every span and map stays inside the file.
    #[test]
    fn random_inputs_never_panic() {
        let pool = [
            "Điều 5.",
            "Điều 5a.",
            "1.",
            "2a.",
            "a)",
            "đ)",
            "a1)",
            "- ",
            "+ ",
            "I.",
            "II.",
            "Chương II",
            "Mục 1",
            "Tiểu mục 2",
            "Phần thứ nhất",
            "PHỤ LỤC I",
            "Phụ lục",
            "Nơi nhận:",
            "KT. CHỦ TỊCH",
            "Trên đây là",
            "KẾ HOẠCH",
            "QUYẾT ĐỊNH",
            "Số: 12/2026/QĐ-UBND",
            "Số:   /2026/QĐ-UBND",
            "Đắk Lắk, ngày 05 tháng 01 năm 2026",
            "DỰ THẢO",
            "608/QĐ-",
            "TTg",
            "Sở Tư pháp",
            "chủ trì",
            "phối hợp;",
            "\u{0301}",
            "\u{00a0}",
            "  ",
            "\t",
            "\r",
            "\n",
            "\n\n",
            "5",
            "**",
            "#",
            "`",
            "“",
            "”",
            "(",
            ")",
            "…",
            "\u{feff}",
            "x",
            "UBND",
            ".",
            "/.",
            "[",
            "{",
            "\"",
        ];
        let mut seed: u64 = 0x2545F4914F6CDD1D;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut json_ok = 0;
        for round in 0..1500 {
            let n = (next() % 60) as usize;
            let mut s = String::new();
            for _ in 0..n {
                s.push_str(pool[(next() % pool.len() as u64) as usize]);
                if next() % 3 == 0 {
                    s.push(' ');
                }
            }
            let name = ["a.txt", "a.md", "a.json"][round % 3];
            if round % 3 == 2 {
                // A well-formed data-set file whose article text is the random string.
                let body = serde_json::to_string(&s).unwrap_or_default();
                s = match round % 2 {
                    0 => format!(
                        "[{{\"id\": \"L\", \"articles\": [{{\"id\": \"1\", \"text\": {body}}}, {{\"id\": \"2\", \"text\": {body}}}]}}]"
                    ),
                    _ => format!(
                        "[{{\"id\": 1, \"law_id\": \"1/2020/QH14\", \"content\": [{{\"aid\": 7, \"content_Article\": {body}}}]}}]"
                    ),
                };
            }
            if let Ok(docs) = parse_bytes(name, s.as_bytes()) {
                json_ok += (round % 3 == 2) as usize;
                for d in &docs {
                    d.walk(&mut |p, _| {
                        assert!(p.span.start <= p.span.end && p.span.end <= s.len(), "{s:?}");
                        for off in [0, p.text.len() / 2, p.text.len()] {
                            assert!(p.map.to_source(off) <= s.len(), "{s:?}");
                        }
                    });
                    for b in &d.blocks {
                        assert!(b.span.end <= s.len());
                    }
                }
            }
        }
        assert!(json_ok > 400, "data-set files parsed: {json_ok}");
    }
}
