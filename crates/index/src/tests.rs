//! Index + query tests on documents built by hand (no parser needed): the test "parser"
//! reads a serialized `Vec<Document>` from each file.

use super::*;
use rasoat_extract::{Assignment, Context, DocFacts, Level, ProvisionFacts, Role, TextRange};
use rasoat_model::{DocMeta, Document, Format, Provision, ProvisionKind, Source, Span};
use std::path::Path;
use unicode_normalization::UnicodeNormalization;

fn prov(
    id: &str,
    label: &str,
    kind: ProvisionKind,
    heading: Option<&str>,
    text: &str,
    line: usize,
    children: Vec<Provision>,
) -> Provision {
    Provision {
        id: id.into(),
        label: label.into(),
        kind,
        number: id.rsplit('-').next().unwrap_or("").into(),
        heading: heading.map(String::from),
        text: text.into(),
        span: Span {
            start: 0,
            end: 0,
            line,
            col: 1,
            end_line: line + 1,
            end_col: 1,
        },
        map: Default::default(),
        law_id: None,
        article_id: None,
        children,
    }
}

fn doc(
    path: &str,
    number: &str,
    ty: &str,
    title: &str,
    date: (i16, i8, i8),
    provisions: Vec<Provision>,
) -> Document {
    Document {
        source: Source {
            path: path.into(),
            format: Format::Text,
            bytes: 0,
            digest: String::new(),
            pages: Vec::new(),
        },
        meta: DocMeta {
            number: Some(number.into()),
            doc_type: Some(ty.into()),
            type_name: None,
            issuer: Some("Ủy ban nhân dân tỉnh Đắk Lắk".into()),
            place: None,
            date: Some(jiff::civil::date(date.0, date.1, date.2)),
            title: Some(title.into()),
            normative: false,
            draft: false,
            signer: None,
            law_id: None,
            dataset: None,
        },
        provisions,
        blocks: vec![],
        warnings: vec![],
    }
}

fn corpus() -> Vec<(String, Vec<Document>)> {
    let kh = doc(
        "kh.txt",
        "45/KH-UBND",
        "KH",
        "Kế hoạch triển khai phân cấp",
        (2025, 8, 1),
        vec![prov(
            "dieu-1",
            "Điều 1",
            ProvisionKind::Dieu,
            Some("Phân cấp thẩm quyền"),
            "",
            10,
            vec![
                prov(
                    "dieu-1.khoan-1",
                    "khoản 1 Điều 1",
                    ProvisionKind::Khoan,
                    None,
                    "Sở Tư pháp chủ trì thẩm định văn bản phân cấp cho Ủy ban nhân dân cấp xã.",
                    11,
                    vec![],
                ),
                prov(
                    "dieu-1.khoan-2",
                    "khoản 2 Điều 1",
                    ProvisionKind::Khoan,
                    None,
                    "Triển khai Nghị quyết số 28/NQ-HĐND về sắp xếp đơn vị hành chính tại Đắk Lắk.",
                    12,
                    vec![],
                ),
            ],
        )],
    );
    let nq = doc(
        "nq.txt",
        "28/NQ-HĐND",
        "NQ",
        "Nghị quyết về sắp xếp đơn vị hành chính",
        (2025, 6, 1),
        vec![prov(
            "dieu-1",
            "Điều 1",
            ProvisionKind::Dieu,
            Some("Sắp xếp"),
            "Quy định về phân bổ ngân sách cho các xã.",
            5,
            vec![],
        )],
    );
    // NFD on purpose: NFC queries must still find it.
    let nfd_text: String = "Uỷ quyền cho Chủ tịch xã quyết định đầu tư công."
        .nfd()
        .collect();
    let qd = doc(
        "qd.txt",
        "12/2024/QĐ-UBND",
        "QĐ",
        "Quyết định ủy quyền",
        (2024, 3, 1),
        vec![prov(
            "dieu-2",
            "Điều 2",
            ProvisionKind::Dieu,
            None,
            &nfd_text,
            7,
            vec![],
        )],
    );
    vec![
        ("kh.json".into(), vec![kh]),
        ("nq.json".into(), vec![nq]),
        ("qd.json".into(), vec![qd]),
    ]
}

fn facts(d: &Document) -> Option<DocFacts> {
    // Hand-made extraction: Sở Tư pháp chủ trì in khoản 1 of the plan.
    if d.meta.number.as_deref() != Some("45/KH-UBND") {
        return None;
    }
    Some(DocFacts {
        provisions: vec![ProvisionFacts {
            provision: "dieu-1.khoan-1".into(),
            assignments: vec![Assignment {
                agency: "so-tu-phap".into(),
                agency_name: "Sở Tư pháp".into(),
                level: Level::Province,
                collective: false,
                role: Role::ChuTri,
                task_key: "tham dinh".into(),
                task_text: "thẩm định".into(),
                implied_subject: false,
                has_criterion: false,
                context: Context::Operative,
                range: TextRange { start: 0, end: 10 },
            }],
            ..Default::default()
        }],
        // The plan replaces the 2024 decision: --in-force leaves it out.
        edges: vec![rasoat_extract::DocEdge {
            kind: rasoat_extract::EdgeKind::ThayThe,
            target: "12/2024/QĐ-UBND".into(),
            target_label: "Quyết định số 12/2024/QĐ-UBND".into(),
            provision: "dieu-1".into(),
            range: TextRange { start: 0, end: 1 },
        }],
        ..Default::default()
    })
}

fn json_parse(p: &Path) -> Result<Vec<Document>, String> {
    let s = std::fs::read_to_string(p).map_err(|e| e.to_string())?;
    serde_json::from_str(&s).map_err(|e| format!("{}: {e}", p.display()))
}

fn build(dir: &Path, src: &Path) -> UpdateStats {
    let mut files = Vec::new();
    for (name, docs) in corpus() {
        let p = src.join(name);
        if !p.exists() {
            std::fs::write(&p, serde_json::to_string(&docs).unwrap()).unwrap();
        }
        files.push(p);
    }
    let opts = UpdateOptions {
        parse: Some(&json_parse),
        facts: Some(&facts),
        ..Default::default()
    };
    update(dir, &files, &opts).unwrap()
}

fn setup() -> (tempfile::TempDir, SearchIndex) {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let dir = t.path().join("idx");
    build(&dir, &src);
    let idx = SearchIndex::open(&dir).unwrap();
    (t, idx)
}

fn labels(r: &SearchResult) -> Vec<String> {
    r.hits
        .iter()
        .map(|h| format!("{} {}", h.document, h.label.clone().unwrap_or_default()))
        .collect()
}

#[test]
fn folded_queries_find_accented_text() {
    let (_t, idx) = setup();
    let r = idx
        .search("tham dinh van ban phan cap", &Filters::default(), 10)
        .unwrap();
    assert_eq!(r.mode, SearchMode::All);
    assert_eq!(labels(&r)[0], "45/KH-UBND khoản 1 Điều 1");
    assert!(
        r.hits[0].snippet.contains("**thẩm**"),
        "{}",
        r.hits[0].snippet
    );
    let r = idx.search("dak lak", &Filters::default(), 10).unwrap();
    assert!(
        labels(&r).iter().any(|l| l.contains("khoản 2 Điều 1")),
        "{:?}",
        labels(&r)
    );
}

#[test]
fn nfd_documents_found_by_nfc_query() {
    let (_t, idx) = setup();
    let r = idx
        .search("ủy quyền chủ tịch", &Filters::default(), 10)
        .unwrap();
    assert_eq!(
        r.hits.first().map(|h| h.document.as_str()),
        Some("12/2024/QĐ-UBND")
    );
}

#[test]
fn phrase_and_negation() {
    let (_t, idx) = setup();
    let r = idx.search("\"phan cap\"", &Filters::default(), 10).unwrap();
    assert!(
        r.hits.iter().all(|h| h.document == "45/KH-UBND"),
        "{:?}",
        labels(&r)
    );
    // "phân bổ ... các xã" has phan and xa but not the phrase "phan cap".
    let r = idx
        .search("\"cap xa\" -dinh", &Filters::default(), 10)
        .unwrap();
    assert!(r.hits.is_empty(), "{:?}", labels(&r));
    let r = idx.search("\"cap xa\"", &Filters::default(), 10).unwrap();
    assert_eq!(r.hits.len(), 1);
}

#[test]
fn and_falls_back_to_any() {
    let (_t, idx) = setup();
    let r = idx
        .search("phân cấp ngân sách", &Filters::default(), 10)
        .unwrap();
    assert!(r.fallback);
    assert_eq!(r.mode, SearchMode::Any);
    assert!(!r.hits.is_empty());
}

#[test]
fn filters() {
    let (_t, idx) = setup();
    let f = Filters {
        doc_type: Some("KH".into()),
        ..Default::default()
    };
    let r = idx.search("xa", &f, 10).unwrap();
    assert!(!r.hits.is_empty() && r.hits.iter().all(|h| h.document == "45/KH-UBND"));
    let f = Filters {
        agency: Some("Sở Tư pháp".into()),
        role: Some("chu-tri".into()),
        ..Default::default()
    };
    let r = idx.search("van ban", &f, 10).unwrap();
    assert_eq!(labels(&r), ["45/KH-UBND khoản 1 Điều 1"]);
    let f = Filters {
        from: Some(jiff::civil::date(2025, 1, 1)),
        ..Default::default()
    };
    let r = idx.search("xa", &f, 10).unwrap();
    assert!(r.hits.iter().all(|h| h.document != "12/2024/QĐ-UBND"));
    assert!(!r.hits.is_empty());
    let f = Filters {
        to: Some(jiff::civil::date(2024, 12, 31)),
        ..Default::default()
    };
    let r = idx.search("xa", &f, 10).unwrap();
    assert_eq!(r.hits.len(), 1);
}

#[test]
fn in_force_filter_uses_replacement_edges() {
    let (_t, idx) = setup();
    let r = idx
        .search("chu tich dau tu", &Filters::default(), 10)
        .unwrap();
    let h = r
        .hits
        .iter()
        .find(|h| h.document == "12/2024/QĐ-UBND")
        .expect("decision found");
    assert_eq!(h.effect.as_deref(), Some("replaced by 45/KH-UBND"));
    let f = Filters {
        in_force: true,
        ..Default::default()
    };
    let r = idx.search("chu tich dau tu", &f, 10).unwrap();
    assert!(
        r.hits.iter().all(|h| h.document != "12/2024/QĐ-UBND"),
        "{:?}",
        labels(&r)
    );
}

#[test]
fn number_query_finds_document_and_citers() {
    let (_t, idx) = setup();
    for q in ["28/NQ-HĐND", "28/NQ-HDND", "số 28 / NQ - HĐND"] {
        let r = idx.search(q, &Filters::default(), 10).unwrap();
        assert_eq!(r.mode, SearchMode::Number, "{q}");
        assert_eq!(r.hits[0].kind, "document");
        assert_eq!(r.hits[0].document, "28/NQ-HĐND");
        assert!(
            r.hits
                .iter()
                .any(|h| h.document == "45/KH-UBND" && h.matched.as_deref() == Some("cites")),
            "{q}"
        );
    }
}

#[test]
fn empty_and_stop_word_queries_are_errors() {
    let (_t, idx) = setup();
    for q in ["", "   ", "của và là", "-phan"] {
        match idx.search(q, &Filters::default(), 10) {
            Err(e) => assert!(e.is_usage(), "{q}: {e}"),
            Ok(r) => panic!("{q}: expected an error, got {:?}", labels(&r)),
        }
    }
}

#[test]
fn long_question_ranks_articles() {
    let (_t, idx) = setup();
    let r = idx
        .search(
            "Thưa luật sư, Sở Tư pháp có phải thẩm định văn bản phân cấp cho cấp xã không?",
            &Filters::default(),
            10,
        )
        .unwrap();
    assert_eq!(r.mode, SearchMode::Any);
    assert!(!r.fallback);
    // The article wins; the hit shown is its best-matching clause.
    assert_eq!(r.hits[0].document, "45/KH-UBND");
    assert_eq!(
        r.hits[0].provision.as_deref(),
        Some("dieu-1.khoan-1"),
        "{:?}",
        labels(&r)
    );
}

#[test]
fn incremental_update_and_stale_detection() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let dir = t.path().join("idx");
    let s = build(&dir, &src);
    assert_eq!(s.files_read, 3);
    let s = build(&dir, &src);
    assert_eq!((s.files_read, s.files_unchanged), (0, 3));
    // Remove a file: its records leave the index.
    std::fs::remove_file(src.join("qd.json")).unwrap();
    let files: Vec<_> = ["kh.json", "nq.json"].iter().map(|n| src.join(n)).collect();
    let opts = UpdateOptions {
        parse: Some(&json_parse),
        ..Default::default()
    };
    let s = update(&dir, &files, &opts).unwrap();
    assert_eq!(s.files_removed, 1);
    let idx = SearchIndex::open(&dir).unwrap();
    assert!(
        idx.search("chu tich dau tu cong", &Filters::default(), 10)
            .unwrap()
            .hits
            .iter()
            .all(|h| h.document != "12/2024/QĐ-UBND")
    );
    drop(idx);
    // Stale: older analyzer version recorded.
    let m = std::fs::read_to_string(dir.join(manifest::MANIFEST)).unwrap();
    let v: serde_json::Value = serde_json::from_str(&m).unwrap();
    let mut v = v;
    v["analyzer_version"] = serde_json::json!(0);
    std::fs::write(dir.join(manifest::MANIFEST), v.to_string()).unwrap();
    match SearchIndex::open(&dir) {
        Err(e @ IndexError::Stale { .. }) => {
            assert!(e.to_string().contains("rasoat index --rebuild"))
        }
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("stale index opened"),
    }
}

#[test]
fn corrupt_index_is_reported() {
    let (t, idx) = setup();
    let dir = idx.dir.clone();
    drop(idx);
    std::fs::write(dir.join("meta.json"), "{not json").unwrap();
    match SearchIndex::open(&dir) {
        Err(e @ IndexError::Corrupt { .. }) => assert!(e.to_string().contains("--rebuild"), "{e}"),
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("corrupt index opened"),
    }
    drop(t);
}

#[test]
fn cascade_scores_candidates_as_the_full_query_does() {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
    use tantivy::schema::IndexRecordOption;
    let (_t, idx) = setup();
    let f = idx.fields;
    let term = |field, t: &str| -> (Occur, Box<dyn Query>) {
        (
            Occur::Should,
            Box::new(TermQuery::new(
                tantivy::Term::from_field_text(field, t),
                IndexRecordOption::WithFreqs,
            )),
        )
    };
    // Full query: syllables and bigrams; first stage: the bigram only.
    let full = BooleanQuery::new(vec![
        term(f.text, "tham"),
        term(f.text, "dinh"),
        term(f.text, "phan"),
        term(f.text_bigram, "phan_cap"),
    ]);
    let first = BooleanQuery::new(vec![term(f.text_bigram, "phan_cap")]);
    let searcher = idx.reader.searcher();
    let exact: Vec<(f32, tantivy::DocAddress)> = searcher
        .search(&full, &TopDocs::with_limit(1000).order_by_score())
        .unwrap();
    let cands: Vec<(f32, tantivy::DocAddress)> = searcher
        .search(&first, &TopDocs::with_limit(1000).order_by_score())
        .unwrap();
    let got = crate::query::rescore(&searcher, &full, &first, 1000).unwrap();
    assert!(
        !cands.is_empty() && got.len() == cands.len(),
        "every candidate matches the full query too"
    );
    for (sc, addr) in &got {
        let want = exact
            .iter()
            .find(|(_, a)| a == addr)
            .map(|x| x.0)
            .expect("candidate in full results");
        assert!((sc - want).abs() < 1e-4, "{addr:?}: {sc} vs {want}");
    }
    assert!(got.windows(2).all(|w| w[0].0 >= w[1].0), "best first");
    // Candidates are limited to the first stage's top n1.
    assert_eq!(
        crate::query::rescore(&searcher, &full, &first, 1)
            .unwrap()
            .len(),
        1
    );
}
