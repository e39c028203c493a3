//! Query cues scored on the candidates of a search (second stage): the exact spelling of a query
//! typed with marks, the body a task query asks about, and the province a query names.

use crate::analysis::{exact_tokens, fold_tokens};
use std::collections::HashSet;

fn has_marks(s: &str) -> bool {
    rasoat_text::fold(s) != s.to_lowercase()
}

/// The exact spelling of a short query typed with diacritics. The index holds folded syllables
/// only; among the candidates, those spelling the query's marked syllables as typed are raised
/// (`cấp` before `cáp`).
pub struct ExactCue {
    /// Marked syllables (exact form: NFC, lower case, tone placement normalised), each once.
    unis: HashSet<String>,
    weight: f32,
}

impl ExactCue {
    pub fn new(plain: &str, phrases: &[String], weight: f32) -> ExactCue {
        let mut unis: HashSet<String> = exact_tokens(plain)
            .into_iter()
            .filter(|t| has_marks(t))
            .collect();
        for p in phrases {
            unis.extend(exact_tokens(p).into_iter().filter(|t| has_marks(t)));
        }
        ExactCue { unis, weight }
    }

    /// Score multiplier: 1 + weight × share of the marked syllables found as typed in `body`.
    pub fn factor(&self, body: &str) -> f32 {
        if self.unis.is_empty() || self.weight == 0.0 {
            return 1.0;
        }
        let toks = exact_tokens(body);
        let have: HashSet<&String> = toks.iter().collect();
        let found = self.unis.iter().filter(|u| have.contains(u)).count();
        1.0 + self.weight * found as f32 / self.unis.len() as f32
    }
}

/// Bodies a task query asks about ("nhiệm vụ của Sở Nội vụ trong kế hoạch …"): the rest of the
/// query finds the plan, and within it the block headed by that body, or giving it a role, is
/// the answer.
pub struct AgencyCue {
    /// (gazetteer id, folded name as written in the query).
    pub agencies: Vec<(String, String)>,
    pub weight: f32,
}

impl AgencyCue {
    /// Multiplier of a record with heading lines `head` and role tags `roles` (`chu-tri@id`).
    pub fn factor(&self, head: &str, roles: &[&str]) -> f32 {
        let head = rasoat_text::collapse_spaces(&rasoat_text::fold(head));
        let hit = self.agencies.iter().any(|(id, name)| {
            head.contains(name.as_str())
                || roles.iter().any(|r| {
                    r.split_once('@').is_some_and(|(role, who)| {
                        who == id && !matches!(role, "phoi-hop" | "de-nghi")
                    })
                })
        });
        if hit { 1.0 + self.weight } else { 1.0 }
    }
}

/// A province named in a query ("… Quảng Trị", "ở Nghệ An"): the query's tokens `span`
/// (start..end in the folded query tokens) and today's name as folded tokens.
#[derive(Debug, Clone, PartialEq)]
pub struct ProvinceCue {
    pub span: (usize, usize),
    pub written: Vec<String>,
    pub today: Vec<String>,
}

/// Provinces named in the folded query tokens `toks`: longest match first, names of two
/// syllables or more (one-syllable names such as "Huế" are common words too).
pub fn provinces_in(toks: &[String], keys: &[(Vec<String>, Vec<String>)]) -> Vec<ProvinceCue> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let best = keys
            .iter()
            .filter(|(k, _)| k.len() >= 2 && toks[i..].starts_with(k))
            .max_by_key(|(k, _)| k.len());
        match best {
            Some((k, today)) => {
                out.push(ProvinceCue {
                    span: (i, i + k.len()),
                    written: k.clone(),
                    today: today.clone(),
                });
                i += k.len();
            }
            None => i += 1,
        }
    }
    out
}

/// Province keys of the bundled gazetteer as token lists (folded), built once.
pub fn province_keys(ex: Option<&rasoat_extract::Extractor>) -> Vec<(Vec<String>, Vec<String>)> {
    let Some(x) = ex else {
        return Vec::new();
    };
    x.gazetteer()
        .province_keys()
        .into_iter()
        .map(|(k, today)| (fold_tokens(&k), fold_tokens(&today)))
        .filter(|(k, _)| !k.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        fold_tokens(s)
    }

    #[test]
    fn exact_cue_prefers_the_spelling_typed() {
        let c = ExactCue::new("cấp xã", &[], 0.6);
        assert!(c.factor("Ủy ban nhân dân cấp xã") > c.factor("đường cáp xa"));
        assert_eq!(ExactCue::new("cap xa", &[], 0.6).factor("cấp xã"), 1.0);
    }

    #[test]
    fn provinces_are_found_bare_and_mapped_to_today() {
        let keys = vec![
            (toks("quang tri"), toks("Quảng Trị")),
            (toks("quang binh"), toks("Quảng Trị")),
            (toks("hue"), toks("Huế")),
        ];
        let q = toks("mua sắm tài sản Quảng Bình ở Huế");
        let found = provinces_in(&q, &keys);
        assert_eq!(
            found.len(),
            1,
            "one-syllable names are not taken: {found:?}"
        );
        assert_eq!(found[0].today, toks("Quảng Trị"));
        assert_eq!(found[0].span, (4, 6));
    }

    #[test]
    fn agency_cue_needs_the_body_in_the_heading_or_a_leading_role() {
        let c = AgencyCue {
            agencies: vec![("so-noi-vu".into(), "so noi vu".into())],
            weight: 1.0,
        };
        assert_eq!(c.factor("VI. Tổ chức thực hiện\nSở Nội vụ", &[]), 2.0);
        assert_eq!(c.factor("", &["chu-tri@so-noi-vu"]), 2.0);
        assert_eq!(c.factor("", &["phoi-hop@so-noi-vu"]), 1.0);
        assert_eq!(c.factor("Sở Y tế", &[]), 1.0);
    }
}
