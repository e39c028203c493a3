//! Extractor tests: positive and negative sentences for every extractor, including folded
//! (no diacritics), NFD and PDF-reflowed input, and the near-misses of the domain notes.

use crate::testing::{document_from_text, single_provision_doc};
use crate::*;
use rasoat_model::{Date, Document};
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

static X: LazyLock<Extractor> = LazyLock::new(|| Extractor::bundled().expect("bundled data"));

fn run(text: &str) -> (Document, DocFacts) {
    let d = document_from_text("t.txt", text);
    let f = X.extract(&d);
    (d, f)
}

fn one(text: &str) -> ProvisionFacts {
    let d = single_provision_doc(text);
    X.extract(&d)
        .provisions
        .into_iter()
        .next()
        .expect("one provision")
}

fn all<T: Clone>(f: &DocFacts, g: impl Fn(&ProvisionFacts) -> &Vec<T>) -> Vec<T> {
    f.provisions
        .iter()
        .flat_map(|p| g(p).iter().cloned())
        .collect()
}

fn d(y: i16, m: i8, dd: i8) -> Date {
    Date::constant(y, m, dd)
}

// ---------------------------------------------------------------- citations

#[test]
fn citation_full_first_mention() {
    let p = one(
        "Quyết định số 608/QĐ-TTg ngày 15/3/2025 của Thủ tướng Chính phủ ban hành Kế hoạch triển khai các nhiệm vụ;",
    );
    assert_eq!(p.citations.len(), 1);
    let c = &p.citations[0];
    assert_eq!(c.type_word.as_deref(), Some("Quyết định"));
    assert_eq!(c.number.as_deref(), Some("608/QĐ-TTg"));
    assert_eq!(c.key, "608/qd-ttg");
    assert_eq!(c.date, Some(d(2025, 3, 15)));
    assert_eq!(c.issuer.as_deref(), Some("Thủ tướng Chính phủ"));
    assert_eq!(
        c.title.as_deref(),
        Some("ban hành Kế hoạch triển khai các nhiệm vụ")
    );
    assert_eq!(c.registry_key.as_deref(), Some("608/qd-ttg"));
}

#[test]
fn citation_pdf_reflow_and_double_spaces() {
    let (_, f) = run(
        "Công điện số 168/CĐ-\nTTg ngày 21/9/2025 của Thủ tướng Chính phủ về việc tăng cường;\n",
    );
    let cs = all(&f, |p| &p.citations);
    assert_eq!(cs[0].number.as_deref(), Some("168/CĐ-TTg"));
    assert_eq!(cs[0].key, "168/cd-ttg");
    let p = one(
        "Để  có  cơ  sở  tiếp  tục  triển  khai  Nghị  quyết  số  28/NQ-HĐND  ngày 10/10/2023 của HĐND tỉnh",
    );
    assert_eq!(p.citations[0].type_word.as_deref(), Some("Nghị quyết"));
    assert_eq!(p.citations[0].date, Some(d(2023, 10, 10)));
    assert_eq!(p.citations[0].role, CitationRole::Implements);
}

#[test]
fn citation_folded_and_nfd() {
    let p = one("Quyet dinh so 608/QD-TTg ngay 15 thang 3 nam 2025 cua Thu tuong Chinh phu");
    assert_eq!(p.citations[0].key, "608/qd-ttg");
    assert_eq!(p.citations[0].date, Some(d(2025, 3, 15)));
    assert_eq!(
        p.citations[0].issuer.as_deref(),
        Some("Thu tuong Chinh phu")
    );
    let nfd: String = "Nghị quyết số 28/NQ-HĐND ngày 10/10/2023 của HĐND tỉnh"
        .nfd()
        .collect();
    let p = one(&nfd);
    assert_eq!(p.citations[0].key, "28/nq-hdnd");
    assert_eq!(p.citations[0].date, Some(d(2023, 10, 10)));
    assert!(p.citations[0].issuer.is_some());
}

#[test]
fn citation_number_forms() {
    let p = one(
        "Kết luận số 192-KL/TW ngày 19/9/2025 của Bộ Chính trị; Luật số 72/2025/QH15; Nghị quyết số 1660/NQ-UBTVQH15",
    );
    let keys: Vec<&str> = p.citations.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys, ["192-kl/tw", "72/2025/qh15", "1660/nq-ubtvqh15"]);
    assert_eq!(p.citations[1].year, Some(2025));
    assert_eq!(p.citations[0].issuer.as_deref(), Some("Bộ Chính trị"));
    // the same document written two ways resolves to one key
    let a = one("Nghị quyết số 28/NQ-HĐND");
    let b = one("Nghi quyet so 28 / NQ - HDND");
    assert_eq!(a.citations[0].key, b.citations[0].key);
}

#[test]
fn citation_law_by_name_and_date() {
    let p = one(
        "Triển khai Luật Tổ chức chính quyền địa phương ngày 16/6/2025; Nghị quyết số 04/NQ-CP",
    );
    let c = &p.citations[0];
    assert_eq!(c.key, "luat:to chuc chinh quyen dia phuong");
    assert_eq!(c.date, Some(d(2025, 6, 16)));
    assert_eq!(
        c.law_name.as_deref(),
        Some("Luật Tổ chức chính quyền địa phương")
    );
    assert_eq!(c.registry_key.as_deref(), Some("72/2025/qh15"));
    assert_eq!(c.role, CitationRole::Implements);
    assert_eq!(
        p.citations[1].role,
        CitationRole::Implements,
        "the cue governs the whole list"
    );
    let p = one("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;");
    assert_eq!(p.citations[0].registry_key.as_deref(), Some("77/2015/qh13"));
    assert_eq!(p.citations[0].context, Context::CanCu);
    let p = one("Căn cứ Luật Quản lý, sử dụng tài sản công số 15/2017/QH14;");
    assert_eq!(
        p.citations[0].law_name.as_deref(),
        Some("Luật Quản lý, sử dụng tài sản công")
    );
    // negatives: a name without date/number/year is not a checkable citation; "Luật này" is not a name
    assert!(
        one("theo quy định của Luật Tổ chức chính quyền địa phương.")
            .citations
            .is_empty()
    );
    assert!(
        one("Luật này có hiệu lực từ ngày 01 tháng 7 năm 2025.")
            .citations
            .is_empty()
    );
}

/// Commonly cited replaced laws resolve by number and by name + year, and the graph knows
/// their replacement (Luật Đất đai 2013 → Luật số 31/2024/QH15 from 01/8/2024).
#[test]
fn replaced_national_laws_by_number_and_name_year() {
    let p = one(
        "Căn cứ Luật Đất đai năm 2013; Bộ luật Dân sự năm 2005; Luật Đất đai ngày 18 tháng 01 năm 2024;",
    );
    let keys: Vec<_> = p.citations.iter().map(|c| c.registry_key.clone()).collect();
    assert_eq!(
        keys,
        vec![
            Some("45/2013/qh13".to_string()),
            Some("33/2005/qh11".to_string()),
            Some("31/2024/qh15".to_string())
        ],
        "{:#?}",
        p.citations
    );
    let (doc, facts) = run("Căn cứ Luật Đất đai số 45/2013/QH13 ngày 29 tháng 11 năm 2013;\n");
    let g = X.graph(&[(&doc, &facts)]);
    assert_eq!(
        g.replaced_by("45/2013/QH13"),
        Some(("31/2024/qh15".to_string(), Some(d(2024, 8, 1))))
    );
    assert_eq!(
        g.replaced_by("13/2003/QH11").map(|x| x.0),
        Some("45/2013/qh13".to_string())
    );
    assert_eq!(g.current("13/2003/QH11"), vec!["31/2024/qh15".to_string()]);
    assert_eq!(g.replaced_by("31/2024/QH15"), None);
}

#[test]
fn citation_roles() {
    let p = one(
        "Kế hoạch này thay thế Kế hoạch số 89/KH-UBND ngày 09/05/2024 của UBND tỉnh Đắk Lắk (cũ)./.",
    );
    assert_eq!(p.citations[0].role, CitationRole::Replaces);
    assert_eq!(p.citations[0].date, Some(d(2024, 5, 9)));
    assert_eq!(p.citations[0].issuer.as_deref(), Some("UBND tỉnh Đắk Lắk"));
    assert_eq!(
        one("Bãi bỏ Quyết định số 12/2020/QĐ-UBND ngày 05/3/2020.").citations[0].role,
        CitationRole::Repeals
    );
    assert_eq!(
        one("Quyết định số 12/2020/QĐ-UBND hết hiệu lực.").citations[0].role,
        CitationRole::DeclaresExpired
    );
    assert_eq!(
        one("Sửa đổi, bổ sung Quyết định số 12/2020/QĐ-UBND như sau:").citations[0].role,
        CitationRole::Amends
    );
    let p = one("Căn cứ Nghị định số 34/2016/NĐ-CP ngày 14 tháng 5 năm 2016 của Chính phủ;");
    assert_eq!(
        (p.citations[0].role, p.citations[0].context),
        (CitationRole::CanCu, Context::CanCu)
    );
    // history, not a replacement clause
    assert_eq!(
        one("Kế hoạch này đã được thay thế bởi Kế hoạch số 12/KH-UBND.").citations[0].role,
        CitationRole::Mention
    );
    assert_eq!(
        one("Luật số 15/2017/QH14 được sửa đổi, bổ sung bởi Luật số 64/2020/QH14").citations[1]
            .role,
        CitationRole::Mention
    );
}

#[test]
fn citation_negatives() {
    let p = one("Ngày 16/6/2025, Quốc hội quyết định điều chỉnh 02 cấp; tỷ lệ 1/2 số xã.");
    assert!(p.citations.is_empty(), "{:?}", p.citations);
}

#[test]
fn cited_title_mentions_are_not_operative() {
    let p = one(
        "Nghị quyết số 28/NQ-HĐND ngày 10/10/2023 của HĐND tỉnh về việc thông qua Đề án đẩy mạnh phân cấp đối với UBND cấp huyện, cấp xã và cơ quan chuyên môn thuộc UBND tỉnh và Đề án số 6032/ĐA-UBND ngày 17/7/2023 của UBND tỉnh",
    );
    let huyen = p
        .agencies
        .iter()
        .find(|a| a.id == "ubnd-cap-huyen")
        .expect("district body found");
    assert_eq!(huyen.context, Context::CitedTitle);
    assert_eq!(huyen.level, Level::District);
    assert_eq!(p.citations.len(), 2);
    assert!(
        p.citations[0]
            .title
            .as_deref()
            .is_some_and(|t| t.ends_with("thuộc UBND tỉnh"))
    );
    assert!(p.assignments.iter().all(|a| a.agency != "ubnd-cap-huyen"));
}

// ---------------------------------------------------------------- part references

const LAW: &str = "Điều 5. Phân cấp\n1. Nội dung một.\n2. Nội dung hai:\na) điểm a;\nb) điểm b.\n3. Nội dung ba.\nĐiều 6. Trách nhiệm\n1. Thực hiện theo điểm a khoản 2 Điều 5 của Luật này; các khoản 2, 3 Điều 5; khoản 9 Điều 5; khoản 1 Điều này; khoản 3 Điều 51 của Luật Đất đai; khoản 2 Điều 5 và Điều 6; điểm a khoản 1 Điều 7.\nĐiều 7. Khác\nNội dung không chia khoản.\n";

#[test]
fn part_refs_in_law() {
    let (_, f) = run(LAW);
    let refs = all(&f, |p| &p.part_refs);
    assert_eq!(refs[0].targets, ["dieu-5.khoan-2.diem-a"]);
    assert_eq!(refs[0].resolved, Some(true));
    assert_eq!(refs[1].targets, ["dieu-5.khoan-2", "dieu-5.khoan-3"]);
    assert_eq!(refs[2].resolved, Some(false), "khoản 9 does not exist");
    assert_eq!(refs[3].targets, ["dieu-6.khoan-1"]);
    assert!(
        !refs[4].internal && refs[4].resolved.is_none(),
        "another law"
    );
    assert_eq!(
        refs[5].targets,
        ["dieu-5.khoan-2", "dieu-6"],
        "khoản belongs to the first Điều only"
    );
    assert_eq!(
        (refs[6].targets.clone(), refs[6].resolved),
        (vec!["dieu-7".to_string()], Some(true)),
        "Điều without split khoản contains it"
    );
}

#[test]
fn part_refs_across_documents() {
    let mut law = document_from_text("dat-dai.txt", "Điều 5. Phạm vi\n1. Một.\n2. Hai.\n");
    law.meta.law_id = Some("Luật Đất đai".into());
    law.meta.number = Some("31/2024/QH15".into());
    let user = document_from_text(
        "qd.txt",
        "Điều 1. Áp dụng\n1. Theo khoản 1 Điều 5 của Luật Đất đai; Điều 9 của Luật Đất đai; khoản 2 Điều 5 Luật số 31/2024/QH15; Điều 3 của Luật Xây dựng.\n",
    );
    let mut facts = vec![X.extract(&law), X.extract(&user)];
    X.resolve_cross_refs(&[&law, &user], &mut facts);
    let refs = all(&facts[1], |p| &p.part_refs);
    assert_eq!(refs[0].document_key.as_deref(), Some("luat:dat dai"));
    assert_eq!(
        (refs[0].targets.clone(), refs[0].resolved),
        (vec!["dieu-5.khoan-1".to_string()], Some(true))
    );
    assert_eq!(refs[1].resolved, Some(false), "Điều 9 is not in the law");
    assert_eq!(
        (refs[2].targets.clone(), refs[2].resolved),
        (vec!["dieu-5.khoan-2".to_string()], Some(true))
    );
    assert_eq!(
        (refs[3].document_key.as_deref(), refs[3].resolved),
        (Some("luat:xay dung"), None),
        "not in the corpus"
    );
}

const PLAN: &str = "I. MỤC ĐÍCH\n1. Mục đích\na) Nội dung.\nII. NỘI DUNG\n1. Tuyên truyền\na) Thực hiện theo mục I và điểm a khoản 1 mục I; điểm c khoản 1 mục II.\nb) Ban hành theo phụ lục kèm theo Kế hoạch này.\nIII. TỔ CHỨC THỰC HIỆN\n1. Sở Tư pháp\nChủ trì thẩm định các văn bản QPPL quy định về phân cấp; phối hợp với các sở, ban, ngành rà soát văn bản QPPL của HĐND, UBND tỉnh.\n2. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh\nThường xuyên rà soát, đánh giá và đề xuất các nội dung hoàn thiện Quy chế phối hợp.\n3. Các cơ quan chuyên môn thuộc UBND tỉnh; UBND các xã, phường\na) Chủ trì, phối hợp với Sở Tư pháp, Sở Nội vụ rà soát, tham mưu UBND tỉnh sửa đổi văn bản. Nghiên cứu, đề xuất phân cấp, phân quyền, ủy quyền cho UBND cấp xã thực hiện một số nhiệm vụ.\nb) Chịu trách nhiệm trước UBND tỉnh; báo cáo UBND tỉnh (qua Sở Nội vụ) trước ngày 01 tháng 12 hằng năm.\n";

#[test]
fn part_refs_in_plan_and_appendix() {
    let (_, f) = run(PLAN);
    let refs = all(&f, |p| &p.part_refs);
    assert_eq!(refs[0].targets, ["I"]);
    assert_eq!(refs[1].targets, ["I.1.a"]);
    assert_eq!(refs[2].resolved, Some(false), "II.1.c is absent");
    let app = refs
        .iter()
        .find(|r| r.appendix)
        .expect("appendix reference");
    assert_eq!(
        app.resolved,
        Some(false),
        "no Phụ lục in the text (rule R20)"
    );
    let (_, f2) = run(&format!("{PLAN}Phụ lục\nDanh mục nhiệm vụ\n"));
    let app2 = all(&f2, |p| &p.part_refs)
        .into_iter()
        .find(|r| r.appendix)
        .expect("appendix ref");
    assert_eq!(app2.resolved, Some(true));
    // plain words are not references
    assert!(
        one("xác định các nội dung, điều, khoản, điểm có liên quan")
            .part_refs
            .is_empty()
    );
}

// ---------------------------------------------------------------- agencies and places

fn ids(text: &str) -> Vec<String> {
    X.find_agencies(text).into_iter().map(|m| m.id).collect()
}

#[test]
fn agencies_all_spellings_resolve() {
    for t in [
        "UBND cấp xã",
        "Ủy ban nhân dân các xã, phường",
        "ubnd cap xa",
        "UỶ BAN NHÂN DÂN CẤP XÃ",
        "Uỷ ban nhân dân\ncác xã,  phường",
    ] {
        assert_eq!(ids(t), ["ubnd-cap-xa"], "{t}");
    }
    let nfd: String = "Ủy ban nhân dân tỉnh".nfd().collect();
    assert_eq!(ids(&nfd), ["ubnd-tinh"]);
    assert_eq!(
        ids("Chủ tịch UBND tỉnh"),
        ["chu-tich-ubnd-tinh"],
        "longest match wins"
    );
    assert_eq!(
        ids("các cơ quan chuyên môn thuộc UBND tỉnh"),
        ["co-quan-chuyen-mon-tinh"]
    );
    assert_eq!(ids("STP, SNV"), ["so-tu-phap", "so-noi-vu"]);
    assert!(ids("stp").is_empty(), "abbreviations keep their capitals");
    let m = &X.find_agencies("Giao Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh")[0];
    assert_eq!((m.id.as_str(), m.level), ("ubmttq-tinh", Level::Outside));
    // ranges point at the original text
    let t = "Giao Sở Tư pháp chủ trì";
    let m = &X.find_agencies(t)[0];
    assert_eq!(&t[m.range.start..m.range.end], "Sở Tư pháp");
}

#[test]
fn agencies_levels_renames_and_near_misses() {
    assert!(
        X.find_agencies("Phòng Xây dựng văn bản thuộc Sở Tư pháp")
            .iter()
            .all(|m| m.level != Level::District)
    );
    assert_eq!(ids("Phòng Tư pháp thuộc Sở Tư pháp"), ["so-tu-phap"]);
    let m = &X.find_agencies("Phòng Tư pháp huyện Krông Búk")[0];
    assert_eq!(m.level, Level::District);
    assert_eq!(m.ended, Some(d(2025, 7, 1)));
    let m = &X.find_agencies("Sở Kế hoạch và Đầu tư chủ trì")[0];
    assert_eq!(m.successors, ["so-tai-chinh"]);
    assert_eq!(
        X.gazetteer().current_successors("so-lao-dong-tbxh"),
        ["so-noi-vu", "so-y-te", "so-giao-duc-va-dao-tao"]
    );
    assert_eq!(
        X.find_agencies("Sở Kế hoạch và Đầu tư (cũ)")[0].context,
        Context::Historic
    );
    assert_eq!(
        X.find_agencies("Sở Tài chính (tiếp nhận chức năng của Sở Kế hoạch và Đầu tư trước đây)")
            [1]
        .context,
        Context::Historic
    );
    let t = &X.find_agencies("UBND thị trấn Phước An")[0];
    assert_eq!(
        (t.id.as_str(), t.level, t.ended),
        ("ubnd-thi-tran", Level::Commune, Some(d(2025, 7, 1)))
    );
    let a = X.gazetteer().agency("so-tu-phap").expect("so-tu-phap");
    assert_eq!((a.name.as_str(), a.level), ("Sở Tư pháp", Level::Province));
    let h = &X.find_agencies("Giám đốc Sở Công Thương ủy quyền")[0];
    assert_eq!(h.head.as_deref(), Some("Giám đốc"));
}

#[test]
fn places_unit_prefix_decides() {
    let g = X.gazetteer();
    let p = &g.find_places("xã Krông Búk")[0];
    assert_eq!((p.level, p.abolished), (Level::Commune, false));
    let p = &g.find_places("trên địa bàn huyện Krông Búk")[0];
    assert_eq!((p.level, p.abolished), (Level::District, true));
    let p = &g.find_places("UBND thị xã Buôn Hồ")[0];
    assert_eq!((p.unit.as_str(), p.level), ("thị xã", Level::District));
    let p = &g.find_places("Sở Tài chính phối hợp với UBND tỉnh Phú Yên")[0];
    assert!(p.abolished);
    assert_eq!(p.successor.as_deref(), Some("tỉnh Đắk Lắk"));
    let p = &g.find_places("ubnd tinh phu yen")[0];
    assert_eq!(p.key, "tinh phu yen");
    assert!(p.abolished);
    assert_eq!(
        g.find_places("UBND tỉnh Đắk Lắk (cũ)")[0].context,
        Context::Historic
    );
    assert!(!g.find_places("tỉnh Đắk Lắk")[0].abolished);
    assert_eq!(
        g.find_places("thành phố Hồ Chí Minh")[0].level,
        Level::Province
    );
    assert_eq!(
        g.find_places("thành phố Buôn Ma Thuột")[0].level,
        Level::District
    );
    // not places
    assert!(g.find_places("UBND cấp xã Triển khai").is_empty());
    assert!(
        g.find_places("cơ quan Nhóm 1 và cơ quan quản lý")
            .is_empty()
    );
    assert!(g.find_places("UBND tỉnh ban hành").is_empty());
}

// ---------------------------------------------------------------- roles and assignments

fn assigns(f: &DocFacts) -> Vec<Assignment> {
    all(f, |p| &p.assignments)
}

#[test]
fn roles_in_plan_with_implied_subjects() {
    let (_, f) = run(PLAN);
    let a = assigns(&f);
    let stp: Vec<&Assignment> = a.iter().filter(|x| x.agency == "so-tu-phap").collect();
    assert_eq!(stp[0].role, Role::ChuTri);
    assert!(stp[0].implied_subject);
    assert_eq!(stp[0].task_key, "tham dinh van ban qppl quy dinh phan cap");
    assert_eq!(stp[1].role, Role::PhoiHop);
    assert!(stp[1].task_key.starts_with("ra soat van ban qppl"));
    let mttq: Vec<&Assignment> = a.iter().filter(|x| x.agency == "ubmttq-tinh").collect();
    assert_eq!(mttq.len(), 1);
    assert_eq!(mttq[0].role, Role::DeNghi);
    let lead: Vec<&str> = a
        .iter()
        .filter(|x| x.role == Role::ChuTri && x.task_key.starts_with("ra soat tham muu"))
        .map(|x| x.agency.as_str())
        .collect();
    assert_eq!(lead, ["co-quan-chuyen-mon-tinh", "ubnd-cap-xa"]);
    let partners: Vec<&str> = a
        .iter()
        .filter(|x| x.role == Role::PhoiHop && x.task_key.starts_with("ra soat tham muu"))
        .map(|x| x.agency.as_str())
        .collect();
    assert_eq!(partners, ["so-tu-phap", "so-noi-vu"]);
    // UBND tỉnh is only the object of "tham mưu", never an assignee
    assert!(a.iter().all(|x| x.agency != "ubnd-tinh"));
}

#[test]
fn heading_with_subject_and_role_over_a_list() {
    let text = "II. TỔ CHỨC\n1. Sở Tư pháp chủ trì, phối hợp với các cơ quan\n- Rà soát văn bản QPPL về phân cấp;\n- Kiểm tra việc thực hiện.\n2. Trách nhiệm thực hiện\n- Tổng hợp kết quả.\n";
    // the real parser makes the first line a heading over "-" bullets
    let doc = rasoat_parse::parse_bytes("t.txt", text.as_bytes())
        .expect("parse")
        .remove(0);
    assert_eq!(
        doc.find("II.1").and_then(|p| p.heading.as_deref()),
        Some("Sở Tư pháp chủ trì, phối hợp với các cơ quan")
    );
    let f = X.extract(&doc);
    let a = assigns(&f);
    assert!(
        a.iter().any(|x| x.agency == "so-tu-phap"
            && x.task_key.starts_with("ra soat van ban qppl")
            && x.implied_subject),
        "{a:#?}"
    );
    assert!(
        a.iter().all(|x| !x.task_key.starts_with("tong hop")),
        "a heading without an agency gives no subject"
    );
}

#[test]
fn task_keys_match_across_wordings_and_folding() {
    let k1 = &one("Sở Tư pháp chủ trì rà soát các văn bản QPPL về phân cấp của HĐND, UBND tỉnh.")
        .assignments[0];
    let k2 = &one("Giao Sở Nội vụ chủ trì việc rà soát văn bản quy phạm pháp luật về phân cấp của Hội đồng nhân dân, Ủy ban nhân dân tỉnh.").assignments[0];
    let k3 = &one("So Noi vu chu tri ra soat cac van ban QPPL ve phan cap cua HDND, UBND tinh.")
        .assignments[0];
    assert_eq!((k1.agency.as_str(), k1.role), ("so-tu-phap", Role::ChuTri));
    assert_eq!((k2.agency.as_str(), k2.role), ("so-noi-vu", Role::ChuTri));
    assert_eq!(k1.task_key, k2.task_key);
    assert_eq!(k1.task_key, k3.task_key);
    // different tasks keep different keys
    let k4 = &one("Sở Tư pháp chủ trì thẩm định các văn bản QPPL về phân cấp.").assignments[0];
    assert_ne!(k4.task_key, k1.task_key);
}

#[test]
fn roles_operative_vs_mention() {
    // a Căn cứ line and a cited title assign nothing
    assert!(
        one("Căn cứ Quyết định số 12/QĐ-UBND của UBND tỉnh giao Sở Tư pháp chủ trì thẩm định;")
            .assignments
            .is_empty()
    );
    assert!(one("Nghị quyết số 28/NQ-HĐND ngày 10/10/2023 của HĐND tỉnh về việc thông qua Đề án đẩy mạnh phân cấp đối với UBND cấp huyện").assignments.is_empty());
    // giao + directive to a body outside the hierarchy stays visible (rule R19 needs it)
    let a = &one("Giao Ủy ban MTTQ Việt Nam tỉnh chủ trì giám sát việc thực hiện phân cấp.")
        .assignments[0];
    assert_eq!((a.agency.as_str(), a.role), ("ubmttq-tinh", Role::ChuTri));
    let a = &one("Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh thường xuyên rà soát, đánh giá.")
        .assignments[0];
    assert_eq!(a.role, Role::DeNghi);
    // a district body in operative text keeps its level; with "(cũ)" it is historic
    let a =
        &one("Giao UBND các huyện, thị xã, thành phố tổ chức tuyên truyền, phổ biến Kế hoạch này.")
            .assignments[0];
    assert_eq!((a.level, a.context), (Level::District, Context::Operative));
    let a = &one("UBND huyện Krông Pắc (cũ) bàn giao hồ sơ.").assignments[0];
    assert_eq!(a.context, Context::Historic);
    // collectives split by ';' are both subjects
    let p = one("Các sở, ban, ngành; UBND các xã, phường tăng cường công tác tuyên truyền.");
    let who: Vec<&str> = p.assignments.iter().map(|a| a.agency.as_str()).collect();
    assert_eq!(who, ["so-ban-nganh", "ubnd-cap-xa"]);
    assert!(p.assignments.iter().all(|a| a.collective));
    // a descriptive clause after the body is skipped to the duty; without a duty nothing is assigned
    let a = &one("Ủy ban nhân dân cấp xã nơi người được hưởng án treo cư trú có trách nhiệm giám sát, giáo dục người đó.").assignments[0];
    assert_eq!(
        (a.agency.as_str(), a.task_key.as_str()),
        ("ubnd-cap-xa", "giam sat giao duc nguoi")
    );
    assert!(
        one("Sở Tư pháp nơi Tòa án ra quyết định thi hành án có trụ sở.")
            .assignments
            .is_empty()
    );
    assert!(
        one("Quốc hội ban hành Luật Thi hành án hình sự.")
            .assignments
            .is_empty()
    );
    // a separating criterion is flagged
    assert!(
        one("Sở Xây dựng cấp giấy phép đối với công trình cấp I, cấp II.").assignments[0]
            .has_criterion
    );
    assert!(
        !one("Sở Xây dựng cấp giấy phép xây dựng nhà ở riêng lẻ trên địa bàn tỉnh.").assignments[0]
            .has_criterion
    );
}

// ---------------------------------------------------------------- delegation acts

fn delegs(text: &str) -> Vec<Delegation> {
    one(text)
        .delegations
        .into_iter()
        .filter(|d| d.act != DelegationAct::Mention)
        .collect()
}

#[test]
fn delegation_acts() {
    let ds = delegs(
        "Nghiên cứu, đề xuất phân cấp, phân quyền, ủy quyền cho UBND cấp xã thực hiện một số nội dung.",
    );
    assert_eq!(ds.len(), 3);
    assert!(
        ds.iter().all(
            |d| d.act == DelegationAct::Proposal && d.grantee.as_deref() == Some("ubnd-cap-xa")
        )
    );
    let modes: Vec<DelegationMode> = ds.iter().map(|d| d.mode).collect();
    assert_eq!(
        modes,
        [
            DelegationMode::PhanCap,
            DelegationMode::PhanQuyen,
            DelegationMode::UyQuyen
        ]
    );

    let g = &delegs("UBND tỉnh phân cấp cho UBND cấp xã quyết định thu hồi đất.")[0];
    assert_eq!(
        (g.act, g.grantor.as_deref(), g.grantee.as_deref()),
        (DelegationAct::Grant, Some("ubnd-tinh"), Some("ubnd-cap-xa"))
    );
    assert_eq!(g.scope_key, "quyet dinh thu hoi dat");
    let g = &delegs("UBND tinh phan cap cho UBND cap xa quyet dinh thu hoi dat.")[0];
    assert_eq!(
        (g.act, g.grantee.as_deref()),
        (DelegationAct::Grant, Some("ubnd-cap-xa"))
    );

    let u = &delegs(
        "Chủ tịch UBND tỉnh ủy quyền cho Giám đốc Sở Công Thương thực hiện thủ tục cấp giấy chứng nhận huấn luyện; thời hạn ủy quyền đến hết ngày 28/02/2027.",
    )[0];
    assert_eq!(
        (u.mode, u.act),
        (DelegationMode::UyQuyen, DelegationAct::Grant)
    );
    assert_eq!(u.grantor.as_deref(), Some("chu-tich-ubnd-tinh"));
    assert_eq!(
        (u.grantee.as_deref(), u.grantee_head.as_deref()),
        (Some("so-cong-thuong"), Some("Giám đốc"))
    );
    assert!(u.term.as_deref().is_some_and(|t| t.contains("28/02/2027")));
    let u = &delegs(
        "Chủ tịch UBND tỉnh ủy quyền cho Giám đốc Sở Xây dựng giải quyết các thủ tục hành chính thuộc lĩnh vực xây dựng.",
    )[0];
    assert!(u.term.is_none(), "R14 needs to see the missing term");

    let p = &delegs("Giám đốc Sở không được ủy quyền tiếp cho cơ quan, tổ chức, cá nhân khác.")[0];
    assert_eq!(p.act, DelegationAct::Prohibition);
    let r = &delegs(
        "Giám đốc Sở Công Thương ủy quyền cho Trưởng phòng Quản lý năng lượng ký quyết định cấp giấy chứng nhận đã được Chủ tịch UBND tỉnh ủy quyền tại Quyết định số 1883/QĐ-UBND.",
    )[0];
    assert_eq!(r.act, DelegationAct::Redelegation);
    assert_eq!(r.grantor.as_deref(), Some("so-cong-thuong"));
    assert_eq!(
        r.grantee_text.as_deref(),
        Some("Trưởng phòng Quản lý năng lượng")
    );
    assert_eq!(
        delegs("Cơ quan được ủy quyền ủy quyền lại cho đơn vị trực thuộc.")[0].act,
        DelegationAct::Redelegation
    );

    let pas = &delegs("UBND cấp xã được phân cấp quyết định đầu tư dự án nhóm C.")[0];
    assert_eq!(
        (pas.act, pas.grantee.as_deref()),
        (DelegationAct::Grant, Some("ubnd-cap-xa"))
    );
    // topic only
    let m = one(
        "Tiếp tục đẩy mạnh phân cấp về quản lý nhà nước; các nhiệm vụ đã được phân cấp cho các cơ quan.",
    );
    assert!(
        m.delegations
            .iter()
            .all(|d| d.act == DelegationAct::Mention)
    );
}

#[test]
fn delegation_grantor_defaults_to_issuer() {
    let (_, f) = run(
        "UBND tỉnh ban hành Kế hoạch như sau:\nI. NỘI DUNG\n1. Tổ chức\na) Nghiên cứu, đề xuất phân cấp cho UBND cấp xã.\n",
    );
    assert_eq!(f.issuer.as_deref(), Some("ubnd-tinh"));
    let ds = all(&f, |p| &p.delegations);
    let p = ds
        .iter()
        .find(|d| d.act == DelegationAct::Proposal)
        .expect("proposal");
    assert_eq!(p.grantor.as_deref(), Some("ubnd-tinh"));
}

// ---------------------------------------------------------------- deadlines and reports

fn values(text: &str) -> Vec<String> {
    one(text).deadlines.into_iter().map(|d| d.value).collect()
}

#[test]
fn deadlines_and_frequencies() {
    assert_eq!(
        values("báo cáo trước ngày 01 tháng 12 hằng năm."),
        ["before:12-01/yearly"]
    );
    assert_eq!(
        values("bao cao truoc ngay 01 thang 12 hang nam."),
        ["before:12-01/yearly"]
    );
    assert_eq!(
        values("gửi về Sở Nội vụ trước ngày 15/12."),
        ["before:12-15/yearly"]
    );
    assert_eq!(
        values("hoàn thành trước ngày 31/12/2026."),
        ["before:2026-12-31"]
    );
    assert_eq!(values("chậm nhất 15 ngày kể từ ngày nhận."), ["within:15d"]);
    assert_eq!(values("trong thời hạn 10 ngày làm việc."), ["within:10wd"]);
    assert_eq!(
        values("Thời gian thực hiện: Thường xuyên."),
        ["freq:continuous"]
    );
    assert_eq!(
        values("Thời gian thực hiện: Quý II năm 2026."),
        ["period:2026-Q2"]
    );
    assert_eq!(values("Thời gian thực hiện: năm 2026."), ["period:2026"]);
    assert_eq!(values("Báo cáo định kỳ 6 tháng."), ["freq:6m"]);
    assert_eq!(values("báo cáo hằng quý"), ["freq:quarterly"]);
    assert_eq!(values("giai đoạn 2026 - 2030"), ["period:2026-2030"]);
    // negatives: an adverb, a full date, a plain year in running text
    assert!(values("Thường xuyên rà soát, đánh giá và đề xuất.").is_empty());
    assert!(values("Luật ngày 16 tháng 6 năm 2025 của Quốc hội").is_empty());
    assert!(values("kết quả năm 2025 cho thấy").is_empty());
}

#[test]
fn report_duty_with_via() {
    let (_, f) = run(PLAN);
    let r = all(&f, |p| &p.reports);
    let r = r.iter().find(|r| r.via.is_some()).expect("report via SNV");
    assert_eq!(r.senders, ["co-quan-chuyen-mon-tinh", "ubnd-cap-xa"]);
    assert_eq!(r.recipient.as_deref(), Some("ubnd-tinh"));
    assert_eq!(r.via.as_deref(), Some("so-noi-vu"));
    assert_eq!(
        r.deadline.as_ref().map(|d| d.value.as_str()),
        Some("before:12-01/yearly")
    );
    assert_eq!(r.period, "yearly");
    let p = one(
        "Định kỳ hằng năm, các cơ quan, đơn vị gửi báo cáo kết quả thực hiện phân cấp về Sở Nội vụ trước ngày 15/12.",
    );
    let r = &p.reports[0];
    assert_eq!(r.recipient.as_deref(), Some("so-noi-vu"));
    assert_eq!(r.senders, ["cac-co-quan-don-vi"]);
    assert_eq!(r.subject_key, "ket qua thuc hien phan cap");
    assert_eq!(r.period, "yearly");
    assert!(one("Sở Nội vụ tổng hợp tình hình.").reports.is_empty());
}

// ---------------------------------------------------------------- document date and graph

#[test]
fn document_date_and_graph() {
    let (doc, f) = run(
        "Triển khai Công điện số 168/CĐ-TTg ngày 21/9/2025 của Thủ tướng Chính phủ;\nI. NỘI DUNG\n1. Chung\na) Kế hoạch này thay thế Kế hoạch số 89/KH-UBND ngày 09/05/2024 của UBND tỉnh Đắk Lắk (cũ).\n",
    );
    assert_eq!((f.date, f.date_from_header), (Some(d(2025, 9, 21)), false));
    assert!(
        f.edges
            .iter()
            .any(|e| e.kind == EdgeKind::ThayThe && e.target == "Đắk Lắk|89/kh-ubnd")
    );
    // The cited plan is the Đắk Lắk UBND's: a local document is keyed within its province.
    let g = X.graph(&[(&doc, &f)]);
    assert!(matches!(
        g.status("Đắk Lắk|89/KH-UBND", d(2025, 10, 1)),
        EffectStatus::Replaced { .. }
    ));
    assert_eq!(
        g.status("Đắk Lắk|89/KH-UBND", d(2024, 6, 1)),
        EffectStatus::InForce
    );
    assert!(matches!(
        g.status("Đắk Lắk|89/KH-UBND", d(2024, 1, 1)),
        EffectStatus::Pending { .. }
    ));
    assert_eq!(
        g.replaced_by("Đắk Lắk|89/kh-ubnd").map(|x| x.1),
        Some(Some(d(2025, 9, 21)))
    );
    // registry chains
    assert_eq!(
        g.status("77/2015/QH13", d(2026, 1, 1)),
        EffectStatus::Replaced {
            by: "65/2025/qh15".into(),
            on: Some(d(2025, 3, 1))
        }
    );
    assert_eq!(g.current("77/2015/QH13"), ["72/2025/qh15"]);
    assert_eq!(
        g.status("72/2025/QH15", d(2025, 7, 1)),
        EffectStatus::InForce
    );
    assert!(matches!(
        g.status("72/2025/QH15", d(2025, 1, 1)),
        EffectStatus::Pending { .. }
    ));
    assert_eq!(g.replacements("34/2016/NĐ-CP").len(), 2);
    assert_eq!(
        g.status("80/2015/QH13", d(2025, 4, 1)),
        EffectStatus::Replaced {
            by: "64/2025/qh15".into(),
            on: Some(d(2025, 4, 1))
        }
    );
    assert_eq!(
        g.status("80/2015/QH13", d(2025, 3, 31)),
        EffectStatus::InForce
    );
    assert_eq!(g.status("999/XYZ", d(2025, 1, 1)), EffectStatus::Unknown);
    // no replacement date in the data: the replacing decree's own date counts
    assert_eq!(
        g.status("45/2025/NĐ-CP", d(2025, 5, 1)),
        EffectStatus::InForce
    );
    assert!(matches!(
        g.status("45/2025/ND-CP", d(2025, 7, 1)),
        EffectStatus::Replaced { .. }
    ));
}

// ---------------------------------------------------------------- data loading

#[test]
fn from_dir_reports_file_line_reason() {
    let dir = std::env::temp_dir().join(format!("rasoat-extract-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    // missing files fall back to the bundled ones
    assert!(Extractor::from_dir(&dir).is_ok());
    std::fs::write(
        dir.join("agencies.toml"),
        "[[agency]]\nid = \"x\"\nname = \"X\"\nlevel = \"galaxy\"\n",
    )
    .expect("write");
    let e = Extractor::from_dir(&dir).expect_err("bad level");
    assert!(
        e.contains("agencies.toml:4:") && e.contains("unknown level"),
        "{e}"
    );
    std::fs::write(dir.join("agencies.toml"), "[[agency]\nid = 1\n").expect("write");
    let e = Extractor::from_dir(&dir).expect_err("bad toml");
    assert!(e.contains("agencies.toml:1"), "{e}");
    std::fs::write(
        dir.join("agencies.toml"),
        "[[agency]]\nid = \"a\"\nname = \"Sở A\"\nlevel = \"province\"\nsuccessors = [\"nope\"]\n",
    )
    .expect("write");
    let e = Extractor::from_dir(&dir).expect_err("unknown successor");
    assert!(e.contains("unknown id `nope`"), "{e}");
    std::fs::remove_file(dir.join("agencies.toml")).expect("rm");
    std::fs::write(
        dir.join("registry.toml"),
        "[[document]]\nnumber = \"1/2020/QH14\"\ntype = \"Luật\"\ndate = \"2020-13-01\"\n",
    )
    .expect("write");
    let e = Extractor::from_dir(&dir).expect_err("bad date");
    assert!(
        e.contains("registry.toml:4:") && e.contains("bad date"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert!(Extractor::from_dir(std::path::Path::new("/nonexistent/dir")).is_err());
}

// ---------------------------------------------------------------- robustness

#[test]
fn odd_input_never_panics() {
    let nasty = [
        "",
        " ",
        "…… “Sở Tư pháp” — 😀 chủ trì; 中文 Quyết định số 1/QĐ-… ngày 99/99/2025",
        "Điều 5 khoản điểm của Luật này ; ; ; . . .",
        "a\u{0301}\u{0301}\u{0323} xã \u{0300}Krông",
        "Số: /KH-UBND ngày    tháng    năm 2025",
        "phân cấp, phân cấp, phân cấp cho cho cho",
        "báo cáo (qua (qua Sở Nội vụ",
        "Căn cứ",
        "trước ngày 32 tháng 13 hằng năm; chậm nhất 99999 ngày",
        "Giám đốc 😀 Sở Tư pháp ủy quyền cho",
    ];
    for t in nasty {
        let _ = one(t);
        let nfd: String = t.nfd().collect();
        let _ = one(&nfd);
        let (_, _) = run(t);
        let _ = X.gazetteer().find_places(t);
    }
    // every range lies inside the text and on char boundaries
    let t = "Giám đốc Sở Công Thương 😀 ủy quyền cho Chủ tịch UBND xã Ea Súp — trước ngày 15/12 hằng năm.";
    let p = one(t);
    for r in p
        .agencies
        .iter()
        .map(|a| a.range)
        .chain(p.deadlines.iter().map(|d| d.range))
        .chain(p.delegations.iter().map(|d| d.range))
        .chain(p.places.iter().map(|x| x.range))
    {
        assert!(
            r.start <= r.end
                && r.end <= t.len()
                && t.is_char_boundary(r.start)
                && t.is_char_boundary(r.end),
            "{r:?}"
        );
    }
}

#[test]
fn a_registered_number_names_the_document() {
    // Data-set laws carry only a number; the registry knows the code's name.
    let json = r#"[{"id": "100/2015/QH13", "articles": [{"id": "1", "text": "Nhiệm vụ\n\nBộ luật này có nhiệm vụ bảo vệ chế độ."}]},
                  {"id": "999/2099/QH99", "articles": [{"id": "1", "text": "Phạm vi\n\nLuật này quy định."}]}]"#;
    let docs = rasoat_parse::parse_bytes("laws.json", json.as_bytes()).expect("parse");
    assert_eq!(X.extract(&docs[0]).name.as_deref(), Some("Bộ luật Hình sự"));
    assert_eq!(
        X.extract(&docs[1]).name,
        None,
        "an unknown number has no name"
    );
}

#[test]
fn a_consolidated_text_is_not_what_a_law_name_cites() {
    // 01/VBHN-VPQH is registered under the name "Bộ luật Hình sự"; a citation by name still
    // resolves to the code itself.
    let doc = rasoat_parse::parse_bytes(
        "t.txt",
        "Căn cứ Bộ luật Hình sự ngày 27 tháng 11 năm 2015;\n".as_bytes(),
    )
    .expect("parse")
    .remove(0);
    let f = X.extract(&doc);
    let keys: Vec<_> = f
        .provisions
        .iter()
        .flat_map(|p| p.citations.iter())
        .filter_map(|c| c.registry_key.clone())
        .collect();
    assert!(keys.iter().any(|k| k.starts_with("100/2015")), "{keys:?}");
    assert!(keys.iter().all(|k| !k.contains("vbhn")), "{keys:?}");
}
