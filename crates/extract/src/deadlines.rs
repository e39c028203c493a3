//! Deadlines, periods and frequencies with normalised values.

use crate::facts::{Deadline, DeadlineKind};
use crate::norm::{NormText, slice};
use regex::Regex;
use std::sync::LazyLock;

static BEFORE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?-u:\b)(truoc|cham nhat(?: la)?(?: vao)?|khong muon hon|han chot(?: la)?|den het) (?:ngay )?",
        r"(?:(\d{1,2}) ?[/.-] ?(\d{1,2})(?: ?[/.-] ?((?:19|20)\d{2}))?|(\d{1,2}) thang (\d{1,2})(?: nam ((?:19|20)\d{2}))?)(?-u:\b)",
        r"(?: (hang nam|hang quy|hang thang|cua nam|nam sau))?"
    ))
    .expect("before regex")
});
static WITHIN_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(cham nhat(?: la)?|trong thoi han|trong vong|truoc|sau|khong qua|trong) (\d{1,3}|mot|hai|ba|nam|muoi) (ngay lam viec|ngay|thang|tuan)(?-u:\b)").expect("within regex")
});
static FREQ_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(?:(dinh ky)(?: ,? ?(?:bao cao)?)? ?)?(hang|hàng) (nam|quy|thang|tuan)(?-u:\b)|(?-u:\b)dinh ky (6|sau|03|3|ba) thang(?-u:\b)|(?-u:\b)(6|sau) thang (?:mot lan|1 lan)(?-u:\b)|(?-u:\b)dot xuat(?-u:\b)|(?-u:\b)thuong xuyen(?-u:\b)").expect("freq regex")
});
static PERIOD_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)quy (iv|iii|ii|i|[1-4])(?:(?: nam |/)((?:19|20)\d{2}))?(?-u:\b)|(?-u:\b)giai doan ((?:19|20)\d{2}) ?- ?((?:19|20)\d{2})(?-u:\b)|(?-u:\b)(?:trong )?thang (\d{1,2})(?: nam |/)((?:19|20)\d{2})(?-u:\b)|(?-u:\b)nam ((?:19|20)\d{2})(?-u:\b)|(?-u:\b)(\d{1,2}) thang (dau|cuoi) nam(?-u:\b)").expect("period regex")
});
static FIELD_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(thoi gian thuc hien|thoi han thuc hien|thoi han hoan thanh|thoi gian hoan thanh|tien do)(?-u:\b) ?:? ?").expect("field regex")
});

fn num_word(s: &str) -> Option<u32> {
    Some(match s {
        "mot" => 1,
        "hai" => 2,
        "ba" => 3,
        "nam" => 5,
        "sau" => 6,
        "muoi" => 10,
        x => x.parse().ok()?,
    })
}

fn roman(s: &str) -> Option<u32> {
    Some(match s {
        "i" | "1" => 1,
        "ii" | "2" => 2,
        "iii" | "3" => 3,
        "iv" | "4" => 4,
        _ => return None,
    })
}

/// Deadlines in normalised text `n` (ranges into `text`). `date_spans` are the full dates already
/// found (a "năm 2025" inside them is not a period).
pub(crate) fn find_deadlines(
    text: &str,
    n: &NormText,
    date_spans: &[(usize, usize)],
) -> Vec<(usize, usize, Deadline)> {
    let s = n.s.as_str();
    let mut out: Vec<(usize, usize, Deadline)> = Vec::new();
    let taken = |v: &Vec<(usize, usize, Deadline)>, a: usize, b: usize| {
        v.iter().any(|(x, y, _)| a < *y && *x < b)
    };
    let push = |v: &mut Vec<(usize, usize, Deadline)>,
                a: usize,
                b: usize,
                kind: DeadlineKind,
                value: String| {
        let r = n.range(a, b);
        v.push((
            a,
            b,
            Deadline {
                kind,
                text: slice(text, r).to_string(),
                value,
                range: r,
            },
        ));
    };

    for c in BEFORE_RE.captures_iter(s) {
        let Some(m) = c.get(0) else { continue };
        let g = |i: usize| c.get(i).and_then(|x| x.as_str().parse::<u32>().ok());
        let (d, mo, y) = if c.get(2).is_some() {
            (g(2), g(3), g(4))
        } else {
            (g(5), g(6), g(7))
        };
        let (Some(d), Some(mo)) = (d, mo) else {
            continue;
        };
        if !(1..=31).contains(&d) || !(1..=12).contains(&mo) {
            continue;
        }
        let recur = c.get(8).map(|x| x.as_str());
        let rel = c.get(1).map(|x| x.as_str()).unwrap_or("");
        let op = if rel.starts_with("den het") {
            "by"
        } else {
            "before"
        };
        let value = match (y, recur) {
            (Some(y), _) => format!("{op}:{y:04}-{mo:02}-{d:02}"),
            (None, Some("hang quy")) => format!("{op}:{mo:02}-{d:02}/quarterly"),
            (None, Some("hang thang")) => format!("{op}:{d:02}/monthly"),
            (None, Some("nam sau")) => format!("{op}:{mo:02}-{d:02}/next-year"),
            (None, _) => format!("{op}:{mo:02}-{d:02}/yearly"),
        };
        push(&mut out, m.start(), m.end(), DeadlineKind::Before, value);
    }
    for c in WITHIN_RE.captures_iter(s) {
        let Some(m) = c.get(0) else { continue };
        if taken(&out, m.start(), m.end()) {
            continue;
        }
        let Some(k) = c.get(2).and_then(|x| num_word(x.as_str())) else {
            continue;
        };
        let unit = match c.get(3).map(|x| x.as_str()) {
            Some("ngay lam viec") => "wd",
            Some("thang") => "m",
            Some("tuan") => "w",
            _ => "d",
        };
        let rel = c.get(1).map(|x| x.as_str()).unwrap_or("");
        // "trong 6 tháng đầu năm" is a period, "sau 15 ngày" a delay: only deadline words count.
        if rel == "trong" && unit == "m" || rel == "sau" {
            continue;
        }
        push(
            &mut out,
            m.start(),
            m.end(),
            DeadlineKind::Within,
            format!("within:{k}{unit}"),
        );
    }
    // "Thời gian thực hiện: …" fields and frequencies.
    let fields: Vec<(usize, usize)> = FIELD_RE
        .find_iter(s)
        .map(|m| (m.start(), m.end()))
        .collect();
    for c in FREQ_RE.captures_iter(s) {
        let Some(m) = c.get(0) else { continue };
        if taken(&out, m.start(), m.end()) {
            continue;
        }
        let t = m.as_str();
        let value = if t == "thuong xuyen" {
            // Only as a schedule ("Thời gian thực hiện: Thường xuyên", a line of its own), not an adverb.
            let in_field = fields
                .iter()
                .any(|&(_, fe)| fe == m.start() || (fe < m.start() && m.start() - fe <= 2));
            let standalone = (m.start() == 0 || s[..m.start()].ends_with(". "))
                && s[m.end()..].trim_start().starts_with(['.', ';'])
                || s[m.end()..].trim().is_empty() && m.start() == 0;
            let after_dk =
                s[..m.start()].ends_with("dinh ky, ") || s[..m.start()].ends_with("dinh ky,");
            if !(in_field || standalone || after_dk) {
                continue;
            }
            "freq:continuous".to_string()
        } else if t == "dot xuat" {
            "freq:adhoc".to_string()
        } else if let Some(u) = c.get(3) {
            match u.as_str() {
                "nam" => "freq:yearly",
                "quy" => "freq:quarterly",
                "thang" => "freq:monthly",
                _ => "freq:weekly",
            }
            .to_string()
        } else if let Some(k) = c.get(4).or(c.get(5)) {
            format!("freq:{}m", num_word(k.as_str()).unwrap_or(6))
        } else {
            continue;
        };
        push(&mut out, m.start(), m.end(), DeadlineKind::Frequency, value);
    }
    for c in PERIOD_RE.captures_iter(s) {
        let Some(m) = c.get(0) else { continue };
        if taken(&out, m.start(), m.end())
            || date_spans
                .iter()
                .any(|&(a, b)| m.start() < b && a < m.end())
        {
            continue;
        }
        let value = if let Some(q) = c.get(1) {
            let q = roman(q.as_str()).unwrap_or(0);
            match c.get(2) {
                Some(y) => format!("period:{}-Q{q}", y.as_str()),
                None => format!("period:Q{q}"),
            }
        } else if let (Some(a), Some(b)) = (c.get(3), c.get(4)) {
            format!("period:{}-{}", a.as_str(), b.as_str())
        } else if let (Some(mo), Some(y)) = (c.get(5), c.get(6)) {
            let mo: u32 = mo.as_str().parse().unwrap_or(0);
            if !(1..=12).contains(&mo) {
                continue;
            }
            format!("period:{}-{mo:02}", y.as_str())
        } else if let Some(y) = c.get(7) {
            // A bare "năm 2026" counts only in a schedule field or after a deadline word.
            let before = &s[..m.start()];
            let in_field = fields
                .iter()
                .any(|&(fs, fe)| fs < m.start() && m.start() - fe <= 40);
            if !(in_field
                || before.ends_with("trong ")
                || before.ends_with("truoc ")
                || before.ends_with("hoan thanh "))
            {
                continue;
            }
            format!("period:{}", y.as_str())
        } else if let (Some(k), Some(w)) = (c.get(8), c.get(9)) {
            format!(
                "period:{}m-{}",
                k.as_str(),
                if w.as_str() == "dau" { "first" } else { "last" }
            )
        } else {
            continue;
        };
        push(&mut out, m.start(), m.end(), DeadlineKind::Period, value);
    }
    // A schedule field whose value none of the patterns understood: keep it verbatim (folded).
    for &(fs, fe) in &fields {
        let end = s[fe..].find(['.', ';']).map(|p| fe + p).unwrap_or(s.len());
        if end > fe && !taken(&out, fe, end) {
            let v = s[fe..end].trim();
            if !v.is_empty() {
                push(&mut out, fs, end, DeadlineKind::Period, format!("text:{v}"));
            }
        }
    }
    out.sort_by_key(|x| x.0);
    out
}
