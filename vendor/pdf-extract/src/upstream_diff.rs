//! rasoat patch: our content_lexer and cmap against the upstream parsers they replace, on
//! the PDFs of the repository's tests/fixtures/formats: the same operations, the same maps.

use lopdf::{Document, Object};
use std::path::PathBuf;

fn fixture_pdfs() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/formats");
    let mut v: Vec<PathBuf> = ["", "fuzz"]
        .iter()
        .flat_map(|sub| std::fs::read_dir(dir.join(sub)).into_iter().flatten())
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    v.sort();
    v
}

fn docs() -> Vec<(PathBuf, Document)> {
    let all = fixture_pdfs();
    assert!(all.len() >= 3, "fixture PDFs not found: {all:?}");
    all.into_iter().filter_map(|p| Some((p.clone(), Document::load(&p).ok()?))).collect()
}

#[test]
fn content_lexer_gives_lopdf_operations() {
    let mut pages = 0;
    for (path, doc) in docs() {
        for (_, id) in doc.get_pages() {
            let Ok(data) = doc.get_page_content(id) else { continue };
            let theirs = lopdf::content::Content::decode(&data).map(|c| c.operations);
            let ours = crate::content_lexer::decode(&data);
            // Debug output: Operation has no PartialEq.
            assert_eq!(format!("{ours:?}"), format!("{:?}", theirs.unwrap()), "{path:?}");
            pages += 1;
        }
    }
    assert!(pages >= 5, "only {pages} pages compared");
}

#[test]
fn cmap_gives_adobe_cmap_parser_maps() {
    let mut maps = 0;
    for (path, doc) in docs() {
        for obj in doc.objects.values() {
            let (Object::Dictionary(font) | Object::Stream(lopdf::Stream { dict: font, .. })) = obj else { continue };
            let Ok(Object::Reference(id)) = font.get(b"ToUnicode") else { continue };
            let Ok(stream) = doc.get_object(*id).and_then(Object::as_stream) else { continue };
            let data = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
            let theirs = adobe_cmap_parser::get_unicode_map(&data).unwrap();
            assert_eq!(crate::cmap::get_unicode_map(&data).unwrap(), theirs, "{path:?}");
            maps += 1;
        }
    }
    assert!(maps >= 2, "only {maps} ToUnicode maps compared");
}
