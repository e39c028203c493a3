//! Ingestion: turns source files into [`rasoat_model::Document`] trees.
//! (Being built: see issue 2.)
use rasoat_model::{Document, ParseError};
use std::path::Path;

/// Parse one file. A data-set JSON yields one document per law.
pub fn parse_path(path: &Path) -> Result<Vec<Document>, ParseError> {
    let _ = path;
    Err(ParseError::new(path.display().to_string(), "parser not built yet"))
}
