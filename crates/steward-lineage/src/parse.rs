//! Parsing a script in its dialect, with fallbacks: query logs label dialects
//! loosely (`sparksql` scripts with Hive syntax, `ansi` scripts with T-SQL
//! brackets), so a script that does not parse in its own dialect is tried in
//! the others before it is reported.

use sqlparser::ast::Statement;
use sqlparser::dialect::{Dialect, dialect_from_str};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use crate::error::{LineageError, Position};

/// Nesting the parser accepts before it refuses (sqlparser counts expression
/// and query depth); deeper input is an error, never a stack overflow.
pub const MAX_DEPTH: usize = 100;

/// The sqlparser dialect name for a dialect as query logs and dbt write it.
fn canonical(dialect: &str) -> Option<&'static str> {
    Some(match dialect.trim().to_ascii_lowercase().as_str() {
        "" | "generic" | "athena" | "trino" | "presto" | "vertica" | "exasol" | "db2"
        | "impala" => "generic",
        "ansi" => "ansi",
        "postgres" | "postgresql" | "greenplum" | "materialize" | "cockroachdb" => "postgres",
        "mysql" | "mariadb" => "mysql",
        "sqlite" => "sqlite",
        "snowflake" => "snowflake",
        "bigquery" => "bigquery",
        "hive" => "hive",
        "spark" | "sparksql" => "sparksql",
        "databricks" => "databricks",
        "redshift" => "redshift",
        "tsql" | "mssql" | "sqlserver" => "mssql",
        "oracle" => "oracle",
        "duckdb" => "duckdb",
        "teradata" => "teradata",
        "clickhouse" => "clickhouse",
        _ => return None,
    })
}

/// Whether Steward knows the dialect name.
pub fn known_dialect(dialect: &str) -> bool {
    canonical(dialect).is_some()
}

const FALLBACKS: &[&str] = &[
    "generic",
    "databricks",
    "hive",
    "mssql",
    "mysql",
    "bigquery",
    "snowflake",
    "postgres",
];

fn parse_with(dialect: &dyn Dialect, sql: &str) -> Result<Vec<Statement>, ParserError> {
    Parser::new(dialect)
        .with_recursion_limit(MAX_DEPTH)
        .try_with_sql(sql)?
        .parse_statements()
}

/// `... at Line: 3, Column: 14` in sqlparser's messages.
fn position(message: &str) -> Option<Position> {
    let at = message.rfind("Line: ")?;
    let rest = &message[at + 6..];
    let (line, rest) = rest.split_once(", Column: ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some(Position {
        line: line.trim().parse().ok()?,
        column: column.parse().ok()?,
    })
}

/// Parses `sql` in `dialect`, falling back to the other dialects; the error
/// is the one of the dialect asked for.
pub fn parse(sql: &str, dialect: &str) -> Result<Vec<Statement>, LineageError> {
    let name = canonical(dialect).ok_or_else(|| LineageError::UnknownDialect(dialect.into()))?;
    let first = match dialect_from_str(name) {
        Some(d) => parse_with(d.as_ref(), sql),
        None => return Err(LineageError::UnknownDialect(dialect.into())),
    };
    let error = match first {
        Ok(statements) => return Ok(statements),
        Err(e) => e,
    };
    if matches!(error, ParserError::RecursionLimitExceeded) {
        return Err(LineageError::TooDeep(MAX_DEPTH));
    }
    for other in FALLBACKS.iter().filter(|d| **d != name) {
        if let Some(d) = dialect_from_str(other)
            && let Ok(statements) = parse_with(d.as_ref(), sql)
        {
            return Ok(statements);
        }
    }
    let message = error.to_string();
    Err(LineageError::Parse {
        dialect: dialect.to_string(),
        position: position(&message),
        message,
    })
}

/// A script parsed statement by statement, with what could not be.
#[derive(Debug, Default)]
pub struct Parsed {
    pub statements: Vec<Statement>,
    /// Pieces skipped, summarised for the warnings.
    pub skipped: Vec<String>,
}

/// Keywords that open a statement moving data.
const DATA_STATEMENTS: &[Keyword] = &[
    Keyword::INSERT,
    Keyword::UPDATE,
    Keyword::DELETE,
    Keyword::MERGE,
    Keyword::SELECT,
    Keyword::WITH,
    Keyword::CREATE,
];

fn text(tokens: &[TokenWithSpan]) -> String {
    tokens.iter().map(|t| t.token.to_string()).collect()
}

fn summary(tokens: &[TokenWithSpan]) -> String {
    let t = text(tokens);
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() > 60 {
        format!("{}…", t.chars().take(60).collect::<String>())
    } else {
        t
    }
}

/// Parses a script that does not parse whole, piece by piece: statements
/// separated by `;`; a statement followed by another without a `;` (T-SQL)
/// split where the parser stopped; procedural wrappers (`CREATE PROCEDURE
/// ... BEGIN`, `IF ... THEN`) skipped up to the data statement inside. What
/// cannot be read is reported, and the rest still yields lineage.
pub fn parse_lenient(sql: &str, dialect: &str) -> Result<Parsed, LineageError> {
    let error = match parse(sql, dialect) {
        Ok(statements) => {
            return Ok(Parsed {
                statements,
                skipped: Vec::new(),
            });
        }
        // Kept to report when nothing at all can be read.
        Err(e @ LineageError::Parse { .. }) => Some(e),
        Err(e) => return Err(e),
    };
    let name = canonical(dialect).unwrap_or("generic");
    let tokenizer_dialect =
        dialect_from_str(name).ok_or_else(|| LineageError::UnknownDialect(dialect.into()))?;
    let tokens = match Tokenizer::new(tokenizer_dialect.as_ref(), sql).tokenize_with_location() {
        Ok(t) => t,
        Err(_) => return Err(error.unwrap_or(LineageError::UnknownDialect(dialect.into()))),
    };
    let mut parsed = Parsed::default();
    for chunk in tokens.split(|t| t.token == Token::SemiColon) {
        recover(chunk, dialect, &mut parsed, 0);
    }
    // Nothing at all could be read: the script's parse error stands.
    if parsed.statements.is_empty() {
        return Err(error.unwrap_or(LineageError::UnknownDialect(dialect.into())));
    }
    Ok(parsed)
}

fn recover(tokens: &[TokenWithSpan], dialect: &str, parsed: &mut Parsed, depth: usize) {
    let start = tokens
        .iter()
        .position(|t| !matches!(t.token, Token::Whitespace(_)));
    let Some(start) = start else { return };
    let tokens = &tokens[start..];
    if depth > 32 {
        parsed.skipped.push(summary(tokens));
        return;
    }
    let error = match parse(&text(tokens), dialect) {
        Ok(statements) => {
            parsed.statements.extend(statements);
            return;
        }
        Err(LineageError::Parse { position, .. }) => position,
        Err(_) => None,
    };
    // Positions are relative to the piece parsed: map back to the script.
    let error_at = error.map(|at| {
        let line_start = tokens.first().map_or(1, |t| t.span.start.line);
        let column_start = tokens.first().map_or(1, |t| t.span.start.column);
        if at.line == 1 {
            (line_start, column_start + at.column - 1)
        } else {
            (line_start + at.line - 1, at.column)
        }
    });
    let at_or_after =
        |t: &TokenWithSpan, at: (u64, u64)| (t.span.start.line, t.span.start.column) >= at;
    if let Some(at) = error_at {
        // Two statements without a `;` between them: split where the parser stopped.
        if let Some(split) = tokens.iter().position(|t| {
            at_or_after(t, at)
                && matches!(&t.token, Token::Word(w) if DATA_STATEMENTS.contains(&w.keyword))
        }) && split > 0
            && let Ok(statements) = parse(&text(&tokens[..split]), dialect)
        {
            parsed.statements.extend(statements);
            recover(&tokens[split..], dialect, parsed, depth + 1);
            return;
        }
        // A statement followed by clauses the parser does not know (`USING CSV
        // PARTITIONED BY ...`): keep the part it reads.
        if let Some(stop) = tokens.iter().position(|t| at_or_after(t, at))
            && stop > 0
            && let Ok(statements) = parse(&text(&tokens[..stop]), dialect)
            && statements.iter().any(crate::statement::moves_data)
        {
            parsed.statements.extend(statements);
            parsed.skipped.push(summary(&tokens[stop..]));
            return;
        }
    }
    // A wrapper around a data statement: skip to the statement.
    let inner = tokens.iter().skip(1).position(|t| {
        matches!(&t.token, Token::Word(w) if DATA_STATEMENTS.contains(&w.keyword) && w.keyword != Keyword::CREATE)
    });
    match inner {
        Some(i) => {
            parsed.skipped.push(summary(&tokens[..=i]));
            recover(&tokens[i + 1..], dialect, parsed, depth + 1);
        }
        None => parsed.skipped.push(summary(tokens)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialects_by_their_usual_names() {
        assert!(parse("SELECT [a] FROM [dbo].[t]", "tsql").is_ok());
        assert!(parse("SELECT `a` FROM `db`.`t`", "mariadb").is_ok());
        assert!(parse("SELECT 1", "greenplum").is_ok());
        assert_eq!(
            parse("SELECT 1", "cobol"),
            Err(LineageError::UnknownDialect("cobol".into()))
        );
    }

    #[test]
    fn errors_name_dialect_and_position() {
        let Err(LineageError::Parse {
            dialect, position, ..
        }) = parse("SELECT a\nFROM t WHERE ) x", "postgres")
        else {
            panic!("expected a parse error");
        };
        assert_eq!(dialect, "postgres");
        assert_eq!(position.map(|p| p.line), Some(2));
    }

    #[test]
    fn procedural_scripts_yield_their_data_statements() {
        let parsed = parse_lenient(
            "CREATE PROCEDURE p() BEGIN INSERT INTO t2 (c) SELECT c FROM t1; DECLARE x INT; END",
            "bigquery",
        )
        .unwrap();
        let inserts = parsed
            .statements
            .iter()
            .filter(|s| matches!(s, Statement::Insert(_)))
            .count();
        assert_eq!(inserts, 1, "{:?}", parsed.statements);
        assert!(!parsed.skipped.is_empty());
        let parsed = parse_lenient(
            "insert into tab1 select * from foo insert into tab2 select * from bar",
            "tsql",
        )
        .unwrap();
        assert_eq!(parsed.statements.len(), 2);
        assert!(
            parse_lenient("refresh table t; ADD JAR /tmp/x.jar", "sparksql").is_err(),
            "nothing readable is an error, with the parser's message"
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let sql = format!("SELECT {}1{}", "(".repeat(5000), ")".repeat(5000));
        assert_eq!(
            parse(&sql, "generic"),
            Err(LineageError::TooDeep(MAX_DEPTH))
        );
    }
}
