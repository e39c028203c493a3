//! The agency gazetteer and the administrative-unit lists, loaded from data
//! (`rules/data/agencies.toml`, `rules/data/places.toml`), matched with
//! aho-corasick (leftmost-longest) over the normalised folded text.

use crate::facts::{AgencyMention, Context, Level, PlaceMention};
use crate::norm::{NormText, at_word_bounds, match_key, parse_iso, slice};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use rasoat_model::Date;
use regex::Regex;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::LazyLock;

/// One body of the gazetteer.
#[derive(Debug, Clone, PartialEq)]
pub struct Agency {
    pub id: String,
    pub name: String,
    pub level: Level,
    pub collective: bool,
    /// Case-insensitive, diacritic-insensitive names.
    pub aliases: Vec<String>,
    /// Abbreviations that must keep their capitals in the text (`STP`, `SNV`).
    pub abbr: Vec<String>,
    /// Successor ids after a 2025 rename/merger.
    pub successors: Vec<String>,
    /// Date the body ended (district level: 2025-07-01).
    pub ended: Option<Date>,
    /// The body or collective it belongs to.
    pub parent: Option<String>,
    /// Free note (what the successor took over).
    pub note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AgencyDef {
    id: String,
    name: String,
    level: String,
    #[serde(default)]
    collective: bool,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    abbr: Vec<String>,
    #[serde(default)]
    successors: Vec<String>,
    #[serde(default)]
    ended: Option<String>,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AgencyFile {
    #[serde(default)]
    agency: Vec<AgencyDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProvinceDef {
    name: String,
    #[serde(default)]
    variants: Vec<String>,
    /// "tỉnh" or "thành phố".
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    merged_into: Option<String>,
    #[serde(default)]
    ended: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DistrictDef {
    name: String,
    #[serde(default)]
    variants: Vec<String>,
    units: Vec<String>,
    #[serde(default)]
    province: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaceFile {
    #[serde(default)]
    district_level_ended: Option<String>,
    #[serde(default)]
    province: Vec<ProvinceDef>,
    #[serde(default)]
    district: Vec<DistrictDef>,
}

#[derive(Debug, Clone)]
struct ProvinceInfo {
    name: String,
    city: bool,
    merged_into: Option<String>,
    ended: Option<Date>,
}

/// Agencies and places, ready to match.
pub struct Gazetteer {
    agencies: Vec<Agency>,
    by_id: HashMap<String, usize>,
    ac: AhoCorasick,
    /// Pattern index → (agency index, is abbreviation, alias).
    pats: Vec<(usize, bool, String)>,
    provinces: HashMap<String, ProvinceInfo>,
    /// Folded district name → units it had ("huyen", "thi xa", "thanh pho").
    districts: HashMap<String, Vec<String>>,
    district_end: Date,
    place_ac: AhoCorasick,
    place_pats: Vec<String>,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gazetteer")
            .field("agencies", &self.agencies.len())
            .field("provinces", &self.provinces.len())
            .finish()
    }
}

fn line_of(src: &str, offset: usize) -> usize {
    src[..offset.min(src.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

/// Line of `value` inside the entry whose id is `id` (falls back to the entry's line).
fn line_of_value(src: &str, id: &str, value: &str) -> usize {
    let start = src.find(&format!("\"{id}\"")).unwrap_or(0);
    match src[start..].find(&format!("\"{value}\"")) {
        Some(o) => line_of(src, start + o),
        None => line_of(src, start),
    }
}

/// Line of the first occurrence of `needle` (to point errors at an entry).
fn line_of_str(src: &str, needle: &str) -> usize {
    src.find(needle).map(|o| line_of(src, o)).unwrap_or(1)
}

pub(crate) fn toml_err(file: &str, src: &str, e: &toml::de::Error) -> String {
    let line = e.span().map(|s| line_of(src, s.start)).unwrap_or(1);
    format!("{file}:{line}: {}", e.message())
}

fn parse_level(s: &str) -> Option<Level> {
    Some(match s {
        "central" => Level::Central,
        "province" => Level::Province,
        "commune" => Level::Commune,
        "district" => Level::District,
        "outside" => Level::Outside,
        _ => return None,
    })
}

/// Canonical unit words, folded key → written form.
const UNITS: &[(&str, &str)] = &[
    ("thi tran", "thị trấn"),
    ("thi xa", "thị xã"),
    ("thanh pho", "thành phố"),
    ("dac khu", "đặc khu"),
    ("huyen", "huyện"),
    ("quan", "quận"),
    ("phuong", "phường"),
    ("tinh", "tỉnh"),
    ("xa", "xã"),
];

static PLACE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(thi tran|thi xa|thanh pho|dac khu|huyen|quan|phuong|tinh|xa) ([a-z0-9][a-z0-9']*(?:[ -][a-z0-9][a-z0-9']*){0,4})")
        .expect("place regex")
});

static HEAD_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(giam doc|pho giam doc|thu truong|nguoi dung dau|truong phong|chanh thanh tra|chanh van phong|truong ban) $")
        .expect("head regex")
});

static HISTORIC_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ ,]{0,3}(?:\(cu\)|cu(?-u:\b)|truoc day|truoc sap xep|truoc khi sap xep|da ket thuc hoat dong|\(truoc day\))").expect("historic regex")
});

impl Gazetteer {
    /// Build from the two data files' text; `names` are used in error messages.
    pub fn from_sources(
        agencies_name: &str,
        agencies_src: &str,
        places_name: &str,
        places_src: &str,
    ) -> Result<Gazetteer, String> {
        let af: AgencyFile =
            toml::from_str(agencies_src).map_err(|e| toml_err(agencies_name, agencies_src, &e))?;
        let mut agencies = Vec::new();
        let mut by_id = HashMap::new();
        for d in af.agency {
            let line = line_of_str(agencies_src, &format!("\"{}\"", d.id));
            let level = parse_level(&d.level).ok_or_else(|| {
                let line = line_of_value(agencies_src, &d.id, &d.level);
                format!("{agencies_name}:{line}: agency `{}`: unknown level `{}` (central, province, commune, district, outside)", d.id, d.level)
            })?;
            let ended = match &d.ended {
                Some(s) => Some(parse_iso(s).ok_or_else(|| {
                    format!(
                        "{agencies_name}:{}: agency `{}`: bad date `{s}` (want YYYY-MM-DD)",
                        line_of_value(agencies_src, &d.id, s),
                        d.id
                    )
                })?),
                None => None,
            };
            if d.id.is_empty() || d.name.is_empty() {
                return Err(format!(
                    "{agencies_name}:{line}: agency with empty id or name"
                ));
            }
            if by_id.insert(d.id.clone(), agencies.len()).is_some() {
                return Err(format!(
                    "{agencies_name}:{line}: duplicate agency id `{}`",
                    d.id
                ));
            }
            let mut aliases = d.aliases;
            if !aliases.iter().any(|a| match_key(a) == match_key(&d.name)) {
                aliases.insert(0, d.name.clone());
            }
            agencies.push(Agency {
                id: d.id,
                name: d.name,
                level,
                collective: d.collective,
                aliases,
                abbr: d.abbr,
                successors: d.successors,
                ended,
                parent: d.parent,
                note: d.note,
            });
        }
        for a in &agencies {
            for s in a.successors.iter().chain(a.parent.iter()) {
                if !by_id.contains_key(s) {
                    let line = line_of_value(agencies_src, &a.id, s);
                    return Err(format!(
                        "{agencies_name}:{line}: agency `{}` refers to unknown id `{s}`",
                        a.id
                    ));
                }
            }
        }
        let mut pats = Vec::new();
        let mut seen: HashMap<String, String> = HashMap::new();
        for (i, a) in agencies.iter().enumerate() {
            for (al, abbr) in a
                .aliases
                .iter()
                .map(|x| (x, false))
                .chain(a.abbr.iter().map(|x| (x, true)))
            {
                let k = match_key(al);
                if k.is_empty() {
                    continue;
                }
                if let Some(other) = seen.get(&k) {
                    if other != &a.id {
                        let line = line_of_str(agencies_src, &format!("\"{}\"", a.id));
                        return Err(format!(
                            "{agencies_name}:{line}: alias `{al}` of `{}` is already an alias of `{other}`",
                            a.id
                        ));
                    }
                    continue;
                }
                seen.insert(k.clone(), a.id.clone());
                pats.push((i, abbr, k));
            }
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(pats.iter().map(|p| p.2.as_str()))
            .map_err(|e| format!("{agencies_name}: cannot build matcher: {e}"))?;

        let pf: PlaceFile =
            toml::from_str(places_src).map_err(|e| toml_err(places_name, places_src, &e))?;
        let district_end = match &pf.district_level_ended {
            Some(s) => parse_iso(s).ok_or_else(|| {
                format!(
                    "{places_name}:{}: bad date `{s}`",
                    line_of_str(places_src, s)
                )
            })?,
            None => Date::constant(2025, 7, 1),
        };
        let mut provinces = HashMap::new();
        let mut place_pats = Vec::new();
        for p in pf.province {
            let line = line_of_str(places_src, &format!("\"{}\"", p.name));
            let ended = match &p.ended {
                Some(s) => Some(parse_iso(s).ok_or_else(|| {
                    format!(
                        "{places_name}:{line}: province `{}`: bad date `{s}`",
                        p.name
                    )
                })?),
                None => None,
            };
            let city = match p.unit.as_deref() {
                None | Some("tỉnh") => false,
                Some("thành phố") => true,
                Some(u) => {
                    return Err(format!(
                        "{places_name}:{line}: province `{}`: unit `{u}` is not `tỉnh` or `thành phố`",
                        p.name
                    ));
                }
            };
            let info = ProvinceInfo {
                name: p.name.clone(),
                city,
                merged_into: p.merged_into.clone(),
                ended,
            };
            for n in std::iter::once(&p.name).chain(p.variants.iter()) {
                let k = match_key(n);
                place_pats.push(format!("tinh {k}"));
                if city {
                    place_pats.push(format!("thanh pho {k}"));
                }
                provinces.insert(k, info.clone());
            }
        }
        let mut districts: HashMap<String, Vec<String>> = HashMap::new();
        for d in pf.district {
            let line = line_of_str(places_src, &format!("\"{}\"", d.name));
            let mut units = Vec::new();
            for u in &d.units {
                let k = match_key(u);
                if !UNITS.iter().any(|(f, _)| *f == k) {
                    return Err(format!(
                        "{places_name}:{line}: district `{}`: unknown unit `{u}`",
                        d.name
                    ));
                }
                units.push(k);
            }
            let _ = d.province;
            for n in std::iter::once(&d.name).chain(d.variants.iter()) {
                let k = match_key(n);
                for u in &units {
                    place_pats.push(format!("{u} {k}"));
                }
                districts.insert(k, units.clone());
            }
        }
        place_pats.sort();
        place_pats.dedup();
        let place_ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&place_pats)
            .map_err(|e| format!("{places_name}: cannot build matcher: {e}"))?;
        Ok(Gazetteer {
            agencies,
            by_id,
            ac,
            pats,
            provinces,
            districts,
            district_end,
            place_ac,
            place_pats,
        })
    }

    /// Look up an agency by id.
    pub fn agency(&self, id: &str) -> Option<&Agency> {
        self.by_id.get(id).map(|&i| &self.agencies[i])
    }

    /// Canonical name of an id (the id itself if unknown).
    pub fn name_of<'a>(&'a self, id: &'a str) -> &'a str {
        self.agency(id).map(|a| a.name.as_str()).unwrap_or(id)
    }

    /// All agencies, in data order.
    pub fn agencies(&self) -> &[Agency] {
        &self.agencies
    }

    /// Follow successors to the bodies that exist today (`so-ke-hoach-va-dau-tu` → `so-tai-chinh`).
    pub fn current_successors(&self, id: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![id.to_string()];
        let mut guard = 0;
        while let Some(x) = stack.pop() {
            guard += 1;
            if guard > 64 {
                break;
            }
            match self.agency(&x) {
                Some(a) if !a.successors.is_empty() => {
                    stack.extend(a.successors.iter().rev().cloned())
                }
                _ if x != id => out.push(x),
                _ => {}
            }
        }
        out
    }

    /// Agencies in `text` (any form: diacritics or not, NFC or NFD), longest match, ranges into `text`.
    /// Context is `Operative` unless marked historic ("(cũ)", "trước đây").
    pub fn find_agencies(&self, text: &str) -> Vec<AgencyMention> {
        let n = NormText::new(text);
        self.find_in(&n, text)
    }

    pub(crate) fn find_in(&self, n: &NormText, text: &str) -> Vec<AgencyMention> {
        let s = n.s.as_str();
        let mut out: Vec<AgencyMention> = Vec::new();
        for m in self.ac.find_iter(s) {
            let (a, b) = (m.start(), m.end());
            if !at_word_bounds(s, a, b) {
                continue;
            }
            let (ai, abbr, alias) = &self.pats[m.pattern().as_usize()];
            let range = n.range(a, b);
            let surface = slice(text, range);
            if *abbr {
                let need = self.pats[m.pattern().as_usize()].2.len();
                let _ = need;
                let orig_alias = self.agencies[*ai]
                    .abbr
                    .iter()
                    .find(|x| match_key(x) == *alias);
                let caps_needed = orig_alias
                    .map(|x| x.chars().filter(|c| c.is_uppercase()).count())
                    .unwrap_or(0);
                if surface.chars().filter(|c| c.is_uppercase()).count() < caps_needed {
                    continue;
                }
            }
            let ag = &self.agencies[*ai];
            let after = &s[b..];
            // A phòng "thuộc Sở …" is a unit of a provincial department, not a district phòng.
            if ag.level == Level::District
                && (after.starts_with(" thuoc so")
                    || after.starts_with(" thuoc ubnd tinh")
                    || after.starts_with(" thuoc uy ban nhan dan tinh")
                    || after.starts_with(" thuoc van phong"))
            {
                continue;
            }
            let context = if HISTORIC_AFTER.is_match(after) || s[..a].ends_with("truoc day la ") {
                Context::Historic
            } else {
                Context::Operative
            };
            let mut hs = a.saturating_sub(24);
            while !s.is_char_boundary(hs) {
                hs += 1;
            }
            let head = HEAD_RE.captures(&s[hs..a]).map(|c| {
                let g = c.get(1).map(|g| g.as_str()).unwrap_or("");
                let r = n.range(a - (g.len() + 1), a - 1);
                slice(text, r).to_string()
            });
            out.push(AgencyMention {
                id: ag.id.clone(),
                name: ag.name.clone(),
                surface: surface.to_string(),
                level: ag.level,
                collective: ag.collective,
                successors: ag.successors.clone(),
                ended: ag.ended,
                context,
                range,
                head,
                parent: ag.parent.clone(),
            });
        }
        out
    }

    /// Named administrative units in `text`.
    /// The province (today's name, merged provinces followed to their successor) that `text`
    /// names as a province-level unit: "Ủy ban nhân dân tỉnh Trà Vinh" → `Vĩnh Long`,
    /// "HĐND thành phố Huế" → `Huế`. A local document (QĐ-UBND, NQ-HĐND) is one document only
    /// within one province, so its identity needs this.
    pub fn province_in(&self, text: &str) -> Option<String> {
        self.find_places(text)
            .into_iter()
            .find(|p| p.unit == "tỉnh" || (p.unit == "thành phố" && p.level != Level::District))
            .map(|p| {
                let cur = p.successor.unwrap_or(p.name);
                let f = cur.trim();
                f.strip_prefix("tỉnh ")
                    .or_else(|| f.strip_prefix("thành phố "))
                    .unwrap_or(f)
                    .to_string()
            })
    }

    /// Every province name as its folded key (today's and former names, variants) with the name
    /// of the province today: a query's bare "Quảng Bình" means today's Quảng Trị.
    pub fn province_keys(&self) -> Vec<(String, String)> {
        self.provinces
            .iter()
            .map(|(k, p)| {
                (
                    k.clone(),
                    p.merged_into.clone().unwrap_or_else(|| p.name.clone()),
                )
            })
            .collect()
    }

    pub fn find_places(&self, text: &str) -> Vec<PlaceMention> {
        let n = NormText::new(text);
        self.places_in(&n, text)
    }

    pub(crate) fn places_in(&self, n: &NormText, text: &str) -> Vec<PlaceMention> {
        let s = n.s.as_str();
        let mut found: Vec<(usize, usize, usize)> = Vec::new(); // (start, unit end, name end)
        // Known names first (works on all-lower-case folded input).
        for m in self.place_ac.find_iter(s) {
            if !at_word_bounds(s, m.start(), m.end()) {
                continue;
            }
            let pat = &self.place_pats[m.pattern().as_usize()];
            let unit_len = UNITS
                .iter()
                .map(|(f, _)| *f)
                .filter(|f| pat.starts_with(&format!("{f} ")))
                .map(str::len)
                .max()
                .unwrap_or(0);
            if !self.unit_word_ok(n, text, m.start(), m.start() + unit_len) {
                continue;
            }
            found.push((m.start(), m.start() + unit_len, m.end()));
        }
        // Any capitalised name after a unit word (communes, districts of other provinces).
        for c in PLACE_RE.captures_iter(s) {
            let (Some(u), Some(nm)) = (c.get(1), c.get(2)) else {
                continue;
            };
            if !at_word_bounds(s, u.start(), u.end())
                || found.iter().any(|f| f.0 <= u.start() && u.start() < f.2)
            {
                continue;
            }
            // "thị xã" beats "xã": the regex already prefers the earlier start. "cấp xã" is a level.
            if !self.unit_word_ok(n, text, u.start(), u.end()) || s[..u.start()].ends_with("cap ") {
                continue;
            }
            // Keep the leading words that are capitalised (or numbers: "phường 1") in the original.
            let mut end = nm.start();
            let mut pos = nm.start();
            for w in nm.as_str().split([' ', '-']) {
                let r = n.range(pos, pos + w.len());
                let first = slice(text, r).chars().next();
                if first.is_some_and(|ch| ch.is_uppercase() || ch.is_ascii_digit()) {
                    end = pos + w.len();
                    pos = end + 1;
                } else {
                    break;
                }
            }
            // "xã hội chủ nghĩa Việt Nam" and similar are not units.
            if end > nm.start()
                && !matches!(
                    &s[nm.start()..end],
                    "viet nam" | "nha nuoc" | "chinh phu" | "quoc hoi"
                )
            {
                found.push((u.start(), u.end(), end));
            }
        }
        found.sort();
        found.dedup();
        let mut out = Vec::new();
        let mut last_end = 0;
        for (a, ue, b) in found {
            if a < last_end {
                continue;
            }
            last_end = b;
            let unit_f = &s[a..ue];
            let name_f = s[(ue + 1).min(b)..b].to_string();
            let unit = UNITS
                .iter()
                .find(|(f, _)| *f == unit_f)
                .map(|(_, w)| w.to_string())
                .unwrap_or_default();
            let name = slice(text, n.range((ue + 1).min(b), b)).to_string();
            let (level, abolished, ended, successor) = self.classify(unit_f, &name_f);
            let after = &s[b..];
            let context = if HISTORIC_AFTER.is_match(after) {
                Context::Historic
            } else {
                Context::Operative
            };
            out.push(PlaceMention {
                unit,
                name,
                key: format!("{unit_f} {name_f}"),
                level,
                abolished,
                ended,
                successor,
                context,
                range: n.range(a, b),
            });
        }
        out
    }

    /// The unit word as written must be that unit ("quận", not "quản"/"quân"); folded input passes.
    fn unit_word_ok(&self, n: &NormText, text: &str, a: usize, b: usize) -> bool {
        let w = slice(text, n.range(a, b));
        if w.is_ascii() {
            // Folded input ("xa Krong Buk"): only when the text itself has no diacritics.
            return text.is_ascii() && !n.s[..a].ends_with("co ");
        }
        let unit_f = &n.s[a..b];
        let want = UNITS
            .iter()
            .find(|(f, _)| *f == unit_f)
            .map(|(_, w)| *w)
            .unwrap_or("");
        let canon = rasoat_text::normalize_tone(&rasoat_text::collapse_spaces(w)).to_lowercase();
        canon == want
    }

    fn classify(&self, unit: &str, name: &str) -> (Level, bool, Option<Date>, Option<String>) {
        let dend = Some(self.district_end);
        match unit {
            "tinh" | "thanh pho" => {
                if let Some(p) = self.provinces.get(name) {
                    if unit == "thanh pho" && !p.city {
                        return (Level::District, true, dend, None);
                    }
                    let succ = p.merged_into.as_ref().map(|m| {
                        let city = self.provinces.get(&match_key(m)).is_some_and(|q| q.city);
                        format!("{} {m}", if city { "thành phố" } else { "tỉnh" })
                    });
                    let abolished = p.merged_into.is_some() || p.ended.is_some();
                    let _ = &p.name;
                    (Level::Province, abolished, p.ended, succ)
                } else if unit == "thanh pho" {
                    // Only the six centrally-run cities remain; any other thành phố was district level.
                    (Level::District, true, dend, None)
                } else {
                    (Level::Province, false, None, None)
                }
            }
            "huyen" | "quan" | "thi xa" => (Level::District, true, dend, None),
            "thi tran" => (Level::Commune, true, dend, None),
            _ => (Level::Commune, false, None, None),
        }
    }

    /// Is `name` (any spelling) a known former district-level unit?
    pub fn is_former_district(&self, name: &str) -> bool {
        self.districts.contains_key(&match_key(name))
    }
}
