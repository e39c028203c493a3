//! What the Word and Excel exports list, computed once from the report: the documents to handle
//! (one row per document × handling, grouped by document), the documents out of force, and the
//! document each finding belongs to.
use crate::template::ExportTemplate;
use crate::{basis_and_handling, describe};
use rasoat_model::{Date, DocumentInfo, Finding, Report};
use std::collections::BTreeMap;

/// One row of "Danh mục cần xử lý".
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogRow<'a> {
    /// 1-based number of the document in the list (rows of one document share it).
    pub stt: usize,
    pub doc: &'a DocumentInfo,
    /// Canonical handling (`sửa đổi, bổ sung`, `thay thế`, `bãi bỏ`, `ban hành mới`, `chưa xác định`).
    pub handling: String,
    /// The findings of this document proposing this handling.
    pub findings: Vec<&'a Finding>,
    /// `điểm c khoản 6 mục III: “…”` lines.
    pub content: String,
    /// `mâu thuẫn — căn cứ` lines.
    pub reason: String,
    pub lead_body: String,
    pub deadline: Option<Date>,
    pub note: String,
}

/// The documents of a report, with a stand-in for documents a finding names but the report does
/// not list (a report read back from older JSON).
pub struct Catalog<'a> {
    pub docs: Vec<DocumentInfo>,
    /// finding index → index into `docs`.
    pub of_finding: Vec<usize>,
    report: &'a Report,
}

impl<'a> Catalog<'a> {
    pub fn new(report: &'a Report) -> Catalog<'a> {
        let mut docs = report.documents.clone();
        let mut by_path: BTreeMap<String, usize> = BTreeMap::new();
        for (i, d) in docs.iter().enumerate() {
            by_path.entry(d.path.clone()).or_insert(i);
        }
        let mut of_finding = Vec::with_capacity(report.findings.len());
        for f in &report.findings {
            let l = &f.location;
            let hit = by_path.get(&l.file).copied().filter(|&i| {
                // One file may hold several documents (data sets): the display name decides.
                l.document.as_ref().is_none_or(|n| *n == docs[i].display)
            });
            let hit = hit.or_else(|| {
                docs.iter().position(|d| {
                    d.path == l.file && l.document.as_ref().is_none_or(|n| *n == d.display)
                })
            });
            let i = match hit {
                Some(i) => i,
                None => {
                    docs.push(DocumentInfo {
                        path: l.file.clone(),
                        number: None,
                        display: l.document.clone().unwrap_or_else(|| l.file.clone()),
                        status: "unknown".into(),
                        ..Default::default()
                    });
                    by_path.entry(l.file.clone()).or_insert(docs.len() - 1);
                    docs.len() - 1
                }
            };
            of_finding.push(i);
        }
        Catalog {
            docs,
            of_finding,
            report,
        }
    }

    pub fn doc_of(&self, finding: usize) -> &DocumentInfo {
        &self.docs[self.of_finding[finding]]
    }

    /// Findings per document, in document order (documents without findings left out).
    pub fn by_document(&self) -> Vec<(&DocumentInfo, Vec<&'a Finding>)> {
        let mut groups: Vec<Vec<&'a Finding>> = vec![Vec::new(); self.docs.len()];
        for (i, f) in self.report.findings.iter().enumerate() {
            groups[self.of_finding[i]].push(f);
        }
        self.docs
            .iter()
            .zip(groups)
            .filter(|(_, g)| !g.is_empty())
            .collect()
    }

    /// "Danh mục cần xử lý": one row per document × handling (parse errors left out).
    pub fn rows(&self, t: &ExportTemplate) -> Vec<CatalogRow<'_>> {
        let mut out = Vec::new();
        let mut stt = 0;
        for (doc, fs) in self.by_document() {
            let mut by_handling: Vec<(String, Vec<&Finding>, Vec<String>)> = Vec::new();
            for f in fs.into_iter().filter(|f| f.rule != "parse-error") {
                let (_, h, _) = basis_and_handling(self.report, f);
                let (form, others) = canonical_handling(&h, t);
                let slot = match by_handling.iter().position(|(k, _, _)| *k == form) {
                    Some(i) => i,
                    None => {
                        by_handling.push((form, Vec::new(), Vec::new()));
                        by_handling.len() - 1
                    }
                };
                by_handling[slot].1.push(f);
                for o in others {
                    if !by_handling[slot].2.contains(&o) {
                        by_handling[slot].2.push(o);
                    }
                }
            }
            if by_handling.is_empty() {
                continue;
            }
            let rank = |h: &str| {
                t.handling
                    .forms
                    .iter()
                    .position(|x| x == h)
                    .unwrap_or(usize::MAX)
            };
            by_handling.sort_by_key(|(h, _, _)| rank(h));
            stt += 1;
            for (handling, findings, others) in by_handling {
                let mut content = Vec::new();
                let mut reason = Vec::new();
                let mut codes = Vec::new();
                let mut deadline: Option<Date> = None;
                for f in &findings {
                    let (basis, _, category) = basis_and_handling(self.report, f);
                    let l = &f.location;
                    let place = l
                        .label
                        .clone()
                        .or_else(|| l.provision.clone())
                        .unwrap_or_else(|| "toàn văn bản".into());
                    let line = match l.snippet.as_deref().filter(|s| !s.trim().is_empty()) {
                        Some(s) => format!("- {place}: “{}”", s.trim()),
                        None => format!("- {place}"),
                    };
                    if !content.contains(&line) {
                        content.push(line);
                    }
                    let r = match (category.is_empty(), basis.is_empty()) {
                        (false, false) => format!("- {}: {basis}", capitalize(&category)),
                        (false, true) => format!("- {}", capitalize(&category)),
                        (true, false) => format!("- {basis}"),
                        (true, true) => format!("- {}", f.message),
                    };
                    if !reason.contains(&r) {
                        reason.push(r);
                    }
                    let code = crate::rule_tag(f);
                    let code = code.split('/').next().unwrap_or_default().to_string();
                    if !codes.contains(&code) {
                        codes.push(code);
                    }
                    if let Some(d) = deadline_of(f, &basis, t) {
                        deadline = Some(deadline.map_or(d, |x| x.min(d)));
                    }
                }
                let mut note = format!("{} phát hiện ({})", findings.len(), codes.join(", "));
                if !others.is_empty() {
                    note.push_str(&format!("; có thể: {}", others.join(" / ")));
                }
                out.push(CatalogRow {
                    stt,
                    doc,
                    handling,
                    findings,
                    content: content.join("\n"),
                    reason: reason.join("\n"),
                    lead_body: doc.advising_body.clone().unwrap_or_default(),
                    deadline,
                    note,
                });
            }
        }
        out
    }

    /// Documents replaced, repealed or expired on the review date.
    pub fn expired(&self) -> Vec<&DocumentInfo> {
        self.docs.iter().filter(|d| d.is_out_of_force()).collect()
    }
}

/// The first handling form named in `h` and the other forms it offers, per the template.
pub fn canonical_handling(h: &str, t: &ExportTemplate) -> (String, Vec<String>) {
    let low = h.to_lowercase();
    let mut found: Vec<(usize, &String)> = t
        .handling
        .forms
        .iter()
        .filter_map(|f| low.find(&f.to_lowercase()).map(|at| (at, f)))
        .collect();
    found.sort();
    match found.split_first() {
        Some((first, rest)) => (
            first.1.clone(),
            rest.iter().map(|(_, f)| (*f).clone()).collect(),
        ),
        None => (t.handling.unknown.clone(), vec![]),
    }
}

/// The deadline of a finding per the template's `[[deadlines]]`.
pub fn deadline_of(f: &Finding, basis: &str, t: &ExportTemplate) -> Option<Date> {
    t.deadlines
        .iter()
        .filter(|d| {
            d.matches
                .iter()
                .any(|m| f.message.contains(m.as_str()) || basis.contains(m.as_str()))
        })
        .map(|d| d.date)
        .min()
}

/// Why a document is out of force, in Vietnamese.
pub fn expiry_reason(d: &DocumentInfo) -> String {
    let by = d.status_by.as_deref().unwrap_or("văn bản khác");
    match d.status.as_str() {
        "replaced" => format!("Bị thay thế bởi {by}"),
        "repealed" => format!("Bị bãi bỏ bởi {by}"),
        "expired" => "Hết thời hạn có hiệu lực đã được quy định trong văn bản".into(),
        _ => String::new(),
    }
}

/// `01/3/2027` as Vietnamese documents write dates (day two digits, month without leading zero
/// for months 3–12 is the common style; we write what NĐ 30/2020 shows: 01/3/2027).
pub fn date_vi(d: Date) -> String {
    let m = d.month();
    if m <= 2 {
        format!("{:02}/{:02}/{}", d.day(), m, d.year())
    } else {
        format!("{:02}/{}/{}", d.day(), m, d.year())
    }
}

/// "Kế hoạch số 45/KH-UBND ngày 09/5/2024 của … về …".
pub fn doc_citation(d: &DocumentInfo) -> String {
    let mut s = d.type_name.clone().unwrap_or_else(|| "Văn bản".into());
    match &d.number {
        Some(n) => s.push_str(&format!(" số {n}")),
        // The display name of a document without a number is its (shortened) title.
        None if d.title.is_some() => {}
        None => s.push_str(&format!(" {}", d.display)),
    }
    if let Some(date) = d.date {
        s.push_str(&format!(" ngày {}", date_vi(date)));
    }
    if let Some(i) = &d.issuer {
        s.push_str(&format!(" của {i}"));
    }
    if let Some(t) = &d.title {
        let t = t.trim();
        let lower = t.to_lowercase();
        if lower.starts_with("về ")
            || lower.starts_with("quy định")
            || lower.starts_with("ban hành")
        {
            s.push(' ');
        } else {
            s.push_str(" về ");
        }
        // "về Tiếp tục tăng cường …" reads "về tiếp tục tăng cường …" (all-caps titles and
        // titles opening with a name, "Đắk Lắk", "UBND", keep their case).
        let mut cs = t.chars();
        let second_upper = t.chars().nth(1).is_some_and(char::is_uppercase);
        let first_word = t.split_whitespace().next().unwrap_or_default();
        let name = ["Đắk", "Ủy", "Bộ", "Chính", "Quốc", "Nhà"].contains(&first_word);
        match cs.next() {
            Some(f) if t != t.to_uppercase() && !second_upper && !name => {
                s.extend(f.to_lowercase());
                s.push_str(cs.as_str());
            }
            _ => s.push_str(t),
        }
    }
    s
}

pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `file:line:col (45/KH-UBND, điểm c khoản 6 mục III): “…”` for related locations.
pub fn related_text(f: &Finding) -> String {
    f.related
        .iter()
        .map(|r| {
            let mut s = format!("{} ({})", crate::place(r), describe(r));
            if let Some(sn) = r.snippet.as_deref().filter(|s| !s.trim().is_empty()) {
                s.push_str(&format!(": “{}”", sn.trim()));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn evidence_text(f: &Finding) -> String {
    f.evidence
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata::sample_with_documents;

    #[test]
    fn handling_is_canonical_with_alternatives() {
        let t = ExportTemplate::bundled();
        assert_eq!(
            canonical_handling("sửa đổi, bổ sung / thay thế", &t),
            ("sửa đổi, bổ sung".into(), vec!["thay thế".into()])
        );
        assert_eq!(canonical_handling("bãi bỏ / thay thế", &t).0, "bãi bỏ");
        assert_eq!(canonical_handling("", &t).0, "chưa xác định");
    }

    #[test]
    fn rows_group_documents_and_handlings() {
        let report = sample_with_documents();
        let t = ExportTemplate::bundled();
        let cat = Catalog::new(&report);
        let rows = cat.rows(&t);
        // Both sample findings sit in the draft and propose "sửa đổi, bổ sung".
        assert_eq!(rows.len(), 1, "{rows:#?}");
        assert_eq!(rows[0].stt, 1);
        assert_eq!(rows[0].handling, "sửa đổi, bổ sung");
        assert_eq!(rows[0].findings.len(), 2);
        assert!(rows[0].content.contains("khoản 1: “Sở Nội vụ chủ trì”"));
        assert!(rows[0].reason.starts_with("- Mâu thuẫn: Điều 12"));
        assert_eq!(rows[0].lead_body, "Sở Nội vụ");
        assert_eq!(cat.expired().len(), 1);
        assert_eq!(
            expiry_reason(cat.expired()[0]),
            "Bị thay thế bởi Kế hoạch 45/KH-UBND"
        );
        assert_eq!(date_vi(Date::constant(2027, 3, 1)), "01/3/2027");
        assert_eq!(date_vi(Date::constant(2025, 2, 5)), "05/02/2025");
    }
}

/// Columns that describe the document rather than one handling: shown once per document
/// (merged cells in Excel, one cell in Word).
pub(crate) fn per_document(key: &str) -> bool {
    matches!(
        key,
        "stt"
            | "type_name"
            | "number"
            | "date"
            | "title"
            | "issuer"
            | "path"
            | "document"
            | "lead_body"
    )
}
