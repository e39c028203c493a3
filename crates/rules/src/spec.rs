//! Rule files: the TOML schema, loading (bundled defaults or `--rules DIR`) and
//! compile errors that name the file, the line and the reason.
use crate::RuleFileError;
use rasoat_model::{Date, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// A string from a rule file (a cue, a pattern). Internally tagged tables lose toml's spans, so
/// the line of a bad cue is found by searching the file for the string ([`Spanned::line_in`]).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Spanned<T>(pub T);

impl Spanned<String> {
    pub fn new(_span: std::ops::Range<usize>, s: String) -> Self {
        Spanned(s)
    }
    pub fn get_ref(&self) -> &String {
        &self.0
    }
    /// 1-based line of this string in the rule file (as written, or with TOML escapes doubled).
    pub fn line_in(&self, text: &str) -> usize {
        let s = &self.0;
        text.find(s.as_str())
            .or_else(|| text.find(&s.replace('\\', "\\\\")))
            .map(|i| line_of(text, i))
            .unwrap_or(1)
    }
}

/// One rule file (`rules/<id>.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: String,
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub severity: Severity,
    pub category: String,
    pub handling: String,
    pub legal_basis: String,
    pub description: String,
    /// Message template; placeholders `{match}`, `{agency}`, `{other}`, ... filled per finding.
    pub message: String,
    /// Conservative choices and open questions (catalog §8), shown by `rules show`.
    #[serde(default)]
    pub notes: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Severity drops one level when the document date D is unknown.
    #[serde(default)]
    pub date_dependent: bool,
    /// Only judge local documents (HĐND/UBND of province or commune), not national laws/decrees.
    #[serde(default)]
    pub local_only: bool,
    /// Review-date handling for pre-reform documents (R05–R08, R21).
    #[serde(default)]
    pub reform: Option<ReformSpec>,
    /// Extra named regex fragments usable as `{{NAME}}` in this rule's cues.
    #[serde(default)]
    pub lexicons: BTreeMap<String, String>,
    pub matcher: MatcherSpec,
    #[serde(default)]
    pub examples: Vec<ExampleSpec>,
}

fn yes() -> bool {
    true
}

/// How pre-reform documents still in force are judged (catalog §5 "Review date R").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReformSpec {
    /// Documents dated before this are "pre-reform" (default 2025-07-01).
    #[serde(default = "reform_date")]
    pub change_date: Date,
    /// Severity for a pre-reform document still in force on R.
    #[serde(default = "warn")]
    pub pre_severity: Severity,
    #[serde(default = "kcpp")]
    pub pre_category: String,
    #[serde(default = "pre_handling")]
    pub pre_handling: String,
    /// Appended to the message for pre-reform documents.
    #[serde(default = "pre_suffix")]
    pub pre_suffix: String,
    /// Pre-reform national documents (laws, decrees) are skipped: NQ 190/2025/QH15 moves the
    /// district level's tasks by law, and they are outside the province's rà soát.
    #[serde(default = "yes")]
    pub skip_pre_reform_national: bool,
}

pub fn reform_date() -> Date {
    Date::constant(2025, 7, 1)
}
fn warn() -> Severity {
    Severity::Warning
}
fn kcpp() -> String {
    "không còn phù hợp".into()
}
fn pre_handling() -> String {
    "sửa đổi, bổ sung / thay thế".into()
}
fn pre_suffix() -> String {
    " Văn bản ban hành trước 01/7/2025, còn hiệu lực: phải sửa đổi, bổ sung hoặc thay thế cho phù hợp trước ngày 01/3/2027 (khoản 1 Điều 54 Luật số 72/2025/QH15).".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum MatcherSpec {
    /// Cue-based rule over each clause.
    Clause(ClauseSpec),
    /// A built-in analysis (cross-clause or cross-document) with parameters.
    Analysis {
        analysis: Spanned<String>,
        #[serde(default)]
        params: toml::Table,
    },
}

/// Where a clause rule looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Operative text only (not căn cứ lines, cited titles, Nơi nhận).
    #[default]
    Operative,
    /// Only "Căn cứ ..." lines.
    CanCu,
    /// Everything in the provisions.
    Document,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ClauseSpec {
    #[serde(default)]
    pub scope: Scope,
    /// Regexes over the original (NFC) text. `{{LEX}}` expands a lexicon.
    #[serde(default)]
    pub cues: Vec<Spanned<String>>,
    /// Regexes over the folded text (no diacritics, lower case).
    #[serde(default)]
    pub folded_cues: Vec<Spanned<String>>,
    /// The clause must also contain one of these (folded regexes), if any are given.
    #[serde(default)]
    pub require: Vec<Spanned<String>>,
    /// Clause-level exclusions (folded regexes): the clause is skipped when one matches.
    #[serde(default)]
    pub exclude_clause: Vec<Spanned<String>>,
    /// Exclusions in the window before the match (folded regexes), e.g. negation / proposal.
    #[serde(default)]
    pub exclude_before: Vec<Spanned<String>>,
    #[serde(default = "default_window")]
    pub before_window: usize,
    /// Exclusions right after the match (folded regexes), e.g. "(cũ)".
    #[serde(default)]
    pub exclude_after: Vec<Spanned<String>>,
    #[serde(default = "default_after")]
    pub after_window: usize,
    /// Matches inside a cited title or căn cứ line are reported at this severity (with
    /// `non_operative_message`) instead of being dropped.
    #[serde(default)]
    pub non_operative_severity: Option<Severity>,
    #[serde(default)]
    pub non_operative_message: Option<String>,
    /// Only documents whose own number has no year (administrative documents).
    #[serde(default)]
    pub administrative_only: bool,
    /// Only documents issued by an UBND (symbol `-UBND` or issuer named so).
    #[serde(default)]
    pub ubnd_only: bool,
    /// Only judge documents dated on/after this (when D is known).
    #[serde(default)]
    pub min_doc_date: Option<Date>,
    /// Exclusions on the text from the clause start to the match (folded), e.g. a
    /// distributive collective subject ("các sở, ban, ngành ... phối hợp").
    #[serde(default)]
    pub exclude_subject: Vec<Spanned<String>>,
    /// Skip clauses under a heading matching one of these (folded), e.g. `^de nghi`.
    #[serde(default)]
    pub skip_headings: Vec<Spanned<String>>,
    /// Matches of these cues (original text) get `strong_severity` (e.g. R07 issuer/grantee → error).
    #[serde(default)]
    pub strong_cues: Vec<Spanned<String>>,
    #[serde(default)]
    pub strong_severity: Option<Severity>,
    /// Heading-implied subject: when the clause's own or parent heading matches one of these
    /// (folded) and the clause starts with one of `heading_subject_starts` (folded, use `^`),
    /// the start is a hit; `{subject}` in `heading_subject_message` is the heading.
    #[serde(default)]
    pub heading_subject: Vec<Spanned<String>>,
    #[serde(default)]
    pub heading_subject_starts: Vec<Spanned<String>>,
    #[serde(default)]
    pub heading_subject_message: Option<String>,
    /// The matched body must be the agency of an assignment the extraction found in this clause
    /// (the body is given a role: subject of "chủ trì", object of "giao …"), not merely named
    /// near a role word (a title of a class of people, a possessive "của UBND cấp huyện").
    #[serde(default)]
    pub require_assignee: bool,
    /// Fire only when no body can be the actor: none named before the cue in its sentence,
    /// none implied by a heading ("2. Sở Nội vụ", "Trách nhiệm của Sở …") — the clause is
    /// then that body's own task — and the document is not a quy chế phối hợp, whose
    /// articles say how bodies cooperate.
    #[serde(default)]
    pub require_no_subject: bool,
    /// `{lookup}` in the message: the value of the first entry whose folded regex matches the hit.
    #[serde(default)]
    pub lookup: Vec<LookupSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookupSpec {
    pub pattern: Spanned<String>,
    pub value: String,
}

fn default_window() -> usize {
    30
}
fn default_after() -> usize {
    20
}

/// One example: a set of documents; the rule must fire (or stay quiet) on them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleSpec {
    pub fire: bool,
    #[serde(default)]
    pub note: String,
    /// Review date for this example (default 2026-06-01).
    #[serde(default)]
    pub as_of: Option<Date>,
    /// Expected severity of the (first) finding, when it matters.
    #[serde(default)]
    pub severity: Option<Severity>,
    pub docs: Vec<ExampleDoc>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleDoc {
    pub text: String,
    /// Header overrides, so examples need not spell a full header.
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub date: Option<Date>,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    /// File extension the example is written with (default `txt`; `md` for a crawled page).
    #[serde(default)]
    pub ext: Option<String>,
}

/// The bundled rule files (the defaults).
pub const BUNDLED: &[(&str, &str)] = &[
    (
        "lead-agency-conflict.toml",
        include_str!("../../../rules/lead-agency-conflict.toml"),
    ),
    (
        "task-without-lead.toml",
        include_str!("../../../rules/task-without-lead.toml"),
    ),
    (
        "province-commune-overlap.toml",
        include_str!("../../../rules/province-commune-overlap.toml"),
    ),
    (
        "cross-commune-matter-at-commune.toml",
        include_str!("../../../rules/cross-commune-matter-at-commune.toml"),
    ),
    (
        "abolished-district-assignee.toml",
        include_str!("../../../rules/abolished-district-assignee.toml"),
    ),
    (
        "abolished-unit-reference.toml",
        include_str!("../../../rules/abolished-unit-reference.toml"),
    ),
    (
        "old-province-name.toml",
        include_str!("../../../rules/old-province-name.toml"),
    ),
    (
        "expired-or-replaced-citation.toml",
        include_str!("../../../rules/expired-or-replaced-citation.toml"),
    ),
    (
        "citation-inconsistency.toml",
        include_str!("../../../rules/citation-inconsistency.toml"),
    ),
    (
        "redelegation.toml",
        include_str!("../../../rules/redelegation.toml"),
    ),
    (
        "invalid-delegation-pair.toml",
        include_str!("../../../rules/invalid-delegation-pair.toml"),
    ),
    (
        "decentralization-not-in-normative-doc.toml",
        include_str!("../../../rules/decentralization-not-in-normative-doc.toml"),
    ),
    (
        "delegation-without-resources.toml",
        include_str!("../../../rules/delegation-without-resources.toml"),
    ),
    (
        "authorization-missing-term-or-scope.toml",
        include_str!("../../../rules/authorization-missing-term-or-scope.toml"),
    ),
    (
        "deadline-conflict.toml",
        include_str!("../../../rules/deadline-conflict.toml"),
    ),
    (
        "wrong-issuer-for-doc-type.toml",
        include_str!("../../../rules/wrong-issuer-for-doc-type.toml"),
    ),
    (
        "number-and-date-formality.toml",
        include_str!("../../../rules/number-and-date-formality.toml"),
    ),
    (
        "first-citation-incomplete.toml",
        include_str!("../../../rules/first-citation-incomplete.toml"),
    ),
    (
        "directive-to-non-subordinate.toml",
        include_str!("../../../rules/directive-to-non-subordinate.toml"),
    ),
    (
        "dangling-internal-reference.toml",
        include_str!("../../../rules/dangling-internal-reference.toml"),
    ),
    (
        "merged-agency-assignee.toml",
        include_str!("../../../rules/merged-agency-assignee.toml"),
    ),
    (
        "malformed-number-symbol.toml",
        include_str!("../../../rules/malformed-number-symbol.toml"),
    ),
];

/// 1-based line of a byte offset.
pub fn line_of(src: &str, off: usize) -> usize {
    src.as_bytes()[..off.min(src.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Parse one rule file's text. Errors carry the file name, line and reason.
pub fn parse_rule(file: &str, src: &str) -> Result<RuleSpec, RuleFileError> {
    let spec: RuleSpec = toml::from_str(src).map_err(|e| RuleFileError {
        file: file.to_string(),
        line: e.span().map(|s| line_of(src, s.start)).unwrap_or(1),
        reason: e.message().trim().to_string(),
    })?;
    let bad = |reason: String| RuleFileError {
        file: file.to_string(),
        line: 1,
        reason,
    };
    if spec.id.is_empty()
        || !spec
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(bad(format!(
            "rule id `{}` must be kebab-case ASCII",
            spec.id
        )));
    }
    let stem = Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    if !stem.is_empty() && stem != spec.id {
        return Err(bad(format!(
            "file name `{stem}.toml` does not match rule id `{}`",
            spec.id
        )));
    }
    Ok(spec)
}

/// Read every `*.toml` in `dir` (sorted by name).
pub fn read_dir(dir: &Path) -> Result<Vec<(String, String)>, RuleFileError> {
    let rd = std::fs::read_dir(dir).map_err(|e| RuleFileError {
        file: dir.display().to_string(),
        line: 0,
        reason: format!("cannot read rules folder: {e}"),
    })?;
    let mut files: Vec<_> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().and_then(|x| x.to_str()) == Some("toml") && p.is_file())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for p in files {
        let name = p.display().to_string();
        let text = std::fs::read(&p).map_err(|e| RuleFileError {
            file: name.clone(),
            line: 0,
            reason: format!("cannot read: {e}"),
        })?;
        let text = String::from_utf8(text).map_err(|_| RuleFileError {
            file: name.clone(),
            line: 0,
            reason: "not valid UTF-8".into(),
        })?;
        out.push((name, text));
    }
    if out.is_empty() {
        return Err(RuleFileError {
            file: dir.display().to_string(),
            line: 0,
            reason: "no *.toml rule files in this folder".into(),
        });
    }
    Ok(out)
}
