//! rasoat patch: our content_lexer and cmap against the upstream parsers they replace, on
//! the PDFs of the repository's tests/fixtures/formats: the same operations, the same maps.
//! `UPSTREAM_DIFF_DIR=/some/pdfs` adds the PDFs of another folder (a one-off wider check).

use lopdf::{Document, Object};
use std::path::PathBuf;

fn fixture_pdfs() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/formats");
    let mut dirs = vec![dir.clone(), dir.join("fuzz")];
    dirs.extend(std::env::var_os("UPSTREAM_DIFF_DIR").map(PathBuf::from));
    let mut v: Vec<PathBuf> = dirs
        .iter()
        .flat_map(|d| std::fs::read_dir(d).into_iter().flatten())
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    v.sort();
    v
}

fn docs() -> Vec<(PathBuf, Document)> {
    let all = fixture_pdfs();
    assert!(all.len() >= 3, "fixture PDFs not found: {all:?}");
    all.into_iter()
        .filter_map(|p| Some((p.clone(), Document::load(&p).ok()?)))
        .collect()
}

#[test]
fn content_lexer_gives_lopdf_operations() {
    let mut pages = 0;
    for (path, doc) in docs() {
        for (_, id) in doc.get_pages() {
            let Ok(data) = doc.get_page_content(id) else {
                continue;
            };
            // Where lopdf fails (inline images, odd white space) we differ on purpose.
            let Ok(theirs) = lopdf::content::Content::decode(&data).map(|c| c.operations) else {
                continue;
            };
            let ours = crate::content_lexer::decode(&data);
            // Debug output: Operation has no PartialEq.
            assert_eq!(format!("{ours:?}"), format!("{theirs:?}"), "{path:?}");
            pages += 1;
        }
    }
    eprintln!("content streams compared: {pages} pages");
    assert!(pages >= 5, "only {pages} pages compared");
}

#[test]
fn cmap_gives_adobe_cmap_parser_maps() {
    let mut maps = 0;
    for (path, doc) in docs() {
        for obj in doc.objects.values() {
            let (Object::Dictionary(font) | Object::Stream(lopdf::Stream { dict: font, .. })) = obj
            else {
                continue;
            };
            let Ok(Object::Reference(id)) = font.get(b"ToUnicode") else {
                continue;
            };
            let Ok(stream) = doc.get_object(*id).and_then(Object::as_stream) else {
                continue;
            };
            let data = stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone());
            // adobe_cmap_parser panics on CMaps it cannot read: nothing to compare there.
            let theirs = std::panic::catch_unwind(|| adobe_cmap_parser::get_unicode_map(&data));
            let Ok(Ok(theirs)) = theirs else { continue };
            assert_eq!(
                crate::cmap::get_unicode_map(&data).unwrap(),
                theirs,
                "{path:?}"
            );
            maps += 1;
        }
    }
    eprintln!("ToUnicode maps compared: {maps}");
    assert!(maps >= 2, "only {maps} ToUnicode maps compared");
}

/// Mutated fixture streams (bytes flipped, delimiters inserted, cuts): the tokenizer never
/// panics and the CMap lexer either reads a CMap or hands it to adobe_cmap_parser.
/// `UPSTREAM_DIFF_MUTATIONS` sets how many (default 3000).
#[test]
fn mutated_streams_never_panic() {
    let mut streams = Vec::new();
    for (_, doc) in docs() {
        for (_, id) in doc.get_pages() {
            streams.extend(doc.get_page_content(id).ok().filter(|d| !d.is_empty()));
        }
    }
    let n: usize = std::env::var("UPSTREAM_DIFF_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed as usize
    };
    const SPECIAL: &[u8] = b"()<>[]{}/%\\#\0\x0c\r\n 0123456789.+-BIEDTJ";
    for _ in 0..n {
        let mut s = streams[next() % streams.len()].clone();
        for _ in 0..1 + next() % 8 {
            let at = next() % s.len().max(1);
            match next() % 4 {
                0 if !s.is_empty() => s[at] = SPECIAL[next() % SPECIAL.len()],
                1 => s.insert(at.min(s.len()), SPECIAL[next() % SPECIAL.len()]),
                2 => s.truncate(at),
                _ => s
                    .splice(
                        at.min(s.len())..at.min(s.len()),
                        std::iter::repeat(b'[').take(next() % 200),
                    )
                    .for_each(drop),
            }
        }
        let _ = crate::content_lexer::decode(&s);
        // cmap's fast lexer on arbitrary bytes: it must never panic itself.
        let _ = crate::cmap::lex_only(&s);
    }
}
