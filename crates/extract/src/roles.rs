//! Roles and assignments, delegation acts and reporting duties of one clause.

use crate::facts::{
    AgencyMention, Assignment, Context, Deadline, Delegation, DelegationAct, DelegationMode,
    ReportDuty, Role,
};
use crate::norm::{NormText, slice, task_key};
use regex::Regex;
use std::sync::LazyLock;

/// A mention with its range in the normalised text.
#[derive(Debug, Clone)]
pub(crate) struct NMention<'a> {
    pub a: usize,
    pub b: usize,
    pub m: &'a AgencyMention,
}

/// The implied subject of a clause (from a heading such as "1. Sở Tư pháp" or "3. Đề nghị Ủy ban MTTQ …").
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Implied {
    pub mentions: Vec<AgencyMention>,
    pub de_nghi: bool,
}

pub(crate) struct ClauseInput<'a> {
    pub text: &'a str,
    pub n: &'a NormText,
    pub mentions: Vec<NMention<'a>>,
    /// Non-operative ranges (normalised) with their context.
    pub non_op: &'a [(usize, usize, Context)],
    pub implied: Option<&'a Implied>,
    pub deadlines: &'a [(usize, usize, Deadline)],
    pub doc_issuer: Option<&'a str>,
}

#[derive(Default)]
pub(crate) struct ClauseOut {
    pub assignments: Vec<Assignment>,
    pub delegations: Vec<Delegation>,
    pub reports: Vec<ReportDuty>,
}

const CUES: &[(&str, Role)] = &[
    ("chu tri", Role::ChuTri),
    ("phoi hop", Role::PhoiHop),
    ("tham muu", Role::ThamMuu),
    ("chiu trach nhiem", Role::ChiuTrachNhiem),
    ("theo doi", Role::TheoDoi),
    ("don doc", Role::TheoDoi),
    ("tong hop,bao cao", Role::BaoCao),
    ("tong hop", Role::TheoDoi),
    ("tham dinh", Role::ThamDinh),
    ("thanh tra", Role::KiemTra),
    ("kiem tra", Role::KiemTra),
    ("giam sat", Role::KiemTra),
    ("quyet dinh", Role::QuyetDinh),
    ("phe duyet", Role::QuyetDinh),
    ("cap giay", Role::QuyetDinh),
    ("cap phep", Role::QuyetDinh),
    ("chap thuan", Role::QuyetDinh),
    ("cong nhan", Role::QuyetDinh),
    ("thu hoi", Role::QuyetDinh),
    ("xu phat", Role::QuyetDinh),
    ("bao cao", Role::BaoCao),
    ("to chuc thuc hien", Role::ThucHien),
    ("to chuc trien khai", Role::ThucHien),
    ("thuc hien", Role::ThucHien),
    ("trien khai", Role::ThucHien),
];

/// Adverbs that may precede the role word.
const ADVERBS: &[&str] = &[
    "thuong xuyen ",
    "tiep tuc ",
    "kip thoi ",
    "chu dong ",
    "khan truong ",
    "co trach nhiem ",
    "la co quan ",
    "dinh ky ",
];

static CRITERION_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(duoi \d|tren \d|tu \d[^;.]*? tro len|cap (i|ii|iii|iv|dac biet)(?-u:\b)|nhom [abc](?-u:\b)|do cap xa quan ly|tren dia ban (01|mot) xa|tru truong hop|doi voi |theo chuc nang,nhiem vu|trong pham vi|thuoc tham quyen|theo tham quyen|theo phan cap)").expect("criterion regex")
});
static PURPOSE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r" (de|nham|bao dam|dam bao|kip thoi phat hien|trong do|phu hop voi|theo quy dinh)(?-u:\b)",
    )
    .expect("purpose regex")
});
static NO_TASK_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\(|(?:ke hoach|quyet dinh|nghi quyet|chi thi|de an|chuong trinh|quy che|quy dinh|van ban|thong tu|nghi dinh|luat) nay(?-u:\b)|tren day(?-u:\b)|noi nhan(?-u:\b))").expect("no-task regex")
});
static ISSUES_DOC_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^ban hanh (ke hoach|quyet dinh|nghi quyet|chi thi|de an|chuong trinh|luat|bo luat|phap lenh|nghi dinh|thong tu)(?-u:\b)").expect("issues regex")
});
static DESCRIPTOR_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(noi |co tru so|truong hop|ma |duoc giao|duoc phan cong|quan ly truc tiep|cung cap)",
    )
    .expect("descriptor regex")
});
static DUTY_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)(co trach nhiem|co nhiem vu|chiu trach nhiem|chu tri|phoi hop|tham muu)(?-u:\b)",
    )
    .expect("duty regex")
});
static MODE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(phan quyen|phan cap|uy quyen)(?-u:\b)").expect("mode regex")
});
static NEG_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(khong duoc|nghiem cam|khong|cam)( tiep tuc)? $").expect("neg regex")
});
static PROPOSE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(de xuat|nghien cuu|tham muu|du thao|de nghi|kien nghi|xay dung phuong an)(?-u:\b)").expect("propose regex")
});
static RECEIVED_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)duoc [^;.]*?(uy quyen|phan cap) tai (quyet dinh|van ban|nghi quyet|ke hoach)",
    )
    .expect("received regex")
});
static TERM_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(thoi han(?: uy quyen| phan cap)?(?: la| ke tu| den|:)[^;.]*|den het ngay [^;.]*|den ngay \d[^;.]*|ke tu ngay [^;.]*? den [^;.]*|trong (?:khoang )?thoi gian \d[^;.]*|trong (?:khoang )?thoi gian (?:tu|ke tu)[^;.]*)").expect("term regex")
});

/// Clauses split at `;` and sentence ends; the flag says the segment ends a sentence.
fn segments(s: &str) -> Vec<(usize, usize, bool)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut depth = 0i32;
    for i in 0..b.len() {
        match b[i] {
            b'(' => depth += 1,
            b')' => depth = (depth - 1).max(0),
            b';' if depth == 0 => {
                out.push((start, i, false));
                start = i + 1;
            }
            b'.' if depth == 0
                && (i + 1 == b.len() || b[i + 1] == b' ')
                && !(i > 0 && b[i - 1].is_ascii_digit()) =>
            {
                out.push((start, i, true));
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < b.len() {
        out.push((start, b.len(), true));
    }
    out.into_iter()
        .map(|(a, e, end)| {
            let mut a = a;
            while a < e && matches!(b[a], b' ' | b'-' | b'+' | b'*' | b':') {
                a += 1;
            }
            (a, e, end)
        })
        .filter(|(a, e, _)| a < e)
        .collect()
}

fn non_op_at(non_op: &[(usize, usize, Context)], p: usize) -> Option<Context> {
    non_op
        .iter()
        .find(|&&(a, b, _)| a <= p && p < b)
        .map(|x| x.2)
}

/// Skip separators between listed agencies: spaces, `,`, `;`, "và", "các".
fn skip_seps(s: &str, mut p: usize, end: usize) -> usize {
    loop {
        let r = &s[p..end];
        let t = r.trim_start_matches([' ', ',', ';', '-']);
        let t = t
            .strip_prefix("va ")
            .or_else(|| t.strip_prefix("cac "))
            .or_else(|| t.strip_prefix("cung "))
            .unwrap_or(t);
        let np = end - t.len();
        if np == p {
            return p;
        }
        p = np;
    }
}

/// Consecutive mentions starting at `p`; returns them and the position after the list.
fn mention_list<'a, 'b>(
    s: &str,
    ms: &'b [NMention<'a>],
    p: usize,
    end: usize,
) -> (Vec<&'b NMention<'a>>, usize) {
    let mut out = Vec::new();
    let mut q = skip_seps(s, p, end);
    let mut last = p;
    while let Some(m) = ms.iter().find(|m| {
        m.b <= end
            && m.b > q
            && (m.a == q || m.a < q && q - m.a <= 5 && s[m.a..q].trim_end() == "cac")
    }) {
        out.push(m);
        last = m.b;
        q = skip_seps(s, m.b, end);
    }
    let end = if out.is_empty() { p } else { last };
    (out, end)
}

fn strip_adverbs(s: &str, mut p: usize, end: usize) -> usize {
    loop {
        let r = &s[p..end];
        let t = r.trim_start_matches([' ', ',', ':']);
        let mut np = end - t.len();
        for a in ADVERBS {
            if s[np..end].starts_with(a) {
                np += a.len();
            }
        }
        if np == p {
            return p;
        }
        p = np;
    }
}

fn cue_at(s: &str) -> Option<(&'static str, Role)> {
    CUES.iter()
        .find(|(c, _)| {
            s.starts_with(c) && !s[c.len()..].starts_with(|ch: char| ch.is_ascii_alphanumeric())
        })
        .map(|&(c, r)| (c, r))
}

/// Task text and key for `a..b` minus agency mentions and deadlines, cut at purpose clauses.
fn task_of(inp: &ClauseInput, a: usize, b: usize) -> (String, String, usize) {
    let s = inp.n.s.as_str();
    let mut end = b;
    for m in PURPOSE_RE.find_iter(&s[a..b]) {
        // "đề xuất", "đề nghị", "đề án" fold like the purpose word "để".
        let after = &s[a + m.end()..b];
        if m.as_str() == " de"
            && (after.starts_with(" xuat")
                || after.starts_with(" nghi")
                || after.starts_with(" an ")
                || after.starts_with(" ra "))
        {
            continue;
        }
        // keep at least a few words
        if m.start() > 8 {
            end = a + m.start();
            break;
        }
    }
    let mut folded = String::new();
    let mut p = a;
    // Agency names leave the key; so does "(qua <agency>)".
    let mut cuts: Vec<(usize, usize)> = inp
        .mentions
        .iter()
        .filter(|m| m.a >= a && m.b <= end)
        .map(|m| {
            (
                if s[..m.a].ends_with("(qua ") && m.a >= a + 5 {
                    m.a - 5
                } else {
                    m.a
                },
                m.b,
            )
        })
        .collect();
    cuts.extend(
        inp.deadlines
            .iter()
            .filter(|d| d.0 >= a && d.1 <= end)
            .map(|d| (d.0, d.1)),
    );
    cuts.extend(
        inp.non_op
            .iter()
            .filter(|d| d.0 < end && d.1 > a)
            .map(|d| (d.0.max(a), d.1.min(end))),
    );
    cuts.sort();
    for (x, y) in cuts {
        if x > p {
            folded.push_str(&s[p..x]);
            folded.push(' ');
        }
        p = p.max(y);
    }
    if p < end {
        folded.push_str(&s[p..end]);
    }
    let text = rasoat_text::collapse_spaces(slice(inp.text, inp.n.range(a, end)));
    (text, task_key(&folded), end)
}

fn assignment(
    m: &AgencyMention,
    role: Role,
    task: &(String, String, usize),
    implied: bool,
    crit: bool,
    ctx: Context,
    range: crate::facts::TextRange,
) -> Assignment {
    Assignment {
        agency: m.id.clone(),
        agency_name: m.name.clone(),
        level: m.level,
        collective: m.collective,
        role,
        task_key: task.1.clone(),
        task_text: task.0.clone(),
        implied_subject: implied,
        has_criterion: crit,
        context: if ctx == Context::Operative && m.context == Context::Historic {
            Context::Historic
        } else {
            ctx
        },
        range,
    }
}

pub(crate) fn analyze_clause(inp: &ClauseInput) -> ClauseOut {
    let s = inp.n.s.as_str();
    let mut out = ClauseOut::default();
    let mut chain: Option<(Vec<AgencyMention>, bool, Role, bool)> = None; // subjects, implied, role, de_nghi
    let mut pending: Vec<AgencyMention> = Vec::new();
    let mut pending_start: Option<usize> = None;
    let segs = segments(s);
    let mut prev_tail_mention = false;
    let mut prev_sentence_end = true;
    for &(sa0, sb, sentence_end) in &segs {
        if prev_sentence_end {
            chain = None;
        }
        let continues_list = std::mem::replace(
            &mut prev_tail_mention,
            inp.mentions.iter().any(|m| m.b == sb || m.b + 1 == sb),
        );
        prev_sentence_end = sentence_end;
        // "Căn cứ Kế hoạch này, xây dựng …": the operative part starts after the căn cứ phrase.
        let mut sa = sa0;
        if let Some(&(_, e, _)) = inp
            .non_op
            .iter()
            .find(|&&(a, e, c)| c == Context::CanCu && a <= sa && e < sb)
        {
            sa = (e + 1).min(sb);
            while sa < sb && matches!(s.as_bytes()[sa], b' ' | b',') {
                sa += 1;
            }
        }
        // Schedule fields are not tasks.
        if [
            "thoi gian thuc hien",
            "thoi han thuc hien",
            "thoi han hoan thanh",
            "tien do",
            "kinh phi thuc hien",
        ]
        .iter()
        .any(|f| s[sa..sb].starts_with(f))
        {
            continue;
        }
        let ctx = non_op_at(inp.non_op, sa).unwrap_or(Context::Operative);
        let mut p = sa;
        let mut de_nghi = false;
        let mut giao = false;
        for (w, flag) in [
            ("de nghi ", 0),
            ("kinh de nghi ", 0),
            ("giao ", 1),
            ("dong thoi,", 2),
            ("dong thoi ", 2),
        ] {
            if s[p..sb].starts_with(w) {
                p += w.len();
                match flag {
                    0 => de_nghi = true,
                    1 => giao = true,
                    _ => {}
                }
            }
        }
        // A list broken by ";" ("giữa UBND tỉnh, …; UBND các xã, phường đảm bảo …") is not a subject.
        let (list, after) = if continues_list && !de_nghi && !giao && pending.is_empty() {
            (Vec::new(), p)
        } else {
            mention_list(s, &inp.mentions, p, sb)
        };
        let mut subjects: Vec<AgencyMention> = list.iter().map(|m| m.m.clone()).collect();
        let mut q = after;
        // "UBND tỉnh giao Sở Tư pháp chủ trì …": the one given the task is the subject.
        if !subjects.is_empty() {
            let r = skip_seps(s, q, sb);
            if s[r..sb].starts_with("giao ") {
                let (l2, a2) = mention_list(s, &inp.mentions, r + 5, sb);
                if !l2.is_empty() {
                    subjects = l2.iter().map(|m| m.m.clone()).collect();
                    q = a2;
                    giao = true;
                }
            }
        }
        let mut rest_start = strip_adverbs(s, q, sb);
        // "UBND cấp xã nơi người đó cư trú có trách nhiệm …": skip the descriptive clause to the duty;
        // without a duty word it only names a body ("Sở Tư pháp nơi Tòa án … có trụ sở").
        if !subjects.is_empty() && DESCRIPTOR_RE.is_match(&s[rest_start..sb]) {
            match DUTY_RE.find(&s[rest_start..sb]) {
                Some(m) => rest_start = strip_adverbs(s, rest_start + m.start(), sb),
                None => continue,
            }
        }
        // "UBND tỉnh ban hành Kế hoạch …" states the issuer; it is not a task.
        if !subjects.is_empty() && ISSUES_DOC_RE.is_match(&s[rest_start..sb]) {
            continue;
        }
        if !subjects.is_empty() && s[rest_start..sb].trim().is_empty() {
            // A list of subjects on its own ("Các sở, ban, ngành;") carries over to the next segment.
            pending.extend(subjects);
            pending_start.get_or_insert(sa);
            continue;
        }
        let mut implied = false;
        let explicit = !subjects.is_empty() || !pending.is_empty();
        if !pending.is_empty() {
            let mut all = std::mem::take(&mut pending);
            all.extend(subjects);
            subjects = all;
        }
        let mut inherited_role = None;
        // "Kế hoạch này thay thế …", "Trên đây là …", "(Các nhiệm vụ … có Phụ lục kèm theo)": no one is tasked.
        let not_a_task = NO_TASK_RE.is_match(&s[sa..sb]);
        if subjects.is_empty() && !not_a_task {
            if let Some((subj, imp, role, dn)) = &chain {
                subjects = subj.clone();
                implied = *imp;
                inherited_role = Some(*role);
                de_nghi |= *dn;
            } else if let Some(im) = inp.implied {
                subjects = im.mentions.clone();
                implied = true;
                de_nghi |= im.de_nghi;
            }
        }
        let crit = CRITERION_RE.is_match(&s[sa..sb]);
        let seg_range = inp.n.range(pending_start.take().unwrap_or(sa), sb);
        // Role: the cue at the start of what follows the subject.
        let mut role;
        let mut task_start = rest_start;
        let mut partners: Vec<AgencyMention> = Vec::new();
        match cue_at(&s[rest_start..sb]) {
            Some((cue, r)) => {
                role = r;
                task_start = rest_start + cue.len();
                if r == Role::ChuTri {
                    let t = s[task_start..sb].trim_start_matches([',', ' ']);
                    let tpos = sb - t.len();
                    if let Some(rest) = t.strip_prefix("phoi hop voi ") {
                        let (pl, pend) = mention_list(s, &inp.mentions, sb - rest.len(), sb);
                        partners = pl.iter().map(|m| m.m.clone()).collect();
                        task_start = pend;
                    } else if t.starts_with("phoi hop ") {
                        task_start = tpos + "phoi hop".len();
                    } else {
                        task_start = tpos;
                    }
                } else if r == Role::PhoiHop {
                    let t = s[task_start..sb].trim_start_matches([',', ' ']);
                    if let Some(rest) = t.strip_prefix("voi ") {
                        let (_, pend) = mention_list(s, &inp.mentions, sb - rest.len(), sb);
                        task_start = pend;
                    }
                }
                // Action cues (thẩm định, kiểm tra, thực hiện …) are part of the task itself.
                if matches!(
                    r,
                    Role::ThamDinh
                        | Role::KiemTra
                        | Role::QuyetDinh
                        | Role::ThucHien
                        | Role::TheoDoi
                        | Role::BaoCao
                ) {
                    task_start = rest_start;
                }
                if let (Some(ir), true) = (
                    inherited_role,
                    !matches!(
                        r,
                        Role::ChuTri | Role::PhoiHop | Role::ThamMuu | Role::ChiuTrachNhiem
                    ),
                ) {
                    // "…chủ trì, phối hợp … thanh tra …; thanh tra, kiểm tra …": the lead carries over.
                    if ir == Role::ChuTri {
                        role = ir;
                    }
                }
            }
            None => {
                role = inherited_role
                    .filter(|r| *r == Role::ChuTri)
                    .unwrap_or(Role::ThucHien);
            }
        }
        if de_nghi {
            role = Role::DeNghi;
        }
        let _ = giao;
        if subjects.is_empty() || ctx != Context::Operative && ctx != Context::Historic {
            reports_and_delegations(inp, sa, sb, &subjects, ctx, &mut out);
            continue;
        }
        let task = task_of(inp, task_start.min(sb), sb);
        if task.1.is_empty() && partners.is_empty() {
            reports_and_delegations(inp, sa, sb, &subjects, ctx, &mut out);
            continue;
        }
        for m in &subjects {
            let a = assignment(m, role, &task, implied && !explicit, crit, ctx, seg_range);
            if !out
                .assignments
                .iter()
                .any(|x| x.agency == a.agency && x.role == a.role && x.task_key == a.task_key)
            {
                out.assignments.push(a);
            }
        }
        for m in &partners {
            out.assignments.push(assignment(
                m,
                Role::PhoiHop,
                &task,
                false,
                crit,
                ctx,
                seg_range,
            ));
        }
        chain = Some((subjects.clone(), implied && !explicit, role, de_nghi));
        reports_and_delegations(inp, sa, sb, &subjects, ctx, &mut out);
    }
    out
}

fn reports_and_delegations(
    inp: &ClauseInput,
    sa: usize,
    sb: usize,
    subjects: &[AgencyMention],
    ctx: Context,
    out: &mut ClauseOut,
) {
    reports(inp, sa, sb, subjects, ctx, out);
    delegations(inp, sa, sb, subjects, ctx, out);
}

static REPORT_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(bao cao|gui bao cao|gui ket qua|gui ve|gui)(?-u:\b) ?(?:ve )?")
        .expect("report regex")
});

fn reports(
    inp: &ClauseInput,
    sa: usize,
    sb: usize,
    subjects: &[AgencyMention],
    ctx: Context,
    out: &mut ClauseOut,
) {
    let s = inp.n.s.as_str();
    for m in REPORT_RE.find_iter(&s[sa..sb]) {
        let at = sa + m.end();
        // Recipient: right after the cue, or later after "về"/"gửi"/"báo cáo" ("gửi báo cáo kết quả … về Sở Nội vụ").
        let rec = inp.mentions.iter().find(|x| x.a == at).or_else(|| {
            inp.mentions.iter().find(|x| {
                x.a > at
                    && x.a < sb
                    && (s[..x.a].ends_with(" ve ")
                        || s[..x.a].ends_with(" gui ")
                        || s[..x.a].ends_with("bao cao "))
            })
        });
        let Some(rec) = rec else { continue };
        let what = if rec.a > at {
            task_key(&s[at..rec.a])
        } else {
            String::new()
        };
        let mut p = rec.b;
        let mut via = None;
        let tail = &s[p..sb];
        if let Some(t) = tail
            .strip_prefix(" (qua ")
            .or_else(|| tail.strip_prefix("(qua "))
        {
            let vpos = sb - t.len();
            if let Some(v) = inp.mentions.iter().find(|x| x.a == vpos) {
                via = Some(v.m.id.clone());
                p = s[v.b..sb].find(')').map(|k| v.b + k + 1).unwrap_or(v.b);
            }
        }
        // Senders: the clause subject, or the agencies right before the cue ("các cơ quan … kịp thời báo cáo").
        let mut senders: Vec<String> = {
            let cue = sa + m.start();
            let mut back: Vec<&NMention> = inp
                .mentions
                .iter()
                .filter(|x| x.b <= cue && cue - x.b <= 24 && x.a >= sa)
                .collect();
            back.retain(|x| {
                let between = s[x.b..cue].trim();
                between.is_empty()
                    || ADVERBS.iter().any(|a| between == a.trim())
                    || between.starts_with(',')
            });
            back.iter().map(|x| x.m.id.clone()).collect()
        };
        if senders.is_empty() {
            senders = subjects.iter().map(|x| x.id.clone()).collect();
        }
        let deadline = inp
            .deadlines
            .iter()
            .find(|d| d.0 >= sa && d.0 < sb)
            .map(|d| d.2.clone());
        let seg = &s[sa..sb];
        let period = if let Some(d) = &deadline {
            d.value
                .rsplit_once('/')
                .map(|x| x.1.to_string())
                .filter(|x| !x.contains(|c: char| c.is_ascii_digit()))
                .or_else(|| d.value.strip_prefix("freq:").map(|x| x.to_string()))
        } else {
            None
        }
        .or_else(|| {
            if seg.contains("6 thang") || seg.contains("sau thang") {
                Some("6m".into())
            } else if seg.contains("hang quy") || seg.contains("bao cao quy") {
                Some("quarterly".into())
            } else if seg.contains("hang nam") || seg.contains("bao cao nam") {
                Some("yearly".into())
            } else if seg.contains("hang thang") {
                Some("monthly".into())
            } else {
                None
            }
        })
        .unwrap_or_default();
        // What is reported: the words after recipient/via, up to the deadline or a purpose clause.
        let dl_start = inp
            .deadlines
            .iter()
            .find(|d| d.0 >= p && d.0 < sb)
            .map(|d| d.0)
            .unwrap_or(sb);
        let (_, mut key, _) = task_of(inp, p.min(dl_start), dl_start);
        if !what.is_empty() {
            key = what;
        }
        if key.is_empty() {
            key = task_key(&s[sa..sa + m.start()]);
        }
        out.reports.push(ReportDuty {
            senders,
            recipient: Some(rec.m.id.clone()),
            via,
            subject_key: key,
            period,
            deadline,
            context: ctx,
            range: inp.n.range(sa + m.start(), sb),
        });
    }
}

fn delegations(
    inp: &ClauseInput,
    sa: usize,
    sb: usize,
    subjects: &[AgencyMention],
    ctx: Context,
    out: &mut ClauseOut,
) {
    let s = inp.n.s.as_str();
    let seg = &s[sa..sb];
    // Group "phân cấp, phân quyền, ủy quyền" listed together.
    let mut groups: Vec<(usize, usize, Vec<DelegationMode>)> = Vec::new();
    for m in MODE_RE.find_iter(seg) {
        let (a, b) = (sa + m.start(), sa + m.end());
        let mode = match m.as_str() {
            "phan quyen" => DelegationMode::PhanQuyen,
            "phan cap" => DelegationMode::PhanCap,
            _ => DelegationMode::UyQuyen,
        };
        if let Some(g) = groups.last_mut() {
            let between = &s[g.1..a];
            if matches!(between, "," | ", " | " va " | ",va " | " hoac ") {
                g.1 = b;
                if !g.2.contains(&mode) {
                    g.2.push(mode);
                }
                continue;
            }
        }
        groups.push((a, b, vec![mode]));
    }
    let received = RECEIVED_RE
        .find(seg)
        .map(|m| (sa + m.start(), sa + m.end()));
    // The term may sit in a later clause of the same sentence ("…; thời hạn ủy quyền đến hết ngày …").
    let sent_end = s[sa..].find(". ").map(|p| sa + p).unwrap_or(s.len());
    let term = TERM_RE.find(&s[sa..sent_end]).map(|m| {
        rasoat_text::collapse_spaces(slice(inp.text, inp.n.range(sa + m.start(), sa + m.end())))
    });
    for (a, b, modes) in groups {
        let gctx = non_op_at(inp.non_op, a).unwrap_or(ctx);
        let before_all = &s[sa..a];
        let before: String = {
            let toks: Vec<&str> = before_all.split(' ').collect();
            toks[toks.len().saturating_sub(6)..].join(" ")
        };
        let after = &s[b..sb];
        // Inside a received-delegation phrase ("đã được … ủy quyền tại Quyết định số …"): a mention.
        let in_received = received.is_some_and(|(x, y)| x <= a && b <= y);
        let again = after.starts_with(" lai")
            || after.starts_with(" tiep")
            || before_all.ends_with("tiep tuc ");
        let negated = NEG_RE.is_match(before_all) || before_all.ends_with("khong duoc tiep tuc ");
        // Grantee: "… cho <AG>".
        let mut grantee = None;
        let mut grantee_head = None;
        let mut grantee_text = None;
        let mut scope_start = b;
        let after_cho = after
            .strip_prefix(" lai")
            .unwrap_or(after)
            .strip_prefix(" tiep")
            .unwrap_or(after);
        let after_cho = after_cho.strip_prefix(" cho ");
        if let Some(t) = after_cho {
            let pos = sb - t.len();
            // Allow an office title before the body ("cho Giám đốc Sở …").
            if let Some(m) = inp
                .mentions
                .iter()
                .find(|x| x.a >= pos && x.a <= pos + 24 && (x.a == pos || x.m.head.is_some()))
            {
                grantee = Some(m.m.id.clone());
                grantee_head = m.m.head.clone();
                scope_start = m.b;
            } else {
                let mut end = t
                    .find([',', ';', '.'])
                    .map(|k| pos + k)
                    .unwrap_or(sb)
                    .min(pos + 80);
                // The grantee's name ends where the delegated act begins.
                for v in [
                    " ky ",
                    " thuc hien",
                    " giai quyet",
                    " quyet dinh",
                    " cap giay",
                    " phe duyet",
                    " tiep nhan",
                ] {
                    if let Some(k) = s[pos..end].find(v) {
                        end = pos + k;
                    }
                }
                grantee_text = Some(slice(inp.text, inp.n.range(pos, end)).trim().to_string());
                scope_start = end;
            }
        }
        // Passive: "<AG> được (<AG>) phân cấp".
        let mut passive_grantor = None;
        if grantee.is_none() && !in_received {
            if let Some(pre) = before_all
                .strip_suffix("duoc ")
                .or_else(|| before_all.strip_suffix("da duoc "))
            {
                let pe = sa + pre.trim_end().len();
                if let Some(m) = inp.mentions.iter().find(|x| x.b == pe || x.b + 1 == pe) {
                    grantee = Some(m.m.id.clone());
                    grantee_head = m.m.head.clone();
                }
            } else if let Some(m) = inp.mentions.iter().find(|x| x.b + 1 == a) {
                let pre = &s[sa..m.a];
                if pre.ends_with("duoc ") {
                    passive_grantor = Some(m);
                    let pre2 = pre.strip_suffix("duoc ").unwrap_or(pre);
                    let pe = sa + pre2.trim_end().len();
                    if let Some(g) = inp.mentions.iter().find(|x| x.b == pe || x.b + 1 == pe) {
                        grantee = Some(g.m.id.clone());
                        grantee_head = g.m.head.clone();
                    }
                }
            }
        }
        let starts_clause = before_all.trim().is_empty() || before_all.trim_end().ends_with(':');
        let described = before_all.ends_with("da duoc ") || before_all.ends_with("da ");
        let act = if in_received || described {
            DelegationAct::Mention
        } else if negated {
            DelegationAct::Prohibition
        } else if again {
            DelegationAct::Redelegation
        } else if PROPOSE_RE.is_match(&before) {
            DelegationAct::Proposal
        } else if grantee.is_some()
            || grantee_text.is_some()
            || starts_clause && after_cho.is_some()
        {
            if received.is_some() {
                DelegationAct::Redelegation
            } else {
                DelegationAct::Grant
            }
        } else {
            DelegationAct::Mention
        };
        // Grantor: the agency written just before the mode word, the subject of a grant, else the issuer.
        let direct = inp.mentions.iter().find(|x| x.b + 1 == a || x.b == a);
        let (grantor, grantor_head) = if let Some(m) = passive_grantor {
            (Some(m.m.id.clone()), m.m.head.clone())
        } else if let Some(m) =
            direct.filter(|m| grantee.as_deref() != Some(m.m.id.as_str()) || after_cho.is_some())
        {
            (Some(m.m.id.clone()), m.m.head.clone())
        } else if matches!(
            act,
            DelegationAct::Grant | DelegationAct::Redelegation | DelegationAct::Prohibition
        ) && !subjects.is_empty()
        {
            (Some(subjects[0].id.clone()), subjects[0].head.clone())
        } else {
            (inp.doc_issuer.map(str::to_string), None)
        };
        let scope_end = TERM_RE
            .find(&s[scope_start.min(sb)..sb])
            .map(|m| scope_start + m.start())
            .unwrap_or(sb);
        let (scope_text, scope_key, _) = if scope_start < scope_end && act != DelegationAct::Mention
        {
            task_of(inp, scope_start, scope_end)
        } else {
            (String::new(), String::new(), 0)
        };
        let (grantor, grantor_head) = if act == DelegationAct::Mention && passive_grantor.is_none()
        {
            (None, None)
        } else {
            (grantor, grantor_head)
        };
        for mode in modes {
            out.delegations.push(Delegation {
                mode,
                act,
                grantor: grantor.clone(),
                grantee: grantee.clone(),
                scope_key: scope_key.clone(),
                scope: if scope_text.is_empty() {
                    None
                } else {
                    Some(scope_text.clone())
                },
                term: if act == DelegationAct::Mention {
                    None
                } else {
                    term.clone()
                },
                context: gctx,
                range: inp.n.range(a, b),
                grantee_text: grantee_text.clone(),
                grantor_head: grantor_head.clone(),
                grantee_head: grantee_head.clone(),
            });
        }
    }
}
