//! Row-group sampling of Parquet tables: a profile of a large table reads whole
//! row groups spread evenly over its files, instead of its first N rows (which
//! are biased towards whatever was written first).

use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::datatypes::{FieldRef, Schema, SchemaRef};
use datafusion::catalog::{Session, TableProvider};
use datafusion::common::{Result, ScalarValue};
use datafusion::datasource::listing::PartitionedFile;
use datafusion::datasource::object_store::ObjectStoreUrl;
use datafusion::datasource::physical_plan::parquet::ParquetAccessPlan;
use datafusion::datasource::physical_plan::{FileGroup, FileScanConfigBuilder, ParquetSource};
use datafusion::datasource::source::DataSourceExec;
use datafusion::datasource::table_schema::TableSchema;
use datafusion::logical_expr::{Expr, TableType};
use datafusion::physical_plan::ExecutionPlan;

/// One Parquet file of a table: where it is and how many rows each row group holds.
#[derive(Debug, Clone)]
pub struct LayoutFile {
    /// Object-store path (no scheme).
    pub path: String,
    pub size: u64,
    /// Values of the table's Hive partition columns, in order.
    pub partition_values: Vec<String>,
    pub row_groups: Vec<i64>,
}

/// A Parquet table as its footers describe it.
#[derive(Debug, Clone)]
pub struct ParquetLayout {
    pub store_url: ObjectStoreUrl,
    /// The table's schema: file columns, then partition columns.
    pub schema: SchemaRef,
    pub partition_columns: Vec<String>,
    pub files: Vec<LayoutFile>,
}

impl ParquetLayout {
    pub fn total_rows(&self) -> i64 {
        self.files.iter().flat_map(|f| &f.row_groups).sum()
    }

    /// Row groups to read for about `target` rows, spread evenly: with n picks
    /// needed, the row groups holding rows (j + 0.5) * total / n are read.
    /// `None` when no strict subset would do (one row group, or a target that
    /// covers the table).
    pub fn choose(&self, target: u64) -> Option<(Vec<Vec<bool>>, i64)> {
        let total = self.total_rows();
        let row_groups = self.files.iter().map(|f| f.row_groups.len()).sum::<usize>();
        if target == 0 || total <= target as i64 || row_groups < 2 {
            return None;
        }
        let average = total as f64 / row_groups as f64;
        let picks = ((target as f64 / average).ceil() as usize).clamp(1, row_groups);
        let stride = total as f64 / picks as f64;
        let mut next = 0usize; // the next point (next + 0.5) * stride to cover
        let mut start = 0i64;
        let mut chosen = 0i64;
        let mut selection = Vec::with_capacity(self.files.len());
        for file in &self.files {
            let mut chosen_here = Vec::with_capacity(file.row_groups.len());
            for &rows in &file.row_groups {
                let end = start + rows;
                let mut pick = false;
                while next < picks && ((next as f64 + 0.5) * stride) < end as f64 {
                    pick = true;
                    next += 1;
                }
                if pick {
                    chosen += rows;
                }
                chosen_here.push(pick);
                start = end;
            }
            selection.push(chosen_here);
        }
        (chosen > 0 && chosen < total).then_some((selection, chosen))
    }
}

/// The chosen row groups of a Parquet table, as a table DataFusion can scan.
#[derive(Debug)]
pub struct SampledParquet {
    layout: ParquetLayout,
    selection: Vec<Vec<bool>>,
    threads: usize,
}

impl SampledParquet {
    pub fn new(layout: ParquetLayout, selection: Vec<Vec<bool>>, threads: usize) -> Self {
        Self {
            layout,
            selection,
            threads: threads.max(1),
        }
    }
}

#[async_trait]
impl TableProvider for SampledParquet {
    fn schema(&self) -> SchemaRef {
        self.layout.schema.clone()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    async fn scan(
        &self,
        _state: &dyn Session,
        projection: Option<&Vec<usize>>,
        _filters: &[Expr],
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let partitions = self.layout.partition_columns.len();
        let fields = self.layout.schema.fields();
        let file_schema = Arc::new(Schema::new(fields[..fields.len() - partitions].to_vec()));
        // The partition fields exactly as the table declares them (type and
        // nullability must match its logical schema).
        let partition_fields: Vec<FieldRef> = fields[fields.len() - partitions..].to_vec();
        let source = ParquetSource::new(
            TableSchema::builder(file_schema)
                .with_table_partition_cols(partition_fields)
                .build(),
        );

        let mut groups: Vec<Vec<PartitionedFile>> = vec![Vec::new(); self.threads];
        let files = self
            .layout
            .files
            .iter()
            .zip(&self.selection)
            .filter(|(_, picks)| picks.iter().any(|p| *p));
        for (i, (file, picks)) in files.enumerate() {
            let mut plan = ParquetAccessPlan::new_none(picks.len());
            for (row_group, pick) in picks.iter().enumerate() {
                if *pick {
                    plan.scan(row_group);
                }
            }
            let values = file
                .partition_values
                .iter()
                .map(|v| ScalarValue::Utf8(Some(v.clone())))
                .collect();
            let partitioned = PartitionedFile::new(file.path.clone(), file.size)
                .with_partition_values(values)
                .with_extension(plan);
            groups[i % self.threads].push(partitioned);
        }
        let groups: Vec<FileGroup> = groups
            .into_iter()
            .filter(|g| !g.is_empty())
            .map(FileGroup::new)
            .collect();
        let config = FileScanConfigBuilder::new(self.layout.store_url.clone(), Arc::new(source))
            .with_file_groups(groups)
            .with_projection_indices(projection.cloned())?
            .with_limit(limit)
            .build();
        Ok(DataSourceExec::from_data_source(config))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(row_groups: &[&[i64]]) -> ParquetLayout {
        ParquetLayout {
            store_url: ObjectStoreUrl::local_filesystem(),
            schema: Arc::new(Schema::empty()),
            partition_columns: Vec::new(),
            files: row_groups
                .iter()
                .map(|rgs| LayoutFile {
                    path: "x".into(),
                    size: 1,
                    partition_values: Vec::new(),
                    row_groups: rgs.to_vec(),
                })
                .collect(),
        }
    }

    #[test]
    fn picks_spread_over_files_and_reach_the_target() {
        let l = layout(&[&[100, 100, 100, 100], &[100, 100, 100, 100]]);
        let (selection, rows) = l.choose(200).unwrap();
        assert_eq!(rows, 200);
        assert_eq!(
            selection,
            [
                vec![false, false, true, false],
                vec![false, false, true, false]
            ]
        );
        let (_, rows) = l.choose(350).unwrap();
        assert!((300..=500).contains(&rows), "{rows}");
        assert!(
            l.choose(800).is_none(),
            "a target covering the table is a full scan"
        );
        assert!(
            layout(&[&[1000]]).choose(10).is_none(),
            "one row group cannot be sampled"
        );
    }
}
