//! The bundled registry of national documents the corpus cites and what replaced them
//! (`rules/data/registry.toml`).

use crate::gazetteer::toml_err;
use crate::norm::{match_key, normalize_number, parse_iso};
use rasoat_model::Date;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryDef {
    number: String,
    #[serde(rename = "type")]
    doc_type: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    effective: Option<String>,
    #[serde(default)]
    amended_by: Vec<String>,
    #[serde(default)]
    replaced_by: Vec<String>,
    #[serde(default)]
    replaced_on: Option<String>,
    #[serde(default)]
    repealed_on: Option<String>,
    #[serde(default)]
    repealed_by: Option<String>,
    #[serde(default)]
    expired_on: Option<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    verified: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryFile {
    #[serde(default)]
    document: Vec<EntryDef>,
}

/// One registered document.
#[derive(Debug, Clone, PartialEq)]
pub struct RegEntry {
    /// Normalised key (`normalize_number`).
    pub key: String,
    pub number: String,
    pub doc_type: String,
    /// Law name ("Luật Tổ chức chính quyền địa phương").
    pub name: Option<String>,
    pub title: Option<String>,
    pub issuer: Option<String>,
    pub date: Option<Date>,
    pub effective: Option<Date>,
    /// Keys of amending documents.
    pub amended_by: Vec<String>,
    /// Keys of replacing documents.
    pub replaced_by: Vec<String>,
    pub replaced_on: Option<Date>,
    pub repealed_by: Option<String>,
    pub repealed_on: Option<Date>,
    pub expired_on: Option<Date>,
    pub note: Option<String>,
    /// Where the facts were read ("domain notes §1.1 [S1]", "corpus/prov/…", an office's list).
    pub source: Option<String>,
    /// The facts were confirmed from a text at hand; unverified entries never yield an error.
    pub verified: bool,
}

impl RegEntry {
    /// "Luật 72/2025/QH15" / "Nghị định 78/2025/NĐ-CP".
    pub fn label(&self) -> String {
        format!("{} {}", self.doc_type, self.number)
    }
}

/// Registry of documents by key, plus an index of laws by folded name.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    entries: Vec<RegEntry>,
    by_key: HashMap<String, usize>,
    by_name: HashMap<String, Vec<usize>>,
}

/// Key of a law cited by name only: `luat:<folded name without "luật">`.
pub fn law_name_key(name: &str) -> String {
    let k = match_key(name);
    let k = k.strip_prefix("luat ").unwrap_or(&k).trim().to_string();
    format!("luat:{k}")
}

impl Registry {
    pub fn from_source(file: &str, src: &str) -> Result<Registry, String> {
        let rf: RegistryFile = toml::from_str(src).map_err(|e| toml_err(file, src, &e))?;
        let mut reg = Registry::default();
        for d in rf.document {
            let line = src
                .find(&format!("\"{}\"", d.number))
                .map(|o| src[..o].matches('\n').count() + 1)
                .unwrap_or(1);
            let date = |s: &Option<String>| -> Result<Option<Date>, String> {
                match s {
                    Some(x) => parse_iso(x).map(Some).ok_or_else(|| {
                        let at = src.find(&format!("\"{}\"", d.number)).unwrap_or(0);
                        let l = src[at..]
                            .find(&format!("\"{x}\""))
                            .map(|o| src[..at + o].matches('\n').count() + 1)
                            .unwrap_or(line);
                        format!(
                            "{file}:{l}: `{}`: bad date `{x}` (want YYYY-MM-DD)",
                            d.number
                        )
                    }),
                    None => Ok(None),
                }
            };
            let key = normalize_number(&d.number);
            if key.is_empty() {
                return Err(format!("{file}:{line}: empty number"));
            }
            let e = RegEntry {
                key: key.clone(),
                number: d.number.clone(),
                doc_type: d.doc_type.clone(),
                name: d.name.clone(),
                title: d.title.clone(),
                issuer: d.issuer.clone(),
                date: date(&d.date)?,
                effective: date(&d.effective)?,
                amended_by: d.amended_by.iter().map(|x| normalize_number(x)).collect(),
                replaced_by: d.replaced_by.iter().map(|x| normalize_number(x)).collect(),
                replaced_on: date(&d.replaced_on)?,
                repealed_by: d.repealed_by.as_deref().map(normalize_number),
                repealed_on: date(&d.repealed_on)?,
                expired_on: date(&d.expired_on)?,
                note: d.note.clone(),
                source: d.source.clone(),
                verified: d.verified,
            };
            if reg.by_key.insert(key.clone(), reg.entries.len()).is_some() {
                return Err(format!("{file}:{line}: `{}` is registered twice", d.number));
            }
            // A consolidated text (VBHN) is not the law a name cites.
            if let Some(n) = d
                .name
                .as_ref()
                .filter(|_| !e.doc_type.starts_with("Văn bản hợp nhất"))
            {
                reg.by_name
                    .entry(law_name_key(n))
                    .or_default()
                    .push(reg.entries.len());
            }
            reg.entries.push(e);
        }
        Ok(reg)
    }

    pub fn get(&self, key: &str) -> Option<&RegEntry> {
        self.by_key.get(key).map(|&i| &self.entries[i])
    }

    pub fn entries(&self) -> &[RegEntry] {
        &self.entries
    }

    /// A law cited by name: the registered law of that name passed on `date` (or in `year`);
    /// with neither, None (ambiguous).
    pub fn law_by_name(
        &self,
        name_key: &str,
        date: Option<Date>,
        year: Option<i32>,
    ) -> Option<&RegEntry> {
        let cands = self.by_name.get(name_key)?;
        let pick =
            |f: &dyn Fn(&RegEntry) -> bool| cands.iter().map(|&i| &self.entries[i]).find(|e| f(e));
        if let Some(d) = date
            && let Some(e) = pick(&|e| e.date == Some(d))
        {
            return Some(e);
        }
        let y = year.or(date.map(|d| d.year() as i32))?;
        // Two laws of one name in one year ("Luật Tổ chức chính quyền địa phương năm 2025":
        // 65/2025/QH15 of February, replaced by 72/2025/QH15 of June): a citation by name and
        // year means the one in force, the latest.
        cands
            .iter()
            .map(|&i| &self.entries[i])
            .filter(|e| e.date.is_some_and(|x| x.year() as i32 == y))
            .max_by_key(|e| e.date)
    }
}

/// One fact of the registry the corpus contradicts (`rasoat registry check`).
#[derive(Debug, Clone, PartialEq)]
pub struct Contradiction {
    pub number: String,
    /// "date": the registered date vs the date most citing documents give.
    pub field: String,
    pub registered: String,
    pub corpus: String,
    /// Documents giving the corpus value / all documents citing the entry with a date.
    pub agree: usize,
    pub total: usize,
    /// One place that gives the corpus value ("file:line").
    pub example: String,
    pub verified: bool,
}

fn iso(d: Date) -> String {
    d.strftime("%Y-%m-%d").to_string()
}

fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

impl RegEntry {
    /// The entry as a `[[document]]` table of registry.toml.
    pub fn to_toml(&self) -> String {
        let mut o = String::from("[[document]]\n");
        o += &format!(
            "number = {}\ntype = {}\n",
            q(&self.number),
            q(&self.doc_type)
        );
        for (k, v) in [
            ("name", &self.name),
            ("title", &self.title),
            ("issuer", &self.issuer),
        ] {
            if let Some(v) = v {
                o += &format!("{k} = {}\n", q(v));
            }
        }
        for (k, v) in [("date", self.date), ("effective", self.effective)] {
            if let Some(v) = v {
                o += &format!("{k} = {}\n", q(&iso(v)));
            }
        }
        let list = |v: &[String]| v.iter().map(|x| q(x)).collect::<Vec<_>>().join(", ");
        if !self.amended_by.is_empty() {
            o += &format!("amended_by = [{}]\n", list(&self.amended_by));
        }
        if !self.replaced_by.is_empty() {
            o += &format!("replaced_by = [{}]\n", list(&self.replaced_by));
        }
        for (k, v) in [
            ("replaced_on", self.replaced_on),
            ("repealed_on", self.repealed_on),
            ("expired_on", self.expired_on),
        ] {
            if let Some(v) = v {
                o += &format!("{k} = {}\n", q(&iso(v)));
            }
        }
        if let Some(v) = &self.repealed_by {
            o += &format!("repealed_by = {}\n", q(v));
        }
        for (k, v) in [("note", &self.note), ("source", &self.source)] {
            if let Some(v) = v {
                o += &format!("{k} = {}\n", q(v));
            }
        }
        o += &format!("verified = {}\n", self.verified);
        o
    }
}

/// Columns of an office's list (CSV header or JSON object keys).
const IMPORT_FIELDS: &[&str] = &[
    "number",
    "type",
    "name",
    "title",
    "issuer",
    "date",
    "effective",
    "amended_by",
    "replaced_by",
    "replaced_on",
    "repealed_by",
    "repealed_on",
    "expired_on",
    "note",
    "source",
    "verified",
];

/// Split one CSV line (RFC 4180 quotes).
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut it = line.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '"' if quoted && it.peek() == Some(&'"') => {
                cur.push('"');
                it.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter().map(|x| x.trim().to_string()).collect()
}

/// A date as an office writes it: `2025-06-16`, `16/6/2025`, `16-06-2025`.
fn any_date(s: &str) -> Option<String> {
    if let Some(d) = parse_iso(s) {
        return Some(iso(d));
    }
    let p: Vec<&str> = s.split(['/', '-', '.']).map(str::trim).collect();
    if p.len() == 3 {
        let (d, m, y) = (
            p[0].parse::<i8>().ok()?,
            p[1].parse::<i8>().ok()?,
            p[2].parse::<i16>().ok()?,
        );
        return Date::new(y, m, d).ok().map(iso);
    }
    None
}

/// Rows of an office's list → registry.toml text (`[[document]]` tables). CSV with a header row
/// naming the columns (`number,type,date,title,…`; lists such as `replaced_by` separated by `;`),
/// or JSON (an array of objects, or `{"document": [...]}`). Errors name the row and the reason.
pub fn import_rows(file: &str, src: &str) -> Result<String, String> {
    let mut rows: Vec<Vec<(String, String)>> = Vec::new();
    let t = src.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('[') || t.starts_with('{') {
        let v: serde_json::Value =
            serde_json::from_str(t).map_err(|e| format!("{file}: not JSON: {e}"))?;
        let arr = v
            .as_array()
            .cloned()
            .or_else(|| v.get("document").and_then(|d| d.as_array()).cloned())
            .ok_or_else(|| format!("{file}: want an array of documents"))?;
        for (i, o) in arr.iter().enumerate() {
            let o = o
                .as_object()
                .ok_or_else(|| format!("{file}: item {}: not an object", i + 1))?;
            let mut r = Vec::new();
            for (k, v) in o {
                let s = match v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Array(a) => a
                        .iter()
                        .filter_map(|x| x.as_str())
                        .collect::<Vec<_>>()
                        .join(";"),
                    serde_json::Value::Null => continue,
                    x => x.to_string(),
                };
                r.push((k.clone(), s));
            }
            rows.push(r);
        }
    } else {
        let mut lines = t.lines().filter(|l| !l.trim().is_empty());
        let head = csv_fields(lines.next().ok_or_else(|| format!("{file}: empty"))?);
        for h in &head {
            if !IMPORT_FIELDS.contains(&h.as_str()) {
                return Err(format!(
                    "{file}:1: unknown column `{h}` (known: {})",
                    IMPORT_FIELDS.join(", ")
                ));
            }
        }
        for l in lines {
            rows.push(head.iter().cloned().zip(csv_fields(l)).collect());
        }
    }
    let mut out = String::new();
    for (i, r) in rows.iter().enumerate() {
        let row = i + if t.starts_with('[') || t.starts_with('{') {
            1
        } else {
            2
        };
        let mut o = String::from("[[document]]\n");
        let mut has = (false, false);
        for (k, v) in r {
            if v.is_empty() {
                continue;
            }
            if !IMPORT_FIELDS.contains(&k.as_str()) {
                return Err(format!("{file}: row {row}: unknown field `{k}`"));
            }
            match k.as_str() {
                "amended_by" | "replaced_by" => {
                    let l: Vec<String> = v
                        .split(';')
                        .map(str::trim)
                        .filter(|x| !x.is_empty())
                        .map(q)
                        .collect();
                    o += &format!("{k} = [{}]\n", l.join(", "));
                }
                "date" | "effective" | "replaced_on" | "repealed_on" | "expired_on" => {
                    let d = any_date(v)
                        .ok_or_else(|| format!("{file}: row {row}: `{k}`: bad date `{v}`"))?;
                    o += &format!("{k} = {}\n", q(&d));
                }
                "verified" => {
                    let b = matches!(v.to_lowercase().as_str(), "true" | "1" | "yes" | "x" | "có");
                    o += &format!("verified = {b}\n");
                }
                _ => o += &format!("{k} = {}\n", q(v)),
            }
            has.0 |= k == "number";
            has.1 |= k == "type";
        }
        if !(has.0 && has.1) {
            return Err(format!("{file}: row {row}: needs `number` and `type`"));
        }
        if !r.iter().any(|(k, v)| k == "source" && !v.is_empty()) {
            o += &format!("source = {}\n", q(file));
        }
        out += &o;
        out.push('\n');
    }
    // It must load.
    Registry::from_source(file, &out)?;
    Ok(out)
}

impl Registry {
    /// `self` with `other`'s entries added; an entry of `other` with the same key replaces ours
    /// (an office's list overrides the bundled one).
    pub fn merged(&self, other: &Registry) -> Registry {
        let mut out = Registry::default();
        let over: std::collections::HashSet<&str> =
            other.entries.iter().map(|e| e.key.as_str()).collect();
        for e in self
            .entries
            .iter()
            .filter(|e| !over.contains(e.key.as_str()))
            .chain(other.entries.iter())
        {
            out.push(e.clone());
        }
        out
    }

    fn push(&mut self, e: RegEntry) {
        if let Some(n) = e
            .name
            .as_ref()
            .filter(|_| !e.doc_type.starts_with("Văn bản hợp nhất"))
        {
            self.by_name
                .entry(law_name_key(n))
                .or_default()
                .push(self.entries.len());
        }
        self.by_key.insert(e.key.clone(), self.entries.len());
        self.entries.push(e);
    }

    /// The whole registry as registry.toml text.
    pub fn to_toml(&self) -> String {
        let mut o = String::from(
            "# Registry of national documents (rasoat registry import: bundled + imported).\n\n",
        );
        for e in &self.entries {
            o += &e.to_toml();
            o.push('\n');
        }
        o
    }

    /// Entries whose date the corpus contradicts: `cites` are (key, date, "file:line") of every
    /// dated citation. A date is contradicted when most citing documents agree on another date
    /// and none gives the registered one.
    pub fn check_against(&self, cites: &[(String, Date, String)]) -> Vec<Contradiction> {
        let mut by: HashMap<&str, Vec<&(String, Date, String)>> = HashMap::new();
        for c in cites {
            by.entry(c.0.as_str()).or_default().push(c);
        }
        let mut out = Vec::new();
        for e in &self.entries {
            let (Some(d), Some(cs)) = (e.date, by.get(e.key.as_str())) else {
                continue;
            };
            if cs.iter().any(|c| c.1 == d) {
                continue;
            }
            let mut count: std::collections::BTreeMap<
                Date,
                (std::collections::BTreeSet<&str>, &str),
            > = Default::default();
            for c in cs {
                let file = c.2.rsplit_once(':').map(|x| x.0).unwrap_or(&c.2);
                count
                    .entry(c.1)
                    .or_insert_with(|| (Default::default(), c.2.as_str()))
                    .0
                    .insert(file);
            }
            let total: usize = count.values().map(|x| x.0.len()).sum();
            let Some((cd, (docs, ex))) = count.iter().max_by_key(|(_, v)| v.0.len()) else {
                continue;
            };
            // One document is no evidence against the registry (it is more likely that text's slip).
            if docs.len() < 2 || docs.len() * 2 <= total {
                continue;
            }
            out.push(Contradiction {
                number: e.number.clone(),
                field: "date".into(),
                registered: iso(d),
                corpus: iso(*cd),
                agree: docs.len(),
                total,
                example: ex.to_string(),
                verified: e.verified,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_csv_and_json_merge_over_the_bundled_registry() {
        let csv = "number,type,date,title,replaced_by,source,verified\n\
                   88/2024/NĐ-CP,Nghị định,15/7/2024,\"về bồi thường, hỗ trợ\",,Danh mục 2026,true\n\
                   72/2025/QH15,Luật,2025-06-16,,,Sở Tư pháp,yes\n";
        let t = import_rows("office.csv", csv).expect("csv imports");
        let r = Registry::from_source("x", &t).unwrap();
        let e = r.get(&normalize_number("88/2024/NĐ-CP")).unwrap();
        assert_eq!(e.date, parse_iso("2024-07-15"));
        assert_eq!(e.title.as_deref(), Some("về bồi thường, hỗ trợ"));
        assert!(e.verified);
        let json = r#"[{"number": "06/2026/TT-BVHTTDL", "type": "Thông tư", "replaced_by": ["07/2026/TT-BVHTTDL"]}]"#;
        let j = Registry::from_source("y", &import_rows("office.json", json).unwrap()).unwrap();
        let je = &j.entries()[0];
        assert_eq!(
            je.source.as_deref(),
            Some("office.json"),
            "the file is the source by default"
        );
        assert!(!je.verified);
        let bundled = Registry::from_source("b", crate::REGISTRY_TOML).unwrap();
        let m = bundled.merged(&r);
        assert_eq!(
            m.entries().len(),
            bundled.entries().len() + 1,
            "72/2025/QH15 replaced, 88/2024 added"
        );
        assert_eq!(
            m.get(&normalize_number("72/2025/QH15"))
                .unwrap()
                .source
                .as_deref(),
            Some("Sở Tư pháp")
        );
        // what is written reads back the same
        let back = Registry::from_source("m", &m.to_toml()).unwrap();
        assert_eq!(back.entries(), m.entries());
        assert!(
            import_rows("bad.csv", "number,kind\n1/2020/NĐ-CP,x\n")
                .unwrap_err()
                .contains("unknown column `kind`")
        );
        assert!(
            import_rows(
                "bad.csv",
                "number,type,date\n1/2020/NĐ-CP,Nghị định,32/13/2020\n"
            )
            .unwrap_err()
            .contains("bad date")
        );
    }

    #[test]
    fn check_reports_a_date_most_documents_contradict() {
        let r = Registry::from_source(
            "x",
            "[[document]]\nnumber = \"02/2017/TT-VPCP\"\ntype = \"Thông tư\"\ndate = \"2017-10-30\"\n",
        )
        .unwrap();
        let k = normalize_number("02/2017/TT-VPCP");
        let d = parse_iso("2017-10-31").unwrap();
        let cites: Vec<(String, Date, String)> = ["a.md:3", "b.md:9", "c.md:1"]
            .iter()
            .map(|f| (k.clone(), d, f.to_string()))
            .collect();
        let c = r.check_against(&cites);
        assert_eq!(c.len(), 1);
        assert_eq!(
            (c[0].agree, c[0].total, c[0].corpus.as_str()),
            (3, 3, "2017-10-31")
        );
        // one document alone is no evidence against the registry
        assert!(r.check_against(&cites[..1]).is_empty());
    }
}
