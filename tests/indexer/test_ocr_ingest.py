"""A scanned standard through the real command line: ingest with OCR, then `reindex`.

The scan must come out as the born-digital standards do (its number and title as the
gold metadata gives them, a plausible outline, clauses marked as OCR text); `reindex`
must rebuild it from the stored parse without Tesseract; and a library without Tesseract
must keep the scan as "needs OCR" and say why in the summary. Tesseract is taken away
the way a machine without it lacks it: it is not on the PATH of the command.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from analyzers.stdno import parse_std_no
from indexer.ingest.pipeline import NEEDS_OCR
from indexer.library.catalogue import Catalogue
from indexer.library.lookup import load_standard
from indexer.library.store import Library
from indexer.parse.outline_check import check_outline

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

SCANNED = "GB_14554-1993.pdf"  # 7 pages, images only: the smallest scan of the corpus
ROOT = Path(__file__).resolve().parents[2]


def stdsearch(data: Path, *args: str, tesseract: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "STDSEARCH_DATA": str(data)}
    if not tesseract:
        env["PATH"] = str(Path(sys.executable).parent)  # the virtualenv alone
    command = [sys.executable, "-m", "search_app.cli", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)


def gold_metadata(gold_dir: Path, name: str) -> dict[str, str]:
    with open(gold_dir / "metadata.tsv", encoding="utf-8") as f:
        return next(row for row in csv.DictReader(f, delimiter="\t") if row["file"] == name)


def folded(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def ocr_library(tmp_path_factory, tesseract, corpus_pdf) -> Path:
    data = tmp_path_factory.mktemp("ocr-library")
    result = stdsearch(data, "ingest", str(corpus_pdf(SCANNED)), "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    return data


def stored_standard(data: Path):
    library = Library.open(data)
    with Catalogue(library.catalogue_path) as catalogue:
        (sha,) = catalogue.shas()
        return load_standard(library, catalogue, sha)


def test_a_scan_gets_its_number_and_title_from_ocr(ocr_library, gold_dir):
    gold = gold_metadata(gold_dir, SCANNED)
    shown = json.loads(stdsearch(ocr_library, "show", gold["std_no"], "--json").stdout)
    assert shown["std_no"] == str(parse_std_no(gold["std_no"]))
    assert folded(shown["title_zh"]) == folded(gold["title_zh"])
    assert shown["needs_ocr"] == []


def test_a_scans_outline_is_plausible_and_marked_as_ocr_text(ocr_library):
    standard = stored_standard(ocr_library)
    check = check_outline(standard)
    assert check.plausible, check.problems
    assert check.chapters[:2] == ["1", "2"]
    assert standard.ocr_pages == list(range(1, standard.pages + 1))
    with_text = [c for c in standard.clauses if c.text.strip()]
    assert with_text and all(c.ocr for c in with_text)


def test_reindex_rebuilds_a_scan_without_tesseract(ocr_library):
    before = stored_standard(ocr_library)
    result = stdsearch(ocr_library, "reindex", tesseract=False)
    assert result.returncode == 0, result.stderr
    after = stored_standard(ocr_library)
    assert [(c.clause_no, c.text) for c in after.clauses] == [
        (c.clause_no, c.text) for c in before.clauses
    ]
    # A chapter heading read by OCR still finds the standard after the rebuild.
    chapter = next(c for c in after.clauses if c.clause_no == "2" and c.heading)
    found = json.loads(
        stdsearch(ocr_library, "search", chapter.heading, "--json", tesseract=False).stdout
    )
    assert before.std_no in {hit["std_no"] for hit in found["hits"]}


def test_without_tesseract_a_scan_stays_needs_ocr_and_the_summary_says_why(tmp_path, corpus_pdf):
    result = stdsearch(tmp_path, "ingest", str(corpus_pdf(SCANNED)), "--json", tesseract=False)
    (outcome,) = json.loads(result.stdout)
    assert outcome["outcome"] == NEEDS_OCR
    assert "OCR unavailable" in outcome["reason"]
    (listed,) = json.loads(stdsearch(tmp_path, "list", "--json", tesseract=False).stdout)
    assert listed["needs_ocr"] == list(range(1, listed["pages"] + 1))
