//! The whole review of a set of paths: parse → extract → review → report envelope. Shared by
//! `rasoat review` and `rasoat serve` so both give the same findings.
use crate::{Corpus, Engine, ReviewOptions};
use rasoat_model::Report;
use std::path::PathBuf;

/// Where a review run is, for progress bars and the server's progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Parsing files: `done` of `total` files.
    Parsing,
    Extracting,
    Reviewing,
    /// Listing the documents with their effect status.
    Documents,
}

/// The result of [`review_paths`]: the report (findings, rules, documents) and the analysed
/// corpus it came from.
pub struct Reviewed {
    pub report: Report,
    pub corpus: Corpus,
}

/// Review every file under `paths`. `progress(stage, done, total)` is called from worker threads
/// while parsing (once per file) and once at the start of each later stage.
pub fn review_paths(
    engine: &Engine,
    paths: &[PathBuf],
    opts: &ReviewOptions,
    progress: &(dyn Fn(Stage, usize, usize) + Sync),
) -> Reviewed {
    let (files, mut parse_errors) = rasoat_parse::collect_inputs(paths);
    let total = files.len();
    progress(Stage::Parsing, 0, total);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let parsed: Vec<_> = {
        use rayon::prelude::*;
        files
            .par_iter()
            .map(|p| {
                let r = rasoat_parse::parse_path(p);
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                progress(Stage::Parsing, n, total);
                r
            })
            .collect()
    };
    let mut docs = Vec::new();
    for r in parsed {
        match r {
            Ok(d) => docs.extend(d),
            Err(e) => parse_errors.push(e),
        }
    }
    progress(Stage::Extracting, total, total);
    let analyzed = engine.analyze(docs);
    let provisions: usize = analyzed.iter().map(|a| a.doc.flat().len()).sum();
    let documents = analyzed.len();
    progress(Stage::Reviewing, total, total);
    let corpus = Corpus {
        docs: analyzed,
        parse_errors,
    };
    let findings = engine.review(&corpus, opts);
    progress(Stage::Documents, total, total);
    let mut report = Report::new(
        findings,
        engine.rule_infos(),
        documents,
        provisions,
        0,
        opts.as_of.to_string(),
    );
    report.documents = engine.document_infos(&corpus.docs.iter().collect::<Vec<_>>(), opts.as_of);
    Reviewed { report, corpus }
}
