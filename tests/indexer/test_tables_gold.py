"""Table extraction against tables transcribed cell by cell from the printed pages.

`tests/gold_tables/*.json` holds ten tables of the shared corpus, each cell typed from the
page image (not from any extraction): header paths and rows, a merged cell's text in
every position it covers. `scanned` marks tables read by OCR (a scan, or a page whose
text layer is garbled); the others come from the text layer.

Cell accuracy counts every header column (its whole path) and every body cell; a
missing or extra row or column counts its cells as wrong. Cells are compared after
folding full-width forms and dropping whitespace only: a superscript read as a digit
(`10³` → `103`) or a footnote mark lost is an error.

Run with `-s` to see each table's score and its wrong cells.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest

from indexer.library.model import Table
from indexer.parse.clauses import split_clauses_and_tables
from tests.page_cache import corpus_pages

pytestmark = pytest.mark.corpus

GOLD = Path(__file__).parents[1] / "gold_tables"
TEXT_TARGET = 0.98
SCANNED_TARGET = 0.90
# What OCR reaches today on the scanned gold: the grids come out right, but Tesseract's
# chi_sim misreads the bold, blurred print of GB 3838-2002 (氯 → 氧/氛/毛). Guards
# against falling back; the goal above is tracked by a strict xfail.
SCANNED_FLOOR = 0.68


def _fold(text: str) -> str:
    text = "".join(
        chr(ord(ch) - 0xFEE0) if 0xFF01 <= ord(ch) <= 0xFF5E else ch for ch in text or ""
    )
    return re.sub(r"\s+", "", text)


def gold_tables() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*.json"))]


def score(gold: dict, table: Table | None) -> tuple[int, int, list[str]]:
    """(correct cells, cells, wrong cells described) of one table against its gold."""
    wrong: list[str] = []
    correct = total = 0
    ours_header = table.header if table else []
    for j in range(max(len(gold["header"]), len(ours_header))):
        want = " › ".join(gold["header"][j]) if j < len(gold["header"]) else None
        got = " › ".join(ours_header[j]) if j < len(ours_header) else None
        total += 1
        if want is not None and got is not None and _fold(want) == _fold(got):
            correct += 1
        else:
            wrong.append(f"header {j}: want {want!r} got {got!r}")
    ours_rows = table.rows if table else []
    for i in range(max(len(gold["rows"]), len(ours_rows))):
        want_row = gold["rows"][i] if i < len(gold["rows"]) else []
        got_row = ours_rows[i] if i < len(ours_rows) else []
        for j in range(max(len(want_row), len(got_row))):
            want = want_row[j] if j < len(want_row) else None
            got = got_row[j] if j < len(got_row) else None
            total += 1
            if want is not None and got is not None and _fold(want) == _fold(got):
                correct += 1
            else:
                wrong.append(f"row {i} col {j}: want {want!r} got {got!r}")
    return correct, total, wrong


def _text_layer_tables(corpus_dir: Path, name: str) -> list[Table]:
    pages = list(corpus_pages(str(corpus_dir / name)))
    return split_clauses_and_tables(pages)[1]


def _ocr_tables(corpus_dir: Path, name: str, page_no: int) -> list[Table]:
    """The tables of one page read as the ingest reads a flagged page: by OCR, with the
    grid drawn in the PDF when there is one, else the one the image's rules make."""
    from indexer.parse.tables import assemble_tables
    from indexer.pdf import ocr
    from indexer.pdf.extract import extract_pages

    path = corpus_dir / name
    (page,) = extract_pages(str(path), [page_no])
    assert page.needs_ocr, f"{name} p{page_no} has a usable text layer"
    return assemble_tables(ocr.ocr_page(path, page_no, grids=page.tables))


def _report(results: list[tuple[dict, int, int, list[str]]]) -> float:
    correct = sum(r[1] for r in results)
    total = sum(r[2] for r in results)
    for gold, ok, cells, wrong in results:
        print(f"\n{gold['file']} 表{gold['table_no']} p{gold['page']}: {ok}/{cells}")
        for line in wrong[:12]:
            print("   ", line)
    accuracy = correct / total if total else 0.0
    print(f"\ncell accuracy {correct}/{total} = {accuracy:.3f}")
    return accuracy


def _find(tables: list[Table], gold: dict) -> Table | None:
    return next(
        (t for t in tables if t.table_no == gold["table_no"] and t.page_start == gold["page"]),
        None,
    )


def test_gold_tables_hold_ten_tables_with_text_layer_and_scanned_pages():
    golds = gold_tables()
    assert len(golds) >= 10
    assert any(g["scanned"] for g in golds) and any(not g["scanned"] for g in golds)
    for gold in golds:
        widths = {len(gold["header"])} | {len(row) for row in gold["rows"]}
        assert len(widths) == 1, f"{gold['file']} 表{gold['table_no']} rows misaligned"


def test_text_layer_cell_accuracy(corpus_dir):
    """GB 18918-2002 表1/2/4/5, GB 12348-2008 表3 (pages 9-10) and 表4, from the text layer."""
    results = []
    for gold in (g for g in gold_tables() if not g["scanned"]):
        table = _find(_text_layer_tables(corpus_dir, gold["file"]), gold)
        assert table is not None, f"{gold['file']} 表{gold['table_no']} not found"
        assert table.page_end == gold.get("page_end", gold["page"])
        results.append((gold, *score(gold, table)))
    assert _report(results) >= TEXT_TARGET


@functools.cache
def _scanned_accuracy(corpus_dir: Path) -> float:
    results = []
    read: dict[tuple[str, int], list[Table]] = {}
    for gold in (g for g in gold_tables() if g["scanned"]):
        key = (gold["file"], gold["page"])
        if key not in read:
            read[key] = _ocr_tables(corpus_dir, *key)
        table = _find(read[key], gold)
        results.append((gold, *score(gold, table)))
    return _report(results)


@pytest.mark.slow
def test_scanned_cell_accuracy(tesseract, corpus_dir):
    """JT/T 808-2019 表5 and 表7 (page 14, garbled text layer, drawn grid) and GB 3838-2002
    表2 and 表3 (page 6, a scan: the grid from the rules in the image), read by OCR."""
    assert _scanned_accuracy(corpus_dir) >= SCANNED_FLOOR


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True, reason="OCR character errors on GB 3838-2002's scan keep cells below 90 %"
)
def test_scanned_cell_accuracy_reaches_the_goal(tesseract, corpus_dir):
    assert _scanned_accuracy(corpus_dir) >= SCANNED_TARGET
