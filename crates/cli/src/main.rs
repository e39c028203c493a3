//! `rasoat`: review Vietnamese legal documents on phân cấp, phân quyền, ủy quyền.
use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod cmd;

// Indexing and review allocate many small strings and tantivy documents from several threads;
// mimalloc measured faster than the system allocator there (bench notes in the README).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// rasoat ("rà soát"): search, review and check Vietnamese legal documents
/// (văn bản quy phạm pháp luật, kế hoạch, đề án) on decentralisation: phân cấp,
/// phân quyền, ủy quyền, and which body chủ trì / phối hợp each task.
///
/// Exit codes: 0 success (no finding at or above --fail-on); 1 findings at or above
/// --fail-on, or some input failed to parse; 2 usage error or unreadable input.
#[derive(Parser)]
#[command(name = "rasoat", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse documents into their structure (Phần/Chương/Mục/Điều/Khoản/Điểm, or I./1./a) in plans).
    Parse(cmd::parse::Args),
    /// Show what rasoat understands in each provision: citations, agencies, roles (chủ trì, phối hợp …),
    /// deadlines, delegation acts (phân cấp, ủy quyền), and the document graph.
    Extract(cmd::extract::Args),
    /// Build or update the search index (default folder .rasoat/index).
    Index(cmd::index::Args),
    /// Search provisions, diacritic-insensitive, with filters and highlighted snippets.
    Search(cmd::search::Args),
    /// Review a corpus with every rule and write a conflict report (mâu thuẫn, chồng chéo, hết hiệu lực …).
    Review(cmd::review::Args),
    /// Check draft documents (dự thảo) against the corpus, as a linter for CI.
    Check(cmd::check::Args),
    /// List, explain and test the rules.
    Rules(cmd::rules::Args),
    /// The registry of national documents: import an office's list, check it against a corpus.
    Registry(cmd::registry::Args),
    /// The reviewer workbench: web pages and JSON API for search, triage and exports.
    Serve(cmd::serve::Args),
    /// Accounts of the workbench (xem, ra-soat, quan-tri).
    User(cmd::user::Args),
    /// Export or import reviewers' decisions as JSON.
    Triage(cmd::triage::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Parse(a) => cmd::parse::run(a),
        Command::Extract(a) => cmd::extract::run(a),
        Command::Index(a) => cmd::index::run(a),
        Command::Search(a) => cmd::search::run(a),
        Command::Review(a) => cmd::review::run(a),
        Command::Check(a) => cmd::check::run(a),
        Command::Rules(a) => cmd::rules::run(a),
        Command::Registry(a) => cmd::registry::run(a),
        Command::Serve(a) => cmd::serve::run(a),
        Command::User(a) => cmd::user::run(a),
        Command::Triage(a) => cmd::triage::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("rasoat: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
