//! `rasoat serve`: the reviewer workbench. An axum server over the same engine as the CLI:
//! search ([`rasoat_index`]), review ([`rasoat_rules`]), exports ([`rasoat_report`]), and the
//! triage store ([`rasoat_triage`]).
//!
//! * [`state`]: the served review snapshot, rebuilt in the background ([`rerun`]).
//! * [`api`]: the JSON API under `/api/`; [`pages`]: the server-rendered pages.
//! * [`auth`]: sessions, roles, CSRF, login rate limiting.

pub mod api;
pub mod auth;
pub mod detail;
pub mod document;
pub mod error;
pub mod export;
pub mod findings;
pub mod pages;
pub mod rerun;
pub mod search;
pub mod state;
pub mod svg;

pub use state::Config;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use rasoat_rules::Engine;
use rasoat_triage::Store;
use state::{App, build_snapshot};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

/// Build the application: open the store, run the first review, prepare the setup link.
pub fn app(cfg: Config, engine: Engine) -> Result<Arc<App>, String> {
    let store = Store::open(&cfg.data).map_err(|e| e.to_string())?;
    let users = store.user_count().map_err(|e| e.to_string())?;
    if users == 0 && !cfg.addr.ip().is_loopback() {
        return Err(format!(
            "binding to {} (not loopback) needs accounts: first run `rasoat user add NAME --role quan-tri --data {}`",
            cfg.addr,
            cfg.data.display()
        ));
    }
    let decisions: HashMap<_, _> = store
        .decisions()
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|d| (d.fingerprint.clone(), d))
        .collect();
    let store = Mutex::new(store);
    let snap = build_snapshot(&engine, &cfg, &store, &|_, _, _| {})?;
    Ok(Arc::new(App {
        setup_token: Mutex::new((users == 0).then(rasoat_triage::users::random_token)),
        cfg,
        engine,
        store,
        decisions: RwLock::new(decisions),
        snap: RwLock::new(Arc::new(snap)),
        progress: Mutex::new(Default::default()),
        limiter: Default::default(),
        env: pages::environment(),
        searches: tokio::sync::Semaphore::new(
            2 * std::thread::available_parallelism().map_or(2, |n| n.get()),
        ),
    }))
}

pub fn router(app: Arc<App>) -> Router {
    let api = Router::new()
        .route("/login", post(api::login))
        .route("/logout", post(api::logout))
        .route("/setup", post(api::setup))
        .route("/me", get(api::me))
        .route("/search", get(api::search))
        .route("/findings", get(api::findings_list))
        .route("/findings/{fp}", get(api::finding))
        .route("/findings/{fp}/decision", post(api::decide))
        .route("/documents/{id}", get(api::document))
        .route("/review", get(api::review_progress).post(api::review_start))
        .route("/users", get(api::users_list).post(api::users_add))
        .route("/export", get(api::export))
        .fallback(api::not_found);
    Router::new()
        .nest("/api", api)
        .route("/", get(pages::root))
        .route("/dang-nhap", get(pages::login))
        .route("/cai-dat", get(pages::setup))
        .route("/tim-kiem", get(pages::search))
        .route("/van-ban/{id}", get(pages::document))
        .route("/phat-hien", get(pages::findings))
        .route("/phat-hien/{fp}", get(pages::finding))
        .route("/tong-quan", get(pages::overview))
        .route("/xuat", get(pages::export))
        .route("/tai-khoan", get(pages::users))
        .route("/static/app.css", get(pages::css))
        .route("/static/app.js", get(pages::js))
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(app.clone(), gate))
        .with_state(app)
}

/// Until the first quan-tri exists only the setup routes answer; every response gets the
/// security headers (no inline script, no framing, no sniffing).
async fn gate(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let setup = app
        .setup_token
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .is_some();
    let path = req.uri().path();
    let open = matches!(
        path,
        "/cai-dat" | "/api/setup" | "/static/app.css" | "/static/app.js"
    );
    let mut r = if setup && !open {
        if path.starts_with("/api/") {
            error::ApiError::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "chưa có tài khoản: dùng liên kết cài đặt một lần in trên màn hình máy chủ",
            )
            .into_response()
        } else {
            axum::response::Redirect::to("/cai-dat").into_response()
        }
    } else {
        next.run(req).await
    };
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    r
}

/// Serve until the process is stopped. Prints the address (and the setup link when no account
/// exists) on stderr.
pub fn serve(cfg: Config, engine: Engine) -> Result<(), String> {
    let addr = cfg.addr;
    let t = std::time::Instant::now();
    let app = app(cfg, engine)?;
    let snap = app.snapshot();
    eprintln!(
        "rasoat serve: {} documents, {} findings (run {}) ready in {:.1}s",
        snap.docs.len(),
        snap.report.findings.len(),
        snap.run,
        t.elapsed().as_secs_f64()
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        if let Some(tok) = app.setup_token.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            eprintln!("rasoat serve: no account yet; create the first quan-tri at http://{local}/cai-dat?token={tok}");
        }
        // The line tests and scripts wait for.
        eprintln!("rasoat serve: listening on http://{local}");
        let svc = router(app).into_make_service_with_connect_info::<std::net::SocketAddr>();
        axum::serve(listener, svc).await.map_err(|e| e.to_string())
    })
}
