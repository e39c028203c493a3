//! Extraction: structured facts from parsed provisions — citations (with their role and the
//! document graph), part references, agencies (gazetteer as data), roles and assignments,
//! delegation acts, deadlines and reporting duties.
//!
//! Every pattern runs on a folded, punctuation-normalised view of the text ([`norm::NormText`]),
//! so text with or without diacritics, NFC or NFD, and PDF-reflowed text all match the same way;
//! ranges are mapped back to byte offsets of the provision's own text.

pub mod citations;
pub mod deadlines;
pub mod facts;
pub mod gazetteer;
pub mod graph;
pub mod norm;
pub mod registry;
pub mod roles;
pub mod symbol;
pub mod testing;
#[cfg(test)]
mod tests;

pub use facts::*;
pub use gazetteer::{Agency, Gazetteer};
pub use graph::{Graph, GraphEdge, Node, doc_id};
pub use norm::normalize_number;
pub use registry::{RegEntry, Registry, law_name_key};

use norm::{NormText, find_dates};
use rasoat_model::{BlockKind, Document, Provision, ProvisionKind};
use roles::{ClauseInput, Implied, NMention};
use std::collections::HashMap;
use std::path::Path;

/// Bundled data files (overridable with `Extractor::from_dir`).
pub const AGENCIES_TOML: &str = include_str!("../../../rules/data/agencies.toml");
pub const PLACES_TOML: &str = include_str!("../../../rules/data/places.toml");
pub const REGISTRY_TOML: &str = include_str!("../../../rules/data/registry.toml");

/// The extractor: gazetteer + registry, ready to run on documents. `Send + Sync`.
#[derive(Debug)]
pub struct Extractor {
    gaz: Gazetteer,
    reg: Registry,
}

impl Extractor {
    /// The bundled data.
    pub fn bundled() -> Result<Extractor, String> {
        Self::from_sources(
            ("rules/data/agencies.toml", AGENCIES_TOML),
            ("rules/data/places.toml", PLACES_TOML),
            ("rules/data/registry.toml", REGISTRY_TOML),
        )
    }

    /// Data from a directory: `agencies.toml`, `places.toml`, `registry.toml`; a file that is absent
    /// falls back to the bundled one. Errors name the file, the line and the reason.
    pub fn from_dir(dir: &Path) -> Result<Extractor, String> {
        if !dir.is_dir() {
            return Err(format!("{}: not a directory", dir.display()));
        }
        let load = |name: &str, bundled: &'static str| -> Result<(String, String), String> {
            let p = dir.join(name);
            if p.exists() {
                let s = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
                Ok((p.display().to_string(), s))
            } else {
                Ok((format!("(bundled) rules/data/{name}"), bundled.to_string()))
            }
        };
        let a = load("agencies.toml", AGENCIES_TOML)?;
        let p = load("places.toml", PLACES_TOML)?;
        let r = load("registry.toml", REGISTRY_TOML)?;
        Self::from_sources((&a.0, &a.1), (&p.0, &p.1), (&r.0, &r.1))
    }

    fn from_sources(
        a: (&str, &str),
        p: (&str, &str),
        r: (&str, &str),
    ) -> Result<Extractor, String> {
        let gaz = Gazetteer::from_sources(a.0, a.1, p.0, p.1)?;
        let reg = Registry::from_source(r.0, r.1)?;
        Ok(Extractor { gaz, reg })
    }

    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gaz
    }

    pub fn registry(&self) -> &Registry {
        &self.reg
    }

    /// Agencies in any text (longest match), ranges into `text`.
    pub fn find_agencies(&self, text: &str) -> Vec<facts::AgencyMention> {
        self.gaz.find_agencies(text)
    }

    /// Build the document graph of analysed documents with this extractor's registry.
    pub fn graph(&self, docs: &[(&Document, &DocFacts)]) -> Graph {
        Graph::build(docs, &self.reg)
    }

    /// Resolve references to parts of *other* documents of the corpus ("khoản 3 Điều 51 của Luật
    /// Đất đai", "Điều 5 Nghị định số 78/2025/NĐ-CP") once every document is extracted. `docs[i]`
    /// belongs to `facts[i]`. References to documents outside the corpus keep `resolved: None`.
    pub fn resolve_cross_refs(&self, docs: &[&Document], facts: &mut [DocFacts]) {
        let mut by_key: HashMap<String, usize> = HashMap::new();
        for (i, (d, f)) in docs.iter().zip(facts.iter()).enumerate() {
            if let Some(k) = &f.key {
                by_key.entry(k.clone()).or_insert(i);
            }
            // A law is also known by its name (data sets name laws, texts cite "Luật Đất đai").
            let is_law = d
                .meta
                .type_name
                .as_deref()
                .is_some_and(|t| norm::match_key(t).ends_with("luat"));
            let mut names: Vec<String> = d.meta.law_id.iter().cloned().collect();
            if let Some(t) = &d.meta.title {
                names.push(if is_law {
                    format!("Luật {t}")
                } else {
                    t.clone()
                });
            }
            for name in names {
                let k = norm::match_key(&name);
                if k.starts_with("luat ") || k.starts_with("bo luat ") {
                    by_key.entry(law_name_key(&name)).or_insert(i);
                }
            }
        }
        if by_key.is_empty() {
            return;
        }
        let indexes: Vec<citations::PartIndex> =
            docs.iter().map(|d| citations::PartIndex::new(d)).collect();
        for (fi, f) in facts.iter_mut().enumerate() {
            for pf in &mut f.provisions {
                for r in &mut pf.part_refs {
                    let Some(&i) = r
                        .document_key
                        .as_ref()
                        .filter(|_| !r.internal)
                        .and_then(|k| by_key.get(k))
                    else {
                        continue;
                    };
                    if i == fi {
                        continue;
                    }
                    let Some(parsed) = citations::parse_ref(&r.text) else {
                        continue;
                    };
                    let (targets, ok, unknown) =
                        citations::resolve_parsed(&parsed, &indexes[i], &[], None);
                    r.targets = targets;
                    r.resolved = if unknown { None } else { Some(ok) };
                }
            }
        }
    }

    /// Gazetteer id of the document's issuer: header, else "<AG> ban hành <Kế hoạch|…>" in the
    /// opening text, else a "TM. <body>" signature.
    fn doc_issuer(&self, doc: &Document) -> Option<String> {
        if let Some(i) = &doc.meta.issuer
            && let Some(m) = self.gaz.find_agencies(i).into_iter().next()
        {
            return Some(m.id);
        }
        let flat = doc.flat();
        for p in flat.iter().take(4) {
            let n = NormText::new(&p.text);
            for m in self.gaz.find_in(&n, &p.text) {
                let (st, e) = (n.from_orig(m.range.start), n.from_orig(m.range.end));
                // "… của Thủ tướng Chính phủ ban hành Kế hoạch …" is a cited document's issuer.
                if n.s[e..].starts_with(" ban hanh ") && !n.s[..st].ends_with("cua ") {
                    return Some(m.id);
                }
            }
        }
        for b in &doc.blocks {
            if b.kind == BlockKind::Signature {
                let n = NormText::new(&b.text);
                if let Some(pos) = n.s.find("tm. ") {
                    let rest = &b.text[n.orig(pos + 4)..];
                    let up = rest.lines().next().unwrap_or("").to_lowercase();
                    let m = self.gaz.find_agencies(&up).into_iter().next();
                    if let Some(m) = m {
                        return Some(m.id);
                    }
                    if rasoat_text::fold(&up).starts_with("uy ban nhan dan") {
                        return Some("ubnd-tinh".into());
                    }
                }
            }
        }
        None
    }

    /// Facts of a heading that is only agencies ("Sở Tư pháp", "Đề nghị Ủy ban MTTQ Việt Nam tỉnh",
    /// "Trách nhiệm của Sở Nội vụ", "Các cơ quan chuyên môn thuộc UBND tỉnh; UBND các xã, phường").
    fn implied_from(&self, s: &str) -> Option<Implied> {
        let n = NormText::new(s);
        let mut t = n.s.trim().trim_end_matches([':', '.', ' ']).to_string();
        let mut de_nghi = false;
        for pre in [
            "kinh de nghi ",
            "de nghi ",
            "giao ",
            "trach nhiem cua ",
            "nhiem vu cua ",
            "trach nhiem thuc hien cua ",
        ] {
            if let Some(r) = t.strip_prefix(pre) {
                de_nghi |= pre.contains("de nghi");
                t = r.to_string();
            }
        }
        let ms = self.gaz.find_in(&n, s);
        if ms.is_empty() {
            return None;
        }
        let mut rest = n.s.clone();
        for m in &ms {
            let (a, b) = (n.from_orig(m.range.start), n.from_orig(m.range.end));
            rest.replace_range(a..b, &" ".repeat(b - a));
        }
        let mut rest = rest.trim().trim_end_matches([':', '.', ' ']).to_string();
        for pre in [
            "kinh de nghi",
            "de nghi",
            "giao",
            "trach nhiem thuc hien cua",
            "trach nhiem cua",
            "nhiem vu cua",
        ] {
            if let Some(r) = rest.strip_prefix(pre) {
                rest = r.to_string();
            }
        }
        let leftover: String = rest
            .split([' ', ',', ';'])
            .filter(|w| !w.is_empty() && !matches!(*w, "va" | "cac" | "tinh" | "cap"))
            .collect();
        if leftover.is_empty() {
            return Some(Implied {
                mentions: ms,
                de_nghi,
            });
        }
        // "Sở Tư pháp chủ trì, phối hợp:" over a list: the leading agencies are the subject of the items.
        let first = ms.first()?;
        if n.from_orig(first.range.start) > 5 {
            return None;
        }
        let lead: Vec<AgencyMention> = ms
            .iter()
            .take_while(|m| {
                let b = n.from_orig(m.range.end);
                let after = n.s[b..].trim_start_matches([',', ';', ' ']);
                !after.starts_with(|c: char| c.is_ascii_alphanumeric())
                    || after.starts_with("va ")
                    || ms
                        .iter()
                        .any(|o| n.from_orig(o.range.start) == n.s.len() - after.len())
            })
            .cloned()
            .collect();
        let last = lead.last().or(Some(first))?;
        let after = n.s[n.from_orig(last.range.end)..].trim_start_matches([',', ' ']);
        let cues = [
            "chu tri",
            "phoi hop",
            "tham muu",
            "thuc hien",
            "co trach nhiem",
            "chiu trach nhiem",
            "to chuc thuc hien",
        ];
        if cues.iter().any(|c| after.starts_with(c)) {
            let lead = if lead.is_empty() {
                vec![first.clone()]
            } else {
                lead
            };
            return Some(Implied {
                mentions: lead,
                de_nghi,
            });
        }
        None
    }

    /// Facts of every provision of `doc`, in `doc.flat()` order, plus the document's key, issuer,
    /// date D and graph edges.
    pub fn extract(&self, doc: &Document) -> DocFacts {
        let issuer = self.doc_issuer(doc);
        let mut items: Vec<(&Provision, Vec<&Provision>)> = Vec::new();
        doc.walk(&mut |p, anc| items.push((p, anc.to_vec())));
        let mut implied: HashMap<String, Implied> = HashMap::new();
        let ix = citations::PartIndex::new(doc);
        let mut provisions = Vec::with_capacity(items.len());
        let mut newest: Option<rasoat_model::Date> = None;
        for (p, anc) in &items {
            // Implied subject: own heading, else (for a heading-like text with children) own text,
            // else the nearest ancestor's.
            let own = p
                .heading
                .as_deref()
                .and_then(|h| self.implied_from(h))
                .or_else(|| {
                    if !p.children.is_empty() && p.text.len() < 160 {
                        self.implied_from(&p.text)
                    } else {
                        None
                    }
                });
            let inherited = anc.iter().rev().find_map(|a| implied.get(&a.id)).cloned();
            let imp = own.clone().or(inherited);
            if let Some(i) = &own {
                implied.insert(p.id.clone(), i.clone());
            }
            let pf =
                self.provision_facts(&ix, p, anc, imp.as_ref(), issuer.as_deref(), &mut newest);
            provisions.push(pf);
        }
        let (date, from_header) = match doc.meta.date {
            Some(d) => (Some(d), true),
            None => (newest, false),
        };
        let key = doc
            .meta
            .number
            .as_deref()
            .or(doc.meta.law_id.as_deref())
            .map(normalize_number)
            .filter(|k| k.chars().any(|c| c.is_ascii_digit()));
        let province = doc
            .meta
            .issuer
            .as_deref()
            .and_then(|i| self.gaz.province_in(i));
        let mut edges = Vec::new();
        for pf in &provisions {
            for c in &pf.citations {
                if c.context == Context::CitedTitle {
                    continue;
                }
                let Some(kind) = c.role.edge_kind() else {
                    continue;
                };
                let target = c.registry_key.clone().unwrap_or_else(|| c.key.clone());
                if !graph::acts_on(province.as_deref(), &target, kind) {
                    continue;
                }
                let target =
                    graph::scoped_key(&target, c.province.as_deref().or(province.as_deref()));
                if key.as_deref() == Some(target.as_str()) {
                    continue;
                }
                let label = match (&c.law_name, &c.type_word, &c.number) {
                    (Some(l), _, _) => l.clone(),
                    (_, Some(t), Some(n)) => format!("{t} {n}"),
                    (_, _, Some(n)) => n.clone(),
                    _ => c.key.clone(),
                };
                // One edge per (kind, target): later short citations repeat the first.
                if !edges
                    .iter()
                    .any(|e: &DocEdge| e.kind == kind && e.target == target)
                {
                    edges.push(DocEdge {
                        kind,
                        target,
                        target_label: label,
                        provision: pf.provision.clone(),
                        range: c.range,
                    });
                }
            }
        }
        let name = key.as_deref().and_then(|k| self.reg.get(k)).and_then(|e| {
            e.name
                .clone()
                .or_else(|| e.title.as_ref().map(|t| format!("{} {t}", e.doc_type)))
        });
        DocFacts {
            key,
            province,
            name,
            issuer,
            date,
            date_from_header: from_header,
            provisions,
            edges,
        }
    }

    fn provision_facts(
        &self,
        ix: &citations::PartIndex,
        p: &Provision,
        anc: &[&Provision],
        imp: Option<&Implied>,
        issuer: Option<&str>,
        newest: &mut Option<rasoat_model::Date>,
    ) -> ProvisionFacts {
        let text = p.text.as_str();
        let n = NormText::new(text);
        let s = n.s.as_str();
        let mut agencies = self.gaz.find_in(&n, text);
        let mut places = self.gaz.places_in(&n, text);
        let mut citations = citations::find_citations(text, &n, &agencies, &self.reg);
        for c in citations.iter_mut() {
            c.province = c.issuer.as_deref().and_then(|i| self.gaz.province_in(i));
        }
        // Non-operative ranges (normalised): Căn cứ lines, citations (issuer) and cited titles, Nơi nhận.
        let mut non_op: Vec<(usize, usize, Context)> = Vec::new();
        for c in &citations {
            if let Some(t) = c.title_range {
                non_op.push((
                    n.from_orig(t.start),
                    n.from_orig(t.end),
                    Context::CitedTitle,
                ));
            }
            non_op.push((
                n.from_orig(c.range.start),
                n.from_orig(c.range.end),
                Context::CitedTitle,
            ));
        }
        for (a, b) in citations::cancu_ranges(s) {
            non_op.push((a, b, Context::CanCu));
        }
        if let Some(pos) = s.find("noi nhan:") {
            non_op.push((pos, s.len(), Context::NoiNhan));
        }
        let ctx_at = |a: usize, b: usize| -> Option<Context> {
            // Most specific first: cited title, then căn cứ, then nơi nhận.
            [Context::CitedTitle, Context::CanCu, Context::NoiNhan]
                .into_iter()
                .find(|want| {
                    non_op
                        .iter()
                        .any(|&(x, y, c)| c == *want && x <= a && b <= y.max(x))
                })
        };
        for m in agencies.iter_mut() {
            if let Some(c) = ctx_at(n.from_orig(m.range.start), n.from_orig(m.range.end)) {
                m.context = c;
            }
        }
        for pl in places.iter_mut() {
            if let Some(c) = ctx_at(n.from_orig(pl.range.start), n.from_orig(pl.range.end)) {
                pl.context = c;
            }
        }
        // "UBND huyện Krông Pắc (cũ)": the place's "(cũ)" marks the body too.
        for m in agencies.iter_mut() {
            if m.context == Context::Operative
                && places.iter().any(|pl| {
                    pl.context == Context::Historic
                        && pl.range.start < m.range.end
                        && m.range.start < pl.range.end
                })
            {
                m.context = Context::Historic;
            }
        }
        let dates = find_dates(s);
        for d in &dates {
            if newest.is_none_or(|x| d.date > x) {
                *newest = Some(d.date);
            }
        }
        let date_spans: Vec<(usize, usize)> = dates.iter().map(|d| (d.start, d.end)).collect();
        let deadlines = deadlines::find_deadlines(text, &n, &date_spans);
        let part_refs = citations::find_part_refs(text, &n, ix, anc, p, &citations);
        let mentions: Vec<NMention> = agencies
            .iter()
            .map(|m| NMention {
                a: n.from_orig(m.range.start),
                b: n.from_orig(m.range.end),
                m,
            })
            .collect();
        let out = roles::analyze_clause(&ClauseInput {
            text,
            n: &n,
            mentions,
            non_op: &non_op,
            implied: imp,
            deadlines: &deadlines,
            doc_issuer: issuer,
        });
        let mut non_operative: Vec<(TextRange, Context)> =
            non_op.iter().map(|&(a, b, c)| (n.range(a, b), c)).collect();
        non_operative.sort_by_key(|x| (x.0.start, x.0.end));
        non_operative.dedup();
        let _ = ProvisionKind::Preamble;
        ProvisionFacts {
            provision: p.id.clone(),
            citations,
            part_refs,
            agencies,
            assignments: out.assignments,
            delegations: out.delegations,
            deadlines: deadlines.into_iter().map(|d| d.2).collect(),
            reports: out.reports,
            non_operative,
            places,
            implied_subjects: imp
                .map(|i| i.mentions.iter().map(|m| m.id.clone()).collect())
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod lib_tests {
    use super::*;

    fn is_send_sync<T: Send + Sync>() {}

    #[test]
    fn bundled_loads_and_is_send_sync() {
        is_send_sync::<Extractor>();
        let x = Extractor::bundled().expect("bundled data");
        assert!(x.gazetteer().agency("so-tu-phap").is_some());
        assert!(
            x.registry()
                .get(&normalize_number("72/2025/QH15"))
                .is_some()
        );
    }
}
