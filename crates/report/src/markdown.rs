//! Markdown report (GitHub-flavoured: tables, blockquotes).
use crate::source::{SourceCache, shown_lines};
use crate::{basis_and_handling, describe, place, rule_tag, severity_vi, summary_line};
use rasoat_model::{Location, Report};
use std::fmt::Write;

/// Escape text so document content cannot inject Markdown/HTML structure.
pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '|' => o.push_str("\\|"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' => {
                o.push('\\');
                o.push(c);
            }
            '\n' | '\r' => o.push(' '),
            _ => o.push(c),
        }
    }
    o
}

fn quote(out: &mut String, cache: &SourceCache, loc: &Location) {
    let lines = cache
        .get(&loc.file)
        .map(|f| shown_lines(&f, loc, 6))
        .unwrap_or_default();
    let text: Vec<String> = if lines.is_empty() {
        loc.snippet.iter().map(|s| s.to_string()).collect()
    } else {
        lines.iter().map(|l| l.text.trim().to_string()).collect()
    };
    for t in text.iter().filter(|t| !t.is_empty()) {
        let _ = writeln!(out, "> {}", esc(t));
    }
}

pub fn render(report: &Report, cache: &SourceCache) -> String {
    let s = &report.summary;
    let mut out = String::new();
    let _ = writeln!(out, "# Báo cáo rà soát văn bản\n");
    if !s.as_of.is_empty() {
        let _ = writeln!(out, "Ngày rà soát (as of): {}\n", s.as_of);
    }
    let _ = writeln!(
        out,
        "| Văn bản | Điều khoản | Phát hiện | Lỗi | Cảnh báo | Thông tin | Đã bỏ qua | Lỗi đọc |"
    );
    let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|---:|");
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
        s.documents,
        s.provisions,
        s.findings,
        s.errors,
        s.warnings,
        s.infos,
        s.suppressed,
        s.parse_errors
    );
    if !s.by_rule.is_empty() {
        let _ = writeln!(
            out,
            "## Theo quy tắc\n\n| Quy tắc | Tên | Số phát hiện |\n|---|---|---:|"
        );
        for (rule, n) in &s.by_rule {
            let name = report
                .rules
                .iter()
                .find(|r| &r.id == rule)
                .map(|r| format!("{} {}", r.code, r.name_vi))
                .unwrap_or_default();
            let _ = writeln!(out, "| `{}` | {} | {} |", rule, esc(&name), n);
        }
        let _ = writeln!(
            out,
            "\n## Theo văn bản\n\n| Văn bản | Số phát hiện |\n|---|---:|"
        );
        for (doc, n) in &s.by_document {
            let _ = writeln!(out, "| {} | {} |", esc(doc), n);
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## Phát hiện\n");
    if report.findings.is_empty() {
        let _ = writeln!(out, "Không có phát hiện nào.\n");
    }
    for (i, f) in report.findings.iter().enumerate() {
        let _ = writeln!(
            out,
            "### {}. {} `{}`: {}\n",
            i + 1,
            severity_vi(f.severity),
            rule_tag(f),
            esc(&f.message)
        );
        let d = describe(&f.location);
        let _ = writeln!(
            out,
            "- **Vị trí:** `{}`{}",
            place(&f.location).replace('`', "'"),
            if d.is_empty() {
                String::new()
            } else {
                format!(" ({})", esc(&d))
            }
        );
        out.push('\n');
        quote(&mut out, cache, &f.location);
        out.push('\n');
        for r in &f.related {
            let d = describe(r);
            let _ = writeln!(
                out,
                "- **Liên quan:** `{}`{}\n",
                place(r).replace('`', "'"),
                if d.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", esc(&d))
                }
            );
            quote(&mut out, cache, r);
            out.push('\n');
        }
        let (basis, handling, category) = basis_and_handling(report, f);
        if !category.is_empty() {
            let _ = writeln!(out, "- **Loại sai sót:** {}", esc(&category));
        }
        if !basis.is_empty() {
            let _ = writeln!(out, "- **Căn cứ pháp lý:** {}", esc(&basis));
        }
        if !handling.is_empty() {
            let _ = writeln!(out, "- **Hướng xử lý:** {}", esc(&handling));
        }
        for (k, v) in &f.evidence {
            let _ = writeln!(out, "- *{}:* {}", esc(k), esc(v));
        }
        let _ = writeln!(out, "- Fingerprint: `{}`\n", f.fingerprint.replace('`', ""));
    }
    let _ = writeln!(out, "---\n\n{}", summary_line(report));
    out
}

#[cfg(test)]
mod tests {
    use crate::testdata::*;
    use crate::{OutputFormat, RenderOptions, render_with};

    #[test]
    fn markdown_has_summary_findings_and_escapes() {
        let (report, cache) = sample();
        let md = render_with(
            &report,
            OutputFormat::Markdown,
            &RenderOptions::default(),
            &cache,
        );
        assert!(
            md.contains("| `lead-agency-conflict` | R01 Mâu thuẫn cơ quan chủ trì | 1 |"),
            "{md}"
        );
        assert!(md.contains("### 1. lỗi `R01/lead-agency-conflict`"), "{md}");
        assert!(md.contains("- **Vị trí:** `drafts/qd.md:3:1`"), "{md}");
        assert!(md.contains("> Chủ trì thẩm định các văn bản QPPL"), "{md}");
        assert!(md.contains("- **Căn cứ pháp lý:** Điều 12 Luật"), "{md}");
        assert!(!md.contains("<script>"), "{md}");
        assert!(md.contains("&lt;script&gt;"), "{md}");
    }
}
