//! The search query parser on any text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|q: &str| {
    let _ = rasoat_index::query::parse_query(q);
});
