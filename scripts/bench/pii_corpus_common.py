"""
pii_corpus_common.py -- what the two held-out PII corpus generators share.

Used by scripts/bench/pii_holdout.py (Faker) and scripts/bench/pii_holdout_mimesis.py (mimesis),
each run in its own venv; they import this module from their own folder, so it must stay
standard-library only.

Label set and crosswalk, the checksums and validators of the checksummed ids, the generators of
those ids, the column planning / naming / filling steps of a table, and the writing of the
tables, labels.json and labels.csv.

Determinism: every function that takes `rng` draws from it in a fixed order, and the corpora
(byte for byte) depend on that order. A change that adds, drops or reorders a draw changes
both corpora.
"""
import argparse
import csv
import hashlib
import ipaddress
import json
import os
import platform
import re
import sys
from collections import Counter
from datetime import date

REF_DATE = date(2025, 1, 1)

LABELS = ["ABA_ROUTING_NUMBER", "CREDIT_CARD", "DATE_OF_BIRTH", "EMAIL_ADDRESS", "IBAN_CODE",
          "IP_ADDRESS", "MAC_ADDRESS", "PERSON", "PHONE_NUMBER", "POSTAL_CODE", "STREET_ADDRESS",
          "UK_NINO", "US_PASSPORT", "US_SSN", "NONE"]
FAMILY = {"EMAIL_ADDRESS": "CONTACT", "PHONE_NUMBER": "CONTACT", "PERSON": "NAME",
          "STREET_ADDRESS": "LOCATION", "POSTAL_CODE": "LOCATION", "DATE_OF_BIRTH": "DATE",
          "CREDIT_CARD": "FINANCIAL", "IBAN_CODE": "FINANCIAL", "ABA_ROUTING_NUMBER": "FINANCIAL",
          "US_SSN": "GOV_ID", "US_PASSPORT": "GOV_ID", "UK_NINO": "GOV_ID",
          "IP_ADDRESS": "NETWORK", "MAC_ADDRESS": "NETWORK", "NONE": "NONE"}
CROSSWALK = {
    "EMAIL_ADDRESS": {"presidio": "EMAIL_ADDRESS", "gcp_dlp": "EMAIL_ADDRESS", "aws_macie": None},
    "PHONE_NUMBER": {"presidio": "PHONE_NUMBER", "gcp_dlp": "PHONE_NUMBER", "aws_macie": "PHONE_NUMBER (+country variants)"},
    "PERSON": {"presidio": "PERSON", "gcp_dlp": "PERSON_NAME|FIRST_NAME|LAST_NAME", "aws_macie": "NAME (full names only)"},
    "STREET_ADDRESS": {"presidio": "LOCATION (NER only)", "gcp_dlp": "STREET_ADDRESS", "aws_macie": "ADDRESS"},
    "POSTAL_CODE": {"presidio": None, "gcp_dlp": None, "aws_macie": None},
    "DATE_OF_BIRTH": {"presidio": "DATE_TIME", "gcp_dlp": "DATE_OF_BIRTH", "aws_macie": "DATE_OF_BIRTH"},
    "CREDIT_CARD": {"presidio": "CREDIT_CARD", "gcp_dlp": "CREDIT_CARD_NUMBER", "aws_macie": "CREDIT_CARD_NUMBER"},
    "US_SSN": {"presidio": "US_SSN", "gcp_dlp": "US_SOCIAL_SECURITY_NUMBER", "aws_macie": "USA_SOCIAL_SECURITY_NUMBER"},
    "IBAN_CODE": {"presidio": "IBAN_CODE", "gcp_dlp": "IBAN_CODE", "aws_macie": "BANK_ACCOUNT_NUMBER (country variants)"},
    "IP_ADDRESS": {"presidio": "IP_ADDRESS", "gcp_dlp": "IP_ADDRESS", "aws_macie": None},
    "MAC_ADDRESS": {"presidio": "MAC_ADDRESS", "gcp_dlp": "MAC_ADDRESS", "aws_macie": None},
    "US_PASSPORT": {"presidio": "US_PASSPORT", "gcp_dlp": "US_PASSPORT", "aws_macie": "USA_PASSPORT_NUMBER"},
    "UK_NINO": {"presidio": "UK_NINO", "gcp_dlp": "UK_NATIONAL_INSURANCE_NUMBER", "aws_macie": "UK_NATIONAL_INSURANCE_NUMBER"},
    "ABA_ROUTING_NUMBER": {"presidio": "ABA_ROUTING_NUMBER (disabled by default)", "gcp_dlp": "US_BANK_ROUTING_MICR", "aws_macie": None},
}

THEMES = ["customers", "orders", "employees", "payments", "devices", "support", "suppliers", "patients", "web_sessions", "bookings"]
GENERIC_BOOLS = [("true", "false"), ("1", "0"), ("TRUE", "FALSE")]
OPAQUE_PATTERNS = ["col_{:02d}", "col_{:02d}", "col_{:02d}", "c{}", "field_{}", "F{:02d}"]


# ---------------------------------------------------------------- checksums / validators
def luhn_check_digit(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def luhn_ok(num):
    digits = re.sub(r"\D", "", num)
    return luhn_check_digit(digits[:-1]) == int(digits[-1])


def iban_ok(s, lengths=None):
    """mod-97 check; with `lengths` (country code -> IBAN length) the length must match too."""
    s = s.replace(" ", "")
    if lengths is not None and len(s) != lengths.get(s[:2], -1):
        return False
    r = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in r)) % 97 == 1


ABA_PREFIXES = [f"{p:02d}" for p in list(range(0, 13)) + list(range(21, 33)) + list(range(61, 73)) + [80]]


def aba_ok(s):
    d = [int(c) for c in s]
    return len(d) == 9 and s[:2] in ABA_PREFIXES and \
        (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])) % 10 == 0


NINO_BAD = set("DFIQUV")
NINO_BAD_PAIRS = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
NINO_RE = re.compile(r"^([A-Z])([A-Z]) ?(\d\d) ?(\d\d) ?(\d\d) ?([A-D])$")
NINO_FIRST = [ch for ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if ch not in NINO_BAD]
NINO_SECOND = [ch for ch in NINO_FIRST if ch != "O"]


def nino_ok(s):
    m = NINO_RE.match(s)
    if not m:
        return False
    a, b = m.group(1), m.group(2)
    return a not in NINO_BAD and b not in NINO_BAD and b != "O" and a + b not in NINO_BAD_PAIRS


def ssn_ok(s):
    d = s.replace("-", "")
    if not re.fullmatch(r"\d{9}", d):
        return False
    a, g, n = d[:3], d[3:5], d[5:]
    return a not in ("000", "666") and a[0] != "9" and g != "00" and n != "0000"


# ---------------------------------------------------------------- value helpers and generators
def camel(snake):
    parts = [p for p in snake.split("_") if p]
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def digits(rng, n):
    """n random decimal digits (n draws of rng.randint(0, 9))."""
    return "".join(str(rng.randint(0, 9)) for _ in range(n))


def group4(s):
    """'DE89370400440532013000' -> 'DE89 3704 0044 0532 0130 00'."""
    return " ".join(re.findall(".{1,4}", s))


def date_fmt(rng, local_fmt, alt_fmts):
    """The column's date format: the locale's own 70% of the time, else one of alt_fmts."""
    return local_fmt if rng.random() < 0.7 else rng.choice(alt_fmts)


def timestamp_fmt(rng, local_fmt):
    return rng.choice(["%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d %H:%M:%S", local_fmt, local_fmt, "%Y-%m-%dT%H:%M:%S+01:00"])


def aba_make(rng):
    """A valid ABA routing number: a Fed district prefix, 6 digits and the 3-7-1 check digit."""
    body = rng.choice(ABA_PREFIXES) + digits(rng, 6)
    d = [int(x) for x in body]
    s = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5])
    return body + str((10 - s % 10) % 10)


def nino_prefix(rng):
    """A UK NINO prefix: two allowed letters, not one of the excluded pairs."""
    while True:
        p = rng.choice(NINO_FIRST) + rng.choice(NINO_SECOND)
        if p not in NINO_BAD_PAIRS:
            return p


def nino_format(prefix, six_digits, suffix, style):
    """style 'compact' -> AB123456C, else 'AB 12 34 56 C'."""
    dg = six_digits
    return f"{prefix}{dg}{suffix}" if style == "compact" else f"{prefix} {dg[:2]} {dg[2:4]} {dg[4:]} {suffix}"


def ssn_shaped_invalid_gen(rng):
    """ddd-dd-dddd with an area never issued (000, 666, 9xx)."""
    def g():
        area = rng.choice(["000", "666", f"{rng.randint(900, 999)}", f"{rng.randint(900, 999)}"])
        return f"{area}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"
    return g


def luhn_fail_gen(rng, prefixes):
    """16 digits with a card-like prefix whose Luhn check FAILS; spaced in 4s for some columns."""
    spaced = rng.random() < 0.4

    def g():
        prefix = rng.choice(prefixes)
        body = prefix + digits(rng, 15 - len(prefix))
        n = body + str((luhn_check_digit(body) + rng.randint(1, 9)) % 10)
        return " ".join(n[i:i + 4] for i in range(0, 16, 4)) if spaced else n
    return g


def number_id_gen(rng, n_digits):
    """Bare n-digit ids (no leading zero)."""
    return lambda: str(rng.randint(10 ** (n_digits - 1), 10 ** n_digits - 1))


def fw_version_gen(rng):
    return lambda: f"{rng.randint(1, 12)}.{rng.randint(0, 40)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}"


def sku_gen(rng, tag):
    """Article numbers in one of five shapes (per column); tag is the 2-letter country in SKU-XX-...."""
    style = rng.randint(0, 4)

    def g():
        if style == 0:
            return f"ART-{rng.randint(10000, 99999)}-{rng.choice('ABCDEFGH')}"
        if style == 1:
            return f"{rng.randint(1000, 9999)}-{rng.randint(10, 99)}-{rng.randint(0, 99):02d}"
        if style == 2:
            return f"{rng.choice('PKMX')}{rng.randint(100000, 999999)}"
        if style == 3:
            return f"SKU-{tag}-{rng.randint(0, 9999):04d}-{rng.choice(['S', 'M', 'L', 'XL'])}"
        return f"{rng.randint(100, 999)}.{rng.randint(100, 999)}.{rng.randint(10, 99)}"
    return g


def mac_gen(rng, source):
    """source() gives 'aa:bb:cc:dd:ee:ff'; the column writes it colon, colon upper, dash or Cisco dot."""
    style = rng.choices(["colon", "colon_upper", "dash", "dot"], [0.35, 0.25, 0.25, 0.15])[0]

    def g():
        m = source()
        h = m.replace(":", "")
        if style == "colon_upper":
            return m.upper()
        if style == "dash":
            return m.replace(":", "-").upper()
        if style == "dot":
            return f"{h[:4]}.{h[4:8]}.{h[8:]}"
        return m
    return g


def uuid_gen(rng, source):
    """source() gives a dashed lower-case UUID; the column writes it lower, upper or without dashes."""
    style = rng.choice(["lower", "lower", "upper", "hex"])

    def g():
        u = source()
        return u.upper() if style == "upper" else (u.replace("-", "") if style == "hex" else u)
    return g


def rng_only_gen(kind, rng):
    """The generator of a kind both corpora draw from rng alone, the same way; None for any other kind
    (and then rng is not touched)."""
    if kind == "aba_routing":
        return lambda: aba_make(rng)
    if kind == "order_id_10d":
        return number_id_gen(rng, 10)
    if kind == "ssn_shaped_invalid":
        return ssn_shaped_invalid_gen(rng)
    if kind == "fw_version":
        return fw_version_gen(rng)
    return None


def last_first_gen(rng, first_name, last_name):
    """'Last, First' or (per column) 'LAST First'."""
    upper = rng.random() < 0.4
    return lambda: (f"{last_name().upper()} {first_name()}" if upper else f"{last_name()}, {first_name()}")


# ---------------------------------------------------------------- tables
def table_style(rng, lang, non_en_weights):
    """The table's column-name style; English tables have no local_upper / en_snake."""
    if lang == "en":
        return rng.choices(["local_snake", "en_camel", "en_upper"], [0.45, 0.35, 0.2])[0]
    return rng.choices(["local_snake", "local_upper", "en_camel", "en_upper", "en_snake"], non_en_weights)[0]


def restyle(name, style):
    """A snake_case name in the table's style (UPPER_SNAKE or camelCase; others unchanged)."""
    return {"local_upper": name.upper(), "en_upper": name.upper(), "en_camel": camel(name)}.get(style, name)


def plan_columns(rng, pool, extras, n_total, kinds, baits, lang, style):
    """Pick the table's column kinds (sensitive ones favoured 1.4:1) plus extras, shuffle them, mark ~20%
    opaque, then insert 0-2 bait columns. Returns [{"kind", "name_mode"[, "bait_name"]}]."""
    n_bait = rng.choice([0, 1, 1, 2])
    n_core = max(3, n_total - n_bait - len(extras))
    # weighted sample without replacement (positives favoured 1.4:1 so ~45% of columns are sensitive)
    keyed = sorted(pool, key=lambda k: -rng.random() ** (1 / (1.4 if kinds[k][0] != "NONE" else 1.0)))
    chosen = keyed[:min(n_core, len(pool))] + extras
    rng.shuffle(chosen)
    cols = [{"kind": k, "name_mode": "opaque" if rng.random() < 0.2 else "descriptive"} for k in chosen]
    # baits: local-language baits for local-style tables of non-English locales, else English ones
    bait_src = baits[lang] if (lang != "en" and style in ("local_snake", "local_upper") and rng.random() < 0.7) else baits["en"]
    for name, kind in rng.sample(bait_src, n_bait):
        cols.insert(rng.randint(0, len(cols)), {"kind": kind, "name_mode": "bait", "bait_name": name})
    return cols


def pick_name(names, keys, style, rng, used):
    """Choose a column name for a descriptive column in the table's style. names: lang/locale -> snake_case
    candidates for the kind ("en" required); keys: where local styles look first, in order."""
    en = names["en"]
    cands = en
    if style in ("local_snake", "local_upper"):
        cands = next((names[k] for k in keys if names.get(k)), en)
    order = rng.sample(cands, len(cands))
    for base in order:
        if restyle(base, style) not in used:
            return restyle(base, style)
    n, k = restyle(order[0], style), 2
    while f"{n}_{k}" in used:
        k += 1
    return f"{n}_{k}"


def name_columns(cols, style, opaque_pat, pick):
    """Set name and name_style on every column; pick(kind, used) names a descriptive one."""
    used = set()
    for i, col in enumerate(cols, 1):
        if col["name_mode"] == "opaque":
            col["name"], col["name_style"] = opaque_pat.format(i), "opaque"
        elif col["name_mode"] == "bait":
            n = restyle(col.pop("bait_name"), style)
            while n in used:
                n += "_x"
            col["name"], col["name_style"] = n, style
        else:
            col["name"], col["name_style"] = pick(col["kind"], used), style
        used.add(col["name"])


def fill_rows(rng, cols, n_rows, make):
    """Set each column's null rate, make its generator (make(kind)), and draw n_rows rows; empty string = NULL."""
    gens = []
    for col in cols:
        col["null_rate"] = rng.choice([0.0, 0.0, 0.05]) if col["kind"].startswith("notes_with") else \
            rng.choice([0.0, 0.0, 0.0, 0.05, 0.1, 0.2, 0.3])
        gens.append(make(col["kind"]))
    rows = [[("" if rng.random() < col["null_rate"] else g()) for col, g in zip(cols, gens)] for _ in range(n_rows)]
    # no all-null column: make sure the first row of every column is present
    for j, g in enumerate(gens):
        if not rows[0][j]:
            rows[0][j] = g()
    return rows


def column_meta(cols, rows, kinds):
    """labels.json entries for a table's columns; bait columns become hard negatives."""
    meta = []
    for j, col in enumerate(cols):
        label, hard, note = kinds[col["kind"]]
        if col["name_mode"] == "bait":
            hard = True
            note = (note + "; " if note else "") + "bait: name suggests PII, values are not"
        meta.append({"name": col["name"], "kind": col["kind"], "label": label, "family": FAMILY[label],
                     "hard_negative": hard, "name_mode": col["name_mode"], "name_style": col["name_style"],
                     "null_rate": round(sum(1 for r in rows if r[j] == "") / len(rows), 3), "note": note})
    return meta


def make_table(rng, lang, pool, extras, n_cols, n_rows, style_weights, kinds, names, name_keys, baits, make):
    """One table's columns and rows, drawn from rng in this order: name style, opaque pattern, extras(rng),
    column count (n_cols range), column plan and names, row count (n_rows range), then per column its null
    rate and make(kind), then the rows. style_weights: the non-English style weights (see table_style);
    names/name_keys: see pick_name. Returns (style, header, rows, labels.json column entries)."""
    style = table_style(rng, lang, style_weights)
    opaque_pat = rng.choice(OPAQUE_PATTERNS)
    extra = extras(rng)
    cols = plan_columns(rng, list(pool), extra, rng.randint(*n_cols), kinds, baits, lang, style)
    name_columns(cols, style, opaque_pat, lambda kind, used: pick_name(names[kind], name_keys, style, rng, used))
    rows = fill_rows(rng, cols, rng.randint(*n_rows), make)
    return style, [col["name"] for col in cols], rows, column_meta(cols, rows, kinds)


def check_shared_kind(k, v):
    """Assert the promises both corpora make for a value of kind k; False if k is not such a kind."""
    if k == "luhn_fail_16":
        assert not luhn_ok(v) and len(re.sub(r"\D", "", v)) == 16, v
    elif k == "aba_routing":
        assert aba_ok(v), v
    elif k == "uk_nino":
        assert nino_ok(v), v
    elif k == "us_ssn":
        assert ssn_ok(v), v
    elif k == "ssn_shaped_invalid":
        assert re.fullmatch(r"\d{3}-\d{2}-\d{4}", v) and not ssn_ok(v), v
    elif k in ("ipv4", "ipv6"):
        ipaddress.ip_address(v)
    elif k == "order_id_10d":
        assert re.fullmatch(r"\d{10}", v), v
    elif k == "fw_version":
        assert all(0 <= int(p) <= 255 for p in v.split(".")), v
    else:
        return False
    return True


def table_columns(tables):
    """(table, column, kind, non-null values) for every column of the written tables; no column is all NULL."""
    for t, rows in tables:
        for j, col in enumerate(t["columns"]):
            vals = [r[j] for r in rows if r[j] != ""]
            assert vals, (t["file"], col["name"])
            yield t, col, col["kind"], vals


def assert_share(t, col, vals, hit, hi):
    """A notes_with_* column: the share of values holding the entity is between 0.12 and hi."""
    share = sum(1 for v in vals if hit(v)) / len(vals)
    assert 0.12 <= share <= hi, (t["file"], col["name"], share)


# ---------------------------------------------------------------- command line and output
def reexec_with_fixed_hash_seed():
    """Re-execute the script with PYTHONHASHSEED=0 so no set ordering can change the values between runs."""
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable] + sys.argv, {**os.environ, "PYTHONHASHSEED": "0"})


def parse_args(doc, seed, tables):
    ap = argparse.ArgumentParser(description=doc.split("\n")[1])
    ap.add_argument("--out", required=True, help="output directory (tables/ and labels.json are written into it)")
    ap.add_argument("--seed", type=int, default=seed)
    ap.add_argument("--tables", type=int, default=tables)
    return ap.parse_args()


def write_tables(out, n_tables, seed, table_spec, build_table):
    """Empty OUT/tables of old CSVs, then build and write tables 0..n_tables-1; table_spec(i) -> (locale, theme),
    build_table(i, locale, theme, seed) -> (fname, style, header, rows, columns).
    Returns (labels.json table entries, [(entry, rows)], non-null value count)."""
    tdir = os.path.join(out, "tables")
    os.makedirs(tdir, exist_ok=True)
    for old in os.listdir(tdir):
        if old.endswith(".csv"):
            os.remove(os.path.join(tdir, old))

    out_tables, written, nonnull = [], [], 0
    for i in range(n_tables):
        locale, theme = table_spec(i)
        fname, style, header, rows, cols = build_table(i, locale, theme, seed)
        path = os.path.join(out, fname)
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)
        sha = hashlib.sha256(open(path, "rb").read()).hexdigest()
        t = {"file": fname, "rows": len(rows), "sha256": sha, "locale": locale, "theme": theme,
             "name_style": style, "columns": cols}
        out_tables.append(t)
        written.append((t, rows))
        nonnull += sum(1 for r in rows for v in r if v != "")
    return out_tables, written, nonnull


def labels_doc(corpus_version, generator, library, args, max_rows, locales, label_policy, kinds, out_tables, nonnull,
               extra=None):
    """The labels.json document; library = (key, version) of the fake-data library, extra goes before "tables"."""
    doc = {
        "corpus_version": corpus_version,
        "seed": args.seed,
        "generator": generator,
        library[0]: library[1],
        "python": platform.python_version(),
        "params": {"tables": args.tables, "seed": args.seed, "min_rows": 100, "max_rows": max_rows, "opaque_p": 0.2,
                   "locales": locales, "ref_date": REF_DATE.isoformat()},
        "n_tables": len(out_tables),
        "n_columns": sum(len(t["columns"]) for t in out_tables),
        "n_nonnull_values": nonnull,
        "label_policy": label_policy,
        "labels": LABELS,
        "family": FAMILY,
        "crosswalk": CROSSWALK,
        "kinds": {k: {"label": l, "hard_negative": h, "note": n} for k, (l, h, n) in kinds.items()},
    }
    doc.update(extra or {})
    doc["tables"] = out_tables
    return doc


def write_labels(out, labels):
    """OUT/labels.json and OUT/labels.csv (one row per column)."""
    with open(os.path.join(out, "labels.json"), "w", encoding="utf-8") as fh:
        json.dump(labels, fh, indent=1, ensure_ascii=False)
    with open(os.path.join(out, "labels.csv"), "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["table", "column", "label", "family", "kind", "hard_negative", "name_mode", "name_style", "locale", "null_rate"])
        for t in labels["tables"]:
            for col in t["columns"]:
                w.writerow([t["file"], col["name"], col["label"], col["family"], col["kind"], int(col["hard_negative"]),
                            col["name_mode"], col["name_style"], t["locale"], col["null_rate"]])


def print_summary(out_tables, nonnull, out):
    cols = [c for t in out_tables for c in t["columns"]]
    n_cols = len(cols)
    pos = sum(1 for c in cols if c["label"] != "NONE")
    hard = sum(1 for c in cols if c["hard_negative"])
    print(f"wrote {len(out_tables)} tables, {n_cols} columns ({pos} sensitive, {n_cols - pos} NONE, {hard} hard negatives), "
          f"{nonnull} non-null values -> {out}")
    print("labels:", dict(sorted(Counter(c["label"] for c in cols).items())))
    print("name_mode:", dict(Counter(c["name_mode"] for c in cols)), "name_style:", dict(Counter(c["name_style"] for c in cols)))
