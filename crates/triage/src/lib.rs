//! Triage store: what reviewers decided about each finding, who decided it, and when.
//!
//! One SQLite file (`triage.sqlite` in the data folder), WAL mode, schema versioned by
//! `PRAGMA user_version` ([`migrate`]). Decisions are keyed by the finding's fingerprint so they
//! survive restarts, re-reviews and edits elsewhere in the file. Every change is appended to an
//! audit log; a stale `version` gives [`TriageError::Conflict`] instead of a silent overwrite.
//! Accounts ([`users`]) and sessions live in the same file.

mod migrate;
pub mod transfer;
pub mod users;

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub use users::{Role, Session, User};

/// File name of the store inside the data folder.
pub const DB_FILE: &str = "triage.sqlite";

#[derive(Debug, thiserror::Error)]
pub enum TriageError {
    #[error("{path}: {reason}")]
    Open { path: String, reason: String },
    #[error("triage database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error(
        "conflict: finding {fingerprint} was changed by {by} (version {current}, you had {expected}); reload and decide again"
    )]
    Conflict {
        fingerprint: String,
        expected: i64,
        current: i64,
        by: String,
    },
    #[error("{0}")]
    Invalid(String),
}

/// Triage status of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    #[serde(rename = "moi")]
    Moi,
    #[serde(rename = "xac-nhan")]
    XacNhan,
    #[serde(rename = "khong-phai-sai-sot")]
    KhongPhaiSaiSot,
    #[serde(rename = "da-xu-ly")]
    DaXuLy,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Moi,
        Status::XacNhan,
        Status::KhongPhaiSaiSot,
        Status::DaXuLy,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Moi => "moi",
            Status::XacNhan => "xac-nhan",
            Status::KhongPhaiSaiSot => "khong-phai-sai-sot",
            Status::DaXuLy => "da-xu-ly",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }
    /// Vietnamese label for pages.
    pub fn label_vi(self) -> &'static str {
        match self {
            Status::Moi => "mới",
            Status::XacNhan => "xác nhận",
            Status::KhongPhaiSaiSot => "không phải sai sót",
            Status::DaXuLy => "đã xử lý",
        }
    }
}

/// The current decision on one finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub fingerprint: String,
    pub status: Status,
    pub note: String,
    pub reviewer: String,
    /// RFC 3339 UTC.
    pub updated_at: String,
    /// Bumped on every change; the optimistic-concurrency token.
    pub version: i64,
}

/// One audit-log entry: who changed what, when, old → new.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: String,
    pub reviewer: String,
    pub old_status: Option<Status>,
    pub new_status: Status,
    pub old_note: Option<String>,
    pub new_note: String,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

pub fn now() -> String {
    jiff::Timestamp::now().to_string()
}

impl Store {
    /// Open (creating if needed) `DIR/triage.sqlite` and bring its schema up to date.
    pub fn open(dir: &Path) -> Result<Store, TriageError> {
        let open_err = |reason: String| TriageError::Open {
            path: dir.join(DB_FILE).display().to_string(),
            reason,
        };
        std::fs::create_dir_all(dir).map_err(|e| open_err(e.to_string()))?;
        let path = dir.join(DB_FILE);
        let conn = Connection::open(&path).map_err(|e| open_err(e.to_string()))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // WAL: readers never block the writer; synchronous=FULL: an acknowledged decision is on
        // disk before the reply leaves (kill -9 or power loss keeps it).
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrate::migrate(&conn).map_err(|e| open_err(e.to_string()))?;
        Ok(Store { conn, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn decision(&self, fingerprint: &str) -> Result<Option<Decision>, TriageError> {
        Ok(self
            .conn
            .query_row(
                "SELECT fingerprint, status, note, reviewer, updated_at, version FROM decisions WHERE fingerprint = ?1",
                [fingerprint],
                row_decision,
            )
            .optional()?)
    }

    /// Every decision, by fingerprint.
    pub fn decisions(&self) -> Result<Vec<Decision>, TriageError> {
        let mut st = self.conn.prepare(
            "SELECT fingerprint, status, note, reviewer, updated_at, version FROM decisions ORDER BY fingerprint",
        )?;
        let rows = st.query_map([], row_decision)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Record a decision. `expected`: the version the reviewer saw (0 = no decision yet);
    /// `None` skips the check (imports, scripts). A mismatch is a [`TriageError::Conflict`].
    pub fn decide(
        &mut self,
        fingerprint: &str,
        status: Status,
        note: &str,
        reviewer: &str,
        expected: Option<i64>,
    ) -> Result<Decision, TriageError> {
        valid_fingerprint(fingerprint)?;
        let at = now();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let old = tx
            .query_row(
                "SELECT fingerprint, status, note, reviewer, updated_at, version FROM decisions WHERE fingerprint = ?1",
                [fingerprint],
                row_decision,
            )
            .optional()?;
        let current = old.as_ref().map_or(0, |d| d.version);
        if let Some(exp) = expected {
            if exp != current {
                return Err(TriageError::Conflict {
                    fingerprint: fingerprint.to_string(),
                    expected: exp,
                    current,
                    by: old.map(|d| d.reviewer).unwrap_or_default(),
                });
            }
        }
        let version = current + 1;
        tx.execute(
            "INSERT INTO decisions (fingerprint, status, note, reviewer, updated_at, version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(fingerprint) DO UPDATE SET status = ?2, note = ?3, reviewer = ?4,
               updated_at = ?5, version = ?6",
            params![fingerprint, status.as_str(), note, reviewer, at, version],
        )?;
        tx.execute(
            "INSERT INTO audit (fingerprint, at, reviewer, old_status, new_status, old_note, new_note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                fingerprint,
                at,
                reviewer,
                old.as_ref().map(|d| d.status.as_str()),
                status.as_str(),
                old.as_ref().map(|d| d.note.as_str()),
                note
            ],
        )?;
        tx.commit()?;
        Ok(Decision {
            fingerprint: fingerprint.to_string(),
            status,
            note: note.to_string(),
            reviewer: reviewer.to_string(),
            updated_at: at,
            version,
        })
    }

    /// The audit log of one finding, oldest first.
    pub fn history(&self, fingerprint: &str) -> Result<Vec<AuditEntry>, TriageError> {
        let mut st = self.conn.prepare(
            "SELECT at, reviewer, old_status, new_status, old_note, new_note FROM audit
             WHERE fingerprint = ?1 ORDER BY id",
        )?;
        let rows = st.query_map([fingerprint], |r| {
            Ok(AuditEntry {
                at: r.get(0)?,
                reviewer: r.get(1)?,
                old_status: r
                    .get::<_, Option<String>>(2)?
                    .and_then(|s| Status::parse(&s)),
                new_status: Status::parse(&r.get::<_, String>(3)?).unwrap_or(Status::Moi),
                old_note: r.get(4)?,
                new_note: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Fingerprints decided "không phải sai sót" (fed to `rasoat check` like a baseline).
    pub fn dismissed(&self) -> Result<Vec<String>, TriageError> {
        let mut st = self
            .conn
            .prepare("SELECT fingerprint FROM decisions WHERE status = 'khong-phai-sai-sot'")?;
        let rows = st.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Record which fingerprints a review run produced; returns the run number. Findings seen in
    /// an earlier run and absent now are "resolved"; first seen in this run (after a first run),
    /// "new". `findings` carries each finding's JSON so resolved ones can still be shown.
    pub fn record_run(&mut self, findings: &[(String, String)]) -> Result<i64, TriageError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO runs (at, findings) VALUES (?1, ?2)",
            params![now(), findings.len() as i64],
        )?;
        let run = tx.last_insert_rowid();
        {
            let mut st = tx.prepare(
                "INSERT INTO seen (fingerprint, first_run, last_run, finding) VALUES (?1, ?2, ?2, ?3)
                 ON CONFLICT(fingerprint) DO UPDATE SET last_run = ?2, finding = ?3",
            )?;
            for (fp, json) in findings {
                st.execute(params![fp, run, json])?;
            }
        }
        tx.commit()?;
        Ok(run)
    }

    /// (first run, last run) of each fingerprint ever seen.
    pub fn seen(&self) -> Result<std::collections::HashMap<String, (i64, i64)>, TriageError> {
        let mut st = self
            .conn
            .prepare("SELECT fingerprint, first_run, last_run FROM seen")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Findings (JSON) seen in an earlier run but not in `run`: resolved by an edit.
    pub fn resolved_since(&self, run: i64) -> Result<Vec<String>, TriageError> {
        let mut st = self
            .conn
            .prepare("SELECT finding FROM seen WHERE last_run < ?1 ORDER BY fingerprint")?;
        let rows = st.query_map([run], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// `PRAGMA integrity_check` ("ok" when sound).
    pub fn integrity_check(&self) -> Result<String, TriageError> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

fn row_decision(r: &rusqlite::Row<'_>) -> rusqlite::Result<Decision> {
    let s: String = r.get(1)?;
    Ok(Decision {
        fingerprint: r.get(0)?,
        status: Status::parse(&s).unwrap_or(Status::Moi),
        note: r.get(2)?,
        reviewer: r.get(3)?,
        updated_at: r.get(4)?,
        version: r.get(5)?,
    })
}

/// Fingerprints are short hex-like ids; anything else (paths, markup) is refused.
pub fn valid_fingerprint(fp: &str) -> Result<(), TriageError> {
    if !fp.is_empty()
        && fp.len() <= 128
        && fp
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Ok(())
    } else {
        Err(TriageError::Invalid(format!("invalid fingerprint {fp:?}")))
    }
}

#[cfg(test)]
mod tests;
