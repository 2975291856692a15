"""Terms and definitions from the 术语和定义 chapter.

`split_clauses` already marks the entries of the chapter as `term` clauses headed by the
Chinese term, with the English equivalent (when printed) as the first line of the text.
A definition keeps its notes (`注1：…`) and examples after a newline: they are part of
what the standard says about the term, and a reader comparing definitions across
standards wants to see them.
"""

from __future__ import annotations

import re

from analyzers.normalize import is_cjk
from indexer.library.model import Clause, Term

_CLOSERS = "）)】」』》"


def is_terms_heading(heading: str) -> bool:
    """术语和定义 and its variants (术语、定义和缩略语, 术语、符号和代号, 术语 …), and
    the 定义 chapter of old layouts."""
    text = re.sub(r"\s+", "", heading)
    if len(text) > 20:
        return False
    return "术语" in text or text.startswith("定义") or text == "名词解释"


def split_term_line(text: str) -> tuple[str, str]:
    """`挥发性有机物 volatile organic compounds（VOCs）` → Chinese term, English term.

    Paired terms print each English equivalent after its own Chinese term
    (`昼间 day-time、夜间 night-time`): each half is split, and the halves rejoined.
    """
    parts = re.split(r"[、；;]", text)
    if len(parts) > 1:
        halves = [_split_one(part) for part in parts]
        if all(zh and en for zh, en in halves):
            return "、".join(zh for zh, _ in halves), "; ".join(en for _, en in halves)
    return _split_one(text)


def _split_one(text: str) -> tuple[str, str]:
    """The Chinese term ends at its last Chinese character (with any closing bracket after
    it, as in `罐（槽）`); whatever Latin text follows is the English equivalent.
    """
    text = text.strip()
    last = -1
    for index, ch in enumerate(text):
        if is_cjk(ch):
            last = index
    if last < 0:
        return "", text
    end = last + 1
    while (
        end < len(text)
        and text[end] in _CLOSERS
        and text[:end].count("（") + text[:end].count("(")
        > (text[:end].count("）") + text[:end].count(")"))
    ):
        end += 1
    zh = text[:end].strip()
    en = text[end:].strip()
    if en and not re.search(r"[A-Za-z]", en):
        zh, en = text, ""
    bracketed = re.fullmatch(r"[（(]([^（()）]*)[）)]", en)
    if bracketed:  # `城镇污水（municipal wastewater）`
        en = bracketed.group(1).strip()
    return zh, en


def _latin(line: str) -> bool:
    letters = [ch for ch in line if not ch.isspace()]
    if not letters or not re.search(r"[A-Za-z]", line):
        return False
    return not any(is_cjk(ch) for ch in letters)


def parse_terms(clauses: list[Clause]) -> list[Term]:
    """Every defined term, in document order."""
    terms = []
    for clause in clauses:
        if clause.kind != "term":
            continue
        lines = clause.text.split("\n") if clause.text else []
        term_en = ""
        if lines and _latin(lines[0]):
            term_en = lines.pop(0).strip()
        terms.append(
            Term(
                clause_no=clause.clause_no,
                term_zh=clause.heading,
                term_en=term_en,
                definition="\n".join(lines).strip(),
            )
        )
    return terms
