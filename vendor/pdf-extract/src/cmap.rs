//! rasoat patch: ToUnicode CMaps read by a hand-written lexer, in place of
//! `adobe_cmap_parser::get_unicode_map` (pom-based, it formats an error message on every
//! failed alternative: 23 % of extraction time once content streams were fast).
//!
//! The lexer reads the subset of adobe_cmap_parser's grammar that CMaps use (integers,
//! names, operators, hex strings, plain literal strings, arrays, dictionaries, comments)
//! and gives the same tokens; on anything else (escapes, reals, odd white space, input it
//! would stop at) it hands the whole CMap to `adobe_cmap_parser::parse`. Either way the
//! tokens go through one copy of adobe_cmap_parser's `get_unicode_map` loop, so the map is
//! the same; that loop now refuses a `bfrange` of more than [`MAX_RANGE`] codes (upstream
//! filled it, up to 2^32 entries).

use adobe_cmap_parser::Value;
use std::collections::HashMap;

/// Most codes one `beginbfrange` entry may map (a one- or two-byte code space is 65536).
const MAX_RANGE: u32 = 0x1_0000;
/// Deepest nesting of arrays and dictionaries the fast lexer reads (then: the fallback).
const MAX_DEPTH: usize = 16;

/// Token of a CMap, as adobe_cmap_parser's `Value` but only what the map needs.
#[derive(Debug, PartialEq)]
enum Tok {
    Str(Vec<u8>),
    Int(i64),
    Op(Vec<u8>),
    Array(Vec<Tok>),
    Other,
}

/// Code -> UTF-16BE bytes, as `adobe_cmap_parser::get_unicode_map` gives it.
pub fn get_unicode_map(input: &[u8]) -> Result<HashMap<u32, Vec<u8>>, &'static str> {
    let toks = match lex(input) {
        Some(t) if !t.is_empty() => t,
        // adobe_cmap_parser panics here on input without a single token, as upstream did.
        _ => adobe_cmap_parser::parse(input)
            .expect("failed to parse")
            .into_iter()
            .map(from_value)
            .collect(),
    };
    unicode_map(&toks)
}

/// The fast lexer alone (tests: it must not panic on any input).
#[cfg(test)]
pub fn lex_only(input: &[u8]) -> bool {
    lex(input).is_some()
}

fn from_value(v: Value) -> Tok {
    match v {
        Value::LiteralString(s) => Tok::Str(s),
        Value::Integer(i) => Tok::Int(i),
        Value::Operator(o) => Tok::Op(o.into_bytes()),
        Value::Array(a) => Tok::Array(a.into_iter().map(from_value).collect()),
        _ => Tok::Other,
    }
}

fn as_code(s: &[u8]) -> u32 {
    s.iter().fold(0u32, |code, &c| (code << 8) | c as u32)
}

/// adobe_cmap_parser's interpretation of the tokens, unchanged but for [`MAX_RANGE`]
/// (indexing past the tokens panics there too; the caller catches it per page).
fn unicode_map(lexed: &[Tok]) -> Result<HashMap<u32, Vec<u8>>, &'static str> {
    let mut i = 0;
    let mut map = HashMap::new();
    while i < lexed.len() {
        match &lexed[i] {
            Tok::Op(o) if o.as_slice() == b"beginbfchar" => {
                let count = if let Tok::Int(c) = &lexed[i - 1] {
                    Ok(*c)
                } else {
                    Err("beginbfchar exected int")
                }?;
                i += 1;
                for _ in 0..count {
                    let char_code = if let Tok::Str(s) = &lexed[i] {
                        Ok(s)
                    } else {
                        Err("beginbfchar exected hexstring")
                    }?;
                    let uni_code = if let Tok::Str(s) = &lexed[i + 1] {
                        Ok(s)
                    } else {
                        Err("beginbfchar exected hexstring")
                    }?;
                    map.insert(as_code(char_code), uni_code.clone());
                    i += 2;
                }
                i += 1;
            }
            Tok::Op(o) if o.as_slice() == b"beginbfrange" => {
                let count = if let Tok::Int(c) = &lexed[i - 1] {
                    Ok(*c)
                } else {
                    Err("beginbfrange exected int")
                }?;
                i += 1;
                for _ in 0..count {
                    let lower_code = if let Tok::Str(s) = &lexed[i] {
                        Ok(as_code(s))
                    } else {
                        Err("beginbfrange exected hexstring")
                    }?;
                    let upper_code = if let Tok::Str(s) = &lexed[i + 1] {
                        Ok(as_code(s))
                    } else {
                        Err("beginbfrange exected hexstring")
                    }?;
                    if upper_code >= lower_code && upper_code - lower_code >= MAX_RANGE {
                        return Err("bfrange too large");
                    }
                    match &lexed[i + 2] {
                        Tok::Str(start) => match start.len() {
                            4 => {
                                let val = as_code(start);
                                for c in lower_code..=upper_code {
                                    let code = val + (c - lower_code);
                                    map.insert(c, code.to_be_bytes().to_vec());
                                }
                            }
                            2 => {
                                let val: u16 = as_code(start) as u16;
                                for c in lower_code..=upper_code {
                                    let code = val + (c - lower_code) as u16;
                                    map.insert(c, code.to_be_bytes().to_vec());
                                }
                            }
                            _ => panic!("bad length of hexstring"),
                        },
                        Tok::Array(codes) => {
                            if (upper_code - lower_code + 1) as usize != codes.len() {
                                return Err("bad length of array");
                            }
                            for (k, c) in (lower_code..=upper_code).enumerate() {
                                map.insert(
                                    c,
                                    if let Tok::Str(s) = &codes[k] {
                                        Ok(s.clone())
                                    } else {
                                        Err("beginbfrange exected hexstring")
                                    }?,
                                );
                            }
                        }
                        _ => return Err("beginbfrange exected array or literal"),
                    }
                    i += 3;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    Ok(map)
}

/// adobe_cmap_parser's `space()`.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0 | 0x0c)
}

/// pom's `multispace` (adobe_cmap_parser's `content_space()`).
fn is_multispace(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

fn is_name_byte(c: u8) -> bool {
    !matches!(
        c,
        b' ' | b'\t'
            | b'\n'
            | b'\r'
            | 0x0c
            | b'('
            | b')'
            | b'<'
            | b'>'
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'/'
            | b'%'
            | b'#'
    )
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// The tokens of the whole input, None where the fast lexer would not be sure to read it
/// as adobe_cmap_parser does.
fn lex(s: &[u8]) -> Option<Vec<Tok>> {
    let mut lx = Lexer { s, i: 0 };
    let mut toks = Vec::new();
    loop {
        // `comment* content_space value content_space`, repeated to the end.
        while lx.peek() == Some(b'%') {
            let eol = lx.s[lx.i..]
                .iter()
                .position(|&c| c == b'\r' || c == b'\n')?;
            lx.i += eol;
            if lx.s[lx.i..].starts_with(b"\r\n") {
                lx.i += 2;
            } else {
                lx.i += 1;
            }
        }
        lx.skip(is_multispace);
        if lx.i == s.len() {
            return Some(toks);
        }
        toks.push(lx.value(0)?);
    }
}

struct Lexer<'a> {
    s: &'a [u8],
    i: usize,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip(&mut self, f: fn(u8) -> bool) {
        while self.peek().is_some_and(f) {
            self.i += 1;
        }
    }

    /// A value and the multispace after it.
    fn value(&mut self, depth: usize) -> Option<Tok> {
        let r = &self.s[self.i..];
        let t = if r.starts_with(b"true") || r.starts_with(b"false") {
            self.i += if r[0] == b't' { 4 } else { 5 };
            Tok::Other
        } else {
            match *r.first()? {
                b'0'..=b'9' | b'+' | b'-' => self.integer()?,
                b'/' => {
                    self.name()?;
                    Tok::Other
                }
                c if c.is_ascii_alphabetic() || matches!(c, b'*' | b'\'' | b'"') => {
                    let n = r
                        .iter()
                        .take_while(|&&c| {
                            c.is_ascii_alphabetic() || matches!(c, b'*' | b'\'' | b'"')
                        })
                        .count();
                    self.i += n;
                    Tok::Op(r[..n].to_vec())
                }
                b'(' => self.literal()?,
                b'<' if r.get(1) == Some(&b'<') => self.dictionary(depth)?,
                b'<' => self.hex_string()?,
                b'[' => self.array(depth)?,
                _ => return None,
            }
        };
        self.skip(is_multispace);
        Some(t)
    }

    /// `[+-]? digits`, not followed by `.` (a real: left to the fallback).
    fn integer(&mut self) -> Option<Tok> {
        let r = &self.s[self.i..];
        let sign = usize::from(matches!(r[0], b'+' | b'-'));
        let n = r[sign..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || r.get(sign + n) == Some(&b'.') {
            return None;
        }
        let v = std::str::from_utf8(&r[..sign + n])
            .ok()?
            .parse::<i64>()
            .ok()?;
        self.i += sign + n;
        Some(Tok::Int(v))
    }

    fn name(&mut self) -> Option<()> {
        self.i += 1;
        loop {
            match self.peek() {
                Some(b'#') => {
                    let h = self.s.get(self.i + 1).copied().and_then(hex);
                    let l = self.s.get(self.i + 2).copied().and_then(hex);
                    if h.is_none() || l.is_none() {
                        return Some(());
                    }
                    self.i += 3;
                }
                Some(c) if is_name_byte(c) => self.i += 1,
                _ => return Some(()),
            }
        }
    }

    /// `( … )` without escapes or inner parentheses (those go to the fallback).
    fn literal(&mut self) -> Option<Tok> {
        let r = &self.s[self.i + 1..];
        let n = r.iter().position(|&c| matches!(c, b'(' | b')' | b'\\'))?;
        if r[n] != b')' {
            return None;
        }
        let t = Tok::Str(r[..n].to_vec());
        self.i += n + 2;
        Some(t)
    }

    /// `< (space? two hex digits)* space? >`.
    fn hex_string(&mut self) -> Option<Tok> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            self.skip(is_space);
            let h = self.peek().and_then(hex);
            let l = self.s.get(self.i + 1).copied().and_then(hex);
            match (h, l) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    self.i += 2;
                }
                _ => break,
            }
        }
        if self.peek() != Some(b'>') {
            return None;
        }
        self.i += 1;
        Some(Tok::Str(out))
    }

    fn array(&mut self, depth: usize) -> Option<Tok> {
        if depth >= MAX_DEPTH {
            return None;
        }
        self.i += 1;
        self.skip(is_space);
        let mut items = Vec::new();
        while self.peek()? != b']' {
            items.push(self.value(depth + 1)?);
        }
        self.i += 1;
        Some(Tok::Array(items))
    }

    /// `<< space (name space value)* >>`.
    fn dictionary(&mut self, depth: usize) -> Option<Tok> {
        if depth >= MAX_DEPTH {
            return None;
        }
        self.i += 2;
        self.skip(is_space);
        loop {
            match self.peek()? {
                b'/' => {
                    self.name()?;
                    self.skip(is_space);
                    self.value(depth + 1)?;
                }
                b'>' if self.s.get(self.i + 1) == Some(&b'>') => {
                    self.i += 2;
                    return Some(Tok::Other);
                }
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIBREOFFICE: &[u8] = b"/CIDInit/ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo<<\n/Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName/Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<00> <FF>\nendcodespacerange\n3 beginbfchar\n<01> <004B>\n<02> <1EBE>\n<03> <0020>\nendbfchar\n2 beginbfrange\n<10> <12> <0041>\n<20> <21> [<0061> <00620063>]\nendbfrange\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";

    /// The fast path gives adobe_cmap_parser's map, and read the input itself.
    fn same_as_upstream(input: &[u8]) {
        assert!(
            lex(input).is_some(),
            "fast lexer fell back on {:?}",
            String::from_utf8_lossy(input)
        );
        let ours = get_unicode_map(input).unwrap();
        let theirs = adobe_cmap_parser::get_unicode_map(input).unwrap();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn libreoffice_cmap() {
        same_as_upstream(LIBREOFFICE);
        let m = get_unicode_map(LIBREOFFICE).unwrap();
        assert_eq!(m[&0x02], vec![0x1e, 0xbe]);
        assert_eq!(m[&0x11], vec![0x00, 0x42]);
        assert_eq!(m[&0x21], vec![0x00, 0x62, 0x00, 0x63]);
    }

    #[test]
    fn comments_and_spacing_like_upstream() {
        let with_header = [
            b"%!PS-Adobe-3.0 Resource-CMap\r\n%%EndComments\n".as_slice(),
            LIBREOFFICE,
        ]
        .concat();
        same_as_upstream(&with_header);
        same_as_upstream(b"1 beginbfchar<0003><0020>endbfchar");
        same_as_upstream(b"1 beginbfchar\n< 00 03 >\t<0020> endbfchar /A#20b true false [ 1 /x ]");
    }

    #[test]
    fn unusual_input_falls_back_to_upstream() {
        // A real, an escaped string, a hex digit alone: the fast lexer steps aside.
        for input in [
            b"1.5 1 beginbfchar <01> <0041> endbfchar".as_slice(),
            b"(a\\)b) 1 beginbfchar <01> <0041> endbfchar",
            b"1 beginbfchar <01> <0041> endbfchar <0 1>",
        ] {
            assert!(lex(input).is_none());
            assert_eq!(
                get_unicode_map(input).unwrap(),
                adobe_cmap_parser::get_unicode_map(input).unwrap()
            );
        }
    }

    #[test]
    fn huge_ranges_are_refused() {
        let input = b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange";
        assert!(get_unicode_map(input).is_err());
    }
}
