//! JSON API under `/api/` (documented in the README). Pages use the same routes.
use crate::auth::{self, session_cookie};
use crate::error::{ApiError, check_id};
use crate::findings;
use crate::state::App;
use axum::Json;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rasoat_triage::{Role, Status, TriageError};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

type AppState = State<Arc<App>>;
type ApiResult = Result<Response, ApiError>;

/// Parse a JSON body; only `application/json` is accepted, so a cross-site HTML form cannot
/// post here.
pub fn body<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    bytes: &[u8],
) -> Result<T, ApiError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !ct.starts_with("application/json") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "cần Content-Type: application/json",
        ));
    }
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_request(format!("JSON không hợp lệ: {e}")))
}

#[derive(Deserialize)]
struct Login {
    user: String,
    password: String,
}

pub async fn login(
    State(app): AppState,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> ApiResult {
    let b: Login = body(&headers, &bytes)?;
    let keys = vec![
        format!("user:{}", b.user.to_lowercase()),
        format!("ip:{}", peer.ip()),
    ];
    if let Some(wait) = app.limiter.blocked(&keys) {
        let mut r = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("đăng nhập sai quá nhiều lần; thử lại sau {wait} giây"),
        )
        .into_response();
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait));
        return Ok(r);
    }
    // argon2 costs tens of milliseconds of CPU: off the async workers.
    let a = app.clone();
    let user = tokio::task::spawn_blocking(move || a.store().verify(&b.user, &b.password))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let Some(user) = user else {
        app.limiter.fail(&keys);
        return Err(ApiError::unauthorized("sai tên đăng nhập hoặc mật khẩu"));
    };
    app.limiter.succeed(&keys);
    let s = app
        .store()
        .create_session(&user)
        .map_err(ApiError::internal)?;
    Ok(with_cookie(
        json!({"csrf": s.csrf, "user": user.name, "role": user.role}),
        &session_cookie(&s.token, &headers, rasoat_triage::users::SESSION_SECS),
    ))
}

fn with_cookie(v: Value, cookie: &str) -> Response {
    let mut r = Json(v).into_response();
    if let Ok(h) = HeaderValue::from_str(cookie) {
        r.headers_mut().insert(header::SET_COOKIE, h);
    }
    r
}

#[derive(Deserialize)]
struct Setup {
    token: String,
    user: String,
    password: String,
}

/// The one-time setup link creates the first quan-tri, then stops working.
pub async fn setup(
    State(app): AppState,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> ApiResult {
    let b: Setup = body(&headers, &bytes)?;
    let mut tok = app.setup_token.lock().unwrap_or_else(|e| e.into_inner());
    let ok = tok
        .as_deref()
        .is_some_and(|t| t.len() == b.token.len() && t == b.token);
    if !ok {
        return Err(ApiError::forbidden(
            "liên kết cài đặt không hợp lệ hoặc đã dùng",
        ));
    }
    let mut st = app.store();
    st.add_user(&b.user, Role::QuanTri, &b.password)
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    *tok = None;
    let user = rasoat_triage::User {
        name: b.user,
        role: Role::QuanTri,
    };
    let s = st.create_session(&user).map_err(ApiError::internal)?;
    Ok(with_cookie(
        json!({"csrf": s.csrf, "user": user.name, "role": user.role}),
        &session_cookie(&s.token, &headers, rasoat_triage::users::SESSION_SECS),
    ))
}

pub async fn logout(State(app): AppState, headers: HeaderMap) -> ApiResult {
    let s = auth::writer(&app, &headers, Role::Xem)?;
    app.store()
        .end_session(&s.token)
        .map_err(ApiError::internal)?;
    Ok(with_cookie(
        json!({"ok": true}),
        &session_cookie("", &headers, 0),
    ))
}

pub async fn me(State(app): AppState, headers: HeaderMap) -> ApiResult {
    let s = auth::session(&app, &headers)?;
    Ok(Json(json!({"user": s.user.name, "role": s.user.role, "csrf": s.csrf})).into_response())
}

/// `GET /api/search?q=…&type=&issuer=&agency=&role=&from=&to=&in_force=&limit=&page=`: the hits
/// of `rasoat search --format jsonl`, each with the `document_id` of its page.
pub async fn search(
    State(app): AppState,
    headers: HeaderMap,
    Query(p): Query<HashMap<String, String>>,
) -> ApiResult {
    auth::session(&app, &headers)?;
    Ok(Json(crate::search::run_queued(app, p).await?).into_response())
}

pub async fn findings_list(
    State(app): AppState,
    headers: HeaderMap,
    Query(q): Query<findings::Query>,
) -> ApiResult {
    auth::session(&app, &headers)?;
    if !q.document.is_empty() {
        check_id("document", &q.document).or_else(|_| {
            // A display name (`45/KH-UBND`) is allowed too, never a path.
            if q.document.contains("..") {
                Err(ApiError::bad_request("document không hợp lệ"))
            } else {
                Ok(())
            }
        })?;
    }
    if !q.status.is_empty() && Status::parse(&q.status).is_none() {
        return Err(ApiError::bad_request(
            "status: moi, xac-nhan, khong-phai-sai-sot, da-xu-ly",
        ));
    }
    let snap = app.snapshot();
    let (rows, total) = findings::list(&app, &snap, &q);
    Ok(Json(json!({"findings": rows, "total": total, "run": snap.run})).into_response())
}

/// One finding with its decision, history and both sides.
pub async fn finding(
    State(app): AppState,
    headers: HeaderMap,
    Path(fp): Path<String>,
) -> ApiResult {
    auth::session(&app, &headers)?;
    check_id("fingerprint", &fp)?;
    let v = crate::detail::detail(&app, &fp)?;
    Ok(Json(serde_json::to_value(v).map_err(ApiError::internal)?).into_response())
}

#[derive(Deserialize)]
struct DecisionBody {
    status: String,
    #[serde(default)]
    note: String,
    /// The decision version the reviewer saw (0: none); a stale one is a 409 conflict.
    version: Option<i64>,
}

pub async fn decide(
    State(app): AppState,
    headers: HeaderMap,
    Path(fp): Path<String>,
    bytes: axum::body::Bytes,
) -> ApiResult {
    let s = auth::writer(&app, &headers, Role::RaSoat)?;
    check_id("fingerprint", &fp)?;
    let b: DecisionBody = body(&headers, &bytes)?;
    let status = Status::parse(&b.status).ok_or_else(|| {
        ApiError::bad_request("status: moi, xac-nhan, khong-phai-sai-sot, da-xu-ly")
    })?;
    if b.note.chars().count() > 10_000 {
        return Err(ApiError::bad_request(
            "ghi chú quá dài (tối đa 10000 ký tự)",
        ));
    }
    let snap = app.snapshot();
    let known = snap.by_fp.contains_key(&fp) || snap.resolved.iter().any(|f| f.fingerprint == fp);
    if !known {
        return Err(ApiError::not_found(format!("không có phát hiện {fp}")));
    }
    let expected = b.version.or_else(|| {
        headers
            .get(header::IF_MATCH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim_matches('"').parse().ok())
    });
    let a = app.clone();
    let name = s.user.name.clone();
    let fp2 = fp.clone();
    let r = tokio::task::spawn_blocking(move || {
        a.store().decide(&fp2, status, &b.note, &name, expected)
    })
    .await
    .map_err(ApiError::internal)?;
    match r {
        Ok(d) => {
            app.decisions
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .insert(fp, d.clone());
            Ok(Json(json!({"decision": d})).into_response())
        }
        Err(e @ TriageError::Conflict { .. }) => {
            Err(ApiError::new(StatusCode::CONFLICT, e.to_string()))
        }
        Err(TriageError::Invalid(m)) => Err(ApiError::bad_request(m)),
        Err(e) => Err(ApiError::internal(e)),
    }
}

pub async fn document(
    State(app): AppState,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult {
    auth::session(&app, &headers)?;
    check_id("document", &id)?;
    let v = crate::document::view(&app, &id)?;
    Ok(Json(serde_json::to_value(v).map_err(ApiError::internal)?).into_response())
}

pub async fn review_progress(State(app): AppState, headers: HeaderMap) -> ApiResult {
    auth::session(&app, &headers)?;
    let p = app
        .progress
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    Ok(Json(json!({"progress": p, "run": app.snapshot().run})).into_response())
}

/// Start a re-review in the background (quan-tri); 409 while one runs.
pub async fn review_start(State(app): AppState, headers: HeaderMap) -> ApiResult {
    let s = auth::writer(&app, &headers, Role::QuanTri)?;
    if !crate::rerun::start(&app, &s.user.name) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "đang rà soát lại; chờ lần này xong",
        ));
    }
    Ok((StatusCode::ACCEPTED, Json(json!({"started": true}))).into_response())
}

#[derive(Deserialize)]
struct NewUser {
    user: String,
    password: String,
    role: String,
}

pub async fn users_list(State(app): AppState, headers: HeaderMap) -> ApiResult {
    let s = auth::session(&app, &headers)?;
    auth::need(&s, Role::QuanTri)?;
    let users = app.store().users().map_err(ApiError::internal)?;
    Ok(Json(json!({"users": users})).into_response())
}

pub async fn users_add(
    State(app): AppState,
    headers: HeaderMap,
    bytes: axum::body::Bytes,
) -> ApiResult {
    auth::writer(&app, &headers, Role::QuanTri)?;
    let b: NewUser = body(&headers, &bytes)?;
    let role = Role::parse(&b.role)
        .ok_or_else(|| ApiError::bad_request("role: xem, ra-soat, quan-tri"))?;
    app.store()
        .add_user(&b.user, role, &b.password)
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"user": b.user, "role": role})),
    )
        .into_response())
}

/// `GET /api/export?format=xlsx|docx&only=xac-nhan`: the Word/Excel exports of `rasoat review`.
pub async fn export(
    State(app): AppState,
    headers: HeaderMap,
    Query(p): Query<HashMap<String, String>>,
) -> ApiResult {
    auth::session(&app, &headers)?;
    let (bytes, name, mime) = crate::export::render(&app, &p)?;
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

pub async fn not_found() -> ApiError {
    ApiError::not_found("không có đường dẫn này")
}
