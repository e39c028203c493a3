//! One module per subcommand; each owns its clap `Args` and a `run`.
pub mod check;
pub mod extract;
pub mod index;
pub mod parse;
pub mod registry;
pub mod review;
pub mod rules;
pub mod search;
pub mod serve;
pub mod triage;
pub mod user;

/// `--data DIR`, shared by `serve`, `user` and `triage`: one folder holds the accounts, the
/// reviewers' decisions and the server's index.
#[derive(clap::Args)]
pub struct DataDir {
    /// Data folder of `rasoat serve`: triage database, accounts, search index.
    #[arg(long = "data", value_name = "DIR", default_value = ".rasoat")]
    pub path: std::path::PathBuf,
}

impl DataDir {
    pub fn store(&self) -> anyhow::Result<rasoat_triage::Store> {
        Ok(rasoat_triage::Store::open(&self.path)?)
    }
}
