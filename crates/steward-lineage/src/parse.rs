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
pub(crate) fn canonical(dialect: &str) -> Option<&'static str> {
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
    /// Runs of `statements` that are one procedure's body, read piece by
    /// piece because the procedure as a whole did not parse.
    pub procedures: Vec<std::ops::Range<usize>>,
    /// Whether a skipped piece held a data statement (`INSERT`, `SELECT`,
    /// ...), rather than only commands that move no data.
    pub skipped_data: bool,
}

impl Parsed {
    fn skip(&mut self, tokens: &[TokenWithSpan]) {
        self.skipped_data |= !moves_no_data(tokens);
        self.skipped.push(summary(tokens));
    }
}

/// A piece that opens with a command or procedural glue (`REFRESH TABLE`,
/// `DECLARE x INT64 DEFAULT 0`, `END IF`) and holds no data statement.
fn moves_no_data(tokens: &[TokenWithSpan]) -> bool {
    let first = tokens.iter().find_map(|t| match &t.token {
        Token::Whitespace(_) => None,
        Token::Word(w) => Some(w.value.to_ascii_lowercase()),
        _ => Some(String::new()),
    });
    let opens_no_data = first.is_some_and(|w| {
        NO_DATA_COMMANDS.contains(&w.as_str()) || PROCEDURAL_GLUE.contains(&w.as_str())
    });
    let holds_data = tokens
        .iter()
        .any(|t| matches!(&t.token, Token::Word(w) if DATA_STATEMENTS.contains(&w.keyword)));
    opens_no_data && !holds_data
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

/// Commands that never move data between tables (session settings, cache
/// and metadata commands, listings); a piece that opens with anything else
/// and cannot be read may have been a data statement.
const NO_DATA_COMMANDS: &[&str] = &[
    "add", "analyze", "cache", "clear", "comment", "commit", "declare", "desc", "describe",
    "explain", "grant", "list", "msck", "optimize", "print", "refresh", "remove", "reset",
    "revoke", "rollback", "set", "show", "uncache", "use", "vacuum",
];

/// Words that open the control flow of procedural SQL.
const PROCEDURAL_GLUE: &[&str] = &[
    "begin",
    "declare",
    "else",
    "elseif",
    "elsif",
    "end",
    "exception",
    "if",
    "leave",
    "loop",
    "raise",
    "return",
    "while",
];

fn text(tokens: &[TokenWithSpan]) -> String {
    tokens.iter().map(|t| t.token.to_string()).collect()
}

/// A skipped piece in a few words, for a warning that is stored: its
/// literals are placeholders, as in all SQL the catalog keeps.
fn summary(tokens: &[TokenWithSpan]) -> String {
    let t: String = tokens
        .iter()
        .map(|t| match &t.token {
            Token::Number(..) => crate::normalize::PLACEHOLDER.to_string(),
            token if crate::normalize::is_literal(token) => {
                crate::normalize::PLACEHOLDER.to_string()
            }
            Token::Whitespace(
                sqlparser::tokenizer::Whitespace::SingleLineComment { .. }
                | sqlparser::tokenizer::Whitespace::MultiLineComment(_),
            ) => " ".to_string(),
            token => token.to_string(),
        })
        .collect();
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
                ..Parsed::default()
            });
        }
        // Kept to report when nothing at all can be read.
        Err(e @ LineageError::Parse { .. }) => Some(e),
        Err(e) => return Err(e),
    };
    let name = canonical(dialect).unwrap_or("generic");
    let tokenizer_dialect =
        dialect_from_str(name).ok_or_else(|| LineageError::UnknownDialect(dialect.into()))?;
    let mut tokens = match Tokenizer::new(tokenizer_dialect.as_ref(), sql).tokenize_with_location()
    {
        Ok(t) => t,
        Err(_) => return Err(error.unwrap_or(LineageError::UnknownDialect(dialect.into()))),
    };
    expand_compound_assignments(&mut tokens);
    expand_merge_stars(&mut tokens);
    let mut parsed = Parsed::default();
    // The statements of a procedure's body, whose wrapper was skipped.
    let mut body_from: Option<usize> = None;
    for chunk in tokens.split(|t| t.token == Token::SemiColon) {
        let words: Vec<&sqlparser::tokenizer::Word> = chunk
            .iter()
            .filter_map(|t| match &t.token {
                Token::Word(w) => Some(w),
                _ => None,
            })
            .collect();
        let opens_procedure = words.first().is_some_and(|w| w.keyword == Keyword::CREATE)
            && words.iter().take(4).any(|w| {
                matches!(w.keyword, Keyword::PROCEDURE) || w.value.eq_ignore_ascii_case("proc")
            });
        if opens_procedure {
            if let Some(from) = body_from.take() {
                parsed.procedures.push(from..parsed.statements.len());
            }
            body_from = Some(parsed.statements.len());
        }
        recover(chunk, dialect, &mut parsed, 0);
        if words.last().is_some_and(|w| w.keyword == Keyword::END)
            && let Some(from) = body_from.take()
        {
            parsed.procedures.push(from..parsed.statements.len());
        }
    }
    if let Some(from) = body_from {
        parsed.procedures.push(from..parsed.statements.len());
    }
    // Data statements of which none could be read: the script's parse error
    // stands. Only commands that move no data (`REFRESH TABLE`, `ADD JAR`)
    // leave an empty lineage whose warnings say what was skipped.
    if parsed.statements.is_empty() && parsed.skipped_data {
        return Err(error.unwrap_or(LineageError::UnknownDialect(dialect.into())));
    }
    Ok(parsed)
}

/// T-SQL's `SET a += b` as `SET a = a + b`, which every dialect parses; the
/// lineage is the same.
fn expand_compound_assignments(tokens: &mut Vec<TokenWithSpan>) {
    let mut i = 0;
    while i + 1 < tokens.len() {
        let is_operator = matches!(
            tokens[i].token,
            Token::Plus | Token::Minus | Token::Mul | Token::Div | Token::Mod
        );
        if !(is_operator && tokens[i + 1].token == Token::Eq) {
            i += 1;
            continue;
        }
        // The assigned name: back to the `SET` or `,` before it.
        let mut start = i;
        while start > 0 {
            match &tokens[start - 1].token {
                Token::Comma => break,
                Token::Word(w) if w.keyword == Keyword::SET => break,
                Token::Word(_) | Token::Period | Token::Whitespace(_) => start -= 1,
                _ => {
                    start = 0;
                    break;
                }
            }
        }
        if start == 0 {
            i += 2;
            continue;
        }
        let target: Vec<TokenWithSpan> = tokens[start..i]
            .iter()
            .filter(|t| !matches!(t.token, Token::Whitespace(_)))
            .cloned()
            .collect();
        let operator = tokens[i].clone();
        let mut replacement = vec![tokens[i + 1].clone(), space()];
        replacement.extend(target);
        replacement.push(space());
        replacement.push(operator);
        let added = replacement.len();
        tokens.splice(i..i + 2, replacement);
        i += added;
    }
}

/// The column name that stands for "every column" in a MERGE clause that
/// sqlparser cannot read as written: Spark's and Delta's `UPDATE SET *` and
/// `INSERT *` become `UPDATE SET c = c` and `INSERT (c) VALUES (c)` with this
/// name, and the MERGE's lineage maps the source's columns onto the
/// target's by name.
pub(crate) const MERGE_ALL_COLUMNS: &str = "__steward_merge_all_columns__";

/// Spark's and Delta's `WHEN MATCHED THEN UPDATE SET *` and `WHEN NOT
/// MATCHED THEN INSERT *`, written with `MERGE_ALL_COLUMNS` (see there).
fn expand_merge_stars(tokens: &mut Vec<TokenWithSpan>) {
    let all = || TokenWithSpan::wrap(Token::make_word(MERGE_ALL_COLUMNS, None));
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i].token != Token::Mul {
            i += 1;
            continue;
        }
        // The words before the `*`, skipping whitespace.
        let before: Vec<usize> = (0..i)
            .rev()
            .filter(|&j| !matches!(tokens[j].token, Token::Whitespace(_)))
            .take(3)
            .collect();
        let word = |n: usize, k: Keyword| {
            before
                .get(n)
                .is_some_and(|&j| is_keyword(&tokens[j].token, k))
        };
        let replacement =
            if word(0, Keyword::SET) && word(1, Keyword::UPDATE) && word(2, Keyword::THEN) {
                vec![
                    all(),
                    space(),
                    TokenWithSpan::wrap(Token::Eq),
                    space(),
                    all(),
                ]
            } else if word(0, Keyword::INSERT) && word(1, Keyword::THEN) {
                vec![
                    TokenWithSpan::wrap(Token::LParen),
                    all(),
                    TokenWithSpan::wrap(Token::RParen),
                    space(),
                    TokenWithSpan::wrap(Token::make_keyword("VALUES")),
                    space(),
                    TokenWithSpan::wrap(Token::LParen),
                    all(),
                    TokenWithSpan::wrap(Token::RParen),
                ]
            } else {
                i += 1;
                continue;
            };
        let added = replacement.len();
        tokens.splice(i..i + 1, replacement);
        i += added;
    }
}

/// Hive's multi-insert, `FROM src s INSERT OVERWRITE TABLE a SELECT s.x
/// WHERE ... INSERT INTO TABLE b SELECT ...`, as one `INSERT ... SELECT ...
/// FROM src s WHERE ...` per target: the shared FROM clause goes after each
/// select list, before its own WHERE or GROUP BY. None when the piece does
/// not open with FROM followed by INSERTs.
fn from_first_inserts(tokens: &[TokenWithSpan]) -> Option<Vec<String>> {
    let solid: Vec<&TokenWithSpan> = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .collect();
    let keyword = |t: &TokenWithSpan, k: Keyword| is_keyword(&t.token, k);
    if !solid.first().is_some_and(|t| keyword(t, Keyword::FROM)) {
        return None;
    }
    // Each token's parenthesis depth: only top-level keywords split.
    let mut depth = 0i32;
    let depths: Vec<i32> = solid
        .iter()
        .map(|t| {
            match t.token {
                Token::LParen => depth += 1,
                Token::RParen => depth -= 1,
                _ => {}
            }
            depth
        })
        .collect();
    let top = |i: usize, k: Keyword| depths[i] == 0 && keyword(solid[i], k);
    let inserts: Vec<usize> = (0..solid.len())
        .filter(|&i| top(i, Keyword::INSERT))
        .collect();
    let first = *inserts.first()?;
    let from: String = solid[1..first]
        .iter()
        .map(|t| t.token.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    if from.is_empty() {
        return None;
    }
    const AFTER_FROM: &[Keyword] = &[
        Keyword::WHERE,
        Keyword::GROUP,
        Keyword::HAVING,
        Keyword::ORDER,
        Keyword::SORT,
        Keyword::CLUSTER,
        Keyword::DISTRIBUTE,
        Keyword::LIMIT,
        Keyword::WINDOW,
        Keyword::QUALIFY,
        Keyword::LATERAL,
        Keyword::UNION,
    ];
    let mut out = Vec::new();
    for (n, &start) in inserts.iter().enumerate() {
        let end = inserts.get(n + 1).copied().unwrap_or(solid.len());
        let select = (start..end).find(|&i| top(i, Keyword::SELECT))?;
        let mut words: Vec<String> = Vec::new();
        let mut placed = false;
        for i in start..end {
            if !placed && i > select && top(i, Keyword::FROM) {
                // This INSERT has its own FROM: kept as written.
                placed = true;
            } else if !placed
                && i > select
                && depths[i] == 0
                && AFTER_FROM.iter().any(|k| keyword(solid[i], *k))
            {
                words.push(format!("FROM {from}"));
                placed = true;
            }
            words.push(solid[i].token.to_string());
        }
        if !placed {
            words.push(format!("FROM {from}"));
        }
        out.push(words.join(" "));
    }
    Some(out)
}

/// The two tables of `ALTER TABLE target EXCHANGE PARTITION (...) WITH
/// TABLE source`, as written.
fn exchange_partition(tokens: &[TokenWithSpan]) -> Option<(String, String)> {
    let solid: Vec<&Token> = tokens
        .iter()
        .map(|t| &t.token)
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect();
    let keyword = |i: usize, k: Keyword| solid.get(i).is_some_and(|t| is_keyword(t, k));
    if !(keyword(0, Keyword::ALTER) && keyword(1, Keyword::TABLE)) {
        return None;
    }
    // A dotted name: words and periods.
    let name_at = |mut i: usize| -> (String, usize) {
        let mut name = String::new();
        while let Some(t @ (Token::Word(_) | Token::Period)) = solid.get(i) {
            if matches!(t, Token::Word(w) if w.keyword != Keyword::NoKeyword && w.quote_style.is_none())
                && !name.is_empty()
                && !name.ends_with('.')
            {
                break;
            }
            name.push_str(&t.to_string());
            i += 1;
        }
        (name, i)
    };
    let (target, next) = name_at(2);
    let is_exchange = matches!(solid.get(next), Some(Token::Word(w)) if w.value.eq_ignore_ascii_case("exchange"))
        && keyword(next + 1, Keyword::PARTITION);
    if target.is_empty() || !is_exchange {
        return None;
    }
    let with = (next..solid.len())
        .find(|&i| keyword(i, Keyword::WITH) && keyword(i + 1, Keyword::TABLE))?;
    let (source, end) = name_at(with + 2);
    (!source.is_empty() && end == solid.len()).then_some((target, source))
}

fn is_keyword(token: &Token, keyword: Keyword) -> bool {
    matches!(token, Token::Word(w) if w.keyword == keyword)
}

fn space() -> TokenWithSpan {
    TokenWithSpan::wrap(Token::Whitespace(sqlparser::tokenizer::Whitespace::Space))
}

fn recover(tokens: &[TokenWithSpan], dialect: &str, parsed: &mut Parsed, depth: usize) {
    let start = tokens
        .iter()
        .position(|t| !matches!(t.token, Token::Whitespace(_)));
    let Some(start) = start else { return };
    let tokens = &tokens[start..];
    if depth > 32 {
        parsed.skip(tokens);
        return;
    }
    // Procedural glue and commands with no data statement in them
    // (`DECLARE x INT64 DEFAULT 0`, `END IF`, `SET x = 1`): skipped without
    // trying every dialect's parser on them.
    if moves_no_data(tokens) {
        parsed.skip(tokens);
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
    // Hive's `FROM src INSERT ... SELECT ... INSERT ... SELECT ...`: one
    // INSERT ... SELECT ... FROM src per target.
    if let Some(inserts) = from_first_inserts(tokens) {
        let read: Vec<Vec<Statement>> = inserts
            .iter()
            .filter_map(|insert| parse(insert, dialect).ok())
            .collect();
        if read.len() == inserts.len() {
            parsed.statements.extend(read.into_iter().flatten());
            return;
        }
    }
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
            parsed.skip(&tokens[stop..]);
            return;
        }
    }
    // Hive's `ALTER TABLE t EXCHANGE PARTITION (...) WITH TABLE s` moves a
    // partition's rows from `s` into `t`: read as the INSERT it amounts to.
    if let Some((target, source)) = exchange_partition(tokens)
        && let Ok(statements) = parse(
            &format!("INSERT INTO {target} SELECT * FROM {source}"),
            "hive",
        )
    {
        parsed.statements.extend(statements);
        return;
    }
    // A wrapper around a data statement: skip to the statement.
    let inner = tokens.iter().skip(1).position(|t| {
        matches!(&t.token, Token::Word(w) if DATA_STATEMENTS.contains(&w.keyword) && w.keyword != Keyword::CREATE)
    });
    match inner {
        Some(i) => {
            parsed.skip(&tokens[..=i]);
            recover(&tokens[i + 1..], dialect, parsed, depth + 1);
        }
        None => parsed.skip(tokens),
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

    fn inserts(parsed: &Parsed) -> usize {
        parsed
            .statements
            .iter()
            .filter(|s| matches!(s, Statement::Insert(_)))
            .count()
    }

    #[test]
    fn procedural_scripts_yield_their_data_statements() {
        let parsed = parse_lenient(
            "CREATE PROCEDURE p() BEGIN INSERT INTO t2 (c) SELECT c FROM t1; DECLARE x INT; END",
            "bigquery",
        )
        .unwrap();
        assert_eq!(inserts(&parsed), 1, "{:?}", parsed.statements);
        assert!(!parsed.skipped.is_empty());
        let parsed = parse_lenient(
            "insert into tab1 select * from foo insert into tab2 select * from bar",
            "tsql",
        )
        .unwrap();
        assert_eq!(parsed.statements.len(), 2);
        let commands = parse_lenient("refresh table t; ADD JAR /tmp/x.jar", "sparksql").unwrap();
        assert!(commands.statements.is_empty());
        assert_eq!(commands.skipped.len(), 2, "{:?}", commands.skipped);
        assert!(
            parse_lenient("SELEC broken FROM t", "postgres").is_err(),
            "a misspelt statement is not a command that moves no data"
        );
        assert!(
            parse_lenient("SELECT a FROM t WHERE ) x", "sparksql").is_err(),
            "a data statement of which nothing can be read is an error, with the parser's message"
        );
    }

    #[test]
    fn procedural_glue_is_skipped_and_the_data_statements_inside_kept() {
        let parsed = parse_lenient(
            "DECLARE n INT64 DEFAULT 0; LOOP SET n = n + 1; \
             INSERT INTO t (a) SELECT a FROM s; IF n >= 3 THEN LEAVE; END IF; END LOOP; \
             EXCEPTION WHEN ERROR THEN RAISE; END;",
            "bigquery",
        )
        .unwrap();
        assert_eq!(inserts(&parsed), 1, "{:?}", parsed.statements);
        assert!(
            parsed.skipped.iter().any(|s| s.starts_with("DECLARE")),
            "{:?}",
            parsed.skipped
        );
        assert!(!parsed.skipped_data, "glue is not a data statement");
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
