//! End-to-end tests of `rasoat index` and `rasoat search` (real binary, fixtures from the repo).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_rasoat");

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/search")
}

fn rasoat(args: &[&str], cwd: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run rasoat")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `rasoat index --index <t>/idx SRC`, asserting success.
fn index_into(t: &tempfile::TempDir, src: &Path) -> PathBuf {
    let idx = t.path().join("idx");
    let o = rasoat(
        &[
            "index",
            "--index",
            idx.to_str().unwrap(),
            src.to_str().unwrap(),
        ],
        t.path(),
    );
    assert!(o.status.success(), "index failed: {}", stderr(&o));
    idx
}

/// Copy the fixtures into a temp dir and index them there.
fn indexed() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("docs");
    std::fs::create_dir_all(&src).unwrap();
    for e in std::fs::read_dir(fixtures()).unwrap() {
        let e = e.unwrap();
        if e.file_name() != "questions.lst" {
            std::fs::copy(e.path(), src.join(e.file_name())).unwrap();
        }
    }
    let idx = index_into(&t, &src);
    (t, idx)
}

fn search_json(idx: &Path, cwd: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "search",
        "--index",
        idx.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let o = rasoat(&args, cwd);
    assert!(
        o.status.success(),
        "search {extra:?} failed: {}",
        stderr(&o)
    );
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)))
}

fn docs(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["document"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn diacritic_free_queries_find_accented_text() {
    let (t, idx) = indexed();
    let v = search_json(&idx, t.path(), &["tham dinh van ban phan cap"]);
    assert_eq!(
        docs(&v).first().map(String::as_str),
        Some("45/KH-UBND"),
        "{v}"
    );
    let snip = v["hits"][0]["snippet"].as_str().unwrap();
    assert!(
        snip.contains("**thẩm**") && snip.contains("**định**"),
        "snippet keeps the original spelling: {snip}"
    );
    assert!(v["hits"][0]["line"].as_u64().unwrap() > 1);
    // đ folds to d: "dak mil" finds "Đắk Mil".
    let v = search_json(&idx, t.path(), &["dak mil"]);
    assert_eq!(docs(&v), ["12/2024/QĐ-UBND"], "{v}");
}

#[test]
fn nfd_documents_are_found_by_nfc_queries() {
    let (t, idx) = indexed();
    // The fixture file is NFD; the query is NFC, with the other tone placement (ủy vs uỷ).
    let v = search_json(&idx, t.path(), &["ủy quyền chủ trương đầu tư"]);
    assert_eq!(
        docs(&v).first().map(String::as_str),
        Some("12/2024/QĐ-UBND"),
        "{v}"
    );
}

#[test]
fn phrases_exclusions_and_filters() {
    let (t, idx) = indexed();
    let v = search_json(&idx, t.path(), &["\"cấp xã\" -huyện"]);
    assert!(!docs(&v).is_empty());
    for h in v["hits"].as_array().unwrap() {
        let s = h["snippet"].as_str().unwrap().to_lowercase();
        assert!(!s.contains("huyện"), "excluded word in {s}");
    }
    // "xã ... cấp" in other order is not the phrase.
    let v = search_json(&idx, t.path(), &["\"xa cap tinh\""]);
    assert!(docs(&v).is_empty(), "{v}");
    let v = search_json(&idx, t.path(), &["uy ban", "--type", "QĐ"]);
    assert!(
        !docs(&v).is_empty() && docs(&v).iter().all(|d| d == "12/2024/QĐ-UBND"),
        "{v}"
    );
    let v = search_json(&idx, t.path(), &["uy ban", "--from", "2025-01-01"]);
    assert!(
        !docs(&v).is_empty() && docs(&v).iter().all(|d| d == "45/KH-UBND"),
        "{v}"
    );
    let v = search_json(&idx, t.path(), &["uy ban", "--to", "31/12/2023"]);
    assert!(
        !docs(&v).is_empty() && docs(&v).iter().all(|d| d == "28/NQ-HĐND"),
        "{v}"
    );
    let v = search_json(
        &idx,
        t.path(),
        &["thẩm định", "--agency", "Sở Tư pháp", "--role", "chu-tri"],
    );
    assert_eq!(docs(&v), ["45/KH-UBND"], "{v}");
}

#[test]
fn document_number_finds_document_and_citers() {
    let (t, idx) = indexed();
    for q in ["28/NQ-HĐND", "28/NQ-HDND", "số 28/nq-hdnd"] {
        let v = search_json(&idx, t.path(), &[q]);
        assert_eq!(v["mode"], "number", "{q}: {v}");
        assert_eq!(v["hits"][0]["kind"], "document", "{q}: {v}");
        assert_eq!(v["hits"][0]["document"], "28/NQ-HĐND");
        assert!(
            v["hits"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["document"] == "45/KH-UBND" && h["matched"] == "cites"),
            "{q}: the plan citing it is listed: {v}"
        );
    }
}

#[test]
fn batch_jsonl_keeps_order_and_dataset_ids() {
    let (t, idx) = indexed();
    let q = fixtures().join("questions.lst");
    let o = rasoat(
        &[
            "search",
            "--index",
            idx.to_str().unwrap(),
            "--queries",
            q.to_str().unwrap(),
            "--format",
            "jsonl",
            "--limit",
            "10",
        ],
        t.path(),
    );
    let out = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4, "one line per query line: {out}");
    assert_eq!(
        lines[0]["mode"], "any",
        "a question is ranked over any term"
    );
    assert_eq!(
        lines[0]["hits"][0]["law_id"], "Luật Mẫu về thủy lợi 2024",
        "{}",
        lines[0]
    );
    assert_eq!(lines[0]["hits"][0]["article_id"], "3");
    assert_eq!(lines[1]["hits"][0]["article_id"], "1", "{}", lines[1]);
    assert!(lines[2]["error"].as_str().unwrap().contains("empty"));
    assert!(lines[3]["error"].as_str().unwrap().contains("stop words"));
    assert!(lines[0]["took_us"].as_u64().is_some());
}

#[test]
fn index_reopens_and_updates_incrementally() {
    let (t, idx) = indexed();
    let ix = idx.to_str().unwrap();
    let src = t.path().join("docs");
    // A second run reads nothing.
    let o = rasoat(
        &["index", "--index", ix, "--json", src.to_str().unwrap()],
        t.path(),
    );
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (s["files_read"].as_u64(), s["files_unchanged"].as_u64()),
        (Some(0), Some(4)),
        "{s}"
    );
    // Change one file, delete another.
    let kh = src.join("kh-45-phan-cap.txt");
    let text = std::fs::read_to_string(&kh)
        .unwrap()
        .replace("thông suốt", "thông suốt và minh bạch tuyệt đối");
    std::fs::write(&kh, text).unwrap();
    std::fs::remove_file(src.join("qd-12-2024-nfd.txt")).unwrap();
    let o = rasoat(
        &["index", "--index", ix, "--json", src.to_str().unwrap()],
        t.path(),
    );
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (s["files_read"].as_u64(), s["files_removed"].as_u64()),
        (Some(1), Some(1)),
        "{s}"
    );
    assert_eq!(
        docs(&search_json(&idx, t.path(), &["minh bach tuyet doi"])),
        ["45/KH-UBND"]
    );
    // Short AND finds nothing now (falls back to any word); the deleted decision is gone.
    let v = search_json(&idx, t.path(), &["dak mil"]);
    assert_eq!(v["fallback"], true, "{v}");
    assert!(!docs(&v).iter().any(|d| d == "12/2024/QĐ-UBND"), "{v}");
}

#[test]
fn stale_index_is_detected() {
    let (t, idx) = indexed();
    let m = idx.join("rasoat-manifest.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&m).unwrap()).unwrap();
    v["schema_version"] = Value::from(0);
    std::fs::write(&m, v.to_string()).unwrap();
    let o = rasoat(
        &["search", "--index", idx.to_str().unwrap(), "phan cap"],
        t.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("out of date") && e.contains("rasoat index --rebuild"),
        "{e}"
    );
    let o = rasoat(
        &[
            "index",
            "--index",
            idx.to_str().unwrap(),
            "--rebuild",
            t.path().join("docs").to_str().unwrap(),
        ],
        t.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!docs(&search_json(&idx, t.path(), &["phan cap"])).is_empty());
}

#[test]
fn corrupt_or_unreadable_index_gives_rebuild_hint() {
    let (t, idx) = indexed();
    std::fs::write(idx.join("meta.json"), b"\x00garbage").unwrap();
    let o = rasoat(
        &["search", "--index", idx.to_str().unwrap(), "phan cap"],
        t.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("corrupt") && e.contains("--rebuild"), "{e}");
    // A file where the folder should be.
    let f = t.path().join("not-a-dir");
    std::fs::write(&f, "x").unwrap();
    let o = rasoat(
        &["search", "--index", f.to_str().unwrap(), "phan cap"],
        t.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--rebuild"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"));
}

#[test]
fn empty_and_stop_word_queries_are_refused() {
    let (t, idx) = indexed();
    let ix = idx.to_str().unwrap();
    for (q, want) in [
        ("", "empty query"),
        ("   ", "empty query"),
        ("của và là", "stop words"),
    ] {
        let o = rasoat(&["search", "--index", ix, q], t.path());
        assert_eq!(o.status.code(), Some(2), "{q:?}");
        let e = stderr(&o);
        assert!(e.contains(want) && !e.contains("panicked"), "{q:?}: {e}");
    }
}

#[test]
fn text_output_shows_label_file_and_line() {
    let (t, idx) = indexed();
    let o = rasoat(
        &[
            "search",
            "--index",
            idx.to_str().unwrap(),
            "chu tri tham dinh",
        ],
        t.path(),
    );
    assert!(o.status.success());
    let s = String::from_utf8(o.stdout).unwrap();
    assert!(
        s.contains("45/KH-UBND") && s.contains("kh-45-phan-cap.txt:"),
        "{s}"
    );
    assert!(s.contains("**Chủ**") || s.contains("**chủ**"), "{s}");
}

/// Index `laws` (ALQAC-format JSON) in a temp dir; return it with the index path.
fn indexed_laws(laws: &str) -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let file = t.path().join("laws.json");
    std::fs::write(&file, laws).unwrap();
    let idx = index_into(&t, &file);
    (t, idx)
}

/// Data-set laws carry only a number; the registry names them, so a question that names the law
/// ("theo Bộ luật Hình sự") ranks that law's article above a near-identical one of another law.
#[test]
fn questions_use_law_names() {
    let (t, idx) = indexed_laws(
        r#"[
 {"id": "91/2015/QH13", "articles": [
   {"id": "10", "text": "Bồi thường thiệt hại\n\n1. Người có hành vi gây thiệt hại thì phải bồi thường, mức bồi thường do các bên thỏa thuận.\n\n2. Thời hạn bồi thường là 03 tháng."}]},
 {"id": "100/2015/QH13", "articles": [
   {"id": "48", "text": "Bồi thường thiệt hại\n\n1. Người phạm tội phải bồi thường thiệt hại, mức bồi thường do các bên thỏa thuận.\n\n2. Thời hạn bồi thường là 03 tháng."}]}
]"#,
    );
    let q = "Người gây thiệt hại phải bồi thường trong thời hạn bao lâu theo quy định của Bộ luật Hình sự?";
    let v = search_json(&idx, t.path(), &[q]);
    assert_eq!(v["mode"], "any", "{v}");
    assert_eq!(
        v["hits"][0]["law_id"], "100/2015/QH13",
        "the law the question names comes first: {v}"
    );
}

/// A question restating an article's heading ranks that article above one whose body shares a
/// few more words with the question.
#[test]
fn questions_restating_a_heading_find_that_article() {
    let (t, idx) = indexed_laws(
        r#"[
 {"id": "91/2015/QH13", "articles": [
   {"id": "11", "text": "Cơ sở cai nghiện tự nguyện\n\nDo doanh nghiệp lập ra theo điều kiện Chính phủ quy định."}]},
 {"id": "100/2015/QH13", "articles": [
   {"id": "49", "text": "Cai nghiện tại gia đình\n\nTổ chức, cá nhân thành lập nhóm hỗ trợ cai nghiện tại gia đình và được cấp giấy phép."}]}
]"#,
    );
    let q = "Cơ sở cai nghiện tự nguyện do tổ chức, cá nhân nào thành lập và được cấp giấy phép hoạt động không?";
    let v = search_json(&idx, t.path(), &[q]);
    assert_eq!(v["hits"][0]["article_id"], "11", "{v}");
}

/// Two writers on one index: the second is refused at once, naming the process that holds it,
/// and the index stays usable; after the holder is gone the next run proceeds.
#[test]
fn a_locked_index_names_its_writer() {
    let (t, idx) = indexed();
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(t.path().join("idx.lock"))
        .unwrap();
    lock.try_lock().expect("this test holds the writer lock");
    std::fs::write(t.path().join("idx.lock"), std::process::id().to_string()).unwrap();
    let o = rasoat(
        &[
            "index",
            "--index",
            idx.to_str().unwrap(),
            t.path().join("docs").to_str().unwrap(),
        ],
        t.path(),
    );
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains(&format!("locked by process {}", std::process::id())),
        "{}",
        stderr(&o)
    );
    // Searching is not writing: readers see the last committed state meanwhile.
    let v = search_json(&idx, t.path(), &["phan cap"]);
    assert!(!docs(&v).is_empty(), "{v}");
    drop(lock);
    index_into(&t, &t.path().join("docs"));
}

/// `--output` replaces the report whole: no temporary file is left beside it.
#[test]
fn output_files_are_replaced_whole() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("r.json");
    std::fs::write(&out, "old").unwrap();
    let o = rasoat(
        &[
            "review",
            fixtures().to_str().unwrap(),
            "--format",
            "json",
            "--output",
            out.to_str().unwrap(),
        ],
        t.path(),
    );
    assert!(o.status.code().is_some_and(|c| c <= 1), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert!(v["findings"].is_array());
    assert_eq!(std::fs::read_dir(t.path()).unwrap().count(), 1);
}
