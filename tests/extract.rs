//! End-to-end tests of `rasoat extract` on the seed plan (corpus/) and on fixtures:
//! the expected facts of the domain notes §6, folded and NFD input, and data errors.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

const SEED: &str = "corpus/000_2baec7468303b666.txt";

fn rasoat(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rasoat"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run rasoat");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn extract_json(file: &str) -> Value {
    let (code, out, err) = rasoat(&["extract", file, "--format", "json", "--as-of", "2026-01-01"]);
    assert_eq!(code, 0, "stderr: {err}");
    serde_json::from_str(out.lines().next().expect("one document")).expect("json")
}

fn facts<'a>(doc: &'a Value, key: &str) -> Vec<(&'a str, &'a Value)> {
    doc["provisions"]
        .as_array()
        .expect("provisions")
        .iter()
        .flat_map(|p| {
            p["facts"][key]
                .as_array()
                .into_iter()
                .flatten()
                .map(move |f| (p["id"].as_str().unwrap_or(""), f))
        })
        .collect()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

#[test]
fn seed_citations_with_dates_and_issuers() {
    let doc = extract_json(SEED);
    let cites = facts(&doc, "citations");
    let full = |key: &str| {
        cites
            .iter()
            .map(|c| c.1)
            .find(|c| c["key"] == key && !c["date"].is_null())
            .unwrap_or_else(|| panic!("no dated citation {key}"))
    };
    for (key, number, date, issuer) in [
        ("4/nq-cp", "04/NQ-CP", "2022-01-10", "Chính phủ"),
        (
            "608/qd-ttg",
            "608/QĐ-TTg",
            "2025-03-15",
            "Thủ tướng Chính phủ",
        ),
        (
            "168/cd-ttg",
            "168/CĐ-TTg",
            "2025-09-21",
            "Thủ tướng Chính phủ",
        ),
        ("28/nq-hdnd", "28/NQ-HĐND", "2023-10-10", "HĐND tỉnh"),
        ("6032/da-ubnd", "6032/ĐA-UBND", "2023-07-17", "UBND tỉnh"),
        (
            "89/kh-ubnd",
            "89/KH-UBND",
            "2024-05-09",
            "UBND tỉnh Đắk Lắk",
        ),
    ] {
        let c = full(key);
        assert_eq!(s(&c["number"]), number);
        assert_eq!(s(&c["date"]), date, "{key}");
        assert_eq!(s(&c["issuer"]), issuer, "{key}");
    }
    // six distinct numbered documents, each cited in full once and in short form otherwise
    let mut keys: Vec<&str> = cites
        .iter()
        .filter(|c| !c.1["number"].is_null())
        .map(|c| s(&c.1["key"]))
        .collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 6, "{keys:?}");
    // the law cited by name and date only
    let law = cites
        .iter()
        .map(|c| c.1)
        .find(|c| c["key"] == "luat:to chuc chinh quyen dia phuong")
        .expect("law by name");
    assert_eq!(s(&law["date"]), "2025-06-16");
    assert_eq!(s(&law["registry_key"]), "72/2025/qh15");
    // titles bound mentions: the district body inside NQ 28's title is not operative
    let title = s(&full("28/nq-hdnd")["title"]);
    assert!(
        title.starts_with("về việc thông qua Đề án") && title.ends_with("thuộc UBND tỉnh"),
        "{title}"
    );
    let districts: Vec<&Value> = facts(&doc, "agencies")
        .into_iter()
        .map(|a| a.1)
        .filter(|a| a["level"] == "district")
        .collect();
    assert!(!districts.is_empty() && districts.iter().all(|a| a["context"] == "cited-title"));
    // positions are line:col of the original file
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(SEED)).expect("seed");
    let c = full("168/cd-ttg");
    let line = text
        .lines()
        .nth(c["line"].as_u64().expect("line") as usize - 1)
        .expect("line exists");
    let col = c["col"].as_u64().expect("col") as usize;
    assert!(
        line.chars()
            .skip(col - 1)
            .collect::<String>()
            .starts_with("Công điện"),
        "{line}"
    );
}

fn roles(doc: &Value) -> Vec<(String, String, String, bool)> {
    facts(doc, "assignments")
        .into_iter()
        .filter(|a| a.1["context"] == "operative")
        .map(|(_, a)| {
            (
                s(&a["agency"]).to_string(),
                s(&a["role"]).to_string(),
                s(&a["task_key"]).to_string(),
                a["implied_subject"].as_bool().unwrap_or(false),
            )
        })
        .collect()
}

fn has(rs: &[(String, String, String, bool)], agency: &str, role: &str, task_prefix: &str) -> bool {
    rs.iter()
        .any(|r| r.0 == agency && r.1 == role && r.2.starts_with(task_prefix))
}

#[test]
fn seed_roles() {
    let doc = extract_json(SEED);
    let rs = roles(&doc);
    assert!(
        has(&rs, "so-tu-phap", "chu-tri", "tham dinh van ban qppl"),
        "{rs:#?}"
    );
    assert!(has(&rs, "so-tu-phap", "phoi-hop", "ra soat van ban qppl"));
    assert!(
        !has(&rs, "so-tu-phap", "chu-tri", "ra soat"),
        "STP only coordinates the review"
    );
    assert!(has(&rs, "so-noi-vu", "theo-doi", "theo doi don doc"));
    assert!(has(&rs, "so-noi-vu", "bao-cao", "tong hop bao cao"));
    assert!(has(
        &rs,
        "so-tai-chinh",
        "chu-tri",
        "tham muu xay dung hoan thien doi moi phan cap quan ly nsnn"
    ));
    assert!(has(&rs, "thanh-tra-tinh", "chu-tri", "thanh tra kiem tra"));
    assert!(has(&rs, "so-noi-vu", "phoi-hop", "thanh tra kiem tra"));
    for lead in ["co-quan-chuyen-mon-tinh", "ubnd-cap-xa"] {
        assert!(
            has(
                &rs,
                lead,
                "chu-tri",
                "ra soat tham muu sua doi bo sung thay the van ban"
            ),
            "{lead}"
        );
        assert!(has(&rs, lead, "chiu-trach-nhiem", ""), "{lead}");
    }
    for partner in ["so-tu-phap", "so-noi-vu", "so-tai-chinh"] {
        assert!(
            has(&rs, partner, "phoi-hop", "ra soat tham muu sua doi"),
            "{partner}"
        );
    }
    let mttq: Vec<_> = rs.iter().filter(|r| r.0 == "ubmttq-tinh").collect();
    assert_eq!(mttq.len(), 1);
    assert_eq!(mttq[0].1, "de-nghi");
    // the three leads of III.1, III.5, III.6.c have different tasks (rule R01 stays silent)
    let leads: Vec<&str> = rs
        .iter()
        .filter(|r| {
            r.1 == "chu-tri"
                && ["so-tu-phap", "thanh-tra-tinh", "co-quan-chuyen-mon-tinh"]
                    .contains(&r.0.as_str())
        })
        .map(|r| r.2.as_str())
        .collect();
    let mut uniq = leads.clone();
    uniq.sort();
    uniq.dedup();
    assert_eq!(uniq.len(), leads.len(), "{leads:?}");
    // UBND tỉnh is never an assignee of its own plan; nothing comes from Nơi nhận or the signature
    assert!(rs.iter().all(|r| r.0 != "ubnd-tinh" && r.0 != "bo-noi-vu"));
}

#[test]
fn seed_deadlines_reports_delegations_and_refs() {
    let doc = extract_json(SEED);
    let dls = facts(&doc, "deadlines");
    assert_eq!(
        dls.iter()
            .filter(|d| d.1["value"] == "freq:continuous")
            .count(),
        4
    );
    assert!(dls.iter().any(|d| d.1["value"] == "before:12-01/yearly"
        && s(&d.1["text"]) == "trước ngày 01 tháng 12 hằng năm"));
    let reps = facts(&doc, "reports");
    let r = reps
        .iter()
        .map(|r| r.1)
        .find(|r| r["deadline"]["value"] == "before:12-01/yearly")
        .expect("yearly report");
    assert_eq!(r["recipient"], "ubnd-tinh");
    assert_eq!(r["via"], "so-noi-vu");
    assert_eq!(
        r["senders"],
        serde_json::json!(["co-quan-chuyen-mon-tinh", "ubnd-cap-xa"])
    );
    assert_eq!(r["period"], "yearly");
    // III.6.c proposes, does not grant, phân cấp / phân quyền / ủy quyền to the communes
    let ds: Vec<&Value> = facts(&doc, "delegations")
        .into_iter()
        .map(|d| d.1)
        .filter(|d| d["act"] != "mention")
        .collect();
    assert_eq!(ds.len(), 3, "{ds:#?}");
    assert!(ds.iter().all(|d| d["act"] == "proposal"
        && d["grantee"] == "ubnd-cap-xa"
        && d["grantor"] == "ubnd-tinh"));
    // Phụ lục is referred to but absent (R20)
    let apps: Vec<&Value> = facts(&doc, "part_refs")
        .into_iter()
        .map(|r| r.1)
        .filter(|r| r["appendix"] == true)
        .collect();
    assert!(apps.len() >= 3);
    assert!(apps.iter().all(|r| r["resolved"] == false));
    // document date D: no header date, the newest date in the body
    assert_eq!(doc["date"], "2025-09-21");
    assert_eq!(doc["date_from_header"], false);
    assert_eq!(doc["issuer"], "ubnd-tinh");
}

#[test]
fn seed_replaces_kh_89() {
    let doc = extract_json(SEED);
    let e = doc["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .find(|e| e["kind"] == "thay-the")
        .expect("replacement edge");
    // A local plan is one document within its province: the key carries it.
    assert_eq!(e["target"], "Đắk Lắk|89/kh-ubnd");
    assert!(
        doc["provisions"]
            .as_array()
            .expect("provisions")
            .iter()
            .any(|p| p["id"] == e["provision"])
    );
    let g = doc["graph"]
        .as_array()
        .expect("graph")
        .iter()
        .find(|n| n["key"] == "Đắk Lắk|89/kh-ubnd")
        .expect("node");
    assert_eq!(g["status"]["status"], "replaced");
    assert_eq!(g["status"]["on"], "2025-09-21");
    // the text view says the same for a reviewer
    let (code, out, _) = rasoat(&["extract", SEED, "--as-of", "2026-01-01"]);
    assert_eq!(code, 0);
    assert!(out.contains("thay-the → Kế hoạch 89/KH-UBND  [Đắk Lắk|89/kh-ubnd]  bị thay thế bởi doc:corpus/000_2baec7468303b666.txt từ 2025-09-21"), "{out}");
    assert!(out.contains(
        "role  Sở Tư pháp chu-tri (implied subject)  task: tham dinh van ban qppl quy dinh phan cap"
    ));
    // before the seed was issued the old plan was in force
    let (_, out, _) = rasoat(&["extract", SEED, "--format", "json", "--as-of", "2025-01-01"]);
    let v: Value = serde_json::from_str(out.lines().next().expect("doc")).expect("json");
    let g = v["graph"]
        .as_array()
        .expect("graph")
        .iter()
        .find(|n| n["key"] == "Đắk Lắk|89/kh-ubnd")
        .expect("node");
    assert_eq!(g["status"]["status"], "in-force");
}

/// The same small plan without diacritics and in NFD gives the same facts.
#[test]
fn folded_and_nfd_input_agree() {
    let strip = |v: &Value| -> Vec<(String, String, String)> {
        roles(v).into_iter().map(|r| (r.0, r.1, r.2)).collect()
    };
    let nfd = extract_json("tests/fixtures/extract/nfd_plan.txt");
    let folded = extract_json("tests/fixtures/extract/folded_plan.txt");
    assert_eq!(strip(&nfd), strip(&folded));
    let rs = strip(&nfd);
    assert!(
        rs.iter().any(|r| r.0 == "so-tu-phap" && r.1 == "chu-tri"),
        "{rs:?}"
    );
    for v in [&nfd, &folded] {
        let cites = facts(v, "citations");
        assert!(
            cites
                .iter()
                .any(|c| c.1["key"] == "608/qd-ttg" && c.1["date"] == "2025-03-15")
        );
        assert!(cites.iter().any(|c| c.1["registry_key"] == "72/2025/qh15"));
        let r = facts(v, "reports");
        assert!(r.iter().any(
            |r| r.1["via"] == "so-noi-vu" && r.1["deadline"]["value"] == "before:12-01/yearly"
        ));
        // near-misses: a phòng of the Sở is not a district body, "xã Krông Búk" is a commune
        assert!(
            facts(v, "agencies")
                .iter()
                .all(|a| a.1["level"] != "district")
        );
        let places = facts(v, "places");
        assert!(
            places
                .iter()
                .any(|p| p.1["level"] == "commune" && p.1["abolished"] == false)
        );
        assert!(
            facts(v, "part_refs")
                .iter()
                .any(|r| r.1["appendix"] == true && r.1["resolved"] == false)
        );
    }
}

#[test]
fn data_dir_errors_name_file_and_line() {
    let (code, _, err) = rasoat(&["extract", SEED, "--data", "tests/fixtures/extract/bad_data"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("agencies.toml:4:") && err.contains("unknown level `regional`"),
        "{err}"
    );
    let (code, _, err) = rasoat(&["extract", "no/such/file.txt"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no/such/file.txt"));
}
