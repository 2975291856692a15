"""A standard's adoptions (采标) as the catalogue keeps them: merged, summarised as the
`adopts` text, and read back from that text when a librarian corrects it."""

from __future__ import annotations

import re

from analyzers.adopted import Designation, parse_summary

from .model import Adoption

_YEAR = re.compile(r"[:-](?:19|20)\d\d$")


def of_designation(designation: Designation, degree: str) -> Adoption:
    return Adoption(str(designation), designation.org, degree)


def merge(*lists: list[Adoption]) -> list[Adoption]:
    """One entry per adopted standard, first statement first; a later statement gives
    a degree the earlier left out, or the year of an undated designation."""
    out: list[Adoption] = []
    for adoption in (a for one in lists for a in one):
        same = next((a for a in out if _same(a.standard, adoption.standard)), None)
        if same is None:
            out.append(Adoption(adoption.standard, adoption.org, adoption.degree))
            continue
        if not same.degree:
            same.degree = adoption.degree
        if len(adoption.standard) > len(same.standard):
            same.standard = adoption.standard  # the dated spelling
    return out


def _same(one: str, other: str) -> bool:
    return one == other or _YEAR.sub("", one) == _YEAR.sub("", other)


def summary(adoptions: list[Adoption]) -> str:
    """The catalogue's `adopts` text: `ISO 690:2010, NEQ; IEC 60335-1:2020, MOD`."""
    return "; ".join(f"{a.standard}, {a.degree}" if a.degree else a.standard for a in adoptions)


def from_summary(text: str) -> list[Adoption]:
    """`adopts` as stored or corrected → adoptions (text that names no standard the
    designation grammar reads is kept as written, its body unknown)."""
    out = []
    for designation, degree in parse_summary(text):
        if isinstance(designation, Designation):
            out.append(of_designation(designation, degree))
        elif designation:
            out.append(Adoption(designation, "", degree))
    return merge(out)
