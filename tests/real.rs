//! The real provincial documents in `corpus/prov/` (100 decisions, resolutions, plans and
//! letters issued after the 2025 reform, see its SOURCES.md) are the judge:
//! * every document's header matches the SOURCES.md table (number, date, issuer, title);
//! * no provision is longer than a screenful unless it is one undivided paragraph or a table;
//! * every warning or error the review reports is adjudicated true in
//!   `tests/adjudication/corpus-prov.tsv`, every finding adjudicated true is still reported, and
//!   no finding adjudicated false (other than "unsure") is reported again.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

const PROV: &str = "corpus/prov";
const ADJUDICATION: &str = "tests/adjudication/corpus-prov.tsv";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rasoat(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rasoat"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("run rasoat");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Diacritics and case folded, punctuation to spaces: titles compare as words.
fn words(s: &str) -> String {
    let s = s.trim_start_matches("V/v").trim_start_matches("V/V");
    let mut out = String::new();
    for c in s.chars() {
        rasoat_text::fold_char_into(c, &mut out);
    }
    out.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Rows of the SOURCES.md document table: file → (number, issuer, date dd/mm/yyyy, title).
fn sources() -> BTreeMap<String, (String, String, String, String)> {
    let text = std::fs::read_to_string(root().join(PROV).join("SOURCES.md")).expect("SOURCES.md");
    let mut rows = BTreeMap::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | # | `file` | số hiệu | issuer | date | title | bytes | complete? |
        if cells.len() >= 8 && cells[1].parse::<u32>().is_ok() && cells[2].starts_with('`') {
            let file = cells[2].trim_matches('`').to_string();
            rows.insert(
                file,
                (
                    cells[3].to_string(),
                    cells[4].to_string(),
                    cells[5].to_string(),
                    cells[6].to_string(),
                ),
            );
        }
    }
    rows
}

fn parsed() -> BTreeMap<String, Value> {
    let (code, out, err) = rasoat(&["parse", "--format", "json", PROV]);
    assert_eq!(code, 0, "{err}");
    out.lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json line"))
        .map(|d| {
            let path = d["document"]["path"].as_str().unwrap_or("").to_string();
            (path.rsplit('/').next().unwrap_or("").to_string(), d)
        })
        .collect()
}

#[test]
fn headers_match_the_sources_table() {
    let rows = sources();
    assert_eq!(rows.len(), 100, "SOURCES.md lists 100 documents");
    let docs = parsed();
    let mut wrong = Vec::new();
    for (file, (number, issuer, date, title)) in &rows {
        let Some(d) = docs.get(file) else {
            wrong.push(format!("{file}: not parsed"));
            continue;
        };
        let m = &d["document"];
        let (dd, mm, yy) = {
            let p: Vec<&str> = date.split('/').collect();
            (p[0], p[1], p[2])
        };
        let iso = format!("{yy}-{mm:0>2}-{dd:0>2}");
        if m["number"].as_str() != Some(number.as_str()) {
            wrong.push(format!("{file}: number {} ≠ {number}", m["number"]));
        }
        if m["date"].as_str() != Some(iso.as_str()) {
            wrong.push(format!("{file}: date {} ≠ {iso}", m["date"]));
        }
        let want_issuer = issuer
            .replace("UBND", "Ủy ban nhân dân")
            .replace("HĐND", "Hội đồng nhân dân");
        if words(m["issuer"].as_str().unwrap_or("")) != words(&want_issuer) {
            wrong.push(format!("{file}: issuer {} ≠ {issuer}", m["issuer"]));
        }
        if words(m["title"].as_str().unwrap_or("")) != words(title) {
            wrong.push(format!("{file}: title {} ≠ {title}", m["title"]));
        }
        if m["signer"].as_str().is_none_or(|s| s.is_empty()) {
            wrong.push(format!("{file}: no signer"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} headers differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// A provision's own lines (its span minus its children's).
fn own_lines(p: &Value) -> (u64, u64, usize) {
    let (a, b) = (
        p["line"].as_u64().unwrap_or(0),
        p["end_line"].as_u64().unwrap_or(0),
    );
    let kids = p["children"].as_array().map(|c| c.len()).unwrap_or(0);
    (a, b, kids)
}

#[test]
fn provisions_are_clauses_not_chapters() {
    // A leaf longer than a screenful is allowed only when its text has no line break a
    // paragraph could start at (one paragraph) or it is a table (cells split by "|" lines).
    let mut long = Vec::new();
    for (file, d) in parsed() {
        let src = std::fs::read_to_string(root().join(PROV).join(&file)).unwrap_or_default();
        let lines: Vec<&str> = src.lines().collect();
        let mut stack: Vec<&Value> = d["provisions"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        while let Some(p) = stack.pop() {
            let (a, b, kids) = own_lines(p);
            if let Some(c) = p["children"].as_array() {
                stack.extend(c.iter());
            }
            // The preamble is the list of căn cứ, one paragraph each, cited one by one.
            if kids > 0 || b < a || b - a < 60 || p["kind"] == "preamble" {
                continue;
            }
            let body = &lines[(a as usize).saturating_sub(1)..(b as usize).min(lines.len())];
            let table = body.iter().filter(|l| l.trim() == "|").count() * 4 >= body.len() / 4;
            let paragraphs = p["text"].as_str().unwrap_or("").matches('\n').count();
            if !table && paragraphs > 3 {
                long.push(format!("{file}:{a}-{b} {} ({} lines)", p["id"], b - a + 1));
            }
        }
    }
    assert!(
        long.is_empty(),
        "{} provisions span more than a screenful:\n{}",
        long.len(),
        long.join("\n")
    );
}

/// (file, rule, fingerprint) → (verdict, reason) from the adjudication file.
fn adjudication() -> BTreeMap<(String, String, String), (bool, String)> {
    let text = std::fs::read_to_string(root().join(ADJUDICATION)).expect("adjudication file");
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() || line.starts_with("file\t") {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        assert!(
            f.len() >= 6,
            "{ADJUDICATION}:{}: expected 6 tab-separated fields",
            i + 1
        );
        let verdict = match f[4] {
            "true" => true,
            "false" => false,
            v => panic!(
                "{ADJUDICATION}:{}: verdict must be true or false, not {v}",
                i + 1
            ),
        };
        out.insert(
            (f[0].to_string(), f[1].to_string(), f[3].to_string()),
            (verdict, f[5].to_string()),
        );
    }
    out
}

type Key = (String, String, String);

/// Adjudicated findings that `keep(key, verdict, reason)` selects, one line each.
fn listed(
    adj: &BTreeMap<Key, (bool, String)>,
    keep: impl Fn(&Key, bool, &str) -> bool,
) -> Vec<String> {
    adj.iter()
        .filter(|(k, (v, why))| keep(k, *v, why))
        .map(|(k, (_, why))| format!("{} {} {} — {why}", k.0, k.1, k.2))
        .collect()
}

fn review() -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.json");
    let (code, _, err) = rasoat(&[
        "review",
        PROV,
        "--as-of",
        "2026-11-30",
        "--format",
        "json",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(code == 0 || code == 1, "{err}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    v["findings"].as_array().cloned().unwrap_or_default()
}

#[test]
fn every_warning_and_error_on_the_real_corpus_is_adjudicated_true() {
    let adj = adjudication();
    let findings = review();
    let mut seen = BTreeSet::new();
    let mut unjudged = Vec::new();
    for f in &findings {
        let file = f["location"]["file"].as_str().unwrap_or("");
        let file = file.rsplit('/').next().unwrap_or("").to_string();
        let key = (
            file.clone(),
            f["rule"].as_str().unwrap_or("").to_string(),
            f["fingerprint"].as_str().unwrap_or("").to_string(),
        );
        seen.insert(key.clone());
        if f["severity"] == "info" || f["rule"] == "parse-error" {
            continue;
        }
        match adj.get(&key) {
            Some((true, _)) => {}
            Some((false, why)) => unjudged.push(format!(
                "{}:{} {} adjudicated FALSE ({why}): {}",
                file, f["location"]["line"], key.1, f["message"]
            )),
            None => unjudged.push(format!(
                "{}:{} {} {} not adjudicated: {}",
                file, f["location"]["line"], f["severity"], key.1, f["message"]
            )),
        }
    }
    assert!(
        unjudged.is_empty(),
        "{}:\n{}",
        unjudged.len(),
        unjudged.join("\n")
    );
    // A finding a reader dismissed (not merely unsure of) must not come back, whatever its severity.
    let back = listed(&adj, |k, v, why| {
        !v && !why.starts_with("unsure") && seen.contains(k)
    });
    assert!(
        back.is_empty(),
        "findings adjudicated false are reported again:\n{}",
        back.join("\n")
    );
    let lost = listed(&adj, |k, v, _| v && !seen.contains(k));
    assert!(
        lost.is_empty(),
        "true findings no longer reported:\n{}",
        lost.join("\n")
    );
}
