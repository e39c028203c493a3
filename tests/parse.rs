//! End-to-end tests of `rasoat parse` on the seed, Markdown, .docx, every data-set format
//! and bad inputs. They run the real binary and use only files in the repository.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SEED: &str = "corpus/000_2baec7468303b666.txt";
const FIX: &str = "tests/fixtures/parse";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rasoat(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rasoat"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("run rasoat")
}

/// Parse files with `--format json`; returns (exit code, documents, stderr).
fn parse_json(files: &[&str]) -> (i32, Vec<Value>, String) {
    let mut args = vec!["parse", "--format", "json"];
    args.extend_from_slice(files);
    let out = rasoat(&args);
    let stdout = String::from_utf8(out.stdout).expect("utf-8 output");
    let docs = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    (
        out.status.code().unwrap_or(-1),
        docs,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn find<'a>(ps: &'a Value, id: &str) -> Option<&'a Value> {
    for p in ps.as_array()? {
        if p["id"] == id {
            return Some(p);
        }
        if let Some(f) = find(&p["children"], id) {
            return Some(f);
        }
    }
    None
}

fn all_provisions(ps: &Value, out: &mut Vec<Value>) {
    for p in ps.as_array().into_iter().flatten() {
        out.push(p.clone());
        all_provisions(&p["children"], out);
    }
}

#[test]
fn seed_plan_structure_citations_and_lines() {
    let (code, docs, err) = parse_json(&[SEED]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(docs.len(), 1);
    let d = &docs[0];
    let ps = &d["provisions"];
    let top: Vec<&str> = ps
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(top, ["preamble", "I", "II", "III", "closing"]);
    // The closing "Trên đây là Kế hoạch …" is not part of III.6.d.
    assert!(
        find(ps, "closing").unwrap()["text"]
            .as_str()
            .unwrap()
            .contains("thay thế Kế hoạch số 89/KH-UBND ngày 09/05/2024")
    );
    assert!(
        !find(ps, "III.6.d").unwrap()["text"]
            .as_str()
            .unwrap()
            .contains("Trên đây")
    );
    assert_eq!(d["document"]["type_name"], "Kế hoạch");
    assert_eq!(d["document"]["normative"], false);

    let iii1 = find(ps, "III.1").unwrap();
    assert_eq!(iii1["heading"], "Sở Tư pháp");
    assert!(
        iii1["text"]
            .as_str()
            .unwrap()
            .starts_with("Chủ trì thẩm định các văn bản QPPL")
    );
    assert_eq!(iii1["label"], "khoản 1 mục III");
    assert_eq!(iii1["line"], 174);
    assert_eq!(iii1["end_line"], 179);
    let c = find(ps, "III.6.c").unwrap();
    assert_eq!(c["label"], "điểm c khoản 6 mục III");
    assert_eq!(c["kind"], "sub-item");
    assert_eq!(c["line"], 227);
    assert_eq!(find(ps, "III").unwrap()["line"], 172);
    assert_eq!(find(ps, "II.1.a").unwrap()["line"], 98);
    assert_eq!(find(ps, "I.2.đ").unwrap()["line"], 79);
    assert_eq!(find(ps, "III").unwrap()["heading"], "TỔ CHỨC THỰC HIỆN");
    assert_eq!(
        find(ps, "II.2").unwrap()["heading"],
        "Tăng cường rà soát quy định về phân cấp tại các văn bản quy phạm pháp luật hiện hành của HĐND, UBND tỉnh"
    );
    // III.5 is a sentence, not a heading.
    assert!(find(ps, "III.5").unwrap()["heading"].is_null());

    // All six citations of the opening paragraphs survive reflow intact.
    let pre = find(ps, "preamble").unwrap()["text"].as_str().unwrap();
    for cite in [
        "Nghị quyết số 04/NQ-CP ngày 10/01/2022",
        "Quyết định số 608/QĐ-TTg ngày 15/3/2025",
        "Công điện số 168/CĐ-TTg ngày 21/9/2025",
        "Nghị quyết số 28/NQ-HĐND ngày 10/10/2023",
        "Đề án số 6032/ĐA-UBND ngày 17/7/2023",
        "Luật Tổ chức chính quyền địa phương ngày 16/6/2025",
    ] {
        assert!(pre.contains(cite), "missing {cite:?} in {pre}");
    }
    assert!(!pre.contains("  "), "double spaces collapsed");

    // The page number "5" is dropped and the sentence around it joined.
    let iii4 = find(ps, "III.4").unwrap()["text"].as_str().unwrap();
    assert!(iii4.contains("phát huy tính chủ động, đổi mới"), "{iii4}");

    // Signature and Nơi nhận are blocks, not provisions.
    let mut all = Vec::new();
    all_provisions(ps, &mut all);
    for p in &all {
        let t = format!(
            "{} {}",
            p["heading"].as_str().unwrap_or(""),
            p["text"].as_str().unwrap_or("")
        );
        assert!(
            !t.contains("Nơi nhận") && !t.contains("KT. CHỦ TỊCH") && !t.contains("Đào Mỹ"),
            "{}",
            p["id"]
        );
    }
    let blocks: Vec<(&str, i64)> = d["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["kind"].as_str().unwrap(), b["line"].as_i64().unwrap()))
        .collect();
    assert!(blocks.contains(&("noi-nhan", 250)), "{blocks:?}");
    assert!(blocks.contains(&("signature", 261)), "{blocks:?}");
}

#[test]
fn seed_text_format() {
    let out = rasoat(&["parse", SEED]);
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(
        s.contains("L174-179  III.1  [khoản 1 mục III]  — Sở Tư pháp"),
        "{s}"
    );
    assert!(
        s.contains("    L227-232  III.6.c  [điểm c khoản 6 mục III]"),
        "{s}"
    );
}

#[test]
fn nfd_input_parses_like_nfc() {
    let (c1, a, _) = parse_json(&[SEED]);
    let (c2, b, _) = parse_json(&[&format!("{FIX}/seed_nfd.txt")]);
    assert_eq!((c1, c2), (0, 0));
    let strip = |d: &Value| {
        let mut v = Vec::new();
        all_provisions(&d["provisions"], &mut v);
        v.into_iter()
            .map(|p| {
                (
                    p["id"].clone(),
                    p["label"].clone(),
                    p["heading"].clone(),
                    p["text"].clone(),
                    p["line"].clone(),
                    p["end_line"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&a[0]), strip(&b[0]));
    assert_eq!(a[0]["document"]["title"], b[0]["document"]["title"]);
}

#[test]
fn markdown_document() {
    let (code, docs, err) = parse_json(&[&format!("{FIX}/quyet_dinh_phan_cap.md")]);
    assert_eq!(code, 0, "{err}");
    let d = &docs[0];
    let m = &d["document"];
    assert_eq!(m["number"], "12/2026/QĐ-UBND");
    assert_eq!(m["date"], "2026-01-05");
    assert_eq!(m["issuer"], "Ủy ban nhân dân tỉnh Đắk Lắk");
    assert_eq!(m["normative"], true);
    assert_eq!(m["doc_type"], "QĐ");
    let ps = &d["provisions"];
    assert_eq!(
        find(ps, "chuong-II").unwrap()["heading"],
        "NỘI DUNG PHÂN CẤP"
    );
    assert_eq!(
        find(ps, "dieu-1").unwrap()["text"],
        "Quyết định này quy định việc phân cấp cho Ủy ban nhân dân cấp xã."
    );
    let dd = find(ps, "dieu-5.khoan-1.diem-đ").unwrap();
    assert_eq!(dd["label"], "điểm đ khoản 1 Điều 5");
    assert_eq!(dd["line"], 41);
    assert_eq!(find(ps, "dieu-5a").unwrap()["heading"], "Điều kiện bảo đảm");
    assert_eq!(
        find(ps, "dieu-5a.gach-2").unwrap()["text"],
        "Bố trí biên chế."
    );
    let pl = find(ps, "phu-luc-1").unwrap();
    assert_eq!(pl["kind"], "phu-luc");
    assert_eq!(pl["heading"], "DANH MỤC NHIỆM VỤ");
}

/// A small .docx with Word auto-numbering (Điều %1. / %2. / %3)).
fn make_docx(paras: &[(&str, Option<u32>)]) -> Vec<u8> {
    let mut body = String::new();
    for (t, lvl) in paras {
        body.push_str("<w:p>");
        if let Some(l) = lvl {
            body.push_str(&format!(
                "<w:pPr><w:numPr><w:ilvl w:val=\"{l}\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr>"
            ));
        }
        let mid = t
            .char_indices()
            .nth(t.chars().count() / 2)
            .map(|(i, _)| i)
            .unwrap_or(0);
        body.push_str(&format!(
            "<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r><w:r><w:t>{}</w:t></w:r></w:p>",
            &t[..mid],
            &t[mid..]
        ));
    }
    let doc = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let numbering = r#"<?xml version="1.0"?><w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="Điều %1."/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl><w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num></w:numbering>"#;
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default();
        z.start_file("word/document.xml", o).unwrap();
        z.write_all(doc.as_bytes()).unwrap();
        z.start_file("word/numbering.xml", o).unwrap();
        z.write_all(numbering.as_bytes()).unwrap();
        z.finish().unwrap();
    }
    buf.into_inner()
}

#[test]
fn docx_document_with_word_numbering() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("quyet-dinh.docx");
    std::fs::write(
        &p,
        make_docx(&[
            ("ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK", None),
            ("Số: 15/2026/QĐ-UBND", None),
            ("QUYẾT ĐỊNH", None),
            ("Về việc ủy quyền cho Giám đốc Sở Tư pháp", None),
            ("Căn cứ Luật Tổ chức chính quyền địa phương;", None),
            ("Ủy quyền", Some(0)),
            ("Ủy quyền cho Giám đốc Sở Tư pháp quyết định:", Some(1)),
            ("cấp phiếu lý lịch tư pháp;", Some(2)),
            ("chứng thực bản sao.", Some(2)),
            ("Thời hạn ủy quyền đến ngày 31/12/2027.", Some(1)),
            ("Hiệu lực thi hành", Some(0)),
        ]),
    )
    .unwrap();
    let (code, docs, err) = parse_json(&[p.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let d = &docs[0];
    assert_eq!(d["document"]["format"], "docx");
    assert_eq!(d["document"]["number"], "15/2026/QĐ-UBND");
    assert_eq!(
        d["document"]["title"],
        "Về việc ủy quyền cho Giám đốc Sở Tư pháp"
    );
    let ps = &d["provisions"];
    assert_eq!(find(ps, "dieu-1").unwrap()["heading"], "Ủy quyền");
    let b = find(ps, "dieu-1.khoan-1.diem-b").unwrap();
    assert_eq!(b["text"], "chứng thực bản sao.");
    assert_eq!(b["label"], "điểm b khoản 1 Điều 1");
    assert_eq!(b["line"], 9); // paragraph 9
    assert_eq!(
        find(ps, "dieu-1.khoan-2").unwrap()["text"],
        "Thời hạn ủy quyền đến ngày 31/12/2027."
    );
    assert!(find(ps, "dieu-2").is_some());
}

#[test]
fn dataset_alqac_and_vlsp() {
    let (code, docs, err) = parse_json(&[
        &format!("{FIX}/alqac2024_small.json"),
        &format!("{FIX}/vlsp2023_small.json"),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(docs.len(), 2);
    let d = &docs[0];
    assert_eq!(d["document"]["law_id"], "Luật Phòng, chống ma túy");
    assert_eq!(d["document"]["dataset"], "alqac2024");
    assert_eq!(
        d["document"]["path"],
        format!("{FIX}/alqac2024_small.json#Luật Phòng, chống ma túy")
    );
    let ps = &d["provisions"];
    let d2 = find(ps, "dieu-2").unwrap();
    assert_eq!(d2["heading"], "Giải thích từ ngữ");
    assert_eq!(d2["article_id"], "2");
    // A hit at khoản level still names its article.
    let k = find(ps, "dieu-2.khoan-2").unwrap();
    assert_eq!(k["article_id"], "2");
    assert_eq!(k["law_id"], "Luật Phòng, chống ma túy");
    assert!(k["text"].as_str().unwrap().starts_with("Chất gây nghiện"));
    assert!(k["line"].as_i64().unwrap() > 1);
    let v = &docs[1];
    assert_eq!(v["document"]["dataset"], "vlsp2023");
    assert_eq!(find(&v["provisions"], "dieu-1").unwrap()["article_id"], "1");
}

#[test]
fn dataset_drill_and_vbpl() {
    let (code, docs, err) = parse_json(&[
        &format!("{FIX}/drill_small.json"),
        &format!("{FIX}/vbpl_small.json"),
    ]);
    assert_eq!(code, 0, "{err}");
    let d = &docs[0];
    assert_eq!(d["document"]["law_id"], "47/2010/QH12");
    assert_eq!(d["document"]["number"], "47/2010/QH12");
    let ps = &d["provisions"];
    // article no. = aid − first aid + 1; article_id = the aid.
    let d2 = find(ps, "dieu-2").unwrap();
    assert_eq!(d2["article_id"], "271");
    assert_eq!(find(ps, "dieu-2.khoan-1").unwrap()["article_id"], "271");
    assert_eq!(find(ps, "dieu-1").unwrap()["article_id"], "270");
    let v = &docs[1];
    assert_eq!(v["document"]["number"], "06/2026/TT-BVHTTDL");
    assert_eq!(v["document"]["type_name"], "Thông tư");
    let vp = &v["provisions"];
    assert_eq!(find(vp, "chuong-I").unwrap()["heading"], "QUY ĐỊNH CHUNG");
    let k3 = find(vp, "dieu-3.khoan-3").unwrap();
    assert!(
        k3["text"]
            .as_str()
            .unwrap()
            .contains("không được phân cấp tiếp")
    );
    assert_eq!(k3["article_id"], "3");
    assert_eq!(k3["law_id"], "06/2026/TT-BVHTTDL");
    assert_eq!(
        find(vp, "dieu-4.khoan-2.diem-a.diem-a1").unwrap()["label"],
        "điểm a1 khoản 2 Điều 4"
    );
}

#[test]
fn draft_with_blank_number_and_date() {
    let (code, docs, err) = parse_json(&[&format!("{FIX}/du_thao_quyet_dinh.txt")]);
    assert_eq!(code, 0, "{err}");
    let m = &docs[0]["document"];
    assert_eq!(m["draft"], true);
    assert!(m["number"].is_null());
    assert!(m["date"].is_null());
    assert_eq!(m["doc_type"], "QĐ");
    assert_eq!(m["normative"], true);
    assert_eq!(m["place"], "Đắk Lắk");
    assert_eq!(m["issuer"], "Ủy ban nhân dân tỉnh Đắk Lắk");
    assert_eq!(
        m["title"],
        "Ban hành Quy định phân cấp thẩm quyền quản lý nhà nước trong lĩnh vực tư pháp cho Ủy ban nhân dân cấp xã"
    );
    let ps = &docs[0]["provisions"];
    // "Điều 1. <sentence>:" is text, not a title.
    let d1 = find(ps, "dieu-1").unwrap();
    assert!(d1["heading"].is_null());
    assert_eq!(
        d1["text"],
        "Phân cấp cho Ủy ban nhân dân cấp xã thực hiện các nhiệm vụ sau đây:"
    );
    assert_eq!(find(ps, "dieu-1.khoan-2").unwrap()["line"], 22);
    // Nơi nhận and the signature printed side by side are split into their blocks.
    let blocks = docs[0]["blocks"].as_array().unwrap();
    let sig = blocks.iter().find(|b| b["kind"] == "signature").unwrap();
    assert_eq!(sig["text"], "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH");
    let noi = blocks.iter().find(|b| b["kind"] == "noi-nhan").unwrap();
    assert_eq!(noi["text"], "Nơi nhận:\n- Như Điều 2;\n- Lưu: VT, STP.");
}

#[test]
fn question_files_hold_no_documents() {
    let (code, docs, _) = parse_json(&[&format!("{FIX}/alqac_questions_small.json")]);
    assert_eq!(code, 0);
    assert!(docs.is_empty());
}

#[test]
fn corpus_directory_parses() {
    let (code, docs, err) = parse_json(&["corpus"]);
    assert_eq!(code, 0, "{err}");
    let tt = docs
        .iter()
        .find(|d| d["document"]["number"] == "06/2026/TT-BVHTTDL")
        .expect("phân cấp circular in corpus");
    assert_eq!(tt["document"]["issuer"], "Bộ Văn hóa, Thể thao và Du lịch");
    assert!(find(&tt["provisions"], "dieu-14").is_some());
    assert!(docs.iter().all(|d| {
        !d["document"]["path"]
            .as_str()
            .unwrap()
            .ends_with("SOURCES.md")
    }));
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn bad_inputs_are_reported_and_do_not_stop_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let seed = std::fs::read_to_string(root().join(SEED)).unwrap();
    // UTF-16 LE with BOM decodes and parses.
    let mut u16 = vec![0xFF, 0xFE];
    for u in seed.encode_utf16() {
        u16.extend_from_slice(&u.to_le_bytes());
    }
    let utf16 = write(d, "utf16.txt", &u16);
    let tcvn = write(d, "tcvn3.txt", b"\xa7i\xd2u 1. Ph\xb9m vi \xae\xbbu ch\xacnh\nTh\xf4ng t\xad n\xb5y quy \xae\xfenh vi\xd6c ph\xa9n c\xcap cho c\xa9c c\xac quan.\n");
    let binary = write(
        d,
        "image.txt",
        &[
            0x89, b'P', b'N', b'G', 0, 0, 0, 13, 0xff, 0, 1, 2, 3, 0, 0, 0,
        ],
    );
    let empty = write(d, "empty.txt", b"");
    let docx = write(
        d,
        "broken.docx",
        b"PK\x03\x04 this is not really a zip archive",
    );
    let unknown = write(d, "table.xlsx", b"whatever");
    let missing = d.join("missing.txt").to_str().unwrap().to_string();
    let (code, docs, err) = parse_json(&[
        &utf16, &tcvn, &binary, &empty, SEED, &docx, &unknown, &missing,
    ]);
    assert_eq!(code, 1, "some file failed");
    assert_eq!(docs.len(), 3, "utf16, TCVN3 and seed still parsed: {err}");
    assert_eq!(
        find(&docs[0]["provisions"], "III.1").unwrap()["heading"],
        "Sở Tư pháp"
    );
    // The TCVN3 file is converted, and says so.
    assert!(
        docs[1]["warnings"][0].as_str().unwrap().contains("TCVN3"),
        "{}",
        docs[1]
    );
    assert!(
        docs[1].to_string().contains("việc phân cấp cho"),
        "{}",
        docs[1]
    );
    assert_eq!(docs[1]["provisions"][0]["label"], "Điều 1");
    for (file, reason) in [
        (&binary, "binary"),
        (&empty, "empty"),
        (&docx, "corrupt .docx"),
        (&unknown, "unsupported file type '.xlsx'"),
        (&missing, "cannot read"),
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(file.as_str()))
            .unwrap_or_else(|| panic!("no error for {file}: {err}"));
        assert!(line.contains(reason), "{line}");
    }
}

#[test]
fn fifty_megabyte_file() {
    let dir = tempfile::tempdir().unwrap();
    let seed = std::fs::read_to_string(root().join(SEED)).unwrap();
    let mut f = std::fs::File::create(dir.path().join("big.txt")).unwrap();
    let mut n = 0;
    while n < 50 * 1024 * 1024 {
        f.write_all(seed.as_bytes()).unwrap();
        n += seed.len();
    }
    drop(f);
    let p = dir.path().join("big.txt");
    let out = rasoat(&["parse", p.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = String::from_utf8_lossy(&out.stdout);
    // Each repeated copy follows a signature, so it is read as an attached document
    // (kèm theo); repeated ids get a ~N suffix to stay unique.
    assert!(s.contains("  III.1  [khoản 1 mục III]"), "first copy");
    assert!(
        s.contains("kem-theo~2.III.1"),
        "later copies with unique ids"
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(rasoat(&["parse"]).status.code(), Some(2));
    assert_eq!(
        rasoat(&["parse", "--format", "xml", SEED]).status.code(),
        Some(2)
    );
}
