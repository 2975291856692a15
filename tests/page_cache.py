"""The corpus's pages, read once per test run and shared by every test that needs them.

Several suites check the whole corpus, and reading it dominates the run time. The cache
lives in this module, not in conftest.py: pytest loads conftest.py as a module of its own
(`conftest`), beside the `tests.conftest` the test modules import, and a cache there would
be two caches.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

_PAGES: dict[str, tuple] = {}


def _extract(path: str) -> tuple:
    from indexer.pdf.extract import extract_pages

    return tuple(extract_pages(path))


def corpus_pages(path: str) -> tuple:
    """`extract_pages` of one corpus file, read once per test run: several suites check
    the whole corpus, and parsing it dominates the run time."""
    if path not in _PAGES:
        _PAGES[path] = _extract(path)
    return _PAGES[path]


def prefetch_corpus_pages(paths) -> None:
    """Read many corpus files at once, one process per core, into the same cache."""
    import multiprocessing

    todo = [str(p) for p in paths if str(p) not in _PAGES]
    with multiprocessing.get_context("fork").Pool(os.cpu_count() or 1) as pool:
        for path, pages in zip(todo, pool.imap(_extract, todo), strict=True):
            _PAGES[path] = pages


@functools.cache
def ingest_pages(path: str) -> tuple:
    """Pages as the ingest reads them: the text layer, and OCR for flagged pages when
    Tesseract is installed."""
    from indexer.ingest.parse_file import ocr_flagged_pages

    pages = list(corpus_pages(path))
    if any(page.needs_ocr for page in pages):
        pages = ocr_flagged_pages(Path(path), pages)
    return tuple(pages)


@functools.cache
def ingest_clauses(path: str) -> tuple:
    from indexer.parse.clauses import split_clauses

    return tuple(split_clauses(list(ingest_pages(path))))
