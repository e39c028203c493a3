use super::*;

fn store() -> (tempfile::TempDir, Store) {
    let d = tempfile::tempdir().unwrap();
    let s = Store::open(d.path()).unwrap();
    (d, s)
}

#[test]
fn decision_round_trip_with_history() {
    let (d, mut s) = store();
    s.decide("abc123", Status::XacNhan, "đúng", "lan", Some(0))
        .unwrap();
    s.decide("abc123", Status::DaXuLy, "đã sửa", "minh", Some(1))
        .unwrap();
    drop(s);
    let s = Store::open(d.path()).unwrap();
    let got = s.decision("abc123").unwrap().unwrap();
    assert_eq!(
        (got.status, got.version, got.reviewer.as_str()),
        (Status::DaXuLy, 2, "minh")
    );
    let h = s.history("abc123").unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[1].old_status, Some(Status::XacNhan));
    assert_eq!(h[1].new_note, "đã sửa");
    assert_eq!(s.integrity_check().unwrap(), "ok");
}

#[test]
fn stale_version_is_a_conflict_not_an_overwrite() {
    let (_d, mut s) = store();
    s.decide("fp1", Status::XacNhan, "", "lan", Some(0))
        .unwrap();
    let e = s
        .decide("fp1", Status::KhongPhaiSaiSot, "", "minh", Some(0))
        .unwrap_err();
    assert!(matches!(e, TriageError::Conflict { current: 1, .. }), "{e}");
    assert_eq!(s.decision("fp1").unwrap().unwrap().status, Status::XacNhan);
}

#[test]
fn bad_fingerprints_are_refused() {
    let (_d, mut s) = store();
    for fp in ["../../etc/passwd", "", "<script>"] {
        assert!(
            s.decide(fp, Status::XacNhan, "", "lan", None).is_err(),
            "{fp}"
        );
    }
}

#[test]
fn passwords_are_hashed_and_verified() {
    let (d, mut s) = store();
    s.add_user("lan", Role::RaSoat, "mat-khau-dai").unwrap();
    assert!(s.verify("lan", "sai-mat-khau").unwrap().is_none());
    assert!(s.verify("ai-do", "mat-khau-dai").unwrap().is_none());
    assert_eq!(
        s.verify("lan", "mat-khau-dai").unwrap().unwrap().role,
        Role::RaSoat
    );
    let bytes = std::fs::read(d.path().join(DB_FILE)).unwrap();
    let wal = std::fs::read(d.path().join("triage.sqlite-wal")).unwrap_or_default();
    for b in [&bytes, &wal] {
        assert!(
            !b.windows(12).any(|w| w == b"mat-khau-dai"),
            "plain password stored"
        );
    }
    let sess = s
        .create_session(&User {
            name: "lan".into(),
            role: Role::RaSoat,
        })
        .unwrap();
    assert_eq!(s.session(&sess.token).unwrap().unwrap().csrf, sess.csrf);
    assert!(s.session("nope").unwrap().is_none());
}

#[test]
fn export_import_merges_newer_decisions() {
    let (_a, mut a) = store();
    let (_b, mut b) = store();
    a.decide(
        "fp1",
        Status::KhongPhaiSaiSot,
        "trích dẫn đúng",
        "lan",
        None,
    )
    .unwrap();
    b.decide("fp2", Status::XacNhan, "", "minh", None).unwrap();
    let stats = b.import_json(&a.export_json().unwrap()).unwrap();
    assert_eq!(stats.applied, 1);
    assert_eq!(b.dismissed().unwrap(), vec!["fp1".to_string()]);
    // Importing again changes nothing.
    assert_eq!(b.import_json(&a.export_json().unwrap()).unwrap().applied, 0);
    assert!(b.import_json("{\"nope\": 1}").is_err());
}

#[test]
fn runs_tell_new_and_resolved() {
    let (_d, mut s) = store();
    let r1 = s
        .record_run(&[("a".into(), "{}".into()), ("b".into(), "{\"b\":1}".into())])
        .unwrap();
    let r2 = s
        .record_run(&[("a".into(), "{}".into()), ("c".into(), "{}".into())])
        .unwrap();
    let seen = s.seen().unwrap();
    assert_eq!(seen["c"].0, r2);
    assert_eq!(seen["a"].0, r1);
    assert_eq!(s.resolved_since(r2).unwrap(), vec!["{\"b\":1}".to_string()]);
}
