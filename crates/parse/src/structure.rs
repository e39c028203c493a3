//! Lines → provision tree: markers open units on a stack by rank, the rest of each
//! line and the lines that follow become the unit's heading and text; ids, citation
//! labels, spans and source maps are computed at the end.

use crate::header::{self, Header};
use crate::lines::{Allow, Brk, Line, reflow};
use crate::markers::{self, Marker, Mk};
use rasoat_model::{Block, BlockKind, Provision, ProvisionKind, SourceMap, Span};
use rasoat_text::LineIndex;
use std::collections::HashSet;

/// The original text spans are computed against (the file itself, or for .docx its
/// paragraph text), with its line index.
pub(crate) struct SrcText<'a> {
    pub text: &'a str,
    pub idx: LineIndex,
}

impl<'a> SrcText<'a> {
    pub fn new(text: &'a str) -> Self {
        SrcText {
            text,
            idx: LineIndex::new(text),
        }
    }

    /// Span of original bytes `start..end` (end exclusive; end_line/end_col inclusive).
    pub fn span(&self, start: usize, end: usize) -> Span {
        let n = self.text.len();
        let start = floor(self.text, start.min(n));
        let end = end.clamp(start, n);
        let (line, col) = self.idx.line_col(self.text, start);
        let last = if end > start {
            floor(self.text, end - 1)
        } else {
            start
        };
        let (end_line, end_col) = self.idx.line_col(self.text, last);
        Span {
            start,
            end,
            line,
            col,
            end_line,
            end_col,
        }
    }
}

fn floor(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Data-set article ids, indexed by `Line::article`.
#[derive(Default)]
pub(crate) struct Articles {
    pub law_id: Option<String>,
    pub ids: Vec<String>,
}

pub(crate) struct Parsed {
    pub header: Header,
    pub provisions: Vec<Provision>,
    pub blocks: Vec<Block>,
    pub warnings: Vec<String>,
}

struct Node {
    mk: Mk,
    number: String,
    parent: Option<usize>,
    children: Vec<usize>,
    /// Line of the marker and offset where its content starts.
    line: usize,
    /// (line, start offset) of every piece of own content, the marker line's rest first.
    parts: Vec<(usize, usize)>,
    article: Option<usize>,
    /// Appendix that is an attached document after a signature, not a `Phụ lục` heading.
    attachment: bool,
}

/// After a signature, the title of an attached document: a type line (`QUY ĐỊNH`), a title in
/// capitals opening with a type word (`NỘI QUY MẪU ÁP DỤNG CHO CÁC CHỢ …`, `ĐIỀU LỆ …`), or any
/// title in capitals followed within a few lines by "(Kèm theo …" / "(Ban hành kèm theo …".
fn attached_title(lines: &[Line], i: usize) -> bool {
    let t = lines[i].trimmed();
    if header::type_line(t).is_some() {
        return true;
    }
    // "PHÓ CHỦ TỊCH" is the signature's, not a title.
    if !markers::is_upper_title(t) || t.split_whitespace().count() < 2 || header::signature_line(t)
    {
        return false;
    }
    let opens_with_type = header::TYPES
        .iter()
        .any(|(caps, _, _)| t.strip_prefix(caps).is_some_and(|r| r.starts_with(' ')));
    if opens_with_type {
        return true;
    }
    // The title may run over a few lines in capitals; then "(Kèm theo …" must follow.
    for l in lines[i + 1..]
        .iter()
        .map(|l| l.trimmed())
        .filter(|l| !l.is_empty())
        .take(4)
    {
        let f = rasoat_text::fold(l.trim_start_matches(['(', '*', '_']));
        if f.starts_with("kem theo") || f.starts_with("ban hanh kem theo") {
            return true;
        }
        if !markers::is_upper_title(l) {
            return false;
        }
    }
    false
}

/// Parse lines into header, provisions and blocks. `with_header` reads a document header
/// from the first lines (text, Markdown, .docx, vbpl intro).
pub(crate) fn build(lines: &[Line], src: &SrcText, with_header: bool, arts: &Articles) -> Parsed {
    let (hdr, h) = if with_header {
        header::detect(lines)
    } else {
        (Header::default(), 0)
    };
    let mut blocks = Vec::new();
    if h > 0 {
        blocks.push(block(
            lines,
            src,
            BlockKind::Header,
            &(0..h).collect::<Vec<_>>(),
        ));
    }
    let mut warnings = Vec::new();
    let mut nodes: Vec<Node> = Vec::new();
    let mut roots: Vec<usize> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut preamble: Vec<(usize, usize)> = Vec::new();
    let mut trailer: Vec<usize> = Vec::new();
    let mut in_trailer = false;
    let mut in_closing = false;
    let mut closing: Vec<(usize, usize)> = Vec::new();
    let mut after_signature = false;

    for (i, line) in lines.iter().enumerate().skip(h) {
        let t = line.trimmed();
        let indent = line.indent();
        let marker = match (&line.article, line.allow) {
            (Some(a), _) => {
                // Synthesised `Điều N.` line of a data-set article.
                let num = arts.ids.get(*a).cloned().unwrap_or_default();
                let rest = markers::detect(t, indent, true)
                    .map(|m| m.rest)
                    .unwrap_or(indent);
                Some(Marker {
                    kind: Mk::Dieu,
                    number: dieu_number(&num),
                    rest,
                })
            }
            (None, Allow::None) => None,
            (None, allow) => markers::detect(t, indent, allow == Allow::All),
        };
        if in_trailer {
            let resume = match &marker {
                Some(m) if m.kind == Mk::PhuLuc => true,
                _ => after_signature && attached_title(lines, i),
            };
            if !resume {
                if header::signature_line(t) {
                    after_signature = true;
                }
                trailer.push(i);
                continue;
            }
            in_trailer = false;
            flush_trailer(lines, src, &mut trailer, &mut blocks);
            if marker.as_ref().is_none_or(|m| m.kind != Mk::PhuLuc) {
                // An attached document (QUY ĐỊNH … kèm theo) after the signature.
                stack.clear();
                let id = nodes.len();
                nodes.push(Node {
                    mk: Mk::PhuLuc,
                    number: String::new(),
                    parent: None,
                    children: vec![],
                    line: i,
                    parts: vec![(i, indent)],
                    article: None,
                    attachment: true,
                });
                roots.push(id);
                stack.push(id);
                continue;
            }
        } else if line.allow != Allow::None
            && line.article.is_none()
            && line.brk != Brk::Wrap
            && header::trailer_start(t)
            && (!nodes.is_empty() || !preamble.is_empty())
        {
            in_trailer = true;
            in_closing = false;
            after_signature = header::signature_line(t);
            trailer.push(i);
            continue;
        }
        // "Trên đây là Kế hoạch …": the closing paragraph belongs to no numbered unit.
        if line.brk != Brk::Wrap
            && line.article.is_none()
            && t.starts_with("Trên đây là")
            && !nodes.is_empty()
        {
            if stack.first().is_some_and(|&r| nodes[r].mk == Mk::PhuLuc) {
                // Inside an appendix or attached document: its closing stays with it.
                stack.truncate(1);
            } else {
                in_closing = true;
                stack.clear();
            }
        }
        let accepted =
            marker.and_then(|m| accept(m, line, src, &nodes, &roots, &stack, &mut warnings));
        if accepted.is_some() {
            in_closing = false;
        } else if in_closing {
            closing.push((i, indent));
            continue;
        }
        match accepted {
            Some(m) => {
                let rank = m.kind.rank();
                while stack.last().is_some_and(|&s| nodes[s].mk.rank() >= rank) {
                    stack.pop();
                }
                let parent = stack.last().copied();
                let id = nodes.len();
                nodes.push(Node {
                    mk: m.kind,
                    number: m.number,
                    parent,
                    children: vec![],
                    line: i,
                    parts: vec![(i, m.rest)],
                    article: line.article,
                    attachment: false,
                });
                match parent {
                    Some(p) => nodes[p].children.push(id),
                    None => roots.push(id),
                }
                stack.push(id);
            }
            None => match stack.last() {
                Some(&s) => nodes[s].parts.push((i, indent)),
                None => preamble.push((i, indent)),
            },
        }
    }
    flush_trailer(lines, src, &mut trailer, &mut blocks);

    let mut provisions = Vec::with_capacity(roots.len() + 2);
    let loose = |parts: &[(usize, usize)], id: &str, label: &str, kind: ProvisionKind| {
        let r = reflow(lines, parts);
        let start = lines[parts[0].0].src(parts[0].1);
        let end = parts
            .iter()
            .map(|&(l, _)| lines[l].src_trim_end())
            .max()
            .unwrap_or(start);
        let (text, map) = r.into_map();
        Provision {
            id: id.into(),
            label: label.into(),
            kind,
            number: String::new(),
            heading: None,
            text,
            span: src.span(start, end),
            map,
            law_id: None,
            article_id: None,
            children: vec![],
        }
    };
    if !preamble.is_empty() {
        provisions.push(loose(
            &preamble,
            "preamble",
            "phần mở đầu",
            ProvisionKind::Preamble,
        ));
    }
    let mut ctx = Ctx {
        lines,
        src,
        nodes: &nodes,
        arts,
        used: HashSet::default(),
        next_suffix: Default::default(),
    };
    ctx.used.insert("preamble".into());
    ctx.used.insert("closing".into());
    for &r in &roots {
        provisions.push(ctx.provision(r, None, None));
    }
    if !closing.is_empty() {
        // Keep document order: the closing comes before any appendix that follows the signature.
        let at = provisions
            .iter()
            .position(|p| p.span.start > lines[closing[0].0].src_start)
            .unwrap_or(provisions.len());
        provisions.insert(
            at,
            loose(
                &closing,
                "closing",
                "phần kết thúc",
                ProvisionKind::Paragraph,
            ),
        );
    }
    Parsed {
        header: hdr,
        provisions,
        blocks,
        warnings,
    }
}

/// `Điều 5a.` ids are written as digits + letter; data sets may carry other ids.
fn dieu_number(id: &str) -> String {
    let t = id.trim();
    if t.is_empty() {
        "?".into()
    } else {
        t.to_string()
    }
}

/// Decide whether a detected marker really opens a unit here. Hard-wrapped lines
/// must continue the numbering (so "… tại\n2. …" mid-sentence is not a khoản).
#[allow(clippy::too_many_arguments)]
fn accept(
    m: Marker,
    line: &Line,
    src: &SrcText,
    nodes: &[Node],
    roots: &[usize],
    stack: &[usize],
    warnings: &mut Vec<String>,
) -> Option<Marker> {
    if line.article.is_some() {
        return Some(m);
    }
    let rank = m.kind.rank();
    let depth = stack
        .iter()
        .take_while(|&&s| nodes[s].mk.rank() < rank)
        .count();
    let siblings: &[usize] = if depth == 0 {
        roots
    } else {
        &nodes[stack[depth - 1]].children
    };
    let prev = siblings
        .iter()
        .rev()
        .find(|&&s| nodes[s].mk == m.kind)
        .map(|&s| nodes[s].number.as_str());
    let wrapped = line.brk == Brk::Wrap;
    let rest = &line.text[m.rest.min(line.text.len())..];
    match m.kind {
        Mk::Dash | Mk::Plus => {
            if wrapped
                && !rest
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || c == '"' || c == '“')
            {
                return None;
            }
        }
        Mk::Num | Mk::Letter | Mk::SubLetter | Mk::Section | Mk::Dieu => {
            // A sub-letter (a1) needs its letter (a) open above it.
            if m.kind == Mk::SubLetter {
                let top_letter = stack
                    .iter()
                    .rev()
                    .map(|&s| &nodes[s])
                    .find(|n| n.mk == Mk::Letter);
                let base: String = m
                    .number
                    .chars()
                    .take_while(|c| !c.is_ascii_digit())
                    .collect();
                if top_letter.is_none_or(|n| n.number != base) && (wrapped || top_letter.is_none())
                {
                    return None;
                }
            }
            let ok = markers::is_successor(m.kind, prev, &m.number);
            if wrapped && !ok {
                return None;
            }
            if !ok && m.kind == Mk::Dieu && prev.is_some() {
                warnings.push(format!(
                    "line {}: Điều {} does not follow Điều {}",
                    src.idx.line(line.src_start),
                    m.number,
                    prev.unwrap_or("")
                ));
            }
        }
        Mk::Phan | Mk::Chuong | Mk::Muc | Mk::TieuMuc | Mk::PhuLuc => {
            if wrapped && !(rest.trim().is_empty() || markers::is_upper_title(rest)) {
                return None;
            }
        }
    }
    Some(m)
}

fn flush_trailer(lines: &[Line], src: &SrcText, trailer: &mut Vec<usize>, blocks: &mut Vec<Block>) {
    if trailer.is_empty() {
        return;
    }
    // Nơi nhận: its line and the "-" list under it; everything else is the signature.
    // PDF text often prints both columns on one line ("Nơi nhận:      TM. ỦY BAN NHÂN DÂN"):
    // a gap of 3+ spaces splits a line into its left (Nơi nhận) and right (signature) column.
    let mut noi: Vec<(usize, usize, usize)> = Vec::new();
    let mut sig: Vec<(usize, usize, usize)> = Vec::new();
    let mut in_noi = false;
    for &i in trailer.iter() {
        let l = &lines[i];
        let text: &str = &l.text;
        let a = l.indent();
        let e = text.trim_end().len();
        let (left, right) = match text[a..e].find("   ") {
            Some(g) => {
                let rs = a + g + (text[a + g..e].len() - text[a + g..e].trim_start().len());
                ((a, a + g), Some((rs, e)))
            }
            None => ((a, e), None),
        };
        let lt = text[left.0..left.1].trim();
        if lt.starts_with("Nơi nhận") {
            in_noi = true;
        } else if in_noi
            && !(lt.starts_with('-')
                || lt.starts_with('+')
                || lt.starts_with('•')
                || (l.brk == Brk::Wrap && !header::signature_line(lt)))
        {
            in_noi = false;
        }
        if in_noi {
            noi.push((i, left.0, left.1));
            if let Some(r) = right {
                sig.push((i, r.0, r.1));
            }
        } else {
            sig.push((i, a, e));
        }
    }
    for (kind, segs) in [(BlockKind::NoiNhan, noi), (BlockKind::Signature, sig)] {
        if segs.is_empty() {
            continue;
        }
        let text = segs
            .iter()
            .map(|&(i, a, b)| rasoat_text::collapse_spaces(&lines[i].text[a..b]))
            .collect::<Vec<_>>()
            .join("\n");
        let start = segs
            .iter()
            .map(|&(i, a, _)| lines[i].src(a))
            .min()
            .unwrap_or(0);
        let end = segs
            .iter()
            .map(|&(i, _, b)| lines[i].src(b))
            .max()
            .unwrap_or(start);
        blocks.push(Block {
            kind,
            text,
            span: src.span(start, end),
        });
    }
    trailer.clear();
}

fn block(lines: &[Line], src: &SrcText, kind: BlockKind, idx: &[usize]) -> Block {
    let text = idx
        .iter()
        .map(|&i| rasoat_text::collapse_spaces(lines[i].trimmed()))
        .collect::<Vec<_>>()
        .join("\n");
    let start = idx
        .first()
        .map(|&i| lines[i].src(lines[i].indent()))
        .unwrap_or(0);
    let end = idx
        .iter()
        .map(|&i| lines[i].src_trim_end())
        .max()
        .unwrap_or(start);
    Block {
        kind,
        text,
        span: src.span(start, end),
    }
}

type Parts = Vec<(usize, usize)>;

struct Ctx<'a, 'l> {
    lines: &'a [Line<'l>],
    src: &'a SrcText<'a>,
    nodes: &'a [Node],
    arts: &'a Articles,
    used: HashSet<String, FxBuild>,
    next_suffix: std::collections::HashMap<String, usize, FxBuild>,
}

/// A small multiplicative hasher (FxHash) for the id set: ids are short and trusted.
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl std::hash::Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for c in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..c.len()].copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
}

type FxBuild = std::hash::BuildHasherDefault<Fx>;

fn ends_terminal(s: &str) -> bool {
    s.trim_end()
        .chars()
        .next_back()
        .is_some_and(|c| matches!(c, '.' | ';' | ':' | '!' | '?' | '…' | ','))
}

impl Ctx<'_, '_> {
    fn part_text(&self, p: (usize, usize)) -> &str {
        let l = &self.lines[p.0];
        l.text[p.1.min(l.text.len())..].trim()
    }

    /// Split own parts into heading parts and text parts according to the unit kind.
    fn split_heading(&self, n: &Node) -> (Parts, Parts) {
        let parts: Vec<(usize, usize)> = n
            .parts
            .iter()
            .copied()
            .filter(|&p| !self.part_text(p).is_empty())
            .collect();
        let first_is_marker = parts.first().is_some_and(|p| p.0 == n.line);
        let mut k = 0; // number of heading parts
        match n.mk {
            _ if n.attachment => {
                // Type line + title lines up to the first blank line.
                k = 1;
                while k < parts.len() && self.lines[parts[k].0].brk == Brk::Wrap {
                    k += 1;
                }
            }
            m if m.is_container() => {
                if first_is_marker {
                    k = 1;
                }
                while k < parts.len() {
                    let t = self.part_text(parts[k]);
                    let upper = markers::is_upper_title(t);
                    // "Chương I" then a mixed-case title on the next line (Markdown headings).
                    let bare_title = k == 0
                        && !first_is_marker
                        && n.mk != Mk::Section
                        && t.chars().count() < 150
                        && !ends_terminal(t);
                    if upper || bare_title {
                        k += 1;
                    } else {
                        break;
                    }
                }
            }
            Mk::Dieu if first_is_marker => {
                k = 1;
                while k < parts.len() {
                    let prev = self.part_text(parts[k - 1]);
                    let t = self.part_text(parts[k]);
                    let cont = self.lines[parts[k].0].brk == Brk::Wrap
                        && t.chars().next().is_some_and(|c| c.is_lowercase())
                        && !ends_terminal(prev);
                    if cont { k += 1 } else { break }
                }
                // "Điều 2. Quyết định này có hiệu lực …./." is a sentence, not a title.
                if ends_terminal(self.part_text(parts[k - 1])) && n.article.is_none() {
                    k = 0;
                }
            }
            Mk::Num if first_is_marker => {
                // First paragraph is a heading when it does not end like a sentence and
                // something follows it ("1. Sở Tư pháp" + body; "2. Yêu cầu" + points).
                let mut e = 1;
                while e < parts.len() && self.lines[parts[e].0].brk == Brk::Wrap {
                    e += 1;
                }
                let last = self.part_text(parts[e - 1]);
                let len: usize = parts[..e].iter().map(|&p| self.part_text(p).len()).sum();
                let more = e < parts.len() || !n.children.is_empty();
                let next_lower = parts.get(e).is_some_and(|&p| {
                    self.part_text(p)
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_lowercase())
                });
                if !ends_terminal(last) && len <= 400 && more && !next_lower {
                    k = e;
                }
            }
            _ => {}
        }
        let k = k.min(parts.len());
        (parts[..k].to_vec(), parts[k..].to_vec())
    }

    fn unique(&mut self, id: String) -> String {
        if self.used.insert(id.clone()) {
            return id;
        }
        // Remember the next free suffix per id, so many repeats stay linear.
        let k = self.next_suffix.entry(id.clone()).or_insert(2);
        loop {
            let c = format!("{id}~{k}");
            *k += 1;
            if self.used.insert(c.clone()) {
                return c;
            }
        }
    }

    /// Build the provision for node `i`. `parent` is the parent's (id, label, kind);
    /// `app` the enclosing appendix (id, label).
    fn provision(
        &mut self,
        i: usize,
        parent: Option<(&str, &str, Mk, bool)>,
        app: Option<(&str, &str)>,
    ) -> Provision {
        let n = &self.nodes[i];
        let normative_ctx = parent.is_some_and(|p| p.3) || n.mk == Mk::Dieu;
        let prefix = app.map(|(id, _)| format!("{id}.")).unwrap_or_default();
        let app_suffix = app.map(|(_, l)| format!(" {l}")).unwrap_or_default();
        let num = n.number.as_str();
        // Ancestor chain for labels: only units that are cited together (Điều ← khoản ← điểm,
        // mục III ← 6 ← c, Chương ← Mục ← Tiểu mục).
        let chain = |word: String| -> String {
            match parent {
                Some((_, pl, pk, _)) if cited_with(pk, n.mk) => format!("{word} {pl}"),
                _ => format!("{word}{app_suffix}"),
            }
        };
        let pid = parent.map(|p| p.0.to_string());
        let under = |sep: &str| -> String {
            match (&pid, parent.map(|p| p.2)) {
                (Some(p), Some(pk))
                    if !matches!(
                        pk,
                        Mk::PhuLuc | Mk::Phan | Mk::Chuong | Mk::Muc | Mk::TieuMuc
                    ) =>
                {
                    format!("{p}{sep}")
                }
                _ => prefix.clone(),
            }
        };
        let (kind, id, label) = match n.mk {
            Mk::PhuLuc => {
                let (id, label) = if n.attachment {
                    ("kem-theo".to_string(), "văn bản kèm theo".to_string())
                } else if num.is_empty() {
                    ("phu-luc".to_string(), "Phụ lục".to_string())
                } else {
                    let arabic = markers::roman_value(num)
                        .map(|v| v.to_string())
                        .unwrap_or_else(|| num.trim_start_matches('0').to_lowercase());
                    (format!("phu-luc-{arabic}"), format!("Phụ lục {num}"))
                };
                (ProvisionKind::PhuLuc, id, label)
            }
            Mk::Phan => (
                ProvisionKind::Phan,
                format!("{prefix}phan-{}", slug(num)),
                format!("Phần {num}{app_suffix}"),
            ),
            Mk::Chuong => (
                ProvisionKind::Chuong,
                format!("{prefix}chuong-{num}"),
                format!("Chương {num}{app_suffix}"),
            ),
            Mk::Muc => {
                let id = match (&pid, parent.map(|p| p.2)) {
                    (Some(p), Some(Mk::Chuong)) => format!("{p}.muc-{num}"),
                    _ => format!("{prefix}muc-{num}"),
                };
                (ProvisionKind::Muc, id, chain(format!("Mục {num}")))
            }
            Mk::TieuMuc => {
                let id = match &pid {
                    Some(p) if parent.is_some_and(|x| x.2 == Mk::Muc) => {
                        format!("{p}.tieu-muc-{num}")
                    }
                    _ => format!("{prefix}tieu-muc-{num}"),
                };
                let label = match parent {
                    Some((_, pl, Mk::Muc, _)) => format!("Tiểu mục {num} {pl}"),
                    _ => format!("Tiểu mục {num}{app_suffix}"),
                };
                (ProvisionKind::TieuMuc, id, label)
            }
            Mk::Dieu => (
                ProvisionKind::Dieu,
                format!("{prefix}dieu-{num}"),
                format!("Điều {num}{app_suffix}"),
            ),
            Mk::Section => (
                ProvisionKind::Section,
                format!("{prefix}{num}"),
                format!("mục {num}{app_suffix}"),
            ),
            Mk::Num => {
                if normative_ctx {
                    (
                        ProvisionKind::Khoan,
                        format!("{}khoan-{num}", under(".")),
                        chain(format!("khoản {num}")),
                    )
                } else {
                    (
                        ProvisionKind::Item,
                        format!("{}{num}", under(".")),
                        chain(format!("khoản {num}")),
                    )
                }
            }
            Mk::Letter | Mk::SubLetter => {
                // điểm a1 under điểm a is cited as "điểm a1 khoản 2 Điều 4".
                let plabel = match parent {
                    Some((_, pl, Mk::Letter, _)) => pl
                        .split_once(' ')
                        .and_then(|(_, r)| r.split_once(' '))
                        .map(|(_, r)| r.to_string()),
                    Some((_, pl, _, _)) => Some(pl.to_string()),
                    None => None,
                };
                let plabel_ok = parent.is_some_and(|p| {
                    !matches!(
                        p.2,
                        Mk::PhuLuc | Mk::Phan | Mk::Chuong | Mk::Muc | Mk::TieuMuc
                    )
                });
                let label = match plabel {
                    Some(pl) if plabel_ok && !pl.is_empty() => format!("điểm {num} {pl}"),
                    _ => format!("điểm {num}{app_suffix}"),
                };
                if normative_ctx {
                    (
                        ProvisionKind::Diem,
                        format!("{}diem-{num}", under(".")),
                        label,
                    )
                } else {
                    (
                        ProvisionKind::SubItem,
                        format!("{}{num}", under(".")),
                        label,
                    )
                }
            }
            Mk::Dash | Mk::Plus => {
                let k = self.bullet_index(i);
                (
                    ProvisionKind::Bullet,
                    format!("{}gach-{k}", under(".")),
                    chain(format!("gạch đầu dòng thứ {k}")),
                )
            }
        };
        let id = self.unique(id);
        let number = if matches!(n.mk, Mk::Dash | Mk::Plus) {
            self.bullet_index(i).to_string()
        } else {
            n.number.clone()
        };
        let (hparts, tparts) = self.split_heading(n);
        let heading = if hparts.is_empty() {
            None
        } else {
            let (h, _) = reflow(self.lines, &hparts).into_map();
            let h = h.replace('\n', " ");
            if n.attachment || h.is_empty() {
                if h.is_empty() { None } else { Some(h) }
            } else {
                Some(h)
            }
        };
        let (text, map) = if tparts.is_empty() {
            (String::new(), SourceMap::default())
        } else {
            reflow(self.lines, &tparts).into_map()
        };
        let ml = &self.lines[n.line];
        let start = ml.src(ml.indent());
        let mut end = n
            .parts
            .iter()
            .map(|&(l, _)| self.lines[l].src_trim_end())
            .max()
            .unwrap_or(start)
            .max(start);
        let (law_id, article_id) = match n.article {
            Some(a) => (self.arts.law_id.clone(), self.arts.ids.get(a).cloned()),
            None => match parent {
                Some(_) => (None, None), // filled from the parent below
                None => (None, None),
            },
        };
        let app_here: Option<(String, String)> = if n.mk == Mk::PhuLuc {
            Some((id.clone(), label.clone()))
        } else {
            None
        };
        let normative_child = normative_ctx;
        let mut children = Vec::with_capacity(n.children.len());
        for &c in &n.children {
            let app_ref = match &app_here {
                Some((a, b)) => Some((a.as_str(), b.as_str())),
                None => app,
            };
            let p = self.provision(c, Some((&id, &label, n.mk, normative_child)), app_ref);
            end = end.max(p.span.end);
            children.push(p);
        }
        let mut p = Provision {
            id,
            label,
            kind,
            number,
            heading,
            text,
            span: self.src.span(start, end),
            map,
            law_id,
            article_id,
            children,
        };
        if p.article_id.is_some() {
            let (l, a) = (p.law_id.clone(), p.article_id.clone());
            fill_ids(&mut p.children, &l, &a);
        }
        p
    }

    /// 1-based position of a bullet among its bullet siblings.
    fn bullet_index(&self, i: usize) -> usize {
        let n = &self.nodes[i];
        let sibs: Vec<usize> = match n.parent {
            Some(p) => self.nodes[p].children.clone(),
            None => Vec::new(),
        };
        if sibs.is_empty() {
            return 1;
        }
        sibs.iter()
            .filter(|&&s| self.nodes[s].mk == n.mk)
            .position(|&s| s == i)
            .map(|x| x + 1)
            .unwrap_or(1)
    }
}

/// Is a unit of kind `child` cited together with its parent of kind `parent`
/// ("khoản 2 Điều 5", "Mục 1 Chương II"), or on its own ("Điều 5", not "Điều 5 Chương II")?
fn cited_with(parent: Mk, child: Mk) -> bool {
    match parent {
        Mk::PhuLuc | Mk::Phan | Mk::TieuMuc => false,
        Mk::Chuong => child == Mk::Muc,
        Mk::Muc => child == Mk::TieuMuc,
        _ => true,
    }
}

fn fill_ids(ps: &mut [Provision], law: &Option<String>, art: &Option<String>) {
    for p in ps {
        p.law_id = law.clone();
        p.article_id = art.clone();
        fill_ids(&mut p.children, law, art);
    }
}

/// `thứ nhất` → `thu-nhat`.
fn slug(s: &str) -> String {
    let f = rasoat_text::fold(s);
    let mut out = String::with_capacity(f.len());
    for w in f
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lines::split_plain;

    fn parse(src: &str) -> Parsed {
        let lines = split_plain(src, 0, true);
        build(&lines, &SrcText::new(src), true, &Articles::default())
    }

    fn find<'a>(ps: &'a [Provision], id: &str) -> Option<&'a Provision> {
        for p in ps {
            if p.id == id {
                return Some(p);
            }
            if let Some(f) = find(&p.children, id) {
                return Some(f);
            }
        }
        None
    }

    #[test]
    fn normative_levels_ids_and_labels() {
        let src = "LUẬT\nTỔ CHỨC THỬ NGHIỆM\n\nPhần thứ nhất\nNHỮNG QUY ĐỊNH CHUNG\n\nChương II\nTỔ CHỨC\n\nMục 1\nCẤP TỈNH\n\nTiểu mục 1\nHỘI ĐỒNG\n\nĐiều 5. Nhiệm vụ\n1. Quyết định theo quy định tại khoản\n5. Điều này và khoản 3.\n2. Trình dự thảo.\n2a. Khoản bổ sung:\na) điểm một;\nb) hai;\nc) ba;\nd) bốn;\nđ) điểm đ;\nĐiều 5a. Điều bổ sung\nNội dung.\n";
        let p = parse(src);
        let ps = &p.provisions;
        assert_eq!(p.header.type_name.as_deref(), Some("Luật"));
        assert_eq!(
            find(ps, "phan-thu-nhat").unwrap().heading.as_deref(),
            Some("NHỮNG QUY ĐỊNH CHUNG")
        );
        let muc = find(ps, "chuong-II.muc-1").unwrap();
        assert_eq!(muc.label, "Mục 1 Chương II");
        let tm = find(ps, "chuong-II.muc-1.tieu-muc-1").unwrap();
        assert_eq!(tm.label, "Tiểu mục 1 Mục 1 Chương II");
        let k1 = find(ps, "dieu-5.khoan-1").unwrap();
        // "khoản\n5. Điều này": a hard wrap that does not continue the numbering is text.
        assert_eq!(
            k1.text,
            "Quyết định theo quy định tại khoản 5. Điều này và khoản 3."
        );
        assert_eq!(find(ps, "dieu-5.khoan-2").unwrap().text, "Trình dự thảo.");
        let d = find(ps, "dieu-5.khoan-2a.diem-đ").unwrap();
        assert_eq!(d.label, "điểm đ khoản 2a Điều 5");
        assert_eq!(d.kind, ProvisionKind::Diem);
        assert_eq!(
            find(ps, "dieu-5a").unwrap().heading.as_deref(),
            Some("Điều bổ sung")
        );
        assert_eq!(d.span.line, 25);
        // A wrapped line that skips letters (a → đ) is not a new điểm.
        let p2 = parse("Điều 1. X\n1. Y:\na) một;\nđ) hai;\n");
        assert_eq!(
            find(&p2.provisions, "dieu-1.khoan-1.diem-a").unwrap().text,
            "một; đ) hai;"
        );
    }
}
