//! Create, read, update, delete and transactional rollback for every entity.

use std::collections::BTreeMap;
use std::fmt::Debug;
use steward_types::HasKind;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;
use steward_store::{Entity, Filter, Store};
use steward_types::*;

use crate::harness::{TestStore, each_backend};

fn at(day: u32, micros: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 10, 30, 0).unwrap()
        + chrono::Duration::microseconds(micros.into())
}

/// The whole life of one record of `T`, with a rollback at every step.
async fn lifecycle<T: Entity + PartialEq + Debug>(t: &TestStore, a: T, b: T) {
    let (store, backend, noun) = (&t.store, t.name, T::NOUN);
    assert_ne!(a, b, "fixtures must differ");
    let before = count::<T>(store).await;

    // A rolled-back insert leaves nothing.
    let mut s = store.begin().await.unwrap();
    let ghost = s.insert(&a).await.unwrap();
    s.rollback().await.unwrap();
    assert_eq!(
        count::<T>(store).await,
        before,
        "{backend}: rolled-back {noun} insert is gone"
    );
    let mut s = store.begin().await.unwrap();
    assert!(
        s.find(ghost.id).await.unwrap().is_none(),
        "{backend}: {noun} insert rolled back"
    );
    drop(s);

    // Create and read back.
    let mut s = store.begin().await.unwrap();
    let created = s.insert(&a).await.unwrap();
    s.commit().await.unwrap();
    let mut s = store.begin().await.unwrap();
    let read = s.get(created.id).await.unwrap();
    assert_eq!(read, created, "{backend}: {noun} reads back as written");
    assert_eq!(read.data, a, "{backend}: {noun} data round-trips");
    let listed = s.list::<T>(&Filter::all()).await.unwrap();
    assert!(
        listed.iter().any(|r| r.id == created.id),
        "{backend}: {noun} is listed"
    );
    drop(s);

    // Update, then an update rolled back by dropping the session.
    let mut s = store.begin().await.unwrap();
    let updated = s.update(created.id, &b).await.unwrap();
    s.commit().await.unwrap();
    assert_eq!(
        updated.created_at, created.created_at,
        "{backend}: {noun} keeps created_at"
    );
    assert!(updated.updated_at >= created.updated_at);
    let mut s = store.begin().await.unwrap();
    s.update(created.id, &a).await.unwrap();
    drop(s);
    let mut s = store.begin().await.unwrap();
    let read = s.get(created.id).await.unwrap();
    assert_eq!(
        read.data, b,
        "{backend}: {noun} update committed, later update rolled back"
    );
    assert_eq!(read, updated);
    drop(s);

    // A rolled-back delete keeps the record; a committed one removes it.
    let mut s = store.begin().await.unwrap();
    s.delete(created.id).await.unwrap();
    s.rollback().await.unwrap();
    let mut s = store.begin().await.unwrap();
    assert!(
        s.find(created.id).await.unwrap().is_some(),
        "{backend}: {noun} delete rolled back"
    );
    s.delete(created.id).await.unwrap();
    s.commit().await.unwrap();

    let mut s = store.begin().await.unwrap();
    let missing = s.get(created.id).await.unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::NotFound, "{backend}: {missing}");
    assert_eq!(
        missing.to_string(),
        format!("{noun} #{} not found", created.id)
    );
    assert_eq!(
        s.delete(created.id).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        s.update(created.id, &b).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    drop(s);
    assert_eq!(
        count::<T>(store).await,
        before,
        "{backend}: {noun} count back to start"
    );
}

async fn count<T: Entity>(store: &Store) -> i64 {
    let mut s = store.begin().await.unwrap();
    s.count::<T>(&Filter::all()).await.unwrap()
}

pub fn source(name: &str) -> Source {
    Source {
        name: name.to_string(),
        kind: SourceKind::Postgres,
        url: "postgres://reader@warehouse:5432/sales".to_string(),
        options: BTreeMap::from([("sslmode".to_string(), "prefer".to_string())]),
        description: Some("the sales warehouse".to_string()),
        scanned_at: None,
        scan_error: None,
    }
}

pub fn table(source_id: Id<Source>, schema: Option<&str>, name: &str) -> Table {
    Table {
        source_id,
        schema: schema.map(str::to_string),
        name: name.to_string(),
        kind: TableKind::Table,
        description: None,
        owner: Some("team-sales".to_string()),
        tags: vec![],
        view_sql: None,
        format: Some("parquet".to_string()),
        row_count: Some(1_000_000),
        size_bytes: Some(52_428_800),
        file_count: Some(12),
        partition_columns: vec!["dt".to_string()],
        last_modified: Some(at(1, 250)),
        scanned_at: Some(at(1, 300)),
        scan_error: None,
        dropped_at: None,
        grouping: None,
    }
}

pub fn column(table_id: Id<Table>, name: &str, position: i64) -> Column {
    Column {
        table_id,
        name: name.to_string(),
        position,
        data_type: "Utf8".to_string(),
        nullable: true,
        comment: Some("customer's e-mail, verified at signup".to_string()),
        description: Some("The address receipts go to.".to_string()),
        value_warning: Some("3 of 30 sampled values: ignore-instructions".to_string()),
        primary_key: false,
        removed_at: None,
    }
}

/// A source with one table and one column, committed, for entities that hang off them.
pub async fn parents(store: &Store, tag: &str) -> (Id<Source>, Id<Table>, Id<Column>) {
    let mut s = store.begin().await.unwrap();
    let src = s
        .insert(&source(&format!("warehouse-{tag}")))
        .await
        .unwrap();
    let tbl = s
        .insert(&table(src.id, Some("sales"), "customers"))
        .await
        .unwrap();
    let col = s.insert(&column(tbl.id, "email", 0)).await.unwrap();
    s.commit().await.unwrap();
    (src.id, tbl.id, col.id)
}

#[tokio::test]
async fn sources() {
    each_backend(|t| async move {
        let mut b = source("sales");
        b.kind = SourceKind::Files;
        b.url = "s3://lake/sales/".to_string();
        b.options.clear();
        b.description = None;
        b.scanned_at = Some(at(2, 5));
        b.scan_error = Some("connection refused".to_string());
        lifecycle(&t, source("sales"), b).await;
        t
    })
    .await;
}

#[tokio::test]
async fn tables() {
    each_backend(|t| async move {
        let (src, _, _) = parents(&t.store, "tables").await;
        let a = table(src, Some("sales"), "orders");
        let mut b = table(src, None, "orders_v");
        b.kind = TableKind::View;
        b.view_sql = Some("SELECT * FROM sales.orders WHERE NOT deleted".to_string());
        b.row_count = None;
        b.partition_columns = vec![];
        b.last_modified = None;
        b.scan_error = Some("parquet footer is corrupt".to_string());
        b.dropped_at = Some(at(3, 0));
        lifecycle(&t, a, b).await;
        t
    })
    .await;
}

#[tokio::test]
async fn columns() {
    each_backend(|t| async move {
        let (_, tbl, _) = parents(&t.store, "columns").await;
        let a = column(tbl, "phone", 1);
        let mut b = column(tbl, "phone_number", 2);
        b.data_type = "Int64".to_string();
        b.nullable = false;
        b.comment = None;
        b.primary_key = true;
        lifecycle(&t, a, b).await;
        t
    })
    .await;
}

#[tokio::test]
async fn column_profiles() {
    each_backend(|t| async move {
        let (_, _, col) = parents(&t.store, "profiles").await;
        let a = ColumnProfile {
            column_id: col,
            profiled_at: at(2, 123_456),
            row_count: 1000,
            null_count: 12,
            distinct_approx: Some(977),
            min: Some("a***@e***.com".to_string()),
            max: Some("z***@e***.com".to_string()),
            mean: None,
            stddev: None,
            min_length: Some(9),
            avg_length: Some(21.25),
            max_length: Some(48),
            top_values: vec![ValueCount {
                value: "j***@e***.com".to_string(),
                count: 3,
            }],
            sampling: Sampling {
                method: SamplingMethod::Full,
                fraction: 1.0,
            },
        };
        let b = ColumnProfile {
            profiled_at: at(3, 0),
            distinct_approx: None,
            min: None,
            max: None,
            mean: Some(41.5),
            stddev: Some(0.125),
            top_values: vec![],
            sampling: Sampling {
                method: SamplingMethod::RowGroups,
                fraction: 0.05,
            },
            ..a.clone()
        };
        lifecycle(&t, a, b).await;
        t
    })
    .await;
}

#[tokio::test]
async fn classifications() {
    each_backend(|t| async move {
        let (_, _, col) = parents(&t.store, "classifications").await;
        let a = Classification {
            column_id: col,
            label: "EMAIL_ADDRESS".to_string(),
            confidence: 0.93,
            evidence: vec![
                "27 of 30 values are e-mail addresses".to_string(),
                "name token `email`".to_string(),
            ],
            origin: ClassificationOrigin::Detector,
            verdict: Verdict::Suggested,
            detector_version: Some("pii/1".to_string()),
            decided_by: None,
            reason: None,
        };
        let b = Classification {
            confidence: 1.0,
            origin: ClassificationOrigin::Steward,
            verdict: Verdict::Rejected,
            decided_by: Some("ana".to_string()),
            reason: Some("test accounts only".to_string()),
            evidence: vec![],
            ..a.clone()
        };
        lifecycle(&t, a, b).await;
        t
    })
    .await;
}

#[tokio::test]
async fn lineage_edges() {
    each_backend(|t| async move {
        let a = LineageEdge {
            from: AssetRef {
                table: "raw.customers".to_string(),
                column: Some("email".to_string()),
            },
            to: AssetRef {
                table: "mart.contacts".to_string(),
                column: Some("email".to_string()),
            },
            kind: EdgeKind::Direct,
            confidence: 1.0,
            reason: None,
            origin: LineageOrigin::QueryLog,
            origin_ref: Some("q-1842".to_string()),
            functions: vec!["lower".to_string(), "trim".to_string()],
        };
        let b = LineageEdge {
            from: AssetRef {
                table: "raw.orders".to_string(),
                column: None,
            },
            to: AssetRef {
                table: "mart.revenue".to_string(),
                column: None,
            },
            kind: EdgeKind::Aggregation,
            confidence: 0.6,
            reason: Some("schema of raw.orders unknown: `*` not expanded".to_string()),
            origin: LineageOrigin::Dbt,
            origin_ref: None,
            functions: Vec::new(),
        };
        lifecycle(&t, a, b).await;
        t
    })
    .await;
}

#[tokio::test]
async fn policies() {
    each_backend(|t| async move {
        let a = PolicyRef {
            key: "pii-without-owner".to_string(),
            title: "Sensitive column in a table with no owner".to_string(),
            severity: Severity::High,
            tags: vec!["pii".to_string(), "ownership".to_string()],
            path: "policies/pii-without-owner.toml".to_string(),
            checksum: "9f2c".to_string(),
            description: "Nobody answers for the data.".to_string(),
            remediation: String::new(),
        };
        let b = PolicyRef {
            severity: Severity::Critical,
            tags: vec![],
            checksum: "a001".to_string(),
            remediation: "Name an owner.".to_string(),
            ..a.clone()
        };
        lifecycle(&t, a, b).await;
        t
    })
    .await;
}

#[tokio::test]
async fn findings() {
    each_backend(|t| async move {
        let a = Finding {
            policy_key: "pii-without-owner".to_string(),
            fingerprint: "pii-without-owner:sales.customers:email".to_string(),
            asset: "sales.customers.email".to_string(),
            message: "EMAIL_ADDRESS column in a table with no owner".to_string(),
            severity: Severity::High,
            status: FindingStatus::Open,
            actor: None,
            reason: None,
            waived_until: None,
            first_seen: at(4, 1),
            last_seen: at(4, 1),
            resolved_at: None,
        };
        let b = Finding {
            status: FindingStatus::Waived,
            actor: Some("ana".to_string()),
            reason: Some("owner being hired".to_string()),
            waived_until: Some(at(30, 0)),
            last_seen: at(5, 999_999),
            resolved_at: Some(at(6, 7)),
            ..a.clone()
        };
        lifecycle(&t, a, b).await;
        t
    })
    .await;
}

#[tokio::test]
async fn job_runs() {
    each_backend(|t| async move {
        let a = JobRun {
            job: "scan".to_string(),
            status: JobStatus::Running,
            started_at: Some(at(7, 0)),
            finished_at: None,
            error: None,
            stats: serde_json::Value::Null,
            owner: Some("host-a:4242".to_string()),
            heartbeat_at: Some(at(7, 100)),
        };
        let b = JobRun {
            status: JobStatus::Failed,
            finished_at: Some(at(7, 500)),
            error: Some("source `sales` unreachable".to_string()),
            stats: json!({"tables": 12, "failed": ["sales.orders"]}),
            owner: None,
            ..a.clone()
        };
        lifecycle(&t, a, b).await;
        t
    })
    .await;
}

#[tokio::test]
async fn usage_records() {
    each_backend(|t| async move {
        let a = UsageRecord {
            query_id: Some("q-1".to_string()),
            user_name: Some("bi_reader".to_string()),
            sql: "SELECT email FROM sales.customers WHERE name = 'O''Brien'".to_string(),
            tables: vec!["sales.customers".to_string()],
            bytes_scanned: Some(4_096),
            duration_ms: Some(35),
            executed_at: at(8, 42),
        };
        let b = UsageRecord {
            query_id: None,
            user_name: None,
            tables: vec![],
            bytes_scanned: None,
            duration_ms: None,
            ..a.clone()
        };
        lifecycle(&t, a, b).await;
        t
    })
    .await;
}

#[tokio::test]
async fn audit_events() {
    each_backend(|t| async move {
        let a = AuditEvent {
            at: at(9, 0),
            actor: "ana".to_string(),
            action: "classification.confirm".to_string(),
            target: "sales.customers.email".to_string(),
            details: json!({"label": "EMAIL_ADDRESS", "unicode": "café ✓"}),
        };
        let b = AuditEvent {
            action: "finding.waive".to_string(),
            details: serde_json::Value::Null,
            ..a.clone()
        };
        lifecycle(&t, a, b).await;
        t
    })
    .await;
}

#[tokio::test]
async fn proposals() {
    each_backend(|t| async move {
        let (_, tbl, _) = parents(&t.store, "proposals").await;
        let a = Proposal {
            table_id: tbl,
            column: Some("email".to_string()),
            text: "The customer's e-mail address, «verified» at signup; café ✓".to_string(),
            current: None,
            drafted_from: vec!["schema of sales.customers".to_string()],
            drafted_by: "agent:docs (qwen2.5-coder-1.5b)".to_string(),
            status: ProposalStatus::Pending,
            decided_by: None,
            decided_at: None,
            reason: None,
        };
        let b = Proposal {
            column: None,
            current: Some("Customers.".to_string()),
            drafted_from: Vec::new(),
            status: ProposalStatus::Rejected,
            decided_by: Some("ana".to_string()),
            decided_at: Some(at(11, 5)),
            reason: Some("too vague".to_string()),
            ..a.clone()
        };
        lifecycle(&t, a, b).await;
        t
    })
    .await;
}

#[tokio::test]
async fn change_events() {
    each_backend(|t| async move {
        let (src, tbl, _) = parents(&t.store, "changes").await;
        let a = ChangeEvent {
            source_id: src,
            table_id: Some(tbl),
            table_name: "sales.customers".to_string(),
            column: Some("phone".to_string()),
            kind: ChangeKind::TypeChanged,
            before: Some("Int64".to_string()),
            after: Some("Utf8".to_string()),
            detected_at: at(10, 1),
        };
        let b = ChangeEvent {
            table_id: None,
            column: None,
            kind: ChangeKind::TableDropped,
            before: None,
            after: None,
            ..a.clone()
        };
        lifecycle(&t, a, b).await;
        t
    })
    .await;
}

#[tokio::test]
async fn model_definitions() {
    each_backend(|t| async move {
        let a = ModelDefinition {
            origin_ref: "model:models/daily_sales.sql".to_string(),
            model: "mart.daily_sales".to_string(),
            path: "models/daily_sales.sql".to_string(),
            text: "{{ config(schema='mart') }}\n-- café ✓\nSELECT 1".to_string(),
            checksum: "ab".repeat(32),
            materialized: None,
            compiled_sql: None,
            docs: ModelDocs::default(),
        };
        let b = ModelDefinition {
            text: "SELECT 2".to_string(),
            checksum: "cd".repeat(32),
            materialized: Some("view".to_string()),
            compiled_sql: Some("SELECT 2".to_string()),
            docs: ModelDocs {
                description: Some("Sales by day, for the café".to_string()),
                owner: Some("analytics@example.com".to_string()),
                tags: vec!["finance".to_string()],
                columns: vec![ModelColumnDocs {
                    name: "day".to_string(),
                    description: None,
                    data_type: Some("DATE".to_string()),
                    tests: vec!["unique".to_string(), "not_null".to_string()],
                }],
            },
            ..a.clone()
        };
        lifecycle(&t, a, b).await;
        t
    })
    .await;
}

/// A user with a role, for the sessions and tokens that belong to one.
async fn user(store: &Store, name: &str) -> Id<User> {
    let mut s = store.begin().await.unwrap();
    let user = s
        .insert(&User {
            name: name.to_string(),
            role: Role::Steward,
            password_hash: None,
            scram_verifier: None,
            disabled: false,
        })
        .await
        .unwrap();
    s.commit().await.unwrap();
    user.id
}

#[tokio::test]
async fn users() {
    each_backend(|t| async move {
        let a = User {
            name: "ana@example.org".to_string(),
            role: Role::Admin,
            password_hash: Some(Secret::new("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA")),
            scram_verifier: Some(Secret::new("SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy")),
            disabled: false,
        };
        let b = User {
            role: Role::Viewer,
            password_hash: None,
            scram_verifier: None,
            disabled: true,
            ..a.clone()
        };
        lifecycle(&t, a, b).await;
        t
    })
    .await;
}

#[tokio::test]
async fn user_sessions() {
    each_backend(|t| async move {
        let owner = user(&t.store, "session-owner").await;
        let a = UserSession {
            user_id: owner,
            secret_hash: Secret::new("ab".repeat(32)),
            expires_at: at(12, 7),
            last_seen_at: at(11, 3),
            client: Some("127.0.0.1".to_string()),
        };
        let b = UserSession {
            last_seen_at: at(11, 9),
            client: None,
            ..a.clone()
        };
        lifecycle(&t, a, b).await;
        t
    })
    .await;
}

#[tokio::test]
async fn api_tokens() {
    each_backend(|t| async move {
        let owner = user(&t.store, "token-owner").await;
        let a = ApiToken {
            user_id: owner,
            label: "ci «nightly»".to_string(),
            prefix: "stw_0a1b2c3d".to_string(),
            secret_hash: Secret::new("ef".repeat(32)),
            role: Role::Viewer,
            expires_at: Some(at(20, 1)),
            revoked_at: None,
            last_used_at: None,
        };
        let b = ApiToken {
            expires_at: None,
            revoked_at: Some(at(12, 2)),
            last_used_at: Some(at(11, 4)),
            ..a.clone()
        };
        lifecycle(&t, a, b).await;
        t
    })
    .await;
}
