//! Report renderers. (Being built: see issues 5 and 6.)
//!
//! PUBLIC API CONTRACT (used by `rasoat review` and `rasoat check`): keep these names.
use rasoat_model::Report;

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
}

/// Render a report. Text formats read source lines from `location.file` when the file exists.
pub fn render(report: &Report, format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => serde_json::to_string_pretty(report).unwrap_or_default(),
        _ => todo!("issue 5/6: other formats"),
    }
}
