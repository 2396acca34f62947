//! How each domain type maps onto its table. The generic CRUD in `session.rs`
//! uses these mappings, so a new entity is a table plus one impl here.

use steward_types::{
    ApiToken, AssetRef, AuditEvent, ChangeEvent, Classification, Column, ColumnProfile,
    CostSnapshot, Finding, Id, IngestedFile, JobRun, JobSchedule, LineageEdge, ModelDefinition,
    PolicyRef, Proposal, QueuedJob, Sampling, Secret, Source, Table, UsageRecord, User,
    UserSession,
};

use crate::error::StoreError;
use crate::row::{Fields, Value};

mod sealed {
    pub trait Sealed {}
}

/// A domain type the store keeps in a table of its own. Sealed: the mappings
/// live in this crate next to the migrations they must agree with.
pub trait Entity: sealed::Sealed + Clone + Send + Sync + Sized + 'static {
    /// What messages call it: "source", "column".
    const NOUN: &'static str;
    #[doc(hidden)]
    const TABLE: &'static str;
    /// Data columns in bind order; the store adds `id`, `created_at` and `updated_at`.
    #[doc(hidden)]
    const COLUMNS: &'static [&'static str];

    /// Names this value in messages: ``source `sales` ``.
    fn describe(&self) -> String;
    #[doc(hidden)]
    #[allow(private_interfaces)]
    fn values(&self) -> Vec<Value>;
    #[doc(hidden)]
    #[allow(private_interfaces)]
    fn read(fields: &Fields<'_>) -> Result<Self, StoreError>;
}

macro_rules! entity {
    ($ty:ty, $noun:literal, $table:literal, [$($column:literal),+ $(,)?]) => {
        impl sealed::Sealed for $ty {}
        impl Entity for $ty {
            const NOUN: &'static str = $noun;
            const TABLE: &'static str = $table;
            const COLUMNS: &'static [&'static str] = &[$($column),+];

            fn describe(&self) -> String {
                describe(self)
            }
            #[allow(private_interfaces)]
            fn values(&self) -> Vec<Value> {
                values(self)
            }
            #[allow(private_interfaces)]
            fn read(fields: &Fields<'_>) -> Result<Self, StoreError> {
                read(fields)
            }
        }
    };
}

mod source {
    use super::*;
    entity!(
        Source,
        "source",
        "sources",
        [
            "name",
            "kind",
            "url",
            "options",
            "description",
            "scanned_at",
            "scan_error"
        ]
    );

    fn describe(s: &Source) -> String {
        format!("source `{}`", s.name)
    }
    fn values(s: &Source) -> Vec<Value> {
        vec![
            (&s.name).into(),
            s.kind.as_str().into(),
            (&s.url).into(),
            Value::json(&s.options),
            (&s.description).into(),
            s.scanned_at.into(),
            (&s.scan_error).into(),
        ]
    }
    fn read(f: &Fields<'_>) -> Result<Source, StoreError> {
        Ok(Source {
            name: f.text("name")?,
            kind: f.parse("kind")?,
            url: f.text("url")?,
            options: f.json("options")?,
            description: f.opt_text("description")?,
            scanned_at: f.opt_time("scanned_at")?,
            scan_error: f.opt_text("scan_error")?,
        })
    }
}

mod table {
    use super::*;
    entity!(
        Table,
        "table",
        "tables",
        [
            "source_id",
            "schema_name",
            "name",
            "kind",
            "description",
            "owner",
            "view_sql",
            "format",
            "row_count",
            "size_bytes",
            "file_count",
            "partition_columns",
            "last_modified",
            "scanned_at",
            "scan_error",
            "dropped_at",
            "tags",
            "grouping",
        ]
    );

    fn describe(t: &Table) -> String {
        format!("table `{}` of source #{}", t.qualified_name(), t.source_id)
    }
    fn values(t: &Table) -> Vec<Value> {
        vec![
            t.source_id.get().into(),
            (&t.schema).into(),
            (&t.name).into(),
            t.kind.as_str().into(),
            (&t.description).into(),
            (&t.owner).into(),
            (&t.view_sql).into(),
            (&t.format).into(),
            t.row_count.into(),
            t.size_bytes.into(),
            t.file_count.into(),
            Value::json(&t.partition_columns),
            t.last_modified.into(),
            t.scanned_at.into(),
            (&t.scan_error).into(),
            t.dropped_at.into(),
            Value::json(&t.tags),
            (&t.grouping).into(),
        ]
    }
    fn read(f: &Fields<'_>) -> Result<Table, StoreError> {
        Ok(Table {
            source_id: Id::new(f.i64("source_id")?),
            schema: f.opt_text("schema_name")?,
            name: f.text("name")?,
            kind: f.parse("kind")?,
            description: f.opt_text("description")?,
            owner: f.opt_text("owner")?,
            view_sql: f.opt_text("view_sql")?,
            format: f.opt_text("format")?,
            row_count: f.opt_i64("row_count")?,
            size_bytes: f.opt_i64("size_bytes")?,
            file_count: f.opt_i64("file_count")?,
            partition_columns: f.json("partition_columns")?,
            last_modified: f.opt_time("last_modified")?,
            scanned_at: f.opt_time("scanned_at")?,
            scan_error: f.opt_text("scan_error")?,
            dropped_at: f.opt_time("dropped_at")?,
            tags: f.json("tags")?,
            grouping: f.opt_text("grouping")?,
        })
    }
}

mod column {
    use super::*;
    entity!(
        Column,
        "column",
        "columns",
        [
            "table_id",
            "name",
            "position",
            "data_type",
            "nullable",
            "comment",
            "primary_key",
            "removed_at",
            "description",
            "value_warning",
        ]
    );

    fn describe(c: &Column) -> String {
        format!("column `{}` of table #{}", c.name, c.table_id)
    }
    fn values(c: &Column) -> Vec<Value> {
        vec![
            c.table_id.get().into(),
            (&c.name).into(),
            c.position.into(),
            (&c.data_type).into(),
            c.nullable.into(),
            (&c.comment).into(),
            c.primary_key.into(),
            c.removed_at.into(),
            (&c.description).into(),
            (&c.value_warning).into(),
        ]
    }
    fn read(f: &Fields<'_>) -> Result<Column, StoreError> {
        Ok(Column {
            table_id: Id::new(f.i64("table_id")?),
            name: f.text("name")?,
            position: f.i64("position")?,
            data_type: f.text("data_type")?,
            nullable: f.bool("nullable")?,
            comment: f.opt_text("comment")?,
            primary_key: f.bool("primary_key")?,
            removed_at: f.opt_time("removed_at")?,
            description: f.opt_text("description")?,
            value_warning: f.opt_text("value_warning")?,
        })
    }
}

mod column_profile {
    use super::*;
    entity!(
        ColumnProfile,
        "column profile",
        "column_profiles",
        [
            "column_id",
            "profiled_at",
            "row_count",
            "null_count",
            "distinct_approx",
            "min_value",
            "max_value",
            "mean",
            "stddev",
            "min_length",
            "avg_length",
            "max_length",
            "top_values",
            "sampling_method",
            "sampling_fraction",
        ]
    );

    fn describe(p: &ColumnProfile) -> String {
        format!("profile of column #{} at {}", p.column_id, p.profiled_at)
    }
    fn values(p: &ColumnProfile) -> Vec<Value> {
        vec![
            p.column_id.get().into(),
            p.profiled_at.into(),
            p.row_count.into(),
            p.null_count.into(),
            p.distinct_approx.into(),
            (&p.min).into(),
            (&p.max).into(),
            p.mean.into(),
            p.stddev.into(),
            p.min_length.into(),
            p.avg_length.into(),
            p.max_length.into(),
            Value::json(&p.top_values),
            p.sampling.method.as_str().into(),
            p.sampling.fraction.into(),
        ]
    }
    fn read(f: &Fields<'_>) -> Result<ColumnProfile, StoreError> {
        Ok(ColumnProfile {
            column_id: Id::new(f.i64("column_id")?),
            profiled_at: f.time("profiled_at")?,
            row_count: f.i64("row_count")?,
            null_count: f.i64("null_count")?,
            distinct_approx: f.opt_i64("distinct_approx")?,
            min: f.opt_text("min_value")?,
            max: f.opt_text("max_value")?,
            mean: f.opt_f64("mean")?,
            stddev: f.opt_f64("stddev")?,
            min_length: f.opt_i64("min_length")?,
            avg_length: f.opt_f64("avg_length")?,
            max_length: f.opt_i64("max_length")?,
            top_values: f.json("top_values")?,
            sampling: Sampling {
                method: f.parse("sampling_method")?,
                fraction: f.f64("sampling_fraction")?,
            },
        })
    }
}

mod classification {
    use super::*;
    entity!(
        Classification,
        "classification",
        "classifications",
        [
            "column_id",
            "label",
            "confidence",
            "evidence",
            "origin",
            "verdict",
            "detector_version",
            "decided_by",
            "reason",
        ]
    );

    fn describe(c: &Classification) -> String {
        format!("classification `{}` of column #{}", c.label, c.column_id)
    }
    fn values(c: &Classification) -> Vec<Value> {
        vec![
            c.column_id.get().into(),
            (&c.label).into(),
            c.confidence.into(),
            Value::json(&c.evidence),
            c.origin.as_str().into(),
            c.verdict.as_str().into(),
            (&c.detector_version).into(),
            (&c.decided_by).into(),
            (&c.reason).into(),
        ]
    }
    fn read(f: &Fields<'_>) -> Result<Classification, StoreError> {
        Ok(Classification {
            column_id: Id::new(f.i64("column_id")?),
            label: f.text("label")?,
            confidence: f.f64("confidence")?,
            evidence: f.json("evidence")?,
            origin: f.parse("origin")?,
            verdict: f.parse("verdict")?,
            detector_version: f.opt_text("detector_version")?,
            decided_by: f.opt_text("decided_by")?,
            reason: f.opt_text("reason")?,
        })
    }
}

mod lineage_edge {
    use super::*;
    entity!(
        LineageEdge,
        "lineage edge",
        "lineage_edges",
        [
            "from_table",
            "from_column",
            "to_table",
            "to_column",
            "kind",
            "confidence",
            "reason",
            "origin",
            "origin_ref",
            "functions",
        ]
    );

    fn asset(a: &AssetRef) -> String {
        match &a.column {
            Some(column) => format!("{}.{column}", a.table),
            None => a.table.clone(),
        }
    }
    fn describe(e: &LineageEdge) -> String {
        format!("lineage edge `{}` -> `{}`", asset(&e.from), asset(&e.to))
    }
    fn values(e: &LineageEdge) -> Vec<Value> {
        vec![
            (&e.from.table).into(),
            (&e.from.column).into(),
            (&e.to.table).into(),
            (&e.to.column).into(),
            e.kind.as_str().into(),
            e.confidence.into(),
            (&e.reason).into(),
            e.origin.as_str().into(),
            (&e.origin_ref).into(),
            Value::json(&e.functions),
        ]
    }
    fn read(f: &Fields<'_>) -> Result<LineageEdge, StoreError> {
        Ok(LineageEdge {
            from: AssetRef {
                table: f.text("from_table")?,
                column: f.opt_text("from_column")?,
            },
            to: AssetRef {
                table: f.text("to_table")?,
                column: f.opt_text("to_column")?,
            },
            kind: f.parse("kind")?,
            confidence: f.f64("confidence")?,
            reason: f.opt_text("reason")?,
            origin: f.parse("origin")?,
            origin_ref: f.opt_text("origin_ref")?,
            functions: f.json("functions")?,
        })
    }
}

mod policy {
    use super::*;
    entity!(
        PolicyRef,
        "policy",
        "policies",
        [
            "key",
            "title",
            "severity",
            "tags",
            "path",
            "checksum",
            "description",
            "remediation"
        ]
    );

    fn describe(p: &PolicyRef) -> String {
        format!("policy `{}`", p.key)
    }
    fn values(p: &PolicyRef) -> Vec<Value> {
        vec![
            (&p.key).into(),
            (&p.title).into(),
            p.severity.as_str().into(),
            Value::json(&p.tags),
            (&p.path).into(),
            (&p.checksum).into(),
            (&p.description).into(),
            (&p.remediation).into(),
        ]
    }
    fn read(f: &Fields<'_>) -> Result<PolicyRef, StoreError> {
        Ok(PolicyRef {
            key: f.text("key")?,
            title: f.text("title")?,
            severity: f.parse("severity")?,
            tags: f.json("tags")?,
            path: f.text("path")?,
            checksum: f.text("checksum")?,
            description: f.text("description")?,
            remediation: f.text("remediation")?,
        })
    }
}

mod finding {
    use super::*;
    entity!(
        Finding,
        "finding",
        "findings",
        [
            "policy_key",
            "fingerprint",
            "asset",
            "message",
            "severity",
            "status",
            "actor",
            "reason",
            "waived_until",
            "first_seen",
            "last_seen",
            "resolved_at",
        ]
    );

    fn describe(x: &Finding) -> String {
        format!(
            "finding `{}` of policy `{}` on `{}`",
            x.fingerprint, x.policy_key, x.asset
        )
    }
    fn values(x: &Finding) -> Vec<Value> {
        vec![
            (&x.policy_key).into(),
            (&x.fingerprint).into(),
            (&x.asset).into(),
            (&x.message).into(),
            x.severity.as_str().into(),
            x.status.as_str().into(),
            (&x.actor).into(),
            (&x.reason).into(),
            x.waived_until.into(),
            x.first_seen.into(),
            x.last_seen.into(),
            x.resolved_at.into(),
        ]
    }
    fn read(f: &Fields<'_>) -> Result<Finding, StoreError> {
        Ok(Finding {
            policy_key: f.text("policy_key")?,
            fingerprint: f.text("fingerprint")?,
            asset: f.text("asset")?,
            message: f.text("message")?,
            severity: f.parse("severity")?,
            status: f.parse("status")?,
            actor: f.opt_text("actor")?,
            reason: f.opt_text("reason")?,
            waived_until: f.opt_time("waived_until")?,
            first_seen: f.time("first_seen")?,
            last_seen: f.time("last_seen")?,
            resolved_at: f.opt_time("resolved_at")?,
        })
    }
}

mod job_run {
    use super::*;
    entity!(
        JobRun,
        "job run",
        "job_runs",
        [
            "job",
            "status",
            "started_at",
            "finished_at",
            "error",
            "stats",
            "owner",
            "heartbeat_at",
        ]
    );

    fn describe(j: &JobRun) -> String {
        format!("`{}` job run", j.job)
    }
    fn values(j: &JobRun) -> Vec<Value> {
        vec![
            (&j.job).into(),
            j.status.as_str().into(),
            j.started_at.into(),
            j.finished_at.into(),
            (&j.error).into(),
            Value::Json(j.stats.clone()),
            (&j.owner).into(),
            j.heartbeat_at.into(),
        ]
    }
    fn read(f: &Fields<'_>) -> Result<JobRun, StoreError> {
        Ok(JobRun {
            job: f.text("job")?,
            status: f.parse("status")?,
            started_at: f.opt_time("started_at")?,
            finished_at: f.opt_time("finished_at")?,
            error: f.opt_text("error")?,
            stats: f.json("stats")?,
            owner: f.opt_text("owner")?,
            heartbeat_at: f.opt_time("heartbeat_at")?,
        })
    }
}

mod job_schedule {
    use super::*;
    entity!(
        JobSchedule,
        "job schedule",
        "job_schedules",
        [
            "name",
            "kind",
            "params",
            "cron",
            "timezone",
            "enabled",
            "missed",
            "origin",
            "next_at",
            "last_fired_at",
        ]
    );

    fn describe(j: &JobSchedule) -> String {
        format!("job schedule `{}`", j.name)
    }
    fn values(j: &JobSchedule) -> Vec<Value> {
        vec![
            (&j.name).into(),
            j.kind.as_str().into(),
            Value::Json(j.params.clone()),
            (&j.cron).into(),
            (&j.timezone).into(),
            j.enabled.into(),
            j.missed.as_str().into(),
            j.origin.as_str().into(),
            j.next_at.into(),
            j.last_fired_at.into(),
        ]
    }
    fn read(f: &Fields<'_>) -> Result<JobSchedule, StoreError> {
        Ok(JobSchedule {
            name: f.text("name")?,
            kind: f.parse("kind")?,
            params: f.json("params")?,
            cron: f.text("cron")?,
            timezone: f.text("timezone")?,
            enabled: f.bool("enabled")?,
            missed: f.parse("missed")?,
            origin: f.parse("origin")?,
            next_at: f.opt_time("next_at")?,
            last_fired_at: f.opt_time("last_fired_at")?,
        })
    }
}

mod queued_job {
    use super::*;
    entity!(
        QueuedJob,
        "queued job",
        "job_queue",
        [
            "kind",
            "params",
            "priority",
            "status",
            "attempts",
            "max_attempts",
            "run_after",
            "concurrency_key",
            "schedule_id",
            "scheduled_for",
            "lease_owner",
            "lease_until",
            "timeout_secs",
            "requested_by",
            "started_at",
            "finished_at",
            "last_error",
            "summary",
            "log",
            "run_id",
        ]
    );

    fn describe(j: &QueuedJob) -> String {
        match &j.scheduled_for {
            Some(at) => format!("`{}` job due at {at}", j.kind),
            None => format!("`{}` job", j.kind),
        }
    }
    fn values(j: &QueuedJob) -> Vec<Value> {
        vec![
            j.kind.as_str().into(),
            Value::Json(j.params.clone()),
            j.priority.into(),
            j.status.as_str().into(),
            j.attempts.into(),
            j.max_attempts.into(),
            j.run_after.into(),
            (&j.concurrency_key).into(),
            j.schedule_id.map(|id| id.get()).into(),
            j.scheduled_for.into(),
            (&j.lease_owner).into(),
            j.lease_until.into(),
            j.timeout_secs.into(),
            (&j.requested_by).into(),
            j.started_at.into(),
            j.finished_at.into(),
            (&j.last_error).into(),
            Value::Json(j.summary.clone()),
            Value::json(&j.log),
            j.run_id.map(|id| id.get()).into(),
        ]
    }
    fn read(f: &Fields<'_>) -> Result<QueuedJob, StoreError> {
        Ok(QueuedJob {
            kind: f.parse("kind")?,
            params: f.json("params")?,
            priority: f.i64("priority")?,
            status: f.parse("status")?,
            attempts: f.i64("attempts")?,
            max_attempts: f.i64("max_attempts")?,
            run_after: f.time("run_after")?,
            concurrency_key: f.opt_text("concurrency_key")?,
            schedule_id: f.opt_i64("schedule_id")?.map(Id::new),
            scheduled_for: f.opt_time("scheduled_for")?,
            lease_owner: f.opt_text("lease_owner")?,
            lease_until: f.opt_time("lease_until")?,
            timeout_secs: f.i64("timeout_secs")?,
            requested_by: f.text("requested_by")?,
            started_at: f.opt_time("started_at")?,
            finished_at: f.opt_time("finished_at")?,
            last_error: f.opt_text("last_error")?,
            summary: f.json("summary")?,
            log: f.json("log")?,
            run_id: f.opt_i64("run_id")?.map(Id::new),
        })
    }
}

mod usage_record {
    use super::*;
    entity!(
        UsageRecord,
        "usage record",
        "usage_records",
        [
            "query_id",
            "user_name",
            "sql_text",
            "tables",
            "bytes_scanned",
            "duration_ms",
            "executed_at"
        ]
    );

    fn describe(u: &UsageRecord) -> String {
        match &u.query_id {
            Some(id) => format!("usage record of query `{id}`"),
            None => format!("usage record at {}", u.executed_at),
        }
    }
    fn values(u: &UsageRecord) -> Vec<Value> {
        vec![
            (&u.query_id).into(),
            (&u.user_name).into(),
            (&u.sql).into(),
            Value::json(&u.tables),
            u.bytes_scanned.into(),
            u.duration_ms.into(),
            u.executed_at.into(),
        ]
    }
    fn read(f: &Fields<'_>) -> Result<UsageRecord, StoreError> {
        Ok(UsageRecord {
            query_id: f.opt_text("query_id")?,
            user_name: f.opt_text("user_name")?,
            sql: f.text("sql_text")?,
            tables: f.json("tables")?,
            bytes_scanned: f.opt_i64("bytes_scanned")?,
            duration_ms: f.opt_i64("duration_ms")?,
            executed_at: f.time("executed_at")?,
        })
    }
}

mod audit_event {
    use super::*;
    entity!(
        AuditEvent,
        "audit event",
        "audit_events",
        ["at", "actor", "action", "target", "details"]
    );

    fn describe(a: &AuditEvent) -> String {
        format!(
            "audit event `{}` by `{}` on `{}`",
            a.action, a.actor, a.target
        )
    }
    fn values(a: &AuditEvent) -> Vec<Value> {
        vec![
            a.at.into(),
            (&a.actor).into(),
            (&a.action).into(),
            (&a.target).into(),
            Value::Json(a.details.clone()),
        ]
    }
    fn read(f: &Fields<'_>) -> Result<AuditEvent, StoreError> {
        Ok(AuditEvent {
            at: f.time("at")?,
            actor: f.text("actor")?,
            action: f.text("action")?,
            target: f.text("target")?,
            details: f.json("details")?,
        })
    }
}

mod change_event {
    use super::*;
    entity!(
        ChangeEvent,
        "change event",
        "change_events",
        [
            "source_id",
            "table_id",
            "table_name",
            "column_name",
            "kind",
            "before_value",
            "after_value",
            "detected_at",
        ]
    );

    fn describe(c: &ChangeEvent) -> String {
        format!("`{}` change of `{}`", c.kind, c.table_name)
    }
    fn values(c: &ChangeEvent) -> Vec<Value> {
        vec![
            c.source_id.get().into(),
            c.table_id.map(|id| id.get()).into(),
            (&c.table_name).into(),
            (&c.column).into(),
            c.kind.as_str().into(),
            (&c.before).into(),
            (&c.after).into(),
            c.detected_at.into(),
        ]
    }
    fn read(f: &Fields<'_>) -> Result<ChangeEvent, StoreError> {
        Ok(ChangeEvent {
            source_id: Id::new(f.i64("source_id")?),
            table_id: f.opt_i64("table_id")?.map(Id::new),
            table_name: f.text("table_name")?,
            column: f.opt_text("column_name")?,
            kind: f.parse("kind")?,
            before: f.opt_text("before_value")?,
            after: f.opt_text("after_value")?,
            detected_at: f.time("detected_at")?,
        })
    }
}

mod proposal {
    use super::*;
    entity!(
        Proposal,
        "proposal",
        "proposals",
        [
            "table_id",
            "column_name",
            "proposed_text",
            "current_text",
            "drafted_from",
            "drafted_by",
            "status",
            "decided_by",
            "decided_at",
            "reason",
        ]
    );

    fn describe(p: &Proposal) -> String {
        match &p.column {
            Some(column) => format!("proposal for column `{column}` of table #{}", p.table_id),
            None => format!("proposal for table #{}", p.table_id),
        }
    }
    fn values(p: &Proposal) -> Vec<Value> {
        vec![
            p.table_id.get().into(),
            (&p.column).into(),
            (&p.text).into(),
            (&p.current).into(),
            Value::json(&p.drafted_from),
            (&p.drafted_by).into(),
            p.status.as_str().into(),
            (&p.decided_by).into(),
            p.decided_at.into(),
            (&p.reason).into(),
        ]
    }
    fn read(f: &Fields<'_>) -> Result<Proposal, StoreError> {
        Ok(Proposal {
            table_id: Id::new(f.i64("table_id")?),
            column: f.opt_text("column_name")?,
            text: f.text("proposed_text")?,
            current: f.opt_text("current_text")?,
            drafted_from: f.json("drafted_from")?,
            drafted_by: f.text("drafted_by")?,
            status: f.parse("status")?,
            decided_by: f.opt_text("decided_by")?,
            decided_at: f.opt_time("decided_at")?,
            reason: f.opt_text("reason")?,
        })
    }
}

mod model_definition {
    use super::*;
    entity!(
        ModelDefinition,
        "model definition",
        "model_definitions",
        [
            "origin_ref",
            "model",
            "path",
            "text",
            "checksum",
            "materialized",
            "compiled_sql",
            "docs"
        ]
    );

    fn describe(m: &ModelDefinition) -> String {
        format!("definition of model `{}` ({})", m.model, m.path)
    }
    fn values(m: &ModelDefinition) -> Vec<Value> {
        vec![
            (&m.origin_ref).into(),
            (&m.model).into(),
            (&m.path).into(),
            (&m.text).into(),
            (&m.checksum).into(),
            (&m.materialized).into(),
            (&m.compiled_sql).into(),
            Value::json(&m.docs),
        ]
    }
    fn read(f: &Fields<'_>) -> Result<ModelDefinition, StoreError> {
        Ok(ModelDefinition {
            origin_ref: f.text("origin_ref")?,
            model: f.text("model")?,
            path: f.text("path")?,
            text: f.text("text")?,
            checksum: f.text("checksum")?,
            materialized: f.opt_text("materialized")?,
            compiled_sql: f.opt_text("compiled_sql")?,
            docs: f.json("docs")?,
        })
    }
}

mod user {
    use super::*;
    entity!(
        User,
        "user",
        "users",
        [
            "name",
            "role",
            "password_hash",
            "scram_verifier",
            "disabled"
        ]
    );

    fn describe(u: &User) -> String {
        format!("user `{}`", u.name)
    }
    fn values(u: &User) -> Vec<Value> {
        vec![
            (&u.name).into(),
            u.role.as_str().into(),
            (&u.password_hash).into(),
            (&u.scram_verifier).into(),
            u.disabled.into(),
        ]
    }
    fn read(f: &Fields<'_>) -> Result<User, StoreError> {
        Ok(User {
            name: f.text("name")?,
            role: f.parse("role")?,
            password_hash: f.opt_text("password_hash")?.map(Secret::new),
            scram_verifier: f.opt_text("scram_verifier")?.map(Secret::new),
            disabled: f.bool("disabled")?,
        })
    }
}

mod user_session {
    use super::*;
    entity!(
        UserSession,
        "session",
        "user_sessions",
        [
            "user_id",
            "secret_hash",
            "expires_at",
            "last_seen_at",
            "client"
        ]
    );

    fn describe(s: &UserSession) -> String {
        format!("session of user #{}", s.user_id)
    }
    fn values(s: &UserSession) -> Vec<Value> {
        vec![
            s.user_id.get().into(),
            (&s.secret_hash).into(),
            s.expires_at.into(),
            s.last_seen_at.into(),
            (&s.client).into(),
        ]
    }
    fn read(f: &Fields<'_>) -> Result<UserSession, StoreError> {
        Ok(UserSession {
            user_id: Id::new(f.i64("user_id")?),
            secret_hash: Secret::new(f.text("secret_hash")?),
            expires_at: f.time("expires_at")?,
            last_seen_at: f.time("last_seen_at")?,
            client: f.opt_text("client")?,
        })
    }
}

mod api_token {
    use super::*;
    entity!(
        ApiToken,
        "API token",
        "api_tokens",
        [
            "user_id",
            "label",
            "prefix",
            "secret_hash",
            "role",
            "expires_at",
            "revoked_at",
            "last_used_at"
        ]
    );

    fn describe(t: &ApiToken) -> String {
        format!("API token `{}`", t.prefix)
    }
    fn values(t: &ApiToken) -> Vec<Value> {
        vec![
            t.user_id.get().into(),
            (&t.label).into(),
            (&t.prefix).into(),
            (&t.secret_hash).into(),
            t.role.as_str().into(),
            t.expires_at.into(),
            t.revoked_at.into(),
            t.last_used_at.into(),
        ]
    }
    fn read(f: &Fields<'_>) -> Result<ApiToken, StoreError> {
        Ok(ApiToken {
            user_id: Id::new(f.i64("user_id")?),
            label: f.text("label")?,
            prefix: f.text("prefix")?,
            secret_hash: Secret::new(f.text("secret_hash")?),
            role: f.parse("role")?,
            expires_at: f.opt_time("expires_at")?,
            revoked_at: f.opt_time("revoked_at")?,
            last_used_at: f.opt_time("last_used_at")?,
        })
    }
}

mod ingested_file {
    use super::*;
    entity!(
        IngestedFile,
        "ingested file",
        "ingested_files",
        ["path", "checksum", "input", "ingested_at"]
    );

    fn describe(i: &IngestedFile) -> String {
        format!("ingested file {}", i.path)
    }
    fn values(i: &IngestedFile) -> Vec<Value> {
        vec![
            (&i.path).into(),
            (&i.checksum).into(),
            (&i.input).into(),
            i.ingested_at.into(),
        ]
    }
    fn read(f: &Fields<'_>) -> Result<IngestedFile, StoreError> {
        Ok(IngestedFile {
            path: f.text("path")?,
            checksum: f.text("checksum")?,
            input: f.text("input")?,
            ingested_at: f.time("ingested_at")?,
        })
    }
}

mod cost_snapshot {
    use super::*;
    entity!(
        CostSnapshot,
        "cost snapshot",
        "cost_snapshots",
        [
            "taken_at",
            "currency",
            "tables",
            "storage_bytes",
            "storage_monthly",
            "compute_monthly",
            "savings_monthly",
            "queries",
            "bytes_scanned",
            "top_tables",
        ]
    );

    fn describe(c: &CostSnapshot) -> String {
        format!("cost snapshot of {}", c.taken_at)
    }
    fn values(c: &CostSnapshot) -> Vec<Value> {
        vec![
            c.taken_at.into(),
            (&c.currency).into(),
            c.tables.into(),
            c.storage_bytes.into(),
            c.storage_monthly.into(),
            c.compute_monthly.into(),
            c.savings_monthly.into(),
            c.queries.into(),
            c.bytes_scanned.into(),
            Value::Json(c.top_tables.clone()),
        ]
    }
    fn read(f: &Fields<'_>) -> Result<CostSnapshot, StoreError> {
        Ok(CostSnapshot {
            taken_at: f.time("taken_at")?,
            currency: f.text("currency")?,
            tables: f.i64("tables")?,
            storage_bytes: f.i64("storage_bytes")?,
            storage_monthly: f.f64("storage_monthly")?,
            compute_monthly: f.f64("compute_monthly")?,
            savings_monthly: f.f64("savings_monthly")?,
            queries: f.i64("queries")?,
            bytes_scanned: f.i64("bytes_scanned")?,
            top_tables: f.json("top_tables")?,
        })
    }
}
