//! Building and incrementally updating the index from parsed documents.

use crate::analysis::{number_key, number_keys_in};
use crate::manifest::{DocEntry, FileEntry, Manifest};
use crate::schema::{Fields, SCHEMA_VERSION, build_schema};
use crate::{IndexError, analysis, open_index_dir};
use rasoat_extract::DocFacts;
use rasoat_model::{Document, Provision, ProvisionKind};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use tantivy::{Index, IndexWriter, TantivyDocument, Term};

/// Facts provider (extraction); `None` when the extractor has nothing for a document.
pub type FactsFn = dyn Fn(&Document) -> Option<DocFacts> + Sync;

/// Source reader; the default is `rasoat_parse::parse_path`.
pub type ParseFn = dyn Fn(&Path) -> Result<Vec<Document>, String> + Sync;

/// Progress events for a bar: `Start(total files to read)`, `File(bytes)` per file done.
pub enum Progress<'a> {
    Start { files: usize, bytes: u64 },
    File { path: &'a str, bytes: u64 },
    Committing,
}

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct UpdateStats {
    pub files_total: usize,
    pub files_read: usize,
    pub files_unchanged: usize,
    pub files_removed: usize,
    pub files_failed: usize,
    pub documents: usize,
    pub records: usize,
    pub bytes_read: u64,
    /// Thread-seconds spent parsing, extracting facts and building records (summed over threads;
    /// the rest of the wall time is tantivy's analysis and indexing).
    pub parse_s: f64,
    pub extract_s: f64,
    /// Per failed file: "path: reason".
    pub errors: Vec<String>,
    pub rebuilt_reason: Option<String>,
}

pub struct UpdateOptions<'a> {
    pub rebuild: bool,
    pub facts: Option<&'a FactsFn>,
    pub parse: Option<&'a ParseFn>,
    pub progress: Option<&'a (dyn Fn(Progress<'_>) + Sync)>,
    /// Writer memory budget in bytes (split over the indexing threads).
    pub memory: usize,
}

impl Default for UpdateOptions<'_> {
    fn default() -> Self {
        UpdateOptions {
            rebuild: false,
            facts: None,
            parse: None,
            progress: None,
            memory: 256_000_000,
        }
    }
}

/// Grouping key of a unit id (collisions between units are negligible).
pub fn unit_hash(s: &str) -> u64 {
    rasoat_model::fnv1a64(s.as_bytes())
}

/// Content identity of a source file.
fn file_digest(bytes: &[u8]) -> String {
    format!("{:016x}", rasoat_model::fnv1a64(bytes))
}

fn mtime_of(md: &std::fs::Metadata) -> u64 {
    md.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

/// True when `dir` looks like something we may delete on --rebuild.
/// Present while a build from scratch has not yet saved its manifest: a run killed there left
/// a half-built index, which the next run rebuilds instead of refusing.
const BUILDING: &str = "rasoat-building";

fn safe_to_clear(dir: &Path) -> bool {
    if !dir.exists() || dir.join(BUILDING).exists() {
        return true;
    }
    if dir.join(crate::manifest::MANIFEST).exists() || dir.join("meta.json").exists() {
        return true;
    }
    std::fs::read_dir(dir)
        .map(|mut r| r.next().is_none())
        .unwrap_or(false)
}

fn clear_dir(dir: &Path) -> Result<(), IndexError> {
    if !safe_to_clear(dir) {
        return Err(IndexError::Other(format!(
            "{} is not empty and is not a rasoat index; refusing to delete it (choose another --index folder)",
            dir.display()
        )));
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir)
            .map_err(|e| IndexError::Io(dir.display().to_string(), e.to_string()))?;
    }
    Ok(())
}

/// Build or update the index in `dir` from `files` (already collected). Files known to the
/// manifest but absent from `files` are removed; unchanged files (same size + mtime, or same
/// digest) are not re-read.
pub fn update(
    dir: &Path,
    files: &[PathBuf],
    opts: &UpdateOptions<'_>,
) -> Result<UpdateStats, IndexError> {
    // Before anything is read or cleared: one writer at a time.
    let _lock = crate::lock::IndexLock::acquire(dir)?;
    let mut stats = UpdateStats {
        files_total: files.len(),
        ..Default::default()
    };
    let mut rebuild = opts.rebuild;
    if !rebuild && dir.join(BUILDING).exists() {
        stats.rebuilt_reason = Some("the previous build was interrupted".into());
        rebuild = true;
    }
    let mut manifest = if rebuild {
        None
    } else {
        match Manifest::load(dir) {
            Ok(m) => m,
            Err(IndexError::Stale { .. }) | Err(IndexError::Corrupt { .. })
                if dir.join(crate::manifest::MANIFEST).exists() =>
            {
                // A stale index of ours: rebuilding is the only way forward, say so.
                stats.rebuilt_reason = Some(match Manifest::load(dir) {
                    Err(e) => e.to_string(),
                    _ => String::new(),
                });
                rebuild = true;
                None
            }
            Err(e) => return Err(e),
        }
    };
    if manifest.is_none() && dir.join("meta.json").exists() && !rebuild {
        return Err(IndexError::Corrupt {
            dir: dir.display().to_string(),
            reason: "index files present but the rasoat manifest is missing".into(),
        });
    }
    if rebuild {
        clear_dir(dir)?;
        manifest = None;
    }
    let index = match &manifest {
        Some(_) => open_index_dir(dir, crate::SearchThreads::PerRequest)?,
        None => {
            std::fs::create_dir_all(dir)
                .map_err(|e| IndexError::Io(dir.display().to_string(), e.to_string()))?;
            std::fs::write(dir.join(BUILDING), std::process::id().to_string())
                .map_err(|e| IndexError::Io(dir.display().to_string(), e.to_string()))?;
            let idx =
                Index::create_in_dir(dir, build_schema()).map_err(|e| IndexError::Corrupt {
                    dir: dir.display().to_string(),
                    reason: e.to_string(),
                })?;
            analysis::register(&idx);
            idx
        }
    };
    let mut manifest = manifest.unwrap_or_else(Manifest::new);
    let fields = Fields::from_schema(&index.schema()).map_err(|e| IndexError::Stale {
        dir: dir.display().to_string(),
        reason: e.to_string(),
    })?;

    // Decide what to (re)read.
    let wanted: BTreeSet<String> = files.iter().map(|p| p.display().to_string()).collect();
    let mut to_read: Vec<(PathBuf, String, u64, u64)> = Vec::new();
    for p in files {
        let key = p.display().to_string();
        let md = match std::fs::metadata(p) {
            Ok(m) => m,
            Err(e) => {
                stats.files_failed += 1;
                stats.errors.push(format!("{key}: {e}"));
                continue;
            }
        };
        let (size, mtime) = (md.len(), mtime_of(&md));
        match manifest.files.get(&key) {
            Some(f) if f.size == size && f.mtime == mtime => stats.files_unchanged += 1,
            _ => to_read.push((p.clone(), key, size, mtime)),
        }
    }
    let removed: Vec<String> = manifest
        .files
        .keys()
        .filter(|k| !wanted.contains(*k))
        .cloned()
        .collect();

    // Two cores: tantivy's indexing threads do analysis + postings while rayon threads parse,
    // extract and build records, feeding the writer directly (add_document takes &self).
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let threads = index_threads(cores);
    let mut writer: IndexWriter = index
        .writer_with_num_threads(threads, opts.memory.max(threads * 16_000_000))
        .map_err(|e| {
            IndexError::Other(format!(
                "cannot lock index {} for writing: {e}",
                dir.display()
            ))
        })?;

    for k in &removed {
        writer.delete_term(Term::from_field_text(fields.file, k));
        manifest.files.remove(k);
        stats.files_removed += 1;
    }

    let total_bytes: u64 = to_read.iter().map(|t| t.2).sum();
    if let Some(p) = opts.progress {
        p(Progress::Start {
            files: to_read.len(),
            bytes: total_bytes,
        });
    }
    let old_digests: HashMap<&str, &str> = manifest
        .files
        .iter()
        .map(|(k, f)| (k.as_str(), f.digest.as_str()))
        .collect();
    let results: Vec<(String, u64, u64, FileOutcome)> = to_read
        .par_iter()
        .map(|(path, key, size, mtime)| {
            let r = index_one(
                path,
                key,
                old_digests.get(key.as_str()).copied(),
                opts,
                &fields,
                &writer,
            );
            if let Some(p) = opts.progress {
                p(Progress::File {
                    path: key,
                    bytes: *size,
                });
            }
            (key.clone(), *size, *mtime, r)
        })
        .collect();
    drop(old_digests);
    for (key, size, mtime, r) in results {
        match r {
            FileOutcome::Unchanged => {
                // Touched but not changed: keep the indexed records.
                if let Some(old) = manifest.files.get(&key).cloned() {
                    manifest.files.insert(key, FileEntry { size, mtime, ..old });
                }
                stats.files_unchanged += 1;
            }
            FileOutcome::Indexed {
                digest,
                entries,
                records,
                parse_s,
                extract_s,
            } => {
                stats.parse_s += parse_s;
                stats.extract_s += extract_s;
                stats.files_read += 1;
                stats.bytes_read += size;
                stats.documents += entries.len();
                stats.records += records;
                manifest.files.insert(
                    key,
                    FileEntry {
                        size,
                        mtime,
                        digest,
                        docs: entries,
                    },
                );
            }
            FileOutcome::Failed(e) => {
                // A file that no longer parses leaves the index (its old records are stale; the
                // delete was issued in index_one).
                manifest.files.remove(&key);
                stats.files_failed += 1;
                stats.errors.push(e);
            }
        }
    }
    if let Some(p) = opts.progress {
        p(Progress::Committing);
    }
    writer
        .commit()
        .map_err(|e| IndexError::Other(format!("commit failed in {}: {e}", dir.display())))?;
    writer
        .wait_merging_threads()
        .map_err(|e| IndexError::Other(format!("merge failed in {}: {e}", dir.display())))?;
    manifest.schema_version = SCHEMA_VERSION;
    manifest.analyzer_version = analysis::ANALYZER_VERSION;
    manifest.save(dir)?;
    let _ = std::fs::remove_file(dir.join(BUILDING));
    Ok(stats)
}

/// Indexing threads for tantivy: one per core (measured faster than half on 2 cores, as the
/// producers block on the writer's bounded queue); `RASOAT_INDEX_THREADS` overrides (benchmarks).
fn index_threads(cores: usize) -> usize {
    std::env::var("RASOAT_INDEX_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cores)
        .clamp(1, 8)
}

enum FileOutcome {
    Unchanged,
    Indexed {
        digest: String,
        entries: Vec<DocEntry>,
        records: usize,
        parse_s: f64,
        extract_s: f64,
    },
    Failed(String),
}

/// Read, parse, extract and index one file, adding its records to `writer` as they are built.
fn index_one(
    path: &Path,
    key: &str,
    old_digest: Option<&str>,
    opts: &UpdateOptions<'_>,
    f: &Fields,
    writer: &IndexWriter,
) -> FileOutcome {
    let fail = |e: String| {
        writer.delete_term(Term::from_field_text(f.file, key));
        FileOutcome::Failed(e)
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return fail(format!("{key}: {e}")),
    };
    let digest = file_digest(&bytes);
    // Crawled Markdown and plain text: kept to split long provisions (tables) into row/paragraph
    // records with exact line ranges. Data sets (JSON) and Word files are not split.
    let is_lines = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "md" | "markdown" | "txt"));
    let src = if is_lines {
        Some(String::from_utf8_lossy(&bytes).into_owned())
    } else {
        None
    };
    drop(bytes);
    if old_digest == Some(digest.as_str()) {
        return FileOutcome::Unchanged;
    }
    let t0 = std::time::Instant::now();
    let parsed = match opts.parse {
        Some(p) => p(path),
        None => rasoat_parse::parse_path(path).map_err(|e| e.to_string()),
    };
    let docs = match parsed {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    let parse_s = t0.elapsed().as_secs_f64();
    // Old records of this file go first: a delete only applies to earlier operations.
    writer.delete_term(Term::from_field_text(f.file, key));
    // Documents of one file (a data set holds many laws) are extracted and indexed in parallel.
    let per_doc: Vec<Result<(DocEntry, usize, f64), String>> = docs
        .par_iter()
        .enumerate()
        .map(|(i, d)| {
            let t1 = std::time::Instant::now();
            let fx = opts.facts.and_then(|ff| ff(d));
            let es = t1.elapsed().as_secs_f64();
            let mut out = Vec::new();
            let entry = document_records(d, i, key, fx.as_ref(), f, src.as_deref(), &mut out);
            let n = out.len();
            for td in out {
                writer
                    .add_document(td)
                    .map_err(|e| format!("indexing {key}: {e}"))?;
            }
            Ok((entry, n, es))
        })
        .collect();
    let mut extract_s = 0.0;
    let mut records = 0;
    let mut entries = Vec::new();
    for r in per_doc {
        match r {
            Ok((e, n, es)) => {
                entries.push(e);
                records += n;
                extract_s += es;
            }
            Err(e) => return fail(e),
        }
    }
    FileOutcome::Indexed {
        digest,
        entries,
        records,
        parse_s,
        extract_s,
    }
}

/// Type key used by `--type`: folded, no spaces (`QĐ` → `qd`).
pub fn type_key(s: &str) -> String {
    rasoat_text::fold(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Agency filter key: folded, spaces collapsed (`Sở Tư pháp` → `so tu phap`).
pub fn agency_key(s: &str) -> String {
    rasoat_text::collapse_spaces(&rasoat_text::fold(s))
}

fn date_num(d: &jiff::civil::Date) -> u64 {
    (d.year() as u64) * 10000 + (d.month() as u64) * 100 + d.day() as u64
}

/// Kinds that group others and are too broad to be a result unit themselves.
fn is_container(k: ProvisionKind) -> bool {
    matches!(
        k,
        ProvisionKind::Phan | ProvisionKind::Chuong | ProvisionKind::Muc | ProvisionKind::TieuMuc
    )
}

/// On line-based files, longest result unit (lines): a longer block is not grouped under one
/// unit record, and a longer provision text is indexed as row/paragraph-sized records.
pub const MAX_UNIT_LINES: usize = 40;

/// Lines a split record aims at (a table row, a few paragraphs).
const CHUNK_LINES: usize = 25;

fn span_lines(p: &Provision) -> usize {
    p.span.end_line.saturating_sub(p.span.line) + 1
}

fn has_dieu_below(p: &Provision) -> bool {
    p.children
        .iter()
        .any(|c| c.kind == ProvisionKind::Dieu || has_dieu_below(c))
}

/// A line that separates paragraphs in crawler Markdown: blank, or table-cell separator `|`.
fn is_break_line(l: &str) -> bool {
    l.trim().chars().all(|c| c == '|' || c.is_whitespace())
}

/// A table cell holding only a row number (STT): `12`, `**3.**`, `IV`.
fn is_row_number(para: &[&str]) -> bool {
    if para.len() != 1 {
        return false;
    }
    let t = para[0]
        .trim()
        .trim_matches('*')
        .trim()
        .trim_end_matches(['.', ')']);
    !t.is_empty()
        && t.len() <= 4
        && (t.chars().all(|c| c.is_ascii_digit())
            || t.chars().all(|c| matches!(c, 'I' | 'V' | 'X')))
}

/// Split source lines `start..=end` (1-based) into records of about [`CHUNK_LINES`] lines at
/// paragraph breaks (blank or `|`-only lines); a table row starts at a cell holding only its
/// number. One paragraph is never cut. Returns (first line, last line, text without the
/// Markdown emphasis and cell separators).
pub fn split_lines(lines: &[&str], start: usize, end: usize) -> Vec<(usize, usize, String)> {
    let mut paras: Vec<(usize, usize)> = Vec::new();
    let mut cur: Option<(usize, usize)> = None;
    for n in start..=end.min(lines.len()) {
        if is_break_line(lines[n - 1]) {
            if let Some(c) = cur.take() {
                paras.push(c);
            }
        } else {
            cur = Some(match cur {
                Some((a, _)) => (a, n),
                None => (n, n),
            });
        }
    }
    if let Some(c) = cur {
        paras.push(c);
    }
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for (a, b) in paras {
        let row = is_row_number(&lines[a - 1..b]);
        match groups.last_mut() {
            Some(g) if !(row && g.1 + 1 - g.0 >= 3) && b + 1 - g.0 <= CHUNK_LINES => g.1 = b,
            _ => groups.push((a, b)),
        }
    }
    groups
        .into_iter()
        .map(|(a, b)| {
            let mut t = String::new();
            for l in &lines[a - 1..b] {
                if is_break_line(l) {
                    continue;
                }
                if !t.is_empty() {
                    t.push('\n');
                }
                t.push_str(l.replace("**", "").trim());
            }
            (a, b, t)
        })
        .collect()
}

/// The subject a plan item opens with before a colon (`Sở Nội vụ: Tham mưu …`,
/// `Ủy ban nhân dân cấp xã:`): a short name, no sentence.
fn implied_subject(text: &str) -> Option<&str> {
    let i = text.find(':')?;
    let s = text[..i].trim();
    let words = s.split_whitespace().count();
    (words >= 2 && words <= 12 && !s.contains(['.', ';']) && s.chars().next()?.is_uppercase())
        .then_some(s)
}

fn subtree_text(p: &Provision, out: &mut String) {
    let t = p.full_text();
    if !t.is_empty() {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&t);
    }
    for c in &p.children {
        subtree_text(c, out);
    }
}

#[derive(Default)]
struct Tags {
    agencies: BTreeSet<String>,
    names: BTreeSet<String>,
    roles: BTreeSet<String>,
}

fn tags_of(pf: &rasoat_extract::ProvisionFacts, t: &mut Tags) {
    for a in &pf.agencies {
        t.agencies.insert(a.id.clone());
        t.agencies.insert(agency_key(&a.name));
        t.agencies.insert(agency_key(&a.surface));
        t.names.insert(a.name.clone());
    }
    for s in &pf.assignments {
        let r = s.role.as_str();
        t.roles.insert(r.to_string());
        t.agencies.insert(s.agency.clone());
        t.agencies.insert(agency_key(&s.agency_name));
        t.names.insert(s.agency_name.clone());
        // Combined keys so `--agency X --role R` means "X has role R", not both somewhere.
        t.roles.insert(format!("{r}@{}", s.agency));
        t.roles
            .insert(format!("{r}@{}", agency_key(&s.agency_name)));
    }
}

/// Add the records of one document to `out`; return its manifest entry.
fn document_records(
    d: &Document,
    doc_index: usize,
    file: &str,
    fx: Option<&DocFacts>,
    f: &Fields,
    src: Option<&str>,
    out: &mut Vec<TantivyDocument>,
) -> DocEntry {
    // Source lines of a line-based file (Markdown, text): records are kept short there.
    let lines: Option<Vec<&str>> = src
        .filter(|_| d.source.format != rasoat_model::Format::Dataset)
        .map(|s| s.lines().collect());
    let short = lines.is_some();
    let number = d.meta.number.clone();
    let key = number
        .as_deref()
        .map(number_key)
        .or_else(|| fx.and_then(|x| x.key.clone()));
    let display = d.display_name();
    let date = d.meta.date.or_else(|| fx.and_then(|x| x.date));
    let by_pid: HashMap<&str, &rasoat_extract::ProvisionFacts> = fx
        .map(|x| {
            x.provisions
                .iter()
                .map(|p| (p.provision.as_str(), p))
                .collect()
        })
        .unwrap_or_default();

    // The name a question would use for this document ("Bộ luật Hình sự", "Luật Viên chức 2010").
    let law_name = {
        let name = d
            .meta
            .title
            .clone()
            .or_else(|| fx.and_then(|x| x.name.clone()));
        match (&d.meta.type_name, name) {
            (Some(t), Some(n)) if !rasoat_text::fold(&n).starts_with(&rasoat_text::fold(t)) => {
                Some(format!("{t} {n}"))
            }
            (_, n) => n,
        }
    };
    let common = |td: &mut TantivyDocument| {
        td.add_text(f.file, file);
        if let Some(n) = &law_name {
            td.add_text(f.law_bigram, n);
        }
        td.add_text(f.doc, &display);
        if let Some(k) = &key {
            td.add_text(f.doc_key, k);
        }
        if let Some(t) = &d.meta.title {
            td.add_text(f.title, t);
        }
        if let Some(t) = &d.meta.doc_type {
            td.add_text(f.doc_type, type_key(t));
        }
        if let Some(t) = &d.meta.type_name {
            td.add_text(f.doc_type, type_key(t));
        }
        if let Some(i) = &d.meta.issuer {
            td.add_text(f.issuer, i);
        }
        if let Some(dt) = &date {
            td.add_u64(f.date, date_num(dt));
        }
    };

    // Document-level record: number, type, title, issuer.
    let mut td = TantivyDocument::new();
    common(&mut td);
    td.add_text(f.kind, "document");
    let uid = format!("{file}#{doc_index}");
    td.add_u64(f.unit_hash, unit_hash(&uid));
    td.add_text(f.unit_id, uid);
    let mut head = String::new();
    for s in [
        &d.meta.type_name,
        &d.meta.number,
        &d.meta.title,
        &d.meta.law_id,
    ]
    .into_iter()
    .flatten()
    {
        head.push_str(s);
        head.push('\n');
    }
    td.add_text(f.head, &head);
    td.add_text(f.text, head.trim_end());
    td.add_text(f.text_bigram, &head);
    if let Some(l) = &d.meta.law_id {
        td.add_text(f.law_id, l);
    }
    let first = d.provisions.first().map(|p| p.span.line).unwrap_or(1);
    if short {
        // The document's opening: header, number, type and title, up to its first provision.
        td.add_u64(f.line, 1);
        td.add_u64(f.end_line, first.saturating_sub(1).max(1) as u64);
    } else {
        td.add_u64(f.line, first as u64);
    }
    out.push(td);

    // Provision records. A unit (Điều, or a top-level non-container provision outside any Điều)
    // indexes its whole subtree so that questions are ranked per article.
    fn go<'a>(
        p: &'a Provision,
        unit: Option<&'a Provision>,
        ancestors: &mut Vec<&'a Provision>,
        short: bool,
        ctx: &mut dyn FnMut(&'a Provision, Option<&'a Provision>, &[&'a Provision]),
    ) {
        let is_unit = unit.is_none()
            && if short {
                // Real documents: a unit is the smallest block that holds no Điều and is short
                // enough to be cited as one hit; an attached Quy chế or a 160-line plan section
                // is not one result, its Điều / items are.
                !is_container(p.kind) && !has_dieu_below(p) && span_lines(p) <= MAX_UNIT_LINES
            } else {
                p.kind == ProvisionKind::Dieu
                    || (!is_container(p.kind)
                        && !ancestors.iter().any(|a| a.kind == ProvisionKind::Dieu))
            };
        let unit_here = if is_unit { Some(p) } else { unit };
        ctx(p, unit_here, ancestors);
        ancestors.push(p);
        for c in &p.children {
            go(c, unit_here, ancestors, short, ctx);
        }
        ancestors.pop();
    }
    let mut emit = |p: &Provision, unit: Option<&Provision>, ancestors: &[&Provision]| {
        let is_unit = unit.map(|u| std::ptr::eq(u, p)).unwrap_or(false);
        let subtree = is_unit && !p.children.is_empty();
        // Ancestor headings (Chương, Mục, the Điều of a khoản) give context to short units.
        let mut head = String::new();
        for a in ancestors {
            if let Some(h) = &a.heading {
                head.push_str(h);
                head.push('\n');
            }
        }
        if let Some(h) = &p.heading {
            head.push_str(h);
        } else if let Some(subject) = implied_subject(&p.text).filter(|_| short) {
            // "6. Sở Nội vụ: Tham mưu …": the body given the tasks heads the block.
            head.push_str(subject);
        }
        let law = p
            .law_id
            .clone()
            .or_else(|| ancestors.iter().rev().find_map(|a| a.law_id.clone()))
            .or_else(|| d.meta.law_id.clone());
        let art = p
            .article_id
            .clone()
            .or_else(|| ancestors.iter().rev().find_map(|a| a.article_id.clone()));
        let mut tags = Tags::default();
        if is_unit {
            p.walk(&mut |q, _| {
                if let Some(pf) = by_pid.get(q.id.as_str()) {
                    tags_of(pf, &mut tags);
                }
            });
        } else if let Some(pf) = by_pid.get(p.id.as_str()) {
            tags_of(pf, &mut tags);
        }
        // The records of this provision: (first line, last line, body, own unit?). A unit indexes
        // its subtree; any other provision its own text, over its own lines (label through the
        // line before its first child) on line-based files, where a long one (a table, a long
        // preamble) becomes row/paragraph-sized records carrying its id and label.
        let mut parts: Vec<(usize, usize, String, bool)> = Vec::new();
        if subtree {
            let mut s = String::new();
            subtree_text(p, &mut s);
            parts.push((p.span.line, p.span.end_line, s, false));
        } else if let Some(ls) = lines.as_ref() {
            let start = p.span.line;
            let own_end = match p.children.first() {
                Some(c) => c.span.line.saturating_sub(1).max(start),
                None => p.span.end_line,
            };
            if own_end + 1 - start > MAX_UNIT_LINES && own_end <= ls.len() {
                let chunks = split_lines(ls, start, own_end);
                let many = chunks.len() > 1;
                for (i, (a, b, t)) in chunks.into_iter().enumerate() {
                    let t = if i == 0 && p.heading.is_some() && !many {
                        p.full_text()
                    } else {
                        t
                    };
                    parts.push((a, b, t, many));
                }
            } else {
                parts.push((start, own_end, p.full_text(), false));
            }
        } else {
            parts.push((p.span.line, p.span.end_line, p.full_text(), false));
        }
        for (line, end_line, body, own_unit) in parts {
            let mut td = TantivyDocument::new();
            common(&mut td);
            td.add_text(f.kind, "provision");
            if is_unit {
                td.add_text(f.unit, "y");
            }
            let uid = match unit {
                Some(u) => format!("{file}#{doc_index}#{}", u.id),
                None if own_unit => format!("{file}#{doc_index}#{}@{line}", p.id),
                None => format!("{file}#{doc_index}#{}", p.id),
            };
            td.add_u64(f.unit_hash, unit_hash(&uid));
            td.add_text(f.unit_id, uid);
            td.add_text(f.pid, &p.id);
            td.add_text(f.label, &p.label);
            td.add_text(f.pkind, p.kind.as_str());
            if let Some(h) = &p.heading {
                td.add_text(f.heading, h);
            }
            td.add_text(f.head, &head);
            // Bigrams on both levels: measured, the exact bigrams of clause records carry most of
            // the question ranking (dropping them costs 0.04–0.06 MRR), those of the article too.
            td.add_text(f.text_bigram, &body);
            td.add_text(f.text_bigram_exact, &body);
            for k in number_keys_in(&body) {
                td.add_text(f.nums, k);
            }
            td.add_text(f.text, body);
            if let Some(l) = &law {
                td.add_text(f.law_id, l);
            }
            if let Some(a) = &art {
                td.add_text(f.article_id, a);
            }
            td.add_u64(f.line, line as u64);
            td.add_u64(f.end_line, end_line as u64);
            for a in tags.agencies.iter().filter(|a| !a.is_empty()) {
                td.add_text(f.agency, a);
            }
            for n in &tags.names {
                td.add_text(f.agency_name, n);
            }
            for r in &tags.roles {
                td.add_text(f.role, r);
            }
            out.push(td);
        }
    };
    for p in &d.provisions {
        let mut anc = Vec::new();
        go(p, None, &mut anc, short, &mut emit);
    }

    let mut edges = Vec::new();
    if let Some(x) = fx {
        for e in &x.edges {
            let kind = serde_json::to_value(e.kind)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            edges.push((kind, number_key(&e.target)));
        }
    }
    DocEntry {
        key,
        number,
        edges,
        date: date.map(|d| d.to_string()),
    }
}

/// Effect status of each document key, derived from the replace/repeal edges of every indexed
/// document: `replaced by X` / `repealed by X`. Keys absent from the map are not known to be out of force.
pub fn effect_map(m: &Manifest) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for f in m.files.values() {
        for d in &f.docs {
            let by = d.number.clone().unwrap_or_default();
            for (kind, target) in &d.edges {
                let status = match kind.as_str() {
                    "thay-the" => format!("replaced by {by}"),
                    "bai-bo" => format!("repealed by {by}"),
                    _ => continue,
                };
                out.insert(target.clone(), status);
            }
        }
    }
    out
}
