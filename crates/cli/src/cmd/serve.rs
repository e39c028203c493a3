//! `rasoat serve`: the reviewer workbench (web pages and JSON API) over a corpus.
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(
    after_help = "With no account yet the server prints a one-time setup link for the first quan-tri (loopback only).\nBinding to a non-loopback address needs an account: `rasoat user add NAME --role quan-tri` first."
)]
pub struct Args {
    /// Files or folders to review and search (default: corpus/).
    #[arg(value_name = "CORPUS")]
    paths: Vec<PathBuf>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    #[command(flatten)]
    data: super::DataDir,
    /// Review date R (YYYY-MM-DD or DD/MM/YYYY); default: today.
    #[arg(long, value_name = "DATE", value_parser = super::review::parse_date)]
    as_of: Option<rasoat_model::Date>,
    /// Rules folder (one TOML file per rule); default: the bundled rules.
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (engine, broken) = rasoat_rules::Engine::load(args.rules.as_deref(), false)
        .map_err(|e| anyhow::anyhow!("broken rule file: {e}"))?;
    debug_assert!(broken.is_empty());
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("corpus")]
    } else {
        args.paths
    };
    let cfg = rasoat_serve::Config {
        paths,
        addr: args.addr,
        data: args.data.path,
        as_of: args.as_of,
    };
    rasoat_serve::serve(cfg, engine).map_err(|e| anyhow::anyhow!(e))?;
    Ok(ExitCode::SUCCESS)
}
