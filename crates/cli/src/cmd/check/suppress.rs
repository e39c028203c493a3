//! Suppression comments inside a draft.
//!
//! Markdown: `<!-- rasoat-disable-next-line RULE[, RULE…] -->`.
//! Plain text: a comment line `rasoat: bỏ qua RULE[, RULE…]` (optionally after `#`, `//`, `%`
//! or inside `<!-- -->`; diacritics optional: `rasoat: bo qua`).
//! Both apply to the next non-blank line. RULE is an id (`lead-agency-conflict`) or a code
//! (`R01`); no RULE means every rule. Both forms are accepted in both file kinds.
use super::config::rule_matches;
use rasoat_model::Finding;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// 1-based line of the comment itself.
    pub comment_line: usize,
    /// 1-based line it applies to.
    pub target_line: usize,
    /// Empty = all rules.
    pub rules: Vec<String>,
    /// Byte range of the comment line (blanked before parsing so it is not read as text).
    pub bytes: (usize, usize),
}

/// The rule list after a directive keyword, or None when `line` is not a directive.
fn directive_rules(line: &str) -> Option<Vec<String>> {
    let mut t = line.trim();
    let html = t.starts_with("<!--");
    if html {
        t = t
            .trim_start_matches("<!--")
            .trim_end()
            .trim_end_matches("-->")
            .trim();
    } else {
        for p in ["//", "#", "%", ";"] {
            if let Some(r) = t.strip_prefix(p) {
                t = r.trim();
                break;
            }
        }
    }
    let folded = rasoat_text::fold(t);
    let rest_at = if let Some(r) = folded.strip_prefix("rasoat-disable-next-line") {
        folded.len() - r.len()
    } else if let Some(r) = folded.strip_prefix("rasoat:") {
        let r2 = r.trim_start();
        let r3 = r2.strip_prefix("bo qua")?;
        folded.len() - r3.len()
    } else {
        return None;
    };
    // `fold` keeps one byte per ASCII char but not per Vietnamese letter: take the rest of the
    // folded text (rule ids and codes are ASCII anyway).
    let rest = &folded[rest_at..];
    if !rest.is_empty() && !rest.starts_with([' ', '\t', ',', ':']) {
        return None;
    }
    Some(
        rest.split([',', ' ', '\t', ':'])
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty() && s != "--" && s != "-->")
            .collect(),
    )
}

/// Find every directive in a source text.
pub fn scan(text: &str) -> Vec<Directive> {
    let mut out = Vec::new();
    let mut pending: Vec<(usize, Vec<String>, (usize, usize))> = Vec::new();
    let mut off = 0;
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        let line_no = i + 1;
        let start = off;
        off += raw.len();
        let content = raw.trim_end_matches(['\n', '\r']);
        if let Some(rules) = directive_rules(content) {
            pending.push((line_no, rules, (start, start + content.len())));
            continue;
        }
        if content.trim().is_empty() {
            continue;
        }
        for (c, rules, bytes) in pending.drain(..) {
            out.push(Directive {
                comment_line: c,
                target_line: line_no,
                rules,
                bytes,
            });
        }
    }
    out
}

/// Copy of `text` with directive lines blanked (same byte length, so offsets and lines stay).
pub fn blank(text: &str, dirs: &[Directive]) -> String {
    let mut b = text.as_bytes().to_vec();
    for d in dirs {
        for x in &mut b[d.bytes.0..d.bytes.1] {
            *x = b' ';
        }
    }
    // Only whole UTF-8 lines were replaced by ASCII spaces, so this stays valid UTF-8.
    String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Whether a directive covers this finding (its target line lies within the finding's lines).
pub fn covers(d: &Directive, f: &Finding) -> bool {
    let l = &f.location;
    let (a, b) = (l.line, l.end_line.max(l.line));
    d.target_line >= a
        && d.target_line <= b
        && (d.rules.is_empty() || d.rules.iter().any(|r| rule_matches(r, f)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_both_kinds() {
        let t = "DỰ THẢO\n<!-- rasoat-disable-next-line R01, stale-citation -->\n\nSở Nội vụ chủ trì\n# rasoat: bỏ qua R05\nKế hoạch 89\nrasoat: bo qua\nx\nrasoat: nothing\n";
        let d = scan(t);
        assert_eq!(d.len(), 3, "{d:?}");
        assert_eq!((d[0].comment_line, d[0].target_line), (2, 4));
        assert_eq!(d[0].rules, vec!["r01", "stale-citation"]);
        assert_eq!(
            (d[1].target_line, d[1].rules.clone()),
            (6, vec!["r05".to_string()])
        );
        assert!(d[2].rules.is_empty());
        let b = blank(t, &d);
        assert_eq!(b.len(), t.len());
        assert!(!b.contains("rasoat-disable") && b.contains("rasoat: nothing"));
        assert_eq!(b.lines().count(), t.lines().count());
    }
}
