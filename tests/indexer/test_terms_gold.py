"""Terms and definitions against the gold term lists, and normative references found.

A gold term counts when we find its clause number with the same Chinese term (spaces
and full-width forms folded); English equivalents are scored and printed, not asserted.
Every outlined document that prints a 规范性引用文件 chapter must yield references.

Run with `pytest -m corpus tests/indexer/test_terms_gold.py -s` to see the table.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from analyzers.normalize import fold_width
from indexer.parse.references import is_references_chapter, parse_references
from indexer.parse.terms import parse_terms
from tests.page_cache import ingest_clauses

pytestmark = pytest.mark.corpus

TERM_TARGET = 0.95


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", fold_width(text or "")).lower()


def _gold_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def test_terms_match_gold(gold_dir, corpus_pdf):
    files = sorted((gold_dir / "terms").glob("*.tsv"))
    assert files, "no gold terms"
    total = found = english = 0
    print()
    for path in files:
        gold = _gold_rows(path)
        terms = parse_terms(list(ingest_clauses(str(corpus_pdf(f"{path.stem}.pdf")))))
        ours = {t.clause_no: t for t in terms}
        hits = en_hits = 0
        misses = []
        for row in gold:
            term = ours.get(row["clause_no"])
            if term and _fold(term.term_zh) == _fold(row["term_zh"]):
                hits += 1
                en_hits += _fold(term.term_en) == _fold(row["term_en"])
            else:
                got = term.term_zh if term else "nothing"
                misses.append(f"{row['clause_no']} {row['term_zh']!r}: got {got!r}")
        extra = sorted(set(ours) - {row["clause_no"] for row in gold})
        total += len(gold)
        found += hits
        english += en_hits
        print(
            f"{path.stem:22} gold {len(gold):3}  found {hits:3}  english {en_hits:3}  "
            f"extra {len(extra):2}"
        )
        for miss in misses[:6]:
            print(f"    {miss}")
    print(f"TOTAL terms {found / total:.3f}  english {english / total:.3f}  ({total} gold terms)")
    assert found / total >= TERM_TARGET


def test_references_found_where_the_chapter_exists(gold_dir, corpus_pdf):
    without = []
    print()
    for path in sorted((gold_dir / "outlines").glob("*.tsv")):
        clauses = list(ingest_clauses(str(corpus_pdf(f"{path.stem}.pdf"))))
        if not any(is_references_chapter(c) for c in clauses):
            continue
        references = parse_references(clauses)
        print(f"{path.stem:22} references {len(references):3}")
        if not references:
            without.append(path.stem)
    assert not without, f"no references parsed from {without}"
