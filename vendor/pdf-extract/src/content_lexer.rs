//! rasoat patch: a hand-written content-stream tokenizer, in place of lopdf's nom parser
//! (`Content::decode`, 31 % of extraction time, most of it in hex strings).
//!
//! It yields the operations lopdf yields on well-formed streams: the same operand objects
//! (reals as `f32`, integers as `i64`, strings with lopdf's escape rules, names with `#xx`,
//! arrays and dictionaries with `R` references) and operators made of letters, `*`, `'` and
//! `"`. Like lopdf it stops at the first byte that starts neither an operand nor an operator
//! and drops operands left without an operator. It differs on input lopdf rejects or
//! cannot bear:
//! - comments and all PDF white space (incl. NUL and form feed) are allowed between any two
//!   tokens (lopdf only took comments before an operation and stopped at NUL/form feed);
//! - inline images (`BI … ID data EI`) are skipped, never an error (lopdf failed the whole
//!   page on a filtered image or an unknown colour space);
//! - arrays and dictionaries nest at most [`MAX_DEPTH`] deep (lopdf recursed without a
//!   bound: a stack overflow on `[[[[…`); deeper input ends the stream.
//!
//! No recursion but the bounded one over nested arrays/dictionaries; every loop advances.

use lopdf::content::Operation;
use lopdf::{Dictionary, Object, StringFormat};
use std::convert::TryFrom;

/// Deepest nesting of arrays and dictionaries read in a content stream.
pub const MAX_DEPTH: usize = 32;
/// Deepest nesting of balanced parentheses inside a literal string (lopdf's `MAX_BRACKET`).
const MAX_PARENS: usize = 100;

/// The operations of a content stream, up to the first token that cannot be read.
pub fn decode(data: &[u8]) -> Vec<Operation> {
    let mut lx = Lexer { s: data, i: 0 };
    let mut ops = Vec::new();
    let mut operands = Vec::new();
    loop {
        lx.skip_space();
        let Some(&c) = lx.s.get(lx.i) else { break };
        if is_operator_byte(c) && !lx.keyword_object() {
            let start = lx.i;
            while lx.i < lx.s.len() && is_operator_byte(lx.s[lx.i]) {
                lx.i += 1;
            }
            // Operator bytes are ASCII: the conversion cannot fail.
            let operator = String::from_utf8_lossy(&lx.s[start..lx.i]).into_owned();
            if operator == "BI" && operands.is_empty() {
                if !lx.skip_inline_image() {
                    break;
                }
                continue;
            }
            ops.push(Operation {
                operator,
                operands: std::mem::take(&mut operands),
            });
        } else {
            match lx.operand(0) {
                Some(o) => operands.push(o),
                None => break,
            }
        }
    }
    ops
}

fn is_operator_byte(c: u8) -> bool {
    c.is_ascii_alphabetic() || matches!(c, b'*' | b'\'' | b'"')
}

fn is_white(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0 | 0x0c)
}

fn is_delimiter(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn hex_value(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

pub(crate) struct Lexer<'a> {
    pub(crate) s: &'a [u8],
    pub(crate) i: usize,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn rest(&self) -> &[u8] {
        &self.s[self.i..]
    }

    /// White space and comments.
    pub(crate) fn skip_space(&mut self) {
        while let Some(c) = self.peek() {
            if is_white(c) {
                self.i += 1;
            } else if c == b'%' {
                while self.peek().is_some_and(|c| c != b'\r' && c != b'\n') {
                    self.i += 1;
                }
            } else {
                break;
            }
        }
    }

    /// `null`, `true` or `false` here (lopdf reads them as operands before operators).
    fn keyword_object(&self) -> bool {
        let r = self.rest();
        r.starts_with(b"null") || r.starts_with(b"true") || r.starts_with(b"false")
    }

    /// One operand, white space after it skipped by the caller. `depth`: arrays and
    /// dictionaries already open.
    pub(crate) fn operand(&mut self, depth: usize) -> Option<Object> {
        let r = self.rest();
        if r.starts_with(b"null") {
            self.i += 4;
            return Some(Object::Null);
        }
        if r.starts_with(b"true") {
            self.i += 4;
            return Some(Object::Boolean(true));
        }
        if r.starts_with(b"false") {
            self.i += 5;
            return Some(Object::Boolean(false));
        }
        match *r.first()? {
            b'/' => Some(Object::Name(self.name())),
            b'(' => self
                .literal_string()
                .map(|s| Object::String(s, StringFormat::Literal)),
            b'<' if r.get(1) == Some(&b'<') => self.dictionary(depth).map(Object::Dictionary),
            b'<' => self
                .hex_string()
                .map(|s| Object::String(s, StringFormat::Hexadecimal)),
            b'[' => self.array(depth).map(Object::Array),
            _ => {
                if depth > 0 {
                    if let Some(r) = self.reference() {
                        return Some(r);
                    }
                }
                self.number()
            }
        }
    }

    /// `[+-]? (digits . digits* | . digits+)` as `f32`, else `[+-]? digits` as `i64`
    /// (lopdf's grammar: no exponent, no delimiter needed after the number).
    fn number(&mut self) -> Option<Object> {
        let r = self.rest();
        let sign = usize::from(matches!(r.first(), Some(b'+' | b'-')));
        let int = r[sign..].iter().take_while(|c| c.is_ascii_digit()).count();
        let after = sign + int;
        if r.get(after) == Some(&b'.') {
            let frac = r[after + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if int > 0 || frac > 0 {
                let end = after + 1 + frac;
                let text = std::str::from_utf8(&r[..end]).ok()?;
                if let Ok(v) = text.parse::<f32>() {
                    self.i += end;
                    return Some(Object::Real(v));
                }
            }
        }
        if int == 0 {
            return None;
        }
        let v = std::str::from_utf8(&r[..after]).ok()?.parse::<i64>().ok()?;
        self.i += after;
        Some(Object::Integer(v))
    }

    /// `n g R` inside an array or a dictionary (lopdf reads references there only).
    fn reference(&mut self) -> Option<Object> {
        let save = self.i;
        let r = self.unsigned::<u32>().and_then(|n| {
            self.skip_space();
            let g = self.unsigned::<u16>()?;
            self.skip_space();
            (self.peek() == Some(b'R')).then(|| {
                self.i += 1;
                Object::Reference((n, g))
            })
        });
        if r.is_none() {
            self.i = save;
        }
        r
    }

    pub(crate) fn unsigned<T: std::str::FromStr>(&mut self) -> Option<T> {
        let n = self
            .rest()
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        let v = std::str::from_utf8(&self.rest()[..n]).ok()?.parse().ok()?;
        self.i += n;
        Some(v)
    }

    /// `/name`, `#xx` escapes decoded; ends at white space, a delimiter or a bad `#`.
    fn name(&mut self) -> Vec<u8> {
        self.i += 1;
        let mut out = Vec::new();
        while let Some(c) = self.peek() {
            if c == b'#' {
                let h = self.s.get(self.i + 1).and_then(|&c| hex_value(c));
                let l = self.s.get(self.i + 2).and_then(|&c| hex_value(c));
                let (Some(h), Some(l)) = (h, l) else { break };
                out.push(h << 4 | l);
                self.i += 3;
            } else if !is_white(c) && !is_delimiter(c) {
                out.push(c);
                self.i += 1;
            } else {
                break;
            }
        }
        out
    }

    /// `( … )` with lopdf's escapes: `\n \r \t \b \f`, 1–3 octal digits (overflow wraps),
    /// `\` + end of line dropped, `\` + any other byte gives that byte; balanced inner
    /// parentheses kept, at most [`MAX_PARENS`] deep. None when unterminated.
    fn literal_string(&mut self) -> Option<Vec<u8>> {
        let s = self.s;
        let mut i = self.i + 1;
        let mut out = Vec::new();
        let mut depth = 0usize;
        loop {
            let c = *s.get(i)?;
            i += 1;
            match c {
                b'(' => {
                    depth += 1;
                    if depth > MAX_PARENS {
                        return None;
                    }
                    out.push(c);
                }
                b')' if depth == 0 => break,
                b')' => {
                    depth -= 1;
                    out.push(c);
                }
                b'\\' => {
                    let e = *s.get(i)?;
                    i += 1;
                    match e {
                        b'0'..=b'7' => {
                            let mut v = u16::from(e - b'0');
                            for _ in 0..2 {
                                match s.get(i) {
                                    Some(&d @ b'0'..=b'7') => {
                                        v = v * 8 + u16::from(d - b'0');
                                        i += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push(v as u8);
                        }
                        b'\r' => {
                            if s.get(i) == Some(&b'\n') {
                                i += 1;
                            }
                        }
                        b'\n' => {}
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(0x08),
                        b'f' => out.push(0x0c),
                        other => out.push(other),
                    }
                }
                _ => out.push(c),
            }
        }
        self.i = i;
        Some(out)
    }

    /// `< hex digits >`, white space ignored, an odd last digit padded with 0.
    fn hex_string(&mut self) -> Option<Vec<u8>> {
        let s = self.s;
        let mut i = self.i + 1;
        let mut out = Vec::with_capacity(s.len().saturating_sub(i).min(256) / 2);
        let mut high: Option<u8> = None;
        loop {
            let c = *s.get(i)?;
            i += 1;
            if let Some(v) = hex_value(c) {
                match high.take() {
                    None => high = Some(v),
                    Some(h) => out.push(h << 4 | v),
                }
            } else if c == b'>' {
                break;
            } else if !is_white(c) {
                return None;
            }
        }
        if let Some(h) = high {
            out.push(h << 4);
        }
        self.i = i;
        Some(out)
    }

    fn array(&mut self, depth: usize) -> Option<Vec<Object>> {
        if depth >= MAX_DEPTH {
            return None;
        }
        self.i += 1;
        let mut items = Vec::new();
        loop {
            self.skip_space();
            if self.peek()? == b']' {
                self.i += 1;
                return Some(items);
            }
            items.push(self.operand(depth + 1)?);
        }
    }

    fn dictionary(&mut self, depth: usize) -> Option<Dictionary> {
        if depth >= MAX_DEPTH {
            return None;
        }
        self.i += 2;
        let mut dict = Dictionary::new();
        loop {
            self.skip_space();
            if self.rest().starts_with(b">>") {
                self.i += 2;
                return Some(dict);
            }
            if self.peek()? != b'/' {
                return None;
            }
            let key = self.name();
            self.skip_space();
            let value = self.operand(depth + 1)?;
            dict.set(key, value);
        }
    }

    /// After `BI`: the image dictionary, `ID`, one white space, the data, `EI`. The data
    /// length is known for unfiltered images (width, height, bits, colours); otherwise the
    /// data ends before the first `EI` standing between white space and white space (or
    /// the end). False when the image cannot be delimited.
    fn skip_inline_image(&mut self) -> bool {
        let mut dict = Dictionary::new();
        loop {
            self.skip_space();
            if self.rest().starts_with(b"ID") {
                self.i += 2;
                break;
            }
            if self.peek() != Some(b'/') {
                return false;
            }
            let key = self.name();
            self.skip_space();
            match self.operand(1) {
                Some(v) => dict.set(key, v),
                None => return false,
            }
        }
        // One white space byte separates ID from the data.
        if self.peek().is_some_and(is_white) {
            self.i += 1;
        }
        if let Some(len) = inline_image_length(&dict) {
            let end = self.i.saturating_add(len);
            let mut j = end.min(self.s.len());
            while j < self.s.len() && is_white(self.s[j]) {
                j += 1;
            }
            if self.s[j..].starts_with(b"EI") && ends_token(self.s, j + 2) {
                self.i = j + 2;
                return true;
            }
        }
        let mut j = self.i;
        while let Some(k) = memchr_ei(&self.s[j..]) {
            let at = j + k;
            let before_ok = at == 0 || is_white(self.s[at - 1]);
            if before_ok && ends_token(self.s, at + 2) {
                self.i = at + 2;
                return true;
            }
            j = at + 1;
        }
        false
    }
}

/// True when position `at` is the end of the data or white space.
fn ends_token(s: &[u8], at: usize) -> bool {
    s.get(at).is_none_or(|&c| is_white(c))
}

fn memchr_ei(s: &[u8]) -> Option<usize> {
    s.windows(2).position(|w| w == b"EI")
}

/// Byte length of an unfiltered inline image's data, None when it cannot be told.
fn inline_image_length(d: &Dictionary) -> Option<usize> {
    let get = |short: &[u8], long: &[u8]| d.get(short).or_else(|_| d.get(long)).ok();
    if get(b"F", b"Filter").is_some() {
        return None;
    }
    let int = |short: &[u8], long: &[u8]| {
        get(short, long)?
            .as_i64()
            .ok()
            .and_then(|v| usize::try_from(v).ok())
    };
    let (w, h, bpc) = (
        int(b"W", b"Width")?,
        int(b"H", b"Height")?,
        int(b"BPC", b"BitsPerComponent")?,
    );
    let mask = get(b"IM", b"ImageMask").and_then(|o| o.as_bool().ok()) == Some(true);
    let colours = if mask {
        1
    } else {
        match get(b"CS", b"ColorSpace")?.as_name().ok()? {
            b"DeviceGray" | b"G" => 1,
            b"DeviceRGB" | b"RGB" => 3,
            b"DeviceCMYK" | b"CMYK" => 4,
            _ => return None,
        }
    };
    let stride = w.checked_mul(colours)?.checked_mul(bpc)?.div_ceil(8);
    stride.checked_mul(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(s: &str) -> Vec<(String, Vec<Object>)> {
        decode(s.as_bytes())
            .into_iter()
            .map(|o| (o.operator, o.operands))
            .collect()
    }

    fn string(b: &[u8]) -> Object {
        Object::String(b.to_vec(), StringFormat::Literal)
    }

    #[test]
    fn numbers_names_and_operators() {
        let got = ops("q 1 0 0 -1.5 .5 +3. cm /F1#20x 10Tf BT ET Q");
        assert_eq!(got[0], ("q".into(), vec![]));
        let cm = &got[1];
        assert_eq!(cm.0, "cm");
        assert_eq!(
            cm.1,
            vec![
                Object::Integer(1),
                Object::Integer(0),
                Object::Integer(0),
                Object::Real(-1.5),
                Object::Real(0.5),
                Object::Real(3.0)
            ]
        );
        assert_eq!(
            got[2],
            (
                "Tf".into(),
                vec![Object::Name(b"F1 x".to_vec()), Object::Integer(10)]
            )
        );
        let names: Vec<&str> = got.iter().map(|o| o.0.as_str()).collect();
        assert_eq!(names, ["q", "cm", "Tf", "BT", "ET", "Q"]);
    }

    #[test]
    fn literal_strings_with_escapes_and_nesting() {
        let got = ops(
            r"(a\(b\)c\\ \101\0618\n\t\x) Tj (x (nested (deep)) y) Tj (line\
joined) Tj",
        );
        assert_eq!(got[0].1, vec![string(b"a(b)c\\ A18\n\tx")]);
        assert_eq!(got[1].1, vec![string(b"x (nested (deep)) y")]);
        assert_eq!(got[2].1, vec![string(b"linejoined")]);
        // Octal overflow wraps like lopdf's (\777 = 511 -> 255).
        assert_eq!(ops(r"(\777) Tj")[0].1, vec![string(&[0xff])]);
    }

    #[test]
    fn hex_strings() {
        let got = ops("<01 02\n0A0b> Tj <4> Tj <>Tj");
        let hex = |b: &[u8]| Object::String(b.to_vec(), StringFormat::Hexadecimal);
        assert_eq!(got[0].1, vec![hex(&[1, 2, 10, 11])]);
        assert_eq!(got[1].1, vec![hex(&[0x40])]);
        assert_eq!(got[2].1, vec![hex(&[])]);
        // A bad digit ends the stream (lopdf stops there too).
        assert_eq!(ops("<0G> Tj (a) Tj"), vec![]);
    }

    #[test]
    fn arrays_dicts_and_references() {
        let got = ops("[(A) -250 (B) 1.5 [1 2] 3 0 R] TJ /P <</MCID 0 /K [1 0 R] /N null>> BDC");
        let tj = &got[0].1[0];
        let Object::Array(a) = tj else {
            panic!("{tj:?}")
        };
        assert_eq!(a.len(), 6);
        assert_eq!(a[1], Object::Integer(-250));
        assert_eq!(
            a[4],
            Object::Array(vec![Object::Integer(1), Object::Integer(2)])
        );
        assert_eq!(a[5], Object::Reference((3, 0)));
        let Object::Dictionary(d) = &got[1].1[1] else {
            panic!()
        };
        assert_eq!(d.get(b"MCID").unwrap(), &Object::Integer(0));
        assert_eq!(
            d.get(b"K").unwrap(),
            &Object::Array(vec![Object::Reference((1, 0))])
        );
        assert_eq!(d.get(b"N").unwrap(), &Object::Null);
        assert_eq!(got[1].0, "BDC");
    }

    #[test]
    fn comments_and_odd_white_space() {
        let got = ops("% head\n1 % mid\n0\x0c0\0rg BT%x\rET");
        let names: Vec<&str> = got.iter().map(|o| o.0.as_str()).collect();
        assert_eq!(names, ["rg", "BT", "ET"]);
        assert_eq!(got[0].1.len(), 3);
    }

    #[test]
    fn inline_images_are_skipped() {
        // Unfiltered: the length is known, so "EI" inside the data does not end it.
        let data = "BI /W 4 /H 1 /BPC 8 /CS /G ID  EI  EI (after) Tj";
        let got = ops(data);
        assert_eq!(got, vec![("Tj".into(), vec![string(b"after")])]);
        // Filtered: the data ends at the first EI between white space.
        let got = ops("q BI /W 9 /H 9 /F /DCT ID \x01\x02EIx\x7f EI Q");
        let names: Vec<&str> = got.iter().map(|o| o.0.as_str()).collect();
        assert_eq!(names, ["q", "Q"]);
        // Never ended: the stream stops, what came before stays.
        assert_eq!(ops("q BI /W 1 ID abc").len(), 1);
    }

    #[test]
    fn truncated_and_bad_input_stop_without_panic() {
        for s in [
            "(open", "<0102", "[1 2", "<</A 1", "/F1 12", "1.5 -", "\\", "(a\\", "BI /W",
        ] {
            let got = ops(&format!("q {s}"));
            assert_eq!(got, vec![("q".into(), vec![])], "{s:?}");
        }
        // Operands without an operator at the end are dropped.
        assert_eq!(ops("BT 1 2").len(), 1);
        // A huge integer is no number: the stream ends there, as in lopdf.
        assert_eq!(ops("q 99999999999999999999 w Q").len(), 1);
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("q {}1{} TJ Q", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(ops(&deep), vec![("q".into(), vec![])]);
        let ok = format!("{}1{} TJ", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(ops(&ok).len(), 1);
        let parens = format!("({}{}) Tj", "(".repeat(1000), ")".repeat(1000));
        assert_eq!(ops(&parens), vec![]);
    }
}
