//! Baselines: the fingerprints of known findings, so only new ones are reported.
//! Fingerprints leave out line numbers (rule + document + provision + normalised matched text),
//! so edits elsewhere in a file keep them.
use anyhow::Context;
use rasoat_model::Finding;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

#[derive(Debug, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub tool: String,
    pub findings: Vec<Entry>,
}

/// One known finding; `rule`, `file` and `message` are for humans reading the file.
#[derive(Debug, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    pub file: String,
    #[serde(default)]
    pub message: String,
}

pub fn write(path: &Path, findings: &[Finding]) -> anyhow::Result<()> {
    let b = Baseline {
        version: 1,
        tool: format!("rasoat {}", env!("CARGO_PKG_VERSION")),
        findings: findings
            .iter()
            .map(|f| Entry {
                fingerprint: f.fingerprint.clone(),
                rule: f.rule.clone(),
                file: f.location.file.clone(),
                message: f.message.clone(),
            })
            .collect(),
    };
    let text = serde_json::to_string_pretty(&b)? + "\n";
    if let Some(d) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(d).with_context(|| format!("cannot create {}", d.display()))?;
    }
    rasoat_report::write_atomic(path, text.as_bytes())
        .with_context(|| format!("cannot write baseline {}", path.display()))
}

/// Known fingerprints with their multiplicity (the same text twice in a clause is two findings).
pub struct Known(HashMap<String, usize>);

pub fn read(path: &Path) -> anyhow::Result<Known> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read baseline {}", path.display()))?;
    let b: Baseline = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a rasoat baseline", path.display()))?;
    if b.version != 1 {
        anyhow::bail!(
            "{}: baseline version {} is not supported (expected 1)",
            path.display(),
            b.version
        );
    }
    let mut m = HashMap::new();
    for e in b.findings {
        *m.entry(e.fingerprint).or_insert(0) += 1;
    }
    Ok(Known(m))
}

impl Known {
    /// True (and consumed) when the baseline still holds this fingerprint.
    pub fn take(&mut self, fingerprint: &str) -> bool {
        match self.0.get_mut(fingerprint) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }
}
