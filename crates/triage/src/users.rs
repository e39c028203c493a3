//! Accounts (argon2id password hashes) and login sessions.
use crate::{Store, TriageError};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

/// xem reads; ra-soat also triages; quan-tri also manages users and re-runs reviews.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Role {
    #[serde(rename = "xem")]
    Xem,
    #[serde(rename = "ra-soat")]
    RaSoat,
    #[serde(rename = "quan-tri")]
    QuanTri,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Xem => "xem",
            Role::RaSoat => "ra-soat",
            Role::QuanTri => "quan-tri",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        [Role::Xem, Role::RaSoat, Role::QuanTri]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub token: String,
    pub csrf: String,
    pub user: User,
}

/// Sessions last 12 hours (a working day).
pub const SESSION_SECS: i64 = 12 * 3600;

/// 32 random bytes as hex (session tokens, CSRF tokens, setup links).
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).expect("the OS random source is available");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn valid_name(name: &str) -> Result<(), TriageError> {
    let ok = !name.is_empty()
        && name.chars().count() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'));
    if ok {
        Ok(())
    } else {
        Err(TriageError::Invalid(format!(
            "invalid user name {name:?}: use letters, digits, . - _ @ (at most 64)"
        )))
    }
}

fn unix_now() -> i64 {
    jiff::Timestamp::now().as_second()
}

impl Store {
    pub fn user_count(&self) -> Result<i64, TriageError> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM users", [], |r| r.get(0))?)
    }

    /// Add (or reset the password and role of) a user; the password is stored as an argon2id hash.
    pub fn add_user(&mut self, name: &str, role: Role, password: &str) -> Result<(), TriageError> {
        valid_name(name)?;
        if password.chars().count() < 8 {
            return Err(TriageError::Invalid(
                "password too short: at least 8 characters".into(),
            ));
        }
        let mut raw = [0u8; 16];
        getrandom::fill(&mut raw).map_err(|e| TriageError::Invalid(e.to_string()))?;
        let salt = SaltString::encode_b64(&raw).map_err(|e| TriageError::Invalid(e.to_string()))?;
        let hash = Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| TriageError::Invalid(e.to_string()))?
            .to_string();
        self.conn().execute(
            "INSERT INTO users (name, role, hash, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(name) DO UPDATE SET role = ?2, hash = ?3",
            params![name, role.as_str(), hash, crate::now()],
        )?;
        // A password change ends the user's open sessions.
        self.conn()
            .execute("DELETE FROM sessions WHERE user = ?1", [name])?;
        Ok(())
    }

    pub fn users(&self) -> Result<Vec<User>, TriageError> {
        let mut st = self
            .conn()
            .prepare("SELECT name, role FROM users ORDER BY name")?;
        let rows = st.query_map([], |r| {
            Ok(User {
                name: r.get(0)?,
                role: Role::parse(&r.get::<_, String>(1)?).unwrap_or(Role::Xem),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Check a password; `None` for an unknown user or a wrong password (same answer, same work).
    pub fn verify(&self, name: &str, password: &str) -> Result<Option<User>, TriageError> {
        let row: Option<(String, String)> = self
            .conn()
            .query_row(
                "SELECT role, hash FROM users WHERE name = ?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        // Unknown users still cost one hash, so timing does not tell which names exist.
        const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$4gmp3hN4kWR2iDFV3i3lhbqx0bCafIpuoXyrT0oh4lI";
        let (role, hash) = row.clone().unwrap_or(("xem".into(), DUMMY.into()));
        let ok = PasswordHash::new(&hash)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false);
        Ok((ok && row.is_some()).then(|| User {
            name: name.to_string(),
            role: Role::parse(&role).unwrap_or(Role::Xem),
        }))
    }

    pub fn create_session(&mut self, user: &User) -> Result<Session, TriageError> {
        let (token, csrf) = (random_token(), random_token());
        let now = unix_now();
        self.conn()
            .execute("DELETE FROM sessions WHERE expires < ?1", [now])?;
        self.conn().execute(
            "INSERT INTO sessions (token, user, csrf, expires) VALUES (?1, ?2, ?3, ?4)",
            params![token, user.name, csrf, now + SESSION_SECS],
        )?;
        Ok(Session {
            token,
            csrf,
            user: user.clone(),
        })
    }

    pub fn session(&self, token: &str) -> Result<Option<Session>, TriageError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT s.token, s.csrf, u.name, u.role FROM sessions s JOIN users u ON u.name = s.user
                 WHERE s.token = ?1 AND s.expires >= ?2",
                params![token, unix_now()],
                |r| {
                    Ok(Session {
                        token: r.get(0)?,
                        csrf: r.get(1)?,
                        user: User {
                            name: r.get(2)?,
                            role: Role::parse(&r.get::<_, String>(3)?).unwrap_or(Role::Xem),
                        },
                    })
                },
            )
            .optional()?)
    }

    pub fn end_session(&mut self, token: &str) -> Result<(), TriageError> {
        self.conn()
            .execute("DELETE FROM sessions WHERE token = ?1", [token])?;
        Ok(())
    }
}
