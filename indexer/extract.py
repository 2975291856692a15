"""PDF pages → cleaned printed lines, with pdfplumber.

Lines are assembled from characters ourselves rather than with `extract_text()`,
because standard PDFs mix fonts whose glyph boxes sit at different heights on one
printed line (a CJK font and a Latin font), which pdfplumber's top-based clustering
splits into separate lines.
"""

from __future__ import annotations

from collections.abc import Iterable

import pdfplumber

from analyzers.normalize import normalize_line

from .model import Line, Page


def _group_rows(chars: list[dict]) -> list[list[dict]]:
    """Cluster characters into printed rows by vertical overlap of their boxes."""
    rows: list[list[dict]] = []
    bands: list[tuple[float, float]] = []
    for ch in sorted(chars, key=lambda c: (c["top"] + c["bottom"]) / 2):
        mid = (ch["top"] + ch["bottom"]) / 2
        if bands and bands[-1][0] <= mid <= bands[-1][1]:
            rows[-1].append(ch)
            top, bottom = bands[-1]
            bands[-1] = (min(top, ch["top"]), max(bottom, ch["bottom"])) if len(rows[-1]) < 3 else (top, bottom)
        else:
            rows.append([ch])
            bands.append((ch["top"], ch["bottom"]))
    return rows


def _row_text(row: list[dict]) -> str:
    row = sorted(row, key=lambda c: c["x0"])
    parts: list[str] = []
    prev = None
    for ch in row:
        if prev is not None:
            gap = ch["x0"] - prev["x1"]
            if gap > 0.25 * max(prev["size"], ch["size"], 1):
                parts.append(" ")
        parts.append(ch["text"])
        prev = ch
    return "".join(parts)


def page_lines(page: pdfplumber.page.Page, number: int) -> list[Line]:
    chars = [c for c in page.chars if c.get("upright", True) and c["text"].strip()]
    lines = []
    for row in _group_rows(chars):
        text = normalize_line(_row_text(row))
        if not text:
            continue
        sizes = sorted(c["size"] for c in row)
        lines.append(
            Line(
                text=text,
                page=number,
                top=min(c["top"] for c in row),
                bottom=max(c["bottom"] for c in row),
                x0=min(c["x0"] for c in row),
                x1=max(c["x1"] for c in row),
                size=round(sizes[len(sizes) // 2], 1),
            )
        )
    return lines


def extract_pages(path: str, pages: Iterable[int] | None = None) -> list[Page]:
    """Cleaned lines of every page (1-based numbers), in reading order."""
    result = []
    with pdfplumber.open(path) as pdf:
        wanted = set(pages) if pages is not None else None
        for number, page in enumerate(pdf.pages, start=1):
            if wanted is not None and number not in wanted:
                continue
            page = page.dedupe_chars()
            result.append(
                Page(number=number, width=float(page.width), height=float(page.height),
                     lines=page_lines(page, number))
            )
            page.close() if hasattr(page, "close") else None
    return result
