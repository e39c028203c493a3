//! Excel workbook (rust_xlsxwriter): "Danh mục cần xử lý" (document × handling, grouped by
//! document), "Hết hiệu lực", "Phát hiện" (every finding, every JSON field) and "Tổng hợp".
//!
//! Text from documents is always written with `write_string*` (a shared-string cell), so a
//! quotation starting with `=`, `+`, `-` or `@` is stored as text and never becomes a formula.
use crate::catalog::{Catalog, deadline_of, evidence_text, expiry_reason, related_text};
use crate::template::{Column, ExportTemplate};
use crate::{basis_and_handling, severity_vi};
use rasoat_model::{Date, Report, Severity};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use std::collections::BTreeMap;

/// Excel's limit is 32 767 UTF-16 units per cell; longer text is cut with a note.
const MAX_CELL: usize = 32_000;

struct Styles {
    pt: f64,
    title: Format,
    subtitle: Format,
    header: Format,
    text: Format,
    center: Format,
    number: Format,
    date: Format,
    label: Format,
}

impl Styles {
    fn new(t: &ExportTemplate) -> Styles {
        let font = t.page.font.as_str();
        let pt = t.page.table_pt;
        let base = Format::new().set_font_name(font).set_font_size(pt);
        let cell = base
            .clone()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin);
        Styles {
            pt,
            title: base
                .clone()
                .set_bold()
                .set_font_size(pt + 2.0)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            subtitle: base
                .clone()
                .set_italic()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            header: base
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_border(FormatBorder::Thin)
                .set_background_color(0xDDEBF7),
            text: cell.clone(),
            center: cell.clone().set_align(FormatAlign::Center),
            number: cell.clone().set_align(FormatAlign::Center),
            date: cell
                .clone()
                .set_align(FormatAlign::Center)
                .set_num_format("dd/mm/yyyy"),
            label: base.set_bold(),
        }
    }
}

fn cut(s: &str) -> String {
    if s.encode_utf16().count() <= MAX_CELL {
        return s.to_string();
    }
    let mut out = String::new();
    let mut n = 0;
    for c in s.chars() {
        n += c.len_utf16();
        if n > MAX_CELL {
            break;
        }
        out.push(c);
    }
    out.push_str("… (đã cắt bớt; xem báo cáo JSON)");
    out
}

fn excel_date(d: Date) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

/// A cell value; text is always a string cell.
enum Cell {
    Text(String),
    Number(f64),
    Date(Option<Date>),
}

fn put(ws: &mut Worksheet, st: &Styles, row: u32, col: u16, v: &Cell) -> Result<(), XlsxError> {
    match v {
        Cell::Text(s) => {
            ws.write_string_with_format(row, col, cut(s), &st.text)?;
        }
        Cell::Number(n) => {
            ws.write_number_with_format(row, col, *n, &st.number)?;
        }
        Cell::Date(Some(d)) => {
            ws.write_datetime_with_format(row, col, excel_date(*d)?, &st.date)?;
        }
        Cell::Date(None) => {
            ws.write_blank(row, col, &st.text)?;
        }
    }
    Ok(())
}

/// Lines a value takes in a wrapped column `width` characters wide (Excel's unit: the width of
/// "0" in the default font; Times New Roman text is a little narrower).
fn lines(v: &Cell, width: f64, pt: f64) -> f64 {
    let Cell::Text(s) = v else { return 1.0 };
    let per_line = (width * 1.1 * 12.0 / pt).max(1.0);
    s.split('\n')
        .map(|l| (l.chars().count() as f64 / per_line).ceil().max(1.0))
        .sum()
}

/// Row height (points) for `lines` lines: Excel and LibreOffice do not grow rows with wrapped
/// text read from a file by themselves.
fn height(lines: f64, pt: f64) -> f64 {
    (lines * pt * 1.3 + 4.0).clamp(pt * 1.3 + 4.0, 409.0)
}

/// Title (row 0), subtitle (row 1) and the header row; returns the first data row.
fn table_head(
    ws: &mut Worksheet,
    st: &Styles,
    title: &str,
    subtitle: &str,
    cols: &[Column],
) -> Result<u32, XlsxError> {
    let last = (cols.len() - 1) as u16;
    let mut row = 0;
    if !title.is_empty() {
        if last > 0 {
            ws.merge_range(0, 0, 0, last, title, &st.title)?;
            ws.merge_range(1, 0, 1, last, subtitle, &st.subtitle)?;
        } else {
            ws.write_string_with_format(0, 0, title, &st.title)?;
            ws.write_string_with_format(1, 0, subtitle, &st.subtitle)?;
        }
        ws.set_row_height(0, 24)?;
        row = 3;
    }
    let mut need: f64 = 1.0;
    for (i, c) in cols.iter().enumerate() {
        ws.write_string_with_format(row, i as u16, &c.title, &st.header)?;
        ws.set_column_width(i as u16, c.width)?;
        need = need.max(lines(&Cell::Text(c.title.clone()), c.width, st.pt));
    }
    ws.set_row_height(row, height(need, st.pt))?;
    ws.set_freeze_panes(row + 1, 0)?;
    ws.set_repeat_rows(row, row)?;
    ws.set_paper_size(9); // A4
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    Ok(row + 1)
}

/// Render the workbook.
pub fn render(report: &Report, t: &ExportTemplate) -> Result<Vec<u8>, XlsxError> {
    let st = Styles::new(t);
    let cat = Catalog::new(report);
    let as_of = report.summary.as_of.parse::<Date>().ok();
    let subtitle = match as_of {
        Some(d) => format!(
            "(Kèm theo kết quả rà soát ngày {} của {})",
            crate::catalog::date_vi(d),
            t.header.body_name
        ),
        None => format!("(Kèm theo kết quả rà soát của {})", t.header.body_name),
    };
    let mut wb = Workbook::new();
    let note = t.properties_note();
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{} – {}", t.catalog.title, t.header.subject))
            .set_subject(if t.reference {
                format!("Biểu mẫu tham khảo – {}", t.header.subject)
            } else {
                t.header.subject.clone()
            })
            .set_author(&t.author)
            .set_company(&t.header.issuing_body)
            .set_keywords("rasoat; rà soát văn bản")
            .set_comment(&note)
            .set_status(if t.reference {
                "Biểu mẫu tham khảo"
            } else {
                ""
            }),
    );

    // 1. Danh mục cần xử lý.
    {
        let ws = wb.add_worksheet();
        ws.set_name(&t.catalog.sheet)?;
        let cols = &t.catalog.columns;
        let mut row = table_head(ws, &st, &t.catalog.title, &subtitle, cols)?;
        let rows = cat.rows(t);
        let mut i = 0;
        while i < rows.len() {
            let n = rows[i..]
                .iter()
                .take_while(|r| r.stt == rows[i].stt)
                .count();
            let mut need = vec![1.0f64; n];
            for (k, r) in rows[i..i + n].iter().enumerate() {
                let d = r.doc;
                for (c, col) in cols.iter().enumerate() {
                    let per_doc = crate::catalog::per_document(&col.key);
                    if per_doc && k > 0 {
                        continue; // merged below
                    }
                    let v = match col.key.as_str() {
                        "stt" => Cell::Number(r.stt as f64),
                        "type_name" => Cell::Text(d.type_name.clone().unwrap_or_default()),
                        "number" => {
                            Cell::Text(d.number.clone().unwrap_or_else(|| d.display.clone()))
                        }
                        "date" => Cell::Date(d.date),
                        "title" => Cell::Text(d.title.clone().unwrap_or_default()),
                        "issuer" => Cell::Text(d.issuer.clone().unwrap_or_default()),
                        "path" => Cell::Text(d.path.clone()),
                        "document" => Cell::Text(crate::catalog::doc_citation(d)),
                        "content" => Cell::Text(r.content.clone()),
                        "handling" => Cell::Text(r.handling.clone()),
                        "reason" => Cell::Text(r.reason.clone()),
                        "lead_body" => Cell::Text(r.lead_body.clone()),
                        "deadline" => Cell::Date(r.deadline),
                        "note" => Cell::Text(r.note.clone()),
                        _ => Cell::Text(String::new()),
                    };
                    let (row0, col0) = (row + k as u32, c as u16);
                    if per_doc && n > 1 {
                        // One merged cell per document: write the frame, then the typed value.
                        let fmt = match v {
                            Cell::Number(_) => &st.center,
                            _ => &st.text,
                        };
                        ws.merge_range(row0, col0, row0 + n as u32 - 1, col0, "", fmt)?;
                        let each = lines(&v, col.width, st.pt) / n as f64;
                        need.iter_mut().for_each(|x| *x = x.max(each));
                    } else {
                        need[k] = need[k].max(lines(&v, col.width, st.pt));
                    }
                    put(ws, &st, row0, col0, &v)?;
                }
            }
            for (k, l) in need.iter().enumerate() {
                ws.set_row_height(row + k as u32, height(l.ceil(), st.pt))?;
            }
            row += n as u32;
            i += n;
        }
        let last = row.max(5) - 1;
        ws.autofilter(3, 0, last, (cols.len() - 1) as u16)?;
    }

    // 2. Hết hiệu lực.
    {
        let ws = wb.add_worksheet();
        ws.set_name(&t.expired.sheet)?;
        let cols = &t.expired.columns;
        let first = table_head(ws, &st, &t.expired.title, &subtitle, cols)?;
        for (i, d) in cat.expired().into_iter().enumerate() {
            let row = first + i as u32;
            let mut need: f64 = 1.0;
            for (c, col) in cols.iter().enumerate() {
                let v = match col.key.as_str() {
                    "stt" => Cell::Number((i + 1) as f64),
                    "type_name" => Cell::Text(d.type_name.clone().unwrap_or_default()),
                    "number" => Cell::Text(d.number.clone().unwrap_or_else(|| d.display.clone())),
                    "date" => Cell::Date(d.date),
                    "title" => Cell::Text(d.title.clone().unwrap_or_default()),
                    "issuer" => Cell::Text(d.issuer.clone().unwrap_or_default()),
                    "reason" => Cell::Text(expiry_reason(d)),
                    "until" => Cell::Date(d.status_date),
                    "path" => Cell::Text(d.path.clone()),
                    _ => Cell::Text(String::new()),
                };
                need = need.max(lines(&v, col.width, st.pt));
                put(ws, &st, row, c as u16, &v)?;
            }
            ws.set_row_height(row, height(need, st.pt))?;
        }
    }

    // 3. Phát hiện: every finding, every field of the JSON report.
    {
        let ws = wb.add_worksheet();
        ws.set_name(&t.findings.sheet)?;
        let cols = &t.findings.columns;
        let mut row = table_head(ws, &st, "", "", cols)?;
        ws.set_print_fit_to_pages(0, 0);
        for (i, f) in report.findings.iter().enumerate() {
            let l = &f.location;
            let (basis, handling, category) = basis_and_handling(report, f);
            let mut need: f64 = 1.0;
            for (c, col) in cols.iter().enumerate() {
                let text = |s: &str| Cell::Text(s.to_string());
                let opt = |s: &Option<String>| Cell::Text(s.clone().unwrap_or_default());
                let v = match col.key.as_str() {
                    "rule" => text(&f.rule),
                    "code" => text(&f.code),
                    "severity" => text(f.severity.as_str()),
                    "category" => text(&category),
                    "message" => text(&f.message),
                    "file" => text(&l.file),
                    "line" => Cell::Number(l.line as f64),
                    "column" => Cell::Number(l.column as f64),
                    "end_line" => Cell::Number(l.end_line as f64),
                    "end_column" => Cell::Number(l.end_column as f64),
                    "byte_start" => Cell::Number(l.byte_start as f64),
                    "byte_end" => Cell::Number(l.byte_end as f64),
                    "document" => opt(&l.document),
                    "doc_date" => Cell::Date(cat.doc_of(i).date),
                    "provision" => opt(&l.provision),
                    "label" => opt(&l.label),
                    "snippet" => opt(&l.snippet),
                    "related" => Cell::Text(related_text(f)),
                    "legal_basis" => text(&basis),
                    "handling" => text(&handling),
                    "evidence" => Cell::Text(evidence_text(f)),
                    "fingerprint" => text(&f.fingerprint),
                    _ => text(""),
                };
                need = need.max(lines(&v, col.width, st.pt));
                put(ws, &st, row, c as u16, &v)?;
            }
            ws.set_row_height(row, height(need, st.pt))?;
            row += 1;
        }
        ws.autofilter(0, 0, row.max(2) - 1, (cols.len() - 1) as u16)?;
    }

    // 4. Tổng hợp.
    {
        let ws = wb.add_worksheet();
        ws.set_name(&t.summary.sheet)?;
        ws.set_column_width(0, 44)?;
        ws.set_column_width(1, 40)?;
        ws.set_column_width(2, 14)?;
        ws.merge_range(0, 0, 0, 2, &t.summary.title, &st.title)?;
        ws.merge_range(1, 0, 1, 2, &subtitle, &st.subtitle)?;
        let s = &report.summary;
        let mut row = 3;
        let section = |ws: &mut Worksheet,
                       row: &mut u32,
                       title: &str,
                       head: [&str; 3],
                       items: Vec<(String, String, f64)>|
         -> Result<(), XlsxError> {
            ws.write_string_with_format(*row, 0, title, &st.label)?;
            *row += 1;
            for (c, h) in head.iter().enumerate() {
                ws.write_string_with_format(*row, c as u16, *h, &st.header)?;
            }
            *row += 1;
            for (a, b, n) in items {
                ws.write_string_with_format(*row, 0, cut(&a), &st.text)?;
                ws.write_string_with_format(*row, 1, cut(&b), &st.text)?;
                ws.write_number_with_format(*row, 2, n, &st.number)?;
                *row += 1;
            }
            *row += 1;
            Ok(())
        };
        ws.write_string_with_format(row, 0, "Ngày rà soát", &st.label)?;
        match as_of {
            Some(d) => {
                ws.write_datetime_with_format(row, 2, excel_date(d)?, &st.date)?;
            }
            None => {
                ws.write_string_with_format(row, 2, &s.as_of, &st.text)?;
            }
        }
        row += 2;
        let general = vec![
            ("Số văn bản được rà soát", s.documents),
            ("Số quy định (điều, khoản, điểm, mục)", s.provisions),
            ("Số phát hiện", s.findings),
            ("  trong đó: lỗi", s.errors),
            ("  cảnh báo", s.warnings),
            ("  thông tin", s.infos),
            (
                "Phát hiện được loại trừ (chú thích, rasoat.toml, baseline)",
                s.suppressed,
            ),
            ("Tệp không đọc được", s.parse_errors),
            (
                "Văn bản cần xử lý",
                cat.rows(t).last().map(|r| r.stt).unwrap_or(0),
            ),
            ("Văn bản hết hiệu lực", cat.expired().len()),
        ];
        section(
            ws,
            &mut row,
            "Thông tin chung",
            ["Chỉ tiêu", "", "Số lượng"],
            general
                .into_iter()
                .map(|(a, n)| (a.to_string(), String::new(), n as f64))
                .collect(),
        )?;
        let mut by_sev: BTreeMap<std::cmp::Reverse<Severity>, usize> = BTreeMap::new();
        let mut by_cat: BTreeMap<String, usize> = BTreeMap::new();
        let mut by_rule: BTreeMap<(String, String), usize> = BTreeMap::new();
        for f in &report.findings {
            *by_sev.entry(std::cmp::Reverse(f.severity)).or_default() += 1;
            let (_, _, c) = basis_and_handling(report, f);
            let c = if c.is_empty() {
                "(không phân loại)".to_string()
            } else {
                c
            };
            *by_cat.entry(c).or_default() += 1;
            *by_rule.entry((f.code.clone(), f.rule.clone())).or_default() += 1;
        }
        let order = |c: &str| {
            t.docx
                .categories
                .iter()
                .position(|x| x == c)
                .unwrap_or(usize::MAX)
        };
        let mut cats: Vec<_> = by_cat.into_iter().collect();
        cats.sort_by_key(|(c, _)| order(c));
        section(
            ws,
            &mut row,
            "Theo quy tắc",
            ["Quy tắc", "Tên quy tắc", "Số phát hiện"],
            by_rule
                .into_iter()
                .map(|((code, id), n)| {
                    let name = report
                        .rules
                        .iter()
                        .find(|r| r.id == id)
                        .map(|r| r.name_vi.clone())
                        .unwrap_or_default();
                    let tag = if code.is_empty() {
                        id
                    } else {
                        format!("{code}/{id}")
                    };
                    (tag, name, n as f64)
                })
                .collect(),
        )?;
        section(
            ws,
            &mut row,
            "Theo mức độ",
            ["Mức độ", "", "Số phát hiện"],
            by_sev
                .into_iter()
                .map(|(s, n)| {
                    (
                        severity_vi(s.0).to_string(),
                        s.0.as_str().to_string(),
                        n as f64,
                    )
                })
                .collect(),
        )?;
        section(
            ws,
            &mut row,
            "Theo loại sai sót",
            ["Loại sai sót", "", "Số phát hiện"],
            cats.into_iter()
                .map(|(c, n)| (crate::catalog::capitalize(&c), String::new(), n as f64))
                .collect(),
        )?;
        let docs = cat.by_document();
        section(
            ws,
            &mut row,
            "Theo văn bản",
            ["Văn bản", "Tệp", "Số phát hiện"],
            docs.into_iter()
                .map(|(d, fs)| (d.display.clone(), d.path.clone(), fs.len() as f64))
                .collect(),
        )?;
        let _ = deadline_of;
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use crate::readback::Xlsx;
    use crate::template::ExportTemplate;
    use crate::testdata::sample_with_documents;

    fn workbook(report: &rasoat_model::Report) -> Xlsx {
        let bytes = super::render(report, &ExportTemplate::bundled()).unwrap();
        Xlsx::open(&bytes)
    }

    #[test]
    fn findings_sheet_equals_the_findings() {
        let report = sample_with_documents();
        let x = workbook(&report);
        assert_eq!(
            x.sheet_names(),
            [
                "Danh mục cần xử lý",
                "Hết hiệu lực",
                "Phát hiện",
                "Tổng hợp"
            ]
        );
        let rows = x.rows("Phát hiện");
        assert_eq!(rows.len(), 1 + report.findings.len());
        assert_eq!(rows[0][0], "Quy tắc");
        for (r, f) in rows[1..].iter().zip(&report.findings) {
            assert_eq!(r[0], f.rule);
            assert_eq!(r[1], f.code);
            assert_eq!(r[4], f.message);
            assert_eq!(r[6], f.location.line.to_string());
            assert_eq!(Some(&r[16]), f.location.snippet.as_ref());
            assert_eq!(r[21], f.fingerprint);
        }
        let sheet = x.sheet_xml("Phát hiện");
        assert!(sheet.contains("<autoFilter ref=\"A1:V3\""), "{sheet}");
        assert!(sheet.contains("state=\"frozen\""));
        // Dates are numbers with a date format (serial 46 086 is 05/3/2026 in the sample).
        assert!(
            x.is_date_cell("Phát hiện", 1, 13),
            "doc_date is a real date"
        );
    }

    #[test]
    fn catalog_and_expired_sheets() {
        let report = sample_with_documents();
        let x = workbook(&report);
        let rows = x.rows("Danh mục cần xử lý");
        assert_eq!(rows[0][0], "DANH MỤC VĂN BẢN CẦN XỬ LÝ");
        assert_eq!(rows[3][0], "STT");
        assert_eq!(rows.len(), 5, "{rows:?}");
        assert_eq!(rows[4][0], "1");
        assert_eq!(rows[4][1], "Quyết định");
        assert_eq!(rows[4][6], "sửa đổi, bổ sung");
        assert_eq!(rows[4][8], "Sở Nội vụ");
        assert!(x.is_date_cell("Danh mục cần xử lý", 4, 3));
        let ex = x.rows("Hết hiệu lực");
        assert_eq!(ex.len(), 5);
        assert_eq!(ex[4][1], "89/KH-UBND");
        assert_eq!(ex[4][4], "Bị thay thế bởi Kế hoạch 45/KH-UBND");
        assert!(x.is_date_cell("Hết hiệu lực", 4, 5));
        let core = x.part("docProps/core.xml");
        assert!(core.contains("Biểu mẫu tham khảo"), "{core}");
    }

    #[test]
    fn text_starting_like_a_formula_stays_text() {
        let mut report = sample_with_documents();
        for (i, p) in ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)"]
            .iter()
            .enumerate()
        {
            let mut f = report.findings[0].clone();
            f.message = p.to_string();
            f.location.snippet = Some(p.to_string());
            f.fingerprint = format!("{i:016}");
            report.findings.push(f);
        }
        let x = workbook(&report);
        for name in x.sheet_names() {
            assert!(!x.sheet_xml(&name).contains("<f>"), "{name} has a formula");
        }
        let rows = x.rows("Phát hiện");
        assert_eq!(rows[3][4], "=HYPERLINK(\"http://x\")");
        assert!(x.is_string_cell("Phát hiện", 3, 4));
        assert_eq!(rows[6][16], "@SUM(A1)");
    }

    #[test]
    fn vietnamese_text_round_trips_byte_for_byte() {
        let mut report = sample_with_documents();
        let s = "Ủy ban nhân dân tỉnh Đắk Lắk giao Sở Tư pháp chủ trì, phối hợp – “thẩm định”; ỷ ỹ ự ằ ẵ";
        report.findings[0].message = s.into();
        let x = workbook(&report);
        assert_eq!(x.rows("Phát hiện")[1][4].as_bytes(), s.as_bytes());
    }
}
