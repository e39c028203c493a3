//! Shared sample report for the renderer tests.
use crate::SourceCache;
use rasoat_model::{Finding, Location, Report, RuleInfo, Severity};

pub fn unicode_nfd(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd().collect()
}

pub const DRAFT: &str = "DỰ THẢO\n\n1. Nhiệm vụ\nSở Nội vụ chủ trì thẩm định các văn bản QPPL về phân cấp <script>alert(1)</script>.\n";
pub const SEED: &str = "III. TỔ CHỨC THỰC HIỆN\n\n1. Sở Tư pháp\n\nChủ trì thẩm định các văn bản QPPL quy định về phân cấp; phối hợp với\n";

pub fn sample() -> (Report, SourceCache) {
    let cache = SourceCache::new();
    // Line 3 of the draft holds the task; drop the "1. Nhiệm vụ" line to keep it on line 3.
    let draft = DRAFT.replacen("1. Nhiệm vụ\n", "", 1);
    cache.insert("drafts/qd.md", draft.clone());
    cache.insert("corpus/kh-45.txt", SEED.to_string());
    let b0 = draft.find("Sở Nội vụ").unwrap();
    let b1 = b0 + "Sở Nội vụ chủ trì".len();
    let s0 = SEED.find("Chủ trì thẩm định").unwrap();
    let s1 = s0 + "Chủ trì thẩm định".len();
    let loc = Location {
        file: "drafts/qd.md".into(),
        line: 3,
        end_line: 3,
        column: 1,
        end_column: 17,
        byte_start: b0,
        byte_end: b1,
        provision: Some("1".into()),
        label: Some("khoản 1".into()),
        document: Some("Dự thảo QĐ".into()),
        snippet: Some("Sở Nội vụ chủ trì".into()),
    };
    let rel = Location {
        file: "corpus/kh-45.txt".into(),
        line: 5,
        end_line: 5,
        column: 1,
        end_column: 17,
        byte_start: s0,
        byte_end: s1,
        provision: Some("III.1".into()),
        label: Some("mục III khoản 1".into()),
        document: Some("45/KH-UBND".into()),
        snippet: Some("Chủ trì thẩm định <b>".into()),
    };
    let f = Finding {
        rule: "lead-agency-conflict".into(),
        code: "R01".into(),
        severity: Severity::Error,
        message: "Giao Sở Nội vụ chủ trì thẩm định, nhưng 45/KH-UBND giao Sở Tư pháp chủ trì: \"mâu thuẫn\", 100%, a,b: c".into(),
        category: "mâu thuẫn".into(),
        handling: "sửa đổi, bổ sung".into(),
        legal_basis: "Điều 12 Luật Ban hành VBQPPL 2025".into(),
        location: loc,
        related: vec![rel],
        evidence: vec![("task_key".into(), "tham dinh van ban qppl".into())],
        fingerprint: "0123456789abcdef".into(),
    };
    let mut g = f.clone();
    g.rule = "stale-citation".into();
    g.code = "R05".into();
    g.severity = Severity::Warning;
    g.message = "Trích dẫn văn bản đã bị thay thế\r\nline2".into();
    g.related.clear();
    g.fingerprint = "fedcba9876543210".into();
    let rules = vec![RuleInfo {
        code: "R01".into(),
        id: "lead-agency-conflict".into(),
        name_vi: "Mâu thuẫn cơ quan chủ trì".into(),
        name_en: "Lead agency conflict".into(),
        severity: Severity::Error,
        category: "mâu thuẫn".into(),
        handling: "sửa đổi, bổ sung".into(),
        legal_basis: "Điều 12".into(),
        description: "Hai văn bản giao cùng một nhiệm vụ cho hai cơ quan chủ trì khác nhau.".into(),
    }];
    (
        Report::new(vec![f, g], rules, 2, 10, 1, "2026-11-28".into()),
        cache,
    )
}

/// The sample report with its documents: the draft (a Quyết định with an advising body) and two
/// corpus plans, one of them replaced.
pub fn sample_with_documents() -> Report {
    use rasoat_model::{Date, DocumentInfo};
    let (mut report, _) = sample();
    report.documents = vec![
        DocumentInfo {
            path: "drafts/qd.md".into(),
            number: Some("12/2026/QĐ-UBND".into()),
            display: "Dự thảo QĐ".into(),
            type_name: Some("Quyết định".into()),
            date: Some(Date::constant(2026, 3, 5)),
            title: Some("Quy định phân cấp thẩm định văn bản quy phạm pháp luật".into()),
            issuer: Some("Ủy ban nhân dân tỉnh Đắk Lắk".into()),
            advising_body: Some("Sở Nội vụ".into()),
            draft: false,
            status: "in-force".into(),
            status_by: None,
            status_date: None,
        },
        DocumentInfo {
            path: "corpus/kh-45.txt".into(),
            number: Some("45/KH-UBND".into()),
            display: "45/KH-UBND".into(),
            type_name: Some("Kế hoạch".into()),
            date: Some(Date::constant(2024, 5, 9)),
            title: Some("Đẩy mạnh phân cấp, phân quyền".into()),
            issuer: Some("Ủy ban nhân dân tỉnh Đắk Lắk".into()),
            status: "in-force".into(),
            ..Default::default()
        },
        DocumentInfo {
            path: "corpus/kh-89.txt".into(),
            number: Some("89/KH-UBND".into()),
            display: "89/KH-UBND".into(),
            type_name: Some("Kế hoạch".into()),
            date: Some(Date::constant(2023, 1, 10)),
            title: Some("Phân cấp năm 2023".into()),
            status: "replaced".into(),
            status_by: Some("Kế hoạch 45/KH-UBND".into()),
            status_date: Some(Date::constant(2024, 5, 9)),
            ..Default::default()
        },
    ];
    report
}
