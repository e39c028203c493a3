//! Pre-Unicode Vietnamese encodings: TCVN3 (ABC, `.VnTime` fonts), VNI Windows
//! (`VNI-Times` fonts) and Windows-1258. The TCVN3 and VNI tables are data
//! (`data/tcvn3.tsv`, `data/vni.tsv`: letter → byte sequence); Windows-1258 comes from
//! encoding_rs (its tone marks are combining characters, composed to NFC here).
//!
//! Detection is by content: every candidate decoding is scored by how much of it reads
//! as Vietnamese letters, and the best one wins.

use std::collections::HashMap;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Legacy {
    Tcvn3,
    Vni,
    Cp1258,
}

impl Legacy {
    pub fn name(self) -> &'static str {
        match self {
            Legacy::Tcvn3 => "TCVN3 (ABC)",
            Legacy::Vni => "VNI",
            Legacy::Cp1258 => "Windows-1258",
        }
    }
}

/// Letter → bytes, and byte sequences (1 or 2 bytes) → letter.
struct Table {
    encode: HashMap<char, Vec<u8>>,
    decode: HashMap<Vec<u8>, char>,
}

fn load(data: &str) -> Table {
    let mut t = Table {
        encode: HashMap::new(),
        decode: HashMap::new(),
    };
    for line in data
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (c, hex) = line.split_once('\t').expect("table line: letter<TAB>hex");
        let c = c.chars().next().expect("table letter");
        let bytes: Vec<u8> = hex
            .split_whitespace()
            .map(|h| u8::from_str_radix(h, 16).expect("table hex"))
            .collect();
        t.encode.insert(c, bytes.clone());
        t.decode.insert(bytes, c);
    }
    t
}

fn tcvn3() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| load(include_str!("../data/tcvn3.tsv")))
}

fn vni() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| load(include_str!("../data/vni.tsv")))
}

/// A byte the table does not map: as Windows-1252 (quotes, dashes), like Word shows it.
fn cp1252(b: u8) -> char {
    if b < 0x80 {
        return b as char;
    }
    let buf = [b];
    let (s, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&buf);
    s.chars().next().unwrap_or('\u{fffd}')
}

/// Decode `bytes` in `enc` to NFC text.
pub(crate) fn decode(bytes: &[u8], enc: Legacy) -> String {
    let out = decode_exact(bytes, enc);
    if enc == Legacy::Tcvn3 {
        recase_tcvn3(&out)
    } else {
        out
    }
}

/// Decode without guessing capitals (the font tells them, for runs of a document).
fn decode_exact(bytes: &[u8], enc: Legacy) -> String {
    let out = match enc {
        Legacy::Cp1258 => encoding_rs::WINDOWS_1258
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
        Legacy::Tcvn3 => {
            let t = tcvn3();
            bytes
                .iter()
                .map(|&b| match b {
                    0..=0x7f => b as char,
                    _ => t.decode.get(&[b][..]).copied().unwrap_or_else(|| cp1252(b)),
                })
                .collect()
        }
        Legacy::Vni => {
            let t = vni();
            let mut s = String::with_capacity(bytes.len() + bytes.len() / 4);
            let mut i = 0;
            while i < bytes.len() {
                if i + 1 < bytes.len()
                    && let Some(&c) = t.decode.get(&bytes[i..i + 2])
                {
                    s.push(c);
                    i += 2;
                    continue;
                }
                let b = bytes[i];
                s.push(if b < 0x80 {
                    b as char
                } else {
                    t.decode.get(&[b][..]).copied().unwrap_or_else(|| cp1252(b))
                });
                i += 1;
            }
            s
        }
    };
    // The tables give precomposed letters: most texts are NFC already.
    if unicode_normalization::is_nfc_quick(out.chars()) == unicode_normalization::IsNormalized::Yes
    {
        out
    } else {
        out.nfc().collect()
    }
}

/// TCVN3 has no codes for most capital accented letters: `.VnTimeH` fonts draw the
/// lowercase codes as capitals, so plain TCVN3 text reads "CộNG HòA Xã HộI". Put the
/// capitals back where the words around say so: a word with two capitals or more and no
/// lowercase ASCII letter is capitalised; a word with one capital, no lowercase ASCII
/// letter and a lowercase accented letter (`Xã`) is capitalised next to such a word.
fn recase_tcvn3(text: &str) -> String {
    #[derive(Clone, Copy, PartialEq)]
    enum W {
        Caps,
        Maybe,
        Other,
    }
    let kind = |w: &str| -> W {
        let lower_ascii = w.chars().any(|c| c.is_ascii_lowercase());
        let digits = w.chars().any(|c| c.is_ascii_digit());
        let upper = w.chars().filter(|c| c.is_uppercase()).count();
        let lower_accented = w.chars().any(|c| !c.is_ascii() && c.is_lowercase());
        match (lower_ascii || digits, upper) {
            (false, 2..) => W::Caps,
            (false, 1) if lower_accented => W::Maybe,
            _ => W::Other,
        }
    };
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let words: Vec<&str> = line.split(' ').collect();
        let kinds: Vec<W> = words.iter().map(|w| kind(w)).collect();
        for (j, w) in words.iter().enumerate() {
            if j > 0 {
                out.push(' ');
            }
            let near_caps =
                (j > 0 && kinds[j - 1] == W::Caps) || kinds.get(j + 1) == Some(&W::Caps);
            match kinds[j] {
                W::Caps => out.push_str(&w.to_uppercase()),
                W::Maybe if near_caps => out.push_str(&w.to_uppercase()),
                _ => out.push_str(w),
            }
        }
    }
    out
}

/// Encode Unicode text to `enc` (tests and fixtures): letters without a code are
/// lowercased first for TCVN3 (what a `.VnTimeH` document stores), other characters
/// outside the table go through Windows-1252.
#[cfg(test)]
pub(crate) fn encode(text: &str, enc: Legacy) -> Vec<u8> {
    let t = match enc {
        Legacy::Tcvn3 => tcvn3(),
        Legacy::Vni => vni(),
        Legacy::Cp1258 => {
            // Windows-1258 has â ê ô ă ơ ư đ precomposed and the five tones combining.
            let mut s = String::with_capacity(text.len() + text.len() / 4);
            for c in text.nfc() {
                let d: String = c.nfd().collect();
                let tone: Option<char> = d.chars().find(|&m| is_mark(m));
                s.extend(d.chars().filter(|&m| !is_mark(m)).nfc());
                s.extend(tone);
            }
            return encoding_rs::WINDOWS_1258.encode(&s).0.into_owned();
        }
    };
    let mut out = Vec::with_capacity(text.len());
    for c in text.nfc() {
        if let Some(b) = t.encode.get(&c) {
            out.extend_from_slice(b);
        } else if let Some(b) = c.to_lowercase().next().and_then(|l| t.encode.get(&l)) {
            out.extend_from_slice(b);
        } else {
            let mut buf = [0u8; 4];
            out.extend_from_slice(&encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut buf)).0);
        }
    }
    out
}

/// How Vietnamese a decoding reads: words with letters outside ASCII count for it when
/// they are well-formed syllables (onset, a known vowel nucleus with at most one tone,
/// final) and against it otherwise; stray Latin-1 symbols count against it.
fn score(s: &str) -> i64 {
    let mut v = 0i64;
    // Syllables repeat (a 20 KB text has a few hundred distinct ones): each is checked once.
    let mut seen: std::collections::HashMap<&str, bool> = Default::default();
    for w in s.split(|c: char| !c.is_alphanumeric() && !is_mark(c)) {
        if w.is_ascii() {
            continue;
        }
        let ok = *seen.entry(w).or_insert_with(|| syllable(w));
        v += if ok { 2 } else { -2 };
    }
    for c in s.chars() {
        if !c.is_ascii()
            && !c.is_alphanumeric()
            && !matches!(c, '“' | '”' | '‘' | '’' | '–' | '—' | '…' | '•' | '\u{a0}')
        {
            v -= 3;
        }
    }
    v
}

fn is_mark(c: char) -> bool {
    matches!(c, '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}')
}

const ONSETS: &[&str] = &[
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d", "đ", "g",
    "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
];
const FINALS: &[&str] = &["ng", "nh", "ch", "c", "m", "n", "p", "t"];
const NUCLEI: &[&str] = &[
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay", "âu", "ây",
    "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "ôi", "ơi", "oo", "ua", "uâ", "uê", "ui",
    "uô", "uơ", "uy", "ưa", "ưi", "ưu", "ươ", "yê", "iêu", "yêu", "oai", "oay", "oeo", "uây",
    "uôi", "ươi", "ươu", "uya", "uyê", "uyu", "uêu", "oao",
];

/// A Vietnamese syllable: onset? nucleus final?, one tone mark at most.
fn syllable(w: &str) -> bool {
    let lower = w.to_lowercase();
    let nfd: String = lower.nfd().collect();
    if nfd.chars().filter(|&c| is_mark(c)).count() > 1 {
        return false;
    }
    let base: String = nfd
        .chars()
        .filter(|&c| !is_mark(c))
        .collect::<String>()
        .nfc()
        .collect();
    let mut rest = base.as_str();
    // The longest onset that leaves a vowel ("gì" is g + ì, "gió" is gi + ó).
    if let Some(o) = ONSETS
        .iter()
        .find(|o| rest.starts_with(*o) && rest.len() > o.len())
    {
        rest = &rest[o.len()..];
    }
    if let Some(f) = FINALS
        .iter()
        .find(|f| rest.ends_with(*f) && rest.len() > f.len())
    {
        rest = &rest[..rest.len() - f.len()];
    }
    NUCLEI.contains(&rest)
}

/// The legacy encoding `bytes` (not valid UTF-8) are most likely in, with its text.
/// None when no decoding reads as Vietnamese.
pub(crate) fn detect(bytes: &[u8]) -> Option<(Legacy, String)> {
    // The first lines tell the encoding: three candidate decodings of a sample, then the chosen
    // one of the whole text (decoding and scoring everything three times was 75 % of a VNI
    // file's parse time). A sample that reads as none of them falls back to the whole text.
    let cut = if bytes.len() > DETECT_SAMPLE {
        memchr::memchr(b'\n', &bytes[DETECT_SAMPLE..]).map_or(bytes.len(), |i| DETECT_SAMPLE + i)
    } else {
        bytes.len()
    };
    if cut < bytes.len()
        && let Some((sc, enc, _)) = best_decoding(&bytes[..cut])
        && sc >= DETECT_SURE
    {
        return Some((enc, decode(bytes, enc)));
    }
    best_decoding(bytes).map(|(_, e, s)| (e, s))
}

/// Bytes of a legacy text read to choose its encoding, and the score (net well-formed syllables
/// × 2) the sample's best decoding needs for the choice to stand.
const DETECT_SAMPLE: usize = 4 * 1024;
const DETECT_SURE: i64 = 60;

fn best_decoding(bytes: &[u8]) -> Option<(i64, Legacy, String)> {
    let mut best: Option<(i64, Legacy, String)> = None;
    for enc in [Legacy::Tcvn3, Legacy::Vni, Legacy::Cp1258] {
        let s = decode(bytes, enc);
        let sc = score(&s);
        if best.as_ref().is_none_or(|b| sc > b.0) {
            best = Some((sc, enc, s));
        }
    }
    best.filter(|b| b.0 > 0)
}

/// Unicode text that is really legacy bytes shown through Windows-1252 (what Word and
/// converters produce from `.VnTime`/`VNI-Times` runs): its legacy encoding and the
/// real text, when re-decoding reads clearly more Vietnamese than the text as it is.
pub(crate) fn detect_mojibake(text: &str) -> Option<(Legacy, String)> {
    if text.is_ascii() {
        return None;
    }
    let (bytes, _, bad) = encoding_rs::WINDOWS_1252.encode(text);
    if bad {
        return None; // characters Windows-1252 cannot hold: real Unicode text
    }
    let (enc, s) = detect(&bytes)?;
    (score(&s) > score(text) + 4).then_some((enc, s))
}

/// Legacy encoding named by a font: `.VnTime`, `.VnTimeH`, `.VnArial`… (TCVN3),
/// `VNI-Times`, `VNI-Helve`… (VNI). The `H` of `.Vn*H` fonts means capitals.
pub(crate) fn font_encoding(font: &str) -> Option<(Legacy, bool)> {
    // Bytes, not str slices: a font name may start with a multi-byte character.
    let f = font.trim().as_bytes();
    if f.len() > 3 && f[..3].eq_ignore_ascii_case(b".vn") {
        return Some((Legacy::Tcvn3, f.ends_with(b"H")));
    }
    if f.len() > 4 && f[..4].eq_ignore_ascii_case(b"vni-") {
        return Some((Legacy::Vni, false));
    }
    None
}

/// Text of a run written in a legacy font (Word keeps each byte as its Windows-1252
/// character) decoded to Unicode; `caps` uppercases it (`.VnTimeH`).
pub(crate) fn decode_run(text: &str, enc: Legacy, caps: bool) -> String {
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    let s = decode_exact(&bytes, enc);
    if caps { s.to_uppercase() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "Điều 5. Ủy ban nhân dân tỉnh ĐẮK LẮK chủ trì, phối hợp với Sở Tư pháp; \
        người được ủy quyền thực hiện nhiệm vụ ngày 01 tháng 7 năm 2025 — “Quyết định”.";

    #[test]
    fn tables_round_trip_every_letter() {
        for (t, enc) in [(tcvn3(), Legacy::Tcvn3), (vni(), Legacy::Vni)] {
            assert!(t.encode.len() >= 67, "{enc:?}");
            for (&c, b) in &t.encode {
                assert_eq!(decode(b, enc), c.to_string(), "{enc:?} {c}");
            }
        }
        assert_eq!(vni().encode.len(), 134);
    }

    #[test]
    fn round_trip_and_detect() {
        for enc in [Legacy::Vni, Legacy::Cp1258] {
            let b = encode(SAMPLE, enc);
            assert_eq!(decode(&b, enc), SAMPLE, "{enc:?}");
            let (e, s) = detect(&b).unwrap();
            assert_eq!((e, s.as_str()), (enc, SAMPLE));
        }
        // TCVN3 has no capital accented letters: they come back lowercase.
        let b = encode(SAMPLE, Legacy::Tcvn3);
        let (e, s) = detect(&b).unwrap();
        assert_eq!(e, Legacy::Tcvn3);
        assert_eq!(s.to_lowercase(), SAMPLE.to_lowercase());
        assert!(
            s.starts_with("Điều 5. Ủy ban") || s.starts_with("Điều 5. ủy ban"),
            "{s}"
        );
    }

    #[test]
    fn long_text_detected_from_its_opening_and_decoded_whole() {
        // Past DETECT_SAMPLE bytes the encoding is chosen on the opening lines only.
        let t = format!("{SAMPLE}\n").repeat(3 + 2 * DETECT_SAMPLE / SAMPLE.len());
        for enc in [Legacy::Vni, Legacy::Cp1258] {
            let b = encode(&t, enc);
            assert!(b.len() > DETECT_SAMPLE);
            let (e, s) = detect(&b).unwrap();
            assert_eq!((e, s.as_str()), (enc, t.as_str()), "{enc:?}");
        }
        // An opening that reads as no encoding (ASCII) defers to the whole text.
        let mut b = "Document header in ASCII only.\n"
            .repeat(DETECT_SAMPLE / 20)
            .into_bytes();
        b.extend(encode(&t, Legacy::Vni));
        assert_eq!(detect(&b).map(|x| x.0), Some(Legacy::Vni));
    }

    #[test]
    fn lowercase_text_detected() {
        let t =
            "được phân cấp cho ủy ban nhân dân xã thực hiện nhiệm vụ quản lý của người đứng đầu";
        for enc in [Legacy::Tcvn3, Legacy::Vni, Legacy::Cp1258] {
            let (e, s) = detect(&encode(t, enc)).unwrap();
            assert_eq!((e, s.as_str()), (enc, t));
        }
        assert!(syllable("nghiêng") && syllable("quyết") && syllable("Điều") && syllable("gì"));
        assert!(!syllable("luaọt") && !syllable("ẹieàu"));
    }

    #[test]
    fn tcvn3_capitals_restored() {
        let b = encode(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nBỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH\nSở Tư pháp, Bộ Văn hóa; Số: 06/2026/TT-BVHTTDL",
            Legacy::Tcvn3,
        );
        assert_eq!(
            decode(&b, Legacy::Tcvn3),
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nBỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH\nSở Tư pháp, Bộ Văn hóa; Số: 06/2026/TT-BVHTTDL"
        );
    }

    #[test]
    fn known_strings() {
        assert_eq!(
            decode(b"\xa7i\xd2u 1. Ph\xb9m vi", Legacy::Tcvn3),
            "Điều 1. Phạm vi"
        );
        assert_eq!(
            decode(b"\xd1ie\xe0u ch\xe6nh cu\xfba", Legacy::Vni),
            "Điều chỉnh của"
        );
        let b = encoding_rs::WINDOWS_1252
            .encode("Xin chaøo caùc baïn ñöôïc")
            .0;
        assert_eq!(decode(&b, Legacy::Vni), "Xin chào các bạn được");
    }

    #[test]
    fn mojibake_and_fonts() {
        let m = decode_run("§iÒu 5. Chñ tÞch", Legacy::Tcvn3, false);
        assert_eq!(m, "Điều 5. Chủ tịch");
        assert_eq!(decode_run("§iÒu", Legacy::Tcvn3, true), "ĐIỀU");
        assert_eq!(
            detect_mojibake("§iÒu 5. Chñ tÞch UBND tØnh").unwrap().0,
            Legacy::Tcvn3
        );
        assert!(detect_mojibake(SAMPLE).is_none());
        assert!(detect_mojibake("café résumé").is_none());
        assert_eq!(font_encoding(".VnTimeH"), Some((Legacy::Tcvn3, true)));
        assert_eq!(font_encoding("VNI-Times"), Some((Legacy::Vni, false)));
        assert_eq!(font_encoding("Times New Roman"), None);
        // Found by fuzzing (fuzz/artifacts/doc): a multi-byte name used to panic.
        assert_eq!(font_encoding("ĐẮK"), None);
        assert_eq!(font_encoding("ẞẞ"), None);
    }
}
