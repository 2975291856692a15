"""The standard-number grammar: one value type for `GB/T 7714-2015` in all its spellings.

Covers print `GB/T 7714—2015`, references `GB／T7714-2015`, OCR gives `ＧＢ／Ｔ ７７１４`,
old documents `GB 14554-93`, file names `GB_T_7714-2015.pdf`, users type `gbt7714` or
`jt808`. Everything that compares standard numbers goes through `StandardNumber`, so a
standard is found whichever way it was written.

Canonical form (`str()`): ASCII slash and hyphen, one space between prefix and number
(`GB/T 7714-2015`, `T/GDRTA 002-2020`), four-digit year. Provincial numbers are written
without the space (`DB44/1597-2015`, `DB53/T1234-2022`), as the catalogue records them;
the pre-2000 provincial numbering without a slash is kept as printed (`DB 4426-1989`)
because its split into province and serial is not recoverable. ISO and IEC numbers put
the year after a colon (`ISO 690:2010`, `IEC 61000-4-2`).

Only known prefixes are believed (national, the official industry codes, DB plus a
province code, `T/` and `Q/` plus letters, ISO/IEC, and the ITU-T recommendations, IETF
RFCs and IEEE standards that protocol standards cite), so that Latin words, units and
chemical formulas in running text (`CH4`, `LD50`) are not taken for standards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzers.normalize import fold_dashes, fold_width
from analyzers.regions import (
    ASSOCIATION,
    INDUSTRY,
    INTERNATIONAL,
    NATIONAL,
    OTHER_INTERNATIONAL,
    PROVINCES,
)

NATIONAL_LEVEL = "national"
INDUSTRY_LEVEL = "industry"
LOCAL_LEVEL = "local"
GROUP_LEVEL = "group"
ENTERPRISE_LEVEL = "enterprise"
INTERNATIONAL_LEVEL = "international"

MANDATORY = "mandatory"
RECOMMENDED = "recommended"
GUIDANCE = "guidance"

# Metrology specifications (JJF) are guidance documents; verification regulations (JJG) bind.
_RECOMMENDED_CODES = {"JJF"}


@dataclass(frozen=True)
class StandardNumber:
    prefix: str  # canonical prefix: "GB/T", "DB44", "DB44/T", "T/GDRTA", "ISO/IEC" …
    number: str  # as printed, leading zeros kept: "7714", "5085.7", "0031", "61000-4-2"
    year: str | None = None  # four digits, None when undated

    @classmethod
    def parse(cls, text: str) -> StandardNumber | None:
        """`StandardNumber.parse("GB／T 7714—2015")`: the same as `parse_std_no`."""
        return parse_std_no(text)

    def __str__(self) -> str:
        if self.year is None:
            return self.undated
        return f"{self.undated}{self._year_sep}{self.year}"

    @property
    def undated(self) -> str:
        if self.is_provincial:
            slash = "" if "/" in self.prefix else "/"
            return f"{self.prefix}{slash}{self.number}"
        return f"{self.prefix} {self.number}"

    @property
    def dated(self) -> bool:
        return self.year is not None

    @property
    def key(self) -> str:
        """The canonical form as an index keyword: lower case, no spaces."""
        return _keyword(str(self))

    @property
    def code(self) -> str:
        """The issuer code without the kind: "GB" for GB/T, "DB44" for DB44/T, "T/GDRTA"."""
        if self.prefix.startswith(("T/", "Q/")) or self._international_body:
            return self.prefix
        return self.prefix.split("/")[0]

    @property
    def kind_letter(self) -> str:
        """ "T", "Z" or "" — the suffix after the slash that decides the kind."""
        if self.prefix.startswith(("T/", "Q/")) or self._international_body:
            return ""
        return self.prefix.partition("/")[2]

    @property
    def _year_sep(self) -> str:
        # ISO/IEC and the pre-T/ association series print the year after a colon.
        return ":" if self.is_international or self.prefix in ASSOCIATION else "-"

    @property
    def is_international(self) -> bool:
        """ISO and IEC, whose part numbers take hyphens and whose years take a colon."""
        return self.prefix in INTERNATIONAL

    @property
    def _international_body(self) -> bool:
        return self.prefix in INTERNATIONAL or self.prefix in OTHER_INTERNATIONAL

    @property
    def is_provincial(self) -> bool:
        """DB44, DB44/T, DB4401/T: a local prefix carrying its region code."""
        return len(self.prefix) > 2 and self.prefix.startswith("DB") and self.prefix[2].isdigit()

    @property
    def level(self) -> str:
        if self._international_body:
            return INTERNATIONAL_LEVEL
        if self.prefix.startswith("T/") or self.code in ASSOCIATION:
            return GROUP_LEVEL
        if self.prefix.startswith("Q/"):
            return ENTERPRISE_LEVEL
        if self.is_provincial or self.prefix == "DB":
            return LOCAL_LEVEL
        if self.code in NATIONAL:
            return NATIONAL_LEVEL
        return INDUSTRY_LEVEL

    @property
    def kind(self) -> str:
        letter = self.kind_letter
        if letter == "T":
            return RECOMMENDED
        if letter == "Z":
            return GUIDANCE
        if self.level in (GROUP_LEVEL, ENTERPRISE_LEVEL, INTERNATIONAL_LEVEL):
            return RECOMMENDED
        if self.code in _RECOMMENDED_CODES:
            return RECOMMENDED
        return MANDATORY

    @property
    def region(self) -> str:
        if self.is_provincial:
            return PROVINCES.get(self.prefix[2:4], "")
        if self.prefix == "DB":  # old numbering: province code leads the number
            return PROVINCES.get(self.number[:2], "")
        return ""

    @property
    def base_number(self) -> str:
        """The number without its part: "32960" for 32960.3, "61000" for IEC 61000-4-2,
        "G.722" for ITU-T G.722.1."""
        if self.is_international:
            return self.number.split("-")[0]
        if self.prefix == "ITU-T":
            return ".".join(self.number.split(".")[:2])
        return self.number.split(".")[0]

    def variants(self) -> list[str]:
        """Keyword forms for the index, most specific first, lower case, no spaces.

        Every way a user may type the number should equal one of these after
        `normalize_query_number`: with and without the slash (`gb/t7714`, `gbt7714`),
        without the kind (`gb28181`, `jt808`: how GB/T 28181 and JT/T 808 are spoken
        of), without the issuer (`7714`), and for multi-part standards the base number
        (`32960` finds every part of GB/T 32960). Years are four digits only; queries
        are normalised to four digits before lookup.
        """
        out: list[str] = []

        def add(text: str) -> None:
            text = _keyword(text)
            if text and text not in out:
                out.append(text)

        sep = self._year_sep
        numbers = [self.number]
        if self.base_number != self.number:
            numbers.append(self.base_number)
        heads = self._prefix_forms()
        for number in numbers:
            for head in heads:
                if self.year:
                    add(f"{head}{number}{sep}{self.year}")
                    if sep != "-":
                        add(f"{head}{number}-{self.year}")
                add(f"{head}{number}")
        for number in numbers:
            if self.year:
                add(f"{number}{sep}{self.year}")
            add(number)
        return out

    def _prefix_forms(self) -> list[str]:
        """The prefix as written before the number in each keyword variant."""
        prefix = self.prefix.lower()
        if self.prefix == "IETF RFC":
            return ["ietfrfc", "rfc"]
        if self.prefix == "ITU-T":
            return ["itu-t", "itut"]
        if self.is_provincial:
            code = self.code.lower()
            forms = [prefix if "/" in prefix else prefix + "/", prefix.replace("/", "")]
            if self.kind_letter:
                forms.append(code + "/")
            return forms
        forms = [prefix]
        if "/" in prefix:
            forms.append(prefix.replace("/", ""))
        if self.kind_letter:
            forms.append(self.code.lower())
        if prefix.startswith(("t/", "q/")):
            forms.append(prefix[2:])
        return forms


def _keyword(text: str) -> str:
    return "".join(text.split()).lower()


# ---------------------------------------------------------------------------
# Text folding with offsets back into the original text

# Beyond `normalize`: the colon of ISO years, slash look-alikes, and the long dashes
# (two- and three-em, small em) that `fold_dashes` leaves to prose.
_EXTRA_FOLD = {"：": ":", "∕": "/", "⁄": "/", "⸺": "-", "⸻": "-", "﹘": "-"}


def _fold_char(ch: str) -> str:
    if ch.isspace():
        return " "
    return _EXTRA_FOLD.get(ch) or fold_dashes(fold_width(ch))


def _one_to_one_table() -> dict[int, str]:
    """Folds that keep every character in place, for a fast pass over running text.

    Only the blocks where standard numbers pick up odd characters are listed: Latin-1
    spaces, general punctuation (dashes, thin spaces), the ideographic space, small and
    full-width forms. Folds that would change the length (`Ⅱ` → `II`) are left out; they
    never make or break a standard number.
    """
    blocks = [(0, 0x100), (0x2000, 0x2070), (0x2212, 0x2216), (0x2E3A, 0x2E3C)]
    blocks += [(0x3000, 0x3001), (0xFE50, 0xFE70), (0xFF00, 0xFFF0)]
    table = {}
    for low, high in blocks:
        for code in range(low, high):
            ch = chr(code)
            folded = _fold_char(ch)
            if len(folded) == 1 and folded != ch:
                table[code] = folded
    return table


_ONE_TO_ONE = _one_to_one_table()


def _fold(text: str, upper: bool) -> tuple[str, list[int] | None]:
    """Width- and dash-folded text, and for each of its characters the source offset.

    Running text is folded character for character (offsets unchanged, None returned);
    upper-casing may change lengths (`ß` → `SS`), so it keeps an offset map.
    """
    if not upper:
        return text.translate(_ONE_TO_ONE), None
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for c in _fold_char(ch).upper():
            chars.append(c)
            where.append(i)
    return "".join(chars), where


# ---------------------------------------------------------------------------
# The grammar

_SP = r"[ ]{0,3}"  # VERBOSE pattern: a literal space must be bracketed
_SLASH = rf"{_SP}/{_SP}"
_NUM = r"\d+(?:\.\d+)*"
# Dashes after folding; OCR reads the em dash before a year as 一 (one) or ー.
_DASH = r"(?:-{1,2}|[一ー]{1,2})"
# The year follows a dash (or a colon in the association series); covers whose dash is a
# drawn rule rather than a glyph leave only a space (`GB 12348 2008`), accepted for
# four-digit years that are not the start of a date or a quantity.
_YEAR_TAIL = rf"""(?:
    {_SP}{_DASH}{_SP}(?P<year>(?:19|20)\d\d|\d\d)(?!\d)
  | {_SP}:{_SP}(?P<colon_year>(?:19|20)\d\d)(?!\d)
  | [ ]{{1,3}}(?P<spaced_year>(?:19|20)\d\d)(?![\d.年月/:-])
)?"""


def _alternation(codes) -> str:
    return "|".join(sorted(codes, key=len, reverse=True))


# Canonical international prefix by its spelling without spaces, in upper case.
_INTERNATIONAL_BY_KEY = {re.sub(r"\s+", "", p).upper(): p for p in INTERNATIONAL}
_INTERNATIONAL_RE = _alternation(
    p.replace("/", _SLASH).replace(" Guide", "[ ]{1,3}(?:Guide|GUIDE)") for p in INTERNATIONAL
)
_CODES_RE = _alternation([*NATIONAL, *INDUSTRY, *ASSOCIATION])

_PATTERN = rf"""
(?=[A-Z])(?<![A-Za-z0-9])
(?:
    (?P<intl>{_INTERNATIONAL_RE}){_SP}(?P<inum>\d+(?:-\d+)*)
        (?:{_SP}:{_SP}(?P<iyear>(?:19|20)\d\d)(?!\d))?
  | DB{_SP}(?P<prov>\d{{2}}(?:\d{{2}})?)
        (?:{_SP}/{_SP}(?:(?P<dbkind>[TZ]){_SP})?|(?P<dbkind2>[TZ]){_SP})
        (?P<dbnum>{_NUM})
  | DB{_SP}(?P<dbold>\d{{4,}})
  | (?P<itu>ITU{_SP}-{_SP}T){_SP}(?:(?:REC|Rec)\.?{_SP})?(?P<itunum>[A-Z]{_SP}\.{_SP}\d+(?:\.\d+)*)
  | (?:IETF{_SP})?(?P<rfc>RFC){_SP}(?P<rfcnum>\d+)
  | (?P<ieee>IEEE){_SP}(?:(?:STD|Std)\.?{_SP})?(?P<ieeenum>\d+(?:\.\d+)*)
  | (?<!/)T{_SLASH}(?P<group>[A-Z]{{2,12}}){_SP}(?P<gnum>{_NUM})
  | (?<!/)Q{_SLASH}(?P<firm>[A-Z]{{2,12}}){_SP}(?P<fnum>{_NUM})
  | (?P<jtg>JTG)(?:{_SLASH}(?P<jtgkind>[TZ]))?{_SP}(?P<jtgnum>[A-Z]\d+(?:\.\d+)*)
  | (?<!/)(?P<code>{_CODES_RE})
        (?:{_SLASH}(?P<kind>[TZ])|\ {{1,3}}(?P<kind2>[TZ])(?=\ {{0,3}}\d)|(?P<kind3>[TZ])(?=\ {{0,3}}\d))?
        (?P<gap>{_SP})(?P<num>{_NUM})
)
(?!\.?\d)
(?(intl)|{_YEAR_TAIL})
"""

_RE = re.compile(_PATTERN, re.VERBOSE)


def _full_year(year: str | None) -> str | None:
    if year is None or len(year) == 4:
        return year
    return ("20" if int(year) < 50 else "19") + year


# Industry codes that are also element symbols or abbreviations glued to numbers in
# running text: CH4 (methane), LD50 (lethal dose).
_FORMULA_LIKE = {"CH", "LD"}


def _looks_cited(m: re.Match[str], code: str, number: str) -> bool:
    """Whether an undated industry number in running text is a citation, not a formula.

    `HJ 38`, `HJ38`, `HJ/T 1` and `SL 26` are cited in real documents; `CH4`, `CH 4`,
    `LD50`, and the `TYZ7788` of a garbled text layer are not. Whole strings from users
    and file names are not held to this.
    """
    if m.group("kind") or m.group("kind2"):
        return True
    if m.group("kind3"):
        return False  # GBT7714-style gluing is a file-name habit, not print
    digits = len(number.split(".")[0])
    if m.group("gap"):
        return digits >= 2 or "." in number
    return digits >= 2 and code not in _FORMULA_LIKE


def _from_match(m: re.Match[str], strict: bool) -> StandardNumber | None:
    year = _full_year(m.group("year")) or m.group("colon_year") or m.group("spaced_year")
    if m.group("intl"):
        prefix = _INTERNATIONAL_BY_KEY[re.sub(r"\s+", "", m.group("intl")).upper()]
        number = m.group("inum")
        year = m.group("iyear")
        # A trailing four-digit group after a hyphen is a year in Chinese citations
        # (`ISO 2108-1992`); part numbers never look like that.
        head, _, last = number.rpartition("-")
        if year is None and head and re.fullmatch(r"(?:19|20)\d\d", last):
            number, year = head, last
        return StandardNumber(prefix, number, year)
    if m.group("itu"):
        return StandardNumber("ITU-T", re.sub(r"\s+", "", m.group("itunum")), year)
    if m.group("rfc"):
        return StandardNumber("IETF RFC", m.group("rfcnum"), year)
    if m.group("ieee"):
        return StandardNumber("IEEE", m.group("ieeenum"), year)
    if m.group("prov"):
        code = m.group("prov")
        if code[:2] not in PROVINCES:
            return None
        letter = m.group("dbkind") or m.group("dbkind2")
        prefix = f"DB{code}" + (f"/{letter}" if letter else "")
        return StandardNumber(prefix, m.group("dbnum"), year)
    if m.group("dbold"):
        number = m.group("dbold")
        if number[:2] not in PROVINCES:
            return None
        return StandardNumber("DB", number, year)
    if m.group("group"):
        return StandardNumber(f"T/{m.group('group')}", m.group("gnum"), year)
    if m.group("firm"):
        return StandardNumber(f"Q/{m.group('firm')}", m.group("fnum"), year)
    if m.group("jtg"):
        letter = m.group("jtgkind")
        return StandardNumber("JTG" + (f"/{letter}" if letter else ""), m.group("jtgnum"), year)
    code = m.group("code")
    letter = m.group("kind") or m.group("kind2") or m.group("kind3")
    number = m.group("num")
    if code == "DB" and not letter:
        return None  # DB plus digits is local; bare DB is only the seismology DB/T
    if strict and year is None and code not in NATIONAL and not _looks_cited(m, code, number):
        return None
    prefix = code + (f"/{letter}" if letter else "")
    return StandardNumber(prefix, number, year)


# A run of parts cited after one prefix: `GB 5085.1～5085.6`, `GB/T 2423.1、2423.2和2423.3`.
_PART_RUN = re.compile(
    rf"""{_SP}(?:[～~、,，/]|和|及|与|或|至|到){_SP}
    (?P<num>\d+(?:\.\d+)+)(?!\.?\d)
    (?:{_SP}{_DASH}{_SP}(?P<year>(?:19|20)\d\d|\d\d)(?!\d))?""",
    re.VERBOSE,
)


def _scan(text: str, strict: bool) -> list[tuple[StandardNumber, int, int]]:
    folded, where = _fold(text, upper=not strict)
    spans: list[tuple[StandardNumber, int, int]] = []  # offsets in `folded`
    for m in _RE.finditer(folded):
        number = _from_match(m, strict)
        if number is None:
            continue
        spans.append((number, m.start(), m.end()))
        spans.extend(_part_run(number, folded, m.end()))
    spans = _fill_part_ranges(spans, folded)
    if where is None:
        return spans
    return [(number, where[start], where[end - 1] + 1) for number, start, end in spans]


_RANGE = re.compile(r"[ ]{0,2}(?:[～~]|至|到)[ ]{0,2}")
MAX_RANGE_PARTS = 20


def _fill_part_ranges(spans, folded):
    """`GB 5085.1～5085.6` cites parts 2 to 5 as well; they get the span of the range."""
    out = []
    for i, (number, start, end) in enumerate(spans):
        out.append((number, start, end))
        if i + 1 == len(spans):
            break
        last, last_start, last_end = spans[i + 1]
        if not _RANGE.fullmatch(folded, end, last_start):
            continue
        if last.prefix != number.prefix or last.base_number != number.base_number:
            continue
        head, _, first_part = number.number.rpartition(".")
        last_head, _, last_part = last.number.rpartition(".")
        if not head or head != last_head or not (first_part.isdigit() and last_part.isdigit()):
            continue
        if not 1 < int(last_part) - int(first_part) <= MAX_RANGE_PARTS:
            continue
        for part in range(int(first_part) + 1, int(last_part)):
            # Undated: the parts of a range need not share an edition year.
            between = StandardNumber(number.prefix, f"{head}.{part}")
            out.append((between, start, last_end))
    return out


def _part_run(first: StandardNumber, folded: str, pos: int):
    """Further parts of the same multi-part standard printed without their prefix.

    Only parts sharing a base number of three or more digits are taken, so a clause
    number after a citation (`GB/T 1.1—2009、5.2`) is not.
    """
    base = first.base_number
    if first.is_international or "." not in first.number or len(base) < 3:
        return
    while m := _PART_RUN.match(folded, pos):
        part = m.group("num")
        if part.split(".")[0] != base:
            return
        yield (
            StandardNumber(first.prefix, part, _full_year(m.group("year"))),
            m.start("num"),
            m.end(),
        )
        pos = m.end()


_STRIP = " \t\r\n,.;:，。；：、()（）《》<>〈〉[]【】〔〕\"'“”‘’"


def parse_std_no(text: str) -> StandardNumber | None:
    """Parse a whole string that is one standard number, in any spelling real documents and users produce.

    Case and spacing are free here (`gb t 28181`, `gbt28181-2016`, `jt808`); template
    placeholders (`SL/T XXXXX—XXXX`) and anything with words around the number give None.
    """
    if not text:
        return None
    folded, _ = _fold(text, upper=True)
    folded = folded.strip(_STRIP)
    m = _RE.fullmatch(folded)
    return _from_match(m, strict=False) if m else None


def find_std_nos(text: str) -> list[tuple[StandardNumber, int, int]]:
    """Every standard number inside running text, with (start, end) offsets in `text`.

    Prefixes must be printed in capitals here: lower-case spellings come from users, and
    in body text they are English words. Parts cited after one prefix
    (`GB 5085.1、5085.2`) are found with the span of the bare number; the parts inside a
    range (`GB 5085.1～5085.6`) are found with the span of the whole range, so spans may
    overlap, but they come in order of their start.
    """
    return _scan(text, strict=True)


_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{1,4}$")
_FILENAME_FIXES = (
    # DB-44-1597-2015, DB44_1597-2015, DB44_T_1234-2022 → DB44/1597-2015, DB44/T 1234-2022
    (re.compile(r"(?<![A-Z])DB[ -]*(\d{2}(?:\d{2})?)[ -]+(?:(T)[ -]+)?(?=\d)"), r"DB\1/\2 "),
    # T_GDRTA_002-2020, T-GDRTA-002-2020, Q_GDW_1234-2014 → T/GDRTA 002-2020
    (re.compile(r"(?<![A-Z])([TQ])[ -](?=[A-Z]{2,12}[ -]?\d)"), r"\1/"),
    # TGDRTA002, QGDW1234 → T/GDRTA002, Q/GDW1234; but TB 10001 and QC/T 29 are industry codes
    (
        re.compile(rf"^([TQ])(?!(?:{_CODES_RE})(?:/?[TZ])?[ -]?\d)(?=[A-Z]{{2,12}}[ -]?\d)"),
        r"\1/",
    ),
    # GB-T-7714-2015, JT-T-808 → GB/T 7714-2015
    (re.compile(r"(?<![A-Z])([A-Z]{2,4})[ -]+([TZ])[ -]+(?=\d)"), r"\1/\2 "),
    # GB-5085.7-2019, JTT-808, T/GDRTA-002 → GB 5085.7-2019
    (re.compile(r"(?<![A-Z])([A-Z]{2,12}(?:/[TZ])?)-(?=\d)"), r"\1 "),
)


def _filename_spelling(stem: str) -> str:
    stem, _ = _fold(stem.replace("_", " "), upper=True)
    for pattern, replacement in _FILENAME_FIXES:
        stem = pattern.sub(replacement, stem)
    return stem


def parse_filename(name: str) -> StandardNumber | None:
    """The standard number a library file name carries, or None.

    Libraries name files `SL_651-2014.pdf`, `JT_T_808-2013_BD.pdf`, `DB-44-1597-2015.pdf`,
    `GBT 26875.3-2011 城市消防….pdf`: underscores for slashes and spaces, hyphens
    everywhere, titles after the number. The first number in the name wins.
    """
    stem = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = _filename_spelling(_EXTENSION.sub("", stem))
    for m in _RE.finditer(stem):
        number = _from_match(m, strict=False)
        if number is not None:
            return number
    return None


def parse_typed_std_no(text: str) -> StandardNumber | None:
    """A whole string that is one standard number as users type it: any spelling
    `parse_std_no` takes, or with blanks, hyphens or underscores where the slashes belong
    (`DB44 1597 2015`, `DB53 T 1000—2020`, `T STDS 001 2026`, `GB_T_7714-2015`)."""
    if not text:
        return None
    return parse_std_no(text) or parse_std_no(_filename_spelling(text))


# Bare numbers worth a lookup: `32960.3`, `7714-2015`, and ITU-T's `G.711`.
_BARE = re.compile(
    rf"(?P<num>\d{{3,}}(?:\.\d+)*|[A-Z]\.\d{{2,}}(?:\.\d+)*)"
    rf"(?:{_SP}{_DASH}{_SP}(?P<year>(?:19|20)\d\d|\d\d))?"
)


def normalize_query_number(text: str) -> list[str]:
    """The index keywords to look up for a standard number typed by a user, or [].

    `gb3838` → ["gb3838"], `ｈｊ２１２` → ["hj212"], `GB/T 28181—2016` →
    ["gb/t28181-2016", "gb28181-2016"], `gb t 28181` → ["gb/t28181", "gb28181"],
    `32960.3` → ["32960.3"], `GB14554-93` → ["gb14554-1993"]. The first keyword is the
    exact one; any further ones are fallbacks for a kind typed wrongly or ambiguously
    (`GB/T 3838` for GB 3838, `gbz20000` for GB/Z 20000). Every keyword is one of
    `StandardNumber.variants()` of the standards it should find. File-name spellings
    (`GB_T_7714-2015`, `DB-44-1597-2015`) are understood too.
    """
    if not text or not text.strip():
        return []
    number = parse_typed_std_no(text)
    if number is not None:
        keys = [number.key]
        if number.prefix.startswith("GBZ") and not number.kind_letter:
            # `gbz20000` may be GB/Z 20000 typed without the slash.
            keys.append(StandardNumber("GB/Z", number.number, number.year).key)
        if number.kind_letter:
            keys.append(StandardNumber(number.code, number.number, number.year).key)
        return keys
    folded, _ = _fold(text, upper=True)
    m = _BARE.fullmatch(folded.strip(_STRIP))
    if not m:
        return []
    year = _full_year(m.group("year"))
    return [m.group("num").lower() + (f"-{year}" if year else "")]
