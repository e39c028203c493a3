//! Per-document context (date D, in force on R, local/national, operative ranges), the
//! review driver (rayon over documents, deterministic merge) and finding construction.
use crate::{Analyzed, Compiled, Engine, Matcher, ReviewOptions};
use rasoat_extract::{Context, DocFacts, ProvisionFacts};
use rasoat_model::{
    Date, Document, Finding, Location, Provision, ProvisionKind, Severity, fingerprint,
};
use rayon::prelude::*;
use regex::Regex;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, LazyLock, Mutex};

/// Extract facts for every document (rayon-parallel; order kept).
pub fn analyze(ex: Option<&rasoat_extract::Extractor>, docs: Vec<Document>) -> Vec<Analyzed> {
    docs.into_par_iter()
        .map(|doc| {
            let facts = ex.map(|e| e.extract(&doc)).unwrap_or_default();
            Analyzed { doc, facts }
        })
        .collect()
}

/// One hit of a rule before it becomes a [`Finding`].
#[derive(Debug, Clone, Default)]
pub struct Hit {
    pub range: (usize, usize),
    pub severity: Option<Severity>,
    pub message: Option<String>,
    pub lookup: Option<String>,
    pub evidence: Vec<(String, String)>,
    /// Overrides set by analyses (e.g. R08 "không còn phù hợp" for older documents).
    pub category: Option<String>,
    pub handling: Option<String>,
    /// Appended to the message.
    pub suffix: Option<String>,
}

/// A clause (one provision's own text) with its folded copy and non-operative ranges.
pub struct Clause<'a> {
    pub p: &'a Provision,
    /// The text rules look at: the provision's own text, or its heading (`heading` = true) —
    /// "Điều 1. Phân cấp cho UBND cấp xã …" puts the whole rule in the heading.
    pub text: &'a str,
    pub heading: bool,
    pub facts: Option<&'a ProvisionFacts>,
    pub folded: String,
    pub fmap: Vec<u32>,
    /// Non-operative ranges (căn cứ lines, cited titles, Nơi nhận, historic) in text bytes.
    pub nonop: Vec<(usize, usize, Context)>,
    /// Folded headings of this provision and its ancestors (for `skip_headings`).
    pub headings: String,
    /// Folded heading of the parent provision (a heading-implied subject such as "1. Sở Tư pháp").
    pub parent_heading: Option<String>,
    /// Folded title of the document.
    pub doc_title: Option<String>,
    /// The parent or a sibling names a lead ("- Đơn vị chủ trì: Sở …" beside "- Đơn vị phối hợp: …").
    pub sibling_lead: bool,
    /// Folded text of the parent when it introduces its children ("Sở Y tế, UBND cấp xã … có
    /// trách nhiệm:", "3. Các sở, ban, ngành có liên quan:"): the subject of the items below.
    pub parent_intro: Option<String>,
}

impl Clause<'_> {
    /// Non-operative context at a text offset, if any.
    pub fn context_at(&self, off: usize) -> Option<Context> {
        self.nonop
            .iter()
            .find(|(s, e, _)| off >= *s && off < *e)
            .map(|x| x.2)
    }
    /// Folded offset of an original-text offset.
    pub fn to_folded(&self, off: usize) -> usize {
        match self.fmap.binary_search(&(off as u32)) {
            Ok(mut i) => {
                while i > 0 && self.fmap[i - 1] == off as u32 {
                    i -= 1;
                }
                i
            }
            Err(i) => i.min(self.folded.len()),
        }
    }
}

/// A provision's own text when it only introduces its items: short, ending with a colon.
fn intro_of(text: &str) -> Option<String> {
    let t = text.trim_end();
    (t.ends_with(':') && t.len() < 400).then(|| rasoat_text::fold(t))
}

pub struct DocCtx<'a> {
    pub a: &'a Analyzed,
    pub idx: usize,
    pub name: String,
    /// Document date D (header, else newest in body, else unknown).
    pub date: Option<Date>,
    pub national: bool,
    pub local: bool,
    pub normative: bool,
    pub ubnd: bool,
    pub in_force: bool,
    /// What replaced / repealed it on R (then `in_force` is false).
    #[allow(dead_code)]
    pub replaced_by: Option<String>,
    pub key: Option<String>,
    /// Findings located here are reported (all docs in review; drafts in check).
    pub target: bool,
    /// Other sources of the same document (duplicates merged).
    pub also: Vec<String>,
    pub clauses: Vec<Clause<'a>>,
}

/// Normalised number-symbol key: upper case, Đ→D, no spaces, one dash kind, no leading zeros.
pub fn norm_key(s: &str) -> String {
    let mut t: String = rasoat_text::fold(s)
        .to_uppercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    t = t.replace(['–', '—'], "-");
    let t = t.trim_start_matches('0');
    if t.is_empty() {
        "0".into()
    } else {
        t.to_string()
    }
}

static RE_CANCU_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^[ \t]*Căn cứ[^\n]*").unwrap());
static RE_CANCU_CITE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        &crate::lexicon::expand(
            r"Căn cứ\s+(?:{{KIND}})\s+(?:số\s*:?\s*)?(?:{{NUM}})[^;\n]*",
            &crate::lexicon::builtin(),
            false,
        )
        .unwrap(),
    )
    .unwrap()
});
static RE_CANCU_LAW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"Căn cứ\s+(?:Hiến pháp|Bộ luật|Luật|Pháp lệnh)\s+\p{Lu}[^;\n]*").unwrap()
});
/// A cited title: after a number-symbol (date, issuer) and a title verb, up to `;`, `(`, `)` or `.`.
static RE_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&crate::lexicon::expand(
        r"(?:{{KIND}})\s+(?:số\s*:?\s*)?(?:{{NUM}})(?:\s+ngày\s+(?:{{DATE}}))?(?:\s+của\s+[^,;()]{2,80}?)?\s+(?P<t>(?:về việc|về|ban hành|quy định|hướng dẫn|thông qua)\s[^;().]*)",
        &crate::lexicon::builtin(),
        false,
    ).unwrap()).unwrap()
});
static RE_HISTORIC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(cũ\)|trước đây|trước sắp xếp|đã kết thúc hoạt động").unwrap());

fn own_nonop(p: &Provision) -> Vec<(usize, usize, Context)> {
    let t = &p.text;
    let mut v = Vec::new();
    if p.kind == ProvisionKind::Preamble {
        for m in RE_CANCU_LINE.find_iter(t) {
            v.push((m.start(), m.end(), Context::CanCu));
        }
    }
    for re in [&*RE_CANCU_CITE, &*RE_CANCU_LAW] {
        for m in re.find_iter(t) {
            v.push((m.start(), m.end(), Context::CanCu));
        }
    }
    for c in RE_TITLE.captures_iter(t) {
        if let Some(m) = c.name("t") {
            v.push((m.start(), m.end(), Context::CitedTitle));
        }
    }
    let _ = &*RE_HISTORIC;
    v
}

fn headings_of(p: &Provision, path: &[&Provision]) -> String {
    let mut s = String::new();
    for a in path.iter().copied().chain(std::iter::once(p)) {
        if let Some(h) = &a.heading {
            s.push_str(&rasoat_text::fold(h));
            s.push('\n');
        }
    }
    s
}

/// Does a number-symbol carry a year (VBQPPL form)?
pub fn has_year(num: &str) -> bool {
    static RE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\s*\d{1,5}/(?:19|20)\d{2}/").unwrap());
    RE.is_match(num)
}

/// National document: data-set law, or a symbol/issuer of a central body.
fn is_national(a: &Analyzed) -> bool {
    let m = &a.doc.meta;
    if m.dataset.is_some() || m.law_id.is_some() {
        return true;
    }
    if let Some(n) = &m.number {
        let u = n.to_uppercase();
        if u.contains("QH")
            || u.ends_with("-CP")
            || u.ends_with("-TTG")
            || u.contains("/TT-B")
            || u.contains("/VBHN-")
            || u.contains("/ND-CP")
            || u.contains("/NĐ-CP")
        {
            return true;
        }
    }
    if let Some(i) = &m.issuer {
        let f = rasoat_text::fold(i);
        if f.starts_with("quoc hoi")
            || f.starts_with("chinh phu")
            || f.starts_with("thu tuong")
            || f.starts_with("bo ")
            || f.starts_with("uy ban thuong vu quoc hoi")
        {
            return true;
        }
    }
    matches!(
        m.doc_type.as_deref(),
        Some("LUAT")
            | Some("BLUAT")
            | Some("HP")
            | Some("NĐ")
            | Some("ND")
            | Some("TT")
            | Some("PL")
    )
}

fn is_ubnd(a: &Analyzed) -> bool {
    let m = &a.doc.meta;
    if let Some(n) = &m.number {
        if rasoat_text::fold(n).contains("-ubnd") {
            return true;
        }
    }
    if let Some(i) = &m.issuer {
        let f = rasoat_text::fold(i);
        if f.contains("uy ban nhan dan") || f.contains("ubnd") {
            return true;
        }
    }
    // Unknown issuer (header lost, like the seed): a plan that says "UBND tỉnh ban hành".
    m.issuer.is_none() && m.number.is_none() && m.dataset.is_none()
}

/// Build contexts, merging the same document present twice (same number-symbol and date,
/// or the same bytes from two sources) into one document with several sources.
pub fn build<'a>(
    docs: &[(&'a Analyzed, bool)],
    opts: &ReviewOptions,
    engine: &Engine,
    graph: Option<&rasoat_extract::Graph>,
) -> Vec<DocCtx<'a>> {
    // Deterministic canonical order: by source path, drafts after corpus.
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by(|&a, &b| {
        (docs[a].1, &docs[a].0.doc.source.path).cmp(&(docs[b].1, &docs[b].0.doc.source.path))
    });
    // Text digest over all provision texts: the same law from two data sets (other file bytes,
    // other law ids) is the same document.
    let text_digest: Vec<String> = docs
        .par_iter()
        .map(|(a, _)| {
            let mut parts: Vec<&str> = Vec::new();
            a.doc.walk(&mut |p, _| parts.push(p.text.as_str()));
            if parts.iter().map(|t| t.len()).sum::<usize>() < 200 {
                // Too little text to call two documents the same.
                return String::new();
            }
            fingerprint(&parts)
        })
        .collect();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut canon: Vec<(usize, Vec<String>)> = Vec::new();
    for &i in &order {
        let (a, draft) = docs[i];
        let mut ids = Vec::new();
        if !a.doc.source.digest.is_empty() && !a.doc.source.path.contains('#') {
            ids.push(format!("digest:{}", a.doc.source.digest));
        }
        if !text_digest[i].is_empty() {
            ids.push(format!("text:{}|{}", text_digest[i], draft));
        }
        let num = a
            .doc
            .meta
            .number
            .clone()
            .or_else(|| a.doc.meta.law_id.clone());
        if let Some(n) = num {
            let date = a.doc.meta.date.map(|d| d.to_string()).unwrap_or_default();
            ids.push(format!("num:{}|{}|{}", norm_key(&n), date, draft));
        }
        match ids.iter().find_map(|k| by_id.get(k).copied()) {
            Some(c) => canon[c].1.push(a.doc.source.path.clone()),
            None => {
                let c = canon.len();
                for k in ids {
                    by_id.insert(k, c);
                }
                canon.push((i, vec![]));
            }
        }
    }
    // Which documents are replaced/repealed inside the corpus (edges of other documents).
    let mut replaced: HashMap<String, (String, Option<Date>)> = HashMap::new();
    for &(i, _) in &canon {
        let a = docs[i].0;
        let d = a.facts.date.or(a.doc.meta.date);
        for e in &a.facts.edges {
            if matches!(
                e.kind,
                rasoat_extract::EdgeKind::ThayThe | rasoat_extract::EdgeKind::BaiBo
            ) {
                if d.is_none_or(|d| d <= opts.as_of) {
                    replaced
                        .entry(norm_key(&e.target))
                        .or_insert((a.doc.display_name(), d));
                }
            }
        }
    }
    canon
        .into_par_iter()
        .enumerate()
        .map(|(idx, (i, also))| {
            let (a, draft) = docs[i];
            let meta = &a.doc.meta;
            let key = a
                .facts
                .key
                .clone()
                .or_else(|| meta.number.as_deref().map(norm_key))
                .map(|k| norm_key(&k));
            let mut date = a.facts.date.or(meta.date);
            if draft {
                // Drafts are judged as if issued on the review date.
                date = Some(opts.as_of);
            }
            let national = is_national(a);
            // National data-set laws carry no header date, and the newest date in their body is
            // often a later amendment or effective date: the year of the number is the safer D.
            if national && meta.date.is_none() && !draft {
                static RE_Y: LazyLock<Regex> =
                    LazyLock::new(|| Regex::new(r"^\s*\d{1,5}/((?:19|20)\d{2})/").unwrap());
                let num = meta
                    .number
                    .as_deref()
                    .or(meta.law_id.as_deref())
                    .unwrap_or("");
                if let Some(y) = RE_Y.captures(num).and_then(|c| c[1].parse::<i16>().ok()) {
                    date = Date::new(y, 1, 1).ok().or(date);
                }
            }
            let normative = meta.normative || meta.number.as_deref().is_some_and(has_year);
            let mut replaced_by = key
                .as_ref()
                .and_then(|k| replaced.get(k))
                .map(|x| x.0.clone());
            if replaced_by.is_none() {
                if let Some(k) = &key {
                    if let Some(r) = engine.registry.replaced_on(k, opts.as_of) {
                        replaced_by = Some(r);
                    }
                }
            }
            // The extraction graph (bundled registry + corpus edges) knows more replacements.
            if replaced_by.is_none() && !draft {
                if let Some(g) = graph {
                    use rasoat_extract::EffectStatus as E;
                    match g.status(
                        &rasoat_extract::graph::doc_key(&a.doc, &a.facts),
                        opts.as_of,
                    ) {
                        E::Replaced { by, .. } | E::Repealed { by, .. } => replaced_by = Some(by),
                        E::Expired { on } => replaced_by = Some(format!("hết hiệu lực từ {on}")),
                        _ => {}
                    }
                }
            }
            let in_force = draft || replaced_by.is_none();
            let mut clauses = Vec::new();
            let mut pfacts: HashMap<&str, &ProvisionFacts> = HashMap::new();
            for pf in &a.facts.provisions {
                pfacts.insert(pf.provision.as_str(), pf);
            }
            let doc_title = a.doc.meta.title.as_deref().map(rasoat_text::fold);
            a.doc.walk(&mut |p, path| {
                // The heading as a clause of its own (no extraction facts; located via the label line).
                if let Some(h) = p.heading.as_deref().filter(|h| !h.trim().is_empty()) {
                    let (folded, fmap) = rasoat_text::fold_with_map(h);
                    let mut nonop = Vec::new();
                    for m in RE_TITLE.captures_iter(h) {
                        if let Some(t) = m.name("t") {
                            nonop.push((t.start(), t.end(), Context::CitedTitle));
                        }
                    }
                    let parent_heading = path
                        .last()
                        .and_then(|q| q.heading.as_deref())
                        .map(rasoat_text::fold);
                    clauses.push(Clause {
                        p,
                        text: h,
                        heading: true,
                        facts: None,
                        folded,
                        fmap,
                        nonop,
                        headings: headings_of(p, path),
                        parent_heading,
                        doc_title: doc_title.clone(),
                        sibling_lead: false,
                        parent_intro: None,
                    });
                }
                let (folded, fmap) = rasoat_text::fold_with_map(&p.text);
                let facts = pfacts.get(p.id.as_str()).copied();
                let mut nonop = own_nonop(p);
                if let Some(f) = facts {
                    for (r, c) in &f.non_operative {
                        if !matches!(c, Context::Operative | Context::Historic) {
                            nonop.push((r.start, r.end, *c));
                        }
                    }
                }
                let parent_heading = path
                    .last()
                    .and_then(|q| q.heading.as_deref())
                    .map(rasoat_text::fold);
                clauses.push(Clause {
                    p,
                    text: &p.text,
                    heading: false,
                    facts,
                    folded,
                    fmap,
                    nonop,
                    headings: headings_of(p, path),
                    parent_heading,
                    doc_title: doc_title.clone(),
                    sibling_lead: path.last().is_some_and(|q| {
                        let lead = |t: &str| rasoat_text::fold(t).contains("chu tri");
                        lead(&q.text) || q.children.iter().any(|c| c.id != p.id && lead(&c.text))
                    }),
                    parent_intro: path.last().and_then(|q| intro_of(&q.text)),
                });
            });
            DocCtx {
                a,
                idx,
                name: a.doc.display_name(),
                date,
                national,
                local: !national,
                normative,
                ubnd: is_ubnd(a),
                in_force,
                replaced_by,
                key,
                target: draft || !docs.iter().any(|d| d.1),
                also,
                clauses,
            }
        })
        .collect()
}

/// A finding before locations are resolved.
pub struct Raw {
    pub rule: usize,
    pub doc: usize,
    pub clause: usize,
    pub hit: Hit,
    pub related: Vec<(usize, usize, (usize, usize))>,
}

/// Judge severity/category/handling/message suffix for a rule on a document (review date R,
/// pre-reform handling, unknown-date downgrade). None = the document is not judged.
pub fn judge(
    rule: &Compiled,
    d: &DocCtx,
    as_of: Date,
    base: Severity,
) -> Option<(Severity, String, String, String)> {
    let s = &rule.spec;
    if !d.in_force {
        return None;
    }
    if s.local_only && !d.local {
        return None;
    }
    let mut sev = base;
    let mut cat = s.category.clone();
    let mut handling = s.handling.clone();
    let mut suffix = String::new();
    if let Some(r) = &s.reform {
        if as_of < r.change_date {
            // Before the change the units still existed: nothing to judge.
            return None;
        }
        match d.date {
            Some(dd) if dd < r.change_date => {
                if d.national && r.skip_pre_reform_national {
                    return None;
                }
                sev = sev.min(r.pre_severity);
                cat = r.pre_category.clone();
                handling = r.pre_handling.clone();
                suffix = r.pre_suffix.clone();
            }
            Some(_) => {}
            None => {
                if d.national && r.skip_pre_reform_national {
                    return None;
                }
                sev = sev.downgrade();
                suffix = " (Chưa xác định được ngày ban hành: mức độ giảm một bậc.)".into();
            }
        }
    } else if s.date_dependent && d.date.is_none() {
        sev = sev.downgrade();
        suffix = " (Chưa xác định được ngày ban hành: mức độ giảm một bậc.)".into();
    }
    Some((sev, cat, handling, suffix))
}

/// Run every rule over the documents and build findings for target documents.
pub fn run(
    engine: &Engine,
    docs: &[(&Analyzed, bool)],
    opts: &ReviewOptions,
    _is_target: impl Fn(bool) -> bool,
) -> Vec<Finding> {
    let graph = engine.extractor.as_ref().map(|ex| {
        let pairs: Vec<(&Document, &DocFacts)> =
            docs.iter().map(|(a, _)| (&a.doc, &a.facts)).collect();
        ex.graph(&pairs)
    });
    let timing = std::env::var_os("RASOAT_TIMING").is_some();
    let t0 = std::time::Instant::now();
    let ctxs = build(docs, opts, engine, graph.as_ref());
    if timing {
        eprintln!(
            "timing:   graph + contexts {:.2}s",
            t0.elapsed().as_secs_f64()
        );
    }
    let t0 = std::time::Instant::now();
    // Clause rules: rayon over documents.
    let mut raws: Vec<Raw> = ctxs
        .par_iter()
        .flat_map_iter(|d| {
            let mut out = Vec::new();
            if !d.target {
                return out;
            }
            for (ri, r) in engine.rules.iter().enumerate() {
                if let Matcher::Clause(cx) = &r.matcher {
                    if !cx.applies(d) {
                        continue;
                    }
                    for (ci, c) in d.clauses.iter().enumerate() {
                        for hit in cx.run(&r.spec, c) {
                            out.push(Raw {
                                rule: ri,
                                doc: d.idx,
                                clause: ci,
                                hit,
                                related: vec![],
                            });
                        }
                    }
                }
            }
            out
        })
        .collect();
    if timing {
        eprintln!("timing:   clause rules {:.2}s", t0.elapsed().as_secs_f64());
    }
    // Analyses: each groups by its own keys internally.
    let analysis_raws: Vec<Raw> = engine
        .rules
        .par_iter()
        .enumerate()
        .flat_map_iter(|(ri, r)| match &r.matcher {
            Matcher::Analysis(a) => {
                let t = std::time::Instant::now();
                let v = a.run(
                    ri,
                    &ctxs,
                    opts,
                    graph.as_ref(),
                    engine.extractor.as_ref().map(|x| x.registry()),
                );
                if timing {
                    eprintln!(
                        "timing:   {} {:.2}s",
                        r.spec.code,
                        t.elapsed().as_secs_f64()
                    );
                }
                v
            }
            _ => vec![],
        })
        .collect();
    raws.extend(analysis_raws);
    let cache = SourceCache::default();
    let findings: Vec<Finding> = raws
        .into_par_iter()
        .filter_map(|raw| materialize(engine, &ctxs, opts, raw, &cache))
        .collect();
    findings
}

fn fill(template: &str, vars: &BTreeMap<&str, String>) -> String {
    let mut out = template.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

fn materialize(
    engine: &Engine,
    ctxs: &[DocCtx],
    opts: &ReviewOptions,
    raw: Raw,
    cache: &SourceCache,
) -> Option<Finding> {
    let rule = &engine.rules[raw.rule];
    let d = &ctxs[raw.doc];
    if !d.target {
        return None;
    }
    let base = raw.hit.severity.unwrap_or(rule.spec.severity);
    let (sev, mut cat, mut handling, mut suffix) = judge(rule, d, opts.as_of, base)?;
    if let Some(c) = &raw.hit.category {
        cat = c.clone();
    }
    if let Some(h) = &raw.hit.handling {
        handling = h.clone();
    }
    if let Some(x) = &raw.hit.suffix {
        suffix.push_str(x);
    }
    let header = raw.clause == usize::MAX;
    let c = d.clauses.get(raw.clause).or_else(|| d.clauses.first())?;
    let (s, e) = raw.hit.range;
    let matched = if header {
        raw.hit
            .evidence
            .iter()
            .find(|(k, _)| k == "number")
            .map(|x| x.1.clone())
            .unwrap_or_default()
    } else {
        c.text.get(s..e).unwrap_or("").to_string()
    };
    let mut vars: BTreeMap<&str, String> = BTreeMap::new();
    vars.insert("match", matched.clone());
    vars.insert("document", d.name.clone());
    vars.insert("provision", c.p.label.clone());
    vars.insert("lookup", raw.hit.lookup.clone().unwrap_or_default());
    for (k, v) in &raw.hit.evidence {
        vars.insert(k.as_str(), v.clone());
    }
    let template = raw.hit.message.as_deref().unwrap_or(&rule.spec.message);
    let message = format!("{}{}", fill(template, &vars).trim(), suffix);
    let location = if header {
        locate_header(d, &matched, cache)
    } else {
        locate_clause(d, c, (s, e), cache)
    };
    let related = raw
        .related
        .iter()
        .filter_map(|&(di, ci, r)| {
            let od = ctxs.get(di)?;
            let oc = od.clauses.get(ci)?;
            Some(locate_clause(od, oc, r, cache))
        })
        .collect();
    let norm = rasoat_text::collapse_spaces(&rasoat_text::fold(&matched));
    let mut evidence = raw.hit.evidence.clone();
    for a in &d.also {
        evidence.push(("also_in".into(), a.clone()));
    }
    Some(Finding {
        rule: rule.spec.id.clone(),
        code: rule.spec.code.clone(),
        severity: sev,
        message,
        category: cat,
        handling,
        legal_basis: rule.spec.legal_basis.clone(),
        fingerprint: fingerprint(&[
            &rule.spec.id,
            &d.name,
            if header { "header" } else { &c.p.id },
            &norm,
        ]),
        location,
        related,
        evidence,
    })
}

/// Original file contents, read once per file, to turn byte offsets into line/column.
#[derive(Default)]
pub struct SourceCache {
    files: Mutex<HashMap<String, Option<Arc<(String, rasoat_text::LineIndex)>>>>,
}

impl SourceCache {
    fn get(&self, path: &str) -> Option<Arc<(String, rasoat_text::LineIndex)>> {
        let file = path.split('#').next().unwrap_or(path).to_string();
        if let Ok(m) = self.files.lock() {
            if let Some(v) = m.get(&file) {
                return v.clone();
            }
        }
        let v = std::fs::read(&file)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .map(|t| {
                let li = rasoat_text::LineIndex::new(&t);
                Arc::new((t, li))
            });
        if let Ok(mut m) = self.files.lock() {
            m.insert(file, v.clone());
        }
        v
    }
}

/// Location of a range of a clause (own text via the source map; a heading via the label line).
pub fn locate_clause(
    d: &DocCtx,
    c: &Clause,
    (s, e): (usize, usize),
    cache: &SourceCache,
) -> Location {
    if !c.heading {
        return locate(d, c.p, (s, e), cache);
    }
    let p = c.p;
    let mut loc = Location {
        file: d.a.doc.source.path.clone(),
        line: p.span.line,
        end_line: p.span.line,
        column: p.span.col,
        end_column: p.span.col,
        byte_start: p.span.start,
        byte_end: p.span.start,
        provision: Some(p.id.clone()),
        label: Some(p.label.clone()),
        document: Some(d.name.clone()),
        snippet: c.text.get(s..e).map(|x| x.to_string()),
    };
    // Find the heading on its line in the original file and offset into it (one-line headings are exact).
    if let Some(src) = cache.get(&d.a.doc.source.path) {
        let (t, li) = (&src.0, &src.1);
        let from = p.span.start.min(t.len());
        let to = (from + 4096).min(t.len());
        let to = (to..t.len())
            .find(|&i| t.is_char_boundary(i))
            .unwrap_or(t.len());
        if t.is_char_boundary(from) {
            let probe: String = c.text.chars().take(12).collect();
            if let Some(i) = t[from..to].find(&probe) {
                let hs = from + i;
                let bs = hs + s;
                let be = (hs + e).min(t.len());
                if t.get(bs..be) == c.text.get(s..e) {
                    let (l, col) = li.line_col(t, bs);
                    let (el, ec) = li.line_col(t, be.saturating_sub(1).max(bs));
                    loc.line = l;
                    loc.column = col;
                    loc.end_line = el;
                    loc.end_column = ec;
                    loc.byte_start = bs;
                    loc.byte_end = be;
                }
            }
        }
    }
    loc
}

pub fn locate(d: &DocCtx, p: &Provision, (s, e): (usize, usize), cache: &SourceCache) -> Location {
    let text = &p.text;
    let snippet = text.get(s..e).map(|x| x.to_string());
    let (bs, be) = if p.map.pieces.is_empty() {
        (p.span.start, p.span.end)
    } else {
        (
            p.map.to_source(s),
            p.map.to_source(e).max(p.map.to_source(s)),
        )
    };
    let mut loc = Location {
        file: d.a.doc.source.path.clone(),
        line: p.span.line,
        end_line: p.span.line,
        column: p.span.col,
        end_column: p.span.col,
        byte_start: bs,
        byte_end: be,
        provision: Some(p.id.clone()),
        label: Some(p.label.clone()),
        document: Some(d.name.clone()),
        snippet,
    };
    if let Some(src) = cache.get(&d.a.doc.source.path) {
        let (t, li) = (&src.0, &src.1);
        if be <= t.len() && bs <= be && !p.map.pieces.is_empty() {
            let (l, c) = li.line_col(t, bs);
            let mut last = be.saturating_sub(1).max(bs);
            while last > bs && !t.is_char_boundary(last) {
                last -= 1;
            }
            let (el, ec) = li.line_col(t, last);
            loc.line = l;
            loc.column = c;
            loc.end_line = el;
            loc.end_column = ec;
        }
    }
    loc
}

/// Location of the document header (its own number), for findings about the document itself.
pub fn locate_header(d: &DocCtx, number: &str, cache: &SourceCache) -> Location {
    let doc = &d.a.doc;
    let span = doc
        .blocks
        .iter()
        .find(|b| b.kind == rasoat_model::BlockKind::Header)
        .map(|b| b.span)
        .unwrap_or_default();
    let mut loc = Location {
        file: doc.source.path.clone(),
        line: span.line.max(1),
        end_line: span.end_line.max(1),
        column: span.col.max(1),
        end_column: span.end_col.max(1),
        byte_start: span.start,
        byte_end: span.end,
        provision: None,
        label: None,
        document: Some(d.name.clone()),
        snippet: Some(number.to_string()),
    };
    // Point at the number itself when it is found in the original file.
    if let Some(src) = cache.get(&doc.source.path) {
        let (t, li) = (&src.0, &src.1);
        if let Some(i) = t.find(number) {
            let (l, c) = li.line_col(t, i);
            let (el, ec) = li.line_col(t, i + number.len().saturating_sub(1));
            loc.line = l;
            loc.column = c;
            loc.end_line = el;
            loc.end_column = ec;
            loc.byte_start = i;
            loc.byte_end = i + number.len();
        }
    }
    loc
}
