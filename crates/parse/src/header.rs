//! The header of an official document (Quốc hiệu, issuer, `Số: …`, place and date,
//! type and trích yếu, `DỰ THẢO`) and the trailing blocks (Nơi nhận, signature).

use crate::lines::Line;
use crate::markers;
use rasoat_model::{Date, DocMeta};
use rasoat_text::fold;
use regex::Regex;
use std::sync::LazyLock;

#[derive(Debug, Default, Clone)]
pub(crate) struct Header {
    pub number: Option<String>,
    /// Symbol without its number when the number is left blank in a draft (`/2026/QĐ-UBND`).
    pub partial_symbol: Option<String>,
    pub type_name: Option<String>,
    pub issuer: Option<String>,
    pub place: Option<String>,
    pub date: Option<Date>,
    pub title: Option<String>,
    pub draft: bool,
}

/// Document types as printed in capitals on the type line, with their code.
pub(crate) const TYPES: &[(&str, &str, &str)] = &[
    ("HIẾN PHÁP", "Hiến pháp", "HP"),
    ("BỘ LUẬT", "Bộ luật", "BLUAT"),
    ("LUẬT", "Luật", "LUAT"),
    ("PHÁP LỆNH", "Pháp lệnh", "PL"),
    ("NGHỊ QUYẾT LIÊN TỊCH", "Nghị quyết liên tịch", "NQLT"),
    ("NGHỊ QUYẾT", "Nghị quyết", "NQ"),
    ("NGHỊ ĐỊNH", "Nghị định", "NĐ"),
    ("THÔNG TƯ LIÊN TỊCH", "Thông tư liên tịch", "TTLT"),
    ("THÔNG TƯ", "Thông tư", "TT"),
    ("QUYẾT ĐỊNH", "Quyết định", "QĐ"),
    ("CHỈ THỊ", "Chỉ thị", "CT"),
    ("KẾ HOẠCH", "Kế hoạch", "KH"),
    ("ĐỀ ÁN", "Đề án", "ĐA"),
    ("DỰ ÁN", "Dự án", "DA"),
    ("PHƯƠNG ÁN", "Phương án", "PA"),
    ("CHƯƠNG TRÌNH", "Chương trình", "CTr"),
    ("BÁO CÁO", "Báo cáo", "BC"),
    ("TỜ TRÌNH", "Tờ trình", "TTr"),
    ("CÔNG ĐIỆN", "Công điện", "CĐ"),
    ("CÔNG VĂN", "Công văn", "CV"),
    ("HƯỚNG DẪN", "Hướng dẫn", "HD"),
    ("QUY CHẾ", "Quy chế", "QC"),
    ("QUY ĐỊNH", "Quy định", "QyĐ"),
    // Attached charters and rules ("ĐIỀU LỆ tổ chức và hoạt động của Quỹ …", "NỘI QUY chợ").
    ("ĐIỀU LỆ", "Điều lệ", "ĐL"),
    ("NỘI QUY", "Nội quy", "NQy"),
    ("THÔNG BÁO", "Thông báo", "TB"),
    ("KẾT LUẬN", "Kết luận", "KL"),
    ("VĂN BẢN HỢP NHẤT", "Văn bản hợp nhất", "VBHN"),
];

/// `(type name, code)` of a type line such as `KẾ HOẠCH` or `QUYẾT ĐỊNH:`.
pub(crate) fn type_line(t: &str) -> Option<(&'static str, &'static str)> {
    let t = t.trim().trim_end_matches(':').trim();
    TYPES
        .iter()
        .find(|(caps, _, _)| *caps == t)
        .map(|(_, name, code)| (*name, *code))
}

/// Code from a type name (`Luật` → `LUAT`).
pub(crate) fn type_code(name: &str) -> Option<&'static str> {
    TYPES
        .iter()
        .find(|(_, n, _)| n.eq_ignore_ascii_case(name) || *n == name)
        .map(|(_, _, c)| *c)
}

static SO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bSố\s*:?\s*(?P<n>\d{1,6}|[.…_]+)?\s*(?P<sym>(?:/\s*\d{4}\s*)?/\s*[\p{Lu}Đ][\p{L}\d]*(?:-[\p{L}\d]+)*)").unwrap()
});
static PLACE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<place>[\p{L}][\p{L} .'\-]{0,40}?)?\s*,?\s*ngày\s*(?P<d>\d{1,2})?[\s.…_]*tháng\s*(?P<m>\d{1,2})?[\s.…_]*năm\s*(?P<y>(?:19|20)\d{2})").unwrap()
});
static DRAFT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\bDỰ\s+THẢO\b").unwrap());
static SIGN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:TM|KT|TL|TUQ|Q)\s*\.\s*\p{Lu}").unwrap());
static POSITION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:PHÓ\s+)?(?:CHỦ TỊCH|BỘ TRƯỞNG|THỨ TRƯỞNG|THỦ TƯỚNG|GIÁM ĐỐC|CHÁNH VĂN PHÒNG|CHÁNH ÁN|VIỆN TRƯỞNG|TỔNG KIỂM TOÁN|TRƯỞNG BAN|CHỦ NHIỆM)(?:\s+[\p{Lu} ]*)?$").unwrap()
});

const QUOC_HIEU: &str = "cong hoa xa hoi chu nghia viet nam";
const TIEU_NGU: &str = "doc lap - tu do - hanh phuc";

/// Read the header from the first lines. Returns it and how many lines it took.
pub(crate) fn detect(lines: &[Line]) -> (Header, usize) {
    let mut h = Header::default();
    let mut issuer_parts: Vec<String> = Vec::new();
    let mut consumed = 0;
    let mut i = 0;
    let limit = lines.len().min(40);
    while i < limit {
        let l = &lines[i];
        let t = l.trimmed();
        if markers::detect(t, 0, true).is_some_and(|m| m.kind != markers::Mk::Dash)
            || starts_body(t)
        {
            break;
        }
        let mut rest = t.to_string();
        let mut known = false;
        if DRAFT.is_match(&rest) && rest.chars().count() < 40 {
            // "DỰ THẢO", "(Dự thảo lần 2)": the whole short line is the draft mark.
            h.draft = true;
            rest.clear();
            known = true;
        } else if let Some(m) = DRAFT.find(&rest).filter(|m| m.as_str().starts_with("DỰ")) {
            // Draft mark printed on the same line as another header column.
            h.draft = true;
            rest = format!("{} {}", &rest[..m.start()], &rest[m.end()..]);
            known = true;
        }
        let f = fold(&rest);
        if let Some(p) = f.find(QUOC_HIEU) {
            rest = cut_folded(&rest, &f, p, QUOC_HIEU.len());
            known = true;
        }
        let f = fold(&rest);
        if let Some(p) = f
            .find(TIEU_NGU)
            .or_else(|| f.find("doc lap – tu do – hanh phuc"))
        {
            rest = cut_folded(&rest, &f, p, TIEU_NGU.len());
            known = true;
        }
        if let Some(c) = SO.captures(&rest) {
            let sym: String = c["sym"].chars().filter(|c| !c.is_whitespace()).collect();
            match c.name("n").map(|m| m.as_str()) {
                Some(n) if n.chars().all(|c| c.is_ascii_digit()) => {
                    h.number = Some(format!("{n}{sym}"))
                }
                _ => {
                    h.draft = true;
                    h.partial_symbol = Some(sym);
                }
            }
            let m = c.get(0).map(|m| m.range()).unwrap_or(0..0);
            rest = format!("{} {}", &rest[..m.start], &rest[m.end..]);
            known = true;
        }
        if let Some(c) = PLACE_DATE.captures(&rest) {
            let d = c.name("d").and_then(|m| m.as_str().parse::<i8>().ok());
            let m = c.name("m").and_then(|m| m.as_str().parse::<i8>().ok());
            let y = c.name("y").and_then(|m| m.as_str().parse::<i16>().ok());
            match (d, m, y) {
                (Some(d), Some(m), Some(y)) => h.date = Date::new(y, m, d).ok(),
                _ => h.draft = true,
            }
            if let Some(p) = c.name("place") {
                let p = p.as_str().trim().trim_end_matches(',').trim();
                if !p.is_empty() {
                    h.place = Some(p.to_string());
                }
            }
            let r = c.get(0).map(|m| m.range()).unwrap_or(0..0);
            rest = format!("{} {}", &rest[..r.start], &rest[r.end..]);
            known = true;
        }
        let rest = rest
            .trim()
            .trim_matches(|c: char| c == '-' || c == '_' || c == '–')
            .trim()
            .to_string();
        if let Some((name, _)) = type_line(&rest) {
            h.type_name = Some(name.to_string());
            // Trích yếu: the following lines up to a blank line or the body.
            let mut title = String::new();
            let mut j = i + 1;
            while j < lines.len() && j < i + 8 {
                let tl = lines[j].trimmed();
                // "(NAY LÀ THÀNH PHỐ HUẾ)", "(thực hiện khoản 1 Điều 33 Luật Thủ đô)": a closing
                // parenthetical still belongs to the trích yếu.
                let paren = !title.is_empty()
                    && tl.starts_with('(')
                    && tl.ends_with(')')
                    && !DRAFT.is_match(tl)
                    && !fold(tl).contains("kem theo");
                if (lines[j].brk != crate::lines::Brk::Wrap && !title.is_empty() && !paren)
                    || starts_body(tl)
                    || markers::detect(tl, 0, true).is_some()
                    || (tl.starts_with('(')
                        && ((lines[j].brk != crate::lines::Brk::Wrap && !tl.ends_with(')'))
                            || DRAFT.is_match(tl)
                            || fold(tl).contains("kem theo")))
                {
                    break;
                }
                if !title.is_empty() {
                    title.push(' ');
                }
                title.push_str(&rasoat_text::collapse_spaces(tl));
                j += 1;
            }
            if !title.is_empty() {
                h.title = Some(title.trim_start_matches("V/v").trim().to_string());
            }
            consumed = j;
            break;
        }
        if rest.starts_with("V/v") || rest.starts_with("V/V") {
            h.title = Some(rest[3..].trim().to_string());
            // A letter's trích yếu ("V/v …") with no type line: a công văn.
            if h.type_name.is_none() {
                h.type_name = Some("Công văn".to_string());
            }
            known = true;
        } else if !rest.is_empty() && markers::is_upper_title(&rest) && rest.chars().count() < 120 {
            issuer_parts.push(rest);
            known = true;
        }
        if !known {
            break;
        }
        i += 1;
        consumed = i;
    }
    if !issuer_parts.is_empty() {
        h.issuer = Some(org_case(&issuer_parts.join(" ")));
    }
    if consumed == 0
        || (h.number.is_none()
            && h.type_name.is_none()
            && h.date.is_none()
            && !h.draft
            && h.title.is_none())
    {
        // Nothing that makes a header: leave the lines to the body.
        return (Header::default(), 0);
    }
    (h, consumed)
}

/// Lines that begin the body of a document (căn cứ, enacting words).
fn starts_body(t: &str) -> bool {
    [
        "Căn cứ",
        "Xét ",
        "Theo đề nghị",
        "Thực hiện",
        "Triển khai",
        "Kính gửi",
    ]
    .iter()
    .any(|p| t.starts_with(p))
}

/// Remove the original-text range matching folded bytes `p..p+len` (fold keeps char counts for
/// these ASCII-foldable letters, so map by chars).
fn cut_folded(orig: &str, folded: &str, p: usize, len: usize) -> String {
    let cstart = folded[..p].chars().count();
    let cend = cstart + folded[p..(p + len).min(folded.len())].chars().count();
    let start = orig
        .char_indices()
        .nth(cstart)
        .map(|(i, _)| i)
        .unwrap_or(orig.len());
    let end = orig
        .char_indices()
        .nth(cend)
        .map(|(i, _)| i)
        .unwrap_or(orig.len());
    format!("{} {}", &orig[..start], &orig[end..])
}

/// `ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK` → `Ủy ban nhân dân tỉnh Đắk Lắk`;
/// `BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH` → `Bộ Văn hóa, Thể thao và Du lịch`.
pub(crate) fn org_case(s: &str) -> String {
    let lower = rasoat_text::collapse_spaces(&s.to_lowercase());
    let words: Vec<&str> = lower.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut cap_rest = false; // after tỉnh/thành phố/xã…: proper name, capitalise every word
    let mut cap_next = true;
    for (i, w) in words.iter().enumerate() {
        let cap = cap_next || cap_rest;
        out.push(if cap { capitalize(w) } else { w.to_string() });
        cap_next = false;
        let prev = if i > 0 { words[i - 1] } else { "" };
        match *w {
            "tỉnh" | "xã" | "phường" | "huyện" | "quận" | "đặc" => cap_rest = true,
            "phố" if prev == "thành" => cap_rest = true,
            "bộ" | "sở" | "cục" | "vụ" if i == 0 => cap_next = true,
            _ => {}
        }
        if w.ends_with(',') || *w == "và" {
            cap_next = i > 0 && words[0] == "bộ";
        }
    }
    out.join(" ")
}

fn capitalize(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A line that starts the trailing blocks: `Nơi nhận:` or a signature authority line.
pub(crate) fn trailer_start(t: &str) -> bool {
    t.starts_with("Nơi nhận") || signature_line(t)
}

pub(crate) fn signature_line(t: &str) -> bool {
    (SIGN.is_match(t) && t.chars().count() < 80 && markers::is_upper_title(t))
        || (POSITION.is_match(t) && t.chars().count() < 60)
}

/// What the signature block says: the signer's name, and whether the Chủ tịch signs in their
/// own name (no "TM. ỦY BAN NHÂN DÂN"): then the issuer is the Chủ tịch UBND, not the UBND
/// (NĐ 30/2020/NĐ-CP Phụ lục I: "TM." signs for a collective body).
pub(crate) fn from_signature(meta: &mut DocMeta, blocks: &[rasoat_model::Block]) {
    if let Some(i) = meta.issuer.as_mut()
        && let Some(rest) = i.strip_prefix("Chủ tịch ủy ban")
    {
        *i = format!("Chủ tịch Ủy ban{rest}");
    }
    // The document's own signature is the first; later ones belong to forms in its appendices.
    let Some(sig) = blocks
        .iter()
        .find(|b| b.kind == rasoat_model::BlockKind::Signature)
    else {
        return;
    };
    let lines: Vec<&str> = sig
        .text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    meta.signer = lines
        .iter()
        .rev()
        .find(|l| {
            l.chars().any(char::is_lowercase)
                && l.chars().next().is_some_and(char::is_uppercase)
                && l.split_whitespace().count() <= 6
                && !l.contains(':')
        })
        .map(|l| l.to_string());
    let f = fold(&sig.text);
    let own_name = !f.contains("tm.") && !f.contains("tm ") && f.contains("chu tich");
    let by_symbol = meta.number.as_deref().is_some_and(|n| n.contains("CTUBND"));
    // A normative QĐ-UBND is the UBND's by law (the Chủ tịch's carry -CTUBND), whoever signs.
    let administrative = !meta.normative && matches!(meta.doc_type.as_deref(), Some("QĐ" | "CV"));
    if let Some(i) = meta.issuer.as_mut()
        && i.starts_with("Ủy ban nhân dân")
        && ((own_name && administrative) || by_symbol)
    {
        *i = format!("Chủ tịch {i}");
    }
}

/// Fill `DocMeta` from a header (number → type code, normative).
pub(crate) fn to_meta(h: Header) -> DocMeta {
    let sym_src = h.number.clone().or(h.partial_symbol.clone());
    let (doc_type, normative) = classify(sym_src.as_deref(), h.type_name.as_deref());
    DocMeta {
        number: h.number,
        doc_type,
        type_name: h.type_name,
        issuer: h.issuer,
        place: h.place,
        date: h.date,
        title: h.title,
        normative,
        draft: h.draft,
        signer: None,
        law_id: None,
        dataset: None,
    }
}

static NUMSYM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\d+)?(?:/(?P<year>(?:19|20)\d{2}))?/(?P<sym>[\p{L}\d]+)(?:-(?P<iss>.+))?$")
        .unwrap()
});

/// Type code and normative flag from a number-symbol and/or type name.
pub(crate) fn classify(number: Option<&str>, type_name: Option<&str>) -> (Option<String>, bool) {
    let by_name = type_name.and_then(type_code).map(str::to_string);
    let mut code = None;
    let mut year = false;
    if let Some(c) = number.and_then(|n| NUMSYM.captures(n)) {
        year = c.name("year").is_some();
        let sym = &c["sym"];
        // Công văn carry the issuing body first ("4085/UBND-ĐT"): no type code there.
        let is_issuer = sym.starts_with("QH")
            || sym.starts_with("UBTVQH")
            || matches!(sym, "UBND" | "HĐND" | "HDND" | "CTUBND");
        if !is_issuer && c.name("iss").is_some() {
            code = Some(sym.to_string());
        }
    }
    let code = code.or(by_name);
    let always = matches!(
        code.as_deref(),
        Some("HP" | "BLUAT" | "LUAT" | "PL" | "NĐ" | "TT" | "TTLT")
    );
    (code, year || always)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lines::split_plain;

    #[test]
    fn reads_full_header() {
        let src = "ỦY BAN NHÂN DÂN\nTỈNH ĐẮK LẮK\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nSố: 12/2026/QĐ-UBND\nĐắk Lắk, ngày 05 tháng 01 năm 2026\n\nQUYẾT ĐỊNH\nBan hành Quy định phân cấp\n\nCăn cứ Luật";
        let lines = split_plain(src, 0, true);
        let (h, n) = detect(&lines);
        assert_eq!(h.number.as_deref(), Some("12/2026/QĐ-UBND"));
        assert_eq!(h.issuer.as_deref(), Some("Ủy ban nhân dân tỉnh Đắk Lắk"));
        assert_eq!(h.place.as_deref(), Some("Đắk Lắk"));
        assert_eq!(h.date, Date::new(2026, 1, 5).ok());
        assert_eq!(h.type_name.as_deref(), Some("Quyết định"));
        assert_eq!(h.title.as_deref(), Some("Ban hành Quy định phân cấp"));
        assert!(!h.draft);
        assert_eq!(lines[n].trimmed(), "Căn cứ Luật");
    }

    #[test]
    fn interleaved_columns_and_draft() {
        let src = "(Dự thảo lần 2)\nỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH ĐẮK LẮK Độc lập - Tự do - Hạnh phúc\nSố:      /2026/QĐ-UBND Đắk Lắk, ngày    tháng    năm 2026\n\nQUYẾT ĐỊNH\nVề việc phân cấp\n\nCăn cứ";
        let (h, _) = detect(&split_plain(src, 0, true));
        assert!(h.draft);
        assert_eq!(h.number, None);
        assert_eq!(h.partial_symbol.as_deref(), Some("/2026/QĐ-UBND"));
        assert_eq!(h.date, None);
        assert_eq!(h.place.as_deref(), Some("Đắk Lắk"));
        assert_eq!(h.issuer.as_deref(), Some("Ủy ban nhân dân tỉnh Đắk Lắk"));
        assert_eq!(h.title.as_deref(), Some("Về việc phân cấp"));
    }

    #[test]
    fn org_names() {
        assert_eq!(
            org_case("BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH"),
            "Bộ Văn hóa, Thể thao và Du lịch"
        );
        assert_eq!(
            org_case("HỘI ĐỒNG NHÂN DÂN TỈNH GIA LAI"),
            "Hội đồng nhân dân tỉnh Gia Lai"
        );
    }

    #[test]
    fn trailers() {
        assert!(trailer_start("KT. CHỦ TỊCH"));
        assert!(trailer_start("PHÓ CHỦ TỊCH"));
        assert!(trailer_start("Nơi nhận:"));
        assert!(!trailer_start("Chủ tịch UBND tỉnh chỉ đạo"));
    }
}
