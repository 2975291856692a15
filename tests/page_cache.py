"""The corpus's pages, read once per test run and shared by every test that needs them.

Several suites check the whole corpus, and reading it dominates the run time. The cache
lives in this module, not in conftest.py: pytest loads conftest.py as a module of its own
(`conftest`), beside the `tests.conftest` the test modules import, and a cache there would
be two caches.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from pathlib import Path

_PAGES: dict[str, tuple] = {}

# A folder for pages kept between runs while developing (never set in CI). Entries are
# keyed by the file and by the source of `indexer/pdf`, so a change to extraction
# invalidates them.
DISK_CACHE = os.environ.get("STDSEARCH_TEST_PAGE_CACHE")


def _disk_key(path: str) -> str:
    digest = hashlib.sha256(Path(path).read_bytes())
    for source in sorted((Path(__file__).parents[1] / "indexer" / "pdf").glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _extract(path: str) -> tuple:
    from indexer.pdf.extract import extract_pages

    if not DISK_CACHE:
        return tuple(extract_pages(path))
    kept = Path(DISK_CACHE) / f"{_disk_key(path)}.pickle"
    if kept.exists():
        return pickle.loads(kept.read_bytes())
    pages = tuple(extract_pages(path))
    kept.parent.mkdir(parents=True, exist_ok=True)
    partial = kept.with_suffix(f".{os.getpid()}.tmp")
    partial.write_bytes(pickle.dumps(pages))
    partial.replace(kept)
    return pages


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
