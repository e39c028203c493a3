//! `rasoat parse`: print the structure rasoat reads from each document.
use anyhow::Result;
use rasoat_model::{Document, Provision};
use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

const AFTER_HELP: &str = "\
Inputs: plain text (.txt: UTF-8, UTF-16, or the legacy TCVN3 / VNI / Windows-1258 encodings,
converted), Markdown (.md), Word (.docx, and the Word 97-2003 .doc), PDF (.pdf: its text layer;
scanned pages by OCR when `tesseract` with the Vietnamese model is installed), page images
(.png/.jpg/.tif, OCR), HTML (.html/.htm: the page body without the site's navigation), and JSON
data sets (.json: ALQAC/VLSP, DRiLL, vbpl crawls; one document per law, keeping the data set's
law id and article id). Directories are walked recursively in sorted order; hidden entries,
README.md and SOURCES.md are skipped, and only files with these extensions are taken from them.

--format text: per document a header (type, số ký hiệu, date, issuer, title), then one line per
provision, indented by level:  L<line>-<end_line>  <id>  [<label>]  — <heading>  | <text…>
and the header / Nơi nhận / signature blocks with their lines.

--format json: JSON Lines, one object per document (a data-set file gives one per law):
  {\"document\": {path, format, number, doc_type, type_name, issuer, place, date, title,
                normative, draft, signer, law_id, dataset},
   \"provisions\": [{id, label, kind, heading, text, line, end_line, children: [...],
                    law_id?, article_id?, page?, page_line?}],
   \"blocks\": [{kind, text, line, end_line}], \"warnings\": [...]}
Lines are 1-based lines of the original file (for .docx/.doc: paragraph numbers; for PDF: lines
of the extracted text, with page and page_line; for converted legacy encodings: lines of the
converted text).

A file that cannot be read or parsed is reported on stderr as `rasoat: error: <file>: <reason>`;
the other files are still printed. Exit status: 0 all parsed, 1 some file failed, 2 usage error.";

/// Parse documents and print their structure (details in `--help`).
#[derive(clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Files or directories to parse.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutFormat::Text)]
    pub format: OutFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutFormat {
    Text,
    Json,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let (files, mut errors) = rasoat_parse::collect_inputs(&args.files);
    let results = rasoat_parse::parse_many(&files);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (path, r) in files.iter().zip(results) {
        match r {
            Ok(docs) => {
                if docs.is_empty() && args.format == OutFormat::Text {
                    writeln!(
                        out,
                        "== {}: no documents (a JSON file without law texts, e.g. questions)",
                        path.display()
                    )?;
                }
                for d in &docs {
                    match args.format {
                        OutFormat::Text => write_text(&mut out, d)?,
                        OutFormat::Json => {
                            serde_json::to_writer(&mut out, &doc_json(d))?;
                            writeln!(out)?;
                        }
                    }
                }
            }
            Err(e) => errors.push(e),
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

/// The JSON shape documented in `--help`.
pub fn doc_json(d: &Document) -> Value {
    let m = &d.meta;
    json!({
        "document": {
            "path": d.source.path,
            "format": d.source.format,
            "number": m.number,
            "doc_type": m.doc_type,
            "type_name": m.type_name,
            "issuer": m.issuer,
            "place": m.place,
            "date": m.date.map(|x| x.to_string()),
            "title": m.title,
            "normative": m.normative,
            "draft": m.draft,
            "signer": m.signer,
            "law_id": m.law_id,
            "dataset": m.dataset,
        },
        "provisions": d.provisions.iter().map(|p| prov_json(p, &d.source)).collect::<Vec<_>>(),
        "blocks": d.blocks.iter().map(|b| json!({"kind": b.kind, "text": b.text, "line": b.span.line, "end_line": b.span.end_line})).collect::<Vec<_>>(),
        "warnings": d.warnings,
    })
}

fn prov_json(p: &Provision, src: &rasoat_model::Source) -> Value {
    let mut v = json!({
        "id": p.id,
        "label": p.label,
        "kind": p.kind.as_str(),
        "heading": p.heading,
        "text": p.text,
        "line": p.span.line,
        "end_line": p.span.end_line,
        "children": p.children.iter().map(|c| prov_json(c, src)).collect::<Vec<_>>(),
    });
    // Paged sources (PDF, scans): the page and the line on that page.
    if let (Some(o), Some((page, line))) = (v.as_object_mut(), src.page_line(p.span.line)) {
        o.insert("page".into(), json!(page));
        o.insert("page_line".into(), json!(line));
    }
    if let (Some(o), Some(l), Some(a)) = (v.as_object_mut(), &p.law_id, &p.article_id) {
        o.insert("law_id".into(), json!(l));
        o.insert("article_id".into(), json!(a));
    }
    v
}

fn write_text(out: &mut impl Write, d: &Document) -> std::io::Result<()> {
    let m = &d.meta;
    let dash = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    writeln!(out, "== {} ({:?})", d.source.path, d.source.format)?;
    writeln!(
        out,
        "   type: {}  number: {}  date: {}  issuer: {}  normative: {}{}",
        dash(&m.type_name),
        dash(&m.number),
        m.date.map(|x| x.to_string()).unwrap_or_else(|| "-".into()),
        dash(&m.issuer),
        if m.normative { "yes" } else { "no" },
        if m.draft { "  DRAFT (dự thảo)" } else { "" }
    )?;
    if let Some(t) = &m.title {
        writeln!(out, "   title: {t}")?;
    }
    for p in &d.provisions {
        write_prov(out, p, 1)?;
    }
    for b in &d.blocks {
        let first = b.text.lines().next().unwrap_or("");
        writeln!(
            out,
            "   [{:?} L{}-{}] {}",
            b.kind, b.span.line, b.span.end_line, first
        )?;
    }
    for w in &d.warnings {
        writeln!(out, "   warning: {w}")?;
    }
    Ok(())
}

fn write_prov(out: &mut impl Write, p: &Provision, depth: usize) -> std::io::Result<()> {
    let indent = "  ".repeat(depth);
    let heading = p
        .heading
        .as_deref()
        .map(|h| format!("  — {h}"))
        .unwrap_or_default();
    let preview: String = p
        .text
        .chars()
        .take(70)
        .collect::<String>()
        .replace('\n', " ⏎ ");
    let more = if p.text.chars().count() > 70 {
        "…"
    } else {
        ""
    };
    writeln!(
        out,
        "{indent}L{}-{}  {}  [{}]{}  | {}{}",
        p.span.line, p.span.end_line, p.id, p.label, heading, preview, more
    )?;
    for c in &p.children {
        write_prov(out, c, depth + 1)?;
    }
    Ok(())
}
