//! Extraction throughput: parse every input once (not timed), then time `Extractor::extract`
//! over all documents, single-threaded and with rayon. Usage:
//! `cargo run --release -p rasoat-extract --example bench_extract -- DIR_OR_FILE... [--rounds N]`
use rasoat_extract::Extractor;
use rayon::prelude::*;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut rounds = 3usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--rounds" {
            rounds = args.next().and_then(|x| x.parse().ok()).unwrap_or(3);
        } else {
            paths.push(a.into());
        }
    }
    if paths.is_empty() {
        eprintln!("usage: bench_extract DIR_OR_FILE... [--rounds N]");
        std::process::exit(2);
    }
    let (files, errs) = rasoat_parse::collect_inputs(&paths);
    for e in errs {
        eprintln!("skip: {e}");
    }
    let t = Instant::now();
    let mut docs = Vec::new();
    for r in rasoat_parse::parse_many(&files) {
        match r {
            Ok(d) => docs.extend(d),
            Err(e) => eprintln!("skip: {e}"),
        }
    }
    let parse_s = t.elapsed().as_secs_f64();
    let provisions: usize = docs.iter().map(|d| d.flat().len()).sum();
    let bytes: usize = docs
        .iter()
        .map(|d| {
            d.flat()
                .iter()
                .map(|p| p.text.len() + p.heading.as_ref().map_or(0, |h| h.len()))
                .sum::<usize>()
        })
        .sum();
    let x = Extractor::bundled().expect("bundled data");
    println!(
        "inputs: {} files, {} documents, {} provisions, {:.2} MB of provision text (parsed in {:.2}s, not timed below)",
        files.len(),
        docs.len(),
        provisions,
        bytes as f64 / 1e6,
        parse_s
    );
    let mut best1 = f64::MAX;
    let mut bestn = f64::MAX;
    let mut facts_count = 0usize;
    for _ in 0..rounds {
        let t = Instant::now();
        let f: Vec<_> = docs.iter().map(|d| x.extract(d)).collect();
        best1 = best1.min(t.elapsed().as_secs_f64());
        facts_count = f
            .iter()
            .map(|f| {
                f.provisions
                    .iter()
                    .map(|p| {
                        p.citations.len()
                            + p.agencies.len()
                            + p.assignments.len()
                            + p.deadlines.len()
                    })
                    .sum::<usize>()
            })
            .sum();
        let t = Instant::now();
        let f: Vec<_> = docs.par_iter().map(|d| x.extract(d)).collect();
        bestn = bestn.min(t.elapsed().as_secs_f64());
        std::hint::black_box(f);
    }
    let t = Instant::now();
    let pairs: Vec<_> = docs.iter().map(|d| (d, x.extract(d))).collect();
    let refs: Vec<_> = pairs.iter().map(|(d, f)| (*d, f)).collect();
    let g = x.graph(&refs);
    let graph_s = t.elapsed().as_secs_f64();
    println!(
        "facts (citations+agencies+assignments+deadlines): {facts_count}; graph nodes: {}",
        g.nodes().count()
    );
    for (name, s) in [
        ("1 thread", best1),
        (
            &format!("rayon ({} threads)", rayon::current_num_threads()),
            bestn,
        ),
    ] {
        println!(
            "extract {name:<20} best of {rounds}: {s:.3}s  {:>9.0} provisions/s  {:.2} MB/s",
            provisions as f64 / s,
            bytes as f64 / 1e6 / s
        );
    }
    println!("extract + graph (1 thread): {graph_s:.3}s");
}
