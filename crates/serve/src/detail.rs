//! Chi tiết: one finding with both sides in context, legal basis, handling and history.
use crate::error::ApiError;
use crate::findings::{Item, item};
use crate::state::{App, Snapshot};
use rasoat_model::{Finding, Location};
use serde::Serialize;

/// A piece of text, highlighted when it is the matched words.
#[derive(Debug, Serialize)]
pub struct Seg {
    pub text: String,
    pub hl: bool,
}

/// One side: the provision a location points into, its text with the match highlighted.
#[derive(Debug, Serialize)]
pub struct Side {
    pub document: Option<String>,
    pub document_id: Option<String>,
    pub label: Option<String>,
    pub provision: Option<String>,
    pub file: String,
    pub line: usize,
    pub text: Vec<Seg>,
}

#[derive(Debug, Serialize)]
pub struct Detail {
    #[serde(flatten)]
    pub item: Item,
    pub rule_name: String,
    pub legal_basis: String,
    pub handling: String,
    pub description: String,
    pub evidence: Vec<(String, String)>,
    pub side: Side,
    pub related: Vec<Side>,
    pub history: Vec<rasoat_triage::AuditEntry>,
}

pub fn detail(app: &App, fp: &str) -> Result<Detail, ApiError> {
    let snap = app.snapshot();
    let (f, resolved) = match snap.by_fp.get(fp) {
        Some(&i) => (&snap.report.findings[i], false),
        None => (
            snap.resolved
                .iter()
                .find(|f| f.fingerprint == fp)
                .ok_or_else(|| ApiError::not_found(format!("không có phát hiện {fp}")))?,
            true,
        ),
    };
    let rule = snap.report.rules.iter().find(|r| r.id == f.rule);
    let history = app.store().history(fp).map_err(ApiError::internal)?;
    Ok(Detail {
        item: item(app, &snap, f, resolved),
        rule_name: rule
            .map(|r| r.name_vi.clone())
            .unwrap_or_else(|| f.rule.clone()),
        legal_basis: f.legal_basis.clone(),
        handling: f.handling.clone(),
        description: rule.map(|r| r.description.clone()).unwrap_or_default(),
        evidence: f.evidence.clone(),
        side: side(&snap, &f.location),
        related: f.related.iter().map(|l| side(&snap, l)).collect(),
        history,
    })
}

pub fn side(snap: &Snapshot, loc: &Location) -> Side {
    let doc = snap.doc_of(&loc.file, loc.document.as_deref());
    let text = doc
        .and_then(|i| {
            let d = &snap.docs[i].doc;
            loc.provision
                .as_deref()
                .and_then(|p| d.find(p))
                .map(|p| p.full_text())
        })
        .or_else(|| loc.snippet.clone())
        .unwrap_or_default();
    Side {
        document: loc.document.clone(),
        document_id: doc.map(|i| snap.doc_ids[i].clone()),
        label: loc.label.clone(),
        provision: loc.provision.clone(),
        file: loc.file.clone(),
        line: loc.line,
        text: highlight(&text, loc.snippet.as_deref().unwrap_or("")),
    }
}

/// Split `text` around occurrences of `needle` (the matched words).
pub fn highlight(text: &str, needle: &str) -> Vec<Seg> {
    let needle = needle.trim();
    let mut out = Vec::new();
    if needle.is_empty() {
        out.push(Seg {
            text: text.to_string(),
            hl: false,
        });
        return out;
    }
    let mut rest = text;
    while let Some(i) = rest.find(needle) {
        if i > 0 {
            out.push(Seg {
                text: rest[..i].to_string(),
                hl: false,
            });
        }
        out.push(Seg {
            text: needle.to_string(),
            hl: true,
        });
        rest = &rest[i + needle.len()..];
    }
    if !rest.is_empty() {
        out.push(Seg {
            text: rest.to_string(),
            hl: false,
        });
    }
    out
}

/// Findings located in a document, by provision id (the margin marks of the Văn bản page).
pub fn in_document<'a>(snap: &'a Snapshot, doc: usize) -> Vec<&'a Finding> {
    snap.report
        .findings
        .iter()
        .zip(&snap.finding_doc)
        .filter(|(_, d)| **d == Some(doc))
        .map(|(f, _)| f)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn highlight_splits_around_matches() {
        let s = highlight("a chủ trì b chủ trì", "chủ trì");
        let t: Vec<_> = s.iter().map(|x| (x.text.as_str(), x.hl)).collect();
        assert_eq!(
            t,
            vec![
                ("a ", false),
                ("chủ trì", true),
                (" b ", false),
                ("chủ trì", true)
            ]
        );
    }
}
