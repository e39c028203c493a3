//! Findings of a review or check, and the report envelope every output format renders.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
    /// One level down (error → warning → info), used for unknown-date downgrades.
    pub fn downgrade(self) -> Severity {
        match self {
            Severity::Error => Severity::Warning,
            _ => Severity::Info,
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "info" | "note" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An exact place in a source file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub end_line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// 1-based, inclusive, in characters.
    pub end_column: usize,
    /// Byte range into the original file.
    pub byte_start: usize,
    pub byte_end: usize,
    /// Provision id (`III.6.c`).
    pub provision: Option<String>,
    /// Citation label (`điểm c khoản 6 mục III`).
    pub label: Option<String>,
    /// Document number-symbol (or display name when it has none).
    pub document: Option<String>,
    /// The matched text in the original spelling.
    pub snippet: Option<String>,
}

/// Static description of a rule, as reports (SARIF `rules`, HTML legend) need it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RuleInfo {
    /// Catalog code (`R01`).
    pub code: String,
    /// Kebab-case id (`lead-agency-conflict`).
    pub id: String,
    pub name_vi: String,
    pub name_en: String,
    pub severity: Severity,
    /// Official defect category (mâu thuẫn, chồng chéo, hết hiệu lực, không còn phù hợp, sai thẩm quyền, sai thể thức).
    pub category: String,
    /// Usual handling (sửa đổi, bổ sung / thay thế / bãi bỏ).
    pub handling: String,
    pub legal_basis: String,
    pub description: String,
}

impl Default for Severity {
    fn default() -> Self {
        Severity::Warning
    }
}

/// One finding: what, where, the other side, why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Rule id (`lead-agency-conflict`, or `parse-error`).
    pub rule: String,
    /// Catalog code (`R01`), empty for `parse-error`.
    #[serde(default)]
    pub code: String,
    pub severity: Severity,
    /// Message in Vietnamese.
    pub message: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub handling: String,
    #[serde(default)]
    pub legal_basis: String,
    pub location: Location,
    /// The other side(s): conflicting clause, replaced document, etc.
    #[serde(default)]
    pub related: Vec<Location>,
    /// Facts that triggered the finding (key → value), e.g. `task_key`, `agency`.
    #[serde(default)]
    pub evidence: Vec<(String, String)>,
    /// Stable identity: rule + document + provision + normalised matched text.
    pub fingerprint: String,
}

/// Counts shown at the end of a run and in the JSON `summary`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Summary {
    pub documents: usize,
    pub provisions: usize,
    pub findings: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Findings suppressed by comments, rasoat.toml or a baseline (counted, not shown).
    pub suppressed: usize,
    pub parse_errors: usize,
    /// rule id → count (sorted by id).
    pub by_rule: std::collections::BTreeMap<String, usize>,
    /// document → count.
    pub by_document: std::collections::BTreeMap<String, usize>,
    /// Review date (ISO).
    pub as_of: String,
}

/// The JSON envelope: `{"version": 1, "findings": [...], "summary": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub version: u32,
    pub findings: Vec<Finding>,
    pub summary: Summary,
    /// Rules that ran (for SARIF `tool.driver.rules` and the HTML legend).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleInfo>,
    /// The reviewed documents with their header metadata and effect status on the review date
    /// (Word and Excel exports list them; absent from JSON when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<DocumentInfo>,
}

/// One reviewed document, as the exports list it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DocumentInfo {
    /// Path as given (`file.json#law-id` for data-set laws).
    pub path: String,
    /// Số, ký hiệu as printed (`45/KH-UBND`), or the data-set law id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Name used in findings' `location.document` (number, else title, else path).
    pub display: String,
    /// Tên loại văn bản (`Kế hoạch`, `Quyết định`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    /// Date of issue (ISO).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<crate::Date>,
    /// Trích yếu / tên gọi.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Issuing body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// The body that advised the issuer ("Theo đề nghị của Giám đốc Sở …"), when the text says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advising_body: Option<String>,
    /// A draft (dự thảo) under `rasoat check`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
    /// Effect status on the review date: `in-force`, `pending`, `replaced`, `repealed`,
    /// `expired` or `unknown`.
    pub status: String,
    /// The replacing / repealing document, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_by: Option<String>,
    /// The date the document stopped (or starts) being in force, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_date: Option<crate::Date>,
}

impl DocumentInfo {
    /// Replaced, repealed or expired on the review date.
    pub fn is_out_of_force(&self) -> bool {
        matches!(self.status.as_str(), "replaced" | "repealed" | "expired")
    }
}

impl Report {
    /// Build the envelope and its summary from findings.
    pub fn new(
        findings: Vec<Finding>,
        rules: Vec<RuleInfo>,
        documents: usize,
        provisions: usize,
        suppressed: usize,
        as_of: String,
    ) -> Report {
        let mut s = Summary {
            documents,
            provisions,
            suppressed,
            as_of,
            ..Default::default()
        };
        for f in &findings {
            s.findings += 1;
            match f.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
            if f.rule == "parse-error" {
                s.parse_errors += 1;
            }
            *s.by_rule.entry(f.rule.clone()).or_default() += 1;
            let d = f
                .location
                .document
                .clone()
                .unwrap_or_else(|| f.location.file.clone());
            *s.by_document.entry(d).or_default() += 1;
        }
        Report {
            version: 1,
            findings,
            summary: s,
            rules,
            documents: Vec::new(),
        }
    }
}

/// Stable fingerprint: FNV-1a 64 over the parts, hex. Lines are not part of it,
/// so moving text up or down keeps the fingerprint.
pub fn fingerprint(parts: &[&str]) -> String {
    let h = parts
        .iter()
        .fold(Fnv1a::new(), |h, p| h.write(p.as_bytes()).write(&[0x1f]));
    format!("{:016x}", h.0)
}

/// FNV-1a 64, the project's one content hash (identity of files, units and findings; not
/// security).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fnv1a(pub u64);

impl Fnv1a {
    pub const fn new() -> Self {
        Fnv1a(0xcbf29ce484222325)
    }

    pub fn write(mut self, bytes: &[u8]) -> Self {
        for &b in bytes {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x100000001b3);
        }
        self
    }
}

impl Default for Fnv1a {
    fn default() -> Self {
        Self::new()
    }
}

/// FNV-1a 64 of `bytes`.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    Fnv1a::new().write(bytes).0
}
