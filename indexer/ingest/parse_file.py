"""One PDF → one `Standard`: the whole parse, as a function of the file alone.

Runs inside a worker process (see worker.py); it touches no catalogue and no index, so
a file that crashes or hangs the parser can be killed without harming the library.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

from indexer.library.model import Page, Standard
from indexer.parse.clauses import split_clauses_and_tables
from indexer.parse.cover import parse_cover
from indexer.parse.references import parse_references
from indexer.parse.terms import parse_terms
from indexer.pdf.extract import extract_pages
from indexer.pdf.page_cleanup import remove_running_lines

# progress(done, total, stage): how far a long parse has got, for whoever watches it.
Progress = Callable[[int, int, str], None]
OCR_STAGE = "OCR"


def ocr_flagged_pages(
    path: Path, pages: list[Page], progress: Progress | None = None
) -> list[Page]:
    """Replace pages whose text layer is unusable by their OCR text, when Tesseract is here.

    Good pages keep their text layer (a mixed document OCRs only its bad pages). Running
    headers and footers of the OCR pages are found among those pages, as extraction found
    them among the others. A page takes seconds, a scan minutes: `progress` hears of the
    start (0 of the flagged pages) and of every page done.
    """
    from indexer.pdf import ocr

    if not ocr.tesseract_available():
        return pages
    flagged = list(dict.fromkeys(page.number for page in pages if page.needs_ocr))
    if progress:
        progress(0, len(flagged), OCR_STAGE)
    recognised: dict[int, list[Page]] = {}
    grids = {page.number: page.tables for page in pages if page.needs_ocr}
    for done, number in enumerate(flagged, start=1):
        recognised[number] = ocr.ocr_page(path, number, grids=grids.get(number))
        if progress:
            progress(done, len(flagged), OCR_STAGE)
    cleaned = remove_running_lines([p for number in sorted(recognised) for p in recognised[number]])
    by_number: dict[int, list[Page]] = {}
    for page in cleaned:
        by_number.setdefault(page.number, []).append(page)
    result = []
    for page in pages:
        result.extend(by_number.get(page.number, [page]) if page.needs_ocr else [page])
    return result


def parse_standard(
    path: Path,
    *,
    source_file: str | None = None,
    use_ocr: bool = True,
    progress: Progress | None = None,
) -> Standard:
    path = Path(path)
    pages = extract_pages(str(path))
    if use_ocr and any(p.needs_ocr for p in pages):
        pages = ocr_flagged_pages(path, pages, progress)
    return standard_from_pages(pages, source_file or path.name)


def standard_from_pages(pages: list[Page], source_file: str) -> Standard:
    """The standard a file's pages (as read, OCR included) make: cover, clauses, terms and
    references. No file is touched: the pages may have been read elsewhere."""
    cover = parse_cover(pages, source_file)
    standard = Standard(pages=len({p.number for p in pages}), source_file=source_file)
    standard_fields = {f.name for f in fields(Standard)}
    for f in fields(cover):
        if f.name in standard_fields:
            setattr(standard, f.name, getattr(cover, f.name))
    standard.needs_ocr = sorted({p.number for p in pages if p.needs_ocr and not p.lines})
    standard.ocr_pages = sorted({p.number for p in pages if p.ocr})
    standard.clauses, standard.tables = split_clauses_and_tables(pages)
    standard.terms = parse_terms(standard.clauses)
    standard.references = parse_references(standard.clauses)
    return standard
