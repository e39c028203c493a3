//! Report renderers. (Being built: see issues 5 and 6.)
