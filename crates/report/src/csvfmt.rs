//! CSV for spreadsheets: UTF-8 with BOM (Excel otherwise guesses a legacy code page), one row per finding.
use crate::{basis_and_handling, describe};
use rasoat_model::Report;

pub const HEADER: [&str; 19] = [
    "rule",
    "code",
    "severity",
    "category",
    "message",
    "file",
    "line",
    "column",
    "end_line",
    "end_column",
    "document",
    "provision",
    "label",
    "snippet",
    "related",
    "legal_basis",
    "handling",
    "evidence",
    "fingerprint",
];

pub fn render(report: &Report) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut rows: Vec<Vec<String>> = Vec::new();
    for f in &report.findings {
        let (basis, handling, category) = basis_and_handling(report, f);
        let l = &f.location;
        let related = f
            .related
            .iter()
            .map(|r| format!("{}:{}:{} ({})", r.file, r.line, r.column, describe(r)))
            .collect::<Vec<_>>()
            .join("; ");
        let evidence = f
            .evidence
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        rows.push(vec![
            f.rule.clone(),
            f.code.clone(),
            f.severity.as_str().to_string(),
            category,
            f.message.clone(),
            l.file.clone(),
            l.line.to_string(),
            l.column.to_string(),
            l.end_line.to_string(),
            l.end_column.to_string(),
            l.document.clone().unwrap_or_default(),
            l.provision.clone().unwrap_or_default(),
            l.label.clone().unwrap_or_default(),
            l.snippet.clone().unwrap_or_default(),
            related,
            basis,
            handling,
            evidence,
            f.fingerprint.clone(),
        ]);
    }
    let mut ok = w.write_record(HEADER).is_ok();
    for r in rows {
        // A cell starting with = + - @ would run as a formula in a spreadsheet: neutralise it.
        let r: Vec<String> = r
            .into_iter()
            .map(|c| {
                if c.starts_with(['=', '+', '-', '@']) {
                    format!("'{c}")
                } else {
                    c
                }
            })
            .collect();
        ok &= w.write_record(&r).is_ok();
    }
    let bytes = w.into_inner().unwrap_or_default();
    debug_assert!(ok);
    let mut out = String::from('\u{feff}');
    out.push_str(&String::from_utf8_lossy(&bytes));
    out
}

#[cfg(test)]
mod tests {
    use crate::testdata::*;

    #[test]
    fn csv_has_bom_header_and_one_row_per_finding() {
        let (report, _) = sample();
        let out = super::render(&report);
        assert!(out.starts_with('\u{feff}'));
        let mut rd = csv::Reader::from_reader(out.trim_start_matches('\u{feff}').as_bytes());
        let hdr = rd.headers().unwrap().clone();
        assert_eq!(hdr.iter().collect::<Vec<_>>(), super::HEADER.to_vec());
        let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[0][0], "lead-agency-conflict");
        assert!(rows[0][4].contains("\"mâu thuẫn\", 100%, a,b: c"));
        assert_eq!(&rows[0][6], "3");
        assert!(rows[0][14].starts_with("corpus/kh-45.txt:5:1 (45/KH-UBND"));
        assert_eq!(&rows[1][4], "Trích dẫn văn bản đã bị thay thế\r\nline2");
    }
}
