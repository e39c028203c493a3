//! `rasoat review`: review a corpus with every rule and write a report.
//!
//! Exit codes: 0 = the review ran (whatever it found); 1 = some input failed to parse (each such
//! file is also a `parse-error` finding in the report); 2 = usage error, broken rule file (without
//! `--keep-going`) or an output file that cannot be written.
use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rasoat_model::{Date, Severity};
use rasoat_report::OutputFormat;
use rasoat_rules::pipeline::{Reviewed, Stage, review_paths};
use rasoat_rules::{Engine, ReviewOptions};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Args)]
#[command(
    after_help = "Exit codes: 0 the review ran (whatever it found); 1 some input failed to parse (each such file is also a `parse-error` finding); 2 usage error, broken rule file (without --keep-going) or unwritable output.\nJSON is rasoat_model::Report: {\"version\": 1, \"findings\": [...], \"summary\": {...}, \"rules\": [...]}."
)]
pub struct Args {
    /// Files or folders to review (default: corpus/).
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format: text, md, html, json, csv, sarif, docx (Word), xlsx (Excel) (also github, junit).
    #[arg(long, short = 'f', default_value = "text", value_parser = parse_format)]
    format: OutputFormat,
    /// Write the report to FILE instead of stdout (required for docx/xlsx on a terminal).
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Layout of the docx/xlsx exports (TOML); default: the bundled rules/templates/export.toml.
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
    /// Rules folder (one TOML file per rule); default: the bundled rules.
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Extraction data (agencies.toml / places.toml / registry.toml, e.g. written by
    /// `rasoat registry import`); a file that is absent falls back to the bundled one.
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Drop findings below this severity: info, warning, error.
    #[arg(long, value_name = "LEVEL", default_value = "info", value_parser = parse_severity)]
    min_severity: Severity,
    /// Review date R (YYYY-MM-DD or DD/MM/YYYY); default: today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    as_of: Option<Date>,
    /// Run the valid rules even when some rule files are broken (reported on stderr).
    #[arg(long)]
    keep_going: bool,
    /// No progress bar and no summary line.
    #[arg(long, short = 'q')]
    quiet: bool,
}

fn parse_format(s: &str) -> Result<OutputFormat, String> {
    OutputFormat::parse(s).ok_or_else(|| {
        format!(
            "unknown format `{s}` (text, md, html, json, csv, sarif, github, junit, docx, xlsx)"
        )
    })
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::parse(s).ok_or_else(|| format!("unknown severity `{s}` (info, warning, error)"))
}

/// `2025-07-01` or `01/7/2025`.
pub fn parse_date(s: &str) -> Result<Date, String> {
    if let Ok(d) = s.parse::<Date>() {
        return Ok(d);
    }
    let parts: Vec<&str> = s.split(['/', '.', '-']).collect();
    if parts.len() == 3 {
        if let (Ok(d), Ok(m), Ok(y)) = (
            parts[0].parse::<i8>(),
            parts[1].parse::<i8>(),
            parts[2].parse::<i16>(),
        ) {
            if let Ok(date) = Date::new(y, m, d) {
                return Ok(date);
            }
        }
    }
    Err(format!("invalid date `{s}` (use YYYY-MM-DD or DD/MM/YYYY)"))
}

pub fn today() -> Date {
    jiff::ZonedDateTime::now().date()
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    // Usage errors first: a binary format needs a file (or a pipe), a template must load.
    check_binary_output(args.format, args.output.as_deref())?;
    let template = load_template(args.template.as_deref())?;
    let (engine, broken) = Engine::load(args.rules.as_deref(), args.keep_going).map_err(|e| {
        anyhow::anyhow!("broken rule file: {e} (use --keep-going to run the other rules)")
    })?;
    for e in &broken {
        eprintln!("rasoat: broken rule file skipped: {e}");
    }
    let engine = match &args.data {
        Some(d) => engine.with_data(d).map_err(|e| anyhow::anyhow!(e))?,
        None => engine,
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("corpus")]
    } else {
        args.paths.clone()
    };
    let show = !args.quiet && std::io::stderr().is_terminal();
    let pb = ProgressBar::with_draw_target(
        Some(0),
        if show {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg:<10} [{bar:30}] {pos}/{len} files")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let opts = ReviewOptions {
        as_of: args.as_of.unwrap_or_else(today),
        min_severity: args.min_severity,
    };
    // RASOAT_TIMING=1 prints the time of each phase (for bench/review.sh).
    let timing = std::env::var_os("RASOAT_TIMING").is_some();
    let phase = std::sync::Mutex::new(Instant::now());
    let progress = |stage: Stage, done: usize, total: usize| {
        let name = match stage {
            Stage::Parsing => {
                pb.set_length(total as u64);
                pb.set_position(done as u64);
                if done == 0 {
                    pb.set_message("parsing");
                }
                return;
            }
            Stage::Extracting => ("extracting", "parse"),
            Stage::Reviewing => ("reviewing", "extract"),
            Stage::Documents => ("", "review"),
        };
        if !name.0.is_empty() {
            pb.set_message(name.0);
        } else {
            pb.finish_and_clear();
        }
        let mut t = phase.lock().unwrap_or_else(|e| e.into_inner());
        if timing {
            let secs = if name.1 == "parse" {
                started.elapsed().as_secs_f64()
            } else {
                t.elapsed().as_secs_f64()
            };
            eprintln!("timing: {} {secs:.2}s", name.1);
        }
        *t = Instant::now();
    };
    let Reviewed { report, corpus } = review_paths(&engine, &paths, &opts, &progress);
    if timing {
        let t = phase.lock().unwrap_or_else(|e| e.into_inner());
        eprintln!("timing: documents {:.2}s", t.elapsed().as_secs_f64());
    }
    let t = Instant::now();
    let out = rasoat_report::render_bytes(
        &report,
        args.format,
        &rasoat_report::RenderOptions {
            template,
            ..Default::default()
        },
        &rasoat_report::SourceCache::new(),
    )?;
    if timing {
        eprintln!("timing: render {:.2}s", t.elapsed().as_secs_f64());
    }
    write_output(args.output.as_deref(), &out)?;
    let s = &report.summary;
    if !args.quiet {
        eprintln!(
            "rasoat review: {} documents, {} provisions, as of {}: {} findings ({} errors, {} warnings, {} info), {} parse errors, in {:.2}s",
            s.documents,
            s.provisions,
            s.as_of,
            s.findings,
            s.errors,
            s.warnings,
            s.infos,
            corpus.parse_errors.len(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(if corpus.parse_errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Binary formats (docx, xlsx) go to `--output FILE`, or to stdout only when it is not a terminal.
pub fn check_binary_output(
    format: OutputFormat,
    output: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    if format.is_binary() && output.is_none() && std::io::stdout().is_terminal() {
        anyhow::bail!(
            "--format {} writes a binary file: pass --output FILE (or redirect standard output to a file)",
            if format == OutputFormat::Docx {
                "docx"
            } else {
                "xlsx"
            }
        );
    }
    Ok(())
}

/// `--template FILE`, or the bundled template.
pub fn load_template(
    path: Option<&std::path::Path>,
) -> anyhow::Result<Option<rasoat_report::ExportTemplate>> {
    Ok(match path {
        Some(p) => Some(rasoat_report::ExportTemplate::load(p)?),
        None => None,
    })
}

/// Write the rendered report to FILE or stdout (a closed pipe is not an error worth a message).
pub fn write_output(output: Option<&std::path::Path>, out: &[u8]) -> anyhow::Result<()> {
    match output {
        Some(f) => rasoat_report::write_atomic(f, out)
            .with_context(|| format!("cannot write {}", f.display())),
        None => {
            use std::io::Write;
            let mut so = std::io::stdout().lock();
            let _ = so.write_all(out);
            let _ = so.flush();
            Ok(())
        }
    }
}
