//! Rule engine and the rule catalog R01–R21. (Being built: see issue 5.)
//!
//! PUBLIC API CONTRACT (used by `rasoat review` and `rasoat check`): keep these
//! names and signatures; bodies are being written.
use rasoat_extract::DocFacts;
use rasoat_model::{Date, Document, Finding, ParseError, RuleInfo, Severity};
use std::path::Path;

/// A rules folder could not be loaded: names the file, line and reason.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct RuleFileError {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

/// A parsed document with its extracted facts.
#[derive(Debug, Clone)]
pub struct Analyzed {
    pub doc: Document,
    pub facts: DocFacts,
}

/// Documents to judge, plus the files that failed to parse (reported as `parse-error` findings).
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub docs: Vec<Analyzed>,
    pub parse_errors: Vec<ParseError>,
}

#[derive(Debug, Clone)]
pub struct ReviewOptions {
    /// Review date R.
    pub as_of: Date,
    /// Drop findings below this severity.
    pub min_severity: Severity,
}

/// Loaded rules plus the extractor they run on.
pub struct Engine {
    _private: (),
}

impl Engine {
    /// Load the rules: the bundled ones, or every `*.toml` in `dir`. With `keep_going`, broken
    /// files are returned as errors and the rest load; without it the first broken file is `Err`.
    pub fn load(dir: Option<&Path>, keep_going: bool) -> Result<(Engine, Vec<RuleFileError>), RuleFileError> {
        let _ = (dir, keep_going);
        todo!("issue 5")
    }
    /// Descriptions of the loaded rules (for SARIF and report legends).
    pub fn rule_infos(&self) -> Vec<RuleInfo> {
        todo!("issue 5")
    }
    /// Extract facts for documents (rayon-parallel).
    pub fn analyze(&self, docs: Vec<Document>) -> Vec<Analyzed> {
        let _ = docs;
        todo!("issue 5")
    }
    /// Review a whole corpus: every rule, every document, cross-document rules within key groups.
    /// Deterministic order.
    pub fn review(&self, corpus: &Corpus, opts: &ReviewOptions) -> Vec<Finding> {
        let _ = (corpus, opts);
        todo!("issue 5")
    }
    /// Check drafts against a corpus: only findings located in the drafts are returned; the corpus
    /// side appears in `related`. Drafts are judged as if issued on `opts.as_of`.
    pub fn check(&self, corpus: &Corpus, drafts: &Corpus, opts: &ReviewOptions) -> Vec<Finding> {
        let _ = (corpus, drafts, opts);
        todo!("issue 5")
    }
}
