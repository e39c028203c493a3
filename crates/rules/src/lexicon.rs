//! Built-in regex fragments ("lexicons") that rule cues reference as `{{NAME}}`.
//! They are written for the original (NFC) text; folded cues get a folded copy
//! made by [`fold_regex`]. A rule file may add or override lexicons in `[lexicons]`.
use std::collections::BTreeMap;

/// Abolished district-level bodies (catalog §9.5 items 34–35; R05 cues).
const AG_D: &str = r"(?:(?:UBND|Ủy ban nhân dân|HĐND|Hội đồng nhân dân|Chủ tịch (?:UBND|Ủy ban nhân dân))\s+(?:cấp\s+huyện|các\s+huyện(?:,\s*(?:thị xã|quận|thành phố))*|huyện|quận|thị xã|thành phố thuộc tỉnh)|Phòng (?:Tư pháp|Nội vụ|Tài chính\s*[-–]\s*Kế hoạch|Tài nguyên và Môi trường|Nông nghiệp và Phát triển nông thôn|Kinh tế và Hạ tầng|Quản lý đô thị|Giáo dục và Đào tạo|Y tế|Văn hóa(?: và|,) (?:Thông tin|Khoa học và Thông tin)|Lao động\s*[-–]\s*Thương binh và Xã hội|Dân tộc)|Phòng Kinh tế thuộc (?:UBND|Ủy ban nhân dân) (?:huyện|thị xã|thành phố)|Thanh tra (?:huyện|thị xã)|Văn phòng HĐND và UBND (?:huyện|thị xã|thành phố)|thuộc (?:UBND|Ủy ban nhân dân) (?:cấp )?(?:huyện|thị xã))";

/// Bodies outside the UBND hierarchy (`AG_X`, R19).
const AG_X: &str = r"(?:Ủy ban (?:MTTQ|Mặt [Tt]rận Tổ quốc)(?: Việt Nam)?(?: tỉnh| cấp xã| các cấp)?|UBMTTQ(?:VN)?(?: tỉnh)?|(?:Thường trực |TT )?(?:HĐND|Hội đồng nhân dân) tỉnh|(?:Ban Thường vụ |Thường trực )?Tỉnh ủy|Đoàn (?:ĐBQH|đại biểu Quốc hội)(?: tỉnh)?|(?:Tòa án nhân dân|TAND) tỉnh|(?:Viện kiểm sát nhân dân|VKSND) tỉnh|Liên đoàn Lao động tỉnh|Hội Liên hiệp Phụ nữ(?: Việt Nam)? tỉnh|Tỉnh đoàn|Hội Nông dân tỉnh|Hội Cựu chiến binh tỉnh|các tổ chức chính trị\s*[-–]\s*xã hội)";

/// The 29 province names that disappeared on 01/7/2025 plus Thừa Thiên Huế (R07).
const OLD_PROVINCE: &str = r"(?:Hà Giang|Yên Bái|Bắc Kạn|Vĩnh Phúc|Hòa Bình|Bắc Giang|Thái Bình|Hải Dương|Hà Nam|Nam Định|Quảng Bình|Quảng Nam|Kon Tum|Bình Định|Ninh Thuận|Đắk Nông|Bình Thuận|Phú Yên|Bà Rịa\s*[-–]\s*Vũng Tàu|Bình Dương|Bình Phước|Long An|Sóc Trăng|Hậu Giang|Bến Tre|Trà Vinh|Tiền Giang|Bạc Liêu|Kiên Giang|Thừa Thiên Huế)";

/// Provincial departments and ministries merged or renamed in 2025 (R21).
const MERGED: &str = r"(?:Sở Kế hoạch và Đầu tư|Sở KH&ĐT|Sở KHĐT|Sở Lao động\s*[-–]\s*Thương binh và Xã hội|Sở LĐTBXH|Sở LĐ-TB&XH|Sở Tài nguyên và Môi trường|Sở TN&MT|Sở TNMT|Sở Nông nghiệp và Phát triển nông thôn|Sở NN&PTNT|Sở Giao thông vận tải|Sở GTVT|Sở Thông tin và Truyền thông|Sở TT&TT|Sở TTTT|Ban Dân tộc tỉnh|Ban Dân tộc|Bộ Kế hoạch và Đầu tư|Bộ Lao động\s*[-–]\s*Thương binh và Xã hội|Bộ Tài nguyên và Môi trường|Bộ Nông nghiệp và Phát triển nông thôn|Bộ Giao thông vận tải|Bộ Thông tin và Truyền thông|Ủy ban Dân tộc)";

/// Role / task words that make a mention an assignment.
const ROLE: &str = r"(?:chủ trì|phối hợp|thực hiện|tham mưu|báo cáo|chịu trách nhiệm|có trách nhiệm|được phân cấp|được ủy quyền|tổ chức|triển khai|hướng dẫn|kiểm tra|theo dõi|rà soát|xây dựng|[Gg]iao|quyết định|phê duyệt|cấp giấy|thu hồi|quản lý|thẩm định|giải quyết|bố trí)";

/// Citation kind words (catalog §9.1 KIND).
const KIND: &str = r"(?:Hiến pháp|Bộ luật|Luật|Pháp lệnh|Nghị quyết(?: liên tịch)?|Nghị định|Quyết định|Thông tư(?: liên tịch)?|Chỉ thị|Kế hoạch|Đề án|Chương trình|Công điện|Công văn|Thông báo|Báo cáo|Tờ trình|Hướng dẫn|Kết luận|Văn bản hợp nhất|Quy chế|Quy định)";

/// Number-symbol (catalog §9.1 NUM, without named groups).
const NUM: &str = r"(?:\d{1,5}(?:/(?:19|20)\d{2})?/[A-ZĐ][A-Za-zĐđ]{0,5}\d{0,2}(?:-[A-ZĐ][A-Za-zĐđ0-9]*(?:-[A-ZĐ][A-Za-zĐđ0-9]*)*)?|\d{1,5}-(?:NQ|KL|CT|QĐ|HD|TB|BC|KH)/(?:TW|TU|ĐU|HU))";

/// Dates (catalog §9.2, without named groups).
const DATE: &str = r"(?:\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*(?:19|20)\d{2}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+(?:19|20)\d{2})";

pub fn builtin() -> BTreeMap<String, String> {
    [
        ("AG_D", AG_D),
        ("AG_X", AG_X),
        ("OLD_PROVINCE", OLD_PROVINCE),
        ("MERGED", MERGED),
        ("ROLE", ROLE),
        ("KIND", KIND),
        ("NUM", NUM),
        ("DATE", DATE),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// Expand `{{NAME}}` placeholders. Unknown names are an error (the caller names the file).
pub fn expand(re: &str, lex: &BTreeMap<String, String>, folded: bool) -> Result<String, String> {
    let mut out = String::with_capacity(re.len());
    let mut rest = re;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let j = after
            .find("}}")
            .ok_or_else(|| "unclosed `{{` in cue".to_string())?;
        let name = after[..j].trim();
        let frag = lex.get(name).ok_or_else(|| {
            format!(
                "unknown lexicon `{{{{{name}}}}}` (known: {})",
                lex.keys().cloned().collect::<Vec<_>>().join(", ")
            )
        })?;
        // Lexicons may reference other lexicons (one level is enough in practice).
        let frag = if frag.contains("{{") {
            expand(frag, lex, false)?
        } else {
            frag.clone()
        };
        if folded {
            out.push_str(&fold_regex(&frag));
        } else {
            out.push_str(&frag);
        }
        rest = &after[j + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Fold the literal letters of a regex (diacritics off, lower case) and keep its escapes
/// (`\S`, `\d`, `\p{Lu}`) intact, so one lexicon serves original and folded cues.
pub fn fold_regex(re: &str) -> String {
    let mut out = String::with_capacity(re.len());
    let mut chars = re.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.push(c);
            if let Some(n) = chars.next() {
                out.push(n);
                if (n == 'p' || n == 'P') && chars.peek() == Some(&'{') {
                    for d in chars.by_ref() {
                        out.push(d);
                        if d == '}' {
                            break;
                        }
                    }
                }
            }
        } else {
            rasoat_text::fold_char_into(c, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn folds_regex_keeping_escapes() {
        assert_eq!(fold_regex(r"Sở\s+Tư pháp\S\p{Lu}"), r"so\s+tu phap\S\p{Lu}");
    }
    #[test]
    fn expands() {
        let lex = builtin();
        let e = expand("Giao {{AG_D}}", &lex, false).unwrap();
        assert!(
            regex::Regex::new(&e)
                .unwrap()
                .is_match("Giao UBND các huyện, thị xã, thành phố tổ chức")
        );
        let f = expand("giao {{AG_D}}", &lex, true).unwrap();
        assert!(
            regex::Regex::new(&f)
                .unwrap()
                .is_match("giao ubnd cap huyen to chuc")
        );
        assert!(expand("{{NOPE}}", &lex, false).is_err());
        for (k, v) in &lex {
            regex::Regex::new(v).unwrap_or_else(|e| panic!("{k}: {e}"));
            regex::Regex::new(&fold_regex(v)).unwrap_or_else(|e| panic!("{k} folded: {e}"));
        }
    }
}
