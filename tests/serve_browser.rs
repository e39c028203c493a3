//! The workbench in a real browser: headless Chromium driven through chromedriver's W3C
//! WebDriver HTTP API (plain JSON over loopback, with the same small HTTP client as the API
//! tests). First-admin setup, login, search, confirm a finding, restart, Excel export.
//!
//! Skips with a message when chromedriver is absent, unless CI or RASOAT_REQUIRE_BROWSER is set.
#[path = "../crates/report/src/readback.rs"]
#[allow(dead_code)]
mod readback;
#[path = "support/server.rs"]
mod server;

use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn which(names: &[&str]) -> Option<String> {
    let path = std::env::var("PATH").unwrap_or_default();
    for n in names {
        for dir in path.split(':').chain(["/usr/bin", "/usr/lib/chromium"]) {
            let p = std::path::Path::new(dir).join(n);
            if p.is_file() {
                return Some(p.display().to_string());
            }
        }
    }
    None
}

struct Driver {
    child: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self
            .agent
            .delete(format!("{}/session/{}", self.base, self.session))
            .call();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn call(agent: &ureq::Agent, method: &str, url: &str, body: Option<Value>) -> Value {
    let r = match (method, body) {
        ("GET", _) => agent.get(url).call(),
        (_, Some(b)) => agent.post(url).send_json(b),
        _ => agent.post(url).send_json(json!({})),
    };
    let mut r = r.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let v: Value = r
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_json()
        .unwrap_or(Value::Null);
    if let Some(err) = v["value"]["error"].as_str() {
        panic!("{method} {url}: {err}: {}", v["value"]["message"]);
    }
    v["value"].clone()
}

impl Driver {
    fn start(driver: &str, browser: &str) -> Driver {
        let port = server::free_port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        let t = Instant::now();
        while agent.get(format!("{base}/status")).call().is_err() {
            assert!(
                t.elapsed() < Duration::from_secs(30),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": browser,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1280,900", "--no-first-run", "--disable-extensions"]
            }
        }}});
        let v = call(&agent, "POST", &format!("{base}/session"), Some(caps));
        let session = v["sessionId"].as_str().expect("session id").to_string();
        Driver {
            child,
            base,
            session,
            agent,
        }
    }
    fn url(&self, rest: &str) -> String {
        format!("{}/session/{}{rest}", self.base, self.session)
    }
    fn go(&self, url: &str) {
        call(
            &self.agent,
            "POST",
            &self.url("/url"),
            Some(json!({"url": url})),
        );
    }
    fn current(&self) -> String {
        call(&self.agent, "GET", &self.url("/url"), None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }
    fn source(&self) -> String {
        call(&self.agent, "GET", &self.url("/source"), None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }
    /// Wait up to 30 s for a CSS selector.
    fn find(&self, css: &str) -> String {
        let t = Instant::now();
        loop {
            let r = self
                .agent
                .post(self.url("/element"))
                .send_json(json!({"using": "css selector", "value": css}));
            if let Ok(mut r) = r {
                let v: Value = r.body_mut().read_json().unwrap_or(Value::Null);
                if let Some(id) = v["value"][ELEMENT].as_str() {
                    return id.to_string();
                }
            }
            assert!(
                t.elapsed() < Duration::from_secs(30),
                "no element {css} on {}",
                self.current()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    fn type_in(&self, css: &str, text: &str) {
        let id = self.find(css);
        call(
            &self.agent,
            "POST",
            &self.url(&format!("/element/{id}/value")),
            Some(json!({"text": text})),
        );
    }
    fn click(&self, css: &str) {
        let id = self.find(css);
        call(
            &self.agent,
            "POST",
            &self.url(&format!("/element/{id}/click")),
            None,
        );
    }
    fn text(&self, css: &str) -> String {
        let id = self.find(css);
        call(
            &self.agent,
            "GET",
            &self.url(&format!("/element/{id}/text")),
            None,
        )
        .as_str()
        .unwrap_or("")
        .to_string()
    }
    fn wait_url(&self, part: &str) {
        let t = Instant::now();
        while !self.current().contains(part) {
            assert!(
                t.elapsed() < Duration::from_secs(60),
                "URL {} never reached {part}",
                self.current()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    fn wait_text(&self, css: &str, want: &str) {
        let t = Instant::now();
        while !self.text(css).contains(want) {
            assert!(
                t.elapsed() < Duration::from_secs(30),
                "{css} never showed {want:?}: {}",
                self.text(css)
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    /// Fetch a URL from inside the page (with the page's session) and return the bytes.
    fn fetch_bytes(&self, path: &str) -> Vec<u8> {
        let script = "const done = arguments[arguments.length - 1];\
            fetch(arguments[0], {credentials: 'same-origin'})\
              .then(r => r.arrayBuffer()).then(b => done(Array.from(new Uint8Array(b))))\
              .catch(e => done(String(e)));";
        let v = call(
            &self.agent,
            "POST",
            &self.url("/execute/async"),
            Some(json!({"script": script, "args": [path]})),
        );
        v.as_array()
            .unwrap_or_else(|| panic!("fetch {path}: {v}"))
            .iter()
            .map(|x| x.as_u64().unwrap() as u8)
            .collect()
    }
}

#[test]
fn reviewer_workflow_in_headless_chromium() {
    let required =
        std::env::var_os("CI").is_some() || std::env::var_os("RASOAT_REQUIRE_BROWSER").is_some();
    let (Some(driver), Some(browser)) = (
        which(&["chromedriver"]),
        which(&["chromium", "chromium-browser", "google-chrome"]),
    ) else {
        if required {
            panic!(
                "chromedriver/chromium not found, and CI or RASOAT_REQUIRE_BROWSER is set: install the Debian packages chromium and chromium-driver"
            );
        }
        eprintln!(
            "SKIPPED reviewer_workflow_in_headless_chromium: chromedriver or chromium not found (apt-get install chromium chromium-driver)"
        );
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let corpus = server::root().join("corpus");
    let seed = "000_2baec7468303b666";
    let s = server::start(&[&corpus], data.path());
    let d = Driver::start(&driver, &browser);

    // First-admin setup through the one-time link.
    d.go(s.setup.as_ref().expect("setup link"));
    d.type_in("#user", "quantri");
    d.type_in("#password", "mat-khau-quan-tri");
    d.click("#setup-submit");
    d.wait_url("/tong-quan");
    assert!(d.source().contains("Tổng quan"));
    // Log out, log in.
    d.click("#logout");
    d.wait_url("/dang-nhap");
    d.type_in("#user", "quantri");
    d.type_in("#password", "mat-khau-quan-tri");
    d.click("#login-submit");
    d.wait_url("/tong-quan");

    // Search finds the seed plan's provisions.
    d.go(&format!("{}/tim-kiem", s.base));
    d.type_in("#q", "phan cap cho ubnd cap xa");
    d.click("#search-submit");
    d.wait_url("q=phan");
    let hits = d.source();
    assert!(hits.contains(seed), "the seed plan is among the hits");
    assert!(hits.contains("<mark>"), "matched words are highlighted");

    // Open a finding and confirm it.
    d.go(&format!("{}/phat-hien?sort=document", s.base));
    d.click("a.open");
    d.wait_url("/phat-hien/");
    let detail = d.current();
    d.type_in("#note", "đã kiểm tra trên trình duyệt");
    d.click("#decide-xac-nhan");
    d.wait_text("#msg", "Đã lưu");

    // Restart the server: the decision is kept (the session too: it lives in the database).
    let base = s.base.clone();
    drop(s);
    let s = server::start(&[&corpus], data.path());
    let detail = detail.replace(&base, &s.base);
    d.go(&detail);
    d.wait_text("#status", "xác nhận");
    assert!(d.source().contains("đã kiểm tra trên trình duyệt"));

    // Export the Excel file of confirmed findings and read it back.
    d.go(&format!("{}/xuat", s.base));
    d.find("#xlsx-confirmed");
    let bytes = d.fetch_bytes("/api/export?format=xlsx&only=xac-nhan");
    assert_eq!(&bytes[..2], b"PK", "an xlsx (zip) file");
    let x = readback::Xlsx::open(&bytes);
    let sheet = x.sheet_names()[0].clone();
    let rows = x.rows(&sheet);
    assert!(
        rows.len() >= 2,
        "header and the confirmed finding: {rows:?}"
    );
}
