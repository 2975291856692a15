"""Tables of scanned or garbled pages: the grid from the rules, the text from OCR words.

Two sources of a grid:

* a page whose text layer is garbled still carries its drawn rules (JT/T 808-2019),
  and extraction found the grid with pdfplumber; only its cells are empty;
* a scanned page has its rules in the image: the straight ink runs the OCR removes
  before reading (`page_geometry.find_rules`) become pdfplumber edges, and pdfplumber's
  own edge merging, intersections and cell building make the grid.

Each OCR word goes to the cell holding its centre; the words of a cell are grouped into
lines by their vertical centres. A ruled region whose grid cannot be made (rules too
broken) keeps its text as prose.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from pdfplumber import table as plumber_table

from analyzers.normalize import fold_width
from indexer.library.model import PageTable

from .tables import MIN_COLS, MIN_ROWS, SETTINGS, fill_grid, grid_cells


@dataclass
class Word:
    """One OCR word with its box in page points (Line coordinates)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float


def _edge(orientation: str, x0: float, top: float, x1: float, bottom: float) -> dict:
    return {
        "object_type": "line",
        "orientation": orientation,
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "doctop": top,
        "width": x1 - x0,
        "height": bottom - top,
    }


def grids_from_rules(
    rules: list[tuple[bool, int, int, int]], pt_per_px: float, offset: tuple[float, float]
) -> list[list[tuple[float, float, float, float]]]:
    """Cell boxes (x0, top, x1, bottom in points) of each table the image's rules draw.

    `rules` are (vertical, position, start, end) in pixels of the image read.
    """
    dx, dy = offset
    edges = []
    for vertical, pos, start, end in rules:
        if vertical:
            x = (pos - dx) * pt_per_px
            edges.append(_edge("v", x, (start - dy) * pt_per_px, x, (end - dy) * pt_per_px))
        else:
            y = (pos - dy) * pt_per_px
            edges.append(_edge("h", (start - dx) * pt_per_px, y, (end - dx) * pt_per_px, y))
    if not edges:
        return []
    tol = SETTINGS["snap_tolerance"]
    merged = plumber_table.merge_edges(edges, tol, tol, tol, tol)
    intersections = plumber_table.edges_to_intersections(merged, tol, tol)
    cells = plumber_table.intersections_to_cells(intersections)
    return [list(group) for group in plumber_table.cells_to_tables(cells)]


def grid_from_cells(page_no: int, cells: list) -> PageTable | None:
    """An empty grid (cells with boxes, no text) from cell boxes, or None if too small."""
    cells = [c for c in cells if c[2] - c[0] > 1 and c[3] - c[1] > 1]
    if not cells:
        return None
    n_rows, n_cols, placed = grid_cells(cells)
    if n_rows < MIN_ROWS or n_cols < MIN_COLS:
        return None
    table = PageTable(
        page=page_no,
        top=round(min(c[1] for c in cells), 2),
        bottom=round(max(c[3] for c in cells), 2),
        x0=round(min(c[0] for c in cells), 2),
        x1=round(max(c[2] for c in cells), 2),
        n_rows=n_rows,
        n_cols=n_cols,
        ocr=True,
    )
    from indexer.library.model import Cell

    for row, col, rowspan, colspan, (x0, top, x1, bottom) in sorted(placed):
        table.cells.append(Cell(row, col, "", rowspan, colspan, x0, top, x1, bottom))
    return table


def _cell_lines(words: list[Word]) -> list[tuple[float, str]]:
    """(vertical centre, text) of each line of words inside one cell."""
    from .tables import join_cell_lines

    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.top + w.bottom) / 2):
        middle = (word.top + word.bottom) / 2
        if rows:
            last = rows[-1]
            last_middle = sum((w.top + w.bottom) / 2 for w in last) / len(last)
            height = max(w.bottom - w.top for w in last)
            if abs(middle - last_middle) <= 0.5 * max(height, word.bottom - word.top):
                last.append(word)
                continue
        rows.append([word])
    out = []
    for row in rows:
        row.sort(key=lambda w: w.x0)
        text = clean_cell(join_cell_lines([fold_width(w.text) for w in row]))
        middle = sum((w.top + w.bottom) / 2 for w in row) / len(row)
        out.append((middle, text))
    return out


_EDGE_NOISE = "\"“”‘’'，,。、|_`~"
_NUMBER_RE = re.compile(r"^[0-9oO.．\s]+$")


def clean_cell(text: str) -> str:
    """What OCR leaves of the removed rules at a cell's edges, and the gaps it reads into
    numbers (`0. 06`, `o.1`), taken out."""
    text = text.strip().strip(_EDGE_NOISE).strip()
    text = re.sub(r"(?<=\d)\s*\.\s+(?=\d)", ".", text)
    if _NUMBER_RE.match(text) and any(ch.isdigit() for ch in text):
        text = text.replace("o", "0").replace("O", "0").replace(" ", "")
    return text


Reread = Callable[[tuple[float, float, float, float]], str]


def fill_from_words(grid: PageTable, words: list[Word], reread: Reread | None = None) -> PageTable:
    """A copy of the grid with each cell's text from the OCR words whose centre it holds."""
    copy = replace(grid, cells=[], ocr=True)
    read = []
    boxes = {}
    for cell in grid.cells:
        inside = [
            w
            for w in words
            if cell.x0 <= (w.x0 + w.x1) / 2 <= cell.x1
            and cell.top <= (w.top + w.bottom) / 2 <= cell.bottom
        ]
        lines = _cell_lines(inside)
        if not lines and reread is not None:
            # the page's block reading lost an isolated word: read the cell on its own
            text = clean_cell(fold_width(reread((cell.x0, cell.top, cell.x1, cell.bottom))))
            lines = [((cell.top + cell.bottom) / 2, text)] if text else []
        read.append((cell.row, cell.col, cell.rowspan, cell.colspan, lines))
        boxes[(cell.row, cell.col)] = (cell.x0, cell.top, cell.x1, cell.bottom)
    fill_grid(copy, read, boxes)
    return copy


def page_tables(
    page_no: int,
    words: list[Word],
    grids: list[PageTable] | None,
    rules: list[tuple[bool, int, int, int]],
    pt_per_px: float,
    offset: tuple[float, float],
    reread: Reread | None = None,
) -> list[PageTable]:
    """The tables of one OCR'd page: the drawn grids when extraction found some, otherwise
    the grids the image's rules make; each filled from the words."""
    if grids:
        empty = grids
    else:
        empty = [
            grid
            for cells in grids_from_rules(rules, pt_per_px, offset)
            if (grid := grid_from_cells(page_no, cells)) is not None
        ]
    filled = [fill_from_words(grid, words, reread) for grid in empty]
    return [grid for grid in filled if any(cell.text for cell in grid.cells)]
