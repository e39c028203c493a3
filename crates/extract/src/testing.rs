//! A tiny plan/law structure reader for tests and examples, so extraction can be tested
//! without the real parser: "I." sections, "1." items, "a)" sub-items, "Điều n." articles,
//! "n." khoản and "a)" điểm inside articles, "Phụ lục". An item line that is short and has no
//! final punctuation becomes the heading ("1. Sở Tư pháp"). Text is NFC'd and reflowed.

use rasoat_model::{
    DocMeta, Document, Format, MapPiece, Provision, ProvisionKind, Source, SourceMap, Span,
};

fn roman(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'))
}

struct Node {
    p: Provision,
    depth: usize,
}

/// Build a document from plain text (NFC, reflowed; one map piece per source line).
pub fn document_from_text(path: &str, text: &str) -> Document {
    let text = rasoat_text::nfc(text);
    let mut stack: Vec<Node> = Vec::new();
    let mut roots: Vec<Provision> = Vec::new();
    let mut in_dieu = false;
    let mut off = 0usize;
    let close = |stack: &mut Vec<Node>, roots: &mut Vec<Provision>, depth: usize| {
        while stack.last().is_some_and(|n| n.depth >= depth) {
            let n = stack.pop().expect("non-empty");
            match stack.last_mut() {
                Some(parent) => parent.p.children.push(n.p),
                None => roots.push(n.p),
            }
        }
    };
    let all_lines: Vec<&str> = text.split_inclusive('\n').collect();
    for (li, raw_line) in all_lines.iter().enumerate() {
        let next_starts_upper = all_lines[li + 1..]
            .iter()
            .map(|l| l.trim())
            .find(|l| !l.is_empty())
            .is_none_or(|l| {
                l.chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
                    || l.starts_with(|c: char| c.is_lowercase())
                        && l.split_whitespace()
                            .next()
                            .is_some_and(|w| w.ends_with(')'))
            });
        let line_start = off;
        off += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        let lead = line.len() - trimmed.len();
        if trimmed.is_empty() {
            continue;
        }
        let (kind, number, rest, depth): (ProvisionKind, String, &str, usize) = {
            let first = trimmed.split_whitespace().next().unwrap_or("");
            if let Some(r) = trimmed.strip_prefix("Điều ") {
                let num: String = r.chars().take_while(|c| c.is_alphanumeric()).collect();
                let after = r[num.len()..].trim_start_matches('.').trim_start();
                in_dieu = true;
                (ProvisionKind::Dieu, num, after, 0)
            } else if trimmed.starts_with("Phụ lục") || trimmed.starts_with("PHỤ LỤC") {
                (ProvisionKind::PhuLuc, "1".into(), trimmed, 0)
            } else if first.ends_with('.') && roman(first.trim_end_matches('.')) {
                in_dieu = false;
                (
                    ProvisionKind::Section,
                    first.trim_end_matches('.').into(),
                    trimmed[first.len()..].trim_start(),
                    0,
                )
            } else if first.ends_with('.')
                && first
                    .trim_end_matches('.')
                    .chars()
                    .all(|c| c.is_ascii_digit())
                && first.len() > 1
            {
                let k = if in_dieu {
                    ProvisionKind::Khoan
                } else {
                    ProvisionKind::Item
                };
                (
                    k,
                    first.trim_end_matches('.').into(),
                    trimmed[first.len()..].trim_start(),
                    1,
                )
            } else if first.ends_with(')')
                && first.chars().count() <= 3
                && first.chars().next().is_some_and(|c| c.is_lowercase())
            {
                let k = if in_dieu {
                    ProvisionKind::Diem
                } else {
                    ProvisionKind::SubItem
                };
                (
                    k,
                    first.trim_end_matches(')').into(),
                    trimmed[first.len()..].trim_start(),
                    2,
                )
            } else {
                // continuation: append to the open provision (or a preamble)
                let src = (line_start + lead) as u32;
                match stack.last_mut() {
                    Some(n) => {
                        if !n.p.text.is_empty() {
                            n.p.text.push(' ');
                        }
                        n.p.map.pieces.push(MapPiece {
                            text: n.p.text.len() as u32,
                            src,
                            src_len: trimmed.len() as u32,
                        });
                        n.p.text.push_str(trimmed);
                        n.p.span.end = off;
                    }
                    None => {
                        let mut p = provision("preamble", ProvisionKind::Preamble, "", line_start);
                        p.map.pieces.push(MapPiece {
                            text: 0,
                            src,
                            src_len: trimmed.len() as u32,
                        });
                        p.text.push_str(trimmed);
                        p.span.end = off;
                        stack.push(Node { p, depth: 0 });
                    }
                }
                continue;
            }
        };
        close(&mut stack, &mut roots, depth);
        let id = match stack.last() {
            Some(parent) => format!("{}.{}", parent.p.id, id_part(kind, &number)),
            None => id_part(kind, &number),
        };
        let mut p = provision(&id, kind, &number, line_start);
        let rest_src = line_start + (line.len() - rest.len());
        let heading_like = matches!(
            kind,
            ProvisionKind::Item
                | ProvisionKind::Section
                | ProvisionKind::Dieu
                | ProvisionKind::PhuLuc
        ) && rest.chars().count() < 90
            && !rest.ends_with(['.', ';', ':', ','])
            && next_starts_upper
            && kind != ProvisionKind::PhuLuc
            || kind == ProvisionKind::Dieu;
        if heading_like {
            p.heading = Some(rest.to_string());
        } else {
            p.map.pieces.push(MapPiece {
                text: 0,
                src: rest_src as u32,
                src_len: rest.len() as u32,
            });
            p.text.push_str(rest);
        }
        p.span.end = off;
        stack.push(Node { p, depth });
    }
    close(&mut stack, &mut roots, 0);
    // Reflow: collapse the spaces inside each text (map pieces stay per line).
    Document {
        source: Source {
            path: path.to_string(),
            format: Format::Text,
            bytes: text.len() as u64,
            digest: String::new(),
            pages: Vec::new(),
        },
        meta: DocMeta::default(),
        provisions: roots,
        blocks: Vec::new(),
        warnings: Vec::new(),
    }
}

fn id_part(kind: ProvisionKind, number: &str) -> String {
    match kind {
        ProvisionKind::Dieu => format!("dieu-{number}"),
        ProvisionKind::Khoan => format!("khoan-{number}"),
        ProvisionKind::Diem => format!("diem-{number}"),
        ProvisionKind::PhuLuc => format!("phu-luc-{number}"),
        _ => number.to_string(),
    }
}

fn provision(id: &str, kind: ProvisionKind, number: &str, start: usize) -> Provision {
    Provision {
        id: id.to_string(),
        label: String::new(),
        kind,
        number: number.to_string(),
        heading: None,
        text: String::new(),
        span: Span {
            start,
            ..Default::default()
        },
        map: SourceMap::default(),
        law_id: None,
        article_id: None,
        children: Vec::new(),
    }
}

/// A document with one provision holding `text` exactly as given (no NFC, no reflow): for
/// checking that extraction copes with NFD or unusual input on its own.
pub fn single_provision_doc(text: &str) -> Document {
    let mut p = provision("1", ProvisionKind::Item, "1", 0);
    p.text = text.to_string();
    p.map.pieces.push(MapPiece {
        text: 0,
        src: 0,
        src_len: text.len() as u32,
    });
    p.span.end = text.len();
    Document {
        source: Source {
            path: "inline".into(),
            format: Format::Text,
            bytes: text.len() as u64,
            digest: String::new(),
            pages: Vec::new(),
        },
        meta: DocMeta::default(),
        provisions: vec![p],
        blocks: Vec::new(),
        warnings: Vec::new(),
    }
}
