"""PDF pages → cleaned printed lines, with pdfplumber.

Lines are assembled from characters ourselves rather than with `extract_text()`:

* standard PDFs mix fonts whose glyph boxes sit at different heights on one printed line
  (a CJK font and a Latin font report boxes 8 pt apart in GB/T 7714), so characters are
  grouped by their baseline (the text matrix origin), not by their boxes;
* some Latin fonts report every glyph a full em wide, so gaps between glyphs are measured
  from the glyph origin with an estimated advance, not from the reported box;
* fake bold is printed by overprinting each glyph a fraction of a point apart, and
  `page.dedupe_chars()` costs as much as parsing the page, so duplicates are dropped in
  the same single pass that reads the characters;
* watermarks are rotated or set at an angle; only upright, unskewed glyphs are kept.

After assembly, each page's text layer is judged (`garbled.assess_page`) and the running
headers, footers and page numbers are moved to `Page.removed` (`page_cleanup`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

import pdfplumber
from pdfminer.fontmetrics import FONT_METRICS

from analyzers.normalize import fold_width, is_cjk_or_punct
from indexer.library.model import Line, Page

from .garbled import assess_page
from .page_cleanup import remove_running_lines
from .tables import page_tables, with_scripts

# Overprinted (fake bold) copies of a glyph lie within this many points of the original.
DEDUPE_TOLERANCE = 1.0
# A glyph whose baseline turns by more than this ratio is a watermark or a rotated
# table label, never body text.
MAX_SKEW = 0.05
# Gaps, in ems of the larger neighbouring glyph.
WORD_GAP = 0.2  # between Latin words and numbers (less than a Times space, 0.25 em)
COLUMN_GAP = 2.5  # between cells or columns, kept even next to CJK
MAX_CORRECTION = 0.15  # of a guessed Latin advance, in ems
DASH_GAP = 0.6  # around — in `GB/T 1.1—2009` glyph origins leave a small gap

_TIMES = FONT_METRICS["Times-Roman"][1]
_DASHES = set("—–―‐-－")
_NO_SPACE_BEFORE = set(".,;:!?)]}%/'\"")
_NO_SPACE_AFTER = set("([{/'\"")


@cache
def _fold(text: str) -> str:
    # circled numbers mark footnotes (`120①` in a table of limits): folded to digits they
    # would change the value they stand beside
    if "\u2460" <= text <= "\u2473":
        return text
    return fold_width(text)


# Word puts the Symbol font's characters at private-use code points F020–F0FF (its byte
# code plus F000); limits in emission standards are printed with them (`≥1h`, `≤20`).
_SYMBOL_LOW = (
    " !∀#∃%&∋()∗+,−./0123456789:;<=>?≅ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ[∴]⊥_‾"
    "αβχδεφγηιϕκλμνοπθρστυϖωξψζ{|}∼"
)
_SYMBOL_HIGH = dict(
    zip(
        range(0xA1, 0xBD),
        "ϒ′≤⁄∞ƒ♣♦♥♠↔←↑→↓°±″≥×∝∂•÷≠≡≈…",
        strict=True,
    )
) | {
    0xC5: "⊕",
    0xC6: "∅",
    0xC7: "∩",
    0xC8: "∪",
    0xD0: "∠",
    0xD1: "∇",
    0xD6: "√",
    0xD7: "⋅",
    0xD8: "¬",
    0xD9: "∧",
    0xDA: "∨",
    0xE5: "∑",
    0xF2: "∫",
}
# Founder (方正, `…-PK748…`) Latin fonts print the full stop and hyphen from private use.
_FOUNDER = {"\ue010": ".", "\ue011": "-"}


def _shift_table() -> dict[str, str]:
    """GB2312 rows D2–D4 back to rows A1–A3 (punctuation, full-width digits and letters).

    Some Founder-made PDFs give their Latin fonts a ToUnicode map shifted by 0x3100, so
    `1 0 、 。` come out as `员 园 尧 遥` while the Chinese, in another font, is right.
    """
    table = {}
    for lead in (0xD2, 0xD3, 0xD4):
        for trail in range(0xA1, 0xFF):
            try:
                shifted = bytes((lead, trail)).decode("gb2312")
                meant = bytes((lead - 0x31, trail)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            table[shifted] = "—" if meant == "―" else meant  # GB2312 A1AA is the em dash
    table["郾"] = "."  # the one code of that encoding outside the shifted rows
    return table


_SHIFTED = _shift_table()
# A font is shifted when nearly all its characters on a page fall in those three rows.
SHIFTED_FONT_SHARE = 0.8


def shifted_fonts(chars: list[dict]) -> set[str]:
    """Fonts of the page whose characters are (almost) all GB2312 codes shifted by 0x3100."""
    total: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    for c in chars:
        text = c["text"]
        if "\u4e00" <= text <= "\u9fff":
            font = c["fontname"]
            total[font] += 1
            if text in _SHIFTED:
                hits[font] += 1
    return {font for font, n in hits.items() if n >= 2 and n >= SHIFTED_FONT_SHARE * total[font]}


def _private_use(raw: str, fontname: str) -> str:
    """The character a private-use code point stands for in the fonts known to use one."""
    code = ord(raw)
    if "Symbol" in fontname and 0xF020 <= code <= 0xF0FF:
        low = code - 0xF020
        if low < len(_SYMBOL_LOW):
            return _SYMBOL_LOW[low]
        return _SYMBOL_HIGH.get(code - 0xF000, raw)
    if "PK74" in fontname:
        return _FOUNDER.get(raw, raw)
    return raw


@cache
def _kind(ch: str) -> int:
    """0 Latin/digits/ASCII symbols, 1 CJK or Chinese punctuation, 2 dash."""
    if ch in _DASHES:
        return 2
    return 1 if is_cjk_or_punct(ch) else 0


@cache
def _latin_advance(ch: str) -> float:
    """Advance of an ASCII glyph in ems, from Times metrics (Chinese standards set Latin
    text in a Times-like face)."""
    return _TIMES.get(ch, 500) / 1000


@dataclass(slots=True)
class _Glyph:
    base: float  # baseline, top-based page coordinates
    x0: float
    end: float  # where the next glyph would start without a gap
    size: float
    text: str  # folded
    guessed: bool = False  # advance estimated: the font's widths are bogus


def read_glyphs(page: pdfplumber.page.Page) -> tuple[list[_Glyph], int]:
    """Upright, de-duplicated glyphs of a page and how many were dropped as rotated."""
    glyphs: list[_Glyph] = []
    seen: dict[tuple, list[tuple[float, float]]] = {}
    rotated = 0
    tol = DEDUPE_TOLERANCE
    cell = 2 * tol
    floor = math.floor
    chars = page.chars
    shifted = shifted_fonts(chars)
    for c in chars:
        raw = c["text"]
        if shifted and raw in _SHIFTED and c["fontname"] in shifted:
            raw = _SHIFTED[raw]
        if raw.isspace():
            continue
        a, b, _c, d, _e, f = c["matrix"]
        if b and abs(b) > MAX_SKEW * abs(a):
            # the baseline is not horizontal: a watermark or a rotated label (a shear
            # alone, `cc`, is italic type and stays)
            rotated += 1
            continue
        if a <= 0 or d <= 0:
            rotated += 1
            continue
        # top-based coordinate of the baseline: `bottom` is measured from the same edge
        # as the PDF's y axis, so bottom + y0 is that edge and f the glyph origin.
        base = c["bottom"] + c["y0"] - f
        x0 = c["x0"]
        if _is_overprint(seen, raw, x0, base):
            continue
        seen.setdefault((raw, floor(x0 / cell), floor(base / cell)), []).append((x0, base))
        if "\ue000" <= raw <= "\uf8ff":
            raw = _private_use(raw, c["fontname"])
        text = _fold(raw)
        size = c["size"]
        width = c["x1"] - x0
        if len(text) == 1 and text < "\x80" and width > 0.9 * size:
            # the font claims a full em for a narrow Latin glyph: its widths are bogus
            glyphs.append(_Glyph(base, x0, x0 + _latin_advance(text) * size, size, text, True))
        else:
            glyphs.append(_Glyph(base, x0, x0 + width, size, text))
    return glyphs, rotated


def _is_overprint(seen: dict, raw: str, x0: float, base: float) -> bool:
    """Whether the same glyph was already printed within the tolerance of this spot."""
    tol = DEDUPE_TOLERANCE
    cell = 2 * tol
    for xi in {math.floor((x0 - tol) / cell), math.floor((x0 + tol) / cell)}:
        for yi in {math.floor((base - tol) / cell), math.floor((base + tol) / cell)}:
            for x, y in seen.get((raw, xi, yi), ()):
                if abs(x - x0) <= tol and abs(y - base) <= tol:
                    return True
    return False


def group_rows(glyphs: list[_Glyph]) -> list[list[_Glyph]]:
    """Glyphs sharing a baseline (within a third of an em), each row in x order."""
    if not glyphs:
        return []
    glyphs = sorted(glyphs, key=lambda g: g.base)
    rows: list[list[_Glyph]] = []
    row = [glyphs[0]]
    anchor = glyphs[0].base
    reach = 0.35 * glyphs[0].size
    for g in glyphs[1:]:
        if g.base - anchor <= min(reach, 0.35 * g.size):
            row.append(g)
        else:
            rows.append(row)
            row = [g]
            anchor = g.base
            reach = 0.35 * g.size
    rows.append(row)
    rows = _merge_scripts(rows)
    for r in rows:
        r.sort(key=lambda g: g.x0)
    return rows


def _row_size(row: list[_Glyph]) -> float:
    return sorted(g.size for g in row)[len(row) // 2]


def _merge_scripts(rows: list[list[_Glyph]]) -> list[list[_Glyph]]:
    """Fold rows of small raised or lowered glyphs (m³, SO₂) into the line they belong to."""
    if len(rows) < 2:
        return rows
    sizes = [_row_size(r) for r in rows]
    bases = [r[0].base for r in rows]
    keep = [True] * len(rows)
    for i, row in enumerate(rows):
        if len(row) > 6:
            continue
        best = None
        for j in (i - 1, i + 1):
            if not 0 <= j < len(rows) or not keep[j] or sizes[i] > 0.85 * sizes[j]:
                continue
            shift = bases[i] - bases[j]
            if -0.75 * sizes[j] <= shift <= 0.45 * sizes[j] and _overlaps_x(row, rows[j]):
                best = j
                break
        if best is not None:
            rows[best].extend(row)
            keep[i] = False
    return [r for r, k in zip(rows, keep, strict=True) if k]


def _overlaps_x(row: list[_Glyph], other: list[_Glyph]) -> bool:
    x0 = min(g.x0 for g in other)
    x1 = max(g.end for g in other)
    return any(x0 - 2 * g.size <= g.x0 <= x1 + 2 * g.size for g in row)


def _same_word_class(a: str, b: str) -> bool:
    """Two letters or two digits: mostly inside one word or number."""
    return (a.isascii() and b.isascii()) and (
        (a.isalpha() and b.isalpha()) or (a.isdigit() and b.isdigit())
    )


Corrections = tuple[dict[str, float], dict[str, float]]


def advance_corrections(rows: list[list[_Glyph]]) -> Corrections:
    """Extra space the font leaves after and before each guessed Latin glyph, in ems.

    The smallest gap ever seen after a glyph inside a word is its own extra width, and
    what remains before the next glyph, its offset; both are measured on the page itself.
    A glyph always followed by a space would take the space for width, so a correction
    needs two sightings and is capped below a space.
    """
    pairs = [
        (a, b, (b.x0 - a.end) / max(a.size, b.size))
        for row in rows
        for a, b in pairwise(row)
        if a.guessed and b.guessed and _same_word_class(a.text, b.text)
    ]
    after = _smallest(((a.text, gap) for a, _b, gap in pairs))
    before = _smallest(((b.text, gap - after.get(a.text, 0.0)) for a, b, gap in pairs))
    return after, before


def _smallest(sightings: Iterable[tuple[str, float]]) -> dict[str, float]:
    smallest: dict[str, float] = {}
    seen: Counter[str] = Counter()
    for ch, gap in sightings:
        seen[ch] += 1
        if gap < smallest.get(ch, math.inf):
            smallest[ch] = gap
    return {
        ch: min(gap, MAX_CORRECTION)
        for ch, gap in smallest.items()
        if gap > 0 and seen[ch] >= 2  # one sighting may well be a word space
    }


def row_text(row: list[_Glyph], corrections: Corrections | None = None) -> str:
    """The printed text of one row: spaces where the gap means one.

    Between CJK characters and next to Chinese punctuation a gap is letter-spacing or
    justification and never a word boundary; only a gap as wide as a table column is kept.
    Between Latin words and numbers a gap of a fifth of an em is a space.
    """
    gaps = [(g.x0 - p.end) / max(g.size, p.size) for p, g in pairwise(row)]
    if corrections:
        after, before = corrections
        gaps = [
            gap - after.get(p.text, 0.0) - before.get(g.text, 0.0)
            if p.guessed and g.guessed
            else gap
            for gap, (p, g) in zip(gaps, pairwise(row), strict=True)
        ]
    parts = [row[0].text]
    for i, g in enumerate(row[1:]):
        prev = row[i]
        gap = gaps[i]
        if prev.guessed and i + 1 < len(gaps) and gaps[i + 1] < 0:
            # a glyph whose origin sits late shows as a gap before it and an overlap after
            gap += gaps[i + 1]
        if gap > WORD_GAP:
            left, right = prev.text[-1], g.text[0]
            kinds = _kind(left) | (_kind(right) << 2)
            if kinds & 0b0101:  # a CJK character or Chinese punctuation on either side
                limit = COLUMN_GAP
            elif kinds & 0b1010:  # a dash on either side
                limit = DASH_GAP
            elif (
                right in _NO_SPACE_BEFORE
                or left in _NO_SPACE_AFTER
                or (left == "." and right.isdigit())  # `4.3`, `13.030.10`
            ):
                limit = 1.0
            else:
                limit = WORD_GAP
            if gap > limit:
                parts.append(" ")
        parts.append(g.text)
    return " ".join("".join(parts).split())


def drawn_dashes(page: pdfplumber.page.Page) -> list[tuple[float, float, float]]:
    """(x0, x1, middle) of short thin horizontal bars: dashes some typesetters draw
    instead of printing a glyph (`GB 12348—2008`, `2008-08-19` on covers)."""
    found = []
    for shape in (*page.rects, *page.lines):
        width = shape["x1"] - shape["x0"]
        if shape["bottom"] - shape["top"] <= 2.0 and 2.0 <= width <= 40.0:
            found.append((shape["x0"], shape["x1"], (shape["top"] + shape["bottom"]) / 2))
    return found


def insert_dashes(row: list[_Glyph], dashes: list[tuple[float, float, float]]) -> list[_Glyph]:
    """The row with a dash glyph wherever a drawn bar fills a gap at dash height."""
    out = [row[0]]
    for prev, g in pairwise(row):
        size = max(prev.size, g.size)
        # between words or numbers only: a fraction bar next to `=` is no dash
        if g.x0 - prev.end > 0.3 * size and prev.text[-1].isalnum() and g.text[0].isalnum():
            for x0, x1, middle in dashes:
                if (
                    x0 >= prev.end - 0.5
                    and x1 <= g.x0 + 0.5
                    and g.base - 0.75 * size <= middle <= g.base - 0.05 * size
                ):
                    text = "—" if x1 - x0 >= 0.75 * size else "-"
                    out.append(_Glyph(g.base, x0, x1, size, text))
                    break
        out.append(g)
    return out


def page_lines(
    page: pdfplumber.page.Page, number: int, read: tuple[list[_Glyph], int] | None = None
) -> tuple[list[Line], int]:
    """Printed lines of one page in reading order, and the count of rotated glyphs
    (`read`: the page's glyphs when the caller has read them already)."""
    glyphs, rotated = read or read_glyphs(page)
    x_origin = float(page.bbox[0])
    lines = []
    rows = group_rows(glyphs)
    dashes = drawn_dashes(page)
    if dashes:
        rows = [insert_dashes(row, dashes) for row in rows]
    corrections = advance_corrections(rows) if any(g.guessed for g in glyphs) else None
    for row in rows:
        text = row_text(row, corrections)
        if not text:
            continue
        size = _row_size(row)
        lines.append(
            Line(
                text=text,
                page=number,
                top=round(min(g.base - 0.86 * g.size for g in row), 2),
                bottom=round(max(g.base + 0.14 * g.size for g in row), 2),
                x0=round(row[0].x0 - x_origin, 2),
                x1=round(max(g.end for g in row) - x_origin, 2),
                size=round(size, 1),
            )
        )
    return lines, rotated


def cell_lines(glyphs: list[_Glyph]) -> list[tuple[float, str]]:
    """(baseline, text) of the printed lines inside one table cell, scripts marked."""
    return [(row[0].base, row_text(with_scripts(row))) for row in group_rows(glyphs)]


def read_page(page: pdfplumber.page.Page, number: int) -> Page:
    """One page's raw lines and, when its text cannot be trusted, why."""
    read = read_glyphs(page)
    lines, _rotated = page_lines(page, number, read)
    result = Page(number=number, width=float(page.width), height=float(page.height), lines=lines)
    result.tables = page_tables(page, number, read[0], cell_lines)
    image_area = sum(
        max(0.0, float(im["x1"]) - float(im["x0"]))
        * max(0.0, float(im["bottom"]) - float(im["top"]))
        for im in page.images
    )
    coverage = min(1.0, image_area / max(1.0, result.width * result.height))
    reason = assess_page(
        "\n".join(line.text for line in lines), image_coverage=coverage, curves=len(page.curves)
    )
    if reason:
        result.needs_ocr = reason
        result.lines = []
        for table in result.tables:  # the grid stands; its text will come from OCR
            for cell in table.cells:
                cell.text = ""
    return result


def extract_pages(path: str, pages: Iterable[int] | None = None) -> list[Page]:
    """Cleaned lines of every page (1-based numbers), in reading order.

    Running headers, footers and page numbers are found by their repetition across the
    pages read, so reading a subset of pages finds fewer of them.
    """
    result = []
    with pdfplumber.open(path) as pdf:
        wanted = set(pages) if pages is not None else None
        for number, page in enumerate(pdf.pages, start=1):
            if wanted is not None and number not in wanted:
                continue
            result.append(read_page(page, number))
            page.close()
    return remove_running_lines(result)
