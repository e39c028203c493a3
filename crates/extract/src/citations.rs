//! Citations of other documents, their role, non-operative ranges (Căn cứ lines,
//! cited titles) and references to parts (điểm/khoản/Điều/mục/phụ lục).

use crate::facts::{AgencyMention, Citation, CitationRole, Context, PartRef, TextRange};
use crate::norm::{NormText, at_word_bounds, date_at, normalize_number, slice};
use crate::registry::{Registry, law_name_key};
use rasoat_model::{Document, Provision, ProvisionKind};
use regex::Regex;
use std::sync::LazyLock;

const KIND: &str = r"(hien phap|bo luat|luat|phap lenh|nghi quyet lien tich|nghi quyet|nghi dinh|quyet dinh|thong tu lien tich|thong tu|chi thi|ke hoach|de an|chuong trinh|cong dien|cong van|thong bao|bao cao|to trinh|huong dan|ket luan|van ban hop nhat|quy che|quy dinh|van ban)";
const NUMBER: &str = r"(\d{1,5}(?:/(?:19|20)\d{2})?/[a-z]{1,6}\d{0,2}(?:-[a-z][a-z0-9]*)*|\d{1,5}-[a-z]{2,4}/[a-z]{2,3})";

static CITE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?-u:\b){KIND}(?: so)?(?: ?:)? ?{NUMBER}")).expect("cite regex")
});
static BARE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(\d{1,5}(?:/(?:19|20)\d{2})?/[a-z]{1,6}\d{0,2}-[a-z][a-z0-9]*(?:[-&][a-z][a-z0-9]*)*|\d{1,5}/(?:19|20)\d{2}/(?:qh|ubtvqh)\d{1,2}|\d{1,5}-(?:nq|kl|ct|qd|qdns|hd|tb|bc|kh|cv)/(?:tw|tu|du|hu|vptw|btctw|ubkttw|bdvtw))(?-u:\b)")
        .expect("bare number regex")
});
static LAW_NUM_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(bo luat|luat) ([a-z][^;()/:]+?) so (\d{1,5}/(?:19|20)\d{2}/qh\d{1,2})")
        .expect("law regex")
});
static LAW_DATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(bo luat|luat) ([a-z][^;()/:]+?) (?:(?:duoc )?(?:quoc hoi )?(?:thong qua |ban hanh )?ngay |nam ((?:19|20)\d{2})(?-u:\b))")
        .expect("law date regex")
});
static TITLE_START_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^,? ?(ve viec|ve|ban hanh|quy dinh|huong dan|thong qua|phe duyet|sua doi|bai bo|phan cap|ke hoach|triem khai|trien khai)(?-u:\b)").expect("title regex")
});
/// A proper name right after an issuer that ends in its unit word ("UBND tỉnh" + " Bắc Giang").
static ISSUER_PLACE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^ (?:\p{Lu}[\p{L}'’]*(?:[ -]\p{Lu}[\p{L}'’]*){0,3})").expect("issuer place regex")
});

static FALLBACK_ISSUER_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^ cua ([a-z][^,;()]+?)(?: (?:ve viec|ve|ban hanh|quy dinh|huong dan|thong qua|phe duyet)(?-u:\b)|[,;()]|$)").expect("issuer regex")
});
static CANCU_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[.;:] |\) )can cu(?-u:\b)").expect("can cu regex"));

/// A law name may contain a comma ("Luật Quản lý, sử dụng tài sản công") but not another
/// citation or a clause ("Luật X, Nghị quyết …", "Luật này, …").
fn law_name_ok(name: &str) -> bool {
    !name.split(',').skip(1).any(|part| {
        let p = part.trim_start();
        [
            "luat",
            "bo luat",
            "nghi",
            "quyet",
            "thong tu",
            "phap lenh",
            "ke hoach",
            "chi thi",
            "cong van",
            "va ",
            "cac ",
            "theo ",
            "tai ",
        ]
        .iter()
        .any(|k| p.starts_with(k))
    }) && !name.contains(" nay")
}

/// Regex-found citation before titles/roles are settled.
struct Raw {
    start: usize,
    /// End of type word + number (+ date + issuer).
    end: usize,
    type_word: Option<String>,
    number: Option<String>,
    key: String,
    year: Option<i32>,
    date: Option<rasoat_model::Date>,
    date_text: Option<String>,
    issuer: Option<String>,
    law_name: Option<String>,
    registry_key: Option<String>,
}

impl Raw {
    /// A citation found by its number-symbol; date, issuer and title are attached later.
    fn numbered(start: usize, end: usize, type_word: Option<String>, number: String) -> Raw {
        let key = normalize_number(&number);
        Raw {
            start,
            end,
            type_word,
            year: year_of_number(&key),
            number: Some(number),
            key,
            date: None,
            date_text: None,
            issuer: None,
            law_name: None,
            registry_key: None,
        }
    }
}

/// Trim hyphen groups that were separate words in the original ("89/KH-UBND - Bộ Nội vụ").
fn trim_number(n: &NormText, text: &str, a: usize, b: usize) -> usize {
    let s = &n.s[a..b];
    let mut end = b;
    for (i, _) in s.match_indices('-') {
        let pos = a + i;
        let r = n.range(pos.saturating_sub(1), pos + 1);
        let orig = slice(text, r);
        // whitespace before the dash in the original → the number ended before it
        if orig.chars().rev().nth(1).is_some_and(char::is_whitespace)
            || orig.starts_with(char::is_whitespace)
        {
            end = pos;
            break;
        }
        let nxt = slice(text, n.range(pos + 1, (pos + 2).min(b)));
        if nxt.chars().next().is_some_and(|c| c.is_lowercase()) {
            end = pos;
            break;
        }
    }
    end
}

fn year_of_number(num_norm: &str) -> Option<i32> {
    let mut parts = num_norm.split('/');
    parts.next()?;
    let y = parts.next()?;
    if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) {
        y.parse().ok()
    } else {
        None
    }
}

/// Original-text slice with whitespace collapsed and spaces around `-`/`/` removed.
fn written_number(text: &str, r: TextRange) -> String {
    let s = rasoat_text::collapse_spaces(slice(text, r));
    s.replace(" -", "-")
        .replace("- ", "-")
        .replace(" /", "/")
        .replace("/ ", "/")
}

/// Find citations in one provision text.
pub(crate) fn find_citations(
    text: &str,
    n: &NormText,
    agencies: &[AgencyMention],
    reg: &Registry,
) -> Vec<Citation> {
    let s = n.s.as_str();
    let mut raws: Vec<Raw> = Vec::new();
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let overlaps =
        |t: &Vec<(usize, usize)>, a: usize, b: usize| t.iter().any(|&(x, y)| a < y && x < b);

    for c in CITE_RE.captures_iter(s) {
        let (Some(m), Some(k), Some(num)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        if !at_word_bounds(s, m.start(), m.end()) && !s[m.end()..].starts_with('-') {
            // a number glued to more letters is not a citation
        }
        let nend = trim_number(n, text, num.start(), num.end());
        let type_word = rasoat_text::collapse_spaces(slice(text, n.range(k.start(), k.end())));
        let number = written_number(text, n.range(num.start(), nend));
        raws.push(Raw::numbered(m.start(), nend, Some(type_word), number));
        taken.push((m.start(), nend));
    }
    for c in LAW_NUM_RE.captures_iter(s) {
        let (Some(m), Some(k), Some(name), Some(num)) = (c.get(0), c.get(1), c.get(2), c.get(3))
        else {
            continue;
        };
        if overlaps(&taken, m.start(), m.end()) {
            continue;
        }
        let name_orig = slice(text, n.range(name.start(), name.end()));
        if name.as_str().len() > 120
            || !name_orig.starts_with(char::is_uppercase)
            || !law_name_ok(name.as_str())
        {
            continue;
        }
        let number = written_number(text, n.range(num.start(), num.end()));
        let kw = slice(text, n.range(k.start(), k.end())).to_string();
        let law_name = Some(format!("{kw} {name_orig}"));
        raws.push(Raw {
            law_name,
            ..Raw::numbered(m.start(), m.end(), Some(kw), number)
        });
        taken.push((m.start(), m.end()));
    }
    for c in LAW_DATE_RE.captures_iter(s) {
        let (Some(m), Some(k), Some(name)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        if overlaps(&taken, m.start(), m.end()) {
            continue;
        }
        let name_f = name.as_str();
        if name_f.len() > 120
            || name_f == "nay"
            || name_f.contains(" so ")
            || name_f.split(' ').count() > 16
            || !law_name_ok(name_f)
        {
            continue;
        }
        let name_orig = slice(text, n.range(name.start(), name.end()));
        if !name_orig.starts_with(char::is_uppercase) {
            continue;
        }
        let (date, end, year, date_text) = if let Some(y) = c.get(3) {
            (
                None,
                m.end(),
                y.as_str().parse::<i32>().ok(),
                Some(slice(text, n.range(y.start(), y.end())).to_string()),
            )
        } else if let Some((d, len)) = date_at(&s[m.end()..]) {
            let dt = slice(text, n.range(m.end(), m.end() + len)).to_string();
            (Some(d), m.end() + len, Some(d.year() as i32), Some(dt))
        } else {
            continue;
        };
        let kw = slice(text, n.range(k.start(), k.end())).to_string();
        let law_name = format!("{kw} {name_orig}");
        let key = law_name_key(&format!("{} {}", k.as_str(), name_f));
        let registry_key = reg.law_by_name(&key, date, year).map(|e| e.key.clone());
        raws.push(Raw {
            start: m.start(),
            end,
            type_word: Some(kw),
            number: None,
            key,
            year,
            date,
            date_text,
            issuer: None,
            law_name: Some(law_name),
            registry_key,
        });
        taken.push((m.start(), end));
    }
    for m in BARE_RE.find_iter(s) {
        if overlaps(&taken, m.start(), m.end()) {
            continue;
        }
        let nend = trim_number(n, text, m.start(), m.end());
        let number = written_number(text, n.range(m.start(), nend));
        raws.push(Raw::numbered(m.start(), nend, None, number));
        taken.push((m.start(), nend));
    }
    raws.sort_by_key(|r| r.start);

    // Date and issuer after the number.
    for r in raws.iter_mut() {
        let rest = &s[r.end..];
        if r.date.is_none() {
            let skip = if rest.starts_with(" ngay ") {
                Some(6)
            } else if rest.starts_with(", ngay ") || rest.starts_with(",ngay ") {
                Some(rest.find("ngay ").unwrap_or(0) + 5)
            } else {
                None
            };
            if let Some(k) = skip
                && let Some((d, len)) = date_at(&rest[k..])
            {
                r.date_text = Some(slice(text, n.range(r.end + k, r.end + k + len)).to_string());
                r.date = Some(d);
                r.end += k + len;
            }
        }
        let rest = &s[r.end..];
        if rest.starts_with(" cua ") {
            let at = r.end + 5;
            if let Some(a) = agencies.iter().find(|a| n.from_orig(a.range.start) == at) {
                r.issuer = Some(a.surface.clone());
                r.end = n.from_orig(a.range.end);
                // "của UBND tỉnh Bắc Giang": the place name is part of the issuer.
                let unit = rasoat_text::fold(&a.surface);
                let ends_unit = [
                    "tinh",
                    "thanh pho",
                    "huyen",
                    "quan",
                    "xa",
                    "phuong",
                    "thi xa",
                ]
                .iter()
                .any(|u| unit.ends_with(u));
                if let Some(m) = ISSUER_PLACE_RE
                    .find(text.get(a.range.end..).unwrap_or(""))
                    .filter(|_| ends_unit)
                {
                    let e = a.range.end + m.end();
                    r.issuer = Some(text[a.range.start..e].trim().to_string());
                    r.end = n.from_orig(e);
                }
            } else if let Some(c) = FALLBACK_ISSUER_RE.captures(rest)
                && let Some(g) = c.get(1).filter(|g| g.as_str().len() <= 80)
            {
                r.issuer = Some(
                    slice(text, n.range(r.end + g.start(), r.end + g.end()))
                        .trim()
                        .to_string(),
                );
                r.end += g.end();
            }
            // "(cũ)", "(trước đây)" belong to the issuer's name
            if s[r.end..].starts_with(" (cu)") {
                r.end += 5;
            } else if s[r.end..].starts_with(" (truoc day)") {
                r.end += 12;
            }
        }
        if r.registry_key.is_none() && reg.get(&r.key).is_some() {
            r.registry_key = Some(r.key.clone());
        }
    }

    let cancu = cancu_ranges(s);
    let mut out: Vec<Citation> = Vec::with_capacity(raws.len());
    let mut titles: Vec<(usize, usize)> = Vec::new();
    // Citations and their titles seen so far (a role cue inside them belongs to them).
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for i in 0..raws.len() {
        let r = &raws[i];
        let next_start = raws.get(i + 1).map(|x| x.start).unwrap_or(s.len());
        // Title (trích yếu): from a title word up to ; ( ) . or the next citation.
        let mut title = None;
        let mut title_range = None;
        // A title starts with a title word, or (after the issuer) with a capital letter:
        // "… của Ủy ban nhân dân tỉnh Bình Phước Thành lập trạm y tế xã …".
        let capital = r.issuer.is_some() && {
            let o = n.range(r.end, r.end).start;
            let after = text.get(o..).unwrap_or("");
            let t = after.trim_start_matches([' ', ',']);
            after.len() > t.len() && t.chars().next().is_some_and(char::is_uppercase)
        };
        let title_at = TITLE_START_RE
            .captures(&s[r.end..])
            .map(|tm| tm.get(1).map(|g| g.start()).unwrap_or(0))
            .or_else(|| {
                capital.then(|| s[r.end..].len() - s[r.end..].trim_start_matches([' ', ',']).len())
            });
        if let Some(g) = title_at {
            let ts = r.end + g;
            let mut te = next_start.max(ts);
            if let Some(p) = s[ts..te].find([';', '(', ')']) {
                te = ts + p;
            }
            if let Some(p) = find_sentence_end(&s[ts..te]) {
                te = ts + p;
            }
            // "… được sửa đổi, bổ sung bởi Nghị định số …" is not part of the title.
            if let Some(p) = s[ts..te].find(" duoc sua doi") {
                te = ts + p;
            }
            let mut t = s[ts..te].trim_end();
            for suf in [" va", ",", " cua", " tai"] {
                t = t.strip_suffix(suf).unwrap_or(t).trim_end();
            }
            let te = ts + t.len();
            if te > ts {
                let rr = n.range(ts, te);
                title = Some(rasoat_text::collapse_spaces(slice(text, rr)));
                title_range = Some(rr);
                titles.push((ts, te));
            }
        }
        let in_title = titles
            .iter()
            .take(
                titles
                    .len()
                    .saturating_sub(if title.is_some() { 1 } else { 0 }),
            )
            .any(|&(a, b)| a <= r.start && r.start < b);
        let context = if in_title {
            Context::CitedTitle
        } else if cancu.iter().any(|&(a, b)| a <= r.start && r.start < b) {
            Context::CanCu
        } else {
            Context::Operative
        };
        let role = if context == Context::CanCu {
            CitationRole::CanCu
        } else {
            role_of(s, r.start, r.end, &spans)
        };
        spans.push((r.start, r.end));
        if let Some(&(a, b)) = titles.last().filter(|_| title.is_some()) {
            spans.push((a, b));
        }
        out.push(Citation {
            type_word: r.type_word.clone(),
            number: r.number.clone(),
            key: r.key.clone(),
            year: r
                .year
                .or(r.date.map(|d| d.year() as i32))
                .filter(|_| r.law_name.is_some() || r.year.is_some()),
            date: r.date,
            date_text: r.date_text.clone(),
            issuer: r.issuer.clone(),
            title,
            law_name: r.law_name.clone(),
            role,
            context,
            range: n.range(r.start, r.end),
            title_range,
            registry_key: r.registry_key.clone(),
            province: None,
        });
    }
    out
}

/// ". " followed by a new sentence (not "1.5", not "TP. HCM").
fn find_sentence_end(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    (0..b.len()).find(|&i| {
        b[i] == b'.'
            && (i + 1 == b.len() || b[i + 1] == b' ')
            && !(i > 0
                && b[i - 1].is_ascii_digit()
                && b.get(i + 1).is_some_and(|c| c.is_ascii_digit()))
    })
}

/// Ranges (normalised) of "Căn cứ …" lines: to the next `;`, sentence end, or the comma of "Căn cứ Kế hoạch này,".
pub(crate) fn cancu_ranges(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for m in CANCU_RE.find_iter(s) {
        let a = m.end() - "can cu".len();
        let rest = &s[a..];
        let mut e = rest.find(';').unwrap_or(rest.len());
        if let Some(p) = find_sentence_end(&rest[..e]) {
            e = p;
        }
        // "Căn cứ Kế hoạch này, xây dựng …": only up to the comma.
        if let Some(p) = rest[..e].find(" nay,")
            && p < 40
        {
            e = p + 4;
        }
        out.push((a, a + e));
    }
    out
}

static ROLE_CUE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(?-u:\b)(?:da duoc|duoc|bi|da) thay the|(?-u:\b)thay the|(?-u:\b)bai bo|(?-u:\b)sua doi,bo sung|(?-u:\b)sua doi|(?-u:\b)can cu|(?-u:\b)trien khai|(?-u:\b)thuc hien|(?-u:\b)de co co so|(?-u:\b)cu the hoa|(?-u:\b)huong dan thi hanh)").expect("role cue regex")
});

/// Role of a citation from the nearest cue before it in the same sentence. The cue governs a
/// list of citations ("Triển khai Luật …; Nghị quyết …; Quyết định …"): text between cue and
/// citation that is itself citations or titles does not count as distance.
fn role_of(s: &str, start: usize, end: usize, spans: &[(usize, usize)]) -> CitationRole {
    if s[end..].starts_with(" het hieu luc") || s[end..].starts_with(" (cu) het hieu luc") {
        return CitationRole::DeclaresExpired;
    }
    let sent_start = s[..start].rfind(". ").map(|p| p + 2).unwrap_or(0);
    let window = &s[sent_start..start];
    let mut best: Option<(usize, usize, &str)> = None;
    for m in ROLE_CUE_RE.find_iter(window) {
        let abs = sent_start + m.start();
        if spans.iter().any(|&(a, b)| a <= abs && abs < b) {
            continue;
        }
        best = Some((m.start(), m.end(), m.as_str()));
    }
    let Some((pos, cue_end, cue)) = best else {
        return CitationRole::Mention;
    };
    // Distance = bytes between the cue and the citation that are not other citations/titles.
    let (ca, cb) = (sent_start + cue_end, start);
    let mut covered = 0;
    for &(a, b) in spans {
        let (x, y) = (a.max(ca), b.min(cb));
        if x < y {
            covered += y - x;
        }
    }
    let dist = (cb - ca).saturating_sub(covered);
    let before_cue = &window[..pos];
    if before_cue.ends_with("duoc ")
        || before_cue.ends_with("da duoc ")
        || before_cue.ends_with("bi ")
        || s[..start].ends_with("boi ")
    {
        return CitationRole::Mention;
    }
    match cue {
        c if c.starts_with("da duoc")
            || c.starts_with("duoc")
            || c.starts_with("bi")
            || c.starts_with("da thay") =>
        {
            CitationRole::Mention
        }
        "thay the" if dist <= 40 => CitationRole::Replaces,
        "bai bo" if dist <= 40 => CitationRole::Repeals,
        c if c.starts_with("sua doi") && dist <= 60 => CitationRole::Amends,
        "can cu" if dist <= 60 => CitationRole::CanCu,
        "trien khai" | "thuc hien" | "de co co so" | "cu the hoa" | "huong dan thi hanh"
            if dist <= 60 =>
        {
            CitationRole::Implements
        }
        _ => CitationRole::Mention,
    }
}

static PART_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?-u:\b)(?:(?:cac )?diem ((?:[a-z]\d?)(?:(?:,| va | hoac )(?:diem )?[a-z]\d?)*) )?",
        r"(?:(?:cac )?khoan (\d{1,3}[a-z]?(?:(?:,| va | hoac )(?:khoan )?\d{1,3}[a-z]?)*) )?",
        r"(?:(?:cac )?(dieu) (\d{1,3}[a-z]?(?:(?:,| va )(?:dieu )?\d{1,3}[a-z]?)*|nay)|(muc) ([ivxlc]{1,6}|\d{1,2}|nay)(?-u:\b))",
        r"(?:,? ?(?:cua|tai) )?(?: ?((?:bo luat|luat|nghi dinh|nghi quyet|quyet dinh|thong tu|ke hoach|de an|quy che|quy dinh|chuong trinh|van ban) nay))?"
    ))
    .expect("part regex")
});
static LAW_NAME_AFTER_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(bo luat|luat) ([a-z][^,;.()]*)").expect("law name regex"));
static APPX_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)phu luc(?: (?:so )?([ivx]{1,5}|\d{1,2})(?-u:\b))?( kem theo(?: (?:ke hoach|quyet dinh|nghi quyet|de an|thong tu|nghi dinh|van ban|quy che|chuong trinh) nay)?)?").expect("appendix regex")
});

fn split_list(s: &str) -> Vec<String> {
    s.replace(" va ", ",")
        .replace(" hoac ", ",")
        .split(',')
        .map(|x| {
            x.trim()
                .trim_start_matches("diem ")
                .trim_start_matches("khoan ")
                .trim_start_matches("dieu ")
                .trim()
                .to_string()
        })
        .filter(|x| !x.is_empty())
        .collect()
}

/// A point letter as written ("đ" folds to "d", so read it back from the original).
fn letter_written(
    text: &str,
    n: &NormText,
    folded_list_start: usize,
    folded_list: &str,
    item: &str,
) -> String {
    if let Some(p) = folded_list.find(item) {
        let r = n.range(folded_list_start + p, folded_list_start + p + item.len());
        return slice(text, r).to_lowercase();
    }
    item.to_string()
}

/// Part references of one provision, resolved inside `doc`. `ancestors` lets "Điều này" find its Điều.
/// Where the top-level targets of part references are, built once per document.
pub(crate) struct PartIndex<'a> {
    dieu: std::collections::HashMap<String, &'a Provision>,
    muc: std::collections::HashMap<String, &'a Provision>,
    has_muc: bool,
    appendices: Vec<&'a Provision>,
}

impl<'a> PartIndex<'a> {
    pub(crate) fn new(doc: &'a Document) -> PartIndex<'a> {
        let mut ix = PartIndex {
            dieu: Default::default(),
            muc: Default::default(),
            has_muc: false,
            appendices: Vec::new(),
        };
        doc.walk(&mut |p, _| match p.kind {
            ProvisionKind::Dieu => {
                ix.dieu.entry(rasoat_text::fold(&p.number)).or_insert(p);
            }
            ProvisionKind::Muc | ProvisionKind::Section => {
                ix.has_muc = true;
                ix.muc.entry(rasoat_text::fold(&p.number)).or_insert(p);
            }
            ProvisionKind::PhuLuc => ix.appendices.push(p),
            _ => {}
        });
        ix
    }
}

pub(crate) fn find_part_refs(
    text: &str,
    n: &NormText,
    ix: &PartIndex,
    ancestors: &[&Provision],
    this: &Provision,
    citations: &[Citation],
) -> Vec<PartRef> {
    let s = n.s.as_str();
    let mut out = Vec::new();
    for c in PART_RE.captures_iter(s) {
        let Some(m) = c.get(0) else { continue };
        let is_dieu = c.get(3).is_some();
        let top = if is_dieu { c.get(4) } else { c.get(6) };
        let Some(top) = top else { continue };
        // "điều, khoản, điểm" as plain words, or a heading number "Điều 5." of this provision: skip.
        let after = &s[m.end()..];
        // Named other document right after: "khoản 3 Điều 51 của Luật Đất đai", "Điều 5 Nghị định số …".
        let doc_named = citations.iter().find(|ct| {
            let cs = n.from_orig(ct.range.start);
            cs >= m.end() && cs <= m.end() + 6
        });
        let this_doc = c.get(7).is_some() || top.as_str() == "nay";
        let mut tail = after.trim_start();
        tail = tail
            .strip_prefix("cua ")
            .or_else(|| tail.strip_prefix("tai "))
            .unwrap_or(tail);
        let names_other = [
            "luat ",
            "bo luat ",
            "hien phap",
            "phap lenh",
            "nghi dinh",
            "nghi quyet",
            "thong tu",
            "quyet dinh",
            "chi thi",
            "ke hoach so",
            "de an so",
        ]
        .iter()
        .any(|k| tail.starts_with(k) || m.as_str().ends_with(k.trim_end()))
            && c.get(7).is_none();
        let internal = this_doc || (doc_named.is_none() && !names_other);
        let points: Vec<String> = c
            .get(1)
            .map(|g| {
                split_list(g.as_str())
                    .iter()
                    .map(|it| letter_written(text, n, g.start(), g.as_str(), it))
                    .collect()
            })
            .unwrap_or_default();
        let clauses: Vec<String> = c.get(2).map(|g| split_list(g.as_str())).unwrap_or_default();
        let tops: Vec<String> = split_list(top.as_str());
        let parsed = ParsedRef {
            is_dieu,
            tops,
            clauses,
            points,
        };
        let (targets, all_found, unknown) = if internal {
            resolve_parsed(&parsed, ix, ancestors, Some(this))
        } else {
            (Vec::new(), true, false)
        };
        // Another document named by number, or a law by name ("… của Luật Đất đai").
        let other_key = doc_named
            .map(|c| c.registry_key.clone().unwrap_or_else(|| c.key.clone()))
            .or_else(|| {
                if internal {
                    return None;
                }
                let lc = LAW_NAME_AFTER_RE.captures(tail)?;
                let mut name = lc.get(2)?.as_str();
                let mut cut = name.len().min(80);
                while !name.is_char_boundary(cut) {
                    cut -= 1;
                }
                name = &name[..cut];
                for stop in [
                    " va ",
                    " hoac ",
                    " nay",
                    " quy dinh",
                    " ve ",
                    " thi ",
                    " duoc ",
                    " theo ",
                    " trong ",
                    " doi voi ",
                ] {
                    if let Some(p) = name.find(stop) {
                        name = &name[..p];
                    }
                }
                Some(law_name_key(&format!(
                    "{} {}",
                    lc.get(1)?.as_str(),
                    name.trim()
                )))
            });
        let mut te = m.end();
        for suf in [" cua ", " tai ", ", ", " cua", " tai"] {
            if s[m.start()..te].ends_with(suf) {
                te -= suf.len();
            }
        }
        out.push(PartRef {
            text: rasoat_text::collapse_spaces(slice(text, n.range(m.start(), te))),
            targets,
            internal,
            document_key: if internal { None } else { other_key },
            resolved: if internal && !unknown {
                Some(all_found)
            } else {
                None
            },
            appendix: false,
            range: n.range(m.start(), te),
        });
    }
    if this.kind != ProvisionKind::PhuLuc {
        for c in APPX_RE.captures_iter(s) {
            let Some(m) = c.get(0) else { continue };
            let num = c.get(1).map(|g| g.as_str().to_string());
            let kem = c.get(2).is_some();
            let before = &s[..m.start()];
            if num.is_none() && !kem && !(before.ends_with("tai ") || before.ends_with("theo ")) {
                continue;
            }
            let targets: Vec<String> = ix
                .appendices
                .iter()
                .filter(|p| match &num {
                    None => true,
                    Some(x) => rasoat_text::fold(&p.number) == *x,
                })
                .map(|p| p.id.clone())
                .collect();
            let resolved = Some(!targets.is_empty());
            out.push(PartRef {
                text: slice(text, n.range(m.start(), m.end())).to_string(),
                targets,
                internal: true,
                document_key: None,
                resolved,
                appendix: true,
                range: n.range(m.start(), m.end()),
            });
        }
    }
    out
}

/// The numbers a part reference names.
pub(crate) struct ParsedRef {
    is_dieu: bool,
    tops: Vec<String>,
    clauses: Vec<String>,
    points: Vec<String>,
}

/// Parse the first part reference in `text` (any spelling).
pub(crate) fn parse_ref(text: &str) -> Option<ParsedRef> {
    let n = NormText::new(text);
    let c = PART_RE.captures(&n.s)?;
    let is_dieu = c.get(3).is_some();
    let top = if is_dieu { c.get(4) } else { c.get(6) }?;
    Some(ParsedRef {
        is_dieu,
        tops: split_list(top.as_str()),
        clauses: c.get(2).map(|g| split_list(g.as_str())).unwrap_or_default(),
        points: c
            .get(1)
            .map(|g| {
                split_list(g.as_str())
                    .iter()
                    .map(|it| letter_written(text, &n, g.start(), g.as_str(), it))
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// Targets of a parsed reference in the document indexed by `ix`: (ids, all found, structure unknown).
pub(crate) fn resolve_parsed(
    r: &ParsedRef,
    ix: &PartIndex,
    ancestors: &[&Provision],
    this: Option<&Provision>,
) -> (Vec<String>, bool, bool) {
    let (is_dieu, tops, clauses, points) = (r.is_dieu, &r.tops, &r.clauses, &r.points);
    let mut targets: Vec<String> = Vec::new();
    let mut all_found = true;
    // "Mục 1" in a document whose structure has no mục at all: cannot tell.
    let unknown = !is_dieu && tops.iter().any(|t| t != "nay") && !ix.has_muc;
    for (ti, t) in tops.iter().enumerate() {
        let base: Option<&Provision> = if t == "nay" {
            let kinds: &[ProvisionKind] = if is_dieu {
                &[ProvisionKind::Dieu]
            } else {
                &[ProvisionKind::Muc, ProvisionKind::Section]
            };
            ancestors
                .iter()
                .copied()
                .chain(this)
                .rev()
                .find(|p| kinds.contains(&p.kind))
        } else if is_dieu {
            ix.dieu.get(t.as_str()).copied()
        } else {
            ix.muc.get(t.as_str()).copied()
        };
        let Some(base) = base else {
            all_found = false;
            continue;
        };
        // "khoản 2, khoản 3 Điều 351 và Điều 363": the khoản belong to the first Điều only.
        let (clauses, points) = if ti == 0 {
            (&clauses[..], &points[..])
        } else {
            (&[][..], &[][..])
        };
        let mut level: Vec<&Provision> = vec![base];
        for (items, kinds) in [
            (clauses, &[ProvisionKind::Khoan, ProvisionKind::Item][..]),
            (points, &[ProvisionKind::Diem, ProvisionKind::SubItem][..]),
        ] {
            if items.is_empty() {
                continue;
            }
            let mut next: Vec<&Provision> = Vec::new();
            for b in &level {
                // A parent whose points/clauses were not split out (data sets) still contains them.
                if !b.children.iter().any(|c| kinds.contains(&c.kind)) {
                    if !next.iter().any(|x| x.id == b.id) {
                        next.push(b);
                    }
                    continue;
                }
                for k in items {
                    match child_num(b, k, kinds) {
                        Some(p) => next.push(p),
                        None => all_found = false,
                    }
                }
            }
            level = next;
        }
        for p in level {
            if !targets.contains(&p.id) {
                targets.push(p.id.clone());
            }
        }
    }
    (targets, all_found, unknown)
}

fn child_num<'a>(p: &'a Provision, num: &str, kinds: &[ProvisionKind]) -> Option<&'a Provision> {
    let want = num.to_lowercase();
    p.children
        .iter()
        .find(|c| kinds.contains(&c.kind) && c.number.to_lowercase() == want)
        .or_else(|| {
            // the folded letter ("d" for "đ") as a fallback
            p.children.iter().find(|c| {
                kinds.contains(&c.kind) && rasoat_text::fold(&c.number) == rasoat_text::fold(&want)
            })
        })
}
