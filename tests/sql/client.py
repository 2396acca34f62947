"""Real PostgreSQL clients against `steward sql serve` (scripts/sql-check).

psql (the real client, as a steward types it), psycopg 3 (the driver Python
notebooks use) and SQLAlchemy's PostgreSQL dialect reflecting the schema (what
BI tools do first), logging in with SCRAM-SHA-256 as Steward's users. Every
check names what it expected; the first failure stops the run.

    client.py scram HOST PORT   (passwords in STEWARD_SQL_VIEWER_PASSWORD and
                                 STEWARD_SQL_ADMIN_PASSWORD)
    client.py token HOST PORT   (a server with [sql] auth = "password" and TLS;
                                 the viewer's API token in STEWARD_SQL_TOKEN)
"""

import os
import subprocess
import sys
import time

import psycopg
import sqlalchemy as sa

MODE, HOST, PORT = sys.argv[1], sys.argv[2], int(sys.argv[3])
VIEWER = ("sql-viewer", os.environ["STEWARD_SQL_VIEWER_PASSWORD"])
ADMIN = ("sql-admin", os.environ["STEWARD_SQL_ADMIN_PASSWORD"])
MASKED = "‹masked"


def check(condition, what):
    if not condition:
        raise SystemExit(f"sql-check: FAILED: {what}")
    print(f"sql-check: ok: {what}")


def psql(user, *commands):
    """psql as USER running COMMANDS (each a -c), verbose errors (SQLSTATEs)."""
    name, password = user
    env = dict(os.environ, PGPASSWORD=password, PGCONNECT_TIMEOUT="10")
    args = ["psql", "-X", "-h", HOST, "-p", str(PORT), "-U", name, "-d", "steward",
            "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose", "-A", "-F", "|"]
    for c in commands:
        args += ["-c", c]
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)


def rows_of(out):
    """psql -A output without its header and row-count footer."""
    lines = [l for l in out.splitlines() if l and not l.startswith("(")]
    return [l.split("|") for l in lines[1:]]


if MODE == "token":
    token = os.environ["STEWARD_SQL_TOKEN"]
    base = f"host={HOST} port={PORT} dbname=steward user={VIEWER[0]}"
    with psycopg.connect(f"{base} password={token} sslmode=require", autocommit=True) as conn:
        check(conn.info.pgconn.ssl_in_use, "psycopg: the connection is encrypted (sslmode=require)")
        email = conn.execute("SELECT email FROM lake.customers LIMIT 1").fetchone()[0]
        check(email.startswith(MASKED), f"a token's login sees what its role sees ({email})")
    try:
        psycopg.connect(f"{base} password=stw_not_a_token sslmode=require").close()
        check(False, "a wrong token is refused")
    except psycopg.OperationalError as e:
        check("authentication failed" in str(e).lower(), f"a wrong token is refused ({e})")
    # [sql] max_sessions = 3: a fourth session is refused while three are open.
    held = [psycopg.connect(f"{base} password={token} sslmode=require") for _ in range(3)]
    try:
        psycopg.connect(f"{base} password={token} sslmode=require").close()
        check(False, "a session past max_sessions is refused")
    except psycopg.OperationalError as e:
        check("too many sql sessions" in str(e).lower(), f"a session past max_sessions is refused ({e})")
    for c in held:
        c.close()
    time.sleep(0.5)
    env = dict(os.environ, PGPASSWORD=token, PGSSLMODE="require")
    r = subprocess.run(["psql", "-X", "-h", HOST, "-p", str(PORT), "-U", VIEWER[0], "-d", "steward",
                        "-A", "-t", "-c", "SELECT count(*) FROM lake.customers"],
                       env=env, capture_output=True, text=True, timeout=60)
    check(r.returncode == 0 and int(r.stdout.strip()) > 0,
          f"psql over TLS with a token ({r.stdout}{r.stderr})")
    print("sql-check: all passed (token over TLS)")
    sys.exit(0)

# --- psql -----------------------------------------------------------------

r = psql(VIEWER, r"\dn")
check(r.returncode == 0 and "lake" in r.stdout and "steward" in r.stdout,
      f"\\dn lists the source and system schemas (rc {r.returncode}: {r.stdout}{r.stderr})")

r = psql(VIEWER, r"\dt lake.*")
check(r.returncode == 0 and "customers" in r.stdout,
      f"\\dt lake.* lists the lake's tables (rc {r.returncode}: {r.stdout}{r.stderr})")

r = psql(VIEWER, r"\d lake.customers")
check(r.returncode == 0 and "email" in r.stdout,
      f"\\d lake.customers describes its columns (rc {r.returncode}: {r.stdout}{r.stderr})")

r = psql(VIEWER, "SELECT email FROM lake.customers ORDER BY email LIMIT 5")
viewer_rows = rows_of(r.stdout)
check(r.returncode == 0 and len(viewer_rows) == 5
      and all(row[0].startswith(MASKED) for row in viewer_rows),
      f"a viewer's SELECT shows e-mail addresses masked ({r.stdout}{r.stderr})")

r = psql(ADMIN, "SELECT email FROM lake.customers ORDER BY email LIMIT 5")
admin_rows = rows_of(r.stdout)
check(r.returncode == 0 and len(admin_rows) == 5
      and all("@" in row[0] and not row[0].startswith(MASKED) for row in admin_rows),
      f"an admin allowed by [sql.masking] sees them in the clear ({r.stdout}{r.stderr})")

r = psql(VIEWER, "SELECT MAX(email) FROM lake.customers WHERE email LIKE '%@%'")
check(r.returncode == 0 and all(MASKED in c or c == "" for row in rows_of(r.stdout) for c in row),
      f"an aggregate or LIKE probe reads no value back ({r.stdout}{r.stderr})")

# A correlated subquery answers as PostgreSQL would (the catalog rewrites
# clients' bookkeeping needs are not applied to a user's query).
r = psql(VIEWER, "SELECT c.customer_id, (SELECT count(*) FROM lake.orders o "
                 "WHERE o.customer_id = c.customer_id) AS n FROM lake.customers c "
                 "WHERE c.customer_id = 1")
direct = psql(VIEWER, "SELECT count(*) FROM lake.orders WHERE customer_id = 1")
check(r.returncode == 0 and rows_of(r.stdout)[0][1] == rows_of(direct.stdout)[0][0] != "",
      f"a correlated subquery answers ({r.stdout}{r.stderr} / {direct.stdout})")

r = psql(VIEWER, "SELECT count(*) FROM steward.findings")
check(r.returncode == 0 and int(rows_of(r.stdout)[0][0]) > 0,
      f"steward.findings answers ({r.stdout}{r.stderr})")

for statement in ["CREATE TABLE lake.stolen AS SELECT * FROM lake.customers",
                  "DELETE FROM lake.customers",
                  "INSERT INTO lake.customers (email) VALUES ('x@example.org')",
                  "SET datafusion.execution.batch_size = 1"]:
    r = psql(ADMIN, statement)
    check(r.returncode != 0 and ("25006" in r.stderr or "42501" in r.stderr),
          f"`{statement}` is refused with its SQLSTATE ({r.stderr.strip()})")

r = psql(VIEWER, "SET application_name = 'notebook'", "SELECT 1 AS one")
check(r.returncode == 0 and "1" in r.stdout, f"a client setting is accepted ({r.stderr})")

r = psql((VIEWER[0], "not-the-password"), "SELECT 1")
check(r.returncode != 0 and "authentication failed" in r.stderr.lower(),
      f"a wrong password is refused ({r.stderr.strip()})")

r = psql(("nobody-here", "whatever-it-is"), "SELECT 1")
check(r.returncode != 0 and "authentication failed" in r.stderr.lower(),
      f"an unknown user is refused like a wrong password ({r.stderr.strip()})")

# --- psycopg (extended protocol, parameters) --------------------------------

dsn = f"host={HOST} port={PORT} dbname=steward user={VIEWER[0]} password={VIEWER[1]}"
with psycopg.connect(dsn, autocommit=True) as conn:
    rows = conn.execute(
        "SELECT customer_id, email FROM lake.customers WHERE customer_id <= %s ORDER BY customer_id",
        (3,),
    ).fetchall()
    check(len(rows) == 3 and all(r[1].startswith(MASKED) for r in rows),
          f"psycopg: a parameterised query, masked for a viewer ({rows})")
    n = conn.execute(
        "SELECT (SELECT count(*) FROM lake.orders o WHERE o.customer_id = c.customer_id) "
        "FROM lake.customers c WHERE c.customer_id = %s", (1,)).fetchone()[0]
    check(n is not None and n > 0, f"psycopg: a prepared correlated subquery answers ({n})")
    try:
        conn.execute("DROP TABLE lake.customers")
        check(False, "psycopg: DROP TABLE is refused")
    except psycopg.Error as e:
        check(e.sqlstate in ("25006", "42501"), f"psycopg: DROP TABLE refused with {e.sqlstate}")
    user = conn.execute("SELECT current_user").fetchone()[0]
    check(user == VIEWER[0], f"psycopg: current_user is the logged-in user ({user})")

# --- SQLAlchemy reflection (what BI tools do first) -------------------------

engine = sa.create_engine(
    f"postgresql+psycopg://{ADMIN[0]}:{ADMIN[1]}@{HOST}:{PORT}/steward")
inspector = sa.inspect(engine)
schemas = inspector.get_schema_names()
check("lake" in schemas, f"SQLAlchemy: the schemas reflect ({schemas})")
tables = inspector.get_table_names(schema="lake")
check("customers" in tables, f"SQLAlchemy: the lake's tables reflect ({tables})")
columns = [c["name"] for c in inspector.get_columns("customers", schema="lake")]
check("email" in columns, f"SQLAlchemy: a table's columns reflect ({columns})")
# A query built from what was reflected, as a BI tool builds one. (Full
# `Table(autoload_with=...)` also reflects keys through pg_constraint, which
# the catalog does not answer yet.)
customers = sa.table("customers", *[sa.column(c) for c in columns], schema="lake")
with engine.connect() as conn:
    n = conn.execute(sa.select(sa.func.count()).select_from(customers)).scalar_one()
check(n > 0, f"SQLAlchemy: a query over the reflected table ({n} rows)")

# --- every query kept as usage, with its principal --------------------------

with psycopg.connect(dsn.replace(VIEWER[0], ADMIN[0]).replace(VIEWER[1], ADMIN[1]),
                     autocommit=True) as conn:
    usage = conn.execute(
        "SELECT user_name, sql_text FROM steward.usage WHERE sql_text LIKE '%lake.customers%'"
    ).fetchall()
who = {u for u, _ in usage}
check({VIEWER[0], ADMIN[0]} <= who,
      f"usage keeps the viewer's and the admin's queries, by name ({sorted(who)})")
check(any("customer_id <= $1" in s for _, s in usage),
      "usage keeps a prepared query's text with its placeholders, not its values")
print("sql-check: all passed (SCRAM)")
