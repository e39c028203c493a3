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
