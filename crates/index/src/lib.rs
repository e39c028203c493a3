//! Search index (tantivy) with Vietnamese analysis, over provisions.
//!
//! * [`analysis`]: the analyzers (folded, exact, syllable bigrams) and number-symbol keys.
//! * [`writer::update`]: build or incrementally update an index folder from source files.
//! * [`SearchIndex::open`] + [`SearchIndex::search`]: queries with filters, ranked provisions.

pub mod analysis;
pub mod cues;
pub mod lock;
pub mod manifest;
pub mod query;
pub mod schema;
pub mod writer;

pub use manifest::Manifest;
pub use query::{Filters, Hit, SearchMode, SearchResult};
pub use writer::{FactsFn, ParseFn, Progress, UpdateOptions, UpdateStats, update};

use schema::Fields;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tantivy::{Index, IndexReader, ReloadPolicy};

/// Facts for the index from the bundled extractor: agencies and roles per provision,
/// replace/repeal edges (used by `rasoat index`, `rasoat search` and `rasoat serve`).
pub fn bundled_facts(d: &rasoat_model::Document) -> Option<rasoat_extract::DocFacts> {
    static EX: std::sync::OnceLock<Option<rasoat_extract::Extractor>> = std::sync::OnceLock::new();
    let ex = EX.get_or_init(|| match rasoat_extract::Extractor::bundled() {
        Ok(x) => Some(x),
        Err(e) => {
            // Search still works without agencies/roles; say why the filters will be empty.
            eprintln!("rasoat: warning: extraction unavailable ({e}); --agency/--role filters will find nothing");
            None
        }
    });
    ex.as_ref().map(|x| x.extract(d))
}

/// Default index folder (relative to the working directory).
pub const DEFAULT_DIR: &str = ".rasoat/index";

const REBUILD_HINT: &str = "rebuild with `rasoat index --rebuild`";

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("no search index at {0}; build one with `rasoat index [PATH...]`")]
    Missing(String),
    #[error("search index at {dir} is out of date ({reason}); {REBUILD_HINT}")]
    Stale { dir: String, reason: String },
    #[error("search index at {dir} is unreadable or corrupt ({reason}); {REBUILD_HINT}")]
    Corrupt { dir: String, reason: String },
    #[error("{0}: {1}")]
    Io(String, String),
    #[error("{0}")]
    Query(String),
    #[error("{0}")]
    Other(String),
}

impl IndexError {
    /// Errors the user caused (bad query) rather than the machine.
    pub fn is_usage(&self) -> bool {
        matches!(self, IndexError::Query(_))
    }
}

/// How a query uses the cores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchThreads {
    /// One query at a time (the terminal): its segments are searched in parallel.
    PerQuery,
    /// Many queries at once (the server): each runs on one thread. Measured on 2 cores with 32
    /// connections: 1,572 req/s, p99 38 ms, against 796 req/s, p99 83 ms with segment-parallel
    /// queries (the pool's hand-offs cost more than they save when every core is busy anyway).
    PerRequest,
}

/// Open the tantivy index in `dir` and register rasoat's analyzers on it.
pub(crate) fn open_index_dir(dir: &Path, mode: SearchThreads) -> Result<Index, IndexError> {
    let index = Index::open_in_dir(dir).map_err(|e| IndexError::Corrupt {
        dir: dir.display().to_string(),
        reason: e.to_string(),
    })?;
    // Custom tokenizers are not persisted by tantivy: register on every open.
    analysis::register(&index);
    // Segments are searched in parallel (one thread per core, at most one per segment);
    // `RASOAT_SEARCH_THREADS` overrides (benchmarks).
    let mut index = index;
    let segments = index.searchable_segment_ids().map(|s| s.len()).unwrap_or(1);
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let threads = std::env::var("RASOAT_SEARCH_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(match mode {
            SearchThreads::PerQuery => cores.min(segments),
            SearchThreads::PerRequest => 1,
        });
    if threads > 1 {
        let _ = index.set_multithread_executor(threads);
    }
    Ok(index)
}

/// An opened index, ready for queries.
pub struct SearchIndex {
    pub dir: PathBuf,
    #[allow(dead_code)] // kept so the index (and its tokenizers) outlive the reader explicitly
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
    pub manifest: Manifest,
    /// Document key → effect status for documents known to be out of force.
    pub effects: BTreeMap<String, String>,
}

impl SearchIndex {
    /// Open for one query at a time (the terminal, batch runs).
    pub fn open(dir: &Path) -> Result<SearchIndex, IndexError> {
        Self::open_with(dir, SearchThreads::PerQuery)
    }

    pub fn open_with(dir: &Path, threads: SearchThreads) -> Result<SearchIndex, IndexError> {
        let ds = dir.display().to_string();
        if !dir.exists() {
            return Err(IndexError::Missing(ds));
        }
        if !dir.is_dir() {
            return Err(IndexError::Corrupt {
                dir: ds,
                reason: "not a folder".into(),
            });
        }
        let manifest = match Manifest::load(dir)? {
            Some(m) => m,
            None if dir.join("meta.json").exists() => {
                return Err(IndexError::Corrupt {
                    dir: ds,
                    reason: "the rasoat manifest is missing".into(),
                });
            }
            None => {
                let empty = std::fs::read_dir(dir)
                    .map(|mut r| r.next().is_none())
                    .unwrap_or(false);
                return Err(if empty {
                    IndexError::Missing(ds)
                } else {
                    IndexError::Corrupt {
                        dir: ds,
                        reason: "no rasoat manifest (not a rasoat index?)".into(),
                    }
                });
            }
        };
        let index = open_index_dir(dir, threads)?;
        let fields = Fields::from_schema(&index.schema()).map_err(|e| IndexError::Stale {
            dir: ds.clone(),
            reason: e.to_string(),
        })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e: tantivy::TantivyError| IndexError::Corrupt {
                dir: ds.clone(),
                reason: e.to_string(),
            })?;
        // Force-load every segment now so a damaged file is reported here, not mid-query.
        let searcher = reader.searcher();
        for seg in searcher.segment_readers() {
            seg.inverted_index(fields.text)
                .map_err(|e| IndexError::Corrupt {
                    dir: ds.clone(),
                    reason: e.to_string(),
                })?;
        }
        let effects = writer::effect_map(&manifest);
        Ok(SearchIndex {
            dir: dir.to_path_buf(),
            index,
            reader,
            fields,
            manifest,
            effects,
        })
    }

    /// Every indexed record as (kind, file, first line, last line): what a hit can show.
    pub fn record_ranges(&self) -> Vec<(String, String, u64, Option<u64>)> {
        use tantivy::schema::Value;
        let fl = &self.fields;
        let searcher = self.reader.searcher();
        let mut out = Vec::new();
        for (ord, seg) in searcher.segment_readers().iter().enumerate() {
            for id in seg.doc_ids_alive() {
                let Ok(d) = searcher
                    .doc::<tantivy::TantivyDocument>(tantivy::DocAddress::new(ord as u32, id))
                else {
                    continue;
                };
                let s = |f| {
                    d.get_first(f)
                        .and_then(|v| v.as_str())
                        .unwrap_or("")
                        .to_string()
                };
                out.push((
                    s(fl.kind),
                    s(fl.file),
                    d.get_first(fl.line).and_then(|v| v.as_u64()).unwrap_or(0),
                    d.get_first(fl.end_line).and_then(|v| v.as_u64()),
                ));
            }
        }
        out
    }

    /// Number of indexed records (documents + provisions).
    pub fn num_records(&self) -> u64 {
        self.reader.searcher().num_docs()
    }
}

#[cfg(test)]
mod tests;
