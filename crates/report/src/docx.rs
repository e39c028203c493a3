//! Word report "Báo cáo kết quả rà soát văn bản", written as OOXML with `zip` (the crates the
//! workspace already uses to read .docx), laid out per Nghị định số 30/2020/NĐ-CP: A4, Times New
//! Roman, the issuing body and the quốc hiệu – tiêu ngữ in a borderless two-column table, số ký
//! hiệu, địa danh and date, trích yếu, body, Nơi nhận and the signature block; page numbers
//! centred at the top from page 2.
use crate::catalog::{
    Catalog, CatalogRow, capitalize, date_vi, deadline_of, doc_citation, expiry_reason,
};
use crate::template::{Column, ExportTemplate};
use crate::{basis_and_handling, severity_vi};
use rasoat_model::{Date, Finding, Report};
use std::fmt::Write as _;
use std::io::Write as _;

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
/// Findings listed by name under each category in part II (the rest are in the phiếu).
const PER_CATEGORY: usize = 10;

fn twips_mm(mm: f64) -> i64 {
    (mm * 1440.0 / 25.4).round() as i64
}

/// XML text: escaped, characters XML 1.0 forbids dropped.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\t' | '\n' | '\r' => o.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => o.push(c),
        }
    }
    o
}

#[derive(Clone, Copy, Default)]
struct R {
    bold: bool,
    italic: bool,
    /// Points; 0 = the paragraph default.
    pt: f64,
}

const PLAIN: R = R {
    bold: false,
    italic: false,
    pt: 0.0,
};
const BOLD: R = R {
    bold: true,
    italic: false,
    pt: 0.0,
};
const ITALIC: R = R {
    bold: false,
    italic: true,
    pt: 0.0,
};

fn run(text: &str, r: R) -> String {
    let mut props = String::new();
    if r.bold {
        props.push_str("<w:b/><w:bCs/>");
    }
    if r.italic {
        props.push_str("<w:i/><w:iCs/>");
    }
    if r.pt > 0.0 {
        let hp = (r.pt * 2.0).round() as i64;
        let _ = write!(props, "<w:sz w:val=\"{hp}\"/><w:szCs w:val=\"{hp}\"/>");
    }
    let mut o = String::from("<w:r>");
    if !props.is_empty() {
        let _ = write!(o, "<w:rPr>{props}</w:rPr>");
    }
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            o.push_str("<w:br/>");
        }
        for (j, part) in line.split('\t').enumerate() {
            if j > 0 {
                o.push_str("<w:tab/>");
            }
            if !part.is_empty() {
                let _ = write!(o, "<w:t xml:space=\"preserve\">{}</w:t>", esc(part));
            }
        }
    }
    o.push_str("</w:r>");
    o
}

#[derive(Clone, Copy)]
struct P {
    align: &'static str,
    first_line: i64,
    before: i64,
    after: i64,
    /// 240 = single.
    line: i64,
    ind_left: i64,
    ind_right: i64,
    border_bottom: bool,
    keep_next: bool,
}

const BODY: P = P {
    align: "both",
    first_line: 567,
    before: 120,
    after: 0,
    line: 288,
    ind_left: 0,
    ind_right: 0,
    border_bottom: false,
    keep_next: false,
};
const CENTER: P = P {
    align: "center",
    first_line: 0,
    before: 0,
    after: 0,
    line: 240,
    ind_left: 0,
    ind_right: 0,
    border_bottom: false,
    keep_next: false,
};
const CELL: P = P {
    align: "left",
    first_line: 0,
    before: 40,
    after: 40,
    line: 240,
    ind_left: 0,
    ind_right: 0,
    border_bottom: false,
    keep_next: false,
};

fn para(runs: &str, p: P) -> String {
    let mut o = String::from("<w:p><w:pPr>");
    if p.keep_next {
        o.push_str("<w:keepNext/>");
    }
    if p.border_bottom {
        o.push_str("<w:pBdr><w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"1\" w:color=\"000000\"/></w:pBdr>");
    }
    let _ = write!(
        o,
        "<w:spacing w:before=\"{}\" w:after=\"{}\" w:line=\"{}\" w:lineRule=\"auto\"/>",
        p.before, p.after, p.line
    );
    if p.first_line != 0 || p.ind_left != 0 || p.ind_right != 0 {
        let _ = write!(
            o,
            "<w:ind w:left=\"{}\" w:right=\"{}\" w:firstLine=\"{}\"/>",
            p.ind_left, p.ind_right, p.first_line
        );
    }
    let _ = write!(o, "<w:jc w:val=\"{}\"/></w:pPr>{runs}</w:p>", p.align);
    o
}

/// A short rule under a heading: an empty, tiny paragraph with a bottom border between indents.
fn rule_line(width: i64, line: i64) -> String {
    let side = ((width - line) / 2).max(0);
    para(
        "",
        P {
            ind_left: side,
            ind_right: side,
            border_bottom: true,
            line: 240,
            ..CENTER
        },
    )
    .replace(
        "</w:pPr>",
        "<w:rPr><w:sz w:val=\"4\"/><w:szCs w:val=\"4\"/></w:rPr></w:pPr>",
    )
}

fn cell(width: i64, content: &str, extra: &str) -> String {
    let content = if content.is_empty() {
        "<w:p/>".to_string()
    } else {
        content.to_string()
    };
    format!("<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>{extra}</w:tcPr>{content}</w:tc>")
}

fn table(widths: &[i64], borders: bool, rows: &str) -> String {
    let total: i64 = widths.iter().sum();
    let b = if borders { "single" } else { "nil" };
    let sz = if borders {
        " w:sz=\"4\" w:space=\"0\" w:color=\"000000\""
    } else {
        ""
    };
    let mut o = format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"{total}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblBorders>"
    );
    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        let _ = write!(o, "<w:{side} w:val=\"{b}\"{sz}/>");
    }
    o.push_str("</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"57\" w:type=\"dxa\"/><w:right w:w=\"57\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>");
    for w in widths {
        let _ = write!(o, "<w:gridCol w:w=\"{w}\"/>");
    }
    let _ = write!(o, "</w:tblGrid>{rows}</w:tbl>");
    o
}

struct Doc<'a> {
    t: &'a ExportTemplate,
    report: &'a Report,
    cat: Catalog<'a>,
    width: i64,
    body: String,
}

impl Doc<'_> {
    fn p(&mut self, runs: &str, p: P) {
        self.body.push_str(&para(runs, p));
    }
    /// Body text; each line its own paragraph (a line break inside a justified paragraph
    /// would stretch the line before it).
    fn text(&mut self, s: &str) {
        self.labelled("", s);
    }
    fn heading(&mut self, s: &str) {
        self.p(
            &run(s, BOLD),
            P {
                keep_next: true,
                ..BODY
            },
        );
    }
    /// A bold label and its text; further lines of the text are paragraphs of their own.
    fn labelled(&mut self, label: &str, s: &str) {
        let s = s.replace("\r\n", "\n");
        let mut lines = s.split('\n');
        let first = lines.next().unwrap_or_default();
        let mut runs = String::new();
        if !label.is_empty() {
            runs.push_str(&run(label, BOLD));
        }
        runs.push_str(&run(first, PLAIN));
        self.p(&runs, BODY);
        for l in lines {
            self.p(&run(l, PLAIN), BODY);
        }
    }
}

/// Render the Word report.
pub fn render(report: &Report, t: &ExportTemplate) -> Result<Vec<u8>, std::io::Error> {
    let pg = &t.page;
    let width = twips_mm(210.0 - pg.margin_left_mm - pg.margin_right_mm);
    let mut d = Doc {
        t,
        report,
        cat: Catalog::new(report),
        width,
        body: String::new(),
    };
    let as_of = report.summary.as_of.parse::<Date>().ok();
    header(&mut d, as_of);
    let intro = t.fill(&t.docx.intro);
    d.text(&intro);
    scope(&mut d, as_of);
    results(&mut d);
    catalog_table(&mut d);
    sheets(&mut d);
    d.heading(&t.docx.proposal_title);
    d.text(&t.fill(&t.docx.proposal));
    // The closing sentence stays with the signature block.
    let closing = t.fill(&t.docx.closing);
    d.p(
        &run(&closing, PLAIN),
        P {
            keep_next: true,
            ..BODY
        },
    );
    signature(&mut d);
    let sect = format!(
        "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId3\"/><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"{}\" w:right=\"{}\" w:bottom=\"{}\" w:left=\"{}\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/><w:titlePg/></w:sectPr>",
        twips_mm(pg.margin_top_mm),
        twips_mm(pg.margin_right_mm),
        twips_mm(pg.margin_bottom_mm),
        twips_mm(pg.margin_left_mm)
    );
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\"><w:body>{}{sect}</w:body></w:document>",
        d.body
    );
    package(t, report, &document)
}

fn header(d: &mut Doc, as_of: Option<Date>) {
    let t = d.t;
    let h = &t.header;
    let left_w = (d.width as f64 * 0.40).round() as i64;
    let right_w = d.width - left_w;
    let pt = t.page.body_pt.min(13.0);
    let mut left = String::new();
    left.push_str(&para(
        &run(&h.parent_body.to_uppercase(), R { pt, ..PLAIN }),
        CENTER,
    ));
    left.push_str(&para(
        &run(&h.issuing_body.to_uppercase(), R { pt, ..BOLD }),
        CENTER,
    ));
    left.push_str(&rule_line(left_w, left_w / 3));
    left.push_str(&para(
        &run(&h.number, R { pt, ..PLAIN }),
        P {
            before: 120,
            ..CENTER
        },
    ));
    let mut right = String::new();
    right.push_str(&para(
        &run(&h.nation.to_uppercase(), R { pt: 12.0, ..BOLD }),
        CENTER,
    ));
    right.push_str(&para(&run(&h.motto, R { pt: 13.0, ..BOLD }), CENTER));
    // The line under the motto is as long as the motto (about 5.9 cm at 13 pt bold).
    right.push_str(&rule_line(right_w, twips_mm(59.0).min(right_w)));
    let date = match as_of {
        Some(x) => format!(
            "{}, ngày {} tháng {} năm {}",
            h.place,
            if x.day() < 10 {
                format!("{:02}", x.day())
            } else {
                x.day().to_string()
            },
            if x.month() <= 2 {
                format!("{:02}", x.month())
            } else {
                x.month().to_string()
            },
            x.year()
        ),
        None => format!("{}, ngày      tháng      năm", h.place),
    };
    right.push_str(&para(
        &run(
            &date,
            R {
                pt: t.page.body_pt,
                ..ITALIC
            },
        ),
        P {
            before: 120,
            ..CENTER
        },
    ));
    let row = format!(
        "<w:tr>{}{}</w:tr>",
        cell(left_w, &left, ""),
        cell(right_w, &right, "")
    );
    d.body.push_str(&table(&[left_w, right_w], false, &row));
    d.p(
        &run(
            &h.doc_type.to_uppercase(),
            R {
                pt: t.page.body_pt,
                ..BOLD
            },
        ),
        P {
            before: 360,
            ..CENTER
        },
    );
    d.p(
        &run(
            &h.subject,
            R {
                pt: t.page.body_pt,
                ..BOLD
            },
        ),
        CENTER,
    );
    let w = d.width;
    d.body.push_str(&rule_line(w, twips_mm(30.0)));
}

fn scope(d: &mut Doc, as_of: Option<Date>) {
    let t = d.t;
    let r = d.report;
    let s = &r.summary;
    d.heading(&t.docx.scope_title);
    let mut by_type: Vec<(String, usize)> = Vec::new();
    for doc in &r.documents {
        let k = doc
            .type_name
            .clone()
            .unwrap_or_else(|| "Văn bản khác".into());
        match by_type.iter_mut().find(|(n, _)| *n == k) {
            Some(e) => e.1 += 1,
            None => by_type.push((k, 1)),
        }
    }
    let types = by_type
        .iter()
        .map(|(k, n)| format!("{n} {}", k.to_lowercase()))
        .collect::<Vec<_>>()
        .join(", ");
    let mut docs = format!(
        "{} văn bản với {} điều, khoản, điểm, mục",
        s.documents, s.provisions
    );
    if !types.is_empty() {
        docs.push_str(&format!(" (gồm {types})"));
    }
    docs.push('.');
    if r.documents.len() <= 20 {
        for doc in &r.documents {
            docs.push_str(&format!("\n- {};", doc_citation(doc)));
        }
        if docs.ends_with(';') {
            docs.pop();
            docs.push('.');
        }
    }
    d.labelled("1. Văn bản được rà soát: ", &docs);
    let when = match as_of {
        Some(x) => format!(
            "hiệu lực, tính phù hợp của văn bản được đánh giá tại ngày {}.",
            date_vi(x)
        ),
        None => "theo ngày hiện tại.".into(),
    };
    d.labelled("2. Thời điểm rà soát: ", &when);
    let rules = if r.rules.is_empty() {
        "các quy tắc rà soát của rasoat.".to_string()
    } else {
        let names = r
            .rules
            .iter()
            .map(|x| format!("{} {}", x.code, x.name_vi))
            .collect::<Vec<_>>()
            .join("; ");
        format!("{} tiêu chí rà soát: {names}.", r.rules.len())
    };
    d.labelled("3. Nội dung rà soát: ", &rules);
}

fn results(d: &mut Doc) {
    let t = d.t;
    let r = d.report;
    let s = &r.summary;
    d.heading(&t.docx.results_title);
    let with = d.cat.by_document().len();
    let mut line = format!(
        "Qua rà soát, phát hiện {} vấn đề ({} lỗi, {} cảnh báo, {} thông tin) tại {} văn bản",
        s.findings, s.errors, s.warnings, s.infos, with
    );
    if s.suppressed > 0 {
        line.push_str(&format!(
            "; {} phát hiện đã được loại trừ theo chú thích trong văn bản, rasoat.toml hoặc danh sách đã biết",
            s.suppressed
        ));
    }
    line.push('.');
    d.text(&line);
    // Group findings by category in the template's order; others after.
    let mut groups: Vec<(String, Vec<&Finding>)> = t
        .docx
        .categories
        .iter()
        .map(|c| (c.clone(), Vec::new()))
        .collect();
    for f in &r.findings {
        let (_, _, c) = basis_and_handling(r, f);
        let c = if c.is_empty() {
            "khác (không đọc được văn bản)".to_string()
        } else {
            c
        };
        match groups.iter_mut().find(|(k, _)| *k == c) {
            Some(g) => g.1.push(f),
            None => groups.push((c, vec![f])),
        }
    }
    let expired: Vec<rasoat_model::DocumentInfo> = d.cat.expired().into_iter().cloned().collect();
    for (i, (c, fs)) in groups.iter().enumerate() {
        let mut docs: Vec<&str> = fs
            .iter()
            .map(|f| f.location.document.as_deref().unwrap_or(&f.location.file))
            .collect();
        docs.sort();
        docs.dedup();
        let mut body = if fs.is_empty() {
            "không phát hiện.".to_string()
        } else {
            format!("{} phát hiện tại {} văn bản.", fs.len(), docs.len())
        };
        if c == "hết hiệu lực" && !expired.is_empty() {
            body.push_str(&format!(
                " Có {} văn bản đã hết hiệu lực toàn bộ tại thời điểm rà soát:",
                expired.len()
            ));
            for e in expired.iter().take(PER_CATEGORY) {
                body.push_str(&format!(
                    "\n- {}: {}.",
                    doc_citation(e),
                    expiry_reason(e).to_lowercase()
                ));
            }
        }
        d.labelled(&format!("{}. {}: ", i + 1, capitalize(c)), &body);
        for f in fs.iter().take(PER_CATEGORY) {
            let place = crate::describe(&f.location);
            let place = if place.is_empty() {
                f.location.file.clone()
            } else {
                place
            };
            d.text(&format!("- {place}: {}", f.message));
        }
        if fs.len() > PER_CATEGORY {
            d.text(&format!(
                "- Và {} phát hiện khác (chi tiết tại phiếu rà soát từng văn bản).",
                fs.len() - PER_CATEGORY
            ));
        }
    }
}

fn catalog_value(row: &CatalogRow, key: &str) -> String {
    let d = row.doc;
    match key {
        "stt" => row.stt.to_string(),
        "type_name" => d.type_name.clone().unwrap_or_default(),
        "number" => d.number.clone().unwrap_or_else(|| d.display.clone()),
        "date" => d.date.map(date_vi).unwrap_or_default(),
        "title" => d.title.clone().unwrap_or_default(),
        "issuer" => d.issuer.clone().unwrap_or_default(),
        "path" => d.path.clone(),
        "document" => doc_citation(d),
        "content" => row.content.clone(),
        "handling" => row.handling.clone(),
        "reason" => row.reason.clone(),
        "lead_body" => row.lead_body.clone(),
        "deadline" => row.deadline.map(date_vi).unwrap_or_default(),
        "note" => row.note.clone(),
        _ => String::new(),
    }
}

fn widths(cols: &[Column], total: i64) -> Vec<i64> {
    let sum: f64 = cols.iter().map(|c| c.width.max(1.0)).sum();
    let mut w: Vec<i64> = cols
        .iter()
        .map(|c| (c.width.max(1.0) / sum * total as f64).floor() as i64)
        .collect();
    let used: i64 = w.iter().sum();
    if let Some(last) = w.last_mut() {
        *last += total - used;
    }
    w
}

fn catalog_table(d: &mut Doc) {
    let t = d.t;
    d.heading(&t.docx.catalog_title);
    let rows = d.cat.rows(t);
    if rows.is_empty() {
        d.text("Không có văn bản cần xử lý.");
        return;
    }
    let cols = &t.docx.catalog_columns;
    let w = widths(cols, d.width);
    let pt = t.page.table_pt;
    let mut xml = String::from("<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>");
    for (c, col) in cols.iter().enumerate() {
        xml.push_str(&cell(
            w[c],
            &para(&run(&col.title, R { pt, ..BOLD }), P { after: 40, before: 40, ..CENTER }),
            "<w:vAlign w:val=\"center\"/><w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"E7E6E6\"/>",
        ));
    }
    xml.push_str("</w:tr>");
    for (i, r) in rows.iter().enumerate() {
        let first = i == 0 || rows[i - 1].stt != r.stt;
        let multi = rows.iter().filter(|x| x.stt == r.stt).count() > 1;
        xml.push_str("<w:tr>");
        for (c, col) in cols.iter().enumerate() {
            let per_doc = crate::catalog::per_document(&col.key);
            let align = if matches!(col.key.as_str(), "stt" | "date" | "deadline") {
                "center"
            } else {
                "left"
            };
            let (content, vm) = if per_doc && multi {
                if first {
                    (catalog_value(r, &col.key), "<w:vMerge w:val=\"restart\"/>")
                } else {
                    (String::new(), "<w:vMerge/>")
                }
            } else {
                (catalog_value(r, &col.key), "")
            };
            let p = if content.is_empty() {
                String::new()
            } else {
                para(&run(&content, R { pt, ..PLAIN }), P { align, ..CELL })
            };
            xml.push_str(&cell(w[c], &p, vm));
        }
        xml.push_str("</w:tr>");
    }
    d.body.push_str(&table(&w, true, &xml));
}

fn sheets(d: &mut Doc) {
    let t = d.t;
    let r = d.report;
    d.heading(&t.docx.sheets_title);
    let groups: Vec<_> = d
        .cat
        .by_document()
        .into_iter()
        .map(|(doc, fs)| (doc.clone(), fs))
        .collect();
    if groups.is_empty() {
        d.text("Không có phát hiện.");
    }
    for (n, (doc, fs)) in groups.iter().enumerate() {
        let title = format!("Phiếu số {}: {}", n + 1, doc_citation(doc));
        d.p(
            &run(&title, BOLD),
            P {
                keep_next: true,
                before: 240,
                ..BODY
            },
        );
        let mut meta = format!("Tệp: {}", doc.path);
        if let Some(b) = &doc.advising_body {
            meta.push_str(&format!("; cơ quan tham mưu: {b}"));
        }
        if doc.is_out_of_force() {
            meta.push_str(&format!("; {}", expiry_reason(doc).to_lowercase()));
        }
        meta.push('.');
        d.p(&run(&meta, ITALIC), BODY);
        for (k, f) in fs.iter().enumerate() {
            let (basis, handling, category) = basis_and_handling(r, f);
            let tag = if f.code.is_empty() {
                f.rule.clone()
            } else {
                f.code.clone()
            };
            let mut kind = vec![tag];
            if !category.is_empty() {
                kind.push(category.clone());
            }
            kind.push(severity_vi(f.severity).to_string());
            let head = format!("{}.{}. [{}] ", n + 1, k + 1, kind.join(" – "));
            let runs = run(&head, BOLD) + &run(&f.message, PLAIN);
            d.p(
                &runs,
                P {
                    keep_next: true,
                    ..BODY
                },
            );
            let l = &f.location;
            let place = match l.label.as_ref().or(l.provision.as_ref()) {
                Some(lbl) => format!("{lbl} ({})", crate::place(l)),
                None => crate::place(l),
            };
            d.labelled("- Vị trí: ", &place);
            if let Some(sn) = l.snippet.as_deref().filter(|s| !s.trim().is_empty()) {
                d.labelled("- Nội dung: ", &format!("“{}”", sn.trim()));
            }
            for rel in &f.related {
                let mut s = format!("{} ({})", crate::describe(rel), crate::place(rel));
                if let Some(sn) = rel.snippet.as_deref().filter(|s| !s.trim().is_empty()) {
                    s.push_str(&format!(": “{}”", sn.trim()));
                }
                d.labelled("- Đối chiếu: ", &s);
            }
            if !basis.is_empty() {
                d.labelled("- Căn cứ pháp lý: ", &basis);
            }
            if !handling.is_empty() {
                let mut h = handling.clone();
                if let Some(x) = deadline_of(f, &basis, t) {
                    h.push_str(&format!("; thời hạn xử lý: {}", date_vi(x)));
                }
                d.labelled("- Hướng xử lý: ", &h);
            }
        }
    }
}

fn signature(d: &mut Doc) {
    let t = d.t;
    let s = &t.signature;
    let left_w = (d.width as f64 * 0.5).round() as i64;
    let right_w = d.width - left_w;
    let mut left = para(
        &run(
            &s.recipients_title,
            R {
                pt: 12.0,
                bold: true,
                italic: true,
            },
        ),
        P {
            align: "left",
            ..CENTER
        },
    );
    for x in &s.recipients {
        left.push_str(&para(
            &run(x, R { pt: 11.0, ..PLAIN }),
            P {
                align: "left",
                ..CENTER
            },
        ));
    }
    let pt = t.page.body_pt;
    let mut right = String::new();
    if !s.authority.is_empty() {
        right.push_str(&para(
            &run(&s.authority.to_uppercase(), R { pt, ..BOLD }),
            CENTER,
        ));
    }
    right.push_str(&para(
        &run(&s.position.to_uppercase(), R { pt, ..BOLD }),
        CENTER,
    ));
    for _ in 0..4 {
        right.push_str(&para("", CENTER));
    }
    right.push_str(&para(&run(&s.name, R { pt, ..BOLD }), CENTER));
    let row = format!(
        "<w:tr><w:trPr><w:cantSplit/></w:trPr>{}{}</w:tr>",
        cell(left_w, &left, ""),
        cell(right_w, &right, "")
    );
    d.p(
        "",
        P {
            keep_next: true,
            ..BODY
        },
    );
    d.body.push_str(&table(&[left_w, right_w], false, &row));
}

fn styles(t: &ExportTemplate) -> String {
    let f = esc(&t.page.font);
    let hp = (t.page.body_pt * 2.0).round() as i64;
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"{W_NS}\"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"{f}\" w:hAnsi=\"{f}\" w:eastAsia=\"{f}\" w:cs=\"{f}\"/><w:sz w:val=\"{hp}\"/><w:szCs w:val=\"{hp}\"/><w:lang w:val=\"vi-VN\" w:eastAsia=\"vi-VN\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style><w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style></w:styles>"
    )
}

fn page_header(t: &ExportTemplate) -> String {
    let hp = (t.page.body_pt.min(13.0) * 2.0).round() as i64;
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:hdr xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\"><w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:rPr><w:sz w:val=\"{hp}\"/></w:rPr><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:rPr><w:sz w:val=\"{hp}\"/></w:rPr><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r><w:r><w:rPr><w:sz w:val=\"{hp}\"/></w:rPr><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:rPr><w:sz w:val=\"{hp}\"/></w:rPr><w:t>2</w:t></w:r><w:r><w:rPr><w:sz w:val=\"{hp}\"/></w:rPr><w:fldChar w:fldCharType=\"end\"/></w:r></w:p></w:hdr>"
    )
}

fn core_props(t: &ExportTemplate, report: &Report) -> String {
    let created = match report.summary.as_of.parse::<Date>() {
        Ok(d) => format!("{d}T00:00:00Z"),
        Err(_) => "2025-07-01T00:00:00Z".into(),
    };
    let subject = if t.reference {
        format!("Biểu mẫu tham khảo – {}", t.header.subject)
    } else {
        t.header.subject.clone()
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>{}</dc:creator><cp:keywords>rasoat; rà soát văn bản</cp:keywords><dc:description>{}</dc:description><dc:language>vi-VN</dc:language><dcterms:created xsi:type=\"dcterms:W3CDTF\">{created}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{created}</dcterms:modified></cp:coreProperties>",
        esc(&format!(
            "{} {}",
            capitalize(&t.header.doc_type.to_lowercase()),
            t.header.subject
        )),
        esc(&subject),
        esc(&t.author),
        esc(&t.properties_note()),
    )
}

fn package(t: &ExportTemplate, report: &Report, document: &str) -> Result<Vec<u8>, std::io::Error> {
    let ct = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/><Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/><Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/><Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/><Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/></Types>";
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/></Relationships>";
    let doc_rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header1.xml\"/></Relationships>";
    let settings = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:settings xmlns:w=\"{W_NS}\"><w:defaultTabStop w:val=\"720\"/><w:characterSpacingControl w:val=\"doNotCompress\"/><w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat></w:settings>"
    );
    let app = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>rasoat {}</Application><Company>{}</Company></Properties>",
        env!("CARGO_PKG_VERSION"),
        esc(&t.header.issuing_body)
    );
    let parts: [(&str, String); 8] = [
        ("[Content_Types].xml", ct.to_string()),
        ("_rels/.rels", rels.to_string()),
        ("word/document.xml", document.to_string()),
        ("word/_rels/document.xml.rels", doc_rels.to_string()),
        ("word/styles.xml", styles(t)),
        ("word/settings.xml", settings),
        ("word/header1.xml", page_header(t)),
        ("docProps/core.xml", core_props(t, report)),
    ];
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, body) in parts
        .iter()
        .chain(std::iter::once(&("docProps/app.xml", app)))
    {
        z.start_file(*name, opts).map_err(std::io::Error::other)?;
        z.write_all(body.as_bytes())?;
    }
    Ok(z.finish().map_err(std::io::Error::other)?.into_inner())
}

#[cfg(test)]
mod tests {
    use crate::readback::{Block, Docx};
    use crate::template::ExportTemplate;
    use crate::testdata::sample_with_documents;

    fn docx(report: &rasoat_model::Report) -> Docx {
        Docx::open(&super::render(report, &ExportTemplate::bundled()).unwrap())
    }

    #[test]
    fn official_header_and_signature() {
        let x = docx(&sample_with_documents());
        let blocks = x.blocks();
        let Block::Table(head) = &blocks[0] else {
            panic!("the header table comes first: {blocks:?}")
        };
        assert!(
            head[0][0].starts_with("ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK\nSỞ TƯ PHÁP"),
            "{head:?}"
        );
        assert!(
            head[0][1]
                .starts_with("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
        );
        assert!(
            head[0][1].ends_with("Đắk Lắk, ngày 28 tháng 11 năm 2026"),
            "{head:?}"
        );
        let xml = x.document_xml();
        assert!(xml.contains("<w:tblBorders><w:top w:val=\"nil\"/>"));
        assert!(xml.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"));
        assert!(xml.contains("w:left=\"1701\""), "30 mm left margin");
        let paras = x.paragraphs();
        assert!(paras.iter().any(|p| p == "BÁO CÁO"));
        assert!(
            paras
                .iter()
                .any(|p| p == "Trên đây là báo cáo kết quả rà soát văn bản của Sở Tư pháp./."),
            "prose names the body in sentence case"
        );
        let Some(Block::Table(sig)) = blocks.last() else {
            panic!()
        };
        assert!(sig[0][0].starts_with("Nơi nhận:"));
        assert!(sig[0][1].starts_with("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"));
        let styles = x.pkg.part("word/styles.xml");
        assert!(
            styles.contains("w:ascii=\"Times New Roman\"")
                && styles.contains("<w:sz w:val=\"28\"/>")
        );
        assert!(
            x.pkg
                .part("docProps/core.xml")
                .contains("<dc:description>Biểu mẫu tham khảo")
        );
    }

    #[test]
    fn catalog_table_and_phieu() {
        let report = sample_with_documents();
        let x = docx(&report);
        let tables = x.tables();
        let cat = &tables[1];
        assert_eq!(cat[0][0], "STT");
        assert_eq!(cat.len(), 2, "{cat:?}");
        assert_eq!(cat[1][0], "1");
        assert!(
            cat[1][1].starts_with("Quyết định số 12/2026/QĐ-UBND ngày 05/3/2026"),
            "{cat:?}"
        );
        assert_eq!(cat[1][3], "sửa đổi, bổ sung");
        let paras = x.paragraphs();
        for f in &report.findings {
            let msg = f.message.replace("\r\n", "\n");
            assert!(paras.iter().any(|p| p.ends_with(&msg)), "{msg}");
            let sn = f.location.snippet.as_ref().unwrap();
            assert!(
                paras.iter().any(|p| p == &format!("- Nội dung: “{sn}”")),
                "{sn}"
            );
        }
        assert!(
            paras
                .iter()
                .any(|p| p.starts_with("- Đối chiếu: 45/KH-UBND, mục III khoản 1"))
        );
        assert!(
            paras
                .iter()
                .any(|p| p.starts_with("Phiếu số 1: Quyết định số 12/2026/QĐ-UBND"))
        );
    }

    #[test]
    fn vietnamese_text_round_trips_and_markup_is_escaped() {
        let mut report = sample_with_documents();
        let s = "=Ủy ban nhân dân tỉnh Đắk Lắk <b>&amp; “thẩm định” ỷ ỹ ự\u{1}";
        report.findings[0].message = s.into();
        let x = docx(&report);
        let want = s.replace('\u{1}', "");
        assert!(x.paragraphs().iter().any(|p| p.ends_with(&want)), "{want}");
    }
}
