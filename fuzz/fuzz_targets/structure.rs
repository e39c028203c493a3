//! The structure parser on any UTF-8 text, as plain text (PDF text) and as Markdown.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    let _ = rasoat_parse::parse_bytes("x.txt", s.as_bytes());
    let _ = rasoat_parse::parse_bytes("x.md", s.as_bytes());
});
