//! End-to-end tests of the report formats through `rasoat check` (the renderers have unit
//! tests in crates/report; here the real binary renders a real finding).
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_rasoat");

fn scratch_with_draft(draft: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let fx = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check");
    std::fs::create_dir_all(d.path().join("corpus")).unwrap();
    std::fs::create_dir_all(d.path().join("drafts")).unwrap();
    std::fs::copy(
        fx.join("corpus/kh-phan-cap-seed.txt"),
        d.path().join("corpus/kh-phan-cap-seed.txt"),
    )
    .unwrap();
    std::fs::write(d.path().join("drafts/d.md"), draft).unwrap();
    d
}

fn render(dir: &Path, format: &str) -> (i32, String) {
    let o = Command::new(BIN)
        .current_dir(dir)
        .args([
            "check",
            "--as-of",
            "2026-11-28",
            "--fail-on",
            "never",
            "--format",
            format,
            "drafts/d.md",
        ])
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8(o.stdout).expect("UTF-8 output"),
    )
}

/// The conflict draft with markup-looking text inside the conflicting clause.
fn hostile_draft() -> String {
    let src = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check/drafts/conflict.md"),
    )
    .unwrap();
    src.replacen(
        "phối hợp với các sở, ban, ngành rà soát văn bản QPPL có liên quan.",
        "phối hợp với các sở, ban, ngành rà soát văn bản QPPL có liên quan <script>alert(\"x\")</script> & \"A, B\".",
        1,
    )
}

#[test]
fn html_report_is_one_escaped_file_with_both_sides() {
    let d = scratch_with_draft(&hostile_draft());
    let (code, html) = render(d.path(), "html");
    assert_eq!(code, 0);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"), "document text must be escaped");
    assert!(
        html.contains("&lt;script&gt;"),
        "the hostile text is shown, escaped"
    );
    assert!(
        !html.contains("src=\"http") && !html.contains("<link"),
        "self-contained"
    );
    assert!(html.contains("class=\"sides\""));
    assert!(
        html.contains("kh-phan-cap-seed.txt"),
        "the corpus side is shown"
    );
    assert!(html.contains("<mark>"), "spans are highlighted");
    assert!(html.contains("Căn cứ pháp lý") && html.contains("Hướng xử lý"));
    assert!(html.contains("lead-agency-conflict"));
}

#[test]
fn markdown_and_csv_reports() {
    let d = scratch_with_draft(&hostile_draft());
    let (_, md) = render(d.path(), "md");
    assert!(md.starts_with("# Báo cáo rà soát văn bản"));
    assert!(md.contains("`R01/lead-agency-conflict`"), "{md}");
    assert!(!md.contains("<script"), "{md}");
    let (_, csv) = render(d.path(), "csv");
    assert!(csv.starts_with('\u{feff}'), "BOM for spreadsheets");
    let body = csv.trim_start_matches('\u{feff}');
    let header = body.lines().next().unwrap();
    assert!(
        header.starts_with("rule,code,severity,category,message,file,line,column"),
        "{header}"
    );
    // One row per finding: the JSON report has as many findings as the CSV has records.
    let (_, json) = render(d.path(), "json");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let n = v["findings"].as_array().unwrap().len();
    assert!(n >= 3);
    // Count records with a real CSV reader semantics: quoted newlines do not start a record.
    let mut records = 0;
    let mut quoted = false;
    for c in body.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' if !quoted => records += 1,
            _ => {}
        }
    }
    assert_eq!(records, n + 1, "{csv}");
    // Cells with commas are quoted (the handling "sửa đổi, bổ sung" has one).
    assert!(
        body.contains(",\"sửa đổi, bổ sung\","),
        "commas are quoted: {csv}"
    );
}

#[test]
fn json_is_the_review_schema() {
    let d = scratch_with_draft(&hostile_draft());
    let (_, json) = render(d.path(), "json");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["version"], 1);
    for k in [
        "documents",
        "provisions",
        "findings",
        "errors",
        "warnings",
        "infos",
        "suppressed",
        "parse_errors",
        "by_rule",
        "by_document",
        "as_of",
    ] {
        assert!(!v["summary"][k].is_null(), "summary.{k}");
    }
    let f = &v["findings"][0];
    for k in [
        "file",
        "line",
        "end_line",
        "column",
        "end_column",
        "provision",
        "document",
    ] {
        assert!(f["location"].get(k).is_some(), "location.{k}");
    }
    assert_eq!(v["summary"]["as_of"], "2026-11-28");
}

/// The reviewer's Markdown report of the seed plan, pinned as a snapshot: any change in
/// wording, order or location of a finding shows up as a reviewable diff.
#[test]
fn seed_review_markdown_snapshot() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = Command::new(BIN)
        .current_dir(root)
        .args([
            "review",
            "--as-of",
            "2026-11-28",
            "--format",
            "md",
            "-q",
            "tests/fixtures/check/corpus/kh-phan-cap-seed.txt",
        ])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let md = String::from_utf8(o.stdout).expect("UTF-8 output");
    insta::assert_snapshot!("seed_review_markdown", md);
}
