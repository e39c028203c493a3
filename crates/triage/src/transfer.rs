//! `rasoat triage export|import`: decisions as JSON, to keep in git or merge two offices' work.
use crate::{Decision, Store, TriageError};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
pub struct Export {
    pub version: u32,
    pub decisions: Vec<Decision>,
}

#[derive(Debug, Default, PartialEq, Serialize)]
pub struct ImportStats {
    pub applied: usize,
    /// Kept the local decision: it is as new or newer.
    pub kept: usize,
}

impl Store {
    pub fn export_json(&self) -> Result<String, TriageError> {
        let e = Export {
            version: 1,
            decisions: self.decisions()?,
        };
        Ok(serde_json::to_string_pretty(&e).expect("decisions serialize"))
    }

    /// Merge: an imported decision wins when it is newer than the local one (the audit log
    /// records it under `reviewer (import)`).
    pub fn import_json(&mut self, text: &str) -> Result<ImportStats, TriageError> {
        let e: Export = serde_json::from_str(text)
            .map_err(|e| TriageError::Invalid(format!("not a rasoat triage export: {e}")))?;
        if e.version != 1 {
            return Err(TriageError::Invalid(format!(
                "unsupported triage export version {}",
                e.version
            )));
        }
        let mut stats = ImportStats::default();
        for d in e.decisions {
            crate::valid_fingerprint(&d.fingerprint)?;
            let local = self.decision(&d.fingerprint)?;
            let newer = local
                .as_ref()
                .is_none_or(|l| ts(&l.updated_at) < ts(&d.updated_at));
            if newer
                && local
                    .as_ref()
                    .is_none_or(|l| l.status != d.status || l.note != d.note)
            {
                self.decide(
                    &d.fingerprint,
                    d.status,
                    &d.note,
                    &format!("{} (import)", d.reviewer),
                    None,
                )?;
                stats.applied += 1;
            } else {
                stats.kept += 1;
            }
        }
        Ok(stats)
    }
}

fn ts(s: &str) -> Option<jiff::Timestamp> {
    s.parse().ok()
}
