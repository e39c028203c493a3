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

const VERSION: u32 = 2;

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
    blobs: Vec<BlobRef>,
}

/// One cached document and what the corpus selection needs to know without reading it.
#[derive(Serialize, Deserialize, Clone, Debug)]
struct BlobRef {
    name: String,
    /// A law from a national data set (ALQAC, VLSP, …): it can only matter to a draft through
    /// citations (see [`select`]).
    national: bool,
    /// Normalised identities of the document (number, law id, extraction key).
    keys: Vec<String>,
    /// Normalised documents it replaces, repeals, amends or declares expired.
    links: Vec<String>,
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
    /// Documents handed to the rules (after the selection).
    pub selected: usize,
    pub cached: bool,
}

/// Source file kinds the corpus walk picks up.
pub fn is_source(p: &Path) -> bool {
    matches!(
        p.extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .as_deref(),
        Some("txt" | "md" | "markdown" | "docx" | "json")
    )
}

/// Every source file under `dir`, sorted, skipping hidden folders (`.git`, `.rasoat`).
pub fn list_files(dir: &Path, skip: &dyn Fn(&Path) -> bool) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for e in rasoat_parse::walk_dir(dir) {
        let e = e.with_context(|| format!("cannot read corpus folder {}", dir.display()))?;
        if e.file_type().is_file() && is_source(e.path()) && !skip(e.path()) {
            out.push(e.into_path());
        }
    }
    Ok(out)
}

/// FNV-1a 64 of the bytes plus their length: a content identity, not a security digest.
pub fn digest(bytes: &[u8]) -> String {
    format!("{:016x}-{:x}", rasoat_model::fnv1a64(bytes), bytes.len())
}

fn mtime_ns(m: &std::fs::Metadata) -> u64 {
    m.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
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
                    parts.push(format!(
                        "{}:{}",
                        f.display(),
                        std::fs::read(&f).map(|b| digest(&b)).unwrap_or_default()
                    ));
                }
            }
            digest(parts.join("\n").as_bytes())
        }
    };
    format!(
        "rasoat {} exe {exe} rules {rules} cache v{VERSION}",
        env!("CARGO_PKG_VERSION")
    )
}

/// Default cache folder for a corpus: one per corpus path, under `<base>/.rasoat/check-cache/`.
pub fn default_dir(base: &Path, corpus: &Path) -> PathBuf {
    let key = digest(super::config::absolute(corpus).to_string_lossy().as_bytes());
    base.join(".rasoat").join("check-cache").join(&key[..16])
}

fn blob_name(path: &str, digest: &str, i: usize) -> String {
    format!(
        "{}-{}-{i}",
        &self::digest(path.as_bytes())[..16],
        digest.split('-').next().unwrap_or(digest)
    )
}

fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

fn parse_file(path: &Path) -> Result<Vec<Document>, ParseError> {
    rasoat_parse::parse_path(path)
}

/// Parse + analyse files without any cache (same selection as the cached path).
pub fn load_uncached(
    engine: &Engine,
    files: &[PathBuf],
    query: Option<&HashSet<String>>,
) -> (Corpus, Stats) {
    let parsed: Vec<Result<Vec<Document>, ParseError>> =
        files.par_iter().map(|f| parse_file(f)).collect();
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for r in parsed {
        match r {
            Ok(d) => docs.extend(d),
            Err(e) => errors.push(e),
        }
    }
    let mut analyzed = engine.analyze(docs);
    let total = analyzed.len();
    if let Some(q) = query {
        let refs: Vec<BlobRef> = analyzed
            .iter()
            .enumerate()
            .map(|(i, a)| blob_ref(i.to_string(), a))
            .collect();
        let keep = select(&refs.iter().collect::<Vec<_>>(), q);
        let mut i = 0;
        analyzed.retain(|_| {
            i += 1;
            keep.contains(&(i - 1).to_string())
        });
    }
    let stats = Stats {
        files: files.len(),
        reparsed: files.len(),
        docs: total,
        selected: analyzed.len(),
        cached: false,
    };
    (
        Corpus {
            docs: analyzed,
            parse_errors: errors,
        },
        stats,
    )
}

/// Load the corpus through the cache in `dir`, refreshing what changed. `files = None` means the
/// corpus folder is gone: use the index as it was built.
pub fn load(
    engine: &Engine,
    dir: &Path,
    corpus_dir: &Path,
    files: Option<&[PathBuf]>,
    engine_id: &str,
    query: Option<&HashSet<String>>,
) -> anyhow::Result<(Corpus, Stats)> {
    let docs_dir = dir.join("docs");
    let manifest_path = dir.join("manifest.json");
    let old: Manifest = std::fs::read(&manifest_path)
        .ok()
        .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok())
        .filter(|m| m.version == VERSION && m.engine == engine_id)
        .unwrap_or_default();
    let Some(files) = files else {
        if old.entries.is_empty() {
            anyhow::bail!(
                "corpus folder {} not found and no usable index in {}",
                corpus_dir.display(),
                dir.display()
            );
        }
        return read_selected(&docs_dir, &old.entries, 0, query);
    };
    let by_path: HashMap<&str, &Entry> = old.entries.iter().map(|e| (e.path.as_str(), e)).collect();
    let racy_from = old.written_ns.saturating_sub(2_000_000_000);
    // Decide per file: reuse, or (re)parse. Stat in parallel; digest only when mtime moved.
    let decided: Vec<anyhow::Result<(Entry, Option<Vec<u8>>)>> = files
        .par_iter()
        .map(|f| {
            let path = f.to_string_lossy().to_string();
            let meta =
                std::fs::metadata(f).with_context(|| format!("cannot read corpus file {path}"))?;
            let (size, mt) = (meta.len(), mtime_ns(&meta));
            if let Some(e) = by_path.get(path.as_str()) {
                if e.size == size && e.mtime_ns == mt && mt < racy_from {
                    return Ok(((*e).clone(), None));
                }
                if e.size == size {
                    let bytes = std::fs::read(f)
                        .with_context(|| format!("cannot read corpus file {path}"))?;
                    if digest(&bytes) == e.digest {
                        return Ok((
                            Entry {
                                mtime_ns: mt,
                                ..(*e).clone()
                            },
                            None,
                        ));
                    }
                    return Ok((
                        Entry {
                            path,
                            size,
                            mtime_ns: mt,
                            digest: digest(&bytes),
                            error: None,
                            blobs: vec![],
                        },
                        Some(bytes),
                    ));
                }
            }
            let bytes =
                std::fs::read(f).with_context(|| format!("cannot read corpus file {path}"))?;
            Ok((
                Entry {
                    path,
                    size,
                    mtime_ns: mt,
                    digest: digest(&bytes),
                    error: None,
                    blobs: vec![],
                },
                Some(bytes),
            ))
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
        std::fs::create_dir_all(&docs_dir)
            .with_context(|| format!("cannot create cache folder {}", docs_dir.display()))?;
        // In batches, so a large corpus is never held in memory all at once.
        for batch in todo.chunks(16) {
            let parsed: Vec<(usize, Result<Vec<Document>, ParseError>)> = batch
                .par_iter()
                .map(|&i| (i, parse_file(Path::new(&entries[i].path))))
                .collect();
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
                entries[i].blobs.push(blob_ref(name.clone(), &a));
                named.push((name, a));
            }
            named
                .into_par_iter()
                .try_for_each(|(name, a)| -> anyhow::Result<()> {
                    let blob = Blob {
                        doc: a.doc,
                        facts: a.facts,
                    };
                    let bytes = serde_json::to_vec(&blob)?;
                    let p = docs_dir.join(format!("{name}.json"));
                    write_atomic(&p, &bytes)
                        .with_context(|| format!("cannot write cache file {}", p.display()))
                })?;
        }
    }
    if changed {
        let m = Manifest {
            version: VERSION,
            engine: engine_id.to_string(),
            corpus: corpus_dir.to_string_lossy().to_string(),
            written_ns: now_ns(),
            entries: entries.clone(),
        };
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create cache folder {}", dir.display()))?;
        write_atomic(&manifest_path, &serde_json::to_vec(&m)?)
            .with_context(|| format!("cannot write {}", manifest_path.display()))?;
        // Drop blobs no entry refers to any more (changed or removed files).
        let live: HashSet<String> = entries
            .iter()
            .flat_map(|e| e.blobs.iter().map(|b| format!("{}.json", b.name)))
            .collect();
        if let Ok(rd) = std::fs::read_dir(&docs_dir) {
            for f in rd.flatten() {
                if !live.contains(f.file_name().to_string_lossy().as_ref()) {
                    let _ = std::fs::remove_file(f.path());
                }
            }
        }
    }
    read_selected(&docs_dir, &entries, todo.len(), query)
}

/// Loose identity of a document number or key, the same on the citing and the cited side
/// (`89/KH-UBND` = `89 / kh-ubnd`; `luat:dat dai` = `LUAT:DATDAI`).
pub fn norm(s: &str) -> String {
    let t: String = rasoat_text::fold(s)
        .to_uppercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == '–' || c == '—' { '-' } else { c })
        .collect();
    let t = t.trim_start_matches('0');
    if t.is_empty() {
        "0".into()
    } else {
        t.to_string()
    }
}

fn blob_ref(name: String, a: &Analyzed) -> BlobRef {
    use rasoat_extract::CitationRole;
    let mut keys: Vec<String> = [
        a.facts.key.as_deref(),
        a.doc.meta.number.as_deref(),
        a.doc.meta.law_id.as_deref(),
    ]
    .into_iter()
    .flatten()
    .map(norm)
    .collect();
    keys.sort();
    keys.dedup();
    let mut links: Vec<String> = a.facts.edges.iter().map(|e| norm(&e.target)).collect();
    for pf in &a.facts.provisions {
        for c in &pf.citations {
            if matches!(
                c.role,
                CitationRole::Replaces
                    | CitationRole::Repeals
                    | CitationRole::Amends
                    | CitationRole::DeclaresExpired
            ) {
                links.push(norm(&c.key));
                links.extend(c.number.as_deref().map(norm));
                links.extend(c.registry_key.as_deref().map(norm));
            }
        }
    }
    links.sort();
    links.dedup();
    BlobRef {
        name,
        national: a.doc.meta.dataset.is_some(),
        keys,
        links,
    }
}

/// Which cached documents a check needs. Every document that is not a national data-set law is
/// kept: the cross-document rules (lead agency, overlap, deadlines …) compare local documents.
/// A national law can only reach a draft through citations, so it is kept when the draft cites
/// it, when it replaces/repeals/amends something the draft cites, and so on transitively
/// (a replacement of a replacement). `query` holds the draft's normalised citation keys.
fn select(refs: &[&BlobRef], query: &HashSet<String>) -> HashSet<String> {
    let mut q = query.clone();
    let mut keep: HashSet<String> = HashSet::new();
    for b in refs.iter().filter(|b| !b.national) {
        keep.insert(b.name.clone());
    }
    // Fixpoint over the citation links; each round only adds, so it ends.
    loop {
        let mut grew = false;
        for b in refs.iter().filter(|b| b.national) {
            if !keep.contains(&b.name) && b.keys.iter().chain(&b.links).any(|k| q.contains(k)) {
                keep.insert(b.name.clone());
                q.extend(b.keys.iter().cloned());
                q.extend(b.links.iter().cloned());
                grew = true;
            }
        }
        if !grew {
            return keep;
        }
    }
}

/// Read the cached documents; with `query`, only those [`select`] keeps.
fn read_selected(
    docs_dir: &Path,
    entries: &[Entry],
    reparsed: usize,
    query: Option<&HashSet<String>>,
) -> anyhow::Result<(Corpus, Stats)> {
    let refs: Vec<&BlobRef> = entries.iter().flat_map(|e| &e.blobs).collect();
    let chosen = query.map(|q| select(&refs, q));
    let names: Vec<&String> = entries
        .iter()
        .flat_map(|e| &e.blobs)
        .map(|b| &b.name)
        .filter(|n| chosen.as_ref().is_none_or(|c| c.contains(*n)))
        .collect();
    let total: usize = entries.iter().map(|e| e.blobs.len()).sum();
    let docs: Vec<anyhow::Result<Analyzed>> = names
        .par_iter()
        .map(|n| {
            let p = docs_dir.join(format!("{n}.json"));
            let bytes = std::fs::read(&p).with_context(|| {
                format!(
                    "cache file {} is missing (delete the cache folder to rebuild)",
                    p.display()
                )
            })?;
            let b: Blob = serde_json::from_slice(&bytes).with_context(|| {
                format!(
                    "cache file {} is damaged (delete the cache folder to rebuild)",
                    p.display()
                )
            })?;
            Ok(Analyzed {
                doc: b.doc,
                facts: b.facts,
            })
        })
        .collect();
    let docs = docs.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
    let parse_errors = entries
        .iter()
        .filter_map(|e| {
            e.error
                .as_ref()
                .map(|r| ParseError::new(e.path.clone(), r.clone()))
        })
        .collect();
    let stats = Stats {
        files: entries.len(),
        reparsed,
        docs: total,
        selected: docs.len(),
        cached: true,
    };
    Ok((Corpus { docs, parse_errors }, stats))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(name: &str, national: bool, keys: &[&str], links: &[&str]) -> BlobRef {
        BlobRef {
            name: name.into(),
            national,
            keys: keys.iter().map(|k| norm(k)).collect(),
            links: links.iter().map(|k| norm(k)).collect(),
        }
    }

    #[test]
    fn selection_keeps_local_docs_and_cited_laws_transitively() {
        let refs = [
            r("local", false, &["45/KH-UBND"], &[]),
            r("cited", true, &["72/2025/QH15"], &[]),
            r("replaces-cited", true, &["80/2026/QH15"], &["72/2025/QH15"]),
            r("replaces-that", true, &["90/2027/QH15"], &["80/2026/QH15"]),
            r("unrelated", true, &["45/2019/QH14"], &["10/2012/QH13"]),
        ];
        let q: HashSet<String> = [norm("72 / 2025 / qh15")].into_iter().collect();
        let keep = select(&refs.iter().collect::<Vec<_>>(), &q);
        let mut k: Vec<&str> = keep.iter().map(|s| s.as_str()).collect();
        k.sort();
        assert_eq!(k, ["cited", "local", "replaces-cited", "replaces-that"]);
    }

    #[test]
    fn norm_matches_spellings() {
        assert_eq!(norm("89/KH-UBND"), norm(" 89 / kh-ubnd"));
        assert_eq!(norm("08/2026/QĐ-UBND"), norm("8/2026/qd-ubnd"));
    }
}
