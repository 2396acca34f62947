"""A SQLite database of many small tables for the API load run: names and
columns drawn from a business vocabulary, ten rows each (some personal data),
so the catalog the server answers from is as large as a real warehouse's.

    python3 api_load_catalog.py DB TABLES PATHS_DIR

Writes DB, and in PATHS_DIR the request paths the load tool cycles through:
search.txt (searches by words, some misspelt) and tables.txt (table pages).
"""

import os
import random
import sqlite3
import sys

DOMAINS = ["sales", "finance", "crm", "hr", "marketing", "ops", "support", "billing",
           "logistics", "product", "risk", "web", "mobile", "partner", "legal"]
ENTITIES = ["orders", "customers", "invoices", "payments", "employees", "leads", "tickets",
            "shipments", "refunds", "accounts", "contracts", "sessions", "events", "campaigns",
            "subscriptions", "vendors", "claims", "returns", "budgets", "audits"]
COLUMNS = [("id", "INTEGER"), ("customer_email", "TEXT"), ("amount", "REAL"),
           ("created_at", "TEXT"), ("status", "TEXT"), ("country", "TEXT"),
           ("phone_number", "TEXT"), ("owner_name", "TEXT"), ("currency", "TEXT"),
           ("discount", "REAL"), ("region", "TEXT"), ("updated_at", "TEXT"),
           ("notes", "TEXT"), ("quantity", "INTEGER"), ("channel", "TEXT")]
FIRST = ["ana", "bo", "chen", "dara", "eli", "femi", "gus", "hana", "ivo", "jun"]
QUERIES = ["customer email", "invoice amount", "refunds by country", "employee phone",
           "payment status", "shipments region", "custmer emial", "subscription currency",
           "support tickets", "marketing campaigns", "where are phone numbers kept",
           "leads owner", "contract updated", "vendor notes", "claims quantity",
           "billing accounts", "risk audits", "orders discount", "web sessions channel",
           "partner payments"]


def value(name, kind, row, rng):
    if name == "customer_email":
        return f"{rng.choice(FIRST)}.{row}@example.com"
    if name == "phone_number":
        return f"+44 20 7946 {rng.randrange(10000):04d}"
    if name == "owner_name":
        return rng.choice(FIRST).title()
    if kind == "INTEGER":
        return row
    if kind == "REAL":
        return round(rng.random() * 1000, 2)
    if name.endswith("_at"):
        return f"2026-0{1 + row % 9}-1{row % 9}T10:00:00Z"
    return rng.choice(["open", "closed", "EUR", "GBP", "north", "south", "web", "store"])


def main():
    db, tables, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rng = random.Random(7)
    if os.path.exists(db):
        os.remove(db)
    con = sqlite3.connect(db)
    names = []
    for n in range(tables):
        name = f"{DOMAINS[n % len(DOMAINS)]}_{ENTITIES[(n // len(DOMAINS)) % len(ENTITIES)]}_{n:05d}"
        columns = [COLUMNS[0]] + rng.sample(COLUMNS[1:], rng.randrange(4, 10))
        con.execute(f"CREATE TABLE {name} ({', '.join(f'{c} {t}' for c, t in columns)})")
        rows = [tuple(value(c, t, r, rng) for c, t in columns) for r in range(10)]
        con.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' for _ in columns)})", rows)
        names.append(name)
    con.commit()
    con.close()
    os.makedirs(paths, exist_ok=True)
    with open(os.path.join(paths, "search.txt"), "w") as f:
        for q in QUERIES:
            f.write("/api/v1/search?q=" + q.replace(" ", "%20") + "&limit=20\n")
    with open(os.path.join(paths, "tables.txt"), "w") as f:
        for name in rng.sample(names, min(1000, len(names))):
            f.write(f"/api/v1/tables/{name}\n")


if __name__ == "__main__":
    main()
