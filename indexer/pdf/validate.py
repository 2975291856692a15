"""Checks a file must pass before it is parsed: cheap, and each failure a clear reason.

Run by the ingest before a parse is spent on the file, and by the upload page before a
file is accepted: both in worker processes under a time limit
(`indexer.ingest.checks`), since a hostile file can keep PDFium or pdfminer busy for
minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pypdfium2

from indexer.library.model import IngestError

PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000
    # A parse may take this long before its worker is killed: a base per file plus an
    # allowance per page, larger when scanned pages may need OCR (10-20 s a page).
    seconds_per_file: float = 120.0
    seconds_per_page: float = 5.0
    ocr_seconds_per_page: float = 90.0
    # The checks, where they run under a limit (`check_pdf_in_time`): opening a file takes
    # PDFium milliseconds, but pdfminer's second opinion on a damaged one reads it all.
    check_seconds: float = 30.0

    def deadline(self, pages: int, ocr: bool) -> float:
        per_page = self.ocr_seconds_per_page if ocr else self.seconds_per_page
        return self.seconds_per_file + per_page * pages


def check_pdf(path: Path, limits: Limits | None = None) -> int:
    """Return the page count, or raise IngestError saying why the file cannot be ingested."""
    limits = limits or Limits()
    name = Path(path).name
    size = Path(path).stat().st_size
    if size == 0:
        raise IngestError(name, "empty file (0 bytes)")
    if size > limits.max_bytes:
        raise IngestError(
            name, f"file too large: {size / 1e6:.1f} MB > limit {limits.max_bytes / 1e6:.0f} MB"
        )
    with open(path, "rb") as f:
        head = f.read(1024)
    if PDF_MAGIC not in head:
        raise IngestError(name, "not a PDF file (no %PDF- header)")
    try:
        document = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as error:
        reason = str(error)
        if "password" in reason.lower():
            raise IngestError(name, "encrypted PDF (password required)") from None
        if _page_count_by_pdfminer(path) == 0:
            raise IngestError(name, "PDF has no pages") from None  # PDFium refuses these
        raise IngestError(name, f"corrupt PDF: {reason}") from None
    try:
        pages = len(document)
    finally:
        document.close()
    if pages == 0:
        raise IngestError(name, "PDF has no pages")
    if pages > limits.max_pages:
        raise IngestError(name, f"too many pages: {pages} > limit {limits.max_pages}")
    return pages


def _page_count_by_pdfminer(path: Path) -> int | None:
    """A second opinion on files PDFium will not load (it refuses page-less documents)."""
    import pdfplumber

    try:
        with pdfplumber.open(path) as pdf:
            return len(pdf.pages)
    except Exception:  # any failure means: not readable here either
        return None
