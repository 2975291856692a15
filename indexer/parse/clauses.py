"""Cleaned pages → the GB/T 1.1 clause tree: 前言, 引言, chapters, clauses, annexes, 参考文献.

A standard is a sequence of numbered headings, but so is half of its body: table rows
(`7 总铅 一切排污单位 1.0`), values (`5.2 kPa`), list items and dates all start with a
number. A line is taken as a clause start only when everything agrees:

* the number continues the sequence (after 4.2 come 4.2.1, 4.3 or 5, never 4.1 again),
* it starts at the left margin of its page,
* the 目次, when the document prints one, lists it (for titled chapters and clauses of
  the depth the 目次 shows),
* and what follows the number reads like a heading (short, no sentence punctuation, not
  a paragraph running on to the next line) — otherwise it is a numbered paragraph
  without a title (`5.1.1 本标准…`): a clause with an empty heading and the text as body.

Where the text column sits is learnt per page side from the paragraphs that visibly wrap,
because tables, formulas and indented lists make any single page a poor witness. Named
parts (前言, 引言, 参考文献, 索引) and annex headings (`附录A` with its 规范性/资料性 label
and title in any arrangement) must stand out: centred or in larger type. Entries of the
术语和定义 chapter become `term` clauses headed by the Chinese term (see `terms.py`).
Cover, 目次 and imprint pages produce no clauses.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from itertools import pairwise
from statistics import median

from analyzers.normalize import is_cjk
from indexer.library.model import Clause, Line, Page, PageTable, Table

from .terms import is_terms_heading, split_term_line
from .toc import ANNEX_RE, LABEL_RE, NUMBERED_RE, Toc, clause_no_of, find_toc, is_leader_line

NAMED_PARTS = {
    "前言": "foreword",
    "引言": "introduction",
    "参考文献": "bibliography",
    "索引": "index",
}
HEADING_MAX = 45  # characters of a clause heading; longer is a paragraph
TERM_HEADING_MAX = 120  # a term line carries its English equivalent too

PAGE_NO_RE = re.compile(r"^[-—–·•\s]*(?:\d{1,4}|[IVXLCivxlc]{1,7})[-—–·•\s]*$")
MARKER_RE = re.compile(
    r"^(?:[a-z][)）]|[（(]?\d{1,2}[)）]|[（(][a-z][)）]|——|—|[•·▪■●○◆]|注\s*\d*\s*[:：]|"
    r"示例|表\s*[A-Z]?\.?\d|图\s*[A-Z]?\.?\d|式中|[①-⑳]|[A-Z]\.\d)"
)
UNIT_RE = re.compile(
    r"^(?:mg|μg|ng|g|kg|t|m|cm|mm|km|nm|μm|m2|m3|L|mL|Pa|kPa|MPa|hPa|℃|°|%|‰|dB|Hz|kHz|MHz|"
    r"d|h|min|s|ms|V|kV|mV|A|mA|W|kW|Bq|TBq|GBq|Sv|mSv|μSv)(?=[\s/·.,，;；)）\d]|$)"
)
END_PUNCT = "。；;！!？?"
# A value standing alone between spaces, as table cells print: `0.1`, `6～9`, `1 000`.
VALUE_RE = re.compile(r"(?:(?<=\s)|^)[-+]?\d+(?:\.\d+)?(?:[～~-]\d+(?:\.\d+)?)?(?=\s|$)")
# A speck before a clause number on a scanned page (`.4.1 标准分级`).
OCR_LEAD_RE = re.compile(r"^[.,，、·'‘’\"“”]\s*(?=\d)")
# A private-use glyph between two digits of a clause number is the dot of a font whose
# text layer does not map it (`3\ue0101` printed as 3.1).
PUA_DOT_RE = re.compile(r"(?<=\d)[\ue000-\uf8ff](?=\d)")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _similar(listed: str, heading: str) -> bool:
    """The heading printed in the body agrees with its 目次 entry (allowing for
    extraction noise on either side)."""
    a, b = _squash(listed), _squash(heading)
    if not a or not b or a in b or b in a:
        return True
    return SequenceMatcher(None, a, b).ratio() >= 0.6


@dataclass
class _PageFrame:
    """Where the text column of one page sits, to tell headings from indented body."""

    margin: float
    right: float
    width: float


@dataclass
class _Piece:
    """One line of clause body (or the text after a numbered paragraph's number)."""

    text: str
    line: Line


@dataclass
class _Open:
    clause: Clause
    key: tuple = ()
    pieces: list[_Piece] = field(default_factory=list)


# ---------------------------------------------------------------- page furniture


def _furniture(pages: list[Page]) -> set[int]:
    """ids of lines that are running headers, footers or page numbers.

    Extraction already moves these to `Page.removed`; this is the safety net for what
    slips through, so the clause text never carries them. Scanned pages sit anywhere on
    the sheet, so the first and last lines of a page count as its edges too.
    """
    drop: set[int] = set()
    counts: Counter[str] = Counter()
    edge_lines: list[tuple[Line, str]] = []
    for page in pages:
        ordered = sorted(page.lines, key=lambda line: line.top)
        ends = {id(line) for line in ordered[:2] + ordered[-2:]}
        outermost = {id(line) for line in ordered[:1] + ordered[-1:]}
        for line in page.lines:
            zone = line.top < page.height * 0.13 or line.top > page.height * 0.88
            near = id(line) in ends and (
                line.top < page.height * 0.25 or line.top > page.height * 0.75
            )
            if not (zone or near):
                continue
            key = re.sub(r"\d+", "#", re.sub(r"[^\w]+", "", line.text))
            edge_lines.append((line, key))
            if PAGE_NO_RE.match(line.text.strip(" .,、，。")) and (zone or id(line) in outermost):
                drop.add(id(line))
    for _line, key in edge_lines:
        counts[key] += 1
    text_pages = sum(1 for page in pages if page.lines)
    threshold = max(3, text_pages // 3)
    for line, key in edge_lines:
        # A key of digits alone says nothing: every page starts with some clause number.
        if key.strip("#") and counts[key] >= threshold and len(key) < 80:
            drop.add(id(line))
    return drop


COLOPHON_MARKS = ("版权专有", "侵权必究", "书号", "出版发行", "统一书号")


def _is_colophon(page: Page) -> bool:
    """The publisher's imprint page (出版发行, 书号, 版权专有) carries no clause text."""
    if len(page.lines) > 30:
        return False
    hits = sum(
        1 for line in page.lines if any(mark in _squash(line.text) for mark in COLOPHON_MARKS)
    )
    return hits >= 2


def _wrapped(lines: list[Line]) -> list[tuple[Line, Line]]:
    """(line, next line) pairs where a paragraph visibly wraps: the first long, reaching
    the right edge of its page's text and ending mid-sentence on a Chinese character,
    the next starting no further right. Their left edges are the text margin and the
    right edge of the first is the column's right edge, whatever tables and indented
    items surround them."""
    right_edge: dict[int, float] = {}
    for line in lines:
        if len(line.text) >= 15:
            right_edge[line.page] = max(right_edge.get(line.page, 0.0), line.x1)
    pairs = []
    for prev, line in pairwise(lines):
        if (
            prev.page == line.page
            and len(prev.text) >= 20
            and len(line.text) >= 8
            and is_cjk(prev.text[-1])
            and line.top > prev.top
            and line.x0 <= prev.x0 + 1.0
            and prev.x1 >= right_edge.get(prev.page, 0.0) - 3 * (prev.size or 10.0)
        ):
            pairs.append((prev, line))
    return pairs


def _right_end(line: Line, size: float) -> float:
    """Where a line's text ends; on a scanned page a speck can stretch the box to the edge.

    `3定义` read with a dot in the right margin spans the whole column; a chapter
    heading must not look like a paragraph running on because of it.
    """
    if not line.ocr:
        return line.x1
    text = line.text.strip()
    width = sum(1.2 * size if is_cjk(ch) else 0.7 * size for ch in text)
    return min(line.x1, line.x0 + width + 2.0 * size)


def _toc_last_chapter(toc: Toc) -> int | None:
    """The last chapter of a 目次 that goes on past it (annexes, 参考文献), so lists all.

    A clause entry counts for its chapter (`7.2.2` where OCR lost the line of 7); an
    entry without a heading is a misread page number.
    """
    numbered = [
        (i, int(e.clause_no.split(".")[0]))
        for i, e in enumerate(toc.entries)
        if re.fullmatch(r"\d+(?:\.\d+)*", e.clause_no) and e.heading.strip()
    ]
    if not numbered:
        return None
    closed = any(
        e.clause_no.startswith("附录") or e.clause_no in ("参考文献", "索引")
        for e in toc.entries[numbered[-1][0] + 1 :]
    )
    return max(chapter for _, chapter in numbered) if closed else None


def _mode(values: list[float]) -> float:
    counts = Counter(round(v) for v in values)
    best = max(counts.items(), key=lambda item: (item[1], -item[0]))[0]
    return min(v for v in values if round(v) == best)


def _frames(pages: list[Page], kept: dict[int, list[Line]]) -> dict[int, _PageFrame]:
    """The text column of every page, learnt over all pages of the same side and size.

    Odd and even pages are often offset by the binding margin; a single page may hold
    only a table or a formula, so one page alone is a poor witness of its own margin.
    A scanned sheet, though, lies on the scanner wherever it was put: an OCR page with
    paragraphs that wrap is its own witness.
    """
    groups: dict[tuple[int, int], list[Line]] = {}
    for page in pages:
        groups.setdefault((page.number % 2, round(page.width)), []).extend(
            kept.get(page.number, [])
        )
    frames_by_group = {key: _column(lines) for key, lines in groups.items() if lines}
    frames = {}
    for page in pages:
        own = kept.get(page.number, [])
        column = _column(own, min_wrapped=2, fallback=False) if page.ocr and own else None
        margin, right = column or frames_by_group.get(
            (page.number % 2, round(page.width)), (page.width * 0.1, page.width * 0.9)
        )
        frames[page.number] = _PageFrame(margin, right, page.width)
    return frames


def _column(
    lines: list[Line], min_wrapped: int = 3, fallback: bool = True
) -> tuple[float, float] | None:
    """(left margin, right edge) of the text column: where wrapped paragraph lines start
    and end; without enough of them, the leftmost edge many lines share."""
    pairs = _wrapped(lines)
    if len(pairs) >= min_wrapped:
        return _mode([line.x0 for _, line in pairs]), median(prev.x1 for prev, _ in pairs)
    if not fallback:
        return None
    xs = sorted(line.x0 for line in lines)
    need = max(3, len(xs) // 30)
    margin = next((x for x in xs if sum(1 for o in xs if abs(o - x) <= 2.0) >= need), xs[0])
    rights = sorted(line.x1 for line in lines if len(line.text) >= 15)
    right = rights[int(len(rights) * 0.9)] if rights else max(line.x1 for line in lines)
    return margin, right


# ---------------------------------------------------------------- numbering


def _key_of(match: re.Match) -> tuple:
    numbers = tuple(int(n) for n in re.sub(r"\s+", "", match.group("no")).split("."))
    letter = match.group("annex")
    return (letter, *numbers) if letter else numbers


def _follows(prev: tuple, cand: tuple, gap: int = 1) -> bool:
    """Does `cand` continue the numbering after `prev` (both without annex letters)?"""
    k = len(cand)
    if not prev:
        return k == 1 and cand[0] == 1
    if k == 1:
        return prev[0] < cand[0] <= prev[0] + gap
    if len(prev) < k - 1 or prev[: k - 1] != cand[: k - 1]:
        return False
    if len(prev) == k - 1:
        return 1 <= cand[-1] <= gap
    return prev[k - 1] < cand[-1] <= prev[k - 1] + gap


# Where a numbered line stands when a clause may start on it (`_Splitter.heading_position`).
MARGIN = "margin"
INDENT = "indent"


def _numbering_text(line: Line) -> str:
    """The line's text as its clause number is read."""
    text = line.text.strip()
    if line.ocr:
        # Specks read as punctuation: `.4.1标准分级`, `2引用标准,`, `4.2标准值.`
        text = OCR_LEAD_RE.sub("", text).rstrip(" ,.、'`")
    return text


def _rules_out_clause(rest: str) -> bool:
    """What follows a number shows it opens no clause: a unit (`5 mg/L`), a sign or
    punctuation (`30%`, `6～9`, `1)`, `2/3`)."""
    return bool(rest) and bool(
        UNIT_RE.match(rest) or rest[0] in "%‰~～-－/:：)）、．.×xX*+=<>≤≥±,，。"
    )


# ---------------------------------------------------------------- text joining


CAPTION_RE = re.compile(r"^[表图]\s*[A-Z]?\.?\d")


def _is_marker(text: str) -> bool:
    return bool(MARKER_RE.match(text))


def join_lines(pieces: list[tuple[str, Line, _PageFrame]]) -> str:
    """Body lines → text: wrapped lines joined, paragraph, list and table-row breaks kept.

    A printed line runs on into the next when it reaches the right edge of the column
    and the next line neither starts a list item nor is indented after a full stop.
    """
    out: list[str] = []
    prev: tuple[str, Line, _PageFrame] | None = None
    for text, line, frame in pieces:
        text = text.strip()
        if not text:
            continue
        if prev is None:
            out.append(text)
            prev = (text, line, frame)
            continue
        p_text, p_line, p_frame = prev
        size = p_line.size or 10.0
        full = p_line.x1 >= p_frame.right - 2.0 * size
        indented = line.x0 > frame.margin + 1.2 * (line.size or size)
        ended = p_text[-1] in END_PUNCT or p_text[-1] in "：:"
        caption = bool(CAPTION_RE.match(text)) and indented  # `表1中…` at the margin is prose
        starts_item = caption or (_is_marker(text) and not CAPTION_RE.match(text))
        if full and not starts_item and not (ended and indented):
            glue = (
                " "
                if p_text[-1].isascii()
                and p_text[-1].isalnum()
                and text[0].isascii()
                and text[0].isalnum()
                else ""
            )
            if re.search(r"[A-Za-z]-$", out[-1]) and text[0].islower():
                out[-1] = out[-1][:-1]  # an English word hyphenated at the line end
            out[-1] += glue + text
        else:
            out.append(text)
        prev = (text, line, frame)
    return "\n".join(out)


# ---------------------------------------------------------------- the splitter


class _Splitter:
    """One pass over the body lines, opening a clause at each accepted heading."""

    def __init__(self, pages: list[Page]):
        self.toc: Toc = find_toc(pages)
        drop = _furniture(pages)
        # (index of the first body line after a table, its grid): which clause holds it
        self.table_anchors: list[tuple[int, PageTable]] = []
        self.table_clauses: dict[int, str] = {}
        self.lines: list[Line] = []
        kept_by_page: dict[int, list[Line]] = {}
        for page in pages:
            if page.number in self.toc.pages or _is_colophon(page):
                continue
            grids = [grid for grid in page.tables if any(cell.text for cell in grid.cells)]
            kept = [
                line
                for line in page.lines
                if id(line) not in drop
                and line.text.strip()
                and not is_leader_line(line.text)
                and not any(grid.holds(line) for grid in grids)
            ]
            kept = [
                replace(line, text=PUA_DOT_RE.sub(".", line.text))
                if PUA_DOT_RE.search(line.text)
                else line
                for line in kept
            ]
            kept_by_page[page.number] = kept
            for grid in grids:
                before = sum(1 for line in kept if line.top < grid.top)
                self.table_anchors.append((len(self.lines) + before, grid))
            self.lines.extend(kept)
        self.frames = _frames(pages, kept_by_page)
        sizes = [line.size for line in self.lines if line.size]
        self.body_size = median(sizes) if sizes else 10.0
        self.toc_chapters = {
            e.clause_no for e in self.toc.entries if re.fullmatch(r"\d+", e.clause_no)
        }
        self.toc_numbers = self.toc.numbers()
        self.use_toc = len(self.toc_chapters) >= 2
        # A 目次 read by OCR (misread headings: `藏围` for 范围) or missing chapter
        # numbers may still confirm a heading, but it cannot veto one.
        chapters = [int(n) for n in self.toc_chapters]
        self.toc_vetoes = (
            self.use_toc
            and not self.toc.ocr
            and sorted(chapters) == list(range(1, max(chapters) + 1))
        )
        # Chapters past the last one a 目次 lists before its annexes do not exist, however
        # badly the 目次 was read: in a scanned bit table `9 摄像通道2定时拍照` is a row.
        self.toc_last_chapter = _toc_last_chapter(self.toc) if self.use_toc else None
        self.opened: list[_Open] = []
        self.stack: list[_Open] = []
        self.last: tuple = ()  # last clause number in the current chapter sequence or annex
        self.annex: str | None = None
        self.chapters_seen = False
        self.in_terms = False
        self.back_matter = False  # after 参考文献 or 索引 no chapter starts again

    # -- geometry

    def centered(self, line: Line) -> bool:
        frame = self.frames[line.page]
        middle = (frame.margin + frame.right) / 2
        return abs((line.x0 + line.x1) / 2 - middle) < 0.12 * (frame.right - frame.margin) and (
            line.x0 > frame.margin + 2 * (line.size or self.body_size)
        )

    def at_margin(self, line: Line) -> bool:
        frame = self.frames[line.page]
        return line.x0 <= frame.margin + 0.6 * (line.size or self.body_size)

    def centered_chapter(self, line: Line, match: re.Match) -> bool:
        """Old layouts centre their chapter headings (`1 主题内容与适用范围`)."""
        rest = match.group("rest").strip()
        return (
            "." not in match.group("no")
            and not match.group("annex")
            and bool(rest)
            and self.centered(line)
            and line.size >= self.body_size * 0.95
            and self.heading_like(rest, HEADING_MAX)
        )

    def at_indent(self, line: Line) -> bool:
        """At the first-line indent of a paragraph (two characters in)."""
        frame = self.frames[line.page]
        size = line.size or self.body_size
        return frame.margin + 0.6 * size < line.x0 <= frame.margin + 2.6 * size

    def prominent(self, line: Line) -> bool:
        return self.centered(line) or line.size > self.body_size + 1.0

    # -- classification

    def named(self, line: Line) -> str | None:
        text = _squash(line.text)
        if self.misread_foreword(line, text):
            return "前言"
        kind = NAMED_PARTS.get(text)
        # Printed centred or larger; a plain line will do for the very first part.
        if not kind or not (self.prominent(line) or not self.opened):
            return None
        if kind in ("foreword", "introduction") and self.chapters_seen:
            return None
        if kind in ("bibliography", "index") and not self.chapters_seen:
            return None
        return text

    def misread_foreword(self, line: Line, text: str) -> bool:
        """The 目次 promises a 前言 first; the first centred short heading after the 目次
        is it, however the scan was read (`刖 暑`)."""
        if self.opened or not self.toc.entries or self.toc.entries[0].clause_no != "前言":
            return False
        return (
            line.page > max(self.toc.pages)
            and 2 <= len(text) <= 4
            and self.centered(line)
            and line.size >= self.body_size
            and not NUMBERED_RE.match(text)
        )

    def annex_start(self, line: Line) -> re.Match | None:
        match = ANNEX_RE.match(line.text.strip())
        if not match or not self.chapters_seen:
            return None
        rest = match.group("rest").strip()
        if (
            rest
            and not LABEL_RE.match(rest)
            and not (self.prominent(line) and self.heading_like(rest, HEADING_MAX))
        ):
            return None  # `附录A给出了…` in running text; `附录A 标题` centred is a heading
        expected = "A" if self.annex is None else chr(ord(self.annex) + 1)
        if match.group("letter") != expected:
            return None
        # A bare `附录A` must stand out; with its (规范性附录) label it is unmistakable.
        if not rest and not self.prominent(line):
            return None
        return match

    def numbered(self, line: Line) -> tuple[re.Match, tuple] | None:
        """The number a clause starts with on this line, and its key; None for no clause.

        Numbers start table cells, list items and values as well: only a number the
        numbering expects, set where headings are set, opens a clause.
        """
        match = NUMBERED_RE.match(_numbering_text(line))
        if not match:
            return None
        restored = self.restored_dots(line, match)
        if restored is not None:
            found = NUMBERED_RE.match(restored)
            return found, _key_of(found)
        key = _key_of(match)
        match = self.without_enumeration_comma(match, key)
        if _rules_out_clause(match.group("rest")):
            return None
        position = self.heading_position(line, match)
        if position is None:
            return None
        numbers = self.numbers_in_scope(match, key)
        if numbers is None:
            return None
        return (match, key) if self.due(line, match, numbers, position == INDENT) else None

    def restored_dots(self, line: Line, match: re.Match) -> str | None:
        """`31 术语` at the margin where 3.1 is due, not chapter 31: the line with its dot.

        See `lost_dots`; only numbers printed like a chapter's are read so.
        """
        rest = match.group("rest").strip()
        if (
            "." in match.group("no")
            or match.group("annex")
            or not self.chapters_seen
            or (rest and not self.heading_like(rest, HEADING_MAX))
            or (self.annex is None and _follows(self.last, _key_of(match)))
        ):
            return None
        lost = self.lost_dots(match.group("no"))
        if not lost or not self.at_margin(line):
            return None
        return f"{lost} {rest}".strip()

    def without_enumeration_comma(self, match: re.Match, key: tuple) -> re.Match:
        """`1、范围`: an enumeration comma after the chapter number, as the 目次 confirms."""
        rest = match.group("rest")
        if rest.startswith("、") and self.listed_chapter(key, rest[1:]):
            return NUMBERED_RE.match(f"{key[0]} {rest[1:]}")
        return match

    def heading_position(self, line: Line, match: re.Match) -> str | None:
        """MARGIN for a line at the margin or a centred chapter heading, INDENT for one at
        a paragraph's first-line indent; None elsewhere, where no clause starts."""
        if self.at_margin(line) or self.centered_chapter(line, match):
            return MARGIN
        return INDENT if self.at_indent(line) else None

    def numbers_in_scope(self, match: re.Match, key: tuple) -> tuple | None:
        """The clause numbers without the annex letter; None when the line cannot continue
        the numbering in progress: another annex's, or the body's once an annex or the
        back matter has begun."""
        letter = match.group("annex")
        if letter:
            return key[1:] if letter == self.annex else None
        if self.annex is not None or self.back_matter:
            return None
        return key

    def due(self, line: Line, match: re.Match, numbers: tuple, indented: bool) -> bool:
        """Does the numbering expect `numbers` next (allowing for headings lost before)?"""
        if indented:
            # Some layouts indent numbered paragraphs and term entries like body text;
            # only the clause due next, below chapter level, is read there.
            return len(numbers) >= 2 and _follows(self.last, numbers)
        if _follows(self.last, numbers):
            return True
        if len(numbers) >= 2 and _follows(self.last, numbers, gap=2) and self.stands_alone(match):
            # One number skipped: its heading was lost (a misread scan, an unmapped glyph).
            return True
        clause_no = clause_no_of(match, line.text.strip())
        return bool(
            self.use_toc and clause_no in self.toc_numbers and _follows(self.last, numbers, gap=3)
        )

    @staticmethod
    def stands_alone(match: re.Match) -> bool:
        """A number alone on its line, as term entries and titled clauses print it."""
        return not match.group("rest").strip()

    def listed_chapter(self, key: tuple, heading: str) -> bool:
        if len(key) != 1 or isinstance(key[0], str) or not self.use_toc:
            return False
        listed = self.toc.heading(str(key[0]))
        return bool(listed) and _similar(listed, heading)

    def lost_dots(self, digits: str) -> str | None:
        """`31` (or `41通信方式`) where 3.1 (4.1) is due: the text layer lost the dot.

        Only a number that exactly spells one of the next expected clause numbers is
        read this way.
        """
        if self.annex is not None or not self.last:
            return None
        last = self.last
        expected = [(*last, 1)] + [(*last[:k], last[k] + 1) for k in range(1, len(last))]
        for key in expected:
            if "".join(str(n) for n in key) == digits:
                return ".".join(str(n) for n in key)
        return None

    def toc_rejects(self, clause_no: str, key: tuple, heading: str) -> bool:
        """A titled chapter or clause the 目次 lists differently or should list but does not."""
        if (
            self.toc_last_chapter is not None
            and len(key) == 1
            and isinstance(key[0], int)
            and key[0] > self.toc_last_chapter
        ):
            return True
        if not self.toc_vetoes or not heading:
            return False
        listed = self.toc.heading(clause_no)
        if listed and not _similar(listed, heading):
            return True
        if isinstance(key[0], str):
            return False
        if len(key) == 1:
            return clause_no not in self.toc_chapters
        if len(key) == 2:
            siblings = [
                e for e in self.toc_numbers if e.startswith(f"{key[0]}.") and e.count(".") == 1
            ]
            return bool(siblings) and clause_no not in self.toc_numbers
        return False

    def structural(self, line: Line) -> bool:
        text = line.text.strip()
        return bool(
            NUMBERED_RE.match(text)
            or _is_marker(text)
            or ANNEX_RE.match(text)
            or _squash(text) in NAMED_PARTS
        )

    def continues(self, line: Line, nxt: Line | None) -> bool:
        """Does the printed line run on into the next (a paragraph, not a heading)?"""
        if nxt is None:
            return False
        frame = self.frames[line.page]
        size = line.size or self.body_size
        return (
            _right_end(line, size) >= frame.right - 3.0 * size
            and self.at_margin(nxt)
            and not self.structural(nxt)
        )

    # -- building

    def open(
        self, clause_no: str, heading: str, level: int, kind: str, line: Line, key: tuple = ()
    ) -> _Open:
        while self.stack and self.stack[-1].clause.level >= level:
            self.stack.pop()
        parent = self.stack[-1].clause if self.stack else None
        path = [*parent.path, parent.heading or parent.clause_no] if parent else []
        clause = Clause(
            clause_no=clause_no,
            heading=heading,
            level=level,
            text="",
            page_start=line.page,
            page_end=line.page,
            kind=kind,
            parent=parent.clause_no if parent else None,
            path=path,
            order=len(self.opened),
            ocr=line.ocr,
        )
        node = _Open(clause, key)
        self.opened.append(node)
        self.stack.append(node)
        return node

    def add(self, text: str, line: Line) -> None:
        if self.opened:
            node = self.opened[-1]
            node.pieces.append(_Piece(text, line))
            node.clause.page_end = max(node.clause.page_end, line.page)

    def run(self) -> list[Clause]:
        lines = self.lines
        anchors = sorted(self.table_anchors, key=lambda a: a[0])
        i = 0
        while i < len(lines):
            while anchors and anchors[0][0] <= i:
                self.place_table(anchors.pop(0)[1])
            line = lines[i]
            name = self.named(line)
            if name:
                self.open(name, "", 1, NAMED_PARTS[name], line)
                self.back_matter = NAMED_PARTS[name] in ("bibliography", "index")
                self.last = ()
                self.annex = (
                    None if NAMED_PARTS[name] in ("foreword", "introduction") else self.annex
                )
                i += 1
                continue
            annex = self.annex_start(line)
            if annex:
                i = self.open_annex(annex, i)
                continue
            numbered = self.numbered(line)
            if numbered and (self.opened or numbered[1] == (1,)):
                consumed = self.open_numbered(*numbered, i)
                if consumed:
                    i += consumed
                    continue
            if self.opened and not self.before_body_title(line):
                self.add(line.text, line)
            i += 1
        for _index, grid in anchors:
            self.place_table(grid)
        return self.finish()

    def place_table(self, grid: PageTable) -> None:
        """The table printed here belongs to the clause open at this point."""
        if self.opened:
            self.table_clauses[id(grid)] = self.opened[-1].clause.clause_no

    def before_body_title(self, line: Line) -> bool:
        """The standard's title printed above chapter 1 is not part of the 前言/引言."""
        if self.chapters_seen or not self.opened:
            return False
        return line.size > self.body_size * 1.2 and self.centered(line)

    def open_annex(self, match: re.Match, i: int) -> int:
        """`附录A`, its (规范性附录)/(资料性) label and its title, on one line or several."""
        line = self.lines[i]
        letter = match.group("letter")
        label, title = _label_and_title(match.group("rest"))
        titles = [title] if title else []
        j = i + 1
        prev = line
        while j < len(self.lines) and len(titles) < 3:
            cand = self.lines[j]
            gap = cand.top - prev.bottom if cand.page == prev.page else 1e9
            if gap > 2.2 * (cand.size or self.body_size) or not self.centered(cand):
                break
            text = cand.text.strip()
            if not label and LABEL_RE.match(text):
                label, title = _label_and_title(text)
                titles += [title] if title else []
            elif NUMBERED_RE.match(text) or re.match(r"^[表图]\s*[A-Z]", text):
                break
            else:
                titles.append(text)
            prev = cand
            j += 1
        # 补充件 is the normative annex of old layouts (参考件 the informative one).
        kind = "annex-normative" if "规范" in label or "补充" in label else "annex-informative"
        self.open(f"附录{letter}", "".join(titles), 1, kind, line, (letter,))
        self.annex = letter
        self.last = ()
        self.in_terms = False
        return j

    def open_numbered(self, match: re.Match, key: tuple, i: int) -> int:
        line = self.lines[i]
        nxt = self.lines[i + 1] if i + 1 < len(self.lines) else None
        text = line.text.strip()
        clause_no = clause_no_of(match, text)
        rest = match.group("rest").strip()
        letter = match.group("annex")
        depth = len(key) - (1 if letter else 0)
        in_terms = self.in_terms and depth > 1
        limit = TERM_HEADING_MAX if in_terms else HEADING_MAX
        consumed = 1
        heading = ""
        body: str | None = None
        if not rest:
            if (
                nxt is not None
                and not self.structural(nxt)
                and len(_squash(nxt.text)) <= limit
                and nxt.text.strip()[-1] not in END_PUNCT + "，,：:"
                and not (
                    self.continues(nxt, self.lines[i + 2] if i + 2 < len(self.lines) else None)
                    and not in_terms
                )
            ):
                heading = nxt.text.strip()
                consumed = 2
        elif self.heading_like(rest, limit) and (in_terms or not self.continues(line, nxt)):
            heading = rest
        else:
            body = rest
        if self.toc_rejects(clause_no, key, heading):
            return 0
        if depth == 1 and not heading:
            return 0  # a chapter always has a title; a bare number is a list or table row
        if letter:
            level = depth + 1
        else:
            level = depth
            if depth == 1:
                self.chapters_seen = True
                self.in_terms = is_terms_heading(heading)
        kind = "chapter" if level == 1 else "clause"
        node = self.open(clause_no, heading, level, kind, line, key)
        self.last = key[1:] if letter else key
        if body:
            node.pieces.append(_Piece(body, line))
        return consumed

    @staticmethod
    def heading_like(rest: str, limit: int) -> bool:
        squashed = _squash(rest)
        if len(squashed) > limit or "。" in squashed or "；" in squashed:
            return False
        if re.search(r"[，,]", squashed[:-1]) and limit == HEADING_MAX:
            return False
        if re.search(r"\s[-+]?\d+(?:\.\d+)?$", rest.strip()):
            return False  # ends in a value: a table row (`2 甲硫醚 40 0.31`)
        values = len(VALUE_RE.findall(rest))
        if values >= 2 or (values and len(rest.split()) >= 3):
            return False  # a table row: `5 总银（mg/L） 0.1 0.3 车间或生产设施废水排放口`
        return squashed[-1] not in "，,：:;、"

    def finish(self) -> list[Clause]:
        clauses = []
        for node in self.opened:
            pieces = [(p.text, p.line, self.frames[p.line.page]) for p in node.pieces]
            node.clause.text = join_lines(pieces)
            clauses.append(node.clause)
        _mark_terms(clauses)
        return clauses


def _label_and_title(text: str) -> tuple[str, str]:
    """`（规范性附录）混合排放浓度限值计算` → the label and the title after it."""
    text = text.strip()
    label = LABEL_RE.match(text)
    if not label:
        return "", text
    return label.group(0).strip(), text[label.end() :].strip()


def _is_symbols_heading(heading: str) -> bool:
    """缩略语, 符号, 代号 and their combinations: lists of symbols, not defined terms."""
    text = _squash(heading)
    return (
        bool(text)
        and len(text) <= 12
        and bool(re.fullmatch(r"(?:缩略语|符号|代号|和|、|及)+", text))
    )


INLINE_TERM_RE = re.compile(r"^(?P<term>[^，。；：:,\n]{1,30})[：:]\s*(?P<definition>\S.*)$", re.S)


def _mark_terms(clauses: list[Clause]) -> None:
    """Entries of the 术语和定义 chapter become `term` clauses headed by the Chinese term.

    The English equivalent, printed beside the term, leads the body text so that it is
    searchable and `parse_terms` can read it back.
    """
    by_no = {c.clause_no: c for c in clauses}
    has_children = {c.parent for c in clauses if c.parent}
    for clause in clauses:
        if clause.kind != "clause" or clause.clause_no in has_children:
            continue
        chain = []
        parent = by_no.get(clause.parent) if clause.parent else None
        while parent is not None:
            chain.append(parent)
            parent = by_no.get(parent.parent) if parent.parent else None
        if not chain or not is_terms_heading(chain[-1].heading) or chain[-1].kind != "chapter":
            continue
        if any(_is_symbols_heading(c.heading) for c in [clause, *chain[:-1]]):
            continue
        if is_terms_heading(clause.heading):
            continue
        if not clause.heading:
            # Old layouts run the term into its definition: `3.1 污水：指……`.
            inline = INLINE_TERM_RE.match(clause.text)
            if not inline:
                continue
            clause.heading, clause.text = inline.group("term"), inline.group("definition")
        zh, en = split_term_line(clause.heading)
        if not zh:
            continue
        clause.kind = "term"
        clause.heading = zh
        if en:
            clause.text = f"{en}\n{clause.text}" if clause.text else en


def body_lines(pages: list[Page]) -> list[Line]:
    """The lines clause text is made of: the pages without cover furniture, 目次 and
    imprint, running headers, footers and page numbers."""
    return list(_Splitter(pages).lines)


def split_clauses(pages: list[Page]) -> list[Clause]:
    """The clause tree of a standard in document order (parents before children)."""
    return _Splitter(pages).run()


def split_clauses_and_tables(pages: list[Page]) -> tuple[list[Clause], list[Table]]:
    """The clause tree, and the tables with the clause each is printed in. Table grids
    are kept out of the clauses' text."""
    from .tables import assemble_tables

    splitter = _Splitter(pages)
    clauses = splitter.run()
    return clauses, assemble_tables(pages, splitter.table_clauses)
