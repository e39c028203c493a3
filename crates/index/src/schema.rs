//! Index schema: one record per provision plus one per document.

use crate::analysis::{BIGRAM, BIGRAM_EXACT, FOLD};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

/// Bump when fields or their meaning change: an index built with another value is stale.
pub const SCHEMA_VERSION: u32 = 4;

#[derive(Clone, Copy, Debug)]
pub struct Fields {
    /// `document` | `provision`.
    pub kind: Field,
    /// `y` on article-level units (Điều, or top-level plan sections) that index their whole subtree.
    pub unit: Field,
    /// Results are grouped per unit: `file#doc-index#unit-id`.
    pub unit_id: Field,
    /// FNV-64 of `unit_id`, as a fast column for grouping hits without reading stored docs.
    pub unit_hash: Field,
    pub file: Field,
    pub doc: Field,
    pub doc_key: Field,
    pub title: Field,
    pub doc_type: Field,
    pub issuer: Field,
    pub date: Field,
    pub pid: Field,
    pub label: Field,
    pub pkind: Field,
    pub heading: Field,
    pub agency: Field,
    pub agency_name: Field,
    pub role: Field,
    pub line: Field,
    pub end_line: Field,
    pub law_id: Field,
    pub article_id: Field,
    /// Body in original spelling (stored, used for snippets), analysed folded.
    pub text: Field,
    // Exact (marked) syllables are not indexed: a short query's exact spelling is scored on the
    // stored text of its candidates (measured: that field took a fifth of the build time).
    pub text_bigram: Field,
    pub text_bigram_exact: Field,
    /// Heading + title, folded (boosted); stored for the heading-coverage rescoring of questions.
    pub head: Field,
    /// The document's name (title, or the registry's name of its number), folded bigrams, on
    /// every record: "theo Bộ luật Hình sự" favours that code's articles.
    pub law_bigram: Field,
    /// Keys of number-symbols cited in the body.
    pub nums: Field,
}

fn text_opts(tokenizer: &str, opt: IndexRecordOption, stored: bool) -> TextOptions {
    let o = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(opt),
    );
    if stored { o.set_stored() } else { o }
}

pub fn build_schema() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field("kind", STRING | STORED);
    b.add_text_field("unit", STRING);
    b.add_text_field("unit_id", STRING | STORED);
    b.add_u64_field("unit_hash", FAST);
    b.add_text_field("file", STRING | STORED);
    b.add_text_field("doc", STORED);
    b.add_text_field("doc_key", STRING | STORED);
    b.add_text_field("title", STORED);
    b.add_text_field("doc_type", STRING | STORED);
    b.add_text_field(
        "issuer",
        text_opts(FOLD, IndexRecordOption::WithFreqsAndPositions, true),
    );
    b.add_u64_field("date", INDEXED | FAST | STORED);
    b.add_text_field("pid", STORED);
    b.add_text_field("label", STORED);
    b.add_text_field("pkind", STRING | STORED);
    b.add_text_field("heading", STORED);
    b.add_text_field("agency", STRING);
    b.add_text_field("agency_name", STORED);
    b.add_text_field("role", STRING | STORED);
    b.add_u64_field("line", STORED);
    b.add_u64_field("end_line", STORED);
    b.add_text_field("law_id", STRING | STORED);
    b.add_text_field("article_id", STRING | STORED);
    b.add_text_field(
        "text",
        text_opts(FOLD, IndexRecordOption::WithFreqsAndPositions, true),
    );
    b.add_text_field(
        "text_bigram",
        text_opts(BIGRAM, IndexRecordOption::WithFreqs, false),
    );
    b.add_text_field(
        "text_bigram_exact",
        text_opts(BIGRAM_EXACT, IndexRecordOption::WithFreqs, false),
    );
    b.add_text_field(
        "head",
        text_opts(FOLD, IndexRecordOption::WithFreqsAndPositions, true),
    );
    b.add_text_field(
        "law_bigram",
        text_opts(BIGRAM, IndexRecordOption::WithFreqs, false),
    );
    b.add_text_field("nums", STRING);
    b.build()
}

impl Fields {
    /// Look every field up; a missing one means the index was built by another schema.
    pub fn from_schema(s: &Schema) -> tantivy::Result<Fields> {
        Ok(Fields {
            kind: s.get_field("kind")?,
            unit: s.get_field("unit")?,
            unit_id: s.get_field("unit_id")?,
            unit_hash: s.get_field("unit_hash")?,
            file: s.get_field("file")?,
            doc: s.get_field("doc")?,
            doc_key: s.get_field("doc_key")?,
            title: s.get_field("title")?,
            doc_type: s.get_field("doc_type")?,
            issuer: s.get_field("issuer")?,
            date: s.get_field("date")?,
            pid: s.get_field("pid")?,
            label: s.get_field("label")?,
            pkind: s.get_field("pkind")?,
            heading: s.get_field("heading")?,
            agency: s.get_field("agency")?,
            agency_name: s.get_field("agency_name")?,
            role: s.get_field("role")?,
            line: s.get_field("line")?,
            end_line: s.get_field("end_line")?,
            law_id: s.get_field("law_id")?,
            article_id: s.get_field("article_id")?,
            text: s.get_field("text")?,
            text_bigram: s.get_field("text_bigram")?,
            text_bigram_exact: s.get_field("text_bigram_exact")?,
            head: s.get_field("head")?,
            law_bigram: s.get_field("law_bigram")?,
            nums: s.get_field("nums")?,
        })
    }
}
