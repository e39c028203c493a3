//! Recognising the structural marker a line starts with: `Phần`, `Chương`, `Mục`,
//! `Tiểu mục`, `Điều 5a.`, `I.`, `1.`/`2a.`, `a)`/`đ)`/`a1)`, `-`/`+`, `Phụ lục`.

use regex::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Mk {
    PhuLuc,
    Phan,
    Chuong,
    Muc,
    TieuMuc,
    Dieu,
    Section,
    Num,
    Letter,
    SubLetter,
    Dash,
    Plus,
}

impl Mk {
    /// Nesting rank: a marker closes every open unit of equal or higher rank.
    pub fn rank(self) -> u8 {
        match self {
            Mk::PhuLuc => 0,
            Mk::Phan => 1,
            Mk::Chuong => 2,
            Mk::Muc => 3,
            Mk::TieuMuc => 4,
            Mk::Dieu | Mk::Section => 5,
            Mk::Num => 6,
            Mk::Letter => 7,
            Mk::SubLetter => 8,
            Mk::Dash => 9,
            Mk::Plus => 10,
        }
    }

    /// Units whose heading is an upper-case title (on the line or the next ones).
    pub fn is_container(self) -> bool {
        matches!(
            self,
            Mk::PhuLuc | Mk::Phan | Mk::Chuong | Mk::Muc | Mk::TieuMuc | Mk::Section
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Marker {
    pub kind: Mk,
    /// Number as written: `5a`, `II`, `đ`, `thứ nhất`; empty for bullets and a bare `Phụ lục`.
    pub number: String,
    /// Offset in the line text where the content after the marker starts.
    pub rest: usize,
}

static PHAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Phần|PHẦN)\s+((?:thứ|THỨ)\s+\p{L}+|[IVXLC]+|\d{1,2})(?:\s*[.:\-–]\s*|\s+|$)")
        .unwrap()
});
static CHUONG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Chương|CHƯƠNG)\s+([IVXLC]+|\d{1,3}[a-zA-Z]?)(?:\s*[.:\-–]\s*|\s+|$)").unwrap()
});
static MUC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Mục|MỤC)\s+(\d{1,3}[a-z]?|[IVXLC]+)(?:\s*[.:\-–]\s*|\s+|$)").unwrap()
});
static TIEU_MUC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Tiểu mục|TIỂU MỤC)\s+(\d{1,3}[a-z]?)(?:\s*[.:\-–]\s*|\s+|$)").unwrap()
});
static DIEU: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Điều|ĐIỀU)\s+(\d{1,4}[a-zđ]?)\s*(?:[.:]\s*|\s+-\s+|$)").unwrap()
});
static PHU_LUC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:PHỤ LỤC|Phụ lục)(?:\s+(?:SỐ|số)\s*|\s+)?([IVXLC]+|\d{1,3}[a-zA-Z]?)?\b\s*[.:\-–]?\s*",
    )
    .unwrap()
});
static ROMAN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([IVXLC]{1,7})\s*[.:]\s+").unwrap());
static NUM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,3}[a-zđ]?)\.(?:\s+|$)").unwrap());
static LETTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([a-zđ])(\d{0,2})\)(?:\s+|$)").unwrap());

/// The marker `t` (a line with leading spaces removed) starts with, if any.
/// `indent` is added to `rest` so it is an offset into the full line.
pub(crate) fn detect(t: &str, indent: usize, allow_dieu: bool) -> Option<Marker> {
    let first = t.chars().next()?;
    let mk = |kind, number: &str, end: usize| {
        Some(Marker {
            kind,
            number: number.to_string(),
            rest: indent + end,
        })
    };
    match first {
        'P' => {
            if let Some(c) = PHAN.captures(t) {
                return mk(Mk::Phan, c.get(1)?.as_str(), c.get(0)?.end());
            }
            if let Some(c) = PHU_LUC.captures(t) {
                let whole = c.get(0)?;
                let rest = &t[whole.end()..];
                let upper_title = is_upper_title(rest);
                // "Phụ lục" must stand alone, carry a number, or introduce an upper-case title;
                // a sentence "Phụ lục này ..." is not a heading.
                if rest.is_empty() || c.get(1).is_some() || upper_title || t.starts_with("PHỤ LỤC")
                {
                    return mk(
                        Mk::PhuLuc,
                        c.get(1).map(|m| m.as_str()).unwrap_or(""),
                        whole.end(),
                    );
                }
            }
            None
        }
        'C' => {
            if let Some(c) = CHUONG.captures(t) {
                return mk(Mk::Chuong, c.get(1)?.as_str(), c.get(0)?.end());
            }
            roman(t, indent)
        }
        'M' => {
            let c = MUC.captures(t)?;
            let rest = &t[c.get(0)?.end()..];
            if rest.is_empty() || !starts_lower(rest) {
                return mk(Mk::Muc, c.get(1)?.as_str(), c.get(0)?.end());
            }
            None
        }
        'T' => {
            let c = TIEU_MUC.captures(t)?;
            mk(Mk::TieuMuc, c.get(1)?.as_str(), c.get(0)?.end())
        }
        'Đ' => {
            if !allow_dieu {
                return None;
            }
            let c = DIEU.captures(t)?;
            mk(Mk::Dieu, c.get(1)?.as_str(), c.get(0)?.end())
        }
        'I' | 'V' | 'X' | 'L' => roman(t, indent),
        '0'..='9' => {
            let c = NUM.captures(t)?;
            mk(Mk::Num, c.get(1)?.as_str(), c.get(0)?.end())
        }
        'a'..='z' | 'đ' => {
            let c = LETTER.captures(t)?;
            let letter = c.get(1)?.as_str();
            if !is_point_letter(letter) {
                return None;
            }
            let digits = c.get(2)?.as_str();
            let kind = if digits.is_empty() {
                Mk::Letter
            } else {
                Mk::SubLetter
            };
            mk(kind, &format!("{letter}{digits}"), c.get(0)?.end())
        }
        '-' | '–' | '—' | '•' | '*' | '+' => {
            let rest = t[first.len_utf8()..].trim_start();
            if rest.is_empty() || rest.len() == t.len() - first.len_utf8() {
                return None; // "-" alone, or "-5" (a number), not a bullet
            }
            let end = t.len() - rest.len();
            mk(if first == '+' { Mk::Plus } else { Mk::Dash }, "", end)
        }
        _ => None,
    }
}

fn roman(t: &str, indent: usize) -> Option<Marker> {
    let c = ROMAN.captures(t)?;
    let r = c.get(1)?.as_str();
    roman_value(r)?;
    Some(Marker {
        kind: Mk::Section,
        number: r.to_string(),
        rest: indent + c.get(0)?.end(),
    })
}

/// Value of a canonical Roman numeral (`IV`, not `IIII`).
pub(crate) fn roman_value(s: &str) -> Option<u32> {
    let val = |c| match c {
        'I' => Some(1u32),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        'C' => Some(100),
        _ => None,
    };
    let cs: Vec<u32> = s.chars().map(val).collect::<Option<_>>()?;
    let mut total: i64 = 0;
    for (i, &v) in cs.iter().enumerate() {
        // Subtractive pair (IV, IX, XL ...): the smaller one counts negative.
        if cs.get(i + 1).is_some_and(|&n| n > v) {
            total -= v as i64;
        } else {
            total += v as i64;
        }
    }
    if total <= 0 || to_roman(total as u32) != s {
        return None;
    }
    Some(total as u32)
}

pub(crate) fn to_roman(mut n: u32) -> String {
    const T: [(u32, &str); 9] = [
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in T {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

/// Vietnamese point letters (no f, j, w, z); Word's auto-lettering may still produce f.
pub(crate) const POINT_LETTERS: [&str; 23] = [
    "a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t",
    "u", "v", "x", "y",
];

pub(crate) fn is_point_letter(l: &str) -> bool {
    POINT_LETTERS.contains(&l) || l == "f"
}

pub(crate) fn letter_index(l: &str) -> Option<usize> {
    POINT_LETTERS.iter().position(|x| *x == l)
}

fn starts_lower(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_lowercase())
}

/// A title written in capitals (`QUY ĐỊNH CHUNG`): has letters, none lower-case.
pub(crate) fn is_upper_title(s: &str) -> bool {
    let mut letters = 0;
    for c in s.chars() {
        if c.is_lowercase() {
            return false;
        }
        if c.is_alphabetic() {
            letters += 1;
        }
    }
    letters >= 2
}

/// Is `n` the number that follows `prev` (`2` after `1`, `2a` after `2`, `đ` after `d`,
/// `a2` after `a1`, `a1` after `a`, `III` after `II`)? `None` for the first of a list.
pub(crate) fn is_successor(kind: Mk, prev: Option<&str>, n: &str) -> bool {
    match kind {
        Mk::Num | Mk::Dieu => {
            let (pn, ps) = match prev {
                None => return split_num(n).is_some_and(|(v, s)| v <= 1 && s.is_empty()),
                Some(p) => match split_num(p) {
                    Some(x) => x,
                    None => return false,
                },
            };
            match split_num(n) {
                Some((v, s)) => (v == pn + 1 && s.is_empty()) || (v == pn && s > ps),
                None => false,
            }
        }
        Mk::Section => {
            let v = roman_value(n).unwrap_or(0);
            match prev {
                None => v == 1,
                Some(p) => roman_value(p).is_some_and(|pv| v == pv + 1),
            }
        }
        Mk::Letter => {
            let i = letter_index(n);
            match prev {
                None => n == "a",
                Some(p) => match (letter_index(p), i) {
                    (Some(pi), Some(ni)) => ni == pi + 1,
                    // e → f in Word's Latin auto-lettering
                    _ => p == "e" && n == "f" || p == "f" && n == "g",
                },
            }
        }
        Mk::SubLetter => {
            let (l, d) = n.split_at(n.find(|c: char| c.is_ascii_digit()).unwrap_or(n.len()));
            let dv: u32 = d.parse().unwrap_or(0);
            match prev {
                None => dv == 1,
                Some(p) => {
                    let (pl, pd) =
                        p.split_at(p.find(|c: char| c.is_ascii_digit()).unwrap_or(p.len()));
                    pl == l && pd.parse::<u32>().is_ok_and(|x| dv == x + 1)
                }
            }
        }
        _ => true,
    }
}

fn split_num(s: &str) -> Option<(u32, &str)> {
    let d = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    Some((s[..d].parse().ok()?, &s[d..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(t: &str) -> Option<(Mk, String, String)> {
        detect(t, 0, true).map(|m| (m.kind, m.number, t[m.rest..].to_string()))
    }

    #[test]
    fn detects_markers() {
        assert_eq!(
            k("Điều 5a. Phạm vi"),
            Some((Mk::Dieu, "5a".into(), "Phạm vi".into()))
        );
        assert_eq!(
            k("I. MỤC ĐÍCH, YÊU CẦU"),
            Some((Mk::Section, "I".into(), "MỤC ĐÍCH, YÊU CẦU".into()))
        );
        assert_eq!(
            k("2a. Sửa đổi"),
            Some((Mk::Num, "2a".into(), "Sửa đổi".into()))
        );
        assert_eq!(
            k("đ) Thực hiện"),
            Some((Mk::Letter, "đ".into(), "Thực hiện".into()))
        );
        assert_eq!(
            k("a1) Đối với"),
            Some((Mk::SubLetter, "a1".into(), "Đối với".into()))
        );
        assert_eq!(k("Chương II"), Some((Mk::Chuong, "II".into(), "".into())));
        assert_eq!(
            k("Mục 1. QUY ĐỊNH"),
            Some((Mk::Muc, "1".into(), "QUY ĐỊNH".into()))
        );
        assert_eq!(
            k("Phần thứ nhất"),
            Some((Mk::Phan, "thứ nhất".into(), "".into()))
        );
        assert_eq!(k("PHỤ LỤC I"), Some((Mk::PhuLuc, "I".into(), "".into())));
        assert_eq!(
            k("- Bộ Nội vụ"),
            Some((Mk::Dash, "".into(), "Bộ Nội vụ".into()))
        );
        assert_eq!(k("Mục đích"), None);
        assert_eq!(k("10/10/2023 của HĐND"), None);
        assert_eq!(k("1.000 đồng"), None);
        assert_eq!(k("f) x"), Some((Mk::Letter, "f".into(), "x".into())));
        assert_eq!(k("w) x"), None);
        assert_eq!(k("Phụ lục này áp dụng"), None);
        assert_eq!(k("IIII. x"), None);
        assert_eq!(k("Điều 1 của Luật này"), None);
    }

    #[test]
    fn successors() {
        assert!(is_successor(Mk::Letter, Some("d"), "đ"));
        assert!(is_successor(Mk::Letter, Some("e"), "g"));
        assert!(!is_successor(Mk::Letter, Some("a"), "c"));
        assert!(is_successor(Mk::Num, Some("2"), "2a"));
        assert!(is_successor(Mk::Num, Some("2a"), "3"));
        assert!(is_successor(Mk::Section, Some("III"), "IV"));
        assert!(is_successor(Mk::SubLetter, Some("a1"), "a2"));
        assert_eq!(roman_value("XIV"), Some(14));
        assert_eq!(roman_value("IC"), None);
    }
}
