//! Xuất: the Word and Excel exports of `rasoat review`, of all findings or only confirmed ones.
use crate::error::ApiError;
use crate::state::App;
use rasoat_report::OutputFormat;
use rasoat_triage::Status;
use std::collections::HashMap;

/// (bytes, file name, MIME type).
pub fn render(
    app: &App,
    p: &HashMap<String, String>,
) -> Result<(Vec<u8>, String, &'static str), ApiError> {
    let (format, ext, mime) = match p.get("format").map(String::as_str).unwrap_or("xlsx") {
        "xlsx" => (
            OutputFormat::Xlsx,
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "docx" => (
            OutputFormat::Docx,
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        _ => return Err(ApiError::bad_request("format: xlsx hoặc docx")),
    };
    let only = match p.get("only").map(String::as_str).unwrap_or("") {
        "" | "all" => None,
        s => Some(Status::parse(s).ok_or_else(|| {
            ApiError::bad_request("only: xac-nhan, khong-phai-sai-sot, da-xu-ly, moi")
        })?),
    };
    let snap = app.snapshot();
    let mut report = snap.report.clone();
    if let Some(want) = only {
        report.findings.retain(|f| {
            app.decision(&f.fingerprint)
                .map_or(Status::Moi, |d| d.status)
                == want
        });
        let mut fresh = rasoat_model::Report::new(
            std::mem::take(&mut report.findings),
            std::mem::take(&mut report.rules),
            report.summary.documents,
            report.summary.provisions,
            0,
            report.summary.as_of.clone(),
        );
        fresh.documents = std::mem::take(&mut report.documents);
        report = fresh;
    }
    let bytes = rasoat_report::render_bytes(
        &report,
        format,
        &rasoat_report::RenderOptions::default(),
        &rasoat_report::SourceCache::new(),
    )
    .map_err(ApiError::internal)?;
    let name = format!(
        "rasoat-{}{}.{ext}",
        report.summary.as_of,
        if only.is_some() { "-xac-nhan" } else { "" }
    );
    Ok((bytes, name, mime))
}
