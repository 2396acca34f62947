//! The catalog as read-only system tables (`steward.tables`,
//! `steward.columns`, ...), so every check is a SQL query. Built in memory from
//! a snapshot the service reads in one transaction; tables dropped from the
//! warehouse are left out (their drop is in `steward.changes`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use datafusion::arrow::array::{
    ArrayRef, BooleanArray, Float64Array, Int64Array, ListBuilder, StringArray, StringBuilder,
    TimestampMicrosecondArray,
};
use datafusion::arrow::datatypes::{Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::catalog::{MemorySchemaProvider, SchemaProvider};
use datafusion::datasource::MemTable;
use datafusion::error::Result as DfResult;
use datafusion::prelude::SessionContext;
use steward_types::{
    ChangeEvent, Classification, Column, ColumnProfile, Finding, Id, LineageEdge, ModelDefinition,
    Record, Source, Table, TableCost, UsageRecord, redact_url,
};

/// The schema the system tables live in.
pub const SCHEMA: &str = "steward";

/// The names of the system tables, for docs and error messages.
pub const TABLES: &[&str] = &[
    "sources",
    "tables",
    "columns",
    "profiles",
    "classifications",
    "lineage",
    "models",
    "usage",
    "costs",
    "findings",
    "changes",
];

/// What the system tables show: the catalog as one transaction read it.
#[derive(Debug, Clone, Default)]
pub struct CatalogSnapshot {
    pub sources: Vec<Record<Source>>,
    pub tables: Vec<Record<Table>>,
    pub columns: Vec<Record<Column>>,
    /// The latest profile of each column.
    pub profiles: Vec<Record<ColumnProfile>>,
    pub classifications: Vec<Record<Classification>>,
    /// Ids of the classifications that stand: the one label each column
    /// carries now (a steward's decision over a detector's suggestion).
    pub standing: BTreeSet<Id<Classification>>,
    pub lineage: Vec<Record<LineageEdge>>,
    /// The code of each ingested model, as its file was written.
    pub models: Vec<Record<ModelDefinition>>,
    pub usage: Vec<Record<UsageRecord>>,
    pub costs: Vec<TableCost>,
    pub findings: Vec<Record<Finding>>,
    pub changes: Vec<Record<ChangeEvent>>,
    /// The zone (`public`, `restricted`, ...) configuration puts a table in.
    pub zones: BTreeMap<Id<Table>, String>,
}

/// Registers the system tables in `ctx` under the `steward` schema.
pub fn register(ctx: &SessionContext, snapshot: &CatalogSnapshot) -> DfResult<()> {
    let schema = Arc::new(MemorySchemaProvider::new());
    for (name, batch) in batches(snapshot)? {
        let table = MemTable::try_new(batch.schema(), vec![vec![batch]])?;
        schema.register_table(name.to_string(), Arc::new(table))?;
    }
    let catalog = ctx
        .catalog(&ctx.copied_config().options().catalog.default_catalog)
        .ok_or_else(|| datafusion::error::DataFusionError::Internal("no default catalog".into()))?;
    catalog.register_schema(SCHEMA, schema)?;
    Ok(())
}

fn batches(s: &CatalogSnapshot) -> DfResult<Vec<(&'static str, RecordBatch)>> {
    let sources: BTreeMap<Id<Source>, &Record<Source>> =
        s.sources.iter().map(|r| (r.id, r)).collect();
    let source_name = |id: Id<Source>| sources.get(&id).map(|r| r.name.clone());
    let tables: BTreeMap<Id<Table>, &Record<Table>> = s
        .tables
        .iter()
        .filter(|t| t.dropped_at.is_none())
        .map(|r| (r.id, r))
        .collect();
    let columns: BTreeMap<Id<Column>, (&Record<Column>, &Record<Table>)> = s
        .columns
        .iter()
        .filter_map(|c| tables.get(&c.table_id).map(|t| (c.id, (c, *t))))
        .collect();
    let qualified = |t: &Table| t.qualified_name().to_lowercase();
    let asset = |c: &Column, t: &Table| format!("{}.{}", qualified(t), c.name.to_lowercase());

    let live: Vec<&Record<Table>> = tables.values().copied().collect();
    let cols: Vec<(&Record<Column>, &Record<Table>)> = columns.values().copied().collect();
    let profiles: Vec<(&Record<ColumnProfile>, &Record<Column>, &Record<Table>)> = s
        .profiles
        .iter()
        .filter_map(|p| columns.get(&p.column_id).map(|(c, t)| (p, *c, *t)))
        .collect();
    let classes: Vec<(&Record<Classification>, &Record<Column>, &Record<Table>)> = s
        .classifications
        .iter()
        .filter_map(|r| columns.get(&r.column_id).map(|(c, t)| (r, *c, *t)))
        .collect();

    Ok(vec![
        (
            "sources",
            Cols::default()
                .int("source_id", s.sources.iter().map(|r| Some(r.id.get())))
                .text("source", s.sources.iter().map(|r| Some(r.name.clone())))
                .text("kind", s.sources.iter().map(|r| Some(r.kind.to_string())))
                .text("url", s.sources.iter().map(|r| Some(redact_url(&r.url))))
                .text(
                    "description",
                    s.sources.iter().map(|r| r.description.clone()),
                )
                .time("scanned_at", s.sources.iter().map(|r| r.scanned_at))
                .text("scan_error", s.sources.iter().map(|r| r.scan_error.clone()))
                .batch()?,
        ),
        (
            "tables",
            Cols::default()
                .int("table_id", live.iter().map(|t| Some(t.id.get())))
                .int("source_id", live.iter().map(|t| Some(t.source_id.get())))
                .text("source", live.iter().map(|t| source_name(t.source_id)))
                .text("schema_name", live.iter().map(|t| t.schema.clone()))
                .text("table_name", live.iter().map(|t| Some(t.name.clone())))
                .text("qualified_name", live.iter().map(|t| Some(qualified(t))))
                .text("kind", live.iter().map(|t| Some(t.kind.to_string())))
                .text("description", live.iter().map(|t| t.description.clone()))
                .text("view_sql", live.iter().map(|t| t.view_sql.clone()))
                .text("owner", live.iter().map(|t| t.owner.clone()))
                .list("tags", live.iter().map(|t| t.tags.clone()))
                .text("zone", live.iter().map(|t| s.zones.get(&t.id).cloned()))
                .text("format", live.iter().map(|t| t.format.clone()))
                .int("row_count", live.iter().map(|t| t.row_count))
                .int("size_bytes", live.iter().map(|t| t.size_bytes))
                .int("file_count", live.iter().map(|t| t.file_count))
                .text(
                    "partition_columns",
                    live.iter().map(|t| Some(t.partition_columns.join(","))),
                )
                .time("last_modified", live.iter().map(|t| t.last_modified))
                .time("scanned_at", live.iter().map(|t| t.scanned_at))
                .text("scan_error", live.iter().map(|t| t.scan_error.clone()))
                .time("created_at", live.iter().map(|t| Some(t.created_at)))
                .batch()?,
        ),
        (
            "columns",
            Cols::default()
                .int("column_id", cols.iter().map(|(c, _)| Some(c.id.get())))
                .int("table_id", cols.iter().map(|(_, t)| Some(t.id.get())))
                .text("source", cols.iter().map(|(_, t)| source_name(t.source_id)))
                .text(
                    "qualified_name",
                    cols.iter().map(|(_, t)| Some(qualified(t))),
                )
                .text(
                    "column_name",
                    cols.iter().map(|(c, _)| Some(c.name.clone())),
                )
                .text("asset", cols.iter().map(|(c, t)| Some(asset(c, t))))
                .int("position", cols.iter().map(|(c, _)| Some(c.position)))
                .text(
                    "data_type",
                    cols.iter().map(|(c, _)| Some(c.data_type.clone())),
                )
                .bool("nullable", cols.iter().map(|(c, _)| Some(c.nullable)))
                .text("comment", cols.iter().map(|(c, _)| c.comment.clone()))
                .text(
                    "description",
                    cols.iter().map(|(c, _)| c.description.clone()),
                )
                .text(
                    "value_warning",
                    cols.iter().map(|(c, _)| c.value_warning.clone()),
                )
                .bool("primary_key", cols.iter().map(|(c, _)| Some(c.primary_key)))
                .time("created_at", cols.iter().map(|(c, _)| Some(c.created_at)))
                .batch()?,
        ),
        (
            // Counts and lengths only: minimums, maximums and top values can be
            // sensitive values, and checks have no need of them.
            "profiles",
            Cols::default()
                .int(
                    "column_id",
                    profiles.iter().map(|(_, c, _)| Some(c.id.get())),
                )
                .int(
                    "table_id",
                    profiles.iter().map(|(_, _, t)| Some(t.id.get())),
                )
                .text(
                    "qualified_name",
                    profiles.iter().map(|(_, _, t)| Some(qualified(t))),
                )
                .text(
                    "column_name",
                    profiles.iter().map(|(_, c, _)| Some(c.name.clone())),
                )
                .text("asset", profiles.iter().map(|(_, c, t)| Some(asset(c, t))))
                .int(
                    "row_count",
                    profiles.iter().map(|(p, _, _)| Some(p.row_count)),
                )
                .int(
                    "null_count",
                    profiles.iter().map(|(p, _, _)| Some(p.null_count)),
                )
                .int(
                    "distinct_approx",
                    profiles.iter().map(|(p, _, _)| p.distinct_approx),
                )
                .int("min_length", profiles.iter().map(|(p, _, _)| p.min_length))
                .float("avg_length", profiles.iter().map(|(p, _, _)| p.avg_length))
                .int("max_length", profiles.iter().map(|(p, _, _)| p.max_length))
                .float(
                    "sample_fraction",
                    profiles.iter().map(|(p, _, _)| Some(p.sampling.fraction)),
                )
                .time(
                    "profiled_at",
                    profiles.iter().map(|(p, _, _)| Some(p.profiled_at)),
                )
                .batch()?,
        ),
        (
            "classifications",
            Cols::default()
                .int(
                    "classification_id",
                    classes.iter().map(|(r, _, _)| Some(r.id.get())),
                )
                .int(
                    "column_id",
                    classes.iter().map(|(_, c, _)| Some(c.id.get())),
                )
                .int("table_id", classes.iter().map(|(_, _, t)| Some(t.id.get())))
                .text(
                    "source",
                    classes.iter().map(|(_, _, t)| source_name(t.source_id)),
                )
                .text(
                    "qualified_name",
                    classes.iter().map(|(_, _, t)| Some(qualified(t))),
                )
                .text(
                    "column_name",
                    classes.iter().map(|(_, c, _)| Some(c.name.clone())),
                )
                .text("asset", classes.iter().map(|(_, c, t)| Some(asset(c, t))))
                .text(
                    "label",
                    classes.iter().map(|(r, _, _)| Some(r.label.clone())),
                )
                .float(
                    "confidence",
                    classes.iter().map(|(r, _, _)| Some(r.confidence)),
                )
                .text(
                    "origin",
                    classes.iter().map(|(r, _, _)| Some(r.origin.to_string())),
                )
                .text(
                    "verdict",
                    classes.iter().map(|(r, _, _)| Some(r.verdict.to_string())),
                )
                .bool(
                    "standing",
                    classes
                        .iter()
                        .map(|(r, _, _)| Some(s.standing.contains(&r.id))),
                )
                .text(
                    "evidence",
                    classes.iter().map(|(r, _, _)| Some(r.evidence.join("; "))),
                )
                .text(
                    "decided_by",
                    classes.iter().map(|(r, _, _)| r.decided_by.clone()),
                )
                .time(
                    "created_at",
                    classes.iter().map(|(r, _, _)| Some(r.created_at)),
                )
                .time(
                    "updated_at",
                    classes.iter().map(|(r, _, _)| Some(r.updated_at)),
                )
                .batch()?,
        ),
        (
            "lineage",
            Cols::default()
                .text(
                    "from_table",
                    s.lineage.iter().map(|e| Some(e.from.table.clone())),
                )
                .text(
                    "from_column",
                    s.lineage.iter().map(|e| e.from.column.clone()),
                )
                .text(
                    "to_table",
                    s.lineage.iter().map(|e| Some(e.to.table.clone())),
                )
                .text("to_column", s.lineage.iter().map(|e| e.to.column.clone()))
                .text("kind", s.lineage.iter().map(|e| Some(e.kind.to_string())))
                .float("confidence", s.lineage.iter().map(|e| Some(e.confidence)))
                .text(
                    "origin",
                    s.lineage.iter().map(|e| Some(e.origin.to_string())),
                )
                .text("origin_ref", s.lineage.iter().map(|e| e.origin_ref.clone()))
                .text(
                    "functions",
                    s.lineage.iter().map(|e| Some(e.functions.join(","))),
                )
                .batch()?,
        ),
        (
            "models",
            Cols::default()
                .text("model", s.models.iter().map(|m| Some(m.model.clone())))
                .text("path", s.models.iter().map(|m| Some(m.path.clone())))
                .text(
                    "origin_ref",
                    s.models.iter().map(|m| Some(m.origin_ref.clone())),
                )
                .text("code", s.models.iter().map(|m| Some(m.text.clone())))
                .text(
                    "checksum",
                    s.models.iter().map(|m| Some(m.checksum.clone())),
                )
                .time("updated_at", s.models.iter().map(|m| Some(m.updated_at)))
                .batch()?,
        ),
        (
            "usage",
            Cols::default()
                .text("query_id", s.usage.iter().map(|u| u.query_id.clone()))
                .text("user_name", s.usage.iter().map(|u| u.user_name.clone()))
                .text("sql_text", s.usage.iter().map(|u| Some(u.sql.clone())))
                .list("tables", s.usage.iter().map(|u| u.tables.clone()))
                .int("bytes_scanned", s.usage.iter().map(|u| u.bytes_scanned))
                .int("duration_ms", s.usage.iter().map(|u| u.duration_ms))
                .time("executed_at", s.usage.iter().map(|u| Some(u.executed_at)))
                .batch()?,
        ),
        (
            "costs",
            Cols::default()
                .text("source", s.costs.iter().map(|c| Some(c.source.clone())))
                .text(
                    "qualified_name",
                    s.costs.iter().map(|c| Some(c.table.clone())),
                )
                .text("tier", s.costs.iter().map(|c| Some(c.tier.clone())))
                .int(
                    "storage_bytes",
                    s.costs.iter().map(|c| Some(c.storage_bytes)),
                )
                .float("storage_cost", s.costs.iter().map(|c| Some(c.storage_cost)))
                .int("reads", s.costs.iter().map(|c| Some(c.reads)))
                .int(
                    "bytes_scanned",
                    s.costs.iter().map(|c| Some(c.bytes_scanned)),
                )
                .float("compute_cost", s.costs.iter().map(|c| Some(c.compute_cost)))
                .time("last_read", s.costs.iter().map(|c| c.last_read))
                .batch()?,
        ),
        (
            "findings",
            Cols::default()
                .int("finding_id", s.findings.iter().map(|f| Some(f.id.get())))
                .text(
                    "policy",
                    s.findings.iter().map(|f| Some(f.policy_key.clone())),
                )
                .text(
                    "fingerprint",
                    s.findings.iter().map(|f| Some(f.fingerprint.clone())),
                )
                .text("asset", s.findings.iter().map(|f| Some(f.asset.clone())))
                .text(
                    "message",
                    s.findings.iter().map(|f| Some(f.message.clone())),
                )
                .text(
                    "severity",
                    s.findings.iter().map(|f| Some(f.severity.to_string())),
                )
                .text(
                    "status",
                    s.findings.iter().map(|f| Some(f.status.to_string())),
                )
                .text("actor", s.findings.iter().map(|f| f.actor.clone()))
                .text("reason", s.findings.iter().map(|f| f.reason.clone()))
                .time("waived_until", s.findings.iter().map(|f| f.waived_until))
                .time("first_seen", s.findings.iter().map(|f| Some(f.first_seen)))
                .time("last_seen", s.findings.iter().map(|f| Some(f.last_seen)))
                .time("resolved_at", s.findings.iter().map(|f| f.resolved_at))
                .batch()?,
        ),
        (
            "changes",
            Cols::default()
                .text("source", s.changes.iter().map(|c| source_name(c.source_id)))
                .text(
                    "qualified_name",
                    s.changes.iter().map(|c| Some(c.table_name.to_lowercase())),
                )
                .text("column_name", s.changes.iter().map(|c| c.column.clone()))
                .text("kind", s.changes.iter().map(|c| Some(c.kind.to_string())))
                .text("before", s.changes.iter().map(|c| c.before.clone()))
                .text("after", s.changes.iter().map(|c| c.after.clone()))
                .time("detected_at", s.changes.iter().map(|c| Some(c.detected_at)))
                .batch()?,
        ),
    ])
}

/// Columns of one system table, built one at a time.
#[derive(Default)]
struct Cols {
    fields: Vec<Field>,
    arrays: Vec<ArrayRef>,
}

impl Cols {
    fn push(mut self, name: &str, array: ArrayRef) -> Self {
        self.fields
            .push(Field::new(name, array.data_type().clone(), true));
        self.arrays.push(array);
        self
    }

    fn text(self, name: &str, values: impl Iterator<Item = Option<String>>) -> Self {
        self.push(name, Arc::new(values.collect::<StringArray>()))
    }

    fn int(self, name: &str, values: impl Iterator<Item = Option<i64>>) -> Self {
        self.push(name, Arc::new(values.collect::<Int64Array>()))
    }

    fn float(self, name: &str, values: impl Iterator<Item = Option<f64>>) -> Self {
        self.push(name, Arc::new(values.collect::<Float64Array>()))
    }

    fn bool(self, name: &str, values: impl Iterator<Item = Option<bool>>) -> Self {
        self.push(name, Arc::new(values.collect::<BooleanArray>()))
    }

    fn time(self, name: &str, values: impl Iterator<Item = Option<DateTime<Utc>>>) -> Self {
        let micros: TimestampMicrosecondArray =
            values.map(|v| v.map(|t| t.timestamp_micros())).collect();
        self.push(name, Arc::new(micros.with_timezone("UTC")))
    }

    fn list(self, name: &str, values: impl Iterator<Item = Vec<String>>) -> Self {
        let mut builder = ListBuilder::new(StringBuilder::new());
        for row in values {
            for v in row {
                builder.values().append_value(v);
            }
            builder.append(true);
        }
        self.push(name, Arc::new(builder.finish()))
    }

    fn batch(self) -> DfResult<RecordBatch> {
        let schema = Arc::new(Schema::new(self.fields));
        Ok(RecordBatch::try_new(schema, self.arrays)?)
    }
}
