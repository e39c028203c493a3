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
