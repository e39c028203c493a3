//! SARIF 2.1.0, shaped for GitHub code scanning.
//!
//! Built with serde_json rather than serde-sarif: the document is small, and writing the keys
//! directly keeps exact control over what GitHub reads (ruleIndex, partialFingerprints,
//! relatedLocations ids, exclusive endColumn) without tracking a generated builder API.
use crate::{RenderOptions, basis_and_handling, describe};
use rasoat_model::{Finding, Location, Report, RuleInfo, Severity};
use serde_json::{Value, json};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative path as a URI reference: `/` separators, no `./`, percent-encoded outside the
/// unreserved set (Vietnamese file names become UTF-8 percent escapes). Absolute paths become `file://` URIs.
pub fn uri(path: &str) -> String {
    let p = crate::ci_path(path);
    let p = p.as_str();
    let mut o = String::new();
    for b in p.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                o.push(b as char)
            }
            _ => o.push_str(&format!("%{b:02X}")),
        }
    }
    if p.starts_with('/') {
        format!("file://{o}")
    } else {
        o
    }
}

fn physical(loc: &Location) -> Value {
    let mut region = serde_json::Map::new();
    if loc.line > 0 {
        let end_line = loc.end_line.max(loc.line);
        region.insert("startLine".into(), json!(loc.line));
        region.insert("startColumn".into(), json!(loc.column.max(1)));
        region.insert("endLine".into(), json!(end_line));
        // SARIF endColumn is exclusive; ours is inclusive.
        let end_col = if end_line == loc.line {
            loc.end_column.max(loc.column.max(1))
        } else {
            loc.end_column.max(1)
        };
        region.insert("endColumn".into(), json!(end_col + 1));
        if let Some(s) = loc.snippet.as_deref().filter(|s| !s.is_empty()) {
            region.insert("snippet".into(), json!({ "text": s }));
        }
    }
    let mut pl = json!({ "artifactLocation": { "uri": uri(&loc.file) } });
    if !region.is_empty() {
        pl["region"] = Value::Object(region);
    }
    pl
}

fn descriptor(r: &RuleInfo) -> Value {
    let name = r.id.split('-').map(|w| {
        let mut c = w.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    });
    let short = if r.name_vi.is_empty() {
        r.id.clone()
    } else {
        r.name_vi.clone()
    };
    let full = if r.description.is_empty() {
        short.clone()
    } else {
        r.description.clone()
    };
    let help_text = format!(
        "{full}\nLoại sai sót: {}\nCăn cứ pháp lý: {}\nHướng xử lý: {}",
        r.category, r.legal_basis, r.handling
    );
    let help_md = format!(
        "**{} {}** ({})\n\n{full}\n\n- **Loại sai sót:** {}\n- **Căn cứ pháp lý:** {}\n- **Hướng xử lý:** {}",
        r.code, short, r.name_en, r.category, r.legal_basis, r.handling
    );
    let security = match r.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "recommendation",
    };
    json!({
        "id": r.id,
        "name": name.collect::<String>(),
        "shortDescription": { "text": short },
        "fullDescription": { "text": full },
        "help": { "text": help_text, "markdown": help_md },
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": {
            "code": r.code,
            "name_en": r.name_en,
            "category": r.category,
            "handling": r.handling,
            "legal_basis": r.legal_basis,
            "tags": ["legal", r.category, r.code],
            "precision": "medium",
            "problem.severity": security,
        }
    })
}

/// Rules the report declares, plus a minimal entry for any rule id a finding uses that the
/// report did not declare (e.g. `parse-error`), so every result has a valid ruleIndex.
fn rules_for(report: &Report) -> Vec<RuleInfo> {
    let mut rules = report.rules.clone();
    for f in &report.findings {
        if !rules.iter().any(|r| r.id == f.rule) {
            let (basis, handling, category) = basis_and_handling(report, f);
            rules.push(RuleInfo {
                code: f.code.clone(),
                id: f.rule.clone(),
                name_vi: f.rule.clone(),
                name_en: f.rule.clone(),
                severity: f.severity,
                category,
                handling,
                legal_basis: basis,
                description: if f.rule == "parse-error" {
                    "Không đọc được văn bản.".into()
                } else {
                    String::new()
                },
            });
        }
    }
    rules
}

fn result(f: &Finding, rule_index: usize, report: &Report) -> Value {
    let (basis, handling, category) = basis_and_handling(report, f);
    let related: Vec<Value> = f
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let d = describe(r);
            json!({
                "id": i + 1,
                "physicalLocation": physical(r),
                "message": { "text": if d.is_empty() { r.file.clone() } else { d } }
            })
        })
        .collect();
    let mut res = json!({
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": f.message },
        "locations": [ { "physicalLocation": physical(&f.location) } ],
        "partialFingerprints": { "rasoatFingerprint/v1": f.fingerprint },
        "properties": {
            "category": category,
            "handling": handling,
            "legal_basis": basis,
            "evidence": f.evidence.iter().map(|(k, v)| json!({ "key": k, "value": v })).collect::<Vec<_>>(),
        }
    });
    let mut logical = serde_json::Map::new();
    if let Some(p) = &f.location.provision {
        logical.insert("fullyQualifiedName".into(), json!(p));
    }
    if let Some(l) = &f.location.label {
        logical.insert("name".into(), json!(l));
    }
    if !logical.is_empty() {
        logical.insert("kind".into(), json!("provision"));
        res["locations"][0]["logicalLocations"] = json!([Value::Object(logical)]);
    }
    if !related.is_empty() {
        res["relatedLocations"] = Value::Array(related);
    }
    res
}

pub fn render(report: &Report, opts: &RenderOptions) -> String {
    let rules = rules_for(report);
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            result(
                f,
                rules.iter().position(|r| r.id == f.rule).unwrap_or(0),
                report,
            )
        })
        .collect();
    let version = opts
        .tool_version
        .clone()
        .unwrap_or_else(|| env!("CARGO_PKG_VERSION").to_string());
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "rasoat",
                "version": version,
                "semanticVersion": version,
                "informationUri": "https://github.com/rasoat/rasoat",
                "rules": rules.iter().map(descriptor).collect::<Vec<_>>(),
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": { "summary": serde_json::to_value(&report.summary).unwrap_or(Value::Null) }
        }]
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use crate::testdata::*;
    use serde_json::Value;

    #[test]
    fn sarif_has_required_fields() {
        let (report, _) = sample();
        let v: Value = serde_json::from_str(&super::render(&report, &Default::default())).unwrap();
        assert_eq!(v["version"], "2.1.0");
        assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
        let run = &v["runs"][0];
        let d = &run["tool"]["driver"];
        assert_eq!(d["name"], "rasoat");
        assert!(
            d["informationUri"]
                .as_str()
                .unwrap()
                .starts_with("https://")
        );
        let rules = d["rules"].as_array().unwrap();
        // R01 declared; stale-citation added from the finding.
        assert_eq!(rules.len(), 2);
        for r in rules {
            for k in [
                "id",
                "name",
                "shortDescription",
                "fullDescription",
                "help",
                "defaultConfiguration",
                "properties",
            ] {
                assert!(!r[k].is_null(), "rule lacks {k}: {r}");
            }
        }
        assert_eq!(rules[0]["name"], "LeadAgencyConflict");
        let res = run["results"].as_array().unwrap();
        assert_eq!(res.len(), 2);
        let r0 = &res[0];
        assert_eq!(r0["ruleId"], "lead-agency-conflict");
        assert_eq!(r0["ruleIndex"], 0);
        assert_eq!(res[1]["ruleIndex"], 1);
        assert_eq!(r0["level"], "error");
        assert_eq!(res[1]["level"], "warning");
        let pl = &r0["locations"][0]["physicalLocation"];
        assert_eq!(pl["artifactLocation"]["uri"], "drafts/qd.md");
        assert_eq!(pl["region"]["startLine"], 3);
        assert_eq!(pl["region"]["startColumn"], 1);
        assert_eq!(pl["region"]["endColumn"], 18);
        assert_eq!(
            r0["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "corpus/kh-45.txt"
        );
        assert_eq!(
            r0["partialFingerprints"]["rasoatFingerprint/v1"],
            "0123456789abcdef"
        );
    }

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(
            super::uri("./dự thảo/a.md"),
            "d%E1%BB%B1%20th%E1%BA%A3o/a.md"
        );
        assert_eq!(super::uri("/tmp/a.md"), "file:///tmp/a.md");
        assert_eq!(super::uri("data/x.json#law-1"), "data/x.json");
        // Inside the checkout: relative, as code scanning needs.
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            super::uri(&cwd.join("drafts/a.md").to_string_lossy()),
            "drafts/a.md"
        );
    }
}
