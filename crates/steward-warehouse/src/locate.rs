//! Where a data error really is. DataFusion's readers name a line relative to
//! the chunk they were decoding (a ragged row on line 501 of a file is
//! reported as line 54), JSON schema inference names no file, and a corrupt
//! Parquet page names neither file nor row group. When reading a file table
//! fails, its files are read again here, streamed in bounded memory, and the
//! first bad record is named by file and real line (or row group).

use std::io::Write;
use std::sync::Arc;

use futures::StreamExt;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt};

use crate::files::{FileFormat, FileTable};

/// The first bad record of the table's files, in words: "`raw/a.csv` line
/// 501: expected 3 fields as in the header, found 2". `None` when every file
/// reads cleanly here (the error was of another kind).
pub(crate) async fn first_bad_record(
    store: &Arc<dyn ObjectStore>,
    locate: &(dyn Fn(&str) -> Option<ObjectPath> + Sync),
    table: &FileTable,
    format: FileFormat,
) -> Option<String> {
    for file in &table.files {
        let location = locate(&file.relative)?;
        let found = match format {
            FileFormat::Csv { gzip } => {
                let delimiter = if format.extension(&file.relative).contains("tsv") {
                    b'\t'
                } else {
                    b','
                };
                let mut check = CsvCheck::new(delimiter);
                read_lines(store, &location, gzip, &mut |bytes| check.feed(bytes))
                    .await
                    .and_then(|()| check.finish())
            }
            FileFormat::Json { gzip } => {
                let mut check = JsonLinesCheck::default();
                read_lines(store, &location, gzip, &mut |bytes| check.feed(bytes))
                    .await
                    .and_then(|()| check.finish())
            }
            // Parquet is read row group by row group through DataFusion
            // (`SourceConnection::located`).
            FileFormat::Parquet => return None,
        };
        if let Err(problem) = found {
            return Some(format!("`{}` {problem}", file.relative));
        }
    }
    None
}

/// Streams a file's bytes (gunzipped when needed) into `feed`, which stops
/// the reading at the first problem it finds.
async fn read_lines(
    store: &Arc<dyn ObjectStore>,
    location: &ObjectPath,
    gzip: bool,
    feed: &mut (dyn FnMut(&[u8]) -> Result<(), String> + Send),
) -> Result<(), String> {
    let mut stream = store
        .get(location)
        .await
        .map_err(|e| format!("cannot be read: {e}"))?
        .into_stream();
    let mut gunzip = gzip.then(|| flate2::write::GzDecoder::new(Vec::new()));
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| format!("cannot be read: {e}"))?;
        match gunzip.as_mut() {
            Some(decoder) => {
                decoder
                    .write_all(&chunk)
                    .map_err(|e| format!("is not valid gzip: {e}"))?;
                let out = std::mem::take(decoder.get_mut());
                feed(&out)?;
            }
            None => feed(&chunk)?,
        }
    }
    if let Some(decoder) = gunzip {
        let rest = decoder
            .finish()
            .map_err(|e| format!("is not valid gzip: {e}"))?;
        feed(&rest)?;
    }
    Ok(())
}

/// A CSV file checked record by record: every record has the header's number
/// of fields and is UTF-8. Quoted fields may span lines; lines are counted
/// from the file's start (the header is line 1).
struct CsvCheck {
    reader: csv_core::Reader,
    output: Vec<u8>,
    ends: Vec<usize>,
    /// Bytes of the record being read so far, and fields ended so far.
    out_len: usize,
    ends_len: usize,
    record_line: u64,
    header_fields: Option<usize>,
}

impl CsvCheck {
    fn new(delimiter: u8) -> Self {
        Self {
            reader: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            output: vec![0; 4096],
            ends: vec![0; 64],
            out_len: 0,
            ends_len: 0,
            record_line: 1,
            header_fields: None,
        }
    }

    fn feed(&mut self, mut input: &[u8]) -> Result<(), String> {
        loop {
            let (result, read, written, ended) = self.reader.read_record(
                input,
                &mut self.output[self.out_len..],
                &mut self.ends[self.ends_len..],
            );
            input = &input[read..];
            self.out_len += written;
            self.ends_len += ended;
            match result {
                csv_core::ReadRecordResult::InputEmpty => return Ok(()),
                csv_core::ReadRecordResult::OutputFull => {
                    let grown = self.output.len() * 2;
                    self.output.resize(grown, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let grown = self.ends.len() * 2;
                    self.ends.resize(grown, 0);
                }
                csv_core::ReadRecordResult::Record => self.record()?,
                csv_core::ReadRecordResult::End => return Ok(()),
            }
        }
    }

    fn record(&mut self) -> Result<(), String> {
        let line = self.record_line;
        let fields = self.ends_len;
        let bytes = &self.output[..self.out_len];
        let blank = fields == 1 && bytes.is_empty();
        self.record_line = self.reader.line();
        self.out_len = 0;
        self.ends_len = 0;
        if blank {
            return Ok(());
        }
        if let Err(e) = std::str::from_utf8(bytes) {
            return Err(format!(
                "line {line}: invalid UTF-8 after byte {} of the record",
                e.valid_up_to()
            ));
        }
        match self.header_fields {
            None => self.header_fields = Some(fields),
            Some(expected) if expected != fields => {
                return Err(format!(
                    "line {line}: {fields} field(s) where the header has {expected}"
                ));
            }
            Some(_) => {}
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), String> {
        // An empty input tells the reader the file ended: the last record
        // (without a final newline) comes out.
        self.feed(&[])
    }
}

/// Newline-delimited JSON checked line by line: each line one JSON value,
/// nested no deeper than the JSON reader accepts.
#[derive(Default)]
struct JsonLinesCheck {
    pending: Vec<u8>,
    line: u64,
}

impl JsonLinesCheck {
    fn feed(&mut self, input: &[u8]) -> Result<(), String> {
        self.pending.extend_from_slice(input);
        let mut start = 0;
        while let Some(at) = self.pending[start..].iter().position(|b| *b == b'\n') {
            let end = start + at;
            self.line += 1;
            check_json_line(&self.pending[start..end], self.line)?;
            start = end + 1;
        }
        self.pending.drain(..start);
        Ok(())
    }

    fn finish(&mut self) -> Result<(), String> {
        if !self.pending.is_empty() {
            self.line += 1;
            let rest = std::mem::take(&mut self.pending);
            check_json_line(&rest, self.line)?;
        }
        Ok(())
    }
}

fn check_json_line(line: &[u8], number: u64) -> Result<(), String> {
    let trimmed = line.trim_ascii();
    if trimmed.is_empty() {
        return Ok(());
    }
    if std::str::from_utf8(trimmed).is_err() {
        return Err(format!("line {number}: invalid UTF-8"));
    }
    serde_json::from_slice::<serde_json::Value>(trimmed).map_err(|e| {
        // serde_json counts within the line; the line is the file's.
        let what = e.to_string();
        let what = what.split(" at line ").next().unwrap_or(&what).to_string();
        format!("line {number}, column {}: {what}", e.column())
    })?;
    Ok(())
}
