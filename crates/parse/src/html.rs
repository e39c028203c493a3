//! HTML saved from a legal portal or exported from Word (scraper / html5ever): the
//! document body without the site's navigation (`nav`, `header`, `footer`, `aside`,
//! menus, breadcrumbs, scripts), block elements and `<br>` as lines, a table row as one
//! line (cells joined by ` | `) unless its cells hold several lines each (a layout
//! table such as the two-column header of a decision: then each cell line by line).
//!
//! Positions: each paragraph is placed on the line of the HTML file where its text
//! starts (found by searching the file for its first words), so line numbers point
//! into the file; paragraphs sharing one file line go on the following lines.

use crate::limits::MAX_DEPTH;
use rasoat_model::{Document, Format};
use scraper::{Html, Node};

pub(crate) fn parse(path: &str, bytes: &[u8]) -> Result<Document, String> {
    let raw = decode(bytes);
    check_nesting(&raw)?;
    let html = Html::parse_document(&raw);
    let paras = body_lines(&html)?;
    if paras.iter().all(|p| p.trim().is_empty()) {
        return Err("no document text in the HTML page".into());
    }
    let file_lines = file_lines(&raw, &paras);
    let mut doc = crate::parse_extracted(
        crate::source(path, Format::Html, bytes),
        &paras.join("\n"),
        true,
        vec![],
    )?;
    // Text line N is paragraph N: point it at the line of the file where it starts.
    let at = |l: usize| file_lines.get(l.wrapping_sub(1)).copied().unwrap_or(l);
    fn remap(p: &mut rasoat_model::Provision, at: &dyn Fn(usize) -> usize) {
        p.span.line = at(p.span.line);
        p.span.end_line = at(p.span.end_line);
        for c in &mut p.children {
            remap(c, at);
        }
    }
    for p in &mut doc.provisions {
        remap(p, &at);
    }
    for b in &mut doc.blocks {
        b.span.line = at(b.span.line);
        b.span.end_line = at(b.span.end_line);
    }
    Ok(doc)
}

/// html5ever checks scopes along the stack of open elements, so a page nested 100,000
/// deep takes minutes: refuse deep nesting before parsing. Elements the parser closes by
/// itself (p, li, td…) and void elements do not count.
fn check_nesting(raw: &str) -> Result<(), String> {
    const FLAT: &[&str] = &[
        "p", "li", "td", "th", "tr", "dt", "dd", "option", "br", "img", "hr", "meta", "link",
        "input", "col", "area", "base", "wbr", "source", "embed", "param", "track", "!--",
        "!doctype",
    ];
    let b = raw.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    for i in memchr::memchr_iter(b'<', b) {
        let close = b.get(i + 1) == Some(&b'/');
        let start = i + 1 + close as usize;
        let name: String = b[start..]
            .iter()
            .take(16)
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'!' || **c == b'-')
            .map(|c| c.to_ascii_lowercase() as char)
            .collect();
        if name.is_empty() || FLAT.contains(&name.as_str()) || name.starts_with("!--") {
            continue;
        }
        if close {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            max = max.max(depth);
        }
    }
    if max > MAX_DEPTH {
        return Err(format!(
            "HTML elements nested deeper than {MAX_DEPTH} levels"
        ));
    }
    Ok(())
}

/// HTML bytes as text: BOM, then a `charset=` in the first 2 KB, else UTF-8 (lossy).
fn decode(bytes: &[u8]) -> String {
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc.decode(bytes).0.into_owned();
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    let enc = head
        .find("charset=")
        .map(|i| {
            head[i + 8..]
                .trim_start_matches(['"', '\''])
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect::<String>()
        })
        .and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

const SKIP: &[&str] = &[
    "nav", "header", "footer", "aside", "script", "style", "noscript", "form", "button", "select",
    "iframe", "template", "svg", "head", "menu",
];
const BLOCK: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "table",
    "tbody",
    "thead",
    "blockquote",
    "section",
    "article",
    "main",
    "pre",
    "dd",
    "dt",
    "dl",
    "center",
    "body",
    "address",
    "figure",
    "figcaption",
    "caption",
    "hr",
];

/// Site chrome marked by class or id: menus, breadcrumbs, sidebars, share bars.
fn is_chrome(el: &scraper::node::Element) -> bool {
    let attrs = format!(
        "{} {}",
        el.attr("class").unwrap_or(""),
        el.id().unwrap_or("")
    )
    .to_ascii_lowercase();
    [
        "menu",
        "breadcrumb",
        "navbar",
        "sidebar",
        "share",
        "social",
        "cookie",
    ]
    .iter()
    .any(|w| attrs.contains(w))
}

/// The element holding the document: the `main`/`article` with the most text, else `body`.
fn content_root(html: &Html) -> ego_tree::NodeRef<'_, Node> {
    let mut best: Option<(usize, ego_tree::NodeRef<'_, Node>)> = None;
    for n in html.tree.root().descendants() {
        if let Node::Element(e) = n.value()
            && matches!(e.name(), "main" | "article")
        {
            let len: usize = n
                .descendants()
                .filter_map(|d| d.value().as_text().map(|t| t.trim().len()))
                .sum();
            if best.as_ref().is_none_or(|b| len > b.0) {
                best = Some((len, n));
            }
        }
    }
    best.map(|b| b.1).unwrap_or_else(|| html.tree.root())
}

/// Lines of text of the document body.
fn body_lines(html: &Html) -> Result<Vec<String>, String> {
    let mut out = Lines::default();
    let root = content_root(html);
    // Explicit stack: deeply nested pages cannot overflow the call stack.
    let mut stack: Vec<(ego_tree::NodeRef<'_, Node>, bool)> = vec![(root, true)];
    let mut depth = 0usize;
    while let Some((n, enter)) = stack.pop() {
        match n.value() {
            Node::Text(t) if enter => {
                let pre = out.pre > 0;
                out.text(&**t, pre)
            }
            Node::Element(e) => {
                let name = e.name();
                if enter {
                    if SKIP.contains(&name) || is_chrome(&e) {
                        continue;
                    }
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(format!(
                            "HTML elements nested deeper than {MAX_DEPTH} levels"
                        ));
                    }
                    match name {
                        "br" => out.flush(),
                        "tr" => {
                            out.row(n);
                            depth -= 1;
                            continue;
                        }
                        "td" | "th" => out.cell_sep(),
                        "pre" => out.pre += 1,
                        _ if BLOCK.contains(&name) => out.flush(),
                        _ => {}
                    }
                    stack.push((n, false));
                    for c in n.children().rev() {
                        stack.push((c, true));
                    }
                } else {
                    depth -= 1;
                    if name == "pre" {
                        out.pre -= 1;
                    }
                    if BLOCK.contains(&name) {
                        out.flush();
                    }
                }
            }
            Node::Document | Node::Fragment if enter => {
                for c in n.children().rev() {
                    stack.push((c, true));
                }
            }
            _ => {}
        }
    }
    out.flush();
    Ok(out.lines)
}

#[derive(Default)]
struct Lines {
    lines: Vec<String>,
    cur: String,
    pre: usize,
}

impl Lines {
    fn text(&mut self, t: &str, pre: bool) {
        if pre {
            for (i, part) in t.split('\n').enumerate() {
                if i > 0 {
                    self.flush();
                }
                self.cur.push_str(part);
            }
            return;
        }
        // HTML whitespace collapses; a no-break space is a space in legal text.
        let starts_ws = t.starts_with(|c: char| c.is_whitespace());
        let ends_ws = t.ends_with(|c: char| c.is_whitespace());
        let words: Vec<&str> = t
            .split(|c: char| c.is_whitespace())
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            if !t.is_empty() && !self.cur.is_empty() && !self.cur.ends_with(' ') {
                self.cur.push(' ');
            }
            return;
        }
        if starts_ws && !self.cur.is_empty() && !self.cur.ends_with(' ') {
            self.cur.push(' ');
        }
        self.cur.push_str(&words.join(" "));
        if ends_ws {
            self.cur.push(' ');
        }
    }

    fn flush(&mut self) {
        let t = self.cur.trim();
        if !t.is_empty() {
            self.lines.push(t.to_string());
        }
        self.cur.clear();
    }

    fn cell_sep(&mut self) {
        if !self.cur.trim().is_empty() {
            self.cur.push_str(" | ");
        }
    }

    /// A table row: one line of cells, or each cell's lines when cells hold several lines.
    fn row(&mut self, tr: ego_tree::NodeRef<'_, Node>) {
        self.flush();
        let mut cells: Vec<Vec<String>> = Vec::new();
        for c in tr.children() {
            if let Node::Element(e) = c.value()
                && matches!(e.name(), "td" | "th")
            {
                let mut sub = Lines::default();
                collect_flat(c, &mut sub);
                sub.flush();
                cells.push(sub.lines);
            }
        }
        if cells.iter().any(|c| c.len() > 1) {
            self.lines.extend(cells.into_iter().flatten());
        } else {
            let row: Vec<String> = cells.into_iter().flatten().collect();
            if !row.is_empty() {
                self.lines.push(row.join(" | "));
            }
        }
    }
}

/// A table cell's lines (nested tables flattened), bounded in depth.
fn collect_flat(n: ego_tree::NodeRef<'_, Node>, out: &mut Lines) {
    let mut stack = vec![(n, 0usize)];
    while let Some((n, d)) = stack.pop() {
        match n.value() {
            Node::Text(t) => out.text(&**t, false),
            Node::Element(e) if d < MAX_DEPTH && !SKIP.contains(&e.name()) => {
                if e.name() == "br" || BLOCK.contains(&e.name()) || e.name() == "tr" {
                    out.flush();
                }
                // Closing a block is a line break too: push a marker (a `br`-like flush).
                for c in n.children().rev() {
                    stack.push((c, d + 1));
                }
            }
            _ => {}
        }
    }
}

/// The line of `raw` where each paragraph starts: where its first word is found,
/// searching forward from the previous paragraph.
fn file_lines(raw: &str, paras: &[String]) -> Vec<usize> {
    let mut out = Vec::with_capacity(paras.len());
    let mut cursor = 0usize;
    let mut cursor_line = 1usize;
    for p in paras {
        let needle = p
            .split_whitespace()
            .find(|w| w.len() >= 3 && !w.contains(['&', '<', '>', '"', '\'']))
            .unwrap_or("");
        if !needle.is_empty()
            && let Some(i) = raw[cursor..].find(needle)
        {
            cursor_line += memchr::memchr_iter(b'\n', &raw.as_bytes()[cursor..cursor + i]).count();
            cursor += i;
        }
        out.push(cursor_line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<!DOCTYPE html>\n<html><head><title>t</title><script>var x='Điều 9.';</script></head>\n<body>\n<nav><a href='/'>Trang chủ</a> | <a>Văn bản</a></nav>\n<div class=\"breadcrumb\">Trang chủ » Văn bản</div>\n<main>\n<table><tr><td><p>ỦY BAN NHÂN DÂN</p><p>TỈNH ĐẮK LẮK</p></td><td><p>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p><p>Độc lập - Tự do - Hạnh phúc</p></td></tr></table>\n<p>QUYẾT ĐỊNH</p>\n<p>Về việc phân cấp</p>\n<p><b>Điều 1.</b> Phạm vi</p>\n<p>1. Sở Tư pháp chủ trì,<br>phối hợp.</p>\n<table><tr><td>STT</td><td>Tên</td></tr><tr><td>1</td><td>Sở Nội vụ</td></tr></table>\n</main>\n<footer>Bản quyền</footer>\n</body></html>\n";

    #[test]
    fn body_without_navigation() {
        let html = Html::parse_document(PAGE);
        let lines = body_lines(&html).unwrap();
        assert_eq!(
            lines,
            [
                "ỦY BAN NHÂN DÂN",
                "TỈNH ĐẮK LẮK",
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc",
                "QUYẾT ĐỊNH",
                "Về việc phân cấp",
                "Điều 1. Phạm vi",
                "1. Sở Tư pháp chủ trì,",
                "phối hợp.",
                "STT | Tên",
                "1 | Sở Nội vụ",
            ]
        );
    }

    #[test]
    fn positions_are_file_lines() {
        let d = parse("p.html", PAGE.as_bytes()).unwrap();
        let p = d.find("dieu-1").expect("Điều 1");
        let file_line = PAGE.lines().position(|l| l.contains("Điều 1.")).unwrap() + 1;
        assert_eq!(p.span.line, file_line);
        let k = d.find("dieu-1.khoan-1").expect("khoản 1");
        assert!(k.text.contains("Sở Tư pháp chủ trì"), "{}", k.text);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let page = format!("<html><body>{}x</body></html>", "<div>".repeat(200_000));
        assert!(check_nesting(&"<p><div>".repeat(900)).is_ok());
        let e = parse("deep.html", page.as_bytes()).unwrap_err();
        assert!(e.contains("nested deeper"), "{e}");
    }

    #[test]
    fn legacy_charset() {
        let b = b"<html><head><meta charset=\"windows-1252\"></head><body><p>Ca\xf1on</p></body></html>";
        assert!(decode(b).contains("Cañon"));
    }
}
