//! Per-document information for the Word and Excel exports: header metadata, the advising body
//! named in the preamble, and the effect status on the review date from the document graph.
use crate::{Analyzed, Engine};
use rasoat_extract::EffectStatus;
use rasoat_model::{Date, Document, DocumentInfo, ProvisionKind};
use std::sync::LazyLock;

/// "Theo đề nghị của Giám đốc Sở Tư pháp tại Tờ trình số …;" → the body (`Sở Tư pháp`).
static ADVISING: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)theo đề nghị của\s+(?:(?:ông|bà)\s+)?(?:(?:phó\s+)?(?:giám đốc|chánh|vụ trưởng|cục trưởng|tổng cục trưởng|trưởng|thủ trưởng|chủ tịch|viện trưởng)\s+)?([^;.\n]+?)\s*(?:tại\s|;|\.|\n|$)",
    )
    .expect("valid regex")
});

fn advising_body(doc: &Document) -> Option<String> {
    let mut found = None;
    doc.walk(&mut |p, path| {
        if found.is_some()
            || !(p.kind == ProvisionKind::Preamble
                || path
                    .first()
                    .is_some_and(|a| a.kind == ProvisionKind::Preamble))
        {
            return;
        }
        let text = p.full_text();
        if let Some(c) = ADVISING.captures(&text) {
            let body = c[1].trim().trim_end_matches(',').trim();
            if !body.is_empty() {
                found = Some(body.to_string());
            }
        }
    });
    found
}

impl Engine {
    /// The documents of `docs` as the exports list them, with their effect status on `as_of`
    /// (replaced, repealed or expired per the document graph: bundled registry plus the corpus'
    /// own thay thế / bãi bỏ / hết hiệu lực clauses).
    pub fn document_infos(&self, docs: &[&Analyzed], as_of: Date) -> Vec<DocumentInfo> {
        let graph = self.extractor.as_ref().map(|ex| {
            let pairs: Vec<_> = docs.iter().map(|a| (&a.doc, &a.facts)).collect();
            ex.graph(&pairs)
        });
        docs.iter()
            .map(|a| {
                let m = &a.doc.meta;
                let label = |key: &str| {
                    graph
                        .as_ref()
                        .and_then(|g| g.node(key))
                        .map(|n| n.label.clone())
                        .filter(|l| !l.is_empty())
                        .unwrap_or_else(|| key.to_string())
                };
                let (status, by, on) = match graph
                    .as_ref()
                    .map(|g| g.status(&rasoat_extract::graph::doc_key(&a.doc, &a.facts), as_of))
                    .unwrap_or(EffectStatus::Unknown)
                {
                    EffectStatus::InForce => ("in-force", None, None),
                    EffectStatus::Pending { from } => ("pending", None, Some(from)),
                    EffectStatus::Replaced { by, on } => ("replaced", Some(label(&by)), on),
                    EffectStatus::Repealed { by, on } => ("repealed", Some(label(&by)), on),
                    EffectStatus::Expired { on } => ("expired", None, Some(on)),
                    EffectStatus::Unknown => ("unknown", None, None),
                };
                DocumentInfo {
                    path: a.doc.source.path.clone(),
                    number: m.number.clone().or_else(|| m.law_id.clone()),
                    display: a.doc.display_name(),
                    type_name: m.type_name.clone(),
                    date: m.date.or(a.facts.date),
                    title: m.title.clone(),
                    issuer: m.issuer.clone(),
                    advising_body: advising_body(&a.doc),
                    draft: m.draft,
                    status: status.to_string(),
                    status_by: by,
                    status_date: on,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn advising_body_from_preamble_line() {
        let cap = |s: &str| super::ADVISING.captures(s).map(|c| c[1].to_string());
        assert_eq!(
            cap("Theo đề nghị của Giám đốc Sở Tư pháp.").as_deref(),
            Some("Sở Tư pháp")
        );
        assert_eq!(
            cap("Theo đề nghị của Vụ trưởng Vụ Kế hoạch, Tài chính;").as_deref(),
            Some("Vụ Kế hoạch, Tài chính")
        );
        assert_eq!(
            cap("Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 12/TTr-SNV ngày 01/8/2025.")
                .as_deref(),
            Some("Sở Nội vụ")
        );
        assert_eq!(
            cap("Theo đề nghị của Chánh Văn phòng UBND tỉnh.").as_deref(),
            Some("Văn phòng UBND tỉnh")
        );
    }
}
