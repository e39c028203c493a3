//! `rasoat rules test`: run every rule's own examples (text that must fire, text that must stay
//! quiet) through the real pipeline (parse → extract → review) and count TP/FP/TN/FN.
use crate::{Corpus, Engine, ReviewOptions};
use rasoat_model::{Date, Finding, Severity};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Clone, Default)]
pub struct RuleScore {
    pub id: String,
    pub code: String,
    pub tp: usize,
    pub fp: usize,
    pub tn: usize,
    pub fn_: usize,
    /// Human-readable descriptions of every miss.
    pub misses: Vec<String>,
}

impl RuleScore {
    pub fn ok(&self) -> bool {
        self.fp == 0 && self.fn_ == 0 && self.tp >= 1 && self.tn >= 1
    }
}

static SEQ: AtomicUsize = AtomicUsize::new(0);

/// Parse example documents from text through the real parser (via temporary files), applying
/// the example's header overrides.
pub fn example_corpus(
    engine: &Engine,
    ex: &crate::spec::ExampleSpec,
) -> Result<(Corpus, PathBuf), String> {
    let dir = std::env::temp_dir().join(format!(
        "rasoat-rules-test-{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut docs = Vec::new();
    let mut parse_errors = Vec::new();
    for (i, d) in ex.docs.iter().enumerate() {
        let ext = d.ext.as_deref().unwrap_or("txt");
        if ext.is_empty() || !ext.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(format!(
                "example document extension {ext:?}: letters and digits only"
            ));
        }
        let path = dir.join(format!("vd-{}.{ext}", i + 1));
        std::fs::write(&path, d.text.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
        match rasoat_parse::parse_path(&path) {
            Ok(parsed) => {
                for mut doc in parsed {
                    if let Some(n) = &d.number {
                        doc.meta.number = Some(n.clone());
                        doc.meta.normative = crate::ctx::has_year(n);
                    }
                    if let Some(dt) = d.date {
                        doc.meta.date = Some(dt);
                    }
                    if let Some(iss) = &d.issuer {
                        doc.meta.issuer = Some(iss.clone());
                    }
                    if let Some(t) = &d.title {
                        doc.meta.title = Some(t.clone());
                    }
                    docs.push(doc);
                }
            }
            Err(e) => parse_errors.push(e),
        }
    }
    let mut analyzed = engine.analyze(docs);
    // Header overrides win over what extraction inferred (examples spell no full header).
    for (a, d) in analyzed.iter_mut().zip(ex.docs.iter()) {
        if let Some(dt) = d.date {
            a.facts.date = Some(dt);
            a.facts.date_from_header = true;
        }
        if let Some(n) = &d.number {
            a.facts.key = Some(crate::ctx::norm_key(n));
        }
    }
    Ok((
        Corpus {
            docs: analyzed,
            parse_errors,
        },
        dir,
    ))
}

/// Default review date of examples.
pub fn default_as_of() -> Date {
    Date::constant(2026, 6, 1)
}

/// Run every example of every loaded rule (or only `only`).
pub fn run_all(engine: &Engine, only: Option<&str>) -> Vec<RuleScore> {
    let mut out = Vec::new();
    for spec in engine.specs() {
        if only.is_some_and(|o| o != spec.id && o != spec.code) {
            continue;
        }
        let mut score = RuleScore {
            id: spec.id.clone(),
            code: spec.code.clone(),
            ..Default::default()
        };
        for (i, ex) in spec.examples.iter().enumerate() {
            let label = format!(
                "{} example #{} ({})",
                spec.id,
                i + 1,
                if ex.fire {
                    "must fire"
                } else {
                    "must stay quiet"
                }
            );
            let (corpus, dir) = match example_corpus(engine, ex) {
                Ok(x) => x,
                Err(e) => {
                    score
                        .misses
                        .push(format!("{label}: cannot build example: {e}"));
                    if ex.fire {
                        score.fn_ += 1
                    } else {
                        score.fp += 1
                    }
                    continue;
                }
            };
            let opts = ReviewOptions {
                as_of: ex.as_of.unwrap_or_else(default_as_of),
                min_severity: Severity::Info,
            };
            let findings = engine.review(&corpus, &opts);
            let _ = std::fs::remove_dir_all(&dir);
            let mine: Vec<&Finding> = findings.iter().filter(|f| f.rule == spec.id).collect();
            let note = if ex.note.is_empty() {
                String::new()
            } else {
                format!(" [{}]", ex.note)
            };
            match (ex.fire, mine.is_empty()) {
                (true, false) => {
                    if let Some(want) = ex.severity {
                        if mine[0].severity != want {
                            score.fn_ += 1;
                            score.misses.push(format!(
                                "{label}{note}: fired with severity {} but {} was expected: {}",
                                mine[0].severity, want, mine[0].message
                            ));
                            continue;
                        }
                    }
                    score.tp += 1
                }
                (true, true) => {
                    score.fn_ += 1;
                    let other: Vec<String> = findings.iter().map(|f| f.rule.clone()).collect();
                    score.misses.push(format!(
                        "{label}{note}: did not fire (other findings: {})",
                        if other.is_empty() {
                            "none".into()
                        } else {
                            other.join(", ")
                        }
                    ));
                }
                (false, true) => score.tn += 1,
                (false, false) => {
                    score.fp += 1;
                    score.misses.push(format!(
                        "{label}{note}: fired: {} «{}»",
                        mine[0].message,
                        mine[0].location.snippet.clone().unwrap_or_default()
                    ));
                }
            }
        }
        out.push(score);
    }
    out
}
