//! The front door, `Steward`, as every surface uses it: on a SQLite catalog
//! and, when `STEWARD_TEST_PG_URL` is set (mandatory under CI), on a
//! PostgreSQL catalog in a schema of its own.

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};

use steward_config::{Loaded, StewardConfig};
use steward_lineage::LogFormat;
use steward_service::{
    Annotation, IngestEvent, IngestRequest, LineageSource, SourceRequest, Steward, create_catalog,
};
use steward_store::{Filter, StoreConfig};
use steward_types::{HasKind, JobRun, JobStatus, Secret, UsageRecord};

use crate::harness::env_url;

static SCHEMAS: AtomicU32 = AtomicU32::new(0);

/// A configuration for a catalog at `url` (SQLite in `dir` when `None`).
fn loaded(dir: &Path, url: Option<&str>) -> Loaded {
    let store = match url {
        Some(url) => StoreConfig {
            url: Some(Secret::new(url)),
            schema: Some(format!(
                "front_door_{}_{}",
                std::process::id(),
                SCHEMAS.fetch_add(1, Ordering::SeqCst)
            )),
            ..StoreConfig::default()
        },
        None => StoreConfig::default(),
    };
    let mut config = StewardConfig {
        data_dir: dir.join(".steward"),
        store,
        ..StewardConfig::default()
    };
    config.warehouse.threads = 1;
    config.search.threads = 1;
    Loaded {
        config,
        file: None,
        base_dir: dir.to_path_buf(),
    }
}

/// Every backend the machine has: SQLite always, PostgreSQL when set.
fn backends() -> Vec<Option<String>> {
    let mut out = vec![None];
    if let Some(url) = env_url("STEWARD_TEST_PG_URL") {
        out.push(Some(url));
    }
    out
}

async fn open(dir: &Path, url: Option<&str>) -> (Loaded, Steward) {
    let loaded = loaded(dir, url);
    std::fs::create_dir_all(&loaded.config.data_dir).unwrap();
    create_catalog(&loaded).await.unwrap();
    let steward = Steward::open(&loaded).await.unwrap();
    (loaded, steward)
}

/// A file lake with `crm.customer` and `shop.orders`, registered and scanned.
async fn with_lake(steward: &Steward, dir: &Path) {
    let lake = dir.join("lake");
    for (folder, file, text) in [
        ("crm", "customer.csv", "id,name\n1,a\n2,b\n"),
        ("shop", "orders.csv", "id,customer_id,amount\n1,1,9.5\n"),
        ("billing", "orders.csv", "id,total\n1,3\n"),
    ] {
        std::fs::create_dir_all(lake.join(folder)).unwrap();
        std::fs::write(lake.join(folder).join(file), text).unwrap();
    }
    let request = SourceRequest {
        name: "lake".into(),
        url: lake.display().to_string(),
        check: true,
        ..SourceRequest::default()
    };
    let registered = steward.register_source(&request).await.unwrap();
    assert!(!registered.existed);
    // Registering again with `exists_ok` is not an error.
    let again = steward
        .register_source(&SourceRequest {
            exists_ok: true,
            ..request.clone()
        })
        .await
        .unwrap();
    assert!(again.existed);
    assert_eq!(again.source.id, registered.source.id);
    let options = steward.scan_options();
    steward
        .scan(Some("lake"), &options, &mut |_| {})
        .await
        .unwrap();
}

#[tokio::test]
async fn a_real_warehouse_log_ingests_with_every_line_accounted_for() {
    for url in backends() {
        let dir = tempfile::tempdir().unwrap();
        let (_, steward) = open(dir.path(), url.as_deref()).await;
        with_lake(&steward, dir.path()).await;
        // The spelling a warehouse export has: no query id, `ts`, `db`.
        let log = [
            r#"{"user":"ana","ts":"2026-03-02 09:15:00","db":"crm","sql":"SELECT name FROM customer WHERE id = 7"}"#,
            r#"{"user":"bo","ts":"2026-03-02T10:00:00Z","db":"shop","sql":"SELECT amount FROM orders"}"#,
            r#"{"user":"bo","ts":"2026-03-02T10:05:00Z","db":"billing","sql":"SELECT total FROM orders"}"#,
            r#"{"user":"cy","sql":"INSERT INTO crm.summary SELECT id FROM crm.customer"}"#,
            r#"{"user":"cy","ts":"2026-03-02T11:00:00Z","status":"FAILED","sql":"SELECT * FROM nowhere"}"#,
            r#"{"user":"dee","ts":"yesterday","sql":"SELECT 1"}"#,
            r#"not json"#,
        ]
        .join("\n");
        let request = IngestRequest {
            sources: vec![LineageSource::QueryLog {
                name: "export.jsonl".into(),
                text: log.clone(),
                format: LogFormat::Auto,
            }],
            views: false,
            dialect: "generic".into(),
        };
        let mut events = Vec::new();
        let report = steward
            .ingest_lineage(request.clone(), &mut |e| events.push(e))
            .await
            .unwrap();
        let read = &report.logs[0];
        assert_eq!(read.format, LogFormat::Jsonl);
        assert_eq!(read.records, 7);
        assert_eq!((read.usage, read.lineage_only), (3, 1), "{read:?}");
        let lines: Vec<(usize, bool)> =
            read.skipped.iter().map(|s| (s.line, s.malformed)).collect();
        assert_eq!(lines, vec![(5, false), (6, true), (7, true)]);
        assert_eq!(report.malformed_records(), 2);
        assert_eq!(report.usage.as_ref().unwrap().recorded, 3);
        assert!(
            events
                .iter()
                .any(|e| matches!(e, IngestEvent::Stored { done, total } if done == total))
        );

        // Usage names tables as the catalog does, by the line's database.
        let mut session = steward.store().begin().await.unwrap();
        let usage = session.list::<UsageRecord>(&Filter::all()).await.unwrap();
        let tables: Vec<Vec<String>> = usage.iter().map(|u| u.tables.clone()).collect();
        assert_eq!(
            tables,
            vec![
                vec!["crm.customer".to_string()],
                vec!["shop.orders".to_string()],
                vec!["billing.orders".to_string()],
            ]
        );
        // ... and keeps no literal.
        assert!(usage.iter().all(|u| !u.sql.contains('7')), "{usage:?}");
        // The run says the ingestion was partial.
        let runs = session.list::<JobRun>(&Filter::all()).await.unwrap();
        let run = runs.iter().rfind(|r| r.job == "lineage ingest").unwrap();
        assert_eq!(run.status, JobStatus::Failed);
        assert!(run.error.as_deref().unwrap().contains("2 malformed"));
        drop(session);

        // Ids derived from the content: a second ingestion replaces.
        let again = steward.ingest_lineage(request, &mut |_| {}).await.unwrap();
        assert_eq!(again.usage.as_ref().unwrap().replaced, 3);
        let mut session = steward.store().begin().await.unwrap();
        assert_eq!(
            session.count::<UsageRecord>(&Filter::all()).await.unwrap(),
            3
        );
        drop(session);
        // Lineage from the line without a time.
        let graph = steward
            .lineage("crm.summary", steward_service::Direction::Upstream, 1)
            .await
            .unwrap();
        assert!(graph.nodes.contains_key("crm.customer"), "{graph:?}");
        steward.close().await;
    }
}

#[tokio::test]
async fn nothing_to_ingest_and_unreadable_inputs_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_, steward) = open(dir.path(), None).await;
    let nothing = IngestRequest {
        sources: Vec::new(),
        views: true,
        dialect: "generic".into(),
    };
    let err = steward
        .ingest_lineage(nothing, &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.kind(), steward_types::ErrorKind::Invalid);
    assert!(!err.to_string().contains("--"), "no CLI flag in {err}");
    let bad = IngestRequest {
        sources: vec![
            LineageSource::Script {
                name: "ok.sql".into(),
                text: "INSERT INTO a SELECT * FROM b".into(),
            },
            LineageSource::DbtManifest {
                name: "manifest.json".into(),
                text: "{ not json".into(),
            },
        ],
        views: false,
        dialect: "generic".into(),
    };
    let err = steward.ingest_lineage(bad, &mut |_| {}).await.unwrap_err();
    assert!(err.to_string().starts_with("manifest.json:"), "{err}");
    let status = steward.status().await.unwrap();
    assert_eq!(status.counts.lineage_edges, 0);
    assert_eq!(status.counts.job_runs, 0);
    steward.close().await;
}

#[tokio::test]
async fn the_index_follows_every_change_without_being_asked() {
    for url in backends() {
        let dir = tempfile::tempdir().unwrap();
        let (_, steward) = open(dir.path(), url.as_deref()).await;
        with_lake(&steward, dir.path()).await;
        let found = steward.search("customer", Vec::new(), 10).await.unwrap();
        assert!(found.hits.iter().any(|h| h.name == "crm.customer"));
        steward
            .annotate(
                "crm.customer",
                &Annotation {
                    description: Some("Loyalty scheme members".into()),
                    ..Annotation::default()
                },
                "ana",
            )
            .await
            .unwrap();
        let found = steward.search("loyalty", Vec::new(), 10).await.unwrap();
        assert_eq!(
            found.hits.first().map(|h| h.name.as_str()),
            Some("crm.customer"),
            "{found:?}"
        );
        steward.remove_source("lake").await.unwrap();
        let found = steward.search("loyalty", Vec::new(), 10).await.unwrap();
        assert!(found.hits.is_empty(), "{found:?}");
        steward.close().await;
    }
}

#[tokio::test]
async fn an_old_catalog_loses_the_values_in_its_stored_sql_once() {
    let dir = tempfile::tempdir().unwrap();
    let (loaded, steward) = open(dir.path(), None).await;
    // As a catalog written before stored SQL was normalised holds it.
    let mut session = steward.store().begin().await.unwrap();
    session
        .insert(&UsageRecord {
            query_id: Some("q1".into()),
            user_name: Some("ana".into()),
            sql: "SELECT * FROM crm.customer WHERE email = 'ana@example.com' AND id = 42".into(),
            tables: vec!["crm.customer".into()],
            bytes_scanned: None,
            duration_ms: None,
            executed_at: "2026-01-01T00:00:00Z".parse().unwrap(),
        })
        .await
        .unwrap();
    session.commit().await.unwrap();
    steward.close().await;
    let file = dir.path().join(".steward/catalog.db");
    let db = rusqlite::Connection::open(&file).unwrap();
    db.execute("DELETE FROM data_upgrades", []).unwrap();
    drop(db);

    let steward = Steward::open(&loaded).await.unwrap();
    let mut session = steward.store().begin().await.unwrap();
    let usage = session.list::<UsageRecord>(&Filter::all()).await.unwrap();
    assert_eq!(
        usage[0].sql,
        "SELECT * FROM crm.customer WHERE email = ? AND id = ?"
    );
    let updated = usage[0].updated_at;
    drop(session);
    steward.close().await;
    // Applied once: the next open rewrites nothing.
    let steward = Steward::open(&loaded).await.unwrap();
    let mut session = steward.store().begin().await.unwrap();
    let usage = session.list::<UsageRecord>(&Filter::all()).await.unwrap();
    assert_eq!(usage[0].updated_at, updated);
    drop(session);
    steward.close().await;
}

#[tokio::test]
async fn governance_through_the_front_door() {
    for url in backends() {
        let dir = tempfile::tempdir().unwrap();
        let (_, steward) = open(dir.path(), url.as_deref()).await;
        let people = dir.path().join("lake/people");
        std::fs::create_dir_all(&people).unwrap();
        let mut csv = String::from("id,email\n");
        for i in 0..40 {
            csv.push_str(&format!("{i},member{i}@example.org\n"));
        }
        std::fs::write(people.join("members.csv"), csv).unwrap();
        with_lake(&steward, dir.path()).await;

        // Sensitive columns, narrowed by label as people write it.
        let emails = steward
            .sensitive_columns(None, Some("email_address"))
            .await
            .unwrap();
        assert_eq!(
            emails.iter().map(|c| c.table.as_str()).collect::<Vec<_>>(),
            vec!["people.members"]
        );
        assert!(
            steward
                .sensitive_columns(Some("lake"), Some("CREDIT_CARD"))
                .await
                .unwrap()
                .is_empty()
        );
        assert!(steward.sensitive_columns(None, Some("NOPE")).await.is_err());

        // Policies read and planned without a catalog, then checked.
        let validation = steward.validate_policies(None).await.unwrap();
        assert!(validation.policies > 10 && validation.problems.is_empty());
        let missing = steward
            .validate_policies(Some(&dir.path().join("nowhere")))
            .await
            .unwrap_err();
        assert_eq!(missing.kind(), steward_types::ErrorKind::NotFound);
        let mut events = Vec::new();
        let report = steward
            .check(&[], &["table-undocumented".to_string()], &mut |e| {
                events.push(e)
            })
            .await
            .unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!((events[0].done, events[0].total), (1, 1));
        assert_eq!(report.opened, 4, "{report:?}");

        // A waiver until a date ends that day, UTC.
        let finding = report
            .findings
            .iter()
            .find(|f| f.asset.ends_with("crm.customer"))
            .unwrap();
        let until = steward_service::WaiverEnd::Until("2099-12-31".into())
            .at(steward.now())
            .unwrap();
        let waived = steward
            .act_on_finding(
                finding.id,
                steward_service::FindingAction::Waive { until },
                "ana",
                "owner being hired",
            )
            .await
            .unwrap();
        assert_eq!(
            waived.waived_until.unwrap().to_rfc3339(),
            "2099-12-31T23:59:59+00:00"
        );
        let all = steward
            .findings(&steward_service::FindingQuery {
                statuses: steward_service::parse_statuses(&["all".into()]).unwrap(),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(all.len(), 4);
        let open = steward
            .findings(&steward_service::FindingQuery::default())
            .await
            .unwrap();
        assert_eq!(open.len(), 3);

        // Documenting a table resolves its finding on the next check.
        steward
            .annotate(
                "shop.orders",
                &Annotation {
                    owner: Some("sales-data".into()),
                    description: Some("Orders as the shop takes them".into()),
                    ..Annotation::default()
                },
                "ana",
            )
            .await
            .unwrap();
        let again = steward
            .check(&[], &["table-undocumented".to_string()], &mut |_| {})
            .await
            .unwrap();
        assert_eq!(again.resolved, 1, "{again:?}");
        assert_eq!(steward.status().await.unwrap().counts.open_findings, 2);

        let cost = steward.cost().await.unwrap();
        assert_eq!(cost.tables.len(), 4);
        steward.close().await;
    }
}

/// A dbt project over the lake: a staging view on `shop.orders` (declared
/// as the source `shop.raw_orders`), a mart not built yet, properties with
/// owners, tags, columns and tests, folder configs in `dbt_project.yml`.
fn dbt_project(dir: &Path) -> std::path::PathBuf {
    let project = dir.join("dbt");
    let models = project.join("models");
    for (path, text) in [
        (
            "dbt_project.yml",
            "name: shop\nmodels:\n  shop:\n    +meta:\n      owner: data-platform\n    staging:\n      +materialized: view\n      +schema: staging\n    marts:\n      +materialized: table\n      +schema: mart\n",
        ),
        (
            "models/_sources.yml",
            "version: 2\nsources:\n  - name: shop\n    schema: shop\n    tables:\n      - name: raw_orders\n        identifier: orders\n",
        ),
        (
            "models/staging/stg_orders.sql",
            "select id as order_id, customer_id, amount from {{ source('shop', 'raw_orders') }}\n",
        ),
        (
            "models/marts/customer_revenue.sql",
            "{{ config(tags=['finance']) }}\nselect customer_id, sum(amount) as revenue\nfrom {{ ref('stg_orders') }}\ngroup by customer_id\n",
        ),
        (
            "models/marts/schema.yml",
            "version: 2\nmodels:\n  - name: customer_revenue\n    description: Revenue per customer.\n    meta:\n      owner: finance-analytics\n    columns:\n      - name: customer_id\n        description: The customer.\n        data_tests: [unique, not_null]\n      - name: revenue\n        description: Paid amounts, summed.\n",
        ),
    ] {
        let path = project.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    models
}

#[tokio::test]
async fn dbt_models_become_catalog_assets_and_a_scan_makes_one_asset_of_a_built_model() {
    for url in backends() {
        let dir = tempfile::tempdir().unwrap();
        let (_, steward) = open(dir.path(), url.as_deref()).await;
        with_lake(&steward, dir.path()).await;
        let models = dbt_project(dir.path());
        let request = IngestRequest {
            sources: vec![steward_service::models_folder(&models).unwrap()],
            views: false,
            dialect: "duckdb".into(),
        };
        let report = steward
            .ingest_lineage(request.clone(), &mut |_| {})
            .await
            .unwrap();
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert_eq!(report.models, 2);
        assert_eq!(report.assets.added, 2, "{:?}", report.assets);
        assert!(report.assets.unplaced.is_empty(), "{:?}", report.assets);

        // The mart: not built, a model of the lake (where what it reads lives),
        // with the project's docs; `source()` read the declared table.
        let mart = steward.table("mart.customer_revenue").await.unwrap();
        assert_eq!(mart.source.name, "lake");
        assert_eq!(mart.table.kind, steward_types::TableKind::Model);
        assert_eq!(mart.table.owner.as_deref(), Some("finance-analytics"));
        assert_eq!(
            mart.table.description.as_deref(),
            Some("Revenue per customer.")
        );
        assert_eq!(mart.table.tags, ["finance"]);
        let columns: Vec<(&str, Option<&str>)> = mart
            .columns
            .iter()
            .map(|c| (c.column.name.as_str(), c.column.comment.as_deref()))
            .collect();
        assert_eq!(
            columns,
            [
                ("customer_id", Some("The customer.")),
                ("revenue", Some("Paid amounts, summed."))
            ]
        );
        let model = mart.model.as_ref().expect("the model's definition");
        assert_eq!(model.materialized.as_deref(), Some("table"));
        assert!(
            model.path.ends_with("models/marts/customer_revenue.sql"),
            "{}",
            model.path
        );
        assert_eq!(model.docs.columns[0].tests, ["unique", "not_null"]);
        assert!(
            model
                .compiled_sql
                .as_deref()
                .is_some_and(|s| s.contains("from staging.stg_orders")),
            "{:?}",
            model.compiled_sql
        );
        // A folder config gave the staging model its owner and materialisation.
        let staging = steward.table("staging.stg_orders").await.unwrap();
        assert_eq!(staging.table.kind, steward_types::TableKind::Model);
        assert_eq!(staging.table.owner.as_deref(), Some("data-platform"));
        assert_eq!(
            staging
                .model
                .as_ref()
                .and_then(|m| m.materialized.as_deref()),
            Some("view")
        );
        let lineage = steward
            .lineage(
                "mart.customer_revenue.revenue",
                steward_service::Direction::Upstream,
                3,
            )
            .await
            .unwrap();
        assert!(
            lineage.nodes.contains_key("shop.orders.amount"),
            "{:?}",
            lineage.nodes
        );

        // A model not built has no data: a query over it says why.
        let err = steward
            .query("SELECT revenue FROM mart.customer_revenue")
            .await
            .unwrap_err();
        assert_eq!(err.kind(), steward_types::ErrorKind::Invalid, "{err}");
        assert_eq!(
            err.to_string(),
            "`mart.customer_revenue` is a dbt model the warehouse has not built where Steward \
             scans (it has no data to query); its definition is in \
             `steward show mart.customer_revenue`"
        );

        // A scan leaves a model it does not find alone.
        let options = steward.scan_options();
        steward
            .scan(Some("lake"), &options, &mut |_| {})
            .await
            .unwrap();
        let again = steward.table("mart.customer_revenue").await.unwrap();
        assert_eq!(again.table.dropped_at, None);
        assert_eq!(again.table.id, mart.table.id);

        // The warehouse builds the mart; the next scan finds it: one asset, a
        // table now, the project's docs kept.
        let built = dir.path().join("lake/mart");
        std::fs::create_dir_all(&built).unwrap();
        std::fs::write(
            built.join("customer_revenue.csv"),
            "customer_id,revenue\n1,9.5\n",
        )
        .unwrap();
        steward
            .scan(Some("lake"), &options, &mut |_| {})
            .await
            .unwrap();
        let scanned = steward.table("mart.customer_revenue").await.unwrap();
        assert_eq!(scanned.table.id, mart.table.id, "one asset, not two");
        assert_ne!(scanned.table.kind, steward_types::TableKind::Model);
        assert_eq!(scanned.table.owner.as_deref(), Some("finance-analytics"));
        assert_eq!(
            scanned.table.description.as_deref(),
            Some("Revenue per customer.")
        );
        assert!(scanned.model.is_some());

        // Ingesting again changes nothing and adds no second asset.
        let report = steward.ingest_lineage(request, &mut |_| {}).await.unwrap();
        assert_eq!(report.assets.added, 0, "{:?}", report.assets);
        assert_eq!(report.assets.documented, 2, "{:?}", report.assets);
    }
}

/// A dbt `catalog.json` for the project of `dbt_project`, as Snowflake's
/// adapter writes it (upper-case names): the mart built with a column the
/// property files do not document.
const DBT_CATALOG: &str = r#"{"metadata": {"dbt_version": "1.8.0"}, "nodes": {
  "model.shop.customer_revenue": {"unique_id": "model.shop.customer_revenue",
    "metadata": {"type": "BASE TABLE", "database": "ANALYTICS", "schema": "MART", "name": "CUSTOMER_REVENUE", "comment": null},
    "columns": {"REVENUE": {"type": "NUMBER(18,2)", "index": 2, "name": "REVENUE", "comment": null},
                "CUSTOMER_ID": {"type": "NUMBER(38,0)", "index": 1, "name": "CUSTOMER_ID", "comment": null},
                "ORDER_COUNT": {"type": "NUMBER(18,0)", "index": 3, "name": "ORDER_COUNT", "comment": "Orders counted."}},
    "stats": {}},
  "seed.shop.countries": {"unique_id": "seed.shop.countries",
    "metadata": {"type": "BASE TABLE", "database": "ANALYTICS", "schema": "SEEDS", "name": "COUNTRIES"},
    "columns": {}, "stats": {}}},
  "sources": {}, "errors": null}"#;

#[tokio::test]
async fn a_dbt_catalog_gives_models_the_warehouses_columns_and_types() {
    for url in backends() {
        let dir = tempfile::tempdir().unwrap();
        let (_, steward) = open(dir.path(), url.as_deref()).await;
        with_lake(&steward, dir.path()).await;
        let models = dbt_project(dir.path());
        let folder = || steward_service::models_folder(&models).unwrap();
        let catalog = || LineageSource::DbtCatalog {
            name: "target/catalog.json".into(),
            text: DBT_CATALOG.into(),
        };
        let columns = async || {
            let mart = steward.table("mart.customer_revenue").await.unwrap();
            assert_eq!(mart.table.kind, steward_types::TableKind::Model);
            mart.columns
                .iter()
                .map(|c| {
                    (
                        c.column.name.clone(),
                        c.column.data_type.clone(),
                        c.column.comment.clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        let ingest = |sources| IngestRequest {
            sources,
            views: false,
            dialect: "duckdb".into(),
        };
        // Without the catalog, the documented columns, types unknown.
        steward
            .ingest_lineage(ingest(vec![folder()]), &mut |_| {})
            .await
            .unwrap();
        assert!(
            columns().await.iter().all(|(_, t, _)| t == "unknown"),
            "{:?}",
            columns().await
        );
        // With it, the warehouse's columns in its order and with its types;
        // the project's descriptions before the warehouse's comments.
        let report = steward
            .ingest_lineage(ingest(vec![folder(), catalog()]), &mut |_| {})
            .await
            .unwrap();
        assert_eq!(report.assets.typed, 1, "only the mart was built");
        let text = |s: &str| Some(s.to_string());
        assert_eq!(
            columns().await,
            [
                (
                    "customer_id".into(),
                    "NUMBER(38,0)".into(),
                    text("The customer.")
                ),
                (
                    "revenue".into(),
                    "NUMBER(18,2)".into(),
                    text("Paid amounts, summed.")
                ),
                (
                    "order_count".into(),
                    "NUMBER(18,0)".into(),
                    text("Orders counted.")
                ),
            ]
        );
        let mart = steward.table("mart.customer_revenue").await.unwrap();
        let documented = &mart.model.as_ref().unwrap().docs.columns;
        assert_eq!(documented[0].tests, ["unique", "not_null"], "tests kept");
        assert_eq!(documented[1].data_type.as_deref(), Some("NUMBER(18,2)"));

        // A catalog given without the models it describes is refused, and
        // nothing is stored.
        let err = steward
            .ingest_lineage(ingest(vec![catalog()]), &mut |_| {})
            .await
            .unwrap_err();
        assert_eq!(err.kind(), steward_types::ErrorKind::Invalid, "{err}");
        assert!(
            err.to_string().contains("give it with the dbt manifest"),
            "{err}"
        );
        let broken = LineageSource::DbtCatalog {
            name: "target/catalog.json".into(),
            text: "{\"nodes\": {\"model.a.b\": {}}}".into(),
        };
        let err = steward
            .ingest_lineage(ingest(vec![folder(), broken]), &mut |_| {})
            .await
            .unwrap_err();
        assert!(err.to_string().starts_with("target/catalog.json:"), "{err}");
        assert_eq!(columns().await.len(), 3, "nothing lost");
    }
}

/// A dbt project as real ones are written: Jinja control flow, `var()`,
/// `is_incremental()` and `this`, the project's macros, read from its root.
#[tokio::test]
async fn a_dbt_projects_jinja_and_macros_render_as_dbt_compiles_them() {
    let dir = tempfile::tempdir().unwrap();
    let (_, steward) = open(dir.path(), None).await;
    with_lake(&steward, dir.path()).await;
    let project = dir.path().join("shop_dbt");
    for (path, text) in [
        (
            "dbt_project.yml",
            "name: shop\nvars:\n  shop:\n    large_order: 100\nmodels:\n  shop:\n    +schema: mart\n",
        ),
        (
            "macros/money.sql",
            "{% macro cents_to_dollars(column, scale=2) -%}\n  round({{ column }} / 100.0, {{ scale }})\n{%- endmacro %}\n",
        ),
        (
            "models/order_sizes.sql",
            "{{ config(materialized='incremental') }}\n\
             {% set sizes = ['small', 'large'] %}\n\
             select customer_id,\n\
             {% for size in sizes %}\n\
               sum(case when {% if size == 'large' %}amount >= {{ var('large_order') }}{% else %}amount < {{ var('large_order') }}{% endif %} then {{ cents_to_dollars('amount') }} else 0 end) as {{ size }}_amount{% if not loop.last %},{% endif %}\n\
             {% endfor %}\n\
             from {{ source('shop', 'orders') }}\n\
             {% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}\n\
             group by customer_id\n",
        ),
        (
            "models/uses_a_package.sql",
            "select {{ dbt_utils.star(ref('order_sizes')) }} from {{ ref('order_sizes') }}\n",
        ),
    ] {
        let path = project.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let source = steward_service::models_folder(&project).unwrap();
    let LineageSource::Models { files, macros, .. } = &source else {
        panic!("a models source");
    };
    assert_eq!(macros.len(), 1, "the macros folder is read as macros");
    assert!(
        files.iter().all(|f| !f.path.contains("macros")),
        "macros are not models"
    );
    let report = steward
        .ingest_lineage(
            IngestRequest {
                sources: vec![source],
                views: false,
                dialect: "duckdb".into(),
            },
            &mut |_| {},
        )
        .await
        .unwrap();
    // The model that needs a package is named with why; the other is read.
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    let (file, why) = &report.errors[0];
    assert!(file.ends_with("uses_a_package.sql"), "{file}");
    assert!(why.contains("undefined") && why.contains("line 1"), "{why}");
    assert_eq!(report.models, 1);
    let model = steward.table("mart.order_sizes").await.unwrap();
    let compiled = model.model.as_ref().unwrap().compiled_sql.clone().unwrap();
    let compiled = compiled.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(
        compiled,
        "select customer_id, sum(case when amount < 100 then round(amount / 100.0, 2) else 0 end) as small_amount, \
         sum(case when amount >= 100 then round(amount / 100.0, 2) else 0 end) as large_amount \
         from shop.orders group by customer_id"
    );
    // The columns its lineage writes (no property file documents them).
    let mut columns: Vec<&str> = model
        .columns
        .iter()
        .map(|c| c.column.name.as_str())
        .collect();
    columns.sort_unstable();
    assert_eq!(columns, ["customer_id", "large_amount", "small_amount"]);
    let lineage = steward
        .lineage(
            "mart.order_sizes.large_amount",
            steward_service::Direction::Upstream,
            1,
        )
        .await
        .unwrap();
    assert!(
        lineage.nodes.contains_key("shop.orders.amount"),
        "{:?}",
        lineage.nodes
    );
}

#[tokio::test]
async fn a_broken_property_file_is_named_and_the_models_are_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let (_, steward) = open(dir.path(), None).await;
    with_lake(&steward, dir.path()).await;
    let models = dbt_project(dir.path());
    std::fs::write(models.join("broken.yml"), "models: [name: x\n  - :").unwrap();
    let report = steward
        .ingest_lineage(
            IngestRequest {
                sources: vec![steward_service::models_folder(&models).unwrap()],
                views: false,
                dialect: "duckdb".into(),
            },
            &mut |_| {},
        )
        .await
        .unwrap();
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert!(
        report.errors[0].0.ends_with("models/broken.yml"),
        "{:?}",
        report.errors
    );
    assert_eq!(report.assets.added, 2, "{:?}", report.assets);
}
