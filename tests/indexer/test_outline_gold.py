"""The clause tree against the gold outlines, and clause-text hygiene over the corpus.

Gold outlines list every chapter and second-level clause (with its heading and the PDF
page it is printed on), 前言/引言/参考文献, and annexes with their first-level clauses.
We count the gold rows whose number and heading we reproduce, those also on the right
page, and our chapter-or-second-level clauses that the gold does not have.

Headings are compared after folding only what is not significant: whitespace (text
layers lose or invent the gaps between Latin and Chinese) and full-width forms.

Run with `pytest -m corpus tests/indexer/test_outline_gold.py -s` to see the table.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from analyzers.normalize import fold_width
from indexer.library.model import Clause
from indexer.parse.clauses import body_lines, split_clauses
from indexer.parse.toc import is_leader_line
from tests.page_cache import corpus_pages, ingest_clauses, prefetch_corpus_pages

pytestmark = pytest.mark.corpus

HEADING_TARGET = 0.98
PAGE_TARGET = 0.95
EXTRA_LIMIT = 0.02


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", fold_width(text or ""))


def _gold_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _is_outline_level(clause: Clause) -> bool:
    """What the gold lists: named parts, chapters, annexes, and their first subdivisions."""
    return clause.level <= 2


def score(clauses: list[Clause], gold: list[dict[str, str]]) -> dict[str, int | list[str]]:
    ours = {c.clause_no: c for c in clauses}
    gold_nos = {row["clause_no"] for row in gold}
    headed = paged = 0
    misses: list[str] = []
    for row in gold:
        clause = ours.get(row["clause_no"])
        if clause is None or _fold(clause.heading) != _fold(row["heading"]):
            got = f"{clause.heading!r} p{clause.page_start}" if clause else "nothing"
            misses.append(f"{row['clause_no']} {row['heading']!r} p{row['page']}: got {got}")
            continue
        headed += 1
        if str(clause.page_start) == row["page"]:
            paged += 1
        else:
            misses.append(f"{row['clause_no']} page {row['page']}: got p{clause.page_start}")
    extra = [c.clause_no for c in clauses if _is_outline_level(c) and c.clause_no not in gold_nos]
    return {"gold": len(gold), "headed": headed, "paged": paged, "extra": extra, "misses": misses}


def test_outlines_match_gold(gold_dir, corpus_pdf):
    outlines = sorted((gold_dir / "outlines").glob("*.tsv"))
    assert outlines, "no gold outlines"
    total = headed = paged = extra = 0
    print()
    for path in outlines:
        clauses = list(ingest_clauses(str(corpus_pdf(f"{path.stem}.pdf"))))
        result = score(clauses, _gold_rows(path))
        total += result["gold"]
        headed += result["headed"]
        paged += result["paged"]
        extra += len(result["extra"])
        print(
            f"{path.stem:22} gold {result['gold']:4}  heading {result['headed']:4}  "
            f"page {result['paged']:4}  extra {len(result['extra']):3}"
        )
        for miss in result["misses"][:8]:
            print(f"    {miss}")
        if result["extra"]:
            print(f"    extra: {' '.join(result['extra'][:12])}")
    print(
        f"TOTAL heading {headed / total:.3f}  page {paged / total:.3f}  "
        f"extra {extra / total:.3f}  ({total} gold clauses)"
    )
    assert headed / total >= HEADING_TARGET
    assert paged / total >= PAGE_TARGET
    assert extra / total < EXTRA_LIMIT


def _text_layer_files(corpus_dir: Path) -> list[str]:
    with (corpus_dir / "MANIFEST.tsv").open(encoding="utf-8") as f:
        return [
            row["file"] for row in csv.DictReader(f, delimiter="\t") if row["text_layer"] == "yes"
        ]


PAGE_NUMBER = re.compile(r"^[-—·\s]*(?:\d{1,3}|[IVXivx]{1,5})[-—·\s]*$")


def _page_labels(pages) -> dict[int, str]:
    """The page number printed at the top or bottom edge of each page, kept or removed."""
    labels = {}
    for page in pages:
        for line in [*page.lines, *page.removed]:
            at_edge = line.top < page.height * 0.12 or line.top > page.height * 0.88
            if at_edge and PAGE_NUMBER.match(line.text):
                labels[page.number] = _fold(line.text).strip("-—·")
    return labels


def _header_texts(pages) -> set[str]:
    """Lines printed at the top edge of most pages: the running header."""
    seen: dict[str, int] = {}
    for page in pages:
        for line in [*page.lines, *page.removed]:
            key = _fold(line.text)
            if line.top < page.height * 0.12 and key and not PAGE_NUMBER.match(line.text):
                seen[key] = seen.get(key, 0) + 1
    text_pages = sum(1 for page in pages if page.lines)
    return {key for key, count in seen.items() if count >= max(3, text_pages // 3)}


def clause_text_problems(name: str, pages, clauses: list[Clause]) -> list[str]:
    """Headers, page numbers and 目次 lines that reached the clause text.

    Page numbers are checked on the lines the text is built from, by position (a bare
    number in a table cell is not a page number); headers and 目次 lines on the text.
    """
    headers = _header_texts(pages)
    labels = _page_labels(pages)
    problems = []
    page_height = {page.number: page.height for page in pages}
    for line in body_lines(pages):
        height = page_height[line.page]
        at_edge = line.top < height * 0.12 or line.top > height * 0.88
        if at_edge and PAGE_NUMBER.match(line.text):
            problems.append(f"{name} p{line.page}: page number {line.text!r}")
    for clause in clauses:
        span = {labels.get(n) for n in range(clause.page_start, clause.page_end + 1)}
        for line in clause.text.split("\n"):
            folded = _fold(line)
            if not folded:
                continue
            if folded in headers:
                problems.append(f"{name} {clause.clause_no}: running header {line!r}")
            elif PAGE_NUMBER.match(line) and not folded.isdigit() and folded in span:
                problems.append(f"{name} {clause.clause_no}: page number {line!r}")
            elif is_leader_line(line):
                problems.append(f"{name} {clause.clause_no}: 目次 line {line!r}")
    return problems


@pytest.mark.slow
def test_clause_text_is_clean_over_corpus(corpus_dir):
    """No clause carries a running header, a bare page number or a 目次 line."""
    problems: list[str] = []
    prefetch_corpus_pages(corpus_dir / name for name in _text_layer_files(corpus_dir))
    for name in _text_layer_files(corpus_dir):
        pages = list(corpus_pages(str(corpus_dir / name)))
        problems += clause_text_problems(name, pages, split_clauses(pages))
    print("\n".join(problems[:40]))
    assert not problems
