//! End-to-end tests of `rasoat check` on a fixture corpus holding a copy of the seed plan.
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_rasoat");

fn fixture(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/check")
        .join(p)
}

const SEED: &str = "corpus/kh-phan-cap-seed.txt";

/// A scratch folder with the fixture corpus and drafts copied in, so the cache and any
/// rasoat.toml live there and paths in the output are relative.
fn scratch() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for sub in ["corpus", "drafts"] {
        std::fs::create_dir_all(d.path().join(sub)).unwrap();
        for e in std::fs::read_dir(fixture(sub)).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), d.path().join(sub).join(e.file_name())).unwrap();
        }
    }
    d
}

fn check(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .current_dir(dir)
        .arg("check")
        .args(["--as-of", "2026-11-28"])
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run rasoat")
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\n{}",
            stdout(o),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// 1-based line of the first line of `file` containing `needle`.
fn line_of(dir: &Path, file: &str, needle: &str) -> usize {
    let t = std::fs::read_to_string(dir.join(file)).unwrap();
    t.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not in {file}"))
        + 1
}

fn findings<'a>(v: &'a Value, rule: &str) -> Vec<&'a Value> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

const DRAFT: &str = "drafts/conflict.md";

#[test]
fn conflicting_draft_fails_and_points_at_draft_and_seed() {
    let d = scratch();
    let o = check(d.path(), &["--format", "json", DRAFT]);
    assert_eq!(
        code(&o),
        1,
        "{}\n{}",
        stdout(&o),
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json(&o);
    assert_eq!(v["version"], 1);
    let expect = [
        (
            "lead-agency-conflict",
            "Sở Nội vụ chủ trì thẩm định",
            "Chủ trì thẩm định các văn bản QPPL",
        ),
        (
            "deadline-conflict",
            "trước ngày 15 tháng 12 hằng năm",
            "trước ngày 01 tháng 12 hằng năm",
        ),
        (
            "expired-or-replaced-citation",
            "Kế hoạch số 89/KH-UBND",
            "thay  thế  Kế  hoạch  số  89/KH-UBND",
        ),
    ];
    for (rule, draft_text, seed_text) in expect {
        let fs = findings(&v, rule);
        assert!(
            !fs.is_empty(),
            "no {rule} finding:\n{}",
            serde_json::to_string_pretty(&v).unwrap()
        );
        let f = fs[0];
        assert_eq!(f["location"]["file"], DRAFT, "{rule}");
        assert_eq!(
            f["location"]["line"],
            line_of(d.path(), DRAFT, draft_text),
            "{rule}: {f}"
        );
        let rel = f["related"].as_array().unwrap();
        let seed = rel.iter().find(|r| {
            r["file"]
                .as_str()
                .unwrap()
                .ends_with("kh-phan-cap-seed.txt")
        });
        let seed = seed.unwrap_or_else(|| panic!("{rule}: seed is not a related location: {f}"));
        assert_eq!(
            seed["line"],
            line_of(d.path(), SEED, seed_text),
            "{rule}: {f}"
        );
        // The rules engine gives the replacing clause itself; nothing may add it a second time.
        let in_seed = rel
            .iter()
            .filter(|r| {
                r["file"]
                    .as_str()
                    .unwrap()
                    .ends_with("kh-phan-cap-seed.txt")
            })
            .count();
        assert_eq!(in_seed, 1, "{rule}: the seed clause must appear once: {f}");
        assert!(
            !seed["provision"].is_null() && !seed["document"].is_null(),
            "{rule}: {f}"
        );
    }
    // Every finding sits in the draft, never in the corpus.
    for f in v["findings"].as_array().unwrap() {
        assert_eq!(f["location"]["file"], DRAFT);
    }
    assert!(v["summary"]["errors"].as_u64().unwrap() >= 1);
}

#[test]
fn clean_draft_passes_and_fail_on_never_always_passes() {
    let d = scratch();
    let o = check(d.path(), &["drafts/clean.md"]);
    assert_eq!(
        code(&o),
        0,
        "{}\n{}",
        stdout(&o),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout(&o).contains("0 error(s)"), "{}", stdout(&o));
    let o = check(d.path(), &["--fail-on", "never", DRAFT]);
    assert_eq!(code(&o), 0);
    assert!(
        stdout(&o).contains("error[R01/lead-agency-conflict]"),
        "{}",
        stdout(&o)
    );
    // --fail-on warning also fails on the warnings (deadline conflict).
    assert_eq!(code(&check(d.path(), &["--fail-on", "warning", DRAFT])), 1);
}

#[test]
fn text_output_is_rustc_style_with_vietnamese_columns() {
    let d = scratch();
    let o = check(d.path(), &[DRAFT]);
    let out = stdout(&o);
    let line = line_of(d.path(), DRAFT, "Sở Nội vụ chủ trì thẩm định");
    let src = std::fs::read_to_string(d.path().join(DRAFT)).unwrap();
    let text = src.lines().nth(line - 1).unwrap();
    assert!(out.contains("error[R01/lead-agency-conflict]: "), "{out}");
    let header = format!("--> {DRAFT}:{line}:");
    assert!(out.contains(&header), "{out}");
    // The underline starts under the char the header column names.
    let lines: Vec<&str> = out.lines().collect();
    let h = lines.iter().position(|l| l.contains(&header)).unwrap();
    let col: usize = lines[h].rsplit(':').next().unwrap().trim().parse().unwrap();
    let prefix = format!("{line} | ");
    let src_i = (h..lines.len())
        .find(|&i| lines[i].trim_start().starts_with(&prefix))
        .expect(&out);
    let shown = &lines[src_i][lines[src_i].find('|').unwrap() + 2..];
    assert!(text.starts_with(shown.trim_end_matches('…')), "{out}");
    let under = lines[src_i + 1];
    let bar = lines[src_i].find('|').unwrap();
    let caret_chars = under[..under.find('^').unwrap()].chars().count();
    let text_start = lines[src_i][..bar + 2].chars().count();
    assert_eq!(caret_chars - text_start + 1, col, "{out}");
    assert!(out.contains("note: related:"), "{out}");
    assert!(out.contains("= help:") && out.contains("căn cứ:"), "{out}");
}

#[test]
fn nfd_draft_gives_the_same_columns() {
    use unicode_normalization_shim::nfd;
    let d = scratch();
    let src = std::fs::read_to_string(d.path().join(DRAFT)).unwrap();
    std::fs::write(d.path().join("drafts/nfd.md"), nfd(&src)).unwrap();
    let a = json(&check(d.path(), &["--format", "json", DRAFT]));
    let b = json(&check(d.path(), &["--format", "json", "drafts/nfd.md"]));
    let cols = |v: &Value| {
        let mut c: Vec<(String, u64, u64, u64)> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let l = &f["location"];
                (
                    f["rule"].as_str().unwrap().to_string(),
                    l["line"].as_u64().unwrap(),
                    l["column"].as_u64().unwrap(),
                    l["end_column"].as_u64().unwrap(),
                )
            })
            .collect();
        c.sort();
        c
    };
    assert!(!cols(&a).is_empty());
    assert_eq!(cols(&a), cols(&b));
}

/// NFD for the letters the fixtures use (the test crate has no Unicode normaliser): each
/// precomposed Vietnamese letter becomes base + marks in canonical order.
mod unicode_normalization_shim {
    pub fn nfd(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars() {
            match decompose(c) {
                Some(seq) => out.push_str(&seq),
                None => out.push(c),
            }
        }
        assert!(
            out.len() > s.len() && out.contains('\u{301}'),
            "fixture was not decomposed"
        );
        out
    }
    fn decompose(c: char) -> Option<String> {
        let table: &[(&str, &str)] = &[
            ("ở", "o\u{31b}\u{309}"),
            ("ộ", "o\u{323}\u{302}"),
            ("ụ", "u\u{323}"),
            ("ủ", "u\u{309}"),
            ("ị", "i\u{323}"),
            ("ẩ", "a\u{302}\u{309}"),
            ("ì", "i\u{300}"),
            ("ư", "u\u{31b}"),
            ("á", "a\u{301}"),
            ("à", "a\u{300}"),
            ("ạ", "a\u{323}"),
            ("ả", "a\u{309}"),
            ("ấ", "a\u{302}\u{301}"),
            ("ầ", "a\u{302}\u{300}"),
            ("ậ", "a\u{323}\u{302}"),
            ("ế", "e\u{302}\u{301}"),
            ("ề", "e\u{302}\u{300}"),
            ("ệ", "e\u{323}\u{302}"),
            ("ể", "e\u{302}\u{309}"),
            ("ê", "e\u{302}"),
            ("â", "a\u{302}"),
            ("ă", "a\u{306}"),
            ("ắ", "a\u{306}\u{301}"),
            ("ặ", "a\u{323}\u{306}"),
            ("ô", "o\u{302}"),
            ("ố", "o\u{302}\u{301}"),
            ("ồ", "o\u{302}\u{300}"),
            ("ổ", "o\u{302}\u{309}"),
            ("ơ", "o\u{31b}"),
            ("ớ", "o\u{31b}\u{301}"),
            ("ờ", "o\u{31b}\u{300}"),
            ("ợ", "o\u{31b}\u{323}"),
            ("ó", "o\u{301}"),
            ("ò", "o\u{300}"),
            ("ọ", "o\u{323}"),
            ("ỏ", "o\u{309}"),
            ("í", "i\u{301}"),
            ("ú", "u\u{301}"),
            ("ù", "u\u{300}"),
            ("ứ", "u\u{31b}\u{301}"),
            ("ừ", "u\u{31b}\u{300}"),
            ("ự", "u\u{31b}\u{323}"),
            ("ử", "u\u{31b}\u{309}"),
            ("ý", "y\u{301}"),
            ("ỳ", "y\u{300}"),
            ("ỹ", "y\u{303}"),
            ("ã", "a\u{303}"),
            ("õ", "o\u{303}"),
            ("ũ", "u\u{303}"),
            ("ĩ", "i\u{303}"),
            ("ễ", "e\u{302}\u{303}"),
            ("é", "e\u{301}"),
            ("è", "e\u{300}"),
            ("ẹ", "e\u{323}"),
            ("ẻ", "e\u{309}"),
            ("ẽ", "e\u{303}"),
            ("Ủ", "U\u{309}"),
            ("Ự", "U\u{31b}\u{323}"),
            ("Ả", "A\u{309}"),
            ("Ắ", "A\u{306}\u{301}"),
            ("Ế", "E\u{302}\u{301}"),
            ("Ư", "U\u{31b}"),
            ("Ị", "I\u{323}"),
            ("Ố", "O\u{302}\u{301}"),
            ("Ở", "O\u{31b}\u{309}"),
            ("Ơ", "O\u{31b}"),
            ("Â", "A\u{302}"),
            ("Ê", "E\u{302}"),
            ("Ô", "O\u{302}"),
            ("Ă", "A\u{306}"),
            ("Ấ", "A\u{302}\u{301}"),
            ("Ạ", "A\u{323}"),
            ("Ệ", "E\u{323}\u{302}"),
            ("Ộ", "O\u{323}\u{302}"),
            ("Ọ", "O\u{323}"),
            ("Ớ", "O\u{31b}\u{301}"),
            ("Ư", "U\u{31b}"),
            ("Ứ", "U\u{31b}\u{301}"),
            ("Ừ", "U\u{31b}\u{300}"),
            ("Ử", "U\u{31b}\u{309}"),
        ];
        table
            .iter()
            .find(|(k, _)| k.starts_with(c))
            .map(|(_, v)| v.to_string())
    }
}

#[test]
fn sarif_github_junit_outputs() {
    let d = scratch();
    // SARIF
    let o = check(d.path(), &["--format", "sarif", DRAFT]);
    assert_eq!(code(&o), 1);
    let v = json(&o);
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif"));
    let run = &v["runs"][0];
    let driver = &run["tool"]["driver"];
    for k in ["name", "version", "informationUri", "rules"] {
        assert!(!driver[k].is_null(), "driver.{k}");
    }
    let rules = driver["rules"].as_array().unwrap();
    assert!(rules.len() >= 21, "all loaded rules are declared");
    for r in rules {
        for k in [
            "id",
            "name",
            "shortDescription",
            "fullDescription",
            "help",
            "defaultConfiguration",
            "properties",
        ] {
            assert!(!r[k].is_null(), "rule.{k}: {r}");
        }
    }
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        let pl = &r["locations"][0]["physicalLocation"];
        assert_eq!(pl["artifactLocation"]["uri"], DRAFT);
        for k in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(pl["region"][k].as_u64().unwrap() >= 1, "region.{k}");
        }
        assert!(
            r["partialFingerprints"]
                .as_object()
                .unwrap()
                .values()
                .all(|f| f.as_str().is_some_and(|s| !s.is_empty()))
        );
    }
    assert!(
        results.iter().any(
            |r| r["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == SEED
        )
    );

    // GitHub workflow commands
    let o = check(d.path(), &["--format", "github", DRAFT]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(!out.is_empty());
    for l in out.lines() {
        let (head, msg) = l
            .split_once("::")
            .and_then(|(_, rest)| rest.split_once("::"))
            .unwrap_or_else(|| panic!("bad command: {l}"));
        let (cmd, props) = head.split_once(' ').unwrap();
        assert!(["error", "warning", "notice"].contains(&cmd), "{l}");
        for p in props.split(',') {
            let (k, v) = p
                .split_once('=')
                .unwrap_or_else(|| panic!("bad property {p} in {l}"));
            assert!(
                ["file", "line", "col", "endLine", "endColumn", "title"].contains(&k),
                "{l}"
            );
            assert!(!v.contains(':') && !v.contains(','), "{l}");
        }
        assert!(props.starts_with(&format!("file={DRAFT},line=")), "{l}");
        assert!(!msg.is_empty() && !msg.contains('\n') && !msg.contains('\r'));
    }

    // JUnit: well-formed, one suite per file, failures for errors and warnings.
    let o = check(d.path(), &["--format", "junit", DRAFT, "drafts/clean.md"]);
    assert_eq!(code(&o), 1);
    let xml = stdout(&o);
    let tags = xml_check(&xml);
    assert_eq!(
        tags.iter().filter(|t| *t == "testsuite").count(),
        2,
        "{xml}"
    );
    assert!(
        tags.iter().filter(|t| *t == "failure").count() >= 2,
        "{xml}"
    );
}

/// A strict little XML well-formedness check: balanced tags, quoted attributes, known entities,
/// no stray `<` or `&`. Returns the element names opened.
fn xml_check(xml: &str) -> Vec<String> {
    let mut stack: Vec<String> = Vec::new();
    let mut names = Vec::new();
    let b = xml.as_bytes();
    let mut i = 0;
    let entity = |s: &str, at: usize| {
        let end = s[at..]
            .find(';')
            .unwrap_or_else(|| panic!("bad entity at {at}"));
        let e = &s[at + 1..at + end];
        assert!(
            ["lt", "gt", "amp", "quot", "apos"].contains(&e) || e.starts_with('#'),
            "unknown entity &{e};"
        );
        at + end + 1
    };
    while i < b.len() {
        match b[i] {
            b'<' => {
                let end = xml[i..].find('>').expect("unclosed tag") + i;
                let tag = &xml[i + 1..end];
                if tag.starts_with('?') {
                } else if let Some(n) = tag.strip_prefix('/') {
                    assert_eq!(stack.pop().as_deref(), Some(n.trim()), "mismatched </{n}>");
                } else {
                    let selfclose = tag.ends_with('/');
                    let body = tag.trim_end_matches('/');
                    let name = body.split_whitespace().next().unwrap().to_string();
                    // Attributes: name="value" pairs, values without < or raw &.
                    let mut rest = body[name.len()..].trim();
                    while !rest.is_empty() {
                        let (k, after) = rest
                            .split_once("=\"")
                            .unwrap_or_else(|| panic!("bad attribute in <{tag}>"));
                        assert!(!k.trim().is_empty() && !k.contains(' '));
                        let close = after.find('"').unwrap();
                        let val = &after[..close];
                        assert!(!val.contains('<'));
                        let mut j = 0;
                        while let Some(a) = val[j..].find('&') {
                            j = entity(val, j + a);
                        }
                        rest = after[close + 1..].trim();
                    }
                    names.push(name.clone());
                    if !selfclose {
                        stack.push(name);
                    }
                }
                i = end + 1;
            }
            b'&' => i = entity(xml, i),
            _ => i += 1,
        }
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
    names
}

#[test]
fn suppression_comments_in_markdown_and_text() {
    let d = scratch();
    let src = std::fs::read_to_string(d.path().join(DRAFT)).unwrap();
    // Markdown comment above the lead-agency line.
    let md = src.replacen(
        "1. Sở Nội vụ chủ trì",
        "<!-- rasoat-disable-next-line R01 -->\n1. Sở Nội vụ chủ trì",
        1,
    );
    std::fs::write(d.path().join("drafts/sup.md"), md).unwrap();
    let v = json(&check(d.path(), &["--format", "json", "drafts/sup.md"]));
    assert!(findings(&v, "lead-agency-conflict").is_empty(), "{v}");
    assert!(
        !findings(&v, "deadline-conflict").is_empty(),
        "other rules still run"
    );
    assert!(v["summary"]["suppressed"].as_u64().unwrap() >= 1);
    // Plain text: `rasoat: bỏ qua` line, by id and by code, comma list.
    let txt = src.replacen(
        "2. Các cơ quan chuyên môn",
        "rasoat: bỏ qua deadline-conflict, R01\n2. Các cơ quan chuyên môn",
        1,
    );
    std::fs::write(d.path().join("drafts/sup.txt"), txt).unwrap();
    let v = json(&check(d.path(), &["--format", "json", "drafts/sup.txt"]));
    assert!(findings(&v, "deadline-conflict").is_empty(), "{v}");
    assert!(
        !findings(&v, "lead-agency-conflict").is_empty(),
        "the comment covers only the next line"
    );
    assert!(v["summary"]["suppressed"].as_u64().unwrap() >= 1);
}

#[test]
fn rasoat_toml_rules_paths_and_fingerprints() {
    let d = scratch();
    let v = json(&check(d.path(), &["--format", "json", DRAFT]));
    let stale = findings(&v, "expired-or-replaced-citation")[0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::create_dir_all(d.path().join("drafts/sub")).unwrap();
    std::fs::write(
        d.path().join("rasoat.toml"),
        format!(
            "ignore = [\"drafts/archive/**\"]\n[rules]\nR15 = \"off\"\n[[override]]\npaths = [\"drafts/**\"]\nrules = {{ lead-agency-conflict = \"warning\" }}\n[[suppress]]\nfingerprint = \"{stale}\"\nreason = \"Sở Tư pháp đã chấp thuận giữ viện dẫn\"\n"
        ),
    )
    .unwrap();
    // Found by walking up from a sub-folder.
    let o = Command::new(BIN)
        .current_dir(d.path().join("drafts/sub"))
        .args([
            "check",
            "--as-of",
            "2026-11-28",
            "--corpus",
            "../../corpus",
            "--format",
            "json",
            "../conflict.md",
        ])
        .output()
        .unwrap();
    let v = json(&o);
    assert!(findings(&v, "deadline-conflict").is_empty());
    assert!(findings(&v, "expired-or-replaced-citation").is_empty());
    let lead = findings(&v, "lead-agency-conflict");
    assert_eq!(lead[0]["severity"], "warning", "{v}");
    assert!(v["summary"]["suppressed"].as_u64().unwrap() >= 2);
    // Only warnings/infos left at most: the default --fail-on error passes.
    assert_eq!(v["summary"]["errors"], 0, "{v}");
    assert_eq!(code(&o), 0);
    // Ignored paths are not checked at all.
    std::fs::create_dir_all(d.path().join("drafts/archive")).unwrap();
    std::fs::copy(d.path().join(DRAFT), d.path().join("drafts/archive/old.md")).unwrap();
    let o = check(d.path(), &["--format", "json", "drafts/archive/old.md"]);
    assert_eq!(code(&o), 0);
    assert_eq!(json(&o)["summary"]["documents"], 0);
    // A broken rasoat.toml is a usage error naming the file.
    std::fs::write(d.path().join("rasoat.toml"), "[rules]\nR01 = \"maybe\"\n").unwrap();
    let o = check(d.path(), &[DRAFT]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("rasoat.toml"));
}

#[test]
fn baseline_round_trip_survives_lines_inserted_above() {
    let d = scratch();
    let o = check(d.path(), &["--write-baseline", "baseline.json", DRAFT]);
    assert_eq!(code(&o), 1, "writing a baseline still reports");
    let b: Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("baseline.json")).unwrap())
            .unwrap();
    let n = b["findings"].as_array().unwrap().len();
    assert!(n >= 3);
    assert!(
        b["findings"][0]["rule"].is_string()
            && b["findings"][0]["file"].is_string()
            && b["findings"][0]["message"].is_string()
    );
    let o = check(
        d.path(),
        &["--baseline", "baseline.json", "--format", "json", DRAFT],
    );
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let v = json(&o);
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
    assert_eq!(v["summary"]["suppressed"].as_u64().unwrap() as usize, n);
    // Insert lines above the findings: same fingerprints, still nothing new.
    let src = std::fs::read_to_string(d.path().join(DRAFT)).unwrap();
    let moved = src.replacen("Theo đề nghị của Giám đốc Sở Nội vụ.", "Căn cứ Luật Ban hành văn bản quy phạm pháp luật số 64/2025/QH15 ngày 19 tháng 2 năm 2025;\n\n\n\nTheo đề nghị của Giám đốc Sở Nội vụ.", 1);
    std::fs::write(d.path().join(DRAFT), &moved).unwrap();
    let v = json(&check(
        d.path(),
        &["--baseline", "baseline.json", "--format", "json", DRAFT],
    ));
    assert_eq!(
        v["findings"].as_array().unwrap().len(),
        0,
        "fingerprints moved with the lines: {v}"
    );
    // A new problem is reported.
    let worse = moved.replacen("Điều 2. Hiệu lực thi hành", "4. Sở Tài chính chủ trì thẩm định các văn bản QPPL quy định về phân cấp.\n\nĐiều 2. Hiệu lực thi hành", 1);
    std::fs::write(d.path().join(DRAFT), worse).unwrap();
    let o = check(
        d.path(),
        &["--baseline", "baseline.json", "--format", "json", DRAFT],
    );
    let v = json(&o);
    assert_eq!(code(&o), 1, "{v}");
    let new = v["findings"].as_array().unwrap();
    assert!(!new.is_empty());
    assert!(
        new.iter()
            .all(|f| f["location"]["line"] == line_of(d.path(), DRAFT, "4. Sở Tài chính")),
        "{v}"
    );
}

#[test]
fn usage_errors_exit_2_naming_the_file() {
    let d = scratch();
    let o = check(d.path(), &["drafts/missing.md"]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("drafts/missing.md"));
    std::fs::write(
        d.path().join("drafts/broken.docx"),
        b"PK\x03\x04 not really a zip",
    )
    .unwrap();
    let o = check(d.path(), &["drafts/broken.docx"]);
    assert_eq!(code(&o), 2);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("cannot parse draft drafts/broken.docx"),
        "{err}"
    );
    assert_eq!(code(&check(d.path(), &["--as-of", "not-a-date", DRAFT])), 2);
    assert_eq!(code(&check(d.path(), &["--corpus", "nowhere", DRAFT])), 2);
    assert_eq!(code(&check(d.path(), &["--format", "pdf", DRAFT])), 2);
    assert_eq!(
        code(&check(d.path(), &["--baseline", "nope.json", DRAFT])),
        2
    );
    let o = Command::new(BIN)
        .args(["check", "--help"])
        .output()
        .unwrap();
    let help = stdout(&o);
    assert!(
        help.contains("Exit codes") && help.contains("--fail-on"),
        "{help}"
    );
}

#[test]
fn corpus_cache_is_reused_and_refreshed() {
    let d = scratch();
    let run = || {
        let o = check(d.path(), &["-v", "--format", "json", DRAFT]);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        let reparsed: usize = err
            .split(" re-parsed")
            .next()
            .and_then(|s| s.rsplit(", ").next())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or_else(|| panic!("{err}"));
        (json(&o), reparsed)
    };
    let (a, r1) = run();
    assert_eq!(r1, 1, "first run parses the corpus");
    let (b, r2) = run();
    assert_eq!(r2, 0, "second run uses the cache");
    assert_eq!(a["findings"], b["findings"]);
    // Change the seed: the replacement sentence goes away, so the stale-citation finding does too.
    let seed = d.path().join(SEED);
    let t = std::fs::read_to_string(&seed).unwrap().replace(
        "Kế  hoạch  này  thay  thế  Kế  hoạch  số  89/KH-UBND  ngày",
        "Kế hoạch này được ban hành ngày",
    );
    std::fs::write(&seed, t).unwrap();
    let (c, r3) = run();
    assert_eq!(r3, 1, "changed file is re-parsed");
    assert!(
        findings(&c, "expired-or-replaced-citation").is_empty(),
        "{c}"
    );
}

#[test]
fn index_dir_is_reused_when_the_corpus_folder_is_absent() {
    let d = scratch();
    let a = check(d.path(), &["--index", "idx", "--format", "json", DRAFT]);
    assert_eq!(code(&a), 1);
    assert!(d.path().join("idx/manifest.json").is_file());
    // CI restored only the index: the corpus folder is gone, the index answers as built.
    std::fs::remove_dir_all(d.path().join("corpus")).unwrap();
    let b = check(d.path(), &["--index", "idx", "--format", "json", DRAFT]);
    assert_eq!(code(&b), 1, "{}", String::from_utf8_lossy(&b.stderr));
    let strip = |v: Value| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["rule"].clone(), f["location"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(json(&a)), strip(json(&b)));
    // Without an index, a missing corpus is a usage error.
    assert_eq!(code(&check(d.path(), &[DRAFT])), 2);
}

#[test]
fn pre_commit_hook_refuses_bad_draft_and_accepts_clean_one() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("git not available; skipping");
        return;
    }
    let d = scratch();
    let git = |args: &[&str]| {
        Command::new("git")
            .current_dir(d.path())
            .args([
                "-c",
                "user.name=Test",
                "-c",
                "user.email=test@example.invalid",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .env("RASOAT", BIN)
            .env("RASOAT_AS_OF", "2026-11-28")
            .output()
            .unwrap()
    };
    assert!(git(&["init", "-q"]).status.success());
    let hook = d.path().join(".git/hooks/pre-commit");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci/pre-commit"),
        &hook,
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    assert!(git(&["add", "corpus"]).status.success());
    assert!(git(&["commit", "-q", "-m", "corpus"]).status.success());
    assert!(git(&["add", DRAFT]).status.success());
    let o = git(&["commit", "-q", "-m", "bad draft"]);
    assert!(!o.status.success(), "bad draft must be refused");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("lead-agency-conflict")
            || String::from_utf8_lossy(&o.stdout).contains("lead-agency-conflict")
    );
    assert!(git(&["reset", "-q"]).status.success());
    assert!(git(&["add", "drafts/clean.md"]).status.success());
    let o = git(&["commit", "-q", "-m", "clean draft"]);
    assert!(
        o.status.success(),
        "clean draft accepted: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn a_new_draft_giving_a_task_to_a_district_body_is_an_error() {
    let d = scratch();
    let src = std::fs::read_to_string(d.path().join("drafts/clean.md")).unwrap();
    let bad = src.replacen(
        "Điều 3. Hiệu lực thi hành",
        "UBND huyện chủ trì kiểm tra việc số hóa hồ sơ trên địa bàn.\n\nĐiều 3. Hiệu lực thi hành",
        1,
    );
    std::fs::write(d.path().join("drafts/district.md"), bad).unwrap();
    let o = check(d.path(), &["--format", "json", "drafts/district.md"]);
    let v = json(&o);
    let f = findings(&v, "abolished-district-assignee");
    assert!(!f.is_empty(), "{v}");
    assert_eq!(
        f[0]["severity"], "error",
        "judged as issued on the review date: {v}"
    );
    assert_eq!(
        f[0]["location"]["line"],
        line_of(d.path(), "drafts/district.md", "UBND huyện chủ trì")
    );
    assert_eq!(code(&o), 1);
}

/// `--data DIR`: findings the reviewers judged "không phải sai sót" in `rasoat serve`'s triage
/// database are left out like a baseline (counted as suppressed).
#[test]
fn check_leaves_out_findings_dismissed_in_triage() {
    let d = scratch();
    let o = check(d.path(), &[DRAFT, "--format", "json"]);
    let before: Value = serde_json::from_slice(&o.stdout).unwrap();
    let findings = before["findings"].as_array().unwrap();
    assert!(findings.len() >= 2, "{before}");
    let fp = findings[0]["fingerprint"].as_str().unwrap();
    let decisions = serde_json::json!({"version": 1, "decisions": [{
        "fingerprint": fp, "status": "khong-phai-sai-sot", "note": "đã thống nhất",
        "reviewer": "lan", "updated_at": "2026-11-20T08:00:00Z", "version": 1
    }]});
    std::fs::write(d.path().join("decisions.json"), decisions.to_string()).unwrap();
    let imp = Command::new(BIN)
        .current_dir(d.path())
        .args(["triage", "import", "decisions.json", "--data", "triage"])
        .output()
        .unwrap();
    assert!(
        imp.status.success(),
        "{}",
        String::from_utf8_lossy(&imp.stderr)
    );
    let o = check(d.path(), &[DRAFT, "--format", "json", "--data", "triage"]);
    let after: Value = serde_json::from_slice(&o.stdout).unwrap();
    let left: Vec<&str> = after["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    assert!(!left.contains(&fp), "dismissed finding still reported");
    assert_eq!(left.len(), findings.len() - 1);
    assert_eq!(
        after["summary"]["suppressed"].as_u64().unwrap(),
        before["summary"]["suppressed"].as_u64().unwrap() + 1
    );
    // A folder with no triage database is a usage error, not an empty baseline.
    let o = check(d.path(), &[DRAFT, "--data", "nowhere"]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("no triage database"));
}
