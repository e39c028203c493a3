//! End-to-end tests of the Word and Excel exports (`--format docx|xlsx`) of `rasoat review` and
//! `rasoat check`, on corpus/ and tests/fixtures/ only. Every produced file is opened (zip) and
//! its XML read back with quick-xml: the rows of "Phát hiện" equal the JSON findings, the grouped
//! list equals the documents × handlings, Vietnamese text round-trips byte for byte, and text
//! starting with `=` is a string cell, never a formula.
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "../crates/report/src/readback.rs"]
mod readback;
use readback::{Block, Docx, Xlsx};

const BIN: &str = env!("CARGO_BIN_EXE_rasoat");
const AS_OF: &str = "2026-11-28";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .current_dir(dir)
        .args(args)
        .env("RAYON_NUM_THREADS", "2")
        .env("NO_COLOR", "1")
        .output()
        .expect("run rasoat")
}

fn ok(o: &Output) {
    assert!(
        matches!(o.status.code(), Some(0) | Some(1)),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Run `args` with `--format json` (stdout) and with `--format FMT --output FILE`.
fn both(dir: &Path, args: &[&str], fmt: &str, out: &Path) -> Value {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    let o = run(dir, &a);
    ok(&o);
    let json: Value = serde_json::from_slice(&o.stdout).expect("JSON report");
    let mut a = args.to_vec();
    a.extend(["--format", fmt, "--output", out.to_str().unwrap()]);
    let o = run(dir, &a);
    ok(&o);
    json
}

fn s(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        v => v.to_string(),
    }
}

/// The handling form a finding's handling text proposes first (as the bundled template says).
fn form(h: &str) -> String {
    let forms = ["sửa đổi, bổ sung", "thay thế", "bãi bỏ", "ban hành mới"];
    forms
        .iter()
        .filter_map(|f| h.find(f).map(|at| (at, *f)))
        .min()
        .map(|x| x.1.to_string())
        .unwrap_or_else(|| "chưa xác định".into())
}

/// (document, handling) pairs the JSON findings imply, in first-seen order per document.
fn expected_pairs(json: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for f in json["findings"].as_array().unwrap() {
        if f["rule"] == "parse-error" {
            continue;
        }
        let d = s(&f["location"]["document"]);
        let p = (d, form(&s(&f["handling"])));
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn check_findings_sheet(x: &Xlsx, json: &Value) {
    let rows = x.rows("Phát hiện");
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(
        rows.len(),
        findings.len() + 1,
        "one row per finding plus the header"
    );
    let head = &rows[0];
    let col = |t: &str| {
        head.iter()
            .position(|h| h == t)
            .unwrap_or_else(|| panic!("column {t}"))
    };
    for (r, f) in rows[1..].iter().zip(findings) {
        let l = &f["location"];
        for (title, want) in [
            ("Quy tắc", s(&f["rule"])),
            ("Mã", s(&f["code"])),
            ("Mức độ", s(&f["severity"])),
            ("Loại sai sót", s(&f["category"])),
            ("Nội dung phát hiện", s(&f["message"])),
            ("Tệp", s(&l["file"])),
            ("Dòng", s(&l["line"])),
            ("Cột", s(&l["column"])),
            ("Dòng cuối", s(&l["end_line"])),
            ("Cột cuối", s(&l["end_column"])),
            ("Byte đầu", s(&l["byte_start"])),
            ("Byte cuối", s(&l["byte_end"])),
            ("Văn bản", s(&l["document"])),
            ("Mã quy định", s(&l["provision"])),
            ("Điều, khoản, điểm", s(&l["label"])),
            ("Trích dẫn", s(&l["snippet"])),
            ("Căn cứ pháp lý", s(&f["legal_basis"])),
            ("Hình thức xử lý", s(&f["handling"])),
            ("Dấu vân tay", s(&f["fingerprint"])),
        ] {
            // Byte for byte, Vietnamese included.
            assert_eq!(r[col(title)].as_bytes(), want.as_bytes(), "{title}");
        }
        let related = f["related"].as_array().unwrap();
        for rel in related {
            assert!(
                r[col("Đối chiếu")].contains(&s(&rel["file"])),
                "related file"
            );
        }
        let ev = f["evidence"].as_array().unwrap();
        for e in ev {
            assert!(r[col("Dữ kiện")].contains(&format!("{}={}", s(&e[0]), s(&e[1]))));
        }
    }
    let sheet = x.sheet_xml("Phát hiện");
    assert!(sheet.contains("<autoFilter ref=\"A1:"), "autofilter");
    assert!(sheet.contains("state=\"frozen\""), "frozen header");
    assert!(sheet.contains("<col "), "column widths");
    assert!(!sheet.contains("<f>"), "no formulas");
}

fn check_catalog_sheet(x: &Xlsx, json: &Value) {
    let rows = x.rows("Danh mục cần xử lý");
    assert_eq!(rows[0][0], "DANH MỤC VĂN BẢN CẦN XỬ LÝ");
    let head = &rows[3];
    assert_eq!(
        head,
        &[
            "STT",
            "Tên loại văn bản",
            "Số, ký hiệu văn bản",
            "Ngày, tháng, năm ban hành",
            "Tên gọi của văn bản",
            "Nội dung cần xử lý (điều, khoản, điểm)",
            "Hình thức xử lý kiến nghị",
            "Lý do (loại sai sót, căn cứ pháp lý)",
            "Cơ quan chủ trì soạn thảo",
            "Thời hạn xử lý",
            "Ghi chú",
        ]
    );
    // Rows of one document are merged in the document columns: carry the values down.
    let docs = json["documents"].as_array().unwrap();
    let mut got = Vec::new();
    let mut cur = (String::new(), String::new());
    let mut stts = Vec::new();
    for r in &rows[4..] {
        if !r[0].is_empty() {
            stts.push(r[0].clone());
            cur = (r[0].clone(), r[2].clone());
        }
        // The findings' document name for this number.
        let d = docs
            .iter()
            .find(|d| s(&d["number"]) == cur.1 || s(&d["display"]) == cur.1)
            .unwrap_or_else(|| panic!("document {} listed", cur.1));
        got.push((s(&d["display"]), r[6].clone()));
    }
    got.sort();
    assert_eq!(got, expected_pairs(json));
    let n_docs = {
        let mut d: Vec<_> = expected_pairs(json).into_iter().map(|p| p.0).collect();
        d.dedup();
        d.len()
    };
    assert_eq!(
        stts,
        (1..=n_docs).map(|i| i.to_string()).collect::<Vec<_>>()
    );
    // Issue dates are real dates.
    assert!(x.is_date_cell("Danh mục cần xử lý", 4, 3) || rows[4][3].is_empty());
}

#[test]
fn review_xlsx_equals_the_json_report() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ra-soat.xlsx");
    let json = both(
        &root(),
        &["review", "corpus", "--as-of", AS_OF, "-q"],
        "xlsx",
        &out,
    );
    assert!(!json["findings"].as_array().unwrap().is_empty());
    let x = Xlsx::open(&std::fs::read(&out).unwrap());
    assert_eq!(
        x.sheet_names(),
        [
            "Danh mục cần xử lý",
            "Hết hiệu lực",
            "Phát hiện",
            "Tổng hợp"
        ]
    );
    check_findings_sheet(&x, &json);
    check_catalog_sheet(&x, &json);
    // Tổng hợp: counts by rule, severity, document, category.
    let sum = x.rows("Tổng hợp");
    let flat: Vec<&str> = sum.iter().flatten().map(String::as_str).collect();
    for k in [
        "Theo quy tắc",
        "Theo mức độ",
        "Theo văn bản",
        "Theo loại sai sót",
    ] {
        assert!(flat.contains(&k), "{k}");
    }
    for (rule, n) in json["summary"]["by_rule"].as_object().unwrap() {
        let r = sum
            .iter()
            .find(|r| r[0].ends_with(&format!("/{rule}")))
            .unwrap();
        assert_eq!(r[2], n.to_string(), "{rule}");
    }
    let core = x.part("docProps/core.xml");
    assert!(core.contains("Biểu mẫu tham khảo"), "{core}");
}

#[test]
fn review_marks_replaced_documents_out_of_force() {
    // The planted fixture: kh-45 replaces Kế hoạch 89/KH-UBND; copy in a stand-in for 89 so the
    // corpus holds the replaced plan itself.
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::copy(
        root().join("corpus/000_2baec7468303b666.txt"),
        corpus.join("kh-seed.txt"),
    )
    .unwrap();
    std::fs::write(
        corpus.join("kh-89.txt"),
        "ỦY BAN NHÂN DÂN\nTỈNH ĐẮK LẮK\n\nSố: 89/KH-UBND\n\nĐắk Lắk, ngày 09 tháng 5 năm 2024\n\nKẾ HOẠCH\nĐẩy mạnh phân cấp, phân quyền năm 2024\n\nI. MỤC ĐÍCH\n\n1. Đẩy mạnh phân cấp cho UBND cấp huyện.\n",
    )
    .unwrap();
    let out = tmp.path().join("x.xlsx");
    let json = both(
        tmp.path(),
        &["review", "corpus", "--as-of", AS_OF, "-q"],
        "xlsx",
        &out,
    );
    let docs = json["documents"].as_array().unwrap();
    let d89 = docs
        .iter()
        .find(|d| d["number"] == "89/KH-UBND")
        .expect("89 listed");
    assert_eq!(d89["status"], "replaced", "{d89}");
    let x = Xlsx::open(&std::fs::read(&out).unwrap());
    let rows = x.rows("Hết hiệu lực");
    assert_eq!(rows[3][0], "STT");
    let r = rows
        .iter()
        .find(|r| r.get(1).is_some_and(|c| c == "89/KH-UBND"))
        .expect("row");
    assert!(r[4].starts_with("Bị thay thế bởi"), "{r:?}");
    assert!(x.is_date_cell("Hết hiệu lực", 4, 2), "issue date is a date");
}

#[test]
fn review_docx_is_an_official_report() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bao-cao.docx");
    let json = both(
        &root(),
        &["review", "corpus", "--as-of", AS_OF, "-q"],
        "docx",
        &out,
    );
    let x = Docx::open(&std::fs::read(&out).unwrap());
    let blocks = x.blocks();
    let Block::Table(head) = &blocks[0] else {
        panic!("header table first")
    };
    assert!(head[0][0].contains("SỞ TƯ PHÁP"));
    assert!(
        head[0][1].starts_with("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
    );
    assert!(head[0][1].ends_with("ngày 28 tháng 11 năm 2026"));
    let paras = x.paragraphs();
    for t in [
        "BÁO CÁO",
        "I. PHẠM VI, ĐỐI TƯỢNG RÀ SOÁT",
        "II. KẾT QUẢ RÀ SOÁT",
        "III. DANH MỤC VĂN BẢN CẦN XỬ LÝ",
        "IV. PHIẾU RÀ SOÁT TỪNG VĂN BẢN",
    ] {
        assert!(paras.iter().any(|p| p == t), "{t}");
    }
    for c in [
        "Mâu thuẫn",
        "Chồng chéo",
        "Hết hiệu lực",
        "Không còn phù hợp",
        "Sai thẩm quyền",
        "Sai thể thức",
    ] {
        assert!(paras.iter().any(|p| p.contains(&format!(". {c}: "))), "{c}");
    }
    // Every finding is in its document's phiếu, with its quotation, byte for byte.
    for f in json["findings"].as_array().unwrap() {
        let msg = s(&f["message"]);
        assert!(paras.iter().any(|p| p.ends_with(&msg)), "{msg}");
        if let Some(sn) = f["location"]["snippet"].as_str() {
            assert!(paras.iter().any(|p| p.contains(sn.trim())), "{sn}");
        }
    }
    // The catalog table: one row per document × handling.
    let tables = x.tables();
    let cat = &tables[1];
    assert_eq!(cat[0][0], "STT");
    assert_eq!(cat.len() - 1, expected_pairs(&json).len());
    let xml = x.document_xml();
    assert!(xml.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"), "A4");
    let styles = x.pkg.part("word/styles.xml");
    assert!(styles.contains("Times New Roman"));
    assert!(
        x.pkg
            .part("docProps/core.xml")
            .contains("Biểu mẫu tham khảo")
    );
}

/// A draft whose trích yếu starts with `=`: stored as a string cell in every sheet.
fn formula_draft(dir: &Path) {
    let src =
        std::fs::read_to_string(root().join("tests/fixtures/check/drafts/conflict.md")).unwrap();
    let src = src.replace(
        "Ban hành Quy chế phối hợp",
        "=HYPERLINK(\"http://example.invalid\",\"x\")+Quy chế phối hợp",
    );
    std::fs::create_dir_all(dir.join("drafts")).unwrap();
    std::fs::write(dir.join("drafts/qd-cong-thuc.md"), src).unwrap();
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    for e in std::fs::read_dir(root().join("tests/fixtures/check/corpus")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), corpus.join(e.file_name())).unwrap();
    }
}

#[test]
fn check_xlsx_and_docx_from_the_same_findings() {
    let tmp = tempfile::tempdir().unwrap();
    formula_draft(tmp.path());
    let args = [
        "check",
        "--as-of",
        AS_OF,
        "--no-cache",
        "drafts/qd-cong-thuc.md",
    ];
    let out = tmp.path().join("check.xlsx");
    let json = both(tmp.path(), &args, "xlsx", &out);
    assert!(!json["findings"].as_array().unwrap().is_empty());
    let title = s(&json["documents"][0]["title"]);
    assert!(title.starts_with("=HYPERLINK("), "{title}");
    assert_eq!(json["documents"][0]["advising_body"], "Sở Nội vụ");
    let x = Xlsx::open(&std::fs::read(&out).unwrap());
    check_findings_sheet(&x, &json);
    check_catalog_sheet(&x, &json);
    let rows = x.rows("Danh mục cần xử lý");
    assert_eq!(rows[4][4], title, "the title, as text");
    assert!(
        x.is_string_cell("Danh mục cần xử lý", 4, 4),
        "a string cell, not a formula"
    );
    assert_eq!(
        rows[4][8], "Sở Nội vụ",
        "the advising body leads the redraft"
    );
    for name in x.sheet_names() {
        assert!(!x.sheet_xml(&name).contains("<f>"), "{name}: formula");
    }
    let out = tmp.path().join("check.docx");
    both(tmp.path(), &args, "docx", &out);
    let d = Docx::open(&std::fs::read(&out).unwrap());
    assert!(d.paragraphs().iter().any(|p| p.contains(&title)));
}

#[test]
fn binary_formats_go_to_a_file_or_a_pipe_and_templates_apply() {
    let tmp = tempfile::tempdir().unwrap();
    // stdout is a pipe here: the workbook is written to it.
    let o = run(
        &root(),
        &[
            "review", "corpus", "--as-of", AS_OF, "-q", "--format", "xlsx",
        ],
    );
    ok(&o);
    assert!(o.stdout.starts_with(b"PK"));
    Xlsx::open(&o.stdout);
    // An office's own template: header fields, signer, column set and sheet names.
    let tpl = tmp.path().join("mau.toml");
    std::fs::write(
        &tpl,
        "reference = false\ndescription = \"Mẫu của Sở Tư pháp tỉnh Đắk Lắk\"\n[header]\nplace = \"Buôn Ma Thuột\"\n[signature]\nname = \"Nguyễn Thị Hồng Nhung\"\n[findings]\nsheet = \"Chi tiết\"\ncolumns = [{ key = \"code\", title = \"Mã quy tắc\" }, { key = \"message\", title = \"Nội dung\", width = 80 }]\n",
    )
    .unwrap();
    let out = tmp.path().join("a.xlsx");
    let o = run(
        &root(),
        &[
            "review",
            "corpus",
            "--as-of",
            AS_OF,
            "-q",
            "--format",
            "xlsx",
            "--template",
            tpl.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ],
    );
    ok(&o);
    let x = Xlsx::open(&std::fs::read(&out).unwrap());
    assert_eq!(x.sheet_names()[2], "Chi tiết");
    assert_eq!(x.rows("Chi tiết")[0], ["Mã quy tắc", "Nội dung"]);
    assert!(!x.part("docProps/core.xml").contains("Biểu mẫu tham khảo"));
    let out = tmp.path().join("a.docx");
    let o = run(
        &root(),
        &[
            "review",
            "corpus",
            "--as-of",
            AS_OF,
            "-q",
            "--format",
            "docx",
            "--template",
            tpl.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ],
    );
    ok(&o);
    let d = Docx::open(&std::fs::read(&out).unwrap());
    let tables = d.tables();
    assert!(tables[0][0][1].ends_with("Buôn Ma Thuột, ngày 28 tháng 11 năm 2026"));
    assert!(tables.last().unwrap()[0][1].ends_with("Nguyễn Thị Hồng Nhung"));
    // A broken template is a usage error naming the file.
    std::fs::write(
        &tpl,
        "[catalog]\ncolumns = [{ key = \"sai\", title = \"X\" }]\n",
    )
    .unwrap();
    let o = run(
        &root(),
        &[
            "review",
            "corpus",
            "-q",
            "--format",
            "xlsx",
            "--template",
            tpl.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("mau.toml") && err.contains("sai"), "{err}");
}
