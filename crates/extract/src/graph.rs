//! The document graph: thay thế / bãi bỏ / sửa đổi / căn cứ / thực hiện edges between the
//! corpus documents and the registry, and each document's effect status on a date.

use crate::facts::{CitationRole, DocFacts, EdgeKind, EffectStatus};
use crate::norm::normalize_number;
use crate::registry::Registry;
use rasoat_model::{Date, Document};
use std::collections::{BTreeMap, HashMap};

/// A document known to the graph (from the corpus, the registry, or only cited).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Node {
    pub key: String,
    /// "Kế hoạch 89/KH-UBND", "Luật 72/2025/QH15".
    pub label: String,
    /// Date of issue.
    pub date: Option<Date>,
    /// Date it took effect, when known.
    pub effective: Option<Date>,
    /// Replacing documents with the date the replacement took effect.
    pub replaced: Vec<(String, Option<Date>)>,
    pub repealed: Option<(String, Option<Date>)>,
    pub expired: Option<Date>,
    pub amended_by: Vec<String>,
    /// The document is part of the corpus (not only cited / registered).
    pub in_corpus: bool,
    pub in_registry: bool,
}

/// One edge: `from` —kind→ `to`.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphEdge {
    pub from: String,
    pub kind: EdgeKind,
    pub to: String,
    /// Date the edge takes effect (the citing document's date for corpus edges).
    pub on: Option<Date>,
    /// Where it was read: "path#provision" for corpus edges, "registry" for bundled data.
    pub source: String,
}

#[derive(Debug, Clone, Default)]
pub struct Graph {
    nodes: BTreeMap<String, Node>,
    edges: Vec<GraphEdge>,
    /// Law-name keys ("luat:to chuc chinh quyen dia phuong") with a date → number key.
    law_names: HashMap<(String, Option<Date>), String>,
}

/// Graph id of a corpus document: its number key, else `doc:<path>`.
pub fn doc_id(doc: &Document, facts: &DocFacts) -> String {
    facts
        .key
        .clone()
        .unwrap_or_else(|| format!("doc:{}", doc.source.path))
}

/// A local document's symbol (`…/QĐ-UBND`, `…/NQ-HĐND`, `…/QĐ-CTUBND`): the same number is
/// another document in another province.
pub fn is_local_key(key: &str) -> bool {
    let k = rasoat_text::fold(key);
    k.contains("ubnd") || k.contains("hdnd")
}

/// Identity of a cited document: a local document's key is prefixed with its province
/// (`Vĩnh Long|10/2022/nq-hdnd`), a national one's is its key.
pub fn scoped_key(key: &str, province: Option<&str>) -> String {
    match province {
        Some(p) if is_local_key(key) && !key.contains('|') => format!("{p}|{key}"),
        _ => key.to_string(),
    }
}

/// May a document of `province` (None: national or unknown) replace, repeal or amend `target`?
/// A provincial text acts only on provincial texts: "bãi bỏ … Luật Thủ đô số 39/2024/QH15"
/// inside the title of a repealed resolution does not repeal the law.
pub fn acts_on(province: Option<&str>, target: &str, kind: EdgeKind) -> bool {
    let acts = matches!(kind, EdgeKind::ThayThe | EdgeKind::BaiBo | EdgeKind::SuaDoi);
    !(acts && province.is_some() && !is_local_key(target) && !target.starts_with("doc:"))
}

/// A corpus document's node key in the graph: its id, scoped by province when local.
pub fn doc_key(doc: &Document, facts: &DocFacts) -> String {
    scoped_key(&doc_id(doc, facts), facts.province.as_deref())
}

fn norm_key(key: &str) -> String {
    if let Some((p, k)) = key.split_once('|') {
        return format!("{p}|{}", norm_key(k));
    }
    if key.starts_with("luat:") || key.starts_with("doc:") {
        key.to_string()
    } else {
        normalize_number(key)
    }
}

impl Graph {
    pub fn build(docs: &[(&Document, &DocFacts)], registry: &Registry) -> Graph {
        let mut g = Graph::default();
        for e in registry.entries() {
            let n = g.node_mut(&e.key);
            n.label = e.label();
            n.date = e.date;
            n.effective = e.effective.or(e.date);
            n.in_registry = true;
            n.expired = e.expired_on;
            for r in &e.replaced_by {
                n.replaced.push((r.clone(), e.replaced_on));
            }
            if let Some(r) = &e.repealed_by {
                n.repealed = Some((r.clone(), e.repealed_on));
            }
            n.amended_by.extend(e.amended_by.iter().cloned());
            let (key, on) = (e.key.clone(), e.replaced_on);
            for r in &e.replaced_by {
                g.edges.push(GraphEdge {
                    from: r.clone(),
                    kind: EdgeKind::ThayThe,
                    to: key.clone(),
                    on,
                    source: "registry".into(),
                });
                g.node_mut(r);
            }
            for a in &e.amended_by {
                g.edges.push(GraphEdge {
                    from: a.clone(),
                    kind: EdgeKind::SuaDoi,
                    to: key.clone(),
                    on: None,
                    source: "registry".into(),
                });
                g.node_mut(a);
            }
        }
        // Corpus documents first, so cited-only information never overrides them.
        for (doc, f) in docs {
            let id = doc_key(doc, f);
            let n = g.node_mut(&id);
            n.in_corpus = true;
            if n.label.is_empty() {
                n.label = match (&doc.meta.type_name, &doc.meta.number) {
                    (Some(t), Some(num)) => format!("{t} {num}"),
                    _ => doc.display_name(),
                };
            }
            if n.date.is_none() {
                n.date = f.date;
            }
        }
        for (doc, f) in docs {
            let id = doc_key(doc, f);
            let on = f.date;
            for pf in &f.provisions {
                for c in &pf.citations {
                    let target = c.registry_key.clone().unwrap_or_else(|| c.key.clone());
                    let target =
                        scoped_key(&target, c.province.as_deref().or(f.province.as_deref()));
                    if let (Some(name_key), Some(rk)) = (
                        c.law_name.as_ref().map(|_| c.key.clone()),
                        c.registry_key.clone(),
                    ) {
                        g.law_names.insert((name_key, c.date), rk);
                    }
                    let n = g.node_mut(&target);
                    if n.label.is_empty() {
                        n.label = match (&c.type_word, &c.number, &c.law_name) {
                            (_, _, Some(l)) => l.clone(),
                            (Some(t), Some(num), _) => format!("{t} {num}"),
                            (_, Some(num), _) => num.clone(),
                            _ => c.key.clone(),
                        };
                    }
                    if n.date.is_none() && c.number.is_some() {
                        n.date = c.date;
                    }
                    if c.context == crate::facts::Context::CitedTitle {
                        continue;
                    }
                    if c.role == CitationRole::DeclaresExpired {
                        let n = g.node_mut(&target);
                        if n.expired.is_none() {
                            n.expired = on;
                        }
                        continue;
                    }
                    let Some(kind) = c.role.edge_kind() else {
                        continue;
                    };
                    if !acts_on(f.province.as_deref(), &target, kind) {
                        continue;
                    }
                    if target == id {
                        continue;
                    }
                    match kind {
                        EdgeKind::ThayThe => {
                            let n = g.node_mut(&target);
                            if !n.replaced.iter().any(|(b, _)| *b == id) {
                                n.replaced.push((id.clone(), on));
                            }
                        }
                        EdgeKind::BaiBo => g.node_mut(&target).repealed = Some((id.clone(), on)),
                        EdgeKind::SuaDoi => g.node_mut(&target).amended_by.push(id.clone()),
                        _ => {}
                    }
                    g.edges.push(GraphEdge {
                        from: id.clone(),
                        kind,
                        to: target,
                        on,
                        source: format!("{}#{}", doc.source.path, pf.provision),
                    });
                }
            }
        }
        // A replacement without its own date takes effect when the replacing document does.
        let starts: HashMap<String, Option<Date>> = g
            .nodes
            .iter()
            .map(|(k, n)| (k.clone(), n.effective.or(n.date)))
            .collect();
        for n in g.nodes.values_mut() {
            for (by, on) in n.replaced.iter_mut() {
                if on.is_none() {
                    *on = starts.get(by.as_str()).copied().flatten();
                }
            }
        }
        g
    }

    fn node_mut(&mut self, key: &str) -> &mut Node {
        self.nodes.entry(key.to_string()).or_insert_with(|| Node {
            key: key.to_string(),
            ..Default::default()
        })
    }

    /// A node by key (number-symbol in any spelling, `luat:…`, or `doc:<path>`).
    pub fn node(&self, key: &str) -> Option<&Node> {
        self.nodes.get(&norm_key(key))
    }

    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.nodes.values()
    }

    pub fn edges(&self) -> &[GraphEdge] {
        &self.edges
    }

    pub fn edges_from<'a>(&'a self, key: &str) -> impl Iterator<Item = &'a GraphEdge> + 'a {
        let k = norm_key(key);
        self.edges.iter().filter(move |e| e.from == k)
    }

    pub fn edges_to<'a>(&'a self, key: &str) -> impl Iterator<Item = &'a GraphEdge> + 'a {
        let k = norm_key(key);
        self.edges.iter().filter(move |e| e.to == k)
    }

    /// The first replacing document and the date it took effect.
    pub fn replaced_by(&self, key: &str) -> Option<(String, Option<Date>)> {
        self.node(key)?.replaced.first().cloned()
    }

    /// Every replacing document (NĐ 34/2016 → NĐ 78/2025 and NĐ 79/2025).
    pub fn replacements(&self, key: &str) -> Vec<(String, Option<Date>)> {
        self.node(key)
            .map(|n| n.replaced.clone())
            .unwrap_or_default()
    }

    /// Follow replacements to the documents in force at the end of the chain
    /// (77/2015/QH13 → 65/2025/QH15 → 72/2025/QH15 gives 72/2025/QH15).
    pub fn current(&self, key: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![norm_key(key)];
        let mut seen = std::collections::HashSet::new();
        while let Some(k) = stack.pop() {
            if !seen.insert(k.clone()) {
                continue;
            }
            match self.nodes.get(&k) {
                Some(n) if !n.replaced.is_empty() => {
                    stack.extend(n.replaced.iter().rev().map(|x| x.0.clone()))
                }
                _ if k != norm_key(key) => out.push(k),
                _ => {}
            }
        }
        out
    }

    /// A law cited by name and date resolved to its number key, when the corpus saw it.
    pub fn resolve_law(&self, name_key: &str, date: Option<Date>) -> Option<&str> {
        self.law_names
            .get(&(name_key.to_string(), date))
            .map(String::as_str)
    }

    /// Effect status of a document on `on`.
    pub fn status(&self, key: &str, on: Date) -> EffectStatus {
        let Some(n) = self.node(key) else {
            return EffectStatus::Unknown;
        };
        if let Some((by, d)) = &n.repealed
            && d.is_none_or(|d| d <= on)
        {
            return EffectStatus::Repealed {
                by: by.clone(),
                on: *d,
            };
        }
        let mut reps: Vec<&(String, Option<Date>)> = n
            .replaced
            .iter()
            .filter(|(_, d)| d.is_none_or(|d| d <= on))
            .collect();
        reps.sort_by_key(|x| x.1);
        if let Some((by, d)) = reps.first() {
            return EffectStatus::Replaced {
                by: by.clone(),
                on: *d,
            };
        }
        if let Some(e) = n.expired
            && e <= on
        {
            return EffectStatus::Expired { on: e };
        }
        match n.effective.or(n.date) {
            Some(from) if from > on => EffectStatus::Pending { from },
            Some(_) => EffectStatus::InForce,
            None if n.in_corpus || n.in_registry => EffectStatus::InForce,
            None => EffectStatus::Unknown,
        }
    }
}
