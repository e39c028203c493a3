//! Search index (tantivy) with Vietnamese analysis. (Being built: see issue 4.)
