//! Report renderers: rustc-style text, Markdown, one-file HTML, JSON, CSV, SARIF 2.1.0,
//! GitHub workflow commands and JUnit XML; Word (.docx) and Excel (.xlsx) exports.
//!
//! PUBLIC API CONTRACT (used by `rasoat review` and `rasoat check`): keep these names.
//! [`render`] is the simple entry point; [`render_with`] adds options (colour, the list of
//! checked files for JUnit, a shared [`SourceCache`]). [`render_bytes`] renders every format,
//! the binary ones (docx, xlsx) included, laid out by an [`ExportTemplate`].
use rasoat_model::{Finding, Report, RuleInfo, Severity};

mod atomic;
mod catalog;
mod csvfmt;
mod docx;
mod github;
mod html;
mod junit;
mod markdown;
#[cfg(test)]
mod readback;
mod sarif;
pub mod source;
pub mod template;
mod text;
mod xlsx;

pub use atomic::write_atomic;
pub use html::esc as escape_html;
pub use source::{SourceCache, resolve_columns, resolve_report_columns};
pub use template::{ExportTemplate, TemplateError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// rustc-style diagnostics (file:line:col, source line, underline, help with legal basis).
    Text,
    Markdown,
    /// One self-contained HTML file.
    Html,
    /// `{"version": 1, "findings": [...], "summary": {...}}`.
    Json,
    /// UTF-8 with BOM, one row per finding.
    Csv,
    /// SARIF 2.1.0.
    Sarif,
    /// GitHub workflow commands (`::error file=…,line=…,col=…::…`).
    Github,
    /// JUnit XML.
    Junit,
    /// Word report (binary: use [`render_bytes`]).
    Docx,
    /// Excel workbook (binary: use [`render_bytes`]).
    Xlsx,
}

impl OutputFormat {
    /// Parse a `--format` value (`text`, `md`/`markdown`, `html`, `json`, `csv`, `sarif`, `github`,
    /// `junit`, `docx`/`word`, `xlsx`/`excel`).
    pub fn parse(s: &str) -> Option<OutputFormat> {
        Some(match s.to_ascii_lowercase().as_str() {
            "text" | "txt" => OutputFormat::Text,
            "md" | "markdown" => OutputFormat::Markdown,
            "html" => OutputFormat::Html,
            "json" => OutputFormat::Json,
            "csv" => OutputFormat::Csv,
            "sarif" => OutputFormat::Sarif,
            "github" | "gh" => OutputFormat::Github,
            "junit" | "xml" => OutputFormat::Junit,
            "docx" | "word" => OutputFormat::Docx,
            "xlsx" | "excel" => OutputFormat::Xlsx,
            _ => return None,
        })
    }

    /// Binary formats (docx, xlsx): render with [`render_bytes`], never to a terminal.
    pub fn is_binary(self) -> bool {
        matches!(self, OutputFormat::Docx | OutputFormat::Xlsx)
    }
}

/// Options beyond the format.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// ANSI colours in `text` output.
    pub color: bool,
    /// Every file that was checked, including clean ones (JUnit lists a passing test for each).
    pub checked_files: Vec<String>,
    /// Tool version written into SARIF (defaults to this crate's version).
    pub tool_version: Option<String>,
    /// Layout of the Word and Excel exports (default: the bundled reference template).
    pub template: Option<ExportTemplate>,
}

/// A binary export could not be produced.
#[derive(Debug)]
pub struct RenderError(pub String);

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RenderError {}

/// Render any format to bytes: the text formats as UTF-8, docx and xlsx as their packages.
pub fn render_bytes(
    report: &Report,
    format: OutputFormat,
    opts: &RenderOptions,
    cache: &SourceCache,
) -> Result<Vec<u8>, RenderError> {
    let bundled;
    let t = match &opts.template {
        Some(t) => t,
        None => {
            bundled = ExportTemplate::bundled();
            &bundled
        }
    };
    match format {
        OutputFormat::Docx => {
            docx::render(report, t).map_err(|e| RenderError(format!("docx: {e}")))
        }
        OutputFormat::Xlsx => {
            xlsx::render(report, t).map_err(|e| RenderError(format!("xlsx: {e}")))
        }
        _ => Ok(render_with(report, format, opts, cache).into_bytes()),
    }
}

/// Render a report. Text formats read source lines from `location.file` when the file exists.
pub fn render(report: &Report, format: OutputFormat) -> String {
    render_with(
        report,
        format,
        &RenderOptions::default(),
        &SourceCache::new(),
    )
}

/// Render with options and a source cache (files already read by the caller are reused).
/// Binary formats (docx, xlsx) have no text form: they render as an empty string here; use
/// [`render_bytes`].
pub fn render_with(
    report: &Report,
    format: OutputFormat,
    opts: &RenderOptions,
    cache: &SourceCache,
) -> String {
    match format {
        OutputFormat::Text => text::render(report, opts, cache),
        OutputFormat::Markdown => markdown::render(report, cache),
        OutputFormat::Html => html::render(report, cache),
        // Serialising plain data structs cannot fail; keep a valid JSON document regardless.
        OutputFormat::Json => {
            serde_json::to_string_pretty(report)
                .unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
                + "\n"
        }
        OutputFormat::Csv => csvfmt::render(report),
        OutputFormat::Sarif => sarif::render(report, opts),
        OutputFormat::Github => github::render(report),
        OutputFormat::Junit => junit::render(report, opts),
        OutputFormat::Docx | OutputFormat::Xlsx => String::new(),
    }
}

/// `R01/lead-agency-conflict`, or just the id when the finding has no catalog code.
pub(crate) fn rule_tag(f: &Finding) -> String {
    if f.code.is_empty() {
        f.rule.clone()
    } else {
        format!("{}/{}", f.code, f.rule)
    }
}

/// The rule description of a finding, when the report carries it.
pub(crate) fn rule_info<'a>(report: &'a Report, f: &Finding) -> Option<&'a RuleInfo> {
    report.rules.iter().find(|r| r.id == f.rule)
}

/// Legal basis / handling of a finding, falling back to the rule's.
pub(crate) fn basis_and_handling(report: &Report, f: &Finding) -> (String, String, String) {
    let ri = rule_info(report, f);
    let pick = |own: &str, rule: Option<&str>| {
        if own.is_empty() {
            rule.unwrap_or("").to_string()
        } else {
            own.to_string()
        }
    };
    (
        pick(&f.legal_basis, ri.map(|r| r.legal_basis.as_str())),
        pick(&f.handling, ri.map(|r| r.handling.as_str())),
        pick(&f.category, ri.map(|r| r.category.as_str())),
    )
}

pub(crate) fn severity_vi(s: Severity) -> &'static str {
    match s {
        Severity::Error => "lỗi",
        Severity::Warning => "cảnh báo",
        Severity::Info => "thông tin",
    }
}

/// `file:line:col` of a location (line 0 means "whole file").
pub(crate) fn place(loc: &rasoat_model::Location) -> String {
    if loc.line == 0 {
        loc.file.clone()
    } else {
        format!("{}:{}:{}", loc.file, loc.line, loc.column.max(1))
    }
}

/// A path as CI systems want it: relative to the current folder (the checkout) when it lies
/// inside it, `/` separators, no leading `./`; a data-set suffix `#law-id` is dropped.
pub fn ci_path(path: &str) -> String {
    let p = path.split('#').next().unwrap_or(path);
    let pb = std::path::Path::new(p);
    let rel = if pb.is_absolute() {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| {
                pb.strip_prefix(&cwd)
                    .ok()
                    .map(|r| r.to_string_lossy().into_owned())
            })
            .unwrap_or_else(|| p.to_string())
    } else {
        p.to_string()
    };
    let rel = rel.replace('\\', "/");
    rel.trim_start_matches("./").to_string()
}

/// `document, label` description of a location.
pub(crate) fn describe(loc: &rasoat_model::Location) -> String {
    let mut parts = Vec::new();
    if let Some(d) = &loc.document {
        parts.push(d.clone());
    }
    if let Some(l) = loc.label.as_ref().or(loc.provision.as_ref()) {
        parts.push(l.clone());
    }
    parts.join(", ")
}

/// The summary line shown at the end of text output.
pub fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let mut line = format!(
        "{} finding(s): {} error(s), {} warning(s), {} info; {} suppressed; {} document(s)",
        s.findings, s.errors, s.warnings, s.infos, s.suppressed, s.documents
    );
    if s.parse_errors > 0 {
        line.push_str(&format!("; {} parse error(s)", s.parse_errors));
    }
    if !s.as_of.is_empty() {
        line.push_str(&format!(" (as of {})", s.as_of));
    }
    line
}

#[cfg(test)]
pub(crate) mod testdata;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_the_report_envelope() {
        let (report, _) = testdata::sample();
        let s = render(&report, OutputFormat::Json);
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["version"], 1);
        assert_eq!(v["summary"]["errors"], 1);
        assert_eq!(v["findings"][0]["location"]["line"], 3);
        let back: Report = serde_json::from_str(&s).unwrap();
        assert_eq!(back, report);
    }

    #[test]
    fn every_format_renders_and_parses_names() {
        let (report, _) = testdata::sample();
        for f in [
            "text", "md", "html", "json", "csv", "sarif", "github", "junit",
        ] {
            let fmt = OutputFormat::parse(f).unwrap();
            assert!(!render(&report, fmt).is_empty(), "{f}");
        }
        assert!(OutputFormat::parse("pdf").is_none());
        for f in ["docx", "xlsx"] {
            let fmt = OutputFormat::parse(f).unwrap();
            assert!(fmt.is_binary());
            let opts = RenderOptions::default();
            let b = render_bytes(&report, fmt, &opts, &SourceCache::new()).unwrap();
            assert!(b.starts_with(b"PK"), "{f} is a zip package");
        }
        let b = render_bytes(
            &report,
            OutputFormat::Json,
            &RenderOptions::default(),
            &SourceCache::new(),
        );
        assert_eq!(b.unwrap(), render(&report, OutputFormat::Json).into_bytes());
    }
}
