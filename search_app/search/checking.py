"""List checking: for numbers typed in any spelling, what the library says of each.

A reader pastes or uploads a list of standard numbers (a supplier's declaration, a
project's list of applicable standards) and learns for each, in the order given: whether
the library holds it, its current status, what replaced it and since when, and whether
a newer edition is held. Numbers are matched as `normalize_query_number` reads them
(full-width forms, a missing slash, spaces, dashes, lower case, a missing year) against
the keyword forms of every catalogue number, by edition family: an undated number is the
latest edition held, a dated one that edition, with the family's newer edition named.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from typing import Any

from analyzers.stdno import normalize_query_number, parse_std_no
from indexer.library.catalogue import Catalogue

MAX_LINES = 1000
MAX_LINE_CHARS = 200
_YEAR_TAIL = re.compile(r"[-:](?:19|20)\d\d$")


@dataclass(frozen=True)
class CheckRow:
    """One line of a checked list. `found` says the typed edition (for an undated number,
    any edition) is in the library; `family_found` that some edition of it is."""

    line: int
    typed: str
    found: bool
    family_found: bool
    std_no: str = ""
    title: str = ""
    status: str = ""
    replaced_by: str = ""
    replaced_since: str = ""
    withdrawn: str = ""
    newer_edition: str = ""
    newer_title: str = ""
    # False when the matched standard is a metadata-only record (未收录全文).
    text_held: bool = True

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


COLUMNS = tuple(f.name for f in fields(CheckRow))


class _Index:
    """The catalogue's numbers by their keyword forms: dated forms → one entry, undated
    forms → the edition family (entries oldest first)."""

    def __init__(self, entries: list[dict[str, Any]]):
        self.by_std_no: dict[str, dict[str, Any]] = {}
        self.dated: dict[str, dict[str, Any]] = {}
        self.families: dict[str, list[dict[str, Any]]] = {}
        # Editions the library does not hold but a held standard's 代替 list names.
        self.replaced: dict[str, dict[str, Any]] = {}
        for entry in entries:
            for old in entry.get("replaces", []) or []:
                old_number = parse_std_no(old)
                if old_number is not None and old_number.year:
                    self.replaced.setdefault(old_number.key, entry)
        for entry in entries:
            number = parse_std_no(entry.get("std_no", "") or "")
            if number is None:
                continue
            self.by_std_no[entry["std_no"]] = entry
            for form in number.variants():
                # Bare numbers (`3838`) and a multi-part standard's base number would
                # match other standards: only forms with the issuer and the whole number.
                if not form[:1].isalpha() or number.number.lower() not in form:
                    continue
                if _YEAR_TAIL.search(form):
                    self.dated.setdefault(form, entry)
                else:
                    family = self.families.setdefault(form, [])
                    if entry not in family:
                        family.append(entry)
        for family in self.families.values():
            family.sort(key=_year)

    def match(self, typed: str) -> tuple[dict | None, list[dict]]:
        """(the entry the typed number names or None, its edition family)."""
        for key in _keys(typed):
            dated = _YEAR_TAIL.search(key)
            undated_key = key[: dated.start()] if dated else key
            family = self.families.get(undated_key, [])
            if dated:
                entry = self.dated.get(key)
                if entry is not None:
                    return entry, family or [entry]
                if family:
                    return None, family
            elif family:
                return family[-1], family
        return None, []

    def successor_of(self, typed: str) -> dict[str, Any] | None:
        """The held standard whose 代替 list names this (dated) number, if any."""
        for key in _keys(typed):
            if key in self.replaced:
                return self.replaced[key]
        return None


def _keys(typed: str) -> list[str]:
    """The keyword forms to look a typed number up by: those `normalize_query_number`
    reads, then the text itself folded (NFKC, lower case, no spaces, dashes as `-`), which
    finds spellings it does not parse but a catalogue number's variants hold (`tgdrta002`,
    T/GDRTA 002 without its slash)."""
    keys = normalize_query_number(typed)
    folded = "".join(unicodedata.normalize("NFKC", typed).split()).lower()
    folded = re.sub(r"[—–－‐-]+", "-", folded)
    return keys if folded in keys else [*keys, folded]


def _year(entry: dict[str, Any]) -> int:
    number = parse_std_no(entry.get("std_no", "") or "")
    return int(number.year or 0) if number else 0


def check_numbers(catalogue: Catalogue, numbers: Iterable[str]) -> list[CheckRow]:
    """A row for each number, in the order given (blank lines skipped; at most
    MAX_LINES)."""
    entries = catalogue.all_metadata()
    index = _Index(entries)
    rows = []
    for typed in clean_lines(numbers):
        entry, family = index.match(typed)
        rows.append(_row(len(rows) + 1, typed, entry, family, index))
    return rows


def _row(line: int, typed: str, entry, family, index: _Index) -> CheckRow:
    if entry is None:
        # Not held: an older edition the library knows only from a 代替 list.
        successor = index.successor_of(typed)
        if successor is not None:
            return CheckRow(
                line,
                typed,
                found=False,
                family_found=bool(family),
                replaced_by=successor.get("std_no", ""),
                replaced_since=successor.get("effective", ""),
                newer_edition=family[-1].get("std_no", "") if family else "",
                newer_title=family[-1].get("title_zh", "") if family else "",
            )
    if entry is None and not family:
        return CheckRow(line, typed, found=False, family_found=False)
    latest = family[-1]
    shown = entry or latest
    newer = latest if _year(latest) > _year(shown) else None
    successor = index.by_std_no.get(shown.get("replaced_by", "") or "")
    return CheckRow(
        line=line,
        typed=typed,
        found=entry is not None,
        family_found=True,
        std_no=shown.get("std_no", "") if entry is not None else "",
        title=shown.get("title_zh", "") if entry is not None else "",
        status=shown.get("status", "") if entry is not None else "",
        replaced_by=shown.get("replaced_by", "") if entry is not None else "",
        replaced_since=(successor or {}).get("effective", "") if entry is not None else "",
        withdrawn=shown.get("withdrawn", "") if entry is not None else "",
        newer_edition=newer.get("std_no", "") if newer else "",
        newer_title=newer.get("title_zh", "") if newer else "",
        text_held=shown.get("text_held", True) is not False if entry is not None else True,
    )


def clean_lines(numbers: Iterable[str]) -> list[str]:
    """Typed lines as checked: trimmed, blanks dropped, each cut to MAX_LINE_CHARS, at
    most MAX_LINES."""
    kept = []
    for number in numbers:
        text = (number or "").strip().strip("\ufeff").strip()
        if text:
            kept.append(text[:MAX_LINE_CHARS])
        if len(kept) >= MAX_LINES:
            break
    return kept


# -- lists from files ------------------------------------------------------------------

_NUMBER_HEADERS = ("标准号", "标准编号", "标准代号", "编号", "number", "std_no", "standard")


def numbers_from_file(name: str, data: bytes) -> list[str]:
    """The numbers of an uploaded .txt (one a line) or .csv (the column headed like
    标准号 / number, else the first column). UTF-8 (with or without BOM), else GB18030."""
    text = _decode(data)
    if not name.lower().endswith(".csv"):
        return clean_lines(text.splitlines())
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        return []
    header = [cell.strip().strip("\ufeff").lower() for cell in rows[0]]
    column = next(
        (i for i, cell in enumerate(header) for h in _NUMBER_HEADERS if h.lower() in cell), None
    )
    if column is None:
        # No header naming the column: the first one, and the first row is a number too
        # unless it reads as a heading (no digit in it).
        column, body = 0, rows if any(ch.isdigit() for ch in rows[0][0]) else rows[1:]
    else:
        body = rows[1:]
    return clean_lines(row[column] if column < len(row) else "" for row in body)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


# -- results as files -------------------------------------------------------------------


def rows_csv(rows: list[CheckRow]) -> str:
    """The rows as CSV (UTF-8 with a BOM, so spreadsheet programs read the Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(getattr(row, c)) for c in COLUMNS])
    return "\ufeff" + out.getvalue()


def rows_xlsx(rows: list[CheckRow]) -> bytes:
    """The rows as an Excel workbook, one sheet, the same columns as the CSV."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "check"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([getattr(row, c) for c in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
