//! The grammar of Vietnamese number-symbols ("Số, ký hiệu"), Nghị định số 30/2020/NĐ-CP Phụ lục
//! I/III and Luật số 64/2025/QH15 Điều 7 (domain notes §2.1):
//!
//! * VBQPPL: `<n>/<yyyy>/<TYPE>-<ISSUER>` (`30/2020/NĐ-CP`, `15/2025/NQ-HĐND`); laws and normative
//!   resolutions of the Quốc hội `<n>/<yyyy>/QH<khóa>` (`64/2025/QH15`), of its Standing
//!   Committee `<n>/<yyyy>/UBTVQH<khóa>`;
//! * administrative documents: `<n>/<TYPE>-<ISSUER>[-<UNIT>…]` without year (`608/QĐ-TTg`);
//!   công văn `<n>/<ISSUER>-<UNIT>` (`8536/VPCP-KSTT`);
//! * Party documents: `<n>-<TYPE>/<ORGAN>` (`27-NQ/TW`, `01-KL/TW`).
//!
//! [`check`] parses a symbol as written and says precisely what is wrong with it and what it
//! probably meant: a legislature suffix without its term (`…/2025/QH`, `…/QH1`), an unknown type
//! code one letter away from a known one (`CTT-TTg`), a missing hyphen (`NĐCP`), a normative
//! document without its year (`27/TT-BYT`), a Cyrillic or Greek look-alike letter (`NĐ-CР`), a
//! Party symbol written the state way (`27/NQ-TW`).

/// Type codes of documents (NĐ 30/2020 Phụ lục III; VBQPPL forms).
pub const TYPE_CODES: &[&str] = &[
    "NĐ", "TT", "TTLT", "NQ", "NQLT", "QĐ", "CT", "QC", "QyĐ", "TC", "TB", "HD", "CTr", "KH", "PA",
    "ĐA", "DA", "BC", "BB", "TTr", "HĐ", "CĐ", "BGN", "GN", "BTT", "TTh", "GUQ", "GM", "GGT",
    "GNP", "NP", "PG", "PC", "PB", "PL", "L", "VBHN", "KL", "QĐNS", "CV", "SL", "LCT",
];

/// Normative types whose number must carry the year (Luật số 64/2025/QH15 Điều 7 k3).
pub const NORMATIVE_TYPES: &[&str] = &["NĐ", "TT", "TTLT"];

/// Issuer codes of national and local bodies (the part after the type code).
pub const ISSUER_CODES: &[&str] = &[
    "CP", "TTg", "CTN", "VPCP", "BNV", "BTP", "BTC", "BNNMT", "BXD", "BKHCN", "BCT", "BYT",
    "BGDĐT", "BVHTTDL", "BDTTG", "BNG", "BCA", "BQP", "TTCP", "NHNN", "TANDTC", "VKSNDTC", "KTNN",
    "UBND", "HĐND", "CTUBND", "TTHĐND", "UBMTTQVN", "VPQH", "BKHĐT", "BTNMT", "BNNPTNT", "BLĐTBXH",
    "BTTTT", "BGTVT", "UBDT", "HĐTP",
];

/// Party organs (`27-NQ/TW`).
pub const PARTY_ORGANS: &[&str] = &["TW", "TU", "ĐU", "HU", "QU", "BCSĐ", "BBT", "BCT"];

/// Party document types.
pub const PARTY_TYPES: &[&str] = &["NQ", "KL", "CT", "QĐ", "QĐNS", "HD", "TB", "BC", "KH", "QC"];

/// What is wrong with a symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefectKind {
    /// A Cyrillic or Greek letter that looks like a Latin one.
    Homoglyph,
    /// `QH` without the term, or a term that does not exist / does not fit the year.
    LegislatureSuffix,
    /// A type code that is not one, one letter away from a known one.
    UnknownType,
    /// Type and issuer run together (`NĐCP`).
    MissingHyphen,
    /// A Nghị định / Thông tư / law number without its year.
    MissingYear,
    /// A Party symbol written the state way (`27/NQ-TW`).
    PartyForm,
    /// The year in the number is impossible.
    BadYear,
}

/// One defect with the reason (Vietnamese, for the report) and the probable intended symbol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defect {
    pub kind: DefectKind,
    pub reason: String,
    pub suggestion: Option<String>,
}

/// A parsed number-symbol.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Symbol {
    pub number: String,
    pub year: Option<i32>,
    pub type_code: Option<String>,
    pub issuer: Option<String>,
    /// Unit groups after the issuer (`KSTT` in `8536/VPCP-KSTT`).
    pub units: Vec<String>,
    pub party: bool,
}

/// The Latin letter a Cyrillic/Greek look-alike stands for.
pub fn homoglyph(c: char) -> Option<char> {
    Some(match c {
        'А' | 'Α' => 'A',
        'В' | 'Β' => 'B',
        'С' | 'Ϲ' => 'C',
        'Е' | 'Ε' => 'E',
        'Н' | 'Η' => 'H',
        'І' | 'Ι' => 'I',
        'Ј' => 'J',
        'К' | 'Κ' => 'K',
        'М' | 'Μ' => 'M',
        'О' | 'Ο' => 'O',
        'Р' | 'Ρ' => 'P',
        'Ѕ' => 'S',
        'Т' | 'Τ' => 'T',
        'Х' | 'Χ' => 'X',
        'У' | 'Υ' => 'Y',
        'Ζ' => 'Z',
        'Ν' => 'N',
        'а' => 'a',
        'с' => 'c',
        'е' => 'e',
        'о' | 'ο' => 'o',
        'р' | 'ρ' => 'p',
        'х' => 'x',
        'у' => 'y',
        'і' => 'i',
        _ => return None,
    })
}

/// Is `c` a Cyrillic or Greek letter?
pub fn is_foreign_letter(c: char) -> bool {
    matches!(c as u32, 0x0370..=0x03FF | 0x0400..=0x04FF)
}

/// Upper case, Latin, no spaces; `D` for `Đ` only when comparing.
fn canon(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            c => homoglyph(c).unwrap_or(c),
        })
        .collect()
}

fn cmp_key(s: &str) -> String {
    s.to_uppercase().replace('Đ', "D")
}

fn known(list: &'static [&'static str], s: &str) -> Option<&'static str> {
    let k = cmp_key(s);
    list.iter().find(|x| cmp_key(x) == k).copied()
}

fn is_type(s: &str) -> bool {
    known(TYPE_CODES, s).is_some()
}

fn is_issuer(s: &str) -> bool {
    known(ISSUER_CODES, s).is_some() || legislature(s).is_some()
}

/// `QH15` → ("QH", Some(15)); `UBTVQH` → ("UBTVQH", None).
fn legislature(s: &str) -> Option<(&'static str, Option<u32>)> {
    let u = s.to_uppercase();
    for p in ["UBTVQH", "QH"] {
        if let Some(rest) = u.strip_prefix(p) {
            if rest.is_empty() {
                return Some((if p == "QH" { "QH" } else { "UBTVQH" }, None));
            }
            if rest.bytes().all(|b| b.is_ascii_digit()) && rest.len() <= 2 {
                return Some((if p == "QH" { "QH" } else { "UBTVQH" }, rest.parse().ok()));
            }
        }
    }
    None
}

/// The legislature term(s) sitting in `year` (khóa XI from 2002 … khóa XV from 7/2021).
pub fn terms_for_year(year: i32) -> Vec<u32> {
    let starts = [
        (6, 1976),
        (7, 1981),
        (8, 1987),
        (9, 1992),
        (10, 1997),
        (11, 2002),
        (12, 2007),
        (13, 2011),
        (14, 2016),
        (15, 2021),
        (16, 2026),
    ];
    let mut out = Vec::new();
    for (i, &(t, s)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map(|x| x.1).unwrap_or(9999);
        if year >= s && year <= end {
            out.push(t);
        }
    }
    out
}

/// Edit distance ≤ 1 (one letter added, dropped or changed), compared without case and Đ/D.
fn near(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) =
        (cmp_key(a).chars().collect(), cmp_key(b).chars().collect());
    if a == b {
        return false;
    }
    let (la, lb) = (a.len(), b.len());
    if la == lb {
        return a.iter().zip(&b).filter(|(x, y)| x != y).count() == 1;
    }
    let (s, l) = if la < lb { (&a, &b) } else { (&b, &a) };
    if l.len() - s.len() != 1 {
        return false;
    }
    (0..l.len()).any(|i| {
        let mut t = l.clone();
        t.remove(i);
        &t == s
    })
}

/// The result of checking one symbol as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checked {
    pub symbol: Symbol,
    pub defects: Vec<Defect>,
}

impl Checked {
    /// The symbol with every suggested correction applied, when any defect has one.
    pub fn suggestion(&self) -> Option<String> {
        self.defects.iter().rev().find_map(|d| d.suggestion.clone())
    }
}

/// Parse and check a number-symbol as written (`30/2020/NĐ-CP`, `27-NQ/TW`). None when the text is
/// not shaped like a symbol at all (no running number, no slash).
pub fn check(written: &str) -> Option<Checked> {
    let mut defects = Vec::new();
    let foreign: Vec<char> = written.chars().filter(|c| is_foreign_letter(*c)).collect();
    let s = canon(written);
    if !foreign.is_empty() {
        defects.push(Defect {
            kind: DefectKind::Homoglyph,
            reason: format!(
                "ký hiệu có chữ {} ({}) trông giống chữ Latinh: văn bản không tìm được theo số, ký hiệu",
                foreign.iter().map(|c| format!("«{c}»")).collect::<Vec<_>>().join(", "),
                if foreign.iter().any(|c| (*c as u32) >= 0x0400) { "Kirin" } else { "Hy Lạp" }
            ),
            suggestion: Some(s.clone()),
        });
    }
    let digits = s.bytes().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 5 {
        return None;
    }
    let number = s[..digits].to_string();
    let rest = &s[digits..];
    // Party: "27-NQ/TW".
    if let Some(r) = rest.strip_prefix('-') {
        let (t, o) = r.split_once('/')?;
        if !(known(PARTY_TYPES, t).is_some() && known(PARTY_ORGANS, o).is_some()) {
            return None;
        }
        return Some(Checked {
            symbol: Symbol {
                number,
                type_code: Some(t.to_string()),
                issuer: Some(o.to_string()),
                party: true,
                ..Default::default()
            },
            defects,
        });
    }
    let rest = rest.strip_prefix('/')?;
    let mut parts: Vec<&str> = rest.split('/').collect();
    let mut year = None;
    if parts.len() >= 2 && parts[0].len() == 4 && parts[0].bytes().all(|b| b.is_ascii_digit()) {
        let y: i32 = parts[0].parse().ok()?;
        if !(1945..=2100).contains(&y) {
            defects.push(Defect {
                kind: DefectKind::BadYear,
                reason: format!("năm {y} trong số hiệu không thể có"),
                suggestion: None,
            });
        }
        year = Some(y);
        parts.remove(0);
    }
    if parts.len() != 1 {
        return None;
    }
    let sym = parts[0];
    let groups: Vec<&str> = sym.split('-').collect();
    if groups.iter().any(|g| g.is_empty()) {
        return None;
    }
    let mut out = Symbol {
        number: number.clone(),
        year,
        ..Default::default()
    };
    let head = |y: Option<i32>| match y {
        Some(y) => format!("{number}/{y}/"),
        None => format!("{number}/"),
    };
    // Laws and resolutions of the Quốc hội, its Standing Committee: "64/2025/QH15".
    if groups.len() == 1
        && let Some((p, term)) = legislature(groups[0])
    {
        out.issuer = Some(groups[0].to_string());
        let fits = year.map(terms_for_year).unwrap_or_default();
        match term {
            Some(t) if fits.is_empty() || fits.contains(&t) => {}
            _ => {
                // A term cut short ("QH1") or left out is read from the year; a whole term that
                // does not fit the year ("97/2025/QH13" for 97/2015/QH13) may be a wrong year as
                // well: no single correction.
                let truncated = term.is_none_or(|t| t < 6);
                let want = match fits.as_slice() {
                    [t] if truncated => Some(format!("{p}{t}")),
                    _ => None,
                };
                defects.push(Defect {
                    kind: DefectKind::LegislatureSuffix,
                    reason: match (term, year) {
                        (None, _) => format!("ký hiệu «{}» thiếu số khóa Quốc hội", groups[0]),
                        (Some(t), Some(y)) if t < 6 => format!(
                            "ký hiệu «{p}{t}» thiếu chữ số của khóa Quốc hội (năm {y}: khóa {})",
                            fits.iter().map(|x| format!("{p}{x}")).collect::<Vec<_>>().join(" hoặc ")
                        ),
                        (Some(t), Some(y)) => format!(
                            "khóa «{p}{t}» không khớp năm {y} (năm {y} là khóa {}): sai năm hoặc sai khóa",
                            fits.iter().map(|x| format!("{p}{x}")).collect::<Vec<_>>().join(" hoặc ")
                        ),
                        (Some(t), None) => format!("khóa «{p}{t}» không có"),
                    },
                    suggestion: want.map(|w| format!("{}{w}", head(year))),
                });
            }
        }
        if year.is_none() && p == "QH" {
            defects.push(Defect {
                kind: DefectKind::MissingYear,
                reason: "số hiệu luật, nghị quyết của Quốc hội thiếu năm ban hành".into(),
                suggestion: None,
            });
        }
        return Some(Checked {
            symbol: out,
            defects,
        });
    }
    // Party symbol written the state way: "27/NQ-TW".
    if groups.len() == 2
        && year.is_none()
        && known(PARTY_TYPES, groups[0]).is_some()
        && known(PARTY_ORGANS, groups[1]).is_some()
        && !is_issuer(groups[1])
    {
        defects.push(Defect {
            kind: DefectKind::PartyForm,
            reason: "văn bản của Đảng có ký hiệu dạng «số-LOẠI/CƠ QUAN»".into(),
            suggestion: Some(format!("{number}-{}/{}", groups[0], groups[1])),
        });
        out.type_code = Some(groups[0].to_string());
        out.issuer = Some(groups[1].to_string());
        out.party = true;
        return Some(Checked {
            symbol: out,
            defects,
        });
    }
    let g0 = groups[0];
    if groups.len() == 1 {
        // "NĐCP": a known type and a known issuer run together.
        for t in TYPE_CODES {
            let k = cmp_key(t);
            let u = cmp_key(g0);
            if let Some(r) = u.strip_prefix(&k)
                && !r.is_empty()
                && let Some(iss) = ISSUER_CODES.iter().find(|i| cmp_key(i) == r)
            {
                defects.push(Defect {
                    kind: DefectKind::MissingHyphen,
                    reason: format!(
                        "thiếu dấu gạch nối giữa loại văn bản và cơ quan ban hành («{g0}»)"
                    ),
                    suggestion: Some(format!("{}{t}-{iss}", head(year))),
                });
                out.type_code = Some(t.to_string());
                out.issuer = Some(iss.to_string());
                return Some(Checked {
                    symbol: out,
                    defects,
                });
            }
        }
        return None;
    }
    if is_type(g0) {
        out.type_code = Some(g0.to_string());
        out.issuer = Some(groups[1].to_string());
        out.units = groups[2..].iter().map(|x| x.to_string()).collect();
        if let Some((_, Some(t))) = legislature(groups[1])
            && let Some(y) = year
            && !terms_for_year(y).contains(&t)
        {
            defects.push(Defect {
                kind: DefectKind::LegislatureSuffix,
                reason: format!("khóa «{}» không khớp năm {y}", groups[1]),
                suggestion: None,
            });
        }
        if year.is_none() && known(NORMATIVE_TYPES, g0).is_some() {
            defects.push(Defect {
                kind: DefectKind::MissingYear,
                reason: format!(
                    "số hiệu {} thiếu năm ban hành (dạng «số/năm/{g0}-…»)",
                    match cmp_key(g0).as_str() {
                        "ND" => "nghị định",
                        "TT" => "thông tư",
                        _ => "thông tư liên tịch",
                    }
                ),
                suggestion: None,
            });
        }
    } else if is_issuer(g0) {
        // Công văn: issuer + unit.
        out.issuer = Some(g0.to_string());
        out.units = groups[1..].iter().map(|x| x.to_string()).collect();
    } else if let Some(t) = TYPE_CODES
        .iter()
        .filter(|t| t.chars().count() >= 2 && near(g0, t))
        // "CTT" meant "CT" (a doubled letter), not "TT": prefer a code the text starts with.
        .min_by_key(|t| {
            (
                !cmp_key(g0).starts_with(&cmp_key(t)),
                !cmp_key(g0).starts_with(&cmp_key(t)[..1]),
            )
        })
        .filter(|_| is_issuer(groups[1]))
    {
        defects.push(Defect {
            kind: DefectKind::UnknownType,
            reason: format!("«{g0}» không phải ký hiệu loại văn bản (gần «{t}»)"),
            suggestion: Some(format!("{}{t}-{}", head(year), groups[1..].join("-"))),
        });
        out.type_code = Some(g0.to_string());
        out.issuer = Some(groups[1].to_string());
    } else {
        // Unit codes of local bodies (SNV, STP, …) are many: not judged.
        out.issuer = Some(g0.to_string());
        out.units = groups[1..].iter().map(|x| x.to_string()).collect();
    }
    Some(Checked {
        symbol: out,
        defects,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<DefectKind> {
        check(s)
            .map(|c| c.defects.iter().map(|d| d.kind).collect())
            .unwrap_or_default()
    }
    fn sugg(s: &str) -> Option<String> {
        check(s).and_then(|c| c.suggestion())
    }

    #[test]
    fn well_formed_symbols_have_no_defect() {
        for s in [
            "30/2020/NĐ-CP",
            "78/2025/NĐ-CP",
            "64/2025/QH15",
            "72/2025/QH15",
            "76/2025/UBTVQH15",
            "1660/NQ-UBTVQH15",
            "608/QĐ-TTg",
            "04/NQ-CP",
            "27-NQ/TW",
            "01-KL/TW",
            "8536/VPCP-KSTT",
            "5786/SNV-XDCQ&TCBC",
            "043/2025/QĐ-UBND",
            "15/2025/NQ-HĐND",
            "02/2025/TT-BDTTG",
            "19/2025/TT-BNNMT",
            "80/2015/QH13",
            "47/2019/QH14",
            "1883/QĐ-UBND",
            "15/UBND-VP",
        ] {
            let c = check(s).unwrap_or_else(|| panic!("{s} parses"));
            assert!(c.defects.is_empty(), "{s}: {:?}", c.defects);
        }
        let c = check("30/2020/NĐ-CP").unwrap();
        assert_eq!(c.symbol.year, Some(2020));
        assert_eq!(c.symbol.type_code.as_deref(), Some("NĐ"));
        assert_eq!(c.symbol.issuer.as_deref(), Some("CP"));
        let p = check("27-NQ/TW").unwrap().symbol;
        assert!(p.party);
        assert_eq!(
            (p.type_code.as_deref(), p.issuer.as_deref()),
            (Some("NQ"), Some("TW"))
        );
    }

    #[test]
    fn legislature_suffix() {
        assert_eq!(kinds("64/2025/QH1"), vec![DefectKind::LegislatureSuffix]);
        assert_eq!(sugg("64/2025/QH1").as_deref(), Some("64/2025/QH15"));
        assert_eq!(kinds("64/2025/QH"), vec![DefectKind::LegislatureSuffix]);
        assert_eq!(sugg("64/2025/QH").as_deref(), Some("64/2025/QH15"));
        // a whole term that does not fit: the year may be the wrong part (97/2025/QH13 for 97/2015/QH13)
        assert_eq!(kinds("97/2025/QH13"), vec![DefectKind::LegislatureSuffix]);
        assert_eq!(sugg("97/2025/QH13"), None);
        assert!(
            kinds("34/2002/QH10").is_empty(),
            "khóa X sat until mid-2002"
        );
        assert!(kinds("23/2000/PL-UBTVQH10").is_empty());
        // 2021 saw two terms: no single suggestion, still a defect for QH13.
        assert_eq!(kinds("10/2021/QH13"), vec![DefectKind::LegislatureSuffix]);
        assert_eq!(sugg("10/2021/QH13"), None);
        assert!(kinds("10/2021/QH15").is_empty());
        assert_eq!(
            kinds("1660/NQ-UBTVQH14").first().copied(),
            None,
            "no year: the term cannot be judged"
        );
        assert_eq!(
            kinds("70/2025/NQ-UBTVQH14"),
            vec![DefectKind::LegislatureSuffix]
        );
    }

    #[test]
    fn type_codes() {
        assert_eq!(kinds("02/CTT-TTg"), vec![DefectKind::UnknownType]);
        assert_eq!(sugg("02/CTT-TTg").as_deref(), Some("02/CT-TTg"));
        assert_eq!(kinds("30/2020/NĐCP"), vec![DefectKind::MissingHyphen]);
        assert_eq!(sugg("30/2020/NĐCP").as_deref(), Some("30/2020/NĐ-CP"));
        // an unknown unit code of a local body is not judged
        assert!(kinds("123/SXD-QLXD").is_empty());
    }

    #[test]
    fn missing_year() {
        assert_eq!(kinds("27/TT-BYT"), vec![DefectKind::MissingYear]);
        assert_eq!(kinds("30/NĐ-CP"), vec![DefectKind::MissingYear]);
        assert!(
            kinds("27/QĐ-TTg").is_empty(),
            "administrative decisions have no year"
        );
    }

    #[test]
    fn homoglyphs() {
        let w = "58/2024/NĐ-C\u{0420}"; // Cyrillic Er
        assert_eq!(kinds(w), vec![DefectKind::Homoglyph]);
        assert_eq!(sugg(w).as_deref(), Some("58/2024/NĐ-CP"));
        let c = check(w).unwrap();
        assert!(
            c.defects[0].reason.contains("Kirin"),
            "{}",
            c.defects[0].reason
        );
        assert_eq!(c.symbol.issuer.as_deref(), Some("CP"));
        assert_eq!(kinds("30/2020/Ν\u{0110}-CP"), vec![DefectKind::Homoglyph]); // Greek Nu
    }

    #[test]
    fn party_form() {
        assert_eq!(kinds("27/NQ-TW"), vec![DefectKind::PartyForm]);
        assert_eq!(sugg("27/NQ-TW").as_deref(), Some("27-NQ/TW"));
    }

    #[test]
    fn not_symbols() {
        assert!(check("12/09/2022").is_none());
        assert!(check("abc").is_none());
        assert!(check("2025").is_none());
    }
}
