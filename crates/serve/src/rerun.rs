//! Re-review in the background: the old snapshot keeps serving until the new one is ready.
use crate::state::{App, build_snapshot};
use rasoat_rules::pipeline::Stage;
use std::sync::Arc;

/// Start a re-review unless one is running; returns whether it started.
pub fn start(app: &Arc<App>, by: &str) -> bool {
    {
        let mut p = app.progress.lock().unwrap_or_else(|e| e.into_inner());
        if p.running {
            return false;
        }
        *p = crate::state::Progress {
            running: true,
            stage: "chuẩn bị".into(),
            started_by: Some(by.to_string()),
            ..Default::default()
        };
    }
    let app = app.clone();
    std::thread::spawn(move || {
        let progress = |stage: Stage, done: usize, total: usize| {
            app.set_progress(|p| {
                p.stage = stage_vi(stage).into();
                p.done = done;
                p.total = total;
            })
        };
        let r = build_snapshot(&app.engine, &app.cfg, &app.store, &progress);
        let finished = rasoat_triage::now();
        match r {
            Ok(s) => {
                *app.snap.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(s);
                app.set_progress(|p| {
                    p.running = false;
                    p.stage = "xong".into();
                    p.finished_at = Some(finished);
                });
            }
            Err(e) => app.set_progress(|p| {
                p.running = false;
                p.stage = "lỗi".into();
                p.error = Some(e);
                p.finished_at = Some(finished);
            }),
        }
    });
    true
}

pub fn stage_vi(s: Stage) -> &'static str {
    match s {
        Stage::Parsing => "đọc văn bản",
        Stage::Extracting => "trích xuất",
        Stage::Reviewing => "rà soát",
        Stage::Documents => "lập danh mục văn bản",
    }
}
