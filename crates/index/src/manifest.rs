//! The index manifest: versions, and per source file its size/mtime/digest and the documents
//! it produced (number keys and replace/repeal edges, for effect status).

use crate::IndexError;
use crate::analysis::ANALYZER_VERSION;
use crate::schema::SCHEMA_VERSION;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

pub const MANIFEST: &str = "rasoat-manifest.json";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub schema_version: u32,
    pub analyzer_version: u32,
    pub files: BTreeMap<String, FileEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileEntry {
    pub size: u64,
    pub mtime: u64,
    pub digest: String,
    pub docs: Vec<DocEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocEntry {
    pub key: Option<String>,
    pub number: Option<String>,
    /// (edge kind, target key), e.g. ("thay-the", "89/kh-ubnd").
    #[serde(default)]
    pub edges: Vec<(String, String)>,
    #[serde(default)]
    pub date: Option<String>,
}

impl Manifest {
    pub fn new() -> Manifest {
        Manifest {
            schema_version: SCHEMA_VERSION,
            analyzer_version: ANALYZER_VERSION,
            files: BTreeMap::new(),
        }
    }

    /// Load the manifest of `dir`. `Ok(None)` when there is no index there yet.
    pub fn load(dir: &Path) -> Result<Option<Manifest>, IndexError> {
        let p = dir.join(MANIFEST);
        let ds = dir.display().to_string();
        if !p.exists() {
            return Ok(None);
        }
        let s = std::fs::read_to_string(&p).map_err(|e| IndexError::Corrupt {
            dir: ds.clone(),
            reason: format!("{MANIFEST}: {e}"),
        })?;
        // Versions first, so an old manifest layout still reports "stale", not "corrupt".
        #[derive(Deserialize)]
        struct Versions {
            schema_version: u32,
            analyzer_version: u32,
        }
        let v: Versions = serde_json::from_str(&s).map_err(|e| IndexError::Corrupt {
            dir: ds.clone(),
            reason: format!("{MANIFEST}: {e}"),
        })?;
        if v.schema_version != SCHEMA_VERSION || v.analyzer_version != ANALYZER_VERSION {
            return Err(IndexError::Stale {
                dir: ds,
                reason: format!(
                    "built with schema v{} / analyzer v{}, this rasoat uses schema v{SCHEMA_VERSION} / analyzer v{ANALYZER_VERSION}",
                    v.schema_version, v.analyzer_version
                ),
            });
        }
        let m: Manifest = serde_json::from_str(&s).map_err(|e| IndexError::Corrupt {
            dir: ds,
            reason: format!("{MANIFEST}: {e}"),
        })?;
        Ok(Some(m))
    }

    pub fn save(&self, dir: &Path) -> Result<(), IndexError> {
        let p = dir.join(MANIFEST);
        let tmp = dir.join(format!("{MANIFEST}.tmp"));
        let s = serde_json::to_string(self).map_err(|e| IndexError::Other(e.to_string()))?;
        // Write-then-rename so an interrupted run never leaves a half manifest.
        std::fs::write(&tmp, s)
            .map_err(|e| IndexError::Io(tmp.display().to_string(), e.to_string()))?;
        std::fs::rename(&tmp, &p)
            .map_err(|e| IndexError::Io(p.display().to_string(), e.to_string()))?;
        Ok(())
    }
}

impl Default for Manifest {
    fn default() -> Self {
        Manifest::new()
    }
}
