//! Search over the real provincial documents (corpus/prov): hits are clauses, not chapters.
//!
//! Every indexed record (what a hit shows: file and line range) must be short enough to cite:
//! at most 60 lines, unless it is one undivided paragraph of the source (no blank line and no
//! table-cell separator `|` inside). Appendix tables are indexed row by row.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_rasoat");
const MAX_LINES: u64 = 60;

fn prov() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/prov")
}

fn index_prov(t: &tempfile::TempDir) -> PathBuf {
    let idx = t.path().join("idx");
    let o = Command::new(BIN)
        .args(["index", "--index", idx.to_str().unwrap(), "--quiet"])
        .arg(prov())
        .output()
        .expect("run rasoat");
    assert!(
        o.status.success(),
        "index failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    idx
}

fn is_break(l: &str) -> bool {
    l.trim().chars().all(|c| c == '|' || c.is_whitespace())
}

/// Lines `a..=b` of `file` hold one paragraph (no break line inside).
fn one_paragraph(file: &str, a: u64, b: u64) -> bool {
    let p = if Path::new(file).is_absolute() {
        PathBuf::from(file)
    } else {
        prov().join(Path::new(file).file_name().unwrap())
    };
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    text.lines()
        .skip(a as usize - 1)
        .take((b - a + 1) as usize)
        .all(|l| !is_break(l))
}

#[test]
fn no_record_over_prov_spans_more_than_sixty_lines() {
    let t = tempfile::tempdir().unwrap();
    let idx = index_prov(&t);
    let si = rasoat_index::SearchIndex::open(&idx).unwrap();
    let recs = si.record_ranges();
    assert!(recs.len() > 5000, "{} records", recs.len());
    let mut bad = Vec::new();
    for (kind, file, line, end) in &recs {
        let end = end.unwrap_or(*line);
        assert!(end >= *line, "{kind} {file}:{line}-{end}");
        if end - line + 1 > MAX_LINES && !one_paragraph(file, *line, end) {
            bad.push(format!(
                "{kind} {file}:{line}-{end} ({} lines)",
                end - line + 1
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} long records:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn hits_on_tables_and_task_blocks_are_short() {
    let t = tempfile::tempdir().unwrap();
    let idx = index_prov(&t);
    let queries = [
        "quan trắc môi trường nuôi thủy sản",
        "phụ lục danh mục",
        "STT nội dung đơn vị tính",
        "nhiệm vụ của Sở Nội vụ trong kế hoạch",
        "mức chi",
        "định mức phân bổ ngân sách",
        "Sở Tư pháp",
        "tổ chức thực hiện",
    ];
    let qf = t.path().join("q.txt");
    std::fs::write(&qf, queries.join("\n")).unwrap();
    let o = Command::new(BIN)
        .args(["search", "--index", idx.to_str().unwrap(), "--queries"])
        .arg(&qf)
        .args(["--format", "jsonl", "--limit", "30"])
        .output()
        .expect("run rasoat");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut n = 0;
    for line in String::from_utf8_lossy(&o.stdout).lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        for h in v["hits"].as_array().unwrap() {
            n += 1;
            let a = h["line"].as_u64().unwrap();
            let b = h["end_line"].as_u64().unwrap_or(a);
            let file = h["file"].as_str().unwrap();
            assert!(
                b - a < MAX_LINES || one_paragraph(file, a, b),
                "{}: hit {file}:{a}-{b} spans {} lines",
                v["query"],
                b - a + 1
            );
        }
    }
    assert!(n > 100, "only {n} hits");
}

#[test]
fn number_queries_in_any_spelling_find_the_opening() {
    let t = tempfile::tempdir().unwrap();
    let idx = index_prov(&t);
    for (q, file) in [
        ("95/2025/QD-UBND nghe an", "nghe-an_95-2025-QD-UBND"),
        ("quyet dinh 53 2025 cao bang", "cao-bang_53-2025-QD-UBND"),
        ("80/2025/QĐ-UBND Hà Tĩnh", "ha-tinh_80-2025-QD-UBND"),
    ] {
        let o = Command::new(BIN)
            .args([
                "search",
                "--index",
                idx.to_str().unwrap(),
                "--format",
                "json",
                q,
            ])
            .output()
            .expect("run rasoat");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let h = &v["hits"][0];
        assert!(h["file"].as_str().unwrap().contains(file), "{q}: {h}");
        assert_eq!(h["kind"], "document", "{q}: {h}");
        assert_eq!(h["line"], 1, "{q}: the opening starts at line 1: {h}");
    }
}

#[test]
fn agency_task_query_finds_the_agency_block() {
    let t = tempfile::tempdir().unwrap();
    let idx = index_prov(&t);
    let q = "nhiệm vụ của Sở Công Thương trong kế hoạch lộ trình đổi mới công nghệ đến năm 2035 Đồng Tháp";
    let o = Command::new(BIN)
        .args([
            "search",
            "--index",
            idx.to_str().unwrap(),
            "--format",
            "json",
            "--limit",
            "3",
            q,
        ])
        .output()
        .expect("run rasoat");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let ok = v["hits"].as_array().unwrap().iter().any(|h| {
        h["file"]
            .as_str()
            .unwrap()
            .contains("dong-thap_552-KH-UBND")
            && h["line"].as_u64().unwrap() <= 448
            && h["end_line"].as_u64().unwrap_or(0) >= 435
    });
    assert!(
        ok,
        "the Sở Công Thương block (lines 435-448) is not in the top 3: {v}"
    );
}
