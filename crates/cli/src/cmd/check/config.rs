//! `rasoat.toml`: suppressions kept outside the text (for drafting offices that may not add
//! comments to an official text), rule on/off and severity per path glob, ignored paths.
//!
//! ```toml
//! ignore = ["archive/**", "*.bak.md"]        # paths never checked
//!
//! [check]                                    # defaults for CLI flags
//! corpus = "corpus"
//! fail-on = "error"
//!
//! [rules]                                    # whole repository; key = rule id or code
//! "date-form" = "off"                        # off | on | error | warning | info
//! R05 = "warning"
//!
//! [[override]]                               # later entries win
//! paths = ["drafts/legacy/**"]
//! rules = { R01 = "warning" }
//!
//! [[suppress]]                               # one known finding, by fingerprint
//! fingerprint = "9f1c2e4a5b6d7e80"
//! reason = "Đã thống nhất với Sở Tư pháp ngày 20/11/2026"
//! ```
use anyhow::{Context, bail};
use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use rasoat_model::{Finding, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

pub const FILE_NAME: &str = "rasoat.toml";

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    check: RawCheck,
    #[serde(default)]
    rules: BTreeMap<String, String>,
    #[serde(default, rename = "override")]
    overrides: Vec<RawOverride>,
    #[serde(default)]
    suppress: Vec<RawSuppress>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawCheck {
    corpus: Option<PathBuf>,
    fail_on: Option<String>,
    rules: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    paths: Vec<String>,
    #[serde(default)]
    rules: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuppress {
    fingerprint: String,
    reason: String,
    #[serde(default)]
    rule: Option<String>,
    #[serde(default)]
    path: Option<String>,
}

/// What a rule setting does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    Off,
    On,
    Severity(Severity),
}

fn parse_setting(v: &str) -> Option<Setting> {
    match v.to_ascii_lowercase().as_str() {
        "off" | "false" | "disable" | "disabled" => Some(Setting::Off),
        "on" | "true" | "enable" | "enabled" => Some(Setting::On),
        s => Severity::parse(s).map(Setting::Severity),
    }
}

struct Override {
    set: GlobSet,
    rules: Vec<(String, Setting)>,
}

pub struct Suppression {
    pub fingerprint: String,
    pub reason: String,
    rule: Option<String>,
    path: Option<GlobSet>,
}

/// The loaded configuration (an empty one when there is no rasoat.toml).
#[derive(Default)]
pub struct Config {
    /// File it came from, and the folder globs are relative to.
    pub file: Option<PathBuf>,
    pub root: PathBuf,
    pub corpus: Option<PathBuf>,
    pub fail_on: Option<String>,
    pub rules_dir: Option<PathBuf>,
    ignore: Option<GlobSet>,
    rules: Vec<(String, Setting)>,
    overrides: Vec<Override>,
    pub suppress: Vec<Suppression>,
}

/// Gitignore-like globs: `*` stays within a folder, `**` crosses folders; a pattern without
/// `/` also matches the file name anywhere.
fn globset(patterns: &[String], file: &Path) -> anyhow::Result<GlobSet> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let p = p.trim_start_matches("./");
        let g = |pat: &str| -> anyhow::Result<Glob> {
            GlobBuilder::new(pat)
                .literal_separator(true)
                .build()
                .with_context(|| format!("{}: bad glob `{pat}`", file.display()))
        };
        b.add(g(p)?);
        if !p.contains('/') {
            b.add(g(&format!("**/{p}"))?);
        }
        // A folder pattern covers what is inside it.
        b.add(g(&format!("{}/**", p.trim_end_matches('/')))?);
    }
    b.build()
        .with_context(|| format!("{}: bad globs", file.display()))
}

fn rule_settings(
    map: &BTreeMap<String, String>,
    file: &Path,
    what: &str,
) -> anyhow::Result<Vec<(String, Setting)>> {
    map.iter()
        .map(|(k, v)| match parse_setting(v) {
            Some(s) => Ok((k.clone(), s)),
            None => bail!(
                "{}: {what}: rule `{k}` = \"{v}\": expected off, on, error, warning or info",
                file.display()
            ),
        })
        .collect()
}

impl Config {
    /// No rasoat.toml: nothing ignored, no overrides; globs relative to `root`.
    pub fn empty(root: PathBuf) -> Config {
        Config {
            root,
            ..Default::default()
        }
    }

    /// Find `rasoat.toml` by walking up from `start`.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let mut d = Some(start);
        while let Some(dir) = d {
            let f = dir.join(FILE_NAME);
            if f.is_file() {
                return Some(f);
            }
            d = dir.parent();
        }
        None
    }

    pub fn load(file: &Path) -> anyhow::Result<Config> {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read config {}", file.display()))?;
        let raw: Raw = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: {}", file.display(), e.to_string().trim_end()))?;
        let abs = absolute(file);
        let root = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut suppress = Vec::new();
        for s in &raw.suppress {
            if s.reason.trim().is_empty() {
                bail!(
                    "{}: [[suppress]] fingerprint {}: a reason is required",
                    file.display(),
                    s.fingerprint
                );
            }
            if s.fingerprint.trim().is_empty() {
                bail!("{}: [[suppress]]: empty fingerprint", file.display());
            }
            let path = match &s.path {
                Some(p) => Some(globset(std::slice::from_ref(p), file)?),
                None => None,
            };
            suppress.push(Suppression {
                fingerprint: s.fingerprint.trim().to_string(),
                reason: s.reason.clone(),
                rule: s.rule.clone(),
                path,
            });
        }
        if let Some(f) = &raw.check.fail_on
            && f != "never"
            && Severity::parse(f).is_none()
        {
            bail!(
                "{}: [check] fail-on = \"{f}\": expected error, warning, info or never",
                file.display()
            );
        }
        let overrides = raw
            .overrides
            .iter()
            .enumerate()
            .map(|(i, o)| {
                Ok(Override {
                    set: globset(&o.paths, file)?,
                    rules: rule_settings(&o.rules, file, &format!("[[override]] #{}", i + 1))?,
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Config {
            file: Some(file.to_path_buf()),
            corpus: raw.check.corpus.map(|p| root.join(p)),
            rules_dir: raw.check.rules.map(|p| root.join(p)),
            fail_on: raw.check.fail_on,
            ignore: if raw.ignore.is_empty() {
                None
            } else {
                Some(globset(&raw.ignore, file)?)
            },
            rules: rule_settings(&raw.rules, file, "[rules]")?,
            overrides,
            suppress,
            root,
        })
    }

    /// Path relative to the config root with `/` separators (what globs match).
    pub fn rel(&self, path: &Path) -> String {
        let abs = absolute(path);
        let rel = abs.strip_prefix(&self.root).unwrap_or(&abs);
        rel.to_string_lossy().replace('\\', "/")
    }

    pub fn is_ignored(&self, path: &Path) -> bool {
        self.ignore
            .as_ref()
            .is_some_and(|g| g.is_match(self.rel(path)))
    }

    /// The effective setting of `finding`'s rule for its file (None = untouched).
    pub fn setting(&self, f: &Finding) -> Option<Setting> {
        let rel = self.rel(Path::new(&f.location.file));
        let mut out = None;
        let matches = |k: &str| rule_matches(k, f);
        for (k, s) in &self.rules {
            if matches(k) {
                out = Some(*s);
            }
        }
        for o in &self.overrides {
            if o.set.is_match(&rel) {
                for (k, s) in &o.rules {
                    if matches(k) {
                        out = Some(*s);
                    }
                }
            }
        }
        out
    }

    /// The `[[suppress]]` entry that covers `f`, if any.
    pub fn suppression(&self, f: &Finding) -> Option<&Suppression> {
        let rel = self.rel(Path::new(&f.location.file));
        self.suppress.iter().find(|s| {
            s.fingerprint.eq_ignore_ascii_case(&f.fingerprint)
                && s.rule.as_deref().is_none_or(|r| rule_matches(r, f))
                && s.path.as_ref().is_none_or(|g| g.is_match(&rel))
        })
    }
}

/// A rule key names the finding's rule by id (`lead-agency-conflict`) or code (`R01`, any case);
/// `all` or `*` names every rule.
pub fn rule_matches(key: &str, f: &Finding) -> bool {
    let k = key.trim();
    k == "*"
        || k.eq_ignore_ascii_case("all")
        || k == f.rule
        || (!f.code.is_empty() && k.eq_ignore_ascii_case(&f.code))
}

/// Absolute, lexically normalised path (no filesystem access, so it works for missing files).
pub fn absolute(p: &Path) -> PathBuf {
    let base = if p.is_absolute() {
        PathBuf::new()
    } else {
        std::env::current_dir().unwrap_or_default()
    };
    let mut out = PathBuf::new();
    for c in base.join(p).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rasoat_model::Location;

    fn finding(file: &str, rule: &str, code: &str) -> Finding {
        Finding {
            rule: rule.into(),
            code: code.into(),
            severity: Severity::Error,
            message: String::new(),
            category: String::new(),
            handling: String::new(),
            legal_basis: String::new(),
            location: Location {
                file: file.into(),
                ..Default::default()
            },
            related: vec![],
            evidence: vec![],
            fingerprint: "abc".into(),
        }
    }

    #[test]
    fn settings_by_glob_and_code() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join(FILE_NAME);
        std::fs::write(
            &f,
            "ignore = [\"archive/**\"]\n[rules]\nR05 = \"off\"\n[[override]]\npaths = [\"legacy/**\"]\nrules = { lead-agency-conflict = \"warning\" }\n[[suppress]]\nfingerprint = \"ABC\"\nreason = \"đã xem\"\n",
        )
        .unwrap();
        let c = Config::load(&f).unwrap();
        let p = |s: &str| dir.path().join(s).to_string_lossy().to_string();
        assert!(c.is_ignored(&dir.path().join("archive/x/a.md")));
        assert!(!c.is_ignored(&dir.path().join("drafts/a.md")));
        assert_eq!(
            c.setting(&finding(&p("a.md"), "stale-citation", "R05")),
            Some(Setting::Off)
        );
        assert_eq!(
            c.setting(&finding(&p("legacy/a.md"), "lead-agency-conflict", "R01")),
            Some(Setting::Severity(Severity::Warning))
        );
        assert_eq!(
            c.setting(&finding(&p("new/a.md"), "lead-agency-conflict", "R01")),
            None
        );
        assert_eq!(
            c.suppression(&finding(&p("a.md"), "x", ""))
                .map(|s| s.reason.as_str()),
            Some("đã xem")
        );
    }

    #[test]
    fn bad_config_names_file_and_reason() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join(FILE_NAME);
        std::fs::write(&f, "[rules]\nR05 = \"loud\"\n").unwrap();
        let e = Config::load(&f).err().unwrap().to_string();
        assert!(e.contains("rasoat.toml") && e.contains("R05"), "{e}");
        std::fs::write(&f, "[[suppress]]\nfingerprint = \"x\"\nreason = \"\"\n").unwrap();
        assert!(
            Config::load(&f)
                .err()
                .unwrap()
                .to_string()
                .contains("reason is required")
        );
        std::fs::write(&f, "colour = 1\n").unwrap();
        let e = Config::load(&f).err().unwrap().to_string();
        assert!(e.contains("unknown field"), "{e}");
    }
}
