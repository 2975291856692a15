"""The 目次 (table of contents): which pages it fills and which headings it lists.

The 目次 is never part of the clause tree, but it is the document's own statement of
its chapter and clause headings, so the clause splitter uses it to tell a real heading
from a body line that happens to start with a number (`7 总铅 一切排污单位 1.0`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from indexer.library.model import Line, Page

TOC_TITLES = {"目次", "目录"}

# Dot leaders: runs of dots, ellipses or middle dots, then an optional page label.
LEADER_RE = re.compile(r"^(?P<label>.*?)\s*(?:[.…·．‧⋯]\s*){4,}\s*(?P<page>\S{0,6})\s*$")
# `3.1`, `3. 1` (a space after the dot in some typesetting), `8.` (a trailing dot),
# `A.1`, `B1`.
NUMBERED_RE = re.compile(
    r"^(?:(?P<annex>[A-Z])\.?)?(?P<no>\d{1,3}(?:\.\s?\d{1,3})*)(?:\.(?=\D))?(?![\d.])\s*(?P<rest>.*)$"
)
ANNEX_RE = re.compile(r"^附\s*录\s*(?P<letter>[A-Z])(?![A-Za-z])\s*(?P<rest>.*)$")
LABEL_RE = re.compile(r"^[（(][^）)]*(?:规范|资料|参考|提示|补充)[^）)]*[）)]\s*")


def clause_no_of(match: re.Match, text: str) -> str:
    """The clause number as printed: `4.2`, `A.1`, or `B1` where the dot is omitted."""
    prefix = match.group("annex")
    no = re.sub(r"\s+", "", match.group("no"))
    if not prefix:
        return no
    dot = "." if text[1:2] == "." else ""
    return f"{prefix}{dot}{no}"


# OCR reads a dot leader as a run of small letters (`1 藏围seeeee sse see 1`).
OCR_LEADER_RE = re.compile(
    r"(?<=[\u4e00-\u9fff）)])[\s.·…eEsSoOnNcCaAuvr]{3,}(?P<page>[\dIV]{0,3})\s*$"
)


def is_leader_line(text: str) -> bool:
    return bool(LEADER_RE.match(text))


def repair_ocr_leader(text: str) -> str:
    """An OCR'd 目次 line with its leader read as letters, given its dots back."""
    match = OCR_LEADER_RE.search(text)
    if not match or not re.search(r"[eEsSoO]{2}", match.group(0)):
        return text
    return f"{text[: match.start()]}....{match['page']}"


@dataclass
class TocEntry:
    clause_no: str  # "4.2", "A.1", "附录A", "前言"
    heading: str
    page_label: str = ""


@dataclass
class Toc:
    pages: set[int] = field(default_factory=set)
    entries: list[TocEntry] = field(default_factory=list)
    ocr: bool = False  # read from a scan: its headings may be misread

    def numbers(self) -> set[str]:
        return {e.clause_no for e in self.entries}

    def heading(self, clause_no: str) -> str | None:
        for entry in self.entries:
            if entry.clause_no == clause_no:
                return entry.heading
        return None


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _entry(label: str) -> TocEntry | None:
    label = label.strip()
    if not label:
        return None
    annex = ANNEX_RE.match(label)
    if annex:
        title = LABEL_RE.sub("", annex.group("rest").strip())
        return TocEntry(f"附录{annex.group('letter')}", title.strip())
    numbered = NUMBERED_RE.match(label)
    if numbered:
        return TocEntry(clause_no_of(numbered, label), numbered.group("rest").strip())
    return TocEntry(_squash(label), "")


def find_toc(pages: list[Page]) -> Toc:
    """The pages filled by the 目次 and the entries printed on them.

    The 目次 starts on the page with the title line 目次/目录 and runs on while the
    following pages are mostly dot-leader lines.
    """
    toc = Toc()
    start = None
    for index, page in enumerate(pages):
        if any(_squash(line.text) in TOC_TITLES for line in page.lines[:6]):
            start = index
            break
    if start is None:
        return toc
    toc.pages.add(pages[start].number)
    for page in pages[start + 1 :]:
        lines = [line for line in page.lines if line.text.strip()]
        leaders = sum(
            1
            for line in lines
            if is_leader_line(repair_ocr_leader(line.text) if line.ocr else line.text)
        )
        if lines and leaders >= max(2, len(lines) // 2):
            toc.pages.add(page.number)
        else:
            break
    for page in pages:
        if page.number not in toc.pages:
            continue
        previous: Line | None = None
        lines = [
            replace(line, text=repair_ocr_leader(line.text)) if line.ocr else line
            for line in page.lines
        ]
        toc.ocr = toc.ocr or any(line.ocr for line in lines)
        plain = not any(is_leader_line(line.text) for line in lines)
        for line in lines:
            match = LEADER_RE.match(line.text)
            if plain and _squash(line.text) not in TOC_TITLES:
                # A 目次 printed without leaders or page numbers: one entry a line.
                match = LEADER_RE.match(f"{line.text}....")
            if not match:
                previous = line
                continue
            label = match.group("label")
            # A heading printed on its own row above its number and leaders.
            if (
                previous is not None
                and NUMBERED_RE.match(label)
                and not NUMBERED_RE.match(label).group("rest")
            ):
                label = f"{label} {previous.text}"
            entry = _entry(label)
            if entry:
                entry.page_label = match.group("page")
                toc.entries.append(entry)
            previous = None
    return toc
