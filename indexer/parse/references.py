"""Normative references: the standards cited in 规范性引用文件 (引用标准 in old layouts).

Each citation is printed at the start of its own line, the title after it:
`GB/T 7408—2005 数据元和交换格式 信息交换 日期和时间表示法`. Numbers elsewhere in the
chapter (the boilerplate sentence, notes) are not citations.
"""

from __future__ import annotations

import re

from analyzers.stdno import StandardNumber, find_std_nos, parse_std_no
from indexer.library.model import Clause, Reference

REFERENCE_HEADINGS = ("规范性引用文件", "引用标准", "引用文件", "规范性引用标准")

# A citation at the start of a line, spaces and year optional: `GB16297`, `HJ 38`,
# `AQ/T4274—2016`. Read leniently here because the chapter is nothing but citations.
_LEADING = re.compile(
    r"^(?P<no>[A-Z]{1,8}(?:/[A-Z]{1,8})?\s*\d+(?:\.\d+)*(?:\s*[-—–]\s*\d{2,4}(?![\d.]))?)"
)
_MARKER = re.compile(r"^(?:[-—–]+|[•·]|[a-z][)）]|\d{1,2}[)）]|[（(]\d{1,2}[)）]|\[\d+\])\s*")
_SPLIT_CODE = re.compile(r"^([A-Z][A-Z/]*(?: [A-Z/]+)+)(?=\s?\d)")
_TITLE_STRIP = " \t,，.。;；:：、"


def is_references_chapter(clause: Clause) -> bool:
    heading = re.sub(r"\s+", "", clause.heading)
    return clause.level == 1 and clause.kind == "chapter" and heading in REFERENCE_HEADINGS


def _leading_numbers(line: str) -> tuple[list[StandardNumber], int]:
    """The citations the line starts with (a range `GB 5085.1～5085.6` gives each part)
    and where the title begins."""
    found = find_std_nos(line)
    if found and found[0][1] == 0:
        numbers, end = [], 0
        for number, start, stop in found:
            if start > end + 1 and numbers:
                break
            numbers.append(number)
            end = max(end, stop)
        return numbers, end
    match = _LEADING.match(line)
    if match:
        number = parse_std_no(match.group("no"))
        if number is not None:
            return [number], match.end()
    return [], 0


def parse_references(clauses: list[Clause]) -> list[Reference]:
    """Every standard cited in the normative-references chapter, in printed order."""
    chapter_nos: set[str] = set()
    references: list[Reference] = []
    seen: set[str] = set()
    for clause in clauses:
        inside = is_references_chapter(clause) or (clause.parent in chapter_nos)
        if not inside:
            continue
        chapter_nos.add(clause.clause_no)
        for raw in clause.text.split("\n"):
            line = _MARKER.sub("", raw.strip())
            numbers, end = _leading_numbers(line)
            if not numbers:
                # Per-glyph text layers split codes (`ISO/I EC 13818-1`): close the gaps
                # inside the leading capitals and read again.
                squeezed = _SPLIT_CODE.match(line)
                if squeezed:
                    code = squeezed.group(1).replace(" ", "")
                    line = code + line[squeezed.end() :]
                    numbers, end = _leading_numbers(line)
            title = line[end:].strip(_TITLE_STRIP)
            for number in numbers:
                std_no = str(number)
                if std_no in seen:
                    continue
                seen.add(std_no)
                references.append(Reference(std_no=std_no, title=title, dated=number.dated))
    return references
