//! One statement's lineage: what it reads, what it writes, and which source
//! columns feed which target columns.

use std::collections::{BTreeSet, HashMap};

use sqlparser::ast::{
    AssignmentTarget, CreateTableLikeKind, Expr, FromTable, Ident, MergeAction, MergeInsertKind,
    ObjectName, Query, SelectItemQualifiedWildcardKind, SetExpr, Statement, TableFactor,
    TableObject, UpdateTableFromKind, WildcardAdditionalOptions,
};

use crate::error::LineageError;
use crate::model::{ColumnEdge, Lineage, Schema};
use crate::parse::MERGE_ALL_COLUMNS;
use crate::resolve::{Names, Relation, Resolver, ident, last_part, object_name};

fn edges_into(
    lineage: &mut Lineage,
    rel: &Relation,
    target: Option<&str>,
    target_columns: Option<&[String]>,
) {
    for (i, col) in rel.columns.iter().enumerate() {
        let name = match target_columns {
            Some(names) if col.name != "*" => match names.get(i) {
                Some(n) => n.clone(),
                None => col.name.clone(),
            },
            _ => col.name.clone(),
        };
        for source in &col.sources {
            let target_column = if col.name == "*" {
                "*".to_string()
            } else {
                name.clone()
            };
            lineage.edges.insert(ColumnEdge {
                source: source.clone(),
                target_table: target.map(str::to_string),
                target_column,
                kind: col.kind,
                functions: col.functions.clone(),
            });
        }
    }
}

/// The columns a statement names for its target, or the schema's.
fn target_columns(explicit: Vec<String>, target: &str, schema: &Schema) -> Option<Vec<String>> {
    if !explicit.is_empty() {
        return Some(explicit);
    }
    schema.lookup(target).map(|(_, cols)| cols.to_vec())
}

fn finish(mut lineage: Lineage, resolver: Resolver<'_>) -> Lineage {
    lineage.sources.extend(resolver.reads);
    lineage.warnings.extend(resolver.warnings);
    lineage
}

fn query_into(
    schema: &Schema,
    names: Names<'_>,
    ctes: &HashMap<String, Relation>,
    query: &Query,
    target: Option<String>,
    explicit_columns: Vec<String>,
) -> Result<Lineage, LineageError> {
    let mut resolver = Resolver::new(schema, names, ctes);
    let rel = resolver.query(query, None)?;
    let mut lineage = Lineage::default();
    // `SELECT ... INTO t` writes a table too.
    let target = target.or_else(|| resolver.select_into.first().map(|t| resolver.qualify(t)));
    let columns = match &target {
        Some(t) => target_columns(explicit_columns, t, schema),
        None => None,
    };
    edges_into(&mut lineage, &rel, target.as_deref(), columns.as_deref());
    if let Some(t) = target {
        lineage.targets.insert(t);
    }
    Ok(finish(lineage, resolver))
}

/// The name a FROM item is known by in its query: its alias, else a
/// table's last name part.
fn factor_qualifier(factor: &TableFactor) -> Option<String> {
    match factor {
        TableFactor::Table { name, alias, .. } => Some(
            alias
                .as_ref()
                .map_or_else(|| last_part(&object_name(name)), |a| ident(&a.name)),
        ),
        TableFactor::Derived { alias: Some(a), .. } => Some(ident(&a.name)),
        _ => None,
    }
}

fn table_factor_name(factor: &TableFactor) -> Option<(String, Option<String>)> {
    match factor {
        TableFactor::Table { name, alias, .. } => {
            Some((object_name(name), alias.as_ref().map(|a| ident(&a.name))))
        }
        _ => None,
    }
}

/// The lineage of one statement. Statements that move no data (DDL without a
/// query, SET, USE) have an empty lineage.
pub fn statement(
    schema: &Schema,
    names: Names<'_>,
    stmt: &Statement,
) -> Result<Lineage, LineageError> {
    statement_in(schema, names, &HashMap::new(), stmt)
}

/// `WITH ... INSERT/UPDATE/DELETE/MERGE`: the CTEs are resolved first and the
/// statement sees them.
fn wrapped_dml(
    schema: &Schema,
    names: Names<'_>,
    ctes: &HashMap<String, Relation>,
    query: &Query,
) -> Result<Option<Lineage>, LineageError> {
    let inner = match query.body.as_ref() {
        SetExpr::Insert(s) | SetExpr::Update(s) | SetExpr::Delete(s) | SetExpr::Merge(s) => s,
        _ => return Ok(None),
    };
    let mut resolver = Resolver::new(schema, names, ctes);
    if let Some(with) = &query.with {
        resolver.push_ctes(with, None)?;
    }
    let frame = resolver.cte_frame();
    let mut lineage = statement_in(schema, names, &frame, inner)?;
    lineage.sources.extend(resolver.reads);
    lineage.warnings.extend(resolver.warnings);
    Ok(Some(lineage))
}

fn statement_in(
    schema: &Schema,
    names: Names<'_>,
    ctes: &HashMap<String, Relation>,
    stmt: &Statement,
) -> Result<Lineage, LineageError> {
    let q = |name: String| crate::resolve::qualify(names, &name);
    match stmt {
        Statement::Query(query) => {
            if let Some(lineage) = partition_function(query, names) {
                return Ok(lineage);
            }
            match wrapped_dml(schema, names, ctes, query)? {
                Some(lineage) => Ok(lineage),
                None => query_into(schema, names, ctes, query, None, Vec::new()),
            }
        }
        Statement::Insert(insert) => {
            let target = match &insert.table {
                TableObject::TableName(name) => object_name(name),
                other => other.to_string().to_lowercase(),
            };
            let columns: Vec<String> = insert.columns.iter().map(object_name).collect();
            match &insert.source {
                Some(query) => query_into(schema, names, ctes, query, Some(q(target)), columns),
                None => Ok(Lineage {
                    targets: [q(target)].into(),
                    ..Lineage::default()
                }),
            }
        }
        Statement::CreateTable(ct) => {
            let target = object_name(&ct.name);
            if let Some(query) = &ct.query {
                let columns = ct.columns.iter().map(|c| ident(&c.name)).collect();
                return query_into(schema, names, ctes, query, Some(q(target)), columns);
            }
            let copied = match &ct.like {
                Some(
                    CreateTableLikeKind::Parenthesized(like) | CreateTableLikeKind::Plain(like),
                ) => Some(object_name(&like.name)),
                None => ct.clone.as_ref().map(object_name),
            };
            Ok(Lineage {
                sources: copied.map(q).into_iter().collect(),
                targets: [q(target)].into(),
                ..Lineage::default()
            })
        }
        Statement::CreateView(view) => {
            let columns = view.columns.iter().map(|c| ident(&c.name)).collect();
            query_into(
                schema,
                names,
                ctes,
                &view.query,
                Some(q(object_name(&view.name))),
                columns,
            )
        }
        Statement::Update(update) => {
            let mut resolver = Resolver::new(schema, names, ctes);
            let Some((mut target, target_alias)) = table_factor_name(&update.table.relation) else {
                return Ok(Lineage::default());
            };
            let mut from: Vec<sqlparser::ast::TableWithJoins> = Vec::new();
            if let Some(UpdateTableFromKind::BeforeSet(t) | UpdateTableFromKind::AfterSet(t)) =
                &update.from
            {
                from.extend(t.iter().cloned());
            }
            // T-SQL's `UPDATE sr SET ... FROM Production.ScrapReason AS sr`:
            // the target is named by an alias of the FROM clause.
            let aliased = if target_alias.is_none() && !target.contains('.') {
                from.iter()
                    .flat_map(|t| {
                        std::iter::once(&t.relation).chain(t.joins.iter().map(|j| &j.relation))
                    })
                    .filter_map(table_factor_name)
                    .find(|(_, alias)| alias.as_deref() == Some(target.as_str()))
                    .map(|(table, _)| table)
            } else {
                None
            };
            let mut select = empty_select();
            select.from = match aliased {
                Some(table) => {
                    target = table;
                    from
                }
                None => std::iter::once(update.table.clone()).chain(from).collect(),
            };
            let target = q(target);
            select.selection = update.selection.clone();
            let mut lineage = Lineage::default();
            for assignment in &update.assignments {
                select.projection = vec![sqlparser::ast::SelectItem::UnnamedExpr(
                    assignment.value.clone(),
                )];
                let rel = resolver.set_expr(&SetExpr::Select(Box::new(select.clone())), None)?;
                for column in assigned_columns(&assignment.target) {
                    edges_into(&mut lineage, &named(&rel, &column), Some(&target), None);
                }
            }
            if update.assignments.is_empty() {
                select.projection = Vec::new();
                resolver.set_expr(&SetExpr::Select(Box::new(select)), None)?;
            }
            // The updated table is written, not read: its own columns in the
            // new values are the row being changed.
            resolver.reads.remove(&target);
            drop_self_edges(&mut lineage, &target);
            let mut lineage = finish(lineage, resolver);
            lineage.targets.insert(target);
            Ok(lineage)
        }
        Statement::Delete(delete) => {
            // DELETE reads what its USING clause and conditions read.
            let mut resolver = Resolver::new(schema, names, ctes);
            let tables = match &delete.from {
                FromTable::WithFromKeyword(t) | FromTable::WithoutKeyword(t) => t.clone(),
            };
            let targets: BTreeSet<String> = if delete.tables.is_empty() {
                tables
                    .iter()
                    .filter_map(|t| table_factor_name(&t.relation).map(|(n, _)| q(n)))
                    .collect()
            } else {
                delete.tables.iter().map(|n| q(object_name(n))).collect()
            };
            let mut select = empty_select();
            select.from = tables
                .into_iter()
                .chain(delete.using.iter().flatten().cloned())
                .collect();
            select.selection = delete.selection.clone();
            resolver.set_expr(&SetExpr::Select(Box::new(select)), None)?;
            for t in &targets {
                resolver.reads.remove(t);
            }
            let mut lineage = finish(Lineage::default(), resolver);
            lineage.targets = targets;
            Ok(lineage)
        }
        Statement::Merge(merge) => {
            let mut resolver = Resolver::new(schema, names, ctes);
            let Some((target, _)) = table_factor_name(&merge.table) else {
                return Ok(Lineage::default());
            };
            let target = q(target);
            let mut select = empty_select();
            select.from = vec![
                sqlparser::ast::TableWithJoins {
                    relation: merge.table.clone(),
                    joins: Vec::new(),
                },
                sqlparser::ast::TableWithJoins {
                    relation: merge.source.clone(),
                    joins: Vec::new(),
                },
            ];
            select.selection = Some((*merge.on).clone());
            let mut lineage = Lineage::default();
            let mut feed = |resolver: &mut Resolver<'_>,
                            column: String,
                            value: &Expr|
             -> Result<(), LineageError> {
                let mut s = select.clone();
                s.projection = vec![sqlparser::ast::SelectItem::UnnamedExpr(value.clone())];
                let rel = resolver.set_expr(&SetExpr::Select(Box::new(s)), None)?;
                edges_into(&mut lineage, &named(&rel, &column), Some(&target), None);
                Ok(())
            };
            // `UPDATE SET *`, `INSERT *` (Spark, Delta) and `INSERT ROW`
            // (BigQuery): every column, fed by the source's column of its name.
            let mut all_columns = false;
            for clause in &merge.clauses {
                match &clause.action {
                    MergeAction::Update(update) => {
                        for a in &update.assignments {
                            for column in assigned_columns(&a.target) {
                                if column == MERGE_ALL_COLUMNS {
                                    all_columns = true;
                                } else {
                                    feed(&mut resolver, column, &a.value)?;
                                }
                            }
                        }
                    }
                    MergeAction::Insert(insert) => match &insert.kind {
                        MergeInsertKind::Values(values) => {
                            let columns: Vec<String> = insert
                                .columns
                                .iter()
                                .map(|c| last_part(&object_name(c)))
                                .collect();
                            if columns.iter().any(|c| c == MERGE_ALL_COLUMNS) {
                                all_columns = true;
                                continue;
                            }
                            for row in &values.rows {
                                for (column, value) in columns.iter().zip(row.iter()) {
                                    feed(&mut resolver, column.clone(), value)?;
                                }
                            }
                        }
                        MergeInsertKind::Row => all_columns = true,
                    },
                    MergeAction::Delete { .. } => {}
                }
            }
            if all_columns && let Some(qualifier) = factor_qualifier(&merge.source) {
                // The source's columns as `source.*` gives them.
                let mut s = select.clone();
                s.projection = vec![sqlparser::ast::SelectItem::QualifiedWildcard(
                    SelectItemQualifiedWildcardKind::ObjectName(ObjectName::from(vec![
                        Ident::new(qualifier.clone()),
                    ])),
                    WildcardAdditionalOptions::default(),
                )];
                let source_rel = resolver.set_expr(&SetExpr::Select(Box::new(s)), None)?;
                let source_known = !source_rel.columns.iter().any(|c| c.name == "*");
                let target_known = schema.lookup(&target).map(|(_, cols)| cols.to_vec());
                let columns: Option<Vec<String>> = match (source_known, target_known) {
                    (true, Some(target_cols)) => Some(
                        source_rel
                            .columns
                            .iter()
                            .map(|c| c.name.clone())
                            .filter(|c| target_cols.contains(c))
                            .collect(),
                    ),
                    (true, None) => {
                        Some(source_rel.columns.iter().map(|c| c.name.clone()).collect())
                    }
                    (false, Some(target_cols)) => Some(target_cols),
                    // Neither side's columns known: every column to every column.
                    (false, None) => None,
                };
                match columns {
                    Some(columns) => {
                        for column in columns {
                            let value = Expr::CompoundIdentifier(vec![
                                Ident::new(qualifier.clone()),
                                Ident::new(column.clone()),
                            ]);
                            feed(&mut resolver, column, &value)?;
                        }
                    }
                    None => edges_into(&mut lineage, &source_rel, Some(&target), None),
                }
            }
            if lineage.edges.is_empty() {
                resolver.set_expr(&SetExpr::Select(Box::new(select.clone())), None)?;
            }
            resolver.reads.remove(&target);
            drop_self_edges(&mut lineage, &target);
            let mut lineage = finish(lineage, resolver);
            lineage.targets.insert(target);
            Ok(lineage)
        }
        Statement::Drop { names, .. } => {
            let names: BTreeSet<String> = names.iter().map(|n| q(object_name(n))).collect();
            // Dropping moves no data: no lineage, but a script that drops
            // a table it made used it as a temp table.
            Ok(Lineage {
                dropped: names,
                ..Lineage::default()
            })
        }

        Statement::AlterTable(alter) => {
            let renamed = alter
                .operations
                .iter()
                .filter_map(|op| match op {
                    sqlparser::ast::AlterTableOperation::RenameTable { table_name } => {
                        let new = match table_name {
                            sqlparser::ast::RenameTableNameKind::As(n)
                            | sqlparser::ast::RenameTableNameKind::To(n) => n,
                        };
                        Some((q(object_name(&alter.name)), q(object_name(new))))
                    }
                    _ => None,
                })
                .collect();
            // `SWAP WITH` exchanges two tables' contents: each is read and
            // written.
            let swapped: BTreeSet<String> = alter
                .operations
                .iter()
                .filter_map(|op| match op {
                    sqlparser::ast::AlterTableOperation::SwapWith { table_name } => {
                        Some(q(object_name(table_name)))
                    }
                    _ => None,
                })
                .collect();
            let mut lineage = Lineage {
                renamed,
                ..Lineage::default()
            };
            if !swapped.is_empty() {
                let both = swapped.into_iter().chain([q(object_name(&alter.name))]);
                lineage.sources = both.collect();
                lineage.targets = lineage.sources.clone();
            }
            // A rename moves no data: the table is the same under another
            // name. In a script, what earlier statements wrote takes the new name.
            Ok(lineage)
        }
        Statement::RenameTable(renames) => {
            let renamed: Vec<(String, String)> = renames
                .iter()
                .map(|r| (q(object_name(&r.old_name)), q(object_name(&r.new_name))))
                .collect();
            Ok(Lineage {
                renamed,
                ..Lineage::default()
            })
        }
        Statement::CopyIntoSnowflake {
            into,
            from_obj,
            stage_params,
            from_query,
            ..
        } => {
            // Loading a table from files or a stage, or unloading to them.
            let mut resolver = Resolver::new(schema, names, ctes);
            if let Some(query) = from_query {
                resolver.query(query, None)?;
            }
            let mut lineage = finish(Lineage::default(), resolver);
            if let Some(from) = from_obj {
                lineage.sources.insert(location_or_table(from, names));
            } else if let Some(url) = &stage_params.url {
                lineage.sources.insert(url.clone());
            }
            lineage.targets.insert(location_or_table(into, names));
            Ok(lineage)
        }
        Statement::Directory { path, source, .. } => {
            // `INSERT OVERWRITE DIRECTORY 'hdfs://...' SELECT ...` writes files.
            query_into(schema, names, ctes, source, Some(path.clone()), Vec::new())
        }
        Statement::Unload {
            query,
            query_text,
            to,
            ..
        } => {
            // Redshift's `UNLOAD ('SELECT ...') TO 's3://...'`: the query
            // may be a string literal, read in Redshift's dialect.
            let parsed;
            let query = match (query, query_text) {
                (Some(q), _) => q,
                (None, Some(text)) => {
                    parsed = crate::parse::parse(text, "redshift")?;
                    match parsed.first() {
                        Some(Statement::Query(q)) => q,
                        _ => return Ok(Lineage::default()),
                    }
                }
                (None, None) => return Ok(Lineage::default()),
            };
            query_into(
                schema,
                names,
                ctes,
                query,
                Some(to.value.clone()),
                Vec::new(),
            )
        }
        Statement::CreateStage {
            name, stage_params, ..
        } => Ok(Lineage {
            sources: stage_params.url.iter().cloned().collect(),
            targets: [q(object_name(name))].into(),
            ..Lineage::default()
        }),
        Statement::Copy {
            source, to, target, ..
        } => {
            let mut resolver = Resolver::new(schema, names, ctes);
            let table = match source {
                sqlparser::ast::CopySource::Table { table_name, .. } => {
                    Some(q(object_name(table_name)))
                }
                sqlparser::ast::CopySource::Query(query) => {
                    resolver.query(query, None)?;
                    None
                }
            };
            let file = match target {
                sqlparser::ast::CopyTarget::File { filename } => Some(filename.clone()),
                _ => None,
            };
            let mut lineage = finish(Lineage::default(), resolver);
            if *to {
                lineage.sources.extend(table);
                lineage.targets.extend(file);
            } else {
                lineage.sources.extend(file);
                lineage.targets.extend(table);
            }
            Ok(lineage)
        }
        _ => Ok(Lineage::default()),
    }
}

/// Vertica moves partitions between tables with functions called in a
/// SELECT: `SELECT MOVE_PARTITIONS_TO_TABLE('src', 'min', 'max', 'dst')`.
/// Copying and moving read the first table and write the last; swapping
/// reads and writes both.
fn partition_function(query: &Query, names: Names<'_>) -> Option<Lineage> {
    use sqlparser::ast::{FunctionArg, FunctionArgExpr, FunctionArguments, SelectItem, Value};
    let SetExpr::Select(select) = query.body.as_ref() else {
        return None;
    };
    let [
        SelectItem::UnnamedExpr(Expr::Function(f))
        | SelectItem::ExprWithAlias {
            expr: Expr::Function(f),
            ..
        },
    ] = &select.projection[..]
    else {
        return None;
    };
    let name = object_name(&f.name);
    let swap = match name.as_str() {
        "swap_partitions_between_tables" => true,
        "move_partitions_to_table" | "copy_partitions_to_table" => false,
        _ => return None,
    };
    let FunctionArguments::List(list) = &f.args else {
        return None;
    };
    let tables: Vec<String> = list
        .args
        .iter()
        .filter_map(|a| match a {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v))) => match &v.value {
                Value::SingleQuotedString(s) => Some(s.to_lowercase()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let (Some(from), Some(to)) = (tables.first(), tables.get(3)) else {
        return None;
    };
    let (from, to) = (
        crate::resolve::qualify(names, from),
        crate::resolve::qualify(names, to),
    );
    let mut lineage = Lineage {
        sources: [from.clone()].into(),
        targets: [to.clone()].into(),
        ..Lineage::default()
    };
    if swap {
        lineage.sources.insert(to);
        lineage.targets.insert(from);
    }
    Some(lineage)
}

/// The columns an assignment sets, by their own name (`t.a` is `a`).
fn assigned_columns(target: &AssignmentTarget) -> Vec<String> {
    match target {
        AssignmentTarget::ColumnName(n) => vec![last_part(&object_name(n))],
        AssignmentTarget::Tuple(ns) => ns.iter().map(|n| last_part(&object_name(n))).collect(),
    }
}

/// A relation's columns all renamed to the one column they feed.
fn named(rel: &Relation, column: &str) -> Relation {
    Relation {
        reads: BTreeSet::new(),
        fields_from: BTreeSet::new(),
        columns: rel
            .columns
            .iter()
            .cloned()
            .map(|mut c| {
                c.name = column.to_string();
                c
            })
            .collect(),
    }
}

/// `SET a = a + 1` keeps the row's own value: no edge from a column to itself.
fn drop_self_edges(lineage: &mut Lineage, target: &str) {
    lineage.edges.retain(|e| {
        !(e.source.table == target
            && e.target_table.as_deref() == Some(target)
            && e.source.column == e.target_column)
    });
}

/// A COPY endpoint: a stage (`@stage`), a URL (`s3://...`) as written, or a table.
fn location_or_table(name: &ObjectName, names: Names<'_>) -> String {
    let raw = name.to_string();
    let unquoted = raw.trim_matches(|c| c == '\'' || c == '"');
    if unquoted.starts_with('@') || unquoted.contains("://") {
        unquoted.to_string()
    } else {
        crate::resolve::qualify(names, &object_name(name))
    }
}

/// Whether a statement moves data itself (rather than wrapping statements
/// that do, as procedures, IF and blocks do).
pub fn moves_data(stmt: &Statement) -> bool {
    matches!(
        stmt,
        Statement::Query(_)
            | Statement::Insert(_)
            | Statement::Update(_)
            | Statement::Delete(_)
            | Statement::Merge(_)
            | Statement::CreateTable(_)
            | Statement::CreateView(_)
            | Statement::Drop { .. }
            | Statement::AlterTable(_)
            | Statement::RenameTable(_)
            | Statement::CopyIntoSnowflake { .. }
            | Statement::CreateStage { .. }
            | Statement::Copy { .. }
            | Statement::Directory { .. }
            | Statement::Unload { .. }
            | Statement::Use(_)
    )
}

/// A SELECT with nothing in it, to resolve DML clauses (UPDATE ... FROM,
/// DELETE ... USING, MERGE) with the query machinery.
fn empty_select() -> sqlparser::ast::Select {
    static EMPTY: std::sync::LazyLock<sqlparser::ast::Select> = std::sync::LazyLock::new(|| {
        let parsed = sqlparser::parser::Parser::parse_sql(
            &sqlparser::dialect::GenericDialect {},
            "SELECT 1",
        )
        .expect("SELECT 1 parses");
        match parsed.into_iter().next() {
            Some(Statement::Query(q)) => match *q.body {
                SetExpr::Select(mut s) => {
                    s.projection = Vec::new();
                    *s
                }
                _ => panic!("SELECT 1 has a SELECT body"),
            },
            _ => panic!("SELECT 1 is a query"),
        }
    });
    EMPTY.clone()
}
