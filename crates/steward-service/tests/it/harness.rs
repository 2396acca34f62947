use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use datafusion::prelude::SessionContext;
use steward_service::{
    ScanEvent, ScanOptions, ScanReport, TableDetail, add_source, new_source, scan, table_detail,
};
use steward_store::{OpenMode, Store, StoreConfig};
use steward_warehouse::WarehouseConfig;

/// A catalog in a temp folder, with a scratch area for source data.
pub struct World {
    pub store: Store,
    pub dir: tempfile::TempDir,
    pub config: WarehouseConfig,
}

impl World {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("catalog.db").display());
        let store = Store::open(&url, &StoreConfig::default(), OpenMode::Create)
            .await
            .unwrap();
        let config = WarehouseConfig {
            threads: 2,
            ..WarehouseConfig::default()
        };
        Self { store, dir, config }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub async fn add(&self, name: &str, url: &str, options: &[(&str, &str)]) {
        let options: BTreeMap<String, String> = options
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let source = new_source(name, url, options, None).unwrap();
        add_source(&self.store, &source).await.unwrap();
    }

    pub async fn scan(&self, source: &str) -> (ScanReport, Vec<ScanEvent>) {
        self.scan_with(source, &ScanOptions::default()).await
    }

    pub async fn scan_with(
        &self,
        source: &str,
        options: &ScanOptions,
    ) -> (ScanReport, Vec<ScanEvent>) {
        let mut events = Vec::new();
        let report = scan(&self.store, &self.config, Some(source), options, &mut |e| {
            events.push(e)
        })
        .await
        .unwrap();
        (report, events)
    }

    pub async fn detail(&self, table: &str) -> TableDetail {
        table_detail(&self.store, table).await.unwrap()
    }
}

/// Writes files with DataFusion's own COPY, so test data is real Parquet/CSV/JSON.
pub async fn copy(sql_values: &str, target: &Path, format: &str, partition_by: Option<&str>) {
    let ctx = SessionContext::new();
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    let partition = partition_by.map_or(String::new(), |p| format!(" PARTITIONED BY ({p})"));
    let sql = format!(
        "COPY ({sql_values}) TO '{}' STORED AS {format}{partition}",
        target.display()
    );
    ctx.sql(&sql).await.unwrap().collect().await.unwrap();
}

pub fn column<'a>(detail: &'a TableDetail, name: &str) -> &'a steward_service::ColumnDetail {
    detail
        .columns
        .iter()
        .find(|c| c.column.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no column `{name}` in {:?}",
                detail
                    .columns
                    .iter()
                    .map(|c| &c.column.name)
                    .collect::<Vec<_>>()
            )
        })
}

pub use steward_testing::env_url;

/// A configuration on one thread with its catalog in `dir/.steward`, for a
/// test to adjust before `open_catalog`.
pub fn test_config(dir: &Path) -> steward_config::Loaded {
    let mut config = steward_config::StewardConfig {
        data_dir: dir.join(".steward"),
        ..steward_config::StewardConfig::default()
    };
    config.warehouse.threads = 1;
    config.search.threads = 1;
    steward_config::Loaded {
        config,
        file: None,
        base_dir: dir.to_path_buf(),
    }
}

/// Creates the catalog `loaded` names and opens it.
pub async fn open_catalog(loaded: &steward_config::Loaded) -> steward_service::Steward {
    std::fs::create_dir_all(&loaded.config.data_dir).unwrap();
    steward_service::create_catalog(loaded).await.unwrap();
    steward_service::Steward::open(loaded).await.unwrap()
}

/// A new catalog in `dir` with the test configuration, opened.
pub async fn new_catalog(dir: &Path) -> steward_service::Steward {
    open_catalog(&test_config(dir)).await
}
