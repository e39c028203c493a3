//! GitHub Actions workflow commands: `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`.
use crate::{basis_and_handling, describe, rule_tag};
use rasoat_model::{Report, Severity};
use std::fmt::Write;

/// Escape the message part (GitHub's `escapeData`).
pub fn esc_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value (GitHub's `escapeProperty`): also `:` and `,`.
pub fn esc_prop(s: &str) -> String {
    esc_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let cmd = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let l = &f.location;
        let mut props = vec![format!("file={}", esc_prop(&crate::ci_path(&l.file)))];
        if l.line > 0 {
            let end_line = l.end_line.max(l.line);
            props.push(format!("line={}", l.line));
            props.push(format!("endLine={end_line}"));
            // GitHub only honours columns on single-line annotations.
            if end_line == l.line {
                props.push(format!("col={}", l.column.max(1)));
                props.push(format!("endColumn={}", l.end_column.max(l.column.max(1))));
            }
        }
        props.push(format!("title={}", esc_prop(&rule_tag(f))));
        let mut msg = f.message.clone();
        for r in &f.related {
            let _ = write!(msg, "\nliên quan: {}:{} ({})", r.file, r.line, describe(r));
        }
        let (basis, handling, _) = basis_and_handling(report, f);
        if !basis.is_empty() {
            let _ = write!(msg, "\ncăn cứ: {basis}");
        }
        if !handling.is_empty() {
            let _ = write!(msg, "\nxử lý: {handling}");
        }
        let _ = writeln!(out, "::{cmd} {}::{}", props.join(","), esc_data(&msg));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::testdata::*;

    #[test]
    fn github_commands_are_one_line_and_escaped() {
        let (report, _) = sample();
        let out = super::render(&report);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(
            lines[0].starts_with("::error file=drafts/qd.md,line=3,endLine=3,col=1,endColumn=17,title=R01/lead-agency-conflict::"),
            "{}",
            lines[0]
        );
        assert!(lines[0].contains("100%25, a,b: c"), "{}", lines[0]);
        assert!(lines[0].contains("%0Aliên quan: corpus/kh-45.txt:5"));
        assert!(lines[1].starts_with("::warning "));
        assert!(lines[1].contains("thay thế%0D%0Aline2"));
        assert_eq!(super::esc_prop("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
