//! Export templates: the layout of the Word and Excel exports as data (`rules/templates/export.toml`).
//!
//! The bundled template is a reference layout ("Biểu mẫu tham khảo"); an office copies it, edits
//! the header fields, signer, columns and titles, and passes it with `--template FILE`. Keys
//! missing from a copied file are taken from the bundled one (tables merge, arrays replace).
use rasoat_model::Date;
use serde::Deserialize;
use std::path::Path;

/// The bundled template text.
pub const BUNDLED: &str = include_str!("../../../rules/templates/export.toml");

/// A template could not be read or does not fit the schema; names the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub file: String,
    pub reason: String,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "template {}: {}", self.file, self.reason)
    }
}

impl std::error::Error for TemplateError {}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportTemplate {
    /// The layout is a reference, not checked against the official appendix: file properties
    /// say "Biểu mẫu tham khảo".
    pub reference: bool,
    pub description: String,
    pub author: String,
    pub header: Header,
    pub signature: Signature,
    pub page: Page,
    pub docx: DocxLayout,
    pub handling: Handling,
    #[serde(default)]
    pub deadlines: Vec<DeadlineRule>,
    pub catalog: Table,
    pub expired: Table,
    pub findings: Table,
    pub summary: SummarySheet,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub parent_body: String,
    pub issuing_body: String,
    /// The issuing body as prose names it (`Sở Tư pháp`).
    pub body_name: String,
    pub number: String,
    pub place: String,
    pub nation: String,
    pub motto: String,
    pub doc_type: String,
    pub subject: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    pub authority: String,
    pub position: String,
    pub name: String,
    pub recipients_title: String,
    pub recipients: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    pub font: String,
    pub body_pt: f64,
    pub table_pt: f64,
    pub margin_top_mm: f64,
    pub margin_bottom_mm: f64,
    pub margin_left_mm: f64,
    pub margin_right_mm: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocxLayout {
    pub intro: String,
    pub scope_title: String,
    pub results_title: String,
    pub catalog_title: String,
    pub sheets_title: String,
    pub proposal_title: String,
    pub proposal: String,
    pub closing: String,
    pub catalog_columns: Vec<Column>,
    pub categories: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handling {
    pub forms: Vec<String>,
    pub unknown: String,
}

/// Findings whose message or legal basis contains one of `match` get `date` as the deadline.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadlineRule {
    #[serde(rename = "match")]
    pub matches: Vec<String>,
    pub date: Date,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    pub sheet: String,
    #[serde(default)]
    pub title: String,
    pub columns: Vec<Column>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub key: String,
    pub title: String,
    #[serde(default = "default_width")]
    pub width: f64,
}

fn default_width() -> f64 {
    16.0
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummarySheet {
    pub sheet: String,
    pub title: String,
}

const CATALOG_KEYS: &[&str] = &[
    "stt",
    "type_name",
    "number",
    "date",
    "title",
    "issuer",
    "content",
    "handling",
    "reason",
    "lead_body",
    "deadline",
    "note",
    "path",
    "document",
];
const EXPIRED_KEYS: &[&str] = &[
    "stt",
    "type_name",
    "number",
    "date",
    "title",
    "issuer",
    "reason",
    "until",
    "path",
];
pub(crate) const FINDING_KEYS: &[&str] = &[
    "rule",
    "code",
    "severity",
    "category",
    "message",
    "file",
    "line",
    "column",
    "end_line",
    "end_column",
    "byte_start",
    "byte_end",
    "document",
    "doc_date",
    "provision",
    "label",
    "snippet",
    "related",
    "legal_basis",
    "handling",
    "evidence",
    "fingerprint",
];

impl Default for ExportTemplate {
    fn default() -> Self {
        ExportTemplate::bundled()
    }
}

impl ExportTemplate {
    /// The template shipped in `rules/templates/export.toml`.
    pub fn bundled() -> ExportTemplate {
        ExportTemplate::parse("rules/templates/export.toml", BUNDLED)
            .expect("the bundled export template is valid")
    }

    /// Read a template file; missing keys come from the bundled template.
    pub fn load(path: &Path) -> Result<ExportTemplate, TemplateError> {
        let text = std::fs::read_to_string(path).map_err(|e| TemplateError {
            file: path.display().to_string(),
            reason: e.to_string(),
        })?;
        ExportTemplate::parse(&path.display().to_string(), &text)
    }

    /// Parse template text (merged over the bundled template) and check its column keys.
    pub fn parse(file: &str, text: &str) -> Result<ExportTemplate, TemplateError> {
        let err = |reason: String| TemplateError {
            file: file.to_string(),
            reason,
        };
        let user: toml::Table = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        let mut base: toml::Table = toml::from_str(BUNDLED).map_err(|e| err(e.to_string()))?;
        merge(&mut base, user);
        let t: ExportTemplate = toml::Value::Table(base)
            .try_into()
            .map_err(|e: toml::de::Error| err(e.to_string()))?;
        for (what, cols, keys) in [
            ("catalog", &t.catalog.columns, CATALOG_KEYS),
            (
                "docx.catalog_columns",
                &t.docx.catalog_columns,
                CATALOG_KEYS,
            ),
            ("expired", &t.expired.columns, EXPIRED_KEYS),
            ("findings", &t.findings.columns, FINDING_KEYS),
        ] {
            if cols.is_empty() {
                return Err(err(format!("[{what}] has no columns")));
            }
            for c in cols {
                if !keys.contains(&c.key.as_str()) {
                    return Err(err(format!(
                        "[{what}] unknown column key `{}` (known: {})",
                        c.key,
                        keys.join(", ")
                    )));
                }
            }
        }
        let sheets = [
            &t.catalog.sheet,
            &t.expired.sheet,
            &t.findings.sheet,
            &t.summary.sheet,
        ];
        for (i, s) in sheets.iter().enumerate() {
            let n = s.chars().count();
            if n == 0 || n > 31 || s.contains(['[', ']', ':', '*', '?', '/', '\\']) {
                return Err(err(format!(
                    "sheet name `{s}`: 1–31 characters, none of [ ] : * ? / \\"
                )));
            }
            if sheets[..i]
                .iter()
                .any(|o| o.to_lowercase() == s.to_lowercase())
            {
                return Err(err(format!("sheet name `{s}` used twice")));
            }
        }
        Ok(t)
    }

    /// `{issuing_body}` etc. in template prose replaced by the header fields.
    pub(crate) fn fill(&self, s: &str) -> String {
        s.replace("{issuing_body}", &self.header.body_name)
            .replace("{parent_body}", &self.header.parent_body)
            .replace("{place}", &self.header.place)
    }

    /// Text written into file properties (description / comments).
    pub(crate) fn properties_note(&self) -> String {
        if self.reference && !self.description.contains("Biểu mẫu tham khảo") {
            format!("Biểu mẫu tham khảo. {}", self.description)
        } else {
            self.description.clone()
        }
    }
}

fn merge(base: &mut toml::Table, user: toml::Table) {
    for (k, v) in user {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(u)) => merge(b, u),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_template_is_a_reference_layout() {
        let t = ExportTemplate::bundled();
        assert!(t.reference);
        assert!(t.properties_note().contains("Biểu mẫu tham khảo"));
        assert_eq!(t.catalog.sheet, "Danh mục cần xử lý");
        assert_eq!(t.catalog.columns.len(), 11);
        assert_eq!(t.deadlines[0].date, Date::constant(2027, 3, 1));
        assert_eq!(t.page.font, "Times New Roman");
    }

    #[test]
    fn a_copied_template_overrides_and_inherits() {
        let t = ExportTemplate::parse(
            "x.toml",
            "reference = false\ndescription = \"Mẫu của Sở\"\n[header]\nplace = \"Buôn Ma Thuột\"\n[signature]\nname = \"Nguyễn Văn A\"\n",
        )
        .unwrap();
        assert!(!t.reference);
        assert_eq!(t.properties_note(), "Mẫu của Sở");
        assert_eq!(t.header.place, "Buôn Ma Thuột");
        assert_eq!(t.header.issuing_body, "SỞ TƯ PHÁP");
        assert_eq!(t.signature.name, "Nguyễn Văn A");
    }

    #[test]
    fn bad_templates_name_the_problem() {
        let e = ExportTemplate::parse(
            "x.toml",
            "[catalog]\ncolumns = [{ key = \"nope\", title = \"X\" }]\n",
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("x.toml") && e.reason.contains("nope"),
            "{e}"
        );
        let e = ExportTemplate::parse("x.toml", "[findings]\nsheet = \"a/b\"\n").unwrap_err();
        assert!(e.reason.contains("a/b"), "{e}");
        let e = ExportTemplate::parse("x.toml", "[header]\nplac = \"x\"\n").unwrap_err();
        assert!(e.reason.contains("plac"), "{e}");
        assert!(ExportTemplate::parse("x.toml", "reference = ").is_err());
    }
}
