//! A local file lake: CSV, gzip NDJSON and Hive-partitioned Parquet.

use std::io::Write;

use steward_types::SamplingMethod;

use crate::harness::{World, column, copy};

pub const CUSTOMERS_CSV: &str = "\
id,name,email,score,country
1,Ana López,ana.lopez@example.es,10.5,ES
2,Bob Smith,,20.5,GB
3,Chen Wei,chen.wei@example.cn,,CN
4,Dana Müller,dana@example.de,30.0,DE
5,Eve Adams,eve@example.com,40.0,GB
";

/// raw/customers.csv, raw/orders/dt=.../*.parquet, events/events-00{0,1}.ndjson.gz
pub async fn write_lake(root: &std::path::Path) {
    std::fs::create_dir_all(root.join("raw")).unwrap();
    std::fs::write(root.join("raw/customers.csv"), CUSTOMERS_CSV).unwrap();
    copy(
        "SELECT * FROM (VALUES (100, 1, 19.99, '2024-01-01'), (101, 2, 5.0, '2024-01-01'), (102, 1, 7.5, '2024-01-02')) AS t(order_id, customer_id, amount, dt)",
        &root.join("raw/orders/"),
        "PARQUET",
        Some("dt"),
    )
    .await;
    std::fs::create_dir_all(root.join("events")).unwrap();
    for (i, ip) in ["10.0.0.1", "2001:db8::1"].iter().enumerate() {
        let file =
            std::fs::File::create(root.join(format!("events/events-00{i}.ndjson.gz"))).unwrap();
        let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
        for n in 0..3 {
            writeln!(
                gz,
                r#"{{"event_id": {}, "ip": "{ip}", "kind": "click"}}"#,
                i * 10 + n
            )
            .unwrap();
        }
        gz.finish().unwrap();
    }
}

#[tokio::test]
async fn a_lake_is_inspected_and_profiled_into_the_catalog() {
    let w = World::new().await;
    let root = w.path("lake");
    write_lake(&root).await;
    w.add("lake", root.to_str().unwrap(), &[]).await;

    let (report, events) = w.scan("lake").await;
    assert!(!report.partial, "{events:#?}");
    assert_eq!(report.sources[0].scanned, 3);

    let customers = w.detail("lake.raw.customers").await;
    assert_eq!(customers.table.format.as_deref(), Some("csv"));
    assert_eq!(customers.table.file_count, Some(1));
    assert_eq!(
        customers.table.row_count,
        Some(5),
        "a full profile counts the rows"
    );
    let names: Vec<_> = customers
        .columns
        .iter()
        .map(|c| c.column.name.as_str())
        .collect();
    assert_eq!(names, ["id", "name", "email", "score", "country"]);
    assert_eq!(column(&customers, "id").column.data_type, "Int64");
    assert_eq!(column(&customers, "score").column.data_type, "Float64");

    let email = column(&customers, "email")
        .profile
        .clone()
        .expect("email profiled");
    assert_eq!((email.row_count, email.null_count), (5, 1));
    assert_eq!(email.distinct_approx, Some(4));
    assert_eq!(email.sampling.method, SamplingMethod::Full);
    assert_eq!(email.min_length, Some(15));
    assert_eq!(email.max_length, Some(20));
    // Sensitive values are stored masked, never in clear.
    assert_eq!(email.min.as_deref(), Some("a***.l***@e***.e***"));
    assert!(
        email.top_values.is_empty(),
        "unique values are not frequent: {:?}",
        email.top_values
    );
    let stored = serde_json::to_string(&customers).unwrap();
    for raw in [
        "ana.lopez@example.es",
        "chen.wei",
        "Dana Müller",
        "dana@example.de",
    ] {
        assert!(!stored.contains(raw), "`{raw}` stored in clear");
    }

    let score = column(&customers, "score").profile.clone().unwrap();
    assert_eq!(score.null_count, 1);
    assert_eq!(score.min.as_deref(), Some("10.5"));
    assert_eq!(score.max.as_deref(), Some("40.0"));
    assert_eq!(score.mean, Some(25.25));
    // Sample standard deviation of 10.5, 20.5, 30 and 40.
    assert!(
        (score.stddev.unwrap() - 12.6524).abs() < 1e-3,
        "{:?}",
        score.stddev
    );

    let country = column(&customers, "country").profile.clone().unwrap();
    assert_eq!(
        country.top_values[0].count, 2,
        "GB twice: {:?}",
        country.top_values
    );

    let orders = w.detail("raw.orders").await;
    assert_eq!(orders.table.format.as_deref(), Some("parquet"));
    assert_eq!(orders.table.partition_columns, ["dt"]);
    assert_eq!(orders.table.file_count, Some(2));
    assert_eq!(orders.table.row_count, Some(3));
    assert!(orders.table.size_bytes.unwrap() > 0);
    let dt = column(&orders, "dt").profile.clone().unwrap();
    assert_eq!(dt.distinct_approx, Some(2));
    let amount = column(&orders, "amount").profile.clone().unwrap();
    assert_eq!(amount.max.as_deref(), Some("19.99"));

    let events = w.detail("events").await;
    assert_eq!(events.table.format.as_deref(), Some("json"));
    assert_eq!(events.table.row_count, Some(6));
    let ip = column(&events, "ip").profile.clone().unwrap();
    assert_eq!(ip.distinct_approx, Some(2));
    assert_eq!(ip.top_values.iter().map(|v| v.count).sum::<i64>(), 6);
}

#[tokio::test]
async fn large_tables_are_profiled_from_a_recorded_sample() {
    let w = World::new().await;
    let root = w.path("lake");
    copy(
        "SELECT value AS n, value % 7 AS bucket FROM generate_series(1, 5000) AS t(value)",
        &root.join("numbers.parquet"),
        "PARQUET",
        None,
    )
    .await;
    w.add("lake", root.to_str().unwrap(), &[]).await;
    let options = steward_service::ScanOptions {
        sample_rows: Some(1000),
        ..Default::default()
    };
    let (report, _) = w.scan_with("lake", &options).await;
    assert!(!report.partial);
    let numbers = w.detail("numbers").await;
    assert_eq!(
        numbers.table.row_count,
        Some(5000),
        "row count from the Parquet footer"
    );
    let n = column(&numbers, "n").profile.clone().unwrap();
    assert_eq!(n.row_count, 1000);
    assert_eq!(n.sampling.method, SamplingMethod::Limit);
    assert!((n.sampling.fraction - 0.2).abs() < 1e-9);
    let bucket = column(&numbers, "bucket").profile.clone().unwrap();
    assert_eq!(bucket.top_values.len(), 5, "top 5 of 7 buckets");
}

#[tokio::test]
async fn a_glob_selects_tables_and_no_profile_skips_profiles() {
    let w = World::new().await;
    let root = w.path("lake");
    write_lake(&root).await;
    w.add("lake", root.to_str().unwrap(), &[]).await;
    let options = steward_service::ScanOptions {
        tables: Some("raw.*".into()),
        no_profile: true,
        ..Default::default()
    };
    let (report, _) = w.scan_with("lake", &options).await;
    assert_eq!(report.sources[0].scanned, 2);
    let tables = steward_service::list_tables(&w.store, Some("lake"))
        .await
        .unwrap();
    let names: Vec<_> = tables.iter().map(|t| t.table.qualified_name()).collect();
    assert_eq!(names, ["raw.customers", "raw.orders"]);
    let customers = w.detail("raw.customers").await;
    assert!(customers.columns.iter().all(|c| c.profile.is_none()));
}

#[tokio::test]
async fn a_glob_in_the_source_url_limits_the_files() {
    let w = World::new().await;
    let root = w.path("lake");
    write_lake(&root).await;
    let glob = format!("{}/raw/**/*.parquet", root.display());
    w.add("orders_only", &glob, &[]).await;
    let (report, events) = w.scan("orders_only").await;
    assert!(!report.partial, "{events:#?}");
    let tables = steward_service::list_tables(&w.store, Some("orders_only"))
        .await
        .unwrap();
    let names: Vec<_> = tables.iter().map(|t| t.table.qualified_name()).collect();
    assert_eq!(
        names,
        ["orders"],
        "the listing starts at raw/, the glob keeps the Parquet files"
    );
    assert_eq!(tables[0].table.row_count, Some(3));
}

#[tokio::test]
async fn large_parquet_tables_are_sampled_by_row_groups_spread_over_the_table() {
    let w = World::new().await;
    let root = w.path("lake");
    std::fs::create_dir_all(&root).unwrap();
    // 10 row groups of 1,000 rows; `block` says which row group a row sits in.
    let ctx = datafusion::prelude::SessionContext::new();
    let sql = format!(
        "COPY (SELECT value AS n, value / 1000 AS block FROM generate_series(0, 9999) AS t(value)) \
         TO '{}' STORED AS PARQUET OPTIONS ('format.max_row_group_size' '1000')",
        root.join("events.parquet").display()
    );
    ctx.sql(&sql).await.unwrap().collect().await.unwrap();
    // And a Hive-partitioned one: partition values must survive the sampled scan.
    let sql = format!(
        "COPY (SELECT value AS n, CASE WHEN value < 5000 THEN 'a' ELSE 'b' END AS half FROM generate_series(0, 9999) AS t(value)) \
         TO '{}/' STORED AS PARQUET PARTITIONED BY (half) OPTIONS ('format.max_row_group_size' '1000')",
        root.join("halves").display()
    );
    ctx.sql(&sql).await.unwrap().collect().await.unwrap();
    w.add("lake", root.to_str().unwrap(), &[]).await;

    let options = steward_service::ScanOptions {
        sample_rows: Some(3000),
        ..Default::default()
    };
    let (report, events) = w.scan_with("lake", &options).await;
    assert!(!report.partial, "{events:#?}");
    let table = w.detail("events").await;
    assert_eq!(table.table.row_count, Some(10_000));
    let block = column(&table, "block").profile.clone().unwrap();
    assert_eq!(block.sampling.method, SamplingMethod::RowGroups);
    assert_eq!(block.row_count, 3000);
    assert!((block.sampling.fraction - 0.3).abs() < 1e-9);
    // Spread over the table, not its first rows: row groups 1, 5 and 8.
    assert_eq!(
        (block.min.as_deref(), block.max.as_deref()),
        (Some("1"), Some("8"))
    );
    assert_eq!(block.distinct_approx, Some(3));

    let halves = w.detail("halves").await;
    assert_eq!(halves.table.partition_columns, ["half"]);
    let half = column(&halves, "half").profile.clone().unwrap();
    assert_eq!(half.sampling.method, SamplingMethod::RowGroups);
    assert_eq!(half.null_count, 0, "partition values are filled in");
    assert_eq!(
        half.distinct_approx,
        Some(2),
        "row groups from both partitions"
    );
}
