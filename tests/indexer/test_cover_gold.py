"""Cover metadata against the gold metadata of the real corpus.

Every document whose text layer is usable (MANIFEST `text_layer` = yes) is parsed from
its first pages as the ingest does (pages the extraction flags are read by OCR when
Tesseract is installed); per field we count the gold cells we reproduce. Documents with
a partial text layer and scanned documents are scored separately, through OCR: their
number, title and dates must be right (`OCR_TARGETS`); the small print of a scanned
cover (English title, ICS, CCS) is reported, not asserted.

Comparison folds only what the gold notes say is not significant: whitespace (the
gold writes `… 系统 第3部分：…`, text layers lose or invent the gaps), dash forms
and the full-width colon.

Run with `pytest -m corpus tests/indexer/test_cover_gold.py -s` to see the table.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import pytest

from analyzers.normalize import fold_dashes
from analyzers.stdno import parse_filename
from indexer.parse.cover import COVER, FILENAME, FRONT_PAGES, CoverMetadata, parse_cover
from tests.page_cache import corpus_pages, prefetch_corpus_pages

pytestmark = pytest.mark.corpus

# Documents printing no real number, identified from their file name instead.
UNPRINTED = "std_no from file name"
FIELDS = (
    "std_no",
    "title_zh",
    "title_en",
    "ics",
    "ccs",
    "issued",
    "effective",
    "replaces",
    "draft",
)
TARGETS = {
    "std_no": 1.0,
    UNPRINTED: 1.0,
    "title_zh": 0.95,
    "title_en": 0.95,
    "ics": 0.95,
    "ccs": 0.95,
    "issued": 0.95,
    "effective": 0.95,
    "replaces": 0.95,
}
# Covers read by OCR: what identifies the standard and its dates, every time.
OCR_TARGETS = {"std_no": 1.0, "title_zh": 1.0, "issued": 1.0, "effective": 1.0}


def _loose(text: str) -> str:
    text = fold_dashes(text).replace("：", ":").replace("，", ",")
    text = re.sub(r"-+", "-", text)
    return "".join(text.split()).lower()


def _spaced(text: str) -> str:
    text = fold_dashes(text).replace("：", ":")
    text = re.sub(r"\s*-+\s*", "-", text)
    return " ".join(text.split())


def _value(meta: CoverMetadata, name: str) -> str:
    value = getattr(meta, name)
    return ";".join(value) if isinstance(value, list) else value


def _same(name: str, ours: str, gold: str) -> bool:
    if name in ("ics", "replaces"):
        return {_loose(v) for v in ours.split(";") if v} == {
            _loose(v) for v in gold.split(";") if v
        }
    return _loose(ours) == _loose(gold)


# Pages OCR'd when the text layer is unusable: enough for the cover and the pages after
# it; more only slows the measurement down (a page takes seconds).
OCR_PAGES = 3


def _first_pages(path: Path) -> list:
    """The front pages as the ingest reads them (from the whole document, whose running
    headers are told from its cover): flagged pages replaced by their OCR."""
    pages = [page for page in corpus_pages(str(path)) if page.number <= FRONT_PAGES]
    flagged = [p.number for p in pages if p.needs_ocr and p.number <= OCR_PAGES]
    if not flagged:
        return pages
    from indexer.pdf import ocr

    if not ocr.tesseract_available():
        return pages
    replaced = []
    for page in pages:
        if page.number in flagged:
            replaced.extend(ocr.ocr_page(path, page.number))
        else:
            replaced.append(page)
    return replaced


@cache
def _manifest(corpus: Path) -> dict[str, str]:
    with open(corpus / "MANIFEST.tsv", encoding="utf-8") as f:
        return {row["file"]: row["text_layer"] for row in csv.DictReader(f, delimiter="\t")}


@cache
def _gold(gold: Path) -> list[dict[str, str]]:
    with open(gold / "metadata.tsv", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


@cache
def _parsed(corpus: Path, name: str) -> CoverMetadata:
    return parse_cover(_first_pages(corpus / name), name)


def score(
    corpus: Path, gold: Path, text_layer: str, *, cover_read_only: bool = False
) -> tuple[dict[str, tuple[int, int]], list[str]]:
    """Per field (correct, gold cells), and a line for every miss.

    With `cover_read_only`, documents whose cover no page gave us (an image or vector
    drawing the extraction did not send to OCR) are left out.
    """
    layers = _manifest(corpus)
    prefetch_corpus_pages(corpus / name for name, layer in layers.items() if layer == text_layer)
    totals = {name: [0, 0] for name in (*FIELDS, UNPRINTED)}
    misses = []
    for row in _gold(gold):
        name = row["file"]
        if layers.get(name) != text_layer:
            continue
        meta = _parsed(corpus, name)
        if cover_read_only and COVER not in meta.sources.values():
            continue
        for field in FIELDS:
            expected, ours = row[field], _value(meta, field)
            if field == "std_no" and not expected:
                # No real number printed (gold empty): the cover must not invent one,
                # and the file name gives the document its identity.
                field = UNPRINTED
                ok = meta.sources.get("std_no") == FILENAME and meta.std_no == _filename_no(name)
            elif not expected:
                if ours and field != "draft":
                    misses.append(f"{name} {field}: extra {ours!r}")
                continue
            else:
                ok = _same(field, ours, expected)
            totals[field][0] += ok
            totals[field][1] += 1
            if not ok:
                misses.append(f"{name} {field}: {ours!r} != gold {expected!r}")
    return {k: (v[0], v[1]) for k, v in totals.items()}, misses


def _filename_no(name: str) -> str:
    number = parse_filename(name)
    return str(number) if number else ""


def _report(title: str, totals, misses) -> None:
    print(f"\n{title}")
    for field, (ok, n) in totals.items():
        share = f"{ok / n:6.1%}" if n else "   n/a"
        print(f"  {field:22s} {ok:3d}/{n:<3d} {share}")
    for miss in misses:
        print("   ", miss)


def _below(totals, targets) -> dict[str, str]:
    return {
        field: f"{ok}/{n}"
        for field, (ok, n) in totals.items()
        if field in targets and n and ok / n < targets[field]
    }


def test_cover_metadata_matches_gold(corpus_dir, gold_dir):
    totals, misses = score(corpus_dir, gold_dir, "yes")
    _report("cover metadata, text_layer=yes", totals, misses)
    below = _below(totals, TARGETS)
    if below:
        # A cover no page gave us cannot be parsed (JT_T_1078-2016.pdf page 1 is drawn as
        # vector outlines: without Tesseract it stays unread); that is an expected
        # failure as long as every document whose cover was read meets the targets.
        readable, _ = score(corpus_dir, gold_dir, "yes", cover_read_only=True)
        _report("cover metadata, text_layer=yes, documents whose cover was read", readable, [])
        readable_below = _below(readable, TARGETS)
        assert not readable_below, f"below target: {readable_below}"
        pytest.xfail(f"below target only through unread covers: {below}")


@pytest.mark.ocr
@pytest.mark.slow
def test_cover_metadata_partial_text_layers(tesseract, corpus_dir, gold_dir):
    """Garbled or poor text layers: their flagged cover pages are read by OCR."""
    totals, misses = score(corpus_dir, gold_dir, "partial")
    _report("cover metadata, text_layer=partial", totals, misses)
    assert not _below(totals, OCR_TARGETS), misses


@pytest.mark.ocr
@pytest.mark.slow
def test_cover_metadata_of_scanned_documents(tesseract, corpus_dir, gold_dir):
    """Scans read by OCR (first two pages), through the same parser."""
    layers = _manifest(corpus_dir)
    rows = [row for row in _gold(gold_dir) if layers.get(row["file"]) == "no"]
    read = _ocr_pages_in_parallel([(corpus_dir / row["file"], n) for row in rows for n in (1, 2)])
    totals = {name: [0, 0] for name in FIELDS}
    misses = []
    for row in rows:
        name = row["file"]
        pages = [p for n in (1, 2) for p in read[corpus_dir / name, n]]
        meta = parse_cover(pages, name)
        for field in FIELDS:
            expected, ours = row[field], _value(meta, field)
            if not expected:
                continue
            ok = _same(field, ours, expected)
            totals[field][0] += ok
            totals[field][1] += 1
            if not ok:
                misses.append(f"{name} {field}: {ours!r} != gold {expected!r}")
    scanned = {k: (v[0], v[1]) for k, v in totals.items()}
    _report("cover metadata, text_layer=no (OCR)", scanned, misses)
    assert sum(n for _, n in scanned.values()), "no scanned document in the manifest"
    assert not _below(scanned, OCR_TARGETS), misses


def _ocr_one(page: tuple[Path, int]) -> list:
    from indexer.pdf import ocr

    return ocr.ocr_page(*page)


def _ocr_pages_in_parallel(pages: list[tuple[Path, int]]) -> dict[tuple[Path, int], list]:
    """OCR of many pages, one process per core, as ingest reads them."""
    import multiprocessing
    import os

    with multiprocessing.get_context("fork").Pool(os.cpu_count() or 1) as pool:
        return dict(zip(pages, pool.map(_ocr_one, pages), strict=True))


def test_placeholder_and_unnumbered_documents_get_identity_from_file_name(corpus_dir):
    for name, expected in (
        ("SL_651-2014.pdf", "SL 651-2014"),
        ("JT_T_808-2013_BD.pdf", "JT/T 808-2013"),
    ):
        meta = _parsed(corpus_dir, name)
        assert meta.std_no == expected
        assert meta.sources["std_no"] == FILENAME
