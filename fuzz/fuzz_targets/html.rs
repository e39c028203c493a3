//! The html reader on any bytes: an error or a document, never a panic or a hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|b: &[u8]| {
    let _ = rasoat_parse::parse_bytes("x.html", b);
});
