//! Parse benchmark: `bench/parse.sh [DIR...]` (release build) parses every input under the
//! given directories `ROUNDS` times (default 5) and prints documents/s and MB/s.
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let args: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(5);
    let (files, errs) = rasoat_parse::collect_inputs(&args);
    for e in &errs {
        eprintln!("input error: {e}");
    }
    let bytes: u64 = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
    let mut best = f64::MAX;
    let (mut docs, mut provs, mut failed) = (0usize, 0usize, 0usize);
    for _ in 0..rounds {
        let t = Instant::now();
        let res = rasoat_parse::parse_many(&files);
        let el = t.elapsed().as_secs_f64();
        best = best.min(el);
        docs = 0;
        provs = 0;
        failed = 0;
        for r in &res {
            match r {
                Ok(ds) => {
                    docs += ds.len();
                    provs += ds.iter().map(|d| d.flat().len()).sum::<usize>();
                }
                Err(e) => {
                    failed += 1;
                    if rounds == 1 {
                        eprintln!("{e}");
                    }
                }
            }
        }
    }
    let mb = bytes as f64 / 1e6;
    println!(
        "files: {}  failed: {failed}  documents: {docs}  provisions: {provs}  size: {mb:.1} MB  threads: {}",
        files.len(),
        rayon::current_num_threads()
    );
    println!("best of {rounds}: {:.3} s  =>  {:.0} documents/s, {:.1} MB/s", best, docs as f64 / best, mb / best);
}
