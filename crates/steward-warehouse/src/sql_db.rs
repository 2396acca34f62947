//! PostgreSQL and MySQL/MariaDB sources through datafusion-table-providers:
//! table providers with filter and LIMIT push-down for profiling, and the
//! database's own catalog for tables, views, comments and primary keys.

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::catalog::TableProvider;
use datafusion::common::TableReference;
use datafusion_table_providers::UnsupportedTypeAction;
use datafusion_table_providers::mysql::MySQLTableFactory;
use datafusion_table_providers::mysql::pool::MySQLConnectionPool;
use datafusion_table_providers::postgres::PostgresTableFactory;
use datafusion_table_providers::postgres::pool::PostgresConnectionPool;
use datafusion_table_providers::sql::db_connection_pool::dbconnection::AsyncDbConnection;
use futures::TryStreamExt;
use secrecy::SecretString;
use steward_types::TableKind;

use crate::model::TableRef;

/// What the database's catalog says about one table or view.
#[derive(Debug, Clone)]
pub struct CatalogTable {
    pub table: TableRef,
    pub comment: Option<String>,
    pub view_sql: Option<String>,
    pub row_estimate: Option<i64>,
    pub size_bytes: Option<i64>,
    /// In column order.
    pub columns: Vec<CatalogColumn>,
}

/// What the database's catalog says about one column.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogColumn {
    pub name: String,
    pub nullable: bool,
    pub comment: Option<String>,
    pub primary_key: bool,
}

/// Connection parameters read from a source URL and its options.
#[derive(Debug, Clone)]
pub struct DbParams {
    pub host: String,
    pub port: Option<u16>,
    pub user: String,
    pub password: Option<String>,
    pub database: Option<String>,
    pub sslmode: Option<String>,
}

pub enum SqlDb {
    Postgres {
        pool: Arc<PostgresConnectionPool>,
        factory: PostgresTableFactory,
    },
    Mysql {
        pool: Arc<MySQLConnectionPool>,
        factory: MySQLTableFactory,
        database: Option<String>,
    },
}

impl std::fmt::Debug for SqlDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Postgres { .. } => "SqlDb::Postgres",
            Self::Mysql { .. } => "SqlDb::Mysql",
        })
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn is_loopback(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "::1" | "[::1]")
}

/// How one driver spells its connection parameters.
struct Dialect {
    port_key: &'static str,
    /// TLS off, for loopback, and the default elsewhere.
    ssl_off: &'static str,
    ssl_default: &'static str,
    extra: &'static [(&'static str, &'static str)],
}

// libpq's own default is `prefer`; MySQL's `preferred` in this driver means TLS
// without verification, so `required` is the honest default off loopback.
const POSTGRES: Dialect = Dialect {
    port_key: "port",
    ssl_off: "disable",
    ssl_default: "prefer",
    extra: &[
        ("connection_pool_size", "2"),
        ("application_name", "steward"),
    ],
};
const MYSQL: Dialect = Dialect {
    port_key: "tcp_port",
    ssl_off: "disabled",
    ssl_default: "required",
    extra: &[("pool_min", "1"), ("pool_max", "2")],
};

/// The driver's parameter map; the password only ever lives in a `SecretString`.
fn connection_params(p: &DbParams, dialect: &Dialect) -> HashMap<String, SecretString> {
    let sslmode = p.sslmode.clone().unwrap_or_else(|| {
        let mode = if is_loopback(&p.host) {
            dialect.ssl_off
        } else {
            dialect.ssl_default
        };
        mode.to_string()
    });
    let mut params = vec![
        ("host", p.host.clone()),
        ("user", p.user.clone()),
        ("sslmode", sslmode.to_ascii_lowercase()),
    ];
    params.extend(dialect.extra.iter().map(|(k, v)| (*k, v.to_string())));
    if let Some(port) = p.port {
        params.push((dialect.port_key, port.to_string()));
    }
    if let Some(db) = &p.database {
        params.push(("db", db.clone()));
    }
    if let Some(pass) = &p.password {
        params.push(("pass", pass.clone()));
    }
    params
        .into_iter()
        .map(|(k, v)| (k.to_string(), SecretString::from(v)))
        .collect()
}

impl SqlDb {
    pub async fn postgres(p: &DbParams) -> Result<Self, BoxError> {
        let pool = PostgresConnectionPool::new(connection_params(p, &POSTGRES))
            .await?
            // jsonb, arrays of composites and the like profile as text instead of failing the table.
            .with_unsupported_type_action(UnsupportedTypeAction::String);
        let pool = Arc::new(pool);
        Ok(Self::Postgres {
            factory: PostgresTableFactory::new(pool.clone()),
            pool,
        })
    }

    pub async fn mysql(p: &DbParams) -> Result<Self, BoxError> {
        let pool = Arc::new(MySQLConnectionPool::new(connection_params(p, &MYSQL)).await?);
        Ok(Self::Mysql {
            factory: MySQLTableFactory::new(pool.clone()),
            pool,
            database: p.database.clone(),
        })
    }

    pub async fn table_provider(
        &self,
        table: &TableRef,
    ) -> Result<Arc<dyn TableProvider>, BoxError> {
        let reference = match &table.schema {
            Some(schema) => TableReference::partial(schema.as_str(), table.name.as_str()),
            None => TableReference::bare(table.name.as_str()),
        };
        match self {
            Self::Postgres { factory, .. } => factory.table_provider(reference).await,
            Self::Mysql { factory, .. } => factory.table_provider(reference).await,
        }
    }

    async fn query(&self, sql: &str) -> Result<Vec<RecordBatch>, BoxError> {
        match self {
            Self::Postgres { pool, .. } => {
                let conn = pool.connect_direct().await?;
                let stream = conn.query_arrow(sql, &[], None).await?;
                Ok(stream.try_collect().await?)
            }
            Self::Mysql { pool, .. } => {
                let conn = pool.connect_direct().await?;
                let stream = conn.query_arrow(sql, &[], None).await?;
                Ok(stream.try_collect().await?)
            }
        }
    }

    /// Tables and views with their comments, definitions and columns.
    pub async fn catalog(&self) -> Result<Vec<CatalogTable>, BoxError> {
        let (tables_sql, columns_sql) = match self {
            Self::Postgres { .. } => (PG_TABLES.to_string(), PG_COLUMNS.to_string()),
            Self::Mysql { database, .. } => {
                let filter = match database {
                    // Identifiers cannot be bound here; the name comes from the source URL
                    // and is quoted as a string literal.
                    Some(db) => format!("= '{}'", db.replace('\\', "\\\\").replace('\'', "''")),
                    None => "NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')"
                        .to_string(),
                };
                (
                    MY_TABLES.replace("{filter}", &filter),
                    MY_COLUMNS.replace("{filter}", &filter),
                )
            }
        };
        let tables = Rows::new(self.query(&tables_sql).await?)?;
        let columns = Rows::new(self.query(&columns_sql).await?)?;

        let mut by_table: HashMap<(String, String), Vec<CatalogColumn>> = HashMap::new();
        for i in 0..columns.len() {
            let key = (
                columns.text("table_schema", i).unwrap_or_default(),
                columns.text("table_name", i).unwrap_or_default(),
            );
            by_table.entry(key).or_default().push(CatalogColumn {
                name: columns.text("column_name", i).unwrap_or_default(),
                nullable: columns.flag("nullable", i),
                comment: columns.text("comment", i).filter(|c| !c.is_empty()),
                primary_key: columns.flag("is_pk", i),
            });
        }
        let mut out = Vec::new();
        for i in 0..tables.len() {
            let schema = tables.text("table_schema", i).unwrap_or_default();
            let name = tables.text("table_name", i).unwrap_or_default();
            let kind = match tables.text("kind", i).as_deref() {
                Some("view") => TableKind::View,
                _ => TableKind::Table,
            };
            out.push(CatalogTable {
                columns: by_table
                    .remove(&(schema.clone(), name.clone()))
                    .unwrap_or_default(),
                table: TableRef {
                    schema: Some(schema),
                    name,
                    kind,
                },
                comment: tables.text("comment", i).filter(|c| !c.is_empty()),
                view_sql: tables.text("view_sql", i).map(|s| s.trim().to_string()),
                row_estimate: tables.int("row_estimate", i).filter(|n| *n >= 0),
                size_bytes: tables.int("size_bytes", i),
            });
        }
        out.sort_by(|a, b| a.table.cmp(&b.table));
        Ok(out)
    }
}

// Casts to text: information_schema's domain types have no Arrow mapping.
const PG_TABLES: &str = "\
SELECT n.nspname::text AS table_schema, c.relname::text AS table_name,
       CASE WHEN c.relkind IN ('v', 'm') THEN 'view' ELSE 'table' END AS kind,
       obj_description(c.oid, 'pg_class') AS comment,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END AS view_sql,
       CASE WHEN c.relkind IN ('r', 'p') AND c.reltuples >= 0 THEN c.reltuples::int8 END AS row_estimate,
       CASE WHEN c.relkind IN ('r', 'p', 'm') THEN pg_total_relation_size(c.oid)::int8 END AS size_bytes
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
ORDER BY 1, 2";

const PG_COLUMNS: &str = "\
SELECT n.nspname::text AS table_schema, c.relname::text AS table_name, a.attname::text AS column_name,
       CASE WHEN a.attnotnull THEN 0 ELSE 1 END AS nullable,
       col_description(c.oid, a.attnum) AS comment,
       CASE WHEN EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary
                         AND a.attnum = ANY (i.indkey)) THEN 1 ELSE 0 END AS is_pk
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1, 2, a.attnum";

const MY_TABLES: &str = "\
SELECT t.TABLE_SCHEMA AS table_schema, t.TABLE_NAME AS table_name,
       CASE WHEN t.TABLE_TYPE = 'VIEW' THEN 'view' ELSE 'table' END AS kind,
       t.TABLE_COMMENT AS comment, v.VIEW_DEFINITION AS view_sql,
       CAST(t.TABLE_ROWS AS SIGNED) AS row_estimate,
       CAST(t.DATA_LENGTH + t.INDEX_LENGTH AS SIGNED) AS size_bytes
FROM information_schema.TABLES t
LEFT JOIN information_schema.VIEWS v ON v.TABLE_SCHEMA = t.TABLE_SCHEMA AND v.TABLE_NAME = t.TABLE_NAME
WHERE t.TABLE_SCHEMA {filter}
ORDER BY 1, 2";

const MY_COLUMNS: &str = "\
SELECT TABLE_SCHEMA AS table_schema, TABLE_NAME AS table_name, COLUMN_NAME AS column_name,
       CASE WHEN IS_NULLABLE = 'YES' THEN 1 ELSE 0 END AS nullable,
       COLUMN_COMMENT AS comment,
       CASE WHEN COLUMN_KEY = 'PRI' THEN 1 ELSE 0 END AS is_pk
FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA {filter}
ORDER BY 1, 2, ORDINAL_POSITION";

/// Catalog query results read by column name, whatever Arrow types the driver
/// chose. An empty result comes back without columns, so every read tolerates that.
struct Rows {
    columns: HashMap<String, Arc<dyn Array>>,
    len: usize,
}

impl Rows {
    fn new(batches: Vec<RecordBatch>) -> Result<Self, BoxError> {
        let batches: Vec<RecordBatch> = batches.into_iter().filter(|b| b.num_rows() > 0).collect();
        let Some(first) = batches.first() else {
            return Ok(Self {
                columns: HashMap::new(),
                len: 0,
            });
        };
        let schema = first.schema();
        let batch = datafusion::arrow::compute::concat_batches(&schema, &batches)?;
        let mut columns = HashMap::new();
        for (i, field) in schema.fields().iter().enumerate() {
            let column = batch.column(i);
            let text = cast(column, &DataType::Utf8)?;
            columns.insert(field.name().to_ascii_lowercase(), text);
        }
        Ok(Self {
            columns,
            len: batch.num_rows(),
        })
    }

    fn len(&self) -> usize {
        self.len
    }

    fn text(&self, column: &str, row: usize) -> Option<String> {
        let array = self.columns.get(column)?;
        let strings = array.as_string::<i32>();
        strings
            .is_valid(row)
            .then(|| strings.value(row).to_string())
    }

    fn int(&self, column: &str, row: usize) -> Option<i64> {
        self.text(column, row)?
            .trim()
            .parse::<f64>()
            .ok()
            .map(|v| v as i64)
    }

    fn flag(&self, column: &str, row: usize) -> bool {
        matches!(self.text(column, row).as_deref(), Some("1" | "true" | "t"))
    }
}
