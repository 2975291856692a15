"""Running headers, footers and page numbers: found across pages, moved to `Page.removed`.

A running line is printed in the top or bottom margin of many pages with the same text up
to its numbers (`GB/T 7714—2015`, `— 3 —`, `III`, a distributor's stamp). We look only at
the first and last few lines of each page, compare them by a signature that ignores
spacing and the page number, and remove a line when its signature recurs on enough
pages at about the same height. The horizontal position is ignored so that headers
alternating left and right on odd and even pages are found too. A body line is protected
by needing that recurrence: a heading or the first line of a clause is never printed on
a third of the pages.

Page numbers alone in a margin (`12`, `- 3 -`, `IV`, `第 3 页`) are removed even on a
single page, because nothing else is printed that way.
"""

from __future__ import annotations

import re
from collections import defaultdict
from statistics import median

from indexer.library.model import Line, Page

# Candidate zones, as fractions of the page height.
TOP_ZONE = 0.16
BOTTOM_ZONE = 0.84
# How many lines at each end of a page may be running lines.
EDGE_LINES = 3
# A signature is running when it recurs on this share of the pages with text…
MIN_SHARE = 0.3
# …and at least on this many pages.
MIN_PAGES = 2
# Recurrences further than this (in points) from the usual height are body text.
HEIGHT_SLACK = 12.0

# `GB/T 7714—2015`, `DB44/26-2001`, `T/GDRTA 002—2020`, `GB 5085.7—2019`, spaces removed.
_STD_NO = re.compile(r"^[A-Z]{1,6}(?:/[A-Z]{1,8})?\d+(?:/\d+)?(?:\.\d+)*[-—–]\d{2,4}$")
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－·•\s]*(?:\d{1,3}|[IVXLCivxlc]{1,7})[-—–－·•\s]*"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4})$"
)


def signature(text: str) -> str:
    """What recurs from page to page: a page number is `#` whatever its value, and a
    standard number followed by the page number (`GB/T 7714—2015 3`) loses the latter.

    Other digits are kept, so that numbered body lines (`表 1`, `表 2`) never look alike.
    """
    text = text.strip()
    if is_page_number(text):
        return "#"
    head, _, tail = text.rpartition(" ")
    if head and is_page_number(tail) and _STD_NO.match("".join(head.split())):
        text = head
    return "".join(text.split())


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


def _edge_lines(page: Page) -> list[tuple[str, int]]:
    """(zone, index) of the lines that could be running: the first and last few."""
    found = []
    n = len(page.lines)
    for i, line in enumerate(page.lines[:EDGE_LINES]):
        if line.bottom <= TOP_ZONE * page.height:
            found.append(("top", i))
    for i in range(max(0, n - EDGE_LINES), n):
        if page.lines[i].top >= BOTTOM_ZONE * page.height and ("top", i) not in found:
            found.append(("bottom", i))
    return found


def remove_running_lines(pages: list[Page]) -> list[Page]:
    """Move running headers, footers and page numbers from `lines` to `removed`."""
    text_pages = [p for p in pages if p.lines]
    occurrences: dict[tuple[str, str], list[tuple[Page, int]]] = defaultdict(list)
    for page in text_pages:
        seen = set()
        for zone, i in _edge_lines(page):
            key = (zone, signature(page.lines[i].text))
            if key not in seen:
                seen.add(key)
                occurrences[key].append((page, i))

    needed = max(MIN_PAGES, MIN_SHARE * len(text_pages))
    running: dict[int, set[int]] = defaultdict(set)
    for (_zone, sig), found in occurrences.items():
        if "续" in sig:  # a continued table's heading is body text
            continue
        if _STD_NO.match(sig) and len(found) >= MIN_PAGES:
            # drafts printed from a word processor put the header of some pages only,
            # at varying heights; a bare standard number in a margin is still a header
            for page, i in found:
                running[page.number].add(i)
            continue
        if len(found) < needed:
            continue
        usual = median(page.lines[i].top for page, i in found)
        for page, i in found:
            if abs(page.lines[i].top - usual) <= HEIGHT_SLACK:
                running[page.number].add(i)

    for page in text_pages:
        marked = _outermost(page, running.get(page.number, set()))
        if not marked:
            continue
        page.removed.extend(line for i, line in enumerate(page.lines) if i in marked)
        page.lines = [line for i, line in enumerate(page.lines) if i not in marked]
    return pages


def _outermost(page: Page, running: set[int]) -> set[int]:
    """Running lines and page numbers met from each edge before the first body line.

    A line that recurs but sits below a body line (a repeated table heading under the
    running header) stays.
    """
    lines = page.lines
    marked: set[int] = set()
    for order, zone in ((range(len(lines)), "top"), (reversed(range(len(lines))), "bottom")):
        for i in order:
            if i in marked:
                break
            line = lines[i]
            in_zone = (
                line.bottom <= TOP_ZONE * page.height
                if zone == "top"
                else line.top >= BOTTOM_ZONE * page.height
            )
            if not in_zone:
                break
            if i in running or (is_page_number(line.text) and _isolated(lines, i, marked)):
                marked.add(i)
            else:
                break
    return marked


def _isolated(lines: list[Line], i: int, removed: set[int]) -> bool:
    """Far enough from its neighbour lines that it is not the last row of a table."""
    line = lines[i]
    gaps = []
    if i > 0 and i - 1 not in removed:
        gaps.append(line.top - lines[i - 1].bottom)
    if i + 1 < len(lines) and i + 1 not in removed:
        gaps.append(lines[i + 1].top - line.bottom)
    return all(gap >= 0.8 * max(line.size, 1.0) for gap in gaps)
