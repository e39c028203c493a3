//! Test helper: open a produced .xlsx / .docx (zip) and read its XML back with quick-xml.
//! Shared by the unit tests of this crate and `tests/export.rs` (included with `#[path]`).
#![allow(dead_code)]
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::io::{Cursor, Read};

pub struct Package {
    parts: HashMap<String, String>,
}

impl Package {
    pub fn open(bytes: &[u8]) -> Package {
        let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip package");
        let mut parts = HashMap::new();
        for i in 0..z.len() {
            let mut f = z.by_index(i).unwrap();
            let mut s = String::new();
            if f.read_to_string(&mut s).is_ok() {
                let name = f.name().map(|n| n.to_string()).unwrap_or_default();
                parts.insert(name, s);
            }
        }
        Package { parts }
    }

    pub fn part(&self, name: &str) -> &str {
        self.parts
            .get(name)
            .unwrap_or_else(|| panic!("no part {name}"))
    }

    pub fn has(&self, name: &str) -> bool {
        self.parts.contains_key(name)
    }
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        let key: &str = a.key.as_ref();
        (key == name).then(|| unescape(&a.value))
    })
}

fn entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let n = name.strip_prefix('#')?;
            let v = match n.strip_prefix('x') {
                Some(h) => u32::from_str_radix(h, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(v)?
        }
    })
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        match tail
            .find(';')
            .and_then(|j| entity(&tail[..j]).map(|c| (c, j)))
        {
            Some((c, j)) => {
                out.push(c);
                rest = &tail[j + 1..];
            }
            None => {
                out.push('&');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Excel's `_xHHHH_` escapes of control characters in strings.
fn excel_unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("_x") {
        out.push_str(&rest[..i]);
        let t = &rest[i..];
        let code = t
            .get(2..6)
            .filter(|h| h.chars().all(|c| c.is_ascii_hexdigit()));
        match (code, t.get(6..7)) {
            (Some(h), Some("_")) => {
                out.push(char::from_u32(u32::from_str_radix(h, 16).unwrap()).unwrap_or('?'));
                rest = &t[7..];
            }
            _ => {
                out.push_str("_x");
                rest = &t[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Walk text of `xml`: calls `f` with (event kind, element name, start element, text).
enum Ev<'a> {
    Start(String, &'a BytesStart<'a>),
    Empty(String, &'a BytesStart<'a>),
    End(String),
    Text(String),
}

fn walk(xml: &str, mut f: impl FnMut(Ev)) {
    let mut rd = Reader::from_str(xml);
    loop {
        match rd.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                let n = e.name().as_ref().to_string();
                f(Ev::Start(n, &e))
            }
            Event::Empty(e) => {
                let n = e.name().as_ref().to_string();
                f(Ev::Empty(n, &e))
            }
            Event::End(e) => f(Ev::End(e.name().as_ref().to_string())),
            Event::Text(t) => f(Ev::Text(t.to_string())),
            Event::CData(t) => f(Ev::Text(t.to_string())),
            Event::GeneralRef(g) => {
                let name = g.to_string();
                if let Some(c) = entity(&name) {
                    f(Ev::Text(c.to_string()))
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
}

pub struct Xlsx {
    pub pkg: Package,
    strings: Vec<String>,
    sheets: Vec<(String, String)>,
    date_styles: Vec<bool>,
}

#[derive(Debug, Clone, Default)]
struct RawCell {
    t: Option<String>,
    s: usize,
    v: String,
    formula: bool,
}

/// `B3` → (2, 1).
fn cell_ref(r: &str) -> (usize, usize) {
    let col: String = r.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let row: usize = r[col.len()..].parse().unwrap();
    let c = col
        .bytes()
        .fold(0usize, |a, b| a * 26 + (b - b'A' + 1) as usize)
        - 1;
    (row - 1, c)
}

impl Xlsx {
    pub fn open(bytes: &[u8]) -> Xlsx {
        let pkg = Package::open(bytes);
        let mut strings = Vec::new();
        if pkg.has("xl/sharedStrings.xml") {
            let (mut cur, mut in_t, mut in_rph) = (String::new(), false, false);
            walk(pkg.part("xl/sharedStrings.xml"), |ev| match ev {
                Ev::Start(n, _) if n == "si" => cur.clear(),
                Ev::Start(n, _) if n == "t" => in_t = true,
                Ev::Start(n, _) if n == "rPh" => in_rph = true,
                Ev::End(n) if n == "rPh" => in_rph = false,
                Ev::End(n) if n == "t" => in_t = false,
                Ev::End(n) if n == "si" => strings.push(excel_unescape(&cur)),
                Ev::Text(t) if in_t && !in_rph => cur.push_str(&t),
                _ => {}
            });
        }
        let mut rels = HashMap::new();
        walk(pkg.part("xl/_rels/workbook.xml.rels"), |ev| {
            if let Ev::Empty(n, e) | Ev::Start(n, e) = ev
                && n == "Relationship"
            {
                rels.insert(attr(e, "Id").unwrap(), attr(e, "Target").unwrap());
            }
        });
        let mut sheets = Vec::new();
        walk(pkg.part("xl/workbook.xml"), |ev| {
            if let Ev::Empty(n, e) | Ev::Start(n, e) = ev
                && n == "sheet"
            {
                let target = rels[&attr(e, "r:id").unwrap()].clone();
                let path = match target.strip_prefix('/') {
                    Some(p) => p.to_string(),
                    None => format!("xl/{target}"),
                };
                sheets.push((attr(e, "name").unwrap(), path));
            }
        });
        // Styles: which cellXfs use a date number format.
        let mut fmts: HashMap<u32, String> = HashMap::new();
        let mut date_styles = Vec::new();
        let mut in_xfs = false;
        walk(pkg.part("xl/styles.xml"), |ev| match ev {
            Ev::Empty(n, e) | Ev::Start(n, e) if n == "numFmt" => {
                fmts.insert(
                    attr(e, "numFmtId").unwrap().parse().unwrap(),
                    attr(e, "formatCode").unwrap(),
                );
            }
            Ev::Start(n, _) if n == "cellXfs" => in_xfs = true,
            Ev::End(n) if n == "cellXfs" => in_xfs = false,
            Ev::Empty(n, e) | Ev::Start(n, e) if n == "xf" && in_xfs => {
                let id: u32 = attr(e, "numFmtId")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                let is_date = (14..=22).contains(&id)
                    || fmts
                        .get(&id)
                        .is_some_and(|c| c.contains('d') && c.contains('y'));
                date_styles.push(is_date);
            }
            _ => {}
        });
        Xlsx {
            pkg,
            strings,
            sheets,
            date_styles,
        }
    }

    pub fn sheet_names(&self) -> Vec<String> {
        self.sheets.iter().map(|s| s.0.clone()).collect()
    }

    pub fn sheet_xml(&self, name: &str) -> String {
        let p = &self.sheets.iter().find(|s| s.0 == name).expect("sheet").1;
        self.pkg.part(p).to_string()
    }

    fn cells(&self, name: &str) -> HashMap<(usize, usize), RawCell> {
        let xml = self.sheet_xml(name);
        let mut out = HashMap::new();
        let mut cur: Option<((usize, usize), RawCell)> = None;
        let mut in_v = false;
        let mut in_is_t = false;
        walk(&xml, |ev| match ev {
            Ev::Start(n, e) | Ev::Empty(n, e) if n == "c" => {
                let at = cell_ref(&attr(e, "r").unwrap());
                let c = RawCell {
                    t: attr(e, "t"),
                    s: attr(e, "s").and_then(|v| v.parse().ok()).unwrap_or(0),
                    ..Default::default()
                };
                out.insert(at, c.clone());
                cur = Some((at, c));
            }
            Ev::Start(n, _) | Ev::Empty(n, _) if n == "f" => {
                if let Some((_, c)) = cur.as_mut() {
                    c.formula = true;
                }
            }
            Ev::Start(n, _) if n == "v" => in_v = true,
            Ev::End(n) if n == "v" => in_v = false,
            Ev::Start(n, _) if n == "t" => in_is_t = true,
            Ev::End(n) if n == "t" => in_is_t = false,
            Ev::Text(t) if in_v || in_is_t => {
                if let Some((_, c)) = cur.as_mut() {
                    c.v.push_str(&t);
                }
            }
            Ev::End(n) if n == "c" => {
                if let Some((at, c)) = cur.take() {
                    out.insert(at, c);
                }
            }
            _ => {}
        });
        out
    }

    /// The sheet as text rows (0-based; shared strings resolved, numbers as written).
    pub fn rows(&self, name: &str) -> Vec<Vec<String>> {
        let cells = self.cells(name);
        let nrows = cells.keys().map(|k| k.0 + 1).max().unwrap_or(0);
        let ncols = cells.keys().map(|k| k.1 + 1).max().unwrap_or(0);
        let mut grid = vec![vec![String::new(); ncols]; nrows];
        for ((r, c), cell) in cells {
            grid[r][c] = match cell.t.as_deref() {
                Some("s") => self.strings[cell.v.parse::<usize>().unwrap()].clone(),
                Some("inlineStr") => excel_unescape(&cell.v),
                _ => match cell.v.parse::<f64>() {
                    Ok(n) if n.fract() == 0.0 => format!("{}", n as i64),
                    _ => cell.v.clone(),
                },
            };
        }
        grid
    }

    /// A number cell with a date format (0-based row/column).
    pub fn is_date_cell(&self, name: &str, row: usize, col: usize) -> bool {
        self.cells(name).get(&(row, col)).is_some_and(|c| {
            c.t.is_none() && !c.v.is_empty() && self.date_styles.get(c.s).copied().unwrap_or(false)
        })
    }

    /// The serial number of a date cell.
    pub fn date_serial(&self, name: &str, row: usize, col: usize) -> Option<f64> {
        self.cells(name)
            .get(&(row, col))
            .and_then(|c| c.v.parse().ok())
    }

    /// A shared or inline string cell without a formula.
    pub fn is_string_cell(&self, name: &str, row: usize, col: usize) -> bool {
        self.cells(name)
            .get(&(row, col))
            .is_some_and(|c| matches!(c.t.as_deref(), Some("s") | Some("inlineStr")) && !c.formula)
    }

    pub fn part(&self, name: &str) -> &str {
        self.pkg.part(name)
    }
}

/// A Word document read back: its body paragraphs and tables as text.
pub struct Docx {
    pub pkg: Package,
}

/// One block of the body: a paragraph or a table (rows → cells → text, paragraphs joined by \n).
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Para(String),
    Table(Vec<Vec<String>>),
}

impl Docx {
    pub fn open(bytes: &[u8]) -> Docx {
        Docx {
            pkg: Package::open(bytes),
        }
    }

    pub fn document_xml(&self) -> &str {
        self.pkg.part("word/document.xml")
    }

    /// Body blocks in order (top-level tables only; nested paragraphs go into their cell).
    pub fn blocks(&self) -> Vec<Block> {
        let mut out = Vec::new();
        let mut depth = 0usize; // table nesting
        let mut para = String::new();
        let mut in_t = false;
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut cell = String::new();
        let mut cell_paras = 0;
        walk(self.document_xml(), |ev| match ev {
            Ev::Start(n, _) if n == "w:tbl" => {
                depth += 1;
                if depth == 1 {
                    rows.clear();
                }
            }
            Ev::End(n) if n == "w:tbl" => {
                depth -= 1;
                if depth == 0 {
                    out.push(Block::Table(std::mem::take(&mut rows)));
                }
            }
            Ev::Start(n, _) if n == "w:tr" && depth == 1 => rows.push(Vec::new()),
            Ev::Start(n, _) if n == "w:tc" && depth == 1 => {
                cell.clear();
                cell_paras = 0;
            }
            Ev::End(n) if n == "w:tc" && depth == 1 => {
                if let Some(r) = rows.last_mut() {
                    r.push(std::mem::take(&mut cell));
                }
            }
            Ev::Start(n, _) if n == "w:p" => para.clear(),
            Ev::End(n) if n == "w:p" => {
                if depth == 0 {
                    out.push(Block::Para(std::mem::take(&mut para)));
                } else {
                    if cell_paras > 0 {
                        cell.push('\n');
                    }
                    cell.push_str(&std::mem::take(&mut para));
                    cell_paras += 1;
                }
            }
            Ev::Start(n, _) if n == "w:t" => in_t = true,
            Ev::End(n) if n == "w:t" => in_t = false,
            Ev::Empty(n, _) if n == "w:br" => para.push('\n'),
            Ev::Empty(n, _) if n == "w:tab" => para.push('\t'),
            Ev::Text(t) if in_t => para.push_str(&t),
            _ => {}
        });
        out
    }

    /// Body paragraphs outside tables.
    pub fn paragraphs(&self) -> Vec<String> {
        self.blocks()
            .into_iter()
            .filter_map(|b| match b {
                Block::Para(p) => Some(p),
                _ => None,
            })
            .collect()
    }

    pub fn tables(&self) -> Vec<Vec<Vec<String>>> {
        self.blocks()
            .into_iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(t),
                _ => None,
            })
            .collect()
    }
}
