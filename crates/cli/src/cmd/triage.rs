//! `rasoat triage export|import FILE`: move reviewers' decisions as JSON (git, merging offices).
use anyhow::Context;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(clap::Subcommand)]
enum Cmd {
    /// Write every decision to FILE (`-` for standard output).
    Export {
        file: PathBuf,
        #[command(flatten)]
        data: super::DataDir,
    },
    /// Merge decisions from FILE: an imported decision replaces a local one only when newer.
    Import {
        file: PathBuf,
        #[command(flatten)]
        data: super::DataDir,
    },
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.cmd {
        Cmd::Export { file, data } => {
            let text = data.store()?.export_json()? + "\n";
            if file.as_os_str() == "-" {
                print!("{text}");
            } else {
                rasoat_report::write_atomic(&file, text.as_bytes())
                    .with_context(|| format!("cannot write {}", file.display()))?;
            }
        }
        Cmd::Import { file, data } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let stats = data
                .store()?
                .import_json(&text)
                .with_context(|| file.display().to_string())?;
            eprintln!(
                "rasoat: imported {} decision(s), kept {} local one(s)",
                stats.applied, stats.kept
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
