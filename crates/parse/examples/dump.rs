//! Debug aid: `cargo run -p rasoat-parse --example dump -- FILE...` prints the tree
//! (the same facts as `rasoat parse`, without the CLI).
use rasoat_model::Provision;

fn show(p: &Provision, d: usize) {
    let full = std::env::var("FULL").is_ok();
    let preview: String = if full {
        p.text.clone()
    } else {
        p.text
            .chars()
            .take(90)
            .collect::<String>()
            .replace('\n', " ⏎ ")
    };
    println!(
        "{}L{}:{}-{}:{} {} [{}] {:?} {}| {}",
        "  ".repeat(d),
        p.span.line,
        p.span.col,
        p.span.end_line,
        p.span.end_col,
        p.id,
        p.label,
        p.kind,
        p.heading
            .as_deref()
            .map(|h| format!("— {h} "))
            .unwrap_or_default(),
        preview
    );
    for c in &p.children {
        show(c, d + 1);
    }
}

fn main() {
    for a in std::env::args().skip(1) {
        match rasoat_parse::parse_path(std::path::Path::new(&a)) {
            Ok(docs) => {
                for doc in docs {
                    println!("== {} {:?}", doc.source.path, doc.meta);
                    for p in &doc.provisions {
                        show(p, 1);
                    }
                    for b in &doc.blocks {
                        println!(
                            "  [{:?} L{}-{}] {:?}",
                            b.kind, b.span.line, b.span.end_line, b.text
                        );
                    }
                    for w in &doc.warnings {
                        println!("  warning: {w}");
                    }
                }
            }
            Err(e) => println!("ERROR {e}"),
        }
    }
}
