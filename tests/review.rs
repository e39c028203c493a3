//! End-to-end tests of `rasoat review` and `rasoat rules` on fixture corpora:
//! tests/fixtures/review/seed (the founding plan alone) and tests/fixtures/review/planted
//! (two documents with planted conflicts: lead agency R01, province/commune overlap R03,
//! deadline R15, replaced citation R08).
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_rasoat");
const AS_OF: &str = "2026-01-15";

fn fixture(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/review")
        .join(p)
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("RAYON_NUM_THREADS", "2")
        .output()
        .expect("run rasoat")
}

fn review_json(path: &Path, extra: &[&str]) -> Value {
    let mut a = vec![
        "review",
        path.to_str().unwrap(),
        "--format",
        "json",
        "--as-of",
        AS_OF,
    ];
    a.extend_from_slice(extra);
    let o = run(&a);
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("JSON report")
}

fn findings(r: &Value) -> Vec<Value> {
    r["findings"].as_array().cloned().unwrap_or_default()
}

/// Number of CSV records (quoted fields may hold commas and newlines).
fn csv_records(s: &str) -> usize {
    let (mut n, mut quoted, mut any) = (0, false, false);
    for c in s.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' if !quoted => {
                if any {
                    n += 1;
                }
                any = false;
                continue;
            }
            '\r' if !quoted => continue,
            _ => {}
        }
        any = true;
    }
    n + usize::from(any)
}

fn file_name(v: &Value) -> String {
    v["file"]
        .as_str()
        .unwrap_or("")
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_string()
}

#[test]
fn rules_test_passes_with_per_rule_table() {
    let o = run(&["rules", "test"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    for i in 1..=21 {
        let code = format!("R{i:02}");
        let line = out
            .lines()
            .find(|l| l.starts_with(&code))
            .unwrap_or_else(|| panic!("{code} missing in:\n{out}"));
        let cols: Vec<&str> = line.split_whitespace().collect();
        // CODE ID TP FP TN FN RESULT
        let n = |i: usize| cols[i].parse::<usize>().unwrap();
        assert!(n(2) >= 3 && n(4) >= 3, "{line}");
        assert_eq!((n(3), n(5)), (0, 0), "{line}");
        assert_eq!(cols[6], "ok", "{line}");
    }
    assert!(out.contains("total: 22 rules"), "{out}");
}

#[test]
fn rules_list_and_show() {
    let o = run(&["rules", "list"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success());
    assert!(out.contains("R01  lead-agency-conflict"), "{out}");
    assert!(out.contains("R21  merged-agency-assignee"), "{out}");
    let o = run(&["rules", "show", "R05"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success());
    assert!(out.contains("abolished-district-assignee"), "{out}");
    assert!(out.contains("Luật số 72/2025/QH15"), "{out}");
    assert!(out.contains("01/3/2027"), "{out}");
    let o = run(&["rules", "show", "no-such-rule"]);
    assert_eq!(o.status.code(), Some(2));
}

/// §6 of the domain notes: on the seed alone, the dangling Phụ lục (R20) is a warning, the date
/// form (R17) and the cited-title mention of cấp huyện (R05) are info, nothing else at warning/error.
#[test]
fn seed_review_matches_expected() {
    let r = review_json(&fixture("seed"), &[]);
    let fs = findings(&r);
    let by = |code: &str| {
        fs.iter()
            .filter(|f| f["code"] == code)
            .cloned()
            .collect::<Vec<_>>()
    };
    let r20 = by("R20");
    assert!(
        !r20.is_empty() && r20.iter().all(|f| f["severity"] == "warning"),
        "{r20:?}"
    );
    assert!(r20.iter().any(|f| {
        f["location"]["snippet"]
            .as_str()
            .unwrap_or("")
            .contains("phụ lục kèm theo Kế hoạch này")
    }));
    let r17 = by("R17");
    assert_eq!(r17.len(), 1, "{r17:?}");
    assert_eq!(r17[0]["severity"], "info");
    assert!(
        r17[0]["location"]["snippet"]
            .as_str()
            .unwrap()
            .contains("09/05/2024")
    );
    assert_eq!(r17[0]["location"]["line"], 247);
    let r05 = by("R05");
    assert_eq!(r05.len(), 1, "{r05:?}");
    assert_eq!(r05[0]["severity"], "info");
    assert_eq!(r05[0]["location"]["line"], 17);
    assert_eq!(r05[0]["location"]["snippet"], "UBND cấp huyện");
    for f in &fs {
        let code = f["code"].as_str().unwrap();
        assert!(
            ["R20", "R17", "R05"].contains(&code),
            "unexpected finding {f}"
        );
        if f["severity"] != "info" {
            assert_eq!(code, "R20", "{f}");
        }
    }
    assert_eq!(r["version"], 1);
    assert_eq!(r["summary"]["as_of"], AS_OF);
}

#[test]
fn planted_conflicts_are_found_across_documents() {
    let r = review_json(&fixture("planted"), &[]);
    let fs = findings(&r);
    let find = |code: &str| {
        fs.iter()
            .find(|f| f["code"] == code && !f["related"].as_array().unwrap().is_empty())
            .cloned()
            .unwrap_or_else(|| panic!("no {code} with a related location: {fs:#?}"))
    };
    for (code, sev, line, rel_line) in [
        ("R01", "error", 18, 13),
        ("R03", "warning", 20, 15),
        ("R15", "warning", 22, 17),
        ("R08", "warning", 26, 23),
    ] {
        let f = find(code);
        assert_eq!(f["severity"], sev, "{f}");
        assert_eq!(
            file_name(&f["location"]),
            "qd-1250-2025-giao-nhiem-vu.txt",
            "{f}"
        );
        assert_eq!(f["location"]["line"], line, "{f}");
        let rel = &f["related"][0];
        assert_eq!(file_name(rel), "kh-45-2025-ra-soat.txt", "{f}");
        assert_eq!(rel["line"], rel_line, "{f}");
        for k in [
            "file",
            "line",
            "end_line",
            "column",
            "end_column",
            "provision",
            "document",
        ] {
            assert!(!f["location"][k].is_null(), "{k} missing in {f}");
            assert!(!rel[k].is_null(), "{k} missing in related of {f}");
        }
        assert!(f["fingerprint"].as_str().unwrap().len() == 16);
        assert!(!f["legal_basis"].as_str().unwrap().is_empty());
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .chars()
                .any(|c| "ơưăđâêô".contains(c)),
            "message in Vietnamese: {f}"
        );
    }
    // The căn cứ on a replaced decree (registry) is an error.
    assert!(fs.iter().any(|f| {
        f["code"] == "R08"
            && f["severity"] == "error"
            && f["location"]["snippet"]
                .as_str()
                .unwrap()
                .contains("34/2016/NĐ-CP")
    }));
    // R01 names both bodies.
    let r01 = find("R01");
    let msg = r01["message"].as_str().unwrap();
    assert!(
        msg.contains("Sở Nội vụ") && msg.contains("Sở Tư pháp"),
        "{msg}"
    );
}

#[test]
fn every_output_format() {
    let dir = fixture("planted");
    let fmt = |f: &str| {
        let o = run(&[
            "review",
            dir.to_str().unwrap(),
            "--as-of",
            AS_OF,
            "--format",
            f,
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{f}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        o.stdout
    };
    // text: rustc-style with file:line:col
    let text = String::from_utf8(fmt("text")).unwrap();
    assert!(
        text.contains("qd-1250-2025-giao-nhiem-vu.txt:18:"),
        "{text}"
    );
    assert!(text.contains("lead-agency-conflict"), "{text}");
    // markdown
    let md = String::from_utf8(fmt("md")).unwrap();
    assert!(
        md.contains("lead-agency-conflict") && md.contains('|'),
        "{md}"
    );
    // html: self-contained, escapes <script> from the document text
    let html = String::from_utf8(fmt("html")).unwrap();
    assert!(html.contains("<html") || html.contains("<!DOCTYPE") || html.contains("<!doctype"));
    assert!(
        !html.contains("<script>alert"),
        "document text must be escaped"
    );
    assert!(html.contains("lead-agency-conflict"));
    // json
    let json: Value = serde_json::from_slice(&fmt("json")).unwrap();
    let n = json["findings"].as_array().unwrap().len();
    assert!(n >= 5);
    // csv: UTF-8 BOM, header + one row per finding
    let csv = fmt("csv");
    assert_eq!(&csv[..3], b"\xEF\xBB\xBF");
    assert_eq!(
        csv_records(std::str::from_utf8(&csv[3..]).unwrap()),
        n + 1,
        "header + one row per finding"
    );
    // sarif 2.1.0 required fields
    let sarif: Value = serde_json::from_slice(&fmt("sarif")).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["$schema"].as_str().unwrap().contains("sarif"));
    let run0 = &sarif["runs"][0];
    assert_eq!(run0["tool"]["driver"]["name"], "rasoat");
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 22);
    assert!(
        rules
            .iter()
            .all(|r| r["id"].is_string() && !r["shortDescription"]["text"].is_null())
    );
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), n);
    for res in results {
        assert!(res["ruleId"].is_string(), "{res}");
        assert!(
            ["error", "warning", "note"].contains(&res["level"].as_str().unwrap()),
            "{res}"
        );
        assert!(res["message"]["text"].is_string());
        let pl = &res["locations"][0]["physicalLocation"];
        assert!(
            pl["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .ends_with(".txt"),
            "{res}"
        );
        assert!(pl["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(res["partialFingerprints"].is_object(), "{res}");
    }
    // github + junit work too
    let gh = String::from_utf8(fmt("github")).unwrap();
    assert!(gh.contains("::error") || gh.contains("::warning"), "{gh}");
    let junit = String::from_utf8(fmt("junit")).unwrap();
    assert!(junit.contains("<testsuite"), "{junit}");
}

#[test]
fn output_file_min_severity_and_summary_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.json");
    let o = run(&[
        "review",
        fixture("planted").to_str().unwrap(),
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "--min-severity",
        "error",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("rasoat review:") && err.contains("findings"),
        "{err}"
    );
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let fs = findings(&r);
    assert!(!fs.is_empty());
    assert!(fs.iter().all(|f| f["severity"] == "error"), "{fs:?}");
}

#[test]
fn deterministic_whatever_the_thread_count() {
    let a = Command::new(BIN)
        .args([
            "review",
            fixture("planted").to_str().unwrap(),
            fixture("seed").to_str().unwrap(),
            "--format",
            "json",
            "--as-of",
            AS_OF,
        ])
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap();
    let b = Command::new(BIN)
        .args([
            "review",
            fixture("planted").to_str().unwrap(),
            fixture("seed").to_str().unwrap(),
            "--format",
            "json",
            "--as-of",
            AS_OF,
        ])
        .env("RAYON_NUM_THREADS", "4")
        .output()
        .unwrap();
    assert!(a.status.success() && b.status.success());
    assert_eq!(a.stdout, b.stdout);
}

/// The same document present twice (a byte copy, or a reflowed copy with the same number-symbol
/// and date) is one document with two sources: findings are not doubled and never pair a
/// document with itself.
#[test]
fn duplicate_document_is_one_document() {
    for (src, edit) in [
        ("seed/000_2baec7468303b666.txt", false),
        ("planted/qd-1250-2025-giao-nhiem-vu.txt", true),
    ] {
        let src = fixture(src);
        let one = tempfile::tempdir().unwrap();
        std::fs::copy(&src, one.path().join("a.txt")).unwrap();
        let single = findings(&review_json(one.path(), &[]));
        assert!(!single.is_empty());
        let two = tempfile::tempdir().unwrap();
        std::fs::copy(&src, two.path().join("a.txt")).unwrap();
        let mut text = std::fs::read_to_string(&src).unwrap();
        if edit {
            // Different bytes (another data set's line breaks), same number-symbol and date.
            text = text.replace("Điều 1. Giao nhiệm vụ\n", "Điều 1.  Giao nhiệm vụ\n");
        }
        std::fs::write(two.path().join("b-copy.txt"), text).unwrap();
        let r = review_json(two.path(), &[]);
        let double = findings(&r);
        assert_eq!(single.len(), double.len(), "{double:#?}");
        assert!(double.iter().all(|f| file_name(&f["location"]) == "a.txt"));
        assert!(double.iter().all(|f| {
            f["related"]
                .as_array()
                .unwrap()
                .iter()
                .all(|x| file_name(x) != "b-copy.txt")
        }));
        assert!(
            double
                .iter()
                .all(|f| f["evidence"].to_string().contains("b-copy.txt")),
            "the second source is named"
        );
        assert_eq!(r["summary"]["documents"], 2);
    }
}

#[test]
fn parse_error_is_a_finding_and_review_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("seed/000_2baec7468303b666.txt"),
        dir.path().join("seed.txt"),
    )
    .unwrap();
    std::fs::write(dir.path().join("broken.docx"), b"this is not a zip file").unwrap();
    let o = run(&[
        "review",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(o.status.code(), Some(1), "parse errors exit 1");
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    let fs = findings(&r);
    assert!(
        fs.iter().any(|f| f["rule"] == "parse-error"
            && f["location"]["file"]
                .as_str()
                .unwrap()
                .ends_with("broken.docx")),
        "{fs:#?}"
    );
    assert!(
        fs.iter().any(|f| f["code"] == "R20"),
        "the seed is still reviewed"
    );
    assert_eq!(r["summary"]["parse_errors"], 1);
}

#[test]
fn broken_rule_file_stops_unless_keep_going() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    for e in std::fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            std::fs::copy(&p, rules.join(p.file_name().unwrap())).unwrap();
        }
    }
    // Break one cue (line 3 of the cues list) in R17.
    let f = rules.join("number-and-date-formality.toml");
    let t = std::fs::read_to_string(&f)
        .unwrap()
        .replace(r"'ngày\s+\d{1,2}\s+tháng", r"'ngày(\s+\d{1,2}\s+tháng");
    std::fs::write(&f, t).unwrap();
    let seed = fixture("seed");
    let o = run(&[
        "review",
        seed.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
        "--format",
        "json",
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("number-and-date-formality.toml:20:") && err.contains("regex"),
        "{err}"
    );
    let o = run(&[
        "review",
        seed.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
        "--format",
        "json",
        "--as-of",
        AS_OF,
        "--keep-going",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("number-and-date-formality.toml"), "{err}");
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(findings(&r).iter().any(|f| f["code"] == "R20"));
    assert!(!findings(&r).iter().any(|f| f["code"] == "R17"));
}

/// A reviewer tunes a rule without Rust: R17's severity raised to warning via a copied folder,
/// and a new clause rule added.
#[test]
fn reviewer_can_tune_and_add_rules() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    let t = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/number-and-date-formality.toml"),
    )
    .unwrap();
    std::fs::write(
        rules.join("number-and-date-formality.toml"),
        t.replace("severity = \"info\"", "severity = \"warning\""),
    )
    .unwrap();
    std::fs::write(
        rules.join("thuong-xuyen-deadline.toml"),
        r#"id = "thuong-xuyen-deadline"
code = "X01"
name_vi = "Thời gian thực hiện chỉ ghi “Thường xuyên”"
name_en = "Open-ended time frame"
severity = "info"
category = "không còn phù hợp"
handling = "sửa đổi, bổ sung"
legal_basis = "Thực tiễn rà soát"
description = "Thời gian thực hiện chỉ ghi thường xuyên."
message = "«{match}»: nên ghi mốc thời gian cụ thể."
[matcher]
kind = "clause"
folded_cues = ['thoi gian thuc hien: thuong xuyen']
"#,
    )
    .unwrap();
    let o = run(&[
        "review",
        fixture("seed").to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
        "--format",
        "json",
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    let fs = findings(&r);
    assert!(
        fs.iter()
            .any(|f| f["code"] == "R17" && f["severity"] == "warning"),
        "{fs:#?}"
    );
    assert!(fs.iter().any(|f| f["code"] == "X01"), "{fs:#?}");
    assert!(
        !fs.iter().any(|f| f["code"] == "R20"),
        "only the rules in the folder run"
    );
}

/// Review date R: a pre-reform document still in force that assigns tasks to district bodies is
/// a warning "không còn phù hợp" with the 01/3/2027 deadline; the same text issued after the
/// reform is an error; reviewed as of a date before the reform, nothing.
#[test]
fn review_date_governs_reform_rules() {
    let dir = tempfile::tempdir().unwrap();
    let body = |date: &str, num: &str| {
        format!(
            "ỦY BAN NHÂN DÂN\nTỈNH ĐẮK LẮK\n\nSố: {num}\n\nĐắk Lắk, {date}\n\nKẾ HOẠCH\nTuyên truyền phân cấp\n\nI. NHIỆM VỤ\n\n1. Giao UBND các huyện, thị xã, thành phố tổ chức tuyên truyền, phổ biến Kế hoạch này.\n"
        )
    };
    std::fs::write(
        dir.path().join("old.txt"),
        body("ngày 10 tháng 3 năm 2024", "20/KH-UBND"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("new.txt"),
        body("ngày 10 tháng 10 năm 2025", "120/KH-UBND"),
    )
    .unwrap();
    let fs = findings(&review_json(dir.path(), &[]));
    let r05 = |file: &str| {
        fs.iter()
            .find(|f| f["code"] == "R05" && file_name(&f["location"]) == file)
            .cloned()
            .unwrap_or_else(|| panic!("{file}: {fs:#?}"))
    };
    let old = r05("old.txt");
    assert_eq!(old["severity"], "warning");
    assert_eq!(old["category"], "không còn phù hợp");
    assert!(old["message"].as_str().unwrap().contains("01/3/2027"));
    assert_eq!(r05("new.txt")["severity"], "error");
    let o = run(&[
        "review",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
        "--as-of",
        "2025-05-01",
    ]);
    let fs = findings(&serde_json::from_slice(&o.stdout).unwrap());
    assert!(!fs.iter().any(|f| f["code"] == "R05"), "{fs:#?}");
}

/// A document replaced inside the corpus (KH 30/KH-UBND, replaced by KH 45/KH-UBND of
/// 10/10/2025) is not judged on its content once the replacement applies; before that it is.
#[test]
fn replaced_documents_are_not_judged() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["kh-45-2025-ra-soat.txt", "qd-1250-2025-giao-nhiem-vu.txt"] {
        std::fs::copy(fixture(&format!("planted/{f}")), dir.path().join(f)).unwrap();
    }
    std::fs::write(
        dir.path().join("kh-30-2024.txt"),
        "ỦY BAN NHÂN DÂN\nTỈNH ĐẮK LẮK\n\nSố: 30/KH-UBND\n\nĐắk Lắk, ngày 15 tháng 3 năm 2024\n\nKẾ HOẠCH\nThực hiện phân cấp năm 2024\n\nI. NHIỆM VỤ\n\n1. Giao UBND các huyện, thị xã, thành phố tổ chức thực hiện phân cấp quản lý chợ.\n",
    )
    .unwrap();
    let judged = |as_of: &str| {
        let o = run(&[
            "review",
            dir.path().to_str().unwrap(),
            "--format",
            "json",
            "--as-of",
            as_of,
        ]);
        let r: Value = serde_json::from_slice(&o.stdout).unwrap();
        findings(&r)
            .into_iter()
            .filter(|f| file_name(&f["location"]) == "kh-30-2024.txt")
            .collect::<Vec<_>>()
    };
    assert!(
        judged("2026-01-15").is_empty(),
        "replaced on 10/10/2025: not judged"
    );
    let before = judged("2025-08-01");
    assert!(
        before
            .iter()
            .any(|f| f["code"] == "R05" && f["severity"] == "warning"),
        "{before:#?}"
    );
}
