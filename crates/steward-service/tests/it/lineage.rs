//! Lineage through the store: ingestion from SQL, idempotent re-ingestion,
//! bad input reported without stopping the rest, and the graph walked.

use steward_service::{Change, Direction, Effect, ServiceError, SqlInput, graph, impact, ingest};
use steward_types::LineageOrigin;

use crate::harness::World;

fn input(id: &str, sql: &str) -> SqlInput {
    SqlInput {
        origin: LineageOrigin::QueryLog,
        origin_ref: format!("query_log:{id}"),
        sql: sql.to_string(),
        dialect: "postgres".to_string(),
    }
}

fn inputs() -> Vec<SqlInput> {
    vec![
        input(
            "q1",
            "CREATE TABLE staging.customers AS SELECT id, lower(email) AS email, country FROM raw.customers",
        ),
        input(
            "q2",
            "INSERT INTO mart.by_country (country, customers) SELECT country, count(id) FROM staging.customers GROUP BY country",
        ),
        input("q3", "SELECT * FROM mart.by_country"),
        input("q4", "SELEC broken FROM"),
        input(
            "q5",
            "CREATE TABLE mart.contacts AS SELECT c.email FROM staging.customers c",
        ),
    ]
}

#[tokio::test]
async fn ingestion_is_idempotent_and_reports_what_it_could_not_read() {
    let w = World::new().await;
    let first = ingest(&w.store, &inputs()).await.unwrap();
    assert_eq!(first.inputs, 5);
    assert_eq!(first.with_lineage, 3, "the SELECT writes nothing");
    assert_eq!(first.errors.len(), 1);
    assert_eq!(first.errors[0].0, "query_log:q4");
    let again = ingest(&w.store, &inputs()).await.unwrap();
    assert_eq!(
        (again.table_edges, again.column_edges),
        (first.table_edges, first.column_edges)
    );
    let mut session = w.store.begin().await.unwrap();
    let stored = session
        .count::<steward_types::LineageEdge>(&steward_store::Filter::all())
        .await
        .unwrap();
    assert_eq!(
        stored as usize,
        first.table_edges + first.column_edges,
        "re-ingesting replaced, not duplicated"
    );
}

#[tokio::test]
async fn the_graph_is_walked_both_ways_and_to_a_depth() {
    let w = World::new().await;
    ingest(&w.store, &inputs()).await.unwrap();

    let up = graph(&w.store, "mart.contacts.email", Direction::Upstream, 5)
        .await
        .unwrap();
    assert_eq!(up.nodes.get("staging.customers.email"), Some(&-1));
    assert_eq!(up.nodes.get("raw.customers.email"), Some(&-2));

    let down = graph(&w.store, "raw.customers", Direction::Downstream, 5)
        .await
        .unwrap();
    assert_eq!(down.nodes.get("staging.customers"), Some(&1));
    assert_eq!(down.nodes.get("mart.by_country"), Some(&2));
    assert_eq!(down.nodes.get("mart.contacts"), Some(&2));

    let near = graph(&w.store, "raw.customers", Direction::Downstream, 1)
        .await
        .unwrap();
    assert!(
        !near.nodes.contains_key("mart.by_country"),
        "{:?}",
        near.nodes
    );

    let agg = graph(
        &w.store,
        "mart.by_country.customers",
        Direction::Upstream,
        2,
    )
    .await
    .unwrap();
    assert_eq!(agg.edges[0].kind, steward_types::EdgeKind::Aggregation);

    let missing = graph(&w.store, "nowhere.table", Direction::Both, 3)
        .await
        .unwrap_err();
    assert!(matches!(missing, ServiceError::NotFound(_)), "{missing}");
}

#[tokio::test]
async fn impact_lists_what_reads_a_column_downstream() {
    let w = World::new().await;
    ingest(&w.store, &inputs()).await.unwrap();
    let impact = graph(&w.store, "raw.customers.email", Direction::Downstream, 10)
        .await
        .unwrap();
    assert_eq!(
        impact.inputs.iter().map(String::as_str).collect::<Vec<_>>(),
        ["query_log:q1", "query_log:q5"]
    );
    assert_eq!(
        impact.tables().into_iter().collect::<Vec<_>>(),
        ["mart.contacts", "staging.customers"]
    );
}

#[tokio::test]
async fn dropping_breaks_everything_downstream_retyping_depends_on_the_step() {
    let w = World::new().await;
    ingest(&w.store, &inputs()).await.unwrap();
    let effects = |i: &steward_service::Impact| {
        i.assets
            .iter()
            .map(|a| (a.asset.clone(), a.effect))
            .collect::<Vec<_>>()
    };

    let dropped = impact(&w.store, "raw.customers.id", Change::Drop, 10)
        .await
        .unwrap();
    assert_eq!(
        effects(&dropped),
        [
            ("staging.customers.id".to_string(), Effect::Breaks),
            ("mart.by_country.customers".to_string(), Effect::Breaks),
        ]
    );
    assert_eq!(
        dropped
            .inputs
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        ["query_log:q1", "query_log:q2"]
    );

    // A copy takes the new type; a count of it does not care.
    let retyped = impact(&w.store, "raw.customers.id", Change::Retype, 10)
        .await
        .unwrap();
    assert_eq!(
        effects(&retyped),
        [
            ("staging.customers.id".to_string(), Effect::TypeChanges),
            ("mart.by_country.customers".to_string(), Effect::Unaffected),
        ]
    );
    assert_eq!(
        retyped
            .inputs
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        ["query_log:q1"],
        "the counting query needs no change"
    );

    // `lower(email)` has to be checked, and so has what copies its result.
    let email = impact(&w.store, "raw.customers.email", Change::Retype, 10)
        .await
        .unwrap();
    assert_eq!(
        effects(&email),
        [
            ("staging.customers.email".to_string(), Effect::Review),
            ("mart.contacts.email".to_string(), Effect::Review),
        ]
    );
    assert_eq!(email.assets[0].because, "computed with lower");

    let table = impact(&w.store, "raw.customers", Change::Retype, 10)
        .await
        .unwrap_err();
    assert!(matches!(table, ServiceError::Invalid(_)), "{table}");
    let dropped_table = impact(&w.store, "raw.customers", Change::Drop, 10)
        .await
        .unwrap();
    assert_eq!(
        effects(&dropped_table),
        [
            ("staging.customers".to_string(), Effect::Breaks),
            ("mart.by_country".to_string(), Effect::Breaks),
            ("mart.contacts".to_string(), Effect::Breaks),
        ]
    );
}

#[tokio::test]
async fn the_catalog_keeps_logged_sql_without_its_values() {
    let w = World::new().await;
    let query = |id: &str, sql: &str| steward_service::LoggedQuery {
        query_id: id.to_string(),
        user: Some("ana".into()),
        sql: sql.to_string(),
        bytes_scanned: Some(10),
        duration_ms: None,
        executed_at: "2026-01-02T03:04:05Z".parse().unwrap(),
        database: None,
    };
    let secrets = ["maria.garcia@example.com", "+1 415 555 0199", "123456789"];
    let log = vec![
        query(
            "a",
            "SELECT id FROM crm.customers WHERE email = 'maria.garcia@example.com' AND phone = '+1 415 555 0199'",
        ),
        query(
            "b",
            "SELECT id FROM crm.customers WHERE ssn = 123456789 -- by ana",
        ),
        query(
            "c",
            "SELECT id FROM crm.customers WHERE email = 'x@example.org' AND phone = '0'",
        ),
    ];
    let report = steward_service::record_usage(&w.store, &log, "postgres")
        .await
        .unwrap();
    assert_eq!(report.unparsed, 0);
    let mut session = w.store.begin().await.unwrap();
    let stored = session
        .list::<steward_types::UsageRecord>(&steward_store::Filter::all())
        .await
        .unwrap();
    for row in &stored {
        for secret in secrets {
            assert!(!row.sql.contains(secret), "{}", row.sql);
        }
        assert_eq!(row.tables, vec!["crm.customers".to_string()], "{}", row.sql);
    }
    assert_eq!(stored[0].sql, stored[2].sql, "one shape: a repeated query");
    assert_eq!(
        stored[1].sql.trim_end(),
        "SELECT id FROM crm.customers WHERE ssn = ?"
    );

    // Warnings stored with edges quote no value either.
    let sql = "SET search_path = 'maria.garcia@example.com'; INSERT INTO m.t SELECT a FROM s.u";
    drop(session);
    ingest(&w.store, &[input("d", sql)]).await.unwrap();
    let mut session = w.store.begin().await.unwrap();
    let edges = session
        .list::<steward_types::LineageEdge>(&steward_store::Filter::all())
        .await
        .unwrap();
    assert!(!edges.is_empty());
    for edge in &edges {
        let reason = edge.reason.clone().unwrap_or_default();
        assert!(!reason.contains("maria"), "{reason}");
    }
}
