//! End-to-end tests of the readers for PDF, scanned PDF (OCR), .doc, HTML and the legacy
//! Vietnamese encodings. The fixtures in tests/fixtures/formats were made from real
//! documents in corpus/ by bench/formats/make-fixtures.sh (LibreOffice, poppler, img2pdf):
//! each derived file must parse to the same header and provision tree as its original.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

const FIX: &str = "tests/fixtures/formats";
const ORIGINALS: &[&str] = &["thong-tu-06", "ke-hoach-seed"];
/// Derived forms of each original (suffixes of the fixture file names).
const DERIVED: &[&str] = &[
    "pdf",
    "doc",
    "docx",
    "tcvn3.docx",
    "vni.docx",
    "tcvn3.doc",
    "word.html",
    "portal.html",
    "vni.txt",
    "cp1258.txt",
    "tcvn3.txt",
];
const HEADER: &[&str] = &[
    "number",
    "doc_type",
    "type_name",
    "issuer",
    "place",
    "date",
    "title",
    "normative",
    "signer",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rasoat(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rasoat"))
        .current_dir(root())
        .env("RAYON_NUM_THREADS", "2")
        .args(args)
        .output()
        .expect("run rasoat")
}

fn parse_json(files: &[String]) -> Vec<Value> {
    let mut args = vec!["parse", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let out = rasoat(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// (id, label, kind, normalised heading + text) of every provision, in order.
fn tree(doc: &Value) -> Vec<(String, String, String, String)> {
    fn go(ps: &Value, out: &mut Vec<(String, String, String, String)>) {
        for p in ps.as_array().into_iter().flatten() {
            let text = format!(
                "{} {}",
                p["heading"].as_str().unwrap_or(""),
                p["text"].as_str().unwrap_or("")
            );
            out.push((
                p["id"].as_str().unwrap().to_string(),
                p["label"].as_str().unwrap().to_string(),
                p["kind"].as_str().unwrap().to_string(),
                norm(&text),
            ));
            go(&p["children"], out);
        }
    }
    let mut v = Vec::new();
    go(&doc["provisions"], &mut v);
    v
}

/// Whitespace collapsed (PDF and HTML lay text out differently).
fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn fixture(name: &str) -> String {
    format!("{FIX}/{name}")
}

#[test]
fn every_format_parses_like_its_original() {
    let mut failures = Vec::new();
    for base in ORIGINALS {
        let mut files = vec![fixture(&format!("orig/{base}.txt"))];
        files.extend(DERIVED.iter().map(|d| fixture(&format!("{base}.{d}"))));
        let docs = parse_json(&files);
        assert_eq!(docs.len(), files.len());
        let orig = &docs[0];
        let want = tree(orig);
        assert!(want.len() > 10, "{base}: {} provisions", want.len());
        for (d, doc) in DERIVED.iter().zip(&docs[1..]) {
            let what = format!("{base}.{d}");
            // TCVN3 plain text has no codes for most capital accented letters (the
            // .VnTimeH font drew them): compare it without case.
            let fold = |s: &str| {
                if *d == "tcvn3.txt" {
                    s.to_lowercase()
                } else {
                    s.to_string()
                }
            };
            for h in HEADER {
                let (a, b) = (&orig["document"][h], &doc["document"][h]);
                if fold(&a.to_string()) != fold(&b.to_string()) {
                    failures.push(format!("{what}: header {h}: {a} != {b}"));
                }
            }
            let got = tree(doc);
            let ids = |t: &[(String, String, String, String)]| {
                t.iter()
                    .map(|p| (p.0.clone(), p.1.clone(), p.2.clone()))
                    .collect::<Vec<_>>()
            };
            if ids(&got) != ids(&want) {
                failures.push(format!(
                    "{what}: provision tree {:?}",
                    ids(&got).iter().map(|p| &p.0).collect::<Vec<_>>()
                ));
                continue;
            }
            for (g, w) in got.iter().zip(&want) {
                if fold(&g.3) != fold(&w.3) {
                    failures.push(format!("{what}: text of {}: {:?} != {:?}", w.0, g.3, w.3));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn conversions_are_noted_and_positions_point_at_lines() {
    let docs = parse_json(&[
        fixture("thong-tu-06.tcvn3.docx"),
        fixture("thong-tu-06.vni.txt"),
        fixture("thong-tu-06.pdf"),
        fixture("thong-tu-06.portal.html"),
    ]);
    let warn = |d: &Value| d["warnings"].to_string();
    assert!(
        warn(&docs[0]).contains("TCVN3/VNI fonts"),
        "{}",
        warn(&docs[0])
    );
    assert!(warn(&docs[1]).contains("VNI"), "{}", warn(&docs[1]));
    assert_eq!(docs[2]["document"]["format"], "pdf");
    let find = |d: &Value, id: &str| -> Value {
        fn go(ps: &Value, id: &str) -> Option<Value> {
            for p in ps.as_array()? {
                if p["id"] == id {
                    return Some(p.clone());
                }
                if let Some(f) = go(&p["children"], id) {
                    return Some(f);
                }
            }
            None
        }
        go(&d["provisions"], id).unwrap_or_else(|| panic!("no {id}"))
    };
    // PDF: page and line on the page.
    let d5 = find(&docs[2], "dieu-5");
    assert!(d5["page"].as_u64().unwrap() >= 1, "{d5}");
    assert!(d5["page_line"].as_u64().unwrap() >= 1, "{d5}");
    // HTML: the line of the file where the Điều starts.
    let html = std::fs::read_to_string(root().join(fixture("thong-tu-06.portal.html"))).unwrap();
    let d3 = find(&docs[3], "dieu-3");
    let line = d3["line"].as_u64().unwrap() as usize;
    let at = html.lines().nth(line - 1).unwrap();
    assert!(at.contains("Điều 3."), "line {line}: {at}");
}

#[test]
fn scanned_pdf_by_ocr() {
    let has_vie = Command::new("tesseract")
        .arg("--list-langs")
        .output()
        .is_ok_and(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.trim() == "vie")
        });
    let scan = fixture("ke-hoach-seed.scan.pdf");
    if !has_vie || Command::new("pdftoppm").arg("-v").output().is_err() {
        // Without Tesseract the scan must fail with a message naming the packages.
        let out = rasoat(&["parse", &scan]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            err.contains("tesseract-ocr") || err.contains("poppler-utils"),
            "{err}"
        );
        eprintln!("skipped OCR accuracy: tesseract (vie) or pdftoppm not installed");
        return;
    }
    let docs = parse_json(&[fixture("orig/ke-hoach-seed.txt"), scan]);
    assert!(docs[1]["warnings"].to_string().contains("OCR"));
    let (want, got) = (tree(&docs[0]), tree(&docs[1]));
    let ids =
        |t: &[(String, String, String, String)]| t.iter().map(|p| p.0.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&got), ids(&want), "same provision ids after OCR");
    let text = |t: &[(String, String, String, String)]| {
        t.iter().map(|p| p.3.as_str()).collect::<Vec<_>>().join(" ")
    };
    let acc = rasoat_text::char_accuracy(&text(&got), &text(&want));
    eprintln!("OCR character accuracy: {acc:.4}");
    assert!(acc >= 0.98, "OCR character accuracy {acc:.4}");
}

#[test]
fn review_of_a_mixed_folder_matches_the_originals() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("orig"), dir.path().join("mixed"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    for base in ORIGINALS {
        std::fs::copy(
            root().join(fixture(&format!("orig/{base}.txt"))),
            a.join(format!("{base}.txt")),
        )
        .unwrap();
    }
    for f in ["thong-tu-06.pdf", "ke-hoach-seed.tcvn3.doc"] {
        std::fs::copy(root().join(fixture(f)), b.join(f)).unwrap();
    }
    let findings = |d: &PathBuf| -> Vec<(String, String, String)> {
        let o = rasoat(&[
            "review",
            d.to_str().unwrap(),
            "--format",
            "json",
            "--as-of",
            "2026-01-15",
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let r: Value = serde_json::from_slice(&o.stdout).unwrap();
        let mut v: Vec<(String, String, String)> = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let file = f["location"]["file"].as_str().unwrap_or("");
                let stem = file.rsplit('/').next().unwrap().split('.').next().unwrap();
                (
                    f["code"].as_str().unwrap().to_string(),
                    stem.to_string(),
                    f["location"]["provision"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let (fa, fb) = (findings(&a), findings(&b));
    assert!(!fa.is_empty(), "the originals have findings");
    assert_eq!(fa, fb);
}

/// Hostile inputs made at run time: each gets a clear error naming the file, and the
/// good file in the same batch is still parsed.
#[test]
fn hostile_inputs_fail_cleanly_and_the_batch_goes_on() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let path = |n: &str| d.join(n).to_str().unwrap().to_string();
    // A .docx whose document.xml inflates to 200 MB (a zip bomb: ~200 KB on disk).
    {
        let f = std::fs::File::create(d.join("bomb.docx")).unwrap();
        let mut z = zip::ZipWriter::new(f);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file("word/document.xml", opts).unwrap();
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..200 {
            z.write_all(&chunk).unwrap();
        }
        z.finish().unwrap();
    }
    // Deeply nested XML inside a .docx.
    {
        let f = std::fs::File::create(d.join("deep.docx")).unwrap();
        let mut z = zip::ZipWriter::new(f);
        z.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        let xml = format!("<w:document>{}", "<w:tbl>".repeat(500_000));
        z.write_all(xml.as_bytes()).unwrap();
        z.finish().unwrap();
    }
    // A file over 1 GB (sparse: no disk used).
    std::fs::File::create(d.join("huge.txt"))
        .unwrap()
        .set_len((1 << 30) + 1)
        .unwrap();
    // A text file that is one line of 100 MB.
    std::fs::write(d.join("line.txt"), vec![b'a'; 100 << 20]).unwrap();
    // A PDF with 1.2 million objects.
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(d.join("objects.pdf")).unwrap());
        f.write_all(b"%PDF-1.4\n").unwrap();
        for i in 1..=1_200_000 {
            writeln!(f, "{i} 0 obj null endobj").unwrap();
        }
        f.write_all(b"trailer << /Root 1 0 R >>\n%%EOF\n").unwrap();
    }
    let good = fixture("thong-tu-06.pdf");
    let files = [
        "bomb.docx",
        "deep.docx",
        "huge.txt",
        "line.txt",
        "objects.pdf",
    ];
    let mut args = vec!["parse".to_string(), "--format".into(), "json".into()];
    args.extend(files.iter().map(|f| path(f)));
    args.push(good);
    let out = rasoat(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        1,
        "the good PDF parsed"
    );
    for (f, reason) in [
        ("bomb.docx", "inflates to more than"),
        ("deep.docx", "nested deeper than"),
        ("huge.txt", "file too large"),
        ("line.txt", "line 1 is 100 MB long"),
        ("objects.pdf", "objects (the limit is"),
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(&path(f)))
            .unwrap_or_else(|| panic!("no error for {f}: {err}"));
        assert!(line.contains(reason), "{line}");
    }
}

/// Inputs found by fuzzing (bench/fuzz/run.sh), kept as regression tests: each is an
/// error or a document, never a crash.
#[test]
fn fuzz_crashes_stay_fixed() {
    for (f, may_warn) in [
        // A .doc font name starting with a multi-byte character (str slice panic).
        ("fuzz/doc-font-name-slice.doc", false),
        // A PDF on which pdf-extract panics (an unwrap on a font's encoding): the panic
        // is caught per page and the page counts as having no text layer.
        ("fuzz/pdf-extract-unwrap.pdf", true),
    ] {
        let path = fixture(f);
        let out = Command::new(env!("CARGO_BIN_EXE_rasoat"))
            .current_dir(root())
            .env("RASOAT_OCR", "off")
            .args(["parse", &path])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{f}: {:?} {err}",
            out.status
        );
        if !may_warn {
            assert!(!err.contains("panicked"), "{f}: {err}");
        }
    }
}
