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
