// Debug dump of the seed's facts (run with --ignored --nocapture).
#[test]
#[ignore]
fn dump_seed() {
    let path = std::env::var("SEED").unwrap_or_else(|_| "../../corpus/000_2baec7468303b666.txt".into());
    let text = std::fs::read_to_string(&path).expect("seed");
    let doc = rasoat_extract::testing::document_from_text(&path, &text);
    let x = rasoat_extract::Extractor::bundled().unwrap();
    let f = x.extract(&doc);
    for (p, pf) in doc.flat().iter().zip(&f.provisions) {
        println!("== {} [{:?}] heading={:?}", p.id, p.kind, p.heading);
        for c in &pf.citations { println!("  CITE {:?} {:?} key={} date={:?} iss={:?} role={:?} ctx={:?} title={:?} law={:?} reg={:?}", c.type_word, c.number, c.key, c.date, c.issuer, c.role, c.context, c.title, c.law_name, c.registry_key); }
        for a in &pf.agencies { println!("  AG {} {:?} '{}' {:?}", a.id, a.level, a.surface, a.context); }
        for a in &pf.assignments { println!("  ASSIGN {} {:?} key='{}' implied={} ctx={:?}", a.agency, a.role, a.task_key, a.implied_subject, a.context); }
        for d in &pf.delegations { println!("  DELEG {:?} {:?} grantor={:?} grantee={:?} scope={:?} ctx={:?}", d.mode, d.act, d.grantor, d.grantee, d.scope_key, d.context); }
        for d in &pf.deadlines { println!("  DL {:?} {} '{}'", d.kind, d.value, d.text); }
        for r in &pf.reports { println!("  REPORT {:?} -> {:?} via {:?} key='{}' period={} dl={:?}", r.senders, r.recipient, r.via, r.subject_key, r.period, r.deadline.as_ref().map(|d| &d.value)); }
        for r in &pf.part_refs { println!("  PART '{}' targets={:?} internal={} resolved={:?} appx={}", r.text, r.targets, r.internal, r.resolved, r.appendix); }
        for pl in &pf.places { println!("  PLACE {} {} {:?} abolished={} ctx={:?}", pl.unit, pl.name, pl.level, pl.abolished, pl.context); }
        if !pf.implied_subjects.is_empty() { println!("  IMPLIED {:?}", pf.implied_subjects); }
    }
    println!("key={:?} issuer={:?} date={:?} hdr={}", f.key, f.issuer, f.date, f.date_from_header);
    for e in &f.edges { println!("EDGE {:?} {} {}", e.kind, e.target, e.target_label); }
}
