//! Lineage from SQL, pure: the tables a script reads and writes, and which
//! source columns feed which target columns, with each edge's kind (direct
//! copy, transformation, aggregation). Schema-aware when given table columns
//! (unqualified columns resolve, stars expand); without a schema it still
//! answers, with warnings saying what it had to assume.
//!
//! - `parse`: the SQL in its dialect, with fallbacks and a depth limit;
//! - `resolve`: queries to output columns over scopes (CTEs, subqueries,
//!   joins, set operations, lateral and UNNEST);
//! - `statement`: SELECT, INSERT, CREATE TABLE AS, CREATE VIEW, UPDATE,
//!   DELETE, MERGE;
//! - `script`: multi-statement scripts end to end.

mod error;
mod formats;
mod model;
mod normalize;
pub mod parse;
mod querylog;
mod resolve;
mod script;
mod statement;

pub use error::{LineageError, Position};
pub use formats::{DbtModel, dbt_manifest, openlineage_events};
pub use model::{ColumnEdge, ColumnRef, EdgeKind, Lineage, Schema, is_path};
pub use normalize::normalize_sql;
pub use querylog::{
    LogFormat, LoggedStatement, QueryLog, SkippedRecord, parse_time, read_query_log,
};

/// The longest script one input may be (1 MiB): query logs and models hold
/// statements far shorter; a generated multi-megabyte `INSERT ... VALUES` is
/// refused with the reason instead of costing gigabytes to parse.
pub const MAX_INPUT_BYTES: usize = 1 << 20;

/// The lineage of a script in a dialect (`postgres`, `snowflake`, `tsql`, ...).
/// Pieces the parser cannot read (procedural wrappers, vendor commands) and
/// statements the resolver cannot follow become warnings; only a script with
/// data statements of which none can be read is an error.
pub fn analyze(sql: &str, dialect: &str, schema: &Schema) -> Result<Lineage, LineageError> {
    if sql.len() > MAX_INPUT_BYTES {
        return Err(LineageError::TooLarge {
            size: sql.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    let parsed = parse::parse_lenient(sql, dialect)?;
    let mut lineages = Vec::with_capacity(parsed.statements.len() + 1);
    // Catalogs with databases holding schemas name tables in three parts.
    let max_parts = if matches!(
        dialect.to_ascii_lowercase().as_str(),
        "mysql" | "mariadb" | "hive" | "spark" | "sparksql" | "databricks"
    ) {
        2
    } else {
        3
    };
    // IF and blocks: their data statements, in order. A stored procedure's
    // body is one unit: its tables are not collapsed as a script's are.
    let mut units = Vec::with_capacity(parsed.statements.len());
    let mut procedures = parsed
        .procedures
        .into_iter()
        .filter(|body| !body.is_empty())
        .peekable();
    let mut statements = parsed.statements.into_iter().enumerate().peekable();
    while let Some((i, stmt)) = statements.next() {
        if let Some(body) = procedures.next_if(|body| body.start == i) {
            let mut found = vec![stmt];
            while let Some((_, s)) = statements.next_if(|(j, _)| body.contains(j)) {
                found.push(s);
            }
            units.push(Unit::Procedure(found));
            continue;
        }
        if statement::moves_data(&stmt) {
            units.push(Unit::Statement(Box::new(stmt)));
        } else {
            let mut nested = Nested::default();
            let _ = sqlparser::ast::Visit::visit(&stmt, &mut nested);
            if matches!(stmt, sqlparser::ast::Statement::CreateProcedure { .. }) {
                units.push(Unit::Procedure(nested.found));
            } else {
                units.extend(
                    nested
                        .found
                        .into_iter()
                        .map(|s| Unit::Statement(Box::new(s))),
                );
            }
        }
    }
    let mut run = Run {
        schema,
        default_database: None,
        max_parts,
    };
    for unit in units {
        match unit {
            Unit::Statement(stmt) => {
                if let Some(l) = run.statement(&stmt)? {
                    lineages.push(l);
                }
            }
            Unit::Procedure(body) => {
                let mut inner = Vec::with_capacity(body.len());
                for stmt in &body {
                    inner.extend(run.statement(stmt)?);
                }
                lineages.push(script::collapse_with(inner, script::Scratch::DroppedOnly));
            }
        }
    }
    let mut lineage = script::collapse(lineages);
    lineage.warnings.extend(
        parsed
            .skipped
            .into_iter()
            .map(|s| format!("not understood, skipped: {s}")),
    );
    Ok(lineage)
}

enum Unit {
    Statement(Box<sqlparser::ast::Statement>),
    Procedure(Vec<sqlparser::ast::Statement>),
}

/// Statements read in order, with the database a `USE` made the default.
struct Run<'a> {
    schema: &'a Schema,
    default_database: Option<String>,
    max_parts: usize,
}

impl Run<'_> {
    /// A statement's lineage; `None` for a `USE`, which only changes the
    /// default database. A statement the resolver cannot follow is a warning.
    fn statement(
        &mut self,
        stmt: &sqlparser::ast::Statement,
    ) -> Result<Option<Lineage>, LineageError> {
        if let sqlparser::ast::Statement::Use(using) = stmt {
            self.default_database = use_target(using);
            return Ok(None);
        }
        let names = resolve::Names {
            default: self.default_database.as_deref(),
            max_parts: self.max_parts,
        };
        match statement::statement(self.schema, names, stmt) {
            Ok(l) => Ok(Some(l)),
            Err(LineageError::TooDeep(n)) => Err(LineageError::TooDeep(n)),
            Err(e) => Ok(Some(Lineage {
                warnings: vec![format!("statement skipped: {e}")],
                ..Lineage::default()
            })),
        }
    }
}

/// The data statements inside a procedural one.
#[derive(Default)]
struct Nested {
    found: Vec<sqlparser::ast::Statement>,
    inside: usize,
}

impl sqlparser::ast::Visitor for Nested {
    type Break = ();

    fn pre_visit_statement(
        &mut self,
        stmt: &sqlparser::ast::Statement,
    ) -> std::ops::ControlFlow<()> {
        if statement::moves_data(stmt) {
            if self.inside == 0 {
                self.found.push(stmt.clone());
            }
            self.inside += 1;
        }
        std::ops::ControlFlow::Continue(())
    }

    fn post_visit_statement(
        &mut self,
        stmt: &sqlparser::ast::Statement,
    ) -> std::ops::ControlFlow<()> {
        if statement::moves_data(stmt) {
            self.inside -= 1;
        }
        std::ops::ControlFlow::Continue(())
    }
}

/// The database or schema a `USE` statement makes the default.
fn use_target(using: &sqlparser::ast::Use) -> Option<String> {
    use sqlparser::ast::Use;
    match using {
        Use::Catalog(n) | Use::Schema(n) | Use::Database(n) | Use::Object(n) => {
            Some(resolve::object_name(n))
        }
        _ => None,
    }
}
