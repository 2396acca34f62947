#!/usr/bin/env python3
"""queue_peer_pgqueuer.py -- pgqueuer as the peer on Steward's job-queue benchmark.

Usage:

    bash scripts/bench/queue-peer.sh --jobs 10000 --workers 4
        # creates the venv on first use, then runs this script with it; or by hand:
    python3 -m venv $HOME/.cache/steward/venv/pgqueuer-1.6.0
    $HOME/.cache/steward/venv/pgqueuer-1.6.0/bin/pip install \\
        'pgqueuer[asyncpg]==1.6.0' 'asyncpg==0.32.0'
    $HOME/.cache/steward/venv/pgqueuer-1.6.0/bin/python \\
        scripts/bench/queue_peer_pgqueuer.py --jobs 10000 --workers 4

It is compared with `steward bench queue --jobs N --workers W` on the same PostgreSQL
(127.0.0.1:5432, user postgres, trust auth; --dsn to change) and prints one JSON line
with the same fields as Steward's report:

    {"tool": "pgqueuer", "version": "1.6.0", "backend": "postgres", "jobs", "workers",
     "enqueue_seconds", "enqueued_per_second", "drain_seconds", "jobs_per_second",
     "each_ran_once", ...extras: "batch_size", "last_job_seconds", "jobs_per_worker"}

Exit status 1 when each_ran_once is false (as `steward bench queue` fails then).

What it does, with pgqueuer's own API (pgqueuer.Queries, pgqueuer.QueueManager,
pgqueuer.db.AsyncpgDriver):

  0. Setup: creates the database `steward_bench_pgqueuer` if missing, drops pgqueuer's
     schema there if present (`Queries.uninstall`, what `pgq uninstall` runs) and installs
     it afresh (`Queries.install`, what `pgq install` runs; default durability "durable",
     i.e. every table WAL-logged). So every run starts from an empty queue and empty log.
  1. Enqueue: N no-op jobs on one connection, one `Queries.enqueue("noop", None)` call per
     job. asyncpg runs each call as its own statement in autocommit, so each job is one
     transaction -- as Steward enqueues one job per transaction. Timed as enqueue_seconds.
  2. Drain: W worker processes (multiprocessing, spawn), each with its own asyncpg
     connection and its own QueueManager, whose one entrypoint "noop" only records the
     job id. Each runs `QueueManager.run(mode=QueueExecutionMode.drain, ...)`: pgqueuer's
     built-in drain mode, which returns once no job is queued and its own in-flight jobs
     have finished. Process start-up, imports and connecting happen before a barrier;
     the clock starts when all W are connected and stops when the last worker's run()
     has returned -- by then each worker has flushed its buffered completions (the
     DELETE from the queue table plus the 'successful' log rows). drain_seconds is
     that wall time; last_job_seconds is from the same start to the last entrypoint call
     in any worker (before the final completion flush), for reference.
  3. Check: every enqueued id ran exactly once -- the ids the workers recorded number N,
     are distinct and equal the enqueued ids -- and the database agrees: the queue table
     is empty and pgqueuer_log holds for each id exactly one 'queued', one 'picked' and
     one 'successful' row (no re-pick, retry, exception or cancel), the analogue of
     Steward's "succeeded on its first attempt".

How pgqueuer's drain differs from Steward's (see also the caveats printed with --help):
a pgqueuer worker claims up to --batch-size jobs per dequeue query (pgqueuer's default,
10; `--batch-size 1` claims one at a time like Steward's workers), runs the claimed jobs
as concurrent asyncio tasks, and records completions in a buffer flushed in batches
(when batch_size completions are pending or every 0.1 s), each flush one statement that
deletes the jobs and writes their log rows. Steward's worker claims one job, runs it and
records its outcome before claiming the next.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import queue as queue_mod
import re
import sys
import time
import traceback
from collections import Counter
from datetime import timedelta

try:
    import asyncpg
    import pgqueuer
    from pgqueuer import QueueManager
    from pgqueuer.db import AsyncpgDriver
    from pgqueuer.models import Job
    from pgqueuer.queries import Queries
    from pgqueuer.domain.types import QueueExecutionMode
except ImportError as exc:  # pragma: no cover - guidance only
    sys.exit(
        f"queue_peer_pgqueuer.py: {exc}; run it with the pgqueuer venv "
        "(bash scripts/bench/queue-peer.sh ...), see the module docstring"
    )

try:
    import uvloop  # a pgqueuer dependency; `pgq run` uses it when present
except ImportError:  # pragma: no cover
    uvloop = None

ENTRYPOINT = "noop"
DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432"
DEFAULT_DATABASE = "steward_bench_pgqueuer"


def run_async(coro):
    """Run *coro* on the event loop `pgq run` would pick (uvloop when installed)."""
    if uvloop is not None:
        return uvloop.run(coro)
    return asyncio.run(coro)


def db_dsn(base: str, database: str) -> str:
    """*base* (a postgresql:// URL without a database) pointed at *database*."""
    return f"{base.rstrip('/')}/{database}"


async def prepare(base_dsn: str, database: str) -> None:
    """Create *database* if missing and (re)install pgqueuer's schema in it, empty."""
    admin = await asyncpg.connect(db_dsn(base_dsn, "postgres"))
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists:
            await admin.execute(f'CREATE DATABASE "{database}"')
    finally:
        await admin.close()

    conn = await asyncpg.connect(db_dsn(base_dsn, database))
    try:
        queries = Queries(AsyncpgDriver(conn))
        if await queries.schema_is_installed():
            await queries.uninstall()
        await queries.install()
    finally:
        await conn.close()


async def enqueue(dsn: str, jobs: int) -> tuple[list[int], float]:
    """Enqueue *jobs* no-op jobs, one enqueue call (one transaction) each."""
    conn = await asyncpg.connect(dsn)
    try:
        queries = Queries(AsyncpgDriver(conn))
        ids: list[int] = []
        started = time.perf_counter()
        for _ in range(jobs):
            ids.extend(await queries.enqueue(ENTRYPOINT, None))
        seconds = time.perf_counter() - started
    finally:
        await conn.close()
    return ids, seconds


async def consume(dsn, batch_size, dequeue_timeout, barrier, barrier_timeout) -> dict:
    """One worker: connect, wait for the others, drain the queue, report what ran."""
    conn = await asyncpg.connect(dsn)
    try:
        qm = QueueManager(Queries(AsyncpgDriver(conn)))
        ran: list[int] = []
        last = [0.0]

        @qm.entrypoint(ENTRYPOINT)
        async def noop(job: Job) -> None:
            ran.append(int(job.id))
            last[0] = time.monotonic()

        # Every worker connected and ready; the main process starts the clock here.
        barrier.wait(barrier_timeout)
        await qm.run(
            dequeue_timeout=timedelta(seconds=dequeue_timeout),
            batch_size=batch_size,
            mode=QueueExecutionMode.drain,
        )
        # CLOCK_MONOTONIC is system-wide on Linux, so comparable with the main process.
        finished = time.monotonic()
    finally:
        await conn.close()
    return {"ran": ran, "last_job": last[0], "finished": finished}


def worker_main(index, dsn, batch_size, dequeue_timeout, barrier, barrier_timeout, results):
    try:
        out = run_async(consume(dsn, batch_size, dequeue_timeout, barrier, barrier_timeout))
        results.put(("ok", index, out))
    except BaseException:  # report, then let the process fail
        results.put(("error", index, traceback.format_exc()))
        raise


async def verify_in_db(dsn: str, ids: list[int]) -> list[str]:
    """Problems found in pgqueuer's own tables after the drain (empty list: none)."""
    conn = await asyncpg.connect(dsn)
    try:
        names = Queries(AsyncpgDriver(conn)).qbe.settings.qualified
        problems = []
        left = await conn.fetchval(f"SELECT count(*) FROM {names.queue_table}")
        if left:
            problems.append(f"{left} job(s) still in {names.queue_table}")
        rows = await conn.fetch(
            f"SELECT job_id, array_agg(status::text ORDER BY status::text) AS statuses "
            f"FROM {names.queue_table_log} GROUP BY job_id"
        )
        history = {r["job_id"]: list(r["statuses"]) for r in rows}
        expected = sorted(["queued", "picked", "successful"])
        wrong = [i for i in ids if history.get(i) != expected]
        if wrong:
            sample = {i: history.get(i) for i in wrong[:5]}
            problems.append(
                f"{len(wrong)} job(s) without exactly one queued/picked/successful log row, "
                f"e.g. {sample}"
            )
        strays = set(history) - set(ids)
        if strays:
            problems.append(f"{len(strays)} logged job id(s) that were not enqueued")
        return problems
    finally:
        await conn.close()


def drain(args, dsn: str) -> tuple[list[dict], float]:
    """Start W worker processes, time the drain, return their reports and the start time."""
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(args.workers + 1)
    results = ctx.Queue()
    procs = [
        ctx.Process(
            target=worker_main,
            args=(n, dsn, args.batch_size, args.dequeue_timeout, barrier, args.timeout, results),
            name=f"pgqueuer-worker-{n}",
        )
        for n in range(args.workers)
    ]
    for p in procs:
        p.start()
    try:
        barrier.wait(args.timeout)
        started = time.monotonic()
        reports: dict[int, dict] = {}
        deadline = started + args.timeout
        while len(reports) < len(procs):
            try:
                status, index, payload = results.get(timeout=1.0)
            except queue_mod.Empty:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"drain did not finish within {args.timeout} s")
                dead = [p for p in procs if p.exitcode not in (None, 0)]
                if dead:
                    raise RuntimeError(f"worker {dead[0].name} exited with {dead[0].exitcode}")
                continue
            if status != "ok":
                raise RuntimeError(f"worker {index} failed:\n{payload}")
            reports[index] = payload
        for p in procs:
            p.join(30)
        return [reports[n] for n in range(len(procs))], started
    finally:
        for p in procs:  # only the processes started above
            if p.is_alive():
                p.terminate()
                p.join(5)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=(
            "Throughput of the pgqueuer job queue on PostgreSQL: enqueue N no-op jobs one "
            "transaction each, drain them with W worker processes, check each ran once."
        ),
        epilog=(
            "Caveat: pgqueuer claims up to --batch-size jobs per dequeue and batches its "
            "completion writes; Steward's workers claim and settle one job at a time."
        ),
    )
    parser.add_argument("--jobs", type=int, default=10000, help="no-op jobs (default 10000)")
    parser.add_argument("--workers", type=int, default=4, help="worker processes (default 4)")
    parser.add_argument(
        "--batch-size",
        type=int,
        default=10,
        help="jobs claimed per dequeue query (pgqueuer's default: 10; 1 = one at a time)",
    )
    parser.add_argument(
        "--dequeue-timeout",
        type=float,
        default=30.0,
        help="QueueManager.run dequeue_timeout in seconds (pgqueuer's default: 30)",
    )
    parser.add_argument(
        "--dsn",
        default=os.environ.get("STEWARD_BENCH_PG_DSN", DEFAULT_DSN),
        help=f"PostgreSQL URL without a database (default {DEFAULT_DSN}, "
        "or $STEWARD_BENCH_PG_DSN)",
    )
    parser.add_argument(
        "--database",
        default=DEFAULT_DATABASE,
        help=f"database to use; created if missing, its pgqueuer schema reinstalled "
        f"(default {DEFAULT_DATABASE})",
    )
    parser.add_argument(
        "--timeout", type=float, default=1800.0, help="give up after this many seconds"
    )
    args = parser.parse_args()
    if args.jobs < 1 or args.workers < 1 or args.batch_size < 1:
        parser.error("--jobs, --workers and --batch-size must be at least 1")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.database):
        parser.error("--database must be a plain lower-case identifier")

    dsn = db_dsn(args.dsn, args.database)
    run_async(prepare(args.dsn, args.database))
    ids, enqueue_seconds = run_async(enqueue(dsn, args.jobs))
    reports, started = drain(args, dsn)

    finished = max(r["finished"] for r in reports)
    last_job = max((r["last_job"] for r in reports if r["ran"]), default=started)
    drain_seconds = finished - started
    ran = [i for r in reports for i in r["ran"]]
    problems = []
    if len(ids) != args.jobs or len(set(ids)) != args.jobs:
        problems.append(f"enqueue returned {len(ids)} ids ({len(set(ids))} distinct)")
    if len(ran) != len(ids):
        problems.append(f"workers ran {len(ran)} jobs, {len(ids)} were enqueued")
    twice = [i for i, c in Counter(ran).items() if c > 1]
    if twice:
        problems.append(f"{len(twice)} job(s) ran more than once, e.g. {twice[:5]}")
    if set(ran) != set(ids):
        problems.append(f"{len(set(ids) - set(ran))} enqueued job(s) never ran")
    problems += run_async(verify_in_db(dsn, ids))
    for problem in problems:
        print(f"queue_peer_pgqueuer.py: {problem}", file=sys.stderr)

    jobs = len(ids)
    report = {
        "tool": "pgqueuer",
        "version": pgqueuer.__version__,
        "backend": "postgres",
        "jobs": jobs,
        "workers": args.workers,
        "enqueue_seconds": round(enqueue_seconds, 6),
        "enqueued_per_second": round(jobs / max(enqueue_seconds, 1e-9), 1),
        "drain_seconds": round(drain_seconds, 6),
        "jobs_per_second": round(jobs / max(drain_seconds, 1e-9), 1),
        "each_ran_once": not problems,
        "batch_size": args.batch_size,
        "last_job_seconds": round(last_job - started, 6),
        "jobs_per_worker": [len(r["ran"]) for r in reports],
    }
    print(json.dumps(report), flush=True)
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
