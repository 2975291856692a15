"""A picture of what extraction saw on one page, for `stdsearch debug-page FILE PAGE`.

Kept lines are outlined in blue, removed running headers, footers and page numbers in
red, and the lines where clauses start in green, over the rendered page; a page whose
text layer was rejected says why in its top-left corner. When a page reads
wrongly this shows at a glance whether the fault is in line assembly, in the header
detection or in clause segmentation.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pdfplumber
from PIL import ImageDraw

from indexer.library.model import Line

from .extract import extract_pages

KEPT = (0, 90, 220)
REMOVED = (220, 0, 0)
CLAUSE_START = (0, 160, 0)
# Running lines are recognised by recurrence, so the neighbouring pages are read too.
CONTEXT_PAGES = 6


def draw_debug(
    path: str | Path,
    page_no: int,
    out_png: str | Path,
    clause_starts: Iterable[Line] = (),
    resolution: int = 110,
) -> Path:
    """Render page `page_no` (1-based) of `path` with its lines outlined; return the PNG."""
    with pdfplumber.open(str(path)) as pdf:
        count = len(pdf.pages)
    if not 1 <= page_no <= count:
        raise ValueError(f"{path}: page {page_no} out of range 1–{count}")
    window = range(max(1, page_no - CONTEXT_PAGES), min(count, page_no + CONTEXT_PAGES) + 1)
    page = next(p for p in extract_pages(str(path), window) if p.number == page_no)

    with pdfplumber.open(str(path)) as pdf:
        pdf_page = pdf.pages[page_no - 1]
        x_origin = float(pdf_page.bbox[0])
        image = pdf_page.to_image(resolution=resolution)

        def box(line: Line, pad: float = 1.0) -> tuple[float, float, float, float]:
            return (
                line.x0 + x_origin - pad,
                line.top - pad,
                line.x1 + x_origin + pad,
                line.bottom + pad,
            )

        image.draw_rects([box(line) for line in page.lines], stroke=KEPT, fill=None)
        image.draw_rects([box(line) for line in page.removed], stroke=REMOVED, fill=None)
        starts = [line for line in clause_starts if line.page == page_no]
        image.draw_rects(
            [box(line, 2.5) for line in starts], stroke=CLAUSE_START, fill=None, stroke_width=2
        )
        if page.needs_ocr:
            # the text layer was thrown away: say why, where a reader looks first
            ImageDraw.Draw(image.annotated).text(
                (10, 10), f"needs OCR: {page.needs_ocr}", fill=REMOVED
            )
        out = Path(out_png)
        out.parent.mkdir(parents=True, exist_ok=True)
        image.save(str(out))
    return out
