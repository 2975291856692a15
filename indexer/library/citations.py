"""What a normative reference means today, by what the library knows of the cited editions.

GB/T 1.1 gives the rule: a dated reference (`GB/T 191-2008`) means that edition only; an
undated one (`GB/T 191`) means the latest edition, amendments included. So a dated
reference is outdated as soon as its edition is replaced (被代替) or withdrawn (废止), and
an undated one only when its whole family is: no edition of it is 现行 or 即将实施.

The library knows an edition in two ways: it holds it (its catalogue entry, status and
successor derived or set by a librarian), or a held standard's 代替 list names it, or a
held later edition of the same number supersedes it (the rule status derivation uses).
Pure functions over catalogue entries (metadata dicts), so the report and the standard
page resolve references the same way, from one read of the catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from analyzers.stdno import StandardNumber, find_std_nos, parse_std_no

from .model import Clause

CURRENT_STATUSES = ("现行", "即将实施")
OUTDATED_STATUSES = ("被代替", "废止")
REPLACED = "被代替"


@dataclass(frozen=True)
class Edition:
    """One edition as the library knows it; `in_library` False for one it only names."""

    std_no: str
    title_zh: str = ""
    status: str = ""
    since: str = ""  # when its status began: effective date of a successor, 废止 date
    in_library: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Resolution:
    """A reference resolved: which edition it means, whether that is still in force, and
    what took its place (the direct successor, and the current edition the chain of
    successors leads to when that is another one)."""

    cited: str
    dated: bool
    resolved: str | None  # the edition meant: the cited one, or the latest of the family
    resolved_in_library: bool
    status: str  # of the edition meant; "" when the library knows nothing of it
    outdated: bool
    replaced_by: Edition | None = None
    current: Edition | None = None
    since: str = ""  # since when the edition meant is outdated, when the library knows

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["replaced_by"] = self.replaced_by.to_dict() if self.replaced_by else None
        data["current"] = self.current.to_dict() if self.current else None
        return data


def _number(std_no: str) -> StandardNumber | None:
    return parse_std_no(std_no) if std_no else None


def _year(std_no: str) -> int:
    number = _number(std_no)
    return int(number.year or 0) if number else 0


class EditionIndex:
    """The editions the library knows, from catalogue entries: every held entry, and the
    editions the held entries' 代替 lists name. Build it once, resolve many references."""

    def __init__(self, entries: Iterable[dict[str, Any]]):
        self.held: dict[str, dict[str, Any]] = {}
        self.families: dict[str, list[str]] = {}  # undated → known edition numbers
        self.successor: dict[str, str] = {}  # a number a held 代替 list names → its replacer
        for entry in sorted(entries, key=lambda e: e.get("std_no", "")):
            std_no = entry.get("std_no", "")
            if not std_no:
                continue
            self.held.setdefault(std_no, entry)
            for old in entry.get("replaces") or []:
                self.successor.setdefault(old, std_no)
        for std_no in [*self.held, *self.successor]:
            number = _number(std_no)
            if number is not None:
                family = self.families.setdefault(number.undated, [])
                if std_no not in family:
                    family.append(std_no)
        for family in self.families.values():
            family.sort(key=lambda no: (_year(no), no))

    # -- one edition -----------------------------------------------------------

    def status_of(self, std_no: str) -> tuple[str, str]:
        """(status, successor number) of an edition the library knows; ("", "") otherwise."""
        entry = self.held.get(std_no)
        if entry is not None:
            return entry.get("status", ""), entry.get("replaced_by", "") or ""
        successor = self.successor.get(std_no, "")
        if not successor:
            number = _number(std_no)
            year = _year(std_no)
            if number is not None and year:
                later = [
                    no
                    for no in self.families.get(number.undated, [])
                    if no in self.held and _year(no) > year
                ]
                successor = later[0] if later else ""
        return (REPLACED, successor) if successor else ("", "")

    def edition(self, std_no: str, since: str = "") -> Edition:
        entry = self.held.get(std_no)
        if entry is None:
            return Edition(std_no=std_no, status=self.status_of(std_no)[0], since=since)
        return Edition(
            std_no=std_no,
            title_zh=entry.get("title_zh", ""),
            status=entry.get("status", ""),
            since=since,
            in_library=True,
        )

    def _since(self, successor: str) -> str:
        """A replacement counts from the day its successor takes effect (else is issued)."""
        entry = self.held.get(successor) or {}
        return entry.get("effective") or entry.get("issued") or ""

    def _outdated_since(self, std_no: str, replaced_by: Edition | None) -> str:
        """The 废止 date a librarian recorded, else the day the successor took effect."""
        withdrawn = (self.held.get(std_no) or {}).get("withdrawn", "")
        return withdrawn or (replaced_by.since if replaced_by else "")

    def _successors(self, std_no: str) -> tuple[Edition | None, Edition | None]:
        """The direct successor of an outdated edition, and the edition its chain of
        successors ends at when that is a later one (a replaced replacement)."""
        status, successor = self.status_of(std_no)
        if status == "废止" and not successor:
            return None, None
        if not successor:
            return None, None
        first = self.edition(successor, self._since(successor))
        seen = {std_no, successor}
        last = successor
        while True:
            status, following = self.status_of(last)
            if status not in OUTDATED_STATUSES or not following or following in seen:
                break
            seen.add(following)
            last = following
        current = self.edition(last, self._since(last)) if last != successor else None
        return first, current

    # -- references ------------------------------------------------------------

    def resolve(self, cited: str) -> Resolution:
        number = _number(cited)
        if number is None:
            return Resolution(cited, True, None, False, "", False)
        if number.dated:
            return self._resolve_dated(str(number))
        return self._resolve_undated(number)

    def _resolve_dated(self, std_no: str) -> Resolution:
        status, _ = self.status_of(std_no)
        held = std_no in self.held
        if not status and not held:
            return Resolution(std_no, True, None, False, "", False)
        outdated = status in OUTDATED_STATUSES
        replaced_by, current = self._successors(std_no) if outdated else (None, None)
        since = self._outdated_since(std_no, replaced_by) if outdated else ""
        return Resolution(std_no, True, std_no, held, status, outdated, replaced_by, current, since)

    def _resolve_undated(self, number: StandardNumber) -> Resolution:
        cited = str(number)
        family = self.families.get(number.undated, [])
        if not family:
            return Resolution(cited, False, None, False, "", False)
        statuses = {no: self.status_of(no)[0] for no in family}
        # A held edition whose status was never derived counts as in force, as it reads.
        in_force = [
            no
            for no in family
            if statuses[no] in CURRENT_STATUSES or (no in self.held and not statuses[no])
        ]
        # The latest edition: the latest in force when one is, the latest known otherwise.
        latest = (in_force or family)[-1]
        if in_force:
            return Resolution(cited, False, latest, latest in self.held, statuses[latest], False)
        replaced_by, current = self._successors(latest)
        status = statuses[latest] or REPLACED
        since = self._outdated_since(latest, replaced_by)
        return Resolution(
            cited, False, latest, latest in self.held, status, True, replaced_by, current, since
        )


# -- where a standard cites a number ------------------------------------------

# A chapter of normative references is headed 规范性引用文件 or, in older layouts,
# 引用标准 / 引用文件; every such heading has 引用, and the bibliography (参考文献) has not.
_NOT_CITING = ("foreword", "bibliography")


def _is_references_chapter(clause: Clause) -> bool:
    heading = re.sub(r"\s+", "", clause.heading)
    return clause.level == 1 and "引用" in heading and len(heading) <= 8


def _mentions(text: str, cited: StandardNumber) -> bool:
    for number, _, _ in find_std_nos(text):
        if number.undated != cited.undated:
            continue
        if not cited.dated or number.year in (None, cited.year):
            return True
    return False


def citing_clauses(clauses: list[Clause], cited: str) -> list[str]:
    """The clause numbers where a standard cites `cited`: its normative-references
    chapter (or the sub-clause of it that lists it), then the body clauses that name it.
    A body mention without a year counts for a dated reference: the text repeats the
    number, the year stands in the references list. The foreword (which names the
    editions this one replaces) and the bibliography are no citations."""
    number = _number(cited)
    if number is None:
        return []
    chapter: set[str] = set()
    found: list[str] = []
    for clause in clauses:
        if _is_references_chapter(clause) or clause.parent in chapter:
            chapter.add(clause.clause_no)
        elif clause.kind in _NOT_CITING:
            continue
        if _mentions(clause.text, number) and clause.clause_no not in found:
            found.append(clause.clause_no)
    return found
