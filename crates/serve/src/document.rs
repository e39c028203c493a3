//! Văn bản: a document's header, provision outline, findings per provision and its links.
use crate::error::ApiError;
use crate::state::{App, Snapshot};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct ProvisionView {
    pub id: String,
    pub label: String,
    pub heading: Option<String>,
    pub depth: usize,
    pub text: String,
    pub line: usize,
    pub findings: Vec<FindingMark>,
}

#[derive(Debug, Serialize)]
pub struct FindingMark {
    pub fingerprint: String,
    pub code: String,
    pub severity: String,
    pub message: String,
}

#[derive(Debug, Serialize)]
pub struct Link {
    /// căn cứ, thay thế, bãi bỏ, sửa đổi, thực hiện.
    pub kind: String,
    pub label: String,
    pub document_id: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct DocView {
    pub id: String,
    pub name: String,
    pub path: String,
    pub number: Option<String>,
    pub type_name: Option<String>,
    pub issuer: Option<String>,
    pub date: Option<String>,
    pub title: Option<String>,
    pub status: Option<String>,
    pub provisions: Vec<ProvisionView>,
    /// Findings not tied to one provision.
    pub other_findings: Vec<FindingMark>,
    pub links_out: Vec<Link>,
    pub links_in: Vec<Link>,
}

pub fn kind_vi(k: &rasoat_extract::EdgeKind) -> &'static str {
    use rasoat_extract::EdgeKind::*;
    match k {
        ThayThe => "thay thế",
        BaiBo => "bãi bỏ",
        SuaDoi => "sửa đổi",
        CanCu => "căn cứ",
        ThucHien => "thực hiện",
    }
}

/// The same edge seen from its target ("bị thay thế bởi").
fn passive_vi(k: &rasoat_extract::EdgeKind) -> &'static str {
    use rasoat_extract::EdgeKind::*;
    match k {
        ThayThe => "bị thay thế bởi",
        BaiBo => "bị bãi bỏ bởi",
        SuaDoi => "được sửa đổi bởi",
        CanCu => "là căn cứ của",
        ThucHien => "được triển khai bởi",
    }
}

pub fn view(app: &App, id: &str) -> Result<DocView, ApiError> {
    let snap = app.snapshot();
    let &i = snap
        .doc_by_id
        .get(id)
        .ok_or_else(|| ApiError::not_found(format!("không có văn bản {id}")))?;
    Ok(build(&snap, i))
}

fn build(snap: &Snapshot, i: usize) -> DocView {
    let a = &snap.docs[i];
    let d = &a.doc;
    let mut marks: std::collections::HashMap<&str, Vec<FindingMark>> = Default::default();
    let mut other = Vec::new();
    for f in crate::detail::in_document(snap, i) {
        let m = FindingMark {
            fingerprint: f.fingerprint.clone(),
            code: f.code.clone(),
            severity: f.severity.as_str().into(),
            message: f.message.clone(),
        };
        match f
            .location
            .provision
            .as_deref()
            .filter(|p| d.find(p).is_some())
        {
            Some(p) => marks.entry(p).or_default().push(m),
            None => other.push(m),
        }
    }
    let mut provisions = Vec::new();
    d.walk(&mut |p, parents| {
        provisions.push(ProvisionView {
            id: p.id.clone(),
            label: p.label.clone(),
            heading: p.heading.clone(),
            depth: parents.len().min(4),
            text: p.text.clone(),
            line: p.span.line,
            findings: marks.remove(p.id.as_str()).unwrap_or_default(),
        })
    });
    let links_out = a
        .facts
        .edges
        .iter()
        .map(|e| Link {
            kind: kind_vi(&e.kind).into(),
            label: e.target_label.clone(),
            document_id: snap.doc_by_key(&e.target).map(|j| snap.doc_ids[j].clone()),
        })
        .collect();
    let links_in = match &a.facts.key {
        Some(k) => snap
            .docs
            .iter()
            .enumerate()
            .flat_map(|(j, b)| {
                b.facts
                    .edges
                    .iter()
                    .filter(|e| &e.target == k)
                    .map(move |e| (j, e))
            })
            .map(|(j, e)| Link {
                kind: passive_vi(&e.kind).into(),
                label: snap.docs[j].doc.display_name(),
                document_id: Some(snap.doc_ids[j].clone()),
            })
            .collect(),
        None => Vec::new(),
    };
    let info = snap
        .report
        .documents
        .iter()
        .find(|x| x.path == d.source.path);
    DocView {
        id: snap.doc_ids[i].clone(),
        name: d.display_name(),
        path: d.source.path.clone(),
        number: d.meta.number.clone(),
        type_name: d.meta.type_name.clone(),
        issuer: d.meta.issuer.clone(),
        date: d.meta.date.map(|x| x.to_string()),
        title: d.meta.title.clone(),
        status: info.map(|x| x.status.clone()),
        provisions,
        other_findings: other,
        links_out,
        links_in,
    }
}
