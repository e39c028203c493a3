//! Start the real `rasoat serve` binary on a free loopback port and talk to it over HTTP.
#![allow(dead_code)]
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_rasoat")
}

pub struct Server {
    pub child: Child,
    pub base: String,
    /// The one-time setup link printed when no account exists.
    pub setup: Option<String>,
    pub log: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `rasoat serve CORPUS… --data DATA --addr 127.0.0.1:PORT`, waiting for "listening on".
pub fn start(corpus: &[&Path], data: &Path) -> Server {
    let port = free_port();
    let mut cmd = Command::new(bin());
    cmd.arg("serve")
        .args(corpus)
        .arg("--data")
        .arg(data)
        .arg("--addr")
        .arg(format!("127.0.0.1:{port}"))
        .arg("--as-of")
        .arg("2026-01-15")
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("start rasoat serve");
    let err = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut setup = None;
    let mut seen = Vec::new();
    loop {
        match rx.recv_timeout(Duration::from_secs(300)) {
            Ok(line) => {
                if let Some(i) = line
                    .find("http://")
                    .filter(|_| line.contains("/cai-dat?token="))
                {
                    setup = Some(line[i..].trim().to_string());
                }
                let done = line.contains("listening on http://");
                seen.push(line);
                if done {
                    break;
                }
            }
            Err(_) => {
                let _ = child.kill();
                panic!("rasoat serve did not start:\n{}", seen.join("\n"));
            }
        }
    }
    Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
        setup,
        log: rx,
    }
}

/// A small client that keeps the session cookie and the CSRF token.
pub struct Client {
    pub agent: ureq::Agent,
    pub base: String,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
}

pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Client {
    pub fn new(base: &str) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            // A fresh connection per request: a pooled one the server already closed would fail.
            .max_idle_connections(0)
            .build()
            .into();
        Client {
            agent,
            base: base.to_string(),
            cookie: None,
            csrf: None,
        }
    }

    fn finish(&mut self, r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Resp {
        let mut r = r.expect("HTTP request");
        let headers = r
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect::<Vec<_>>();
        if let Some((_, c)) = headers.iter().find(|(k, _)| k == "set-cookie") {
            let kv = c.split(';').next().unwrap_or("").to_string();
            self.cookie = if kv.ends_with('=') { None } else { Some(kv) };
        }
        let body = r
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .unwrap();
        Resp {
            status: r.status().as_u16(),
            headers,
            body,
        }
    }

    pub fn get(&mut self, path: &str) -> Resp {
        let mut req = self.agent.get(format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            req = req.header("Cookie", c);
        }
        let r = req.call();
        self.finish(r)
    }

    /// POST JSON with the session cookie; `csrf`: None = the client's token, Some("") = none.
    pub fn post_with(&mut self, path: &str, body: &serde_json::Value, csrf: Option<&str>) -> Resp {
        let mut req = self.agent.post(format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            req = req.header("Cookie", c);
        }
        let token = csrf
            .map(str::to_string)
            .or_else(|| self.csrf.clone())
            .unwrap_or_default();
        if !token.is_empty() {
            req = req.header("X-CSRF-Token", &token);
        }
        let r = req.send_json(body);
        self.finish(r)
    }

    pub fn post(&mut self, path: &str, body: &serde_json::Value) -> Resp {
        self.post_with(path, body, None)
    }

    pub fn login(&mut self, user: &str, password: &str) -> Resp {
        let r = self.post(
            "/api/login",
            &serde_json::json!({"user": user, "password": password}),
        );
        if r.status == 200 {
            self.csrf = r.json()["csrf"].as_str().map(str::to_string);
        }
        r
    }
}

/// Create the first quan-tri through the setup link; returns a logged-in client.
pub fn setup_admin(s: &Server, user: &str, password: &str) -> Client {
    let link = s.setup.clone().expect("setup link printed");
    let token = link.split("token=").nth(1).unwrap().to_string();
    let mut c = Client::new(&s.base);
    let r = c.post(
        "/api/setup",
        &serde_json::json!({"token": token, "user": user, "password": password}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    c.csrf = r.json()["csrf"].as_str().map(str::to_string);
    assert!(c.cookie.is_some());
    c
}

/// `rasoat triage export|import FILE --data DIR`, which must succeed; its standard error.
pub fn triage(verb: &str, file: &Path, data: &Path) -> String {
    let out = Command::new(bin())
        .args(["triage", verb])
        .arg(file)
        .arg("--data")
        .arg(data)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "triage {verb}: {err}");
    err
}

/// `rasoat user add NAME --role ROLE --password-stdin --data DIR`.
pub fn add_user(data: &Path, name: &str, role: &str, password: &str) {
    use std::io::Write;
    let mut ch = Command::new(bin())
        .args([
            "user",
            "add",
            name,
            "--role",
            role,
            "--password-stdin",
            "--data",
        ])
        .arg(data)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(ch.stdin.take().unwrap(), "{password}").unwrap();
    let out = ch.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
