//! Resolving queries to the columns they output and the table columns each
//! one comes from. A query is evaluated over scopes: the tables, CTEs and
//! subqueries of its FROM clause, each under its alias, with the enclosing
//! query's scope behind for correlated subqueries.

use std::collections::{BTreeSet, HashMap};
use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, Function, Ident, ObjectName, ObjectNamePart, Query, Select, SelectItem,
    SelectItemQualifiedWildcardKind, SetExpr, TableAlias, TableFactor, TableWithJoins, Visit,
    Visitor,
};

use crate::error::LineageError;
use crate::model::{ColumnRef, EdgeKind, Schema};

/// How deep the resolver follows nested queries before it gives up.
pub const MAX_NESTING: usize = 64;

/// An output column of a query: its name and where its values come from.
#[derive(Debug, Clone, PartialEq)]
pub struct Col {
    pub name: String,
    pub sources: BTreeSet<ColumnRef>,
    pub kind: EdgeKind,
    /// Functions applied on the way from the sources (lowercased names).
    pub functions: BTreeSet<String>,
}

/// The columns a query outputs, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Relation {
    pub columns: Vec<Col>,
    /// For a CTE: the stored tables it reads, counted as read only where the
    /// CTE is used (a CTE nobody selects from feeds nothing).
    pub reads: BTreeSet<String>,
    /// For UNNEST and table functions: a field read from their rows (`x.price`
    /// of an array of structs, or `price` where nothing else in the FROM
    /// clause could hold it) comes from the columns they were made from.
    pub fields_from: BTreeSet<ColumnRef>,
}

impl Relation {
    fn column(&self, name: &str) -> Option<&Col> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// A column not listed, read through a `*` over a table whose columns are
    /// unknown (`WITH c AS (SELECT * FROM raw.t) SELECT c.email ...`).
    fn through_star(&self, name: &str) -> Option<BTreeSet<ColumnRef>> {
        let star = self.column("*")?;
        Some(
            star.sources
                .iter()
                .map(|s| {
                    if s.column == "*" {
                        ColumnRef::new(s.table.clone(), name)
                    } else {
                        s.clone()
                    }
                })
                .collect(),
        )
    }
}

/// What a name in FROM stands for.
#[derive(Debug, Clone)]
enum Source {
    /// A stored table, with its columns when the schema knows them.
    Base {
        table: String,
        columns: Option<Vec<String>>,
    },
    /// A CTE, subquery or table function.
    Derived(Relation),
}

#[derive(Debug, Clone)]
struct Entry {
    /// The alias, or the table's last name part.
    name: String,
    source: Source,
}

/// The entries of one FROM clause, with the enclosing query's behind.
#[derive(Debug)]
pub struct Scope<'p> {
    entries: Vec<Entry>,
    parent: Option<&'p Scope<'p>>,
}

impl<'p> Scope<'p> {
    fn new(parent: Option<&'p Scope<'p>>) -> Self {
        Self {
            entries: Vec::new(),
            parent,
        }
    }

    /// The FROM item a qualifier names: its alias, else a stored table by its
    /// full name or its last parts (`t.c`, `s.t.c`).
    fn entry(&self, qualifier: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.name == qualifier)
            .or_else(|| {
                self.entries.iter().find(|e| match &e.source {
                    Source::Base { table, .. } => {
                        table == qualifier || table.ends_with(&format!(".{qualifier}"))
                    }
                    Source::Derived(_) => false,
                })
            })
    }
}

/// How unqualified table names are completed: the database (or
/// `database.schema`) a `USE` chose, and how many parts a full name has in
/// the dialect (three in Snowflake or SQL Server, two in MySQL or Hive).
#[derive(Debug, Clone, Copy, Default)]
pub struct Names<'a> {
    pub default: Option<&'a str>,
    pub max_parts: usize,
    /// The conventions the lineage follows where SQL leaves a choice.
    pub conventions: crate::Conventions,
}

/// Completes a table name with the `USE`d default: with three-part names,
/// `USE db` makes `s.t` `db.s.t` and `t` `db.t`; `USE db.s` makes `t`
/// `db.s.t`. With two-part names only `t` becomes `db.t`.
pub fn qualify(names: Names<'_>, table: &str) -> String {
    let Some(default) = names.default else {
        return table.to_string();
    };
    let parts = table.split('.').count();
    let max_parts = names.max_parts.max(2);
    if parts >= max_parts {
        return table.to_string();
    }
    let missing = max_parts - parts;
    let prefix: Vec<&str> = default.split('.').take(missing).collect();
    if prefix.is_empty() {
        table.to_string()
    } else {
        format!("{}.{table}", prefix.join("."))
    }
}

pub fn ident(i: &Ident) -> String {
    i.value.to_lowercase()
}

/// `db.schema.table`, unquoted and lowercased.
pub fn object_name(name: &ObjectName) -> String {
    name.0
        .iter()
        .map(|part| match part {
            ObjectNamePart::Identifier(i) => ident(i),
            ObjectNamePart::Function(f) => ident(&f.name),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Spark's query over files, `parquet.\`s3://bucket/dir/\``: the path, as
/// written (paths are case-sensitive).
fn file_path(name: &ObjectName) -> Option<String> {
    const FORMATS: &[&str] = &[
        "parquet",
        "json",
        "csv",
        "orc",
        "avro",
        "text",
        "delta",
        "binaryfile",
    ];
    let [
        ObjectNamePart::Identifier(format),
        ObjectNamePart::Identifier(path),
    ] = &name.0[..]
    else {
        return None;
    };
    (path.quote_style == Some('`') && FORMATS.contains(&format.value.to_lowercase().as_str()))
        .then(|| path.value.clone())
}

pub(crate) fn last_part(table: &str) -> String {
    table.rsplit('.').next().unwrap_or(table).to_string()
}

const AGGREGATES: &[&str] = &[
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "array_agg",
    "string_agg",
    "group_concat",
    "listagg",
    "stddev",
    "stddev_pop",
    "stddev_samp",
    "variance",
    "var_pop",
    "var_samp",
    "collect_list",
    "collect_set",
    "approx_count_distinct",
    "approx_distinct",
    "median",
    "percentile_cont",
    "percentile_disc",
    "any_value",
    "first",
    "last",
    "bool_and",
    "bool_or",
    "every",
    "corr",
    "covar_pop",
    "covar_samp",
    "json_agg",
    "jsonb_agg",
    "object_agg",
    "arbitrary",
    "countif",
];

/// What an expression reads: column paths and the subqueries inside it
/// (resolved separately, in the expression's scope), and its kind.
#[derive(Default)]
struct ExprScan {
    depth: usize,
    paths: Vec<Vec<String>>,
    subqueries: Vec<Query>,
    aggregate: bool,
    functions: BTreeSet<String>,
    /// Identifiers inside lambda bodies (`x -> x + 1`) are not columns.
    lambda_params: Vec<String>,
    /// Whether `count(*)` reads the table's `*` (see `CountStar`).
    star_arguments: bool,
}

impl Visitor for ExprScan {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        if self.depth == 0 {
            self.subqueries.push(query.clone());
        }
        self.depth += 1;
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _query: &Query) -> ControlFlow<()> {
        self.depth -= 1;
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if self.depth > 0 {
            return ControlFlow::Continue(());
        }
        match expr {
            Expr::Identifier(i) => {
                let name = ident(i);
                if !self.lambda_params.contains(&name) {
                    self.paths.push(vec![name]);
                }
            }
            Expr::CompoundIdentifier(parts) => {
                self.paths.push(parts.iter().map(ident).collect());
            }
            Expr::Function(Function {
                name, over, args, ..
            }) => {
                // `count(*)` reads every row: recorded as the table's `*`
                // unless the conventions say otherwise.
                if let sqlparser::ast::FunctionArguments::List(list) = args {
                    for arg in &list.args {
                        let arg = match arg {
                            sqlparser::ast::FunctionArg::Unnamed(a)
                            | sqlparser::ast::FunctionArg::Named { arg: a, .. }
                            | sqlparser::ast::FunctionArg::ExprNamed { arg: a, .. } => a,
                        };
                        match arg {
                            sqlparser::ast::FunctionArgExpr::Wildcard
                            | sqlparser::ast::FunctionArgExpr::WildcardWithOptions(_)
                                if self.star_arguments =>
                            {
                                self.paths.push(vec!["*".into()]);
                            }
                            sqlparser::ast::FunctionArgExpr::QualifiedWildcard(q)
                                if self.star_arguments =>
                            {
                                let mut path: Vec<String> =
                                    object_name(q).split('.').map(str::to_string).collect();
                                path.push("*".into());
                                self.paths.push(path);
                            }
                            _ => {}
                        }
                    }
                }
                let function = object_name(name);
                self.functions.insert(last_part(&function));
                if over.is_none() && AGGREGATES.contains(&last_part(&function).as_str()) {
                    self.aggregate = true;
                }
            }
            Expr::Lambda(lambda) => {
                self.lambda_params
                    .extend(lambda.params.iter().map(|p| ident(&p.name)));
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }
}

/// State of one statement's resolution.
pub struct Resolver<'s> {
    schema: &'s Schema,
    /// The database a script's `USE` chose, for unqualified table names.
    names: Names<'s>,
    /// CTEs visible, innermost last.
    ctes: Vec<HashMap<String, Relation>>,
    /// Stored tables read anywhere in the statement.
    pub reads: BTreeSet<String>,
    pub warnings: Vec<String>,
    /// `SELECT ... INTO table` targets met.
    pub select_into: Vec<String>,
    depth: usize,
}

impl<'s> Resolver<'s> {
    /// A resolver that sees `ctes` (those of a `WITH ... INSERT` around the
    /// statement) besides its own.
    pub fn new(schema: &'s Schema, names: Names<'s>, ctes: &HashMap<String, Relation>) -> Self {
        Self {
            schema,
            names,
            ctes: if ctes.is_empty() {
                Vec::new()
            } else {
                vec![ctes.clone()]
            },
            reads: BTreeSet::new(),
            warnings: Vec::new(),
            select_into: Vec::new(),
            depth: 0,
        }
    }

    fn warn(&mut self, message: String) {
        if !self.warnings.contains(&message) {
            self.warnings.push(message);
        }
    }

    fn enter(&mut self) -> Result<(), LineageError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(LineageError::TooDeep(MAX_NESTING));
        }
        Ok(())
    }

    fn cte(&self, name: &str) -> Option<&Relation> {
        self.ctes.iter().rev().find_map(|frame| frame.get(name))
    }

    /// Resolves a query in the scope of an enclosing one (for correlated
    /// subqueries) or alone.
    pub fn query(
        &mut self,
        q: &Query,
        outer: Option<&Scope<'_>>,
    ) -> Result<Relation, LineageError> {
        self.enter()?;
        let frame_pushed = match &q.with {
            Some(with) => {
                self.push_ctes(with, outer)?;
                true
            }
            None => false,
        };
        let result = self.set_expr(&q.body, outer);
        if frame_pushed {
            self.ctes.pop();
        }
        self.depth -= 1;
        result
    }

    /// Resolves a WITH clause into a new frame of visible CTEs.
    pub fn push_ctes(
        &mut self,
        with: &sqlparser::ast::With,
        outer: Option<&Scope<'_>>,
    ) -> Result<(), LineageError> {
        self.ctes.push(HashMap::new());
        {
            for cte in &with.cte_tables {
                let name = ident(&cte.alias.name);
                // A recursive CTE refers to itself: resolve its anchor (the
                // left side of the UNION) first, then the whole.
                if with.recursive
                    && let SetExpr::SetOperation { left, .. } = cte.query.body.as_ref()
                {
                    let before = std::mem::take(&mut self.reads);
                    let anchor = self.set_expr(left, outer)?;
                    let mut anchor = renamed(anchor, Some(&cte.alias));
                    anchor.reads = std::mem::replace(&mut self.reads, before);
                    if let Some(frame) = self.ctes.last_mut() {
                        frame.insert(name.clone(), anchor);
                    }
                }
                let before = std::mem::take(&mut self.reads);
                let relation = self.query(&cte.query, outer)?;
                let mut relation = renamed(relation, Some(&cte.alias));
                relation.reads = std::mem::replace(&mut self.reads, before);
                if let Some(frame) = self.ctes.last_mut() {
                    frame.insert(name, relation);
                }
            }
        }
        Ok(())
    }

    /// The innermost frame of CTEs, to hand to the statement they wrap.
    pub fn cte_frame(&self) -> HashMap<String, Relation> {
        self.ctes.last().cloned().unwrap_or_default()
    }

    pub fn set_expr(
        &mut self,
        body: &SetExpr,
        outer: Option<&Scope<'_>>,
    ) -> Result<Relation, LineageError> {
        match body {
            SetExpr::Select(select) => self.select(select, outer),
            SetExpr::Query(q) => self.query(q, outer),
            SetExpr::SetOperation { .. } => {
                // A chain `a UNION b UNION c ...` nests to the left: walk it in
                // a loop, so thousands of branches cannot exhaust the stack.
                let mut branches = Vec::new();
                let mut node = body;
                while let SetExpr::SetOperation { left, right, .. } = node {
                    branches.push(right.as_ref());
                    node = left.as_ref();
                }
                let mut rel = self.set_expr(node, outer)?;
                for right in branches.into_iter().rev() {
                    let r = self.set_expr(right, outer)?;
                    rel = union(rel, r);
                }
                Ok(rel)
            }
            SetExpr::Values(values) => {
                let mut columns: Vec<Col> = Vec::new();
                for row in &values.rows {
                    for (i, expr) in row.iter().enumerate() {
                        let scope = Scope::new(outer);
                        let (sources, kind) = self.expr(expr, &scope)?;
                        match columns.get_mut(i) {
                            Some(col) => {
                                col.sources.extend(sources);
                                col.kind = col.kind.combine(kind);
                            }
                            None => columns.push(Col {
                                name: format!("column{}", i + 1),
                                sources,
                                kind,
                                functions: BTreeSet::new(),
                            }),
                        }
                    }
                }
                Ok(Relation {
                    columns,
                    ..Relation::default()
                })
            }
            SetExpr::Table(table) => {
                let name = table
                    .table_name
                    .as_ref()
                    .map(|t| t.to_lowercase())
                    .unwrap_or_default();
                let name = match &table.schema_name {
                    Some(schema) => format!("{}.{name}", schema.to_lowercase()),
                    None => name,
                };
                let entry = self.base_entry(&name, None);
                let mut scope = Scope::new(outer);
                scope.entries.push(entry);
                Ok(self.expand_all(&scope))
            }
            _ => {
                self.warn("a DML statement nested in a query was not followed".into());
                Ok(Relation::default())
            }
        }
    }

    /// A table name as stored: names completed with the `USE`d database.
    pub fn qualify(&self, table: &str) -> String {
        qualify(self.names, table)
    }

    fn base_entry(&mut self, table: &str, alias: Option<&TableAlias>) -> Entry {
        let table = &self.qualify(table);
        self.reads.insert(table.to_string());
        let columns = self.schema.lookup(table).map(|(_, c)| c.to_vec());
        let source = Source::Base {
            table: table.to_string(),
            columns,
        };
        Entry {
            name: alias.map_or_else(|| last_part(table), |a| ident(&a.name)),
            source: match (alias, source) {
                // `FROM t AS x (a, b)` renames the columns.
                (Some(a), Source::Base { table, columns }) if !a.columns.is_empty() => {
                    let rel = Relation {
                        reads: BTreeSet::new(),
                        fields_from: BTreeSet::new(),
                        columns: a
                            .columns
                            .iter()
                            .enumerate()
                            .map(|(i, c)| {
                                let original = columns
                                    .as_ref()
                                    .and_then(|cols| cols.get(i).cloned())
                                    .unwrap_or_else(|| ident(&c.name));
                                Col {
                                    name: ident(&c.name),
                                    sources: [ColumnRef::new(table.clone(), original)].into(),
                                    kind: EdgeKind::Direct,
                                    functions: BTreeSet::new(),
                                }
                            })
                            .collect(),
                    };
                    Source::Derived(rel)
                }
                (_, source) => source,
            },
        }
    }

    /// The entries a FROM item adds to the scope.
    fn factor(&mut self, factor: &TableFactor, scope: &mut Scope<'_>) -> Result<(), LineageError> {
        match factor {
            TableFactor::Table {
                name, alias, args, ..
            } => {
                if let Some(path) = file_path(name) {
                    self.reads.insert(path.clone());
                    scope.entries.push(Entry {
                        name: alias.as_ref().map(|a| ident(&a.name)).unwrap_or_default(),
                        source: Source::Base {
                            table: path,
                            columns: None,
                        },
                    });
                    return Ok(());
                }
                let table = object_name(name);
                if args.as_ref().is_some_and(|a| !is_table_hint(a)) {
                    // A table function: its arguments feed whatever it outputs.
                    let rel = self.function_relation(alias, &[], scope)?;
                    scope.entries.push(Entry {
                        name: alias
                            .as_ref()
                            .map_or_else(|| last_part(&table), |a| ident(&a.name)),
                        source: Source::Derived(rel),
                    });
                    return Ok(());
                }
                if !table.contains('.')
                    && let Some(rel) = self.cte(&table).cloned()
                {
                    self.reads.extend(rel.reads.iter().cloned());
                    scope.entries.push(Entry {
                        name: alias
                            .as_ref()
                            .map_or_else(|| table.clone(), |a| ident(&a.name)),
                        source: Source::Derived(renamed(rel, alias.as_ref())),
                    });
                    return Ok(());
                }
                let entry = self.base_entry(&table, alias.as_ref());
                scope.entries.push(entry);
            }
            TableFactor::Derived {
                lateral,
                subquery,
                alias,
                ..
            } => {
                let rel = if *lateral {
                    self.query(subquery, Some(scope))?
                } else {
                    self.query(subquery, scope.parent)?
                };
                scope.entries.push(Entry {
                    name: alias.as_ref().map(|a| ident(&a.name)).unwrap_or_default(),
                    source: Source::Derived(renamed(rel, alias.as_ref())),
                });
            }
            TableFactor::NestedJoin {
                table_with_joins, ..
            } => {
                self.add_from_item(table_with_joins, scope)?;
            }
            TableFactor::UNNEST {
                alias, array_exprs, ..
            } => {
                let rel = self.function_relation(alias, array_exprs, scope)?;
                scope.entries.push(Entry {
                    name: alias.as_ref().map(|a| ident(&a.name)).unwrap_or_default(),
                    source: Source::Derived(rel),
                });
            }
            TableFactor::TableFunction { expr, alias } => {
                let rel = self.function_relation(alias, std::slice::from_ref(expr), scope)?;
                scope.entries.push(Entry {
                    name: alias.as_ref().map(|a| ident(&a.name)).unwrap_or_default(),
                    source: Source::Derived(rel),
                });
            }
            TableFactor::Function {
                name, args, alias, ..
            } => {
                let exprs: Vec<Expr> = args
                    .iter()
                    .filter_map(|a| match a {
                        sqlparser::ast::FunctionArg::Unnamed(
                            sqlparser::ast::FunctionArgExpr::Expr(e),
                        )
                        | sqlparser::ast::FunctionArg::Named {
                            arg: sqlparser::ast::FunctionArgExpr::Expr(e),
                            ..
                        } => Some(e.clone()),
                        _ => None,
                    })
                    .collect();
                let rel = self.function_relation(alias, &exprs, scope)?;
                scope.entries.push(Entry {
                    name: alias
                        .as_ref()
                        .map_or_else(|| last_part(&object_name(name)), |a| ident(&a.name)),
                    source: Source::Derived(rel),
                });
            }
            TableFactor::Pivot { table, alias, .. } | TableFactor::Unpivot { table, alias, .. } => {
                let mut inner = Scope::new(scope.parent);
                self.factor(table, &mut inner)?;
                self.warn("PIVOT/UNPIVOT columns are passed through by name".into());
                for mut entry in inner.entries {
                    if let Some(a) = alias {
                        entry.name = ident(&a.name);
                    }
                    scope.entries.push(entry);
                }
            }
            other => {
                self.warn(format!(
                    "FROM item `{}` was not followed",
                    crate::normalize_sql(&other.to_string(), "generic")
                        .chars()
                        .take(40)
                        .collect::<String>()
                ));
            }
        }
        Ok(())
    }

    /// A relation fed by the columns of some expressions (UNNEST, table
    /// functions): each alias column reads all of them, and so does any
    /// field read from its rows (a struct's fields are not known).
    fn function_relation(
        &mut self,
        alias: &Option<TableAlias>,
        exprs: &[Expr],
        scope: &Scope<'_>,
    ) -> Result<Relation, LineageError> {
        let mut sources = BTreeSet::new();
        for e in exprs {
            sources.extend(self.expr(e, scope)?.0);
        }
        let names: Vec<String> = match alias {
            Some(a) if !a.columns.is_empty() => a.columns.iter().map(|c| ident(&c.name)).collect(),
            Some(a) => vec![ident(&a.name)],
            None => Vec::new(),
        };
        let mut rel = fed_by(names, &sources);
        rel.fields_from = sources;
        Ok(rel)
    }

    fn add_from_item(
        &mut self,
        item: &TableWithJoins,
        scope: &mut Scope<'_>,
    ) -> Result<(), LineageError> {
        self.factor(&item.relation, scope)?;
        for join in &item.joins {
            self.factor(&join.relation, scope)?;
        }
        // Subqueries in ON conditions are read.
        for join in &item.joins {
            if let Some(on) = join_condition(&join.join_operator) {
                self.expr(on, scope)?;
            }
        }
        Ok(())
    }

    /// The sources and kind of an expression; subqueries inside it are
    /// resolved (their tables are read).
    pub fn expr(
        &mut self,
        expr: &Expr,
        scope: &Scope<'_>,
    ) -> Result<(BTreeSet<ColumnRef>, EdgeKind), LineageError> {
        let (sources, kind, _) = self.expr_with_functions(expr, scope)?;
        Ok((sources, kind))
    }

    /// As `expr`, with the functions the value goes through: the
    /// expression's own and those of the derived columns it reads.
    pub fn expr_with_functions(
        &mut self,
        expr: &Expr,
        scope: &Scope<'_>,
    ) -> Result<(BTreeSet<ColumnRef>, EdgeKind, BTreeSet<String>), LineageError> {
        let mut scan = ExprScan {
            star_arguments: self.names.conventions.count_star == crate::CountStar::Table,
            ..ExprScan::default()
        };
        let _ = expr.visit(&mut scan);
        let mut sources = BTreeSet::new();
        let mut functions = scan.functions.clone();
        for path in &scan.paths {
            if let Some(found) = self.column(path, scope) {
                sources.extend(found);
            }
            functions.extend(self.functions_of(path, scope));
        }
        for sub in &scan.subqueries {
            let rel = self.query(sub, Some(scope))?;
            for col in rel.columns {
                sources.extend(col.sources);
                functions.extend(col.functions);
            }
        }
        let kind = if scan.aggregate {
            EdgeKind::Aggregation
        } else if matches!(expr, Expr::Identifier(_) | Expr::CompoundIdentifier(_)) {
            EdgeKind::Direct
        } else {
            EdgeKind::Transformation
        };
        Ok((sources, kind, functions))
    }

    /// The functions a column read from a derived relation (a CTE or
    /// subquery) went through there.
    fn functions_of(&self, path: &[String], scope: &Scope<'_>) -> BTreeSet<String> {
        let (col, qualifier) = match path {
            [] => return BTreeSet::new(),
            [col] => (col.as_str(), None),
            [.., col] => (col.as_str(), Some(path[..path.len() - 1].join("."))),
        };
        let mut current = Some(scope);
        while let Some(s) = current {
            for entry in &s.entries {
                if qualifier.as_ref().is_some_and(|q| *q != entry.name) {
                    continue;
                }
                if let Source::Derived(rel) = &entry.source
                    && let Some(c) = rel.column(col)
                {
                    return c.functions.clone();
                }
            }
            current = s.parent;
        }
        BTreeSet::new()
    }

    /// The table columns a column path (`c`, `t.c`, `db.t.c`) refers to.
    fn column(&mut self, path: &[String], scope: &Scope<'_>) -> Option<BTreeSet<ColumnRef>> {
        let (col, qualifier) = match path {
            [] => return None,
            [col] => (col.as_str(), None),
            [.., col] => (col.as_str(), Some(path[..path.len() - 1].join("."))),
        };
        let mut current = Some(scope);
        while let Some(s) = current {
            let found = match &qualifier {
                None => self.unqualified(col, s),
                Some(q) => self.qualified(q, col, s),
            };
            if found.is_some() {
                return found;
            }
            current = s.parent;
        }
        // `t.c.field`: a struct field of a column.
        if path.len() >= 2 {
            let mut shorter = Some(scope);
            while let Some(s) = shorter {
                let head = &path[..path.len() - 1];
                let found = match head {
                    [one] => self.unqualified(one, s),
                    [.., c] => self.qualified(&head[..head.len() - 1].join("."), c, s),
                    [] => None,
                };
                if found.is_some() {
                    return found;
                }
                shorter = s.parent;
            }
        }
        match &qualifier {
            // A qualifier no FROM item has: a table used directly.
            Some(q) => {
                self.warn(format!("`{q}.{col}` names a table outside the FROM clause"));
                Some([ColumnRef::new(q.clone(), col)].into())
            }
            _ => {
                if !scope.entries.is_empty() {
                    self.warn(format!("column `{}` could not be resolved", path.join(".")));
                }
                None
            }
        }
    }

    fn unqualified(&mut self, col: &str, scope: &Scope<'_>) -> Option<BTreeSet<ColumnRef>> {
        if col == "*" {
            let mut all = BTreeSet::new();
            for entry in &scope.entries {
                match &entry.source {
                    Source::Base { table, .. } => {
                        all.insert(ColumnRef::new(table.clone(), "*"));
                    }
                    Source::Derived(rel) => {
                        for c in &rel.columns {
                            all.extend(c.sources.iter().cloned());
                        }
                    }
                }
            }
            return (!all.is_empty()).then_some(all);
        }
        // A derived relation or a known table with this column.
        for entry in &scope.entries {
            match &entry.source {
                Source::Derived(rel) => {
                    if let Some(c) = rel.column(col) {
                        return Some(c.sources.clone());
                    }
                    if let Some(sources) = rel.through_star(col) {
                        return Some(sources);
                    }
                }
                Source::Base {
                    table,
                    columns: Some(columns),
                } => {
                    if columns.iter().any(|c| c == col) {
                        return Some([ColumnRef::new(table.clone(), col)].into());
                    }
                }
                Source::Base { columns: None, .. } => {}
            }
        }
        // Otherwise a table whose columns are unknown.
        let unknown: Vec<&String> = scope
            .entries
            .iter()
            .filter_map(|e| match &e.source {
                Source::Base {
                    table,
                    columns: None,
                } => Some(table),
                _ => None,
            })
            .collect();
        // A field of an UNNESTed array of structs, where no table of unknown
        // columns could hold it instead.
        let fields: BTreeSet<ColumnRef> = scope
            .entries
            .iter()
            .filter_map(|e| match &e.source {
                Source::Derived(rel) => Some(rel.fields_from.iter().cloned()),
                Source::Base { .. } => None,
            })
            .flatten()
            .collect();
        if unknown.is_empty() && !fields.is_empty() {
            return Some(fields);
        }
        match unknown.as_slice() {
            [] => None,
            [one] => Some([ColumnRef::new((*one).clone(), col)].into()),
            [_, _, ..] => {
                // Several tables could hold it: the source stays unresolved
                // (an empty table name) rather than guessed.
                self.warn(format!(
                    "column `{col}` is unqualified over several tables of unknown schema"
                ));
                Some([ColumnRef::new(String::new(), col)].into())
            }
        }
    }

    fn qualified(
        &mut self,
        qualifier: &str,
        col: &str,
        scope: &Scope<'_>,
    ) -> Option<BTreeSet<ColumnRef>> {
        let entry = scope.entry(qualifier)?;
        match &entry.source {
            Source::Base { table, .. } => Some([ColumnRef::new(table.clone(), col)].into()),
            Source::Derived(rel) => match rel.column(col) {
                Some(c) => Some(c.sources.clone()),
                None if !rel.fields_from.is_empty() => Some(rel.fields_from.clone()),
                None if rel.column("*").is_some() => rel.through_star(col),
                None => {
                    // A function relation with unnamed columns feeds them all.
                    if rel.columns.len() == 1 && rel.columns[0].name == qualifier {
                        return Some(rel.columns[0].sources.clone());
                    }
                    Some(BTreeSet::new())
                }
            },
        }
    }

    /// Every column of every entry, as `SELECT *` outputs them.
    fn expand_all(&mut self, scope: &Scope<'_>) -> Relation {
        let mut out = Relation::default();
        for entry in &scope.entries {
            out.columns.extend(self.expand(entry));
        }
        out
    }

    fn expand(&mut self, entry: &Entry) -> Vec<Col> {
        match &entry.source {
            Source::Base {
                table,
                columns: Some(columns),
            } => columns
                .iter()
                .map(|c| Col {
                    name: c.clone(),
                    sources: [ColumnRef::new(table.clone(), c.clone())].into(),
                    kind: EdgeKind::Direct,
                    functions: BTreeSet::new(),
                })
                .collect(),
            Source::Base {
                table,
                columns: None,
            } => {
                self.warn(format!("`*` over `{table}`, whose columns are unknown"));
                vec![Col {
                    name: "*".into(),
                    sources: [ColumnRef::new(table.clone(), "*")].into(),
                    kind: EdgeKind::Direct,
                    functions: BTreeSet::new(),
                }]
            }
            Source::Derived(rel) => rel.columns.clone(),
        }
    }

    /// What a `*`'s options leave of its columns: Snowflake's `EXCLUDE`,
    /// `ILIKE` and `RENAME`, BigQuery's and ClickHouse's `EXCEPT`, and
    /// `REPLACE (expr AS col)`, which keeps the column's place and name but
    /// takes its sources from the expression. Over a table whose columns are
    /// unknown (`*` stands for them all) nothing can be left out, and a
    /// replaced column is added by name.
    fn star_options(
        &mut self,
        mut columns: Vec<Col>,
        options: &sqlparser::ast::WildcardAdditionalOptions,
        scope: &Scope<'_>,
    ) -> Result<Vec<Col>, LineageError> {
        use sqlparser::ast::RenameSelectItem;
        let mut dropped: Vec<String> = options
            .opt_exclude
            .as_ref()
            .map(excluded_names)
            .unwrap_or_default();
        if let Some(except) = &options.opt_except {
            dropped.push(ident(&except.first_element));
            dropped.extend(except.additional_elements.iter().map(ident));
        }
        columns.retain(|c| !dropped.contains(&c.name));
        if let Some(ilike) = &options.opt_ilike {
            let pattern = ilike.pattern.to_lowercase();
            columns.retain(|c| c.name == "*" || like(&pattern, &c.name));
        }
        if let Some(replace) = &options.opt_replace {
            for element in &replace.items {
                let name = ident(&element.column_name);
                let mut computed = Relation::default();
                self.project(&element.expr, vec![name.clone()], scope, &mut computed)?;
                let unknown_star = columns.iter().any(|c| c.name == "*");
                for col in computed.columns {
                    match columns.iter_mut().find(|c| c.name == name) {
                        Some(existing) => *existing = col,
                        None if unknown_star => columns.push(col),
                        None => {
                            self.warn(format!("`REPLACE` of `{name}`, which `*` does not hold"))
                        }
                    }
                }
            }
        }
        let renames: Vec<&sqlparser::ast::IdentWithAlias> = match &options.opt_rename {
            Some(RenameSelectItem::Single(one)) => vec![one],
            Some(RenameSelectItem::Multiple(many)) => many.iter().collect(),
            None => Vec::new(),
        };
        for rename in renames {
            let from = ident(&rename.ident);
            if let Some(col) = columns.iter_mut().find(|c| c.name == from) {
                col.name = ident(&rename.alias);
            }
        }
        Ok(columns)
    }

    /// One output column per name, each computed by `expr`.
    fn project(
        &mut self,
        expr: &Expr,
        names: Vec<String>,
        scope: &Scope<'_>,
        out: &mut Relation,
    ) -> Result<(), LineageError> {
        let (sources, kind, functions) = self.expr_with_functions(expr, scope)?;
        out.columns.extend(names.into_iter().map(|name| Col {
            name,
            sources: sources.clone(),
            kind,
            functions: functions.clone(),
        }));
        Ok(())
    }

    fn select(
        &mut self,
        select: &Select,
        outer: Option<&Scope<'_>>,
    ) -> Result<Relation, LineageError> {
        let mut scope = Scope::new(outer);
        for item in &select.from {
            self.add_from_item(item, &mut scope)?;
        }
        for view in &select.lateral_views {
            let (sources, _) = self.expr(&view.lateral_view, &scope)?;
            let names: Vec<String> = if view.lateral_col_alias.is_empty() {
                vec![object_name(&view.lateral_view_name)]
            } else {
                view.lateral_col_alias.iter().map(ident).collect()
            };
            scope.entries.push(Entry {
                name: object_name(&view.lateral_view_name),
                source: Source::Derived(fed_by(names, &sources)),
            });
        }
        if let Some(into) = &select.into {
            self.select_into.push(object_name(&into.name));
        }
        let mut out = Relation::default();
        for item in &select.projection {
            match item {
                SelectItem::UnnamedExpr(expr) => {
                    self.project(expr, vec![output_name(expr)], &scope, &mut out)?;
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    self.project(expr, vec![ident(alias)], &scope, &mut out)?;
                }
                SelectItem::ExprWithAliases { expr, aliases } => {
                    self.project(expr, aliases.iter().map(ident).collect(), &scope, &mut out)?;
                }
                SelectItem::Wildcard(options) => {
                    let all = self.expand_all(&scope);
                    let columns = self.star_options(all.columns, options, &scope)?;
                    out.columns.extend(columns);
                }
                SelectItem::QualifiedWildcard(kind, options) => {
                    let qualifier = match kind {
                        SelectItemQualifiedWildcardKind::ObjectName(name) => object_name(name),
                        SelectItemQualifiedWildcardKind::Expr(e) => e.to_string().to_lowercase(),
                    };
                    let entry = scope.entry(&qualifier).cloned();
                    match entry {
                        Some(entry) => {
                            let columns = self.expand(&entry);
                            let columns = self.star_options(columns, options, &scope)?;
                            out.columns.extend(columns);
                        }
                        None => self.warn(format!("`{qualifier}.*` matches no FROM item")),
                    }
                }
            }
        }
        // Redshift's `SELECT *, x EXCLUDE (a, b)`: the whole select list
        // leaves them out.
        if let Some(exclude) = &select.exclude {
            let dropped = excluded_names(exclude);
            out.columns.retain(|c| !dropped.contains(&c.name));
        }
        // Filters, groups and windows read tables (through subqueries) but
        // feed no output column.
        let filters = select
            .selection
            .iter()
            .chain(select.having.iter())
            .chain(select.qualify.iter())
            .chain(select.prewhere.iter());
        for e in filters {
            self.expr(e, &scope)?;
        }
        Ok(out)
    }
}

/// The columns an `EXCLUDE` names, by their own name (`c.ssn` is `ssn`).
fn excluded_names(exclude: &sqlparser::ast::ExcludeSelectItem) -> Vec<String> {
    use sqlparser::ast::ExcludeSelectItem;
    match exclude {
        ExcludeSelectItem::Single(name) => vec![last_part(&object_name(name))],
        ExcludeSelectItem::Multiple(names) => {
            names.iter().map(|n| last_part(&object_name(n))).collect()
        }
    }
}

fn join_condition(op: &sqlparser::ast::JoinOperator) -> Option<&Expr> {
    use sqlparser::ast::{JoinConstraint, JoinOperator as J};
    let constraint = match op {
        J::Join(c)
        | J::Inner(c)
        | J::Left(c)
        | J::LeftOuter(c)
        | J::Right(c)
        | J::RightOuter(c)
        | J::FullOuter(c)
        | J::Semi(c)
        | J::LeftSemi(c)
        | J::RightSemi(c)
        | J::Anti(c)
        | J::LeftAnti(c)
        | J::RightAnti(c) => c,
        _ => return None,
    };
    match constraint {
        JoinConstraint::On(e) => Some(e),
        _ => None,
    }
}

/// SQL `LIKE` over lowercased text: `%` any run, `_` one character.
fn like(pattern: &str, text: &str) -> bool {
    fn go(p: &[char], t: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('%', rest)) => (0..=t.len()).any(|i| go(rest, &t[i..])),
            Some(('_', rest)) => !t.is_empty() && go(rest, &t[1..]),
            Some((c, rest)) => t.first() == Some(c) && go(rest, &t[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    go(&p, &t)
}

/// The name an unaliased expression gets: a column's own name, else the
/// expression's text.
fn output_name(expr: &Expr) -> String {
    match expr {
        Expr::Identifier(i) => ident(i),
        Expr::CompoundIdentifier(parts) => parts.last().map(ident).unwrap_or_default(),
        // `col::timestamp`, `CAST(col AS date)`: still the column.
        Expr::Cast { expr: inner, .. } if is_column(inner) => output_name(inner),
        Expr::Nested(inner) if is_column(inner) => output_name(inner),
        other => other.to_string().to_lowercase(),
    }
}

/// Columns each computed from all of `sources` (a table function's or an
/// exploded array's outputs).
fn fed_by(names: Vec<String>, sources: &BTreeSet<ColumnRef>) -> Relation {
    Relation {
        reads: BTreeSet::new(),
        fields_from: BTreeSet::new(),
        columns: names
            .into_iter()
            .map(|name| Col {
                name,
                sources: sources.clone(),
                kind: EdgeKind::Transformation,
                functions: BTreeSet::new(),
            })
            .collect(),
    }
}

/// T-SQL table hints written like arguments: `FROM t(NOLOCK)`.
fn is_table_hint(args: &sqlparser::ast::TableFunctionArgs) -> bool {
    const HINTS: &[&str] = &[
        "nolock",
        "readuncommitted",
        "readcommitted",
        "repeatableread",
        "serializable",
        "updlock",
        "holdlock",
        "rowlock",
        "paglock",
        "tablock",
        "tablockx",
        "xlock",
        "nowait",
        "readpast",
        "forceseek",
        "forcescan",
        "noexpand",
        "snapshot",
    ];
    !args.args.is_empty()
        && args.args.iter().all(|a| {
            let text = a.to_string().to_lowercase();
            HINTS.contains(&text.trim())
        })
}

fn is_column(expr: &Expr) -> bool {
    matches!(expr, Expr::Identifier(_) | Expr::CompoundIdentifier(_))
}

/// Applies `alias (a, b, ...)` column names.
fn renamed(mut rel: Relation, alias: Option<&TableAlias>) -> Relation {
    if let Some(a) = alias {
        for (col, name) in rel.columns.iter_mut().zip(&a.columns) {
            col.name = ident(&name.name);
        }
    }
    rel
}

/// UNION and friends: columns by position, names from the left.
fn union(mut left: Relation, right: Relation) -> Relation {
    for (i, col) in right.columns.into_iter().enumerate() {
        match left.columns.get_mut(i) {
            Some(l) => {
                l.sources.extend(col.sources);
                l.kind = l.kind.combine(col.kind);
                l.functions.extend(col.functions);
            }
            None => left.columns.push(col),
        }
    }
    left
}
