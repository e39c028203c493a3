//! `rasoat extract`: show what rasoat understands in each provision.
use anyhow::{Result, anyhow};
use rasoat_extract::{DocFacts, EffectStatus, Extractor, ProvisionFacts};
use rasoat_model::{Date, Document};
use rasoat_text::LineIndex;
use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Show the facts rasoat extracts from each provision: citations (type, number, date, issuer,
/// title, role căn cứ / thay thế / bãi bỏ / sửa đổi / thực hiện), references to parts
/// (điểm/khoản/Điều/mục/phụ lục, resolved or dangling), agencies (gazetteer id, level,
/// context: operative / cited title / căn cứ / historic / nơi nhận), named units (xã, huyện,
/// tỉnh), assignments (agency, role chủ trì / phối hợp / …, task key), delegation acts
/// (phân quyền / phân cấp / ủy quyền: grant, proposal, prohibition, re-delegation), deadlines
/// and reporting duties; then the document graph (edges and effect status of cited documents).
///
/// Positions are line:column in the original file (1-based, columns count characters).
///
/// --format json: JSON Lines, one object per document: {"document": path, "key", "issuer",
/// "date", "date_from_header", "edges": [...], "provisions": [{"id", "label", "kind",
/// "facts": {citations, part_refs, agencies, assignments, delegations, deadlines, reports,
/// places, implied_subjects, non_operative}}], "graph": [{"key", "label", "status"}]}.
/// Every object with a "range" also gets "line" and "col" (start in the original file).
///
/// Exit code 1 if any input failed to parse, 2 for usage errors or unreadable --data.
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Files or directories.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutFormat::Text)]
    pub format: OutFormat,
    /// Directory with agencies.toml / places.toml / registry.toml overriding the bundled data.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Date for the effect status of cited documents (YYYY-MM-DD; default today).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutFormat {
    Text,
    Json,
}

/// Maps provision text offsets to "line:col" of the original file.
struct Pos {
    index: Option<(String, LineIndex)>,
}

impl Pos {
    fn new(doc: &Document) -> Pos {
        // Data-set laws are "file.json#law": positions refer to the JSON file.
        let path = doc
            .source
            .path
            .split('#')
            .next()
            .unwrap_or(&doc.source.path);
        let index = std::fs::read(path)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .map(|t| {
                let li = LineIndex::new(&t);
                (t, li)
            });
        Pos { index }
    }
    fn at(&self, p: &rasoat_model::Provision, off: usize) -> (usize, usize) {
        let src = p.map.to_source(off);
        match &self.index {
            Some((t, li)) => li.line_col(t, src),
            None => (0, src),
        }
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    let ex = match &args.data {
        Some(d) => Extractor::from_dir(d),
        None => Extractor::bundled(),
    };
    let ex = match ex {
        Ok(x) => x,
        Err(e) => {
            eprintln!("rasoat: error: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let as_of: Date = match &args.as_of {
        Some(s) => s.parse().map_err(|e| anyhow!("--as-of {s}: {e}"))?,
        None => today(),
    };
    let (files, mut errors) = rasoat_parse::collect_inputs(&args.files);
    let results = rasoat_parse::parse_many(&files);
    let mut docs: Vec<Document> = Vec::new();
    for r in results {
        match r {
            Ok(d) => docs.extend(d),
            Err(e) => errors.push(e),
        }
    }
    use rayon::prelude::*;
    let mut facts: Vec<DocFacts> = docs.par_iter().map(|d| ex.extract(d)).collect();
    let doc_refs: Vec<&Document> = docs.iter().collect();
    ex.resolve_cross_refs(&doc_refs, &mut facts);
    let pairs: Vec<(&Document, &DocFacts)> = docs.iter().zip(facts.iter()).collect();
    let graph = ex.graph(&pairs);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (d, f) in &pairs {
        let pos = Pos::new(d);
        match args.format {
            OutFormat::Json => {
                serde_json::to_writer(&mut out, &doc_json(d, f, &pos, &graph, as_of))?;
                writeln!(out)?;
            }
            OutFormat::Text => write_text(&mut out, d, f, &pos, &graph, as_of, &ex)?,
        }
    }
    out.flush()?;
    for e in &errors {
        eprintln!("rasoat: error: {e}");
    }
    Ok(if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Today's date (UTC) without needing a time-zone database.
fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    Date::constant(1970, 1, 1)
        .checked_add(jiff::Span::new().days((secs / 86_400) as i64))
        .unwrap_or(Date::constant(2026, 1, 1))
}

fn status_str(s: &EffectStatus) -> String {
    match s {
        EffectStatus::InForce => "còn hiệu lực".into(),
        EffectStatus::Pending { from } => format!("chưa có hiệu lực (từ {from})"),
        EffectStatus::Replaced { by, on } => format!(
            "bị thay thế bởi {by}{}",
            on.map(|d| format!(" từ {d}")).unwrap_or_default()
        ),
        EffectStatus::Repealed { by, on } => format!(
            "bị bãi bỏ bởi {by}{}",
            on.map(|d| format!(" từ {d}")).unwrap_or_default()
        ),
        EffectStatus::Expired { on } => format!("hết hiệu lực từ {on}"),
        EffectStatus::Unknown => "không rõ".into(),
    }
}

/// Add "line"/"col" next to every "range" (and "title_line"/"title_col" for "title_range").
fn add_positions(v: &mut Value, p: &rasoat_model::Provision, pos: &Pos) {
    match v {
        Value::Object(o) => {
            for (k, lk, ck) in [
                ("range", "line", "col"),
                ("title_range", "title_line", "title_col"),
            ] {
                if let Some(start) = o
                    .get(k)
                    .and_then(|r| r.get("start"))
                    .and_then(Value::as_u64)
                {
                    let (l, c) = pos.at(p, start as usize);
                    o.insert(lk.into(), json!(l));
                    o.insert(ck.into(), json!(c));
                }
            }
            for (_, x) in o.iter_mut() {
                add_positions(x, p, pos);
            }
        }
        Value::Array(a) => {
            // non_operative is a list of [range, context] pairs
            if a.len() == 2 && a[0].get("start").is_some() && a[1].is_string() {
                if let Some(start) = a[0].get("start").and_then(Value::as_u64) {
                    let (l, c) = pos.at(p, start as usize);
                    if let Some(o) = a[0].as_object_mut() {
                        o.insert("line".into(), json!(l));
                        o.insert("col".into(), json!(c));
                    }
                }
                return;
            }
            for x in a.iter_mut() {
                add_positions(x, p, pos);
            }
        }
        _ => {}
    }
}

fn doc_json(
    d: &Document,
    f: &DocFacts,
    pos: &Pos,
    graph: &rasoat_extract::Graph,
    as_of: Date,
) -> Value {
    let flat = d.flat();
    let provisions: Vec<Value> = flat
        .iter()
        .zip(&f.provisions)
        .map(|(p, pf)| {
            let mut facts = serde_json::to_value(pf).unwrap_or(Value::Null);
            if let Some(o) = facts.as_object_mut() {
                o.remove("provision");
            }
            add_positions(&mut facts, p, pos);
            json!({"id": p.id, "label": p.label, "kind": p.kind.as_str(), "heading": p.heading, "facts": facts})
        })
        .collect();
    let mut edges = serde_json::to_value(&f.edges).unwrap_or(Value::Null);
    if let Value::Array(a) = &mut edges {
        for (e, fe) in a.iter_mut().zip(&f.edges) {
            if let (Some(p), Some(o)) = (
                flat.iter().find(|p| p.id == fe.provision),
                e.as_object_mut(),
            ) {
                let (l, c) = pos.at(p, fe.range.start);
                o.insert("line".into(), json!(l));
                o.insert("col".into(), json!(c));
            }
        }
    }
    let mut cited: Vec<String> = f
        .provisions
        .iter()
        .flat_map(|p| {
            p.citations.iter().map(|c| {
                let k = c.registry_key.clone().unwrap_or_else(|| c.key.clone());
                // A local document is known in the graph by its province-scoped key.
                rasoat_extract::graph::scoped_key(
                    &k,
                    c.province.as_deref().or(f.province.as_deref()),
                )
            })
        })
        .collect();
    cited.sort();
    cited.dedup();
    let graph_v: Vec<Value> = cited
        .iter()
        .map(|k| {
            let n = graph.node(k);
            json!({
                "key": k,
                "label": n.map(|n| n.label.clone()),
                "status": graph.status(k, as_of),
                "replaced_by": graph.replacements(k).iter().map(|(b, on)| json!({"key": b, "on": on.map(|x| x.to_string())})).collect::<Vec<_>>(),
                "current": graph.current(k),
            })
        })
        .collect();
    json!({
        "document": d.source.path,
        "key": f.key,
        "issuer": f.issuer,
        "date": f.date.map(|x| x.to_string()),
        "date_from_header": f.date_from_header,
        "as_of": as_of.to_string(),
        "edges": edges,
        "provisions": provisions,
        "graph": graph_v,
    })
}

#[allow(clippy::too_many_arguments)]
fn write_text(
    out: &mut impl Write,
    d: &Document,
    f: &DocFacts,
    pos: &Pos,
    graph: &rasoat_extract::Graph,
    as_of: Date,
    ex: &Extractor,
) -> std::io::Result<()> {
    let gz = ex.gazetteer();
    writeln!(out, "== {}", d.source.path)?;
    writeln!(
        out,
        "   key: {}  issuer: {}  date D: {} ({})",
        f.key.as_deref().unwrap_or("-"),
        f.issuer.as_deref().map(|i| gz.name_of(i)).unwrap_or("-"),
        f.date.map(|x| x.to_string()).unwrap_or_else(|| "-".into()),
        if f.date.is_none() {
            "unknown"
        } else if f.date_from_header {
            "header"
        } else {
            "newest date in the body"
        }
    )?;
    let flat = d.flat();
    for (p, pf) in flat.iter().zip(&f.provisions) {
        if is_empty(pf) {
            continue;
        }
        let label = if p.label.is_empty() {
            p.id.clone()
        } else {
            p.label.clone()
        };
        writeln!(
            out,
            "-- {} [{}]{}",
            p.id,
            label,
            p.heading
                .as_deref()
                .map(|h| format!("  {h}"))
                .unwrap_or_default()
        )?;
        let at = |off: usize| {
            let (l, c) = pos.at(p, off);
            format!("{l}:{c}")
        };
        if !pf.implied_subjects.is_empty() {
            let names: Vec<&str> = pf.implied_subjects.iter().map(|i| gz.name_of(i)).collect();
            writeln!(out, "   implied subject: {}", names.join("; "))?;
        }
        for c in &pf.citations {
            let what = match (&c.law_name, &c.number) {
                (Some(l), None) => l.clone(),
                (_, Some(n)) => format!("{} {n}", c.type_word.as_deref().unwrap_or("?")),
                _ => c.key.clone(),
            };
            writeln!(
                out,
                "   {:<8} cite  {}{}{}{}  [{}; {}] key={}{}",
                at(c.range.start),
                what,
                c.date_text
                    .as_deref()
                    .map(|x| format!(" ngày {x}"))
                    .unwrap_or_default(),
                c.issuer
                    .as_deref()
                    .map(|x| format!(" của {x}"))
                    .unwrap_or_default(),
                c.title
                    .as_deref()
                    .map(|x| format!(" \"{x}\""))
                    .unwrap_or_default(),
                ser(&c.role),
                ser(&c.context),
                c.key,
                c.registry_key
                    .as_deref()
                    .filter(|r| *r != c.key)
                    .map(|r| format!(" → {r}"))
                    .unwrap_or_default()
            )?;
        }
        for r in &pf.part_refs {
            let res = match r.resolved {
                Some(true) => format!("→ {}", r.targets.join(", ")),
                Some(false) => "→ NOT FOUND in this document".into(),
                None => format!(
                    "→ {}",
                    r.document_key.as_deref().unwrap_or("other document")
                ),
            };
            writeln!(
                out,
                "   {:<8} ref   \"{}\" {}",
                at(r.range.start),
                r.text,
                res
            )?;
        }
        for a in &pf.agencies {
            writeln!(
                out,
                "   {:<8} agency {} = {} [{}{}{}]{}{}",
                at(a.range.start),
                a.surface.split_whitespace().collect::<Vec<_>>().join(" "),
                a.id,
                ser(&a.level),
                if a.collective { ", collective" } else { "" },
                if a.context != rasoat_extract::Context::Operative {
                    format!(", {}", ser(&a.context))
                } else {
                    String::new()
                },
                if a.successors.is_empty() {
                    String::new()
                } else {
                    format!(" → {}", a.successors.join(", "))
                },
                a.ended.map(|d| format!(" (ended {d})")).unwrap_or_default()
            )?;
        }
        for pl in &pf.places {
            writeln!(
                out,
                "   {:<8} place {} {} [{}{}{}]{}",
                at(pl.range.start),
                pl.unit,
                pl.name,
                ser(&pl.level),
                if pl.abolished { ", abolished" } else { "" },
                if pl.context != rasoat_extract::Context::Operative {
                    format!(", {}", ser(&pl.context))
                } else {
                    String::new()
                },
                pl.successor
                    .as_deref()
                    .map(|s| format!(" → {s}"))
                    .unwrap_or_default()
            )?;
        }
        for a in &pf.assignments {
            writeln!(
                out,
                "   {:<8} role  {} {}{}{}  task: {}",
                at(a.range.start),
                a.agency_name,
                a.role.as_str(),
                if a.implied_subject {
                    " (implied subject)"
                } else {
                    ""
                },
                if a.context != rasoat_extract::Context::Operative {
                    format!(" [{}]", ser(&a.context))
                } else {
                    String::new()
                },
                a.task_key
            )?;
        }
        for dl in &pf.delegations {
            if dl.act == rasoat_extract::DelegationAct::Mention {
                continue;
            }
            writeln!(
                out,
                "   {:<8} deleg {} {}  {} → {}{}{}",
                at(dl.range.start),
                ser(&dl.mode),
                ser(&dl.act),
                dl.grantor.as_deref().map(|g| gz.name_of(g)).unwrap_or("?"),
                dl.grantee
                    .as_deref()
                    .map(|g| gz.name_of(g))
                    .or(dl.grantee_text.as_deref())
                    .unwrap_or("?"),
                dl.scope
                    .as_deref()
                    .map(|s| format!("  scope: {s}"))
                    .unwrap_or_default(),
                dl.term
                    .as_deref()
                    .map(|s| format!("  term: {s}"))
                    .unwrap_or_default()
            )?;
        }
        let mentions = pf
            .delegations
            .iter()
            .filter(|d| d.act == rasoat_extract::DelegationAct::Mention)
            .count();
        if mentions > 0 {
            writeln!(
                out,
                "            ({mentions} mention(s) of phân cấp/phân quyền/ủy quyền as a topic)"
            )?;
        }
        for dl in &pf.deadlines {
            writeln!(
                out,
                "   {:<8} time  \"{}\" = {}",
                at(dl.range.start),
                dl.text.split_whitespace().collect::<Vec<_>>().join(" "),
                dl.value
            )?;
        }
        for r in &pf.reports {
            let senders: Vec<&str> = r.senders.iter().map(|s| gz.name_of(s)).collect();
            writeln!(
                out,
                "   {:<8} report {} → {}{}{}{}",
                at(r.range.start),
                if senders.is_empty() {
                    "?".to_string()
                } else {
                    senders.join(", ")
                },
                r.recipient.as_deref().map(|x| gz.name_of(x)).unwrap_or("?"),
                r.via
                    .as_deref()
                    .map(|v| format!(" (qua {})", gz.name_of(v)))
                    .unwrap_or_default(),
                r.deadline
                    .as_ref()
                    .map(|d| format!("  {}", d.value))
                    .unwrap_or_default(),
                if r.period.is_empty() {
                    String::new()
                } else {
                    format!("  period {}", r.period)
                }
            )?;
        }
    }
    if !f.edges.is_empty() {
        writeln!(out, "   graph (as of {as_of}):")?;
        for e in &f.edges {
            writeln!(
                out,
                "     {} → {}  [{}]  {}",
                ser(&e.kind),
                e.target_label,
                e.target,
                status_str(&graph.status(&e.target, as_of))
            )?;
        }
    }
    Ok(())
}

fn is_empty(pf: &ProvisionFacts) -> bool {
    pf.citations.is_empty()
        && pf.part_refs.is_empty()
        && pf.agencies.is_empty()
        && pf.assignments.is_empty()
        && pf.delegations.is_empty()
        && pf.deadlines.is_empty()
        && pf.reports.is_empty()
        && pf.places.is_empty()
}

fn ser<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}
