"""标龄 and 复审: how long each standard has been in force, and which are due for review.

The policies this library serves ask that a standard in force (现行) for more than five
years be reviewed (复审). A standard's age (标龄) runs from its implementation date
(实施日期); a cover that prints none falls back to its issue date (发布日期), and the
entry says so (`basis`). Dates printed as a month only (`2013-01`) count from its first day.

Everything here is pure: the reference date (`today`) is always passed in, so that the
catalogue's report, the search filters (`age:>5`, `review:due`) and the tests agree on one
calendar. Ages compare by anniversaries: a standard implemented on 2015-12-01 is more than
five years old from 2020-12-02 on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

DEFAULT_YEARS = 5  # 标龄 > 5 年 → 复审
CURRENT = "现行"  # indexer.library.status.CURRENT, named here so this module stays a leaf
EFFECTIVE, ISSUED = "effective", "issued"  # which printed date an age counts from
UNKNOWN_LEVEL = "unknown"
UNKNOWN_ISSUER = ""

_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def parse_date(text: str | None) -> date | None:
    """`2015-12-01`, `2013-01` (its first day) or `2013`; None for anything else."""
    m = _DATE.fullmatch((text or "").strip())
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return None


def implementation_date(effective: str | None, issued: str | None) -> tuple[date | None, str]:
    """The date a standard's age counts from, and which printed date it is."""
    found = parse_date(effective)
    if found is not None:
        return found, EFFECTIVE
    found = parse_date(issued)
    if found is not None:
        return found, ISSUED
    return None, ""


def years_before(today: date, years: int) -> date:
    """The same day `years` years earlier (29 February becomes the 28th); no earlier
    than 1 January of year 1."""
    if today.year - years < 1:
        return date.min
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def completed_years(since: date, today: date) -> int:
    """Whole years from `since` to `today`, as a birthday counts them (negative ahead)."""
    years = today.year - since.year
    if (today.month, today.day) < (since.month, since.day):
        years -= 1
    return years


def day_key(day: date | None) -> int:
    """A date as the number the index stores (yyyymmdd; 0 when unknown): ordered as dates."""
    return day.year * 10000 + day.month * 100 + day.day if day else 0


def implemented_key(effective: str | None, issued: str | None) -> int:
    """The index's `implemented` value of a standard."""
    return day_key(implementation_date(effective, issued)[0])


def due_before(today: date, years: int = DEFAULT_YEARS) -> date:
    """A current standard implemented before this day is due for review."""
    return years_before(today, years)


def is_due(status: str, since: date | None, today: date, years: int = DEFAULT_YEARS) -> bool:
    """In force and implemented more than `years` years before `today`."""
    return status == CURRENT and since is not None and since < due_before(today, years)


# ---------------------------------------------------------------------------
# Age filters: `age:>5`, `age:<3`, `age:3-10`, `age:5`


@dataclass(frozen=True)
class AgeRange:
    """Implementation dates (yyyymmdd, inclusive; None open) for an age filter."""

    low: int | None
    high: int | None


_AGE = re.compile(r"(>=|<=|>|<)?(\d{1,3})(?:-(\d{1,3}))?")


def normalize_age(value: str) -> str | None:
    """An age filter's value in its one spelling (`>5`, `>=5`, `<3`, `<=3`, `3-10`, `5`),
    or None when it is not one. `≥`/`≤`, a trailing 年 and blanks are accepted."""
    text = value.replace("≥", ">=").replace("≤", "<=").replace(" ", "").removesuffix("年")
    text = text.replace("~", "-").replace("至", "-").replace("到", "-")
    m = _AGE.fullmatch(text)
    if not m or (m.group(1) and m.group(3)):
        return None
    low = int(m.group(2))
    if m.group(1):
        return f"{m.group(1)}{low}"
    high = int(m.group(3)) if m.group(3) is not None else low
    low, high = min(low, high), max(low, high)
    return f"{low}" if low == high else f"{low}-{high}"


def age_range(spec: str, today: date) -> AgeRange:
    """The implementation dates whose age on `today` meets `spec` (`normalize_age`'s form).

    `>N`, `>=N`, `<N`, `<=N` compare the exact age; `A-B` (and `N`, which is `N-N`) asks
    for A to B completed years, as `year:2015-2020` asks for whole years. A standard of
    unknown date (0) never matches."""
    m = _AGE.fullmatch(spec)
    if m is None:
        raise ValueError(f"not an age filter: {spec!r}")
    sign, n = m.group(1), int(m.group(2))
    anniversary = day_key(years_before(today, n))
    if sign == ">":
        return AgeRange(1, anniversary - 1)
    if sign == ">=":
        return AgeRange(1, anniversary)
    if sign == "<":
        return AgeRange(anniversary + 1, None)
    if sign == "<=":
        return AgeRange(anniversary, None)
    high_years = int(m.group(3)) if m.group(3) is not None else n
    oldest = day_key(years_before(today, high_years + 1))
    return AgeRange(oldest + 1, anniversary)


def due_range(today: date, years: int = DEFAULT_YEARS) -> AgeRange:
    """The implementation dates of standards older than `years`: `review:due` with 现行."""
    return age_range(f">{years}", today)


# ---------------------------------------------------------------------------
# The review report over the catalogue


@dataclass(frozen=True)
class StandardAge:
    """One standard's age on the report's day."""

    std_no: str
    title_zh: str
    status: str
    level: str
    issuers: tuple[str, ...]
    implemented: str  # ISO date the age counts from, "" when unknown
    basis: str  # "effective" (实施日期), "issued" (发布日期, none printed), "" unknown
    age_years: float | None  # exact, one decimal
    completed_years: int | None
    due: bool

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "issuers": list(self.issuers)}


def standard_age(entry: Mapping[str, Any], today: date, years: int = DEFAULT_YEARS) -> StandardAge:
    """The age of a catalogue entry (`Catalogue.all_metadata` row or `Standard.to_dict`)."""
    since, basis = implementation_date(entry.get("effective"), entry.get("issued"))
    status = entry.get("status") or ""
    age = completed = None
    if since is not None:
        age = round((today - since).days / 365.2425, 1)
        completed = completed_years(since, today)
    return StandardAge(
        std_no=entry.get("std_no") or "",
        title_zh=entry.get("title_zh") or "",
        status=status,
        level=entry.get("level") or UNKNOWN_LEVEL,
        issuers=tuple(i.strip() for i in entry.get("issuers") or () if i and i.strip()),
        implemented=since.isoformat() if since else "",
        basis=basis,
        age_years=age,
        completed_years=completed,
        due=is_due(status, since, today, years),
    )


@dataclass
class ReviewGroup:
    """The due standards of one level or one issuing body, oldest first."""

    name: str
    standards: list[StandardAge] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.standards)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "count": self.count,
            "standards": [s.to_dict() for s in self.standards],
        }


@dataclass
class ReviewReport:
    """Standards due for review on `today`, grouped by level and by issuing body.

    A standard issued jointly by several bodies is listed under each of them. `undated`
    lists the standards in force whose cover prints neither date: their age is unknown."""

    today: date
    years: int
    total: int  # standards in the catalogue
    current: int  # of which in force
    due: list[StandardAge]
    undated: list[StandardAge]

    def by_level(self) -> list[ReviewGroup]:
        return _grouped(self.due, lambda s: [s.level])

    def by_issuer(self) -> list[ReviewGroup]:
        return _grouped(self.due, lambda s: list(s.issuers) or [UNKNOWN_ISSUER])

    def to_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "years": self.years,
            "total": self.total,
            "current": self.current,
            "due_count": len(self.due),
            "due": [s.to_dict() for s in self.due],
            "by_level": [g.to_dict() for g in self.by_level()],
            "by_issuer": [g.to_dict() for g in self.by_issuer()],
            "undated": [s.to_dict() for s in self.undated],
        }


def _oldest_first(s: StandardAge) -> tuple:
    return (s.implemented, s.std_no)


def _grouped(standards: list[StandardAge], keys) -> list[ReviewGroup]:
    groups: dict[str, ReviewGroup] = {}
    for s in standards:
        for key in keys(s):
            groups.setdefault(key, ReviewGroup(key)).standards.append(s)
    return sorted(groups.values(), key=lambda g: (-g.count, g.name))


def review_report(
    entries: Iterable[Mapping[str, Any]], today: date, years: int = DEFAULT_YEARS
) -> ReviewReport:
    """The review report of catalogue entries on `today`."""
    if years < 0:
        raise ValueError("the review age is a number of years, 0 or more")
    ages = [standard_age(e, today, years) for e in entries]
    due = sorted((a for a in ages if a.due), key=_oldest_first)
    undated = sorted(
        (a for a in ages if a.status == CURRENT and not a.implemented), key=lambda a: a.std_no
    )
    current = sum(1 for a in ages if a.status == CURRENT)
    return ReviewReport(today, years, len(ages), current, due, undated)


CSV_COLUMNS = (
    "std_no",
    "title_zh",
    "level",
    "issuers",
    "status",
    "implemented",
    "basis",
    "age_years",
)


# A cell a spreadsheet would run as a formula (`=HYPERLINK(…)` in a title read off a PDF).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A value as a CSV cell: None empty, a would-be formula quoted with `'`."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_rows(report: ReviewReport) -> list[list[str]]:
    """The due standards as CSV rows (header first): one row per standard, issuers
    joined by `；`, the same values the JSON gives."""
    rows = [list(CSV_COLUMNS)]
    for s in report.due:
        values = s.to_dict()
        values["issuers"] = "；".join(s.issuers)
        rows.append([csv_cell(values[c]) for c in CSV_COLUMNS])
    return rows
