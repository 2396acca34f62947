//! Table-driven lineage cases per construct and dialect, written here (not
//! copied from the benchmark corpora). Each case lists the tables read and
//! written and every column edge as `src_table.src_col -> tgt_table.tgt_col`
//! (`-> .col` for a plain SELECT's output).

mod querylog;

use std::collections::BTreeSet;

use steward_lineage::{EdgeKind, LineageError, Schema, analyze};

struct Case {
    name: &'static str,
    dialect: &'static str,
    sql: &'static str,
    schema: &'static [(&'static str, &'static [&'static str])],
    sources: &'static [&'static str],
    targets: &'static [&'static str],
    edges: &'static [&'static str],
}

fn edge_text(e: &steward_lineage::ColumnEdge) -> String {
    format!(
        "{}.{} -> {}.{}",
        e.source.table,
        e.source.column,
        e.target_table.as_deref().unwrap_or(""),
        e.target_column
    )
}

fn run(cases: &[Case]) {
    let mut failures = Vec::new();
    for case in cases {
        let mut schema = Schema::new();
        for (table, columns) in case.schema {
            schema.add(table, columns.iter());
        }
        let lineage = match analyze(case.sql, case.dialect, &schema) {
            Ok(l) => l,
            Err(e) => {
                failures.push(format!("{}: error {e}", case.name));
                continue;
            }
        };
        let strings = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<BTreeSet<_>>();
        let edges: BTreeSet<String> = lineage.edges.iter().map(edge_text).collect();
        if lineage.sources != strings(case.sources)
            || lineage.targets != strings(case.targets)
            || edges != strings(case.edges)
        {
            failures.push(format!(
                "{}:\n  sources {:?}\n  targets {:?}\n  edges {:?}\n  warnings {:?}",
                case.name, lineage.sources, lineage.targets, edges, lineage.warnings
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn statements() {
    run(&[
        Case {
            name: "plain select",
            dialect: "ansi",
            sql: "SELECT o.id, lower(c.email) AS email FROM sales.orders o JOIN crm.customers c ON o.cid = c.id",
            schema: &[],
            sources: &["sales.orders", "crm.customers"],
            targets: &[],
            edges: &["sales.orders.id -> .id", "crm.customers.email -> .email"],
        },
        Case {
            name: "insert with a column list",
            dialect: "postgres",
            sql: "INSERT INTO mart.t (a, b) SELECT x, y + 1 FROM raw.s",
            schema: &[],
            sources: &["raw.s"],
            targets: &["mart.t"],
            edges: &["raw.s.x -> mart.t.a", "raw.s.y -> mart.t.b"],
        },
        Case {
            name: "insert without a column list takes the target's schema",
            dialect: "mysql",
            sql: "INSERT INTO t SELECT x, y FROM s",
            schema: &[("t", &["a", "b"])],
            sources: &["s"],
            targets: &["t"],
            edges: &["s.x -> t.a", "s.y -> t.b"],
        },
        Case {
            name: "create table as",
            dialect: "snowflake",
            sql: "CREATE TABLE db.mart.daily AS SELECT day, count(*) AS n FROM db.raw.events GROUP BY day",
            schema: &[],
            sources: &["db.raw.events"],
            targets: &["db.mart.daily"],
            edges: &[
                "db.raw.events.day -> db.mart.daily.day",
                "db.raw.events.* -> db.mart.daily.n",
            ],
        },
        Case {
            name: "create view with column names",
            dialect: "postgres",
            sql: "CREATE VIEW v (k, total) AS SELECT id, sum(amount) FROM orders GROUP BY id",
            schema: &[],
            sources: &["orders"],
            targets: &["v"],
            edges: &["orders.id -> v.k", "orders.amount -> v.total"],
        },
        Case {
            name: "merge",
            dialect: "snowflake",
            sql: "MERGE INTO dim d USING stage s ON d.k = s.k \
                  WHEN MATCHED THEN UPDATE SET d.v = s.v \
                  WHEN NOT MATCHED THEN INSERT (k, v) VALUES (s.k, s.v)",
            schema: &[],
            sources: &["stage"],
            targets: &["dim"],
            edges: &["stage.k -> dim.k", "stage.v -> dim.v"],
        },
        Case {
            name: "update from",
            dialect: "postgres",
            sql: "UPDATE accounts a SET balance = t.amount FROM transfers t WHERE a.id = t.account_id",
            schema: &[],
            sources: &["transfers"],
            targets: &["accounts"],
            edges: &["transfers.amount -> accounts.balance"],
        },
        Case {
            name: "delete reads its conditions",
            dialect: "postgres",
            sql: "DELETE FROM events WHERE user_id IN (SELECT id FROM banned_users)",
            schema: &[],
            sources: &["banned_users"],
            targets: &["events"],
            edges: &[],
        },
    ]);
}

#[test]
fn constructs() {
    run(&[
        Case {
            name: "CTEs, one recursive",
            dialect: "postgres",
            sql: "WITH RECURSIVE tree AS (SELECT id, parent FROM nodes WHERE parent IS NULL \
                  UNION ALL SELECT n.id, n.parent FROM nodes n JOIN tree t ON n.parent = t.id), \
                  unused AS (SELECT * FROM elsewhere) \
                  INSERT INTO flat SELECT id FROM tree",
            schema: &[],
            // An unused CTE feeds nothing: lineage is where data flows.
            sources: &["nodes"],
            targets: &["flat"],
            edges: &["nodes.id -> flat.id"],
        },
        Case {
            name: "subqueries in FROM and SELECT",
            dialect: "ansi",
            sql: "SELECT s.total, (SELECT max(price) FROM prices p WHERE p.id = s.id) AS top \
                  FROM (SELECT id, amount AS total FROM sales) s",
            schema: &[],
            sources: &["sales", "prices"],
            targets: &[],
            edges: &["sales.amount -> .total", "prices.price -> .top"],
        },
        Case {
            name: "union by position",
            dialect: "ansi",
            sql: "INSERT INTO all_people SELECT name FROM staff UNION SELECT full_name FROM contractors",
            schema: &[],
            sources: &["staff", "contractors"],
            targets: &["all_people"],
            edges: &[
                "staff.name -> all_people.name",
                "contractors.full_name -> all_people.name",
            ],
        },
        Case {
            name: "window function and CASE",
            dialect: "bigquery",
            sql: "SELECT CASE WHEN amount > 0 THEN 'in' ELSE 'out' END AS dir, \
                  row_number() OVER (PARTITION BY account ORDER BY ts) AS rn FROM ledger",
            schema: &[],
            sources: &["ledger"],
            targets: &[],
            edges: &[
                "ledger.amount -> .dir",
                "ledger.account -> .rn",
                "ledger.ts -> .rn",
            ],
        },
        Case {
            name: "stars expand with a schema",
            dialect: "ansi",
            sql: "INSERT INTO copy SELECT c.*, o.total FROM customers c JOIN orders o ON o.cid = c.id",
            schema: &[
                ("customers", &["id", "email"]),
                ("copy", &["id", "email", "total"]),
            ],
            sources: &["customers", "orders"],
            targets: &["copy"],
            edges: &[
                "customers.id -> copy.id",
                "customers.email -> copy.email",
                "orders.total -> copy.total",
            ],
        },
        Case {
            name: "star without a schema",
            dialect: "hive",
            sql: "INSERT OVERWRITE TABLE dst SELECT * FROM src",
            schema: &[],
            sources: &["src"],
            targets: &["dst"],
            edges: &["src.* -> dst.*"],
        },
        Case {
            name: "unqualified columns resolved by the schema",
            dialect: "ansi",
            sql: "SELECT email, total FROM customers JOIN orders ON orders.cid = customers.id",
            schema: &[
                ("customers", &["id", "email"]),
                ("orders", &["cid", "total"]),
            ],
            sources: &["customers", "orders"],
            targets: &[],
            edges: &["customers.email -> .email", "orders.total -> .total"],
        },
        Case {
            name: "unnest",
            dialect: "bigquery",
            sql: "SELECT tag FROM posts, UNNEST(tags) AS tag",
            schema: &[],
            sources: &["posts"],
            targets: &[],
            edges: &["posts.tags -> .tag"],
        },
        Case {
            name: "quoted and bracketed names",
            dialect: "tsql",
            sql: "INSERT INTO [dw].[dbo].[Target] ([Id]) SELECT [s].[Id] FROM [stage].[dbo].[Source] AS [s]",
            schema: &[],
            sources: &["stage.dbo.source"],
            targets: &["dw.dbo.target"],
            edges: &["stage.dbo.source.id -> dw.dbo.target.id"],
        },
        Case {
            name: "backticks",
            dialect: "bigquery",
            sql: "SELECT `a`.`x` FROM `proj.ds.tbl` AS a",
            schema: &[],
            sources: &["proj.ds.tbl"],
            targets: &[],
            edges: &["proj.ds.tbl.x -> .x"],
        },
    ]);
}

#[test]
fn a_stars_options_leave_out_replace_and_rename_columns() {
    const SCHEMA: &[(&str, &[&str])] = &[("crm.customers", &["id", "email", "ssn", "name"])];
    run(&[
        Case {
            name: "Snowflake EXCLUDE",
            dialect: "snowflake",
            sql: "CREATE TABLE mart.c AS SELECT * EXCLUDE (ssn, email) FROM crm.customers",
            schema: SCHEMA,
            sources: &["crm.customers"],
            targets: &["mart.c"],
            edges: &[
                "crm.customers.id -> mart.c.id",
                "crm.customers.name -> mart.c.name",
            ],
        },
        Case {
            name: "Snowflake EXCLUDE of one column, qualified star",
            dialect: "snowflake",
            sql: "CREATE TABLE mart.c AS SELECT c.* EXCLUDE ssn FROM crm.customers c",
            schema: SCHEMA,
            sources: &["crm.customers"],
            targets: &["mart.c"],
            edges: &[
                "crm.customers.id -> mart.c.id",
                "crm.customers.email -> mart.c.email",
                "crm.customers.name -> mart.c.name",
            ],
        },
        Case {
            name: "BigQuery EXCEPT and REPLACE",
            dialect: "bigquery",
            sql: "CREATE TABLE mart.c AS SELECT * EXCEPT (ssn) REPLACE (upper(name) AS email) FROM crm.customers",
            schema: SCHEMA,
            sources: &["crm.customers"],
            targets: &["mart.c"],
            edges: &[
                "crm.customers.id -> mart.c.id",
                "crm.customers.name -> mart.c.email",
                "crm.customers.name -> mart.c.name",
            ],
        },
        Case {
            name: "Snowflake RENAME",
            dialect: "snowflake",
            sql: "CREATE TABLE mart.c AS SELECT * EXCLUDE (ssn, email) RENAME (name AS full_name) FROM crm.customers",
            schema: SCHEMA,
            sources: &["crm.customers"],
            targets: &["mart.c"],
            edges: &[
                "crm.customers.id -> mart.c.id",
                "crm.customers.name -> mart.c.full_name",
            ],
        },
        Case {
            name: "Snowflake ILIKE",
            dialect: "snowflake",
            sql: "CREATE TABLE mart.c AS SELECT * ILIKE '%n%' FROM crm.customers",
            schema: SCHEMA,
            sources: &["crm.customers"],
            targets: &["mart.c"],
            edges: &[
                "crm.customers.ssn -> mart.c.ssn",
                "crm.customers.name -> mart.c.name",
            ],
        },
    ]);
}

#[test]
fn scripts() {
    run(&[
        Case {
            name: "a temp table collapses",
            dialect: "postgres",
            sql: "CREATE TEMP TABLE tmp AS SELECT id, email FROM raw.users; \
                  INSERT INTO mart.contacts (uid, mail) SELECT id, lower(email) FROM tmp; \
                  DROP TABLE tmp;",
            schema: &[],
            sources: &["raw.users"],
            targets: &["mart.contacts"],
            edges: &[
                "raw.users.id -> mart.contacts.uid",
                "raw.users.email -> mart.contacts.mail",
            ],
        },
        Case {
            name: "a procedure's statements",
            dialect: "tsql",
            sql: "CREATE PROCEDURE load AS BEGIN INSERT INTO t2 (c) SELECT c FROM t1; END",
            schema: &[],
            sources: &["t1"],
            targets: &["t2"],
            edges: &["t1.c -> t2.c"],
        },
        Case {
            name: "a procedure's tables are its inputs and outputs, not collapsed",
            dialect: "bigquery",
            sql: "CREATE PROCEDURE ds.refresh() BEGIN \
                  INSERT INTO ds.daily (d, n) SELECT day, cnt FROM ds.events; \
                  CREATE TEMP TABLE scratch AS SELECT d FROM ds.daily; \
                  INSERT INTO ds.weekly (d) SELECT d FROM scratch; \
                  DROP TABLE scratch; END",
            schema: &[],
            sources: &["ds.daily", "ds.events"],
            targets: &["ds.daily", "ds.weekly"],
            edges: &[
                "ds.events.day -> ds.daily.d",
                "ds.events.cnt -> ds.daily.n",
                "ds.daily.d -> ds.weekly.d",
            ],
        },
        Case {
            name: "only commands that move no data: empty, with warnings",
            dialect: "databricks",
            sql: "REFRESH TABLE sales; ADD JAR /opt/udf.jar",
            schema: &[],
            sources: &[],
            targets: &[],
            edges: &[],
        },
        Case {
            name: "USE qualifies names",
            dialect: "snowflake",
            sql: "USE analytics; INSERT INTO mart.t SELECT a FROM raw.s;",
            schema: &[],
            sources: &["analytics.raw.s"],
            targets: &["analytics.mart.t"],
            edges: &["analytics.raw.s.a -> analytics.mart.t.a"],
        },
        Case {
            name: "statements without a semicolon between them",
            dialect: "tsql",
            sql: "insert into a select x from b insert into c select y from d",
            schema: &[],
            sources: &["b", "d"],
            targets: &["a", "c"],
            edges: &["b.x -> a.x", "d.y -> c.y"],
        },
    ]);
}

#[test]
fn files_and_table_swaps() {
    run(&[
        Case {
            name: "a query over files",
            dialect: "sparksql",
            sql: "INSERT INTO bronze.clicks SELECT url FROM json.`s3://logs/Clicks/2026/`",
            schema: &[],
            sources: &["s3://logs/Clicks/2026/"],
            targets: &["bronze.clicks"],
            edges: &["s3://logs/Clicks/2026/.url -> bronze.clicks.url"],
        },
        Case {
            name: "INSERT OVERWRITE DIRECTORY",
            dialect: "hive",
            sql: "INSERT OVERWRITE DIRECTORY 'hdfs://nn/exports/users' SELECT id, name FROM users",
            schema: &[],
            sources: &["users"],
            targets: &["hdfs://nn/exports/users"],
            edges: &[
                "users.id -> hdfs://nn/exports/users.id",
                "users.name -> hdfs://nn/exports/users.name",
            ],
        },
        Case {
            name: "Redshift UNLOAD of a quoted query",
            dialect: "redshift",
            sql: "UNLOAD ('SELECT id FROM sales.orders WHERE total > 10') \
                  TO 's3://exports/orders_' IAM_ROLE 'arn:aws:iam::1:role/r'",
            schema: &[],
            sources: &["sales.orders"],
            targets: &["s3://exports/orders_"],
            edges: &["sales.orders.id -> s3://exports/orders_.id"],
        },
        Case {
            name: "Hive EXCHANGE PARTITION moves rows in",
            dialect: "hive",
            sql: "ALTER TABLE sales.orders EXCHANGE PARTITION (ds='2026-11-01') \
                  WITH TABLE staging.orders_day",
            schema: &[],
            sources: &["staging.orders_day"],
            targets: &["sales.orders"],
            edges: &["staging.orders_day.* -> sales.orders.*"],
        },
        Case {
            name: "Vertica partition functions",
            dialect: "vertica",
            sql: "SELECT MOVE_PARTITIONS_TO_TABLE('stage.events', '2026-01', '2026-02', 'prod.events')",
            schema: &[],
            sources: &["stage.events"],
            targets: &["prod.events"],
            edges: &[],
        },
        Case {
            name: "SWAP WITH reads and writes both tables",
            dialect: "snowflake",
            sql: "ALTER TABLE prod.orders SWAP WITH prod.orders_staging",
            schema: &[],
            sources: &["prod.orders", "prod.orders_staging"],
            targets: &["prod.orders", "prod.orders_staging"],
            edges: &[],
        },
        Case {
            name: "T-SQL UPDATE through an alias, with +=",
            dialect: "tsql",
            sql: "UPDATE o SET o.total += l.amount, o.note = l.memo \
                  FROM sales.orders AS o JOIN sales.lines AS l ON l.order_id = o.id",
            schema: &[],
            sources: &["sales.lines"],
            targets: &["sales.orders"],
            edges: &[
                "sales.lines.amount -> sales.orders.total",
                "sales.lines.memo -> sales.orders.note",
            ],
        },
    ]);
}

#[test]
fn edge_kinds() {
    let lineage = analyze(
        "SELECT email, upper(name) AS n, count(id) AS c FROM users GROUP BY email, name",
        "ansi",
        &Schema::new(),
    )
    .unwrap();
    let kind = |column: &str| {
        lineage
            .edges
            .iter()
            .find(|e| e.target_column == column)
            .map(|e| e.kind)
    };
    assert_eq!(kind("email"), Some(EdgeKind::Direct));
    assert_eq!(kind("n"), Some(EdgeKind::Transformation));
    assert_eq!(kind("c"), Some(EdgeKind::Aggregation));
}

#[test]
fn uncertainty_is_reported_not_hidden() {
    let lineage = analyze(
        "SELECT x FROM a JOIN b ON a.id = b.id",
        "ansi",
        &Schema::new(),
    )
    .unwrap();
    let edge = lineage.edges.iter().next().unwrap();
    assert_eq!(edge.source.table, "", "unresolved, not guessed");
    assert!(lineage.warnings[0].contains("several tables of unknown schema"));
    assert!(lineage.confidence() < 1.0);
}

#[test]
fn bad_input_is_an_error_with_a_position() {
    match analyze("SELECT a FROM t WHERE )", "postgres", &Schema::new()) {
        Err(LineageError::Parse {
            dialect, position, ..
        }) => {
            assert_eq!(dialect, "postgres");
            assert!(position.is_some());
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    let deep = format!("SELECT {}1{}", "(".repeat(3000), ")".repeat(3000));
    assert!(matches!(
        analyze(&deep, "generic", &Schema::new()),
        Err(LineageError::TooDeep(_))
    ));
    let nested = format!(
        "SELECT * FROM {}t{}",
        "(SELECT * FROM ".repeat(300),
        ")".repeat(300)
    );
    assert!(analyze(&nested, "generic", &Schema::new()).is_err());
    // A multi-megabyte statement is refused by its size, before parsing.
    let values: Vec<String> = (0..200_000).map(|i| format!("({i}, 'v{i}')")).collect();
    let huge = format!("INSERT INTO t (a, b) VALUES {}", values.join(", "));
    assert!(huge.len() > steward_lineage::MAX_INPUT_BYTES);
    match analyze(&huge, "generic", &Schema::new()) {
        Err(LineageError::TooLarge { size, limit }) => {
            assert_eq!(
                (size, limit),
                (huge.len(), steward_lineage::MAX_INPUT_BYTES)
            );
        }
        other => panic!("expected too large, got {other:?}"),
    }
}

#[test]
fn no_prefix_of_a_script_panics() {
    // Every prefix of scripts with the constructs above: truncated SQL must
    // come back as lineage or an error, never a panic or a hang.
    let scripts = [
        "WITH RECURSIVE t AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM t WHERE n < 3) \
         INSERT INTO x (a) SELECT n FROM t; MERGE INTO d USING s ON d.k = s.k \
         WHEN MATCHED THEN UPDATE SET d.v = s.v WHEN NOT MATCHED THEN INSERT (k) VALUES (s.k);",
        "CREATE PROCEDURE p AS BEGIN UPDATE a SET b = c.d FROM c WHERE a.id = c.id; \
         DELETE FROM e WHERE f IN (SELECT g FROM h); END",
        "SELECT [a].[b], `c`.d, \"e\".\"f\" FROM t1 AS [a] JOIN t2 c ON 1=1, LATERAL (SELECT * FROM t3) e",
    ];
    for script in scripts {
        let mut end = 0;
        while end < script.len() {
            end += 1;
            while !script.is_char_boundary(end) {
                end += 1;
            }
            for dialect in ["generic", "tsql", "snowflake", "hive"] {
                let _ = analyze(&script[..end], dialect, &Schema::new());
            }
        }
    }
}

#[test]
fn huge_statements_are_read_without_exhausting_the_stack() {
    // Test threads have small stacks: long UNION chains and long OR lists
    // must be walked without deep recursion.
    let unions = format!(
        "INSERT INTO t SELECT a FROM s{}",
        " UNION ALL SELECT a FROM s".repeat(5000)
    );
    let lineage = analyze(&unions, "generic", &Schema::new()).unwrap();
    assert_eq!(lineage.edges.len(), 1);
    let ors = format!(
        "SELECT a FROM t WHERE {}",
        (0..5000)
            .map(|i| format!("a = {i}"))
            .collect::<Vec<_>>()
            .join(" OR ")
    );
    assert!(analyze(&ors, "generic", &Schema::new()).is_ok());
    let wide = format!(
        "SELECT {} FROM t",
        (0..5000)
            .map(|i| format!("c{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    assert_eq!(
        analyze(&wide, "generic", &Schema::new())
            .unwrap()
            .edges
            .len(),
        5000
    );
}

#[test]
fn columns_read_through_a_star_over_an_unknown_table() {
    run(&[Case {
        name: "dbt-style CTE",
        dialect: "duckdb",
        sql: "CREATE TABLE mart.c AS WITH src AS (SELECT * FROM raw.customers) \
              SELECT s.email, upper(name) AS name FROM src s",
        schema: &[],
        sources: &["raw.customers"],
        targets: &["mart.c"],
        edges: &[
            "raw.customers.email -> mart.c.email",
            "raw.customers.name -> mart.c.name",
        ],
    }]);
}

#[test]
fn merge_with_every_column_maps_the_sources_columns_by_name() {
    const SCHEMA: &[(&str, &[&str])] = &[
        ("sales.customers", &["id", "email", "name"]),
        ("staging.customers", &["id", "email", "name", "loaded_at"]),
    ];
    run(&[
        Case {
            name: "Delta UPDATE SET * and INSERT *, aliased target, both schemas known",
            dialect: "databricks",
            sql: "MERGE INTO sales.customers AS t USING staging.customers AS s ON t.id = s.id \
                  WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *",
            schema: SCHEMA,
            sources: &["staging.customers"],
            targets: &["sales.customers"],
            edges: &[
                "staging.customers.id -> sales.customers.id",
                "staging.customers.email -> sales.customers.email",
                "staging.customers.name -> sales.customers.name",
            ],
        },
        Case {
            name: "Spark INSERT * with neither schema known",
            dialect: "sparksql",
            sql: "MERGE INTO sales.customers t USING staging.customers s ON t.id = s.id \
                  WHEN NOT MATCHED THEN INSERT *",
            schema: &[],
            sources: &["staging.customers"],
            targets: &["sales.customers"],
            edges: &["staging.customers.* -> sales.customers.*"],
        },
        Case {
            name: "INSERT * from a subquery, beside an explicit UPDATE",
            dialect: "sparksql",
            sql: "MERGE INTO sales.customers t \
                  USING (SELECT id, lower(email) AS email FROM raw.signups) s ON t.id = s.id \
                  WHEN MATCHED AND s.email IS NOT NULL THEN UPDATE SET t.email = s.email \
                  WHEN NOT MATCHED THEN INSERT *",
            schema: &[],
            sources: &["raw.signups"],
            targets: &["sales.customers"],
            edges: &[
                "raw.signups.id -> sales.customers.id",
                "raw.signups.email -> sales.customers.email",
            ],
        },
        Case {
            name: "BigQuery INSERT ROW",
            dialect: "bigquery",
            sql: "MERGE sales.customers T USING staging.customers S ON T.id = S.id \
                  WHEN NOT MATCHED THEN INSERT ROW",
            schema: SCHEMA,
            sources: &["staging.customers"],
            targets: &["sales.customers"],
            edges: &[
                "staging.customers.id -> sales.customers.id",
                "staging.customers.email -> sales.customers.email",
                "staging.customers.name -> sales.customers.name",
            ],
        },
    ]);
}

#[test]
fn hive_multi_insert_reads_the_shared_from_clause() {
    run(&[
        Case {
            name: "two targets from one aliased source",
            dialect: "hive",
            sql: "FROM raw.events e \
                  INSERT OVERWRITE TABLE mart.clicks PARTITION (dt = '2024-01-01') \
                  SELECT e.user_id, e.url WHERE e.kind = 'click' \
                  INSERT INTO TABLE mart.views SELECT e.user_id, count(*) AS n GROUP BY e.user_id",
            schema: &[],
            sources: &["raw.events"],
            targets: &["mart.clicks", "mart.views"],
            edges: &[
                "raw.events.user_id -> mart.clicks.user_id",
                "raw.events.url -> mart.clicks.url",
                "raw.events.user_id -> mart.views.user_id",
                "raw.events.* -> mart.views.n",
            ],
        },
        Case {
            name: "a join and a subquery as the shared source",
            dialect: "hive",
            sql: "FROM (SELECT id, amount FROM raw.orders WHERE amount > 0) o \
                  JOIN raw.customers c ON c.id = o.id \
                  INSERT OVERWRITE TABLE mart.big SELECT c.name, o.amount WHERE o.amount > 100 \
                  INSERT OVERWRITE TABLE mart.small SELECT c.name, o.amount WHERE o.amount <= 100",
            schema: &[],
            sources: &["raw.customers", "raw.orders"],
            targets: &["mart.big", "mart.small"],
            edges: &[
                "raw.customers.name -> mart.big.name",
                "raw.orders.amount -> mart.big.amount",
                "raw.customers.name -> mart.small.name",
                "raw.orders.amount -> mart.small.amount",
            ],
        },
    ]);
}

#[test]
fn fields_of_unnested_arrays_come_from_the_array_column() {
    run(&[
        Case {
            name: "unaliased UNNEST in a scalar subquery",
            dialect: "bigquery",
            sql: "SELECT o.id, (SELECT SUM(price * qty) FROM UNNEST(o.line_items)) AS total \
                  FROM shop.orders o",
            schema: &[],
            sources: &["shop.orders"],
            targets: &[],
            edges: &["shop.orders.id -> .id", "shop.orders.line_items -> .total"],
        },
        Case {
            name: "aliased UNNEST of a nested column, schema known",
            dialect: "bigquery",
            sql: "SELECT id, (SELECT MAX(li.price) FROM UNNEST(payload.items) AS li) AS top_price \
                  FROM shop.orders",
            schema: &[("shop.orders", &["id", "payload"])],
            sources: &["shop.orders"],
            targets: &[],
            edges: &["shop.orders.id -> .id", "shop.orders.payload -> .top_price"],
        },
        Case {
            name: "a field of the unnested rows beside the table's own columns",
            dialect: "bigquery",
            sql: "SELECT id, sku FROM shop.orders, UNNEST(line_items)",
            schema: &[("shop.orders", &["id", "line_items"])],
            sources: &["shop.orders"],
            targets: &[],
            edges: &["shop.orders.id -> .id", "shop.orders.line_items -> .sku"],
        },
    ]);
}

#[test]
fn redshift_exclude_after_the_select_list() {
    run(&[Case {
        name: "select-level EXCLUDE",
        dialect: "redshift",
        sql: "CREATE TABLE mart.c AS SELECT *, upper(email) AS email_uc EXCLUDE (ssn, email) \
              FROM crm.customers",
        schema: &[("crm.customers", &["id", "email", "ssn", "name"])],
        sources: &["crm.customers"],
        targets: &["mart.c"],
        edges: &[
            "crm.customers.id -> mart.c.id",
            "crm.customers.name -> mart.c.name",
            "crm.customers.email -> mart.c.email_uc",
        ],
    }]);
}

#[test]
fn count_star_follows_the_configured_convention() {
    use steward_lineage::{Conventions, CountStar, analyze_with};
    let sql = "INSERT INTO mart.daily SELECT day, COUNT(*) AS n, \
               COUNT(*) FILTER (WHERE status = 'paid') AS paid FROM shop.orders GROUP BY day";
    let edges = |count_star| -> BTreeSet<String> {
        analyze_with(sql, "postgres", &Schema::new(), Conventions { count_star })
            .unwrap()
            .edges
            .iter()
            .map(edge_text)
            .collect()
    };
    let strings = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(
        edges(CountStar::Table),
        strings(&[
            "shop.orders.day -> mart.daily.day",
            "shop.orders.* -> mart.daily.n",
            "shop.orders.* -> mart.daily.paid",
            "shop.orders.status -> mart.daily.paid",
        ])
    );
    assert_eq!(
        edges(CountStar::None),
        strings(&[
            "shop.orders.day -> mart.daily.day",
            "shop.orders.status -> mart.daily.paid",
        ])
    );
    assert_eq!("none".parse::<CountStar>(), Ok(CountStar::None));
    assert!("rows".parse::<CountStar>().is_err());
}

#[test]
fn tables_a_script_declares_are_known_to_its_later_statements() {
    run(&[Case {
        name: "EXCLUDE over a table created with its columns earlier in the script",
        dialect: "snowflake",
        sql: "CREATE TABLE crm.customers (id INT, email TEXT, ssn TEXT, name TEXT); \
              CREATE TABLE mart.c AS SELECT * EXCLUDE (ssn) FROM crm.customers",
        schema: &[],
        sources: &["crm.customers"],
        targets: &["crm.customers", "mart.c"],
        edges: &[
            "crm.customers.id -> mart.c.id",
            "crm.customers.email -> mart.c.email",
            "crm.customers.name -> mart.c.name",
        ],
    }]);
}
