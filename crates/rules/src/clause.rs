//! The generic clause matcher: cues over original and folded text, scope, exclusion windows.
use crate::RuleFileError;
use crate::ctx::{Clause, DocCtx, Hit};
use crate::lexicon;
use crate::spec::Spanned;
use crate::spec::{ClauseSpec, RuleSpec, Scope};
use rasoat_model::Severity;
use regex::Regex;
use std::collections::BTreeMap;

pub struct ClauseRx {
    pub spec: ClauseSpec,
    cues: Vec<Regex>,
    folded: Vec<Regex>,
    require: Vec<Regex>,
    exclude_clause: Vec<Regex>,
    exclude_before: Vec<Regex>,
    exclude_after: Vec<Regex>,
    exclude_subject: Vec<Regex>,
    skip_headings: Vec<Regex>,
    strong: Vec<Regex>,
    lookup: Vec<(Regex, String)>,
    heading_subject: Vec<Regex>,
    heading_subject_starts: Vec<Regex>,
}

/// Compile a list of spanned regexes; errors point at the line of the offending string.
pub fn compile_list(
    file: &str,
    text: &str,
    list: &[Spanned<String>],
    lex: &BTreeMap<String, String>,
    folded: bool,
) -> Result<Vec<Regex>, RuleFileError> {
    list.iter()
        .map(|s| compile_one(file, text, s, lex, folded))
        .collect()
}

pub fn compile_one(
    file: &str,
    text: &str,
    s: &Spanned<String>,
    lex: &BTreeMap<String, String>,
    folded: bool,
) -> Result<Regex, RuleFileError> {
    let err = |reason: String| RuleFileError {
        file: file.to_string(),
        line: s.line_in(text),
        reason,
    };
    let src = lexicon::expand(s.get_ref(), lex, folded).map_err(err)?;
    // Folded cues are matched against folded text: fold their literals too, so a reviewer may
    // write "phối hợp" or "phoi hop" alike.
    let src = if folded {
        lexicon::fold_regex(&src)
    } else {
        src
    };
    Regex::new(&src).map_err(|e| {
        err(format!(
            "bad regex: {}",
            e.to_string().lines().last().unwrap_or("").trim()
        ))
    })
}

impl ClauseRx {
    pub fn compile(
        file: &str,
        text: &str,
        rule: &RuleSpec,
        c: &ClauseSpec,
    ) -> Result<ClauseRx, RuleFileError> {
        let mut lex = lexicon::builtin();
        lex.extend(rule.lexicons.clone());
        if c.cues.is_empty() && c.folded_cues.is_empty() {
            return Err(RuleFileError {
                file: file.into(),
                line: 1,
                reason: "clause rule has neither `cues` nor `folded_cues`".into(),
            });
        }
        Ok(ClauseRx {
            cues: compile_list(file, text, &c.cues, &lex, false)?,
            folded: compile_list(file, text, &c.folded_cues, &lex, true)?,
            require: compile_list(file, text, &c.require, &lex, true)?,
            exclude_clause: compile_list(file, text, &c.exclude_clause, &lex, true)?,
            exclude_before: compile_list(file, text, &c.exclude_before, &lex, true)?,
            exclude_after: compile_list(file, text, &c.exclude_after, &lex, true)?,
            exclude_subject: compile_list(file, text, &c.exclude_subject, &lex, true)?,
            skip_headings: compile_list(file, text, &c.skip_headings, &lex, true)?,
            strong: compile_list(file, text, &c.strong_cues, &lex, false)?,
            heading_subject: compile_list(file, text, &c.heading_subject, &lex, true)?,
            heading_subject_starts: compile_list(
                file,
                text,
                &c.heading_subject_starts,
                &lex,
                true,
            )?,
            lookup: c
                .lookup
                .iter()
                .map(|l| {
                    Ok((
                        compile_one(file, text, &l.pattern, &lex, true)?,
                        l.value.clone(),
                    ))
                })
                .collect::<Result<_, RuleFileError>>()?,
            spec: c.clone(),
        })
    }

    /// Does this rule look at this document at all?
    pub fn applies(&self, d: &DocCtx) -> bool {
        if self.spec.administrative_only && (d.normative || d.national) {
            return false;
        }
        if self.spec.ubnd_only && !d.ubnd {
            return false;
        }
        if let (Some(min), Some(dd)) = (self.spec.min_doc_date, d.date) {
            if dd < min {
                return false;
            }
        }
        true
    }

    /// Hits of this rule in one clause: (range in text, severity override, message override, lookup).
    pub fn run(&self, rule: &RuleSpec, c: &Clause) -> Vec<Hit> {
        let text = c.text;
        if text.is_empty() {
            return vec![];
        }
        if !self.skip_headings.is_empty()
            && self.skip_headings.iter().any(|r| r.is_match(&c.headings))
        {
            return vec![];
        }
        if !self.require.is_empty() && !self.require.iter().any(|r| r.is_match(&c.folded)) {
            return vec![];
        }
        if self.exclude_clause.iter().any(|r| r.is_match(&c.folded)) {
            return vec![];
        }
        if self.spec.require_no_subject && has_subject_context(c) {
            return vec![];
        }
        // Candidate ranges in original-text bytes.
        let mut cand: Vec<(usize, usize)> = Vec::new();
        for r in &self.cues {
            for m in r.find_iter(text) {
                if m.end() > m.start() {
                    cand.push((m.start(), m.end()));
                }
            }
        }
        for r in &self.folded {
            for m in r.find_iter(&c.folded) {
                if m.end() > m.start() {
                    cand.push((c.fmap[m.start()] as usize, c.fmap[m.end()] as usize));
                }
            }
        }
        let mut hits = Vec::new();
        // Heading-implied subject ("3. Ủy ban MTTQ Việt Nam tỉnh" then "Chủ trì …").
        if !self.heading_subject.is_empty() && !c.heading {
            let own = c.p.heading.as_deref().map(rasoat_text::fold);
            let subject = [own.as_deref(), c.parent_heading.as_deref()]
                .into_iter()
                .flatten()
                .find(|h| self.heading_subject.iter().any(|r| r.is_match(h.trim())));
            if let Some(subj) = subject {
                if let Some(m) = self
                    .heading_subject_starts
                    .iter()
                    .find_map(|r| r.find(&c.folded))
                {
                    let range = (c.fmap[m.start()] as usize, c.fmap[m.end()] as usize);
                    let heading =
                        c.p.heading
                            .clone()
                            .filter(|_| own.as_deref() == Some(subj))
                            .unwrap_or_else(|| subj.to_string());
                    hits.push(Hit {
                        range,
                        message: self.spec.heading_subject_message.clone(),
                        evidence: vec![("subject".into(), heading)],
                        ..Default::default()
                    });
                }
            }
        }
        cand.sort();
        // Merge overlaps (an original cue and its folded twin hit the same words).
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (s, e) in cand {
            if let Some(last) = merged.last_mut() {
                if s < last.1 {
                    last.1 = last.1.max(e);
                    continue;
                }
            }
            merged.push((s, e));
        }
        for (s, e) in merged {
            let nonop = c.context_at(s);
            let mut severity = None;
            let mut message = None;
            match (self.spec.scope, nonop) {
                // The title of a document this one replaces, repeals or declares expired: the
                // document already does what a reviewer would ask, nothing to note.
                (Scope::Operative, Some(_)) if ends_cited(c, s) => continue,
                (Scope::Operative, Some(_)) => match self.spec.non_operative_severity {
                    Some(sev) => {
                        severity = Some(sev);
                        message = self.spec.non_operative_message.clone();
                    }
                    None => continue,
                },
                (Scope::CanCu, ctx) if ctx != Some(rasoat_extract::Context::CanCu) => continue,
                _ => {}
            }
            if self.spec.require_assignee && nonop.is_none() && !is_assignee(c, s, e) {
                continue;
            }
            if self.spec.require_no_subject && (named_before(c, s) || !named_after(c, e)) {
                continue;
            }
            let fs = c.to_folded(s);
            let fe = c.to_folded(e);
            let before =
                &c.folded[floor(&c.folded, fs.saturating_sub(self.spec.before_window))..fs];
            if self.exclude_before.iter().any(|r| r.is_match(before)) {
                continue;
            }
            let after =
                &c.folded[fe..ceil(&c.folded, (fe + self.spec.after_window).min(c.folded.len()))];
            if self.exclude_after.iter().any(|r| r.is_match(after)) {
                continue;
            }
            let subject = &c.folded[..fs];
            if self.exclude_subject.iter().any(|r| r.is_match(subject)) {
                continue;
            }
            if severity.is_none() {
                let seg = &text[s..e];
                if let Some(sev) = self.spec.strong_severity {
                    if self.strong.iter().any(|r| r.is_match(seg)) {
                        severity = Some(sev);
                    }
                }
            }
            let hit_folded = &c.folded[fs..fe];
            let lookup = self
                .lookup
                .iter()
                .find(|(r, _)| r.is_match(hit_folded))
                .map(|(_, v)| v.clone());
            let _ = rule;
            hits.push(Hit {
                range: (s, e),
                severity,
                message,
                lookup,
                ..Default::default()
            });
        }
        hits
    }
}

/// A heading above the clause names a body (its own tasks follow), or so does the parent's
/// introduction ("Sở Y tế, UBND cấp xã … có trách nhiệm:"), or the clause has an implied subject,
/// or the document itself is a quy chế phối hợp.
fn has_subject_context(c: &Clause) -> bool {
    static BODY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?-u:\b)(so |ubnd|uy ban|ban |cong an|bo chi huy|van phong|thanh tra|chu tich|giam doc|cuc |chi cuc|trung tam|kho bac|ngan hang|thue |hoi |doan |lien hiep|mat tran|phong |co quan|don vi)").expect("body regex")
    });
    if c.sibling_lead || c.facts.is_some_and(|f| !f.implied_subjects.is_empty()) {
        return true;
    }
    if BODY.is_match(&c.headings)
        || [c.parent_heading.as_deref(), c.parent_intro.as_deref()]
            .into_iter()
            .flatten()
            .any(|h| BODY.is_match(h))
    {
        return true;
    }
    // "3. Các sở, ban, ngành có liên quan:": a collective introduces its own tasks.
    if c.parent_intro
        .as_deref()
        .is_some_and(|t| t.trim_start().starts_with("cac "))
    {
        return true;
    }
    c.doc_title
        .as_deref()
        .is_some_and(|t| t.contains("phoi hop"))
}

/// Offset `s` lies in a document this clause replaces, repeals, amends or declares expired:
/// a citation with that role covers it, or the parent introduces a list of such documents
/// ("2. Các Quyết định sau đây hết hiệu lực …:" then "- Quyết định số 36/2023/QĐ-UBND …").
fn ends_cited(c: &Clause, s: usize) -> bool {
    use rasoat_extract::CitationRole as R;
    static ENDS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"het hieu luc|bai bo|thay the|sua doi").expect("ends regex")
    });
    let by_role = c.facts.is_some_and(|f| {
        f.citations.iter().any(|x| {
            matches!(
                x.role,
                R::Replaces | R::Repeals | R::Amends | R::DeclaresExpired
            ) && x.range.start <= s
                && x.title_range.as_ref().map_or(x.range.end, |t| t.end) > s
        })
    });
    by_role || c.parent_intro.as_deref().is_some_and(|t| ENDS.is_match(t))
}

/// A body is named before `s` in the same sentence: it is the actor of the "phối hợp".
fn named_before(c: &Clause, s: usize) -> bool {
    let start = c.text[..s]
        .rfind(['.', ';', ':', '\n'])
        .map(|i| i + 1)
        .unwrap_or(0);
    c.facts.is_some_and(|f| {
        f.agencies
            .iter()
            .any(|m| m.range.start >= start && m.range.start < s)
    })
}

/// A local body is named right after `e` ("phối hợp với Sở Tài chính"): there are coordinators
/// among the province's bodies. Coordinating with a ministry ("phối hợp với Bộ Công an") or with
/// "các cơ quan, đơn vị có liên quan" is how the clause's own actor works, not a second body given
/// the same task (adjudication: a body's own "phối hợp với …" tasks are not tasks without a lead).
fn named_after(c: &Clause, e: usize) -> bool {
    use rasoat_extract::Level;
    c.facts.is_some_and(|f| {
        f.agencies.iter().any(|m| {
            m.range.start >= e
                && m.range.start <= e + 12
                && !m.collective
                && matches!(m.level, Level::Province | Level::Commune | Level::District)
        })
    })
}

/// Is the agency named at `s..e` given a role in this clause? The extraction's assignments
/// name their agency; the mention at the cue must be that agency and stand in operative text.
fn is_assignee(c: &Clause, s: usize, e: usize) -> bool {
    let Some(f) = c.facts else { return false };
    if c.heading {
        // "Điều 5. Trách nhiệm của UBND cấp huyện": a heading names the body its clauses task.
        return true;
    }
    f.agencies
        .iter()
        .filter(|m| m.range.start < e && s < m.range.end)
        .any(|m| {
            f.assignments.iter().any(|a| {
                a.context == rasoat_extract::Context::Operative
                    && !a.implied_subject
                    && (a.agency == m.id || m.parent.as_deref() == Some(a.agency.as_str()))
                    && a.range.start <= m.range.start
                    && m.range.start < a.range.end
            })
        })
}

pub fn floor(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
pub fn ceil(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[allow(dead_code)]
pub fn sev_name(s: Severity) -> &'static str {
    s.as_str()
}
