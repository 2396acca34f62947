#!/usr/bin/env python3
"""The search benchmark's peer: SQLite FTS5 (bm25) over the same generated catalog
and the same 200 queries that `steward bench search --dump DIR` writes.

usage: fts5_search.py DIR [--passes 3]

DIR/docs.jsonl     one catalog document a line (id, kind, name, labels, description, ...)
DIR/queries.jsonl  one query a line (kind, text, filters: [[name, value], ...])

FTS5 is configured as an engineer would for this: the porter stemmer over
unicode61 (which splits on `_` and `.`), columns weighted like Steward's fields
(name 4, labels 2, description 1, context 0.5) in bm25, facets as plain columns in
the WHERE clause. FTS5 has no typo tolerance; typo queries run as written. The
index is built in one transaction in a file in DIR; build rate, file size and
p50/p99 query latency (after a warm-up pass) are reported.
"""
import argparse
import json
import os
import re
import sqlite3
import statistics
import time

QUESTION_WORDS = set("""a about all an and any are as at be by can do does find for from get have how
i in is it keep kept list me my of on or our show store stored that the their there these this to us
we what when where which who whose with""".split())


def words(text):
    return [w for w in re.split(r"[^0-9A-Za-z]+", text.lower()) if w]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--passes", type=int, default=3)
    a = ap.parse_args()
    docs = [json.loads(l) for l in open(os.path.join(a.dir, "docs.jsonl"))]
    queries = [json.loads(l) for l in open(os.path.join(a.dir, "queries.jsonl"))]
    path = os.path.join(a.dir, "fts5.db")
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, name, labels, description, context,"
        " kind UNINDEXED, source UNINDEXED, schema UNINDEXED, label UNINDEXED,"
        " tokenize='porter unicode61')"
    )
    started = time.perf_counter()
    rows = []
    for d in docs:
        context = " ".join(
            [x for x in [d.get("table"), d.get("source"), d.get("schema"), d.get("data_type")] if x]
            + d.get("owners", []) + d.get("columns", []) + d.get("upstream", []) + d.get("downstream", [])
        )
        labels = d.get("labels", [])
        rows.append((d["id"], d["name"], " ".join(labels), d.get("description") or "", context,
                     d.get("kind") or "", d.get("source") or "", d.get("schema") or "",
                     " ".join(l.split(" ")[0].lower() for l in labels)))
    with db:
        db.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?)", rows)
    build = time.perf_counter() - started
    size = os.path.getsize(path)

    def run(q):
        terms = [w for w in words(q["text"]) if w not in QUESTION_WORDS] or words(q["text"])
        where, params = [], []
        if terms:
            where.append("docs MATCH ?")
            params.append(" OR ".join('"%s"' % t for t in terms))
        for name, value in q["filters"]:
            if name == "label":
                where.append("(' ' || label || ' ') LIKE ?")
                params.append("%% %s %%" % value.lower())
            else:
                where.append("%s = ?" % name)
                params.append(value)
        sql = "SELECT id, name, snippet(docs, 3, '[', ']', '…', 8) FROM docs"
        if where:
            sql += " WHERE " + " AND ".join(where)
        if terms:
            sql += " ORDER BY bm25(docs, 0, 4.0, 2.0, 1.0, 0.5)"
        sql += " LIMIT 10"
        return db.execute(sql, params).fetchall()

    for q in queries:
        run(q)
    times, kinds, empty = [], {}, 0
    for p in range(a.passes):
        for q in queries:
            t = time.perf_counter()
            found = run(q)
            ms = (time.perf_counter() - t) * 1000
            times.append(ms)
            kinds.setdefault(q["kind"], []).append(ms)
            if p == 0 and not found:
                empty += 1

    def pct(xs, p):
        xs = sorted(xs)
        return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]

    print(json.dumps({
        "tool": "sqlite-fts5", "sqlite": sqlite3.sqlite_version, "documents": len(docs),
        "build_seconds": round(build, 2), "documents_per_second": round(len(docs) / build),
        "index_bytes": size, "p50_ms": round(pct(times, 50), 3), "p99_ms": round(pct(times, 99), 3),
        "max_ms": round(max(times), 3), "empty_results": empty,
        "by_kind": {k: [round(pct(v, 50), 3), round(pct(v, 99), 3)] for k, v in sorted(kinds.items())},
    }))


if __name__ == "__main__":
    main()
