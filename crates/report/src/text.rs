//! rustc-style diagnostics.
use crate::source::{SourceCache, shown_lines, window};
use crate::{RenderOptions, basis_and_handling, describe, place, rule_tag, summary_line};
use rasoat_model::{Location, Report, Severity};
use std::fmt::Write;

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn sev(&self, s: Severity) -> &'static str {
        match s {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        }
    }
}

/// Source excerpt with underline; `mark` is `^` for the primary location, `-` for related.
fn excerpt(
    out: &mut String,
    p: &Paint,
    cache: &SourceCache,
    loc: &Location,
    mark: char,
    color: &str,
) {
    let gutter_w = loc.end_line.max(loc.line).to_string().len().max(1);
    let pad = " ".repeat(gutter_w);
    let _ = writeln!(out, "{pad}{} {}", p.wrap("1;34", "-->"), place(loc));
    let lines = cache
        .get(&loc.file)
        .map(|f| shown_lines(&f, loc, 4))
        .unwrap_or_default();
    let bar = p.wrap("1;34", "|");
    if lines.is_empty() {
        // No readable source (a .docx, a data-set law): show the matched text instead.
        if let Some(snip) = loc.snippet.as_deref().filter(|s| !s.is_empty()) {
            let _ = writeln!(out, "{pad} {bar}");
            let _ = writeln!(out, "{pad} {bar} {}", snip.replace('\n', " "));
        }
        return;
    }
    let _ = writeln!(out, "{pad} {bar}");
    let mut prev = 0;
    for l in &lines {
        if prev != 0 && l.line > prev + 1 {
            let _ = writeln!(out, "{}", p.wrap("1;34", "..."));
        }
        prev = l.line;
        let (t, s, e) = window(l, 120);
        let num = format!("{:>w$}", l.line, w = gutter_w);
        let _ = writeln!(out, "{} {bar} {}", p.wrap("1;34", &num), t.trim_end());
        if e > s {
            let under = format!("{}{}", " ".repeat(s), mark.to_string().repeat(e - s));
            let _ = writeln!(out, "{pad} {bar} {}", p.wrap(color, &under));
        }
    }
}

pub fn render(report: &Report, opts: &RenderOptions, cache: &SourceCache) -> String {
    let p = Paint { on: opts.color };
    let mut out = String::new();
    for f in &report.findings {
        let sev = p.wrap(
            p.sev(f.severity),
            &format!("{}[{}]", f.severity.as_str(), rule_tag(f)),
        );
        let msg = f
            .message
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .replace('\n', "\n  ");
        let _ = writeln!(out, "{sev}{} {}", p.wrap("1", ":"), p.wrap("1", &msg));
        excerpt(&mut out, &p, cache, &f.location, '^', p.sev(f.severity));
        let here = describe(&f.location);
        let gutter = " ".repeat(
            f.location
                .end_line
                .max(f.location.line)
                .to_string()
                .len()
                .max(1),
        );
        let eq = p.wrap("1;34", "=");
        if !here.is_empty() {
            let _ = writeln!(out, "{gutter} {eq} {}: {here}", p.wrap("1", "in"));
        }
        for r in &f.related {
            let d = describe(r);
            let title = if d.is_empty() {
                "related location".to_string()
            } else {
                format!("related: {d}")
            };
            let _ = writeln!(out, "{}: {title}", p.wrap("1;32", "note"));
            excerpt(&mut out, &p, cache, r, '-', "1;32");
        }
        let (basis, handling, category) = basis_and_handling(report, f);
        let mut help = Vec::new();
        if !category.is_empty() {
            help.push(format!("loại: {category}"));
        }
        if !basis.is_empty() {
            help.push(format!("căn cứ: {basis}"));
        }
        if !handling.is_empty() {
            help.push(format!("xử lý: {handling}"));
        }
        if !help.is_empty() {
            let _ = writeln!(
                out,
                "{gutter} {eq} {}: {}",
                p.wrap("1", "help"),
                help.join("; ")
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{}", summary_line(report));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::*;
    use crate::{OutputFormat, render_with};

    #[test]
    fn underline_counts_vietnamese_chars() {
        let (report, cache) = sample();
        let out = render_with(
            &report,
            OutputFormat::Text,
            &RenderOptions::default(),
            &cache,
        );
        assert!(
            out.starts_with("error[R01/lead-agency-conflict]: "),
            "{out}"
        );
        assert!(out.contains("--> drafts/qd.md:3:1"), "{out}");
        // The line and its underline: "Sở Nội vụ" (9 chars) under the same chars.
        let lines: Vec<&str> = out.lines().collect();
        let i = lines
            .iter()
            .position(|l| l.contains("3 | Sở Nội vụ chủ trì thẩm định"))
            .expect(&out);
        let under = lines[i + 1];
        let caret_at = under.find('^').unwrap();
        let text_at = lines[i].find("Sở").unwrap();
        assert_eq!(caret_at, text_at, "{out}");
        assert_eq!(
            under.matches('^').count(),
            "Sở Nội vụ chủ trì".chars().count(),
            "{out}"
        );
        assert!(
            out.contains("note: related: 45/KH-UBND, mục III khoản 1"),
            "{out}"
        );
        assert!(
            out.contains("= help: loại: mâu thuẫn; căn cứ: Điều 12 Luật"),
            "{out}"
        );
        assert!(
            out.contains("2 finding(s): 1 error(s), 1 warning(s), 0 info; 1 suppressed"),
            "{out}"
        );
        // A multi-line message stays inside its diagnostic (continuation indented).
        assert!(out.contains("thay thế\n  line2\n"), "{out}");
    }

    #[test]
    fn nfd_file_underlines_composed_columns() {
        use rasoat_model::Location;
        let nfc_line = "Giao Sở Tư pháp chủ trì";
        let nfd: String = unicode_nfd(nfc_line);
        let text = format!("x\n{nfd}\n");
        let cache = SourceCache::new();
        cache.insert("d.txt", text.clone());
        let start = text.find(&unicode_nfd("Tư")).unwrap();
        let end = start + unicode_nfd("Tư pháp").len();
        let mut loc = Location {
            file: "d.txt".into(),
            line: 2,
            byte_start: start,
            byte_end: end,
            ..Default::default()
        };
        crate::resolve_columns(&cache, &mut loc);
        assert_eq!(
            (loc.line, loc.column, loc.end_line, loc.end_column),
            (2, 9, 2, 15)
        );
        let f = shown_lines(&cache.get("d.txt").unwrap(), &loc, 4);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].text, nfc_line);
        assert_eq!((f[0].start, f[0].end), (8, 15));
    }

    #[test]
    fn color_only_when_asked() {
        let (report, cache) = sample();
        let plain = render_with(
            &report,
            OutputFormat::Text,
            &RenderOptions::default(),
            &cache,
        );
        assert!(!plain.contains('\x1b'));
        let col = render_with(
            &report,
            OutputFormat::Text,
            &RenderOptions {
                color: true,
                ..Default::default()
            },
            &cache,
        );
        assert!(col.contains("\x1b[1;31m"));
    }
}
