//! Markdown via pulldown-cmark: every block (heading, paragraph, list item) becomes a
//! line, soft breaks become hard-wrap lines, emphasis is dropped (`**Điều 1.** Phạm vi`
//! reads `Điều 1. Phạm vi`), list markers are kept from the source (`1.`, `-`), so the
//! same structure rules as for plain text apply. Positions point into the .md file.

use crate::lines::{Brk, Line, push_piece};
use crate::structure::{self, Articles, SrcText};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use rasoat_model::{Document, Format, MapPiece};

struct Cur {
    text: String,
    map: Vec<MapPiece>,
    start: usize,
    end: usize,
    brk: Brk,
}

struct Builder<'a> {
    lines: Vec<Line<'a>>,
    cur: Option<Cur>,
    brk: Brk,
    /// List marker waiting for the item's first text: (text, source offset, source length).
    marker: Option<(String, usize, usize)>,
}

impl<'a> Builder<'a> {
    fn flush(&mut self, next: Brk) {
        if let Some(c) = self.cur.take()
            && !c.text.trim().is_empty()
        {
            self.lines.push(Line::owned(
                c.text,
                c.map,
                c.start,
                c.end.max(c.start),
                c.brk,
            ));
        }
        self.brk = next;
    }

    fn push(&mut self, src: &str, t: &str, r: std::ops::Range<usize>) {
        let brk = self.brk;
        let c = self.cur.get_or_insert_with(|| Cur {
            text: String::new(),
            map: Vec::new(),
            start: r.start,
            end: r.end,
            brk,
        });
        if let Some((m, at, len)) = self.marker.take() {
            c.start = c.start.min(at);
            push_piece(
                &mut c.map,
                c.text.len() as u32,
                at as u32,
                len as u32,
                m.len() == len,
            );
            c.text.push_str(&m);
        }
        let identity = src.get(r.clone()) == Some(t);
        push_piece(
            &mut c.map,
            c.text.len() as u32,
            r.start as u32,
            if identity { t.len() } else { r.len() } as u32,
            identity,
        );
        c.text.push_str(t);
        c.end = c.end.max(r.end);
    }
}

pub(crate) fn parse(path: &str, bytes: &[u8]) -> Result<Document, String> {
    let d = crate::decode::decode_text(bytes)?;
    let text: &str = &d.text;
    // Offsets from pulldown-cmark are relative to `text`; shift by the BOM when the file had one.
    // (Only a file with a UTF-8 BOM needs a second look at the original bytes.)
    let orig: &str = if d.utf16 || d.base == 0 {
        text
    } else {
        std::str::from_utf8(bytes).unwrap_or(text)
    };
    let base = if d.utf16 { 0 } else { d.base };
    if crate::crawl::looks_crawled(text) {
        let lines = crate::crawl::split(text, base);
        let mut parsed = structure::build(&lines, &SrcText::new(orig), true, &Articles::default());
        parsed.warnings.push(crate::CRAWLED_PAGE.to_string());
        return Ok(crate::finish(
            crate::source(path, Format::Markdown, bytes),
            parsed,
        ));
    }
    let mut b = Builder {
        lines: Vec::new(),
        cur: None,
        brk: Brk::Para,
        marker: None,
    };
    for (ev, r) in Parser::new_ext(text, Options::empty()).into_offset_iter() {
        let r = r.start + base..r.end + base;
        match ev {
            Event::Text(t) | Event::Code(t) => b.push(orig, &t, r),
            Event::SoftBreak => b.flush(Brk::Wrap),
            Event::HardBreak => b.flush(Brk::Para),
            Event::Start(Tag::Item) => {
                b.flush(Brk::Para);
                // Keep the list marker as written: "1." / "2)" → "2." / "-" / "*" / "+".
                let s = &orig[r.start..r.end.min(orig.len())];
                let lead = s.len() - s.trim_start().len();
                let s = s.trim_start();
                let digits = s.bytes().take_while(|c| c.is_ascii_digit()).count();
                if digits > 0 && matches!(s.as_bytes().get(digits), Some(b'.') | Some(b')')) {
                    b.marker = Some((format!("{}. ", &s[..digits]), r.start + lead, digits + 1));
                } else if let Some(c) = s.chars().next().filter(|c| matches!(c, '-' | '*' | '+')) {
                    let m = if c == '+' { "+ " } else { "- " };
                    b.marker = Some((m.to_string(), r.start + lead, 1));
                }
            }
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::BlockQuote(_) | Tag::CodeBlock(_) | Tag::List(_))
                // A paragraph inside a list item continues the item's line.
                if b.marker.is_none() => {
                    b.flush(Brk::Para);
                }
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::BlockQuote(_) | TagEnd::CodeBlock | TagEnd::List(_)) => {
                b.flush(Brk::Para);
            }
            Event::Rule => b.flush(Brk::Para),
            _ => {}
        }
    }
    b.flush(Brk::Para);
    let src = SrcText::new(orig);
    let parsed = structure::build(&b.lines, &src, true, &Articles::default());
    Ok(crate::finish(
        crate::source(path, Format::Markdown, bytes),
        parsed,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_structure() {
        let md = "# QUYẾT ĐỊNH\n\nVề việc phân cấp\n\n## Chương I\n\n### QUY ĐỊNH CHUNG\n\n**Điều 1.** Phạm vi điều chỉnh\n\n1. Quyết định này quy định\nviệc phân cấp.\n2. Đối tượng:\n   a) Sở;\n   b) xã.\n\n- Ghi chú một\n";
        let d = parse("x.md", md.as_bytes()).unwrap();
        assert_eq!(d.meta.type_name.as_deref(), Some("Quyết định"));
        assert_eq!(d.meta.title.as_deref(), Some("Về việc phân cấp"));
        let c = d.find("chuong-I").unwrap();
        assert_eq!(c.heading.as_deref(), Some("QUY ĐỊNH CHUNG"));
        let d1 = d.find("dieu-1").unwrap();
        assert_eq!(d1.heading.as_deref(), Some("Phạm vi điều chỉnh"));
        let k1 = d.find("dieu-1.khoan-1").unwrap();
        assert_eq!(k1.text, "Quyết định này quy định việc phân cấp.");
        let a = d.find("dieu-1.khoan-2.diem-a").unwrap();
        assert_eq!(a.label, "điểm a khoản 2 Điều 1");
        assert_eq!(a.text, "Sở;");
        // Source positions: the label of khoản 1 is on line 11.
        assert_eq!(k1.span.line, 11);
        let i = k1.text.find("việc").unwrap();
        assert!(md[k1.map.to_source(i)..].starts_with("việc"));
    }
}
