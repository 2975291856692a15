"""Dates as standards print them → ISO strings.

Covers print `2015-05-15发布`, but also `2008 08 19` (the dashes are drawn as lines, so
the text layer has spaces), `2001 –08– 20`, `2017-4-24`, `二〇一三年一月` on the cover of
a technical specification, and forewords write `2017年5月1日`. Template placeholders
(`XXXX-XX-XX`) are not dates. Only a month printed gives `YYYY-MM`, as the catalogue
expects.
"""

from __future__ import annotations

import re

from analyzers.normalize import fold_dashes

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9})
_CN_NUM = "〇○零一二三四五六七八九十"

# Numeric dates: year, month and day separated by dashes, dots, slashes or spaces.
NUMERIC_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*[-./\s]\s*(?P<m>\d{1,2})\s*[-./\s]\s*(?P<d>\d{1,2})(?!\d)"
)
# The same with the separators lost in extraction (`20080819`).
COMPACT_DATE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)")
# `2017年5月1日`, `2013年1月`, `二〇一三年一月`.
CHINESE_DATE = re.compile(
    rf"(?P<y>(?:19|20)\d{{2}}|[{_CN_NUM}]{{4}})\s*年\s*(?P<m>\d{{1,2}}|[{_CN_NUM}]{{1,3}})\s*月"
    rf"(?:\s*(?P<d>\d{{1,2}}|[{_CN_NUM}]{{1,3}})\s*日)?"
)


def _cn_number(text: str) -> int:
    """Chinese numerals as printed in dates: digit by digit for years, 十 for tens."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (
            _CN_DIGITS.get(units, 0) if units else 0
        )
    value = 0
    for ch in text:
        if ch not in _CN_DIGITS:
            return -1
        value = value * 10 + _CN_DIGITS[ch]
    return value


def _iso(year: int, month: int, day: int | None = None) -> str:
    if not (1900 <= year <= 2100 and 1 <= month <= 12):
        return ""
    if day is None:
        return f"{year:04d}-{month:02d}"
    if not 1 <= day <= 31:
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


def _prepare(text: str) -> str:
    text = fold_dashes(text)
    # OCR reads a dash between digits as the character 一.
    text = re.sub(r"(?<=[0-9])\s*一\s*(?=[0-9])", "-", text)
    # OCR and letter-spaced print split digits of one number (`201 1-07-29`).
    return re.sub(r"(?<=\b\d{3}) (?=\d\b)", "", text)


def find_dates(text: str) -> list[tuple[str, int, int]]:
    """Every date in the text as (ISO date, start, end), in reading order.

    Positions refer to the text with dashes folded and split digits rejoined.
    """
    return _find(_prepare(text))


def _find(text: str) -> list[tuple[str, int, int]]:
    found: list[tuple[str, int, int]] = []
    taken: list[tuple[int, int]] = []

    def add(iso: str, start: int, end: int) -> None:
        if iso and not any(s < end and start < e for s, e in taken):
            found.append((iso, start, end))
            taken.append((start, end))

    for m in CHINESE_DATE.finditer(text):
        day = _cn_number(m["d"]) if m["d"] else None
        add(_iso(_cn_number(m["y"]), _cn_number(m["m"]), day), m.start(), m.end())
    for pattern in (NUMERIC_DATE, COMPACT_DATE):
        for m in pattern.finditer(text):
            add(_iso(int(m["y"]), int(m["m"]), int(m["d"])), m.start(), m.end())
    return sorted(found, key=lambda item: item[1])


def parse_date(text: str) -> str:
    """The first date in the text, or "" when there is none (or only a placeholder)."""
    dates = find_dates(text)
    return dates[0][0] if dates else ""


def find_labelled_dates(text: str) -> dict[str, str]:
    """Dates followed by their label on a cover line: {"发布": …, "实施": …, "批准": …}.

    One printed line often carries both (`2015-06-03发布 2015-08-20实施`).
    """
    text = _prepare(text)
    labelled: dict[str, str] = {}
    for iso, _start, end in _find(text):
        label = re.match(r"\s*(发\s*布|实\s*施|批\s*准)", text[end:])
        name = "".join(label.group(1).split()) if label else ""
        if name and name not in labelled:
            labelled[name] = iso
    return labelled
