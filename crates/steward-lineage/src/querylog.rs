//! Query logs as warehouses export them: each record becomes a statement
//! (its SQL, and for usage who ran it, when, against which database) or is
//! skipped with its line number and the reason. Nothing is dropped without
//! a word: `records == statements + skipped`.
//!
//! Formats:
//! - `jsonl`: JSON lines (or a JSON array) with the common spellings of each
//!   field (`sql`/`query`/`query_text`/`statement`, `executed_at`/
//!   `start_time`/`ts`/`timestamp`/`query_start`, `user`/`user_name`/
//!   `usename`/`principal`, `database`/`db`/`schema`);
//! - `snowflake`: `QUERY_HISTORY` exported as CSV (with its header) or JSON;
//! - `bigquery`: `INFORMATION_SCHEMA.JOBS` rows as JSON lines, or the jobs
//!   API's JSON (`jobReference`, `configuration.query`, `statistics`);
//! - `postgres-csvlog`: the server's `csvlog` (no header; the statement in
//!   `message` as `statement: …` or `duration: … ms  statement: …`);
//! - `pg-stat-statements`: the view exported as CSV with its header. It has
//!   no times: its statements are lineage, not usage.
//!
//! `auto` picks one from the first record and says which.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde_json::Value;

/// The formats a query log may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LogFormat {
    Auto,
    Jsonl,
    Snowflake,
    Bigquery,
    PostgresCsvlog,
    PgStatStatements,
}

impl LogFormat {
    pub const NAMES: &'static [&'static str] = &[
        "auto",
        "jsonl",
        "snowflake",
        "bigquery",
        "postgres-csvlog",
        "pg-stat-statements",
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Jsonl => "jsonl",
            Self::Snowflake => "snowflake",
            Self::Bigquery => "bigquery",
            Self::PostgresCsvlog => "postgres-csvlog",
            Self::PgStatStatements => "pg-stat-statements",
        }
    }
}

impl fmt::Display for LogFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LogFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "auto" => Self::Auto,
            "jsonl" | "json" | "ndjson" => Self::Jsonl,
            "snowflake" => Self::Snowflake,
            "bigquery" => Self::Bigquery,
            "postgres-csvlog" | "csvlog" => Self::PostgresCsvlog,
            "pg-stat-statements" => Self::PgStatStatements,
            other => {
                return Err(format!(
                    "unknown query-log format `{other}`: one of {}",
                    Self::NAMES.join(", ")
                ));
            }
        })
    }
}

/// One statement of a log.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedStatement {
    /// 1-based line (CSV: the record's first line) in the log.
    pub line: usize,
    /// The log's id for the statement, else one derived from its content
    /// (stable: re-reading the log gives the same id).
    pub query_id: String,
    pub sql: String,
    pub user: Option<String>,
    /// When it ran; `None` when the log does not say (lineage only).
    pub executed_at: Option<DateTime<Utc>>,
    /// The database (or schema) unqualified names were resolved in.
    pub database: Option<String>,
    pub bytes_scanned: Option<i64>,
    pub duration_ms: Option<i64>,
}

/// A record that is not a statement, with why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SkippedRecord {
    pub line: usize,
    pub reason: String,
    /// The record is broken (not JSON, no SQL, a field of the wrong type),
    /// rather than a record that is not a query (a failed query, a
    /// connection message).
    pub malformed: bool,
}

/// Why a record is not a statement.
#[derive(Debug)]
enum Skip {
    /// Broken: the log is not what its format says.
    Malformed(String),
    /// Well-formed, but not a statement that ran.
    NotAQuery(String),
}

impl From<String> for Skip {
    fn from(reason: String) -> Self {
        Self::Malformed(reason)
    }
}

impl From<&str> for Skip {
    fn from(reason: &str) -> Self {
        Self::Malformed(reason.to_string())
    }
}

/// A log read: every record is a statement or skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryLog {
    /// The format read (never `Auto`).
    pub format: LogFormat,
    pub records: usize,
    pub statements: Vec<LoggedStatement>,
    pub skipped: Vec<SkippedRecord>,
}

/// Reads a query log. A log whose format cannot be told or whose whole
/// structure is wrong (a CSV without the columns its format needs) is an
/// error; a bad record is skipped with its line and the others are read.
pub fn read_query_log(text: &str, format: LogFormat) -> Result<QueryLog, String> {
    let format = match format {
        LogFormat::Auto => detect(text)?,
        f => f,
    };
    let mut log = QueryLog {
        format,
        records: 0,
        statements: Vec::new(),
        skipped: Vec::new(),
    };
    match format {
        LogFormat::Auto => unreachable!("detected above"),
        LogFormat::Jsonl | LogFormat::Snowflake | LogFormat::Bigquery if is_json(text) => {
            for (line, record) in json_records(text) {
                log.records += 1;
                let outcome = record.map_err(Skip::from).and_then(|v| match format {
                    LogFormat::Bigquery => bigquery_record(&v),
                    LogFormat::Snowflake => snowflake_record(&Fields::from_json(&v)),
                    _ => plain_record(&Fields::from_json(&v)),
                });
                log.push(line, outcome);
            }
        }
        LogFormat::Snowflake | LogFormat::PgStatStatements | LogFormat::PostgresCsvlog => {
            // csvlog has no header: its columns are named by position.
            let (header, record): (bool, RecordReader) = match format {
                LogFormat::Snowflake => (true, snowflake_record),
                LogFormat::PgStatStatements => (true, pg_stat_statements_record),
                _ => (false, csvlog_record),
            };
            for (line, fields) in csv_records(text, header)? {
                log.records += 1;
                log.push(line, fields.map_err(Skip::from).and_then(|f| record(&f)));
            }
        }
        LogFormat::Jsonl | LogFormat::Bigquery => {
            return Err(format!(
                "a {format} log is JSON lines or a JSON array; this does not start with `{{` or `[`"
            ));
        }
    }
    Ok(log)
}

impl QueryLog {
    fn push(&mut self, line: usize, outcome: Result<Statement, Skip>) {
        match outcome {
            Ok(s) => {
                let query_id = s.query_id.clone().unwrap_or_else(|| derived_id(&s));
                self.statements.push(LoggedStatement {
                    line,
                    query_id,
                    sql: s.sql,
                    user: s.user,
                    executed_at: s.executed_at,
                    database: s.database,
                    bytes_scanned: s.bytes_scanned,
                    duration_ms: s.duration_ms,
                });
            }
            Err(Skip::Malformed(reason)) => self.skipped.push(SkippedRecord {
                line,
                reason,
                malformed: true,
            }),
            Err(Skip::NotAQuery(reason)) => self.skipped.push(SkippedRecord {
                line,
                reason,
                malformed: false,
            }),
        }
    }
}

/// Reads one record of a log into a statement, or says why it is not one.
type RecordReader = fn(&Fields) -> Result<Statement, Skip>;

/// A statement before its id is settled.
#[derive(Debug, Default)]
struct Statement {
    query_id: Option<String>,
    sql: String,
    user: Option<String>,
    executed_at: Option<DateTime<Utc>>,
    database: Option<String>,
    bytes_scanned: Option<i64>,
    duration_ms: Option<i64>,
}

/// A stable id from what the statement is: the same record read twice gets
/// the same id (so re-ingesting replaces it), two runs of one SQL at two
/// times get two. FNV-1a: stable across builds, unlike `DefaultHasher`.
fn derived_id(s: &Statement) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let parts = [
        s.executed_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        s.user.clone().unwrap_or_default(),
        s.database.clone().unwrap_or_default(),
        s.sql.clone(),
    ];
    for part in &parts {
        for byte in part.bytes().chain([0u8]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("h{hash:016x}")
}

/// Field names of a record, case-insensitive, with their text values.
struct Fields(BTreeMap<String, String>);

impl Fields {
    fn from_json(value: &Value) -> Self {
        let mut out = BTreeMap::new();
        if let Value::Object(map) = value {
            for (k, v) in map {
                let text = match v {
                    Value::String(s) => s.clone(),
                    Value::Null => continue,
                    other => other.to_string(),
                };
                out.insert(k.to_ascii_lowercase(), text);
            }
        }
        Self(out)
    }

    /// The first of `names` present with a non-empty value.
    fn get(&self, names: &[&str]) -> Option<&str> {
        names
            .iter()
            .filter_map(|n| self.0.get(*n))
            .map(|v| v.trim())
            .find(|v| !v.is_empty())
    }

    fn text(&self, names: &[&str]) -> Option<String> {
        self.get(names).map(str::to_string)
    }

    fn number(&self, names: &[&str]) -> Result<Option<f64>, String> {
        match self.get(names) {
            None => Ok(None),
            Some(v) => v.parse::<f64>().map(Some).map_err(|_| {
                format!(
                    "field `{}` is not a number",
                    names
                        .iter()
                        .find(|n| self.0.contains_key(**n))
                        .unwrap_or(&names[0])
                )
            }),
        }
    }

    fn time(&self, names: &[&str]) -> Result<Option<DateTime<Utc>>, String> {
        match names.iter().find_map(|n| {
            self.0
                .get(*n)
                .filter(|v| !v.trim().is_empty())
                .map(|v| (n, v))
        }) {
            None => Ok(None),
            Some((name, value)) => parse_time(value)
                .map(Some)
                .ok_or_else(|| format!("field `{name}` is not a time")),
        }
    }
}

const SQL: &[&str] = &["sql", "query", "query_text", "statement", "querytext"];
const TIME: &[&str] = &[
    "executed_at",
    "start_time",
    "ts",
    "timestamp",
    "query_start",
    "query_start_time",
    "query_start_time_ms",
    "starttime",
    "creation_time",
    "time",
];
const USER: &[&str] = &[
    "user",
    "user_name",
    "usename",
    "principal",
    "user_email",
    "username",
];
const DATABASE: &[&str] = &[
    "database",
    "db",
    "database_name",
    "schema",
    "schema_name",
    "datname",
];
const ID: &[&str] = &["query_id", "queryid", "id", "job_id", "statement_id"];
const BYTES: &[&str] = &[
    "bytes_scanned",
    "total_bytes_processed",
    "read_bytes",
    "bytes",
];
const DURATION_MS: &[&str] = &[
    "duration_ms",
    "duration",
    "total_elapsed_time",
    "elapsed_ms",
    "execution_time_ms",
    "total_time_ms",
];

/// Statuses of a query that did not run to its end: not usage.
const NOT_RUN: &[&str] = &[
    "fail",
    "failed",
    "failed_with_error",
    "error",
    "canceled",
    "cancelled",
    "aborted",
    "running",
    "queued",
    "incident",
];

/// A record of a plain JSON-lines log.
fn plain_record(f: &Fields) -> Result<Statement, Skip> {
    if let Some(status) = f.get(&["status", "execution_status", "state", "query_state"])
        && NOT_RUN.contains(&status.to_ascii_lowercase().as_str())
    {
        return Err(Skip::NotAQuery(format!("query did not succeed ({status})")));
    }
    let sql = f
        .text(SQL)
        .ok_or_else(|| format!("no SQL (a field named one of {})", SQL.join(", ")))?;
    Ok(Statement {
        query_id: f.text(ID),
        sql,
        user: f.text(USER),
        executed_at: f.time(TIME)?,
        database: f.text(DATABASE),
        bytes_scanned: f.number(BYTES)?.map(|n| n as i64),
        duration_ms: f.number(DURATION_MS)?.map(|n| n as i64),
    })
}

/// A `QUERY_HISTORY` row: a failed query read nothing, so it is not usage.
fn snowflake_record(f: &Fields) -> Result<Statement, Skip> {
    if let Some(status) = f.get(&["execution_status"])
        && !status.eq_ignore_ascii_case("success")
    {
        return Err(Skip::NotAQuery(format!("query did not succeed ({status})")));
    }
    let mut s = plain_record(f)?;
    // DATABASE_NAME and SCHEMA_NAME together name where unqualified
    // names resolve.
    if let (Some(db), Some(schema)) = (f.get(&["database_name"]), f.get(&["schema_name"])) {
        s.database = Some(format!("{db}.{schema}"));
    }
    Ok(s)
}

/// An `INFORMATION_SCHEMA.JOBS` row, or a job as the jobs API returns it.
fn bigquery_record(v: &Value) -> Result<Statement, Skip> {
    // The jobs API nests what JOBS has flat.
    if v.get("configuration").is_some() || v.get("jobReference").is_some() {
        let at = |path: &[&str]| path.iter().try_fold(v, |v, k| v.get(*k));
        let text = |path: &[&str]| {
            at(path).and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
        };
        if let Some(error) = at(&["status", "errorResult", "message"]) {
            return Err(Skip::NotAQuery(format!(
                "job failed ({})",
                error.as_str().unwrap_or("error")
            )));
        }
        let sql = text(&["configuration", "query", "query"])
            .ok_or_else(|| Skip::NotAQuery("not a query job".to_string()))?;
        let ms = |path: &[&str]| text(path).and_then(|t| t.parse::<i64>().ok());
        let (start, end) = (
            ms(&["statistics", "startTime"]),
            ms(&["statistics", "endTime"]),
        );
        let dataset = at(&["configuration", "query", "defaultDataset"]).and_then(|d| {
            Some(format!(
                "{}.{}",
                d.get("projectId")?.as_str()?,
                d.get("datasetId")?.as_str()?
            ))
        });
        return Ok(Statement {
            query_id: text(&["jobReference", "jobId"]),
            sql,
            user: text(&["user_email"]),
            executed_at: start.and_then(|ms| Utc.timestamp_millis_opt(ms).single()),
            database: dataset,
            bytes_scanned: ms(&["statistics", "totalBytesProcessed"]),
            duration_ms: start.zip(end).map(|(s, e)| e - s),
        });
    }
    let f = Fields::from_json(v);
    if let Some(state) = f.get(&["state"])
        && !state.eq_ignore_ascii_case("done")
    {
        return Err(Skip::NotAQuery(format!("job not done ({state})")));
    }
    if f.get(&["error_result"]).is_some_and(|e| e != "null") {
        return Err(Skip::NotAQuery("job failed (error_result)".to_string()));
    }
    if f.get(&["job_type"])
        .is_some_and(|t| !t.eq_ignore_ascii_case("query"))
    {
        return Err(Skip::NotAQuery("not a query job".to_string()));
    }
    let mut s = plain_record(&f)?;
    s.executed_at = f.time(&["start_time", "creation_time"])?;
    if let (Some(start), Some(end)) = (s.executed_at, f.time(&["end_time"])?) {
        s.duration_ms = Some((end - start).num_milliseconds());
    }
    if let Some(project) = f.get(&["project_id"])
        && let Some(Value::Object(d)) = v.get("default_dataset")
        && let Some(dataset) = d.get("dataset_id").and_then(Value::as_str)
    {
        s.database = Some(format!("{project}.{dataset}"));
    }
    Ok(s)
}

/// The columns of `csvlog`, in order (PostgreSQL 13 added `backend_type`,
/// 14 `leader_pid` and `query_id`).
const CSVLOG_COLUMNS: &[&str] = &[
    "log_time",
    "user_name",
    "database_name",
    "process_id",
    "connection_from",
    "session_id",
    "session_line_num",
    "command_tag",
    "session_start_time",
    "virtual_transaction_id",
    "transaction_id",
    "error_severity",
    "sql_state_code",
    "message",
    "detail",
    "hint",
    "internal_query",
    "internal_query_pos",
    "context",
    "query",
    "query_pos",
    "location",
    "application_name",
    "backend_type",
    "leader_pid",
    "query_id",
];

/// A `csvlog` row: only rows that log a statement are statements.
fn csvlog_record(f: &Fields) -> Result<Statement, Skip> {
    let message = f.get(&["message"]).unwrap_or_default();
    let (duration, rest) = match message.strip_prefix("duration: ") {
        Some(rest) => {
            let (ms, rest) = rest.split_once(" ms").unwrap_or((rest, ""));
            (ms.trim().parse::<f64>().ok(), rest.trim_start())
        }
        None => (None, message),
    };
    let sql = if let Some(sql) = rest.strip_prefix("statement: ") {
        sql
    } else if let Some((head, sql)) = rest.split_once(": ")
        && head.starts_with("execute ")
    {
        sql
    } else if rest.is_empty() && duration.is_some() {
        return Err(Skip::NotAQuery(
            "a duration without its statement (logged on an earlier line)".to_string(),
        ));
    } else {
        return Err(Skip::NotAQuery(format!(
            "not a statement ({} message)",
            f.get(&["error_severity"]).unwrap_or("log").to_lowercase()
        )));
    };
    let session = f.get(&["session_id"]).unwrap_or_default();
    let line = f.get(&["session_line_num"]).unwrap_or_default();
    Ok(Statement {
        query_id: (!session.is_empty()).then(|| format!("{session}:{line}")),
        sql: sql.to_string(),
        user: f.text(&["user_name"]),
        executed_at: f.time(&["log_time"])?,
        database: f.text(&["database_name"]),
        bytes_scanned: None,
        duration_ms: duration.map(|d| d.round() as i64),
    })
}

/// A `pg_stat_statements` row: a normalised statement with its totals and
/// no time, so lineage only.
fn pg_stat_statements_record(f: &Fields) -> Result<Statement, Skip> {
    let sql = f.text(&["query"]).ok_or("no `query`")?;
    let id = f.get(&["queryid"]).map(|q| {
        let user = f.get(&["userid"]).unwrap_or("");
        let db = f.get(&["dbid"]).unwrap_or("");
        format!("pgss:{db}:{user}:{q}")
    });
    let calls = f.number(&["calls"])?.unwrap_or(1.0).max(1.0);
    let total = f.number(&["total_exec_time", "total_time"])?;
    Ok(Statement {
        query_id: id,
        sql,
        user: f.text(&["rolname", "usename", "user_name"]),
        executed_at: None,
        database: f.text(&["datname", "database"]),
        bytes_scanned: None,
        duration_ms: total.map(|t| (t / calls).round() as i64),
    })
}

fn is_json(text: &str) -> bool {
    matches!(text.trim_start().chars().next(), Some('{' | '['))
}

/// The records of JSON lines, a JSON array, or JSON objects one after
/// another (pretty-printed, as `bq show -j` writes them), with their lines.
fn json_records(text: &str) -> Vec<(usize, Result<Value, String>)> {
    let line_at = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        let first_line = line_at(text.len() - trimmed.len());
        return match serde_json::from_str::<Vec<Value>>(text) {
            Ok(values) => values.into_iter().map(|v| (first_line, Ok(v))).collect(),
            Err(e) => vec![(e.line(), Err(format!("not JSON: {e}")))],
        };
    }
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    if serde_json::from_str::<Value>(first).is_err() {
        // Not one object per line: a stream of (pretty-printed) objects.
        let mut out = Vec::new();
        let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
        loop {
            let start = stream.byte_offset();
            let skipped = text[start..].len() - text[start..].trim_start().len();
            match stream.next() {
                None => break,
                Some(Ok(value)) => out.push((line_at(start + skipped), Ok(value))),
                Some(Err(e)) => {
                    out.push((line_at(start + skipped), Err(format!("not JSON: {e}"))));
                    break;
                }
            }
        }
        return out;
    }
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            (
                i + 1,
                serde_json::from_str::<Value>(l).map_err(|e| format!("not JSON: {e}")),
            )
        })
        .collect()
}

/// The records of a CSV log with their first lines. With a header, fields
/// are named by it; without one (`csvlog`), by `CSVLOG_COLUMNS`.
#[allow(clippy::type_complexity)]
fn csv_records(text: &str, header: bool) -> Result<Vec<(usize, Result<Fields, String>)>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(header)
        .flexible(true)
        .from_reader(text.as_bytes());
    let names: Vec<String> = if header {
        reader
            .headers()
            .map_err(|e| format!("cannot read the CSV header: {e}"))?
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
            .collect()
    } else {
        CSVLOG_COLUMNS.iter().map(|c| c.to_string()).collect()
    };
    let mut out = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => {
                let line = r.position().map_or(0, |p| p.line() as usize);
                if !header && r.len() < 23 {
                    out.push((
                        line,
                        Err(format!("{} fields where csvlog has 23 to 26", r.len())),
                    ));
                    continue;
                }
                let fields = names
                    .iter()
                    .cloned()
                    .zip(r.iter().map(str::to_string))
                    .collect();
                out.push((line, Ok(Fields(fields))));
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                out.push((line, Err(format!("not CSV: {e}"))));
            }
        }
    }
    Ok(out)
}

/// The format of a log, from its first record.
fn detect(text: &str) -> Result<LogFormat, String> {
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .ok_or("the log is empty")?
        .trim_start_matches('\u{feff}');
    if is_json(first) {
        let record = json_records(text)
            .into_iter()
            .next()
            .and_then(|(_, r)| r.ok())
            .unwrap_or(Value::Null);
        let keys: Vec<String> = match &record {
            Value::Object(map) => map.keys().map(|k| k.to_ascii_lowercase()).collect(),
            _ => Vec::new(),
        };
        let has = |k: &str| keys.iter().any(|key| key == k);
        if has("jobreference")
            || (has("job_id") && (has("total_bytes_processed") || has("creation_time")))
        {
            return Ok(LogFormat::Bigquery);
        }
        if has("query_text")
            && (has("execution_status") || has("warehouse_name") || has("total_elapsed_time"))
        {
            return Ok(LogFormat::Snowflake);
        }
        return Ok(LogFormat::Jsonl);
    }
    let header: Vec<String> = first
        .split(',')
        .map(|h| h.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    let has = |k: &str| header.iter().any(|h| h == k);
    if has("query_text") && has("query_id") {
        return Ok(LogFormat::Snowflake);
    }
    if has("queryid") && has("query") && has("calls") {
        return Ok(LogFormat::PgStatStatements);
    }
    // csvlog has no header: its first field is a time and the row has the
    // csvlog's field count.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    if let Some(Ok(record)) = reader.records().next()
        && (23..=26).contains(&record.len())
        && record.get(0).and_then(parse_time).is_some()
    {
        return Ok(LogFormat::PostgresCsvlog);
    }
    Err(format!(
        "cannot tell the log's format from its first line; give one of {}",
        LogFormat::NAMES[1..].join(", ")
    ))
}

/// A time as logs write it: RFC 3339; `2024-01-15 10:23:45[.123]` followed
/// by `UTC`, `Z` or an offset (`+01:00`, `-0800`), or by nothing (UTC); or
/// epoch milliseconds or seconds.
pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(n) = text.parse::<f64>() {
        // Milliseconds since 1970 pass 10^11 in 1973; seconds reach it in 5138.
        let ms = if n.abs() >= 1e11 { n } else { n * 1000.0 };
        return Utc.timestamp_millis_opt(ms as i64).single();
    }
    let (stamp, zone) = split_zone(text);
    let stamp = stamp.replace('T', " ");
    let naive = [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(&stamp, f).ok())?;
    let offset = match zone {
        None => 0,
        Some(z) if ["utc", "z", "gmt"].contains(&z.to_ascii_lowercase().as_str()) => 0,
        Some(z) => match zone_abbreviation(z) {
            Some(hours) => hours * 3600,
            None => offset_seconds(z)?,
        },
    };
    Some(Utc.from_utc_datetime(&naive) - chrono::Duration::seconds(i64::from(offset)))
}

/// `(timestamp, zone)`: the zone is the last space-separated word when it
/// is a zone name or an offset, or an offset glued to the time.
fn split_zone(text: &str) -> (&str, Option<&str>) {
    if let Some((stamp, zone)) = text.rsplit_once(' ')
        && (zone.chars().all(|c| c.is_ascii_alphabetic()) || zone.starts_with(['+', '-']))
        && stamp.contains(':')
    {
        return (stamp, Some(zone));
    }
    if let Some(pos) = text.rfind(['+', '-'])
        && pos > 10
        && text[..pos].contains(':')
    {
        return (&text[..pos], Some(&text[pos..]));
    }
    if let Some(stamp) = text.strip_suffix('Z') {
        return (stamp, Some("Z"));
    }
    (text, None)
}

/// Hours east of UTC of the zone abbreviations servers commonly log
/// (PostgreSQL writes `log_timezone`'s abbreviation). Ambiguous ones (`IST`,
/// `CST` in China) are read as the North American or European zone.
fn zone_abbreviation(zone: &str) -> Option<i32> {
    Some(match zone.to_ascii_uppercase().as_str() {
        "EDT" => -4,
        "EST" | "CDT" => -5,
        "CST" | "MDT" => -6,
        "MST" | "PDT" => -7,
        "PST" | "AKDT" => -8,
        "AKST" => -9,
        "HST" => -10,
        "WET" => 0,
        "BST" | "CET" | "WEST" => 1,
        "CEST" | "EET" => 2,
        "EEST" | "MSK" => 3,
        "JST" | "KST" => 9,
        "AEST" => 10,
        "AEDT" => 11,
        _ => return None,
    })
}

/// `+01:00`, `-0800`, `+01` as seconds east of UTC.
fn offset_seconds(zone: &str) -> Option<i32> {
    let sign = match zone.chars().next()? {
        '+' => 1,
        '-' => -1,
        _ => return None,
    };
    let digits: String = zone[1..].chars().filter(char::is_ascii_digit).collect();
    let (h, m) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    Some(sign * (h * 3600 + m * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_as_logs_write_them() {
        let expect = Utc.with_ymd_and_hms(2024, 1, 15, 18, 23, 45).unwrap();
        for text in [
            "2024-01-15T18:23:45Z",
            "2024-01-15 18:23:45",
            "2024-01-15 18:23:45 UTC",
            "2024-01-15 10:23:45 -0800",
            "2024-01-15 10:23:45.000 -08:00",
            "2024-01-15 19:23:45+01",
            "1705343025000",
            "1705343025",
        ] {
            assert_eq!(parse_time(text), Some(expect), "{text}");
        }
        assert_eq!(parse_time("yesterday"), None);
    }

    #[test]
    fn plain_json_lines_take_the_common_spellings() {
        let log = read_query_log(
            "{\"user\":\"ana\",\"ts\":\"2024-01-15 10:00:00\",\"db\":\"crm\",\"sql\":\"select 1\"}\n\
             \n\
             {\"query_text\":\"select * from t\",\"start_time\":\"2024-01-15T10:00:00Z\",\"usename\":\"bo\"}\n\
             {\"nothing\":1}\n\
             not json\n",
            LogFormat::Auto,
        )
        .unwrap();
        assert_eq!(log.format, LogFormat::Jsonl);
        assert_eq!(log.records, 4);
        assert_eq!(log.statements.len(), 2);
        assert_eq!(log.statements[0].database.as_deref(), Some("crm"));
        assert_eq!(log.statements[0].line, 1);
        assert!(log.statements[0].executed_at.is_some());
        assert_eq!(log.statements[1].user.as_deref(), Some("bo"));
        assert_eq!(
            log.skipped.iter().map(|s| s.line).collect::<Vec<_>>(),
            vec![4, 5]
        );
        // No id in the log: one from the content, the same on a re-read.
        let again = read_query_log(
            "{\"user\":\"ana\",\"ts\":\"2024-01-15 10:00:00\",\"db\":\"crm\",\"sql\":\"select 1\"}",
            LogFormat::Jsonl,
        )
        .unwrap();
        assert_eq!(again.statements[0].query_id, log.statements[0].query_id);
        assert_ne!(log.statements[0].query_id, log.statements[1].query_id);
    }

    #[test]
    fn an_unknown_format_is_named() {
        assert!(
            read_query_log("a;b;c\n1;2;3\n", LogFormat::Auto)
                .unwrap_err()
                .contains("cannot tell")
        );
        assert!(
            "oracle"
                .parse::<LogFormat>()
                .unwrap_err()
                .contains("snowflake")
        );
    }
}
