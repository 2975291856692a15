"""The first pages of a standard (and its file name) → its catalogue metadata.

The cover of a Chinese standard has a fixed layout (GB/T 1.1 Annex, and the older
layouts it grew from), read top to bottom:

    ICS 13.040.40                      ← classification codes, top left
    Z 60
    中华人民共和国国家标准               ← banner: the level of the standard
                         GB 1234—2020  ← number, right-aligned below the banner
                  代替 GB 1234—2008    ← superseded standards (or `… 废止`)
          标准的中文名称                ← title, the largest type on the page
          English title                 ← one or more Latin lines
        (ISO 1234:2015, MOD)           ← adoption of an international standard
             （报批稿）                 ← draft stage, when not a published text
    2020-01-01 发布    2020-07-01 实施  ← dates
         国家市场监督管理总局   发布     ← issuers
         国家标准化管理委员会

We walk the cover lines in that order and let the position in the layout decide what a
line is, rather than matching each field anywhere on the page: a number printed in the
English title or a date in a publisher's note must not be taken for the standard's own.

Documents in the wild lack covers (scans start at 目次), print template placeholders
(`SL/T XXXXX—XXXX`) or no number at all (technical specifications). Then the number
comes from the running header or, last, the file name, the title from the page where
chapter 1 starts, and `replaces`/`adopts` from the foreword; `sources` records where
each field came from and `missing` what was not found, so a librarian knows what to
check.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import Enum, auto

from analyzers.normalize import is_cjk
from analyzers.stdno import StandardNumber, find_std_nos, parse_filename
from indexer.library.model import Adoption, Line, Page

from .adoption import adoption_from_cover, adoption_from_foreword, merge, summary
from .dates import find_dates, find_labelled_dates

COVER = "cover"
HEADER = "header"
FOREWORD = "foreword"
FILENAME = "filename"

# Fields a cover normally prints; the ones not found are listed in `missing`.
COVER_FIELDS = ("std_no", "title_zh", "title_en", "ics", "ccs", "issued", "effective", "issuers")

DRAFT_STAGES = ("征求意见稿", "送审稿", "报批稿")
# How far into the document the front matter (cover, 目次, 前言, first chapter) reaches.
FRONT_PAGES = 12


@dataclass
class CoverMetadata:
    std_no: str = ""
    prefix: str = ""
    kind: str = ""
    level: str = ""
    region: str = ""
    title_zh: str = ""
    title_en: str = ""
    ics: list[str] = field(default_factory=list)
    ccs: str = ""
    issued: str = ""
    effective: str = ""
    replaces: list[str] = field(default_factory=list)
    adopts: str = ""
    adoption: list[Adoption] = field(default_factory=list)
    issuers: list[str] = field(default_factory=list)
    draft: str = ""
    sources: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Text tests


def compact(text: str) -> str:
    return "".join(text.split())


def _cjk_share(text: str) -> float:
    chars = compact(text)
    return sum(is_cjk(ch) for ch in chars) / len(chars) if chars else 0.0


def _latin_share(text: str) -> float:
    chars = compact(text)
    return sum(ch.isascii() and ch.isalpha() for ch in chars) / len(chars) if chars else 0.0


def _is_chinese(text: str) -> bool:
    return _cjk_share(text) >= 0.5


def _is_latin(text: str) -> bool:
    return _latin_share(text) >= 0.5 and sum(ch.isascii() and ch.isalpha() for ch in text) >= 2


# Banners name the kind of document, which tells the level the number must have:
# `中华人民共和国国家标准`, `中华人民共和国交通运输行业标准`, `广东省地方标准`, `团体标准`,
# `中华人民共和国国家计量技术规范`, `中华人民共和国国家标准化指导性技术文件`.
_BANNER = re.compile(
    r"^(?:中华人民共和国.{0,14}(?:标准|技术规范|检定规程|技术文件)"
    r"|.{0,16}(?:地方标准|团体标准|企业标准|行业标准))$"
)
# Checked in order: 国家环境保护标准 and 国家生态环境标准 are sector (HJ) standards.
_BANNER_LEVELS = (
    ("行业", "industry"),
    ("环境保护标准", "industry"),
    ("生态环境标准", "industry"),
    ("军用", "industry"),
    ("地方", "local"),
    ("团体", "group"),
    ("企业", "enterprise"),
    ("国家", "national"),
)


def banner_level(text: str) -> str:
    """The level a cover banner announces, or "" when the line is no banner.

    OCR drops or doubles characters of the banner (`中华人民共和家标准`,
    `中华人人民共和国国家标准`); its opening words are enough when the position fits.
    """
    text = compact(text)
    if not (_BANNER.match(text) or (text.startswith("中华人") and len(text) <= 20)):
        return ""
    return next((level for word, level in _BANNER_LEVELS if word in text), "national")


_ICS = re.compile(r"^[I1l|][CG][S5](?![A-Za-z])[:：]?(?P<codes>[^A-Za-z\u4e00-\u9fff]*)")
_ICS_CODE = re.compile(r"\s*(\d{2})[.\s]?(\d{3})(?:[.\s]?(\d{2}))?(?!\d)")
# OCR puts quotes and commas around the code (`、R 07`, `T“35`).
_CCS = re.compile(
    r"^(?:CCS|中国标准文献分类号)?[:：]?[\s、,.“”\"'‘’]*(?P<letter>[A-Z])[\s“”\"'‘’]?"
    r"(?P<num>\d{2})(?:\s?/\s?(?P<num2>\d{2}))?(?!\d)"
)
_CCS_LABEL = re.compile(r"^(?:CCS|中国标准文献分类号)")
_PLACEHOLDER = re.compile(r"[X×]{2,}|xxx|点击此处")
_REPLACES_WORDS = ("代替", "废止")
_FILING = "备案号"
_NOTE = re.compile(r"[。]|本电子版|出版|以.*为准|仅供|请以")
_ADOPTION_DEGREE = re.compile(r"\b(IDT|MOD|NEQ|EQV)\b")
_STAGE = re.compile(r"^[(（]?(?P<stage>征求意见稿|送审稿|报批稿|发布稿|讨论稿|草案|试行)[)）]?$")
_PUNCT_ONLY = re.compile(r"^[\W_]+$")
_PART = re.compile(r"^第\s*\d+\s*部分")
_FRONT_HEADING = re.compile(r"^(目次|目录|前言|引言)$")
_CHAPTER_ONE = re.compile(r"^1\s*[、.]?\s*(范围|适用范围|主题内容与适用范围|总则|主题内容)$")
_LEADER = re.compile(r"(\.{4,}|…{2,}|·{4,})")


def parse_ics(text: str) -> list[str]:
    """`ICS 13.040.40`, `ICS 13 040 40`, `ICS0114020`, `ICS 03.220.20;35.240.60` → dotted codes.

    An ICS code is a two-digit field, a three-digit group and a two-digit subgroup;
    prints that lose the dots (letter-spaced or drawn separators) still keep the digits
    in that order, so the digits alone give the code back.
    """
    m = _ICS.match(text.strip())
    if not m:
        return []
    codes = []
    # Separators other than `;` may be anything: dots, spaces, or an unmapped glyph.
    for group in re.split(r"[;；,，]", m["codes"]):
        if _PLACEHOLDER.search(group) or re.search(r"[×xX]", group):
            continue
        # A well-formed code first: OCR may read specks after it (`35.240.60 "2`).
        dotted = _ICS_CODE.match(group)
        digits = "".join(dotted.groups("")) if dotted else re.sub(r"\D", "", group)
        if len(digits) not in (2, 5, 7):
            continue
        code = ".".join(part for part in (digits[:2], digits[2:5], digits[5:7]) if part)
        codes.append(code)
    return codes


def parse_ccs(text: str) -> str:
    """`Z 60`, `Z60`, `CCS R 10/19`, `中国标准文献分类号 Z 67` → `Z 60` … ("" for none)."""
    m = _CCS.match(text.strip())
    if not m:
        return ""
    code = f"{m['letter']} {m['num']}"
    return f"{code}/{m['num2']}" if m["num2"] else code


def _numbers_in(text: str) -> list[StandardNumber]:
    """Standard numbers on a cover line, repairing a year whose dash is drawn, not typed."""
    # Letter-spaced and OCR'd print opens up part numbers (`GB/T 26875. 3—2011`).
    text = re.sub(r"(?<=\d)\s*\.\s+(?=\d)", ".", text)
    # OCR reads the dash before the year as the character 一.
    text = re.sub(r"(?<=[0-9])\s*一\s*(?=(?:[0-9]{2}){1,2}(?![0-9]))", "-", text)
    found = []
    for number, _start, end in find_std_nos(text):
        if not number.dated:
            year = re.match(r"\s+((?:19|20)\d{2})(?!\d)", text[end:])
            if year:
                number = replace(number, year=year.group(1))
        found.append(number)
    return found


def _only_numbers(text: str) -> bool:
    """True when a line is nothing but standard numbers and separators."""
    rest = text
    for _number, start, end in sorted(find_std_nos(text), key=lambda f: -f[1]):
        rest = rest[:start] + rest[end:]
    rest = re.sub(r"\s+((?:19|20)\d{2})(?!\d)", "", rest)
    return bool(find_std_nos(text)) and not re.sub(r"[\s,，、;；和及]", "", rest)


def _page_size(page: Page) -> float:
    """The median type size of a page: body text on text pages, the cover's scale on covers."""
    sizes = sorted(line.size for line in page.lines if line.size)
    return sizes[len(sizes) // 2] if sizes else 0.0


def _large(line: Line, page: Page, points: float) -> bool:
    """Set in display type: `points` on an A4 page, or clearly above the page's own text.

    Scans and reduced prints scale everything down, so absolute sizes alone fail there.
    """
    return line.size >= min(points * min(1.0, page.width / 595), 1.3 * _page_size(page))


def _is_banner(line: Line, page: Page) -> bool:
    return _large(line, page, 14) and line.top < 0.4 * page.height and bool(banner_level(line.text))


# Where two issuing bodies printed side by side may be cut apart (the text layer loses
# the gap between them): only the unambiguous endings.
_BODY_END = re.compile(r"(?:总局|委员会|部|厅|局|协会|学会|联合会|研究院|中心)")
# What the name of an issuing body ends with.
_BODY_NAME_END = re.compile(
    r"(?:总局|委员会|部|厅|局|署|办公室|协会|学会|联合会|研究院|研究所|院|中心|银行|公司|集团|委|会)"
)


def _issuer_name(text: str) -> str:
    """The issuing body printed on a line, or "" when the line names none.

    Page numbers, stray marks and OCR noise share the bottom band with the issuers;
    a few characters after the last word that ends a body's name are such noise.
    """
    text = compact(re.sub(r"\s*发\s*布\s*$", "", text))
    text = re.sub(r"[\x21-\x7e，。、；：]", "", text)
    ends = list(_BODY_NAME_END.finditer(text))
    if not ends or len(text) - ends[-1].end() > 3 or ends[-1].end() < 3:
        return ""
    return text[: ends[-1].end()]


def split_issuers(text: str) -> list[str]:
    """`国家市场监督管理总局国家标准化管理委员会` → the two bodies."""
    bodies = []
    rest = text
    while rest:
        cut = None
        for m in _BODY_END.finditer(rest):
            after = rest[m.end() :]
            if m.end() >= 4 and len(after) >= 4 and _BODY_END.search(after[-3:]):
                cut = m.end()
                break
        if cut is None:
            bodies.append(rest)
            break
        bodies.append(rest[:cut])
        rest = rest[cut:]
    return [body for body in bodies if len(body) >= 2]


def _usable(page: Page) -> bool:
    """Pages whose lines can be believed: garbled text layers are not, unless OCR replaced them."""
    return bool(page.lines) and (not page.needs_ocr or page.ocr)


def _is_front_matter(page: Page) -> bool:
    """目次, 前言, 引言 or the first chapter: the cover, if any, was before."""
    for line in page.lines:
        text = compact(line.text)
        if _FRONT_HEADING.match(text) or (_CHAPTER_ONE.match(text) and not _LEADER.search(text)):
            return True
    return False


def _is_prose(text: str) -> bool:
    """Sentences of the foreword (`本标准…批准。`), not cover print."""
    flat = compact(text)
    return flat.startswith("本") or "。" in flat or len(flat) > 40


def _cover_signal(page: Page) -> bool:
    """A banner, the ICS line or cover dates; or, on a page that is not front matter, display type.

    Old standards (GB 8978-1996) print banner, number and title above chapter 1 on the
    first page: that page is their cover.
    """
    top = [line for line in page.lines if line.top < 0.3 * page.height]
    if any(_is_banner(line, page) or _ICS.match(compact(line.text)) for line in top):
        return True
    if any(find_labelled_dates(line.text) and not _is_prose(line.text) for line in page.lines):
        return True
    return not _is_front_matter(page) and any(
        line.size >= 18 and _is_chinese(line.text) and len(compact(line.text)) >= 3
        for line in page.lines
    )


def find_cover(pages: list[Page]) -> Page | None:
    """The cover (or title page): the first page before the front matter that looks like one."""
    for page in pages[:3]:
        if not _usable(page):
            continue
        if _cover_signal(page):
            return page
        if _is_front_matter(page):
            return None
    return None


# ---------------------------------------------------------------------------
# The cover, line by line
#
# The walk keeps to the layout: the part of the cover it has reached decides what a
# line may be read as, and each part tries its readings in a fixed order of precedence.


@dataclass
class _CoverReading:
    """What the walk over the cover lines found, before fallbacks."""

    banner_level: str = ""
    numbers: list[tuple[StandardNumber, Line]] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)
    ics: list[str] = field(default_factory=list)
    ccs: str = ""
    title_zh: list[Line] = field(default_factory=list)
    title_en: list[Line] = field(default_factory=list)
    adoption: list[str] = field(default_factory=list)
    dates: dict[str, str] = field(default_factory=dict)
    plain_dates: list[str] = field(default_factory=list)
    issuers: list[str] = field(default_factory=list)
    draft: str = ""


class _Part(Enum):
    """The part of the cover the walk has reached, top to bottom.

    A number below the title is not the standard's own, and a Latin line is an English
    title only right under the Chinese one: what a line is depends on where it is.
    """

    HEAD = auto()  # classification codes and banner, above the number
    NUMBER = auto()  # the number, and the standards it replaces
    TITLE = auto()  # the Chinese title
    ENGLISH = auto()  # the English title, and the note of an adopted standard
    ADOPTION = auto()  # inside an adoption note whose parentheses span several lines
    BOTTOM = auto()  # dates and issuers


class _LineKind(Enum):
    """What a cover line was read as: the next may depend on it (the English title comes
    right after the Chinese title, stray punctuation belongs to the line before)."""

    OTHER = auto()  # nothing the catalogue keeps
    ICS = auto()
    CCS = auto()
    FILING = auto()  # 备案号
    BANNER = auto()
    NUMBER = auto()
    REPLACES = auto()
    TITLE = auto()
    STAGE = auto()  # （报批稿）
    ADOPTION = auto()
    ENGLISH = auto()
    DATES = auto()
    ISSUER = auto()


# The lines of the title block, whose bottom the English title must follow closely.
_TITLE_BLOCK = (_LineKind.TITLE, _LineKind.ENGLISH, _LineKind.STAGE, _LineKind.ADOPTION)
_CLOSING_PARENTHESIS = re.compile(r"[)）]\s*$")


@dataclass(frozen=True)
class _CoverLine:
    """A cover line with the text tests several readings share, done once."""

    printed: Line  # as printed: its position and type size
    text: str  # stripped
    flat: str  # without white space
    labelled: dict[str, str]  # dates with their label: {"发布": …, "实施": …}
    stage: re.Match | None  # the whole line is a draft stage: `（报批稿）`
    draft: str  # the draft stage the line names, if any

    @classmethod
    def of(cls, printed: Line) -> _CoverLine:
        text = printed.text.strip()
        flat = compact(text)
        return cls(
            printed=printed,
            text=text,
            flat=flat,
            labelled=find_labelled_dates(text),
            stage=_STAGE.match(flat),
            draft=next((name for name in DRAFT_STAGES if name in flat), ""),
        )


@dataclass
class _CoverWalk:
    """Where the walk is and what it has read so far, carried from line to line."""

    page: Page
    has_banner: bool  # then nothing above the banner is the title (logos: `JT`, `DB44`)
    found: _CoverReading = field(default_factory=_CoverReading)
    part: _Part = _Part.HEAD
    title_size: float = 0.0  # the title's type size so far: much smaller lines are no title
    previous: _LineKind | None = None  # the last line read as something
    block_bottom: float = 0.0  # bottom of the title block so far: the English title follows closely

    def note(self, line: _CoverLine, kind: _LineKind) -> None:
        """Remember what the line was, for the lines after it; keep the first draft stage named."""
        if line.draft and not self.found.draft:
            self.found.draft = line.draft
        if kind is not _LineKind.OTHER:
            self.previous = kind
        if kind in _TITLE_BLOCK:
            self.block_bottom = max(self.block_bottom, line.printed.bottom)


def _read_cover(page: Page) -> _CoverReading:
    """Walk the cover lines top to bottom, reading each as what may come where it is."""
    lines = sorted(page.lines, key=lambda line: (round(line.top), line.x0))
    walk = _CoverWalk(page, has_banner=any(_is_banner(line, page) for line in lines))
    for line in map(_CoverLine.of, lines):
        if line.flat:
            walk.note(line, _READ_IN[walk.part](walk, line))
    found = walk.found
    if found.title_zh:
        # OCR noise beside the title (a stamp, a logo) may come first in reading order.
        biggest = max(line.size for line in found.title_zh)
        found.title_zh = [line for line in found.title_zh if line.size >= 0.65 * biggest]
    return found


# One function per part of the cover: the readings a line may have there, in order.

_Reading = Callable[[_CoverWalk, _CoverLine], "_LineKind | None"]


def _first_reading(walk: _CoverWalk, line: _CoverLine, *readings: _Reading) -> _LineKind:
    """What the first reading that takes the line made of it; OTHER when none does."""
    for reading in readings:
        kind = reading(walk, line)
        if kind is not None:
            return kind
    return _LineKind.OTHER


def _in_head(walk: _CoverWalk, line: _CoverLine) -> _LineKind:
    """Above the number: codes, the banner, the number block; the title, when no banner."""
    return _first_reading(
        walk,
        line,
        _read_ics,
        _read_ccs,
        _read_filing,
        _read_banner,
        _read_dates,
        _read_stage,
        _read_replaces,
        _read_number,
        _read_placeholder,
        _read_title,
        _read_stray_punctuation,
    )


def _in_number(walk: _CoverWalk, line: _CoverLine) -> _LineKind:
    """Under the banner or the number: more numbers, what they replace, then the title."""
    return _first_reading(
        walk,
        line,
        _read_ics,
        _read_filing,
        _read_banner,
        _read_dates,
        _read_stage,
        _read_replaces,
        _read_number,
        _read_placeholder,
        _read_title,
        _read_stray_punctuation,
        _read_lower_cover,
    )


def _in_title(walk: _CoverWalk, line: _CoverLine) -> _LineKind:
    """In the Chinese title: more of it, or what follows it (adoption, English title)."""
    return _first_reading(
        walk,
        line,
        _read_ics,
        _read_filing,
        _read_dates,
        _read_stage,
        _read_title,
        _read_adoption,
        _read_english,
        _read_stray_punctuation,
        _read_lower_cover,
    )


def _in_english(walk: _CoverWalk, line: _CoverLine) -> _LineKind:
    """In the English title: more of it, or the adoption note under it."""
    return _first_reading(
        walk,
        line,
        _read_ics,
        _read_filing,
        _read_dates,
        _read_stage,
        _read_adoption,
        _read_english,
        _read_stray_punctuation,
        _read_lower_cover,
    )


def _in_adoption(walk: _CoverWalk, line: _CoverLine) -> _LineKind:
    """Inside `(ISO 1234:2015, …, MOD)` run over lines: every line is part of it until
    it closes, unless it plainly is not (Chinese, dates, a fifth line)."""
    if _is_chinese(line.text) or line.labelled or len(walk.found.adoption) >= 4:
        walk.part = _Part.ENGLISH  # the closing parenthesis was lost
        return _in_english(walk, line)
    walk.found.adoption.append(line.text)
    if _CLOSING_PARENTHESIS.search(line.text):
        walk.part = _Part.ENGLISH
    return _LineKind.ADOPTION


def _in_bottom(walk: _CoverWalk, line: _CoverLine) -> _LineKind:
    """Below the dates or the title block: dates and issuers."""
    return _first_reading(
        walk,
        line,
        _read_ics,
        _read_filing,
        _read_dates,
        _read_stage,
        _read_stray_punctuation,
        _read_lower_cover,
    )


_READ_IN = {
    _Part.HEAD: _in_head,
    _Part.NUMBER: _in_number,
    _Part.TITLE: _in_title,
    _Part.ENGLISH: _in_english,
    _Part.ADOPTION: _in_adoption,
    _Part.BOTTOM: _in_bottom,
}


# The readings: each takes the line as one part of the cover, or returns None.


def _read_ics(walk: _CoverWalk, line: _CoverLine) -> _LineKind | None:
    """`ICS 13.040.40`, and the CCS code when the same line prints it too."""
    if not _ICS.match(line.flat):
        return None
    walk.found.ics = parse_ics(line.text)
    ccs = _CCS.search(line.text[3:].lstrip(" \t:：0123456789.;；"))
    if ccs:
        walk.found.ccs = parse_ccs(ccs.group(0))
    return _LineKind.ICS


def _read_ccs(walk: _CoverWalk, line: _CoverLine) -> _LineKind | None:
    """The CCS code on a line of its own (`Z 60`, `CCS Z 60`); the first one only."""
    if walk.found.ccs or not (parse_ccs(line.text) or _CCS_LABEL.match(line.flat)):
        return None
    unlabelled = re.sub(r"^(CCS|中国标准文献分类号)[:：]?", "", line.flat)
    walk.found.ccs = parse_ccs(unlabelled) or parse_ccs(line.text)
    return _LineKind.CCS


def _read_filing(walk: _CoverWalk, line: _CoverLine) -> _LineKind | None:
    """The 备案号 line: its number is a filing number, not the standard's."""
    return _LineKind.FILING if _FILING in line.flat else None


def _read_banner(walk: _CoverWalk, line: _CoverLine) -> _LineKind | None:
    """The banner tells the level the number must have; the number follows under it."""
    if walk.found.banner_level or not _is_banner(line.printed, walk.page):
        return None
    walk.found.banner_level = banner_level(line.flat)
    walk.part = _Part.NUMBER
    return _LineKind.BANNER


def _read_dates(walk: _CoverWalk, line: _CoverLine) -> _LineKind | None:
    """`2020-01-01 发布  2020-07-01 实施`: labelled dates start the bottom of the cover."""
    if not line.labelled:
        return None
    found = walk.found
    found.dates.update({k: v for k, v in line.labelled.items() if k not in found.dates})
    walk.part = _Part.BOTTOM
    # Old layouts: `国家环境保护局 1996-10-04批准 1998-01-01实施`.
    before = re.split(r"(?:19|20)\d", line.flat, maxsplit=1)[0]
    found.issuers.extend(split_issuers(_issuer_name(before)))
    return _LineKind.DATES


def _read_stage(walk: _CoverWalk, line: _CoverLine) -> _LineKind | None:
    """A line that is only a stage (`（报批稿）`, `（试行）`); it belongs to the title block."""
    if not line.stage:
        return None
    if line.stage["stage"] in DRAFT_STAGES:
        walk.found.draft = walk.found.draft or line.stage["stage"]
    return _LineKind.STAGE


def _read_replaces(walk: _CoverWalk, line: _CoverLine) -> _LineKind | None:
    """`代替 GB 1234—2008` or `DB4426-1989 废止`: the standards this one supersedes."""
    if not any(word in line.flat for word in _REPLACES_WORDS):
        return None
    found = walk.found
    # `GB 5749—2006 代替 GB 5749—85`: the standard's own number may lead the line;
    # `DB4426-1989 废止`: what is made void precedes the word.
    head, word, tail = re.split(r"(代\s*替|废\s*止)", line.text, maxsplit=1)
    if "代" not in word:
        found.replaces.extend(str(n) for n in _numbers_in(head + " " + tail))
        return _LineKind.REPLACES
    found.numbers.extend((n, line.printed) for n in _numbers_in(head))
    found.replaces.extend(str(n) for n in _numbers_in(tail))
    if sum(is_cjk(ch) for ch in head) < 4 or found.title_zh:
        return _LineKind.REPLACES
    # Old single-page layouts print the title and 代替 side by side.
    found.title_zh.append(replace(line.printed, text=head.strip()))
    walk.title_size = line.printed.size
    walk.part = _Part.TITLE
    return _LineKind.TITLE


def _read_number(walk: _CoverWalk, line: _CoverLine) -> _LineKind | None:
    """A line of standard numbers: the standard's own, or more of what it replaces."""
    if not find_std_nos(line.text) or _is_chinese(line.text):
        return None
    found = walk.found
    walk.part = _Part.NUMBER
    if walk.previous is _LineKind.REPLACES and found.numbers and _only_numbers(line.text):
        found.replaces.extend(str(n) for n in _numbers_in(line.text))
        return _LineKind.REPLACES
    found.numbers.extend((n, line.printed) for n in _numbers_in(line.text))
    return _LineKind.NUMBER


def _read_placeholder(walk: _CoverWalk, line: _CoverLine) -> _LineKind | None:
    """A template placeholder where the number goes (`SL/T XXXXX—XXXX`): none printed."""
    if not _PLACEHOLDER.search(line.flat) or _is_chinese(line.text):
        return None
    return _LineKind.NUMBER


def _read_title(walk: _CoverWalk, line: _CoverLine) -> _LineKind | None:
    """The Chinese title: display type, in lines not much smaller than its largest."""
    if walk.part is _Part.HEAD and walk.has_banner:
        return None
    if not (
        _is_chinese(line.text)
        and _large(line.printed, walk.page, 13)
        and not _NOTE.search(line.flat)
        and not _PLACEHOLDER.search(line.flat)
        and line.printed.size >= 0.65 * walk.title_size
        and line.flat != "发布"
    ):
        return None
    walk.title_size = max(walk.title_size, line.printed.size)
    walk.found.title_zh.append(line.printed)
    walk.part = _Part.TITLE
    return _LineKind.TITLE


def _read_adoption(walk: _CoverWalk, line: _CoverLine) -> _LineKind | None:
    """`(ISO 1234:2015, MOD)` under the title: the international standard adopted."""
    text = line.text
    if not (
        re.match(r"^[(（]", text)
        and (find_std_nos(text) or _ADOPTION_DEGREE.search(text) or re.search(r"[A-Z]{2,}", text))
    ):
        return None
    walk.found.adoption.append(text)
    walk.part = _Part.ENGLISH if _CLOSING_PARENTHESIS.search(text) else _Part.ADOPTION
    return _LineKind.ADOPTION


def _read_english(walk: _CoverWalk, line: _CoverLine) -> _LineKind | None:
    """The English title: Latin lines right under the Chinese title (or its stage)."""
    if not (
        _is_latin(line.text)
        and walk.previous in (_LineKind.TITLE, _LineKind.ENGLISH, _LineKind.STAGE)
        and not _PLACEHOLDER.search(line.flat)
        and line.printed.top - walk.block_bottom
        < max(4 * line.printed.size, 0.08 * walk.page.height)
    ):
        return None
    walk.found.title_en.append(line.printed)
    walk.part = _Part.ENGLISH
    return _LineKind.ENGLISH


def _read_stray_punctuation(walk: _CoverWalk, line: _CoverLine) -> _LineKind | None:
    """Punctuation set apart from its line is read as whatever that line was."""
    if not _PUNCT_ONLY.match(line.flat):
        return None
    return walk.previous or _LineKind.OTHER


def _read_lower_cover(walk: _CoverWalk, line: _CoverLine) -> _LineKind | None:
    """Chinese print in the lower part of the page: unlabelled dates and the issuers.

    It ends the title block; before any title, the walk stays where it was.
    """
    if line.printed.top <= 0.55 * walk.page.height or not _is_chinese(line.text):
        return None
    if walk.part in (_Part.TITLE, _Part.ENGLISH):
        walk.part = _Part.BOTTOM
    dates = find_dates(line.text)
    if dates and len(line.flat) <= 12:
        walk.found.plain_dates.extend(date for date, _start, _end in dates)
        return _LineKind.DATES
    if line.flat == "发布" or _NOTE.search(line.flat) or line.draft:
        return _LineKind.OTHER
    issuers = split_issuers(_issuer_name(line.text))
    walk.found.issuers.extend(issuers)
    return _LineKind.ISSUER if issuers else _LineKind.OTHER


# ---------------------------------------------------------------------------
# Joining title lines


def _english_elements(lines: list[str]) -> int:
    """How many title elements (introductory, main, complementary) the English title shows.

    Elements are set apart by a dash (`…vehicles—Video …`) or start a new line with a
    capital letter; a line that continues in lower case is a mere wrap.
    """
    if not lines:
        return 0
    count = 1
    for i, line in enumerate(lines):
        count += len(re.findall(r"\s*(?:—|--|-{2,})\s*(?=[A-Z])", line))
        if i and re.match(r"^[A-Z]", line.strip()) and not re.search(r"(?:—|--)\s*$", lines[i - 1]):
            count += 1
    return count


def join_title_zh(lines: list[str], english: list[str] | None = None) -> str:
    """Chinese title lines → one title: wraps joined without space, elements with one.

    A Chinese line break alone does not tell a wrap from a new element. A part heading
    (`第3部分：…`) always starts an element; otherwise we trust the English title: when
    it has as many elements as there are Chinese lines, each line is an element.
    """
    # Chinese titles take the full-width colon (`第1部分：总则`); OCR reads it as ASCII.
    lines = [
        re.sub(r"(?<=[\u4e00-\u9fff\d]):(?=[\u4e00-\u9fff])", "：", compact(line)) for line in lines
    ]
    lines = [line for line in lines if line]
    if not lines:
        return ""
    elements = _english_elements(english or [])
    one_per_line = len(lines) > 1 and elements == len(lines)
    title = lines[0]
    for line in lines[1:]:
        title += " " if _PART.match(line) or one_per_line else ""
        title += line
    return title


def join_title_en(lines: list[str]) -> str:
    """Latin title lines joined with a space, except around a dash that ends or starts a line."""
    title = ""
    for raw in lines:
        line = re.sub(r"\s+", " ", raw).strip()
        line = re.sub(r"\s*[:：]\s*", ": ", line).replace("，", ", ").replace("  ", " ")
        # OCR reads the em dash between title elements as the character 一.
        line = re.sub(r"(?<=[A-Za-z])\s*一\s*(?=[A-Z]|$)", "—", line)
        if not line:
            continue
        if title and not re.search(r"(—|--)$", title) and not line.startswith(("—", "--")):
            title += " "
        title += line
    return re.sub(r"\s+[.,;:]$", "", title.strip())


# ---------------------------------------------------------------------------
# Without a cover: running headers, the first chapter page, the foreword


def header_number(pages: list[Page]) -> StandardNumber | None:
    """The number in the running header of the front pages, when it repeats."""
    counts: Counter[str] = Counter()
    numbers: dict[str, StandardNumber] = {}
    for page in pages[:FRONT_PAGES]:
        if not _usable(page) and not page.removed:
            continue
        band = [line for line in page.removed if line.top < 0.5 * page.height]
        band += [line for line in page.lines if line.top < 0.15 * page.height]
        seen = set()
        for line in band:
            for number in _numbers_in(line.text):
                if number.dated and str(number) not in seen:
                    seen.add(str(number))
                    counts[str(number)] += 1
                    numbers[str(number)] = number
    if not counts:
        return None
    best, count = counts.most_common(1)[0]
    return numbers[best] if count >= 2 or len(pages) == 1 else None


def _body_size(page: Page) -> float:
    sizes = sorted(line.size for line in page.lines if line.size)
    return sizes[len(sizes) // 2] if sizes else 0.0


def chapter_title(pages: list[Page]) -> list[str]:
    """The title printed above chapter 1 (`1 范围`) on the first body page."""
    for page in pages[:FRONT_PAGES]:
        if not _usable(page):
            continue
        lines = sorted(page.lines, key=lambda line: line.top)
        for i, line in enumerate(lines):
            text = compact(line.text)
            if _CHAPTER_ONE.match(text) and not _LEADER.search(text):
                body = _body_size(page)
                above = [
                    candidate.text
                    for candidate in lines[:i]
                    if _is_chinese(candidate.text)
                    and candidate.size > body + 1
                    and not _FRONT_HEADING.match(compact(candidate.text))
                ]
                return above
    return []


def foreword_text(pages: list[Page]) -> str:
    """The text of the 前言, joined across lines and pages."""
    collecting = False
    parts: list[str] = []
    for page in pages[:FRONT_PAGES]:
        if not _usable(page):
            continue
        for line in page.lines:
            text = compact(line.text)
            if text == "前言" and not _LEADER.search(text):
                collecting = True
                continue
            if collecting and (
                text == "引言" or _CHAPTER_ONE.match(text) or text in ("目次", "目录")
            ):
                return _join_prose(parts)
            if collecting:
                parts.append(line.text.strip())
    return _join_prose(parts)


def _join_prose(parts: list[str]) -> str:
    text = ""
    for part in parts:
        if text and part and text[-1].isascii() and part[0].isascii() and text[-1].isalnum():
            text += " "
        text += part
    return text


def foreword_replaces(text: str) -> list[str]:
    """Numbers the foreword says this standard replaces, revises or makes void."""
    text = re.sub(r"《[^》]*》", "", text)
    found: list[str] = []
    patterns = (
        r"本(?:标准|文件|部分|规范|规程)代替(?P<span>[^。；;]*?)(?:，与|,与|相比|。|；|;|$)",
        r"自本(?:标准|文件|部分|规范|规程)实施之日起(?P<span>[^。]*?)废止",
        r"本(?:标准|文件|部分|规范|规程)是对(?P<span>[^。]*?)的(?:第.次)?修订",
    )
    for pattern in patterns:
        for m in re.finditer(pattern, text):
            for number, _s, _e in find_std_nos(m["span"]):
                if number.dated and str(number) not in found:
                    found.append(str(number))
    return found


def foreword_adopts(text: str) -> str:
    """`本标准修改采用ISO 690:2010` → `ISO 690:2010, MOD` (`adoption.summary` of what
    the foreword states)."""
    return summary(adoption_from_foreword(text))


def _foreword_dates(text: str) -> dict[str, str]:
    dates = {}
    approved = re.search(
        r"本(?:标准|文件)[^。]{0,30}?((?:19|20)\d{2}年\d{1,2}月\d{1,2}日)批准", text
    )
    if approved:
        dates["批准"] = find_dates(approved.group(1))[0][0]
    effective = re.search(r"本(?:标准|文件)自((?:19|20)\d{2}年\d{1,2}月\d{1,2}日)起实施", text)
    if effective:
        dates["实施"] = find_dates(effective.group(1))[0][0]
    return dates


# ---------------------------------------------------------------------------
# The whole


def _pick_number(reading: _CoverReading) -> tuple[StandardNumber | None, Line | None]:
    """The cover's own number: dated, and of the level its banner announces."""
    candidates = [(n, line) for n, line in reading.numbers if n.level != "international"]
    if not candidates:
        return None, None

    def rank(item: tuple[StandardNumber, Line]) -> tuple[int, int]:
        number, _line = item
        level_ok = not reading.banner_level or number.level == reading.banner_level
        return (0 if level_ok else 1, 0 if number.dated else 1)

    return min(candidates, key=rank)


def _set_number(meta: CoverMetadata, number: StandardNumber, source: str) -> None:
    meta.std_no = str(number)
    meta.prefix = number.prefix
    meta.kind = number.kind
    meta.level = number.level
    meta.region = number.region
    meta.sources["std_no"] = source


def parse_cover(pages: list[Page], filename: str = "") -> CoverMetadata:
    """Catalogue metadata from the first pages of a standard and the name of its file."""
    meta = CoverMetadata()
    pages = sorted(pages, key=lambda page: page.number)
    cover = find_cover(pages)
    reading = _read_cover(cover) if cover else _CoverReading()
    _identify(meta, reading, cover, pages, filename)
    _take_cover(meta, reading)
    if not reading.title_zh:
        lines = chapter_title(pages)
        if lines:
            meta.title_zh = join_title_zh(lines)
            meta.sources["title_zh"] = FOREWORD
    _take_foreword(meta, foreword_text(pages))
    meta.missing = [name for name in COVER_FIELDS if not getattr(meta, name)]
    return meta


def _identify(
    meta: CoverMetadata,
    reading: _CoverReading,
    cover: Page | None,
    pages: list[Page],
    filename: str,
) -> None:
    """The number: from the cover, else the running header, else the file name."""
    number, number_line = _pick_number(reading)
    if cover is not None and number is not None and number_line is not None:
        on_title_page = not reading.banner_level and number_line.top < 0.12 * cover.height
        _set_number(meta, number, HEADER if on_title_page else COVER)
    if number is None or not number.dated:
        # No number, or its year unreadable (OCR): the running header repeats it.
        repeated = header_number(pages)
        if repeated is not None and (number is None or repeated.undated == number.undated):
            _set_number(meta, repeated, HEADER)
    if not meta.std_no and filename:
        named = parse_filename(filename)
        if named is not None:
            _set_number(meta, named, FILENAME)


def _take_cover(meta: CoverMetadata, reading: _CoverReading) -> None:
    english = [line.text for line in reading.title_en]
    if reading.title_zh:
        meta.title_zh = join_title_zh([line.text for line in reading.title_zh], english)
        meta.sources["title_zh"] = COVER
    if english:
        meta.title_en = join_title_en(english)
        meta.sources["title_en"] = COVER
    if reading.ics:
        meta.ics = reading.ics
        meta.sources["ics"] = COVER
    if reading.ccs:
        meta.ccs = reading.ccs
        meta.sources["ccs"] = COVER

    issued = reading.dates.get("发布") or reading.dates.get("批准") or ""
    if not issued and reading.plain_dates and not reading.dates.get("实施"):
        issued = reading.plain_dates[0]  # `二〇一三年一月` under the issuer
    if issued:
        meta.issued = issued
        meta.sources["issued"] = COVER
    if reading.dates.get("实施"):
        meta.effective = reading.dates["实施"]
        meta.sources["effective"] = COVER

    if reading.replaces:
        meta.replaces = list(dict.fromkeys(reading.replaces))
        meta.sources["replaces"] = COVER
    _take_adoption(meta, reading)
    if reading.issuers:
        meta.issuers = reading.issuers
        meta.sources["issuers"] = COVER
    meta.draft = reading.draft
    if meta.draft:
        meta.sources["draft"] = COVER


def _take_adoption(meta: CoverMetadata, reading: _CoverReading) -> None:
    """The adoption note under the titles, or the double number `GB/T 19001—2016/ISO
    9001:2015` (identical adoption)."""
    if reading.adoption:
        meta.adoption = adoption_from_cover(reading.adoption)
    if not meta.adoption:
        # `GB/T 19001—2016/ISO 9001:2015`: a double number means identical adoption.
        international = [n for n, _line in reading.numbers if n.level == "international"]
        if international:
            meta.adoption = adoption_from_cover([f"({international[0]}, IDT)"])
    if meta.adoption:
        meta.adopts = summary(meta.adoption)
        meta.sources["adopts"] = meta.sources["adoption"] = COVER
    elif reading.adoption:
        # A note naming no designation the grammar reads: kept as printed for a librarian.
        meta.adopts = re.sub(r"\s+", " ", " ".join(reading.adoption)).strip().strip("()（）")
        meta.sources["adopts"] = COVER


def _take_foreword(meta: CoverMetadata, foreword: str) -> None:
    """What the cover did not print but the foreword states."""
    if not foreword:
        return
    if not meta.replaces:
        meta.replaces = foreword_replaces(foreword)
        if meta.replaces:
            meta.sources["replaces"] = FOREWORD
    stated = adoption_from_foreword(foreword)
    if stated:
        # The cover's note first; the foreword adds what it left out.
        meta.adoption = merge(meta.adoption, stated)
        meta.adopts = summary(meta.adoption)
        meta.sources.setdefault("adopts", FOREWORD)
        meta.sources.setdefault("adoption", FOREWORD)
    dates = _foreword_dates(foreword)
    if not meta.issued and dates.get("批准"):
        meta.issued = dates["批准"]
        meta.sources["issued"] = FOREWORD
    if not meta.effective and dates.get("实施"):
        meta.effective = dates["实施"]
        meta.sources["effective"] = FOREWORD
