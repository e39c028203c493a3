//! Versioned schema: `PRAGMA user_version` is the number of migrations applied.
use rusqlite::Connection;

/// Each step moves the schema one version up; never edit a released step, add a new one.
const STEPS: &[&str] = &[
    // 1: decisions, audit log, accounts, sessions, review runs.
    "CREATE TABLE decisions (
        fingerprint TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        reviewer TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL
     );
     CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        fingerprint TEXT NOT NULL,
        at TEXT NOT NULL,
        reviewer TEXT NOT NULL,
        old_status TEXT,
        new_status TEXT NOT NULL,
        old_note TEXT,
        new_note TEXT NOT NULL
     );
     CREATE INDEX audit_fp ON audit(fingerprint);
     CREATE TABLE users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        hash TEXT NOT NULL,
        created_at TEXT NOT NULL
     );
     CREATE TABLE sessions (
        token TEXT PRIMARY KEY,
        user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
        csrf TEXT NOT NULL,
        expires INTEGER NOT NULL
     );
     CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        findings INTEGER NOT NULL
     );
     CREATE TABLE seen (
        fingerprint TEXT PRIMARY KEY,
        first_run INTEGER NOT NULL,
        last_run INTEGER NOT NULL,
        finding TEXT NOT NULL
     );",
];

pub fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let have: usize = conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))? as usize;
    if have > STEPS.len() {
        return Err(rusqlite::Error::InvalidParameterName(format!(
            "schema version {have} is newer than this rasoat ({}); upgrade rasoat",
            STEPS.len()
        )));
    }
    for (i, sql) in STEPS.iter().enumerate().skip(have) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}
