"""Adoption statements (采标) of the cover and the foreword → the standards adopted.

A standard that adopts an international or foreign standard says so twice (GB/T 1.1,
GB/T 20000.2):

    cover, under the titles:   （ISO 690:2010，Information and documentation…，NEQ）
                               (IEC 60335-1:2020, MOD; IEC 60335-2-24:2012, MOD)
                               (eqv ISO 4210:1989)            ← editions before 2001
    foreword:                  本标准等同采用ISO 690:2010《…》。
                               本文件使用重新起草法修改采用IEC 60335-1:2020《…》。
                               本标准非等效采用…  /  本标准等效采用国际标准…
                               与ISO 690:2010的一致性程度为非等效。

Only a statement that names a degree is an adoption: a foreword that says it `参考了`
or `参照` an international standard, and a normative reference printed with its own
adoption (`GB/T 755—2008 旋转电机定额和性能(IEC 60034-1:2004,IDT)`, which is about
GB/T 755, not this standard), are not. The cover's and the foreword's statements are
merged: the cover first, the foreword adding what the cover left out.
"""

from __future__ import annotations

import re

from analyzers.adopted import DEGREES, Designation, find_designations
from analyzers.normalize import fold_width
from indexer.library.adoption import from_summary, merge, of_designation, summary
from indexer.library.model import Adoption

__all__ = [
    "adoption_from_cover",
    "adoption_from_foreword",
    "from_summary",
    "merge",
    "parse_adoption",
    "summary",
]

# Foreword wording → degree. `参照采用` is how editions before 2001 said "not equivalent".
DEGREE_WORDS = {
    "非等效": "NEQ",
    "等同": "IDT",
    "修改": "MOD",
    "等效": "EQV",
    "参照": "NEQ",
}
_WORDS = "|".join(sorted(DEGREE_WORDS, key=len, reverse=True))
# `等同采用`, `修改采用了`, `等同翻译采用` — never `不等同采用`.
_ADOPTS = re.compile(rf"(?<![不未])(?P<word>{_WORDS})(?:翻译)?采用(?:了)?")
# `与ISO 690:2010的一致性程度为非等效`
_CONSISTENCY = re.compile(
    rf"与(?P<span>[^。；;]{{2,200}}?)的一致性程度(?:为|是|：|:)?(?P<word>{_WORDS})"
)
_SENTENCE = re.compile(r"[^。；;]+")
# Between the degree and the first designation: `国际标准`, `国际原子能机构（`.
_LEAD_GAP = re.compile(r"[^。，,；;《]{0,30}")
# Between designations of one list: separators, titles (already blanked), `(E)`.
_LIST_GAP = re.compile(r"[\s、，,和及与以及()（）E年版]*")
_TITLE = re.compile(r"《[^》]*》")
# On covers: `IDT` after the designation, or (before 2001) `idt` before it.
_CODE_AFTER = re.compile(rf"\b({'|'.join(DEGREES)})\b")
_CODE_BEFORE = re.compile(rf"\b({'|'.join(d.lower() for d in DEGREES)})\s*$")


def _blank_titles(text: str) -> str:
    """Titles in 《》 blanked (same length): a title may name other standards."""
    return _TITLE.sub(lambda m: " " * len(m.group()), text)


def _listed(text: str, start: int) -> list[Designation]:
    """The designations listed from `start` on: the first within a short gap, the rest
    joined to it by separators only."""
    found = [(d, s, e) for d, s, e in find_designations(text) if s >= start]
    listed: list[Designation] = []
    at = start
    for designation, s, e in found:
        gap = text[at:s]
        if not (_LEAD_GAP if not listed else _LIST_GAP).fullmatch(gap):
            break
        listed.append(designation)
        at = e
    return listed


def adoption_from_foreword(text: str) -> list[Adoption]:
    """The adoptions a foreword states, with their degree."""
    text = _blank_titles(fold_width(text or ""))
    out: list[Adoption] = []
    for sentence in _SENTENCE.finditer(text):
        part = sentence.group()
        for m in _ADOPTS.finditer(part):
            degree = DEGREE_WORDS[m.group("word")]
            out.extend(of_designation(d, degree) for d in _listed(part, m.end()))
        for m in _CONSISTENCY.finditer(part):
            degree = DEGREE_WORDS[m.group("word")]
            out.extend(
                of_designation(d, degree) for d, _s, _e in find_designations(m.group("span"))
            )
    return merge(out)


def adoption_from_cover(parts: list[str]) -> list[Adoption]:
    """The adoption note under a cover's titles (its lines, as printed), e.g.
    `（ISO 690:2010，Information and documentation…，NEQ）`: each designation takes the
    degree code printed after it, or the lower-case one before it (`eqv ISO 4210:1989`)."""
    text = fold_width(" ".join(p.strip() for p in parts))
    out: list[Adoption] = []
    for designation, start, end in find_designations(text):
        before = _CODE_BEFORE.search(text[:start])
        after = _CODE_AFTER.search(text, end)
        degree = before.group(1).upper() if before else (after.group(1) if after else "")
        out.append(of_designation(designation, degree))
    return merge(out)


def parse_adoption(text: str) -> list[Adoption]:
    """Any adoption statement: a cover note in parentheses or foreword sentences."""
    folded = fold_width(text or "").strip()
    if re.match(r"^[(（]", folded) and (
        _CODE_AFTER.search(folded) or re.search(r"[(（]\s*(?:idt|mod|neq|eqv)\b", folded)
    ):
        return adoption_from_cover([folded])
    return adoption_from_foreword(folded)
