//! `rasoat index [PATH...]`: build or update the search index.
use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rasoat_index::{Progress, UpdateOptions, UpdateStats};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Files or folders to index (default: corpus/). Folders are walked for .txt, .md, .docx, .json.
    /// The index mirrors these inputs: files indexed before but not given now are removed.
    pub paths: Vec<PathBuf>,
    /// Index folder.
    #[arg(long, value_name = "DIR", default_value = rasoat_index::DEFAULT_DIR)]
    pub index: PathBuf,
    /// Delete the index and build it from scratch (needed after an upgrade changes the schema).
    #[arg(long)]
    pub rebuild: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// No progress bar or summary.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Facts for the index: agencies and roles per provision, replace/repeal edges.
pub fn facts(d: &rasoat_model::Document) -> Option<rasoat_extract::DocFacts> {
    rasoat_index::bundled_facts(d)
}

/// Build/update `dir` from `paths`; shared with `rasoat search` (auto-build from corpus/).
pub fn build(
    paths: &[PathBuf],
    dir: &Path,
    rebuild: bool,
    quiet: bool,
) -> anyhow::Result<UpdateStats> {
    let (files, input_errors) = rasoat_parse::collect_inputs(paths);
    let show = !quiet && std::io::stderr().is_terminal();
    let bar = if show {
        ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} indexing [{bar:30}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let progress = |p: Progress<'_>| match p {
        Progress::Start { bytes, .. } => bar.set_length(bytes),
        Progress::File { bytes, .. } => bar.inc(bytes),
        Progress::Committing => bar.set_message("committing"),
    };
    let opts = UpdateOptions {
        rebuild,
        facts: Some(&facts),
        progress: Some(&progress),
        ..Default::default()
    };
    let mut stats = rasoat_index::update(dir, &files, &opts)
        .with_context(|| format!("indexing into {}", dir.display()))?;
    bar.finish_and_clear();
    for e in input_errors {
        stats.files_failed += 1;
        stats.errors.push(e.to_string());
    }
    Ok(stats)
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("corpus")]
    } else {
        args.paths.clone()
    };
    let t0 = std::time::Instant::now();
    let stats = build(&paths, &args.index, args.rebuild, args.quiet)?;
    let secs = t0.elapsed().as_secs_f64();
    if let Some(r) = &stats.rebuilt_reason {
        eprintln!("rasoat: note: rebuilt the index: {r}");
    }
    for e in &stats.errors {
        eprintln!("rasoat: error: {e}");
    }
    if args.json {
        let mut v = serde_json::to_value(&stats)?;
        v["seconds"] = serde_json::json!(secs);
        v["index"] = serde_json::json!(args.index.display().to_string());
        println!("{v}");
    } else if !args.quiet {
        let mb = stats.bytes_read as f64 / 1e6;
        eprintln!(
            "indexed {} file(s) ({} document(s), {} record(s), {:.1} MB) in {:.2}s ({:.1} MB/s); {} unchanged, {} removed, {} failed → {}",
            stats.files_read,
            stats.documents,
            stats.records,
            mb,
            secs,
            if secs > 0.0 { mb / secs } else { 0.0 },
            stats.files_unchanged,
            stats.files_removed,
            stats.files_failed,
            args.index.display()
        );
    }
    Ok(if stats.files_failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
