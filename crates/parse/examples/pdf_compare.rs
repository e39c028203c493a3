//! Compares PDF text extractors on real Vietnamese PDFs: pdf-extract (chosen) and lopdf's
//! own `extract_text`, by character accuracy against the original text and time.
//! Usage: cargo run --release -p rasoat-parse --example pdf_compare -- ORIG.txt FILE.pdf ...
//! (pairs: original text, its PDF)

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    println!(
        "{:<40} {:>14} {:>10} {:>14} {:>10}",
        "pdf", "pdf-extract", "ms", "lopdf", "ms"
    );
    for pair in args.chunks(2) {
        let want = std::fs::read_to_string(&pair[0]).unwrap();
        let bytes = std::fs::read(&pair[1]).unwrap();
        let t = Instant::now();
        let a = pdf_extract::extract_text_from_mem(&bytes).unwrap_or_default();
        let ta = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let b = lopdf::Document::load_mem(&bytes)
            .ok()
            .and_then(|d| {
                let pages: Vec<u32> = d.get_pages().keys().copied().collect();
                d.extract_text(&pages).ok()
            })
            .unwrap_or_default();
        let tb = t.elapsed().as_secs_f64() * 1e3;
        println!(
            "{:<40} {:>14.4} {:>10.1} {:>14.4} {:>10.1}",
            pair[1],
            rasoat_text::char_accuracy(&a, &want),
            ta,
            rasoat_text::char_accuracy(&b, &want),
            tb
        );
    }
}
