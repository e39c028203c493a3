//! Query parsing and execution.
//!
//! Free text: short queries are AND (every syllable must match, folded or exact); long
//! natural-language questions are ranked over any of their terms (OR, stop words dropped)
//! and return article-level units. A short AND with no hit falls back to that ranking and
//! says so. `"quoted phrases"` must match in order; `-word` / `-"phrase"` exclude. A query
//! that is a document number returns that document and the provisions citing it.

use crate::analysis::{
    bigram_tokens, exact_bigram_tokens, fold_tokens, numbers_in_query, query_as_number,
};
use crate::cues::{AgencyCue, ExactCue, ProvinceCue};
use crate::writer::{agency_key, type_key};
use crate::{IndexError, SearchIndex};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::ops::Bound;
use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, RangeQuery, RegexQuery,
    TermQuery,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Score, TantivyDocument, Term};

/// Ranking weights, tuned on the data sets' training questions only (bench/retrieval).
/// Short queries (AND) and long questions (ranked over any term) weigh differently: for
/// questions the exact-spelling bigrams carry the signal, for short queries the exact
/// syllable boost puts a diacritic-typed query's exact matches first.
pub struct Weights {
    /// Short queries: exact-spelling re-ranking (score × (1 + w × share of the marked syllables
    /// found as typed); `RASOAT_EXACT_SHORT` overrides it), folded-bigram boost.
    pub exact_short: f32,
    pub bigram_short: f32,
    /// Long questions: exact syllable boost, folded-bigram boost.
    pub exact: f32,
    pub bigram: f32,
    /// Heading/title field (Điều title, ancestor headings).
    pub head: f32,
    /// Long questions: rank article-level units only (1) or any record, best per unit (0).
    pub units_only: f32,
    /// Long questions: bigram boost (exact bigrams if the query has diacritics, else folded).
    pub exact_bigram: f32,
    /// Long questions: a unit scores best record + `second` × its second-best record.
    pub second: f32,
    /// Long questions: drop terms found in more than this share of records (0 = keep all).
    pub df_cut: f32,
    /// Long questions: keep only this many rarest syllables and bigrams (0 = all); bounds the
    /// postings a question walks on a large index.
    pub max_terms: f32,
    /// Long questions: folded bigrams matched against the document's name.
    pub law: f32,
    /// Long questions: score × (1 + head_cover × c²), c = share of the heading's bigrams in the question.
    pub head_cover: f32,
    /// Long questions: cascade with this many first-stage candidates (0 = the default,
    /// negative = no cascade).
    pub cascade: f32,
}

pub const WEIGHTS: Weights = Weights {
    exact_short: 0.6,
    bigram_short: 0.7,
    exact: 0.0,
    bigram: 0.0,
    head: 1.0,
    units_only: 0.0,
    exact_bigram: 1.0,
    second: 0.0,
    df_cut: 0.5,
    max_terms: 0.0,
    law: 2.0,
    head_cover: 0.1,
    cascade: 0.0,
};

/// The weights in use: [`WEIGHTS`], or `RASOAT_SEARCH_WEIGHTS=exact,head,bigram,units_only,
/// exact_bigram,second,df_cut[,max_terms[,law[,head_cover[,cascade]]]]` for the long-question
/// weights (a tuning knob for bench/retrieval).
fn weights() -> &'static Weights {
    static W: std::sync::OnceLock<Weights> = std::sync::OnceLock::new();
    W.get_or_init(|| {
        let mut w = Weights { ..WEIGHTS };
        if let Ok(v) = std::env::var("RASOAT_SEARCH_WEIGHTS") {
            let n: Vec<f32> = v.split(',').filter_map(|x| x.trim().parse().ok()).collect();
            // The first seven are required together; the later ones are optional, in order.
            if n.len() >= 7 {
                let slots = [
                    &mut w.exact,
                    &mut w.head,
                    &mut w.bigram,
                    &mut w.units_only,
                    &mut w.exact_bigram,
                    &mut w.second,
                    &mut w.df_cut,
                    &mut w.max_terms,
                    &mut w.law,
                    &mut w.head_cover,
                    &mut w.cascade,
                ];
                for (slot, v) in slots.into_iter().zip(n) {
                    *slot = v;
                }
            }
        }
        w
    })
}

/// Records from which an index counts as large for query pruning (≈ 80 MB of law text).
const LARGE_INDEX_RECORDS: f32 = 200_000.0;
/// Document-frequency cut (share of records) for long questions on a large index.
const LARGE_DF_CUT: f32 = 0.3;

/// First-stage candidates of the cascade used for questions (records).
const CASCADE_CANDIDATES: usize = 300;

/// More terms than this (after stop words) make a query a natural-language question.
const LONG_QUERY_TERMS: usize = 6;

/// Folded function words of questions and statements ("Thưa luật sư, cho tôi hỏi … không?").
/// They do not count towards making a query long, are dropped from a short query's fallback and
/// from folded bigrams made only of them; a query made only of them is rejected. Long questions
/// keep them as terms (the df cut drops the commonest).
const STOP_WORDS: &[&str] = &[
    "thua", "xin", "hoi", "cho", "toi", "em", "chau", "minh", "a", "vay", "nhu", "the", "nao",
    "gi", "sao", "khong", "la", "cua", "va", "cac", "nhung", "mot", "nay", "do", "thi", "ma", "o",
    "voi", "de", "duoc", "bi", "co", "trong", "ve", "tu", "den", "khi", "neu", "nhe", "vui",
    "long", "giup", "hay", "hoac", "rat", "cam", "on", "da", "dang", "se", "ra", "vao", "nhieu",
    "it", "bao", "phai", "can", "muon", "biet", "rang", "con", "nua", "luc", "ay", "kia", "day",
    "sau", "truoc", "tren", "duoi", "theo", "tai", "boi", "vi", "nen", "cung", "van", "chi", "moi",
    "tung", "ca", "nguoi", "dieu", "khoan",
];

fn is_stop(t: &str) -> bool {
    STOP_WORDS.contains(&t)
}

#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Document type code or name (`KH`, `QĐ`, `Kế hoạch`).
    pub doc_type: Option<String>,
    pub issuer: Option<String>,
    pub agency: Option<String>,
    /// Role name (`chu-tri`, `phoi-hop` ...).
    pub role: Option<String>,
    pub from: Option<jiff::civil::Date>,
    pub to: Option<jiff::civil::Date>,
    pub in_force: bool,
}

impl Filters {
    /// No filter set: a query is needed.
    pub fn is_empty(&self) -> bool {
        self.doc_type.is_none()
            && self.issuer.is_none()
            && self.agency.is_none()
            && self.role.is_none()
            && self.from.is_none()
            && self.to.is_none()
            && !self.in_force
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SearchMode {
    /// Every term must match.
    All,
    /// Ranked over any term (long question, or fallback).
    Any,
    /// The query is a document number: the document, then provisions citing it.
    Number,
    /// Only filters (no text).
    Filter,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub rank: usize,
    pub score: f32,
    /// `document` or `provision`.
    pub kind: String,
    pub document: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Effect status when known (`replaced by …`); absent when nothing says it is out of force.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effect: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provision: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    pub file: String,
    pub line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u64>,
    /// Best passage in the original spelling; matched words between `**`.
    pub snippet: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub agencies: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub law_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article_id: Option<String>,
    /// Why it matched in number mode: `document` or `cites`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchResult {
    pub query: String,
    pub mode: SearchMode,
    /// A short query had no provision with all its terms; results rank any term.
    pub fallback: bool,
    pub hits: Vec<Hit>,
    /// Microseconds spent in search (parse, execute, snippets), measured in-process.
    pub took_us: u64,
}

/// The pieces of a query string.
#[derive(Debug, Default, PartialEq)]
pub struct ParsedQuery {
    /// Free text with phrases and exclusions removed (punctuation kept for bigram breaks).
    pub plain: String,
    pub phrases: Vec<String>,
    pub negs: Vec<String>,
}

pub fn parse_query(q: &str) -> ParsedQuery {
    let mut out = ParsedQuery::default();
    let chars: Vec<char> = q.chars().collect();
    let mut i = 0;
    let is_quote = |c: char| matches!(c, '"' | '“' | '”');
    while i < chars.len() {
        let c = chars[i];
        let at_word_start = i == 0 || chars[i - 1].is_whitespace();
        if c == '-' && at_word_start && i + 1 < chars.len() && !chars[i + 1].is_whitespace() {
            // Exclusion: -word or -"phrase".
            i += 1;
            let mut s = String::new();
            if is_quote(chars[i]) {
                i += 1;
                while i < chars.len() && !is_quote(chars[i]) {
                    s.push(chars[i]);
                    i += 1;
                }
                i += 1;
            } else {
                while i < chars.len() && !chars[i].is_whitespace() {
                    s.push(chars[i]);
                    i += 1;
                }
            }
            if !s.trim().is_empty() {
                out.negs.push(s.trim().to_string());
            }
            continue;
        }
        if is_quote(c) {
            i += 1;
            let mut s = String::new();
            while i < chars.len() && !is_quote(chars[i]) {
                s.push(chars[i]);
                i += 1;
            }
            i += 1;
            if !s.trim().is_empty() {
                out.phrases.push(s.trim().to_string());
            }
            // Phrase boundary breaks bigrams of the surrounding text.
            out.plain.push_str(" . ");
            continue;
        }
        out.plain.push(c);
        i += 1;
    }
    out
}

/// Clauses of a boolean query.
type Clauses = Vec<(Occur, Box<dyn Query>)>;

fn term_q(t: Term, boost: f32) -> Box<dyn Query> {
    let q: Box<dyn Query> = Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs));
    if (boost - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

fn filter_q(q: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    // Filters must not change ranking: zero weight.
    (Occur::Must, Box::new(BoostQuery::new(q, 0.0)))
}

fn phrase_or_term(field: tantivy::schema::Field, toks: &[String]) -> Option<Box<dyn Query>> {
    match toks.len() {
        0 => None,
        1 => Some(Box::new(TermQuery::new(
            Term::from_field_text(field, &toks[0]),
            IndexRecordOption::WithFreqs,
        ))),
        _ => Some(Box::new(PhraseQuery::new(
            toks.iter()
                .map(|t| Term::from_field_text(field, t))
                .collect(),
        ))),
    }
}

fn has_diacritics(s: &str) -> bool {
    !s.is_ascii()
}

/// Weight of a synonym's match relative to the words typed (query expansion);
/// `RASOAT_SYNONYM_WEIGHT` overrides (benchmarks, 0 = off).
fn synonym_weight() -> f32 {
    static W: std::sync::OnceLock<f32> = std::sync::OnceLock::new();
    *W.get_or_init(|| {
        std::env::var("RASOAT_SYNONYM_WEIGHT")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.25)
    })
}
/// Weight of an agency named in a task query matched in a record's heading (a "Sở X:" block).
const AGENCY_HEAD_WEIGHT: f32 = 2.0;
/// Weight of the agency's role tags (chủ trì / thực hiện) extracted from a record.
const AGENCY_ROLE_WEIGHT: f32 = 1.0;

/// Synonym groups of legal Vietnamese, as folded token lists (`rules/data/synonyms.toml`).
fn synonyms() -> &'static Vec<Vec<Vec<String>>> {
    static S: std::sync::OnceLock<Vec<Vec<Vec<String>>>> = std::sync::OnceLock::new();
    S.get_or_init(|| {
        #[derive(serde::Deserialize)]
        struct File {
            group: Vec<Group>,
        }
        #[derive(serde::Deserialize)]
        struct Group {
            terms: Vec<String>,
        }
        let f: File = toml::from_str(include_str!("../../../rules/data/synonyms.toml"))
            .expect("rules/data/synonyms.toml is valid");
        f.group
            .into_iter()
            .map(|g| {
                g.terms
                    .iter()
                    .map(|t| fold_tokens(t))
                    .filter(|t| !t.is_empty())
                    .collect()
            })
            .collect()
    })
}

fn contains_seq(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Synonyms of the phrases a query contains (folded token lists), not already in the query.
pub fn expansions(query_tokens: &[String]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for g in synonyms() {
        if g.iter().any(|t| contains_seq(query_tokens, t)) {
            for t in g {
                if !contains_seq(query_tokens, t) && !out.contains(t) {
                    out.push(t.clone());
                }
            }
        }
    }
    out
}

fn extractor() -> Option<&'static rasoat_extract::Extractor> {
    static E: std::sync::OnceLock<Option<rasoat_extract::Extractor>> = std::sync::OnceLock::new();
    E.get_or_init(|| rasoat_extract::Extractor::bundled().ok())
        .as_ref()
}

/// The query asks for the tasks or role of a body ("nhiệm vụ của …", "… chủ trì …").
fn asks_tasks(q: &str) -> bool {
    let f = format!(" {} ", rasoat_text::collapse_spaces(&rasoat_text::fold(q)));
    [
        "nhiem vu",
        "trach nhiem",
        "chu tri",
        "phoi hop",
        "to chuc thuc hien",
        "giao",
    ]
    .iter()
    .any(|c| f.contains(&format!(" {c} ")))
}

/// Bodies given tasks in a task query ("nhiệm vụ của Sở Nội vụ trong kế hoạch …"): (gazetteer
/// id, folded tokens as written). Empty when the query asks no task or names no single body.
pub fn task_agencies(q: &str) -> Vec<(String, Vec<String>)> {
    let f = rasoat_text::fold(q);
    const CUES: &[&str] = &[
        "nhiem vu",
        "trach nhiem",
        "giao ",
        "chu tri",
        "phoi hop",
        "to chuc thuc hien",
        "lam gi",
        "co quan nao",
        "ai ",
    ];
    // Whole words only: "ai" is in "ngoài", "Quảng Ngãi", "Lai Châu".
    let padded = format!(" {} ", f.split_whitespace().collect::<Vec<_>>().join(" "));
    if !CUES
        .iter()
        .any(|c| padded.contains(&format!(" {} ", c.trim())))
    {
        return Vec::new();
    }
    let Some(x) = extractor() else {
        return Vec::new();
    };
    x.find_agencies(q)
        .into_iter()
        .map(|m| (m.id, fold_tokens(&m.surface)))
        .filter(|(_, t)| t.len() >= 2)
        .collect()
}

impl SearchIndex {
    /// Run one query. `Err(IndexError::Query)` for an empty or stop-word-only query.
    pub fn search(
        &self,
        q: &str,
        filters: &Filters,
        limit: usize,
    ) -> Result<SearchResult, IndexError> {
        let t0 = std::time::Instant::now();
        let q = rasoat_text::nfc(q);
        let limit = limit.max(1);
        let mut res = if let Some(key) = query_as_number(&q) {
            let r = self.search_number(&q, &key, filters, limit)?;
            if r.hits.is_empty() {
                self.search_text(&q, filters, limit)?
            } else {
                r
            }
        } else {
            let docs = self.number_documents(&q, filters)?;
            let mut r = self.search_text(&q, filters, limit)?;
            if !docs.is_empty() {
                // The document the query names by number comes first (its opening), then the text.
                let mut hits = docs;
                for h in r.hits {
                    if hits.len() >= limit {
                        break;
                    }
                    if !hits.iter().any(|d| d.file == h.file && d.line == h.line) {
                        hits.push(h);
                    }
                }
                r.hits = rank(hits);
            }
            r
        };
        res.took_us = t0.elapsed().as_micros() as u64;
        Ok(res)
    }

    fn filter_clauses(&self, f: &Filters) -> Result<Clauses, IndexError> {
        let fl = &self.fields;
        let mut v = Vec::new();
        if let Some(t) = &f.doc_type {
            v.push(filter_q(term_q(
                Term::from_field_text(fl.doc_type, &type_key(t)),
                1.0,
            )));
        }
        if let Some(i) = &f.issuer {
            let toks = fold_tokens(i);
            if toks.is_empty() {
                return Err(IndexError::Query(format!(
                    "--issuer {i:?} has no searchable word"
                )));
            }
            let sub: Vec<(Occur, Box<dyn Query>)> = toks
                .iter()
                .map(|t| {
                    (
                        Occur::Must,
                        term_q(Term::from_field_text(fl.issuer, t), 1.0),
                    )
                })
                .collect();
            v.push(filter_q(Box::new(BooleanQuery::new(sub))));
        }
        let role = f
            .role
            .as_ref()
            .map(|r| rasoat_text::fold(r).trim().replace([' ', '_'], "-"));
        match (&f.agency, &role) {
            (Some(a), Some(r)) => {
                // "agency X has role R" in the same provision.
                let sub: Vec<(Occur, Box<dyn Query>)> =
                    [format!("{r}@{}", agency_key(a)), format!("{r}@{a}")]
                        .into_iter()
                        .map(|k| {
                            (
                                Occur::Should,
                                term_q(Term::from_field_text(fl.role, &k), 1.0),
                            )
                        })
                        .collect();
                v.push(filter_q(Box::new(BooleanQuery::new(sub))));
            }
            (Some(a), None) => {
                let sub: Vec<(Occur, Box<dyn Query>)> = [agency_key(a), a.trim().to_string()]
                    .into_iter()
                    .map(|k| {
                        (
                            Occur::Should,
                            term_q(Term::from_field_text(fl.agency, &k), 1.0),
                        )
                    })
                    .collect();
                v.push(filter_q(Box::new(BooleanQuery::new(sub))));
            }
            (None, Some(r)) => v.push(filter_q(term_q(Term::from_field_text(fl.role, r), 1.0))),
            (None, None) => {}
        }
        if f.from.is_some() || f.to.is_some() {
            let num = |d: &jiff::civil::Date| {
                (d.year() as u64) * 10000 + (d.month() as u64) * 100 + d.day() as u64
            };
            let lo = f
                .from
                .as_ref()
                .map(|d| Bound::Included(Term::from_field_u64(fl.date, num(d))))
                .unwrap_or(Bound::Unbounded);
            let hi =
                f.to.as_ref()
                    .map(|d| Bound::Included(Term::from_field_u64(fl.date, num(d))))
                    .unwrap_or(Bound::Unbounded);
            v.push(filter_q(Box::new(RangeQuery::new(lo, hi))));
        }
        if f.in_force {
            for k in self.effects.keys() {
                v.push((
                    Occur::MustNot,
                    term_q(Term::from_field_text(fl.doc_key, k), 1.0),
                ));
            }
        }
        Ok(v)
    }

    /// Documents a free-text query names by number, written in any spelling
    /// (`95/2025/QD-UBND nghe an`, `quyet dinh 53 2025 cao bang`): their document records,
    /// best first, the query's other words matched against issuer and title.
    fn number_documents(&self, q: &str, filters: &Filters) -> Result<Vec<Hit>, IndexError> {
        let fl = &self.fields;
        let mut keys: Vec<Box<dyn Query>> = numbers_in_query(q)
            .into_iter()
            .map(|k| term_q(Term::from_field_text(fl.doc_key, &k), 1.0))
            .collect();
        let folded = rasoat_text::fold(q);
        if keys.is_empty() {
            // "quyết định 53 2025": a type word, a number and a year.
            static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
            let re = RE.get_or_init(|| {
                regex::Regex::new(
                    r"\b(quyet dinh|nghi quyet|ke hoach|cong van|chi thi|thong bao|qd|nq|kh)\s+(?:so\s+)?0*(\d{1,5})\s*[ /-]\s*(?:nam\s+)?((?:19|20)\d{2})\b",
                )
                .expect("static regex")
            });
            for c in re.captures_iter(&folded) {
                let pat = format!("{}/{}/.*", &c[2], &c[3]);
                if let Ok(rq) = RegexQuery::from_pattern(&pat, fl.doc_key) {
                    keys.push(Box::new(rq));
                }
            }
        }
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut clauses: Clauses = vec![
            (
                Occur::Must,
                Box::new(BoostQuery::new(
                    Box::new(BooleanQuery::new(
                        keys.into_iter().map(|k| (Occur::Should, k)).collect(),
                    )),
                    0.0,
                )),
            ),
            filter_q(term_q(Term::from_field_text(fl.kind, "document"), 1.0)),
        ];
        for t in fold_tokens(q).iter().filter(|t| !is_stop(t)) {
            clauses.push((
                Occur::Should,
                term_q(Term::from_field_text(fl.issuer, t), 1.0),
            ));
            clauses.push((
                Occur::Should,
                term_q(Term::from_field_text(fl.text, t), 0.5),
            ));
        }
        clauses.extend(self.filter_clauses(filters)?);
        let mut hits = self.collect(&BooleanQuery::new(clauses), 2, &mut HashSet::new(), true)?;
        for h in &mut hits {
            h.matched = Some("document".into());
        }
        Ok(hits)
    }

    fn search_number(
        &self,
        q: &str,
        key: &str,
        filters: &Filters,
        limit: usize,
    ) -> Result<SearchResult, IndexError> {
        let fl = &self.fields;
        let doc_q: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
            (
                Occur::Must,
                term_q(Term::from_field_text(fl.doc_key, key), 1.0),
            ),
            (
                Occur::Must,
                term_q(Term::from_field_text(fl.kind, "document"), 1.0),
            ),
        ]));
        let cite_q = term_q(Term::from_field_text(fl.nums, key), 1.0);
        let mut hits = Vec::new();
        let mut seen = HashSet::new();
        for (which, sub) in [("document", doc_q), ("cites", cite_q)] {
            let mut clauses = vec![(Occur::Must, sub)];
            clauses.extend(self.filter_clauses(filters)?);
            let query = BooleanQuery::new(clauses);
            let mut part =
                self.collect(&query, limit.saturating_sub(hits.len()), &mut seen, true)?;
            for h in &mut part {
                h.matched = Some(which.to_string());
            }
            hits.extend(part);
            if hits.len() >= limit {
                break;
            }
        }
        for (i, h) in hits.iter_mut().enumerate() {
            h.rank = i + 1;
        }
        Ok(SearchResult {
            query: q.to_string(),
            mode: SearchMode::Number,
            fallback: false,
            hits,
            took_us: 0,
        })
    }

    fn search_text(
        &self,
        q: &str,
        filters: &Filters,
        limit: usize,
    ) -> Result<SearchResult, IndexError> {
        let fl = &self.fields;
        let pq = parse_query(q);
        let fold_all = fold_tokens(&pq.plain);
        let content: Vec<&String> = fold_all.iter().filter(|t| !is_stop(t)).collect();
        let folded_q = rasoat_text::fold(q);
        let question_cue = ["thua ", "cho hoi", "xin hoi", "toi muon hoi"]
            .iter()
            .any(|c| folded_q.trim_start().starts_with(c))
            || (q.trim_end().ends_with('?') && content.len() > 3);
        let long = content.len() > LONG_QUERY_TERMS || question_cue;

        if fold_all.is_empty() && pq.phrases.is_empty() {
            if !pq.negs.is_empty() {
                return Err(IndexError::Query(
                    "the query only excludes words; add a word or phrase to search for".into(),
                ));
            }
            if filters.is_empty() {
                return Err(IndexError::Query(
                    "empty query: type some words, a \"phrase\" or a document number".into(),
                ));
            }
            // Filters only: list matching provisions.
            let mut clauses = vec![(
                Occur::Must,
                term_q(Term::from_field_text(fl.kind, "provision"), 1.0),
            )];
            clauses.extend(self.filter_clauses(filters)?);
            let hits = self.collect(
                &BooleanQuery::new(clauses),
                limit,
                &mut HashSet::new(),
                false,
            )?;
            return Ok(SearchResult {
                query: q.to_string(),
                mode: SearchMode::Filter,
                fallback: false,
                hits: rank(hits),
                took_us: 0,
            });
        }
        if content.is_empty() && pq.phrases.is_empty() {
            return Err(IndexError::Query(format!(
                "the query {:?} has only stop words (e.g. \"của\", \"và\", \"là\"); add a content word",
                q.trim()
            )));
        }

        let use_exact = has_diacritics(&pq.plain);
        // The query's bigrams, each once, in order: folded, and exact when typed with marks.
        let unique = |v: Vec<String>| -> Vec<String> {
            let mut seen = HashSet::new();
            v.into_iter().filter(|b| seen.insert(b.clone())).collect()
        };
        let bigrams = unique(bigram_tokens(&pq.plain));
        let exact_bigrams = if use_exact {
            unique(exact_bigram_tokens(&pq.plain))
        } else {
            Vec::new()
        };
        let provinces = query_provinces(&fold_all);
        let in_province = |i: usize| provinces.iter().any(|p| p.span.0 <= i && i < p.span.1);
        let searcher = self.reader.searcher();
        let n_docs = searcher.num_docs().max(1) as f32;
        // Large index: long questions are pruned harder (stop words dropped, lower df cut, rarest
        // terms only): common terms' postings grow with the index and dominate latency.
        let large = n_docs > LARGE_INDEX_RECORDS;
        // Per-term parts: folded body, headings (boosted), exact body (boosted, when the term has
        // diacritics). Short queries AND them as one clause per term; questions add them flat.
        let term_parts = |fold_t: &str| -> Vec<(Occur, Box<dyn Query>)> {
            vec![
                (
                    Occur::Should,
                    term_q(Term::from_field_text(fl.text, fold_t), 1.0),
                ),
                (
                    Occur::Should,
                    term_q(Term::from_field_text(fl.head, fold_t), weights().head),
                ),
            ]
        };

        // Long questions on a big index: only the rarest terms (they carry the ranking anyway).
        let rarest =
            |field: tantivy::schema::Field, terms: Vec<String>| -> Option<HashSet<String>> {
                // Unset: unlimited on ordinary indexes, 16 on large ones, where walking every common
                // term's postings would dominate latency.
                let k = if weights().max_terms > 0.0 {
                    weights().max_terms as usize
                } else if large {
                    16
                } else {
                    0
                };
                if !long || k == 0 || terms.len() <= k {
                    return None;
                }
                let mut v: Vec<(u64, String)> = terms
                    .into_iter()
                    .map(|t| {
                        (
                            searcher
                                .doc_freq(&Term::from_field_text(field, &t))
                                .unwrap_or(0),
                            t,
                        )
                    })
                    .collect();
                v.sort();
                Some(v.into_iter().take(k).map(|x| x.1).collect())
            };
        let keep_uni = rarest(
            fl.text,
            content
                .iter()
                .map(|s| s.to_string())
                .collect::<HashSet<_>>()
                .into_iter()
                .collect(),
        );
        let keep_bi = rarest(
            if use_exact {
                fl.text_bigram_exact
            } else {
                fl.text_bigram
            },
            if use_exact {
                exact_bigrams.clone()
            } else {
                bigrams.clone()
            },
        );
        let syns = expansions(&fold_all);
        let agencies = task_agencies(q);
        let rerank = Rerank {
            heads: None,
            // Short queries typed with marks: the candidates' exact spelling, scored on their text.
            exact: (use_exact && !long)
                .then(|| ExactCue::new(&pq.plain, &pq.phrases, exact_short_weight())),
            // Only when the query asks for a body's tasks: a question "cơ quan nào …?" over the
            // laws is answered by the article on the power, not by the body's own heading
            // (measured: ALQAC 2024 R@1 −0.03 when every agency question was re-ranked).
            agencies: (!agencies.is_empty() && asks_tasks(q)).then(|| AgencyCue {
                agencies: agencies
                    .iter()
                    .map(|(id, t)| (id.clone(), t.join(" ")))
                    .collect(),
                weight: AGENCY_RERANK,
            }),
        };
        let has_digit = q.chars().any(|c| c.is_ascii_digit());
        // `first`: the first stage of a cascade (bigrams, law names, phrases and filters only).
        let build = |any: bool, first: bool| -> Result<BooleanQuery, IndexError> {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            let mut seen = HashSet::new();
            for (i, f) in fold_all.iter().enumerate().filter(|_| !first) {
                if !any && in_province(i) {
                    continue; // required as a whole below, in the text or as the issuer's
                }
                // Long questions keep function words as terms (the df cut below drops the
                // commonest): measured, "có", "được", "người" … carry signal in legal questions
                // (+0.003–0.008 MRR@10 on every set). Short-query fallbacks and large indexes
                // (latency) drop them.
                if any && (!long || large) && is_stop(f) {
                    continue;
                }
                if any && keep_uni.as_ref().is_some_and(|k| !k.contains(f)) {
                    continue;
                }
                if any && long && weights().df_cut > 0.0 {
                    let df = searcher
                        .doc_freq(&Term::from_field_text(fl.text, f))
                        .unwrap_or(0) as f32;
                    let cut = if large {
                        weights().df_cut.min(LARGE_DF_CUT)
                    } else {
                        weights().df_cut
                    };
                    if df > cut * n_docs {
                        continue;
                    }
                }
                if !seen.insert(f.clone()) {
                    continue;
                }
                if any {
                    // Flat disjunction of term queries: lets tantivy use block-max WAND for top-k.
                    clauses.extend(term_parts(f));
                } else {
                    clauses.push((Occur::Must, Box::new(BooleanQuery::new(term_parts(f)))));
                }
            }
            let wb = if long {
                weights().bigram
            } else {
                weights().bigram_short
            };
            // Long questions typed without marks use folded bigrams at the exact-bigram weight.
            let wb = if long && !use_exact {
                wb.max(weights().exact_bigram)
            } else {
                wb
            };
            for b in &bigrams {
                if wb <= 0.0 || b.split('_').all(is_stop) {
                    continue;
                }
                if any && !use_exact && keep_bi.as_ref().is_some_and(|k| !k.contains(b)) {
                    continue;
                }
                clauses.push((
                    Occur::Should,
                    term_q(Term::from_field_text(fl.text_bigram, b), wb),
                ));
            }
            for p in &provinces {
                if let Some(q) = province_q(fl, p, any) {
                    clauses.push(q);
                }
            }
            for p in &pq.phrases {
                let toks = fold_tokens(p);
                if let Some(pq) = phrase_or_term(fl.text, &toks) {
                    clauses.push((Occur::Must, pq));
                }
            }
            for n in &pq.negs {
                if let Some(nq) = phrase_or_term(fl.text, &fold_tokens(n)) {
                    clauses.push((Occur::MustNot, nq));
                }
            }
            if long && use_exact && weights().exact_bigram > 0.0 {
                for b in &exact_bigrams {
                    if keep_bi.as_ref().is_some_and(|k| !k.contains(b)) {
                        continue;
                    }
                    clauses.push((
                        Occur::Should,
                        term_q(
                            Term::from_field_text(fl.text_bigram_exact, b),
                            weights().exact_bigram,
                        ),
                    ));
                }
            }
            if long && weights().law > 0.0 {
                for b in bigrams.iter().filter(|b| !b.split('_').all(is_stop)) {
                    clauses.push((
                        Occur::Should,
                        term_q(Term::from_field_text(fl.law_bigram, b), weights().law),
                    ));
                }
            }
            // Synonyms of the query's phrases, at a lower weight (rules/data/synonyms.toml).
            for syn in syns.iter().filter(|_| synonym_weight() > 0.0) {
                if let Some(sq) = phrase_or_term(fl.text, syn) {
                    clauses.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(sq, synonym_weight())),
                    ));
                }
            }
            // A task query names a body: its "Sở X:" block and the clauses giving it a role.
            for (id, toks) in &agencies {
                if let Some(hq) = phrase_or_term(fl.head, toks) {
                    clauses.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(hq, AGENCY_HEAD_WEIGHT)),
                    ));
                }
                for r in ["chu-tri", "thuc-hien", "tham-muu", "chiu-trach-nhiem"] {
                    clauses.push((
                        Occur::Should,
                        term_q(
                            Term::from_field_text(fl.role, &format!("{r}@{id}")),
                            AGENCY_ROLE_WEIGHT,
                        ),
                    ));
                }
            }
            if !has_digit {
                // Text queries answer with clauses; a document's opening answers its number.
                clauses.push((
                    Occur::MustNot,
                    term_q(Term::from_field_text(fl.kind, "document"), 1.0),
                ));
            }
            if any && long && weights().units_only > 0.5 {
                // Questions are answered by articles: rank article-level units only.
                clauses.push(filter_q(term_q(Term::from_field_text(fl.unit, "y"), 1.0)));
            }
            clauses.extend(self.filter_clauses(filters)?);
            if !clauses.iter().any(|(o, _)| *o != Occur::MustNot) {
                clauses.push((Occur::Must, Box::new(EmptyQuery)));
            }
            Ok(BooleanQuery::new(clauses))
        };

        if long {
            let query = build(true, false)?;
            let hits = if weights().second > 0.0 {
                self.collect_aggregated(&query, limit, weights().second)?
            } else {
                let qb: HashSet<String> = bigrams.iter().cloned().collect();
                let rr = Rerank {
                    heads: (weights().head_cover > 0.0).then_some(&qb),
                    exact: None,
                    agencies: rerank.agencies,
                };
                // Cascade: candidates from the rare terms (bigrams, law names), then the full
                // question scores only those. Measured on the four data sets: the same MRR@10 as
                // scoring every record, and 4-6x faster at 1 GB (bench/retrieval/scale.py).
                let n1 = if weights().cascade < 0.0 {
                    0
                } else if weights().cascade > 0.0 {
                    weights().cascade as usize
                } else {
                    CASCADE_CANDIDATES
                };
                let first = if n1 > 0 {
                    Some(build(true, true)?)
                } else {
                    None
                };
                let first = first
                    .as_ref()
                    .filter(|q| q.clauses().iter().any(|(o, _)| *o == Occur::Should))
                    .map(|q| (q as &dyn Query, n1));
                self.collect_with(&query, limit, &mut HashSet::new(), true, &rr, first)?
            };
            return Ok(SearchResult {
                query: q.to_string(),
                mode: SearchMode::Any,
                fallback: false,
                hits: rank(hits),
                took_us: 0,
            });
        }
        let query = build(false, false)?;
        let hits = self.collect_with(&query, limit, &mut HashSet::new(), true, &rerank, None)?;
        if !hits.is_empty() || fold_all.len() < 2 {
            return Ok(SearchResult {
                query: q.to_string(),
                mode: SearchMode::All,
                fallback: false,
                hits: rank(hits),
                took_us: 0,
            });
        }
        let query = build(true, false)?;
        let hits = self.collect_with(&query, limit, &mut HashSet::new(), true, &rerank, None)?;
        Ok(SearchResult {
            query: q.to_string(),
            mode: SearchMode::Any,
            fallback: true,
            hits: rank(hits),
            took_us: 0,
        })
    }

    /// Rank units by best record + `second` × second-best record (an article whose text and one
    /// of its clauses both match beats one matching once), then show each unit's best record.
    fn collect_aggregated(
        &self,
        query: &dyn Query,
        limit: usize,
        second: f32,
    ) -> Result<Vec<Hit>, IndexError> {
        let fl = &self.fields;
        let searcher = self.reader.searcher();
        let top: Vec<(Score, DocAddress)> = searcher
            .search(
                query,
                &TopDocs::with_limit((limit * 10).max(100)).order_by_score(),
            )
            .map_err(|e| IndexError::Other(e.to_string()))?;
        let mut units: Vec<(u64, Vec<(Score, DocAddress)>)> = Vec::new();
        let mut pos: HashMap<u64, usize> = Default::default();
        for (sc, addr) in top {
            let unit = self.unit_of(&searcher, addr);
            let i = *pos.entry(unit).or_insert_with(|| {
                units.push((unit, Vec::new()));
                units.len() - 1
            });
            units[i].1.push((sc, addr));
        }
        let mut ranked: Vec<(Score, DocAddress)> = units
            .iter()
            .map(|(_, v)| {
                (
                    v[0].0 + second * v.get(1).map(|x| x.0).unwrap_or(0.0),
                    v[0].1,
                )
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.truncate(limit);
        let mut g = SnippetGenerator::create(&searcher, query, fl.text)
            .map_err(|e| IndexError::Other(e.to_string()))?;
        g.set_max_num_chars(220);
        let mut hits = Vec::new();
        for (sc, addr) in ranked {
            hits.push(self.hit(&searcher, addr, sc, Some(&mut g))?);
        }
        Ok(hits)
    }

    /// Unit key of a record from the `unit_hash` fast column (no stored-document read).
    fn unit_of(&self, searcher: &tantivy::Searcher, addr: DocAddress) -> u64 {
        searcher
            .segment_reader(addr.segment_ord)
            .fast_fields()
            .u64("unit_hash")
            .ok()
            .and_then(|c| c.first(addr.doc_id))
            .unwrap_or(addr.doc_id as u64 ^ ((addr.segment_ord as u64) << 40))
    }

    /// Build the displayed hit of one record.
    fn hit(
        &self,
        searcher: &tantivy::Searcher,
        addr: DocAddress,
        score: Score,
        snip: Option<&mut SnippetGenerator>,
    ) -> Result<Hit, IndexError> {
        Ok(self.hit_of(&self.doc(searcher, addr)?, score, snip))
    }

    /// A stored record; a read failure means the index is damaged.
    fn doc(
        &self,
        searcher: &tantivy::Searcher,
        addr: DocAddress,
    ) -> Result<TantivyDocument, IndexError> {
        searcher.doc(addr).map_err(|e| IndexError::Corrupt {
            dir: self.dir.display().to_string(),
            reason: e.to_string(),
        })
    }

    /// The displayed hit of a stored record.
    fn hit_of(
        &self,
        d: &TantivyDocument,
        score: Score,
        snip: Option<&mut SnippetGenerator>,
    ) -> Hit {
        let fl = &self.fields;
        let s = |f| d.get_first(f).and_then(|v| v.as_str()).map(String::from);
        let text = s(fl.text).unwrap_or_default();
        let snippet = match snip {
            Some(g) => {
                let mut sn = g.snippet(&text);
                sn.set_snippet_prefix_postfix("**", "**");
                let html = sn.to_html();
                if sn.is_empty() {
                    first_chars(&text, 220)
                } else {
                    unescape_html(&html)
                }
            }
            None => first_chars(&text, 220),
        };
        let doc_key = s(fl.doc_key);
        let date = d
            .get_first(fl.date)
            .and_then(|v| v.as_u64())
            .map(|n| format!("{:04}-{:02}-{:02}", n / 10000, (n / 100) % 100, n % 100));
        Hit {
            rank: 0,
            score,
            kind: s(fl.kind).unwrap_or_default(),
            document: s(fl.doc).unwrap_or_default(),
            title: s(fl.title),
            doc_type: s(fl.doc_type),
            issuer: s(fl.issuer),
            date,
            effect: doc_key.as_ref().and_then(|k| self.effects.get(k).cloned()),
            provision: s(fl.pid),
            label: s(fl.label),
            heading: s(fl.heading),
            file: s(fl.file).unwrap_or_default(),
            line: d.get_first(fl.line).and_then(|v| v.as_u64()).unwrap_or(0),
            end_line: d.get_first(fl.end_line).and_then(|v| v.as_u64()),
            snippet,
            agencies: d
                .get_all(fl.agency_name)
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            roles: d
                .get_all(fl.role)
                .filter_map(|v| v.as_str().map(String::from))
                .filter(|r| !r.contains('@'))
                .collect(),
            law_id: s(fl.law_id),
            article_id: s(fl.article_id),
            matched: None,
        }
    }

    /// Execute, keep the best hit per unit (an article and its clauses are one result), build hits.
    fn collect(
        &self,
        query: &dyn Query,
        limit: usize,
        seen_units: &mut HashSet<u64>,
        snippets: bool,
    ) -> Result<Vec<Hit>, IndexError> {
        self.collect_with(query, limit, seen_units, snippets, &Rerank::default(), None)
    }

    /// [`collect`], and for questions (`heads` = the question's folded bigrams) each candidate's
    /// score is raised by the share of its heading's bigrams the question contains: a question that
    /// restates an article's heading ("Cơ sở cai nghiện ma túy tự nguyện là …") is about that article.
    fn collect_with(
        &self,
        query: &dyn Query,
        limit: usize,
        seen_units: &mut HashSet<u64>,
        snippets: bool,
        rr: &Rerank<'_>,
        first: Option<(&dyn Query, usize)>,
    ) -> Result<Vec<Hit>, IndexError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let fl = &self.fields;
        let searcher = self.reader.searcher();
        // A task query's block may rank below the plan's other clauses before the re-ranking.
        let mut fetch = if rr.agencies.is_some() {
            limit * 10 + 20
        } else {
            limit * 3 + 10
        };
        loop {
            let (mut top, exhausted) = match first {
                Some((fq, n1)) => {
                    let mut t = rescore(&searcher, query, fq, n1.max(fetch))?;
                    let exhausted = t.len() < n1.max(fetch);
                    t.truncate(fetch);
                    (t, exhausted || fetch >= n1)
                }
                None => {
                    let t: Vec<(Score, DocAddress)> = searcher
                        .search(query, &TopDocs::with_limit(fetch).order_by_score())
                        .map_err(|e| IndexError::Other(e.to_string()))?;
                    let exhausted = t.len() < fetch;
                    (t, exhausted)
                }
            };
            // Records read for the re-ranking are kept for building the hits.
            let mut read: HashMap<DocAddress, TantivyDocument> = HashMap::new();
            if !rr.is_empty() {
                for (sc, addr) in top.iter_mut() {
                    let d = self.doc(&searcher, *addr)?;
                    *sc *= rr.factor(fl, &d);
                    read.insert(*addr, d);
                }
                top.sort_by(|a, b| b.0.total_cmp(&a.0));
            }
            let mut chosen = Vec::new();
            let mut local_seen = seen_units.clone();
            for (score, addr) in &top {
                if local_seen.insert(self.unit_of(&searcher, *addr)) {
                    chosen.push((*score, *addr));
                    if chosen.len() >= limit {
                        break;
                    }
                }
            }
            if chosen.len() >= limit || exhausted || fetch > 5000 {
                *seen_units = local_seen;
                let mut snip = if snippets {
                    let mut g = SnippetGenerator::create(&searcher, query, fl.text)
                        .map_err(|e| IndexError::Other(e.to_string()))?;
                    g.set_max_num_chars(220);
                    Some(g)
                } else {
                    None
                };
                let mut hits = Vec::new();
                for (score, addr) in chosen {
                    let d = match read.remove(&addr) {
                        Some(d) => d,
                        None => self.doc(&searcher, addr)?,
                    };
                    hits.push(self.hit_of(&d, score, snip.as_mut()));
                }
                return Ok(hits);
            }
            fetch *= 4;
        }
    }
}

/// Second stage of a cascade: the top `n1` records of the cheap `first` query, scored by the
/// full `query` (each segment's scorer seeks the candidates in doc order), best first.
pub(crate) fn rescore(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    first: &dyn Query,
    n1: usize,
) -> Result<Vec<(Score, DocAddress)>, IndexError> {
    let err = |e: tantivy::TantivyError| IndexError::Other(e.to_string());
    let cands: Vec<(Score, DocAddress)> = searcher
        .search(first, &TopDocs::with_limit(n1).order_by_score())
        .map_err(err)?;
    let mut by_seg: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
    for (_, a) in &cands {
        by_seg.entry(a.segment_ord).or_default().push(a.doc_id);
    }
    let scoring = tantivy::query::EnableScoring::enabled_from_searcher(searcher);
    // A flat boolean query is scored clause by clause: seeking each clause's own scorer to the
    // few candidates skips through its postings, where seeking the union of all clauses refills
    // the union's 4,096-document window at every candidate (measured: 38 % of a server's search
    // time on the reviewer questions).
    let parts: Vec<(Occur, Box<dyn tantivy::query::Weight>)> =
        match query.downcast_ref::<BooleanQuery>() {
            Some(b) => b
                .clauses()
                .iter()
                .map(|(o, q)| q.weight(scoring).map(|w| (*o, w)))
                .collect::<Result<_, _>>()
                .map_err(err)?,
            None => vec![(Occur::Must, query.weight(scoring).map_err(err)?)],
        };
    let mut out = Vec::with_capacity(cands.len());
    for (seg, mut docs) in by_seg {
        docs.sort_unstable();
        let reader = searcher.segment_reader(seg);
        let mut scorers = parts
            .iter()
            .map(|(o, w)| w.scorer(reader, 1.0).map(|s| (*o, s)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(err)?;
        for d in docs {
            if let Some(score) = score_at(&mut scorers, d) {
                out.push((score, DocAddress::new(seg, d)));
            }
        }
    }
    out.sort_by(|a, b| b.0.total_cmp(&a.0));
    Ok(out)
}

/// The score of document `d` under a boolean query's clause scorers (BM25 sum, as tantivy's
/// boolean scorer computes it), or None when it does not match: a Must clause misses, a MustNot
/// clause matches, or no clause at all matches. Calls must come in increasing `d`.
fn score_at(
    scorers: &mut [(Occur, Box<dyn tantivy::query::Scorer>)],
    d: tantivy::DocId,
) -> Option<Score> {
    let mut score = 0.0;
    let mut matched = false;
    for (occur, sc) in scorers.iter_mut() {
        let hit = sc.doc() == d || (sc.doc() < d && sc.seek(d) == d);
        match (*occur, hit) {
            (Occur::MustNot, true) | (Occur::Must, false) => return None,
            (Occur::Must | Occur::Should, true) => {
                score += sc.score();
                matched = true;
            }
            _ => {}
        }
    }
    matched.then_some(score)
}

/// Second-stage cues of one search, applied to each candidate record's stored fields.
#[derive(Default)]
pub(crate) struct Rerank<'a> {
    /// Questions: the question's folded bigrams, for the heading coverage.
    heads: Option<&'a HashSet<String>>,
    exact: Option<ExactCue>,
    agencies: Option<AgencyCue>,
}

impl Rerank<'_> {
    fn is_empty(&self) -> bool {
        self.heads.is_none() && self.exact.is_none() && self.agencies.is_none()
    }

    fn factor(&self, fl: &crate::schema::Fields, d: &TantivyDocument) -> f32 {
        let text = |f| d.get_first(f).and_then(|v| v.as_str()).unwrap_or("");
        let mut x = 1.0;
        if let Some(qb) = self.heads {
            let cover = heading_cover(text(fl.head), qb);
            x *= 1.0 + weights().head_cover * cover * cover;
        }
        if let Some(e) = &self.exact {
            x *= e.factor(text(fl.text));
        }
        if let Some(a) = self.agencies.as_ref().filter(|_| !is_law_record(fl, d)) {
            let roles: Vec<&str> = d.get_all(fl.role).filter_map(|v| v.as_str()).collect();
            x *= a.factor(text(fl.head), &roles);
        }
        x
    }
}

/// A record of a law, decree or circular (or a data set's law): its articles state powers and
/// duties in general; a body's block in a plan is what the task re-ranking looks for (measured:
/// re-ranking law articles by the body's heading cost ALQAC 2024 R@1 0.03).
fn is_law_record(fl: &crate::schema::Fields, d: &TantivyDocument) -> bool {
    d.get_first(fl.law_id).is_some()
        || d.get_all(fl.doc_type).filter_map(|v| v.as_str()).any(|t| {
            matches!(
                t,
                "luat"
                    | "boluat"
                    | "hienphap"
                    | "phaplenh"
                    | "nghidinh"
                    | "thongtu"
                    | "thongtulientich"
                    | "nd"
                    | "tt"
                    | "ttlt"
                    | "pl"
                    | "hp"
            )
        })
}

/// Weight of a task query's body in the re-ranking (× (1 + w) for its block).
const AGENCY_RERANK: f32 = 1.0;

/// Short queries: weight of the exact spelling (`RASOAT_EXACT_SHORT` overrides it, for tuning).
fn exact_short_weight() -> f32 {
    std::env::var("RASOAT_EXACT_SHORT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(weights().exact_short)
}

/// Provinces the query names (bare "Quảng Trị", former names mapped to today's).
fn query_provinces(fold_all: &[String]) -> Vec<ProvinceCue> {
    static KEYS: std::sync::OnceLock<Vec<(Vec<String>, Vec<String>)>> = std::sync::OnceLock::new();
    let keys = KEYS.get_or_init(|| crate::cues::province_keys(extractor()));
    crate::cues::provinces_in(fold_all, keys)
}

/// The clause of a province the query names. Short queries (all words required): the name in the
/// text or heading, or the document issued there (its issuer: "UBND tỉnh Quảng Trị"). Questions:
/// documents issued there are favoured.
fn province_q(
    fl: &crate::schema::Fields,
    p: &ProvinceCue,
    any: bool,
) -> Option<(Occur, Box<dyn Query>)> {
    let issuer = phrase_or_term(fl.issuer, &p.today)?;
    if any {
        return Some((
            Occur::Should,
            Box::new(BoostQuery::new(issuer, PROVINCE_WEIGHT)),
        ));
    }
    let mut alts: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, issuer)];
    for f in [fl.text, fl.head] {
        if let Some(q) = phrase_or_term(f, &p.written) {
            alts.push((Occur::Should, q));
        }
    }
    Some((Occur::Must, Box::new(BooleanQuery::new(alts))))
}

/// Questions: weight of the issuer matching the province the question names.
const PROVINCE_WEIGHT: f32 = 1.0;

/// Best share, over the heading lines of a record (its own and its ancestors'), of the line's
/// folded bigrams found in the question's bigrams `qb`. One-word headings ("Thưởng") say too
/// little and count 0.
fn heading_cover(head: &str, qb: &HashSet<String>) -> f32 {
    head.lines()
        .map(|l| {
            let bs = bigram_tokens(l);
            if bs.len() < 2 {
                0.0
            } else {
                bs.iter().filter(|b| qb.contains(*b)).count() as f32 / bs.len() as f32
            }
        })
        .fold(0.0, f32::max)
}

fn rank(mut hits: Vec<Hit>) -> Vec<Hit> {
    for (i, h) in hits.iter_mut().enumerate() {
        h.rank = i + 1;
    }
    hits
}

fn first_chars(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// Snippet::to_html escapes the text; we print plain text with `**` marks.
fn unescape_html(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod parse_tests {
    use super::*;

    #[test]
    fn heading_cover_counts_the_heading_words_a_question_restates() {
        let qb: HashSet<String> =
            bigram_tokens("Cơ sở cai nghiện ma túy tự nguyện là do cơ quan nhà nước thành lập")
                .into_iter()
                .collect();
        assert_eq!(
            heading_cover("Chương III\nCơ sở cai nghiện ma túy tự nguyện", &qb),
            1.0
        );
        // cai nghiện, nghiện ma, ma túy of six bigrams.
        assert_eq!(heading_cover("Cai nghiện ma túy tại gia đình", &qb), 0.5);
        assert_eq!(
            heading_cover("Thưởng", &qb),
            0.0,
            "a one-word heading says too little"
        );
        assert_eq!(heading_cover("", &qb), 0.0);
    }

    #[test]
    fn parses_phrases_and_negations() {
        let p = parse_query(r#"phân cấp "chủ trì thẩm định" -huyện -"cấp huyện" 28/NQ-HĐND"#);
        assert_eq!(p.phrases, ["chủ trì thẩm định"]);
        assert_eq!(p.negs, ["huyện", "cấp huyện"]);
        assert!(p.plain.contains("phân cấp"));
        assert!(p.plain.contains("28/NQ-HĐND"));
        assert!(!p.plain.contains("huyện"));
    }
}
