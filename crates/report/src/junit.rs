//! JUnit XML: one `<testsuite>` per file, one `<testcase>` per finding (a passing one for a
//! clean file); errors and warnings are `<failure>`s, infos pass with their text in `<system-out>`.
use crate::{RenderOptions, basis_and_handling, describe, rule_tag};
use rasoat_model::{Finding, Report, Severity};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Escape for XML text and attribute values; drops characters XML 1.0 forbids.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            '\n' => o.push_str("&#10;"),
            '\r' => o.push_str("&#13;"),
            '\t' => o.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => o.push(c),
        }
    }
    o
}

fn details(report: &Report, f: &Finding) -> String {
    let l = &f.location;
    let mut d = format!("{}:{}:{}: {}", l.file, l.line, l.column, f.message);
    let here = describe(l);
    if !here.is_empty() {
        let _ = write!(d, "\ntại: {here}");
    }
    if let Some(s) = &l.snippet {
        let _ = write!(d, "\n> {s}");
    }
    for r in &f.related {
        let _ = write!(
            d,
            "\nliên quan: {}:{}:{} ({})",
            r.file,
            r.line,
            r.column,
            describe(r)
        );
    }
    let (basis, handling, category) = basis_and_handling(report, f);
    for (k, v) in [("loại", category), ("căn cứ", basis), ("xử lý", handling)] {
        if !v.is_empty() {
            let _ = write!(d, "\n{k}: {v}");
        }
    }
    d
}

pub fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &opts.checked_files {
        by_file.entry(f.as_str()).or_default();
    }
    for f in &report.findings {
        by_file.entry(f.location.file.as_str()).or_default().push(f);
    }
    let total: usize = by_file
        .values()
        .map(|v| v.len().max(1))
        .sum::<usize>()
        .max(1);
    let failures = report
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .count();
    let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        o,
        "<testsuites name=\"rasoat\" tests=\"{total}\" failures=\"{failures}\" errors=\"0\">"
    );
    if by_file.is_empty() {
        let _ = writeln!(
            o,
            "  <testsuite name=\"rasoat\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">"
        );
        let _ = writeln!(
            o,
            "    <testcase name=\"no findings\" classname=\"rasoat\"/>"
        );
        let _ = writeln!(o, "  </testsuite>");
    }
    for (file, findings) in &by_file {
        let fails = findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .count();
        let _ = writeln!(
            o,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{fails}\" errors=\"0\" skipped=\"0\">",
            esc(file),
            findings.len().max(1)
        );
        if findings.is_empty() {
            let _ = writeln!(
                o,
                "    <testcase name=\"rasoat check\" classname=\"{}\"/>",
                esc(file)
            );
        }
        for f in findings {
            let name = format!("{} {}:{}", rule_tag(f), f.location.line, f.location.column);
            let _ = writeln!(
                o,
                "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\">",
                esc(&name),
                esc(file),
                esc(file),
                f.location.line
            );
            let body = esc(&details(report, f));
            if f.severity >= Severity::Warning {
                let _ = writeln!(
                    o,
                    "      <failure type=\"{}\" message=\"{}\">{body}</failure>",
                    esc(&format!("{}:{}", f.severity, f.rule)),
                    esc(&f.message)
                );
            } else {
                let _ = writeln!(o, "      <system-out>{body}</system-out>");
            }
            let _ = writeln!(o, "    </testcase>");
        }
        let _ = writeln!(o, "  </testsuite>");
    }
    o.push_str("</testsuites>\n");
    o
}

#[cfg(test)]
mod tests {
    use crate::RenderOptions;
    use crate::testdata::*;
    use quick_xml::events::Event;

    #[test]
    fn junit_is_well_formed_and_counts_failures() {
        let (mut report, _) = sample();
        report.findings[1].message.push('\u{1}');
        let opts = RenderOptions {
            checked_files: vec!["drafts/clean.md".into(), "drafts/qd.md".into()],
            ..Default::default()
        };
        let xml = super::render(&report, &opts);
        let mut rd = quick_xml::Reader::from_str(&xml);
        let (mut suites, mut cases, mut failures) = (0, 0, 0);
        let mut buf = Vec::new();
        loop {
            match rd.read_event_into(&mut buf) {
                Ok(Event::Eof) => break,
                Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.name().into_inner() {
                    "testsuite" => suites += 1,
                    "testcase" => cases += 1,
                    "failure" => {
                        failures += 1;
                        for a in e.attributes() {
                            a.expect("attribute well-formed");
                        }
                    }
                    _ => {}
                },
                Ok(_) => {}
                Err(e) => panic!("not well-formed at {}: {e}\n{xml}", rd.buffer_position()),
            }
            buf.clear();
        }
        assert_eq!((suites, cases, failures), (2, 3, 2), "{xml}");
        assert!(xml.contains("&lt;script&gt;") || !xml.contains("<script"));
    }
}
