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
pub mod parse;
mod resolve;
mod script;
mod statement;

pub use error::{LineageError, Position};
pub use formats::{DbtModel, dbt_manifest, openlineage_events};
pub use model::{ColumnEdge, ColumnRef, EdgeKind, Lineage, Schema};

/// The lineage of a script in a dialect (`postgres`, `snowflake`, `tsql`, ...).
/// Pieces the parser cannot read (procedural wrappers, vendor commands) and
/// statements the resolver cannot follow become warnings; only a script with
/// data statements of which none can be read is an error.
pub fn analyze(sql: &str, dialect: &str, schema: &Schema) -> Result<Lineage, LineageError> {
    let parsed = parse::parse_lenient(sql, dialect)?;
    let mut lineages = Vec::with_capacity(parsed.statements.len() + 1);
    let mut default_database: Option<String> = None;
    // Catalogs with databases holding schemas name tables in three parts.
    let max_parts = if matches!(
        dialect.to_ascii_lowercase().as_str(),
        "mysql" | "mariadb" | "hive" | "spark" | "sparksql" | "databricks"
    ) {
        2
    } else {
        3
    };
    // Procedures, IF and blocks: their data statements, in order.
    let mut flat = Vec::with_capacity(parsed.statements.len());
    for stmt in parsed.statements {
        if statement::moves_data(&stmt) {
            flat.push(stmt);
        } else {
            let mut nested = Nested::default();
            let _ = sqlparser::ast::Visit::visit(&stmt, &mut nested);
            flat.extend(nested.found);
        }
    }
    for stmt in &flat {
        if let sqlparser::ast::Statement::Use(using) = stmt {
            default_database = use_target(using);
            continue;
        }
        let names = resolve::Names {
            default: default_database.as_deref(),
            max_parts,
        };
        match statement::statement(schema, names, stmt) {
            Ok(l) => lineages.push(l),
            Err(LineageError::TooDeep(n)) => return Err(LineageError::TooDeep(n)),
            Err(e) => lineages.push(Lineage {
                warnings: vec![format!("statement skipped: {e}")],
                ..Lineage::default()
            }),
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
