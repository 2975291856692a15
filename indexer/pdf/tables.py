"""Ruled tables of a page, found by pdfplumber and filled with our own glyphs.

pdfplumber's table finder (`page.find_tables`) locates the grid from the drawn rules; the
cell text is assembled from the same de-duplicated, width-folded glyphs as the page's
lines (`extract.read_glyphs`), so a cell reads exactly as the prose would (symbol fonts,
shifted encodings, sub- and superscripts). Only the ruling-line strategy is used: the
text strategy, tried on the corpus, takes two-column prose, 目次 pages and formula
layouts for tables, and the tables of standards are printed with rules.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

import pdfplumber

from indexer.library.model import Cell, PageTable

# Tuned on the corpus: rules drawn as thin filled rectangles in two halves meet within
# a few points; text is never taken as a rule.
SETTINGS = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
    "edge_min_length": 3,
}
# Pages with fewer drawn shapes than this carry no ruled table.
MIN_SHAPES = 4
# A grid must have at least this many rows and columns to be a table (a single boxed
# formula or a framed note is not one).
MIN_ROWS = 2
MIN_COLS = 2


def _boundaries(values: list[float], tolerance: float = 1.5) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tolerance:
            out.append(v)
    return out


def _index(bounds: list[float], value: float, tolerance: float = 1.5) -> int:
    i = bisect.bisect_left(bounds, value - tolerance)
    return min(i, len(bounds) - 1)


def find_grids(page: pdfplumber.page.Page) -> list[tuple[tuple[float, float, float, float], list]]:
    """(bbox, cell bboxes) of every ruled table of the page, in pdfplumber coordinates."""
    if len(page.lines) + len(page.rects) + len(page.curves) < MIN_SHAPES:
        return []
    found = []
    settings = dict(SETTINGS, explicit_vertical_lines=open_sides(page))
    for table in page.find_tables(settings):
        cells = [c for c in table.cells if c[2] - c[0] > 1 and c[3] - c[1] > 1]
        if cells:
            found.append((table.bbox, cells))
    return found


# Rules of one open-sided table lie at most this far apart (points).
OPEN_SIDE_GAP = 150.0
MIN_RULE = 20.0


def open_sides(page: pdfplumber.page.Page) -> list[dict]:
    """Vertical edges closing tables printed without outer side rules.

    Many standards print tables open at the left and right (only the inner columns
    ruled, GB 18918-2002 表4 and 表5); the lines strategy then loses the first and last
    columns. Horizontal rules are joined where drawn in pieces; where at least three of
    them follow one another down the page, overlapping, a vertical edge is added at the
    outermost ends that two or more of them reach, unless a side is drawn there already
    (adding one would bridge two boxed tables printed one under the other).
    """
    from pdfplumber import table as plumber_table

    pieces = [e for e in page.edges if e["orientation"] == "h"]
    if len(pieces) < 3:
        return []
    rules = sorted(
        (e for e in plumber_table.merge_edges(pieces, 3, 3, 3, 3) if e["x1"] - e["x0"] >= MIN_RULE),
        key=lambda e: e["top"],
    )
    chains: list[list[dict]] = []
    for rule in rules:
        for chain in chains:
            last = chain[-1]
            overlap = min(last["x1"], rule["x1"]) - max(last["x0"], rule["x0"])
            shorter = min(last["x1"] - last["x0"], rule["x1"] - rule["x0"])
            if 0 <= rule["top"] - last["top"] <= OPEN_SIDE_GAP and overlap >= 0.5 * shorter:
                chain.append(rule)
                break
        else:
            chains.append([rule])
    drawn = [e for e in page.edges if e["orientation"] == "v"]
    sides = []
    for chain in chains:
        if len(chain) < 3:
            continue
        top, bottom = chain[0]["top"], chain[-1]["bottom"]
        left = min(e["x0"] for e in chain)
        right = max(e["x1"] for e in chain)
        for x, reach in ((left, "x0"), (right, "x1")):
            if sum(1 for e in chain if abs(e[reach] - x) <= 2.0) < 2:
                continue
            closed = sum(
                min(e["bottom"], bottom) - max(e["top"], top)
                for e in drawn
                if abs(e["x0"] - x) <= 3.0 and e["bottom"] > top and e["top"] < bottom
            )
            if closed >= 0.3 * (bottom - top):
                continue  # the side is drawn: the table is closed
            sides.append(
                {
                    "x0": x,
                    "x1": x,
                    "top": top,
                    "bottom": bottom,
                    "height": bottom - top,
                    "width": 0,
                    "orientation": "v",
                    "object_type": "line",
                }
            )
    return sides


def grid_cells(
    cells: list[tuple[float, float, float, float]],
) -> tuple[int, int, list[tuple[int, int, int, int, tuple]]]:
    """Rows, columns and (row, col, rowspan, colspan, bbox) of each cell of a grid."""
    xs = _boundaries([v for c in cells for v in (c[0], c[2])])
    ys = _boundaries([v for c in cells for v in (c[1], c[3])])
    placed = []
    for c in cells:
        c0, c1 = _index(xs, c[0]), _index(xs, c[2])
        r0, r1 = _index(ys, c[1]), _index(ys, c[3])
        placed.append((r0, c0, max(1, r1 - r0), max(1, c1 - c0), c))
    return len(ys) - 1, len(xs) - 1, placed


def page_tables(
    page: pdfplumber.page.Page,
    number: int,
    glyphs: list,
    cell_lines: Callable[[list], list[tuple[float, str]]],
) -> list[PageTable]:
    """The ruled tables of one page with their cells' text; `cell_lines` reads the glyphs
    of one cell as (baseline, text) lines, the way extraction reads a page's lines."""
    x_origin = float(page.bbox[0])
    result = []
    for bbox, cells in find_grids(page):
        n_rows, n_cols, placed = grid_cells(cells)
        if n_rows < MIN_ROWS or n_cols < MIN_COLS:
            continue
        table = PageTable(
            page=number,
            top=round(bbox[1], 2),
            bottom=round(bbox[3], 2),
            x0=round(bbox[0] - x_origin, 2),
            x1=round(bbox[2] - x_origin, 2),
            n_rows=n_rows,
            n_cols=n_cols,
        )
        read = []
        boxes = {}
        for row, col, rowspan, colspan, (x0, top, x1, bottom) in sorted(placed):
            boxes[(row, col)] = (x0 - x_origin, top, x1 - x_origin, bottom)
            inside = [
                g
                for g in glyphs
                if x0 <= (g.x0 + g.end) / 2 <= x1 and top <= g.base - 0.35 * g.size <= bottom
            ]
            read.append((row, col, rowspan, colspan, cell_lines(inside)))
        fill_grid(table, read, boxes)
        result.append(table)
    return result


_SUPER = str.maketrans("0123456789+-−", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻")
_SUB = str.maketrans("0123456789+-−", "₀₁₂₃₄₅₆₇₈₉₊₋₋")
# A glyph this much smaller than its row, raised or lowered, is a super- or subscript.
SCRIPT_SIZE = 0.8


def with_scripts(row: list) -> list:
    """The row with small raised digits as superscripts and small lowered ones as
    subscripts: in a cell, `10³` and `BOD₅` are values, and `103` or `BOD5` would be
    other values (prose keeps its plain digits for search)."""
    from dataclasses import replace

    sizes = sorted(g.size for g in row)
    size = sizes[len(sizes) // 2]
    main = [g.base for g in row if g.size > SCRIPT_SIZE * size]
    if not main or len(main) == len(row):
        return row
    base = sorted(main)[len(main) // 2]
    out = []
    for g in row:
        if g.size <= SCRIPT_SIZE * size and g.text.isascii():
            if g.base < base - 0.15 * size:
                g = replace(g, text=g.text.translate(_SUPER))
            elif g.base > base + 0.08 * size:
                g = replace(g, text=g.text.translate(_SUB))
        out.append(g)
    return out


def fill_grid(table: PageTable, read: list, boxes: dict) -> None:
    """The grid's cells from (row, col, rowspan, colspan, [(baseline, text)]) and the
    cells' boxes, rows packed without rules split first."""
    split, table.n_rows = split_unruled_rows(read, table.n_rows)
    packed = len(split) != len(read)
    for row, col, rowspan, colspan, lines in split:
        text = join_cell_lines([text for _base, text in lines])
        box = () if packed else boxes.get((row, col), ())
        table.cells.append(Cell(row, col, text, rowspan, colspan, *box))


ROW_NUMBER_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.．\-]{0,6}$")
# A first-column cell holding at least this many row numbers packs rows without rules.
MIN_PACKED = 3


def split_unruled_rows(read: list, n_rows: int) -> tuple[list, int]:
    """Rows printed without horizontal rules between them, split at the row numbers.

    Some tables rule only the columns (GB 18918-2002 table 7): a whole page of rows is
    one grid row. When its first cell is a column of short row numbers (`1`, `2`, …, `A.1`),
    each number starts a row, and every line of the other cells goes to the row of the
    last number printed at or above it.
    """
    out = []
    shift = 0
    for r in range(n_rows):
        in_row = [item for item in read if item[0] == r]
        first = next((item for item in in_row if item[1] == 0), None)
        anchors = [base for base, text in first[4]] if first else []
        packed = (
            first is not None
            and len(anchors) >= MIN_PACKED
            and all(ROW_NUMBER_RE.match(text) for _base, text in first[4])
            and all(item[2] == 1 for item in in_row)
            and not any(item[0] < r < item[0] + item[2] for item in read)
        )
        if not packed:
            out.extend((row + shift, col, rs, cs, lines) for row, col, rs, cs, lines in in_row)
            continue
        for _row, col, _rs, cs, lines in in_row:
            parts: list[list] = [[] for _ in anchors]
            for base, text in lines:
                k = max(0, bisect.bisect_right(anchors, base + 2.0) - 1)
                parts[k].append((base, text))
            for k, part in enumerate(parts):
                out.append((r + shift + k, col, 1, cs, part))
        shift += len(anchors) - 1
    return out, n_rows + shift


def join_cell_lines(lines: list[str]) -> str:
    """Lines wrapped inside a cell, joined: no space between CJK, one between words."""
    from analyzers.normalize import is_cjk_or_punct

    text = ""
    for line in (item for item in lines if item):
        if text and not (is_cjk_or_punct(text[-1]) or is_cjk_or_punct(line[0])):
            text += " "
        text += line
    return text
