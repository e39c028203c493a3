//! The corpus side of `rasoat check`, parsed and analysed once and cached between runs.
//!
//! Layout of the cache folder (default `.rasoat/check-cache/<corpus-hash>/`, or `--index DIR`):
//! `manifest.json` lists every corpus file with size, mtime and content digest, and the blobs
//! holding its analysed documents (`docs/<blob>.json`: document + facts). A run stats every
//! corpus file; a file whose size and mtime are unchanged is reused as is, one whose mtime moved
//! is re-read and reused when its digest is unchanged, and only new or changed files are parsed
//! and analysed again. The manifest also records the engine identity (rasoat binary and rules):
//! a rebuilt binary or other rules start a fresh cache.
use anyhow::Context;
use rasoat_extract::DocFacts;
use rasoat_model::{Document, ParseError};
use rasoat_rules::{Analyzed, Corpus, Engine};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

const VERSION: u32 = 1;

#[derive(Serialize, Deserialize, Default)]
struct Manifest {
    version: u32,
    engine: String,
    corpus: String,
    /// When the manifest was written (ns since epoch): files modified within 2 s of it are
    /// re-digested, since a same-second edit of the same size would otherwise go unseen.
    written_ns: u64,
    entries: Vec<Entry>,
}

#[derive(Serialize, Deserialize, Clone)]
struct Entry {
    path: String,
    size: u64,
    mtime_ns: u64,
    digest: String,
    /// Why the file could not be parsed (kept so a broken file is not re-parsed every run).
    error: Option<String>,
    blobs: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct Blob {
    doc: Document,
    facts: DocFacts,
}

/// What a load did, for `--verbose` and the benchmark.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub files: usize,
    pub reparsed: usize,
    pub docs: usize,
    pub cached: bool,
}

/// Source file kinds the corpus walk picks up.
pub fn is_source(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref(),
        Some("txt" | "md" | "markdown" | "docx" | "json")
    )
}

/// Every source file under `dir`, sorted, skipping hidden folders (`.git`, `.rasoat`).
pub fn list_files(dir: &Path, skip: &dyn Fn(&Path) -> bool) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name().into_iter().filter_entry(|e| {
        e.depth() == 0 || !e.file_name().to_str().is_some_and(|n| n.starts_with('.'))
    });
    for e in walker {
        let e = e.with_context(|| format!("cannot read corpus folder {}", dir.display()))?;
        if e.file_type().is_file() && is_source(e.path()) && !skip(e.path()) {
            out.push(e.into_path());
        }
    }
    Ok(out)
}

/// FNV-1a 64 of the bytes plus their length: a content identity, not a security digest.
pub fn digest(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}-{:x}", bytes.len())
}

fn mtime_ns(m: &std::fs::Metadata) -> u64 {
    m.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map(|d| d.as_nanos() as u64).unwrap_or(0)
}

fn now_ns() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0)
}

/// Identity of the code and rules that produced cached facts.
pub fn engine_key(rules_dir: Option<&Path>) -> String {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
        .map(|m| format!("{}-{}", m.len(), mtime_ns(&m)))
        .unwrap_or_default();
    let rules = match rules_dir {
        None => "bundled".to_string(),
        Some(d) => {
            let mut parts = Vec::new();
            if let Ok(files) = list_files(d, &|p| p.extension().is_none_or(|e| e != "toml")) {
                for f in files {
                    parts.push(format!("{}:{}", f.display(), std::fs::read(&f).map(|b| digest(&b)).unwrap_or_default()));
                }
            }
            digest(parts.join("\n").as_bytes())
        }
    };
    format!("rasoat {} exe {exe} rules {rules} cache v{VERSION}", env!("CARGO_PKG_VERSION"))
}

/// Default cache folder for a corpus: one per corpus path, under `<base>/.rasoat/check-cache/`.
pub fn default_dir(base: &Path, corpus: &Path) -> PathBuf {
    let key = digest(super::config::absolute(corpus).to_string_lossy().as_bytes());
    base.join(".rasoat").join("check-cache").join(&key[..16])
}

fn blob_name(path: &str, digest: &str, i: usize) -> String {
    format!("{}-{}-{i}", &self::digest(path.as_bytes())[..16], digest.split('-').next().unwrap_or(digest))
}

fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

fn parse_file(path: &Path) -> Result<Vec<Document>, ParseError> {
    rasoat_parse::parse_path(path)
}

/// Parse + analyse files without any cache.
pub fn load_uncached(engine: &Engine, files: &[PathBuf]) -> (Corpus, Stats) {
    let parsed: Vec<Result<Vec<Document>, ParseError>> = files.par_iter().map(|f| parse_file(f)).collect();
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for r in parsed {
        match r {
            Ok(d) => docs.extend(d),
            Err(e) => errors.push(e),
        }
    }
    let analyzed = engine.analyze(docs);
    let stats = Stats { files: files.len(), reparsed: files.len(), docs: analyzed.len(), cached: false };
    (Corpus { docs: analyzed, parse_errors: errors }, stats)
}

/// Load the corpus through the cache in `dir`, refreshing what changed. `files = None` means the
/// corpus folder is gone: use the index as it was built.
pub fn load(engine: &Engine, dir: &Path, corpus_dir: &Path, files: Option<&[PathBuf]>, engine_id: &str) -> anyhow::Result<(Corpus, Stats)> {
    let docs_dir = dir.join("docs");
    let manifest_path = dir.join("manifest.json");
    let old: Manifest = std::fs::read(&manifest_path)
        .ok()
        .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok())
        .filter(|m| m.version == VERSION && m.engine == engine_id)
        .unwrap_or_default();
    let Some(files) = files else {
        if old.entries.is_empty() {
            anyhow::bail!("corpus folder {} not found and no usable index in {}", corpus_dir.display(), dir.display());
        }
        let entries = old.entries.clone();
        return read_blobs(&docs_dir, &entries, 0);
    };
    let by_path: HashMap<&str, &Entry> = old.entries.iter().map(|e| (e.path.as_str(), e)).collect();
    let racy_from = old.written_ns.saturating_sub(2_000_000_000);
    // Decide per file: reuse, or (re)parse. Stat in parallel; digest only when mtime moved.
    let decided: Vec<anyhow::Result<(Entry, Option<Vec<u8>>)>> = files
        .par_iter()
        .map(|f| {
            let path = f.to_string_lossy().to_string();
            let meta = std::fs::metadata(f).with_context(|| format!("cannot read corpus file {path}"))?;
            let (size, mt) = (meta.len(), mtime_ns(&meta));
            if let Some(e) = by_path.get(path.as_str()) {
                if e.size == size && e.mtime_ns == mt && mt < racy_from {
                    return Ok(((*e).clone(), None));
                }
                if e.size == size {
                    let bytes = std::fs::read(f).with_context(|| format!("cannot read corpus file {path}"))?;
                    if digest(&bytes) == e.digest {
                        return Ok((Entry { mtime_ns: mt, ..(*e).clone() }, None));
                    }
                    return Ok((Entry { path, size, mtime_ns: mt, digest: digest(&bytes), error: None, blobs: vec![] }, Some(bytes)));
                }
            }
            let bytes = std::fs::read(f).with_context(|| format!("cannot read corpus file {path}"))?;
            Ok((Entry { path, size, mtime_ns: mt, digest: digest(&bytes), error: None, blobs: vec![] }, Some(bytes)))
        })
        .collect();
    let mut entries = Vec::with_capacity(decided.len());
    let mut todo = Vec::new();
    for d in decided {
        let (e, bytes) = d?;
        if bytes.is_some() {
            todo.push(entries.len());
        }
        entries.push(e);
    }
    let changed = !todo.is_empty() || entries.len() != old.entries.len() || old.corpus.is_empty();
    if !todo.is_empty() {
        std::fs::create_dir_all(&docs_dir).with_context(|| format!("cannot create cache folder {}", docs_dir.display()))?;
        let parsed: Vec<(usize, Result<Vec<Document>, ParseError>)> =
            todo.par_iter().map(|&i| (i, parse_file(Path::new(&entries[i].path)))).collect();
        let mut docs = Vec::new();
        let mut owner = Vec::new();
        for (i, r) in parsed {
            match r {
                Ok(ds) => {
                    for d in ds {
                        owner.push(i);
                        docs.push(d);
                    }
                }
                Err(e) => entries[i].error = Some(e.reason),
            }
        }
        let analyzed = engine.analyze(docs);
        let mut named = Vec::with_capacity(analyzed.len());
        for (a, &i) in analyzed.into_iter().zip(&owner) {
            let name = blob_name(&entries[i].path, &entries[i].digest, entries[i].blobs.len());
            entries[i].blobs.push(name.clone());
            named.push((name, a));
        }
        named.into_par_iter().try_for_each(|(name, a)| -> anyhow::Result<()> {
            let blob = Blob { doc: a.doc, facts: a.facts };
            let bytes = serde_json::to_vec(&blob)?;
            let p = docs_dir.join(format!("{name}.json"));
            write_atomic(&p, &bytes).with_context(|| format!("cannot write cache file {}", p.display()))
        })?;
    }
    if changed {
        let m = Manifest { version: VERSION, engine: engine_id.to_string(), corpus: corpus_dir.to_string_lossy().to_string(), written_ns: now_ns(), entries: entries.clone() };
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create cache folder {}", dir.display()))?;
        write_atomic(&manifest_path, &serde_json::to_vec(&m)?).with_context(|| format!("cannot write {}", manifest_path.display()))?;
        // Drop blobs no entry refers to any more (changed or removed files).
        let live: HashSet<String> = entries.iter().flat_map(|e| e.blobs.iter().map(|b| format!("{b}.json"))).collect();
        if let Ok(rd) = std::fs::read_dir(&docs_dir) {
            for f in rd.flatten() {
                if !live.contains(f.file_name().to_string_lossy().as_ref()) {
                    let _ = std::fs::remove_file(f.path());
                }
            }
        }
    }
    read_blobs(&docs_dir, &entries, todo.len())
}

fn read_blobs(docs_dir: &Path, entries: &[Entry], reparsed: usize) -> anyhow::Result<(Corpus, Stats)> {
    let names: Vec<&String> = entries.iter().flat_map(|e| &e.blobs).collect();
    let docs: Vec<anyhow::Result<Analyzed>> = names
        .par_iter()
        .map(|n| {
            let p = docs_dir.join(format!("{n}.json"));
            let bytes = std::fs::read(&p).with_context(|| format!("cache file {} is missing (delete the cache folder to rebuild)", p.display()))?;
            let b: Blob = serde_json::from_slice(&bytes).with_context(|| format!("cache file {} is damaged (delete the cache folder to rebuild)", p.display()))?;
            Ok(Analyzed { doc: b.doc, facts: b.facts })
        })
        .collect();
    let docs = docs.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
    let parse_errors = entries.iter().filter_map(|e| e.error.as_ref().map(|r| ParseError::new(e.path.clone(), r.clone()))).collect();
    let stats = Stats { files: entries.len(), reparsed, docs: docs.len(), cached: true };
    Ok((Corpus { docs, parse_errors }, stats))
}
