//! Policy files: one TOML file a policy, read with the position of every
//! field kept, so a problem is reported at its file, line and column.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use steward_types::Severity;
use toml::Spanned;

/// A policy, read from its file.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Policy {
    /// Lowercase words joined by `-`, e.g. `sensitive-without-owner`: stable,
    /// because findings are keyed by it.
    pub id: String,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    pub tags: Vec<String>,
    /// What to do about a violation, for the report.
    pub remediation: String,
    /// SQL over the system tables returning one row per violation with the
    /// columns `asset` and `message`, and optionally `key` (what tells two
    /// violations of one asset apart).
    pub check: String,
    /// Values for the check's `$name` placeholders: booleans, numbers or
    /// strings.
    #[schema(value_type = BTreeMap<String, serde_json::Value>)]
    pub params: BTreeMap<String, ParamValue>,
    /// Where it came from: a path, or `builtin:NAME.toml`.
    pub origin: String,
    /// sha256 of the file's text, to notice edits.
    pub checksum: String,
    /// Where the check's SQL starts in the file (1-based line and column), so
    /// an error inside the SQL is reported at its place in the file.
    #[serde(skip)]
    pub(crate) check_at: Position,
}

/// A parameter's value, as TOML wrote it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bool(v) => write!(f, "{v}"),
            Self::Int(v) => write!(f, "{v}"),
            Self::Float(v) => write!(f, "{v}"),
            Self::Text(v) => write!(f, "{v:?}"),
        }
    }
}

/// A 1-based line and column in a file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` of `text`.
    pub fn of(text: &str, offset: usize) -> Self {
        let before = &text[..offset.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Self {
            line,
            column: before[line_start..].chars().count() + 1,
        }
    }

    /// The position of `inner` (1-based, inside a text starting at `self`).
    pub fn offset_by(self, inner: Position) -> Self {
        if inner.line <= 1 {
            Self {
                line: self.line,
                column: self.column + inner.column.saturating_sub(1),
            }
        } else {
            Self {
                line: self.line + inner.line - 1,
                column: inner.column,
            }
        }
    }
}

/// Something wrong with a policy: where, and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = PolicyProblem)]
pub struct Problem {
    /// The file (or `builtin:NAME.toml`).
    pub origin: String,
    /// The policy's id, when the file got far enough to have one.
    pub policy: Option<String>,
    pub at: Option<Position>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at {
            Some(at) => write!(
                f,
                "{}:{}:{}: {}",
                self.origin, at.line, at.column, self.message
            ),
            None => write!(f, "{}: {}", self.origin, self.message),
        }
    }
}

impl Problem {
    pub(crate) fn new(origin: &str, at: Option<Position>, message: impl Into<String>) -> Self {
        Self {
            origin: origin.to_string(),
            policy: None,
            at,
            message: message.into(),
        }
    }

    pub(crate) fn of_policy(
        policy: &Policy,
        at: Option<Position>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            origin: policy.origin.clone(),
            policy: Some(policy.id.clone()),
            at,
            message: message.into(),
        }
    }
}

/// The file as TOML gives it, positions kept.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    id: Spanned<String>,
    title: String,
    #[serde(default)]
    description: String,
    severity: Spanned<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    remediation: String,
    check: Spanned<String>,
    #[serde(default)]
    params: BTreeMap<String, Spanned<toml::Value>>,
}

/// Reads one policy from `text`; `origin` names it in problems.
pub fn parse(origin: &str, text: &str) -> Result<Policy, Problem> {
    let raw: RawPolicy = toml::from_str(text).map_err(|e| {
        let at = e.span().map(|s| Position::of(text, s.start));
        Problem::new(origin, at, e.message().trim().to_string())
    })?;
    let at = |span: Range<usize>| Some(Position::of(text, span.start));

    let id = raw.id.get_ref().trim().to_string();
    if !is_policy_id(&id) {
        return Err(Problem::new(
            origin,
            at(raw.id.span()),
            format!("id `{id}` must be lowercase letters, digits and `-`, starting with a letter"),
        ));
    }
    let severity: Severity =
        raw.severity
            .get_ref()
            .parse()
            .map_err(|e: steward_types::ParseEnumError| {
                Problem::new(origin, at(raw.severity.span()), e.to_string())
            })?;
    if raw.check.get_ref().trim().is_empty() {
        return Err(Problem::new(origin, at(raw.check.span()), "check is empty"));
    }
    let mut params = BTreeMap::new();
    for (name, value) in raw.params {
        let span = value.span();
        let value = match value.into_inner() {
            toml::Value::Boolean(v) => ParamValue::Bool(v),
            toml::Value::Integer(v) => ParamValue::Int(v),
            toml::Value::Float(v) => ParamValue::Float(v),
            toml::Value::String(v) => ParamValue::Text(v),
            other => {
                return Err(Problem::new(
                    origin,
                    at(span),
                    format!(
                        "param `{name}` is a {}; params are booleans, numbers or strings",
                        other.type_str()
                    ),
                ));
            }
        };
        params.insert(name, value);
    }
    let check_at = sql_start(text, raw.check.span());
    Ok(Policy {
        id,
        title: raw.title,
        description: raw.description.trim().to_string(),
        severity,
        tags: raw.tags,
        remediation: raw.remediation.trim().to_string(),
        check: raw.check.into_inner(),
        params,
        origin: origin.to_string(),
        checksum: checksum(text),
        check_at,
    })
}

/// Where the string's content starts, past its opening quotes (and the newline
/// a multi-line string drops right after them).
fn sql_start(text: &str, span: Range<usize>) -> Position {
    let value = &text[span.start.min(text.len())..span.end.min(text.len())];
    let mut skip = if value.starts_with("\"\"\"") || value.starts_with("'''") {
        3
    } else {
        1
    };
    if skip == 3 {
        if value[skip..].starts_with("\r\n") {
            skip += 2;
        } else if value[skip..].starts_with('\n') {
            skip += 1;
        }
    }
    Position::of(text, span.start + skip)
}

fn is_policy_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.ends_with('-')
}

pub(crate) fn checksum(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Policies read from a folder's `*.toml` files (sorted by name), and the
/// problems of the files that could not be read. A folder that cannot be
/// listed is one problem.
pub fn load_dir(dir: &Path) -> (Vec<Policy>, Vec<Problem>) {
    let origin = dir.display().to_string();
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            return (
                Vec::new(),
                vec![Problem::new(
                    &origin,
                    None,
                    format!("cannot read the folder: {e}"),
                )],
            );
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    files.sort();
    let mut policies = Vec::new();
    let mut problems = Vec::new();
    for path in files {
        let origin = path.display().to_string();
        match fs::read_to_string(&path) {
            Ok(text) => match parse(&origin, &text) {
                Ok(policy) => policies.push(policy),
                Err(problem) => problems.push(problem),
            },
            Err(e) => problems.push(Problem::new(
                &origin,
                None,
                format!("cannot read the file: {e}"),
            )),
        }
    }
    (policies, problems)
}

/// Policies from several places, later ones replacing earlier ones with the
/// same id (so a user folder can override a built-in). Two files with one id
/// in the same place are a problem: the second is skipped.
pub fn merge(groups: Vec<Vec<Policy>>) -> (Vec<Policy>, Vec<Problem>) {
    let mut by_id: BTreeMap<String, Policy> = BTreeMap::new();
    let mut problems = Vec::new();
    for group in groups {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for policy in group {
            if let Some(first) = seen.get(&policy.id) {
                problems.push(Problem::of_policy(
                    &policy,
                    None,
                    format!(
                        "id `{}` is already used by {first}; this file is skipped",
                        policy.id
                    ),
                ));
                continue;
            }
            seen.insert(policy.id.clone(), policy.origin.clone());
            by_id.insert(policy.id.clone(), policy);
        }
    }
    (by_id.into_values().collect(), problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"id = "table-without-owner"
title = "Table without an owner"
severity = "low"
tags = ["ownership"]
check = """
SELECT qualified_name AS asset, 'no owner' AS message
FROM steward.tables WHERE owner IS NULL
"""

[params]
days = 30
"#;

    #[test]
    fn a_policy_reads_with_where_its_sql_starts() {
        let p = parse("p.toml", GOOD).unwrap();
        assert_eq!(p.id, "table-without-owner");
        assert_eq!(p.severity, Severity::Low);
        assert_eq!(p.params["days"], ParamValue::Int(30));
        assert_eq!(p.check_at, Position { line: 6, column: 1 });
        assert_eq!(p.checksum.len(), 64);
    }

    #[test]
    fn problems_name_the_line_and_column() {
        let bad_severity = GOOD.replace("\"low\"", "\"urgent\"");
        let e = parse("p.toml", &bad_severity).unwrap_err();
        assert_eq!(
            e.at,
            Some(Position {
                line: 3,
                column: 12
            })
        );
        assert!(
            e.to_string()
                .starts_with("p.toml:3:12: unknown severity `urgent`"),
            "{e}"
        );

        let syntax = GOOD.replace("title = ", "title = = ");
        let e = parse("p.toml", &syntax).unwrap_err();
        assert_eq!(e.at.unwrap().line, 2, "{e}");

        let unknown = GOOD.replace("tags =", "tagz =");
        let e = parse("p.toml", &unknown).unwrap_err();
        assert_eq!(e.at.unwrap().line, 4, "{e}");
        assert!(e.message.contains("tagz"), "{e}");

        let missing = GOOD.replace("title = \"Table without an owner\"\n", "");
        assert!(
            parse("p.toml", &missing)
                .unwrap_err()
                .message
                .contains("title")
        );

        let bad_id = GOOD.replace("table-without-owner", "Table Owner");
        assert_eq!(
            parse("p.toml", &bad_id).unwrap_err().at,
            Some(Position { line: 1, column: 6 })
        );
    }

    #[test]
    fn later_groups_override_and_duplicates_in_one_group_are_problems() {
        let a = parse("builtin:a.toml", GOOD).unwrap();
        let mut b = parse("user/a.toml", GOOD).unwrap();
        b.title = "Mine".into();
        let (merged, problems) = merge(vec![vec![a.clone()], vec![b.clone()]]);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].title, "Mine");
        assert!(problems.is_empty());
        let (merged, problems) = merge(vec![vec![a, b]]);
        assert_eq!(merged.len(), 1);
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0]
                .message
                .contains("already used by builtin:a.toml")
        );
    }

    #[test]
    fn positions_inside_the_sql_move_into_the_file() {
        let start = Position {
            line: 5,
            column: 11,
        };
        assert_eq!(
            start.offset_by(Position { line: 1, column: 3 }),
            Position {
                line: 5,
                column: 13
            }
        );
        assert_eq!(
            start.offset_by(Position { line: 2, column: 4 }),
            Position { line: 6, column: 4 }
        );
    }
}
