//! Rule engine and the rule catalog R01–R22.
//!
//! Rules are data: one TOML file per rule in `rules/` (bundled with `include_str!`, or
//! loaded from `--rules DIR`). A rule is either a *clause* rule (cues = regexes over the
//! original and folded text, scopes, exclusion windows) run by the generic matcher, or
//! names a built-in *analysis* (cross-clause / cross-document) with parameters.
//!
//! PUBLIC API CONTRACT (used by `rasoat review` and `rasoat check`): keep these
//! names and signatures.
use rasoat_extract::DocFacts;
use rasoat_model::{Date, Document, Finding, ParseError, RuleInfo, Severity};
use std::path::Path;

mod analyses;
mod clause;
mod ctx;
mod docinfo;
pub mod examples;
pub mod lexicon;
pub mod pipeline;
pub mod spec;

pub use spec::RuleSpec;

/// A rules folder could not be loaded: names the file, line and reason.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct RuleFileError {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

/// A parsed document with its extracted facts.
#[derive(Debug, Clone)]
pub struct Analyzed {
    pub doc: Document,
    pub facts: DocFacts,
}

/// Documents to judge, plus the files that failed to parse (reported as `parse-error` findings).
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub docs: Vec<Analyzed>,
    pub parse_errors: Vec<ParseError>,
}

#[derive(Debug, Clone)]
pub struct ReviewOptions {
    /// Review date R.
    pub as_of: Date,
    /// Drop findings below this severity.
    pub min_severity: Severity,
}

/// One loaded rule: its spec and its compiled matcher.
pub(crate) struct Compiled {
    pub spec: RuleSpec,
    #[allow(dead_code)]
    pub file: String,
    pub matcher: Matcher,
}

pub(crate) enum Matcher {
    Clause(clause::ClauseRx),
    Analysis(analyses::Analysis),
}

/// Loaded rules plus the extractor they run on.
pub struct Engine {
    pub(crate) rules: Vec<Compiled>,
    /// National documents known to be replaced (from the R08 rule file's registry).
    pub(crate) registry: analyses::Registry,
    /// The extractor (gazetteer + registry of rules/data, or `<--rules DIR>/data` when present).
    pub(crate) extractor: Option<rasoat_extract::Extractor>,
}

impl Engine {
    /// Load the rules: the bundled ones, or every `*.toml` in `dir`. With `keep_going`, broken
    /// files are returned as errors and the rest load; without it the first broken file is `Err`.
    pub fn load(
        dir: Option<&Path>,
        keep_going: bool,
    ) -> Result<(Engine, Vec<RuleFileError>), RuleFileError> {
        let files: Vec<(String, String)> = match dir {
            Some(d) => spec::read_dir(d)?,
            None => spec::BUNDLED
                .iter()
                .map(|(n, t)| (format!("rules/{n}"), t.to_string()))
                .collect(),
        };
        let mut rules = Vec::new();
        let mut errors = Vec::new();
        let mut seen = std::collections::BTreeMap::<String, String>::new();
        for (file, text) in &files {
            let r = spec::parse_rule(file, text).and_then(|s| {
                if let Some(prev) = seen.get(&s.id) {
                    return Err(RuleFileError {
                        file: file.clone(),
                        line: 1,
                        reason: format!("duplicate rule id `{}` (also in {prev})", s.id),
                    });
                }
                compile(file, text, s)
            });
            match r {
                Ok(c) => {
                    seen.insert(c.spec.id.clone(), file.clone());
                    rules.push(c)
                }
                Err(e) if keep_going => errors.push(e),
                Err(e) => return Err(e),
            }
        }
        rules.retain(|r| r.spec.enabled);
        rules.sort_by(|a, b| {
            a.spec
                .code
                .cmp(&b.spec.code)
                .then(a.spec.id.cmp(&b.spec.id))
        });
        // Extraction data: `<dir>/data` when the rules folder carries its own, else the bundled one.
        let extractor = match dir.map(|d| d.join("data")).filter(|d| d.is_dir()) {
            Some(d) => rasoat_extract::Extractor::from_dir(&d),
            None => rasoat_extract::Extractor::bundled(),
        };
        let extractor = match extractor {
            Ok(x) => Some(x),
            Err(reason) => {
                let e = RuleFileError {
                    file: "rules/data".into(),
                    line: 0,
                    reason,
                };
                if !keep_going {
                    return Err(e);
                }
                errors.push(e);
                None
            }
        };
        let registry = rules
            .iter()
            .find_map(|r| match &r.matcher {
                Matcher::Analysis(a) => a.registry(),
                _ => None,
            })
            .unwrap_or_default();
        Ok((
            Engine {
                rules,
                registry,
                extractor,
            },
            errors,
        ))
    }

    /// Descriptions of the loaded rules (for SARIF and report legends).
    pub fn rule_infos(&self) -> Vec<RuleInfo> {
        self.rules.iter().map(|r| info(&r.spec)).collect()
    }

    /// The loaded rule specs (for `rasoat rules list/show/test`).
    pub fn specs(&self) -> Vec<&RuleSpec> {
        self.rules.iter().map(|r| &r.spec).collect()
    }

    /// Extract facts for documents (rayon-parallel).
    pub fn analyze(&self, docs: Vec<Document>) -> Vec<Analyzed> {
        ctx::analyze(self.extractor.as_ref(), docs)
    }

    /// Review a whole corpus: every rule, every document, cross-document rules within key groups.
    /// Deterministic order.
    pub fn review(&self, corpus: &Corpus, opts: &ReviewOptions) -> Vec<Finding> {
        let docs: Vec<(&Analyzed, bool)> = corpus.docs.iter().map(|a| (a, false)).collect();
        let mut out = ctx::run(self, &docs, opts, |_| true);
        out.extend(parse_error_findings(&corpus.parse_errors));
        finish(out, opts)
    }

    /// Check drafts against a corpus: only findings located in the drafts are returned; the corpus
    /// side appears in `related`. Drafts are judged as if issued on `opts.as_of`.
    pub fn check(&self, corpus: &Corpus, drafts: &Corpus, opts: &ReviewOptions) -> Vec<Finding> {
        let mut docs: Vec<(&Analyzed, bool)> = corpus.docs.iter().map(|a| (a, false)).collect();
        docs.extend(drafts.docs.iter().map(|a| (a, true)));
        let mut out = ctx::run(self, &docs, opts, |is_draft| is_draft);
        out.extend(parse_error_findings(&drafts.parse_errors));
        finish(out, opts)
    }
}

fn finish(mut out: Vec<Finding>, opts: &ReviewOptions) -> Vec<Finding> {
    out.retain(|f| f.severity >= opts.min_severity);
    out.sort_by(|a, b| {
        (
            &a.location.file,
            a.location.byte_start,
            &a.rule,
            &a.fingerprint,
        )
            .cmp(&(
                &b.location.file,
                b.location.byte_start,
                &b.rule,
                &b.fingerprint,
            ))
    });
    out.dedup_by(|a, b| {
        a.rule == b.rule
            && a.fingerprint == b.fingerprint
            && a.location.file == b.location.file
            && a.location.byte_start == b.location.byte_start
    });
    out
}

/// A file that failed to parse is a finding of its own; the review goes on.
pub fn parse_error_findings(errs: &[ParseError]) -> Vec<Finding> {
    errs.iter()
        .map(|e| Finding {
            rule: "parse-error".into(),
            code: String::new(),
            severity: Severity::Error,
            message: format!("Không đọc được văn bản: {}", e.reason),
            category: String::new(),
            handling: String::new(),
            legal_basis: String::new(),
            location: rasoat_model::Location {
                file: e.path.clone(),
                line: 1,
                end_line: 1,
                column: 1,
                end_column: 1,
                ..Default::default()
            },
            related: vec![],
            evidence: vec![("reason".into(), e.reason.clone())],
            fingerprint: rasoat_model::fingerprint(&["parse-error", &e.path, &e.reason]),
        })
        .collect()
}

pub(crate) fn info(s: &RuleSpec) -> RuleInfo {
    RuleInfo {
        code: s.code.clone(),
        id: s.id.clone(),
        name_vi: s.name_vi.clone(),
        name_en: s.name_en.clone(),
        severity: s.severity,
        category: s.category.clone(),
        handling: s.handling.clone(),
        legal_basis: s.legal_basis.clone(),
        description: s.description.trim().to_string(),
    }
}

fn compile(file: &str, text: &str, spec: RuleSpec) -> Result<Compiled, RuleFileError> {
    let matcher = match &spec.matcher {
        spec::MatcherSpec::Clause(c) => {
            Matcher::Clause(clause::ClauseRx::compile(file, text, &spec, c)?)
        }
        spec::MatcherSpec::Analysis { analysis, params } => Matcher::Analysis(
            analyses::Analysis::compile(file, text, analysis, params, &spec)?,
        ),
    };
    Ok(Compiled {
        spec,
        file: file.to_string(),
        matcher,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_rules_load() {
        let (e, errs) = Engine::load(None, false).expect("bundled rules load");
        assert!(errs.is_empty());
        assert_eq!(e.specs().len(), 22);
        let codes: Vec<_> = e.specs().iter().map(|s| s.code.clone()).collect();
        for i in 1..=22 {
            assert!(codes.contains(&format!("R{i:02}")), "R{i:02} missing");
        }
        for s in e.specs() {
            assert!(
                s.examples.iter().filter(|x| x.fire).count() >= 3,
                "{}: < 3 firing examples",
                s.id
            );
            assert!(
                s.examples.iter().filter(|x| !x.fire).count() >= 3,
                "{}: < 3 quiet examples",
                s.id
            );
        }
    }

    #[test]
    fn bundled_examples_pass() {
        let (e, _) = Engine::load(None, false).unwrap();
        let scores = examples::run_all(&e, None);
        let mut bad = Vec::new();
        for s in &scores {
            eprintln!(
                "{} {:<40} TP {} FP {} TN {} FN {}",
                s.code, s.id, s.tp, s.fp, s.tn, s.fn_
            );
            for m in &s.misses {
                eprintln!("   {m}");
            }
            if !s.ok() {
                bad.push(s.id.clone());
            }
        }
        assert!(bad.is_empty(), "failing rules: {bad:?}");
    }

    /// R08 over the seed plan: a draft citing Kế hoạch 89/KH-UBND gets the seed's replacing
    /// clause ("Kế hoạch này thay thế Kế hoạch số 89/KH-UBND …") as its related location, once.
    #[test]
    fn r08_related_points_at_replacing_clause_in_corpus() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let seed = root.join("corpus/000_2baec7468303b666.txt");
        let (e, _) = Engine::load(None, false).unwrap();
        let corpus = Corpus {
            docs: e.analyze(rasoat_parse::parse_path(&seed).expect("seed parses")),
            parse_errors: vec![],
        };
        let dir = std::env::temp_dir().join(format!("rasoat-r08-related-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let draft = dir.join("draft.txt");
        std::fs::write(
            &draft,
            "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK\nSố: /KH-UBND\n\nKẾ HOẠCH\nTriển khai phân cấp năm 2026\n\n1. Các sở, ngành tiếp tục triển khai Kế hoạch số 89/KH-UBND ngày 09/5/2024 của UBND tỉnh về đẩy mạnh phân cấp.\n",
        )
        .unwrap();
        let drafts = Corpus {
            docs: e.analyze(rasoat_parse::parse_path(&draft).expect("draft parses")),
            parse_errors: vec![],
        };
        let opts = ReviewOptions {
            as_of: Date::constant(2026, 6, 1),
            min_severity: Severity::Info,
        };
        let found = e.check(&corpus, &drafts, &opts);
        let _ = std::fs::remove_dir_all(&dir);
        let f = found
            .iter()
            .find(|f| f.rule == "expired-or-replaced-citation")
            .unwrap_or_else(|| panic!("no R08: {found:#?}"));
        assert_eq!(f.related.len(), 1, "{f:#?}");
        let r = &f.related[0];
        assert!(r.file.ends_with("000_2baec7468303b666.txt"), "{r:#?}");
        let text = std::fs::read_to_string(&seed).unwrap();
        let want = text
            .lines()
            .position(|l| l.contains("thay  thế  Kế  hoạch  số  89/KH-UBND"))
            .unwrap()
            + 1;
        assert_eq!(r.line, want, "{r:#?}");
        assert!(
            r.provision.is_some() && r.document.is_some() && r.label.is_some(),
            "{r:#?}"
        );
        assert!(
            r.snippet
                .as_deref()
                .is_some_and(|s| s.contains("89/KH-UBND")),
            "{r:#?}"
        );
    }

    #[test]
    fn bad_rule_file_names_file_and_line() {
        let dir = std::env::temp_dir().join(format!("rasoat-badrule-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("x.toml"),
            "id = \"x\"\ncode = \"R99\"\nseverity = \"fatal\"\n",
        )
        .unwrap();
        let err = Engine::load(Some(&dir), false).err().expect("error");
        assert!(err.file.ends_with("x.toml"));
        assert_eq!(err.line, 3, "{err}");
        std::fs::write(
            dir.join("x.toml"),
            "id = \"x\"\ncode = \"R99\"\nname_vi = \"a\"\nname_en = \"a\"\nseverity = \"info\"\ncategory = \"c\"\nhandling = \"h\"\nlegal_basis = \"b\"\ndescription = \"d\"\nmessage = \"m\"\n[matcher]\nkind = \"clause\"\ncues = [\n  'ok',\n  '(unclosed',\n]\n",
        )
        .unwrap();
        let err = Engine::load(Some(&dir), false).err().expect("error");
        assert_eq!(err.line, 15, "{err}");
        assert!(err.reason.contains("regex"), "{err}");
        let (e, errs) = Engine::load(Some(&dir), true).unwrap();
        assert_eq!(errs.len(), 1);
        assert_eq!(e.specs().len(), 0);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Every dated citation of a number in the corpus as (registry key, date, "file:line") — the
/// corpus side of `rasoat registry check`.
pub fn dated_citations(corpus: &Corpus) -> Vec<(String, Date, String)> {
    let mut out = Vec::new();
    for a in &corpus.docs {
        let lines: std::collections::HashMap<&str, usize> = a
            .doc
            .flat()
            .iter()
            .map(|p| (p.id.as_str(), p.span.line))
            .collect();
        for pf in &a.facts.provisions {
            for c in &pf.citations {
                let (Some(n), Some(d)) = (&c.number, c.date) else {
                    continue;
                };
                let line = lines.get(pf.provision.as_str()).copied().unwrap_or(0);
                out.push((
                    rasoat_extract::normalize_number(n),
                    d,
                    format!("{}:{line}", a.doc.source.path),
                ));
            }
        }
    }
    out
}

/// The registry the engine's extraction runs on (bundled, or `<--rules DIR>/data/registry.toml`).
impl Engine {
    /// The same rules on other extraction data (`--data DIR`).
    pub fn with_data(mut self, dir: &Path) -> Result<Engine, String> {
        self.extractor = Some(rasoat_extract::Extractor::from_dir(dir)?);
        Ok(self)
    }

    pub fn data_registry(&self) -> Option<&rasoat_extract::Registry> {
        self.extractor.as_ref().map(|x| x.registry())
    }
}
