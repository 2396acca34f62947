//! The cost model on a small hand-made catalog and log.

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use steward_cost::{ColumnStats, CostConfig, SavingKind, ScanEstimator, TableStats, price};
use steward_types::UsageRecord;

fn column(name: &str, data_type: &str, avg_length: Option<f64>) -> ColumnStats {
    ColumnStats {
        name: name.into(),
        data_type: data_type.into(),
        avg_length,
    }
}

/// `raw.events`: Parquet, 1 GB, an 8-byte id, an 8-byte time and a 184-byte
/// payload on average. `raw.events_copy`: the same. `raw.users`: CSV, 2 GB.
fn tables() -> Vec<TableStats> {
    let events = TableStats {
        source: "lake".into(),
        schema: Some("raw".into()),
        name: "events".into(),
        format: Some("parquet".into()),
        size_bytes: Some(1_000_000_000),
        row_count: Some(5_000_000),
        stores_data: true,
        columns: vec![
            column("id", "Int64", None),
            column("at", "Timestamp(Microsecond, None)", None),
            column("payload", "Utf8", Some(184.0)),
        ],
    };
    let mut copy = events.clone();
    copy.name = "events_copy".into();
    copy.schema = Some("scratch".into());
    let users = TableStats {
        source: "lake".into(),
        schema: Some("raw".into()),
        name: "users".into(),
        format: Some("csv".into()),
        size_bytes: Some(2_000_000_000),
        row_count: Some(1000),
        stores_data: true,
        columns: vec![
            column("id", "Int64", None),
            column("email", "Utf8", Some(20.0)),
        ],
    };
    vec![events, copy, users]
}

fn query(user: &str, sql: &str, tables: &[&str], bytes: Option<i64>, day: u32) -> UsageRecord {
    UsageRecord {
        query_id: None,
        user_name: Some(user.into()),
        sql: sql.into(),
        tables: tables.iter().map(|t| t.to_string()).collect(),
        bytes_scanned: bytes,
        duration_ms: None,
        executed_at: Utc.with_ymd_and_hms(2026, 1, day, 12, 0, 0).unwrap(),
    }
}

#[tokio::test]
async fn columnar_scans_cost_the_share_of_their_columns_and_row_formats_all() {
    let estimator = ScanEstimator::new(&tables());
    let est = estimator
        .estimate("SELECT id FROM raw.events WHERE at > now()")
        .await
        .unwrap();
    // id and at: 16 of 200 bytes a row.
    assert_eq!(est, [("raw.events".to_string(), 80_000_000)]);
    let est = estimator
        .estimate("SELECT * FROM raw.events")
        .await
        .unwrap();
    assert_eq!(est, [("raw.events".to_string(), 1_000_000_000)]);
    let est = estimator
        .estimate("SELECT count(*) FROM raw.events")
        .await
        .unwrap();
    assert_eq!(
        est,
        [("raw.events".to_string(), 40_000_000)],
        "the narrowest column"
    );
    let est = estimator
        .estimate("SELECT u.email FROM raw.users u JOIN raw.events e ON e.id = u.id")
        .await
        .unwrap();
    assert_eq!(
        est,
        [
            ("raw.events".to_string(), 40_000_000),
            ("raw.users".to_string(), 2_000_000_000)
        ]
    );
    assert!(
        estimator
            .estimate("SELECT * FROM raw.unknown")
            .await
            .is_none()
    );
    assert!(estimator.estimate("SELEC nonsense").await.is_none());
}

#[tokio::test]
async fn storage_is_priced_by_tier_and_compute_by_bytes() {
    let mut config = CostConfig::default();
    config
        .tiers
        .insert("archive".into(), vec!["lake.scratch".into()]);
    config
        .teams
        .insert("analytics".into(), vec!["ana.*".into()]);
    let usage = vec![
        // Logged bytes, split over the tables by the plan's shares.
        query(
            "ana.lopez",
            "SELECT u.email FROM raw.users u JOIN raw.events e ON e.id = u.id",
            &["raw.users", "raw.events"],
            Some(1_020_000_000),
            1,
        ),
        // No bytes logged: estimated from the plan.
        query(
            "bob",
            "SELECT id FROM raw.events",
            &["raw.events"],
            None,
            11,
        ),
        // Neither: the tables read in full.
        query(
            "bob",
            "SELECT weird syntax FROM raw.users QUALIFY x",
            &["raw.users"],
            None,
            31,
        ),
    ];
    let report = price(&tables(), &usage, &config).await.unwrap();
    let by: BTreeMap<&str, _> = report
        .tables
        .iter()
        .map(|t| (t.table.as_str(), t))
        .collect();
    assert_eq!(by["raw.events"].tier, "standard");
    assert!((by["raw.events"].storage_cost - 0.023).abs() < 1e-9);
    assert_eq!(by["scratch.events_copy"].tier, "archive");
    assert!((by["scratch.events_copy"].storage_cost - 0.004).abs() < 1e-9);

    assert_eq!(report.totals.queries, 3);
    assert_eq!(report.totals.estimated_queries, 1);
    assert_eq!(report.totals.full_scan_queries, 1);
    // 2000:40 is the plan's split of the first query's 1.02 GB.
    assert_eq!(by["raw.users"].bytes_scanned, 1_000_000_000 + 2_000_000_000);
    assert_eq!(by["raw.events"].bytes_scanned, 20_000_000 + 40_000_000);
    assert_eq!(by["raw.users"].reads, 2);
    assert_eq!(
        by["raw.events"].last_read,
        Some(Utc.with_ymd_and_hms(2026, 1, 11, 12, 0, 0).unwrap())
    );
    assert_eq!(
        report.totals.bytes_scanned,
        1_020_000_000 + 40_000_000 + 2_000_000_000
    );
    assert!((report.totals.compute_cost - 3.06e9 / 1e12 * 5.0).abs() < 1e-9);
    assert!((report.period_days - 30.0).abs() < 1e-9);

    let teams: BTreeMap<&str, _> = report.teams.iter().map(|t| (t.name.as_str(), t)).collect();
    assert_eq!(teams["analytics"].queries, 1);
    assert_eq!(teams["(unassigned)"].queries, 2);
    assert_eq!(report.users[0].name, "bob", "the costliest first");
}

#[tokio::test]
async fn savings_name_unused_duplicated_and_row_format_tables() {
    let usage = vec![
        query(
            "ana",
            "SELECT * FROM raw.events",
            &["raw.events"],
            Some(1_000_000_000),
            1,
        ),
        query(
            "ana",
            "SELECT * FROM raw.users",
            &["raw.users"],
            Some(2_000_000_000),
            2,
        ),
        query(
            "ana",
            "SELECT * FROM scratch.events_copy",
            &["scratch.events_copy"],
            Some(1_000_000_000),
            3,
        ),
    ];
    let report = price(&tables(), &usage, &CostConfig::default())
        .await
        .unwrap();
    let kinds: BTreeMap<&str, SavingKind> = report
        .savings
        .iter()
        .map(|s| (s.table.as_str(), s.kind))
        .collect();
    assert_eq!(kinds["scratch.events_copy"], SavingKind::Duplicate);
    assert_eq!(kinds["raw.users"], SavingKind::RowFormat);
    assert!(!kinds.contains_key("raw.events"));

    // Nobody reads the copy any more: unused, whatever else it is.
    let report = price(&tables(), &usage[..2], &CostConfig::default())
        .await
        .unwrap();
    let copy = report
        .savings
        .iter()
        .find(|s| s.table == "scratch.events_copy")
        .unwrap();
    assert_eq!(copy.kind, SavingKind::Unused);
    assert!((copy.monthly.unwrap() - 0.023).abs() < 1e-9);
    assert!(
        copy.reason
            .starts_with("no query from 2026-01-01 to 2026-01-02"),
        "{}",
        copy.reason
    );
}

#[tokio::test]
async fn an_unread_table_of_unknown_size_is_named_with_its_saving_unknown() {
    let mut tables = tables();
    // A database that reports no sizes, and a view (nothing stored).
    let mut orders = tables[2].clone();
    orders.name = "orders".into();
    orders.format = None;
    orders.size_bytes = None;
    let mut recent = orders.clone();
    recent.name = "recent_orders".into();
    recent.stores_data = false;
    tables.extend([orders, recent]);
    let usage = vec![query(
        "ana",
        "SELECT * FROM raw.events",
        &["raw.events"],
        Some(1_000_000_000),
        1,
    )];
    let report = price(&tables, &usage, &CostConfig::default())
        .await
        .unwrap();
    let orders = report
        .savings
        .iter()
        .find(|s| s.table == "raw.orders")
        .unwrap();
    assert_eq!(orders.kind, SavingKind::Unused);
    assert_eq!(orders.monthly, None);
    assert!(
        orders.reason.contains("size is unknown"),
        "{}",
        orders.reason
    );
    assert_eq!(
        report.savings.last().map(|s| s.table.as_str()),
        Some("raw.orders"),
        "an unknown saving comes after the known ones"
    );
    assert!(
        report
            .savings
            .iter()
            .all(|s| s.table != "raw.recent_orders"),
        "a view stores nothing: {:?}",
        report.savings
    );
    let known: f64 = report.savings.iter().filter_map(|s| s.monthly).sum();
    assert!((report.totals.savings_monthly - known).abs() < 1e-9);
    assert!(report.savings.len() > 1);
}

#[tokio::test]
async fn bad_settings_are_named() {
    let mut config = CostConfig::default();
    config
        .tiers
        .insert("glacier".into(), vec!["lake.old".into()]);
    let e = price(&tables(), &[], &config).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "[cost] tiers.glacier: no price in storage_per_gb_month for tier `glacier`"
    );
    let mut config = CostConfig::default();
    config.teams.insert("x".into(), vec!["[".into()]);
    assert!(
        price(&tables(), &[], &config)
            .await
            .unwrap_err()
            .to_string()
            .starts_with("[cost] teams.x: pattern `[`")
    );
}
