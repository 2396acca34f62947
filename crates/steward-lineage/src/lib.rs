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

mod dbt;
mod error;
mod formats;
mod jinja;
mod model;
mod normalize;
pub mod parse;
mod querylog;
mod resolve;
mod script;
mod statement;

pub use dbt::{
    DbtProject, DbtProperties, DeclaredSource, FolderConfig, ModelColumn, ModelProperties,
    is_project_file, read_project, read_properties,
};
pub use error::{LineageError, Position};
pub use formats::{
    DbtCatalogColumn, DbtCatalogEntry, DbtModel, dbt_catalog, dbt_manifest, openlineage_events,
};
pub use jinja::{DbtContext, DbtRenderer};
pub use model::{ColumnEdge, ColumnRef, EdgeKind, Lineage, Schema, is_path};
pub use normalize::normalize_sql;
pub use querylog::{
    LogFormat, LoggedStatement, QueryLog, SkippedRecord, parse_time, read_query_log,
};

/// The longest script one input may be (1 MiB): query logs and models hold
/// statements far shorter; a generated multi-megabyte `INSERT ... VALUES` is
/// refused with the reason instead of costing gigabytes to parse.
pub const MAX_INPUT_BYTES: usize = 1 << 20;

/// What a `count(*)` (or any function of `*`) feeds from: a choice, on which
/// lineage tools differ.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CountStar {
    /// An edge from the table's `*` (`orders.* -> daily.n`): the count
    /// depends on the whole table, and impact analysis of the table finds it.
    #[default]
    Table,
    /// No edge: a count reads no column's values; only the columns it
    /// filters or groups on (`COUNT(*) FILTER (WHERE status = ...)`) feed it.
    None,
}

impl std::str::FromStr for CountStar {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "table" => Ok(Self::Table),
            "none" => Ok(Self::None),
            other => Err(format!("`{other}`: expected `table` or `none`")),
        }
    }
}

/// The conventions lineage follows where SQL leaves a choice: the
/// `[lineage]` section of `steward.toml`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Conventions {
    /// `table` (default) or `none`: see `CountStar`.
    pub count_star: CountStar,
}

/// The lineage of a script in a dialect (`postgres`, `snowflake`, `tsql`, ...).
/// Pieces the parser cannot read (procedural wrappers, vendor commands) and
/// statements the resolver cannot follow become warnings; only a script with
/// data statements of which none can be read is an error.
pub fn analyze(sql: &str, dialect: &str, schema: &Schema) -> Result<Lineage, LineageError> {
    analyze_with(sql, dialect, schema, Conventions::default())
}

/// As `analyze`, with the conventions given.
pub fn analyze_with(
    sql: &str,
    dialect: &str,
    schema: &Schema,
    conventions: Conventions,
) -> Result<Lineage, LineageError> {
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
        conventions,
        declared: None,
        pending: Vec::new(),
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
    conventions: Conventions,
    /// The schema with the tables the script declared so far, once a
    /// statement after a declaration needs it.
    declared: Option<Schema>,
    /// Tables declared (name, columns) not yet in `declared`.
    pending: Vec<(String, Vec<String>)>,
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
            conventions: self.conventions,
        };
        // Tables declared by earlier statements join the schema only when a
        // later statement comes: a script that only declares one (a log's
        // `CREATE TABLE`) never copies the catalog's schema.
        if !self.pending.is_empty() {
            let declared = self.declared.get_or_insert_with(|| self.schema.clone());
            for (table, columns) in self.pending.drain(..) {
                declared.add(&table, columns);
            }
        }
        let schema = self.declared.as_ref().unwrap_or(self.schema);
        match statement::statement(schema, names, stmt) {
            Ok(l) => {
                self.pending.extend(declared_table(stmt, names));
                Ok(Some(l))
            }
            Err(LineageError::TooDeep(n)) => Err(LineageError::TooDeep(n)),
            Err(e) => Ok(Some(Lineage {
                warnings: vec![format!("statement skipped: {e}")],
                ..Lineage::default()
            })),
        }
    }
}

/// A table a script creates with its columns (`CREATE TABLE t (a INT, b
/// TEXT)`): known to the statements after it, as if the catalog had it, so
/// a star over it expands and `EXCLUDE` leaves columns out.
fn declared_table(
    stmt: &sqlparser::ast::Statement,
    names: resolve::Names<'_>,
) -> Option<(String, Vec<String>)> {
    let sqlparser::ast::Statement::CreateTable(ct) = stmt else {
        return None;
    };
    if ct.columns.is_empty() || ct.query.is_some() {
        return None;
    }
    let table = resolve::qualify(names, &resolve::object_name(&ct.name));
    Some((
        table,
        ct.columns.iter().map(|c| resolve::ident(&c.name)).collect(),
    ))
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
