//! Re-scans compare with the last snapshot and record what changed.

use steward_types::ChangeKind;

use crate::harness::World;
use crate::lake::{CUSTOMERS_CSV, write_lake};

#[tokio::test]
async fn a_rescan_records_added_removed_retyped_and_dropped() {
    let w = World::new().await;
    let root = w.path("lake");
    write_lake(&root).await;
    w.add("lake", root.to_str().unwrap(), &[]).await;
    let (first, _) = w.scan("lake").await;
    assert_eq!(first.sources[0].changes, 0, "a first scan is not drift");

    // `score` becomes text, `country` goes, `tier` arrives; events vanish; a new table appears.
    let changed = "id,name,email,score,tier\n1,Ana,a@x.es,high,gold\n2,Bob,b@x.uk,low,silver\n";
    std::fs::write(root.join("raw/customers.csv"), changed).unwrap();
    std::fs::remove_dir_all(root.join("events")).unwrap();
    std::fs::write(root.join("raw/refunds.csv"), "refund_id,amount\n1,9.5\n").unwrap();

    let (second, _) = w.scan("lake").await;
    assert!(!second.partial, "{second:?}");
    assert_eq!(second.sources[0].dropped, 1);

    let customers = w.detail("raw.customers").await;
    // kind column before -> after, sorted
    let mut changes: Vec<String> = customers
        .changes
        .iter()
        .map(|c| {
            format!(
                "{} {} {:?} -> {:?}",
                c.kind,
                c.column.as_deref().unwrap_or("-"),
                c.before,
                c.after
            )
        })
        .collect();
    changes.sort();
    assert_eq!(
        changes,
        [
            "column_added tier None -> Some(\"Utf8\")",
            "column_removed country Some(\"Utf8\") -> None",
            "type_changed score Some(\"Float64\") -> Some(\"Utf8\")",
        ]
    );
    let names: Vec<_> = customers
        .columns
        .iter()
        .map(|c| c.column.name.as_str())
        .collect();
    assert_eq!(names, ["id", "name", "email", "score", "tier"]);

    let events = w.detail("events").await;
    assert!(events.table.dropped_at.is_some());
    assert_eq!(events.changes[0].kind, ChangeKind::TableDropped);
    let refunds = w.detail("raw.refunds").await;
    assert_eq!(refunds.changes[0].kind, ChangeKind::TableAdded);

    // The same data again: no new drift, and a table that comes back is re-added.
    std::fs::write(root.join("raw/customers.csv"), CUSTOMERS_CSV).unwrap();
    let (third, _) = w.scan("lake").await;
    assert_eq!(
        third.sources[0].changes, 3,
        "country back, tier gone, score retyped: {third:?}"
    );
    let (fourth, _) = w.scan("lake").await;
    assert_eq!(fourth.sources[0].changes, 0);
}
