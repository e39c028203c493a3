//! Vietnamese text normalisation, in one place for every stage of rasoat.
//!
//! * [`nfc`]: canonical composition; every document is NFC after ingest.
//! * [`normalize_tone`]: old-style tone placement (`hoà`, `uỷ`, `thuỷ`) to the
//!   form used in official texts today (`hòa`, `ủy`, `thủy`), so the exact
//!   (diacritic-keeping) search field and the rules see one spelling.
//! * [`fold`]: lower case, tone marks and vowel marks removed, `đ` → `d`; the
//!   "no diacritics" form users type (`phan cap`, `dak lak`).
//! * [`LineIndex`]: byte offset → 1-based line and column (columns count
//!   characters, so Vietnamese letters are one column each).

use unicode_normalization::{UnicodeNormalization, char::is_combining_mark, is_nfc_quick};

/// NFC-normalise `s` (cheap when it already is NFC).
pub fn nfc(s: &str) -> String {
    if matches!(
        is_nfc_quick(s.chars()),
        unicode_normalization::IsNormalized::Yes
    ) {
        s.to_string()
    } else {
        s.nfc().collect()
    }
}

/// True when `s` is already NFC (fast path for ingest).
pub fn is_nfc(s: &str) -> bool {
    matches!(
        is_nfc_quick(s.chars()),
        unicode_normalization::IsNormalized::Yes
    )
}

/// Latin blocks covered by the fold table: Latin-1 Supplement to Latin Extended-B, and Latin
/// Extended Additional (where the toned Vietnamese vowels live).
const FOLD_LO: (u32, usize) = (0xC0, 0x250 - 0xC0);
const FOLD_HI: (u32, usize) = (0x1E00, 0x100);

/// Folded form of each letter of those blocks (`0` when it does not fold to one ASCII byte),
/// computed once from [`fold_char_slow`], so the folding rule itself is written only there.
fn fold_table() -> &'static [u8] {
    static T: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        let mut t = vec![0u8; FOLD_LO.1 + FOLD_HI.1];
        let mut s = String::new();
        for (lo, n, base) in [
            (FOLD_LO.0, FOLD_LO.1, 0usize),
            (FOLD_HI.0, FOLD_HI.1, FOLD_LO.1),
        ] {
            for i in 0..n {
                if let Some(c) = char::from_u32(lo + i as u32) {
                    s.clear();
                    fold_char_slow(c, &mut s);
                    if s.len() == 1 {
                        t[base + i] = s.as_bytes()[0];
                    }
                }
            }
        }
        t
    })
}

/// Fold one char into `out`: drop marks, đ→d, lower-case. Works on NFC or NFD input.
/// Vietnamese letters take a table lookup (folding is on every hot path: index, rules, search).
#[inline]
pub fn fold_char_into(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    let u = c as u32;
    let idx = if (FOLD_LO.0..FOLD_LO.0 + FOLD_LO.1 as u32).contains(&u) {
        Some((u - FOLD_LO.0) as usize)
    } else if (FOLD_HI.0..FOLD_HI.0 + FOLD_HI.1 as u32).contains(&u) {
        Some(FOLD_LO.1 + (u - FOLD_HI.0) as usize)
    } else {
        None
    };
    match idx.map(|i| fold_table()[i]) {
        Some(b) if b != 0 => out.push(b as char),
        _ => fold_char_slow(c, out),
    }
}

/// The folding rule for a non-ASCII char: đ→d, decompose, drop combining marks, lower-case.
fn fold_char_slow(c: char, out: &mut String) {
    match c {
        'đ' | 'Đ' => out.push('d'),
        _ => {
            for d in std::iter::once(c).nfd() {
                if is_combining_mark(d) {
                    continue;
                }
                if d.is_ascii() {
                    out.push(d.to_ascii_lowercase());
                } else {
                    out.extend(d.to_lowercase());
                }
            }
        }
    }
}

/// Fold: lower case, diacritics removed, đ → d. `"Đắk Lắk"` → `"dak lak"`.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char_into(c, &mut out);
    }
    out
}

/// Fold and keep a map from each byte of the folded string to the byte offset
/// in `s` where the char it came from starts. `map.len() == folded.len() + 1`
/// (the last entry is `s.len()`), so a folded range `a..b` maps to `map[a]..map[b]`.
pub fn fold_with_map(s: &str) -> (String, Vec<u32>) {
    let mut out = String::with_capacity(s.len());
    let mut map = Vec::with_capacity(s.len() + 1);
    for (i, c) in s.char_indices() {
        let before = out.len();
        fold_char_into(c, &mut out);
        for _ in before..out.len() {
            map.push(i as u32);
        }
    }
    map.push(s.len() as u32);
    (out, map)
}

/// Lower-case and fold a char only if it is a letter with marks; helper for ASCII checks.
pub fn is_vowel_base(c: char) -> bool {
    matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

const TONES: [char; 5] = ['\u{0300}', '\u{0301}', '\u{0309}', '\u{0303}', '\u{0323}'];

/// Move tone marks to the placement used in current official texts for the
/// open diphthongs `oa`, `oe`, `uy` (`hoà`→`hòa`, `khoẻ`→`khỏe`, `uỷ`→`ủy`,
/// `thuỷ`→`thủy`). `qu` + `y` (`quý`) and closed syllables (`hoàn`, `thuyết`)
/// are left alone, since there the mark belongs on the second vowel.
/// Returns NFC text.
pub fn normalize_tone(s: &str) -> String {
    let d: Vec<char> = s.nfd().collect();
    let mut out: Vec<char> = Vec::with_capacity(d.len());
    let mut i = 0;
    while i < d.len() {
        let c = d[i];
        // Candidate: first vowel o/u (no marks of its own), second vowel a/e/y with a tone mark,
        // then end of word.
        let lc = c.to_ascii_lowercase();
        if (lc == 'o' || lc == 'u') && i + 1 < d.len() {
            let v2 = d[i + 1];
            let lv2 = v2.to_ascii_lowercase();
            let pair_ok = (lc == 'o' && (lv2 == 'a' || lv2 == 'e')) || (lc == 'u' && lv2 == 'y');
            // Preceded by q (qu-) → the u is consonantal; leave it.
            let prev = if i > 0 {
                Some(d[i - 1].to_ascii_lowercase())
            } else {
                None
            };
            let prev_is_letter = i > 0 && (d[i - 1].is_alphabetic());
            // For `oa`/`oe` the o must not be preceded by another vowel (e.g. `uoa` doesn't occur).
            if pair_ok && prev != Some('q') && !(prev_is_letter && is_vowel_base(d[i - 1])) {
                // Collect marks after v2.
                let mut j = i + 2;
                let mut tone: Option<char> = None;
                let mut other_marks = Vec::new();
                while j < d.len() && is_combining_mark(d[j]) {
                    if TONES.contains(&d[j]) {
                        tone = Some(d[j]);
                    } else {
                        other_marks.push(d[j]);
                    }
                    j += 1;
                }
                let word_ends = j >= d.len() || !d[j].is_alphanumeric();
                if let (Some(t), true, true) = (tone, word_ends, other_marks.is_empty()) {
                    out.push(c);
                    out.push(t);
                    out.push(v2);
                    i = j;
                    continue;
                }
            }
        }
        out.push(c);
        i += 1;
    }
    out.into_iter().nfc().collect()
}

/// NFC + tone placement: the canonical spelling used by rasoat for exact matching.
pub fn canonical(s: &str) -> String {
    normalize_tone(s)
}

/// Collapse runs of ASCII whitespace to a single space and trim.
pub fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// Character accuracy of `got` against `want` (NFC, whitespace runs as one space):
/// 1 − edit distance ÷ length of `want`. OCR and PDF text extraction are judged by it.
pub fn char_accuracy(got: &str, want: &str) -> f64 {
    let a: Vec<char> = collapse_spaces(&nfc(got)).chars().collect();
    let b: Vec<char> = collapse_spaces(&nfc(want)).chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + (ca != cb) as usize)
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    1.0 - prev[b.len()] as f64 / b.len().max(1) as f64
}

/// Byte offset → (line, column), both 1-based; columns count chars.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// `block_chars[k]` = number of chars in `text[..k * BLOCK]`, so a column costs at most
    /// one block scan, not a scan from the line start (one-line JSON files would be quadratic).
    block_chars: Vec<u32>,
}

const BLOCK: usize = 256;

/// Chars that start in `bytes` (non-continuation bytes).
fn count_char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        let bytes = text.as_bytes();
        let mut block_chars = Vec::with_capacity(bytes.len() / BLOCK + 2);
        let mut chars = 0u32;
        for (k, block) in bytes.chunks(BLOCK).enumerate() {
            block_chars.push(chars);
            chars += count_char_starts(block) as u32;
            for (j, &b) in block.iter().enumerate() {
                if b == b'\n' {
                    starts.push(k * BLOCK + j + 1);
                }
            }
        }
        block_chars.push(chars);
        LineIndex {
            starts,
            block_chars,
        }
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 1-based (line, column) of a byte offset in `text`; the column counts chars
    /// (NFC letters are one column; in NFD text a combining mark counts as its own char).
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.line(offset);
        let start = self.line_start(line);
        let mut o = offset;
        while o > start && !text.is_char_boundary(o) {
            o -= 1;
        }
        let col = self.chars_before(text, o) - self.chars_before(text, start) + 1;
        (line, col)
    }

    /// Number of chars in `text[..offset]` (offset on a char boundary).
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let k = offset / BLOCK;
        match self.block_chars.get(k) {
            Some(&c) => c as usize + count_char_starts(&text.as_bytes()[k * BLOCK..offset]),
            None => text[..offset].chars().count(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold("Đắk Lắk"), "dak lak");
        assert_eq!(fold("Phân cấp, PHÂN QUYỀN"), "phan cap, phan quyen");
        assert_eq!(fold("Ủy ban nhân dân"), "uy ban nhan dan");
        let nfd: String = "Phân cấp".nfd().collect();
        assert_eq!(fold(&nfd), "phan cap");
    }

    #[test]
    fn table_fold_equals_rule_for_every_latin_letter() {
        for u in (0xC0..0x250).chain(0x1E00..0x1F00) {
            let Some(c) = char::from_u32(u) else { continue };
            let (mut fast, mut slow) = (String::new(), String::new());
            fold_char_into(c, &mut fast);
            fold_char_slow(c, &mut slow);
            assert_eq!(fast, slow, "U+{u:04X}");
        }
    }

    #[test]
    fn fold_map_points_back() {
        let s = "Sở Tư pháp";
        let (f, m) = fold_with_map(s);
        assert_eq!(f, "so tu phap");
        let a = f.find("tu").unwrap();
        assert_eq!(&s[m[a] as usize..m[a + 2] as usize], "Tư");
    }

    #[test]
    fn tone_placement() {
        assert_eq!(normalize_tone("hoà"), "hòa");
        assert_eq!(normalize_tone("Uỷ ban"), "Ủy ban");
        assert_eq!(normalize_tone("thuỷ lợi"), "thủy lợi");
        assert_eq!(normalize_tone("khoẻ"), "khỏe");
        assert_eq!(normalize_tone("Cộng hoà"), "Cộng hòa");
        // Already canonical, closed syllables and qu- stay.
        assert_eq!(normalize_tone("hòa"), "hòa");
        assert_eq!(normalize_tone("hoàn thiện"), "hoàn thiện");
        assert_eq!(normalize_tone("quý"), "quý");
        assert_eq!(normalize_tone("thuyết"), "thuyết");
        assert_eq!(normalize_tone("Tuy Hoà"), "Tuy Hòa");
        let nfd: String = "uỷ quyền".nfd().collect();
        assert_eq!(normalize_tone(&nfd), "ủy quyền");
    }

    #[test]
    fn char_accuracy_counts_edits_against_the_original() {
        assert_eq!(char_accuracy("Điều  1.\nphân cấp", "Điều 1. phân cấp"), 1.0);
        // One substitution in 10 characters.
        assert!((char_accuracy("phan cấp x", "phân cấp x") - 0.9).abs() < 1e-9);
        assert_eq!(char_accuracy("", "abcd"), 0.0);
    }

    #[test]
    fn line_col_counts_chars() {
        let t = "abc\nĐắk Lắk x";
        let li = LineIndex::new(t);
        let off = t.find('x').unwrap();
        assert_eq!(li.line_col(t, off), (2, 9));
        assert_eq!(li.line_col(t, 0), (1, 1));
    }

    #[test]
    fn line_col_on_long_lines_matches_naive_count() {
        let t = "ầ".repeat(700) + "x" + &"b".repeat(300) + "\nĐắk" + &"ơ".repeat(400) + "y";
        let li = LineIndex::new(&t);
        for (off, _) in t.char_indices() {
            let line_start = t[..off].rfind('\n').map(|i| i + 1).unwrap_or(0);
            let naive = t[line_start..off].chars().count() + 1;
            assert_eq!(li.line_col(&t, off).1, naive, "offset {off}");
        }
    }

    #[test]
    fn collapses() {
        assert_eq!(collapse_spaces("  Để  có  cơ  sở \n x"), "Để có cơ sở x");
    }
}
