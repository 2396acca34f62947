//! Bytes a query scans, estimated when the log does not say: the query is
//! planned by DataFusion over empty tables with the catalog's schemas, and the
//! optimised plan's table scans (after projection pushdown) say which columns
//! of which tables are read. Columnar files are read column by column, so a
//! scan costs the share of the table's bytes its columns take (by their
//! profiled average length or their type's width); row formats and databases
//! are read whole. Filters and partition pruning are not credited: the
//! estimate is an upper bound.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::catalog::{MemorySchemaProvider, SchemaProvider};
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::datasource::empty::EmptyTable;
use datafusion::logical_expr::LogicalPlan;
use datafusion::prelude::{SessionConfig, SessionContext};

/// What the estimate needs to know of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct TableStats {
    pub source: String,
    pub schema: Option<String>,
    pub name: String,
    /// `parquet`, `csv`, `json`, ...; `None` for database tables.
    pub format: Option<String>,
    pub size_bytes: Option<i64>,
    pub row_count: Option<i64>,
    /// False for views: they store nothing, so dropping one saves nothing.
    pub stores_data: bool,
    pub columns: Vec<ColumnStats>,
}

impl TableStats {
    /// `schema.table`, lowercased: how usage and lineage name it.
    pub fn qualified(&self) -> String {
        match &self.schema {
            Some(s) => format!("{s}.{}", self.name).to_lowercase(),
            None => self.name.to_lowercase(),
        }
    }

    fn columnar(&self) -> bool {
        matches!(
            self.format
                .as_deref()
                .map(str::to_ascii_lowercase)
                .as_deref(),
            Some("parquet" | "orc" | "arrow" | "ipc")
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ColumnStats {
    pub name: String,
    /// The Arrow type as the catalog renders it (`Int64`, `Utf8View`, ...).
    pub data_type: String,
    /// Average length of the values, from the profile, for variable-width types.
    pub avg_length: Option<f64>,
}

impl ColumnStats {
    /// Bytes a value takes, roughly: what the column weighs in its table.
    fn width(&self, data_type: &DataType) -> f64 {
        let fixed = match data_type {
            DataType::Boolean | DataType::Int8 | DataType::UInt8 => Some(1.0),
            DataType::Int16 | DataType::UInt16 | DataType::Float16 => Some(2.0),
            DataType::Int32 | DataType::UInt32 | DataType::Float32 | DataType::Date32 => Some(4.0),
            DataType::Int64
            | DataType::UInt64
            | DataType::Float64
            | DataType::Date64
            | DataType::Timestamp(_, _)
            | DataType::Time64(_)
            | DataType::Duration(_) => Some(8.0),
            DataType::Decimal128(_, _) => Some(16.0),
            _ => None,
        };
        fixed.unwrap_or_else(|| self.avg_length.filter(|l| *l > 0.0).unwrap_or(16.0))
    }
}

/// The tables a query reads and the bytes it reads of each.
pub type ScanEstimate = Vec<(String, i64)>;

/// Plans queries over the catalog's tables to estimate what they scan.
pub struct ScanEstimator {
    ctx: SessionContext,
    /// By the name DataFusion resolves a scan to (`schema.table`).
    tables: BTreeMap<String, (TableStats, Vec<f64>)>,
}

impl std::fmt::Debug for ScanEstimator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanEstimator")
            .field("tables", &self.tables.len())
            .finish_non_exhaustive()
    }
}

/// DataFusion's default schema, where tables without one are registered.
const NO_SCHEMA: &str = "public";

impl ScanEstimator {
    /// Registers every table (the first of any two with one qualified name).
    pub fn new(tables: &[TableStats]) -> Self {
        let config = SessionConfig::new()
            .with_target_partitions(1)
            .with_information_schema(false);
        let ctx = SessionContext::new_with_config(config);
        let mut schemas: BTreeMap<String, Arc<MemorySchemaProvider>> = BTreeMap::new();
        let mut registered = BTreeMap::new();
        for table in tables {
            let schema_name = table
                .schema
                .clone()
                .unwrap_or_else(|| NO_SCHEMA.to_string())
                .to_lowercase();
            let key = format!("{schema_name}.{}", table.name.to_lowercase());
            if registered.contains_key(&key) || table.columns.is_empty() {
                continue;
            }
            let mut fields = Vec::new();
            let mut widths = Vec::new();
            for c in &table.columns {
                // A type the catalog wrote in a form Arrow cannot read back is
                // planned as text: the estimate only needs the column to exist.
                let data_type = DataType::from_str(&c.data_type).unwrap_or(DataType::Utf8);
                widths.push(c.width(&data_type));
                fields.push(Field::new(c.name.to_lowercase(), data_type, true));
            }
            let provider = schemas.entry(schema_name.clone()).or_insert_with(|| {
                let p = Arc::new(MemorySchemaProvider::new());
                if let Some(catalog) = ctx.catalog("datafusion") {
                    let _ = catalog.register_schema(&schema_name, p.clone());
                }
                p
            });
            let empty = EmptyTable::new(Arc::new(Schema::new(fields)));
            if provider
                .register_table(table.name.to_lowercase(), Arc::new(empty))
                .is_ok()
            {
                registered.insert(key, (table.clone(), widths));
            }
        }
        Self {
            ctx,
            tables: registered,
        }
    }

    /// The bytes `sql` would scan of each table it reads, or `None` when
    /// DataFusion cannot plan it (another dialect, a table the catalog does
    /// not know).
    pub async fn estimate(&self, sql: &str) -> Option<ScanEstimate> {
        let plan = self.ctx.sql(sql).await.ok()?.into_optimized_plan().ok()?;
        let mut scans: BTreeMap<String, i64> = BTreeMap::new();
        let mut unknown = false;
        let _ = plan.apply_with_subqueries(|node| {
            if let LogicalPlan::TableScan(scan) = node {
                let key = format!(
                    "{}.{}",
                    scan.table_name.schema().unwrap_or(NO_SCHEMA),
                    scan.table_name.table()
                )
                .to_lowercase();
                match self.tables.get(&key) {
                    Some((table, widths)) => {
                        let bytes = scanned(table, widths, scan.projection.as_deref());
                        *scans.entry(table.qualified()).or_default() += bytes;
                    }
                    None => unknown = true,
                }
            }
            Ok(TreeNodeRecursion::Continue)
        });
        (!unknown).then(|| scans.into_iter().collect())
    }
}

/// Bytes read of `table` for the columns `projection` names (all when `None`).
fn scanned(table: &TableStats, widths: &[f64], projection: Option<&[usize]>) -> i64 {
    let size = table.size_bytes.unwrap_or(0);
    if !table.columnar() {
        return size;
    }
    let total: f64 = widths.iter().sum();
    if total <= 0.0 {
        return size;
    }
    let read: f64 = match projection {
        None => total,
        // `COUNT(*)` reads no column; engines still read the smallest one or
        // the footers, so charge the narrowest column.
        Some([]) => widths.iter().copied().fold(f64::INFINITY, f64::min),
        Some(columns) => columns.iter().filter_map(|i| widths.get(*i)).sum(),
    };
    (size as f64 * (read / total)).round() as i64
}
