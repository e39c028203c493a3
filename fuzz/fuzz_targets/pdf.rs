//! The PDF reader on any bytes: an error or a document, never a panic or a hang.
//! pdf-extract panics on some malformed fonts; the reader catches those per page, so
//! the target replaces libFuzzer's abort-on-panic hook: a panic that escapes the reader
//! still aborts (libfuzzer-sys aborts on a panic that escapes the target).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|b: &[u8]| {
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let _ = rasoat_parse::parse_bytes("x.pdf", b);
});
