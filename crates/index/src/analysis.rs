//! Vietnamese analyzers for tantivy. Registered on every open (tantivy does not persist
//! custom tokenizers). All analyzers work on NFC or NFD input: the word tokenizer keeps
//! combining marks inside a word, and each filter normalises per token.

use rasoat_text::{fold_char_into, normalize_tone};
use std::sync::OnceLock;
use tantivy::Index;
use tantivy::tokenizer::{
    RemoveLongFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};
use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// Bump when any analyzer's output changes: an index built with another value is stale.
pub const ANALYZER_VERSION: u32 = 2;

pub const FOLD: &str = "vn_fold";
pub const EXACT: &str = "vn_exact";
pub const BIGRAM: &str = "vn_bigram";
pub const BIGRAM_EXACT: &str = "vn_bigram_exact";

/// Register every rasoat analyzer on `index`.
pub fn register(index: &Index) {
    let m = index.tokenizers();
    m.register(FOLD, fold_analyzer());
    m.register(EXACT, exact_analyzer());
    m.register(
        BIGRAM,
        TextAnalyzer::builder(BigramTokenizer::default()).build(),
    );
    m.register(
        BIGRAM_EXACT,
        TextAnalyzer::builder(BigramTokenizer::exact()).build(),
    );
}

pub fn fold_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(VnWordTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(VnNorm { fold: true })
        .build()
}

pub fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(VnWordTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(VnNorm { fold: false })
        .build()
}

/// Folded syllables of `text`, as the fold field indexes them.
pub fn fold_tokens(text: &str) -> Vec<String> {
    tokens_with(&mut fold_analyzer(), text)
}

/// Exact (NFC, lower, tone-normalised) syllables of `text`.
pub fn exact_tokens(text: &str) -> Vec<String> {
    tokens_with(&mut exact_analyzer(), text)
}

fn tokens_with(a: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut ts = a.token_stream(text);
    while ts.advance() {
        out.push(ts.token().text.clone());
    }
    out
}

/// Join two folded syllables into the bigram term the bigram field stores.
pub fn bigram(a: &str, b: &str) -> String {
    let mut s = String::with_capacity(a.len() + b.len() + 1);
    s.push_str(a);
    s.push('_');
    s.push_str(b);
    s
}

/// Fold one token: marks dropped, đ → d, lower case.
pub fn fold_token(s: &str, out: &mut String) {
    out.clear();
    for c in s.chars() {
        fold_char_into(c, out);
    }
}

/// `char::is_alphanumeric`, with fast paths for ASCII and the Latin blocks of Vietnamese.
#[inline]
fn is_alnum(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    match c as u32 {
        0xD7 | 0xF7 => false,
        0xC0..=0x24F | 0x1EA0..=0x1EF9 => true,
        _ => c.is_alphanumeric(),
    }
}

/// Exact form of one token: NFC, lower case, tone placement normalised (`uỷ` → `ủy`).
pub fn exact_token(s: &str, out: &mut String) {
    out.clear();
    let lower: String = s.nfc().flat_map(|c| c.to_lowercase()).collect();
    out.push_str(&normalize_tone(&lower));
}

#[inline]
fn is_word_char(c: char) -> bool {
    is_alnum(c)
        || (!c.is_ascii() && ((0x300..=0x36F).contains(&(c as u32)) || is_combining_mark(c)))
}

/// Like tantivy's SimpleTokenizer, but combining marks stay inside a word (NFD-safe).
/// Offsets are byte offsets into the original text, so snippets highlight the original spelling.
#[derive(Clone, Default)]
pub struct VnWordTokenizer {
    token: Token,
}

pub struct VnWordTokenStream<'a> {
    text: &'a str,
    chars: std::str::CharIndices<'a>,
    token: &'a mut Token,
}

impl Tokenizer for VnWordTokenizer {
    type TokenStream<'a> = VnWordTokenStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VnWordTokenStream<'a> {
        self.token.reset();
        VnWordTokenStream {
            text,
            chars: text.char_indices(),
            token: &mut self.token,
        }
    }
}

impl TokenStream for VnWordTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.token.text.clear();
        self.token.position = self.token.position.wrapping_add(1);
        while let Some((from, c)) = self.chars.next() {
            if is_alnum(c) {
                let to = self
                    .chars
                    .find(|(_, c)| !is_word_char(*c))
                    .map(|(o, _)| o)
                    .unwrap_or(self.text.len());
                self.token.offset_from = from;
                self.token.offset_to = to;
                self.token.text.push_str(&self.text[from..to]);
                return true;
            }
        }
        false
    }
    fn token(&self) -> &Token {
        self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Token filter: fold (marks removed, đ→d) or exact (NFC + lower + tone placement).
#[derive(Clone)]
pub struct VnNorm {
    pub fold: bool,
}

#[derive(Clone)]
pub struct VnNormWrapper<T> {
    inner: T,
    cache: TokenCache,
    fold: bool,
}

pub struct VnNormStream<'a, S> {
    tail: S,
    cache: &'a mut TokenCache,
    fold: bool,
}

/// FNV-1a hasher: token keys are short, SipHash would dominate the lookup.
#[derive(Default, Clone, Copy)]
pub struct Fnv(u64);
impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf29ce484222325
        } else {
            self.0
        };
        for b in bytes {
            h ^= *b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
        self.0 = h;
    }
}

/// Memo of non-ASCII token → normalised form. Vietnamese has a few thousand syllables, so
/// folding/tone-normalising each distinct token once makes indexing several times faster.
#[derive(Clone, Default)]
pub struct TokenCache {
    map: std::collections::HashMap<String, String, std::hash::BuildHasherDefault<Fnv>>,
    scratch: String,
}

impl TokenCache {
    /// Append the exact (NFC, lower, tone-normalised) form of a non-ASCII word to `out`.
    fn exact_into(&mut self, word: &str, out: &mut String) {
        if let Some(v) = self.map.get(word) {
            out.push_str(v);
            return;
        }
        let mut v = String::new();
        exact_token(word, &mut v);
        out.push_str(&v);
        if self.map.len() > 200_000 {
            self.map.clear();
        }
        self.map.insert(word.to_string(), v);
    }

    /// Replace `text` by its normalised form (folded: a table lookup per char, no memo needed).
    fn apply(&mut self, text: &mut String, fold: bool) {
        if fold {
            fold_token(text, &mut self.scratch);
            text.clear();
            text.push_str(&self.scratch);
            return;
        }
        let mut out = std::mem::take(&mut self.scratch);
        out.clear();
        self.exact_into(text, &mut out);
        std::mem::swap(text, &mut out);
        self.scratch = out;
    }
}

impl TokenFilter for VnNorm {
    type Tokenizer<T: Tokenizer> = VnNormWrapper<T>;
    fn transform<T: Tokenizer>(self, t: T) -> VnNormWrapper<T> {
        VnNormWrapper {
            inner: t,
            cache: TokenCache::default(),
            fold: self.fold,
        }
    }
}

impl<T: Tokenizer> Tokenizer for VnNormWrapper<T> {
    type TokenStream<'a> = VnNormStream<'a, T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        VnNormStream {
            tail: self.inner.token_stream(text),
            cache: &mut self.cache,
            fold: self.fold,
        }
    }
}

impl<S: TokenStream> TokenStream for VnNormStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let t = self.tail.token_mut();
        if t.text.is_ascii() {
            t.text.make_ascii_lowercase();
        } else {
            self.cache.apply(&mut t.text, self.fold);
        }
        true
    }
    fn token(&self) -> &Token {
        self.tail.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Folded syllable bigrams (`phan_cap`): Vietnamese words are mostly two syllables, so a
/// bigram match rewards the word rather than two unrelated syllables. Pairs do not cross
/// sentence or clause punctuation (`.`, `;`, `:`, `,`, brackets, newlines).
#[derive(Clone, Default)]
pub struct BigramTokenizer {
    token: Token,
    /// The text's normalised words back to back, so a stream allocates nothing per word
    /// (a `String` per word was a tenth of the index build).
    buf: String,
    words: Vec<Word>,
    cache: TokenCache,
    /// Keep diacritics (exact bigrams) instead of folding.
    exact: bool,
}

/// A word of the text: its normalised form at `buf[at..end]`, its bytes `from..to` in the text.
#[derive(Clone, Copy)]
struct Word {
    at: usize,
    end: usize,
    from: usize,
    to: usize,
}

impl BigramTokenizer {
    pub fn exact() -> Self {
        BigramTokenizer {
            exact: true,
            ..Default::default()
        }
    }
}

pub struct BigramStream<'a> {
    buf: &'a str,
    words: &'a [Word],
    text: &'a str,
    i: usize,
    token: &'a mut Token,
}

fn breaks_pair(gap: &str) -> bool {
    gap.chars().any(|c| {
        matches!(
            c,
            '.' | ';' | ':' | ',' | '(' | ')' | '\n' | '"' | '“' | '”' | '?' | '!'
        )
    })
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = BigramStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> BigramStream<'a> {
        self.token.reset();
        self.words.clear();
        self.buf.clear();
        let mut wt = VnWordTokenizer::default();
        let mut ts = wt.token_stream(text);
        while ts.advance() {
            let t = ts.token();
            let at = self.buf.len();
            if t.text.is_ascii() {
                self.buf
                    .extend(t.text.bytes().map(|b| b.to_ascii_lowercase() as char));
            } else if self.exact {
                self.cache.exact_into(&t.text, &mut self.buf);
            } else {
                t.text
                    .chars()
                    .for_each(|c| fold_char_into(c, &mut self.buf));
            }
            self.words.push(Word {
                at,
                end: self.buf.len(),
                from: t.offset_from,
                to: t.offset_to,
            });
        }
        BigramStream {
            buf: &self.buf,
            words: &self.words,
            text,
            i: 0,
            token: &mut self.token,
        }
    }
}

impl TokenStream for BigramStream<'_> {
    fn advance(&mut self) -> bool {
        while self.i + 1 < self.words.len() {
            let (a, b) = (self.words[self.i], self.words[self.i + 1]);
            self.i += 1;
            if breaks_pair(&self.text[a.to..b.from]) {
                continue;
            }
            self.token.text.clear();
            self.token.text.push_str(&self.buf[a.at..a.end]);
            self.token.text.push('_');
            self.token.text.push_str(&self.buf[b.at..b.end]);
            self.token.offset_from = a.from;
            self.token.offset_to = b.to;
            self.token.position = self.i - 1;
            return true;
        }
        false
    }
    fn token(&self) -> &Token {
        self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Exact (diacritic-keeping) bigrams of a query.
pub fn exact_bigram_tokens(text: &str) -> Vec<String> {
    bigrams_with(BigramTokenizer::exact(), text)
}

/// Folded bigrams of a query, with the same pair-breaking rule as the index.
pub fn bigram_tokens(text: &str) -> Vec<String> {
    bigrams_with(BigramTokenizer::default(), text)
}

fn bigrams_with(mut t: BigramTokenizer, text: &str) -> Vec<String> {
    let mut ts = t.token_stream(text);
    let mut out = Vec::new();
    while ts.advance() {
        out.push(ts.token().text.clone());
    }
    out
}

fn number_re() -> &'static regex::Regex {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // n[/yyyy]/TYPE-ISSUER (`28/NQ-HĐND`, `72/2025/QH15`, `01/VBHN-VPQH`) and the Party form
        // `192-KL/TW`; spaces around separators are tolerated (PDF extraction, justification).
        regex::Regex::new(
            r"(?x)
            \b\d{1,5}[a-zA-Z]?
            (?:
              (?:\s*/\s*\d{4})?\s*/\s*\p{Lu}[\p{Lu}\p{M}\d]*(?:\s*[-–]\s*[\p{Lu}\p{M}][\p{L}\p{M}\d]*)*
            | \s*-\s*\p{Lu}[\p{Lu}\p{M}]*\s*/\s*\p{Lu}[\p{Lu}\p{M}\d]*
            )",
        )
        .expect("static regex")
    })
}

/// Key of a document number-symbol: rasoat_extract's `normalize_number` (the one normalisation
/// citations use: folded, lower case, no spaces, dashes unified, leading zeros dropped), with
/// trailing punctuation trimmed. `28/NQ-HĐND`, `28/NQ-HDND`, `28 / NQ - HĐND` → `28/nq-hdnd`.
pub fn number_key(s: &str) -> String {
    let k = rasoat_extract::norm::normalize_number(s.trim());
    k.trim_end_matches(|c: char| !c.is_alphanumeric())
        .to_string()
}

/// Every number-symbol written in `text`, as keys.
pub fn number_keys_in(text: &str) -> Vec<String> {
    // Every number-symbol has a '/': skip the regex on the many bodies without one.
    if !text.contains('/') {
        return Vec::new();
    }
    let mut v: Vec<String> = number_re()
        .find_iter(text)
        .map(|m| number_key(m.as_str()))
        .filter(|k| k.contains('/'))
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Keys of the document numbers written anywhere in a query (`95/2025/QD-UBND nghe an`).
pub fn numbers_in_query(q: &str) -> Vec<String> {
    let up = q.to_uppercase();
    let mut v: Vec<String> = number_re()
        .find_iter(&up)
        .map(|m| number_key(m.as_str()))
        .filter(|k| k.contains('/'))
        .collect();
    v.dedup();
    v
}

/// If the whole query is a document number (optionally after "số"/"văn bản số"), its key.
pub fn query_as_number(q: &str) -> Option<String> {
    let q = q.trim();
    let q = q.trim_start_matches(|c: char| !c.is_alphanumeric());
    let folded = rasoat_text::fold(q);
    let rest_start = ["van ban so ", "so "]
        .iter()
        .find(|p| folded.starts_with(**p))
        .map(|p| p.len())
        .unwrap_or(0);
    // Map the folded offset back: "số " and "văn bản số " fold length-preserving in chars.
    let skip_chars = folded[..rest_start].chars().count();
    // Users type symbols in lower case (`28/nq-hdnd`); the pattern expects capitals.
    let body: String = q
        .chars()
        .skip(skip_chars)
        .collect::<String>()
        .to_uppercase();
    let body = body.trim();
    let m = number_re().find(body)?;
    if m.start() == 0 && body[m.end()..].trim().is_empty() {
        Some(number_key(m.as_str()))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_handles_nfc_nfd_and_d() {
        let nfd: String = "Phân cấp Đắk Lắk".nfd().collect();
        assert_eq!(
            fold_tokens("Phân cấp Đắk Lắk"),
            ["phan", "cap", "dak", "lak"]
        );
        assert_eq!(fold_tokens(&nfd), ["phan", "cap", "dak", "lak"]);
    }

    #[test]
    fn fold_table_agrees_with_rasoat_text() {
        let all: String = (0xA0u32..0x2000)
            .filter_map(char::from_u32)
            .filter(|c| is_alnum(*c))
            .collect();
        for c in all.chars() {
            let mut a = String::new();
            fold_token(&c.to_string(), &mut a);
            assert_eq!(a, rasoat_text::fold(&c.to_string()), "{c:?}");
            assert_eq!(is_alnum(c), c.is_alphanumeric(), "{c:?}");
        }
        for c in (0u32..0x2000).filter_map(char::from_u32) {
            assert_eq!(is_alnum(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn exact_normalises_tone_placement() {
        assert_eq!(exact_tokens("Uỷ ban"), exact_tokens("Ủy ban"));
        assert_eq!(exact_tokens("hoà"), ["hòa"]);
        assert_ne!(exact_tokens("cấp"), exact_tokens("cáp"));
        let nfd: String = "Thuỷ lợi".nfd().collect();
        assert_eq!(exact_tokens(&nfd), ["thủy", "lợi"]);
    }

    #[test]
    fn bigrams_stop_at_punctuation() {
        assert_eq!(bigram_tokens("Phân cấp, chủ trì"), ["phan_cap", "chu_tri"]);
        assert_eq!(bigram_tokens("a b c"), ["a_b", "b_c"]);
    }

    #[test]
    fn exact_bigrams_keep_marks_and_offsets_point_at_the_words() {
        let text = "Sở Tư pháp CHỦ TRÌ;\nUBND xã thuỷ lợi";
        assert_eq!(
            exact_bigram_tokens(text),
            [
                "sở_tư",
                "tư_pháp",
                "pháp_chủ",
                "chủ_trì",
                "ubnd_xã",
                "xã_thủy",
                "thủy_lợi"
            ]
        );
        let mut t = BigramTokenizer::default();
        let mut ts = t.token_stream(text);
        let mut got = Vec::new();
        while ts.advance() {
            let k = ts.token();
            got.push((
                k.text.clone(),
                &text[k.offset_from..k.offset_to],
                k.position,
            ));
        }
        assert_eq!(got[1], ("tu_phap".into(), "Tư pháp", 1));
        // Position: the first word's index (the pair across ";\n" is skipped, not renumbered).
        assert_eq!(got[4], ("ubnd_xa".into(), "UBND xã", 5));
        // The stream is reused: a second text starts afresh.
        let mut ts = t.token_stream("Điều 5");
        assert!(ts.advance());
        assert_eq!(ts.token().text, "dieu_5");
        assert!(!ts.advance());
    }

    #[test]
    fn number_keys_in_every_spelling() {
        for s in ["28/NQ-HĐND", "28/NQ-HDND", "28 / NQ - HĐND", "28/nq-hđnd"] {
            assert_eq!(number_key(s), "28/nq-hdnd", "{s}");
        }
        assert_eq!(number_key("043/2025/QĐ-UBND"), "43/2025/qd-ubnd");
        let keys = number_keys_in(
            "Căn cứ Luật số 72/2025/QH15 và Nghị quyết số 28/NQ-HĐND ngày 1/7/2025; Kết luận 192-KL/TW.",
        );
        assert_eq!(keys, ["192-kl/tw", "28/nq-hdnd", "72/2025/qh15"]);
        assert_eq!(query_as_number("số 28/NQ-HDND"), Some("28/nq-hdnd".into()));
        assert_eq!(query_as_number("72/2025/QH15"), Some("72/2025/qh15".into()));
        assert_eq!(query_as_number("phân cấp 72/2025/QH15"), None);
        assert_eq!(query_as_number("phân cấp"), None);
        assert_eq!(query_as_number("số 28/nq-hdnd"), Some("28/nq-hdnd".into()));
    }
}
