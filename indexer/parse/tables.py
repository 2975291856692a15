"""Page grids → the tables of a standard: caption, header paths, rows, units, notes.

Pure functions over the `PageTable`s extraction found and the printed lines around them.

* The caption is the `表1 …` line just above a grid (`续表` above a continuation); a
  units line (`单位：mg/L`) sits beside or under the caption, or in the grid's first row.
* Header rows are the rows the first row's cells reach down to (`序号` printed over two
  rows makes a two-row header); each column's header is the path of the header cells above
  it, top to bottom (`["一级标准", "A标准"]`).
* A merged cell's text fills every grid position it covers, so each row reads on its own
  and stays aligned with the header.
* A grid continuing the previous page's last table (`续表`, or no caption of its own at
  the top of the page with as many columns) is appended to it, its repeated header
  dropped.
* Notes are the `注：` lines printed right under the grid, or a last row made of one
  merged cell starting with 注.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from indexer.library.model import Line, Page, PageTable, Table

CAPTION_RE = re.compile(
    r"^[\s,，.。、“”\"']*(?P<cont>续\s*)?表\s*(?P<no>[A-Z]?\s*[.．]?\s*\d+(?:\s*[.．]\s*\d+)*)?(?P<rest>.*)$"
)
UNITS_RE = re.compile(r"(?:计量)?单位\s*(?:[:：]\s*(?P<units>\S.*)|(?P<bare>[A-Za-zμ%℃°].*))$")
NOTE_RE = re.compile(r"^\s*(?:注|说明)\s*(?:\d+|[①-⑳])?\s*[:：]")
# How far above a grid its caption may be, and below it its notes, in line heights.
CAPTION_REACH = 3.5
NOTE_REACH = 1.8


def _units(match: re.Match) -> str:
    return (match.group("units") or match.group("bare") or "").strip()


def _height(line: Line) -> float:
    return max(line.bottom - line.top, line.size, 8.0)


def _above(page: Page, grid: PageTable) -> list[Line]:
    """Lines above the grid, nearest first, while they stay close."""
    lines = sorted(
        (line for line in page.lines if line.bottom <= grid.top + 1.0),
        key=lambda line: -line.bottom,
    )
    out: list[Line] = []
    edge = grid.top
    for line in lines:
        if edge - line.bottom > CAPTION_REACH * _height(line):
            break
        out.append(line)
        edge = line.top
        if len(out) == 3:
            break
    return out


def caption_of(page: Page, grid: PageTable) -> tuple[Line | None, str, str, bool, str]:
    """(caption line, table number, caption, continued, units) printed above a grid."""
    units = ""
    for line in _above(page, grid):
        match = CAPTION_RE.match(line.text)
        text = line.text
        found_units = UNITS_RE.search(text)
        if found_units and not units:
            units = _units(found_units)
            text = text[: found_units.start()].rstrip()
        match = CAPTION_RE.match(text)
        if match and (match.group("no") or match.group("cont")):
            no = re.sub(r"\s+", "", match.group("no") or "").replace("．", ".")
            caption = match.group("rest").strip(" \t,，.。:：、")
            return line, no, caption, bool(match.group("cont")), units
        if not found_units:
            break
    return None, "", "", False, units


def notes_below(page: Page, grid: PageTable) -> list[Line]:
    """`注：` lines printed right under the grid (with the lines wrapped from them)."""
    below = sorted(
        (
            line
            for line in page.lines
            if line.top >= grid.bottom - 1.0 and not any(g.holds(line) for g in page.tables)
        ),
        key=lambda line: line.top,
    )
    out: list[Line] = []
    edge = grid.bottom
    for line in below:
        if line.top - edge > NOTE_REACH * _height(line):
            break
        if not out and not NOTE_RE.match(line.text):
            break
        caption = CAPTION_RE.match(line.text)
        if caption and (caption.group("no") or caption.group("cont")):
            break
        if out and not NOTE_RE.match(line.text) and line.x0 < out[0].x0 - 2.0:
            break  # back at the margin: the prose goes on
        out.append(line)
        edge = line.bottom
    return out


def _covering(grid: PageTable) -> list[list[str]]:
    """The grid as a full matrix: each merged cell's text in every position it covers."""
    matrix = [[""] * grid.n_cols for _ in range(grid.n_rows)]
    for cell in grid.cells:
        for r in range(cell.row, min(grid.n_rows, cell.row + cell.rowspan)):
            for c in range(cell.col, min(grid.n_cols, cell.col + cell.colspan)):
                matrix[r][c] = cell.text
    return matrix


def header_rows(grid: PageTable) -> int:
    """How many rows the header takes: as far down as the first row's cells reach."""
    first = [c for c in grid.cells if c.row == 0]
    if not first or grid.n_rows < 2:
        return 0
    return max(1, min(grid.n_rows - 1, max(c.rowspan for c in first)))


def _owner(grid: PageTable) -> list[list[int]]:
    owner = [[-1] * grid.n_cols for _ in range(grid.n_rows)]
    for i, cell in enumerate(grid.cells):
        for r in range(cell.row, min(grid.n_rows, cell.row + cell.rowspan)):
            for c in range(cell.col, min(grid.n_cols, cell.col + cell.colspan)):
                owner[r][c] = i
    return owner


def column_paths(grid: PageTable, rows: int) -> list[list[str]]:
    """Each column's header cells, top to bottom, a cell spanning rows counted once."""
    owner = _owner(grid)
    paths = []
    for c in range(grid.n_cols):
        path: list[str] = []
        seen: set[int] = set()
        for r in range(rows):
            i = owner[r][c]
            if i < 0 or i in seen:
                continue
            seen.add(i)
            text = grid.cells[i].text
            if text:
                path.append(text)
        paths.append(path)
    return paths


def _single_cell_rows(grid: PageTable) -> set[int]:
    """Rows made of one cell spanning the whole width (a units or notes row)."""
    return {c.row for c in grid.cells if c.col == 0 and c.colspan >= grid.n_cols and c.rowspan == 1}


def assemble_tables(pages: list[Page], clause_of: dict[int, str] | None = None) -> list[Table]:
    """The tables of a standard in document order; `clause_of` maps `id(grid)` to the
    clause the grid was printed in."""
    clause_of = clause_of or {}
    by_number = {page.number: page for page in pages}
    tables: list[Table] = []
    last_grid: PageTable | None = None
    last_header = 0
    for page in pages:
        for index, grid in enumerate(sorted(page.tables, key=lambda g: g.top)):
            if not any(cell.text for cell in grid.cells):
                continue
            _line, no, caption, continued, units = caption_of(page, grid)
            header_n = header_rows(grid)
            matrix = _covering(grid)
            whole_rows = _single_cell_rows(grid)
            body = [r for r in range(header_n, grid.n_rows) if r not in whole_rows or r == 0]
            notes: list[str] = []
            for r in sorted(whole_rows):
                text = matrix[r][0]
                if NOTE_RE.match(text):
                    notes.append(text)
                elif UNITS_RE.search(text) and r < header_n + 1:
                    units = units or _units(UNITS_RE.search(text))
                elif r >= header_n:
                    body.append(r)
            body.sort()
            notes.extend(line.text for line in notes_below(page, grid))
            header = column_paths(grid, header_n)
            rows = [matrix[r] for r in body]
            prev = tables[-1] if tables else None
            if (
                prev is not None
                and last_grid is not None
                and index == 0
                and last_grid.page == page.number - 1
                and (continued or (not no and _first_on_page(by_number[page.number], grid)))
                and len(prev.header) == grid.n_cols
            ):
                if not repeats_header(header, prev.header):
                    # no repeated header: the first rows are data
                    rows = [matrix[r] for r in range(grid.n_rows) if r not in whole_rows]
                prev.rows.extend(rows)
                prev.notes.extend(notes)
                prev.page_end = page.number
                prev.units = prev.units or units
                last_grid, last_header = grid, header_n
                continue
            tables.append(
                Table(
                    table_no=no,
                    caption=caption,
                    clause_no=clause_of.get(id(grid), ""),
                    page_start=page.number,
                    page_end=page.number,
                    header=header,
                    rows=rows,
                    units=units,
                    notes=notes,
                    ocr=grid.ocr,
                )
            )
            last_grid, last_header = grid, header_n
    del last_header
    return tables


def repeats_header(header: list[list[str]], first: list[list[str]]) -> bool:
    """Whether a continuation's header rows repeat the table's header: the same shape and
    mostly the same text (a header read by OCR on one page may differ by a character)."""
    if header == first:
        return True
    if not header or [len(p) for p in header] != [len(p) for p in first]:
        return False
    a = "".join("".join(path) for path in header)
    b = "".join("".join(path) for path in first)
    return bool(a) and SequenceMatcher(None, a, b).ratio() >= 0.8


def _first_on_page(page: Page, grid: PageTable) -> bool:
    """No body text above the grid: it continues the table of the previous page."""
    return sum(1 for line in page.lines if line.bottom <= grid.top) <= 2
