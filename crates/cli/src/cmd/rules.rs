//! `rasoat rules list | show ID | test [ID]`: explain and test the rule catalog.
use anyhow::Context;
use rasoat_rules::Engine;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    cmd: Sub,
    /// Rules folder (one TOML file per rule); default: the bundled rules.
    #[arg(long, global = true, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Load the valid rule files even when some are broken (the broken ones are reported).
    #[arg(long, global = true)]
    keep_going: bool,
}

#[derive(clap::Subcommand)]
enum Sub {
    /// List the rules: code, id, default severity, category, name.
    List,
    /// Explain one rule (by id or code): description, legal basis, handling, matcher, examples.
    Show {
        /// Rule id (`lead-agency-conflict`) or code (`R01`).
        id: String,
    },
    /// Run every rule's examples (must-fire and must-stay-quiet) and print TP/FP/TN/FN per rule.
    /// Exits 1 on any miss.
    Test {
        /// Only this rule (id or code).
        id: Option<String>,
    },
}

fn load(args: &Args) -> anyhow::Result<(Engine, usize)> {
    let (engine, errs) = Engine::load(args.rules.as_deref(), args.keep_going)
        .map_err(|e| anyhow::anyhow!("broken rule file: {e}"))?;
    for e in &errs {
        eprintln!("rasoat: broken rule file skipped: {e}");
    }
    Ok((engine, errs.len()))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (engine, broken) = load(&args)?;
    match &args.cmd {
        Sub::List => {
            println!(
                "{:<4} {:<40} {:<8} {:<18} {}",
                "CODE", "ID", "SEVERITY", "CATEGORY", "NAME"
            );
            for s in engine.specs() {
                println!(
                    "{:<4} {:<40} {:<8} {:<18} {}",
                    s.code,
                    s.id,
                    s.severity.as_str(),
                    s.category,
                    s.name_vi
                );
            }
            println!("{} rules", engine.specs().len());
        }
        Sub::Show { id } => {
            let s = engine
                .specs()
                .into_iter()
                .find(|s| s.id == *id || s.code.eq_ignore_ascii_case(id))
                .with_context(|| format!("no rule `{id}` (see `rasoat rules list`)"))?;
            println!("{} {} — {} ({})", s.code, s.id, s.name_vi, s.name_en);
            println!(
                "Mức độ mặc định: {}   Loại: {}   Xử lý: {}",
                s.severity, s.category, s.handling
            );
            println!("Căn cứ pháp lý: {}", s.legal_basis);
            println!();
            println!("{}", s.description.trim());
            println!();
            println!("Thông báo: {}", s.message);
            if s.reform.is_some() {
                println!(
                    "Ngày rà soát: văn bản ban hành trước mốc cải cách, còn hiệu lực → cảnh báo “không còn phù hợp” (hạn 01/3/2027); ngày không rõ → giảm một bậc."
                );
            } else if s.date_dependent {
                println!("Ngày ban hành không rõ → giảm một bậc.");
            }
            if s.local_only {
                println!("Chỉ áp dụng cho văn bản của chính quyền địa phương.");
            }
            if !s.notes.is_empty() {
                println!("Ghi chú (thận trọng): {}", s.notes);
            }
            match &s.matcher {
                rasoat_rules::spec::MatcherSpec::Clause(c) => {
                    println!(
                        "Matcher: clause rule, scope {:?}, {} cues, {} folded cues",
                        c.scope,
                        c.cues.len(),
                        c.folded_cues.len()
                    );
                }
                rasoat_rules::spec::MatcherSpec::Analysis { analysis, params } => {
                    println!(
                        "Matcher: built-in analysis `{}` with {} parameter(s)",
                        analysis.get_ref(),
                        params.len()
                    );
                }
            }
            let fire = s.examples.iter().filter(|e| e.fire).count();
            println!(
                "Examples: {} must fire, {} must stay quiet",
                fire,
                s.examples.len() - fire
            );
            for e in s.examples.iter().take(2) {
                let t: String = e
                    .docs
                    .first()
                    .map(|d| d.text.trim().chars().take(200).collect())
                    .unwrap_or_default();
                println!(
                    "  [{}] {}",
                    if e.fire { "fires" } else { "quiet" },
                    t.replace('\n', " ")
                );
            }
        }
        Sub::Test { id } => {
            if let Some(id) = id {
                if !engine
                    .specs()
                    .iter()
                    .any(|s| s.id == *id || s.code.eq_ignore_ascii_case(id))
                {
                    anyhow::bail!("no rule `{id}` (see `rasoat rules list`)");
                }
            }
            let scores = rasoat_rules::examples::run_all(&engine, id.as_deref());
            println!(
                "{:<4} {:<40} {:>3} {:>3} {:>3} {:>3}  {}",
                "CODE", "RULE", "TP", "FP", "TN", "FN", "RESULT"
            );
            let mut failed = 0;
            for s in &scores {
                let ok = s.ok();
                if !ok {
                    failed += 1;
                }
                println!(
                    "{:<4} {:<40} {:>3} {:>3} {:>3} {:>3}  {}",
                    s.code,
                    s.id,
                    s.tp,
                    s.fp,
                    s.tn,
                    s.fn_,
                    if ok { "ok" } else { "FAIL" }
                );
            }
            for s in &scores {
                for m in &s.misses {
                    println!("  miss: {m}");
                }
                if s.tp == 0 || s.tn == 0 {
                    println!(
                        "  {}: needs at least one firing and one quiet example",
                        s.id
                    );
                }
            }
            let (tp, fp, tn, fn_) = scores.iter().fold((0, 0, 0, 0), |a, s| {
                (a.0 + s.tp, a.1 + s.fp, a.2 + s.tn, a.3 + s.fn_)
            });
            println!(
                "total: {} rules, TP {tp}, FP {fp}, TN {tn}, FN {fn_}; {} failing",
                scores.len(),
                failed
            );
            if failed > 0 || broken > 0 {
                return Ok(ExitCode::from(1));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
