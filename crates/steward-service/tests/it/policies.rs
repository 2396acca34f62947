//! The built-in policy pack on the sample warehouse, each policy with a
//! positive case (it finds what is there) and a negative one (it stays quiet
//! where nothing is wrong, or once the problem is fixed); and the findings'
//! lifecycle across re-runs. The sample is generated, scanned and its query
//! log and models ingested once; each test works on its own copy of that
//! catalog.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use steward_cost::CostConfig;
use steward_pii::PiiConfig;
use steward_policy::{ParamValue, PolicyConfig};
use steward_service::{
    Annotation, CheckOptions, CheckReport, FindingAction, FindingQuery, LoggedQuery, ScanOptions,
    SqlInput, StewardDecision, act_on_finding, annotate_table, check, classify_column,
    finding_detail, ingest, list_findings, load_policies, propagate, record_usage, scan,
};
use steward_store::{OpenMode, Store, StoreConfig};
use steward_types::{Finding, FindingStatus, LineageOrigin, Record};
use steward_warehouse::WarehouseConfig;
use tokio::sync::OnceCell;

/// The sample and a catalog of it, made once for all tests.
struct Template {
    _dir: tempfile::TempDir,
    catalog: PathBuf,
}

static TEMPLATE: OnceCell<Template> = OnceCell::const_new();

fn warehouse() -> WarehouseConfig {
    WarehouseConfig {
        threads: 2,
        ..WarehouseConfig::default()
    }
}

async fn open(path: &Path, mode: OpenMode) -> Store {
    let url = format!("sqlite://{}", path.display());
    Store::open(&url, &StoreConfig::default(), mode)
        .await
        .unwrap()
}

/// Scans the sample's two sources, records its query log as usage and
/// lineage, reads its models and propagates labels: what `make demo` does.
async fn catalog_sample(store: &Store, sample: &steward_sample::SampleSummary) {
    for (name, url) in [
        ("lake", sample.lake.display().to_string()),
        ("app", format!("sqlite://{}", sample.sqlite.display())),
    ] {
        let source = steward_service::new_source(name, &url, Default::default(), None).unwrap();
        steward_service::add_source(store, &source).await.unwrap();
    }
    scan(
        store,
        &warehouse(),
        None,
        &ScanOptions::default(),
        &mut |_| {},
    )
    .await
    .unwrap();

    let log = std::fs::read_to_string(&sample.query_log).unwrap();
    let mut usage = Vec::new();
    let mut inputs = Vec::new();
    for line in log.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = v["query_id"].as_str().unwrap().to_string();
        let sql = v["sql"].as_str().unwrap().to_string();
        usage.push(LoggedQuery {
            query_id: id.clone(),
            user: v["user"].as_str().map(String::from),
            sql: sql.clone(),
            bytes_scanned: v["bytes_scanned"].as_i64(),
            duration_ms: v["duration_ms"].as_i64(),
            executed_at: v["executed_at"].as_str().unwrap().parse().unwrap(),
            database: None,
        });
        inputs.push(SqlInput {
            origin: LineageOrigin::QueryLog,
            origin_ref: format!("query_log:{id}"),
            sql,
            dialect: "duckdb".to_string(),
        });
    }
    record_usage(store, &usage, "duckdb").await.unwrap();
    for entry in std::fs::read_dir(&sample.models).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "sql") {
            continue;
        }
        inputs.push(SqlInput {
            origin: LineageOrigin::Dbt,
            origin_ref: format!("model:{}", path.display()),
            sql: std::fs::read_to_string(&path).unwrap(),
            dialect: "duckdb".to_string(),
        });
    }
    ingest(store, &inputs).await.unwrap();
    propagate(store, &PiiConfig::default().propagation_stops)
        .await
        .unwrap();
}

const CATALOG: &str = "catalog.db";

/// The sample generated into `dir`, and a catalog of it.
async fn sampled(dir: &Path) -> (steward_sample::SampleSummary, Store) {
    let sample = steward_sample::generate(&dir.join("sample"), 1).unwrap();
    let store = open(&dir.join(CATALOG), OpenMode::Create).await;
    catalog_sample(&store, &sample).await;
    (sample, store)
}

async fn template() -> &'static Template {
    TEMPLATE
        .get_or_init(|| async {
            let dir = tempfile::tempdir().unwrap();
            let (_, store) = sampled(dir.path()).await;
            store.close().await;
            let catalog = dir.path().join(CATALOG);
            Template { _dir: dir, catalog }
        })
        .await
}

/// A test's own copy of the sample's catalog.
struct Catalog {
    store: Store,
    config: PolicyConfig,
    _dir: tempfile::TempDir,
}

impl Catalog {
    async fn new() -> Self {
        let template = template().await;
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join(CATALOG);
        std::fs::copy(&template.catalog, &copy).unwrap();
        let store = open(&copy, OpenMode::Existing).await;
        Self::of(store, dir)
    }

    /// A sample of its own, so the test may change its files.
    async fn with_own_sample() -> (Self, steward_sample::SampleSummary) {
        let dir = tempfile::tempdir().unwrap();
        let (sample, store) = sampled(dir.path()).await;
        (Self::of(store, dir), sample)
    }

    fn of(store: Store, dir: tempfile::TempDir) -> Self {
        Self {
            store,
            config: PolicyConfig {
                threads: 1,
                ..PolicyConfig::default()
            },
            _dir: dir,
        }
    }

    fn param(&mut self, policy: &str, name: &str, value: ParamValue) {
        self.config
            .params
            .entry(policy.to_string())
            .or_default()
            .insert(name.to_string(), value);
    }

    async fn check_at(&self, only: &str, now: DateTime<Utc>) -> CheckReport {
        let (policies, problems) = load_policies(&self.config, &self.config.dirs);
        assert!(problems.is_empty(), "{problems:?}");
        let options = CheckOptions {
            now,
            only: vec![only.to_string()],
        };
        let report = check(
            &self.store,
            &self.config,
            &CostConfig::default(),
            policies,
            problems,
            &options,
            &mut |_| {},
        )
        .await
        .unwrap();
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        report
    }

    /// The standing findings of one policy, by asset.
    async fn run(&self, policy: &str) -> BTreeMap<String, Record<Finding>> {
        self.run_at(policy, Utc::now()).await
    }

    async fn run_at(&self, policy: &str, now: DateTime<Utc>) -> BTreeMap<String, Record<Finding>> {
        by_asset(&self.check_at(policy, now).await)
    }
}

fn own(owner: &str) -> Annotation {
    Annotation {
        owner: Some(owner.to_string()),
        ..Annotation::default()
    }
}

fn describe(description: &str) -> Annotation {
    Annotation {
        description: Some(description.to_string()),
        ..Annotation::default()
    }
}

fn by_asset(report: &CheckReport) -> BTreeMap<String, Record<Finding>> {
    report
        .findings
        .iter()
        .map(|f| (f.asset.clone(), f.clone()))
        .collect()
}

fn assets(found: &BTreeMap<String, Record<Finding>>) -> Vec<&str> {
    found.keys().map(String::as_str).collect()
}

#[tokio::test]
async fn sensitive_without_owner_clears_once_the_table_has_an_owner() {
    let c = Catalog::new().await;
    let found = c.run("sensitive-without-owner").await;
    let customers = found
        .get("raw.customers")
        .expect("raw.customers has no owner");
    assert!(
        customers.message.contains("EMAIL_ADDRESS"),
        "{}",
        customers.message
    );
    assert!(
        !found.contains_key("mart.revenue_daily"),
        "{:?}",
        assets(&found)
    );

    annotate_table(&c.store, "raw.customers", &own("crm-team"), "test")
        .await
        .unwrap();
    let found = c.run("sensitive-without-owner").await;
    assert!(!found.contains_key("raw.customers"), "{:?}", assets(&found));
}

#[tokio::test]
async fn sensitive_unconfirmed_waits_its_days_and_respects_a_steward() {
    let c = Catalog::new().await;
    assert!(
        c.run("sensitive-unconfirmed").await.is_empty(),
        "labels are fresh"
    );
    let later = Utc::now() + Duration::days(31);
    let found = c.run_at("sensitive-unconfirmed", later).await;
    let email = found
        .get("raw.customers.email")
        .expect("unreviewed email label");
    assert!(
        email
            .message
            .starts_with("EMAIL_ADDRESS suggested by the detector"),
        "{}",
        email.message
    );

    classify_column(
        &c.store,
        "raw.customers.email",
        StewardDecision::Label(steward_pii::Label::EmailAddress),
        None,
        "test",
    )
    .await
    .unwrap();
    let found = c.run_at("sensitive-unconfirmed", later).await;
    assert!(
        !found.contains_key("raw.customers.email"),
        "{:?}",
        assets(&found)
    );
}

#[tokio::test]
async fn sensitive_held_for_review_names_a_label_a_steward_rejected_on_a_column_like_it() {
    let c = Catalog::new().await;
    assert!(c.run("sensitive-held-for-review").await.is_empty());
    classify_column(
        &c.store,
        "mart.customer_360.email",
        StewardDecision::Reject,
        Some("the mart's addresses are test accounts".into()),
        "test",
    )
    .await
    .unwrap();
    scan(
        &c.store,
        &warehouse(),
        Some("lake"),
        &ScanOptions::default(),
        &mut |_| {},
    )
    .await
    .unwrap();
    let found = c.run("sensitive-held-for-review").await;
    let email = found
        .get("raw.customers.email")
        .unwrap_or_else(|| panic!("{:?}", assets(&found)));
    assert!(
        email.message.starts_with("EMAIL_ADDRESS held for review (")
            && email
                .message
                .contains("a steward rejected EMAIL_ADDRESS on mart.customer_360.email"),
        "{}",
        email.message
    );
    assert!(
        !found.contains_key("mart.customer_360.email"),
        "{:?}",
        assets(&found)
    );

    classify_column(
        &c.store,
        "raw.customers.email",
        StewardDecision::Label(steward_pii::Label::EmailAddress),
        None,
        "test",
    )
    .await
    .unwrap();
    assert!(c.run("sensitive-held-for-review").await.is_empty());
}

#[tokio::test]
async fn sensitive_in_public_zone_follows_the_configured_zones() {
    let mut c = Catalog::new().await;
    assert!(
        c.run("sensitive-in-public-zone").await.is_empty(),
        "no zones configured"
    );
    c.config
        .zones
        .insert("public".into(), vec!["lake.mart".into()]);
    let found = c.run("sensitive-in-public-zone").await;
    assert!(
        found.contains_key("mart.customer_360.email"),
        "{:?}",
        assets(&found)
    );
    assert!(
        found.keys().all(|a| a.starts_with("mart.")),
        "{:?}",
        assets(&found)
    );
}

#[tokio::test]
async fn sensitive_derived_unmasked_flags_copies_not_hashes() {
    let c = Catalog::new().await;
    let found = c.run("sensitive-derived-unmasked").await;
    let email = found
        .get("mart.customer_360.email")
        .expect("email copied into the mart");
    assert!(
        email.message.contains("raw.customers.email"),
        "{}",
        email.message
    );
    assert!(
        !found.contains_key("staging.stg_customers.email_sha256"),
        "{:?}",
        assets(&found)
    );
    assert!(
        !found.contains_key("raw.customers.email"),
        "the original: {:?}",
        assets(&found)
    );

    // A steward decided the copy is intended.
    classify_column(
        &c.store,
        "mart.customer_360.email",
        StewardDecision::Label(steward_pii::Label::EmailAddress),
        None,
        "test",
    )
    .await
    .unwrap();
    let found = c.run("sensitive-derived-unmasked").await;
    assert!(
        !found.contains_key("mart.customer_360.email"),
        "{:?}",
        assets(&found)
    );
}

#[tokio::test]
async fn secret_in_data_clears_when_a_steward_rejects_the_label() {
    let c = Catalog::new().await;
    let found = c.run("secret-in-data").await;
    // SQLite tables have no schema.
    let key = found
        .get("api_credentials.api_key")
        .unwrap_or_else(|| panic!("{:?}", assets(&found)));
    assert_eq!(key.severity, steward_types::Severity::Critical);
    assert!(!found.contains_key("customers.email"));

    classify_column(
        &c.store,
        "app.api_credentials.api_key",
        StewardDecision::Reject,
        Some("test keys of a sandbox".into()),
        "test",
    )
    .await
    .unwrap();
    assert!(c.run("secret-in-data").await.is_empty());
}

#[tokio::test]
async fn quasi_identifier_combination_names_the_columns() {
    let c = Catalog::new().await;
    let found = c.run("quasi-identifier-combination").await;
    assert!(!found.is_empty(), "the sample has quasi-identifiers");
    for f in found.values() {
        assert!(f.message.starts_with("columns "), "{}", f.message);
    }
    assert!(
        !found.contains_key("mart.revenue_daily"),
        "{:?}",
        assets(&found)
    );
}

#[tokio::test]
async fn table_undocumented_clears_with_an_owner_and_a_description() {
    let c = Catalog::new().await;
    let found = c.run("table-undocumented").await;
    assert_eq!(
        found["raw.customers"].message,
        "no description and no owner"
    );
    annotate_table(&c.store, "raw.customers", &own("crm-team"), "test")
        .await
        .unwrap();
    assert_eq!(
        c.run("table-undocumented").await["raw.customers"].message,
        "no description"
    );
    annotate_table(
        &c.store,
        "raw.customers",
        &describe("Customers as the CRM exports them"),
        "test",
    )
    .await
    .unwrap();
    assert!(
        !c.run("table-undocumented")
            .await
            .contains_key("raw.customers")
    );
}

#[tokio::test]
async fn row_format_not_columnar_flags_busy_csv_not_parquet() {
    let c = Catalog::new().await;
    let found = c.run("row-format-not-columnar").await;
    let payments = found
        .get("raw.payments")
        .unwrap_or_else(|| panic!("{:?}", assets(&found)));
    assert!(payments.message.starts_with("CSV"), "{}", payments.message);
    assert!(
        !found.contains_key("raw.customers"),
        "parquet: {:?}",
        assets(&found)
    );
}

#[tokio::test]
async fn repeated_expensive_query_finds_the_dashboards() {
    let c = Catalog::new().await;
    let found = c.run("repeated-expensive-query").await;
    assert!(
        found.keys().any(|a| a.contains("raw.web_events")),
        "the engagement dashboard: {:?}",
        assets(&found)
    );
    // Ad-hoc queries differ in their literals: never the same text often.
    assert!(found.len() <= 3, "{:?}", assets(&found));
}

#[tokio::test]
async fn many_small_files_flags_split_tables_only() {
    let mut c = Catalog::new().await;
    let found = c.run("many-small-files").await;
    assert!(
        !found.contains_key("raw.customers"),
        "one file: {:?}",
        assets(&found)
    );
    c.param("many-small-files", "min_files", ParamValue::Int(2));
    let found = c.run("many-small-files").await;
    assert!(
        found.contains_key("raw.orders"),
        "partitioned: {:?}",
        assets(&found)
    );
    assert!(
        !found.contains_key("raw.customers"),
        "one file: {:?}",
        assets(&found)
    );
}

#[tokio::test]
async fn duplicated_stale_and_drifting_tables_on_a_changed_lake() {
    let (mut c, sample) = Catalog::with_own_sample().await;
    assert!(c.run("duplicated-tables").await.is_empty());
    assert!(c.run("schema-drift-mart").await.is_empty());
    // The sample's log spans a month: 90 days of staleness cannot be judged.
    assert!(c.run("stale-large-table").await.is_empty());

    // Someone copies a table, and the revenue mart gains a column.
    let copy = sample.lake.join("scratch/customers_backup");
    std::fs::create_dir_all(&copy).unwrap();
    std::fs::copy(
        sample.lake.join("raw/customers/part-00000.parquet"),
        copy.join("part-00000.parquet"),
    )
    .unwrap();
    let revenue = sample.lake.join("mart/revenue_daily/part-00000.parquet");
    let ctx = datafusion::prelude::SessionContext::new();
    ctx.register_parquet("revenue", revenue.to_str().unwrap(), Default::default())
        .await
        .unwrap();
    let rewritten = sample.lake.join("revenue_new.parquet");
    ctx.sql(&format!(
        "COPY (SELECT *, 'EUR' AS currency FROM revenue) TO '{}' STORED AS PARQUET",
        rewritten.display()
    ))
    .await
    .unwrap()
    .collect()
    .await
    .unwrap();
    std::fs::rename(&rewritten, &revenue).unwrap();
    scan(
        &c.store,
        &warehouse(),
        Some("lake"),
        &ScanOptions::default(),
        &mut |_| {},
    )
    .await
    .unwrap();

    let duplicated = c.run("duplicated-tables").await;
    let backup = duplicated
        .get("scratch.customers_backup")
        .unwrap_or_else(|| panic!("{:?}", assets(&duplicated)));
    assert!(
        backup.message.contains("lake:raw.customers"),
        "{}",
        backup.message
    );
    assert_eq!(duplicated.len(), 1, "{:?}", assets(&duplicated));

    let drift = c.run("schema-drift-mart").await;
    let f = drift
        .get("mart.revenue_daily")
        .unwrap_or_else(|| panic!("{:?}", assets(&drift)));
    assert!(
        f.message.contains("`currency` column added"),
        "{}",
        f.message
    );
    assert_eq!(
        drift.len(),
        1,
        "a new raw or scratch table is not mart drift: {:?}",
        assets(&drift)
    );

    // Nobody reads the backup; every lake table of the sample is read weekly.
    // The sample's log holds lake queries only, so the application
    // database's tables (sized since SQLite reports sizes) are never read.
    c.param("stale-large-table", "days", ParamValue::Int(7));
    c.param("stale-large-table", "min_bytes", ParamValue::Int(1));
    let stale = c.run("stale-large-table").await;
    assert_eq!(
        assets(&stale),
        [
            "addresses",
            "api_credentials",
            "customers",
            "orders",
            "scratch.customers_backup"
        ]
    );
    assert!(
        stale["scratch.customers_backup"]
            .message
            .contains("never read")
    );
}

#[tokio::test]
async fn every_built_in_policy_runs_on_the_sample() {
    let c = Catalog::new().await;
    let (policies, problems) = load_policies(&c.config, &[]);
    assert!(problems.is_empty(), "{problems:?}");
    assert!(policies.len() >= 12);
    let options = CheckOptions {
        now: Utc::now(),
        only: vec![],
    };
    let report = check(
        &c.store,
        &c.config,
        &CostConfig::default(),
        policies,
        vec![],
        &options,
        &mut |_| {},
    )
    .await
    .unwrap();
    let failed: Vec<_> = report
        .policies
        .iter()
        .filter(|p| p.error.is_some())
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(report.opened, report.findings.len());
}

#[tokio::test]
async fn findings_live_across_runs_acks_waivers_and_fixes() {
    let c = Catalog::new().await;
    let policy = "sensitive-without-owner";
    let now = Utc::now();
    let first = c.check_at(policy, now).await;
    assert!(first.opened > 0);
    // A re-run changes nothing: same findings, none opened.
    let again = c.check_at(policy, now + Duration::minutes(1)).await;
    assert_eq!(again.opened, 0);
    assert_eq!(
        by_asset(&again).keys().collect::<Vec<_>>(),
        by_asset(&first).keys().collect::<Vec<_>>()
    );
    let customers = by_asset(&again)["raw.customers"].clone();
    assert_eq!(
        customers.first_seen,
        first
            .findings
            .iter()
            .find(|f| f.id == customers.id)
            .unwrap()
            .first_seen
    );

    // Acknowledged stays acknowledged on re-runs.
    act_on_finding(
        &c.store,
        customers.id,
        FindingAction::Acknowledge,
        "ana",
        "owner being chosen",
        now,
    )
    .await
    .unwrap();
    let report = c.check_at(policy, now + Duration::minutes(2)).await;
    assert_eq!(
        by_asset(&report)["raw.customers"].status,
        FindingStatus::Acknowledged
    );
    // Acknowledging twice is refused, with the reason.
    let e = act_on_finding(
        &c.store,
        customers.id,
        FindingAction::Acknowledge,
        "ana",
        "again",
        now,
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("is acknowledged"), "{e}");

    // A waiver holds until it expires, then the finding reopens.
    let until = now + Duration::days(10);
    act_on_finding(
        &c.store,
        customers.id,
        FindingAction::Waive { until },
        "ana",
        "migration in progress",
        now,
    )
    .await
    .unwrap();
    let report = c.check_at(policy, now + Duration::days(9)).await;
    assert_eq!(
        by_asset(&report)["raw.customers"].status,
        FindingStatus::Waived
    );
    assert_eq!(
        report.failing(steward_types::Severity::High),
        report
            .findings
            .iter()
            .filter(|f| f.status == FindingStatus::Open)
            .count()
    );
    let report = c.check_at(policy, now + Duration::days(11)).await;
    assert_eq!(report.reopened, 1);
    let reopened = &by_asset(&report)["raw.customers"];
    assert_eq!(reopened.status, FindingStatus::Open);
    assert_eq!(reopened.id, customers.id, "the same finding, not a new one");

    // Fixed: resolved by the next run; broken again: reopened.
    annotate_table(&c.store, "raw.customers", &own("crm-team"), "ana")
        .await
        .unwrap();
    let report = c.check_at(policy, now + Duration::days(12)).await;
    assert_eq!(report.resolved, 1);
    assert!(!by_asset(&report).contains_key("raw.customers"));
    let resolved = list_findings(
        &c.store,
        &FindingQuery {
            statuses: vec![FindingStatus::Resolved],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(
        resolved
            .iter()
            .any(|f| f.id == customers.id && f.resolved_at.is_some())
    );
    annotate_table(&c.store, "raw.customers", &own(""), "ana")
        .await
        .unwrap();
    let report = c.check_at(policy, now + Duration::days(13)).await;
    assert_eq!(report.reopened, 1);

    let detail = finding_detail(&c.store, customers.id).await.unwrap();
    let actions: Vec<&str> = detail.history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "finding.opened",
            "finding.acknowledged",
            "finding.waived",
            "finding.waiver_expired",
            "finding.resolved",
            "finding.reopened"
        ]
    );
    assert_eq!(detail.history[2].details["reason"], "migration in progress");
}

#[tokio::test]
async fn a_broken_policy_is_reported_and_its_findings_are_left_alone() {
    let mut c = Catalog::new().await;
    let dir = tempfile::tempdir().unwrap();
    let good = "id = \"no-owner\"\ntitle = \"t\"\nseverity = \"low\"\ncheck = \"\"\"\nSELECT qualified_name AS asset, 'no owner' AS message FROM steward.tables WHERE owner IS NULL\n\"\"\"\n";
    std::fs::write(dir.path().join("no-owner.toml"), good).unwrap();
    c.config.dirs = vec![dir.path().to_path_buf()];
    c.config.builtin = false;
    let first = c.check_at("no-owner", Utc::now()).await;
    assert!(first.opened > 3);

    // The same policy, now failing at run time; another one with a TOML error.
    let failing = good.replace(
        "WHERE owner IS NULL",
        "WHERE owner IS NULL AND CAST(table_name AS INT) > 0",
    );
    std::fs::write(dir.path().join("no-owner.toml"), failing).unwrap();
    std::fs::write(
        dir.path().join("broken.toml"),
        "id = \"broken\"\ntitle = \n",
    )
    .unwrap();
    let (policies, problems) = load_policies(&c.config, &c.config.dirs);
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].to_string().contains("broken.toml:2:"),
        "{}",
        problems[0]
    );
    let options = CheckOptions {
        now: Utc::now(),
        only: vec![],
    };
    let report = check(
        &c.store,
        &c.config,
        &CostConfig::default(),
        policies,
        problems,
        &options,
        &mut |_| {},
    )
    .await
    .unwrap();
    assert_eq!(report.problems.len(), 2, "{:?}", report.problems);
    assert!(report.policies[0].error.is_some());
    assert_eq!(report.resolved, 0, "a failing policy resolves nothing");
    let open = list_findings(&c.store, &FindingQuery::default())
        .await
        .unwrap();
    assert_eq!(open.len(), first.findings.len());
}

#[tokio::test]
async fn findings_are_listed_by_the_owner_of_their_table() {
    let mut c = Catalog::new().await;
    let dir = tempfile::tempdir().unwrap();
    // One finding per table and one per column: both kinds of asset name.
    let every = "id = \"every-asset\"\ntitle = \"t\"\nseverity = \"low\"\ncheck = \"\"\"\n\
        SELECT qualified_name AS asset, 'a table' AS message FROM steward.tables\n\
        UNION ALL\n\
        SELECT qualified_name || '.' || column_name AS asset, 'a column' AS message FROM steward.columns\n\"\"\"\n";
    std::fs::write(dir.path().join("every-asset.toml"), every).unwrap();
    c.config.dirs = vec![dir.path().to_path_buf()];
    annotate_table(&c.store, "raw.customers", &own("CRM-Team"), "ana")
        .await
        .unwrap();
    annotate_table(&c.store, "raw.orders", &own("sales"), "ana")
        .await
        .unwrap();
    c.check_at("every-asset", Utc::now()).await;

    let owned_by = |owner: &str| FindingQuery {
        owner: Some(owner.to_string()),
        ..Default::default()
    };
    let crm = list_findings(&c.store, &owned_by("crm-team"))
        .await
        .unwrap();
    let assets: Vec<&str> = crm.iter().map(|f| f.asset.as_str()).collect();
    assert!(assets.contains(&"raw.customers"), "{assets:?}");
    assert!(assets.contains(&"raw.customers.email"), "{assets:?}");
    assert!(
        assets
            .iter()
            .all(|a| *a == "raw.customers" || a.starts_with("raw.customers.")),
        "{assets:?}"
    );
    let sales = list_findings(&c.store, &owned_by("sales")).await.unwrap();
    assert!(sales.iter().all(|f| f.asset.starts_with("raw.orders")));
    assert!(!sales.is_empty());
    let nobody = list_findings(&c.store, &owned_by("nobody")).await.unwrap();
    assert!(nobody.is_empty());
}
