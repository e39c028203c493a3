//! Bytes → text: UTF-8 (with or without BOM), UTF-16 (BOM, or sniffed), the legacy
//! Vietnamese encodings (TCVN3, VNI, Windows-1258: see [`crate::legacy`]), and plain
//! reasons for everything else (binary, empty).

use std::borrow::Cow;

/// Decoded text of a file. `utf16` tells that offsets refer to the decoded UTF-8
/// text rather than the original bytes (documented limitation for UTF-16 input).
#[derive(Debug)]
pub(crate) struct Decoded<'a> {
    pub text: Cow<'a, str>,
    /// Byte offset of the text's start in the original file (3 after a UTF-8 BOM).
    pub base: usize,
    pub utf16: bool,
    /// The legacy encoding the text was converted from (offsets then refer to the text).
    pub legacy: Option<Legacy>,
}

use crate::legacy::{self, Legacy};

/// Decode `bytes` as text or say why not.
pub(crate) fn decode_text(bytes: &[u8]) -> Result<Decoded<'_>, String> {
    if bytes.is_empty() {
        return Err("empty file (0 bytes)".into());
    }
    if bytes.starts_with(b"%PDF-") {
        return Err("a PDF file with a text extension: rename it to .pdf".into());
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Err("a zip archive (maybe .docx with a wrong extension), not text".into());
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err("a legacy Word/OLE file with a text extension: rename it to .doc".into());
    }
    let (text, base, utf16) = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        (utf8(rest)?, 3, false)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        (Cow::Owned(utf16(rest, false)?), 2, true)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        (Cow::Owned(utf16(rest, true)?), 2, true)
    } else {
        let head = &bytes[..bytes.len().min(8192)];
        if memchr::memchr(0, head).is_some() {
            // UTF-16 without BOM: NULs in every other byte of mostly-ASCII text.
            match sniff_utf16(head) {
                Some(be) => (Cow::Owned(utf16(bytes, be)?), 0, true),
                None => return Err("binary file (contains NUL bytes), not text".into()),
            }
        } else {
            match std::str::from_utf8(bytes) {
                Ok(s) => match legacy::detect_mojibake(s) {
                    Some((enc, t)) => return Ok(converted(t, enc)),
                    None => (Cow::Borrowed(s), 0, false),
                },
                Err(e) => match legacy::detect(bytes) {
                    Some((enc, t)) => return Ok(converted(t, enc)),
                    None => return Err(explain_invalid_utf8(bytes, e.valid_up_to())),
                },
            }
        }
    };
    if text.trim().is_empty() {
        return Err("empty file (only whitespace)".into());
    }
    if binaryish(&text) {
        return Err("binary file (mostly control characters), not text".into());
    }
    Ok(Decoded {
        text,
        base,
        utf16,
        legacy: None,
    })
}

fn converted(text: String, enc: Legacy) -> Decoded<'static> {
    Decoded {
        text: Cow::Owned(text),
        base: 0,
        utf16: true,
        legacy: Some(enc),
    }
}

fn utf8(bytes: &[u8]) -> Result<Cow<'_, str>, String> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Cow::Borrowed(s)),
        Err(e) => Err(explain_invalid_utf8(bytes, e.valid_up_to())),
    }
}

fn utf16(bytes: &[u8], be: bool) -> Result<String, String> {
    if !bytes.len().is_multiple_of(2) {
        return Err("invalid UTF-16: odd number of bytes".into());
    }
    let units = bytes.chunks_exact(2).map(|c| {
        if be {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_le_bytes([c[0], c[1]])
        }
    });
    let mut s = String::with_capacity(bytes.len() / 2 * 3 / 2);
    for (i, r) in char::decode_utf16(units).enumerate() {
        match r {
            Ok(c) => s.push(c),
            Err(_) => {
                return Err(format!(
                    "invalid UTF-16 (unpaired surrogate at byte {})",
                    i * 2
                ));
            }
        }
    }
    Ok(s)
}

/// `Some(big_endian)` when the NULs sit in every other byte like UTF-16 text.
fn sniff_utf16(head: &[u8]) -> Option<bool> {
    let n = head.len() / 2 * 2;
    if n < 4 {
        return None;
    }
    let (mut even0, mut odd0) = (0usize, 0usize);
    for i in (0..n).step_by(2) {
        even0 += (head[i] == 0) as usize;
        odd0 += (head[i + 1] == 0) as usize;
    }
    let pairs = n / 2;
    if odd0 * 10 >= pairs * 6 && even0 * 10 <= pairs {
        Some(false)
    } else if even0 * 10 >= pairs * 6 && odd0 * 10 <= pairs {
        Some(true)
    } else {
        None
    }
}

/// Control characters other than tab/CR/LF/FF make up more than 5% of the first 4 KB.
fn binaryish(s: &str) -> bool {
    let mut n = 0usize;
    let mut ctrl = 0usize;
    for c in s.chars().take(4096) {
        n += 1;
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c') {
            ctrl += 1;
        }
    }
    ctrl * 20 > n
}

/// Invalid UTF-8: say where, and whether the bytes look like a legacy Vietnamese encoding.
pub(crate) fn explain_invalid_utf8(bytes: &[u8], at: usize) -> String {
    let high = bytes.iter().filter(|&&b| b >= 0x80).count();
    let ascii_letters = bytes.iter().filter(|b| b.is_ascii_alphabetic()).count();
    let base = format!("not valid UTF-8 (first bad byte at offset {at})");
    if high == 0 || ascii_letters == 0 {
        return base;
    }
    // VNI writes a base vowel followed by a separate tone/vowel-mark byte (e.g. "eá" for "ế");
    // TCVN3 (ABC, .VnTime fonts) packs each accented letter into one byte 0xA1..0xFF.
    let mut after_vowel = 0usize;
    let mut in_word = 0usize;
    for w in bytes.windows(2) {
        if w[1] >= 0x80 {
            if b"aeiouyAEIOUY".contains(&w[0]) {
                after_vowel += 1;
            }
            if w[0].is_ascii_alphabetic() {
                in_word += 1;
            }
        }
    }
    if high > ascii_letters || in_word * 2 < high {
        return format!("{base}; the bytes do not look like text in any supported encoding");
    }
    let hint = if after_vowel * 20 >= high * 11 {
        "it looks like the legacy VNI encoding (VNI-Times fonts)"
    } else {
        "it looks like the legacy TCVN3 (ABC, .VnTime fonts) encoding"
    };
    format!("{base}; {hint}: convert it to Unicode (UTF-8) first, e.g. with UniKey's converter")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_bom_decodes() {
        let mut b = vec![0xFF, 0xFE];
        for u in "Điều 1. Phạm vi".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode_text(&b).unwrap();
        assert_eq!(d.text, "Điều 1. Phạm vi");
        assert!(d.utf16);
    }

    #[test]
    fn rejects_bad_inputs() {
        assert!(decode_text(b"").unwrap_err().contains("empty"));
        assert!(decode_text(b"  \n ").unwrap_err().contains("empty"));
        assert!(
            decode_text(&[1, 0, 2, 0, 0, 0, 255, 7, 0, 0, 0, 0, 9])
                .unwrap_err()
                .contains("binary")
        );
        // "Điều" in TCVN3: §iÒu (0xA7 'i' 0xD2 'u'): converted.
        let tcvn =
            b"\xa7i\xd2u 1. Ph\xb9m vi \xae\xbbu ch\xacnh c\xf1a Lu\xcbt n\xb5y quy \xae\xfenh";
        let d = decode_text(tcvn).unwrap();
        assert_eq!(d.legacy, Some(Legacy::Tcvn3));
        assert!(d.text.starts_with("Điều 1. Phạm vi"), "{}", d.text);
        // VNI: "Ñieàu 1. Phaïm vi ñieàu chænh"
        let vni = b"\xd1ie\xe0u 1. Pha\xefm vi \xf1ie\xe0u ch\xe6nh cu\xfba Lua\xe4t na\xf8y";
        let d = decode_text(vni).unwrap();
        assert_eq!(d.legacy, Some(Legacy::Vni));
        assert_eq!(d.text, "Điều 1. Phạm vi điều chỉnh của Luật này");
        // Latin-1 bytes that read as no Vietnamese: still refused, with the offset.
        let e = decode_text(b"caf\xe9 au lait \xbf\xbf\xa4\xa4").unwrap_err();
        assert!(e.contains("offset 3"), "{e}");
    }
}
