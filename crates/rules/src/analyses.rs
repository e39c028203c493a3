//! Built-in analyses named by rule files (`[matcher] kind = "analysis"`). Each works on the
//! extraction facts where they exist, with a small text scanner (rasoat_text::fold based) as a
//! fallback for clauses the extractor left empty. Cross-document analyses group items by a key
//! (task key, agency, citation key, report recipient) and compare only within a group.
use crate::clause::{compile_one, floor};
use crate::ctx::{Clause, DocCtx, Hit, Raw, norm_key};
use crate::lexicon;
use crate::spec::RuleSpec;
use crate::spec::Spanned;
use crate::{ReviewOptions, RuleFileError};
use rasoat_extract::{CitationRole, Context, Level, Role, graph};
use rasoat_model::{Date, Severity};
use rayon::prelude::*;
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    LeadConflict,
    ProvinceCommuneOverlap,
    ReplacedCitation,
    CitationInconsistency,
    DelegationPair,
    DelegationResources,
    AuthorizationTerm,
    DeadlineConflict,
    WrongIssuer,
    FirstCitation,
    DanglingReference,
    Redelegation,
    SymbolGrammar,
}

const KINDS: &[(&str, Kind)] = &[
    ("lead-agency-conflict", Kind::LeadConflict),
    ("province-commune-overlap", Kind::ProvinceCommuneOverlap),
    ("replaced-citation", Kind::ReplacedCitation),
    ("citation-inconsistency", Kind::CitationInconsistency),
    ("delegation-pair", Kind::DelegationPair),
    ("delegation-resources", Kind::DelegationResources),
    ("authorization-term", Kind::AuthorizationTerm),
    ("deadline-conflict", Kind::DeadlineConflict),
    ("wrong-issuer", Kind::WrongIssuer),
    ("first-citation", Kind::FirstCitation),
    ("dangling-reference", Kind::DanglingReference),
    ("redelegation", Kind::Redelegation),
    ("symbol-grammar", Kind::SymbolGrammar),
];

/// Replaced national documents (R08 registry, also used for "in force on R").
#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// normalised number → (replaced by, on)
    pub by_key: HashMap<String, (String, Date)>,
    /// (folded law name, year) → (number, replaced by, on)
    pub by_name: HashMap<(String, i32), (String, String, Date)>,
}

impl Registry {
    pub fn replaced_on(&self, key: &str, as_of: Date) -> Option<String> {
        self.by_key
            .get(key)
            .filter(|(_, on)| *on <= as_of)
            .map(|(by, _)| by.clone())
    }
}

pub struct Analysis {
    pub kind: Kind,
    pub params: toml::Table,
    registry: Option<Registry>,
    /// Compiled folded regex lists from params (by param name).
    rx: HashMap<String, Vec<Regex>>,
    /// R11 classes: (name, folded regex).
    classes: Vec<(String, Regex)>,
    /// An embedded clause matcher (`[matcher.params.clause]`), for analyses that also have cues.
    clause: Option<(crate::clause::ClauseRx, RuleSpec)>,
}

fn p_f64(t: &toml::Table, k: &str, d: f64) -> f64 {
    t.get(k)
        .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
        .unwrap_or(d)
}
fn p_bool(t: &toml::Table, k: &str, d: bool) -> bool {
    t.get(k).and_then(|v| v.as_bool()).unwrap_or(d)
}
fn p_strs(t: &toml::Table, k: &str) -> Vec<String> {
    t.get(k)
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Line of a param inside the file (best effort: first line mentioning the key).
fn param_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with(key))
        .map(|i| i + 1)
        .unwrap_or(1)
}

impl Analysis {
    pub fn compile(
        file: &str,
        text: &str,
        name: &Spanned<String>,
        params: &toml::Table,
        spec: &RuleSpec,
    ) -> Result<Analysis, RuleFileError> {
        let kind = KINDS
            .iter()
            .find(|(n, _)| *n == name.get_ref().as_str())
            .map(|x| x.1)
            .ok_or_else(|| RuleFileError {
                file: file.into(),
                line: name.line_in(text),
                reason: format!(
                    "unknown analysis `{}` (known: {})",
                    name.get_ref(),
                    KINDS.iter().map(|x| x.0).collect::<Vec<_>>().join(", ")
                ),
            })?;
        let mut lex = lexicon::builtin();
        lex.extend(spec.lexicons.clone());
        let mut rx = HashMap::new();
        // Every string-array param whose name ends in `_cues` is a list of folded regexes.
        for (k, v) in params {
            if k.ends_with("_cues") {
                let arr = v.as_array().ok_or_else(|| RuleFileError {
                    file: file.into(),
                    line: param_line(text, k),
                    reason: format!("`{k}` must be an array of strings"),
                })?;
                let mut list = Vec::new();
                for s in arr {
                    let s = s.as_str().ok_or_else(|| RuleFileError {
                        file: file.into(),
                        line: param_line(text, k),
                        reason: format!("`{k}` must hold strings"),
                    })?;
                    let sp = Spanned::new(
                        text.find(s).map(|i| i..i + s.len()).unwrap_or(0..0),
                        s.to_string(),
                    );
                    list.push(compile_one(file, text, &sp, &lex, true)?);
                }
                rx.insert(k.clone(), list);
            }
        }
        let mut classes = Vec::new();
        if let Some(arr) = params.get("classes").and_then(|v| v.as_array()) {
            for c in arr {
                let (Some(n), Some(p)) = (
                    c.get("name").and_then(|x| x.as_str()),
                    c.get("pattern").and_then(|x| x.as_str()),
                ) else {
                    return Err(RuleFileError {
                        file: file.into(),
                        line: param_line(text, "[[matcher.params.classes]]"),
                        reason: "each class needs `name` and `pattern`".into(),
                    });
                };
                let sp = Spanned::new(
                    text.find(p).map(|i| i..i + p.len()).unwrap_or(0..0),
                    p.to_string(),
                );
                classes.push((n.to_string(), compile_one(file, text, &sp, &lex, true)?));
            }
        }
        let registry = if kind == Kind::ReplacedCitation {
            Some(parse_registry(file, text, params)?)
        } else {
            None
        };
        let clause = match params.get("clause") {
            Some(v) => {
                let c: crate::spec::ClauseSpec =
                    v.clone()
                        .try_into()
                        .map_err(|e: toml::de::Error| RuleFileError {
                            file: file.into(),
                            line: param_line(text, "[matcher.params.clause]"),
                            reason: format!("[matcher.params.clause]: {}", e.message().trim()),
                        })?;
                Some((
                    crate::clause::ClauseRx::compile(file, text, spec, &c)?,
                    spec.clone(),
                ))
            }
            None => None,
        };
        Ok(Analysis {
            kind,
            params: params.clone(),
            registry,
            rx,
            classes,
            clause,
        })
    }

    pub fn registry(&self) -> Option<Registry> {
        self.registry.clone()
    }

    fn cues(&self, k: &str) -> &[Regex] {
        self.rx.get(k).map(|v| v.as_slice()).unwrap_or(&[])
    }

    pub fn run(
        &self,
        ri: usize,
        ctxs: &[DocCtx],
        opts: &ReviewOptions,
        graph: Option<&rasoat_extract::Graph>,
        registry: Option<&rasoat_extract::Registry>,
    ) -> Vec<Raw> {
        match self.kind {
            Kind::LeadConflict => self.lead_conflict(ri, ctxs),
            Kind::ProvinceCommuneOverlap => self.overlap(ri, ctxs),
            Kind::ReplacedCitation => self.replaced(ri, ctxs, opts, graph, registry),
            Kind::CitationInconsistency => self.inconsistency(ri, ctxs, registry),
            Kind::DelegationPair => self.delegation_pair(ri, ctxs),
            Kind::DelegationResources => self.resources(ri, ctxs),
            Kind::AuthorizationTerm => self.auth_term(ri, ctxs),
            Kind::DeadlineConflict => self.deadline(ri, ctxs),
            Kind::WrongIssuer => self.wrong_issuer(ri, ctxs),
            Kind::FirstCitation => self.first_citation(ri, ctxs),
            Kind::DanglingReference => self.dangling(ri, ctxs),
            Kind::Redelegation => self.redelegation(ri, ctxs),
            Kind::SymbolGrammar => self.symbol_grammar(ri, ctxs),
        }
    }
}

fn parse_registry(file: &str, text: &str, params: &toml::Table) -> Result<Registry, RuleFileError> {
    let mut r = Registry::default();
    let Some(arr) = params.get("registry").and_then(|v| v.as_array()) else {
        return Ok(r);
    };
    for e in arr {
        let err = |why: &str| RuleFileError {
            file: file.into(),
            line: param_line(text, "[[matcher.params.registry]]"),
            reason: format!("registry entry {e}: {why}"),
        };
        let by = e
            .get("replaced_by")
            .and_then(|x| x.as_str())
            .ok_or_else(|| err("needs `replaced_by`"))?;
        let on = e
            .get("on")
            .and_then(|x| x.as_str())
            .ok_or_else(|| err("needs `on` (YYYY-MM-DD)"))?;
        let on: Date = on.parse().map_err(|_| err("`on` must be YYYY-MM-DD"))?;
        let number = e.get("number").and_then(|x| x.as_str());
        if let Some(n) = number {
            r.by_key.insert(norm_key(n), (by.to_string(), on));
        }
        if let (Some(name), Some(year)) = (
            e.get("law_name").and_then(|x| x.as_str()),
            e.get("year").and_then(|x| x.as_integer()),
        ) {
            r.by_name.insert(
                (rasoat_text::fold(name), year as i32),
                (number.unwrap_or(name).to_string(), by.to_string(), on),
            );
        }
    }
    Ok(r)
}

// ---------------------------------------------------------------------------------------------
// Shared text helpers (fallbacks where extraction facts are empty).

static LEX: LazyLock<BTreeMap<String, String>> = LazyLock::new(lexicon::builtin);

fn rx(s: &str) -> Regex {
    Regex::new(&lexicon::expand(s, &LEX, false).expect("lexicon")).expect("built-in regex")
}

/// A citation of another document.
#[derive(Debug, Clone)]
pub struct Cite {
    pub kind: String,
    pub number: Option<String>,
    pub key: String,
    pub date: Option<Date>,
    pub date_text: Option<String>,
    pub law_name: Option<String>,
    pub year: Option<i32>,
    pub role: CitationRole,
    pub context: Context,
    pub range: (usize, usize),
    /// Province named in the citation's issuer, if any.
    pub province: Option<String>,
}

static RE_CITE: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"(?P<kind>{{KIND}})\s+(?:số\s*:?\s*)?(?P<num>{{NUM}})(?:\s*,?\s+ngày\s+(?P<date>{{DATE}}))?",
    )
});
static RE_LAW: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"(?P<kind>Bộ luật|Luật)\s+(?P<name>\p{Lu}[^,;()0-9]{3,120}?)\s+(?:số\s+(?P<code>\d+/\d{4}/QH\d+)\s*)?(?:,\s*)?(?:ngày\s+(?P<date>{{DATE}})|năm\s+(?P<y>\d{4}))",
    )
});
static RE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*((?:19|20)\d{2})|(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d{2})").unwrap()
});

pub fn parse_date(s: &str) -> Option<Date> {
    let c = RE_DATE.captures(s)?;
    let g = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<i64>().ok());
    let (d, m, y) = if c.get(1).is_some() {
        (g(1)?, g(2)?, g(3)?)
    } else {
        (g(4)?, g(5)?, g(6)?)
    };
    Date::new(y as i16, m as i8, d as i8).ok()
}

fn role_before(folded_before: &str) -> CitationRole {
    let t = folded_before.trim_end();
    if t.ends_with("thay the") || t.ends_with("thay the cho") {
        CitationRole::Replaces
    } else if t.ends_with("bai bo") {
        CitationRole::Repeals
    } else if t.ends_with("sua doi, bo sung")
        || t.ends_with("sua doi, bo sung mot so dieu cua")
        || t.ends_with("sua doi")
    {
        CitationRole::Amends
    } else {
        CitationRole::Mention
    }
}

/// Citations of a clause: extraction facts when it has any, else the text scanner.
pub fn cites(c: &Clause) -> Vec<Cite> {
    if let Some(f) = c.facts {
        if !f.citations.is_empty() {
            return f
                .citations
                .iter()
                .map(|x| Cite {
                    kind: x.type_word.clone().unwrap_or_default(),
                    number: x.number.clone(),
                    key: x
                        .number
                        .as_deref()
                        .or(x.registry_key.as_deref())
                        .map(norm_key)
                        .unwrap_or_else(|| x.key.clone()),
                    date: x.date,
                    date_text: x.date_text.clone(),
                    law_name: x.law_name.as_deref().map(strip_law_word),
                    year: x.year.or(x.date.map(|d| d.year() as i32)),
                    role: x.role,
                    context: if c.context_at(x.range.start) == Some(Context::CanCu) {
                        Context::CanCu
                    } else {
                        x.context
                    },
                    range: (x.range.start, x.range.end),
                    province: x.province.clone(),
                })
                .collect();
        }
    }
    let t = &c.text;
    let mut out = Vec::new();
    for m in RE_CITE.captures_iter(t) {
        let all = m.get(0).unwrap();
        let num = m.name("num").unwrap().as_str().to_string();
        let fb = &c.folded[floor(&c.folded, c.to_folded(all.start()).saturating_sub(40))
            ..c.to_folded(all.start())];
        static RE_YEAR: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"^\d+/((?:19|20)\d{2})/").unwrap());
        let year = RE_YEAR.captures(&num).and_then(|x| x[1].parse().ok());
        out.push(Cite {
            kind: m["kind"].to_string(),
            key: norm_key(&num),
            number: Some(num),
            date: m.name("date").and_then(|d| parse_date(d.as_str())),
            date_text: m.name("date").map(|d| d.as_str().to_string()),
            law_name: None,
            year,
            role: role_before(fb),
            context: c.context_at(all.start()).unwrap_or(Context::Operative),
            range: (all.start(), all.end()),
            province: None,
        });
    }
    for m in RE_LAW.captures_iter(t) {
        let all = m.get(0).unwrap();
        if out
            .iter()
            .any(|x| x.range.0 < all.end() && all.start() < x.range.1)
        {
            continue;
        }
        let date = m.name("date").and_then(|d| parse_date(d.as_str()));
        let year = date
            .map(|d| d.year() as i32)
            .or_else(|| m.name("y").and_then(|y| y.as_str().parse().ok()));
        let name = m["name"].trim().to_string();
        let fb = &c.folded[floor(&c.folded, c.to_folded(all.start()).saturating_sub(40))
            ..c.to_folded(all.start())];
        out.push(Cite {
            kind: m["kind"].to_string(),
            number: m.name("code").map(|x| x.as_str().to_string()),
            key: m
                .name("code")
                .map(|x| norm_key(x.as_str()))
                .unwrap_or_else(|| format!("luat:{}", rasoat_text::fold(&name))),
            date,
            date_text: m.name("date").map(|d| d.as_str().to_string()),
            law_name: Some(name),
            year,
            role: role_before(fb),
            context: c.context_at(all.start()).unwrap_or(Context::Operative),
            range: (all.start(), all.end()),
            province: None,
        });
    }
    out.sort_by_key(|x| x.range);
    out
}

/// Sentence (between `.`/`;`/newline) around a range, folded.
fn sentence_folded<'a>(c: &'a Clause, s: usize, e: usize) -> &'a str {
    let fs = c.to_folded(s);
    let fe = c.to_folded(e);
    let f = &c.folded;
    let a = f[..fs].rfind(['.', ';', '\n']).map(|i| i + 1).unwrap_or(0);
    let b = f[fe..]
        .find(['.', ';', '\n'])
        .map(|i| fe + i)
        .unwrap_or(f.len());
    &f[a..b]
}

/// Jaccard similarity of two token sets.
fn jaccard(a: &str, b: &str) -> f64 {
    let x: BTreeSet<&str> = a.split_whitespace().collect();
    let y: BTreeSet<&str> = b.split_whitespace().collect();
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    x.intersection(&y).count() as f64 / x.union(&y).count() as f64
}

const STOP: &[&str] = &[
    "cac", "cua", "va", "ve", "viec", "nhung", "cho", "voi", "de", "theo", "tai", "trong", "duoc",
    "nay", "co", "mot", "tren", "la", "o", "tu", "den", "khi", "nham", "hoac", "cung", "nhu",
    "thi", "da", "se", "can", "phai", "thuoc", "do", "vao", "bang", "dia", "ban", "tinh", "quan",
    "ly", "lien", "quan",
];

/// Task key from folded text: punctuation and stop words removed (mirrors extraction's task key).
fn key_of(folded: &str, max: usize) -> String {
    let s = folded
        .replace("van ban quy pham phap luat", "van ban qppl")
        .replace("quy pham phap luat", "qppl")
        .replace("thu tuc hanh chinh", "tthc");
    s.split(|c: char| !(c.is_ascii_alphanumeric()))
        .filter(|w| !w.is_empty() && !STOP.contains(w))
        .take(max)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Sort a pair so the later clause is reported, the earlier is `related`; in check mode the
/// draft side is reported.
fn pair_raw(
    ri: usize,
    ctxs: &[DocCtx],
    a: (usize, usize, (usize, usize)),
    b: (usize, usize, (usize, usize)),
    hit: Hit,
) -> Option<Raw> {
    let (x, y) = if (a.0, a.1, a.2) <= (b.0, b.1, b.2) {
        (a, b)
    } else {
        (b, a)
    };
    let (loc, rel) = if ctxs[y.0].target {
        (y, x)
    } else if ctxs[x.0].target {
        (x, y)
    } else {
        return None;
    };
    Some(Raw {
        rule: ri,
        doc: loc.0,
        clause: loc.1,
        hit: Hit {
            range: loc.2,
            ..hit
        },
        related: vec![rel],
    })
}

fn judged(d: &DocCtx) -> bool {
    d.in_force
}

// ---------------------------------------------------------------------------------------------
// R01 lead-agency-conflict

#[derive(Clone)]
struct Lead {
    doc: usize,
    clause: usize,
    range: (usize, usize),
    agency: String,
    name: String,
    key: String,
    task: String,
}

impl Analysis {
    fn lead_conflict(&self, ri: usize, ctxs: &[DocCtx]) -> Vec<Raw> {
        let threshold = p_f64(&self.params, "threshold", 0.8);
        let leads: Vec<Lead> = ctxs
            .par_iter()
            .filter(|d| judged(d) && d.local)
            .flat_map_iter(|d| {
                let mut v = Vec::new();
                for (ci, c) in d.clauses.iter().enumerate() {
                    let Some(f) = c.facts else { continue };
                    for a in &f.assignments {
                        if a.role != Role::ChuTri
                            || a.collective
                            || a.context != Context::Operative
                            || a.task_key.split_whitespace().count() < 2
                        {
                            continue;
                        }
                        v.push(Lead {
                            doc: d.idx,
                            clause: ci,
                            range: (a.range.start, a.range.end),
                            agency: a.agency.clone(),
                            name: a.agency_name.clone(),
                            key: a.task_key.clone(),
                            task: a
                                .task_text
                                .trim()
                                .trim_end_matches(['.', ';', ','])
                                .to_string(),
                        });
                    }
                }
                v
            })
            .collect();
        // Block by the task's first word (its verb); exact keys compare directly, near keys by Jaccard.
        let mut blocks: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, l) in leads.iter().enumerate() {
            blocks
                .entry(l.key.split_whitespace().next().unwrap_or("").to_string())
                .or_default()
                .push(i);
        }
        let mut out = Vec::new();
        for (_, idx) in blocks {
            let big = idx.len() > 400;
            for (n, &i) in idx.iter().enumerate() {
                for &j in &idx[n + 1..] {
                    let (a, b) = (&leads[i], &leads[j]);
                    if a.agency == b.agency {
                        continue;
                    }
                    let same = a.key == b.key || (!big && jaccard(&a.key, &b.key) >= threshold);
                    if !same || !same_field(&a.task, &b.task) {
                        continue;
                    }
                    // One province's bodies only: two provinces' leads never conflict.
                    let (pa, pb) = (&ctxs[a.doc].a.facts.province, &ctxs[b.doc].a.facts.province);
                    if pa.is_some() && pb.is_some() && pa != pb {
                        continue;
                    }
                    let hit = Hit {
                        evidence: vec![
                            ("task_key".into(), b.key.clone()),
                            ("task".into(), b.task.clone()),
                            ("agency".into(), b.name.clone()),
                            ("other".into(), a.name.clone()),
                            ("other_document".into(), ctxs[a.doc].name.clone()),
                        ],
                        ..Default::default()
                    };
                    // The evidence names the side reported; fix up when the pair is flipped.
                    if let Some(mut r) = pair_raw(
                        ri,
                        ctxs,
                        (a.doc, a.clause, a.range),
                        (b.doc, b.clause, b.range),
                        hit,
                    ) {
                        if r.doc == a.doc && r.clause == a.clause && r.hit.range == a.range {
                            r.hit.evidence = vec![
                                ("task_key".into(), a.key.clone()),
                                ("task".into(), a.task.clone()),
                                ("agency".into(), a.name.clone()),
                                ("other".into(), b.name.clone()),
                                ("other_document".into(), ctxs[b.doc].name.clone()),
                            ];
                        }
                        out.push(r);
                    }
                }
            }
        }
        out
    }

    // -----------------------------------------------------------------------------------------
    // R03 province-commune-overlap

    fn overlap(&self, ri: usize, ctxs: &[DocCtx]) -> Vec<Raw> {
        static RE: LazyLock<Regex> = LazyLock::new(|| {
            rx(
                r"(?P<ag>Chủ tịch (?:UBND|Ủy ban nhân dân) (?:tỉnh|cấp tỉnh|cấp xã|xã|phường)|(?:UBND|Ủy ban nhân dân) (?:tỉnh|cấp tỉnh|cấp xã|các xã, phường|xã, phường|xã|phường)|Sở [\p{Lu}][\p{L}]*(?: (?:và )?[\p{L}]+){0,5}?)\s+(?:có thẩm quyền\s+|được\s+)?(?P<v>quyết định|phê duyệt|cấp(?: giấy| phép| lại| đổi)?|thu hồi|gia hạn|xử phạt|công nhận|thẩm định|giao đất|cho thuê đất|chấp thuận|điều chỉnh)\s+(?P<obj>[^;.:]+)",
            )
        });
        let crit = self.cues("criterion_cues");
        let scope = self.cues("scope_cues");
        #[derive(Clone)]
        struct Item {
            doc: usize,
            clause: usize,
            range: (usize, usize),
            prov: bool,
            name: String,
            key: String,
            task: String,
        }
        let items: Vec<Item> = ctxs
            .par_iter()
            .filter(|d| judged(d) && d.local)
            .flat_map_iter(|d| {
                let mut v = Vec::new();
                for (ci, c) in d.clauses.iter().enumerate() {
                    for m in RE.captures_iter(&c.text) {
                        let all = m.get(0).unwrap();
                        if c.context_at(all.start()).is_some() {
                            continue;
                        }
                        let ag = rasoat_text::fold(&m["ag"]);
                        let prov = ag.contains("tinh") || ag.starts_with("so ");
                        let seg = &c.folded[c.to_folded(all.start())..c.to_folded(all.end())];
                        if crit.iter().any(|r| r.is_match(seg)) {
                            continue;
                        }
                        let obj = rasoat_text::fold(&format!("{} {}", &m["v"], &m["obj"]));
                        // A power divided by whose units it covers ("… thuộc phạm vi quản lý",
                        // "… của Ủy ban MTTQ cấp xã") is shared out, not duplicated; a step of a
                        // procedure ("trình Sở … cấp Giấy chứng nhận") and a description ("Hội đồng
                        // … do Sở Tài chính quyết định thành lập") grant nothing.
                        let before = &c.folded[..c.to_folded(all.start())];
                        if scope.iter().any(|r| r.is_match(&obj))
                            || before.trim_end().ends_with("trinh")
                            || before.trim_end().ends_with(" do")
                        {
                            continue;
                        }
                        let key = key_of(&obj, 8);
                        if key.split_whitespace().count() < 2 {
                            continue;
                        }
                        let ag_end = m.name("ag").unwrap().end();
                        let task = format!("{} {}", &m["v"], m["obj"].trim());
                        v.push(Item {
                            doc: d.idx,
                            clause: ci,
                            range: (all.start(), ag_end.max(all.start())),
                            prov,
                            name: m["ag"].to_string(),
                            key,
                            task,
                        });
                    }
                    // Extraction's decision assignments (role quyết định) join the same groups.
                    if let Some(f) = c.facts {
                        for a in &f.assignments {
                            // A plan's "Sở X:" sections list each body's own work ("Phê duyệt kế
                            // hoạch giám sát" under every level): not one power given twice.
                            if a.role != Role::QuyetDinh
                                || a.implied_subject
                                || a.has_criterion
                                || scope.iter().any(|r| {
                                    let (x, y) =
                                        (c.to_folded(a.range.start), c.to_folded(a.range.end));
                                    r.is_match(c.folded.get(x..y).unwrap_or(""))
                                })
                                || a.context != Context::Operative
                                || !matches!(a.level, Level::Province | Level::Commune)
                            {
                                continue;
                            }
                            let key = key_of(&a.task_key, 8);
                            if key.split_whitespace().count() < 2
                                || v.iter().any(|x: &Item| x.clause == ci && x.key == key)
                            {
                                continue;
                            }
                            v.push(Item {
                                doc: d.idx,
                                clause: ci,
                                range: (a.range.start, a.range.end),
                                prov: a.level == Level::Province,
                                name: a.agency_name.clone(),
                                key,
                                task: a.task_text.clone(),
                            });
                        }
                    }
                }
                v
            })
            .collect();
        let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, it) in items.iter().enumerate() {
            groups.entry(it.key.as_str()).or_default().push(i);
        }
        let mut out = Vec::new();
        for (key, idx) in groups {
            let provs: Vec<&Item> = idx.iter().map(|&i| &items[i]).filter(|x| x.prov).collect();
            let comms: Vec<&Item> = idx.iter().map(|&i| &items[i]).filter(|x| !x.prov).collect();
            // One finding per commune-side clause against the first province-side clause.
            for c in &comms {
                let Some(p) = provs.first() else { break };
                // Within one document the text itself divides the field (its own articles say
                // who does what): a reviewer's judgement, never an error.
                let both_normative =
                    ctxs[c.doc].normative && ctxs[p.doc].normative && c.doc != p.doc;
                let hit = Hit {
                    severity: if both_normative {
                        Some(Severity::Error)
                    } else {
                        None
                    },
                    evidence: vec![
                        ("task_key".into(), key.to_string()),
                        (
                            "task".into(),
                            c.task.trim_end_matches(['.', ';', ',']).to_string(),
                        ),
                        ("agency".into(), c.name.clone()),
                        ("other".into(), p.name.clone()),
                        ("other_document".into(), ctxs[p.doc].name.clone()),
                    ],
                    ..Default::default()
                };
                if let Some(r) = pair_raw(
                    ri,
                    ctxs,
                    (p.doc, p.clause, p.range),
                    (c.doc, c.clause, c.range),
                    hit,
                ) {
                    out.push(r);
                }
            }
        }
        out
    }

    // -----------------------------------------------------------------------------------------
    // R08 expired-or-replaced-citation

    fn replaced(
        &self,
        ri: usize,
        ctxs: &[DocCtx],
        opts: &ReviewOptions,
        graph: Option<&rasoat_extract::Graph>,
        data: Option<&rasoat_extract::Registry>,
    ) -> Vec<Raw> {
        let reg = self.registry.clone().unwrap_or_default();
        let skip_national = p_bool(&self.params, "skip_pre_reform_national", true);
        let history = self.cues("history_cues");
        let transitional = self.cues("transitional_cues");
        // Replacements declared inside the corpus: target key → (by, date, where it is said).
        type Loc = (usize, usize, (usize, usize));
        let mut corpus: HashMap<String, (String, Option<Date>, Option<Loc>)> = HashMap::new();
        for d in ctxs {
            for e in &d.a.facts.edges {
                if matches!(
                    e.kind,
                    rasoat_extract::EdgeKind::ThayThe | rasoat_extract::EdgeKind::BaiBo
                ) {
                    let ci = d
                        .clauses
                        .iter()
                        .position(|c| !c.heading && c.p.id == e.provision);
                    let loc = ci.map(|ci| (d.idx, ci, (e.range.start, e.range.end)));
                    let slot = corpus.entry(norm_key_scoped(&e.target)).or_insert((
                        d.name.clone(),
                        d.date,
                        loc,
                    ));
                    // A statement whose clause could not be placed yields to a later placed one,
                    // so the finding can always show where the replacement is declared.
                    if slot.2.is_none() && loc.is_some() {
                        *slot = (d.name.clone(), d.date, loc);
                    }
                }
            }
            // Fallback: "… thay thế / bãi bỏ <Doc>" found by the citation scanner.
            let prov = d.a.facts.province.as_deref();
            for (ci, c) in d.clauses.iter().enumerate() {
                for x in cites(c) {
                    if matches!(x.role, CitationRole::Replaces | CitationRole::Repeals)
                        && x.context != Context::CitedTitle
                        && graph::acts_on(prov, &x.key, rasoat_extract::EdgeKind::ThayThe)
                    {
                        let key = graph::scoped_key(&x.key, x.province.as_deref().or(prov));
                        let slot = corpus.entry(key).or_insert((
                            d.name.clone(),
                            d.date,
                            Some((d.idx, ci, x.range)),
                        ));
                        if slot.2.is_none() {
                            *slot = (d.name.clone(), d.date, Some((d.idx, ci, x.range)));
                        }
                    }
                }
            }
        }
        ctxs.par_iter()
            .filter(|d| d.target && judged(d))
            .flat_map_iter(|d| {
                let mut v = Vec::new();
                for (ci, c) in d.clauses.iter().enumerate() {
                    for x in cites(c) {
                        if !matches!(x.role, CitationRole::Mention | CitationRole::CanCu | CitationRole::Implements) {
                            continue;
                        }
                        if d.key.as_deref() == Some(x.key.as_str()) {
                            continue;
                        }
                        let scoped = graph::scoped_key(
                            &x.key,
                            x.province.as_deref().or(d.a.facts.province.as_deref()),
                        );
                        let sent = sentence_folded(c, x.range.0, x.range.1);
                        if history.iter().any(|r| r.is_match(sent)) || transitional.iter().any(|r| r.is_match(&c.headings)) {
                            continue;
                        }
                        let found = reg
                            .by_key
                            .get(&x.key)
                            .map(|(by, on)| (x.number.clone().unwrap_or_default(), by.clone(), Some(*on)))
                            .or_else(|| {
                                let n = rasoat_text::fold(x.law_name.as_deref()?);
                                let y = x.year?;
                                reg.by_name.get(&(n, y)).map(|(num, by, on)| (num.clone(), by.clone(), Some(*on)))
                            })
                            .or_else(|| corpus.get(&scoped).filter(|(by, _, _)| *by != d.name).map(|(by, on, _)| (x.number.clone().unwrap_or_default(), by.clone(), *on)))
                            .or_else(|| {
                                // The extraction graph: bundled registry (rules/data) + corpus edges.
                                let g = graph?;
                                // A law cited by name + year ("Luật Đất đai năm 2013") carries the
                                // registry's key instead of a number; the cited text is then shown.
                                let (num, lookup) = match &x.number {
                                    Some(n) => (n.clone(), graph::scoped_key(n, x.province.as_deref().or(d.a.facts.province.as_deref()))),
                                    None if x.law_name.is_some() && x.key.contains('/') => (String::new(), x.key.clone()),
                                    None => return None,
                                };
                                let (by, on) = g.replaced_by(&lookup)?;
                                // The citing document itself ("… thay thế Nghị quyết số 61/2021/NQ-HĐND"
                                // cited again in its own căn cứ or body) is no other side.
                                let own = d.key.as_deref().map(|k| graph::scoped_key(k, d.a.facts.province.as_deref()));
                                if own.is_some_and(|k| norm_key_scoped(&k) == norm_key_scoped(&by)) {
                                    return None;
                                }
                                let label = g.node(&by).map(|n| n.label.clone()).filter(|l| !l.is_empty()).unwrap_or(by);
                                if label == d.name || d.key.as_deref() == Some(norm_key(&label).as_str()) {
                                    return None;
                                }
                                Some((num, label, on))
                            });
                        let Some((num, by, on)) = found else { continue };
                        // Not yet replaced on the review date: nothing to say.
                        if on.is_some_and(|on| on > opts.as_of) {
                            continue;
                        }
                        let cancu = x.context == Context::CanCu || x.role == CitationRole::CanCu;
                        let mut hit = Hit {
                            severity: Some(if cancu { Severity::Error } else { Severity::Warning }),
                            evidence: vec![
                                ("cited".into(), if num.is_empty() { c.text[x.range.0..x.range.1].to_string() } else { num }),
                                ("replaced_by".into(), by.clone()),
                                ("replaced_on".into(), on.map(|o| o.strftime("%d/%m/%Y").to_string()).unwrap_or_else(|| "?".into())),
                                ("where".into(), if cancu { "căn cứ".into() } else { "nội dung".into() }),
                            ],
                            range: x.range,
                            ..Default::default()
                        };
                        match (d.date, on) {
                            // Issued before the replacement, still in force: "không còn phù hợp".
                            (Some(dd), Some(on)) if dd < on => {
                                if d.national && skip_national {
                                    continue;
                                }
                                hit.severity = Some(Severity::Warning);
                                hit.category = Some("không còn phù hợp".into());
                                hit.handling = Some("sửa đổi, bổ sung / thay thế".into());
                                hit.suffix = Some(" Văn bản ban hành trước khi văn bản được viện dẫn bị thay thế và còn hiệu lực: cần sửa đổi, bổ sung hoặc thay thế (rà soát theo Điều 54 khoản 1 Luật số 72/2025/QH15, hạn 01/3/2027).".into());
                            }
                            (None, _) => {
                                if d.national && skip_national {
                                    continue;
                                }
                                hit.severity = hit.severity.map(|s| s.downgrade());
                                hit.suffix = Some(" (Chưa xác định được ngày ban hành: mức độ giảm một bậc.)".into());
                            }
                            _ => {}
                        }
                        // The registry entry and its source as evidence; a fact not confirmed from
                        // a text at hand (verified = false) never makes an error.
                        let entry = data.and_then(|r| {
                            let k = x.number.as_deref().map(rasoat_extract::normalize_number).unwrap_or_else(|| x.key.clone());
                            r.get(&k).or_else(|| r.get(&rasoat_extract::normalize_number(&x.key)))
                        });
                        if let Some(e) = entry {
                            hit.evidence.push(("registry".into(), format!("{}{}", e.label(), e.date.map(|d| format!(" ngày {}", d.strftime("%d/%m/%Y"))).unwrap_or_default())));
                            hit.evidence.push(("source".into(), e.source.clone().unwrap_or_else(|| "rules/data/registry.toml".into())));
                            if !e.verified && hit.severity == Some(Severity::Error) {
                                hit.severity = Some(Severity::Warning);
                                hit.suffix = Some(hit.suffix.clone().unwrap_or_default() + " (Danh mục chưa kiểm chứng việc thay thế này: mức cảnh báo.)");
                            }
                        }
                        // The other side: where the corpus says the cited document was replaced.
                        let related = corpus.get(&scoped).and_then(|c| c.2).filter(|l| l.0 != d.idx).into_iter().collect();
                        v.push(Raw { rule: ri, doc: d.idx, clause: ci, hit, related });
                    }
                }
                v
            })
            .collect()
    }

    // -----------------------------------------------------------------------------------------
    // R09 citation-inconsistency

    fn inconsistency(
        &self,
        ri: usize,
        ctxs: &[DocCtx],
        registry: Option<&rasoat_extract::Registry>,
    ) -> Vec<Raw> {
        let mut known: HashMap<String, (Date, String)> = self
            .params
            .get("known")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|e| {
                        let n = e.get("number")?.as_str()?;
                        let d: Date = e.get("date")?.as_str()?.parse().ok()?;
                        Some((norm_key(n), (d, n.to_string())))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let known_names: Vec<(String, String, String)> = self
            .params
            .get("known_names")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|e| {
                        Some((
                            rasoat_text::fold(e.get("law_name")?.as_str()?),
                            e.get("year")?.as_integer()?.to_string(),
                            e.get("number")?.as_str()?.to_string(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        // Verified registry entries with a date count as known; the entry's source is evidence.
        let mut source: HashMap<String, String> = known
            .keys()
            .map(|k| (k.clone(), "rules/citation-inconsistency.toml".to_string()))
            .collect();
        for e in registry.map(|r| r.entries()).unwrap_or_default() {
            if let (true, Some(dt)) = (e.verified, e.date) {
                let k = norm_key(&e.number);
                known.entry(k.clone()).or_insert((dt, e.number.clone()));
                source.entry(k).or_insert_with(|| {
                    format!(
                        "rules/data/registry.toml: {} ({})",
                        e.label(),
                        e.source.clone().unwrap_or_else(|| "?".into())
                    )
                });
            }
        }
        struct Item {
            doc: usize,
            clause: usize,
            range: (usize, usize),
            key: String,
            date: Date,
            date_text: String,
            /// The number's year differs from the date's year.
            year_off: Option<i32>,
        }
        let per_doc: Vec<(Vec<Item>, Vec<Raw>)> = ctxs
            .par_iter()
            .filter(|d| judged(d))
            .map(|d| {
                let mut items = Vec::new();
                let mut raws = Vec::new();
                for (ci, c) in d.clauses.iter().enumerate() {
                    for x in cites(c) {
                        // Registry: a known law cited with another number ("Luật ... số 77/2025/QH15").
                        if let (Some(name), Some(num)) = (&x.law_name, &x.number) {
                            let fname = rasoat_text::fold(name);
                            for (kn, ky, knum) in &known_names {
                                if fname == *kn && num.contains(&format!("/{ky}/")) && norm_key(num) != norm_key(knum) && d.target {
                                    raws.push(Raw {
                                        rule: ri,
                                        doc: d.idx,
                                        clause: ci,
                                        hit: Hit {
                                            range: x.range,
                                            severity: Some(Severity::Error),
                                            evidence: vec![("cited".into(), num.clone()), ("expected".into(), knum.clone())],
                                            message: Some("Viện dẫn sai số hiệu: {cited} — theo danh mục văn bản, {match} có số hiệu {expected}.".into()),
                                            ..Default::default()
                                        },
                                        related: vec![],
                                    });
                                }
                            }
                        }
                        // Registry: a registered law cited by its name and exact date with another number
                        // ("Luật Tổ chức chính quyền địa phương số 65/2025/QH15 ngày 16 tháng 6 năm 2025").
                        if let (Some(name), Some(num), Some(dt), Some(reg)) = (&x.law_name, &x.number, x.date, registry)
                            && d.target
                            && !raws.iter().any(|r: &Raw| r.clause == ci && r.hit.range == x.range)
                            && let Some(e) = reg.law_by_name(&rasoat_extract::law_name_key(&format!("luật {name}")), Some(dt), None)
                            && e.verified
                            && e.date == Some(dt)
                            && norm_key(&e.number) != norm_key(num)
                        {
                            // Error only when the law is the basis of the power itself (organisation of
                            // local government / the Government, the law on legal documents).
                            let power = ["to chuc chinh quyen dia phuong", "to chuc chinh phu", "ban hanh van ban quy pham phap luat"]
                                .iter()
                                .any(|k| rasoat_text::fold(name).contains(k));
                            let basis = power && (x.context == Context::CanCu || x.role == CitationRole::CanCu);
                            raws.push(Raw {
                                rule: ri,
                                doc: d.idx,
                                clause: ci,
                                hit: Hit {
                                    range: x.range,
                                    severity: Some(if basis { Severity::Error } else { Severity::Warning }),
                                    evidence: vec![("cited".into(), num.clone()), ("expected".into(), e.number.clone()), ("registry".into(), format!("{} ngày {}", e.label(), dt.strftime("%d/%m/%Y"))), ("source".into(), e.source.clone().unwrap_or_default())],
                                    message: Some("Viện dẫn sai số hiệu: {cited} — văn bản cùng tên, cùng ngày trong danh mục là {expected}.".into()),
                                    ..Default::default()
                                },
                                related: vec![],
                            });
                        }
                        let (Some(date), Some(num)) = (x.date, &x.number) else { continue };
                        if let Some((kd, kn)) = known.get(&x.key) {
                            if *kd != date && d.target {
                                raws.push(Raw {
                                    rule: ri,
                                    doc: d.idx,
                                    clause: ci,
                                    hit: Hit {
                                        range: x.range,
                                        // A wrong date of a document cited by its right number: the
                                        // document is still identified (thể thức).
                                        severity: Some(Severity::Info),
                                        evidence: vec![("cited".into(), kn.clone()), ("date".into(), x.date_text.clone().unwrap_or_default()), ("expected".into(), kd.strftime("%d/%m/%Y").to_string()), ("source".into(), source.get(&x.key).cloned().unwrap_or_default())],
                                        message: Some("Viện dẫn không thống nhất: {cited} được ghi ngày {date}, nhưng theo danh mục văn bản là ngày {expected}.".into()),
                                        ..Default::default()
                                    },
                                    related: vec![],
                                });
                                continue;
                            }
                        }
                        // A local document is one document only within its province.
                        let key = graph::scoped_key(&x.key, x.province.as_deref().or(d.a.facts.province.as_deref()));
                        let year_off = year_in_number(num).filter(|y| *y != date.year() as i32);
                        items.push(Item { doc: d.idx, clause: ci, range: x.range, key, date, date_text: x.date_text.clone().unwrap_or_default(), year_off });
                    }
                }
                (items, raws)
            })
            .collect();
        let mut out = Vec::new();
        let mut groups: BTreeMap<String, Vec<Item>> = BTreeMap::new();
        for (items, raws) in per_doc {
            out.extend(raws);
            for it in items {
                groups.entry(it.key.clone()).or_default().push(it);
            }
        }
        for (key, mut g) in groups {
            g.sort_by_key(|x| (x.doc, x.clause, x.range));
            let best = consensus_date(&key, &g.iter().map(|x| (x.doc, x.date)).collect::<Vec<_>>());
            // The number says one year, the date another, and no other citation settles it.
            for it in g
                .iter()
                .filter(|x| x.year_off.is_some() && ctxs[x.doc].target)
            {
                if best.is_some_and(|b| b != it.date) {
                    continue; // reported below against the consensus
                }
                let shown = key.rsplit('|').next().unwrap_or(&key).to_string();
                out.push(Raw {
                    rule: ri,
                    doc: it.doc,
                    clause: it.clause,
                    hit: Hit {
                        range: it.range,
                        evidence: vec![
                            ("cited".into(), shown),
                            ("date".into(), it.date_text.clone()),
                            ("year".into(), it.year_off.unwrap_or_default().to_string()),
                        ],
                        message: Some("{cited} mang năm {year} trong số hiệu nhưng được ghi ngày {date}: số hiệu hoặc ngày sai, không xác định được văn bản được viện dẫn.".into()),
                        ..Default::default()
                    },
                    related: vec![],
                });
            }
            let Some(best) = best else {
                continue;
            };
            let shown = key.rsplit('|').next().unwrap_or(&key).to_string();
            let Some(anchor) = g.iter().find(|x| x.date == best) else {
                continue;
            };
            let agree = g
                .iter()
                .filter(|x| x.date == best)
                .map(|x| x.doc)
                .collect::<std::collections::BTreeSet<_>>()
                .len();
            for it in g.iter().filter(|x| x.date != best) {
                let hit = Hit {
                    evidence: vec![
                        ("cited".into(), shown.clone()),
                        ("date".into(), it.date_text.clone()),
                        ("other_date".into(), anchor.date_text.clone()),
                        ("other_document".into(), ctxs[anchor.doc].name.clone()),
                        ("consensus".into(), format!("{agree} văn bản")),
                    ],
                    range: it.range,
                    ..Default::default()
                };
                if ctxs[it.doc].target {
                    out.push(Raw {
                        rule: ri,
                        doc: it.doc,
                        clause: it.clause,
                        hit,
                        related: vec![(anchor.doc, anchor.clause, anchor.range)],
                    });
                }
            }
        }
        out.extend(self.own_number(ri, ctxs));
        out
    }

    /// The document's own number and date as its attachments repeat them ("(Ban hành kèm theo
    /// Quyết định số …/2025/QĐ-UBND)"): left blank, or different from the header.
    fn own_number(&self, ri: usize, ctxs: &[DocCtx]) -> Vec<Raw> {
        ctxs.par_iter()
            .filter(|d| d.target && judged(d) && d.key.is_some())
            .flat_map_iter(|d| {
                let mut v = Vec::new();
                let own = d.key.clone().unwrap_or_default();
                let own_type = match own.split('/').next_back().and_then(|s| s.split('-').next()) {
                    Some("QD") => "quyet dinh",
                    Some("NQ") => "nghi quyet",
                    Some("KH") => "ke hoach",
                    Some("CT") => "chi thi",
                    Some("TT") => "thong tu",
                    _ => "",
                };
                let header = d.a.doc.meta.number.clone().unwrap_or_else(|| own.clone());
                for (ci, c) in d.clauses.iter().enumerate() {
                    for m in RE_OWN_ATTACH.captures_iter(c.text) {
                        let (Some(kind), Some(g)) = (m.get(1), m.get(2)) else { continue };
                        if rasoat_text::fold(kind.as_str()) != own_type {
                            continue;
                        }
                        let written: String = g.as_str().chars().filter(|ch| !ch.is_whitespace() && *ch != '*' && *ch != '_').collect();
                        let range = (g.start(), g.end().max(g.start() + 1).min(c.text.len()));
                        let blank = !written.starts_with(|ch: char| ch.is_ascii_digit());
                        let mk = |sev: Severity, msg: &str, ev: Vec<(String, String)>| Raw {
                            rule: ri,
                            doc: d.idx,
                            clause: ci,
                            hit: Hit { range, severity: Some(sev), message: Some(msg.into()), evidence: ev, ..Default::default() },
                            related: vec![],
                        };
                        if blank {
                            if written.contains('/') || written.is_empty() || written.chars().all(|ch| matches!(ch, '.' | '…' | '/')) {
                                v.push(mk(Severity::Info, "Phụ lục/văn bản kèm theo để trống số của chính văn bản («{cited}»); số, ký hiệu ở phần đầu là {expected}.", vec![("cited".into(), g.as_str().trim().to_string()), ("expected".into(), header.clone())]));
                            }
                            continue;
                        }
                        let k = norm_key(&written);
                        if k == own {
                            // the number agrees; the date must too
                            if let (Some(dt), Some(hd)) = (m.get(3).and_then(|x| parse_date(x.as_str())), d.date)
                                && dt != hd
                            {
                                v.push(mk(Severity::Info, "Văn bản kèm theo ghi ngày {date} cho chính văn bản, phần đầu ghi ngày {expected}.", vec![("cited".into(), written.clone()), ("date".into(), m.get(3).map(|x| x.as_str().to_string()).unwrap_or_default()), ("expected".into(), hd.strftime("%d/%m/%Y").to_string())]));
                            }
                            continue;
                        }
                        // Another document of the same number and year (a different symbol): the
                        // header's own number written wrong. A different number is another document.
                        let parts = |s: &str| {
                            let mut it = s.split('/');
                            (it.next().map(str::to_string), it.next().map(str::to_string))
                        };
                        let (wn, wy) = parts(&k);
                        let (on, oy) = parts(&own);
                        if wn == on && (wy == oy || !has_year_num(&own)) {
                            v.push(mk(Severity::Warning, "Văn bản kèm theo ghi số, ký hiệu của chính văn bản là {cited}, khác phần đầu văn bản ({expected}).", vec![("cited".into(), written.clone()), ("expected".into(), header.clone())]));
                        }
                    }
                }
                v
            })
            .collect()
    }

    // -----------------------------------------------------------------------------------------
    // R11 invalid-delegation-pair

    fn classify(&self, folded: &str) -> Option<String> {
        self.classes
            .iter()
            .find(|(_, r)| r.is_match(folded.trim()))
            .map(|(n, _)| n.clone())
    }

    fn delegation_pair(&self, ri: usize, ctxs: &[DocCtx]) -> Vec<Raw> {
        static RE: LazyLock<Regex> = LazyLock::new(|| {
            rx(
                r"(?P<x>(?:(?:Chủ tịch|Phó Chủ tịch|Giám đốc|Thủ trưởng|Người đứng đầu)\s+)?(?:UBND|Ủy ban nhân dân|HĐND|Hội đồng nhân dân|Sở|Ban|Văn phòng)(?:\s+[\p{L}&\-]+){0,8}?)\s+(?P<mode>phân quyền|phân cấp|ủy quyền|uỷ quyền)\s+cho\s+(?P<y>[^,;.]{3,80}?)\s+(?:thực hiện|quyết định|phê duyệt|ký|giải quyết|cấp (?:giấy|phép|lại|đổi|chứng)|thu hồi|tổ chức|quản lý|thẩm định|ban hành|được|$)",
            )
        });
        static RE_IMPLICIT: LazyLock<Regex> = LazyLock::new(|| {
            rx(
                r"(?:^|[.;:]\s+|Điều\s+\d+\.\s*)(?P<mode>[Pp]hân quyền|[Pp]hân cấp|[Uu]ỷ quyền|[Ủủ]y quyền)\s+cho\s+(?P<y>[^,;.]{3,80}?)\s+(?:thực hiện|quyết định|phê duyệt|ký|giải quyết|cấp (?:giấy|phép|lại|đổi|chứng)|thu hồi|tổ chức|quản lý|thẩm định|ban hành|thẩm quyền|được|$)",
            )
        });
        let excl = self.cues("exclude_before_cues");
        let allowed: HashMap<String, BTreeSet<String>> = ["phan-quyen", "phan-cap", "uy-quyen"]
            .iter()
            .map(|m| {
                (
                    m.to_string(),
                    p_strs(&self.params, &format!("allowed_{}", m.replace('-', "_")))
                        .into_iter()
                        .collect(),
                )
            })
            .collect();
        let warn_pairs: BTreeSet<String> =
            p_strs(&self.params, "warning_pairs").into_iter().collect();
        ctxs.par_iter()
            .filter(|d| d.target && judged(d) && d.local)
            .flat_map_iter(|d| {
                let issuer_class =
                    d.a.doc
                        .meta
                        .issuer
                        .as_deref()
                        .map(rasoat_text::fold)
                        .and_then(|i| self.classify(&i));
                let mut v = Vec::new();
                for (ci, c) in d.clauses.iter().enumerate() {
                    let t = &c.text;
                    let mut found: Vec<(usize, usize, Option<String>, String, String)> = Vec::new();
                    for m in RE.captures_iter(t) {
                        let x = m.name("x").unwrap();
                        found.push((
                            x.start(),
                            m.name("mode").unwrap().end(),
                            Some(rasoat_text::fold(x.as_str())),
                            rasoat_text::fold(&m["mode"]),
                            rasoat_text::fold(&m["y"]),
                        ));
                    }
                    for m in RE_IMPLICIT.captures_iter(t) {
                        let md = m.name("mode").unwrap();
                        if found.iter().any(|f| f.0 <= md.start() && md.start() < f.1) {
                            continue;
                        }
                        found.push((
                            md.start(),
                            md.end(),
                            None,
                            rasoat_text::fold(md.as_str()),
                            rasoat_text::fold(&m["y"]),
                        ));
                    }
                    for (s, e, x, mode, y) in found {
                        if c.context_at(s).is_some() {
                            continue;
                        }
                        let fs = c.to_folded(s);
                        let before = &c.folded[floor(&c.folded, fs.saturating_sub(70))..fs];
                        if excl.iter().any(|r| r.is_match(before)) {
                            continue;
                        }
                        let xc = match &x {
                            Some(x) => self.classify(x),
                            None => issuer_class.clone(),
                        };
                        let (Some(xc), Some(yc)) = (xc, self.classify(&y)) else {
                            continue;
                        };
                        let mode_key = match mode.as_str() {
                            "phan quyen" => "phan-quyen",
                            "phan cap" => "phan-cap",
                            _ => "uy-quyen",
                        };
                        let pair = format!("{xc}>{yc}");
                        if allowed.get(mode_key).is_some_and(|a| a.contains(&pair)) {
                            continue;
                        }
                        let warn = warn_pairs.contains(&format!("{mode_key}:{pair}"));
                        v.push(Raw {
                            rule: ri,
                            doc: d.idx,
                            clause: ci,
                            hit: Hit {
                                range: (s, e),
                                severity: if warn { Some(Severity::Warning) } else { None },
                                evidence: vec![
                                    (
                                        "grantor".into(),
                                        x.unwrap_or_else(|| format!("(cơ quan ban hành: {xc})")),
                                    ),
                                    ("grantor_class".into(), xc),
                                    ("mode".into(), mode),
                                    ("grantee".into(), y),
                                    ("grantee_class".into(), yc),
                                ],
                                ..Default::default()
                            },
                            related: vec![],
                        });
                    }
                }
                v
            })
            .collect()
    }

    // -----------------------------------------------------------------------------------------
    // R13 delegation-without-resources, R14 authorization-missing-term-or-scope

    /// Operative grants "phân cấp cho X" / "ủy quyền cho X" in a document (not proposals,
    /// prohibitions, passive mentions), with the clause index and range.
    fn grants(&self, d: &DocCtx, modes: &Regex) -> Vec<(usize, (usize, usize), String)> {
        let excl = self.cues("exclude_before_cues");
        let mut v = Vec::new();
        for (ci, c) in d.clauses.iter().enumerate() {
            for m in modes.find_iter(&c.folded) {
                let s = c.fmap[m.start()] as usize;
                let e = c.fmap[m.end()] as usize;
                if c.context_at(s).is_some() {
                    continue;
                }
                let before = &c.folded[floor(&c.folded, m.start().saturating_sub(70))..m.start()];
                if excl.iter().any(|r| r.is_match(before)) {
                    continue;
                }
                let after: String = c.folded[m.end()..].chars().take(160).collect();
                v.push((ci, (s, e), after));
            }
        }
        v
    }

    fn resources(&self, ri: usize, ctxs: &[DocCtx]) -> Vec<Raw> {
        static MODES: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"\b(?:phan cap|uy quyen) cho\b").unwrap());
        let res = self.cues("resource_cues");
        let duty = self.cues("duty_cues");
        let report = self.cues("report_cues");
        ctxs.par_iter()
            .filter(|d| d.target && judged(d) && d.local)
            .flat_map_iter(|d| {
                let grants = self.grants(d, &MODES);
                if grants.is_empty() {
                    return vec![];
                }
                let any = |l: &[Regex]| d.clauses.iter().any(|c| l.iter().any(|r| r.is_match(&c.folded)));
                let no_res = !any(res);
                let no_follow = !any(duty) && !any(report);
                if !no_res && !no_follow {
                    return vec![];
                }
                let mut missing = Vec::new();
                if no_res {
                    missing.push("kinh phí, biên chế, nguồn lực, điều kiện bảo đảm");
                }
                if no_follow {
                    missing.push("trách nhiệm hướng dẫn, kiểm tra của bên giao và chế độ báo cáo của bên nhận");
                }
                // What is missing is missing from the document: one finding, at the first grant of
                // the operative text (a Điều before the preamble's "ban hành … phân cấp cho" and an
                // annex heading), the first grant of each other section as related locations.
                let mut seen = BTreeSet::new();
                let mut firsts: Vec<(usize, (usize, usize))> = grants
                    .into_iter()
                    .filter(|(ci, _, _)| seen.insert(d.clauses[*ci].p.id.split('.').next().unwrap_or("").to_string()))
                    .map(|(ci, r, _)| (ci, r))
                    .collect();
                let rank = |ci: usize| match d.clauses[ci].p.id.as_str() {
                    id if id.starts_with("preamble") => 2,
                    id if id.starts_with("phu-luc") => 1,
                    _ => 0,
                };
                let at = (0..firsts.len()).min_by_key(|&i| (rank(firsts[i].0), i)).unwrap_or(0);
                let (ci, r) = firsts.remove(at);
                let related = firsts.into_iter().map(|(c, r)| (d.idx, c, r)).collect();
                vec![Raw { rule: ri, doc: d.idx, clause: ci, hit: Hit { range: r, evidence: vec![("missing".into(), missing.join("; "))], ..Default::default() }, related }]
            })
            .collect()
    }

    fn auth_term(&self, ri: usize, ctxs: &[DocCtx]) -> Vec<Raw> {
        static MODES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\buy quyen cho\b").unwrap());
        let term = self.cues("term_cues");
        let vague = self.cues("vague_scope_cues");
        ctxs.par_iter()
            .filter(|d| d.target && judged(d) && d.local)
            .flat_map_iter(|d| {
                let grants = self.grants(d, &MODES);
                if grants.is_empty() {
                    return vec![];
                }
                let doc_has_term = d
                    .clauses
                    .iter()
                    .any(|c| term.iter().any(|r| r.is_match(&c.folded)));
                let mut v = Vec::new();
                for (ci, r, after) in grants {
                    // Scope: what follows the grantee; empty or only "các nhiệm vụ liên quan" is no scope.
                    let no_scope =
                        after.trim().len() < 12 || vague.iter().any(|x| x.is_match(&after));
                    if doc_has_term && !no_scope {
                        continue;
                    }
                    let mut missing = Vec::new();
                    if !doc_has_term {
                        missing.push("thời hạn ủy quyền");
                    }
                    if no_scope {
                        missing.push("nội dung, phạm vi ủy quyền");
                    }
                    v.push(Raw {
                        rule: ri,
                        doc: d.idx,
                        clause: ci,
                        hit: Hit {
                            range: r,
                            evidence: vec![("missing".into(), missing.join(", "))],
                            ..Default::default()
                        },
                        related: vec![],
                    });
                }
                v
            })
            .collect()
    }

    // -----------------------------------------------------------------------------------------
    // R15 deadline-conflict

    fn deadline(&self, ri: usize, ctxs: &[DocCtx]) -> Vec<Raw> {
        static RE_DL: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?:truoc|cham nhat(?: la)?|khong muon hon|han chot)\s+(?:ngay\s+)?(\d{1,2})(?:\s+thang\s+|\s*/\s*)(\d{1,2})\b").unwrap()
        });
        static RE_VIA: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"\(qua\s+([^)]{3,60})\)").unwrap());
        static RE_VIA_ORIG: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"\(qua\s+([^)]{3,60})\)").unwrap());
        // Recipient on the original text: capitals tell "Sở" from "số" (both fold to "so").
        static RE_TO: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?:[Bb]áo cáo|[Gg]ửi)[^,;.()]{0,80}?\s(?:về\s+|đến\s+|cho\s+|lên\s+)?(?P<to>(?:Ủy ban nhân dân|UBND|Chủ tịch UBND|Sở|Bộ|Văn phòng)\s[\p{L} ]{2,40}?)(?:\s*\(|\s+(?:trước|chậm nhất|để|định kỳ|hằng|hàng|theo|qua|kết quả|tình hình|về|tổng hợp)\b|[,;.]|$)").unwrap()
        });
        static RE_PERIOD: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"bao cao\s+(6 thang|sau thang|quy|thang|nam|dinh ky 6 thang|dinh ky hang quy|dot xuat)\b|(6 thang|sau thang) dau nam").unwrap()
        });
        #[derive(Clone)]
        struct Item {
            doc: usize,
            clause: usize,
            range: (usize, usize),
            to: String,
            shown: String,
            period: String,
            value: String,
            text: String,
        }
        let canon = |s: &str| -> String {
            let s = s.trim().trim_end_matches(" tinh").to_string();
            let s = s.replace("uy ban nhan dan", "ubnd");
            s.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        let items: Vec<Item> = ctxs
            .par_iter()
            .filter(|d| judged(d) && d.local)
            .flat_map_iter(|d| {
                let mut v = Vec::new();
                for (ci, c) in d.clauses.iter().enumerate() {
                    if !c.folded.contains("bao cao") {
                        continue;
                    }
                    // Each sentence with a report, a recipient and a day-month deadline.
                    let mut start = 0;
                    for osent in c.text.split_inclusive(['.', ';', '\n']) {
                        let o0 = start;
                        start += osent.len();
                        let s0 = c.to_folded(o0);
                        let sent = &c.folded[s0..c.to_folded(start)];
                        if !sent.contains("bao cao") {
                            continue;
                        }
                        let Some(dl) = RE_DL.captures(sent) else {
                            continue;
                        };
                        let (Ok(dd), Ok(mm)) = (dl[1].parse::<u32>(), dl[2].parse::<u32>()) else {
                            continue;
                        };
                        if !(1..=31).contains(&dd) || !(1..=12).contains(&mm) {
                            continue;
                        }
                        let _ = &*RE_VIA;
                        let to = RE_VIA_ORIG
                            .captures(osent)
                            .map(|x| x[1].trim().to_string())
                            .or_else(|| RE_TO.captures(osent).map(|x| x["to"].trim().to_string()));
                        let Some(to_shown) = to else { continue };
                        let to = rasoat_text::fold(&to_shown);
                        let period = RE_PERIOD
                            .captures(sent)
                            .map(|x| {
                                let p = x.get(1).or(x.get(2)).map(|m| m.as_str()).unwrap_or("");
                                if p.contains('6') || p.contains("sau") {
                                    "6m".to_string()
                                } else {
                                    p.replace("dinh ky hang ", "")
                                }
                            })
                            .unwrap_or_else(|| {
                                if sent.contains("hang nam") || sent.contains("hang nam") {
                                    "nam".into()
                                } else {
                                    "".into()
                                }
                            });
                        let m = dl.get(0).unwrap();
                        let (a, b) = (s0 + m.start(), s0 + m.end());
                        let range = (c.fmap[a] as usize, c.fmap[b] as usize);
                        if c.context_at(range.0).is_some() {
                            continue;
                        }
                        v.push(Item {
                            doc: d.idx,
                            clause: ci,
                            range,
                            to: canon(&to),
                            shown: to_shown,
                            period,
                            value: format!("{mm:02}-{dd:02}"),
                            text: c.text[range.0..range.1].to_string(),
                        });
                    }
                }
                v
            })
            .collect();
        // Group by (recipient, period); an empty period joins the yearly group (a bare "trước ngày
        // 15/12" deadline for a report is yearly in practice).
        let mut groups: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
        for (i, it) in items.iter().enumerate() {
            let p = if it.period.is_empty() {
                "nam".to_string()
            } else {
                it.period.clone()
            };
            groups.entry((it.to.clone(), p)).or_default().push(i);
        }
        let mut out = Vec::new();
        for ((to, period), idx) in groups {
            let first = &items[idx[0]];
            for &j in &idx[1..] {
                let it = &items[j];
                if it.value == first.value || (it.doc == first.doc && it.clause == first.clause) {
                    continue;
                }
                let period_vi = match period.as_str() {
                    "nam" => "năm",
                    "6m" => "6 tháng",
                    "quy" => "quý",
                    "thang" => "tháng",
                    p => p,
                };
                let _ = &to;
                let hit = Hit {
                    evidence: vec![
                        ("recipient".into(), it.shown.clone()),
                        ("period".into(), period_vi.to_string()),
                        ("deadline".into(), it.text.clone()),
                        ("other".into(), first.text.clone()),
                        ("other_document".into(), ctxs[first.doc].name.clone()),
                    ],
                    ..Default::default()
                };
                if let Some(r) = pair_raw(
                    ri,
                    ctxs,
                    (first.doc, first.clause, first.range),
                    (it.doc, it.clause, it.range),
                    hit,
                ) {
                    out.push(r);
                }
            }
        }
        out
    }

    // -----------------------------------------------------------------------------------------
    // R16 wrong-issuer-for-doc-type

    fn wrong_issuer(&self, ri: usize, ctxs: &[DocCtx]) -> Vec<Raw> {
        // ASCII word boundaries keep the fast DFA on Vietnamese text.
        static RE: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?-u:\b)(\d{1,5})/((?:19|20)\d{2})/([A-ZĐ]{2,4})-([A-ZĐa-zđ]+)").unwrap()
        });
        let pairs: Vec<(
            String,
            Option<Regex>,
            Option<Regex>,
            Option<Date>,
            Option<Severity>,
            String,
        )> = self
            .params
            .get("pairs")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|e| {
                        let t = e.get("type")?.as_str()?.to_string();
                        let allow = e
                            .get("allow")
                            .and_then(|x| x.as_str())
                            .and_then(|x| Regex::new(x).ok());
                        let deny = e
                            .get("deny")
                            .and_then(|x| x.as_str())
                            .and_then(|x| Regex::new(x).ok());
                        let from = e
                            .get("from")
                            .and_then(|x| x.as_str())
                            .and_then(|x| x.parse().ok());
                        let sev = e
                            .get("severity")
                            .and_then(|x| x.as_str())
                            .and_then(Severity::parse);
                        let why = e
                            .get("reason")
                            .and_then(|x| x.as_str())
                            .unwrap_or("")
                            .to_string();
                        Some((t, allow, deny, from, sev, why))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let check = |num: &str, date: Option<Date>| -> Option<(Option<Severity>, String)> {
            let c = RE.captures(num)?;
            let year: i16 = c[2].parse().ok()?;
            let ty = rasoat_text::fold(&c[3]).to_uppercase();
            let iss = c[4].to_string();
            // A symbol cut short by a foreign letter ("NĐ-CР" with a Cyrillic Р reads "NĐ-C")
            // names no issuer at all: that is a malformed symbol, not a wrong issuer.
            let end = c.get(0)?.end();
            if iss.chars().count() < 2
                || num[end..]
                    .chars()
                    .next()
                    .is_some_and(|ch| ch.is_alphabetic())
            {
                return None;
            }
            for (t, allow, deny, from, sev, why) in &pairs {
                if rasoat_text::fold(t).to_uppercase() != ty {
                    continue;
                }
                if let Some(f) = from {
                    // Only the year is known for cited numbers: the cut-off year itself is ambiguous
                    // unless the document's own date is known (conservative).
                    let after = match date {
                        Some(dd) => dd >= *f,
                        None => year > f.year(),
                    };
                    if !after {
                        continue;
                    }
                }
                let bad = allow.as_ref().is_some_and(|a| !a.is_match(&iss))
                    || deny.as_ref().is_some_and(|d| d.is_match(&iss));
                if bad {
                    return Some((*sev, why.clone()));
                }
            }
            None
        };
        let district_from: Option<Date> = self
            .params
            .get("district_issuer_from")
            .and_then(|x| x.as_str())
            .and_then(|x| x.parse().ok());
        ctxs.par_iter()
            .filter(|d| d.target && judged(d))
            .flat_map_iter(|d| {
                let mut v = Vec::new();
                // The document's own number (reported on the first provision, evidence says "own").
                if let Some(num) = &d.a.doc.meta.number {
                    let mut why = check(num, d.date);
                    if why.is_none() && has_year_num(num) {
                        if let (Some(f), Some(dd), Some(iss)) = (district_from, d.date, &d.a.doc.meta.issuer) {
                            let fi = rasoat_text::fold(iss);
                            if dd >= f && (fi.contains(" huyen") || fi.contains(" quan ") || fi.contains(" thi xa")) {
                                why = Some((None, "cấp huyện đã kết thúc hoạt động từ 01/7/2025, không còn thẩm quyền ban hành VBQPPL".into()));
                            }
                        }
                    }
                    if let Some((sev, reason)) = why {
                        if !d.clauses.is_empty() {
                            v.push(Raw { rule: ri, doc: d.idx, clause: usize::MAX, hit: Hit { range: (0, 0), severity: sev, evidence: vec![("number".into(), num.clone()), ("reason".into(), reason)], ..Default::default() }, related: vec![] });
                        }
                    }
                }
                for (ci, c) in d.clauses.iter().enumerate() {
                    if !c.text.contains("/20") && !c.text.contains("/19") {
                        continue;
                    }
                    for m in RE.find_iter(&c.text) {
                        if d.a.doc.meta.number.as_deref().is_some_and(|n| norm_key(n) == norm_key(m.as_str())) {
                            continue;
                        }
                        if let Some((sev, reason)) = check(m.as_str(), None) {
                            v.push(Raw { rule: ri, doc: d.idx, clause: ci, hit: Hit { range: (m.start(), m.end()), severity: sev, evidence: vec![("number".into(), m.as_str().to_string()), ("reason".into(), reason)], ..Default::default() }, related: vec![] });
                        }
                    }
                }
                v
            })
            .collect()
    }

    // -----------------------------------------------------------------------------------------
    // R22 malformed-number-symbol: the symbol grammar (rasoat_extract::symbol) on every symbol
    // written after "số" or a type word.

    fn symbol_grammar(&self, ri: usize, ctxs: &[DocCtx]) -> Vec<Raw> {
        use rasoat_extract::symbol::{DefectKind, check};
        // Kinds another rule already reports (R17: "Nghị định số 30/NĐ-CP").
        let skip_missing_year = p_strs(&self.params, "missing_year_reported_elsewhere");
        ctxs.par_iter()
            .filter(|d| d.target && judged(d))
            .flat_map_iter(|d| {
                let mut v = Vec::new();
                for (ci, c) in d.clauses.iter().enumerate() {
                    for m in RE_SYMBOL.captures_iter(c.text) {
                        let g = m.get(1).unwrap();
                        // glued to more letters or digits: not a symbol read whole
                        if c.text[g.end()..].starts_with(|ch: char| ch.is_alphanumeric()) {
                            continue;
                        }
                        let Some(chk) = check(g.as_str()) else { continue };
                        let defects: Vec<_> = chk
                            .defects
                            .iter()
                            .filter(|x| {
                                !(x.kind == DefectKind::MissingYear
                                    && chk.symbol.type_code.as_deref().is_some_and(|t| {
                                        skip_missing_year.iter().any(|s| s == t)
                                    }))
                            })
                            .collect();
                        if defects.is_empty() {
                            continue;
                        }
                        let sugg = chk.suggestion();
                        // The cited document cannot be told: no probable symbol and no date after it.
                        let after = &c.text[g.end()..floor(&c.text, (g.end() + 12).min(c.text.len()))];
                        let dated = after.trim_start_matches([',', ' ']).starts_with("ngày");
                        // A law named before its number ("Luật Xử lý vi phạm hành chính số …") is
                        // identified by its name.
                        let before = &c.text[floor(&c.text, m.get(0).unwrap().start().saturating_sub(160))..m.get(0).unwrap().start()];
                        let named = ["Luật ", "Bộ luật ", "Pháp lệnh ", "Hiến pháp"].iter().any(|k| before.contains(k));
                        let unidentifiable = sugg.is_none() && !dated && !named;
                        let mut ev = vec![
                            ("cited".into(), g.as_str().to_string()),
                            ("reason".into(), defects.iter().map(|x| x.reason.clone()).collect::<Vec<_>>().join("; ")),
                        ];
                        let message = match &sugg {
                            Some(sg) => {
                                ev.push(("expected".into(), sg.clone()));
                                None
                            }
                            None => Some("Số, ký hiệu «{cited}» sai thể thức: {reason}.".into()),
                        };
                        v.push(Raw {
                            rule: ri,
                            doc: d.idx,
                            clause: ci,
                            hit: Hit {
                                range: (g.start(), g.end()),
                                severity: unidentifiable.then_some(Severity::Warning),
                                evidence: ev,
                                message,
                                suffix: unidentifiable.then(|| " Không xác định được văn bản được viện dẫn (thiếu cả ngày ban hành).".into()),
                                ..Default::default()
                            },
                            related: vec![],
                        });
                    }
                }
                v
            })
            .collect()
    }

    // -----------------------------------------------------------------------------------------
    // R18 first-citation-incomplete

    fn first_citation(&self, ri: usize, ctxs: &[DocCtx]) -> Vec<Raw> {
        // "25/2022/NĐ-CP 12 tháng 4 năm 2022": the date without its "ngày".
        static BARE_DATE: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"^\s*\d{1,2}(?: thang |/|-)\d{1,2}(?: nam |/|-)\d{4}\b").unwrap()
        });
        let exempt = Regex::new(r"(?i)^(?:Hiến pháp|Bộ luật|Luật|Pháp lệnh)$").unwrap();
        ctxs.par_iter()
            .filter(|d| d.target && judged(d))
            .flat_map_iter(|d| {
                let mut seen = BTreeSet::new();
                let mut v = Vec::new();
                for (ci, c) in d.clauses.iter().enumerate() {
                    for x in cites(c) {
                        let Some(num) = &x.number else { continue };
                        if !seen.insert(x.key.clone()) || d.key.as_deref() == Some(x.key.as_str()) {
                            continue;
                        }
                        if exempt.is_match(x.kind.trim())
                            || num.to_uppercase().contains("QH")
                            || x.role != CitationRole::Mention && x.role != CitationRole::Implements
                        {
                            continue;
                        }
                        // "số 5786/SNV-XDCQ&TCBC ngày 13/11/2025", "52/2024/QĐ- UBND ngày …": the
                        // symbol read short of its end still has its date right after.
                        let fe = c.to_folded(x.range.1);
                        let tail = &c.folded
                            [fe..crate::clause::ceil(&c.folded, (fe + 40).min(c.folded.len()))];
                        let dated_after = tail
                            .split([';', ','])
                            .next()
                            .is_some_and(|t| t.contains("ngay ") || BARE_DATE.is_match(t));
                        if x.date.is_none() && !dated_after {
                            v.push(Raw {
                                rule: ri,
                                doc: d.idx,
                                clause: ci,
                                hit: Hit {
                                    range: x.range,
                                    evidence: vec![
                                        ("cited".into(), num.clone()),
                                        ("missing".into(), "ngày ban hành".into()),
                                    ],
                                    ..Default::default()
                                },
                                related: vec![],
                            });
                        }
                    }
                }
                v
            })
            .collect()
    }

    // -----------------------------------------------------------------------------------------
    // R10 redelegation: explicit cues (embedded clause matcher) + chains across the corpus from
    // the extraction's delegation acts (A gives P to B; a clause of B gives P to C).

    fn redelegation(&self, ri: usize, ctxs: &[DocCtx]) -> Vec<Raw> {
        let threshold = p_f64(&self.params, "threshold", 0.8);
        let mut out: Vec<Raw> = Vec::new();
        if let Some((cx, spec)) = &self.clause {
            out = ctxs
                .par_iter()
                .filter(|d| d.target && cx.applies(d))
                .flat_map_iter(|d| {
                    let mut v = Vec::new();
                    for (ci, c) in d.clauses.iter().enumerate() {
                        for hit in cx.run(spec, c) {
                            v.push(Raw {
                                rule: ri,
                                doc: d.idx,
                                clause: ci,
                                hit,
                                related: vec![],
                            });
                        }
                    }
                    v
                })
                .collect();
        }
        #[derive(Clone)]
        struct G {
            doc: usize,
            clause: usize,
            range: (usize, usize),
            mode: rasoat_extract::DelegationMode,
            grantor: String,
            grantee: String,
            scope: String,
        }
        let grants: Vec<G> = ctxs
            .par_iter()
            .filter(|d| judged(d) && d.local)
            .flat_map_iter(|d| {
                let mut v = Vec::new();
                for (ci, c) in d.clauses.iter().enumerate() {
                    let Some(f) = c.facts else { continue };
                    for g in &f.delegations {
                        if g.act != rasoat_extract::DelegationAct::Grant
                            || g.context != Context::Operative
                            || g.scope_key.split_whitespace().count() < 2
                        {
                            continue;
                        }
                        // The grantor is the clause's own subject, else the document's issuer.
                        let grantor = g.grantor.clone().or_else(|| d.a.facts.issuer.clone());
                        let (Some(grantor), Some(grantee)) = (grantor, g.grantee.clone()) else {
                            continue;
                        };
                        v.push(G {
                            doc: d.idx,
                            clause: ci,
                            range: (g.range.start, g.range.end),
                            mode: g.mode,
                            grantor,
                            grantee,
                            scope: g.scope_key.clone(),
                        });
                    }
                }
                v
            })
            .collect();
        // Group by the scope's first word; within a group, pair "received by Y" with "given by Y".
        let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, g) in grants.iter().enumerate() {
            groups
                .entry(g.scope.split_whitespace().next().unwrap_or(""))
                .or_default()
                .push(i);
        }
        use rasoat_extract::DelegationMode as M;
        for idx in groups.values() {
            for &i in idx {
                for &j in idx {
                    let (a, b) = (&grants[i], &grants[j]);
                    if i == j || a.grantee != b.grantor || a.grantor == b.grantee {
                        continue;
                    }
                    if !(a.scope == b.scope || jaccard(&a.scope, &b.scope) >= threshold) {
                        continue;
                    }
                    // Phân quyền (by law) may be phân cấp / ủy quyền onward.
                    let severity = match (a.mode, b.mode) {
                        (M::PhanQuyen, _) | (_, M::PhanQuyen) => continue,
                        (M::PhanCap, M::UyQuyen) => Some(Severity::Warning),
                        (M::UyQuyen, M::PhanCap) => None,
                        _ => None,
                    };
                    if !ctxs[b.doc].target {
                        continue;
                    }
                    let name = |m: M| match m {
                        M::PhanCap => "phân cấp",
                        M::UyQuyen => "ủy quyền",
                        M::PhanQuyen => "phân quyền",
                    };
                    out.push(Raw {
                        rule: ri,
                        doc: b.doc,
                        clause: b.clause,
                        hit: Hit {
                            range: b.range,
                            severity,
                            message: Some("{grantor} {mode} tiếp cho {grantee} việc «{scope}» mà chính mình được {first_mode} ({other_document}) — không được phân cấp, ủy quyền tiếp.".into()),
                            evidence: vec![
                                ("grantor".into(), b.grantor.clone()),
                                ("mode".into(), name(b.mode).into()),
                                ("grantee".into(), b.grantee.clone()),
                                ("scope".into(), b.scope.clone()),
                                ("first_mode".into(), name(a.mode).into()),
                                ("other_document".into(), ctxs[a.doc].name.clone()),
                            ],
                            ..Default::default()
                        },
                        related: vec![(a.doc, a.clause, a.range)],
                    });
                }
            }
        }
        out
    }

    // -----------------------------------------------------------------------------------------
    // R20 dangling-internal-reference

    fn dangling(&self, ri: usize, ctxs: &[DocCtx]) -> Vec<Raw> {
        let appendix = self.cues("appendix_cues");
        static RE_ART: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?:khoản\s+(\d+[a-z]?)\s+)?Điều\s+(\d+[a-z]?)\s+(?:của\s+)?(?:Luật|Bộ luật|Nghị định|Thông tư|Quyết định|Nghị quyết|Quy định|Quy chế|Pháp lệnh)\s+này").unwrap()
        });
        ctxs.par_iter()
            // A data-set law holds the articles the data set selected, not the whole law.
            .filter(|d| d.target && judged(d) && d.a.doc.meta.dataset.is_none())
            .flat_map_iter(|d| {
                let ids: BTreeSet<&str> = d.clauses.iter().map(|c| c.p.id.as_str()).collect();
                // Every id and each of its dotted suffixes ("chuong-1.dieu-5.khoan-2" →
                // "dieu-5.khoan-2", "khoan-2"), and the articles that have khoản children: hash
                // lookups instead of scanning all ids per reference.
                let mut suffixes: std::collections::HashSet<&str> =
                    std::collections::HashSet::new();
                let mut with_khoan: std::collections::HashSet<&str> =
                    std::collections::HashSet::new();
                for id in &ids {
                    suffixes.insert(id);
                    for (i, _) in id.match_indices('.') {
                        suffixes.insert(&id[i + 1..]);
                    }
                    if let Some(k) = id.find(".khoan-") {
                        let art = &id[..k];
                        with_khoan.insert(art);
                        for (i, _) in art.match_indices('.') {
                            with_khoan.insert(&art[i + 1..]);
                        }
                    }
                }
                let has_annex = d
                    .clauses
                    .iter()
                    .any(|c| c.p.kind == rasoat_model::ProvisionKind::PhuLuc)
                    || d.clauses.iter().any(|c| {
                        c.p.heading
                            .as_deref()
                            .map(rasoat_text::fold)
                            .is_some_and(|h| h.trim_start().starts_with("phu luc"))
                    });
                let has_dieu = ids
                    .iter()
                    .any(|i| i.rsplit('.').next().is_some_and(|l| l.starts_with("dieu-")));
                let exists = |suffix: &str| suffixes.contains(suffix);
                let crawled =
                    d.a.doc
                        .warnings
                        .iter()
                        .any(|w| w == rasoat_parse::CRAWLED_PAGE);
                let mut v = Vec::new();
                for (ci, c) in d.clauses.iter().enumerate() {
                    // No appendix at all in a crawled portal page: portals publish appendices as
                    // separate files and the crawl keeps the page only, so the reference cannot be
                    // judged (adjudication: "crawl may have cut it" is not a defect). Say nothing.
                    if !has_annex && !crawled {
                        for r in appendix {
                            for m in r.find_iter(&c.folded) {
                                let range = (c.fmap[m.start()] as usize, c.fmap[m.end()] as usize);
                                if c.context_at(range.0).is_some() || quoted(&c.text, range.0) {
                                    continue;
                                }
                                v.push(Raw {
                                    rule: ri,
                                    doc: d.idx,
                                    clause: ci,
                                    hit: Hit {
                                        range,
                                        evidence: vec![("target".into(), "Phụ lục".into())],
                                        ..Default::default()
                                    },
                                    related: vec![],
                                });
                            }
                        }
                    }
                    if has_dieu {
                        for m in RE_ART.captures_iter(&c.text) {
                            if in_quote(&c.text, m.get(0).unwrap().start()) {
                                continue;
                            }
                            let dieu = format!("dieu-{}", &m[2]);
                            let target = match m.get(1) {
                                Some(k) => format!("{dieu}.khoan-{}", k.as_str()),
                                None => dieu.clone(),
                            };
                            let ok = exists(&target)
                                || (m.get(1).is_some()
                                    && !with_khoan.contains(dieu.as_str())
                                    && exists(&dieu));
                            if !ok {
                                let all = m.get(0).unwrap();
                                v.push(Raw {
                                    rule: ri,
                                    doc: d.idx,
                                    clause: ci,
                                    hit: Hit {
                                        range: (all.start(), all.end()),
                                        evidence: vec![("target".into(), all.as_str().to_string())],
                                        ..Default::default()
                                    },
                                    related: vec![],
                                });
                            }
                        }
                    }
                    // Extraction's part references: internal ones whose targets are checked here
                    // against the provision ids (a reference naming another document is skipped).
                    if let Some(f) = c.facts {
                        for pr in &f.part_refs {
                            if pr.internal
                                && !pr.appendix
                                && pr.document_key.is_none()
                                && !pr.targets.is_empty()
                                && has_dieu
                                && !in_quote(&c.text, pr.range.start)
                            {
                                let fe = c.to_folded(pr.range.end.min(c.text.len()));
                                let after: String = c.folded[fe..].chars().take(40).collect();
                                let external = RE_EXTERNAL.find(&after).is_some_and(|m| {
                                    !after[m.end()..].trim_start().starts_with("nay")
                                });
                                if external
                                    || rasoat_text::fold(&pr.text).trim_end().ends_with(" cua")
                                {
                                    continue;
                                }
                                // "khoản 1 Điều này" targets an article; accept a target when it or its
                                // article exists (the parser may not split every khoản/điểm).
                                let missing = pr.targets.iter().any(|t| {
                                    let art = t
                                        .split('.')
                                        .take_while(|x| !x.starts_with("khoan-"))
                                        .collect::<Vec<_>>()
                                        .join(".");
                                    !exists(t)
                                        && !(exists(&art) && !with_khoan.contains(art.as_str()))
                                });
                                if !missing {
                                    continue;
                                }
                                if v.iter().any(|r: &Raw| {
                                    r.clause == ci
                                        && r.hit.range.0 <= pr.range.start
                                        && pr.range.start < r.hit.range.1.max(r.hit.range.0 + 1)
                                }) {
                                    continue;
                                }
                                v.push(Raw {
                                    rule: ri,
                                    doc: d.idx,
                                    clause: ci,
                                    hit: Hit {
                                        range: (pr.range.start, pr.range.end),
                                        evidence: vec![("target".into(), pr.text.clone())],
                                        ..Default::default()
                                    },
                                    related: vec![],
                                });
                            }
                        }
                    }
                }
                // Collapse repeated appendix hits in one clause.
                v.dedup_by(|a, b| a.clause == b.clause && a.hit.range == b.hit.range);
                v
            })
            .collect()
    }
}

/// A number-symbol as written after "số" or a document type word, in any script (Cyrillic and
/// Greek look-alikes included): `số 58/2024/NĐ-CР`, `Luật … số 64/2025/QH1`, `27/NQ-TW`.
static RE_SYMBOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\b[Ss]ố|Nghị định|Thông tư(?: liên tịch)?|Quyết định|Nghị quyết|Chỉ thị|Kết luận|Công văn|Kế hoạch)\s*:?\s*(\d{1,5}(?:/(?:19|20)\d{2})?/\p{L}[\p{L}&]*\d{0,2}(?:-\p{L}[\p{L}\d&]*)*|\d{1,5}-\p{Lu}{2,4}/\p{Lu}{2,4})")
        .unwrap()
});

/// The document's own number repeated at the head of an attachment: "(Ban hành kèm theo Quyết
/// định số 102/2025/QĐ-UBND ngày … của …)" at the start of a line.
static RE_OWN_ATTACH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)(?:^[\s*_]*\(?|\(\s*)[Bb]an hành kèm theo\s+(Quyết định|Nghị quyết|Kế hoạch|Chỉ thị|Thông tư|Đề án|Chương trình)\s+(?:số\s*:?)?([^)]{0,60}?)(?:\s+ngày\s+([^)]{6,30}?))?\s*(?:của\s[^)]*)?\)").unwrap()
});

/// "Luật Tổ chức chính quyền địa phương" → "Tổ chức chính quyền địa phương" (registry names have no type word).
/// Do two tasks cover the same field? "… trong lĩnh vực y tế" and "… trong lĩnh vực văn hóa"
/// are two tasks; "… trong lĩnh vực quản lý" / "thuộc phạm vi quản lý" is each body's own field.
fn same_field(a: &str, b: &str) -> bool {
    let (a, b) = (rasoat_text::fold(a), rasoat_text::fold(b));
    let own = |t: &str| {
        [
            "linh vuc quan ly",
            "pham vi quan ly",
            "theo chuc nang",
            "cua minh",
            "nganh minh",
            "don vi minh",
            "linh vuc phu trach",
        ]
        .iter()
        .any(|x| t.contains(x))
    };
    if own(&a) || own(&b) {
        return false;
    }
    let field = |t: &str| {
        t.split_once("linh vuc ")
            .map(|(_, r)| r.split_whitespace().take(2).collect::<Vec<_>>().join(" "))
    };
    match (field(&a), field(&b)) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

/// The date a cited document really has, as the corpus says it: a date whose year is the
/// number's year beats one that is not (`06/2021/NĐ-CP ngày 26/01/2025` is the outlier), then
/// the date most documents give; on a tie, the first citation's. None when the dates agree.
fn consensus_date(key: &str, items: &[(usize, Date)]) -> Option<Date> {
    let year: Option<i16> = key
        .rsplit('|')
        .next()
        .and_then(|k| k.split('/').nth(1))
        .and_then(|y| y.parse().ok())
        .filter(|y| (1945..2100).contains(y));
    let mut score: BTreeMap<Date, (bool, std::collections::BTreeSet<usize>)> = BTreeMap::new();
    for &(doc, d) in items {
        let e = score
            .entry(d)
            .or_insert_with(|| (year.is_none_or(|y| y == d.year()), Default::default()));
        e.1.insert(doc);
    }
    if score.len() < 2 {
        return None;
    }
    let mut ranked: Vec<(bool, usize, Date)> = score
        .into_iter()
        .map(|(d, (y, docs))| (y, docs.len(), d))
        .collect();
    ranked.sort_by(|a, b| (b.0, b.1).cmp(&(a.0, a.1)));
    if (ranked[0].0, ranked[0].1) != (ranked[1].0, ranked[1].1) {
        return Some(ranked[0].2);
    }
    // A tie: the texts disagree and none outvotes the other; the first citation stands as the
    // other side (the disagreement itself is the defect).
    items.first().map(|x| x.1)
}

/// [`norm_key`] of a key that may carry a province scope (`Huế|10/2022/NQ-HĐND`).
fn norm_key_scoped(k: &str) -> String {
    match k.split_once('|') {
        Some((p, k)) => format!("{p}|{}", norm_key(k)),
        None => norm_key(k),
    }
}

fn strip_law_word(s: &str) -> String {
    let t = s.trim();
    for p in ["Bộ luật ", "Luật ", "bộ luật ", "luật "] {
        if let Some(r) = t.strip_prefix(p) {
            return r.trim().to_string();
        }
    }
    t.to_string()
}

/// Text right after a part reference that names another document ("… của Luật Đất đai").
static RE_EXTERNAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:cua|tai|theo)?\s*(?:bo luat|luat|nghi dinh|thong tu|nghi quyet|quyet dinh|phap lenh|hien phap)\b").unwrap()
});

/// Inside a quotation (“…”): amending laws quote the new text of another law, whose "Điều n
/// của Bộ luật này" refers to that other law.
/// Inside quoted text: an open “ before, or a closing ” ahead with no “ before it (an amended
/// provision quoted across several clauses: "… theo Phụ lục II kèm theo Nghị quyết này.”.").
fn quoted(text: &str, off: usize) -> bool {
    let after = &text[floor(text, off.min(text.len()))..];
    in_quote(text, off)
        || after
            .find('”')
            .is_some_and(|c| after.find('“').is_none_or(|o| o > c))
}

fn in_quote(text: &str, off: usize) -> bool {
    let before = &text[..floor(text, off.min(text.len()))];
    before.matches('“').count() > before.matches('”').count()
}

/// The year group of a number-symbol ("46/2002/QĐ-UBND" → 2002).
fn year_in_number(n: &str) -> Option<i32> {
    let mut it = n.split('/');
    it.next()?;
    let y = it.next()?.trim();
    (y.len() == 4 && it.next().is_some())
        .then(|| y.parse().ok())
        .flatten()
}

fn has_year_num(n: &str) -> bool {
    crate::ctx::has_year(n)
}

#[cfg(test)]
mod regex_tests {
    use super::*;
    #[test]
    fn r11_regex() {
        let re = rx(
            r"(?P<x>(?:(?:Chủ tịch|Phó Chủ tịch|Giám đốc|Thủ trưởng|Người đứng đầu)\s+)?(?:UBND|Ủy ban nhân dân|HĐND|Hội đồng nhân dân|Sở|Ban|Văn phòng)(?:\s+[\p{L}&\-]+){0,8}?)\s+(?P<mode>phân quyền|phân cấp|ủy quyền|uỷ quyền)\s+cho\s+(?P<y>[^,;.]{3,80}?)\s+(?:thực hiện|quyết định|phê duyệt|ký|giải quyết|cấp (?:giấy|phép|lại|đổi|chứng)|thu hồi|tổ chức|quản lý|thẩm định|ban hành|được|$)",
        );
        let c = re.captures("Sở Nông nghiệp và Môi trường phân cấp cho UBND cấp xã quyết định thu hồi đất nông nghiệp.").expect("match");
        assert_eq!(&c["y"], "UBND cấp xã");
    }
}
