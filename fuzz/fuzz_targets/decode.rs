//! Decoding any bytes as text (UTF-8/16, TCVN3, VNI, Windows-1258), and the format
//! detection of files without an extension.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|b: &[u8]| {
    let _ = rasoat_parse::parse_bytes("x.txt", b);
    let _ = rasoat_parse::parse_bytes("noext", b);
});
