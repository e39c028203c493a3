//! `rasoat search QUERY`: ranked provisions with highlighted snippets.
use anyhow::Context as _;
use rasoat_index::{Filters, IndexError, SearchIndex, SearchResult};
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutFormat {
    Text,
    Json,
    Jsonl,
}

#[derive(clap::Args)]
pub struct Args {
    /// Query: words (diacritics optional; AND for short queries, ranked over any word for long
    /// questions), "quoted phrases", -word to exclude, or a document number (28/NQ-HĐND).
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    /// Batch mode: one query per line of FILE (use with --format jsonl).
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    pub queries: Option<PathBuf>,
    /// Maximum number of results per query.
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutFormat,
    /// Index folder (default .rasoat/index; built from corpus/ on first use if missing).
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// Document type (KH, QĐ, NQ, ...).
    #[arg(long = "type", value_name = "TYPE")]
    pub doc_type: Option<String>,
    /// Issuing body (words, diacritics optional).
    #[arg(long)]
    pub issuer: Option<String>,
    /// Agency named in the provision ("Sở Tư pháp" or a gazetteer id).
    #[arg(long)]
    pub agency: Option<String>,
    /// Role of the agency (chu-tri, phoi-hop, tham-muu, thuc-hien, ...).
    #[arg(long)]
    pub role: Option<String>,
    /// Documents dated on or after (YYYY-MM-DD or DD/MM/YYYY).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Documents dated on or before.
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Leave out documents known to be replaced or repealed.
    #[arg(long)]
    pub in_force: bool,
    /// Print the in-process time of each query on stderr.
    #[arg(long)]
    pub timings: bool,
}

fn parse_date(s: &str, flag: &str) -> anyhow::Result<jiff::civil::Date> {
    let t = s.trim();
    if let Ok(d) = t.parse::<jiff::civil::Date>() {
        return Ok(d);
    }
    let parts: Vec<&str> = t.split(['/', '.', '-']).collect();
    if parts.len() == 3 {
        if let (Ok(d), Ok(m), Ok(y)) = (
            parts[0].parse::<i8>(),
            parts[1].parse::<i8>(),
            parts[2].parse::<i16>(),
        ) {
            if let Ok(date) = jiff::civil::Date::new(y, m, d) {
                return Ok(date);
            }
        }
    }
    anyhow::bail!("{flag} {s:?}: not a date (use YYYY-MM-DD or DD/MM/YYYY)")
}

fn usage(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("rasoat: {msg}");
    ExitCode::from(2)
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let filters = Filters {
        doc_type: args.doc_type.clone(),
        issuer: args.issuer.clone(),
        agency: args.agency.clone(),
        role: args.role.clone(),
        from: args
            .from
            .as_deref()
            .map(|s| parse_date(s, "--from"))
            .transpose()?,
        to: args
            .to
            .as_deref()
            .map(|s| parse_date(s, "--to"))
            .transpose()?,
        in_force: args.in_force,
    };
    if args.queries.is_none()
        && args.query.iter().all(|q| q.trim().is_empty())
        && filters.is_empty()
    {
        return Ok(usage(
            "empty query: give words, a \"phrase\" or a document number (e.g. rasoat search phan cap)",
        ));
    }
    let default_dir = args.index.is_none();
    let dir = args
        .index
        .clone()
        .unwrap_or_else(|| PathBuf::from(rasoat_index::DEFAULT_DIR));
    let idx = match SearchIndex::open(&dir) {
        Ok(i) => i,
        Err(IndexError::Missing(_)) if default_dir && std::path::Path::new("corpus").is_dir() => {
            eprintln!(
                "rasoat: no index at {}; building it from corpus/ first",
                dir.display()
            );
            let stats = super::index::build(&[PathBuf::from("corpus")], &dir, false, false)?;
            for e in &stats.errors {
                eprintln!("rasoat: error: {e}");
            }
            SearchIndex::open(&dir)?
        }
        Err(e) => return Err(e.into()),
    };

    let stdout = std::io::stdout();
    let color = stdout.is_terminal();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if let Some(file) = &args.queries {
        let f =
            std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
        let mut failed = 0usize;
        for (n, line) in std::io::BufReader::new(f).lines().enumerate() {
            let q =
                line.with_context(|| format!("{}:{}: not UTF-8 text", file.display(), n + 1))?;
            // One output record per input line, in order, errors included, so lines pair up.
            match idx.search(&q, &filters, args.limit) {
                Ok(r) => {
                    if args.timings {
                        eprintln!("timing: {} us\t{}", r.took_us, q);
                    }
                    emit(&mut out, &r, args.format, color)?
                }
                Err(e) if e.is_usage() => {
                    failed += 1;
                    eprintln!("rasoat: {}:{}: {e}", file.display(), n + 1);
                    match args.format {
                        OutFormat::Text => writeln!(out, "# {q}\n  ({e})\n")?,
                        _ => writeln!(
                            out,
                            "{}",
                            serde_json::json!({"query": q, "error": e.to_string(), "hits": []})
                        )?,
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        out.flush()?;
        return Ok(if failed > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        });
    }
    let q = args.query.join(" ");
    match idx.search(&q, &filters, args.limit) {
        Ok(r) => {
            if args.timings {
                eprintln!("timing: {} us", r.took_us);
            }
            if r.fallback && args.format == OutFormat::Text {
                eprintln!(
                    "rasoat: no provision contains every word; showing provisions ranked by any of them"
                );
            }
            emit(&mut out, &r, args.format, color)?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) if e.is_usage() => Ok(usage(e)),
        Err(e) => Err(e.into()),
    }
}

fn emit(
    out: &mut impl Write,
    r: &SearchResult,
    format: OutFormat,
    color: bool,
) -> anyhow::Result<()> {
    match format {
        OutFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(r)?)?,
        OutFormat::Jsonl => writeln!(out, "{}", serde_json::to_string(r)?)?,
        OutFormat::Text => {
            if r.hits.is_empty() {
                writeln!(out, "no results for {:?}", r.query)?;
            }
            for h in &r.hits {
                // A document without a number is named by its shortened title: print the title once.
                let named_by_title = h
                    .title
                    .as_ref()
                    .is_some_and(|t| t.starts_with(h.document.trim_end_matches('…')));
                let mut head = format!(
                    "{:>2}. {}",
                    h.rank,
                    if named_by_title {
                        h.title.as_deref().unwrap_or_default()
                    } else {
                        h.document.as_str()
                    }
                );
                if let Some(t) = h
                    .title
                    .as_ref()
                    .filter(|t| **t != h.document && !named_by_title)
                {
                    head.push_str(" — ");
                    head.push_str(t);
                }
                if let Some(e) = &h.effect {
                    head.push_str(&format!(" [{e}]"));
                }
                writeln!(out, "{head}")?;
                let label = match (&h.label, h.kind.as_str()) {
                    (Some(l), _) => l.clone(),
                    (None, "document") => "(document)".to_string(),
                    _ => String::new(),
                };
                let mut meta = format!("    {label} · {}:{}", h.file, h.line);
                if let Some(m) = &h.matched {
                    if m == "cites" {
                        meta.push_str(" · cites it");
                    }
                }
                if !h.agencies.is_empty() {
                    meta.push_str(&format!(" · {}", h.agencies.join(", ")));
                }
                if !h.roles.is_empty() {
                    meta.push_str(&format!(" ({})", h.roles.join(", ")));
                }
                writeln!(out, "{meta}")?;
                let snip = h.snippet.replace('\n', " ");
                let snip = if color { highlight_ansi(&snip) } else { snip };
                writeln!(out, "    {snip}\n")?;
            }
        }
    }
    Ok(())
}

/// `**word**` → bold on a terminal.
fn highlight_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut on = false;
    for (i, part) in s.split("**").enumerate() {
        if i > 0 {
            out.push_str(if on { "\x1b[0m" } else { "\x1b[1;33m" });
            on = !on;
        }
        out.push_str(part);
    }
    if on {
        out.push_str("\x1b[0m");
    }
    out
}
