//! The findings list: filter, sort and page the last review's findings (and the resolved ones)
//! with their triage status. Shared by `/api/findings` and the Phát hiện page.
use crate::state::{App, Snapshot};
use rasoat_model::Finding;
use rasoat_triage::Status;
use serde::Serialize;
use std::collections::HashMap;

/// One row: the finding, where it is, what was decided.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub fingerprint: String,
    pub rule: String,
    pub code: String,
    pub severity: String,
    pub category: String,
    pub message: String,
    pub status: &'static str,
    pub status_vi: &'static str,
    pub note: String,
    pub reviewer: String,
    /// Version of the decision (0: none yet), for optimistic concurrency.
    pub version: i64,
    /// First produced by the latest review run.
    pub new: bool,
    /// No longer produced by the latest run (fixed by an edit).
    pub resolved: bool,
    pub document: Option<String>,
    pub document_id: Option<String>,
    pub location: rasoat_model::Location,
}

/// Query parameters of the list (all optional).
#[derive(Debug, Default, Clone, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Query {
    pub rule: String,
    pub severity: String,
    pub category: String,
    pub document: String,
    pub agency: String,
    pub status: String,
    /// severity (default), rule, document, status.
    pub sort: String,
    pub page: usize,
    pub per: usize,
}

pub fn item(app: &App, snap: &Snapshot, f: &Finding, resolved: bool) -> Item {
    let d = app.decision(&f.fingerprint);
    let status = if resolved {
        Status::DaXuLy
    } else {
        d.as_ref().map_or(Status::Moi, |d| d.status)
    };
    let doc = snap.doc_of(&f.location.file, f.location.document.as_deref());
    Item {
        fingerprint: f.fingerprint.clone(),
        rule: f.rule.clone(),
        code: f.code.clone(),
        severity: f.severity.as_str().to_string(),
        category: f.category.clone(),
        message: f.message.clone(),
        status: status.as_str(),
        status_vi: status.label_vi(),
        note: d.as_ref().map(|d| d.note.clone()).unwrap_or_default(),
        reviewer: d.as_ref().map(|d| d.reviewer.clone()).unwrap_or_default(),
        version: d.as_ref().map_or(0, |d| d.version),
        new: !resolved && snap.new_fps.contains(&f.fingerprint),
        resolved,
        document: f.location.document.clone(),
        document_id: doc.map(|i| snap.doc_ids[i].clone()),
        location: f.location.clone(),
    }
}

/// Filtered, sorted rows of one page and the total before paging. Filtering and sorting work
/// on borrowed findings; only the page's rows are built (10,000 findings stay fast).
pub fn list(app: &App, snap: &Snapshot, q: &Query) -> (Vec<Item>, usize) {
    let decisions = app.decisions.read().unwrap_or_else(|e| e.into_inner());
    let status_of = |f: &Finding, resolved: bool| {
        if resolved {
            Status::DaXuLy
        } else {
            decisions
                .get(&f.fingerprint)
                .map_or(Status::Moi, |d| d.status)
        }
    };
    let doc_matches = |f: &Finding| {
        q.document.is_empty()
            || f.location.document.as_deref() == Some(q.document.as_str())
            || snap
                .doc_of(&f.location.file, f.location.document.as_deref())
                .is_some_and(|i| snap.doc_ids[i] == q.document)
    };
    let mut rows: Vec<(&Finding, bool, Status)> = snap
        .report
        .findings
        .iter()
        .map(|f| (f, false))
        .chain(snap.resolved.iter().map(|f| (f, true)))
        .filter(|(f, _)| keep_finding(q, f) && doc_matches(f))
        .map(|(f, r)| (f, r, status_of(f, r)))
        .filter(|(_, _, st)| q.status.is_empty() || q.status == st.as_str())
        .collect();
    drop(decisions);
    sort(&mut rows, &q.sort);
    let total = rows.len();
    let per = if q.per == 0 { 50 } else { q.per.min(1000) };
    let start = q.page.saturating_sub(1) * per;
    let page = rows
        .into_iter()
        .skip(start)
        .take(per)
        .map(|(f, r, _)| item(app, snap, f, r))
        .collect();
    (page, total)
}

fn keep_finding(q: &Query, f: &Finding) -> bool {
    let eq = |want: &str, have: &str| want.is_empty() || want == have;
    (q.rule.is_empty() || q.rule == f.rule || q.rule == f.code)
        && eq(&q.severity, f.severity.as_str())
        && eq(&q.category, &f.category)
        && (q.agency.is_empty() || names_agency(f, &q.agency.to_lowercase()))
}

/// The agency is in the finding's evidence or named in its message ("giao Sở Nội vụ chủ trì").
fn names_agency(f: &Finding, agency: &str) -> bool {
    f.evidence
        .iter()
        .any(|(k, v)| k.contains("agenc") && v.to_lowercase().contains(agency))
        || f.message.to_lowercase().contains(agency)
}

fn sort(rows: &mut [(&Finding, bool, Status)], by: &str) {
    let sev = |f: &Finding| std::cmp::Reverse(f.severity);
    match by {
        "rule" => rows.sort_by(|a, b| (&a.0.code, &a.0.rule).cmp(&(&b.0.code, &b.0.rule))),
        "document" => rows.sort_by(|a, b| {
            (
                &a.0.location.document,
                &a.0.location.file,
                a.0.location.byte_start,
            )
                .cmp(&(
                    &b.0.location.document,
                    &b.0.location.file,
                    b.0.location.byte_start,
                ))
        }),
        "status" => rows.sort_by_key(|r| r.2.as_str()),
        // Default: most severe first, resolved last, then by place.
        _ => rows.sort_by(|a, b| {
            (sev(a.0), a.1, &a.0.location.file, a.0.location.byte_start).cmp(&(
                sev(b.0),
                b.1,
                &b.0.location.file,
                b.0.location.byte_start,
            ))
        }),
    }
}

/// Counts for the overview: by rule, severity, status.
pub fn counts(app: &App, snap: &Snapshot) -> HashMap<&'static str, Vec<(String, usize)>> {
    let mut by_status: HashMap<&str, usize> = HashMap::new();
    for f in &snap.report.findings {
        let s = app
            .decision(&f.fingerprint)
            .map_or(Status::Moi, |d| d.status);
        *by_status.entry(s.label_vi()).or_default() += 1;
    }
    let mut out = HashMap::new();
    out.insert(
        "status",
        Status::ALL
            .iter()
            .map(|s| {
                (
                    s.label_vi().to_string(),
                    by_status.get(s.label_vi()).copied().unwrap_or(0),
                )
            })
            .collect(),
    );
    out
}
