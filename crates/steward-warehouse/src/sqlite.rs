//! SQLite sources, read-only. datafusion-table-providers' SQLite pool opens files
//! read-write (switching them to WAL) and infers column types from the first
//! row's values, so a NULL there loses the column; this reader opens the file
//! read-only and types columns from their declared types instead.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use datafusion::arrow::array::{
    ArrayRef, BinaryBuilder, BooleanBuilder, Float64Builder, Int64Builder, StringBuilder,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::catalog::{Session, TableProvider};
use datafusion::common::{DataFusionError, Result as DfResult};
use datafusion::execution::TaskContext;
use datafusion::logical_expr::{Expr, TableType};
use datafusion::physical_plan::stream::RecordBatchReceiverStream;
use datafusion::physical_plan::streaming::{PartitionStream, StreamingTableExec};
use datafusion::physical_plan::{ExecutionPlan, SendableRecordBatchStream};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use crate::sql_db::CatalogColumn;

const BATCH_ROWS: usize = 8192;

/// Opens a database file read-only; a missing file is an error, never created.
pub fn open(path: &Path) -> rusqlite::Result<Connection> {
    Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )
}

/// Idle connections kept per file: enough for a scan's concurrent reads.
const KEPT: usize = 4;

/// Read-only connections to one database file, reused. A new connection
/// parses the file's whole schema at its first statement, so opening one per
/// query made scanning a file of N tables cost O(N²) (2,000 tables: 94 s).
#[derive(Debug, Clone)]
pub struct Connections {
    path: PathBuf,
    idle: Arc<Mutex<Vec<Connection>>>,
}

impl Connections {
    /// Connections to `path`; the first is opened now, so a missing or
    /// unreadable file fails here.
    pub fn open(path: PathBuf) -> rusqlite::Result<Self> {
        let first = open(&path)?;
        Ok(Self {
            path,
            idle: Arc::new(Mutex::new(vec![first])),
        })
    }

    /// An idle connection, or a new one; it returns to the pool when dropped.
    pub fn get(&self) -> rusqlite::Result<Pooled> {
        let reused = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let conn = match reused {
            Some(conn) => conn,
            None => open(&self.path)?,
        };
        Ok(Pooled {
            conn: Some(conn),
            home: self.idle.clone(),
        })
    }
}

/// A connection of [`Connections`], given back when dropped.
pub struct Pooled {
    conn: Option<Connection>,
    home: Arc<Mutex<Vec<Connection>>>,
}

impl std::ops::Deref for Pooled {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.conn
            .as_ref()
            .expect("a pooled connection is there until dropped")
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        if let (Some(conn), Ok(mut idle)) = (self.conn.take(), self.home.lock())
            && idle.len() < KEPT
        {
            idle.push(conn);
        }
    }
}

/// Quotes an identifier for SQLite.
pub fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

/// The Arrow type for a declared column type, by SQLite's affinity rules.
pub fn arrow_type(declared: &str) -> DataType {
    let t = declared.to_ascii_uppercase();
    if t.contains("BOOL") {
        DataType::Boolean
    } else if t.contains("INT") {
        DataType::Int64
    } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
        DataType::Utf8
    } else if t.contains("BLOB") {
        DataType::Binary
    } else if t.contains("REAL")
        || t.contains("FLOA")
        || t.contains("DOUB")
        || t.contains("NUMERIC")
        || t.contains("DECIMAL")
    {
        DataType::Float64
    } else {
        // No or unknown declared type (dates are text in SQLite): read as text.
        DataType::Utf8
    }
}

/// A table or view of a SQLite file, streamed in batches from a blocking thread.
#[derive(Debug)]
pub struct SqliteTable {
    connections: Connections,
    table: String,
    schema: SchemaRef,
    table_type: TableType,
}

impl SqliteTable {
    pub fn new(
        connections: Connections,
        table: String,
        schema: SchemaRef,
        table_type: TableType,
    ) -> Self {
        Self {
            connections,
            table,
            schema,
            table_type,
        }
    }
}

#[async_trait]
impl TableProvider for SqliteTable {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn table_type(&self) -> TableType {
        self.table_type
    }

    async fn scan(
        &self,
        _state: &dyn Session,
        projection: Option<&Vec<usize>>,
        _filters: &[Expr],
        limit: Option<usize>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        let projected = match projection {
            Some(p) => Arc::new(self.schema.project(p)?),
            None => self.schema.clone(),
        };
        let partition = SqlitePartition {
            connections: self.connections.clone(),
            table: self.table.clone(),
            schema: projected.clone(),
            limit,
        };
        Ok(Arc::new(StreamingTableExec::try_new(
            projected,
            vec![Arc::new(partition)],
            None,
            Vec::new(),
            false,
            limit,
        )?))
    }
}

#[derive(Debug)]
struct SqlitePartition {
    connections: Connections,
    table: String,
    schema: SchemaRef,
    limit: Option<usize>,
}

impl PartitionStream for SqlitePartition {
    fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    fn execute(&self, _ctx: Arc<TaskContext>) -> SendableRecordBatchStream {
        let mut builder = RecordBatchReceiverStream::builder(self.schema.clone(), 2);
        let tx = builder.tx();
        let (connections, table, schema, limit) = (
            self.connections.clone(),
            self.table.clone(),
            self.schema.clone(),
            self.limit,
        );
        builder.spawn_blocking(move || {
            let result = read(&connections, &table, &schema, limit, |batch| {
                tx.blocking_send(Ok(batch)).is_ok()
            });
            if let Err(e) = result {
                let _ = tx.blocking_send(Err(DataFusionError::External(e)));
            }
            Ok(())
        });
        builder.build()
    }
}

/// Reads rows into batches, handing each to `emit` until it returns false.
fn read(
    connections: &Connections,
    table: &str,
    schema: &SchemaRef,
    limit: Option<usize>,
    mut emit: impl FnMut(RecordBatch) -> bool,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let conn = connections.get()?;
    let columns: Vec<String> = schema.fields().iter().map(|f| quote(f.name())).collect();
    let select = if columns.is_empty() {
        "1".to_string()
    } else {
        columns.join(", ")
    };
    let mut sql = format!("SELECT {select} FROM {}", quote(table));
    if let Some(n) = limit {
        sql.push_str(&format!(" LIMIT {n}"));
    }
    let mut statement = conn.prepare(&sql)?;
    let mut rows = statement.query([])?;
    let mut builders: Vec<ColumnBuilder> = schema
        .fields()
        .iter()
        .map(|f| ColumnBuilder::new(f.data_type()))
        .collect();
    let mut in_batch = 0usize;
    while let Some(row) = rows.next()? {
        for (i, builder) in builders.iter_mut().enumerate() {
            builder.push(row.get_ref(i)?);
        }
        in_batch += 1;
        if in_batch == BATCH_ROWS {
            if !emit(finish(schema, &mut builders, in_batch)?) {
                return Ok(());
            }
            in_batch = 0;
        }
    }
    if in_batch > 0 || schema.fields().is_empty() {
        emit(finish(schema, &mut builders, in_batch)?);
    }
    Ok(())
}

fn finish(
    schema: &SchemaRef,
    builders: &mut [ColumnBuilder],
    rows: usize,
) -> Result<RecordBatch, datafusion::arrow::error::ArrowError> {
    let arrays: Vec<ArrayRef> = builders.iter_mut().map(ColumnBuilder::finish).collect();
    let options =
        datafusion::arrow::record_batch::RecordBatchOptions::new().with_row_count(Some(rows));
    RecordBatch::try_new_with_options(schema.clone(), arrays, &options)
}

/// Appends SQLite values to an Arrow column of the declared type. A value of
/// another storage class is converted where it can be (SQLite does not enforce
/// types) and read as null where it cannot.
enum ColumnBuilder {
    Int(Int64Builder),
    Float(Float64Builder),
    Bool(BooleanBuilder),
    Text(StringBuilder),
    Blob(BinaryBuilder),
}

impl ColumnBuilder {
    fn new(data_type: &DataType) -> Self {
        match data_type {
            DataType::Int64 => Self::Int(Int64Builder::new()),
            DataType::Float64 => Self::Float(Float64Builder::new()),
            DataType::Boolean => Self::Bool(BooleanBuilder::new()),
            DataType::Binary => Self::Blob(BinaryBuilder::new()),
            _ => Self::Text(StringBuilder::new()),
        }
    }

    fn push(&mut self, value: ValueRef<'_>) {
        match self {
            Self::Int(b) => b.append_option(match value {
                ValueRef::Integer(i) => Some(i),
                ValueRef::Real(f) if f.fract() == 0.0 => Some(f as i64),
                ValueRef::Text(t) => std::str::from_utf8(t)
                    .ok()
                    .and_then(|s| s.trim().parse().ok()),
                _ => None,
            }),
            Self::Float(b) => b.append_option(match value {
                ValueRef::Integer(i) => Some(i as f64),
                ValueRef::Real(f) => Some(f),
                ValueRef::Text(t) => std::str::from_utf8(t)
                    .ok()
                    .and_then(|s| s.trim().parse().ok()),
                _ => None,
            }),
            Self::Bool(b) => b.append_option(match value {
                ValueRef::Integer(i) => Some(i != 0),
                ValueRef::Text(t) => match t.to_ascii_lowercase().as_slice() {
                    b"true" | b"t" | b"1" | b"yes" => Some(true),
                    b"false" | b"f" | b"0" | b"no" => Some(false),
                    _ => None,
                },
                _ => None,
            }),
            Self::Text(b) => match value {
                ValueRef::Null => b.append_null(),
                ValueRef::Integer(i) => b.append_value(i.to_string()),
                ValueRef::Real(f) => b.append_value(f.to_string()),
                ValueRef::Text(t) => b.append_value(String::from_utf8_lossy(t)),
                ValueRef::Blob(x) => b.append_value(String::from_utf8_lossy(x)),
            },
            Self::Blob(b) => match value {
                ValueRef::Null => b.append_null(),
                ValueRef::Blob(x) | ValueRef::Text(x) => b.append_value(x),
                ValueRef::Integer(i) => b.append_value(i.to_le_bytes()),
                ValueRef::Real(f) => b.append_value(f.to_le_bytes()),
            },
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Self::Int(b) => Arc::new(b.finish()),
            Self::Float(b) => Arc::new(b.finish()),
            Self::Bool(b) => Arc::new(b.finish()),
            Self::Text(b) => Arc::new(b.finish()),
            Self::Blob(b) => Arc::new(b.finish()),
        }
    }
}

/// A table's Arrow schema from its declared column types, with primary-key flags.
pub fn table_schema(
    conn: &Connection,
    table: &str,
) -> rusqlite::Result<(SchemaRef, Vec<CatalogColumn>)> {
    let mut statement = conn.prepare(&format!("PRAGMA table_info({})", quote(table)))?;
    // (name, declared type, notnull, pk)
    let columns: Vec<(String, String, bool, bool)> = statement
        .query_map([], |row| {
            Ok((
                row.get(1)?,
                row.get::<_, Option<String>>(2)?.unwrap_or_default(),
                row.get::<_, i64>(3)? != 0,
                row.get::<_, i64>(5)? > 0,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    // A primary key is never null in practice (an INTEGER PRIMARY KEY is the
    // rowid), though SQLite's pragma reports it as nullable.
    let fields: Vec<Field> = columns
        .iter()
        .map(|(name, declared, notnull, pk)| {
            Field::new(name, arrow_type(declared), !notnull && !pk)
        })
        .collect();
    let flags = columns
        .into_iter()
        .map(|(name, _, notnull, pk)| CatalogColumn {
            name,
            nullable: !notnull && !pk,
            comment: None,
            primary_key: pk,
        })
        .collect();
    Ok((Arc::new(Schema::new(fields)), flags))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_map_by_affinity() {
        assert_eq!(arrow_type("INTEGER"), DataType::Int64);
        assert_eq!(arrow_type("bigint"), DataType::Int64);
        assert_eq!(arrow_type("VARCHAR(255)"), DataType::Utf8);
        assert_eq!(arrow_type("DOUBLE PRECISION"), DataType::Float64);
        assert_eq!(arrow_type("DECIMAL(10,2)"), DataType::Float64);
        assert_eq!(arrow_type("BOOLEAN"), DataType::Boolean);
        assert_eq!(arrow_type("BLOB"), DataType::Binary);
        assert_eq!(arrow_type("DATE"), DataType::Utf8);
        assert_eq!(arrow_type(""), DataType::Utf8);
        assert_eq!(quote("we\"ird"), "\"we\"\"ird\"");
    }
}
