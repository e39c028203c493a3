//! PDF: the text layer (pdf-extract over lopdf), page by page in parallel; pages with no
//! text layer (scans) go to OCR ([`crate::ocr`]). Running headers and footers (a line
//! repeated at the top or bottom of most pages, digits aside) are removed, then the
//! pages are parsed as PDF text: wrapped lines joined, lone page numbers dropped.
//!
//! Positions: line numbers of the extracted text (pages joined, headers removed);
//! [`rasoat_model::Source::pages`] tells on which line each page starts.

use crate::limits::{MAX_PAGES, MAX_PDF_OBJECTS};
use crate::lines::is_page_number;
use rasoat_model::{Document, Format};
use rayon::prelude::*;
use std::collections::HashMap;
use std::panic::catch_unwind;

/// Warning on documents read by OCR: the text may differ from the printed page.
pub const OCR_NOTE: &str = "text read by OCR (Tesseract, Vietnamese model) from page images: it may differ from the original; check quotes against the document";

/// Fewer visible characters per page than this: treat the PDF as a scan.
const MIN_CHARS_PER_PAGE: usize = 40;

pub(crate) fn parse(path: &str, bytes: &[u8]) -> Result<Document, String> {
    let (pages, warnings) = match text_layer(bytes)? {
        Some(p) => (p, Vec::new()),
        None => (crate::ocr::ocr_pdf(bytes)?, vec![OCR_NOTE.to_string()]),
    };
    let (text, starts) = join_pages(&pages);
    let mut source = crate::source(path, Format::Pdf, bytes);
    source.pages = starts;
    crate::parse_extracted(source, &text, false, warnings)
}

/// Refuse PDFs that declare more objects than a document needs, before loading them
/// (lopdf builds every object in memory).
fn check_objects(bytes: &[u8]) -> Result<(), String> {
    let finder = memchr::memmem::Finder::new(b"/Size");
    for at in finder.find_iter(bytes) {
        let rest = &bytes[at + 5..bytes.len().min(at + 40)];
        let digits: String = rest
            .iter()
            .skip_while(|b| b.is_ascii_whitespace())
            .take_while(|b| b.is_ascii_digit())
            .map(|&b| b as char)
            .collect();
        if digits.len() > 12 || digits.parse::<u64>().is_ok_and(|n| n > MAX_PDF_OBJECTS) {
            return Err(format!(
                "PDF declares {digits} objects (the limit is {MAX_PDF_OBJECTS}): not read"
            ));
        }
    }
    let objs = memchr::memmem::find_iter(bytes, b" obj").count() as u64;
    if objs > MAX_PDF_OBJECTS {
        return Err(format!(
            "PDF has {objs} objects (the limit is {MAX_PDF_OBJECTS}): not read"
        ));
    }
    Ok(())
}

/// Text of each page, or None when the PDF has (almost) no text layer.
pub(crate) fn text_layer(bytes: &[u8]) -> Result<Option<Vec<String>>, String> {
    if !bytes.starts_with(b"%PDF-") {
        return Err("not a PDF (no %PDF- header)".into());
    }
    check_objects(bytes)?;
    // A classic cross-reference table is read by the vendored pdf-extract's own object reader
    // (a fifth of PDF time was lopdf's parser); anything else by lopdf.
    let mut doc = catch_unwind(|| match pdf_extract::load_mem_fast(bytes) {
        Some(d) => Ok(d),
        None => lopdf::Document::load_mem(bytes),
    })
    .map_err(|_| "corrupt PDF (the reader failed on its structure)".to_string())?
    .map_err(|e| format!("corrupt PDF: {e}"))?;
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err("encrypted PDF (a password is needed to read it)".into());
    }
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    if pages.is_empty() {
        return Err("PDF without pages".into());
    }
    if pages.len() > MAX_PAGES {
        return Err(format!(
            "PDF has {} pages (the limit is {MAX_PAGES})",
            pages.len()
        ));
    }
    let doc = &doc;
    // Pages in a chunk per core, each chunk with one font cache (fonts repeat on every page).
    let chunk = pages
        .len()
        .div_ceil(rayon::current_num_threads().max(1))
        .max(1);
    let texts: Vec<String> = pages
        .par_chunks(chunk)
        .flat_map_iter(|c| pdf_extract::page_texts(doc, c))
        // A page the reader cannot decode counts as having no text layer.
        .map(Option::unwrap_or_default)
        .collect();
    let visible: usize = texts
        .iter()
        .map(|t| t.chars().filter(|c| !c.is_whitespace()).count())
        .sum();
    if visible < MIN_CHARS_PER_PAGE * texts.len() {
        return Ok(None);
    }
    Ok(Some(texts))
}

/// A line with its digits blanked, spaces collapsed: running headers differ only in numbers.
fn edge_key(l: &str) -> String {
    let mut k = String::new();
    for w in l.split_whitespace() {
        if !k.is_empty() {
            k.push(' ');
        }
        k.extend(w.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }));
    }
    k
}

/// How many non-empty lines at each edge of a page may be a running header or footer.
const EDGE: usize = 2;

/// A line that opens a provision is text, never a running header.
fn looks_like_provision(t: &str) -> bool {
    let first = t.split_whitespace().next().unwrap_or("");
    ["Điều", "Chương", "Mục", "Phần", "PHỤ", "Phụ"].contains(&first)
        || (first.ends_with(['.', ')']) && first.len() <= 6 && !first.starts_with('-'))
}

/// Indexes of the first and the last `EDGE` non-empty lines of a page.
fn edges(p: &[&str]) -> (Vec<usize>, Vec<usize>) {
    let ne: Vec<usize> = (0..p.len()).filter(|&i| !p[i].trim().is_empty()).collect();
    let top = ne.iter().take(EDGE).copied().collect();
    let bottom = ne.iter().rev().take(EDGE).copied().collect();
    (top, bottom)
}

/// Pages' text joined by newlines without running headers/footers, and the 1-based line
/// where each page starts.
pub(crate) fn join_pages(pages: &[String]) -> (String, Vec<usize>) {
    let pages: Vec<Vec<&str>> = pages
        .iter()
        .map(|p| p.lines().map(str::trim_end).collect())
        .collect();
    // How many pages have each line (digits blanked) at their top, and at their bottom.
    let mut count: [HashMap<String, usize>; 2] = [HashMap::new(), HashMap::new()];
    for p in &pages {
        let (top, bottom) = edges(p);
        for (side, idx) in [top, bottom].into_iter().enumerate() {
            let mut keys: Vec<String> = idx.iter().map(|&i| edge_key(p[i])).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                *count[side].entry(k).or_default() += 1;
            }
        }
    }
    let need = (pages.len() / 2).max(2);
    let mut text = String::new();
    let mut starts = Vec::with_capacity(pages.len());
    let mut line = 1;
    for p in &pages {
        let (top, bottom) = edges(p);
        let mut drop = Vec::new();
        for (side, idx) in [top, bottom].into_iter().enumerate() {
            for i in idx {
                let t = p[i].trim();
                let running = !looks_like_provision(t)
                    && count[side].get(&edge_key(t)).is_some_and(|&c| c >= need);
                if is_page_number(t) || running {
                    drop.push(i);
                }
            }
        }
        // Blank lines at a page's edges are not paragraph breaks: the text goes on.
        let kept: Vec<&str> = (0..p.len())
            .filter(|i| !drop.contains(i))
            .map(|i| p[i])
            .collect();
        starts.push(line);
        if let (Some(a), Some(b)) = (
            kept.iter().position(|l| !l.trim().is_empty()),
            kept.iter().rposition(|l| !l.trim().is_empty()),
        ) {
            for l in &kept[a..=b] {
                text.push_str(l);
                text.push('\n');
                line += 1;
            }
        }
    }
    (text, starts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_headers_and_page_numbers_removed() {
        let body = [
            (
                "Điều 1. Phạm vi điều chỉnh",
                "Quyết định này quy định việc phân cấp",
            ),
            ("cho Ủy ban nhân dân cấp xã", "Điều 2. Đối tượng áp dụng"),
            ("Các cơ quan chuyên môn thuộc", "Ủy ban nhân dân tỉnh."),
        ];
        let pages: Vec<String> = body
            .iter()
            .enumerate()
            .map(|(n, (a, b))| {
                format!(
                    "CÔNG BÁO/Số {}0/Ngày 01-7-2025\n\n{a}\n{b}\n\n- {} -\n",
                    n + 1,
                    n + 1
                )
            })
            .collect();
        let (text, starts) = join_pages(&pages);
        assert_eq!(
            text,
            "Điều 1. Phạm vi điều chỉnh\nQuyết định này quy định việc phân cấp\ncho Ủy ban nhân dân cấp xã\nĐiều 2. Đối tượng áp dụng\nCác cơ quan chuyên môn thuộc\nỦy ban nhân dân tỉnh.\n"
        );
        assert_eq!(starts, [1, 3, 5]);
    }

    #[test]
    fn hostile_pdfs_refused() {
        assert!(text_layer(b"hello").unwrap_err().contains("not a PDF"));
        assert!(
            text_layer(b"%PDF-1.4\ntrailer << /Size 99999999 >>")
                .unwrap_err()
                .contains("objects")
        );
        let e = text_layer(b"%PDF-1.4\n1 0 obj << /Type /Catalog").unwrap_err();
        assert!(e.contains("corrupt PDF"), "{e}");
    }
}
