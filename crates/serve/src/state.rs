//! What the server serves: the last review (a [`Snapshot`], swapped whole when a re-review
//! finishes, so pages keep serving the old results meanwhile), the triage store and its cache.
use rasoat_index::SearchIndex;
use rasoat_model::{Date, Finding, Report};
use rasoat_rules::pipeline::{Reviewed, Stage, review_paths};
use rasoat_rules::{Analyzed, Engine, ReviewOptions};
use rasoat_triage::{Decision, Store};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

/// `rasoat serve` settings.
#[derive(Debug, Clone)]
pub struct Config {
    pub paths: Vec<PathBuf>,
    pub addr: SocketAddr,
    pub data: PathBuf,
    pub as_of: Option<Date>,
}

/// One review run with everything the pages look up.
pub struct Snapshot {
    pub run: i64,
    pub report: Report,
    /// Findings of earlier runs that this run no longer produces (resolved by an edit).
    pub resolved: Vec<Finding>,
    pub docs: Vec<Analyzed>,
    /// Stable id of each document (hex hash of its path): the only way URLs name documents.
    pub doc_ids: Vec<String>,
    pub doc_by_id: HashMap<String, usize>,
    by_path: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
    by_key: HashMap<String, usize>,
    pub finding_doc: Vec<Option<usize>>,
    pub by_fp: HashMap<String, usize>,
    /// Fingerprints first seen in this run (after an earlier run).
    pub new_fps: HashSet<String>,
    pub index: Option<SearchIndex>,
    pub index_error: Option<String>,
    pub finished_at: String,
}

impl Snapshot {
    /// The document a finding or search hit points at: by path, then by its display name.
    pub fn doc_of(&self, file: &str, name: Option<&str>) -> Option<usize> {
        if let Some(n) = name {
            if let Some(&i) = self.by_name.get(&format!("{file}\u{1f}{n}")) {
                return Some(i);
            }
        }
        self.by_path.get(file).copied()
    }
    /// A document by the normalised key of its number (graph edges).
    pub fn doc_by_key(&self, key: &str) -> Option<usize> {
        self.by_key.get(key).copied()
    }
}

/// Background re-review progress, shown on the pages.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Progress {
    pub running: bool,
    pub stage: String,
    pub done: usize,
    pub total: usize,
    pub error: Option<String>,
    pub started_by: Option<String>,
    pub finished_at: Option<String>,
}

pub struct App {
    pub cfg: Config,
    pub engine: Engine,
    pub store: Mutex<Store>,
    /// Cache of the store's decisions (the store stays the truth; updated after each commit).
    pub decisions: RwLock<HashMap<String, Decision>>,
    pub snap: RwLock<Arc<Snapshot>>,
    pub progress: Mutex<Progress>,
    /// One-time link for the first quan-tri; `Some` while no account exists.
    pub setup_token: Mutex<Option<String>>,
    pub limiter: crate::auth::Limiter,
    pub env: minijinja::Environment<'static>,
    /// Searches running at once: two per core (see `search::run_queued`).
    pub searches: tokio::sync::Semaphore,
}

impl App {
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snap.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
    pub fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }
    pub fn decision(&self, fp: &str) -> Option<Decision> {
        self.decisions
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(fp)
            .cloned()
    }
    pub fn set_progress(&self, f: impl FnOnce(&mut Progress)) {
        f(&mut self.progress.lock().unwrap_or_else(|e| e.into_inner()));
    }
}

/// Review `cfg.paths`, bring the search index in `DATA/index` up to date, record the run.
pub fn build_snapshot(
    engine: &Engine,
    cfg: &Config,
    store: &Mutex<Store>,
    progress: &(dyn Fn(Stage, usize, usize) + Sync),
) -> Result<Snapshot, String> {
    let opts = ReviewOptions {
        as_of: cfg
            .as_of
            .unwrap_or_else(|| jiff::ZonedDateTime::now().date()),
        min_severity: rasoat_model::Severity::Info,
    };
    let Reviewed { report, corpus } = review_paths(engine, &cfg.paths, &opts, progress);
    let (index, index_error) = match build_index(cfg) {
        Ok(i) => (Some(i), None),
        Err(e) => {
            eprintln!("rasoat serve: search unavailable: {e}");
            (None, Some(e))
        }
    };
    let rows: Vec<(String, String)> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.fingerprint.clone(),
                serde_json::to_string(f).unwrap_or_default(),
            )
        })
        .collect();
    let (run, seen, resolved) = {
        let mut st = store.lock().unwrap_or_else(|e| e.into_inner());
        let run = st.record_run(&rows).map_err(|e| e.to_string())?;
        let seen = st.seen().map_err(|e| e.to_string())?;
        let resolved = st.resolved_since(run).map_err(|e| e.to_string())?;
        (run, seen, resolved)
    };
    let new_fps = report
        .findings
        .iter()
        .filter(|f| run > 1 && seen.get(&f.fingerprint).is_some_and(|s| s.0 == run))
        .map(|f| f.fingerprint.clone())
        .collect();
    let resolved = resolved
        .iter()
        .filter_map(|j| serde_json::from_str::<Finding>(j).ok())
        .collect();
    Ok(assemble(
        run,
        report,
        resolved,
        corpus.docs,
        new_fps,
        index,
        index_error,
    ))
}

fn assemble(
    run: i64,
    report: Report,
    resolved: Vec<Finding>,
    docs: Vec<Analyzed>,
    new_fps: HashSet<String>,
    index: Option<SearchIndex>,
    index_error: Option<String>,
) -> Snapshot {
    let mut s = Snapshot {
        run,
        doc_ids: Vec::new(),
        doc_by_id: HashMap::new(),
        by_path: HashMap::new(),
        by_name: HashMap::new(),
        by_key: HashMap::new(),
        finding_doc: Vec::new(),
        by_fp: HashMap::new(),
        new_fps,
        report,
        resolved,
        docs,
        index,
        index_error,
        finished_at: rasoat_triage::now(),
    };
    for (i, a) in s.docs.iter().enumerate() {
        let path = &a.doc.source.path;
        let id = rasoat_model::fingerprint(&[path, a.doc.meta.law_id.as_deref().unwrap_or("")]);
        s.doc_ids.push(id.clone());
        s.doc_by_id.insert(id, i);
        s.by_path.entry(path.clone()).or_insert(i);
        s.by_name
            .insert(format!("{path}\u{1f}{}", a.doc.display_name()), i);
        if let Some(l) = &a.doc.meta.law_id {
            s.by_name.insert(format!("{path}\u{1f}{l}"), i);
        }
        if let Some(k) = &a.facts.key {
            s.by_key.entry(k.clone()).or_insert(i);
        }
    }
    for (i, f) in s.report.findings.iter().enumerate() {
        s.by_fp.entry(f.fingerprint.clone()).or_insert(i);
    }
    s.finding_doc = s
        .report
        .findings
        .iter()
        .map(|f| s.doc_of(&f.location.file, f.location.document.as_deref()))
        .collect();
    s
}

/// Index the same paths as the review into `DATA/index` (incremental: unchanged files are kept).
fn build_index(cfg: &Config) -> Result<SearchIndex, String> {
    let dir = cfg.data.join("index");
    let (files, _) = rasoat_parse::collect_inputs(&cfg.paths);
    let opts = rasoat_index::UpdateOptions {
        facts: Some(&rasoat_index::bundled_facts),
        ..Default::default()
    };
    let stats = rasoat_index::update(&dir, &files, &opts).map_err(|e| e.to_string())?;
    for e in &stats.errors {
        eprintln!("rasoat serve: index: {e}");
    }
    SearchIndex::open_with(&dir, rasoat_index::SearchThreads::PerRequest).map_err(|e| e.to_string())
}
