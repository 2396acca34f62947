#!/usr/bin/env python3
"""sqlglot_lineage.py -- run sqlglot as the peer on the lineage benchmark corpora.

Usage:

    bash scripts/bench/sqlglot-setup.sh          # once; idempotent (sqlglot[c]==30.30.0)
    $HOME/.cache/steward/sqlglot-venv/bin/python \\
      scripts/bench/sqlglot_lineage.py CASES.jsonl OUT.jsonl [--repeat 3]
    python3 ../shared/bench/lineage/score.py CASES.jsonl OUT.jsonl

Writes one prediction line per case in the benchmark contract
({"id", "tables": {"sources", "targets"}, "columns": [[src_t, src_c, tgt_t|null, tgt_c]],
"error"}) and prints one JSON summary line on stdout:
{"tool": "sqlglot", "version", "compiled", "cases", "statements", "seconds",
 "statements_per_second", "errors", "repeat", "pass_seconds"}.

How sqlglot is used (one case at a time; nothing is shared between cases):

  * Dialect: the case's own `dialect_sqlglot` field when the corpus provides it (the
    corpus's mapping to sqlglot names), otherwise DIALECTS below: ansi/generic -> None
    (sqlglot's default dialect), tsql/mssql/sqlserver -> tsql, sparksql -> spark,
    databricks, hive, postgres (also greenplum, materialize), mysql/mariadb -> mysql,
    snowflake, bigquery, redshift, oracle, duckdb, teradata, athena; anything else ->
    None. (The only difference between the two on these corpora: the one `sqlserver`
    case, which the corpus maps to None.)
  * Parsing: `sqlglot.parse(script, read=dialect)` on the whole script (a `statements`
    case is joined with ";\\n"). If that raises, the script is split into statements
    with sqlglot's own tokenizer (`;` tokens, so strings and comments are respected)
    and each piece is parsed alone; pieces that still fail are skipped, the rest is
    analysed, and the case gets an "error" (its partial lineage is still written).
    Statements sqlglot only keeps as an opaque exp.Command yield no lineage and are
    not errors. Only data-moving statements carry lineage (query, INSERT, CREATE, MERGE,
    UPDATE, DELETE, COPY); DROP/ALTER/TRUNCATE/ANALYZE/CACHE/DESCRIBE/... give none
    (openlineage's suite counts DROP/ALTER/TRUNCATE tables as targets, sqllineage's
    does not). Procedure bodies that sqlglot parses into blocks (exp.Block, If/While/
    Loop blocks, CREATE PROCEDURE ... AS BEGIN ... END) are walked for the DML inside.
  * Table lineage from the AST: targets = the table of exp.Insert, exp.Create (kind
    TABLE/VIEW/...; CREATE TABLE ... LIKE/CLONE reads the other table), exp.Merge,
    exp.Update, exp.Delete, exp.Copy (COPY INTO) and SELECT ... INTO; sources = every
    other exp.Table in the statement that names a real table (not a CTE name, not a
    table-valued function). `USE db` (exp.Use) qualifies later unqualified table names,
    as sqlglot's qualify_tables(db=...) would.
  * Column lineage: `sqlglot.lineage.lineage(None, query, schema, dialect=...)` (all
    output columns at once) on the query of a SELECT / set operation, INSERT ... SELECT
    (a WITH attached to the INSERT is moved onto its query), CREATE TABLE/VIEW ... AS
    SELECT and SELECT ... INTO. Each lineage leaf that is an exp.Table gives an edge
    (that table, leaf column) -> (target table, output column); a plain SELECT has
    target null. An INSERT/CREATE column list renames the outputs positionally when the
    counts agree; an INSERT without one fills the target's schema columns in order (minus
    static PARTITION (k=v) columns) when the schema knows the target and the counts agree.
    A table created/filled earlier in the script is added to the schema with its output
    columns, so later statements can expand its star. If qualify() refuses a query
    (OptimizeError: a column missing from a partial schema, or a correlated subquery over
    tables without a schema), lineage() is retried with allow_partial_qualification=True,
    then with qualify_columns=False. Leaves sqlglot cannot resolve (exp.Placeholder: an unqualified column
    over several tables without a schema) give no edge, and SELECT * without a schema
    gives a `*` -> `*` edge (what lineage() returns). The case's `schema`
    ({"db.t": [cols]}) is passed as a sqlglot MappingSchema (type TEXT for every column),
    so qualify() can expand stars and attribute unqualified columns. sqlglot.lineage has
    no MERGE/UPDATE column lineage, so those statements contribute tables only.
    Unaliased expressions keep sqlglot's names (_col_N). A schema is built per case
    (MappingSchema, inside the timed region) and not shared between cases.
  * Multi-statement scripts are reported end to end, as the benchmark contract asks
    (this composition is wrapper code, not sqlglot): a table written and later read in
    the same script is intermediate (neither source nor target); column edges whose
    source column was written by an earlier statement are traced back to that
    statement's sources, and a written column read by a later statement is not a final
    target.

Timing: `seconds` is the median over --repeat passes of the time spent in parse +
analysis for all cases (not reading the JSONL, not writing predictions, not importing
sqlglot). sqlglot is single-threaded Python (with sqlglotc installed its modules are
mypyc-compiled C extensions; `compiled` in the summary says which ran), so one core is
used; no thread pools are involved. sqlglot's logger is set to ERROR so its warnings
("falling back to parsing as a Command") do not cost terminal I/O.
"""
import argparse
import json
import logging
import statistics
import sys
import time

import sqlglot
from sqlglot import exp
from sqlglot.errors import OptimizeError
from sqlglot.lineage import lineage as sqlglot_lineage
from sqlglot.schema import MappingSchema
from sqlglot.tokens import TokenType

logging.getLogger("sqlglot").setLevel(logging.ERROR)

DIALECTS = {
    "ansi": None, "generic": None,
    "tsql": "tsql", "mssql": "tsql", "sqlserver": "tsql",
    "sparksql": "spark", "spark": "spark", "databricks": "databricks", "hive": "hive",
    "postgres": "postgres", "greenplum": "postgres", "materialize": "postgres",
    "mysql": "mysql", "mariadb": "mysql",
    "snowflake": "snowflake", "bigquery": "bigquery", "redshift": "redshift",
    "oracle": "oracle", "duckdb": "duckdb", "teradata": "teradata", "athena": "athena",
}

DML = (exp.Insert, exp.Merge, exp.Update, exp.Delete, exp.Copy, exp.Create, exp.Query)
BLOCKS = tuple(getattr(exp, n) for n in ("Block", "IfBlock", "WhileBlock", "LoopBlock", "RepeatBlock")
               if hasattr(exp, n))


def case_dialect(case):
    if "dialect_sqlglot" in case:
        return case["dialect_sqlglot"]
    return DIALECTS.get(str(case.get("dialect") or "").lower())


def case_script(case):
    if case.get("statements") is not None:
        return ";\n".join(case["statements"])
    return case.get("sql") or ""


def count_statements(script):
    return max(1, sum(1 for p in script.split(";") if p.strip()))


def to_schema(schema):
    """{"db.t": [cols]} -> nested {"db": {"t": {col: "TEXT"}}} for sqlglot's MappingSchema."""
    if not schema:
        return None
    out = {}
    for name, cols in schema.items():
        node = out
        parts = name.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = {c: "TEXT" for c in cols}
    return out


# ---------------------------------------------------------------- parsing

def parse_script(script, dialect):
    """-> (list of statements, error message or None)."""
    try:
        return [s for s in sqlglot.parse(script, read=dialect) if s is not None], None
    except Exception as e:  # noqa: BLE001 - any sqlglot failure
        first = e
    # fall back: split on sqlglot's `;` tokens, parse each statement alone
    try:
        tokens = sqlglot.Dialect.get_or_raise(dialect).tokenize(script)
    except Exception as e:  # noqa: BLE001
        return [], f"{type(e).__name__}: {e}"
    pieces, start = [], 0
    for tok in tokens:
        if tok.token_type == TokenType.SEMICOLON:
            pieces.append(script[start:tok.start])
            start = tok.end + 1
    pieces.append(script[start:])
    stmts, failed = [], 0
    for piece in pieces:
        if not piece.strip():
            continue
        try:
            stmts.extend(s for s in sqlglot.parse(piece, read=dialect) if s is not None)
        except Exception:  # noqa: BLE001
            failed += 1
    return stmts, f"{type(first).__name__}: {str(first).splitlines()[0][:200]} ({failed} statement(s) skipped)"


def units(stmt):
    """Statements that can carry lineage (procedure bodies / blocks are opened)."""
    if isinstance(stmt, exp.Create) and str(stmt.args.get("kind") or "").upper() in ("PROCEDURE", "FUNCTION"):
        body = stmt.expression
        return units(body) if isinstance(body, BLOCKS) else []
    if isinstance(stmt, BLOCKS):
        out = []
        for node in stmt.bfs(prune=lambda n: isinstance(n, DML)):
            if isinstance(node, DML) and node is not stmt and _outermost(node, stmt):
                out.extend(units(node))
        return out
    # only statements that move data; DDL / utility statements (DROP, ALTER, TRUNCATE,
    # ANALYZE, CACHE, DESCRIBE, opaque exp.Command, ...) carry no lineage
    return [stmt] if isinstance(stmt, DML) else []


def _outermost(node, root):
    p = node.parent
    while p is not None and p is not root:
        if isinstance(p, DML):
            return False
        p = p.parent
    return True


# ---------------------------------------------------------------- tables

def table_name(t, default_db=None):
    parts = [p.name for p in t.parts]
    if len(parts) == 1 and default_db:
        parts = default_db + parts
    return ".".join(parts)


def real_table(t):
    return isinstance(t, exp.Table) and isinstance(t.this, exp.Identifier) and bool(t.name)


def unwrap_table(node):
    if isinstance(node, exp.Schema):
        node = node.this
    return node if isinstance(node, exp.Table) else None


def target_of(stmt):
    """-> (target exp.Table or None, target column names or None, query or None)."""
    if isinstance(stmt, exp.Insert):
        tgt = stmt.this
        cols = [c.name for c in tgt.expressions] if isinstance(tgt, exp.Schema) else None
        return unwrap_table(tgt), cols or None, stmt.expression
    if isinstance(stmt, exp.Create):
        kind = str(stmt.args.get("kind") or "").upper()
        if kind in ("PROCEDURE", "FUNCTION", "INDEX", "SCHEMA", "DATABASE", "MACRO", "SEQUENCE"):
            return None, None, None
        tgt = stmt.this
        cols = [c.name for c in tgt.expressions if isinstance(c, (exp.Identifier, exp.ColumnDef))] \
            if isinstance(tgt, exp.Schema) else None
        q = stmt.expression
        return unwrap_table(tgt), cols or None, q if isinstance(q, exp.Query) else None
    if isinstance(stmt, (exp.Merge, exp.Update, exp.Delete, exp.Copy)):
        return unwrap_table(stmt.this), None, None
    if isinstance(stmt, exp.Query):
        into = select_into(stmt)
        if into is not None:
            return unwrap_table(into.this), None, stmt
        return None, None, stmt
    return None, None, None


def select_into(stmt):
    """The INTO of SELECT ... INTO t (also on the first branch of a set operation)."""
    if isinstance(stmt, exp.Select):
        return stmt.args.get("into")
    if isinstance(stmt, exp.SetOperation):
        return select_into(stmt.this)
    return None


def statement_tables(stmt, target, default_db):
    cte_names = {c.alias_or_name.lower() for c in stmt.find_all(exp.CTE)}
    into = select_into(stmt)
    sources = []
    for t in stmt.find_all(exp.Table):
        if t is target or not real_table(t):
            continue
        if into is not None and t.find_ancestor(exp.Into) is into:
            continue
        if not t.db and t.name.lower() in cte_names:
            # a CTE reference, unless it is a non-recursive CTE naming the table it reads
            cte = t.find_ancestor(exp.CTE)
            with_ = cte.parent if cte is not None else None
            if not (cte is not None and cte.alias_or_name.lower() == t.name.lower()
                    and isinstance(with_, exp.With) and not with_.args.get("recursive")):
                continue
        sources.append(table_name(t, default_db))
    return sources


# ---------------------------------------------------------------- columns

def leaf_column(name):
    return name.rsplit(".", 1)[-1].strip('"`[]')


def insert_columns(stmt, target, schema, n_outputs):
    """INSERT without a column list fills the target's columns in order: take them from the
    schema (minus static PARTITION (k=v) columns) when their count matches the outputs."""
    if not isinstance(stmt, exp.Insert) or target is None or schema is None:
        return None
    try:
        cols = list(schema.column_names(target))
    except Exception:  # noqa: BLE001 - table not in the schema
        return None
    part = target.args.get("partition") or stmt.args.get("partition")
    if isinstance(part, exp.Expr):
        static = {e.this.name.lower() for e in part.expressions if isinstance(e, exp.EQ)}
        cols = [c for c in cols if c.lower() not in static]
    return cols if cols and len(cols) == n_outputs else None


def run_lineage(q, schema, dialect):
    try:
        return sqlglot_lineage(None, q, schema=schema, dialect=dialect)
    except OptimizeError:
        pass
    # qualify_columns refuses some queries: a column missing from a partial schema
    # ("Unknown column") -> retry with allow_partial_qualification; correlated subqueries
    # over tables it has no schema for ("missing source schemas") -> retry without column
    # qualification, which lineage() then covers with its single-source inference.
    try:
        return sqlglot_lineage(None, q, schema=schema, dialect=dialect, allow_partial_qualification=True)
    except OptimizeError:
        return sqlglot_lineage(None, q, schema=schema, dialect=dialect, qualify_columns=False)


def statement_columns(stmt, target, tgt_name, tgt_cols, query, schema, dialect, default_db):
    if query is None or not isinstance(query, exp.Query):
        return []
    q = query
    while isinstance(q, exp.Subquery) and isinstance(q.this, exp.Query):  # INSERT INTO t (SELECT ...)
        q = q.this
    with_ = stmt.args.get("with_") or stmt.args.get("with")
    if with_ is not None and q is not stmt and not (q.args.get("with_") or q.args.get("with")):
        q = q.copy()
        q.set("with_" if "with_" in type(q).arg_types else "with", with_.copy())
    if select_into(q) is not None:
        q = q.copy()
        select_into(q).pop()
    nodes = run_lineage(q, schema, dialect)
    names = list(nodes)
    if not tgt_cols:
        tgt_cols = insert_columns(stmt, target, schema, len(names))
    rename = dict(zip(names, tgt_cols)) if tgt_cols and len(tgt_cols) == len(names) else {}
    edges = []
    for out_name, node in nodes.items():
        tcol = rename.get(out_name, out_name)
        for leaf in node.walk():
            if leaf.downstream or not isinstance(leaf.expression, exp.Table):
                continue
            if not real_table(leaf.expression):
                continue
            edges.append((table_name(leaf.expression, default_db), leaf_column(leaf.name), tgt_name, tcol))
    if target is not None and tgt_name is not None and schema is not None:
        # a table created earlier in the script is known to later statements (stars expand)
        try:
            if names != ["*"] and not schema.column_names(target):
                schema.add_table(target, {rename.get(n, n): "TEXT" for n in names if n != "*"},
                                 dialect=dialect)
        except Exception:  # noqa: BLE001 - e.g. a name whose depth differs from the schema's
            pass
    return edges


# ---------------------------------------------------------------- a case

def analyse(case, schema_dict):
    dialect = case_dialect(case)
    try:
        schema = MappingSchema(schema_dict, dialect=dialect)
    except Exception:  # noqa: BLE001
        schema = MappingSchema(dialect=dialect)
    stmts, error = parse_script(case_script(case), dialect)
    default_db = None
    written_tables, sources, targets = set(), [], []
    origins = {}      # (table, col) written earlier in the script -> set of (src_table, src_col)
    consumed = set()  # written (table, col) later read
    select_edges = []
    order = []        # written (table, col) in first-write order
    for top in stmts:
        if isinstance(top, exp.Use):
            parts = [p.name for p in top.this.parts] if isinstance(top.this, exp.Table) else [top.name]
            default_db = [p for p in parts if p] or None
            continue
        for stmt in units(top):
            try:
                target, tcols, query = target_of(stmt)
                tname = table_name(target, default_db) if target is not None and real_table(target) else None
                for s in statement_tables(stmt, target, default_db):
                    key = s.lower()
                    if key in written_tables:
                        # intermediate: written earlier in this script, read now
                        targets = [t for t in targets if t.lower() != key]
                    elif key not in {x.lower() for x in sources}:
                        sources.append(s)
                if tname is not None:
                    written_tables.add(tname.lower())
                    if tname.lower() not in {x.lower() for x in targets}:
                        targets.append(tname)
                edges = statement_columns(stmt, target, tname, tcols, query, schema, dialect, default_db)
            except Exception as e:  # noqa: BLE001 - one statement failing keeps the rest
                if error is None:
                    error = f"{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}"
                continue
            new = {}
            for st, sc, tt, tc in edges:
                src = (st.lower(), sc.lower())
                if src in origins:
                    consumed.add(src)
                    resolved = origins[src]
                else:
                    resolved = {(st, sc)}
                if tt is None:
                    select_edges.extend((a, b, None, tc) for a, b in resolved)
                else:
                    new.setdefault((tt, tc), set()).update(resolved)
            for (tt, tc), srcs in new.items():
                k = (tt.lower(), tc.lower())
                if k not in origins:
                    origins[k] = set()
                    order.append((k, tt, tc))
                origins[k] |= srcs
    columns = []
    seen = set()
    for k, tt, tc in order:
        if k in consumed or tt.lower() not in {t.lower() for t in targets}:
            continue
        for st, sc in sorted(origins[k]):
            e = (st, sc, tt, tc)
            if e not in seen:
                seen.add(e)
                columns.append(list(e))
    for e in select_edges:
        if e not in seen:
            seen.add(e)
            columns.append(list(e))
    return {"id": case["id"], "tables": {"sources": sources, "targets": targets},
            "columns": columns, "error": error}


def run_case(case, schema):
    try:
        return analyse(case, schema)
    except Exception as e:  # noqa: BLE001
        return {"id": case["id"], "tables": {"sources": [], "targets": []}, "columns": [],
                "error": f"{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cases")
    ap.add_argument("out")
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    cases = [json.loads(l) for l in open(a.cases) if l.strip()]
    schemas = [to_schema(c.get("schema")) for c in cases]  # input preparation, not timed
    statements = sum(count_statements(case_script(c)) for c in cases)
    times, preds = [], None
    for _ in range(max(1, a.repeat)):
        t0 = time.perf_counter()
        preds = [run_case(c, s) for c, s in zip(cases, schemas)]
        times.append(time.perf_counter() - t0)
    with open(a.out, "w") as f:
        for p in preds:
            f.write(json.dumps(p) + "\n")
    seconds = statistics.median(times)
    compiled = sqlglot.parser.__file__.endswith(".so")
    print(json.dumps({
        "tool": "sqlglot", "version": sqlglot.__version__, "compiled": compiled,
        "cases": len(cases), "statements": statements, "seconds": round(seconds, 3),
        "statements_per_second": round(statements / seconds, 1) if seconds else None,
        "errors": sum(1 for p in preds if p["error"]), "repeat": len(times),
        "pass_seconds": [round(t, 3) for t in times]}))


if __name__ == "__main__":
    sys.exit(main())
