#!/usr/bin/env python3
"""pizzeria.py -- a fourth, public-data warehouse for the Ask agent's questions.

Builds a pizza restaurant's warehouse from two public datasets shipped in the
wheel of the PyPI package `great_tables` 1.1.0: `pizzaplace` (a year, 2015,
of a pizza place's sales: 49,574 pizzas in 21,350 orders, with the menu's
sizes and prices; the package's documentation of it, in
`great_tables/data/__init__.py`, gives each pizza's full name and
ingredients) and `peeps` (one hundred fictional people in ten countries, with
addresses, e-mails, phones and birth dates). Laid out like `steward demo-data`:

  OUT/app.db             SQLite, the restaurant's operational tables:
                         pizza_types, pizzas, ingredients,
                         pizza_type_ingredients (the recipes), customers (the
                         loyalty club: the hundred peeps), employees (the US
                         peeps born before 1997), shifts, orders, order_items,
                         payments, promotions, order_promotions.
  OUT/lake/mart/*.csv    the marts, computed by running the model SQL below
                         against app.db: daily_sales, pizza_sales,
                         ingredient_demand, customer_value (carries names,
                         e-mails, phones and birth dates), staff_hours
                         (carries wages).
  OUT/models/*.sql       the dbt-style models (`{{ config(schema='mart') }}`,
                         reading the SQLite tables by bare name). Flat in
                         models/: `steward lineage ingest --models` does not
                         read sub-folders.
  OUT/query_log.jsonl    four weeks (February 2024) of queries by six users
                         and services, in the sample's fields: query_id, user,
                         sql, duration_ms, bytes_scanned, executed_at.
  OUT/.steward-pizzeria  marks the folder as ours, so a later run may replace it.

What the datasets do not say is derived from them by fixed rules (a hash of
the order number, the day of the year): each order's channel (counter, phone,
web), the loyalty member who placed it, who took it, its payment, its
promotion; the employees' jobs, hire dates and wages, and the shift roster.
Deterministic: no randomness, no clock; the same files give the same bytes
(with the same SQLite library).

usage: pizzeria.py OUT [--wheel PATH] [--cache DIR]

--wheel: the package's wheel (`great_tables-1.1.0-py3-none-any.whl`, 1.7 MB).
Without it, the files are taken from the cache (default
~/.cache/steward/bench/pizzeria), the wheel downloaded there first with
`pip download great_tables==1.1.0 --no-deps` when missing.

Python 3.11, standard library only; shares warehouse_common.py (beside it)
with the other warehouse writers.
"""
import argparse
import csv
import dataclasses
import hashlib
import json
import os
import re
import sqlite3
import sys
from datetime import date, datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warehouse_common import Dataset, two_decimals, write_marts_and_log  # noqa: E402

# Three files of one wheel, each pinned by its sha256.
SALES = Dataset(
    script="pizzeria.py",
    label="pizzeria",
    marker=".steward-pizzeria",
    package="great_tables==1.1.0",
    dist="great_tables-1.1.0-py3-none-any.whl",
    binary=True,
    member="great_tables/data/05-pizzaplace.csv",
    name="pizzaplace.csv",
    sha256="594ca293b3d7b8a3dffe1cb398836a1e6216c0b5a29c560957665ba801f002a7",
    option="--wheel",
    noun="the wheel",
    origin="great_tables/data/05-pizzaplace.csv",
)
PEOPLE = dataclasses.replace(
    SALES, member="great_tables/data/08-peeps.csv", name="peeps.csv",
    sha256="4ddd795845c24cfa4d0cdd1294d79ac1c91e9cea8a01ec639f821f5e2f464ebe",
    origin="great_tables/data/08-peeps.csv")
MENU_DOC = dataclasses.replace(
    SALES, member="great_tables/data/__init__.py", name="data_init.py",
    sha256="9044e3786ad19823feaf670218fe6a075ea722ed53d0744bb0460cda8b7393d0",
    origin="great_tables/data/__init__.py")
GENERATOR = 1

SCHEMA = """
CREATE TABLE pizza_types (
    pizza_type_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL
);
CREATE TABLE pizzas (
    pizza_id TEXT PRIMARY KEY,
    pizza_type_id TEXT NOT NULL REFERENCES pizza_types(pizza_type_id),
    size TEXT NOT NULL,
    price REAL NOT NULL
);
CREATE TABLE ingredients (
    ingredient_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE pizza_type_ingredients (
    pizza_type_id TEXT NOT NULL REFERENCES pizza_types(pizza_type_id),
    ingredient_id INTEGER NOT NULL REFERENCES ingredients(ingredient_id),
    position INTEGER NOT NULL,
    PRIMARY KEY (pizza_type_id, ingredient_id)
);
CREATE TABLE customers (
    customer_id INTEGER PRIMARY KEY,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT,
    phone_country_code TEXT,
    street_address TEXT,
    city TEXT,
    state_province TEXT,
    postcode TEXT,
    country TEXT NOT NULL,
    birth_date TEXT,
    gender TEXT,
    joined_on TEXT NOT NULL,
    marketing_opt_in TEXT NOT NULL
);
CREATE TABLE employees (
    employee_id INTEGER PRIMARY KEY,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    job_title TEXT NOT NULL,
    manager_id INTEGER REFERENCES employees(employee_id),
    hire_date TEXT NOT NULL,
    birth_date TEXT,
    email TEXT,
    phone TEXT,
    home_address TEXT,
    city TEXT,
    state TEXT,
    postcode TEXT,
    hourly_wage REAL NOT NULL
);
CREATE TABLE shifts (
    shift_id INTEGER PRIMARY KEY,
    employee_id INTEGER NOT NULL REFERENCES employees(employee_id),
    shift_date TEXT NOT NULL,
    station TEXT NOT NULL,
    clock_in TEXT NOT NULL,
    clock_out TEXT NOT NULL
);
CREATE TABLE orders (
    order_id TEXT PRIMARY KEY,
    ordered_at TEXT NOT NULL,
    channel TEXT NOT NULL,
    customer_id INTEGER REFERENCES customers(customer_id),
    taken_by INTEGER REFERENCES employees(employee_id)
);
CREATE TABLE order_items (
    order_item_id INTEGER PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders(order_id),
    pizza_id TEXT NOT NULL REFERENCES pizzas(pizza_id),
    quantity INTEGER NOT NULL,
    unit_price REAL NOT NULL
);
CREATE TABLE payments (
    payment_id INTEGER PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders(order_id),
    method TEXT NOT NULL,
    card_brand TEXT,
    card_last4 TEXT,
    amount REAL NOT NULL,
    paid_at TEXT NOT NULL
);
CREATE TABLE promotions (
    promo_code TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    percent_off INTEGER NOT NULL,
    members_only TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL
);
CREATE TABLE order_promotions (
    order_id TEXT NOT NULL REFERENCES orders(order_id),
    promo_code TEXT NOT NULL REFERENCES promotions(promo_code),
    discount REAL NOT NULL,
    PRIMARY KEY (order_id, promo_code)
);
CREATE INDEX order_items_order ON order_items(order_id);
CREATE INDEX orders_customer ON orders(customer_id);
CREATE INDEX payments_order ON payments(order_id);
CREATE INDEX shifts_employee ON shifts(employee_id);
"""

SIZES = ["S", "M", "L", "XL", "XXL"]

# The employees: the US peeps born before 1997 (one born in 2001 would have
# been 13 when the sales begin), in the file's order, with their job, manager,
# hire date and hourly wage.
STAFF = [
    # (family name, job title, manager's family name, hire date, wage)
    ("Möller", "general manager", None, "2008-03-03", 31.50),
    ("Conte", "shift manager", "Möller", "2010-09-13", 21.75),
    ("Gadbois", "shift manager", "Möller", "2012-04-02", 20.50),
    ("Borkowska", "pizzaiolo", "Conte", "2011-06-20", 17.25),
    ("Jacobs", "pizzaiolo", "Conte", "2013-02-11", 16.00),
    ("Khoury", "pizzaiolo", "Gadbois", "2014-08-04", 15.50),
    ("Dias", "cashier", "Gadbois", "2014-05-19", 12.75),
    ("Han", "cashier", "Conte", "2012-10-01", 13.50),
    ("Bartůněk", "cashier", "Gadbois", "2014-11-17", 12.50),
]
# The roster: two shifts a day, (clock-in, clock-out); who works them turns
# with the day of the year.
LUNCH = ("09:30:00", "16:30:00")
EVENING = ("16:30:00", "23:30:00")

PROMOTIONS = [
    ("WINTERWARM15", "15% off online and phone orders through the winter", 15, "N", "2015-01-05", "2015-02-28"),
    ("CLUB10", "10% off for loyalty-club members, all year", 10, "Y", "2015-01-01", "2015-12-31"),
    ("SUMMERSLICE", "20% off web orders in the summer holidays", 20, "N", "2015-07-01", "2015-08-31"),
    ("BLACKFRIDAY25", "25% off every order over the Black Friday weekend", 25, "N", "2015-11-27", "2015-11-29"),
]

# The models: what builds the marts. The CSVs are these queries' results, so
# the SQL is the lineage truth.
MODELS = [
    ("daily_sales", """\
-- Orders, pizzas and takings per trading day, for the owner's dashboard.
{{ config(materialized='table', schema='mart') }}

select
    date(o.ordered_at) as sales_date,
    count(distinct o.order_id) as orders,
    sum(i.quantity) as pizzas,
    round(sum(i.quantity * i.unit_price), 2) as gross_sales
from orders o
join order_items i on i.order_id = o.order_id
group by date(o.ordered_at)
order by sales_date
"""),
    ("pizza_sales", """\
-- Pizzas sold and revenue per pizza on the menu, for the menu review.
{{ config(materialized='table', schema='mart') }}

select
    t.pizza_type_id,
    t.name as pizza_name,
    t.category,
    sum(i.quantity) as pizzas_sold,
    round(sum(i.quantity * i.unit_price), 2) as revenue
from order_items i
join pizzas p on p.pizza_id = i.pizza_id
join pizza_types t on t.pizza_type_id = p.pizza_type_id
group by t.pizza_type_id, t.name, t.category
order by revenue desc, t.pizza_type_id
"""),
    ("ingredient_demand", """\
-- How many pizzas each ingredient went into, for purchasing.
{{ config(materialized='table', schema='mart') }}

select
    g.name as ingredient,
    count(distinct r.pizza_type_id) as pizza_types,
    sum(i.quantity) as pizzas_made
from ingredients g
join pizza_type_ingredients r on r.ingredient_id = g.ingredient_id
join pizzas p on p.pizza_type_id = r.pizza_type_id
join order_items i on i.pizza_id = p.pizza_id
group by g.name
order by pizzas_made desc, ingredient
"""),
    ("customer_value", """\
-- What each loyalty-club member has paid us, for the CRM team.
-- Carries names, e-mails, phone numbers and dates of birth.
{{ config(materialized='table', schema='mart') }}

select
    c.customer_id,
    c.first_name || ' ' || c.last_name as full_name,
    c.email,
    c.phone,
    c.country,
    c.birth_date,
    count(o.order_id) as orders,
    round(sum(pm.amount), 2) as total_paid,
    min(o.ordered_at) as first_order_at,
    max(o.ordered_at) as last_order_at
from customers c
join orders o on o.customer_id = c.customer_id
join payments pm on pm.order_id = o.order_id
group by c.customer_id, c.first_name, c.last_name, c.email, c.phone, c.country, c.birth_date
order by total_paid desc, c.customer_id
"""),
    ("staff_hours", """\
-- Rostered hours and gross pay per employee in 2015, for payroll.
{{ config(materialized='table', schema='mart') }}

select
    e.employee_id,
    e.first_name || ' ' || e.last_name as employee_name,
    e.job_title,
    e.hourly_wage,
    count(s.shift_id) as shifts,
    round(sum(strftime('%s', s.clock_out) - strftime('%s', s.clock_in)) / 3600.0, 2) as hours_worked,
    round(sum(strftime('%s', s.clock_out) - strftime('%s', s.clock_in)) / 3600.0 * e.hourly_wage, 2) as gross_pay
from employees e
join shifts s on s.employee_id = e.employee_id
group by e.employee_id, e.first_name, e.last_name, e.job_title, e.hourly_wage
order by e.employee_id
"""),
]

# February 2024 (1 Feb is a Thursday; weekends: 3-4, 10-11, 17-18, 24-25).
LOG_START = datetime(2024, 2, 1, tzinfo=timezone.utc)

# The till dashboard re-reads every order line with its order each night and
# on demand (what a cost report should catch).
TILL_DASHBOARD = ("SELECT o.order_id, o.ordered_at, o.channel, i.pizza_id, i.quantity, i.unit_price "
                  "FROM order_items i JOIN orders o ON o.order_id = i.order_id ORDER BY o.ordered_at")
MEMBER_LOOKUP = ("SELECT customer_id, first_name, last_name, email, phone, marketing_opt_in "
                 "FROM customers WHERE email = ?")
PAYROLL_EXPORT = ("SELECT e.employee_id, e.first_name, e.last_name, e.hourly_wage, s.shift_date, s.clock_in, "
                  "s.clock_out FROM shifts s JOIN employees e ON e.employee_id = s.employee_id "
                  "WHERE s.shift_date >= date('2015-12-31', '-7 days')")

# (day of February, "HH:MM:SS", user, bytes scanned, sql)
QUERIES = [
    # finance: takings, payments and discounts, office hours.
    (1, "09:14:22", "priya.nair", 14_000, "SELECT sales_date, orders, gross_sales FROM mart.daily_sales WHERE sales_date >= '2015-12-01' ORDER BY sales_date"),
    (2, "10:41:05", "priya.nair", 1_150_000, "SELECT method, COUNT(*) AS payments, SUM(amount) AS taken FROM payments GROUP BY method ORDER BY taken DESC"),
    (6, "14:03:47", "priya.nair", 1_150_000, "SELECT card_brand, COUNT(*) AS payments, SUM(amount) AS taken FROM payments WHERE method = 'card' GROUP BY card_brand"),
    (8, "11:27:30", "priya.nair", 14_000, "SELECT strftime('%m', sales_date) AS month, SUM(gross_sales) AS sales, SUM(orders) AS orders FROM mart.daily_sales GROUP BY month ORDER BY month"),
    (13, "15:36:12", "priya.nair", 390_000, "SELECT op.promo_code, p.percent_off, COUNT(*) AS orders, SUM(op.discount) AS discounts FROM order_promotions op JOIN promotions p ON p.promo_code = op.promo_code GROUP BY op.promo_code, p.percent_off ORDER BY discounts DESC"),
    (15, "09:52:40", "priya.nair", 2_050_000, "SELECT o.order_id, SUM(i.quantity * i.unit_price) AS billed, pm.amount FROM orders o JOIN order_items i ON i.order_id = o.order_id JOIN payments pm ON pm.order_id = o.order_id GROUP BY o.order_id, pm.amount HAVING ABS(billed - pm.amount) > 0.005 LIMIT 100"),
    (20, "13:18:09", "priya.nair", 14_000, "SELECT sales_date, gross_sales FROM mart.daily_sales ORDER BY gross_sales DESC LIMIT 10"),
    (22, "10:05:51", "priya.nair", 1_150_000, "SELECT date(paid_at) AS day, SUM(amount) AS taken FROM payments WHERE method = 'cash' GROUP BY day ORDER BY day"),
    (27, "16:22:33", "priya.nair", 96_000, "SELECT promo_code, description, percent_off, starts_on, ends_on FROM promotions ORDER BY starts_on"),
    # the menu and purchasing: pizzas, recipes, the menu marts.
    (1, "11:02:15", "owen.fitzgerald", 3_400, "SELECT pizza_type_id, pizza_name, category, pizzas_sold, revenue FROM mart.pizza_sales ORDER BY pizzas_sold DESC"),
    (5, "10:19:58", "owen.fitzgerald", 4_100, "SELECT ingredient, pizza_types, pizzas_made FROM mart.ingredient_demand ORDER BY pizzas_made DESC LIMIT 20"),
    (7, "14:44:26", "owen.fitzgerald", 6_800, "SELECT p.pizza_id, t.name, p.size, p.price FROM pizzas p JOIN pizza_types t ON t.pizza_type_id = p.pizza_type_id ORDER BY t.name, p.price"),
    (12, "09:37:03", "owen.fitzgerald", 1_600_000, "SELECT p.size, SUM(i.quantity) AS pizzas FROM order_items i JOIN pizzas p ON p.pizza_id = i.pizza_id GROUP BY p.size ORDER BY pizzas DESC"),
    (14, "11:48:19", "owen.fitzgerald", 3_400, "SELECT category, SUM(revenue) AS revenue FROM mart.pizza_sales GROUP BY category ORDER BY revenue DESC"),
    (19, "15:10:44", "owen.fitzgerald", 2_900, "SELECT ingredient_id, name FROM ingredients WHERE name LIKE '%Cheese%' ORDER BY name"),
    (21, "10:33:37", "owen.fitzgerald", 4_100, "SELECT ingredient, pizzas_made FROM mart.ingredient_demand WHERE pizza_types = 1 ORDER BY pizzas_made"),
    (26, "13:57:21", "owen.fitzgerald", 1_600_000, "SELECT i.pizza_id, SUM(i.quantity) AS sold FROM order_items i GROUP BY i.pizza_id ORDER BY sold LIMIT 10"),
    # CRM: the loyalty club, campaigns; once late on a Sunday evening.
    (2, "15:11:48", "sofia.marchetti", 9_200, "SELECT full_name, email, country, total_paid FROM mart.customer_value ORDER BY total_paid DESC LIMIT 25"),
    (6, "10:26:31", "sofia.marchetti", 21_000, "SELECT customer_id, first_name, email, country FROM customers WHERE marketing_opt_in = 'Y' ORDER BY country"),
    (9, "16:40:02", "sofia.marchetti", 9_200, "SELECT country, COUNT(*) AS members, AVG(total_paid) AS avg_paid FROM mart.customer_value GROUP BY country ORDER BY members DESC"),
    (11, "22:47:15", "sofia.marchetti", 21_000, "SELECT first_name, last_name, email, phone, birth_date FROM customers WHERE strftime('%m', birth_date) = '03'"),
    (16, "11:15:54", "sofia.marchetti", 9_200, "SELECT full_name, email, last_order_at FROM mart.customer_value WHERE last_order_at < '2015-12-15' ORDER BY last_order_at"),
    (23, "14:29:08", "sofia.marchetti", 980_000, "SELECT o.channel, COUNT(*) AS orders, COUNT(o.customer_id) AS member_orders FROM orders o GROUP BY o.channel"),
    (28, "09:58:47", "sofia.marchetti", 21_000, "SELECT joined_on, first_name, last_name, city, country FROM customers WHERE joined_on >= '2014-09-01' ORDER BY joined_on"),
    # the loyalty app: one member at a time, at any hour.
    (3, "21:12:05", "loyalty_app", 1_900, MEMBER_LOOKUP.replace("?", "'rcconte@example.com'")),
    (5, "02:48:33", "loyalty_app", 1_900, MEMBER_LOOKUP.replace("?", "'milla_c@example.com'")),
    (10, "12:31:17", "loyalty_app", 1_900, MEMBER_LOOKUP.replace("?", "'eva_simpson@example.com'")),
    (14, "03:05:49", "loyalty_app", 1_900, MEMBER_LOOKUP.replace("?", "'leojacobs@example.com'")),
    (17, "19:40:26", "loyalty_app", 1_900, MEMBER_LOOKUP.replace("?", "'mbates88@example.com'")),
    (24, "01:22:58", "loyalty_app", 1_900, MEMBER_LOOKUP.replace("?", "'alannahstead@example.com'")),
    (18, "20:06:14", "loyalty_app", 24_000, "SELECT o.order_id, o.ordered_at, pm.amount FROM orders o JOIN payments pm ON pm.order_id = o.order_id WHERE o.customer_id = 17 ORDER BY o.ordered_at DESC LIMIT 10"),
    (25, "00:37:41", "loyalty_app", 24_000, "SELECT o.order_id, o.ordered_at, pm.amount FROM orders o JOIN payments pm ON pm.order_id = o.order_id WHERE o.customer_id = 42 ORDER BY o.ordered_at DESC LIMIT 10"),
    # payroll: the weekly export in the small hours of Friday, and the
    # hours mart.
    (2, "01:30:04", "payroll_export", 210_000, PAYROLL_EXPORT),
    (9, "01:30:06", "payroll_export", 210_000, PAYROLL_EXPORT),
    (16, "01:30:05", "payroll_export", 210_000, PAYROLL_EXPORT),
    (23, "01:30:07", "payroll_export", 210_000, PAYROLL_EXPORT),
    (2, "01:31:12", "payroll_export", 1_200, "SELECT employee_id, employee_name, job_title, hourly_wage, hours_worked, gross_pay FROM mart.staff_hours"),
    (16, "01:31:10", "payroll_export", 1_200, "SELECT employee_id, employee_name, job_title, hourly_wage, hours_worked, gross_pay FROM mart.staff_hours"),
    (12, "10:14:50", "payroll_export", 2_700, "SELECT employee_id, first_name, last_name, birth_date, home_address, city, state, postcode, phone FROM employees"),
    # the till dashboard: every night at 04:00, and twice on demand.
    (1, "04:00:05", "till_dashboard", 6_300_000, TILL_DASHBOARD),
    (3, "04:00:06", "till_dashboard", 6_300_000, TILL_DASHBOARD),
    (5, "04:00:04", "till_dashboard", 6_300_000, TILL_DASHBOARD),
    (7, "04:00:07", "till_dashboard", 6_300_000, TILL_DASHBOARD),
    (9, "04:00:05", "till_dashboard", 6_300_000, TILL_DASHBOARD),
    (12, "04:00:06", "till_dashboard", 6_300_000, TILL_DASHBOARD),
    (13, "12:20:41", "till_dashboard", 6_300_000, TILL_DASHBOARD),
    (15, "04:00:05", "till_dashboard", 6_300_000, TILL_DASHBOARD),
    (18, "04:00:04", "till_dashboard", 6_300_000, TILL_DASHBOARD),
    (20, "04:00:07", "till_dashboard", 6_300_000, TILL_DASHBOARD),
    (22, "04:00:06", "till_dashboard", 6_300_000, TILL_DASHBOARD),
    (24, "17:45:19", "till_dashboard", 6_300_000, TILL_DASHBOARD),
    (26, "04:00:05", "till_dashboard", 6_300_000, TILL_DASHBOARD),
    (28, "04:00:06", "till_dashboard", 6_300_000, TILL_DASHBOARD),
    (4, "04:12:33", "till_dashboard", 14_000, "SELECT sales_date, orders, pizzas, gross_sales FROM mart.daily_sales ORDER BY sales_date DESC LIMIT 7"),
    (11, "04:12:31", "till_dashboard", 14_000, "SELECT sales_date, orders, pizzas, gross_sales FROM mart.daily_sales ORDER BY sales_date DESC LIMIT 7"),
    (18, "04:12:35", "till_dashboard", 14_000, "SELECT sales_date, orders, pizzas, gross_sales FROM mart.daily_sales ORDER BY sales_date DESC LIMIT 7"),
    (25, "04:12:32", "till_dashboard", 14_000, "SELECT sales_date, orders, pizzas, gross_sales FROM mart.daily_sales ORDER BY sales_date DESC LIMIT 7"),
]


def unit(salt, n):
    """A fixed number in [0, 1) for (salt, n): the 'random' choices, reproducible anywhere."""
    digest = hashlib.sha256(f"{salt}:{n}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_menu(doc):
    """{short name: (full name, [ingredients])} from the pizzaplace documentation."""
    with open(doc, encoding="utf-8") as f:
        text = f.read()
    start = text.index('pizzaplace.__doc__ = """')
    text = text[start:text.index('"""', start + 24)]
    entries = re.split(r"\n- ", text)
    menu = {}
    for entry in entries[1:]:
        entry = entry.split("\n\n")[0]  # the section's last pizza runs into the next heading
        m = re.match(r'`"(\w+)"`: (.+?) \((.+)\)$', " ".join(entry.split()))
        if not m:
            continue
        ingredients = [re.sub(r"^and ", "", part.strip()) for part in m.group(3).split(",")]
        menu[m.group(1)] = (m.group(2), ingredients)
    return menu


def add_minutes(stamp, minutes):
    at = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S") + timedelta(minutes=minutes)
    return at.strftime("%Y-%m-%d %H:%M:%S")


def write_db(path, sales_csv, peeps_csv, menu_doc):
    sales = read_csv(sales_csv)
    peeps = read_csv(peeps_csv)
    menu = read_menu(menu_doc)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.executescript(SCHEMA)
    rows = {}

    def insert(table, names, values):
        if not values:
            SALES.fail(f"no rows for {table}")
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        conn.executemany(sql, values)
        rows[table] = len(values)

    # The menu: pizza types (the category is the sales' `type`), sizes and
    # prices as sold, recipes as documented.
    categories, prices = {}, {}
    for r in sales:
        categories.setdefault(r["name"], r["type"])
        key = (r["name"], r["size"])
        price = float(r["price"])
        if prices.setdefault(key, price) != price:
            SALES.fail(f"{sales_csv}: two prices for {key}")
    if set(categories) != set(menu):
        SALES.fail(f"{menu_doc}: documents {sorted(set(menu) ^ set(categories))} differently from the sales")
    types = sorted(categories)
    insert("pizza_types", ["pizza_type_id", "name", "category"],
           [(t, menu[t][0], categories[t]) for t in types])
    insert("pizzas", ["pizza_id", "pizza_type_id", "size", "price"],
           [(f"{t}_{s.lower()}", t, s, prices[(t, s)])
            for t in types for s in SIZES if (t, s) in prices])
    names = sorted({g for t in types for g in menu[t][1]})
    ingredient_id = {g: i for i, g in enumerate(names, start=1)}
    insert("ingredients", ["ingredient_id", "name"], [(i, g) for g, i in ingredient_id.items()])
    insert("pizza_type_ingredients", ["pizza_type_id", "ingredient_id", "position"],
           [(t, ingredient_id[g], k) for t in types for k, g in enumerate(menu[t][1], start=1)])

    # The loyalty club: every peep, in the file's order.
    customers = []
    for i, p in enumerate(peeps, start=1):
        joined = date(2013, 6, 3) + timedelta(days=int(unit("joined", i) * 570))
        customers.append((
            i, p["name_given"], p["name_family"], p["email_addr"], p["phone_number"],
            p["country_code"], p["address"], p["city"], p["state_prov"] or None, p["postcode"],
            p["country"], p["dob"], p["gender"], joined.isoformat(),
            "Y" if unit("opt_in", i) < 0.55 else "N"))
    insert("customers", [
        "customer_id", "first_name", "last_name", "email", "phone", "phone_country_code",
        "street_address", "city", "state_province", "postcode", "country", "birth_date",
        "gender", "joined_on", "marketing_opt_in"], customers)

    # The staff.
    us = {p["name_family"]: p for p in peeps if p["country"] == "USA" and p["dob"] < "1997-01-01"}
    if set(us) != {s[0] for s in STAFF}:
        PEOPLE.fail(f"{peeps_csv}: the US people born before 1997 are not the expected nine")
    employee_id = {s[0]: i for i, s in enumerate(STAFF, start=1)}
    insert("employees", [
        "employee_id", "first_name", "last_name", "job_title", "manager_id", "hire_date",
        "birth_date", "email", "phone", "home_address", "city", "state", "postcode", "hourly_wage"],
        [(employee_id[family], us[family]["name_given"], family, title,
          employee_id.get(manager), hired, us[family]["dob"], us[family]["email_addr"],
          us[family]["phone_number"], us[family]["address"], us[family]["city"],
          us[family]["state_prov"], us[family]["postcode"], wage)
         for family, title, manager, hired, wage in STAFF])
    by_job = {}
    for family, title, _, _, _ in STAFF:
        by_job.setdefault(title, []).append(employee_id[family])
    managers, cooks, cashiers = by_job["shift manager"], by_job["pizzaiolo"], by_job["cashier"]

    # The roster, on the days the place sold anything.
    days = sorted({r["date"] for r in sales})
    shifts, on_duty = [], {}
    for day in days:
        d = date.fromisoformat(day).timetuple().tm_yday
        crew = {
            "lunch": [("manager", managers[d % 2]), ("kitchen", cooks[d % 3]), ("counter", cashiers[d % 3])],
            "evening": [("manager", managers[(d + 1) % 2]), ("kitchen", cooks[(d + 1) % 3]),
                        ("kitchen", cooks[(d + 2) % 3]), ("counter", cashiers[(d + 1) % 3])],
        }
        for part, (start, end) in (("lunch", LUNCH), ("evening", EVENING)):
            for station, who in crew[part]:
                shifts.append((len(shifts) + 1, who, day, station, f"{day} {start}", f"{day} {end}"))
            on_duty[(day, part)] = dict((s, w) for s, w in reversed(crew[part]))
    insert("shifts", ["shift_id", "employee_id", "shift_date", "station", "clock_in", "clock_out"], shifts)

    # Orders, their lines (one pizza a row in the sales: the same pizza
    # twice in an order is one line of quantity 2), payments, promotions.
    lines, order_rows = {}, {}
    for r in sales:
        order_rows.setdefault(r["id"], f"{r['date']} {r['time']}")
        key = (r["id"], f"{r['name']}_{r['size'].lower()}")
        lines[key] = lines.get(key, 0) + 1
    totals = {}
    for (order, pizza), qty in lines.items():
        totals[order] = totals.get(order, 0.0) + qty * prices[(pizza.rsplit("_", 1)[0], pizza.rsplit("_", 1)[1].upper())]
    orders, payments, applied = [], [], []
    promos = {p[0]: p for p in PROMOTIONS}
    for order, at in order_rows.items():
        n = int(order.split("-")[1])
        day, hms = at.split(" ")
        u = unit("channel", n)
        channel = "counter" if u < 0.55 else "phone" if u < 0.78 else "web"
        member_share = {"counter": 0.15, "phone": 0.4, "web": 1.0}[channel]
        customer = 1 + int(100 * unit("member", n) ** 1.3) if unit("is_member", n) < member_share else None
        part = "lunch" if hms < LUNCH[1] else "evening"
        taken_by = {"counter": on_duty[(day, part)]["counter"],
                    "phone": on_duty[(day, part)]["manager"], "web": None}[channel]
        orders.append((order, at, channel, customer, taken_by))

        total = round(totals[order], 2)
        promo = None
        for code, _, pct, members_only, starts, ends in PROMOTIONS:
            if not starts <= day <= ends or (members_only == "Y" and customer is None):
                continue
            if code == "WINTERWARM15" and channel != "counter" and unit("winter", n) < 0.35:
                promo = code
            elif code == "CLUB10" and unit("club", n) < 0.12:
                promo = code
            elif code == "SUMMERSLICE" and channel == "web" and unit("summer", n) < 0.5:
                promo = code
            elif code == "BLACKFRIDAY25":
                promo = code
            if promo:
                break
        discount = round(total * promos[promo][2] / 100, 2) if promo else 0.0
        if promo:
            applied.append((order, promo, discount))

        u = unit("method", n)
        if channel == "web":
            method = "card" if u < 0.85 else "gift_card"
        elif channel == "phone":
            method = "card" if u < 0.5 else "cash"
        else:
            method = "card" if u < 0.55 else "cash" if u < 0.95 else "gift_card"
        brand = last4 = None
        if method == "card":
            b = unit("brand", n)
            brand = "visa" if b < 0.55 else "mastercard" if b < 0.9 else "amex"
            last4 = f"{int(unit('last4', n) * 10_000):04d}"
        paid_at = add_minutes(at, 1 + int(unit("paid", n) * (3 if channel == "counter" else 40)))
        payments.append((len(payments) + 1, order, method, brand, last4, round(total - discount, 2), paid_at))
    insert("orders", ["order_id", "ordered_at", "channel", "customer_id", "taken_by"], orders)
    insert("order_items", ["order_item_id", "order_id", "pizza_id", "quantity", "unit_price"],
           [(i, order, pizza, qty, prices[(pizza.rsplit("_", 1)[0], pizza.rsplit("_", 1)[1].upper())])
            for i, ((order, pizza), qty) in enumerate(lines.items(), start=1)])
    insert("payments", ["payment_id", "order_id", "method", "card_brand", "card_last4", "amount", "paid_at"],
           payments)
    insert("promotions", ["promo_code", "description", "percent_off", "members_only", "starts_on", "ends_on"],
           PROMOTIONS)
    insert("order_promotions", ["order_id", "promo_code", "discount"], applied)
    conn.commit()
    return conn, rows


def main(argv):
    p = argparse.ArgumentParser(description="Write the pizzeria warehouse for the agent bench.")
    p.add_argument("out", help="the warehouse folder (created; a previous one is replaced)")
    p.add_argument("--wheel", help="the great_tables 1.1.0 wheel")
    p.add_argument("--cache", default=os.path.join(os.path.expanduser("~"), ".cache", "steward", "bench", "pizzeria"),
                   help="where the downloaded wheel and its data files are kept")
    args = p.parse_args(argv)
    files = [d.locate(args.wheel, args.cache) for d in (SALES, PEOPLE, MENU_DOC)]
    out = args.out
    SALES.prepare(out)
    with open(os.path.join(out, SALES.marker), "w") as f:
        f.write(json.dumps({"generator": GENERATOR, "sha256": [d.sha256 for d in (SALES, PEOPLE, MENU_DOC)]}) + "\n")
    conn, rows = write_db(os.path.join(out, "app.db"), *files)
    derived = write_marts_and_log(out, conn, MODELS, two_decimals, QUERIES, LOG_START)
    print(json.dumps({"root": out, "tables": rows, **derived}))


if __name__ == "__main__":
    main(sys.argv[1:])
