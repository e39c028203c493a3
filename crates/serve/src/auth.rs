//! Sessions, roles, CSRF tokens and login rate limiting.
use crate::error::ApiError;
use crate::state::App;
use axum::http::HeaderMap;
use rasoat_triage::{Role, Session};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const COOKIE: &str = "rasoat_session";

/// The session cookie: HttpOnly (no script reads it), SameSite=Strict (no cross-site request
/// carries it), Secure when the request came over TLS (a proxy says so).
pub fn session_cookie(token: &str, headers: &HeaderMap, max_age: i64) -> String {
    let tls = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        if tls { "; Secure" } else { "" }
    )
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

/// The caller's session, or 401.
pub fn session(app: &App, headers: &HeaderMap) -> Result<Session, ApiError> {
    let token = cookie_token(headers).ok_or_else(|| ApiError::unauthorized("chưa đăng nhập"))?;
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::unauthorized("phiên không hợp lệ"));
    }
    app.store()
        .session(&token)
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::unauthorized("phiên đã hết hạn, hãy đăng nhập lại"))
}

/// The session of a state-changing request: needs the role and the `X-CSRF-Token` header.
pub fn writer(app: &App, headers: &HeaderMap, role: Role) -> Result<Session, ApiError> {
    let s = session(app, headers)?;
    let sent = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !constant_eq(sent.as_bytes(), s.csrf.as_bytes()) {
        return Err(ApiError::forbidden("thiếu hoặc sai mã CSRF (X-CSRF-Token)"));
    }
    need(&s, role)?;
    Ok(s)
}

/// 403 unless the session's role is at least `role`.
pub fn need(s: &Session, role: Role) -> Result<(), ApiError> {
    if s.user.role >= role {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "vai trò {} không được phép (cần {})",
            s.user.role.as_str(),
            role.as_str()
        )))
    }
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Failed logins per key (user name, client address): after `MAX` failures in `WINDOW`, further
/// attempts are refused until the window passes.
#[derive(Default)]
pub struct Limiter {
    fails: Mutex<HashMap<String, (u32, Instant)>>,
}

const MAX: u32 = 5;
const WINDOW: Duration = Duration::from_secs(300);

impl Limiter {
    /// Seconds to wait, when any key is over its limit.
    pub fn blocked(&self, keys: &[String]) -> Option<u64> {
        let m = self.fails.lock().unwrap_or_else(|e| e.into_inner());
        keys.iter()
            .filter_map(|k| m.get(k))
            .filter(|(n, t)| *n >= MAX && t.elapsed() < WINDOW)
            .map(|(_, t)| (WINDOW - t.elapsed()).as_secs() + 1)
            .max()
    }
    pub fn fail(&self, keys: &[String]) {
        let mut m = self.fails.lock().unwrap_or_else(|e| e.into_inner());
        for k in keys {
            let e = m.entry(k.clone()).or_insert((0, Instant::now()));
            if e.1.elapsed() >= WINDOW {
                *e = (0, Instant::now());
            }
            e.0 += 1;
        }
    }
    pub fn succeed(&self, keys: &[String]) {
        let mut m = self.fails.lock().unwrap_or_else(|e| e.into_inner());
        for k in keys {
            m.remove(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_blocks_after_five_failures_per_key() {
        let l = Limiter::default();
        let keys = vec!["user:lan".to_string(), "ip:127.0.0.1".to_string()];
        for _ in 0..4 {
            l.fail(&keys);
        }
        assert!(l.blocked(&keys).is_none());
        l.fail(&keys);
        assert!(l.blocked(&keys).is_some_and(|s| s > 0 && s <= 301));
        // Another user from another address is not blocked; the same address is.
        assert!(
            l.blocked(&["user:hoa".into(), "ip:10.0.0.2".into()])
                .is_none()
        );
        assert!(
            l.blocked(&["user:hoa".into(), "ip:127.0.0.1".into()])
                .is_some()
        );
        l.succeed(&keys);
        assert!(l.blocked(&keys).is_none());
    }

    #[test]
    fn cookie_is_httponly_strict_and_secure_behind_tls() {
        let mut h = HeaderMap::new();
        let c = session_cookie("abc", &h, 60);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && !c.contains("Secure"));
        h.insert("x-forwarded-proto", "https".parse().unwrap());
        assert!(session_cookie("abc", &h, 60).ends_with("; Secure"));
    }

    #[test]
    fn csrf_comparison_needs_equal_tokens() {
        assert!(constant_eq(b"abcd", b"abcd"));
        assert!(!constant_eq(b"abcd", b"abce"));
        assert!(!constant_eq(b"", b"abcd"));
    }
}
