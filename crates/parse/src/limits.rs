//! Input limits: hostile or broken files get a clear reason in bounded time and memory
//! instead of exhausting the machine (a batch then goes on with the next file).

/// Largest file read at all; checked on the file's metadata before reading it.
pub const MAX_FILE_BYTES: u64 = 1 << 30;
/// Longest line of a text, Markdown or HTML file (legal text has no megabyte lines).
pub(crate) const MAX_LINE_BYTES: usize = 4 << 20;
/// Largest part inflated from a .docx (document.xml of a 1,000-page law is ~20 MB).
pub(crate) const MAX_INFLATED: u64 = 128 << 20;
/// Most objects a PDF may declare (a 1,000-page scan has ~10,000).
pub(crate) const MAX_PDF_OBJECTS: u64 = 1_000_000;
/// Deepest element nesting accepted in XML and HTML (real documents stay under 100).
pub(crate) const MAX_DEPTH: usize = 1_000;
/// Most pages read from one PDF.
pub(crate) const MAX_PAGES: usize = 5_000;

pub(crate) fn check_file_size(len: u64) -> Result<(), String> {
    if len > MAX_FILE_BYTES {
        return Err(format!(
            "file too large: {} MB (the limit is {} MB)",
            len >> 20,
            MAX_FILE_BYTES >> 20
        ));
    }
    Ok(())
}

pub(crate) fn check_line_length(bytes: &[u8]) -> Result<(), String> {
    let mut start = 0;
    let mut line = 1;
    for nl in memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len())) {
        if nl - start > MAX_LINE_BYTES {
            return Err(format!(
                "line {line} is {} MB long (the limit is {} MB): not a text document",
                (nl - start) >> 20,
                MAX_LINE_BYTES >> 20
            ));
        }
        start = nl + 1;
        line += 1;
    }
    Ok(())
}

/// The nesting depth of an XML/HTML element stream, tracked by its events.
#[derive(Default)]
pub(crate) struct Depth(usize);

impl Depth {
    pub fn open(&mut self, what: &str) -> Result<(), String> {
        self.0 += 1;
        if self.0 > MAX_DEPTH {
            return Err(format!(
                "{what}: elements nested deeper than {MAX_DEPTH} levels"
            ));
        }
        Ok(())
    }

    pub fn close(&mut self) {
        self.0 = self.0.saturating_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_line_and_size() {
        let mut b = vec![b'x'; MAX_LINE_BYTES + 1];
        b.insert(0, b'\n');
        let e = check_line_length(&b).unwrap_err();
        assert!(e.starts_with("line 2 is 4 MB"), "{e}");
        assert!(check_line_length(b"a\nb\n").is_ok());
        assert!(
            check_file_size(MAX_FILE_BYTES + 1)
                .unwrap_err()
                .contains("too large")
        );
        assert!(check_file_size(MAX_FILE_BYTES).is_ok());
    }

    #[test]
    fn depth() {
        let mut d = Depth::default();
        for _ in 0..MAX_DEPTH {
            d.open("x").unwrap();
        }
        assert!(d.open("x").unwrap_err().contains("nested deeper"));
    }
}
