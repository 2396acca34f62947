//! Bad files and unreachable sources: the table or source gets a recorded error,
//! the rest of the scan goes on, and what was stored before stays.

use steward_service::{ScanEvent, TableOutcome};

use crate::harness::World;
use crate::lake::write_lake;

fn failure<'a>(events: &'a [ScanEvent], table: &str) -> Option<&'a str> {
    events.iter().find_map(|e| match e {
        ScanEvent::Table {
            table: t,
            outcome: TableOutcome::Failed { reason },
            ..
        } if t == table => Some(reason.as_str()),
        _ => None,
    })
}

#[tokio::test]
async fn broken_files_fail_their_table_only_and_keep_the_last_good_scan() {
    let w = World::new().await;
    let root = w.path("lake");
    write_lake(&root).await;
    w.add("lake", root.to_str().unwrap(), &[]).await;
    let (first, _) = w.scan("lake").await;
    assert!(!first.partial);
    let before = w.detail("raw.customers").await;

    // A corrupt Parquet footer, a ragged CSV, invalid UTF-8, and a good table beside them.
    std::fs::write(
        root.join("broken.parquet"),
        b"PAR1 this is not parquet PAR1",
    )
    .unwrap();
    std::fs::write(
        root.join("raw/customers.csv"),
        "id,name,email,score,country\n1,Ana\n2,Bob,b@x,1.0,GB,extra\n",
    )
    .unwrap();
    std::fs::write(root.join("latin1.csv"), b"id,name\n1,Jos\xe9\n").unwrap();
    std::fs::write(root.join("fine.csv"), "a,b\n1,2\n").unwrap();

    let (report, events) = w.scan("lake").await;
    assert!(report.partial);
    let source = &report.sources[0];
    assert_eq!(source.failed, 3, "{events:#?}");
    assert_eq!(source.scanned, 3, "orders, events and fine still scanned");

    let reason = failure(&events, "broken").expect("corrupt parquet fails");
    assert!(
        reason.contains("broken.parquet"),
        "names the file: {reason}"
    );
    let reason = failure(&events, "raw.customers").expect("ragged csv fails");
    assert!(
        reason.contains("customers.csv") && reason.contains("line 2"),
        "names file and line: {reason}"
    );
    let reason = failure(&events, "latin1").expect("bad encoding fails");
    assert!(reason.to_lowercase().contains("utf"), "{reason}");

    // What the catalog held for the table is untouched; only the error is recorded.
    let after = w.detail("raw.customers").await;
    assert!(after.table.scan_error.is_some());
    assert_eq!(after.table.scanned_at, before.table.scanned_at);
    assert_eq!(after.columns.len(), before.columns.len());
    for (a, b) in after.columns.iter().zip(&before.columns) {
        assert_eq!(a.column, b.column);
        assert_eq!(a.profile, b.profile);
    }
    assert!(after.changes.is_empty(), "a failed scan is not drift");

    let broken = w.detail("broken").await;
    assert!(
        broken
            .table
            .scan_error
            .as_deref()
            .unwrap()
            .contains("broken.parquet")
    );
    assert!(broken.columns.is_empty());
}

#[tokio::test]
async fn an_unreachable_source_is_recorded_and_other_sources_scan() {
    let w = World::new().await;
    let root = w.path("lake");
    write_lake(&root).await;
    w.add("lake", root.to_str().unwrap(), &[]).await;
    w.add("gone", w.path("nowhere").to_str().unwrap(), &[])
        .await;
    w.add("pg_down", "postgres://steward@127.0.0.1:1/none", &[])
        .await;

    let mut events = Vec::new();
    let report = steward_service::scan(&w.store, &w.config, None, &Default::default(), &mut |e| {
        events.push(e)
    })
    .await
    .unwrap();
    assert!(report.partial);
    let by_name = |n: &str| report.sources.iter().find(|s| s.source == n).unwrap();
    assert_eq!(by_name("lake").scanned, 3);
    assert!(
        by_name("gone")
            .error
            .as_deref()
            .unwrap()
            .contains("not a readable folder")
    );
    assert!(
        by_name("pg_down")
            .error
            .as_deref()
            .unwrap()
            .contains("pg_down")
    );
    let sources = steward_service::list_sources(&w.store).await.unwrap();
    let gone = sources.iter().find(|s| s.name == "gone").unwrap();
    assert!(gone.scan_error.is_some());
}

#[tokio::test]
async fn a_file_that_cannot_be_read_fails_its_table_with_the_reason() {
    // A file that is gone between listing and reading stands for any file the
    // OS will not hand over: these tests run as root, which no chmod stops.
    let w = World::new().await;
    let root = w.path("lake");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("kept.csv"), "a,b\n1,2\n").unwrap();
    std::fs::write(root.join("gone.csv"), "a,b\n3,4\n").unwrap();
    let source =
        steward_service::new_source("lake", root.to_str().unwrap(), Default::default(), None)
            .unwrap();
    let mut connection = steward_warehouse::SourceConnection::open(&source, &w.config)
        .await
        .unwrap();
    let tables = connection.discover().await.unwrap();
    assert_eq!(tables.len(), 2);
    std::fs::remove_file(root.join("gone.csv")).unwrap();
    for table in &tables {
        let inspected = connection.inspect(table).await;
        match table.name.as_str() {
            "kept" => assert!(inspected.is_ok(), "{inspected:?}"),
            _ => {
                let error = inspected.unwrap_err().to_string();
                assert!(error.contains("gone.csv"), "names the file: {error}");
                assert!(error.contains("No files found"), "says why: {error}");
            }
        }
    }
}

/// Data errors deep in large files name the file and the real line (or the
/// row group), not a place within the reader's chunk.
#[tokio::test]
async fn data_errors_name_the_file_and_the_real_line_or_row_group() {
    let w = World::new().await;
    let root = w.path("lake");
    std::fs::create_dir_all(root.join("raw")).unwrap();
    let padded = |i: usize| {
        format!(
            "{i},customer number {i} with a long padded name,{}.5\n",
            i * 3
        )
    };
    // Well past the readers' first 8 KiB chunk.
    let mut ragged = String::from("id,name,amount\n");
    let mut latin = b"id,name,amount\n".to_vec();
    for i in 2..=1200usize {
        ragged.push_str(&if i == 501 {
            format!("{i},ragged\n")
        } else {
            padded(i)
        });
        if i == 601 {
            latin.extend_from_slice(b"601,Jos\xe9 Garc\xeda,1.5\n");
        } else {
            latin.extend_from_slice(padded(i).as_bytes());
        }
    }
    std::fs::write(root.join("raw/ragged.csv"), ragged).unwrap();
    std::fs::write(root.join("raw/latin.csv"), latin).unwrap();
    let mut deep = String::new();
    for i in 1..=150 {
        if i == 101 {
            deep.push_str(&format!(
                "{{\"id\":{i},\"x\":{}{}}}\n",
                "[".repeat(300),
                "]".repeat(300)
            ));
        } else {
            deep.push_str(&format!("{{\"id\":{i},\"x\":[{i}]}}\n"));
        }
    }
    std::fs::write(root.join("raw/deep.ndjson"), deep).unwrap();

    // Parquet whose footer is sound and whose second row group is not.
    let parquet = root.join("raw/pages.parquet");
    crate::harness::copy(
        "SELECT value AS id, 'name ' || CAST(value AS VARCHAR) AS name FROM generate_series(1, 40000)",
        &parquet,
        "parquet",
        None,
    )
    .await;
    let bytes = std::fs::read(&parquet).unwrap();
    let meta = datafusion::parquet::file::serialized_reader::SerializedFileReader::new(
        std::fs::File::open(&parquet).unwrap(),
    )
    .unwrap();
    use datafusion::parquet::file::reader::FileReader;
    let groups = meta.metadata().num_row_groups();
    let target = if groups > 1 { 1 } else { 0 };
    let column = meta.metadata().row_group(target).column(1);
    let (start, len) = column.byte_range();
    let mut corrupt = bytes.clone();
    for b in &mut corrupt[start as usize + 4..(start + len) as usize] {
        *b = !*b;
    }
    std::fs::write(&parquet, corrupt).unwrap();

    w.add("lake", root.to_str().unwrap(), &[]).await;
    let (report, events) = w.scan("lake").await;
    assert!(report.partial);
    let reason = failure(&events, "raw.ragged").expect("ragged csv fails");
    assert!(reason.contains("`raw/ragged.csv` line 501"), "{reason}");
    let reason = failure(&events, "raw.latin").expect("bad utf-8 fails");
    assert!(reason.contains("`raw/latin.csv` line 601"), "{reason}");
    assert!(!reason.contains("Jos"), "no value in the message: {reason}");
    let reason = failure(&events, "raw.deep").expect("too deep json fails");
    assert!(reason.contains("`raw/deep.ndjson` line 101"), "{reason}");
    let reason = failure(&events, "raw.pages").expect("corrupt page fails");
    assert!(
        reason.contains(&format!("`raw/pages.parquet` row group {target}")),
        "{reason}"
    );
}
