//! Search for the API and the Tìm kiếm page: the engine of `rasoat search`, same query language.
use crate::error::ApiError;
use crate::state::App;
use rasoat_index::Filters;
use serde_json::Value;
use std::collections::HashMap;

/// Results per page on the Tìm kiếm page.
pub const PER_PAGE: usize = 20;

fn date(s: &str, name: &str) -> Result<Option<jiff::civil::Date>, ApiError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if let Ok(d) = t.parse() {
        return Ok(Some(d));
    }
    let p: Vec<&str> = t.split(['/', '.', '-']).collect();
    if let [d, m, y] = p[..] {
        if let (Ok(d), Ok(m), Ok(y)) = (d.parse(), m.parse(), y.parse()) {
            if let Ok(x) = jiff::civil::Date::new(y, m, d) {
                return Ok(Some(x));
            }
        }
    }
    Err(ApiError::bad_request(format!(
        "{name}: ngày không hợp lệ (YYYY-MM-DD hoặc DD/MM/YYYY)"
    )))
}

pub fn filters(p: &HashMap<String, String>) -> Result<Filters, ApiError> {
    let s = |k: &str| {
        p.get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    Ok(Filters {
        doc_type: s("type"),
        issuer: s("issuer"),
        agency: s("agency"),
        role: s("role"),
        from: date(p.get("from").map_or("", |v| v), "from")?,
        to: date(p.get("to").map_or("", |v| v), "to")?,
        in_force: p
            .get("in_force")
            .is_some_and(|v| v == "1" || v == "true" || v == "on"),
    })
}

/// [`run`] off the async workers, at most two searches per core at a time. Searches are CPU-bound:
/// on the workers, two long ones held up every login, page and findings list (findings p99
/// 132 ms during a question load, 36 ms now: `bench/serve/mixed.sh`); unbounded on blocking
/// threads, 32 at once would share 2 cores and all finish late. Queued on the semaphore (fair,
/// first come first served) they keep their order; two per core, not one, so that a search is
/// always ready when one ends (one per core measured 35 % less search throughput).
pub async fn run_queued(
    app: std::sync::Arc<App>,
    p: HashMap<String, String>,
) -> Result<Value, ApiError> {
    let _permit = app.searches.acquire().await.map_err(ApiError::internal)?;
    let app2 = app.clone();
    tokio::task::spawn_blocking(move || run(&app2, &p))
        .await
        .map_err(ApiError::internal)?
}

/// Run a query; `page` (1-based) × `limit` (default 20, at most 200) pages through the ranking.
pub fn run(app: &App, p: &HashMap<String, String>) -> Result<Value, ApiError> {
    let q = p.get("q").map_or("", |v| v.as_str());
    let f = filters(p)?;
    if q.trim().is_empty() && f.is_empty() {
        return Err(ApiError::bad_request(
            "truy vấn trống: nhập từ, \"cụm từ\" hoặc số hiệu văn bản",
        ));
    }
    let limit = p
        .get("limit")
        .and_then(|v| v.parse().ok())
        .unwrap_or(PER_PAGE)
        .clamp(1, 200);
    let page: usize = p
        .get("page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .clamp(1, 50);
    let snap = app.snapshot();
    let idx = snap.index.as_ref().ok_or_else(|| {
        ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "chưa có chỉ mục tìm kiếm: {}",
                snap.index_error.as_deref().unwrap_or("")
            ),
        )
    })?;
    let r = idx.search(q, &f, limit * page).map_err(|e| {
        if e.is_usage() {
            ApiError::bad_request(e.to_string())
        } else {
            ApiError::internal(e)
        }
    })?;
    let more = r.hits.len() == limit * page;
    let mut v = serde_json::to_value(&r).map_err(ApiError::internal)?;
    if let Some(hits) = v.get_mut("hits").and_then(|h| h.as_array_mut()) {
        let page_hits: Vec<Value> = hits
            .drain(..)
            .skip(limit * (page - 1))
            .map(|mut h| {
                let file = h["file"].as_str().unwrap_or("").to_string();
                let law = h["law_id"].as_str().map(str::to_string);
                let doc = snap.doc_of(&file, law.as_deref().or(h["document"].as_str()));
                h["document_id"] = doc
                    .map(|i| Value::from(snap.doc_ids[i].clone()))
                    .unwrap_or(Value::Null);
                h
            })
            .collect();
        *hits = page_hits;
    }
    v["page"] = page.into();
    v["more"] = more.into();
    Ok(v)
}
