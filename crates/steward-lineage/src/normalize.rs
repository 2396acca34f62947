//! SQL as the catalog keeps it: the statement's shape without its values.
//!
//! A query log or a view definition holds literals (`WHERE email = '…'`) that
//! may be personal data. What is stored is fingerprinted the way query-digest
//! tools do it: string and number literals become `?` and comments are
//! dropped, while identifiers, keywords and operators are kept, so the text
//! still reads, parses for lineage, plans for cost, and groups repeated
//! queries. Numbers that are part of the statement's shape rather than values
//! are kept: positions in `ORDER BY 1, 2` / `GROUP BY 1` and type parameters
//! (`DECIMAL(10, 2)`, `VARCHAR(255)`).

use sqlparser::dialect::{Dialect, GenericDialect, dialect_from_str};
use sqlparser::tokenizer::{Token, Tokenizer, Whitespace};

use crate::parse::canonical;

/// The placeholder a literal becomes.
pub const PLACEHOLDER: &str = "?";

/// Type names whose parenthesised numbers are parameters, not values.
const PARAMETERISED_TYPES: &[&str] = &[
    "DECIMAL",
    "NUMERIC",
    "NUMBER",
    "DEC",
    "VARCHAR",
    "NVARCHAR",
    "CHAR",
    "NCHAR",
    "CHARACTER",
    "VARYING",
    "VARBINARY",
    "BINARY",
    "BIT",
    "FLOAT",
    "DOUBLE",
    "TIMESTAMP",
    "TIME",
    "DATETIME2",
    "DATETIMEOFFSET",
    "STRING",
    "BYTES",
    "FIXEDSTRING",
];

/// Words that end an `ORDER BY` / `GROUP BY` list.
const LIST_ENDS: &[&str] = &[
    "LIMIT",
    "OFFSET",
    "HAVING",
    "FETCH",
    "UNION",
    "EXCEPT",
    "INTERSECT",
    "MINUS",
    "WINDOW",
    "QUALIFY",
    "FROM",
    "WHERE",
    "SELECT",
    "INTO",
    "ON",
    "SET",
    "VALUES",
];

/// `sql` with its literals replaced by `?` and its comments dropped. Text the
/// tokenizer cannot read (an unterminated quote) is cut where the first quote
/// opens, so nothing after it can be a value kept in clear.
pub fn normalize_sql(sql: &str, dialect: &str) -> String {
    let dialect: Box<dyn Dialect> = canonical(dialect)
        .and_then(dialect_from_str)
        .unwrap_or_else(|| Box::new(GenericDialect {}));
    let tokens = match Tokenizer::new(dialect.as_ref(), sql).tokenize() {
        Ok(tokens) => tokens,
        Err(_) => return cut_at_first_quote(sql),
    };
    let significant = |i: usize| !matches!(tokens[i], Token::Whitespace(_));
    let prev_word = |i: usize| -> Option<String> {
        (0..i)
            .rev()
            .find(|&j| significant(j))
            .and_then(|j| match &tokens[j] {
                Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
                _ => None,
            })
    };
    let mut out = String::with_capacity(sql.len());
    // Inside `ORDER BY` / `GROUP BY` at this parenthesis depth.
    let mut by_list: Option<usize> = None;
    let mut depth = 0usize;
    // Parentheses opened right after a type name, by depth.
    let mut type_parens: Vec<usize> = Vec::new();
    let mut last: Option<&Token> = None;
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Token::Whitespace(Whitespace::SingleLineComment { .. }) => {
                out.push('\n');
                continue;
            }
            Token::Whitespace(Whitespace::MultiLineComment(_)) => {
                out.push(' ');
                continue;
            }
            Token::Whitespace(_) => {
                out.push_str(&token.to_string());
                continue;
            }
            _ => {}
        }
        match token {
            Token::LParen => {
                depth += 1;
                if prev_word(i).is_some_and(|w| PARAMETERISED_TYPES.contains(&w.as_str())) {
                    type_parens.push(depth);
                }
                out.push('(');
            }
            Token::RParen => {
                if type_parens.last() == Some(&depth) {
                    type_parens.pop();
                }
                if by_list.is_some_and(|d| d >= depth) {
                    by_list = None;
                }
                depth = depth.saturating_sub(1);
                out.push(')');
            }
            Token::SemiColon => {
                by_list = None;
                out.push(';');
            }
            Token::Word(w) if w.quote_style.is_none() => {
                let upper = w.value.to_ascii_uppercase();
                if upper == "BY"
                    && matches!(last, Some(Token::Word(p)) if ["ORDER", "GROUP"].contains(&p.value.to_ascii_uppercase().as_str()))
                {
                    by_list = Some(depth);
                } else if LIST_ENDS.contains(&upper.as_str()) {
                    by_list = None;
                }
                out.push_str(&token.to_string());
            }
            Token::Number(..) => {
                let in_type = type_parens.last() == Some(&depth);
                let position = by_list == Some(depth)
                    && match last {
                        Some(Token::Comma) => true,
                        Some(Token::Word(p)) => p.value.eq_ignore_ascii_case("BY"),
                        _ => false,
                    };
                if in_type || position {
                    out.push_str(&token.to_string());
                } else {
                    out.push_str(PLACEHOLDER);
                }
            }
            t if is_literal(t) => out.push_str(PLACEHOLDER),
            _ => out.push_str(&token.to_string()),
        }
        last = Some(token);
    }
    out
}

pub(crate) fn is_literal(token: &Token) -> bool {
    matches!(
        token,
        Token::SingleQuotedString(_)
            | Token::DoubleQuotedString(_)
            | Token::TripleSingleQuotedString(_)
            | Token::TripleDoubleQuotedString(_)
            | Token::DollarQuotedString(_)
            | Token::SingleQuotedByteStringLiteral(_)
            | Token::DoubleQuotedByteStringLiteral(_)
            | Token::TripleSingleQuotedByteStringLiteral(_)
            | Token::TripleDoubleQuotedByteStringLiteral(_)
            | Token::SingleQuotedRawStringLiteral(_)
            | Token::DoubleQuotedRawStringLiteral(_)
            | Token::TripleSingleQuotedRawStringLiteral(_)
            | Token::TripleDoubleQuotedRawStringLiteral(_)
            | Token::NationalStringLiteral(_)
            | Token::QuoteDelimitedStringLiteral(_)
            | Token::NationalQuoteDelimitedStringLiteral(_)
            | Token::EscapedStringLiteral(_)
            | Token::UnicodeStringLiteral(_)
            | Token::HexStringLiteral(_)
    )
}

/// Text before the first quote, for SQL the tokenizer refuses.
fn cut_at_first_quote(sql: &str) -> String {
    match sql.find(['\'', '"', '$']) {
        Some(at) => format!("{} {PLACEHOLDER} …", sql[..at].trim_end()),
        None => sql
            .chars()
            .map(|c| if c.is_ascii_digit() { '0' } else { c })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_sql;

    #[test]
    fn literals_become_placeholders_and_the_shape_stays() {
        let cases = [
            (
                "SELECT id FROM crm.customers WHERE email = 'ana@example.com' AND phone = '+1 415 555 0100'",
                "postgres",
                "SELECT id FROM crm.customers WHERE email = ? AND phone = ?",
            ),
            (
                "select * from t where ssn = 123456789 and amount > -12.5e3 limit 10",
                "generic",
                "select * from t where ssn = ? and amount > -? limit ?",
            ),
            (
                "SELECT a, count(*) FROM t GROUP BY 1 ORDER BY 2 DESC, 1",
                "duckdb",
                "SELECT a, count(*) FROM t GROUP BY 1 ORDER BY 2 DESC, 1",
            ),
            (
                "SELECT CAST(x AS DECIMAL(10, 2)), CAST(y AS VARCHAR(255)) FROM t WHERE z IN (1, 2, 3)",
                "generic",
                "SELECT CAST(x AS DECIMAL(10, 2)), CAST(y AS VARCHAR(255)) FROM t WHERE z IN (?, ?, ?)",
            ),
            (
                "SELECT \"Email\" FROM t /* user: ana@example.com */ WHERE n = N'José' -- José's row\nAND e = E'a\\'b'",
                "postgres",
                "SELECT \"Email\" FROM t   WHERE n = ? \nAND e = ?",
            ),
            (
                "SELECT * FROM t WHERE name = \"O'Brien\" ORDER BY id",
                "mysql",
                "SELECT * FROM t WHERE name = ? ORDER BY id",
            ),
            (
                "SELECT $$secret body$$, x FROM t ORDER BY x LIMIT 5",
                "postgres",
                "SELECT ?, x FROM t ORDER BY x LIMIT ?",
            ),
            (
                "SELECT * FROM t ORDER BY (CASE WHEN a = 3 THEN 1 ELSE 2 END)",
                "generic",
                "SELECT * FROM t ORDER BY (CASE WHEN a = ? THEN ? ELSE ? END)",
            ),
        ];
        for (sql, dialect, want) in cases {
            assert_eq!(normalize_sql(sql, dialect), want, "{sql}");
        }
    }

    #[test]
    fn unreadable_sql_keeps_nothing_after_its_first_quote() {
        let got = normalize_sql("SELECT * FROM t WHERE email = 'ana@example.com", "generic");
        assert_eq!(got, "SELECT * FROM t WHERE email = ? …");
        assert!(!got.contains("ana"));
    }

    #[test]
    fn repeated_queries_with_other_values_normalise_alike() {
        let a = normalize_sql(
            "SELECT * FROM o WHERE customer_id = 17 AND day = '2024-01-01'",
            "generic",
        );
        let b = normalize_sql(
            "SELECT * FROM o WHERE customer_id = 9023 AND day = '2024-03-09'",
            "generic",
        );
        assert_eq!(a, b);
    }
}

#[cfg(test)]
mod lineage_kept {
    use super::normalize_sql;
    use crate::{Schema, analyze};

    /// The stored shape gives the same lineage as the SQL that was logged.
    #[test]
    fn normalised_sql_has_the_lineage_of_the_original() {
        let cases = [
            (
                "CREATE VIEW v AS SELECT a, upper(b) AS b FROM s.t WHERE c = 'x@y.com' AND d > 10",
                "postgres",
            ),
            (
                "INSERT INTO m.out SELECT id, sum(amount) FROM s.o WHERE day = '2024-01-01' GROUP BY 1",
                "snowflake",
            ),
            (
                "CREATE VIEW v AS SELECT `a` FROM t WHERE b = \"secret\" LIMIT 3",
                "mysql",
            ),
            ("SELECT a FROM t WHERE b IN ('p', 'q') ORDER BY 1", "sqlite"),
        ];
        for (sql, dialect) in cases {
            let schema = Schema::new();
            let before = analyze(sql, dialect, &schema).unwrap();
            let normalised = normalize_sql(sql, dialect);
            let after = analyze(&normalised, dialect, &schema)
                .unwrap_or_else(|e| panic!("{normalised}: {e}"));
            assert_eq!(before.sources, after.sources, "{normalised}");
            assert_eq!(before.targets, after.targets, "{normalised}");
            assert_eq!(before.edges, after.edges, "{normalised}");
        }
    }
}
