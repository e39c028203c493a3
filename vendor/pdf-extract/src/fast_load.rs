//! rasoat patch: read a PDF with a classic cross-reference table into a `lopdf::Document`
//! without lopdf's nom parser. `Document::load_mem` took 0.5–0.65 ms for a 30 KB,
//! 31-object LibreOffice PDF (its input type counts lines at every step), a fifth of all PDF
//! extraction time; this reader takes the objects the table lists with our content lexer.
//!
//! It only reads what it can read exactly as lopdf does and says `None` otherwise, so the caller
//! falls back to lopdf: cross-reference streams and object streams (PDF 1.5), incremental
//! updates (`/Prev`), encryption, a stream whose `/Length` does not end at `endstream`, any object
//! that does not parse. Nothing here panics or loops without advancing.

use crate::content_lexer::Lexer;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use std::collections::BTreeMap;
use std::convert::TryFrom;

/// More objects than this: leave it to lopdf (and its limits).
const MAX_OBJECTS: usize = 1_000_000;

/// The document, or `None` when lopdf must read it.
pub fn load_mem(bytes: &[u8]) -> Option<Document> {
    let version = version(bytes)?;
    let xref_at = startxref(bytes)?;
    let (offsets, trailer) = xref_table(bytes, xref_at)?;
    if trailer.has(b"Prev") || trailer.has(b"Encrypt") || trailer.has(b"XRefStm") {
        return None;
    }
    let mut objects = BTreeMap::new();
    for (&id, &at) in &offsets {
        let obj = indirect_object(bytes, at, id, &offsets)?;
        if let Object::Stream(s) = &obj {
            if s.dict
                .get(b"Type")
                .and_then(|t| t.as_name())
                .is_ok_and(|t| t == b"ObjStm" || t == b"XRef")
            {
                return None;
            }
        }
        objects.insert(id, obj);
    }
    let mut doc = Document::new();
    doc.version = version;
    doc.max_id = objects.keys().map(|k| k.0).max().unwrap_or(0);
    doc.objects = objects;
    doc.trailer = trailer;
    doc.xref_start = xref_at;
    Some(doc)
}

/// `%PDF-1.6` → `1.6`, from the first bytes as lopdf reads it.
fn version(bytes: &[u8]) -> Option<String> {
    let rest = bytes.strip_prefix(b"%PDF-")?;
    let n = rest
        .iter()
        .take(8)
        .take_while(|c| c.is_ascii_digit() || **c == b'.')
        .count();
    (n > 0).then(|| String::from_utf8_lossy(&rest[..n]).into_owned())
}

/// The offset after the last `startxref`.
fn startxref(bytes: &[u8]) -> Option<usize> {
    let tail_from = bytes.len().saturating_sub(1024);
    let at = bytes[tail_from..]
        .windows(9)
        .rposition(|w| w == b"startxref")?
        + tail_from;
    let mut lx = Lexer {
        s: bytes,
        i: at + 9,
    };
    lx.skip_space();
    let v: usize = lx.unsigned()?;
    (v < bytes.len()).then_some(v)
}

/// The classic table at `at` (`xref`, sections of 20-byte entries, `trailer << … >>`): the
/// in-use objects' offsets and the trailer.
fn xref_table(bytes: &[u8], at: usize) -> Option<(BTreeMap<ObjectId, usize>, Dictionary)> {
    let mut lx = Lexer { s: bytes, i: at };
    if !lx.s[lx.i..].starts_with(b"xref") {
        return None;
    }
    lx.i += 4;
    let mut offsets = BTreeMap::new();
    loop {
        lx.skip_space();
        if lx.s[lx.i..].starts_with(b"trailer") {
            lx.i += 7;
            break;
        }
        let first: u32 = lx.unsigned()?;
        lx.skip_space();
        let count: usize = lx.unsigned()?;
        if offsets.len() + count > MAX_OBJECTS {
            return None;
        }
        for k in 0..count {
            lx.skip_space();
            let off: usize = lx.unsigned()?;
            lx.skip_space();
            let gen: u16 = lx.unsigned()?;
            lx.skip_space();
            let kind = *lx.s.get(lx.i)?;
            lx.i += 1;
            if kind == b'n' && off > 0 {
                // A later section's entry wins, as in lopdf (one table: no duplicates expected).
                offsets.insert((first.checked_add(k as u32)?, gen), off);
            } else if kind != b'f' {
                return None;
            }
        }
    }
    lx.skip_space();
    match lx.operand(0)? {
        Object::Dictionary(d) => Some((offsets, d)),
        _ => None,
    }
}

/// `n g obj <object>` at `at`, checked against `id`: the object and the offset after it.
fn object_head(bytes: &[u8], at: usize, id: ObjectId) -> Option<(Object, usize)> {
    if at >= bytes.len() {
        return None;
    }
    let mut lx = Lexer { s: bytes, i: at };
    lx.skip_space();
    let n: u32 = lx.unsigned()?;
    lx.skip_space();
    let g: u16 = lx.unsigned()?;
    lx.skip_space();
    if (n, g) != id || !lx.s[lx.i..].starts_with(b"obj") {
        return None;
    }
    lx.i += 3;
    lx.skip_space();
    let obj = lx.operand(0)?;
    lx.skip_space();
    Some((obj, lx.i))
}

/// `n g obj <object> [stream … endstream] endobj` at `at`, checked against `id`.
fn indirect_object(
    bytes: &[u8],
    at: usize,
    id: ObjectId,
    offsets: &BTreeMap<ObjectId, usize>,
) -> Option<Object> {
    let (obj, after) = object_head(bytes, at, id)?;
    let mut lx = Lexer { s: bytes, i: after };
    let obj = match obj {
        Object::Dictionary(dict) if lx.s[lx.i..].starts_with(b"stream") => {
            lx.i += 6;
            // `stream` is followed by CRLF or LF (lopdf also takes a lone CR).
            if lx.s[lx.i..].starts_with(b"\r\n") {
                lx.i += 2;
            } else if matches!(lx.s.get(lx.i), Some(b'\n' | b'\r')) {
                lx.i += 1;
            } else {
                return None;
            }
            let len = stream_length(bytes, &dict, offsets)?;
            let data = bytes.get(lx.i..lx.i.checked_add(len)?)?;
            lx.i += len;
            let rest = &lx.s[lx.i..];
            let rest = rest
                .strip_prefix(b"\r\n")
                .or_else(|| rest.strip_prefix(b"\n"))
                .or_else(|| rest.strip_prefix(b"\r"))
                .unwrap_or(rest);
            if !rest.starts_with(b"endstream") {
                return None;
            }
            Object::Stream(Stream::new(dict, data.to_vec()))
        }
        o => o,
    };
    Some(obj)
}

/// `/Length`, direct or an indirect integer object.
fn stream_length(
    bytes: &[u8],
    dict: &Dictionary,
    offsets: &BTreeMap<ObjectId, usize>,
) -> Option<usize> {
    let v = match dict.get(b"Length").ok()? {
        Object::Integer(n) => *n,
        // Only the object itself, never its stream: a `/Length` pointing at its own stream
        // object would otherwise recurse without end.
        Object::Reference(id) => match object_head(bytes, *offsets.get(id)?, *id)?.0 {
            Object::Integer(n) => n,
            _ => return None,
        },
        _ => return None,
    };
    usize::try_from(v).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Same objects, trailer and version as lopdf on every PDF given (fixtures, plus
    /// `UPSTREAM_DIFF_DIR` if set), or `None` (fallback) — never a different document.
    #[test]
    fn same_document_as_lopdf_or_none() {
        let mut files: Vec<std::path::PathBuf> = Vec::new();
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/formats");
        let extra = std::env::var("UPSTREAM_DIFF_DIR")
            .ok()
            .map(std::path::PathBuf::from);
        for dir in std::iter::once(root).chain(extra) {
            for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                if e.path().extension().is_some_and(|x| x == "pdf") {
                    files.push(e.path());
                }
            }
        }
        assert!(files.len() >= 2, "fixture PDFs present");
        let mut fast = 0;
        for f in files {
            let bytes = std::fs::read(&f).unwrap();
            let Some(ours) = load_mem(&bytes) else {
                continue;
            };
            fast += 1;
            let theirs = Document::load_mem(&bytes).expect("lopdf reads what we read");
            assert_eq!(
                format!("{:?}", ours.trailer),
                format!("{:?}", theirs.trailer),
                "{}",
                f.display()
            );
            assert_eq!(ours.version, theirs.version, "{}", f.display());
            assert_eq!(ours.objects.len(), theirs.objects.len(), "{}", f.display());
            for (id, o) in &theirs.objects {
                let m = ours
                    .objects
                    .get(id)
                    .unwrap_or_else(|| panic!("{}: {id:?} missing", f.display()));
                assert_eq!(format!("{m:?}"), format!("{o:?}"), "{} {id:?}", f.display());
                if let (Object::Stream(a), Object::Stream(b)) = (m, o) {
                    assert_eq!(a.content, b.content, "{} {id:?}", f.display());
                }
            }
        }
        assert!(
            fast >= 2,
            "the LibreOffice fixtures are read by the fast path"
        );
    }

    #[test]
    fn refuses_what_it_cannot_read_exactly() {
        assert!(load_mem(b"%PDF-1.4\n").is_none());
        assert!(load_mem(b"not a pdf").is_none());
        // A table that points past the end, a truncated trailer, a wrong object number.
        let good = build(&["1"], "<</Size 2>>");
        assert!(load_mem(&good).is_some());
        let past = String::from_utf8(good.clone())
            .unwrap()
            .replace("0000000009 00000 n", "0000099999 00000 n");
        assert!(load_mem(past.as_bytes()).is_none());
        assert!(load_mem(&build(&["1"], "<</Size 2")).is_none());
        let mut wrong = build(&["5"], "<</Size 2>>");
        wrong[9] = b'2'; // "2 0 obj" where the table says object 1
        assert!(load_mem(&wrong).is_none());
    }

    /// A PDF of `objs` (bodies after `n 0 obj`) with a correct table and `trailer`.
    fn build(objs: &[&str], trailer: &str) -> Vec<u8> {
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offs = Vec::new();
        for (i, o) in objs.iter().enumerate() {
            offs.push(out.len());
            out.extend(format!("{} 0 obj {o} endobj\n", i + 1).bytes());
        }
        let x = out.len();
        out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).bytes());
        for o in offs {
            out.extend(format!("{o:010} 00000 n \n").bytes());
        }
        out.extend(format!("trailer\n{trailer}\nstartxref\n{x}\n%%EOF").bytes());
        out
    }

    #[test]
    fn reads_a_minimal_file() {
        let pdf = build(
            &["<</Length 2 0 R>> stream\nabc\nendstream", "3"],
            "<</Size 3/Root 1 0 R>>",
        );
        let d = load_mem(&pdf).expect("read");
        assert_eq!(d.objects.len(), 2);
        match d.objects.get(&(1, 0)) {
            Some(Object::Stream(s)) => assert_eq!(s.content, b"abc"),
            o => panic!("{o:?}"),
        }
        assert_eq!(d.version, "1.4");
        // The same file read by lopdf: the same objects.
        let l = Document::load_mem(&pdf).expect("lopdf");
        assert_eq!(format!("{:?}", l.objects), format!("{:?}", d.objects));
        // What it leaves to lopdf: a wrong /Length, an update, encryption, an object stream.
        assert!(load_mem(&build(
            &["<</Length 9>> stream\nabc\nendstream"],
            "<</Size 2>>"
        ))
        .is_none());
        assert!(load_mem(&build(&["1"], "<</Size 2/Prev 9>>")).is_none());
        // A /Length that names its own stream object: refused, not an endless recursion.
        assert!(load_mem(&build(
            &["<</Length 1 0 R>> stream\nabc\nendstream"],
            "<</Size 2>>"
        ))
        .is_none());
        assert!(load_mem(&build(&["1"], "<</Size 2/Encrypt 1 0 R>>")).is_none());
        assert!(load_mem(&build(
            &["<</Type/ObjStm/Length 1>> stream\nx\nendstream"],
            "<</Size 2>>"
        ))
        .is_none());
    }
}
