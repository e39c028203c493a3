//! One self-contained HTML file (inline CSS, no scripts, no external resources).
//! Every piece of document text goes through [`esc`].
use crate::source::{SourceCache, shown_lines};
use crate::{basis_and_handling, describe, place, rule_tag, severity_vi};
use rasoat_model::{Location, Report, Severity};
use std::fmt::Write;

/// HTML-escape text (also used by `rasoat serve`'s SVG pictures).
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

const CSS: &str = "body{font-family:system-ui,'Segoe UI',Roboto,sans-serif;margin:2rem;color:#1b1f24;max-width:1200px}\
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}table{border-collapse:collapse;margin:.5rem 0}\
td,th{border:1px solid #d0d7de;padding:.25rem .6rem;text-align:left}th{background:#f6f8fa}\
.num{text-align:right}.finding{border:1px solid #d0d7de;border-radius:6px;margin:1rem 0;padding:.75rem 1rem}\
.finding.error{border-left:6px solid #cf222e}.finding.warning{border-left:6px solid #bf8700}.finding.info{border-left:6px solid #0969da}\
.sev{font-weight:bold;text-transform:uppercase;font-size:.8rem}.error .sev{color:#cf222e}.warning .sev{color:#9a6700}.info .sev{color:#0969da}\
.sides{display:grid;grid-template-columns:1fr 1fr;gap:1rem}.side{background:#f6f8fa;border-radius:4px;padding:.5rem}\
.side h4{margin:.2rem 0;font-size:.9rem}.loc{font-family:ui-monospace,monospace;font-size:.85rem;color:#57606a}\
pre{white-space:pre-wrap;word-wrap:break-word;font-family:inherit;margin:.3rem 0}mark{background:#fff8c5}\
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:bold}dd{margin:0}";

/// The location's source lines, the span marked with `<mark>`, all escaped.
fn snippet(cache: &SourceCache, loc: &Location) -> String {
    let lines = cache
        .get(&loc.file)
        .map(|f| shown_lines(&f, loc, 8))
        .unwrap_or_default();
    if lines.is_empty() {
        return esc(loc.snippet.as_deref().unwrap_or(""));
    }
    let mut out = String::new();
    for l in lines {
        let chars: Vec<char> = l.text.chars().collect();
        let (s, e) = (l.start.min(chars.len()), l.end.min(chars.len()));
        let a: String = chars[..s].iter().collect();
        let b: String = chars[s..e].iter().collect();
        let c: String = chars[e..].iter().collect();
        let _ = writeln!(out, "{}<mark>{}</mark>{}", esc(&a), esc(&b), esc(&c));
    }
    out
}

fn side(out: &mut String, cache: &SourceCache, title: &str, loc: &Location) {
    let d = describe(loc);
    let _ = write!(
        out,
        "<div class=\"side\"><h4>{}</h4><div class=\"loc\">{}</div>{}<pre>{}</pre></div>",
        esc(title),
        esc(&place(loc)),
        if d.is_empty() {
            String::new()
        } else {
            format!("<div>{}</div>", esc(&d))
        },
        snippet(cache, loc)
    );
}

pub fn render(report: &Report, cache: &SourceCache) -> String {
    let s = &report.summary;
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Báo cáo rà soát văn bản</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>Báo cáo rà soát văn bản</h1>\n"
    );
    if !s.as_of.is_empty() {
        let _ = writeln!(o, "<p>Ngày rà soát: {}</p>", esc(&s.as_of));
    }
    let _ = writeln!(
        o,
        "<table><tr><th>Văn bản</th><th>Điều khoản</th><th>Phát hiện</th><th>Lỗi</th><th>Cảnh báo</th><th>Thông tin</th><th>Đã bỏ qua</th><th>Lỗi đọc</th></tr>\
<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr></table>",
        s.documents,
        s.provisions,
        s.findings,
        s.errors,
        s.warnings,
        s.infos,
        s.suppressed,
        s.parse_errors
    );
    let _ = writeln!(
        o,
        "<h2>Theo quy tắc</h2><table><tr><th>Mã</th><th>Quy tắc</th><th>Tên</th><th>Số phát hiện</th></tr>"
    );
    for (rule, n) in &s.by_rule {
        let ri = report.rules.iter().find(|r| &r.id == rule);
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            esc(ri.map(|r| r.code.as_str()).unwrap_or("")),
            esc(rule),
            esc(ri.map(|r| r.name_vi.as_str()).unwrap_or("")),
            n
        );
    }
    let _ = writeln!(
        o,
        "</table>\n<h2>Theo văn bản</h2><table><tr><th>Văn bản</th><th>Số phát hiện</th></tr>"
    );
    for (doc, n) in &s.by_document {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"num\">{}</td></tr>",
            esc(doc),
            n
        );
    }
    let _ = writeln!(
        o,
        "</table>\n<h2>Phát hiện ({})</h2>",
        report.findings.len()
    );
    if report.findings.is_empty() {
        let _ = writeln!(o, "<p>Không có phát hiện nào.</p>");
    }
    for (i, f) in report.findings.iter().enumerate() {
        let class = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        let _ = write!(
            o,
            "<section class=\"finding {class}\" id=\"f{}\"><div><span class=\"sev\">{}</span> <code>{}</code></div><p>{}</p><div class=\"sides\">",
            i + 1,
            esc(severity_vi(f.severity)),
            esc(&rule_tag(f)),
            esc(&f.message)
        );
        side(&mut o, cache, "Văn bản đang xét", &f.location);
        if f.related.is_empty() {
            let _ = write!(
                o,
                "<div class=\"side\"><h4>Liên quan</h4><p>(không có)</p></div>"
            );
        }
        for r in &f.related {
            side(&mut o, cache, "Văn bản liên quan", r);
        }
        let _ = write!(o, "</div><dl>");
        let (basis, handling, category) = basis_and_handling(report, f);
        for (k, v) in [
            ("Loại sai sót", category),
            ("Căn cứ pháp lý", basis),
            ("Hướng xử lý", handling),
        ] {
            if !v.is_empty() {
                let _ = write!(o, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(&v));
            }
        }
        for (k, v) in &f.evidence {
            let _ = write!(o, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(v));
        }
        let _ = writeln!(
            o,
            "<dt>Fingerprint</dt><dd><code>{}</code></dd></dl></section>",
            esc(&f.fingerprint)
        );
    }
    if !report.rules.is_empty() {
        let _ = writeln!(
            o,
            "<h2>Quy tắc</h2><table><tr><th>Mã</th><th>Tên</th><th>Mức</th><th>Căn cứ</th><th>Mô tả</th></tr>"
        );
        for r in &report.rules {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}<br><small>{}</small></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&r.code),
                esc(&r.name_vi),
                esc(&r.name_en),
                esc(r.severity.as_str()),
                esc(&r.legal_basis),
                esc(&r.description)
            );
        }
        let _ = writeln!(o, "</table>");
    }
    let _ = writeln!(
        o,
        "<footer><p><small>{}</small></p></footer>\n</body>\n</html>",
        esc(&crate::summary_line(report))
    );
    o
}

#[cfg(test)]
mod tests {
    use crate::testdata::*;
    use crate::{OutputFormat, RenderOptions, render_with};

    #[test]
    fn html_is_self_contained_and_escaped() {
        let (report, cache) = sample();
        let h = render_with(
            &report,
            OutputFormat::Html,
            &RenderOptions::default(),
            &cache,
        );
        assert!(h.starts_with("<!DOCTYPE html>"));
        assert!(!h.contains("<script"), "document text must be escaped");
        assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!h.contains("<b>"));
        assert!(
            !h.contains("http://") && !h.contains("https://") && !h.contains("<link"),
            "no external resources"
        );
        assert!(h.contains("<mark>Sở Nội vụ chủ trì</mark>"), "{h}");
        assert!(h.contains("<mark>Chủ trì thẩm định</mark>"), "{h}");
        assert!(h.contains("class=\"sides\""));
        assert!(h.contains("<dt>Căn cứ pháp lý</dt><dd>Điều 12 Luật Ban hành VBQPPL 2025</dd>"));
        assert!(h.contains("<dt>Hướng xử lý</dt><dd>sửa đổi, bổ sung</dd>"));
        assert!(h.contains("<td>45/KH-UBND</td>") || h.contains("<td>Dự thảo QĐ</td>"));
        assert!(h.trim_end().ends_with("</html>"));
    }
}
