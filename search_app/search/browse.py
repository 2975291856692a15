"""Browsing the library without a query: the home page's overview, the classification
trees (ICS, CCS, region, level and kind, issuing body, year) and the filtered, sorted list.

Everything here works on the catalogue read once (`indexer.library.listing`), never on the
engine: counting the whole library is one pass over its entries, so the pages every
visitor opens cost no search. The list's filters are the search's (`normalize_filter`
reads their spellings), and `matches` gives them the meaning the engines give them
(`search_app.search.planning.filters`): a value is one of several alternatives, ICS codes
match by prefix, a year is that of the standard's number.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from analyzers.classifications import CCS_CLASSES, ccs_codes, ics_field, ics_group, ics_names
from analyzers.regions import PROVINCES
from analyzers.stdno import parse_std_no
from indexer.engine.documents import standard_fields
from indexer.library.listing import Entry
from indexer.library.model import Standard

from .planning import Calendar
from .planning import filters as plan_filters
from .query import QueryError, normalize_filter

# Filters the list shares with the search box, by the names the query string uses.
SEARCH_FILTERS = (
    "status",
    "level",
    "kind",
    "region",
    "ics",
    "year",
    "prefix",
    "std",
    "adopts",
    "degree",
    "age",
    "review",
)
# Filters only browsing has: a CCS class or code, an issuing body.
BROWSE_FILTERS = ("ccs", "body")
LIST_FILTERS = SEARCH_FILTERS + BROWSE_FILTERS
SORTS = ("number", "title", "date", "status")
STATUS_ORDER = {"现行": 0, "即将实施": 1, "被代替": 2, "废止": 3}
LEVELS = ("national", "industry", "local", "group", "enterprise", "international")
KINDS = ("mandatory", "recommended", "guidance")
UPCOMING_DAYS = 90
RECENT = 10
MAX_PER_PAGE = 200
PER_PAGE = 50
# The columns of the CSV export: the metadata a spreadsheet reader filters on.
CSV_COLUMNS = (
    "std_no",
    "title_zh",
    "title_en",
    "status",
    "level",
    "kind",
    "region",
    "ics",
    "ccs",
    "issued",
    "effective",
    "replaces",
    "replaced_by",
    "withdrawn",
    "adopts",
    "issuers",
    "pages",
)


# ---------------------------------------------------------------------------
# Filters


def parse_filters(args: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """The list's filters from a query string; a `QueryError` names a value it cannot use.

    Search filters are normalised exactly as the search box does (`广东省`, `DB44` and
    `guangdong` are one region); `ccs` takes a class letter or a code (`Z`, `Z 60`), `body`
    an issuing body's name."""
    filters: dict[str, tuple[str, ...]] = {}
    for name in SEARCH_FILTERS:
        raw = (args.get(name) or "").strip()
        if raw:
            key, values = normalize_filter(name, raw)
            filters[key] = values
    ccs = (args.get("ccs") or "").strip()
    if ccs:
        values = tuple(v.replace(" ", "").upper() for v in re.split(r"[,，|]", ccs) if v.strip())
        if not values or not all(re.fullmatch(r"[A-Z](?:\d{2})?", v) for v in values):
            raise QueryError(f"ccs:{ccs[:40]} is not a CCS class or code (e.g. ccs:Z60)", "filter")
        filters["ccs"] = values
    body = (args.get("body") or "").strip()
    if body:
        filters["body"] = (issuing_body(body),)
    return filters


def _year(metadata: Mapping[str, Any]) -> int:
    """The year the engines index: that of the standard's number, 0 when undated."""
    return _number_year(metadata.get("std_no") or "")


@lru_cache(maxsize=65536)
def _number_year(std_no: str) -> int:
    number = parse_std_no(std_no)
    return int(number.year) if number and number.year else 0


def _browse_condition(name: str, value: str, metadata: Mapping[str, Any]) -> bool:
    if name == "ccs":
        return any(code.startswith(value) for code in ccs_codes(metadata.get("ccs", "")))
    return value in issuing_bodies(metadata)  # body


def _search_fields(entry: Entry) -> dict[str, Any]:
    fields = entry.derived.get("search_fields")
    if fields is None:
        fields = standard_fields(Standard.from_dict(dict(entry.metadata)))
        entry.derived["search_fields"] = fields
    return fields


def matches(entry: Entry, filters: Mapping[str, tuple[str, ...]], planned: list) -> bool:
    """Every filter holds; within one filter, any of its values does. The search's filters
    (`planned` by `search_filters`) are checked against the fields the engines index, so
    the list and a search with the same filters hold the same standards."""
    if planned and not all(f.holds(_search_fields(entry)) for f in planned):
        return False
    return all(
        any(_browse_condition(name, value, entry.metadata) for value in values)
        for name, values in filters.items()
        if name in BROWSE_FILTERS and values
    )


def search_filters(filters: Mapping[str, tuple[str, ...]], calendar: Calendar | None) -> list:
    """The search's filters among `filters`, planned as the search plans them."""
    searched = {k: v for k, v in filters.items() if k not in BROWSE_FILTERS and v}
    return plan_filters(searched, calendar) if searched else []


# ---------------------------------------------------------------------------
# Issuing bodies

_BODY_NOISE = re.compile(r"^[\s\"'“”‘’「」『』·•,，、]+|[\s\"'“”‘’「」『』·•,，、]+$")


def issuing_body(name: str) -> str:
    """A body's name as browsing groups it: stray quotes dropped, and the state's name
    (`中华人民共和国交通运输部` → `交通运输部`) left off, as covers print it either way."""
    name = _BODY_NOISE.sub("", name or "")
    return name.removeprefix("中华人民共和国") or name


def issuing_bodies(metadata: Mapping[str, Any]) -> list[str]:
    return list(dict.fromkeys(b for b in map(issuing_body, metadata.get("issuers") or []) if b))


# ---------------------------------------------------------------------------
# Sorting and pages


@lru_cache(maxsize=65536)
def number_key(std_no: str) -> tuple:
    """Numbers in reading order: prefix, then the number part by part as numbers
    (`GB 3095` before `GB 12348`), then the year."""
    number = parse_std_no(std_no or "")
    if number is None:
        return ("~", (), 0, std_no or "")
    parts = tuple(
        (0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\-]", number.number)
    )
    return (number.prefix, parts, int(number.year or 0), std_no)


def _date(metadata: Mapping[str, Any]) -> str:
    return metadata.get("issued") or metadata.get("effective") or ""


SORT_KEYS = {
    "number": lambda m: number_key(m.get("std_no", "")),
    "title": lambda m: (m.get("title_zh") or "~", number_key(m.get("std_no", ""))),
    "date": lambda m: (_date(m), number_key(m.get("std_no", ""))),
    "status": lambda m: (STATUS_ORDER.get(m.get("status", ""), 9), number_key(m.get("std_no", ""))),
}


def sort_standards(items: list[dict], sort: str, descending: bool = False) -> list[dict]:
    return sorted(items, key=SORT_KEYS.get(sort, SORT_KEYS["number"]), reverse=descending)


@dataclass
class Listing:
    """One page of the filtered, sorted library."""

    total: int
    page: int
    per_page: int
    sort: str
    order: str
    filters: dict[str, tuple[str, ...]]
    items: list[dict] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_dict(self) -> dict:
        return {
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "pages": self.pages,
            "sort": self.sort,
            "order": self.order,
            "filters": {k: ",".join(v) for k, v in self.filters.items()},
            "items": self.items,
        }


def list_standards(
    entries: Iterable[Entry],
    filters: Mapping[str, tuple[str, ...]],
    *,
    sort: str = "number",
    order: str = "asc",
    page: int = 1,
    per_page: int = PER_PAGE,
    calendar: Calendar | None = None,
) -> tuple[Listing, list[dict]]:
    """The page asked for, and every matching standard in order (what an export writes)."""
    sort = sort if sort in SORTS else "number"
    order = "desc" if order == "desc" else "asc"
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    planned = search_filters(filters, calendar)
    chosen = [e.metadata for e in entries if matches(e, filters, planned)]
    ordered = sort_standards(chosen, sort, descending=order == "desc")
    listing = Listing(len(ordered), max(page, 1), per_page, sort, order, dict(filters))
    start = (listing.page - 1) * per_page
    listing.items = ordered[start : start + per_page]
    return listing, ordered


def to_csv(items: Iterable[Mapping[str, Any]]) -> str:
    """The rows as CSV with a byte-order mark, so spreadsheet programs read the Chinese
    as UTF-8; lists (ICS codes, issuers) are joined with `; `."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        row = []
        for column in CSV_COLUMNS:
            value = item.get(column, "")
            row.append("; ".join(map(str, value)) if isinstance(value, list) else value)
        writer.writerow(row)
    return "\ufeff" + out.getvalue()


# ---------------------------------------------------------------------------
# The home page's overview


def _brief(metadata: Mapping[str, Any], **extra: str) -> dict:
    keys = ("std_no", "title_zh", "status", "level", "kind", "region", "issued", "effective")
    return {**{k: metadata.get(k, "") for k in keys}, **extra}


def overview(entries: list[Entry], today: date) -> dict:
    """Counts by level, kind, status and region, with the lists the home page shows:
    recently added, coming into force within 90 days, recently withdrawn or replaced."""
    by = {name: Counter() for name in ("level", "kind", "status", "region")}
    by_number = {e.metadata.get("std_no"): e.metadata for e in entries}
    start, soon = today.isoformat(), (today + timedelta(days=UPCOMING_DAYS)).isoformat()
    upcoming, ended = [], []
    for entry in entries:
        meta = entry.metadata
        for name, counts in by.items():
            counts[meta.get(name) or ""] += 1
        effective = meta.get("effective") or ""
        if len(effective) == 10 and start < effective <= soon:
            upcoming.append(_brief(meta))
        if meta.get("status") in ("被代替", "废止"):
            ended.append(_brief(meta, since=_ended_on(entry, by_number)))
    added = sorted(entries, key=lambda e: (e.ingested_at, e.metadata.get("std_no", "")))
    return {
        "total": len(entries),
        "today": today.isoformat(),
        # Most common first; the standards without a value (not local, …) last.
        "counts": {
            name: dict(sorted(counts.items(), key=lambda kv: (not kv[0], -kv[1], kv[0])))
            for name, counts in by.items()
        },
        "recently_added": [
            _brief(e.metadata, ingested_at=e.ingested_at) for e in reversed(added[-RECENT:])
        ],
        "upcoming": sorted(upcoming, key=lambda m: (m["effective"], m["std_no"])),
        "recently_ended": sorted(ended, key=lambda m: (m["since"], m["std_no"]), reverse=True)[
            :RECENT
        ],
    }


def _ended_on(entry: Entry, by_number: Mapping[str, Mapping[str, Any]]) -> str:
    """When a standard stopped being in force, as well as the library knows: the date
    recorded with 废止, else its successor's implementation date, else when a librarian
    last changed its status, else when it came into the library."""
    meta = entry.metadata
    if meta.get("status") == "废止" and meta.get("withdrawn"):
        return meta["withdrawn"]
    successor = by_number.get(meta.get("replaced_by") or "")
    if meta.get("status") == "被代替" and successor:
        when = successor.get("effective") or successor.get("issued")
        if when:
            return when
    return (entry.status_changed_at or entry.ingested_at or "")[:10]


# ---------------------------------------------------------------------------
# Trees: nodes with counts, each naming the list filter that shows its standards


def _node(key: str, count: int, filters: dict, **names: Any) -> dict:
    return {"key": key, "count": count, "filter": filters, "children": [], **names}


def _tree(nodes: list[dict], total: int, unclassified: int) -> dict:
    return {"total": total, "unclassified": unclassified, "nodes": nodes}


def ics_tree(entries: list[Entry]) -> dict:
    """Every ICS field, with the groups the table names or the library uses beneath it.
    A standard counts once in each field and group its codes fall in."""
    names = ics_names()
    fields: Counter = Counter()
    groups: Counter = Counter()
    unclassified = 0
    for entry in entries:
        codes = entry.metadata.get("ics") or []
        if not codes:
            unclassified += 1
        fields.update({ics_field(c) for c in codes})
        groups.update({g for g in map(ics_group, codes) if g})
    nodes = []
    codes = sorted({c for c in names if "." not in c} | set(fields))
    for code in codes:
        name = names.get(code)
        node = _node(code, fields[code], {"ics": code}, **_names(name))
        for group in sorted(
            {g for g in names if ics_field(g) == code and "." in g}
            | {g for g in groups if ics_field(g) == code}
        ):
            node["children"].append(
                _node(group, groups[group], {"ics": group}, **_names(names.get(group)))
            )
        nodes.append(node)
    return _tree(nodes, len(entries), unclassified)


def _names(name) -> dict:
    return {"name_zh": name.zh if name else "", "name_en": name.en if name else ""}


def ccs_tree(entries: list[Entry]) -> dict:
    """The 24 CCS classes, with the codes the library's covers print beneath them."""
    letters: Counter = Counter()
    codes: Counter = Counter()
    unclassified = 0
    for entry in entries:
        found = ccs_codes(entry.metadata.get("ccs", ""))
        if not found:
            unclassified += 1
        letters.update({c[0] for c in found})
        codes.update(set(found))
    nodes = []
    for letter in sorted(set(CCS_CLASSES) | set(letters)):
        zh, en = CCS_CLASSES.get(letter, ("", ""))
        node = _node(letter, letters[letter], {"ccs": letter}, name_zh=zh, name_en=en)
        for code in sorted(c for c in codes if c[0] == letter):
            node["children"].append(_node(code, codes[code], {"ccs": code}))
        nodes.append(node)
    return _tree(nodes, len(entries), unclassified)


def region_tree(entries: list[Entry]) -> dict:
    """Every province-level region with its DB prefix, counting its local standards."""
    counts = Counter(e.metadata.get("region") or "" for e in entries)
    nodes = [
        _node(name, counts[name], {"region": name}, prefix=f"DB{code}", name=name)
        for code, name in PROVINCES.items()
    ]
    return _tree(nodes, len(entries), counts[""])


def level_tree(entries: list[Entry]) -> dict:
    """Levels, each with its standards by kind; then kinds across levels."""
    pairs = Counter((e.metadata.get("level") or "", e.metadata.get("kind") or "") for e in entries)
    levels = Counter(e.metadata.get("level") or "" for e in entries)
    kinds = Counter(e.metadata.get("kind") or "" for e in entries)
    nodes = []
    for level in [*LEVELS, *sorted(set(levels) - set(LEVELS) - {""})]:
        node = _node(level, levels[level], {"level": level}, name=level)
        for kind in KINDS:
            if pairs[(level, kind)]:
                node["children"].append(
                    _node(kind, pairs[(level, kind)], {"level": level, "kind": kind}, name=kind)
                )
        nodes.append(node)
    tree = _tree(nodes, len(entries), levels[""])
    tree["kinds"] = [_node(k, kinds[k], {"kind": k}, name=k) for k in KINDS]
    return tree


def body_tree(entries: list[Entry]) -> dict:
    """Issuing bodies by how many standards each issued (alone or jointly)."""
    counts: Counter = Counter()
    unclassified = 0
    for entry in entries:
        bodies = issuing_bodies(entry.metadata)
        if not bodies:
            unclassified += 1
        counts.update(bodies)
    nodes = [
        _node(name, count, {"body": name}, name=name)
        for name, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return _tree(nodes, len(entries), unclassified)


def year_tree(entries: list[Entry]) -> dict:
    """Decades, newest first, with the years of the standards' numbers beneath them."""
    years = Counter(_year(e.metadata) for e in entries)
    decades: dict[int, list[int]] = {}
    for year in years:
        if year:
            decades.setdefault(year // 10 * 10, []).append(year)
    nodes = []
    for decade in sorted(decades, reverse=True):
        count = sum(years[y] for y in decades[decade])
        node = _node(f"{decade}s", count, {"year": f"{decade}-{decade + 9}"}, name=f"{decade}s")
        node["children"] = [
            _node(str(y), years[y], {"year": str(y)}, name=str(y))
            for y in sorted(decades[decade], reverse=True)
        ]
        nodes.append(node)
    return _tree(nodes, len(entries), years[0])


def adoption_tree(entries: list[Entry]) -> dict:
    """The international bodies whose standards the library adopts (采标), each with the
    degrees of correspondence; a standard adopting several counts once under each."""
    orgs: Counter = Counter()
    pairs: Counter = Counter()
    unclassified = 0
    for entry in entries:
        adoption = entry.metadata.get("adoption") or []
        if not adoption:
            unclassified += 1
        orgs.update({a.get("org") or "" for a in adoption} - {""})
        pairs.update({(a.get("org"), a.get("degree")) for a in adoption if a.get("org")})
    nodes = []
    for org, count in sorted(orgs.items(), key=lambda kv: (-kv[1], kv[0])):
        node = _node(org, count, {"adopts": org}, name=org)
        node["children"] = [
            _node(degree, n, {"adopts": org, "degree": degree}, name=degree)
            for (o, degree), n in sorted(pairs.items())
            if o == org and degree
        ]
        nodes.append(node)
    return _tree(nodes, len(entries), unclassified)


TREES = {
    "ics": ics_tree,
    "ccs": ccs_tree,
    "region": region_tree,
    "level": level_tree,
    "body": body_tree,
    "year": year_tree,
    "adoption": adoption_tree,
}
