//! Parse benchmark: `bench/parse.sh [DIR...]` (release build) parses every input under the
//! given directories `ROUNDS` times (default 5) and prints documents/s and MB/s.
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let args: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let (files, errs) = rasoat_parse::collect_inputs(&args);
    for e in &errs {
        eprintln!("input error: {e}");
    }
    let bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let cpu0 = cpu_seconds();
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
    let cpu = (cpu_seconds() - cpu0) / rounds as f64;
    let mb = bytes as f64 / 1e6;
    println!(
        "files: {}  failed: {failed}  documents: {docs}  provisions: {provs}  size: {mb:.1} MB  threads: {}",
        files.len(),
        rayon::current_num_threads()
    );
    println!(
        "best of {rounds}: {:.3} s  =>  {:.0} documents/s, {:.1} MB/s (wall clock)",
        best,
        docs as f64 / best,
        mb / best
    );
    if cpu > 0.0 {
        // CPU time is steadier than wall time on a shared machine.
        println!(
            "CPU per round: {cpu:.3} s  =>  {:.1} MB per CPU-second",
            mb / cpu
        );
    }
}

/// User + system CPU time of this process (Linux /proc; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the ")" of the command name: utime is the 12th, stime the 13th.
    let rest = s.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}
