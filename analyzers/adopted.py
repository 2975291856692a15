"""Designations of the international and foreign standards a Chinese standard adopts.

A standard that adopts another (采标, GB/T 20000.2) prints its designation on the cover
(`（ISO 690:2010，IDT）`) and in the foreword (`本标准修改采用IEC 60335-1:2020`). ISO,
IEC, ITU-T and IEEE numbers follow `analyzers.stdno`; the other bodies whose standards
are adopted (EN, ASTM, JIS, BS, DIN, CISPR, IAEA …) are read here only, so that body
text citing them is not taken for standards the library holds.

A designation is kept in one canonical spelling (`ISO 690:2010`, `IEC 60335-1:2020`,
`JIS Z 8301:2019`, `IAEA SSR-6:2012`) with the body that issued it (`org`); its index
keys (`iso690`, `iec60335-1:2020` …) are what number searches and the `adopts:` filter
look up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzers.normalize import fold_dashes, fold_width
from analyzers.stdno import INTERNATIONAL_LEVEL, find_std_nos, parse_std_no

# Degrees of correspondence (GB/T 20000.2; EQV from the editions before 2001).
DEGREES = ("IDT", "MOD", "NEQ", "EQV")
DEGREE_NAMES_ZH = {"IDT": "等同", "MOD": "修改", "NEQ": "非等效", "EQV": "等效"}

# The issuing body of each `stdno` international prefix.
_STDNO_ORGS = {
    "ISO/IEC/IEEE": "ISO/IEC/IEEE",
    "ISO/IEC Guide": "ISO/IEC",
    "ISO/IEC": "ISO/IEC",
    "ISO Guide": "ISO",
    "ISO/TS": "ISO",
    "ISO/TR": "ISO",
    "IEC/TS": "IEC",
    "IEC/TR": "IEC",
    "ISO": "ISO",
    "IEC": "IEC",
    "ITU-T": "ITU-T",
    "IEEE": "IEEE",
    "IETF RFC": "IETF",
}
# Bodies `stdno` does not know, as printed before the number → their canonical org.
OTHER_ORGS = {
    "IEC/CISPR": "CISPR",
    "CISPR": "CISPR",
    "EN ISO": "EN",
    "EN IEC": "EN",
    "EN": "EN",
    "ETSI EN": "ETSI",
    "ETSI TS": "ETSI",
    "ASTM": "ASTM",
    "JIS": "JIS",
    "BS EN": "BS",
    "BS": "BS",
    "DIN EN": "DIN",
    "DIN": "DIN",
    "ANSI": "ANSI",
    "ASME": "ASME",
    "SAE": "SAE",
    "API": "API",
    "UL": "UL",
    "NFPA": "NFPA",
    "OIML": "OIML",
    "ITU-R": "ITU-R",
    "UN/ECE": "UNECE",
    "ECE": "UNECE",
    "CAC": "CAC",
    "IAEA": "IAEA",
}
ORGS = tuple(dict.fromkeys([*_STDNO_ORGS.values(), *OTHER_ORGS.values()]))

_OTHER_RE = "|".join(
    re.escape(p).replace("/", r"\s?/\s?") for p in sorted(OTHER_ORGS, key=len, reverse=True)
)
# `EN 1234:2010`, `JIS Z 8301:2019`, `ASTM D1234-10`, `OIML R 76-1:2006`, `ECE R10`.
_OTHER = re.compile(
    rf"(?<![A-Za-z])(?P<org>{_OTHER_RE})[ ]{{0,2}}(?:No\.?[ ]?)?"
    r"(?P<num>(?:[A-Z]{1,3}[ ]?)?\d+(?:[-.]\d+)*(?:[A-Z]\b)?)"
    r"(?:[ ]{0,2}[:：][ ]{0,2}(?P<year>(?:19|20)\d\d)(?!\d))?"
)
# The IAEA prints the series and a number (`Specific Safety Requirements No. SSR-6`),
# with its name or abbreviation before: `国际原子能机构（IAEA）Specific Safety …`.
_IAEA = re.compile(
    r"(?P<org>IAEA)[)）]?[ ]{0,2}(?:(?:[A-Z][a-z]+[ ]){0,4}No\.?[ ]{0,2})?"
    r"(?P<num>[A-Z]{2,5}(?:-[A-Z])?-\d+(?:[ ]?\(Rev\.[ ]?\d+\))?)"
    r"(?:[ ]{0,2}[:：,，][ ]{0,2}(?P<year>(?:19|20)\d\d)(?!\d))?"
)


@dataclass(frozen=True)
class Designation:
    """One adopted standard: `str()` is its canonical spelling."""

    org: str  # ISO, IEC, ISO/IEC, ITU-T, IEEE, EN, ASTM, JIS, IAEA …
    prefix: str  # as the designation begins: "ISO/TS", "EN ISO", "JIS"
    number: str  # "690", "60335-1", "Z 8301", "SSR-6"
    year: str | None = None
    sep: str = ":"  # before the year: ISO and IEC print a colon, ITU-T and IEEE a hyphen

    def __str__(self) -> str:
        head = f"{self.prefix} {self.number}"
        return f"{head}{self.sep}{self.year}" if self.year else head

    @property
    def undated(self) -> str:
        return f"{self.prefix} {self.number}"

    def keys(self) -> list[str]:
        """Index keys, lower case without spaces: the dated and undated number, and for a
        multi-part number its base (`iec60335` finds every part of IEC 60335)."""
        number = parse_std_no(str(self))
        if number is not None:
            prefix = _key(number.prefix)
            heads = {prefix, prefix.replace("/", ""), prefix.replace("-", "")}
            # Only keys that keep the prefix: a bare `690` is no search for ISO 690.
            return [k for k in number.variants() if any(k.startswith(h) for h in heads)]
        keys = [_key(str(self))]
        if self.year:
            keys.append(_key(self.undated))
        base = re.split(r"[-.]", self.number)[0]
        if base != self.number:
            keys.append(_key(f"{self.prefix} {base}"))
        return list(dict.fromkeys(keys))

    def filter_keys(self) -> list[str]:
        """What `adopts:` matches: the body (an ISO/IEC standard counts for ISO and for
        IEC), and the number at every boundary (`iso690`, `iso690:2010`)."""
        orgs = [self.org, *self.org.split("/")] if "/" in self.org else [self.org]
        return list(dict.fromkeys([*(o.lower() for o in orgs), *self.keys()]))


def _key(text: str) -> str:
    return "".join(text.split()).lower()


def _folded(text: str) -> str:
    return fold_dashes(fold_width(text))


def _from_stdno(number) -> Designation | None:
    if number.level != INTERNATIONAL_LEVEL:
        return None
    org = _STDNO_ORGS.get(number.prefix, number.prefix)
    sep = str(number)[len(number.undated)] if number.year else ":"
    return Designation(org, number.prefix, number.number, number.year, sep)


def _from_other(m: re.Match[str]) -> Designation:
    printed = re.sub(r"\s*/\s*", "/", m.group("org"))
    org = "IAEA" if printed == "IAEA" else OTHER_ORGS[printed]
    number = re.sub(r"[ ]+", " ", m.group("num")).replace(" (", "(")
    return Designation(org, printed, number, m.group("year"))


def find_designations(text: str) -> list[tuple[Designation, int, int]]:
    """Every designation of an international or foreign standard in `text`, in order,
    with its (start, end) offsets. Offsets are those of `text` (folding keeps lengths)."""
    folded = _folded(text)
    found: list[tuple[Designation, int, int]] = []
    for number, start, end in find_std_nos(folded):
        designation = _from_stdno(number)
        if designation is not None:
            found.append((designation, start, end))
    for pattern in (_IAEA, _OTHER):
        for m in pattern.finditer(folded):
            if any(s < m.end() and m.start() < e for _d, s, e in found):
                continue  # `EN ISO 9001` read as ISO already, or the IAEA form
            found.append((_from_other(m), m.start(), m.end()))
    found.sort(key=lambda item: item[1])
    return found


def parse_designation(text: str) -> Designation | None:
    """A whole string that is one designation (`iso690`, `IEC 60335-1:2020`, `EN 1234`)."""
    text = _folded(text or "").strip()
    if not text:
        return None
    number = parse_std_no(text)
    if number is not None:
        return _from_stdno(number)
    upper = text.upper().replace("NO.", "No.")
    m = _IAEA.fullmatch(upper) or _OTHER.fullmatch(upper)
    if m is None:
        # Typed without the space: `en1234`, `jisz8301`.
        m = re.fullmatch(rf"(?P<org>{_OTHER_RE})(?P<rest>[A-Z]?\d.*)", upper)
        return parse_designation(f"{m['org']} {m['rest']}") if m else None
    return _from_other(m)


def org_of(text: str) -> str | None:
    """`iso` → "ISO", `iso/iec` → "ISO/IEC": a body typed alone, or None."""
    key = _key(_folded(text or "")).upper()
    for org in ORGS:
        if key == org.replace(" ", "").upper():
            return org
    return None


def parse_summary(text: str) -> list[tuple[Designation | str, str]]:
    """`ISO 690:2010, NEQ; IEC 60335-1:2020, MOD` (the catalogue's `adopts`, as a
    librarian may type it) → [(designation, degree)], a designation kept as text when
    it is not one this module reads; the degree "" when none is given."""
    out: list[tuple[Designation | str, str]] = []
    for item in re.split(r"[;；\n]+", text or ""):
        item = item.strip().strip("()（）").strip()
        if not item:
            continue
        degree = ""
        m = re.search(rf"[,，\s]\s*({'|'.join(DEGREES)})\s*$", item, re.IGNORECASE)
        if m:
            degree, item = m.group(1).upper(), item[: m.start()].strip(" ,，")
        found = find_designations(item)
        out.append((found[0][0] if found else item, degree))
    return out
