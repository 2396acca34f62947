//! A connection to one source: discovery, schema inspection and profiling,
//! whatever kind of source it is.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use datafusion::catalog::TableProvider;
use datafusion::datasource::file_format::csv::CsvFormat;
use datafusion::datasource::file_format::file_compression_type::FileCompressionType;
use datafusion::datasource::file_format::json::JsonFormat;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::{
    ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl,
};
use datafusion::datasource::object_store::ObjectStoreUrl;
use datafusion::datasource::physical_plan::parquet::metadata::DFParquetMetadata;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::logical_expr::TableType;
use datafusion::prelude::{SessionConfig, SessionContext};
use futures::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectMeta, ObjectStore, ObjectStoreExt};
use percent_encoding::percent_decode_str;
use steward_types::{Sampling, SamplingMethod, Source, SourceKind, TableKind};

use crate::config::WarehouseConfig;
use crate::error::{Result, WarehouseError};
use crate::files::{self, FileFormat, FileTable, ListedFile};
use crate::locate;
use crate::model::{ColumnSnapshot, TableProfile, TableRef, TableSnapshot};
use crate::profile::{self, ProfileOptions};
use crate::sample::{LayoutFile, ParquetLayout, SampledParquet};
use crate::sql_db::{CatalogTable, DbParams, SqlDb};
use crate::sqlite;

/// The env var a database source's password is read from unless the source's
/// `password_env` option names another: `STEWARD_SOURCE_<NAME>_PASSWORD`.
pub fn default_password_env(source_name: &str) -> String {
    let name: String = source_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("STEWARD_SOURCE_{name}_PASSWORD")
}

enum Backend {
    Files {
        store: Arc<dyn ObjectStore>,
        root: ObjectPath,
        url_root: String,
        /// The glob part of a source URL like `/lake/raw/**/*.parquet`, relative to `root`.
        filter: Option<glob::Pattern>,
        tables: HashMap<TableRef, FileTable>,
    },
    Database {
        db: SqlDb,
        catalog: HashMap<TableRef, CatalogTable>,
    },
    Sqlite {
        connections: sqlite::Connections,
        catalog: HashMap<TableRef, CatalogTable>,
    },
}

/// An open connection to one source.
pub struct SourceConnection {
    name: String,
    ctx: SessionContext,
    config: WarehouseConfig,
    backend: Backend,
    providers: Mutex<HashMap<TableRef, Arc<dyn TableProvider>>>,
    /// Row-group layouts of Parquet tables, for sampling.
    layouts: Mutex<HashMap<TableRef, ParquetLayout>>,
}

impl std::fmt::Debug for SourceConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceConnection")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl SourceConnection {
    /// Connects to `source`. Fails when the source cannot be reached at all.
    pub async fn open(source: &Source, config: &WarehouseConfig) -> Result<Self> {
        let threads = config.effective_threads();
        if threads < config.threads {
            tracing::warn!(
                configured = config.threads,
                threads,
                "warehouse.threads capped at the machine's cores"
            );
        }
        let runtime = RuntimeEnvBuilder::new()
            .with_memory_limit(config.memory_limit_mb.max(64) * 1024 * 1024, 1.0)
            .build_arc()
            .map_err(|e| unreachable(source, e))?;
        let session = SessionConfig::new()
            .with_target_partitions(threads)
            .with_information_schema(false);
        let ctx = SessionContext::new_with_config_rt(session, runtime);

        let backend = match source.kind {
            SourceKind::Files => open_files(source, &ctx)?,
            SourceKind::Postgres | SourceKind::Mysql => {
                let params = db_params(source)?;
                let db = if source.kind == SourceKind::Postgres {
                    SqlDb::postgres(&params).await
                } else {
                    SqlDb::mysql(&params).await
                }
                .map_err(|e| unreachable(source, e))?;
                Backend::Database {
                    db,
                    catalog: HashMap::new(),
                }
            }
            SourceKind::Sqlite => {
                let path = sqlite_path(source)?;
                let connections = sqlite::Connections::open(path.clone())
                    .map_err(|e| unreachable(source, format!("{}: {e}", path.display())))?;
                Backend::Sqlite {
                    connections,
                    catalog: HashMap::new(),
                }
            }
        };
        Ok(Self {
            name: source.name.clone(),
            ctx,
            config: config.clone(),
            backend,
            providers: Mutex::new(HashMap::new()),
            layouts: Mutex::new(HashMap::new()),
        })
    }

    /// Lists the source's tables and views.
    pub async fn discover(&mut self) -> Result<Vec<TableRef>> {
        let name = self.name.clone();
        let fail = |e: &dyn std::fmt::Display| WarehouseError::Unreachable {
            source_name: name.clone(),
            reason: e.to_string(),
        };
        match &mut self.backend {
            Backend::Files {
                store,
                root,
                filter,
                tables,
                ..
            } => {
                let mut listed: Vec<ListedFile> = store
                    .list(Some(root))
                    .map_ok(|meta| ListedFile {
                        relative: relative(root, &meta.location),
                        size: meta.size,
                        last_modified: meta.last_modified,
                    })
                    .try_collect()
                    .await
                    .map_err(|e| fail(&e))?;
                if let Some(pattern) = filter {
                    let options = glob::MatchOptions {
                        case_sensitive: true,
                        require_literal_separator: true,
                        require_literal_leading_dot: false,
                    };
                    listed.retain(|f| pattern.matches_with(&f.relative, options));
                }
                *tables = files::discover(&listed)
                    .into_iter()
                    .map(|t| (t.table.clone(), t))
                    .collect();
                let mut refs: Vec<TableRef> = tables.keys().cloned().collect();
                refs.sort();
                Ok(refs)
            }
            Backend::Database { db, catalog } => {
                let found = db.catalog().await.map_err(|e| fail(&e))?;
                *catalog = found.into_iter().map(|t| (t.table.clone(), t)).collect();
                let mut refs: Vec<TableRef> = catalog.keys().cloned().collect();
                refs.sort();
                Ok(refs)
            }
            Backend::Sqlite {
                connections,
                catalog,
            } => {
                let connections = connections.clone();
                let found = tokio::task::spawn_blocking(move || sqlite_catalog(&connections))
                    .await
                    .map_err(|e| fail(&e))?
                    .map_err(|e| fail(&e))?;
                *catalog = found.into_iter().map(|t| (t.table.clone(), t)).collect();
                let mut refs: Vec<TableRef> = catalog.keys().cloned().collect();
                refs.sort();
                Ok(refs)
            }
        }
    }

    /// Reads one table's schema and metadata.
    pub async fn inspect(&self, table: &TableRef) -> Result<TableSnapshot> {
        let fail = |e: &dyn std::fmt::Display| WarehouseError::table(table, e);
        match &self.backend {
            Backend::Files {
                store,
                url_root,
                tables,
                ..
            } => {
                let found = tables
                    .get(table)
                    .ok_or_else(|| WarehouseError::TableNotFound {
                        table: table.display_name(),
                    })?;
                if !found.problems.is_empty() {
                    return Err(fail(&found.problems.join("; ")));
                }
                let format = found.format().ok_or_else(|| fail(&"no data files"))?;
                // An empty file has no schema to read: scanned as it stands it
                // would look like a table whose columns were all removed.
                if found.files.iter().all(|f| f.size == 0) {
                    let names: Vec<&str> =
                        found.files.iter().map(|f| f.relative.as_str()).collect();
                    return Err(fail(&format!(
                        "`{}` is empty (0 bytes); the last good scan is kept",
                        names.join("`, `")
                    )));
                }
                // Footers first: they give the row count, and a corrupt one is
                // reported by file name before any reader trips over it.
                let layout_files = match format {
                    FileFormat::Parquet => Some(
                        parquet_layout(store, url_root, found)
                            .await
                            .map_err(|e| fail(&e))?,
                    ),
                    _ => None,
                };
                let provider = match self.file_table(found, format, url_root).await {
                    Ok(provider) => provider,
                    Err(e) => return Err(self.located(table, &e).await),
                };
                let schema = provider.schema();
                if schema.fields().len() == found.partition_columns.len() {
                    return Err(fail(&format!(
                        "no columns could be read from `{}` (a file without a header or any \
                         record?); the last good scan is kept",
                        found
                            .files
                            .first()
                            .map(|f| f.relative.as_str())
                            .unwrap_or("")
                    )));
                }
                let mut row_count = None;
                if let Some(files) = layout_files {
                    let layout = ParquetLayout {
                        store_url: store_url(url_root).map_err(|e| fail(&e))?,
                        schema: schema.clone(),
                        partition_columns: found.partition_columns.clone(),
                        files,
                    };
                    row_count = Some(layout.total_rows());
                    if let Ok(mut layouts) = self.layouts.lock() {
                        layouts.insert(table.clone(), layout);
                    }
                }
                let columns = schema
                    .fields()
                    .iter()
                    .map(|f| ColumnSnapshot {
                        name: f.name().clone(),
                        data_type: f.data_type().to_string(),
                        nullable: f.is_nullable(),
                        comment: None,
                        primary_key: false,
                    })
                    .collect();
                self.remember(table, provider);
                Ok(TableSnapshot {
                    table: table.clone(),
                    description: None,
                    columns,
                    partition_columns: found.partition_columns.clone(),
                    format: Some(format.name().to_string()),
                    file_count: Some(found.files.len() as i64),
                    size_bytes: Some(found.size_bytes()),
                    row_count,
                    last_modified: found.last_modified(),
                    view_sql: None,
                    grouping: found.grouping.clone(),
                })
            }
            Backend::Database { db, catalog } => {
                let entry = catalog
                    .get(table)
                    .ok_or_else(|| WarehouseError::TableNotFound {
                        table: table.display_name(),
                    })?;
                let provider = db.table_provider(table).await.map_err(|e| fail(&e))?;
                let snapshot = snapshot_from_catalog(entry, &provider);
                self.remember(table, provider);
                Ok(snapshot)
            }
            Backend::Sqlite {
                connections,
                catalog,
            } => {
                let entry = catalog
                    .get(table)
                    .ok_or_else(|| WarehouseError::TableNotFound {
                        table: table.display_name(),
                    })?;
                let (pool, name) = (connections.clone(), table.name.clone());
                let schema = tokio::task::spawn_blocking(move || {
                    let conn = pool.get()?;
                    sqlite::table_schema(&conn, &name).map(|(schema, _)| schema)
                })
                .await
                .map_err(|e| fail(&e))?
                .map_err(|e| fail(&e))?;
                let table_type = if table.kind == TableKind::View {
                    TableType::View
                } else {
                    TableType::Base
                };
                let provider: Arc<dyn TableProvider> = Arc::new(sqlite::SqliteTable::new(
                    connections.clone(),
                    table.name.clone(),
                    schema,
                    table_type,
                ));
                let snapshot = snapshot_from_catalog(entry, &provider);
                self.remember(table, provider);
                Ok(snapshot)
            }
        }
    }

    /// Profiles a table inspected before. Values in the result are raw.
    pub async fn profile(
        &self,
        snapshot: &TableSnapshot,
        options: &ProfileOptions,
    ) -> Result<TableProfile> {
        let table = &snapshot.table;
        let provider = self
            .providers
            .lock()
            .map_err(|_| WarehouseError::table(table, "provider cache poisoned"))?
            .get(table)
            .cloned()
            .ok_or_else(|| WarehouseError::table(table, "profiled before it was inspected"))?;
        // Large Parquet tables are sampled by whole row groups spread over the
        // table; other sources by LIMIT push-down (inside `profile::profile`).
        let layout = self.layouts.lock().ok().and_then(|l| l.get(table).cloned());
        let row_groups = match (layout, options.sample_rows) {
            (Some(layout), Some(target)) => {
                let total = layout.total_rows();
                layout.choose(target).map(|(selection, rows)| {
                    let sampled =
                        SampledParquet::new(layout, selection, self.config.effective_threads());
                    (
                        Arc::new(sampled) as Arc<dyn TableProvider>,
                        rows as f64 / total as f64,
                    )
                })
            }
            _ => None,
        };
        let result = match row_groups {
            Some((sampled, fraction)) => profile::profile(&self.ctx, sampled, None, options)
                .await
                .map(|mut p| {
                    p.sampling = Sampling {
                        method: SamplingMethod::RowGroups,
                        fraction,
                    };
                    p
                }),
            None => profile::profile(&self.ctx, provider, snapshot.row_count, options).await,
        };
        match result {
            Ok(profile) => Ok(profile),
            Err(e) => Err(self.located(table, &e).await),
        }
    }

    /// A read error of a file table, replaced by where the first bad record
    /// really is when its files, read again, show one (the readers' own
    /// messages count lines within a chunk and may name no file).
    async fn located(
        &self,
        table: &TableRef,
        error: &(dyn std::fmt::Display + Sync),
    ) -> WarehouseError {
        if let Backend::Files {
            store,
            url_root,
            tables,
            ..
        } = &self.backend
            && let Some(found) = tables.get(table)
            && let Some(format) = found.format()
        {
            let locate = |relative: &str| object_location(url_root, relative).ok();
            if let Some(place) = locate::first_bad_record(store, &locate, found, format).await {
                return WarehouseError::table(table, place);
            }
            if format == FileFormat::Parquet
                && let Some(place) = self.first_bad_row_group(table, found).await
            {
                return WarehouseError::table(table, place);
            }
        }
        WarehouseError::table(table, error)
    }

    /// The first row group of a Parquet table that does not decode, read one
    /// at a time (every column: a corrupt page is found only by decoding it).
    async fn first_bad_row_group(&self, table: &TableRef, found: &FileTable) -> Option<String> {
        let layout = self.layouts.lock().ok()?.get(table).cloned()?;
        for (f, file) in layout.files.iter().enumerate() {
            for group in 0..file.row_groups.len() {
                let selection: Vec<Vec<bool>> = layout
                    .files
                    .iter()
                    .enumerate()
                    .map(|(i, other)| {
                        (0..other.row_groups.len())
                            .map(|g| i == f && g == group)
                            .collect()
                    })
                    .collect();
                let provider = SampledParquet::new(layout.clone(), selection, 1);
                let read = async {
                    let mut stream = self
                        .ctx
                        .read_table(Arc::new(provider))?
                        .execute_stream()
                        .await?;
                    while let Some(batch) = stream.next().await {
                        batch?;
                    }
                    Ok::<(), datafusion::error::DataFusionError>(())
                };
                if let Err(e) = read.await {
                    // The layout lists the table's files in their order.
                    let name = found
                        .files
                        .get(f)
                        .map_or(file.path.as_str(), |l| &l.relative);
                    return Some(format!(
                        "`{name}` row group {group} (of {}): {e}",
                        file.row_groups.len()
                    ));
                }
            }
        }
        None
    }

    /// Profile options from the config, with a per-scan row limit.
    pub fn profile_options(&self, sample_rows: Option<u64>) -> ProfileOptions {
        ProfileOptions {
            sample_rows: Some(sample_rows.unwrap_or(self.config.sample_rows)),
            top_k: self.config.top_k,
            sample_values: self.config.sample_values,
            columns_per_pass: columns_per_pass(self.config.memory_limit_mb),
        }
    }

    /// The table as DataFusion reads it (inspected first when it was not).
    /// Call `discover` before.
    pub async fn table_provider(&self, table: &TableRef) -> Result<Arc<dyn TableProvider>> {
        let cached = self
            .providers
            .lock()
            .ok()
            .and_then(|p| p.get(table).cloned());
        if let Some(provider) = cached {
            return Ok(provider);
        }
        self.inspect(table).await?;
        self.providers
            .lock()
            .ok()
            .and_then(|p| p.get(table).cloned())
            .ok_or_else(|| WarehouseError::table(table, "no reader for the table"))
    }

    /// Lets `ctx` read this source's files (an S3 bucket's store is
    /// registered on the connection's own session only).
    pub fn share_stores(&self, ctx: &SessionContext) {
        self.share_stores_with(&ctx.runtime_env());
    }

    /// Lets a session of `runtime` read this source's files.
    pub fn share_stores_with(&self, runtime: &datafusion::execution::runtime_env::RuntimeEnv) {
        if let Backend::Files {
            store, url_root, ..
        } = &self.backend
            && let Some(rest) = url_root.strip_prefix("s3://")
            && let Ok(bucket) =
                url::Url::parse(&format!("s3://{}", rest.split('/').next().unwrap_or(rest)))
        {
            runtime.register_object_store(&bucket, Arc::clone(store));
        }
    }

    fn remember(&self, table: &TableRef, provider: Arc<dyn TableProvider>) {
        if let Ok(mut providers) = self.providers.lock() {
            providers.insert(table.clone(), provider);
        }
    }

    async fn file_table(
        &self,
        table: &FileTable,
        format: FileFormat,
        url_root: &str,
    ) -> datafusion::error::Result<Arc<dyn TableProvider>> {
        let first = table
            .files
            .first()
            .map(|f| f.relative.as_str())
            .unwrap_or_default();
        let extension = format.extension(first);
        let infer = self.config.schema_infer_rows;
        let file_format: Arc<dyn datafusion::datasource::file_format::FileFormat> = match format {
            FileFormat::Parquet => Arc::new(ParquetFormat::default()),
            FileFormat::Csv { gzip } => Arc::new(
                CsvFormat::default()
                    .with_has_header(true)
                    .with_delimiter(if extension.contains("tsv") {
                        b'\t'
                    } else {
                        b','
                    })
                    .with_schema_infer_max_rec(infer)
                    .with_file_compression_type(if gzip {
                        FileCompressionType::GZIP
                    } else {
                        FileCompressionType::UNCOMPRESSED
                    }),
            ),
            FileFormat::Json { gzip } => Arc::new(
                JsonFormat::default()
                    .with_schema_infer_max_rec(infer)
                    .with_file_compression_type(if gzip {
                        FileCompressionType::GZIP
                    } else {
                        FileCompressionType::UNCOMPRESSED
                    }),
            ),
        };
        let partition_cols = table
            .partition_columns
            .iter()
            .map(|k| (k.clone(), datafusion::arrow::datatypes::DataType::Utf8))
            .collect();
        let options = ListingOptions::new(file_format)
            .with_file_extension(extension)
            .with_table_partition_cols(partition_cols);
        // Partitioned tables are read as their folder (DataFusion takes the
        // partition values from the paths); others as exactly their files.
        let urls = if table.partition_columns.is_empty() {
            table
                .files
                .iter()
                .map(|f| ListingTableUrl::parse(join_url(url_root, &f.relative)))
                .collect::<datafusion::error::Result<Vec<_>>>()?
        } else {
            vec![ListingTableUrl::parse(format!(
                "{}/",
                join_url(url_root, &table.folder)
            ))?]
        };
        let config = ListingTableConfig::new_with_multi_paths(urls)
            .with_listing_options(options)
            .infer_schema(&self.ctx.state())
            .await?;
        Ok(Arc::new(ListingTable::try_new(config)?))
    }
}

fn unreachable(source: &Source, e: impl std::fmt::Display) -> WarehouseError {
    WarehouseError::Unreachable {
        source_name: source.name.clone(),
        reason: e.to_string(),
    }
}

fn relative(root: &ObjectPath, location: &ObjectPath) -> String {
    match location.prefix_match(root) {
        Some(parts) => parts
            .map(|p| p.as_ref().to_string())
            .collect::<Vec<_>>()
            .join("/"),
        None => location.to_string(),
    }
}

fn join_url(root: &str, relative: &str) -> String {
    if relative.is_empty() {
        root.trim_end_matches('/').to_string()
    } else {
        format!("{}/{}", root.trim_end_matches('/'), relative)
    }
}

/// A file lake: local folder or `s3://bucket/prefix`.
fn open_files(source: &Source, ctx: &SessionContext) -> Result<Backend> {
    let invalid = |reason: String| WarehouseError::InvalidUrl {
        url: source.url.clone(),
        reason,
    };
    if let Some(rest) = source.url.strip_prefix("s3://") {
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(invalid("no bucket".into()));
        }
        let option = |k: &str| source.options.get(k).cloned();
        let env = |k: &str, default: &str| {
            std::env::var(option(k).unwrap_or_else(|| default.to_string())).ok()
        };
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
        if let Some(endpoint) = option("endpoint") {
            builder = builder
                .with_allow_http(endpoint.starts_with("http://"))
                .with_endpoint(endpoint);
        }
        if let Some(region) = option("region") {
            builder = builder.with_region(region);
        }
        // Public buckets (and local test servers) take unsigned requests.
        if option("anonymous").as_deref() == Some("true") {
            builder = builder.with_skip_signature(true);
        }
        if let Some(key) = env("access_key_id_env", "AWS_ACCESS_KEY_ID") {
            builder = builder.with_access_key_id(key);
        }
        if let Some(secret) = env("secret_access_key_env", "AWS_SECRET_ACCESS_KEY") {
            builder = builder.with_secret_access_key(secret);
        }
        let store: Arc<dyn ObjectStore> =
            Arc::new(builder.build().map_err(|e| unreachable(source, e))?);
        let bucket_url =
            url::Url::parse(&format!("s3://{bucket}")).map_err(|e| invalid(e.to_string()))?;
        ctx.register_object_store(&bucket_url, store.clone());
        let (prefix, filter) = split_glob(prefix.trim_end_matches('/'));
        let filter = glob_pattern(filter).map_err(invalid)?;
        Ok(Backend::Files {
            store,
            root: ObjectPath::from(prefix.as_str()),
            url_root: format!("s3://{bucket}/{prefix}"),
            filter,
            tables: HashMap::new(),
        })
    } else {
        let path = source.url.strip_prefix("file://").unwrap_or(&source.url);
        let (path, filter) = split_glob(path);
        let filter = glob_pattern(filter).map_err(invalid)?;
        let path = PathBuf::from(path);
        if !path.is_absolute() {
            return Err(invalid("a local lake needs an absolute path".into()));
        }
        if !path.is_dir() {
            return Err(unreachable(
                source,
                format!("`{}` is not a readable folder", path.display()),
            ));
        }
        let root = ObjectPath::from_filesystem_path(&path).map_err(|e| invalid(e.to_string()))?;
        Ok(Backend::Files {
            store: Arc::new(LocalFileSystem::new()),
            root,
            url_root: format!("file://{}", path.display()),
            filter,
            tables: HashMap::new(),
        })
    }
}

/// Splits `/lake/raw/**/*.parquet` into the folder to list (`/lake/raw`) and the
/// glob the listed paths must match below it (`**/*.parquet`).
fn split_glob(path: &str) -> (String, Option<String>) {
    let segments: Vec<&str> = path.split('/').collect();
    match segments.iter().position(|s| s.contains(['*', '?', '['])) {
        Some(i) => (segments[..i].join("/"), Some(segments[i..].join("/"))),
        None => (path.to_string(), None),
    }
}

fn glob_pattern(glob: Option<String>) -> std::result::Result<Option<glob::Pattern>, String> {
    glob.map(|g| glob::Pattern::new(&g).map_err(|e| format!("bad glob `{g}`: {e}")))
        .transpose()
}

fn sqlite_path(source: &Source) -> Result<PathBuf> {
    let rest = source
        .url
        .strip_prefix("sqlite://")
        .or_else(|| source.url.strip_prefix("sqlite:"))
        .ok_or_else(|| WarehouseError::InvalidUrl {
            url: source.url.clone(),
            reason: "expected sqlite:///PATH".into(),
        })?;
    let path = PathBuf::from(rest.split('?').next().unwrap_or(rest));
    if !path.is_absolute() {
        return Err(WarehouseError::InvalidUrl {
            url: source.url.clone(),
            reason: "expected an absolute path".into(),
        });
    }
    Ok(path)
}

/// Host, user, database and password of a database source. The password never
/// comes from the URL (which is stored): it is read from an env var.
fn db_params(source: &Source) -> Result<DbParams> {
    let invalid = |reason: String| WarehouseError::InvalidUrl {
        url: steward_types::redact_url(&source.url),
        reason,
    };
    let url = url::Url::parse(&source.url).map_err(|e| invalid(e.to_string()))?;
    if url.password().is_some() {
        return Err(invalid(format!(
            "passwords do not belong in source URLs; set {} or name another env var in the source's `password_env` option",
            default_password_env(&source.name)
        )));
    }
    let password_env = source
        .options
        .get("password_env")
        .cloned()
        .unwrap_or_else(|| default_password_env(&source.name));
    // URLs carry user and database names percent-encoded (`a%40b` for `a@b`).
    let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
    let user = if url.username().is_empty() {
        if source.kind == SourceKind::Postgres {
            "postgres".to_string()
        } else {
            "root".to_string()
        }
    } else {
        decode(url.username())
    };
    let database = decode(url.path().trim_start_matches('/'));
    Ok(DbParams {
        host: url.host_str().unwrap_or("localhost").to_string(),
        port: url.port(),
        user,
        password: std::env::var(&password_env).ok(),
        database: (!database.is_empty()).then_some(database),
        sslmode: source.options.get("sslmode").cloned(),
    })
}

fn snapshot_from_catalog(entry: &CatalogTable, provider: &Arc<dyn TableProvider>) -> TableSnapshot {
    let schema = provider.schema();
    let columns = schema
        .fields()
        .iter()
        .map(|f| {
            let known = entry.columns.iter().find(|c| &c.name == f.name());
            ColumnSnapshot {
                name: f.name().clone(),
                data_type: f.data_type().to_string(),
                nullable: known.map_or(f.is_nullable(), |c| c.nullable),
                comment: known.and_then(|c| c.comment.clone()),
                primary_key: known.is_some_and(|c| c.primary_key),
            }
        })
        .collect();
    TableSnapshot {
        table: entry.table.clone(),
        description: entry.comment.clone(),
        columns,
        partition_columns: Vec::new(),
        format: None,
        file_count: None,
        size_bytes: entry.size_bytes,
        row_count: entry.row_estimate,
        last_modified: None,
        view_sql: entry.view_sql.clone(),
        grouping: None,
    }
}

/// Tables and views of a SQLite file, with exact row counts (cheap for the
/// operational databases SQLite holds), sizes and primary keys.
fn sqlite_catalog(connections: &sqlite::Connections) -> rusqlite::Result<Vec<CatalogTable>> {
    let conn = connections.get()?;
    let mut statement = conn.prepare(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )?;
    let objects: Vec<(String, String, Option<String>)> = statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut tables = Vec::new();
    for (kind, name, sql) in objects {
        let (_, columns) = sqlite::table_schema(&conn, &name)?;
        let is_view = kind == "view";
        let rows = if is_view {
            None
        } else {
            conn.query_row(
                &format!("SELECT COUNT(*) FROM {}", sqlite::quote(&name)),
                [],
                |r| r.get::<_, i64>(0),
            )
            .ok()
        };
        let size_bytes = if is_view {
            None
        } else {
            sqlite_table_size(&conn, &name)
        };
        tables.push(CatalogTable {
            table: TableRef {
                schema: None,
                name,
                kind: if is_view {
                    TableKind::View
                } else {
                    TableKind::Table
                },
            },
            comment: None,
            view_sql: if is_view { sql } else { None },
            size_bytes,
            row_estimate: rows,
            columns,
        });
    }
    Ok(tables)
}

/// The bytes of a SQLite table's pages and its indexes' (what
/// `pg_total_relation_size` counts on PostgreSQL), from the `dbstat` virtual
/// table, which the bundled SQLite is built with. A SQLite built without it
/// gives no size (unknown, not zero) rather than a guess.
fn sqlite_table_size(conn: &rusqlite::Connection, table: &str) -> Option<i64> {
    conn.query_row(
        "SELECT SUM(pgsize) FROM dbstat WHERE aggregate = TRUE AND name IN \
         (SELECT name FROM sqlite_master WHERE tbl_name = ?1 AND type IN ('table', 'index'))",
        [table],
        |r| r.get::<_, Option<i64>>(0),
    )
    .ok()
    .flatten()
}

/// Columns profiled in one pass. DataFusion's memory pool accounts for
/// aggregation state but not for the decoded batches a scan holds, which grow
/// with the table's width: a 2,000-column table read in one pass took 1.4 GB
/// with a 256 MB limit. Roughly 2 MiB per column per pass (a batch of 8,192
/// values, its casts and lengths, and the distinct and top-values summaries
/// per thread) keeps a pass within the limit; passes read only their columns.
fn columns_per_pass(memory_limit_mb: usize) -> usize {
    (memory_limit_mb.max(64) / 2).max(16)
}

/// Each Parquet file's row groups, read from its footer (checked first).
async fn parquet_layout(
    store: &Arc<dyn ObjectStore>,
    url_root: &str,
    table: &FileTable,
) -> std::result::Result<Vec<LayoutFile>, Box<dyn std::error::Error + Send + Sync>> {
    let mut files = Vec::with_capacity(table.files.len());
    for file in &table.files {
        let location = object_location(url_root, &file.relative)?;
        check_parquet_footer(store.as_ref(), &location, file.size)
            .await
            .map_err(|e| format!("`{}`: {e}", file.relative))?;
        let meta = ObjectMeta {
            location: location.clone(),
            last_modified: file.last_modified,
            size: file.size,
            e_tag: None,
            version: None,
        };
        let metadata = DFParquetMetadata::new(store.as_ref(), &meta)
            .fetch_metadata()
            .await
            .map_err(|e| format!("`{}`: {e}", file.relative))?;
        // `k=v` folders between the table's folder and the file, in order.
        let below = file
            .relative
            .strip_prefix(&table.folder)
            .unwrap_or(&file.relative);
        let partition_values = below
            .split('/')
            .filter_map(|segment| segment.split_once('=').map(|(_, v)| v.to_string()))
            .collect();
        files.push(LayoutFile {
            path: location.to_string(),
            size: file.size,
            partition_values,
            row_groups: metadata
                .row_groups()
                .iter()
                .map(|rg| rg.num_rows())
                .collect(),
        });
    }
    Ok(files)
}

/// The object store URL DataFusion knows a lake's files by.
fn store_url(url_root: &str) -> datafusion::error::Result<ObjectStoreUrl> {
    match url_root.strip_prefix("s3://") {
        Some(rest) => {
            ObjectStoreUrl::parse(format!("s3://{}", rest.split('/').next().unwrap_or(rest)))
        }
        None => Ok(ObjectStoreUrl::local_filesystem()),
    }
}

/// Checks a Parquet file's trailer (metadata length and `PAR1` magic) against
/// its size. The parquet reader panics on some corrupt lengths instead of
/// returning an error, so a bad file must not reach it.
async fn check_parquet_footer(
    store: &dyn ObjectStore,
    location: &ObjectPath,
    size: u64,
) -> std::result::Result<(), String> {
    const MAGIC: &[u8] = b"PAR1";
    if size < 12 {
        return Err(format!("not a Parquet file: {size} bytes is too short"));
    }
    let tail = store
        .get_range(location, size - 8..size)
        .await
        .map_err(|e| e.to_string())?;
    if &tail[4..8] != MAGIC {
        return Err("not a Parquet file: no PAR1 magic at the end".to_string());
    }
    let metadata_len = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if metadata_len + 12 > size {
        return Err(format!(
            "corrupt Parquet footer: metadata of {metadata_len} bytes in a {size}-byte file"
        ));
    }
    Ok(())
}

/// The object-store path of a file below the root URL.
fn object_location(
    url_root: &str,
    relative: &str,
) -> std::result::Result<ObjectPath, Box<dyn std::error::Error + Send + Sync>> {
    if let Some(local) = url_root.strip_prefix("file://") {
        Ok(ObjectPath::from_filesystem_path(
            std::path::Path::new(local).join(relative),
        )?)
    } else {
        let rest = url_root.strip_prefix("s3://").unwrap_or(url_root);
        let prefix = rest.split_once('/').map_or("", |(_, p)| p);
        Ok(ObjectPath::from(
            join_url(prefix, relative).trim_start_matches('/'),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_split_into_folder_and_pattern() {
        assert_eq!(split_glob("/lake/raw"), ("/lake/raw".to_string(), None));
        assert_eq!(
            split_glob("/lake/raw/**/*.parquet"),
            ("/lake/raw".to_string(), Some("**/*.parquet".to_string()))
        );
        assert_eq!(
            split_glob("prefix/x?.csv"),
            ("prefix".to_string(), Some("x?.csv".to_string()))
        );
        assert_eq!(
            default_password_env("sales-db"),
            "STEWARD_SOURCE_SALES_DB_PASSWORD"
        );
    }

    #[test]
    fn database_urls_decode_user_and_database_names() {
        let source = Source {
            name: "db".to_string(),
            kind: SourceKind::Postgres,
            url: "postgres://svc+read%40corp@db.internal:6432/sales%20eu".to_string(),
            options: Default::default(),
            description: None,
            scanned_at: None,
            scan_error: None,
        };
        let params = db_params(&source).unwrap();
        assert_eq!(params.user, "svc+read@corp");
        assert_eq!(params.database.as_deref(), Some("sales eu"));
        assert_eq!(
            (params.host.as_str(), params.port),
            ("db.internal", Some(6432))
        );
    }
}
