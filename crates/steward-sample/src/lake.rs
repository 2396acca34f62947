//! Writing files in the lake's formats (Parquet, CSV, gzipped NDJSON, text),
//! counting what was written for the summary.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, StringArray,
    TimestampMicrosecondArray,
};
use datafusion::arrow::csv::WriterBuilder as CsvWriterBuilder;
use datafusion::arrow::error::ArrowError;
use datafusion::arrow::json::writer::LineDelimited;
use datafusion::arrow::json::{LineDelimitedWriter, WriterBuilder as JsonWriterBuilder};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use flate2::Compression;
use flate2::write::GzEncoder;

use crate::SampleError;

/// The columns of one file, in order; each remembers whether it may be null.
#[derive(Debug, Default)]
pub struct Columns(Vec<(&'static str, ArrayRef, bool)>);

impl Columns {
    fn push(mut self, name: &'static str, array: ArrayRef, nullable: bool) -> Self {
        self.0.push((name, array, nullable));
        self
    }

    pub fn int(self, name: &'static str, values: impl IntoIterator<Item = i64>) -> Self {
        self.push(name, Arc::new(Int64Array::from_iter_values(values)), false)
    }

    pub fn opt_int(
        self,
        name: &'static str,
        values: impl IntoIterator<Item = Option<i64>>,
    ) -> Self {
        self.push(name, Arc::new(Int64Array::from_iter(values)), true)
    }

    pub fn float(self, name: &'static str, values: impl IntoIterator<Item = f64>) -> Self {
        self.push(
            name,
            Arc::new(Float64Array::from_iter_values(values)),
            false,
        )
    }

    pub fn boolean(self, name: &'static str, values: impl IntoIterator<Item = bool>) -> Self {
        let values: Vec<bool> = values.into_iter().collect();
        self.push(name, Arc::new(BooleanArray::from(values)), false)
    }

    pub fn text<S: AsRef<str>>(
        self,
        name: &'static str,
        values: impl IntoIterator<Item = S>,
    ) -> Self {
        self.push(name, Arc::new(StringArray::from_iter_values(values)), false)
    }

    pub fn opt_text<S: AsRef<str>>(
        self,
        name: &'static str,
        values: impl IntoIterator<Item = Option<S>>,
    ) -> Self {
        self.push(name, Arc::new(StringArray::from_iter(values)), true)
    }

    /// Arrow `Date32` (days since 1970-01-01).
    pub fn date(self, name: &'static str, values: impl IntoIterator<Item = i32>) -> Self {
        self.push(name, Arc::new(Date32Array::from_iter_values(values)), false)
    }

    /// Microsecond timestamps in UTC.
    pub fn timestamp(self, name: &'static str, micros: impl IntoIterator<Item = i64>) -> Self {
        let array = TimestampMicrosecondArray::from_iter_values(micros).with_timezone("UTC");
        self.push(name, Arc::new(array), false)
    }

    pub fn opt_timestamp(
        self,
        name: &'static str,
        micros: impl IntoIterator<Item = Option<i64>>,
    ) -> Self {
        let array = TimestampMicrosecondArray::from_iter(micros).with_timezone("UTC");
        self.push(name, Arc::new(array), true)
    }

    fn batch(self) -> Result<RecordBatch, ArrowError> {
        RecordBatch::try_from_iter_with_nullable(self.0)
    }
}

/// Writes under the generation root and counts files and rows.
#[derive(Debug)]
pub struct Sink {
    root: PathBuf,
    pub files: usize,
    pub rows: u64,
}

impl Sink {
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            files: 0,
            rows: 0,
        }
    }

    /// The full path of `rel`, its parent folders created.
    pub fn path(&self, rel: &str) -> Result<PathBuf, SampleError> {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| SampleError::io(parent, e))?;
        }
        Ok(path)
    }

    fn create(&self, rel: &str) -> Result<(PathBuf, BufWriter<File>), SampleError> {
        let path = self.path(rel)?;
        let file = File::create(&path).map_err(|e| SampleError::io(&path, e))?;
        Ok((path, BufWriter::new(file)))
    }

    /// Records a file written by someone else (the SQLite database).
    pub fn count(&mut self, rows: u64) {
        self.files += 1;
        self.rows += rows;
    }

    pub fn parquet(&mut self, rel: &str, columns: Columns) -> Result<(), SampleError> {
        let (path, out) = self.create(rel)?;
        let batch = columns.batch().map_err(|e| SampleError::arrow(&path, e))?;
        let parquet = |e| SampleError::Parquet {
            path: path.clone(),
            source: e,
        };
        // Default properties: the `created_by` they stamp names the parquet
        // version only, so the bytes are stable for a given build.
        let mut writer = ArrowWriter::try_new(out, batch.schema(), None).map_err(parquet)?;
        writer.write(&batch).map_err(parquet)?;
        writer.close().map_err(parquet)?;
        self.count(batch.num_rows() as u64);
        Ok(())
    }

    pub fn csv(&mut self, rel: &str, columns: Columns) -> Result<(), SampleError> {
        let (path, out) = self.create(rel)?;
        let batch = columns.batch().map_err(|e| SampleError::arrow(&path, e))?;
        let mut writer = CsvWriterBuilder::new().with_header(true).build(out);
        writer
            .write(&batch)
            .map_err(|e| SampleError::arrow(&path, e))?;
        writer
            .into_inner()
            .flush()
            .map_err(|e| SampleError::io(&path, e))?;
        self.count(batch.num_rows() as u64);
        Ok(())
    }

    /// Newline-delimited JSON, gzipped. Nulls are written as `null` rather than
    /// dropped, as most event pipelines do.
    pub fn ndjson_gz(&mut self, rel: &str, columns: Columns) -> Result<(), SampleError> {
        let (path, out) = self.create(rel)?;
        let batch = columns.batch().map_err(|e| SampleError::arrow(&path, e))?;
        // The gzip header's mtime stays 0, so the bytes do not depend on the clock.
        let gz = GzEncoder::new(out, Compression::fast());
        let mut writer: LineDelimitedWriter<_> = JsonWriterBuilder::new()
            .with_explicit_nulls(true)
            .build::<_, LineDelimited>(gz);
        writer
            .write(&batch)
            .map_err(|e| SampleError::arrow(&path, e))?;
        writer.finish().map_err(|e| SampleError::arrow(&path, e))?;
        writer
            .into_inner()
            .finish()
            .and_then(|mut out| out.flush())
            .map_err(|e| SampleError::io(&path, e))?;
        self.count(batch.num_rows() as u64);
        Ok(())
    }

    pub fn text(&mut self, rel: &str, content: &str, rows: u64) -> Result<(), SampleError> {
        let path = self.path(rel)?;
        fs::write(&path, content).map_err(|e| SampleError::io(&path, e))?;
        self.count(rows);
        Ok(())
    }
}
