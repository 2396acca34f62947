//! Constraints, cascades, filters and one-transaction writes of logical units.

use steward_store::{Filter, StoreError};
use steward_types::HasKind;
use steward_types::*;

use crate::crud::{column, parents, source, table};
use crate::harness::each_backend;

#[tokio::test]
async fn unique_keys_are_conflicts_that_name_the_record() {
    each_backend(|t| async move {
        let backend = t.name;
        let mut s = t.store.begin().await.unwrap();
        s.insert(&source("sales")).await.unwrap();
        let err = s.insert(&source("sales")).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Conflict, "{backend}: {err}");
        assert_eq!(err.to_string(), "source `sales` already exists");
        drop(s);

        let (src, tbl, _) = parents(&t.store, "unique").await;
        let mut s = t.store.begin().await.unwrap();
        let err = s.insert(&column(tbl, "email", 3)).await.unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::Conflict,
            "{backend}: duplicate column: {err}"
        );
        drop(s);
        // Tables are unique per source, schema and name, a missing schema included.
        let mut s = t.store.begin().await.unwrap();
        s.insert(&table(src, None, "events")).await.unwrap();
        let err = s.insert(&table(src, None, "events")).await.unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::Conflict,
            "{backend}: duplicate schemaless table"
        );
        drop(s);
        let mut s = t.store.begin().await.unwrap();
        s.insert(&table(src, Some("other"), "customers"))
            .await
            .unwrap();
        drop(s);
        t
    })
    .await;
}

#[tokio::test]
async fn references_to_missing_records_are_invalid() {
    each_backend(|t| async move {
        let mut s = t.store.begin().await.unwrap();
        let err = s
            .insert(&column(Id::new(424_242), "email", 0))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::MissingReference { .. }),
            "{}: {err:?}",
            t.name
        );
        assert_eq!(err.kind(), ErrorKind::Invalid);
        assert_eq!(
            err.to_string(),
            "column `email` of table #424242 refers to a record that does not exist"
        );
        drop(s);
        t
    })
    .await;
}

#[tokio::test]
async fn a_failed_table_scan_writes_nothing() {
    // One table's scan result is one unit: the table, its columns and profiles.
    // A failure halfway (here a duplicate column) must leave no trace of it.
    each_backend(|t| async move {
        let backend = t.name;
        let (src, _, _) = parents(&t.store, "scan").await;
        let mut s = t.store.begin().await.unwrap();
        let tbl = s
            .insert(&table(src, Some("sales"), "orders"))
            .await
            .unwrap();
        s.insert(&column(tbl.id, "order_id", 0)).await.unwrap();
        let err = s.insert(&column(tbl.id, "order_id", 1)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Conflict);
        drop(s); // the caller gives up on the unit

        let mut s = t.store.begin().await.unwrap();
        let tables = s
            .list::<Table>(&Filter::all().eq_text("name", "orders"))
            .await
            .unwrap();
        assert!(
            tables.is_empty(),
            "{backend}: half-written table left behind: {tables:?}"
        );
        let columns = s
            .list::<Column>(&Filter::all().eq_text("name", "order_id"))
            .await
            .unwrap();
        assert!(
            columns.is_empty(),
            "{backend}: half-written columns left behind"
        );

        // The same unit, written whole, lands whole.
        let tbl = s
            .insert(&table(src, Some("sales"), "orders"))
            .await
            .unwrap();
        for (i, name) in ["order_id", "customer_id", "amount"].iter().enumerate() {
            s.insert(&column(tbl.id, name, i as i64)).await.unwrap();
        }
        s.commit().await.unwrap();
        let mut s = t.store.begin().await.unwrap();
        let columns = s
            .list::<Column>(&Filter::all().eq_id("table_id", tbl.id))
            .await
            .unwrap();
        let names: Vec<_> = columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["order_id", "customer_id", "amount"], "{backend}");
        drop(s);
        t
    })
    .await;
}

#[tokio::test]
async fn deleting_a_source_removes_what_was_found_in_it() {
    each_backend(|t| async move {
        let (src, tbl, col) = parents(&t.store, "cascade").await;
        let mut s = t.store.begin().await.unwrap();
        let classification = s
            .insert(&Classification {
                column_id: col,
                label: "EMAIL_ADDRESS".to_string(),
                confidence: 0.9,
                evidence: vec![],
                origin: ClassificationOrigin::Detector,
                verdict: Verdict::Suggested,
                detector_version: None,
                decided_by: None,
                reason: None,
            })
            .await
            .unwrap();
        s.delete(src).await.unwrap();
        s.commit().await.unwrap();
        let mut s = t.store.begin().await.unwrap();
        assert!(
            s.find(tbl).await.unwrap().is_none(),
            "{}: table cascaded",
            t.name
        );
        assert!(
            s.find(col).await.unwrap().is_none(),
            "{}: column cascaded",
            t.name
        );
        assert!(s.find(classification.id).await.unwrap().is_none());
        drop(s);
        t
    })
    .await;
}

#[tokio::test]
async fn filters_select_order_and_limit() {
    each_backend(|t| async move {
        let backend = t.name;
        let (src, _, _) = parents(&t.store, "filters").await;
        let mut s = t.store.begin().await.unwrap();
        for name in ["a", "b", "c"] {
            s.insert(&table(src, None, name)).await.unwrap();
        }
        let mut view = table(src, None, "v");
        view.owner = None;
        s.insert(&view).await.unwrap();

        let by_source = Filter::all().eq_id("source_id", src);
        assert_eq!(s.count::<Table>(&by_source).await.unwrap(), 5, "{backend}");
        let schemaless = by_source.clone().is_null("schema_name");
        let names: Vec<String> = s
            .list::<Table>(&schemaless)
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.data.name)
            .collect();
        assert_eq!(names, ["a", "b", "c", "v"], "{backend}: ordered by id");
        let newest = s
            .list::<Table>(&schemaless.clone().newest_first().limit(2))
            .await
            .unwrap();
        assert_eq!(
            newest.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            ["v", "c"]
        );
        let unowned = s
            .find_one::<Table>(by_source.clone().is_null("owner"))
            .await
            .unwrap();
        assert_eq!(unowned.map(|t| t.data.name).as_deref(), Some("v"));

        let err = s
            .list::<Table>(&Filter::all().eq_text("name; DROP TABLE tables", "x"))
            .await;
        let err = err.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
        assert_eq!(
            err.to_string(),
            "invalid table: no field `name; DROP TABLE tables` to filter on"
        );
        drop(s);
        t
    })
    .await;
}

#[tokio::test]
async fn sessions_do_not_see_each_others_uncommitted_writes() {
    each_backend(|t| async move {
        let mut writer = t.store.begin().await.unwrap();
        let src = writer.insert(&source("pending")).await.unwrap();
        // On SQLite the writer holds the only write lock, so read from a second pool
        // connection only after deciding; PostgreSQL can read concurrently.
        if t.name == "postgres" {
            let mut reader = t.store.begin().await.unwrap();
            assert!(
                reader.find(src.id).await.unwrap().is_none(),
                "uncommitted write visible"
            );
            drop(reader);
        }
        writer.commit().await.unwrap();
        let mut reader = t.store.begin().await.unwrap();
        assert!(
            reader.find(src.id).await.unwrap().is_some(),
            "{}: committed write visible",
            t.name
        );
        drop(reader);
        t
    })
    .await;
}

#[tokio::test]
async fn reading_units_run_beside_a_writer_and_cannot_write() {
    each_backend(|t| async move {
        let backend = t.name;
        let (src, _, _) = parents(&t.store, "readers").await;
        let mut writer = t.store.begin().await.unwrap();
        let pending = writer.insert(&table(src, None, "pending")).await.unwrap();
        // While the writer holds the write lock, two readers begin at once
        // (on SQLite a `begin` would wait for the lock here) and see the
        // last committed state, not the writer's.
        let (first, second) = tokio::join!(t.store.read(), t.store.read());
        let (mut first, mut second) = (first.unwrap(), second.unwrap());
        assert!(first.find(pending.id).await.unwrap().is_none(), "{backend}");
        assert!(second.find(src).await.unwrap().is_some(), "{backend}");
        writer.commit().await.unwrap();
        let err = first.insert(&source("by-a-reader")).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "source written in a read-only unit of work",
            "{backend}"
        );
        drop((first, second));
        let mut fresh = t.store.read().await.unwrap();
        assert!(fresh.find(pending.id).await.unwrap().is_some(), "{backend}");
        drop(fresh);
        t
    })
    .await;
}

#[tokio::test]
async fn a_filter_on_many_ids_is_one_query() {
    each_backend(|t| async move {
        let backend = t.name;
        let (src, _, _) = parents(&t.store, "many").await;
        let mut s = t.store.begin().await.unwrap();
        let mut ids = Vec::new();
        for name in ["a", "b", "c", "d"] {
            ids.push(s.insert(&table(src, None, name)).await.unwrap().id);
        }
        let names = |tables: Vec<Record<Table>>| -> Vec<String> {
            tables.into_iter().map(|t| t.data.name).collect()
        };
        let picked = s
            .list::<Table>(
                &Filter::all()
                    .eq_id("source_id", src)
                    .in_ids("id", [ids[3], ids[1]]),
            )
            .await
            .unwrap();
        assert_eq!(names(picked), ["b", "d"], "{backend}");
        let none = s
            .list::<Table>(&Filter::all().in_ids("id", Vec::<Id<Table>>::new()))
            .await
            .unwrap();
        assert!(none.is_empty(), "{backend}: no ids match no row");
        drop(s);
        t
    })
    .await;
}
