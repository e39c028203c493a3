//! OCR of scanned PDFs and page images with Tesseract's Vietnamese model, run as an
//! external program (Debian `tesseract-ocr` + `tesseract-ocr-vie`); PDF pages are
//! rendered by `pdftoppm` (Debian `poppler-utils`). Pages are read in parallel, one
//! single-threaded Tesseract per page.

use rasoat_model::{Document, Format};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Resolution pages are rendered at: Tesseract reads 10–12 pt text best at 300 dpi.
const DPI: &str = "300";

/// A scratch directory removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch, String> {
        static N: AtomicUsize = AtomicUsize::new(0);
        let d = std::env::temp_dir().join(format!(
            "rasoat-ocr-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&d)
            .map_err(|e| format!("OCR: cannot create {}: {e}", d.display()))?;
        Ok(Scratch(d))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(cmd: &mut Command, program: &str, package: &str) -> Result<Vec<u8>, String> {
    let out = cmd.output().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!("needs `{program}`, which is not installed (Debian: apt-get install {package})")
        } else {
            format!("cannot run {program}: {e}")
        }
    })?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        if err.contains("Failed loading language") {
            return Err(format!(
                "Tesseract has no Vietnamese model (Debian: apt-get install tesseract-ocr-vie): {}",
                err.trim()
            ));
        }
        return Err(format!("{program} failed: {}", err.trim()));
    }
    Ok(out.stdout)
}

const TESSERACT_PKG: &str = "tesseract-ocr tesseract-ocr-vie";

/// `RASOAT_OCR=off` turns OCR off (fuzzing, or batches that must not spawn programs).
fn check_enabled() -> Result<(), String> {
    if std::env::var("RASOAT_OCR").is_ok_and(|v| v == "off") {
        return Err("OCR is turned off (RASOAT_OCR=off)".into());
    }
    Ok(())
}

/// Text of one page image.
fn tesseract(image: &Path) -> Result<String, String> {
    let out = run(
        Command::new("tesseract")
            .arg(image)
            .arg("stdout")
            .args(["-l", "vie", "--psm", "4"])
            // One thread per process: pages already run in parallel.
            .env("OMP_THREAD_LIMIT", "1"),
        "tesseract",
        TESSERACT_PKG,
    )?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Text of each page of a scanned PDF.
pub(crate) fn ocr_pdf(bytes: &[u8]) -> Result<Vec<String>, String> {
    check_enabled().map_err(|e| format!("a scanned PDF (no text layer): {e}"))?;
    let dir = Scratch::new()?;
    let pdf = dir.0.join("in.pdf");
    std::fs::write(&pdf, bytes).map_err(|e| format!("OCR: cannot write {}: {e}", pdf.display()))?;
    // Check for Tesseract first: its absence is the likelier and clearer message.
    run(
        Command::new("tesseract").arg("--version"),
        "tesseract",
        TESSERACT_PKG,
    )
    .map_err(|e| format!("a scanned PDF (no text layer): OCR {e}"))?;
    run(
        Command::new("pdftoppm")
            .args(["-r", DPI, "-gray", "-png"])
            .arg(&pdf)
            .arg(dir.0.join("page")),
        "pdftoppm",
        "poppler-utils",
    )
    .map_err(|e| format!("a scanned PDF (no text layer): rendering its pages {e}"))?;
    let mut images: Vec<PathBuf> = std::fs::read_dir(&dir.0)
        .map_err(|e| format!("OCR: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    // pdftoppm numbers pages with zero padding, so names sort in page order.
    images.sort();
    if images.is_empty() {
        return Err("a scanned PDF: pdftoppm rendered no pages".into());
    }
    images.par_iter().map(|p| tesseract(p)).collect()
}

/// A page image (PNG, JPEG, TIFF) → one document read by OCR.
pub(crate) fn parse_image(path: &str, bytes: &[u8]) -> Result<Document, String> {
    check_enabled().map_err(|e| format!("a page image: {e}"))?;
    let dir = Scratch::new()?;
    let ext = path.rsplit('.').next().unwrap_or("png");
    let img = dir.0.join(format!("page.{ext}"));
    std::fs::write(&img, bytes).map_err(|e| format!("OCR: cannot write {}: {e}", img.display()))?;
    let text = tesseract(&img).map_err(|e| format!("a page image: OCR {e}"))?;
    let (text, starts) = crate::pdf::join_pages(&[text]);
    let mut source = crate::source(path, Format::Image, bytes);
    source.pages = starts;
    crate::parse_extracted(source, &text, false, vec![crate::pdf::OCR_NOTE.to_string()])
}
