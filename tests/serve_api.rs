//! `rasoat serve` end to end: the real binary on a free loopback port, driven over HTTP.
//! Accounts, roles, CSRF, rate limiting, escaping, path traversal, restarts, re-review.
#[path = "../crates/report/src/readback.rs"]
#[allow(dead_code)]
mod readback;
#[path = "support/server.rs"]
mod server;

use serde_json::{Value, json};
use server::{Client, add_user, root, setup_admin, start};
use std::path::{Path, PathBuf};

const PW: &str = "mat-khau-that-dai";

fn fixture() -> PathBuf {
    root().join("tests/fixtures/serve")
}

fn findings(c: &mut Client, query: &str) -> Value {
    let r = c.get(&format!("/api/findings{query}"));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

/// A finding located in the document whose file name contains `file`.
fn finding_in(c: &mut Client, file: &str) -> Value {
    let all = findings(c, "?per=1000");
    all["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["location"]["file"].as_str().unwrap_or("").contains(file))
        .unwrap_or_else(|| panic!("no finding in {file}: {all}"))
        .clone()
}

#[test]
fn setup_link_roles_and_csrf() {
    let data = tempfile::tempdir().unwrap();
    let s = start(&[&fixture()], data.path());
    let mut anon = Client::new(&s.base);
    // Before the first account only the setup routes answer.
    let r = anon.get("/api/findings");
    assert_eq!(r.status, 503, "{}", r.text());
    assert!(r.json()["error"].as_str().unwrap().contains("cài đặt"));
    let r = anon.post(
        "/api/setup",
        &json!({"token": "0".repeat(64), "user": "an", "password": PW}),
    );
    assert_eq!(r.status, 403);
    let mut admin = setup_admin(&s, "an", PW);
    // The link works once.
    let r = anon.post("/api/setup", &json!({"token": s.setup.as_ref().unwrap().split("token=").nth(1).unwrap(), "user": "x", "password": PW}));
    assert_eq!(r.status, 403);

    // No session → 401, JSON error.
    let r = anon.get("/api/findings");
    assert_eq!(r.status, 401);
    assert!(r.json()["error"].is_string());

    // Users are added by quan-tri, with CSRF.
    let r = admin.post_with(
        "/api/users",
        &json!({"user": "lan", "password": PW, "role": "ra-soat"}),
        Some(""),
    );
    assert_eq!(r.status, 403, "missing CSRF: {}", r.text());
    let r = admin.post_with(
        "/api/users",
        &json!({"user": "lan", "password": PW, "role": "ra-soat"}),
        Some(&"f".repeat(64)),
    );
    assert_eq!(r.status, 403, "wrong CSRF: {}", r.text());
    for (u, role) in [("lan", "ra-soat"), ("hoa", "xem")] {
        let r = admin.post(
            "/api/users",
            &json!({"user": u, "password": PW, "role": role}),
        );
        assert_eq!(r.status, 201, "{}", r.text());
    }

    let f = finding_in(&mut admin, "qd-1250");
    let fp = f["fingerprint"].as_str().unwrap().to_string();
    assert_eq!(f["status"], "moi");
    let decision = format!("/api/findings/{fp}/decision");
    let body = json!({"status": "xac-nhan", "note": "đúng là mâu thuẫn", "version": 0});

    // Every state-changing route refuses a missing and a wrong CSRF token.
    let mut lan = Client::new(&s.base);
    assert_eq!(lan.login("lan", PW).status, 200);
    for path in [
        decision.as_str(),
        "/api/review",
        "/api/users",
        "/api/logout",
    ] {
        for bad in ["", "0000"] {
            let r = lan.post_with(path, &body, Some(bad));
            assert_eq!(r.status, 403, "{path} with CSRF {bad:?}: {}", r.text());
            assert!(r.json()["error"].as_str().unwrap().contains("CSRF"));
        }
    }
    // … and a lower role: xem cannot triage, ra-soat cannot re-review or manage users.
    let mut hoa = Client::new(&s.base);
    assert_eq!(hoa.login("hoa", PW).status, 200);
    assert_eq!(hoa.post(&decision, &body).status, 403);
    assert_eq!(lan.post("/api/review", &json!({})).status, 403);
    assert_eq!(
        lan.post(
            "/api/users",
            &json!({"user": "z", "password": PW, "role": "quan-tri"})
        )
        .status,
        403
    );
    assert_eq!(hoa.get("/api/users").status, 403);
    assert_eq!(hoa.get("/tai-khoan").status, 403);
    let page = admin.get("/tai-khoan");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("hoa") && page.text().contains("ra-soat"));
    // A cross-site form post (not JSON) is refused even with a session.
    let r = lan
        .agent
        .post(format!("{}{decision}", s.base))
        .header("Cookie", lan.cookie.clone().unwrap())
        .header("X-CSRF-Token", lan.csrf.clone().unwrap())
        .content_type("application/x-www-form-urlencoded")
        .send("status=xac-nhan");
    assert_eq!(r.unwrap().status().as_u16(), 415);

    // ra-soat decides; the detail has status, note and history.
    let r = lan.post(&decision, &body);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["decision"]["version"], 1);
    let d = hoa.get(&format!("/api/findings/{fp}")).json();
    assert_eq!(d["status"], "xac-nhan");
    assert_eq!(d["note"], "đúng là mâu thuẫn");
    assert_eq!(d["history"][0]["reviewer"], "lan");
    assert_eq!(d["history"][0]["new_status"], "xac-nhan");
    // A second reviewer who saw version 0 gets a conflict, not a silent overwrite.
    let mut an2 = admin;
    let r = an2.post(
        &decision,
        &json!({"status": "khong-phai-sai-sot", "note": "", "version": 0}),
    );
    assert_eq!(r.status, 409, "{}", r.text());
    assert!(r.json()["error"].as_str().unwrap().contains("lan"));
    assert_eq!(
        hoa.get(&format!("/api/findings/{fp}")).json()["status"],
        "xac-nhan"
    );
    // Filters.
    let x = findings(&mut hoa, "?status=xac-nhan");
    assert_eq!(x["total"], 1);
    assert_eq!(x["findings"][0]["fingerprint"], fp.as_str());
    let by_agency = findings(
        &mut hoa,
        "?agency=S%E1%BB%9F%20N%E1%BB%99i%20v%E1%BB%A5&rule=R01",
    );
    assert_eq!(by_agency["total"], 1, "{by_agency}");
    assert_eq!(
        findings(&mut hoa, "?severity=warning")["findings"][0]["severity"],
        "warning"
    );
    let bad = hoa.get("/api/findings?status=bogus");
    assert_eq!(bad.status, 400);

    // Session cookie flags.
    let r = Client::new(&s.base).login("lan", PW);
    let cookie = r.header("set-cookie").unwrap().to_string();
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    // Logout ends the session.
    assert_eq!(lan.post("/api/logout", &json!({})).status, 200);
    assert_eq!(lan.get("/api/findings").status, 401);
}

#[test]
fn wrong_passwords_are_rate_limited_and_never_stored_plain() {
    let data = tempfile::tempdir().unwrap();
    add_user(data.path(), "lan", "ra-soat", PW);
    let s = start(&[&fixture()], data.path());
    assert!(s.setup.is_none(), "no setup link once an account exists");
    let mut c = Client::new(&s.base);
    for _ in 0..5 {
        let r = c.login("lan", "sai-mat-khau");
        assert_eq!(r.status, 401, "{}", r.text());
    }
    // Now even the right password waits.
    let r = c.login("lan", PW);
    assert_eq!(r.status, 429, "{}", r.text());
    assert!(r.header("retry-after").is_some());
    // The database holds no plain password.
    for f in std::fs::read_dir(data.path()).unwrap() {
        let p = f.unwrap().path();
        if p.is_file() {
            let b = std::fs::read(&p).unwrap();
            assert!(
                !b.windows(PW.len()).any(|w| w == PW.as_bytes()),
                "{} holds the password",
                p.display()
            );
        }
    }
}

fn assert_inert(page: &str, body: &str) {
    for bad in ["<script>alert", "<img src=x", "onerror=alert(1)>"] {
        assert!(!body.contains(bad), "{page} renders {bad:?} as markup");
    }
}

#[test]
fn markup_in_documents_renders_as_text_everywhere() {
    let data = tempfile::tempdir().unwrap();
    add_user(data.path(), "an", "quan-tri", PW);
    let s = start(&[&fixture()], data.path());
    let mut c = Client::new(&s.base);
    assert_eq!(c.login("an", PW).status, 200);
    let all = findings(&mut c, "?per=1000");
    let mut pages = vec![
        "/tong-quan".to_string(),
        "/phat-hien".to_string(),
        "/xuat".to_string(),
        "/tim-kiem?q=script".to_string(),
        "/tim-kiem?q=onerror".to_string(),
    ];
    let mut doc_ids = std::collections::BTreeSet::new();
    for f in all["findings"].as_array().unwrap() {
        pages.push(format!("/phat-hien/{}", f["fingerprint"].as_str().unwrap()));
        if let Some(id) = f["document_id"].as_str() {
            doc_ids.insert(id.to_string());
        }
        let d = c
            .get(&format!(
                "/api/findings/{}",
                f["fingerprint"].as_str().unwrap()
            ))
            .json();
        for r in d["related"].as_array().unwrap() {
            if let Some(id) = r["document_id"].as_str() {
                doc_ids.insert(id.to_string());
            }
        }
    }
    assert!(!doc_ids.is_empty());
    let mut seen_escaped = false;
    for id in &doc_ids {
        pages.push(format!("/van-ban/{id}"));
    }
    for p in &pages {
        let r = c.get(p);
        assert_eq!(r.status, 200, "{p}: {}", r.text());
        let body = r.text();
        assert_inert(p, &body);
        seen_escaped |= body.contains("&lt;script&gt;alert(2)&lt;/script&gt;")
            && body.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
        let csp = r.header("content-security-policy").unwrap_or("");
        assert!(csp.contains("script-src 'self'"), "{p}: {csp}");
    }
    assert!(
        seen_escaped,
        "the document's markup is shown (escaped) somewhere"
    );
    // The search hits show the text too, as text.
    let r = c.get("/tim-kiem?q=onerror");
    assert!(r.text().contains("onerror"), "search finds the provision");
    // The JSON API returns the raw text (JSON, not HTML).
    let id = doc_ids
        .iter()
        .find(|id| {
            c.get(&format!("/api/documents/{id}"))
                .text()
                .contains("<script>alert(2)")
        })
        .cloned();
    assert!(id.is_some(), "API returns the document text");
}

#[test]
fn paths_in_parameters_are_refused() {
    let data = tempfile::tempdir().unwrap();
    add_user(data.path(), "an", "quan-tri", PW);
    let s = start(&[&fixture()], data.path());
    let mut c = Client::new(&s.base);
    assert_eq!(c.login("an", PW).status, 200);
    for p in [
        "/api/documents/..%2F..%2Fetc%2Fpasswd",
        "/api/documents/....%2F%2Fetc%2Fpasswd",
        "/api/findings/..%2F..%2Fetc%2Fpasswd",
        "/api/findings?document=../../etc/passwd",
        "/api/export?format=../../etc/passwd",
        "/api/export?format=xlsx&only=../../etc/passwd",
        "/van-ban/..%2F..%2Fetc%2Fpasswd",
        "/phat-hien/..%2F..%2Fetc%2Fpasswd",
        "/static/..%2F..%2Fetc%2Fpasswd",
        "/static/../../etc/passwd",
    ] {
        let r = c.get(p);
        assert!(
            matches!(r.status, 400 | 404),
            "{p}: {} {}",
            r.status,
            r.text()
        );
        assert!(!r.text().contains("root:"), "{p} leaked a file");
    }
    let r = c.post(
        "/api/findings/..%2F..%2Fetc%2Fpasswd/decision",
        &json!({"status": "xac-nhan"}),
    );
    assert_eq!(r.status, 400, "{}", r.text());
    // Errors are JSON with a message.
    let r = c.get("/api/nope");
    assert_eq!(r.status, 404);
    assert!(r.json()["error"].is_string());
}

#[test]
fn non_loopback_bind_needs_an_account() {
    let data = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(server::bin())
        .args(["serve", "tests/fixtures/serve", "--addr"])
        .arg(format!("0.0.0.0:{}", server::free_port()))
        .arg("--data")
        .arg(data.path())
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("needs accounts") && err.contains("rasoat user add"),
        "{err}"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
}

#[test]
fn decisions_survive_restarts_and_rereviews_and_move_as_json() {
    let work = tempfile::tempdir().unwrap();
    let corpus = work.path().join("corpus");
    copy_dir(&fixture(), &corpus);
    let data = work.path().join("data");
    add_user(&data, "an", "quan-tri", PW);
    let (fp, file) = {
        let s = start(&[&corpus], &data);
        let mut c = Client::new(&s.base);
        assert_eq!(c.login("an", PW).status, 200);
        let all = findings(&mut c, "?rule=lead-agency-conflict");
        let f = all["findings"][0].clone();
        let fp = f["fingerprint"].as_str().unwrap().to_string();
        let r = c.post(
            &format!("/api/findings/{fp}/decision"),
            &json!({"status": "khong-phai-sai-sot", "note": "đã thống nhất"}),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        (fp, corpus.join("kh-45-2025-xss.txt").display().to_string())
    };
    // Restart: the decision is still there.
    let s = start(&[&corpus], &data);
    let mut c = Client::new(&s.base);
    assert_eq!(c.login("an", PW).status, 200);
    let d = c.get(&format!("/api/findings/{fp}")).json();
    assert_eq!(d["status"], "khong-phai-sai-sot");
    assert_eq!(d["history"].as_array().unwrap().len(), 1);
    let before = findings(&mut c, "?per=1000");
    let run = before["run"].as_i64().unwrap();

    // Edit the file so the finding's provision is gone, re-review in the background.
    let path = if Path::new(&file).is_absolute() {
        PathBuf::from(&file)
    } else {
        root().join(&file)
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("1. Sở Tư pháp chủ trì"))
        .unwrap()
        .to_string();
    std::fs::write(
        &path,
        text.replace(&line, "1. Các cơ quan tiếp tục theo dõi."),
    )
    .unwrap();
    let r = c.post("/api/review", &json!({}));
    assert_eq!(r.status, 202, "{}", r.text());
    // Meanwhile the old results keep serving.
    assert_eq!(c.get("/api/findings").status, 200);
    let t0 = std::time::Instant::now();
    loop {
        let p = c.get("/api/review").json();
        if !p["progress"]["running"].as_bool().unwrap() && p["run"].as_i64().unwrap() > run {
            assert!(p["progress"]["error"].is_null(), "{p}");
            break;
        }
        assert!(
            t0.elapsed().as_secs() < 300,
            "re-review did not finish: {p}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let after = findings(&mut c, "?per=1000");
    let gone = after["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["fingerprint"] == fp.as_str())
        .unwrap();
    assert_eq!(gone["resolved"], true, "{gone}");
    assert_eq!(gone["status"], "da-xu-ly");

    // Export, import elsewhere.
    let exported = work.path().join("triage.json");
    server::triage("export", &exported, &data);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&exported).unwrap()).unwrap();
    assert_eq!(v["decisions"][0]["fingerprint"], fp.as_str());
    let other = work.path().join("other");
    let err = server::triage("import", &exported, &other);
    assert!(err.contains("imported 1 decision"), "{err}");
    drop(s);
}

#[test]
fn excel_export_reads_back_and_filters_confirmed() {
    let data = tempfile::tempdir().unwrap();
    add_user(data.path(), "an", "quan-tri", PW);
    let s = start(&[&fixture()], data.path());
    let mut c = Client::new(&s.base);
    assert_eq!(c.login("an", PW).status, 200);
    let all = findings(&mut c, "?per=1000");
    let total = all["total"].as_u64().unwrap() as usize;
    assert!(total >= 2, "{all}");
    let fp = all["findings"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    let other = all["findings"][1]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        c.post(
            &format!("/api/findings/{fp}/decision"),
            &json!({"status": "xac-nhan"})
        )
        .status,
        200
    );
    let r = c.get("/api/export?format=xlsx&only=xac-nhan");
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.header("content-disposition").unwrap().contains(".xlsx"));
    let x = readback::Xlsx::open(&r.body);
    let sheet = "Phát hiện";
    assert!(
        x.sheet_names().iter().any(|n| n == sheet),
        "{:?}",
        x.sheet_names()
    );
    let has = |x: &readback::Xlsx, fp: &str| x.rows(sheet).iter().flatten().any(|c| c == fp);
    assert!(has(&x, &fp), "the confirmed finding is in the sheet");
    assert!(!has(&x, &other), "an unconfirmed finding is not");
    let all_x = readback::Xlsx::open(&c.get("/api/export?format=xlsx").body);
    assert!(
        has(&all_x, &fp) && has(&all_x, &other),
        "the full export has both"
    );
    let d = c.get("/api/export?format=docx");
    assert_eq!(d.status, 200);
    assert!(!readback::Docx::open(&d.body).paragraphs().is_empty());
}
