//! Legacy Word 97–2003 `.doc` (the `cfb` OLE reader and the document's piece table):
//! FIB → CLX → PlcPcd gives the main text as pieces, each either 8-bit (Windows-1252)
//! or UTF-16; paragraphs end at `\r`, table cells at `\x07`; fields keep their result.
//! Runs in TCVN3/VNI fonts (`.VnTime`, `VNI-Times`, from the font table `SttbfFfn` and
//! the character runs `PlcfBteChpx`) are converted to Unicode; text in a legacy
//! encoding whose font comes from a style is caught by content instead.
//!
//! Positions: like .docx, spans refer to the paragraph text (line N = paragraph N).

use crate::legacy::{self, Legacy};
use rasoat_model::{Document, Format};
use std::io::{Cursor, Read};

/// Largest stream read from the OLE container.
const MAX_STREAM: u64 = 256 << 20;

fn u16_at(b: &[u8], at: usize) -> Result<u16, String> {
    b.get(at..at + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .ok_or_else(|| format!("corrupt .doc: truncated structure at byte {at}"))
}

fn u32_at(b: &[u8], at: usize) -> Result<u32, String> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(|| format!("corrupt .doc: truncated structure at byte {at}"))
}

fn read_stream(cf: &mut cfb::CompoundFile<Cursor<&[u8]>>, name: &str) -> Result<Vec<u8>, String> {
    let s = cf
        .open_stream(name)
        .map_err(|e| format!("not a Word .doc: no {name} stream ({e})"))?;
    let mut v = Vec::new();
    s.take(MAX_STREAM + 1)
        .read_to_end(&mut v)
        .map_err(|e| format!("corrupt .doc: cannot read {name}: {e}"))?;
    if v.len() as u64 > MAX_STREAM {
        return Err(format!("{name} stream larger than {} MB", MAX_STREAM >> 20));
    }
    Ok(v)
}

/// The parts of the FIB this reader uses.
struct Fib {
    table: &'static str,
    ccp_text: u32,
    clx: (u32, u32),
    ffn: (u32, u32),
    chpx: (u32, u32),
}

fn fib(w: &[u8]) -> Result<Fib, String> {
    if u16_at(w, 0)? != 0xA5EC {
        return Err("not a Word 97–2003 document (bad FIB signature)".into());
    }
    let flags = u16_at(w, 0x0A)?;
    if flags & 0x0100 != 0 {
        return Err("encrypted .doc (password protected)".into());
    }
    let table = if flags & 0x0200 != 0 {
        "1Table"
    } else {
        "0Table"
    };
    let csw = u16_at(w, 32)? as usize;
    let lw = 34 + csw * 2;
    let cslw = u16_at(w, lw)? as usize;
    let ccp_text = u32_at(w, lw + 2 + 3 * 4)?;
    let fc = lw + 2 + cslw * 4;
    let cb = u16_at(w, fc)? as usize;
    let pair = |i: usize| -> Result<(u32, u32), String> {
        if i >= cb {
            return Ok((0, 0));
        }
        Ok((u32_at(w, fc + 2 + i * 8)?, u32_at(w, fc + 6 + i * 8)?))
    };
    Ok(Fib {
        table,
        ccp_text,
        clx: pair(33)?,
        ffn: pair(15)?,
        chpx: pair(12)?,
    })
}

/// One piece of text: character positions [cp, cp_end) stored from byte `fc` of the
/// WordDocument stream, one byte (Windows-1252) or two (UTF-16) per character.
struct Piece {
    cp: u32,
    cp_end: u32,
    fc: u32,
    compressed: bool,
}

fn slice(b: &[u8], (fc, lcb): (u32, u32), what: &str) -> Result<Vec<u8>, String> {
    b.get(fc as usize..fc as usize + lcb as usize)
        .map(<[u8]>::to_vec)
        .ok_or_else(|| format!("corrupt .doc: {what} outside the table stream"))
}

fn pieces(clx: &[u8]) -> Result<Vec<Piece>, String> {
    let mut i = 0;
    // Skip the Prc entries (formatting), then the Pcdt holds the piece table.
    while clx.get(i) == Some(&1) {
        let cb = u16_at(clx, i + 1)? as usize;
        i += 3 + cb;
    }
    if clx.get(i) != Some(&2) {
        return Err("corrupt .doc: no piece table".into());
    }
    let lcb = u32_at(clx, i + 1)? as usize;
    let plc = clx
        .get(i + 5..i + 5 + lcb)
        .ok_or("corrupt .doc: piece table truncated")?;
    if lcb < 4 {
        return Err("corrupt .doc: empty piece table".into());
    }
    let n = (lcb - 4) / 12;
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        let cp = u32_at(plc, k * 4)?;
        let cp_end = u32_at(plc, (k + 1) * 4)?;
        let pcd = (n + 1) * 4 + k * 8;
        let raw = u32_at(plc, pcd + 2)?;
        let compressed = raw & 0x4000_0000 != 0;
        let fc = raw & 0x3FFF_FFFF;
        out.push(Piece {
            cp,
            cp_end: cp_end.max(cp),
            fc: if compressed { fc / 2 } else { fc },
            compressed,
        });
    }
    Ok(out)
}

/// Font names by index (SttbfFfn).
fn fonts(sttb: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(n) = u16_at(sttb, 0) else { return out };
    let mut i = 4;
    for _ in 0..n {
        let Some(&len) = sttb.get(i) else { break };
        let ffn = sttb.get(i + 1..i + 1 + len as usize).unwrap_or(&[]);
        let name: Vec<u16> = ffn
            .get(39..)
            .unwrap_or(&[])
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|&u| u != 0)
            .collect();
        out.push(String::from_utf16_lossy(&name));
        i += 1 + len as usize;
    }
    out
}

/// Character runs with an explicit font: (fc start, fc end, font index), sorted.
fn font_runs(w: &[u8], bte: &[u8]) -> Vec<(u32, u32, u16)> {
    let mut out = Vec::new();
    if bte.len() < 8 {
        return out;
    }
    let n = (bte.len() - 4) / 8;
    for k in 0..n {
        let Ok(pn) = u32_at(bte, (n + 1) * 4 + k * 4) else {
            break;
        };
        let page = (pn & 0x3F_FFFF) as usize * 512;
        let Some(fkp) = w.get(page..page + 512) else {
            continue;
        };
        let crun = fkp[511] as usize;
        for r in 0..crun.min(101) {
            let (Ok(a), Ok(b)) = (u32_at(fkp, r * 4), u32_at(fkp, r * 4 + 4)) else {
                break;
            };
            let off = *fkp.get((crun + 1) * 4 + r).unwrap_or(&0) as usize * 2;
            if off == 0 || off >= 511 {
                continue;
            }
            let cb = fkp[off] as usize;
            let grpprl = fkp.get(off + 1..(off + 1 + cb).min(511)).unwrap_or(&[]);
            if let Some(f) = font_sprm(grpprl) {
                out.push((a, b, f));
            }
        }
    }
    out.sort_unstable();
    out
}

/// The run font (sprmCRgFtc0, or Word 6's sprmCFtc) in a CHPX's property list.
fn font_sprm(g: &[u8]) -> Option<u16> {
    let mut i = 0;
    let mut font = None;
    while i + 2 <= g.len() {
        let sprm = u16::from_le_bytes([g[i], g[i + 1]]);
        i += 2;
        let len = match sprm >> 13 {
            0 | 1 => 1,
            2 | 4 | 5 => 2,
            3 => 4,
            7 => 3,
            _ => 1 + *g.get(i)? as usize,
        };
        if matches!(sprm, 0x4A4F | 0x4A3D) && i + 2 <= g.len() {
            font = Some(u16::from_le_bytes([g[i], g[i + 1]]));
        }
        i += len;
    }
    font
}

/// Characters of the main text with the WordDocument offset of each.
fn main_text(w: &[u8], pieces: &[Piece], ccp: u32) -> Result<Vec<(char, u32)>, String> {
    let mut out = Vec::with_capacity(ccp as usize);
    for p in pieces {
        if p.cp >= ccp {
            break;
        }
        let n = (p.cp_end.min(ccp) - p.cp) as usize;
        let start = p.fc as usize;
        if p.compressed {
            let b = w
                .get(start..start + n)
                .ok_or("corrupt .doc: a text piece lies outside the document stream")?;
            let (s, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(b);
            for (k, c) in s.chars().enumerate() {
                out.push((c, p.fc + k as u32));
            }
        } else {
            let b = w
                .get(start..start + n * 2)
                .ok_or("corrupt .doc: a text piece lies outside the document stream")?;
            let units = b.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]]));
            for (k, r) in char::decode_utf16(units).enumerate() {
                out.push((r.unwrap_or('\u{fffd}'), p.fc + 2 * k as u32));
            }
        }
    }
    Ok(out)
}

/// Paragraph text: fields keep their result, control characters go, cells are paragraphs.
/// Runs in a legacy font are decoded; returns whether any were.
fn paragraphs(
    chars: &[(char, u32)],
    runs: &[(u32, u32, u16)],
    fonts: &[String],
) -> (Vec<String>, bool) {
    let enc_at = |fc: u32| -> Option<(Legacy, bool)> {
        let i = runs.partition_point(|r| r.0 <= fc);
        let r = runs.get(i.checked_sub(1)?)?;
        (fc < r.1)
            .then(|| fonts.get(r.2 as usize))
            .flatten()
            .and_then(|f| legacy::font_encoding(f))
    };
    let mut paras = Vec::new();
    let mut cur = String::new();
    let mut run = String::new();
    let mut run_enc: Option<(Legacy, bool)> = None;
    let mut any_legacy = false;
    let mut field = Vec::<bool>::new(); // per open field: showing its result yet?
    let flush_run = |cur: &mut String, run: &mut String, enc: Option<(Legacy, bool)>| {
        match enc {
            Some((e, caps)) => cur.push_str(&legacy::decode_run(run, e, caps)),
            None => cur.push_str(run),
        }
        run.clear();
    };
    for &(c, fc) in chars {
        match c {
            '\u{13}' => field.push(false),
            '\u{14}' => {
                if let Some(f) = field.last_mut() {
                    *f = true;
                }
            }
            '\u{15}' => {
                field.pop();
            }
            _ if field.last() == Some(&false) => {} // field instructions
            '\r' | '\u{7}' | '\u{b}' | '\u{c}' => {
                flush_run(&mut cur, &mut run, run_enc);
                paras.push(std::mem::take(&mut cur));
            }
            '\u{1e}' => run.push('-'),
            // Word keeps byte 0xAD (ư in TCVN3) as its optional-hyphen mark.
            '\u{1f}' if run_enc.is_some() || enc_at(fc).is_some() => run.push('\u{ad}'),
            '\u{a0}' | '\t' => run.push(' '),
            c if c.is_control() || c == '\u{1f}' => {}
            c => {
                let enc = enc_at(fc);
                if enc != run_enc {
                    flush_run(&mut cur, &mut run, run_enc);
                    run_enc = enc;
                }
                any_legacy |= enc.is_some();
                run.push(c);
            }
        }
    }
    flush_run(&mut cur, &mut run, run_enc);
    paras.push(cur);
    (paras, any_legacy)
}

pub(crate) fn parse(path: &str, bytes: &[u8]) -> Result<Document, String> {
    let mut cf = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| format!("not a Word .doc (not an OLE compound file): {e}"))?;
    let w = read_stream(&mut cf, "WordDocument")?;
    let f = fib(&w)?;
    let t = read_stream(&mut cf, f.table)?;
    let pcs = pieces(&slice(&t, f.clx, "the piece table")?)?;
    let fonts = slice(&t, f.ffn, "the font table")
        .map(|s| fonts(&s))
        .unwrap_or_default();
    let runs = slice(&t, f.chpx, "the character runs")
        .map(|b| font_runs(&w, &b))
        .unwrap_or_default();
    let chars = main_text(&w, &pcs, f.ccp_text)?;
    let (mut paras, by_font) = paragraphs(&chars, &runs, &fonts);
    let mut warnings = Vec::new();
    if by_font {
        warnings
            .push("runs in TCVN3/VNI fonts (.VnTime, VNI-Times…) converted to Unicode".to_string());
    } else if let Some((enc, _)) = legacy::detect_mojibake(&paras.join("\n")) {
        // Legacy text whose font is set by a style: convert each paragraph by content.
        for p in &mut paras {
            if legacy::detect_mojibake(p).is_some() {
                *p = legacy::decode_run(p, enc, false);
            }
        }
        warnings.push(format!(
            "text in the legacy {} encoding converted to Unicode (by content: capitals of .VnTimeH runs may be lost)",
            enc.name()
        ));
    }
    let text = paras.join("\n");
    crate::parse_extracted(
        crate::source(path, Format::Doc, bytes),
        &text,
        true,
        warnings,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sprm_font_and_bad_inputs() {
        // sprmCFBold (1-byte operand), then sprmCRgFtc0 = font 3.
        assert_eq!(
            font_sprm(&[0x35, 0x08, 0x01, 0x4F, 0x4A, 0x03, 0x00]),
            Some(3)
        );
        assert_eq!(font_sprm(&[0x35, 0x08]), None);
        assert!(
            parse("x.doc", b"not ole")
                .unwrap_err()
                .contains("not a Word .doc")
        );
        assert!(fib(&[0u8; 64]).err().unwrap().contains("FIB"));
    }

    #[test]
    fn fields_keep_results() {
        let chars: Vec<(char, u32)> = "A\u{13}PAGE\u{14}5\u{15}B\rC\u{7}D"
            .chars()
            .map(|c| (c, 0))
            .collect();
        let (p, legacy) = paragraphs(&chars, &[], &[]);
        assert_eq!(p, ["A5B", "C", "D"]);
        assert!(!legacy);
    }
}
