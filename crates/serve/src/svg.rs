//! Pictures for Tổng quan, drawn on the server as SVG (no script, no CDN). Every text is escaped.
use crate::state::Snapshot;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

pub use rasoat_report::escape_html as esc;

/// Horizontal bars: one row per (label, count), longest first.
pub fn bars(title: &str, rows: &[(String, usize)], color: &str) -> String {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let (lw, bw, rh) = (260.0, 360.0, 22.0);
    let h = 30.0 + rh * rows.len() as f64;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{t}"><text x="0" y="16" class="ct">{t}</text>"#,
        w = lw + bw + 60.0,
        t = esc(title)
    );
    for (i, (label, n)) in rows.iter().enumerate() {
        let y = 30.0 + rh * i as f64;
        let w = bw * *n as f64 / max as f64;
        let short: String = label.chars().take(40).collect();
        let _ = write!(
            s,
            r#"<text x="{lx}" y="{ty}" text-anchor="end" class="cl"><title>{full}</title>{short}</text><rect x="{lw}" y="{y}" width="{w:.1}" height="{bh}" fill="{color}"/><text x="{nx:.1}" y="{ty}" class="cn">{n}</text>"#,
            lx = lw - 6.0,
            ty = y + 14.0,
            full = esc(label),
            short = esc(&short),
            bh = rh - 6.0,
            nx = lw + w + 4.0,
        );
    }
    s.push_str("</svg>");
    s
}

/// "Who leads what": tasks (rows) × agencies (columns) from chủ trì assignments; a task with two
/// or more leads is marked (the R01 conflict a reviewer looks for).
pub fn lead_matrix(snap: &Snapshot, max_tasks: usize) -> String {
    let mut leads: HashMap<&str, (String, BTreeSet<&str>)> = HashMap::new();
    let mut names: HashMap<&str, &str> = HashMap::new();
    for a in &snap.docs {
        for p in &a.facts.provisions {
            for x in &p.assignments {
                if x.role == rasoat_extract::Role::ChuTri && !x.task_key.is_empty() && !x.collective
                {
                    let e = leads
                        .entry(x.task_key.as_str())
                        .or_insert_with(|| (x.task_text.clone(), BTreeSet::new()));
                    e.1.insert(x.agency.as_str());
                    names.insert(x.agency.as_str(), x.agency_name.as_str());
                }
            }
        }
    }
    let mut tasks: Vec<_> = leads.into_iter().collect();
    // Two-lead tasks first, then the most-led tasks.
    tasks.sort_by(|a, b| b.1.1.len().cmp(&a.1.1.len()).then(a.0.cmp(b.0)));
    tasks.truncate(max_tasks);
    let agencies: Vec<&str> = tasks
        .iter()
        .flat_map(|t| t.1.1.iter().copied())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if tasks.is_empty() {
        return "<p>Không có nhiệm vụ chủ trì nào được nhận diện.</p>".into();
    }
    let (lw, cw, rh, top) = (320.0, 26.0, 20.0, 170.0);
    let w = lw + cw * agencies.len() as f64 + 10.0;
    let h = top + rh * tasks.len() as f64 + 10.0;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart matrix" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="Ai chủ trì việc gì">"#
    );
    for (j, a) in agencies.iter().enumerate() {
        let x = lw + cw * j as f64 + cw / 2.0;
        let name = names.get(a).copied().unwrap_or(*a);
        let short: String = name.chars().take(28).collect();
        let _ = write!(
            s,
            r#"<text transform="translate({x},{y}) rotate(-60)" class="cl"><title>{full}</title>{short}</text>"#,
            y = top - 6.0,
            full = esc(name),
            short = esc(&short)
        );
    }
    for (i, (_, (text, set))) in tasks.iter().enumerate() {
        let y = top + rh * i as f64;
        let two = set.len() >= 2;
        let short: String = text.chars().take(48).collect();
        let _ = write!(
            s,
            r#"<text x="{x}" y="{ty}" text-anchor="end" class="cl{cls}"><title>{full}</title>{short}</text>"#,
            x = lw - 6.0,
            ty = y + 14.0,
            cls = if two { " two" } else { "" },
            full = esc(text),
            short = esc(&short)
        );
        for (j, a) in agencies.iter().enumerate() {
            if set.contains(a) {
                let _ = write!(
                    s,
                    r#"<rect x="{x}" y="{y}" width="{c}" height="{r}" fill="{f}"><title>{t}</title></rect>"#,
                    x = lw + cw * j as f64 + 3.0,
                    y = y + 3.0,
                    c = cw - 6.0,
                    r = rh - 6.0,
                    f = if two { "#c0392b" } else { "#2e86c1" },
                    t = esc(&format!(
                        "{} chủ trì: {text}",
                        names.get(a).copied().unwrap_or(*a)
                    ))
                );
            }
        }
    }
    s.push_str("</svg>");
    s
}

/// The document graph: documents on a circle, edges căn cứ / thay thế / bãi bỏ / sửa đổi between
/// documents of the corpus.
pub fn doc_graph(snap: &Snapshot, max_nodes: usize) -> String {
    let mut edges: Vec<(usize, usize, &'static str)> = Vec::new();
    for (i, a) in snap.docs.iter().enumerate() {
        for e in &a.facts.edges {
            if let Some(j) = snap.doc_by_key(&e.target) {
                if i != j {
                    edges.push((i, j, crate::document::kind_vi(&e.kind)));
                }
            }
        }
    }
    edges.sort();
    edges.dedup();
    let mut degree: BTreeMap<usize, usize> = BTreeMap::new();
    for (a, b, _) in &edges {
        *degree.entry(*a).or_default() += 1;
        *degree.entry(*b).or_default() += 1;
    }
    let mut nodes: Vec<usize> = degree.keys().copied().collect();
    nodes.sort_by(|a, b| degree[b].cmp(&degree[a]).then(a.cmp(b)));
    nodes.truncate(max_nodes);
    if nodes.is_empty() {
        return "<p>Các văn bản trong kho không dẫn chiếu lẫn nhau.</p>".into();
    }
    let pos: HashMap<usize, (f64, f64)> = nodes
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let t = std::f64::consts::TAU * k as f64 / nodes.len() as f64;
            (i, (400.0 + 300.0 * t.cos(), 360.0 + 300.0 * t.sin()))
        })
        .collect();
    let mut s = String::from(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart graph" viewBox="0 0 800 720" width="800" height="720" role="img" aria-label="Đồ thị văn bản">"#,
    );
    for (a, b, kind) in &edges {
        if let (Some(p), Some(q)) = (pos.get(a), pos.get(b)) {
            let color = match *kind {
                "thay thế" => "#c0392b",
                "bãi bỏ" => "#8e44ad",
                "sửa đổi" => "#d68910",
                _ => "#95a5a6",
            };
            let _ = write!(
                s,
                r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{color}" stroke-width="1.5"><title>{}</title></line>"#,
                p.0,
                p.1,
                q.0,
                q.1,
                esc(kind)
            );
        }
    }
    for &i in &nodes {
        let (x, y) = pos[&i];
        let name = snap.docs[i].doc.display_name();
        let short: String = name.chars().take(22).collect();
        let _ = write!(
            s,
            r##"<a href="/van-ban/{id}"><circle cx="{x:.1}" cy="{y:.1}" r="6" fill="#2e86c1"><title>{full}</title></circle><text x="{tx:.1}" y="{ty:.1}" class="gl">{short}</text></a>"##,
            id = esc(&snap.doc_ids[i]),
            full = esc(&name),
            tx = x + 8.0,
            ty = y + 4.0,
            short = esc(&short)
        );
    }
    s.push_str(
        r##"<g class="legend"><text x="10" y="700" fill="#95a5a6">— căn cứ</text><text x="90" y="700" fill="#c0392b">— thay thế</text><text x="180" y="700" fill="#8e44ad">— bãi bỏ</text><text x="260" y="700" fill="#d68910">— sửa đổi</text></g></svg>"##,
    );
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn bars_escape_labels() {
        let s = super::bars("t", &[("<script>x</script>".into(), 3)], "#000");
        assert!(!s.contains("<script>"));
        assert!(s.contains("&lt;script&gt;"));
    }
}
