//! File lakes: finding tables in a listing of files, and registering them with
//! DataFusion.
//!
//! Discovery rules, applied to every data file's path below the source root:
//! - `key=value` folders are Hive partitions of the table above them.
//! - Files whose names differ only in a trailing number set apart by `-`, `_`
//!   or `.` (`events-001`, `sales_2024_01`), or that are named like parts
//!   (`part-00001.parquet`, `data_0.csv`, `000000_0`, a UUID), make up one
//!   table named after their folder; any other file is a table of its own,
//!   named after the file (`r10.csv` and `r300.csv` are two tables). Files
//!   numbered alike but of different formats make one table per format
//!   (`events_csv`, `events_parquet`); part files of mixed formats are a
//!   problem of their table.
//! - The folders above a table are its schema, joined with `.` (`raw`, `mart.finance`).
//! - Hidden and bookkeeping files (`.x`, `_SUCCESS`, `_delta_log/`) are ignored.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use steward_types::TableKind;

use crate::model::TableRef;

/// A file format Steward reads, with its compression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileFormat {
    Parquet,
    Csv { gzip: bool },
    Json { gzip: bool },
}

impl FileFormat {
    /// The format a file name says, if it is a data file.
    pub fn of(file_name: &str) -> Option<(Self, &str)> {
        let lower = file_name.to_ascii_lowercase();
        let (gzip, base_len) = match lower.strip_suffix(".gz") {
            Some(base) => (true, base.len()),
            None => (false, lower.len()),
        };
        let base = &lower[..base_len];
        let (format, ext) = if base.ends_with(".parquet") && !gzip {
            (Self::Parquet, ".parquet")
        } else if base.ends_with(".csv") {
            (Self::Csv { gzip }, ".csv")
        } else if base.ends_with(".tsv") {
            (Self::Csv { gzip }, ".tsv")
        } else if base.ends_with(".ndjson") {
            (Self::Json { gzip }, ".ndjson")
        } else if base.ends_with(".jsonl") {
            (Self::Json { gzip }, ".jsonl")
        } else if base.ends_with(".json") {
            (Self::Json { gzip }, ".json")
        } else {
            return None;
        };
        Some((format, &file_name[..base_len - ext.len()]))
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Parquet => "parquet",
            Self::Csv { .. } => "csv",
            Self::Json { .. } => "json",
        }
    }

    /// The extension DataFusion should filter a table folder's files by.
    pub fn extension(self, file_name: &str) -> String {
        let lower = file_name.to_ascii_lowercase();
        let ext_start = match self {
            Self::Parquet => lower.rfind(".parquet"),
            _ => {
                let base = lower.strip_suffix(".gz").unwrap_or(&lower);
                base.rfind('.')
            }
        };
        ext_start.map_or_else(String::new, |i| lower[i..].to_string())
    }
}

/// One object in a listing, its path relative to the source root.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedFile {
    pub relative: String,
    pub size: u64,
    pub last_modified: DateTime<Utc>,
}

/// A table found in a listing: its files and what they say about it.
#[derive(Debug, Clone, PartialEq)]
pub struct FileTable {
    pub table: TableRef,
    /// Folder of the table relative to the root (empty for files at the root).
    pub folder: String,
    pub files: Vec<ListedFile>,
    pub formats: Vec<FileFormat>,
    /// Partition keys in folder order.
    pub partition_columns: Vec<String>,
    /// Problems that make the table unreadable as one (mixed formats, partitions).
    pub problems: Vec<String>,
    /// Why several files were read as this one table, in words.
    pub grouping: Option<String>,
}

impl FileTable {
    pub fn size_bytes(&self) -> i64 {
        self.files.iter().map(|f| f.size as i64).sum()
    }

    pub fn last_modified(&self) -> Option<DateTime<Utc>> {
        self.files.iter().map(|f| f.last_modified).max()
    }

    /// The one format of the table's files.
    pub fn format(&self) -> Option<FileFormat> {
        match self.formats.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }
}

fn is_partition(segment: &str) -> Option<&str> {
    let (key, value) = segment.split_once('=')?;
    (!key.is_empty() && !value.is_empty()).then_some(key)
}

fn is_hidden(segment: &str) -> bool {
    segment.starts_with('.') || segment.starts_with('_')
}

/// A file stem reduced to what its siblings in the same table share.
fn family(stem: &str) -> String {
    let lower = stem.to_ascii_lowercase();
    let looks_like_uuid = lower.len() >= 32
        && lower.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        && lower.chars().filter(|c| c.is_ascii_hexdigit()).count() >= 32;
    // Spark and friends: `part-00000-<uuid>-c000`, `data_0`.
    let numbered_part = ["part", "data", "chunk"].iter().any(|p| {
        lower
            .strip_prefix(p)
            .and_then(|rest| rest.trim_start_matches(['-', '_', '.']).chars().next())
            .is_some_and(|c| c.is_ascii_digit())
    });
    if looks_like_uuid || numbered_part {
        return String::new();
    }
    // Only a trailing number set apart by a separator (a date, a sequence)
    // marks files of one table: `events_2024_01` and `events-002` belong
    // together; `t001_orders` and `t009_orders`, and `r10` and `r300` (a
    // number that is part of the name), are different tables.
    let family =
        lower.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_' || c == '.');
    let glued = !family.is_empty()
        && family.len() < lower.len()
        && lower[family.len()..].starts_with(|c: char| c.is_ascii_digit());
    if glued {
        return lower;
    }
    match family {
        "part" | "data" | "chunk" | "file" | "" => String::new(),
        other => other.to_string(),
    }
}

/// Groups a listing into tables (see the module docs for the rules).
pub fn discover(files: &[ListedFile]) -> Vec<FileTable> {
    // (folder, family) -> table under construction; the family of part files and
    // of anything below a partition folder is "".
    let mut groups: BTreeMap<(String, String), FileTable> = BTreeMap::new();
    // How many distinct file stems each (folder, family) has, to name single files.
    let mut stems: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();

    for file in files {
        let segments: Vec<&str> = file.relative.split('/').filter(|s| !s.is_empty()).collect();
        let Some((file_name, dirs)) = segments.split_last() else {
            continue;
        };
        if segments.iter().any(|s| is_hidden(s)) {
            continue;
        }
        let Some((format, stem)) = FileFormat::of(file_name) else {
            continue;
        };
        let first_partition = dirs.iter().position(|d| is_partition(d).is_some());
        let (table_dirs, partition_dirs) = dirs.split_at(first_partition.unwrap_or(dirs.len()));
        let folder = table_dirs.join("/");
        let partitioned = !partition_dirs.is_empty();
        let fam = if partitioned {
            String::new()
        } else {
            family(stem)
        };
        let key = (folder.clone(), fam.clone());
        let keys: Vec<String> = partition_dirs
            .iter()
            .map(|d| {
                is_partition(d)
                    .map(str::to_string)
                    .unwrap_or_else(|| d.to_string())
            })
            .collect();

        let entry = groups.entry(key.clone()).or_insert_with(|| FileTable {
            table: TableRef {
                schema: None,
                name: String::new(),
                kind: TableKind::External,
            },
            folder: folder.clone(),
            files: Vec::new(),
            formats: Vec::new(),
            partition_columns: keys.clone(),
            problems: Vec::new(),
            grouping: None,
        });
        if partition_dirs.iter().any(|d| is_partition(d).is_none()) {
            let problem = format!("`{}` mixes partition and plain folders", file.relative);
            if !entry.problems.contains(&problem) {
                entry.problems.push(problem);
            }
        } else if entry.partition_columns != keys {
            let problem = format!(
                "partition keys differ: {} vs {} (`{}`)",
                entry.partition_columns.join("/"),
                keys.join("/"),
                file.relative
            );
            if !entry
                .problems
                .iter()
                .any(|p| p.starts_with("partition keys differ"))
            {
                entry.problems.push(problem);
            }
        }
        if !entry.formats.contains(&format) {
            entry.formats.push(format);
        }
        entry.files.push(file.clone());
        let names = stems.entry(key).or_default();
        if !names.iter().any(|s| s == stem) {
            names.push(stem.to_string());
        }
    }

    let mut groups_per_folder: BTreeMap<String, usize> = BTreeMap::new();
    for (folder, _) in groups.keys() {
        *groups_per_folder.entry(folder.clone()).or_default() += 1;
    }

    let mut tables = Vec::new();
    for ((folder, fam), mut table) in groups {
        let numbered = !fam.is_empty();
        let dirs: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
        let single_stem =
            stems
                .get(&(folder.clone(), fam.clone()))
                .and_then(|s| match s.as_slice() {
                    [one] => Some(one.clone()),
                    _ => None,
                });
        // A numbered family alone in its folder is that folder's table.
        let alone = groups_per_folder.get(&folder) == Some(&1);
        let named_after_folder = fam.is_empty() || (single_stem.is_none() && alone);
        let (schema_dirs, name) = match (named_after_folder, dirs.split_last()) {
            (true, Some((last, rest))) => (rest.to_vec(), (*last).to_string()),
            // Part files right at the root: name the table after the files.
            (true, None) => (
                Vec::new(),
                single_stem.unwrap_or_else(|| {
                    if fam.is_empty() {
                        "data".to_string()
                    } else {
                        fam.clone()
                    }
                }),
            ),
            (false, _) => (dirs.clone(), single_stem.unwrap_or(fam)),
        };
        table.table.schema = (!schema_dirs.is_empty()).then(|| schema_dirs.join("."));
        table.table.name = name;
        // Files numbered alike but of different formats are not parts of one
        // table: one table per format (`events_csv`, `events_parquet`). Part
        // files of mixed formats stay one table, reported below.
        if numbered && table.formats.len() > 1 {
            for format in table.formats.clone() {
                let mut part = table.clone();
                part.files.retain(|f| {
                    let name = f.relative.rsplit('/').next().unwrap_or(&f.relative);
                    FileFormat::of(name).is_some_and(|(of, _)| of == format)
                });
                part.formats = vec![format];
                part.table.name = format!("{}_{}", table.table.name, format.name());
                part.files.sort_by(|a, b| a.relative.cmp(&b.relative));
                tables.push(part);
            }
            continue;
        }
        if table.formats.len() > 1 {
            let names: Vec<&str> = table.formats.iter().map(|f| f.name()).collect();
            table
                .problems
                .push(format!("files of mixed formats: {}", names.join(", ")));
        }
        table.files.sort_by(|a, b| a.relative.cmp(&b.relative));
        tables.push(table);
    }
    for table in &mut tables {
        table.grouping = grouping(table);
    }
    tables.sort_by(|a, b| a.table.cmp(&b.table));
    tables
}

/// Why a table's files were read as one: said by `steward tables`.
fn grouping(table: &FileTable) -> Option<String> {
    let (first, last) = match table.files.as_slice() {
        [] | [_] => return None,
        [first, .., last] => (&first.relative, &last.relative),
    };
    let n = table.files.len();
    let name = |path: &str| path.rsplit('/').next().unwrap_or(path).to_string();
    if !table.partition_columns.is_empty() {
        return Some(format!(
            "{n} files in Hive partitions ({})",
            table.partition_columns.join(", ")
        ));
    }
    let stem = FileFormat::of(&name(first)).map(|(_, stem)| stem.to_string());
    let kind = if stem.is_some_and(|s| family(&s).is_empty()) {
        "part files"
    } else {
        "files numbered alike"
    };
    Some(format!("{n} {kind} (`{}` … `{}`)", name(first), name(last)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(paths: &[&str]) -> Vec<ListedFile> {
        paths
            .iter()
            .map(|p| ListedFile {
                relative: p.to_string(),
                size: 10,
                last_modified: DateTime::<Utc>::MIN_UTC,
            })
            .collect()
    }

    fn names(tables: &[FileTable]) -> Vec<String> {
        tables.iter().map(|t| t.table.display_name()).collect()
    }

    #[test]
    fn layers_partitions_parts_and_single_files() {
        let tables = discover(&listing(&[
            "raw/orders/dt=2024-01-01/part-0.parquet",
            "raw/orders/dt=2024-01-02/part-0.parquet",
            "raw/payments.csv",
            "raw/customers.csv.gz",
            "raw/web_events/events-000.ndjson",
            "raw/web_events/events-001.ndjson",
            "mart/finance/revenue_daily/part-00000-1b2c.parquet",
            "mart/finance/revenue_daily/part-00001-1b2c.parquet",
            "top.parquet",
            "_SUCCESS",
            "raw/orders/_SUCCESS",
            ".hidden/x.csv",
            "notes.txt",
        ]));
        assert_eq!(
            names(&tables),
            [
                "top",
                "mart.finance.revenue_daily",
                "raw.customers",
                "raw.orders",
                "raw.payments",
                "raw.web_events"
            ]
        );
        let orders = &tables[3];
        assert_eq!(orders.partition_columns, ["dt"]);
        assert_eq!(orders.files.len(), 2);
        assert_eq!(orders.format(), Some(FileFormat::Parquet));
        assert!(orders.problems.is_empty());
        assert_eq!(tables[2].format(), Some(FileFormat::Csv { gzip: true }));
        assert_eq!(tables[5].format(), Some(FileFormat::Json { gzip: false }));
        assert_eq!(tables[5].files.len(), 2);
    }

    #[test]
    fn mixed_formats_and_partition_keys_are_problems() {
        let tables = discover(&listing(&[
            "sales/part-0.parquet",
            "sales/part-1.csv",
            "events/dt=1/a.parquet",
            "events/region=eu/a.parquet",
        ]));
        assert_eq!(names(&tables), ["events", "sales"]);
        assert!(
            tables[0].problems[0].starts_with("partition keys differ"),
            "{:?}",
            tables[0].problems
        );
        assert_eq!(tables[1].problems, ["files of mixed formats: parquet, csv"]);
    }

    #[test]
    fn files_numbered_alike_group_only_within_one_format() {
        let tables = discover(&listing(&[
            "x/t00.parquet",
            "x/t01.csv",
            "x/r10.csv",
            "x/r300.csv",
            "y/events-001.csv",
            "y/events-002.csv",
            "y/events-003.parquet",
        ]));
        // A numbered family alone in its folder is named after the folder.
        assert_eq!(
            names(&tables),
            ["y_csv", "y_parquet", "x.r10", "x.r300", "x.t00", "x.t01"]
        );
        assert!(tables.iter().all(|t| t.problems.is_empty()), "{tables:?}");
        let csv = tables.iter().find(|t| t.table.name == "y_csv").unwrap();
        assert_eq!(csv.files.len(), 2);
        assert_eq!(
            csv.grouping.as_deref(),
            Some("2 files numbered alike (`events-001.csv` … `events-002.csv`)")
        );
        let single = tables.iter().find(|t| t.table.name == "r10").unwrap();
        assert_eq!(single.grouping, None);
        let parts = discover(&listing(&[
            "s/part-00000-a.parquet",
            "s/part-00001-a.parquet",
        ]));
        assert_eq!(
            parts[0].grouping.as_deref(),
            Some("2 part files (`part-00000-a.parquet` … `part-00001-a.parquet`)")
        );
        let hive = discover(&listing(&["o/dt=1/a.parquet", "o/dt=2/a.parquet"]));
        assert_eq!(
            hive[0].grouping.as_deref(),
            Some("2 files in Hive partitions (dt)")
        );
    }

    #[test]
    fn file_names_decide_their_table() {
        assert_eq!(family("part-00001-9f8e"), "");
        assert_eq!(family("events_2024_01"), "events");
        assert_eq!(family("3f2504e0-4f89-11d3-9a0c-0305e82c3301"), "");
        assert_eq!(family("customers"), "customers");
        assert_eq!(family("t001_orders"), "t001_orders");
        assert_eq!(family("events-002"), "events");
        // A number glued to the name is part of it: separate tables.
        assert_eq!(family("r10"), "r10");
        assert_eq!(family("t33"), "t33");
        assert_eq!(family("data_0"), "");
        assert_eq!(
            FileFormat::of("a.CSV.gz"),
            Some((FileFormat::Csv { gzip: true }, "a"))
        );
        assert_eq!(
            FileFormat::of("x.parquet"),
            Some((FileFormat::Parquet, "x"))
        );
        assert_eq!(FileFormat::of("x.txt"), None);
        assert_eq!(
            FileFormat::Csv { gzip: true }.extension("a.CSV.gz"),
            ".csv.gz"
        );
    }
}
