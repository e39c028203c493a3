//! The floor of a tantivy build on this machine: the article texts of data-set JSON files
//! (as `bench/retrieval/run.py` feeds SQLite FTS5) indexed into ONE text field, one record per
//! article, nothing stored, no structure parse and no extraction. Whatever rasoat's index design,
//! its build cannot be cheaper than this; compare it with FTS5 in the same run
//! (`bench/index/floor.sh`).
//!
//! Usage: index_floor DIR OUT [default|fold|fold+bigram|all] [threads] [levels]
//! (`all`: folded syllables with positions + folded bigrams + exact bigrams, rasoat's text fields;
//! `levels` 2 indexes every text twice, as rasoat's clause and article records do.)

use rasoat_index::analysis::{BIGRAM, BIGRAM_EXACT, FOLD, register};
use std::time::Instant;
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::{Index, IndexWriter, TantivyDocument};

#[derive(serde::Deserialize)]
struct Law {
    articles: Vec<Article>,
}
#[derive(serde::Deserialize)]
struct Article {
    text: String,
}

fn json_files(src: &str) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut files: Vec<_> = std::fs::read_dir(src)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    Ok(files)
}

/// Our three analyzers over every article, no tantivy: the analysis share of the floor.
fn tokenize_only(src: &str, t0: Instant) -> Result<(), Box<dyn std::error::Error>> {
    let mut an = [
        rasoat_index::analysis::fold_analyzer(),
        tantivy::tokenizer::TextAnalyzer::builder(
            rasoat_index::analysis::BigramTokenizer::default(),
        )
        .build(),
        tantivy::tokenizer::TextAnalyzer::builder(rasoat_index::analysis::BigramTokenizer::exact())
            .build(),
    ];
    let mut n = [0usize; 3];
    for f in json_files(src)? {
        let laws: Vec<Law> = serde_json::from_slice(&std::fs::read(&f)?)?;
        for a in laws.into_iter().flat_map(|l| l.articles) {
            for (i, a2) in an.iter_mut().enumerate() {
                let mut ts = a2.token_stream(&a.text);
                while ts.advance() {
                    n[i] += 1;
                }
            }
        }
    }
    println!(
        "tokenize only: {n:?} tokens (fold, bigram, exact bigram) in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (src, out) = (&args[1], &args[2]);
    let tokenizer = args.get(3).map(String::as_str).unwrap_or("default");
    let threads: usize = args.get(4).map(|s| s.parse()).transpose()?.unwrap_or(2);
    let t0 = Instant::now();
    let levels: usize = args.get(5).map(|s| s.parse()).transpose()?.unwrap_or(1);
    let mut b = Schema::builder();
    let field = |b: &mut tantivy::schema::SchemaBuilder, name: &str, tok: &str, o| {
        let idx = TextFieldIndexing::default()
            .set_tokenizer(tok)
            .set_index_option(o);
        b.add_text_field(name, TextOptions::default().set_indexing_options(idx))
    };
    let pos = IndexRecordOption::WithFreqsAndPositions;
    let tok = if tokenizer == "default" {
        "default"
    } else {
        FOLD
    };
    let mut fields = vec![field(&mut b, "text", tok, pos)];
    if tokenizer == "fold+bigram" || tokenizer == "all" {
        fields.push(field(
            &mut b,
            "bigram",
            BIGRAM,
            IndexRecordOption::WithFreqs,
        ));
    }
    if tokenizer == "all" {
        fields.push(field(
            &mut b,
            "bigram_exact",
            BIGRAM_EXACT,
            IndexRecordOption::WithFreqs,
        ));
    }
    std::fs::create_dir_all(out)?;
    let index = Index::create_in_dir(out, b.build())?;
    register(&index);
    let mem: usize = std::env::var("FLOOR_MEM_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    let mut writer: IndexWriter = index.writer_with_num_threads(threads, mem * 1_000_000)?;
    if tokenizer == "tokenize-only" {
        return tokenize_only(src, t0);
    }
    let files = json_files(src)?;
    let (mut docs, mut bytes) = (0usize, 0usize);
    for f in files {
        let laws: Vec<Law> = serde_json::from_slice(&std::fs::read(&f)?)?;
        for a in laws.into_iter().flat_map(|l| l.articles) {
            bytes += a.text.len();
            for _ in 0..levels {
                let mut d = TantivyDocument::default();
                for &f in &fields {
                    d.add_text(f, &a.text);
                }
                writer.add_document(d)?;
            }
            docs += 1;
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let s = t0.elapsed().as_secs_f64();
    println!(
        "tantivy floor ({tokenizer}, {threads} threads, {levels} levels): {docs} articles, {:.1} MB in {s:.1} s ({:.1} MB/s)",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / s
    );
    Ok(())
}
