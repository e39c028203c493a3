//! Extraction: structured facts from parsed provisions. (Being built: see issue 3.)
pub mod facts;
pub use facts::*;
