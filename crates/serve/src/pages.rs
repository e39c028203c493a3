//! Server-rendered pages (minijinja templates built into the binary; auto-escaped HTML).
use crate::auth;
use crate::error::check_id;
use crate::findings::{self, Query as FQuery};
use crate::state::App;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use rasoat_triage::{Role, Session, Status};
use std::collections::HashMap;
use std::sync::Arc;

type S = State<Arc<App>>;

/// Templates, CSS and JavaScript are compiled in: the pages work with no network.
pub fn environment() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    for (name, src) in [
        ("base.html", include_str!("../assets/templates/base.html")),
        ("login.html", include_str!("../assets/templates/login.html")),
        ("setup.html", include_str!("../assets/templates/setup.html")),
        (
            "search.html",
            include_str!("../assets/templates/search.html"),
        ),
        (
            "document.html",
            include_str!("../assets/templates/document.html"),
        ),
        (
            "findings.html",
            include_str!("../assets/templates/findings.html"),
        ),
        (
            "finding.html",
            include_str!("../assets/templates/finding.html"),
        ),
        (
            "overview.html",
            include_str!("../assets/templates/overview.html"),
        ),
        (
            "export.html",
            include_str!("../assets/templates/export.html"),
        ),
        ("users.html", include_str!("../assets/templates/users.html")),
    ] {
        env.add_template(name, src)
            .expect("bundled templates parse");
    }
    env.add_filter("truncate", truncate);
    env
}

/// `{{ s|truncate(n) }}`: at most `n` characters, cut at a word, with "…".
fn truncate(s: String, n: Option<usize>) -> String {
    let n = n.unwrap_or(80);
    if s.chars().count() <= n {
        return s;
    }
    let cut: String = s.chars().take(n).collect();
    let cut = cut
        .rsplit_once(' ')
        .map_or(cut.as_str(), |(a, _)| a)
        .to_string();
    cut + "…"
}

pub const CSS: &str = include_str!("../assets/app.css");
pub const JS: &str = include_str!("../assets/app.js");

pub async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response()
}
pub async fn js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        JS,
    )
        .into_response()
}

fn render(
    app: &App,
    name: &str,
    s: Option<&Session>,
    page: &str,
    ctx: minijinja::Value,
) -> Response {
    let base = context! {
        user => s.map(|s| s.user.name.clone()),
        role => s.map(|s| s.user.role.as_str()),
        csrf => s.map(|s| s.csrf.clone()).unwrap_or_default(),
        page => page,
    };
    let r = app
        .env
        .get_template(name)
        .and_then(|t| t.render(context! { ..base, ..ctx }));
    match r {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            eprintln!("rasoat serve: template {name}: {e:#}");
            (StatusCode::INTERNAL_SERVER_ERROR, "lỗi hiển thị trang").into_response()
        }
    }
}

/// The page's session, or a redirect to the login (or setup) page.
fn page_session(app: &App, headers: &HeaderMap, here: &str) -> Result<Session, Response> {
    if app
        .setup_token
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .is_some()
    {
        return Err(Redirect::to("/cai-dat").into_response());
    }
    auth::session(app, headers)
        .map_err(|_| Redirect::to(&format!("/dang-nhap?next={}", urlencode(here))).into_response())
}

fn urlencode(s: &str) -> String {
    let mut o = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            o.push(b as char);
        } else {
            o.push_str(&format!("%{b:02X}"));
        }
    }
    o
}

fn query_string(p: &[(&str, String)]) -> String {
    p.iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub async fn root() -> Redirect {
    Redirect::to("/tong-quan")
}

pub async fn login(State(app): S, Query(p): Query<HashMap<String, String>>) -> Response {
    // Only local paths: `next` must not send the reviewer to another site.
    let next = p
        .get("next")
        .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .cloned()
        .unwrap_or_else(|| "/tong-quan".into());
    render(&app, "login.html", None, "login", context! { next })
}

pub async fn setup(State(app): S, Query(p): Query<HashMap<String, String>>) -> Response {
    let open = app
        .setup_token
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .is_some();
    if !open {
        return Redirect::to("/dang-nhap").into_response();
    }
    let token = p
        .get("token")
        .filter(|t| t.bytes().all(|b| b.is_ascii_hexdigit()))
        .cloned();
    render(&app, "setup.html", None, "setup", context! { token })
}

pub async fn search(
    State(app): S,
    headers: HeaderMap,
    Query(p): Query<HashMap<String, String>>,
) -> Response {
    let s = match page_session(&app, &headers, "/tim-kiem") {
        Ok(s) => s,
        Err(r) => return r,
    };
    let get = |k: &str| p.get(k).cloned().unwrap_or_default();
    let has_query = [
        "q", "type", "issuer", "agency", "role", "from", "to", "in_force",
    ]
    .iter()
    .any(|k| !get(k).is_empty());
    let (mut result, mut error) = (None, None);
    if has_query {
        match crate::search::run_queued(app.clone(), p.clone()).await {
            Ok(mut v) => {
                if let Some(hits) = v["hits"].as_array_mut() {
                    for h in hits {
                        let segs = stars(h["snippet"].as_str().unwrap_or(""));
                        h["segs"] = serde_json::to_value(segs).unwrap_or_default();
                    }
                }
                result = Some(v)
            }
            Err(e) => error = Some(e.message),
        }
    }
    let page: usize = get("page").parse().unwrap_or(1).max(1);
    let keys = [
        "q", "type", "issuer", "agency", "role", "from", "to", "in_force",
    ];
    let with_page = |n: usize| {
        let mut v: Vec<(&str, String)> = keys.iter().map(|k| (*k, get(k))).collect();
        v.push(("page", n.to_string()));
        query_string(&v)
    };
    let roles = [
        "chu-tri",
        "phoi-hop",
        "tham-muu",
        "thuc-hien",
        "chiu-trach-nhiem",
        "theo-doi",
        "tham-dinh",
        "kiem-tra",
        "quyet-dinh",
        "de-nghi",
        "bao-cao",
    ];
    render(
        &app,
        "search.html",
        Some(&s),
        "search",
        context! {
            p => p, result, error, page, roles,
            query_prev => with_page(page.saturating_sub(1).max(1)),
            query_next => with_page(page + 1),
        },
    )
}

/// `**word**` snippet markers (from the index) → highlighted segments, escaped by the template.
fn stars(s: &str) -> Vec<crate::detail::Seg> {
    s.split("**")
        .enumerate()
        .filter(|(_, t)| !t.is_empty())
        .map(|(i, t)| crate::detail::Seg {
            text: t.replace('\n', " "),
            hl: i % 2 == 1,
        })
        .collect()
}

pub async fn document(State(app): S, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let s = match page_session(&app, &headers, &format!("/van-ban/{id}")) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let d = check_id("document", &id).and_then(|_| crate::document::view(&app, &id));
    match d {
        Ok(d) => render(&app, "document.html", Some(&s), "document", context! { d }),
        Err(e) => (e.status, e.message).into_response(),
    }
}

pub async fn findings(State(app): S, headers: HeaderMap, Query(mut q): Query<FQuery>) -> Response {
    let s = match page_session(&app, &headers, "/phat-hien") {
        Ok(s) => s,
        Err(r) => return r,
    };
    q.page = q.page.max(1);
    q.per = if q.per == 0 { 50 } else { q.per.min(500) };
    let snap = app.snapshot();
    let (rows, total) = findings::list(&app, &snap, &q);
    let pages = total.div_ceil(q.per).max(1);
    let mut categories: Vec<&str> = snap
        .report
        .rules
        .iter()
        .map(|r| r.category.as_str())
        .collect();
    categories.sort();
    categories.dedup();
    let statuses: Vec<(&str, &str)> = Status::ALL
        .iter()
        .map(|s| (s.as_str(), s.label_vi()))
        .collect();
    let with_page = |n: usize| {
        query_string(&[
            ("rule", q.rule.clone()),
            ("severity", q.severity.clone()),
            ("category", q.category.clone()),
            ("document", q.document.clone()),
            ("agency", q.agency.clone()),
            ("status", q.status.clone()),
            ("sort", q.sort.clone()),
            ("page", n.to_string()),
        ])
    };
    render(
        &app,
        "findings.html",
        Some(&s),
        "findings",
        context! {
            rows, total, pages, categories, statuses,
            rules => &snap.report.rules,
            query_prev => with_page(q.page.saturating_sub(1).max(1)),
            query_next => with_page(q.page + 1),
            q => q,
        },
    )
}

pub async fn finding(State(app): S, headers: HeaderMap, Path(fp): Path<String>) -> Response {
    let s = match page_session(&app, &headers, &format!("/phat-hien/{fp}")) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let d = check_id("fingerprint", &fp).and_then(|_| crate::detail::detail(&app, &fp));
    let statuses: Vec<(&str, &str)> = Status::ALL
        .iter()
        .map(|s| (s.as_str(), s.label_vi()))
        .collect();
    match d {
        Ok(f) => render(
            &app,
            "finding.html",
            Some(&s),
            "finding",
            context! {
                f, statuses, can_triage => s.user.role >= Role::RaSoat,
            },
        ),
        Err(e) => (e.status, e.message).into_response(),
    }
}

pub async fn overview(State(app): S, headers: HeaderMap) -> Response {
    let s = match page_session(&app, &headers, "/tong-quan") {
        Ok(s) => s,
        Err(r) => return r,
    };
    let snap = app.snapshot();
    let sm = &snap.report.summary;
    let names: HashMap<&str, String> = snap
        .report
        .rules
        .iter()
        .map(|r| (r.id.as_str(), format!("{} {}", r.code, r.name_vi)))
        .collect();
    let mut by_rule: Vec<(String, usize)> = sm
        .by_rule
        .iter()
        .map(|(k, v)| {
            (
                names.get(k.as_str()).cloned().unwrap_or_else(|| k.clone()),
                *v,
            )
        })
        .collect();
    by_rule.sort_by(|a, b| b.1.cmp(&a.1));
    let mut by_doc: Vec<(String, usize)> = sm
        .by_document
        .iter()
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    by_doc.sort_by(|a, b| b.1.cmp(&a.1));
    by_doc.truncate(15);
    let sev = vec![
        ("lỗi (error)".to_string(), sm.errors),
        ("cảnh báo (warning)".to_string(), sm.warnings),
        ("thông tin (info)".to_string(), sm.infos),
    ];
    let counts = findings::counts(&app, &snap);
    let progress = app
        .progress
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    render(
        &app,
        "overview.html",
        Some(&s),
        "overview",
        context! {
            run => snap.run,
            finished_at => &snap.finished_at,
            summary => sm,
            resolved => snap.resolved.len(),
            progress,
            is_admin => s.user.role >= Role::QuanTri,
            by_status => crate::svg::bars("Theo trạng thái", &counts["status"], "#16a085"),
            by_severity => crate::svg::bars("Theo mức độ", &sev, "#c0392b"),
            by_rule => crate::svg::bars("Theo quy tắc", &by_rule, "#2e86c1"),
            by_document => crate::svg::bars("Theo văn bản (15 văn bản nhiều nhất)", &by_doc, "#8e44ad"),
            matrix => crate::svg::lead_matrix(&snap, 40),
            graph => crate::svg::doc_graph(&snap, 60),
        },
    )
}

pub async fn export(State(app): S, headers: HeaderMap) -> Response {
    let s = match page_session(&app, &headers, "/xuat") {
        Ok(s) => s,
        Err(r) => return r,
    };
    let snap = app.snapshot();
    let confirmed = snap
        .report
        .findings
        .iter()
        .filter(|f| {
            app.decision(&f.fingerprint)
                .is_some_and(|d| d.status == Status::XacNhan)
        })
        .count();
    render(
        &app,
        "export.html",
        Some(&s),
        "export",
        context! {
            total => snap.report.findings.len(), confirmed,
        },
    )
}

/// Tài khoản (quan-tri): the users and a form to add one.
pub async fn users(State(app): S, headers: HeaderMap) -> Response {
    let s = match page_session(&app, &headers, "/tai-khoan") {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Err(e) = auth::need(&s, Role::QuanTri) {
        return (e.status, e.message).into_response();
    }
    match app.store().users() {
        Ok(users) => render(&app, "users.html", Some(&s), "users", context! { users }),
        Err(e) => crate::error::ApiError::internal(e).into_response(),
    }
}

pub async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Html("<!doctype html><meta charset=utf-8><title>404</title><p>Không có trang này. <a href=\"/tong-quan\">Tổng quan</a></p>")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_stars_become_highlighted_segments() {
        let s = stars("a **phân cấp** b");
        let t: Vec<_> = s.iter().map(|x| (x.text.as_str(), x.hl)).collect();
        assert_eq!(t, vec![("a ", false), ("phân cấp", true), (" b", false)]);
    }

    #[test]
    fn templates_escape_document_text() {
        let env = environment();
        let html = env
            .get_template("setup.html")
            .unwrap()
            .render(context! { token => "\"><img src=x onerror=alert(1)>" })
            .unwrap();
        assert!(!html.contains("<img src=x"));
        assert!(html.contains("&quot;&gt;&lt;img"));
    }

    #[test]
    fn truncate_cuts_at_a_word() {
        assert_eq!(truncate("một hai ba bốn".into(), Some(9)), "một hai…");
        assert_eq!(truncate("ngắn".into(), Some(9)), "ngắn");
    }

    #[test]
    fn query_strings_are_encoded() {
        assert_eq!(
            query_string(&[("q", "a b&c".into()), ("x", String::new())]),
            "q=a%20b%26c"
        );
    }
}
