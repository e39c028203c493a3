//! `rasoat check`: lint draft documents (dự thảo) against the corpus, for CI and pre-commit hooks.
use anyhow::{Context, bail};
use rasoat_model::{Finding, Report, Severity};
use rasoat_report::{
    OutputFormat, RenderOptions, SourceCache, render_bytes, resolve_report_columns,
};
use rasoat_rules::{Corpus, Engine, ReviewOptions};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod baseline;
mod cache;
mod config;
mod suppress;

const LONG_ABOUT: &str = "Check draft documents (dự thảo) against the corpus, as a linter for CI and pre-commit hooks.

Parses each draft (\"DỰ THẢO\" on top, a blank number `Số:      /2026/QĐ-UBND` and a blank date are
fine), runs every rule on it, and compares it with the corpus (default `corpus/`): a draft that gives a
task to another lead agency than an existing plan, sets another deadline for the same report, or cites a
document the corpus shows as replaced is caught. Only findings located in the drafts are reported; the
corpus side appears as the related location. Drafts are judged as if issued on the review date (--as-of).

The corpus is parsed and analysed once and cached in .rasoat/check-cache/ (or --index DIR); later runs
re-read only corpus files whose size, mtime or content changed.";

const AFTER_HELP: &str = "Exit codes:
  0  no finding at or above --fail-on (default: error)
  1  at least one finding at or above --fail-on
  2  usage error, or unreadable input: a draft that cannot be read or parsed (named in the message),
     a missing corpus folder, a bad rasoat.toml, baseline or rules folder

Suppressions:
  In a Markdown draft:   <!-- rasoat-disable-next-line R01, expired-or-replaced-citation -->
  In a plain-text draft: a line `rasoat: bỏ qua R01` (alone on its line; `#`/`//` prefix allowed)
  Both silence the named rules (id or code; none = all) on the next non-blank line.
  rasoat.toml at the repository root (found by walking up, or --config): `ignore = [globs]`,
  `[rules] R05 = \"off\"|\"warning\"…`, `[[override]] paths = [globs], rules = {…}`,
  `[[suppress]] fingerprint = \"…\", reason = \"…\"`. Suppressed findings are counted in the summary.

Baselines:
  rasoat check --write-baseline .rasoat-baseline.json drafts/   # record today's findings
  rasoat check --baseline .rasoat-baseline.json drafts/         # report only new ones

Examples:
  rasoat check drafts/qd-phan-cap.md
  rasoat check --format sarif --fail-on warning drafts/ > rasoat.sarif
  rasoat check --format github drafts/*.md";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args)]
#[command(long_about = LONG_ABOUT, after_help = AFTER_HELP)]
pub struct Args {
    /// Draft files to check (folders are searched for .md, .txt and .docx files).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Corpus folder to compare against [default: corpus/, or [check] corpus in rasoat.toml].
    #[arg(long, value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    /// Use the corpus index (check cache) in DIR; it is refreshed when corpus files change, and
    /// used as built when the corpus folder is absent.
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// Output format: text, json, sarif, github, junit (also md, html, csv, docx, xlsx).
    #[arg(long, short = 'f', default_value = "text", value_name = "FORMAT")]
    pub format: String,
    /// Write the report to FILE instead of standard output (required for docx/xlsx on a terminal).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Layout of the docx/xlsx exports (TOML); default: the bundled rules/templates/export.toml.
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    /// Lowest severity that makes the exit code 1 [default: error].
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
    /// Report only findings whose fingerprint is not in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Data folder of `rasoat serve`: findings decided "không phải sai sót" there are left out,
    /// like a baseline.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Record the current findings' fingerprints in FILE (JSON).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Review date (YYYY-MM-DD or DD/MM/YYYY) [default: today].
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Configuration file [default: rasoat.toml found by walking up from the current folder].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Rules folder (every *.toml) instead of the bundled rules.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Load the rules that parse when some rule files are broken (they are reported).
    #[arg(long)]
    pub keep_going: bool,
    /// Do not read or write the corpus cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Hand every corpus document to the rules, including national data-set laws the drafts
    /// do not cite, directly or through a chain of replacements (slower; by default those are
    /// left out, since such laws reach a draft only through citations).
    #[arg(long)]
    pub full_corpus: bool,
    /// Colours in text output.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: Color,
    /// Print timings and cache statistics on standard error.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

/// Parse `--as-of`.
fn parse_date(s: &str) -> anyhow::Result<jiff::civil::Date> {
    let s = s.trim();
    if let Ok(d) = s.parse::<jiff::civil::Date>() {
        return Ok(d);
    }
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    if let [d, m, y] = parts.as_slice()
        && let (Ok(d), Ok(m), Ok(y)) = (d.parse::<i8>(), m.parse::<i8>(), y.parse::<i16>())
        && let Ok(date) = jiff::civil::Date::new(y, m, d)
    {
        return Ok(date);
    }
    bail!("--as-of {s:?}: expected a date as YYYY-MM-DD or DD/MM/YYYY")
}

/// Today's date in Vietnam (UTC+7), where the drafts are issued.
fn today_in_vietnam() -> jiff::civil::Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        + 7 * 3600;
    let epoch = jiff::civil::Date::constant(1970, 1, 1);
    epoch
        .checked_add(jiff::Span::new().days((secs / 86_400) as i64))
        .unwrap_or(epoch)
}

/// Expand folders into their draft files.
fn draft_files(args: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for a in args {
        if a.is_dir() {
            let files = cache::list_files(a, &|p| {
                p.extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("json"))
            })?;
            out.extend(files);
        } else if a.exists() {
            out.push(a.clone());
        } else {
            bail!("cannot read draft {}: no such file", a.display());
        }
    }
    out.dedup();
    Ok(out)
}

/// A parsed draft plus the suppression comments found in its source.
struct Draft {
    path: PathBuf,
    directives: Vec<suppress::Directive>,
}

fn is_text(p: &Path) -> bool {
    matches!(
        p.extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .as_deref(),
        Some("md" | "markdown" | "txt") | None
    )
}

/// Parse one draft. Suppression comment lines are blanked (same bytes, same lines) in a private
/// copy before parsing, so they are never read as part of the text.
fn parse_draft(path: &Path, tmp: &Path) -> anyhow::Result<(Draft, Vec<rasoat_model::Document>)> {
    let shown = path.to_string_lossy().to_string();
    let mut directives = Vec::new();
    let mut parse_from = path.to_path_buf();
    if is_text(path) {
        let bytes = std::fs::read(path).with_context(|| format!("cannot read draft {shown}"))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| anyhow::anyhow!("cannot parse draft {shown}: not UTF-8 text"))?;
        directives = suppress::scan(&text);
        if !directives.is_empty() {
            let name = path
                .file_name()
                .map(|n| n.to_os_string())
                .unwrap_or_default();
            let dir = tmp.join(cache::digest(shown.as_bytes()));
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            parse_from = dir.join(name);
            std::fs::write(&parse_from, suppress::blank(&text, &directives))
                .with_context(|| format!("cannot write {}", parse_from.display()))?;
        }
    }
    let mut docs = rasoat_parse::parse_path(&parse_from)
        .map_err(|e| anyhow::anyhow!("cannot parse draft {shown}: {}", e.reason))?;
    if docs.is_empty() {
        bail!("cannot parse draft {shown}: no document found in it");
    }
    for d in &mut docs {
        // Report the draft under the name the user gave, not the private copy.
        d.source.path = shown.clone();
        d.meta.draft = true;
    }
    Ok((
        Draft {
            path: path.to_path_buf(),
            directives,
        },
        docs,
    ))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let t0 = std::time::Instant::now();
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let format = OutputFormat::parse(&args.format).with_context(|| {
        format!(
            "--format {}: expected text, json, sarif, github, junit, md, html, csv, docx or xlsx",
            args.format
        )
    })?;
    super::review::check_binary_output(format, args.output.as_deref())?;
    let template = super::review::load_template(args.template.as_deref())?;
    let cfg_file = match &args.config {
        Some(f) => {
            if !f.is_file() {
                bail!("config {}: no such file", f.display());
            }
            Some(f.clone())
        }
        None => config::Config::discover(&cwd),
    };
    let cfg = match &cfg_file {
        Some(f) => config::Config::load(f)?,
        None => config::Config::empty(cwd.clone()),
    };
    let fail_on = match (args.fail_on, cfg.fail_on.as_deref()) {
        (Some(f), _) => f,
        (None, Some("never")) => FailOn::Never,
        (None, Some(s)) => match Severity::parse(s) {
            Some(Severity::Error) | None => FailOn::Error,
            Some(Severity::Warning) => FailOn::Warning,
            Some(Severity::Info) => FailOn::Info,
        },
        (None, None) => FailOn::Error,
    };
    let as_of = match &args.as_of {
        Some(s) => parse_date(s)?,
        None => today_in_vietnam(),
    };
    let rules_dir = args.rules.clone().or(cfg.rules_dir.clone());
    let (engine, broken) = Engine::load(rules_dir.as_deref(), args.keep_going)
        .map_err(|e| anyhow::anyhow!("rules: {e}"))?;
    for e in &broken {
        eprintln!("rasoat: warning: rule file skipped: {e}");
    }
    let t_engine = t0.elapsed();

    // Drafts.
    let mut drafts_paths = draft_files(&args.files)?;
    let before = drafts_paths.len();
    drafts_paths.retain(|p| !cfg.is_ignored(p));
    if drafts_paths.len() < before {
        eprintln!(
            "rasoat: {} file(s) skipped: ignored by {}",
            before - drafts_paths.len(),
            config::FILE_NAME
        );
    }
    let tmp = tempdir_for_drafts()?;
    let mut drafts = Vec::new();
    let mut draft_docs = Vec::new();
    for p in &drafts_paths {
        let (d, docs) = parse_draft(p, tmp.path())?;
        drafts.push(d);
        draft_docs.extend(docs);
    }
    let documents = draft_docs.len();
    let provisions: usize = draft_docs.iter().map(|d| d.flat().len()).sum();
    let drafts_corpus = Corpus {
        docs: engine.analyze(draft_docs),
        parse_errors: vec![],
    };
    let query = if args.full_corpus {
        None
    } else {
        Some(draft_query(&drafts_corpus))
    };
    let t_drafts = t0.elapsed();

    // Corpus (cached).
    let corpus_dir = args
        .corpus
        .clone()
        .or(cfg.corpus.clone())
        .unwrap_or_else(|| PathBuf::from("corpus"));
    let draft_abs: std::collections::HashSet<PathBuf> =
        drafts_paths.iter().map(|p| config::absolute(p)).collect();
    let skip = |p: &Path| {
        draft_abs.contains(&config::absolute(p)) || (cfg.file.is_some() && cfg.is_ignored(p))
    };
    let files = if corpus_dir.is_dir() {
        Some(cache::list_files(&corpus_dir, &skip)?)
    } else if args.index.is_some() {
        None
    } else {
        bail!(
            "corpus folder {} not found (pass --corpus DIR)",
            corpus_dir.display()
        );
    };
    let (corpus, stats) = if args.no_cache {
        cache::load_uncached(
            &engine,
            files.as_deref().unwrap_or_default(),
            query.as_ref(),
        )
    } else {
        let dir = args
            .index
            .clone()
            .unwrap_or_else(|| cache::default_dir(&cfg.root, &corpus_dir));
        let id = cache::engine_key(rules_dir.as_deref());
        match cache::load(
            &engine,
            &dir,
            &corpus_dir,
            files.as_deref(),
            &id,
            query.as_ref(),
        ) {
            Ok(r) => r,
            Err(e) if files.is_some() => {
                eprintln!("rasoat: warning: corpus cache not used: {e:#}");
                cache::load_uncached(
                    &engine,
                    files.as_deref().unwrap_or_default(),
                    query.as_ref(),
                )
            }
            Err(e) => return Err(e),
        }
    };
    if !corpus.parse_errors.is_empty() {
        eprintln!(
            "rasoat: warning: {} corpus file(s) could not be parsed and were left out (run `rasoat review` for details)",
            corpus.parse_errors.len()
        );
    }
    let t_corpus = t0.elapsed();

    // Check.
    let found = engine.check(
        &corpus,
        &drafts_corpus,
        &ReviewOptions {
            as_of,
            min_severity: Severity::Info,
        },
    );
    drop(corpus);
    let t_check = t0.elapsed();

    // Columns from the original bytes (one column per composed letter, NFD files included).
    let cache_src = SourceCache::new();
    let mut tmp_report = Report::new(found, vec![], 0, 0, 0, String::new());
    resolve_report_columns(&cache_src, &mut tmp_report);
    let (kept, notes) = apply_suppressions(tmp_report.findings, &cfg, &drafts);
    let mut suppressed = notes.len();
    if args.verbose {
        for n in &notes {
            eprintln!("rasoat: suppressed {n}");
        }
    }
    if let Some(f) = &args.write_baseline {
        baseline::write(f, &kept)?;
        eprintln!(
            "rasoat: wrote baseline with {} finding(s) to {}",
            kept.len(),
            f.display()
        );
    }
    let kept = match &args.baseline {
        Some(b) => {
            let mut known = baseline::read(b)?;
            let (new, old): (Vec<Finding>, Vec<Finding>) =
                kept.into_iter().partition(|f| !known.take(&f.fingerprint));
            suppressed += old.len();
            new
        }
        None => kept,
    };
    let kept = match &args.data {
        Some(d) => {
            let dismissed = dismissed(d)?;
            let (old, new): (Vec<Finding>, Vec<Finding>) = kept
                .into_iter()
                .partition(|f| dismissed.contains(&f.fingerprint));
            suppressed += old.len();
            new
        }
        None => kept,
    };
    let mut report = Report::new(
        kept,
        engine.rule_infos(),
        documents,
        provisions,
        suppressed,
        as_of.to_string(),
    );
    report.documents = engine.document_infos(&drafts_corpus.docs.iter().collect::<Vec<_>>(), as_of);
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let opts = RenderOptions {
        color,
        checked_files: drafts_paths
            .iter()
            .map(|p| p.to_string_lossy().to_string())
            .collect(),
        tool_version: None,
        template,
    };
    let out = render_bytes(&report, format, &opts, &cache_src)?;
    super::review::write_output(args.output.as_deref(), &out)?;
    if (format != OutputFormat::Text && args.output.is_some()) || args.verbose {
        eprintln!("rasoat: {}", rasoat_report::summary_line(&report));
    }
    if args.verbose {
        eprintln!(
            "rasoat: timings: rules {:?}, drafts {:?}, corpus {:?} ({} files, {} docs, {} selected, {} re-parsed, cache {}), check {:?}, total {:?}",
            t_engine,
            t_drafts - t_engine,
            t_corpus - t_drafts,
            stats.files,
            stats.docs,
            stats.selected,
            stats.reparsed,
            if stats.cached { "on" } else { "off" },
            t_check - t_corpus,
            t0.elapsed()
        );
    }
    let failing = fail_on
        .threshold()
        .is_some_and(|t| report.findings.iter().any(|f| f.severity >= t));
    Ok(ExitCode::from(if failing { 1 } else { 0 }))
}

fn tempdir_for_drafts() -> anyhow::Result<TempDir> {
    TempDir::new()
}

/// A private temporary folder removed on drop (the binary has no tempfile dependency).
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> anyhow::Result<TempDir> {
        let p = std::env::temp_dir().join(format!(
            "rasoat-check-{}-{}",
            std::process::id(),
            cache::digest(format!("{:?}", std::time::SystemTime::now()).as_bytes())
        ));
        Ok(TempDir(p))
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every document the drafts cite, normalised: extraction's citation keys plus anything in the
/// text shaped like a number-symbol (so a citation extraction missed still selects its law).
fn draft_query(drafts: &Corpus) -> std::collections::HashSet<String> {
    let mut q = std::collections::HashSet::new();
    for a in &drafts.docs {
        q.extend(
            [a.facts.key.as_deref(), a.doc.meta.number.as_deref()]
                .into_iter()
                .flatten()
                .map(cache::norm),
        );
        for pf in &a.facts.provisions {
            for c in &pf.citations {
                q.insert(cache::norm(&c.key));
                q.extend(c.number.as_deref().map(cache::norm));
                q.extend(c.registry_key.as_deref().map(cache::norm));
            }
        }
        a.doc.walk(&mut |p, _| {
            for t in p.full_text().split(|c: char| {
                c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | ':' | '“' | '”' | '"')
            }) {
                let t = t.trim_end_matches('.');
                if t.contains('/') && t.starts_with(|c: char| c.is_ascii_digit()) {
                    q.insert(cache::norm(t));
                }
            }
        });
    }
    q
}

/// Apply rasoat.toml rule settings, in-draft comments and `[[suppress]]` fingerprints.
/// Returns the findings kept and a note for each suppressed one (shown with --verbose).
fn apply_suppressions(
    found: Vec<Finding>,
    cfg: &config::Config,
    drafts: &[Draft],
) -> (Vec<Finding>, Vec<String>) {
    let mut kept = Vec::new();
    let mut notes = Vec::new();
    let at = |f: &Finding| {
        format!(
            "{}[{}] at {}:{}",
            f.rule, f.fingerprint, f.location.file, f.location.line
        )
    };
    for mut f in found {
        match cfg.setting(&f) {
            Some(config::Setting::Off) => {
                notes.push(format!("{}: rule off in {}", at(&f), config::FILE_NAME));
                continue;
            }
            Some(config::Setting::Severity(s)) => f.severity = s,
            _ => {}
        }
        let file = config::absolute(Path::new(&f.location.file));
        let by_comment = drafts
            .iter()
            .filter(|d| config::absolute(&d.path) == file)
            .any(|d| d.directives.iter().any(|x| suppress::covers(x, &f)));
        if by_comment {
            notes.push(format!("{}: suppression comment in the draft", at(&f)));
            continue;
        }
        if let Some(s) = cfg.suppression(&f) {
            notes.push(format!(
                "{}: [[suppress]] in {}: {}",
                at(&f),
                config::FILE_NAME,
                s.reason
            ));
            continue;
        }
        kept.push(f);
    }
    (kept, notes)
}

/// Fingerprints the reviewers judged "không phải sai sót" in `DIR/triage.sqlite`.
fn dismissed(dir: &std::path::Path) -> anyhow::Result<std::collections::HashSet<String>> {
    let db = dir.join(rasoat_triage::DB_FILE);
    if !db.is_file() {
        anyhow::bail!(
            "--data {}: no triage database ({} is missing)",
            dir.display(),
            db.display()
        );
    }
    Ok(rasoat_triage::Store::open(dir)?
        .dismissed()?
        .into_iter()
        .collect())
}
