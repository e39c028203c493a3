//! `rasoat registry`: import an office's own list of national documents, and check the registry
//! against a corpus. Logic lives in rasoat_extract::registry and rasoat_rules; this is flags and
//! printing.
use anyhow::Context as _;
use clap::{Parser, Subcommand};
use rasoat_rules::{Corpus, Engine};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
pub struct Args {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Add an office's list (CSV with a header row, or JSON) to the registry: writes
    /// DATA/registry.toml = the registry in DATA (else the bundled one) + the imported entries
    /// (an imported number replaces the entry it repeats). Then `rasoat review --data DATA`,
    /// `rasoat extract --data DATA`, `rasoat registry check --data DATA`.
    Import {
        /// CSV (`number,type,date,title,issuer,…,source,verified`) or JSON (array of objects).
        file: PathBuf,
        /// Folder to write registry.toml into.
        #[arg(long, default_value = ".rasoat/data")]
        data: PathBuf,
    },
    /// Report registry entries the corpus contradicts (a registered date no citing document
    /// gives, while most give another).
    Check {
        /// Corpus files or folders (default: corpus).
        paths: Vec<PathBuf>,
        /// Rules folder whose data/registry.toml to check (default: the bundled registry).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Data folder whose registry.toml to check (as written by `registry import`).
        #[arg(long)]
        data: Option<PathBuf>,
    },
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.cmd {
        Cmd::Import { file, data } => {
            let src = std::fs::read_to_string(&file)
                .with_context(|| format!("{}: cannot read", file.display()))?;
            let name = file.display().to_string();
            let added = rasoat_extract::registry::import_rows(&name, &src)
                .map_err(|e| anyhow::anyhow!(e))?;
            let target = data.join("registry.toml");
            let base = match std::fs::read_to_string(&target) {
                Ok(t) => rasoat_extract::Registry::from_source(&target.display().to_string(), &t),
                Err(_) => rasoat_extract::Registry::from_source(
                    "rules/data/registry.toml",
                    rasoat_extract::REGISTRY_TOML,
                ),
            }
            .map_err(|e| anyhow::anyhow!(e))?;
            let imported = rasoat_extract::Registry::from_source(&name, &added)
                .map_err(|e| anyhow::anyhow!(e))?;
            let merged = base.merged(&imported);
            std::fs::create_dir_all(&data)
                .with_context(|| format!("{}: cannot create", data.display()))?;
            std::fs::write(&target, merged.to_toml())
                .with_context(|| format!("{}: cannot write", target.display()))?;
            let verified = merged.entries().iter().filter(|e| e.verified).count();
            eprintln!(
                "rasoat registry: {} entries imported from {name}; {} wrote {} entries ({verified} verified)",
                imported.entries().len(),
                target.display(),
                merged.entries().len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Check { paths, rules, data } => {
            let (engine, _) =
                Engine::load(rules.as_deref(), false).map_err(|e| anyhow::anyhow!("{e}"))?;
            let engine = match &data {
                Some(d) => engine.with_data(d).map_err(|e| anyhow::anyhow!(e))?,
                None => engine,
            };
            let paths = if paths.is_empty() {
                vec![PathBuf::from("corpus")]
            } else {
                paths
            };
            let (files, parse_errors) = rasoat_parse::collect_inputs(&paths);
            let mut docs = Vec::new();
            for p in &files {
                if let Ok(d) = rasoat_parse::parse_path(p) {
                    docs.extend(d);
                }
            }
            let corpus = Corpus {
                docs: engine.analyze(docs),
                parse_errors,
            };
            let reg = engine
                .data_registry()
                .context("registry data failed to load")?;
            let found = reg.check_against(&rasoat_rules::dated_citations(&corpus));
            for c in &found {
                println!(
                    "{}\t{}: registry {} ({}), corpus {} in {}/{} citing documents, e.g. {}",
                    c.number,
                    c.field,
                    c.registered,
                    if c.verified { "verified" } else { "unverified" },
                    c.corpus,
                    c.agree,
                    c.total,
                    c.example
                );
            }
            let verified = reg.entries().iter().filter(|e| e.verified).count();
            eprintln!(
                "rasoat registry: {} entries ({verified} verified), {} contradicted by {} documents",
                reg.entries().len(),
                found.len(),
                corpus.docs.len()
            );
            Ok(if found.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}
