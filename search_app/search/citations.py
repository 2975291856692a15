"""Citation health: current standards whose normative references point to editions the
library knows as replaced (被代替) or withdrawn (废止), with the clauses that cite them and
what replaced them.

The whole catalogue is read once (its entries and its citations table) and every
reference resolved against one `EditionIndex`; only the standards found citing an
outdated edition are opened, to find the clauses that cite it and the printed titles.
The standard page resolves its own references with the same index over the few entries
they concern (`resolve_references`).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from indexer.library.catalogue import Catalogue
from indexer.library.citations import (
    CURRENT_STATUSES,
    EditionIndex,
    Resolution,
    citing_clauses,
)
from indexer.library.store import Library

from .query import QueryError, normalize_filter

REPORT_FILTERS = ("level", "region", "kind")
SORTS = ("std_no", "outdated", "issued")


@dataclass
class OutdatedReference:
    """One normative reference to an outdated edition, and where the standard cites it."""

    cited: str
    title: str  # as printed in the citing standard's list
    clauses: list[str]
    resolution: Resolution

    def to_dict(self) -> dict[str, Any]:
        return {
            "cited": self.cited,
            "title": self.title,
            "clauses": self.clauses,
            **{k: v for k, v in self.resolution.to_dict().items() if k != "cited"},
        }


@dataclass
class CitingStandard:
    std_no: str
    title_zh: str
    status: str
    level: str
    region: str
    kind: str
    issued: str
    references: list[OutdatedReference] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "std_no": self.std_no,
            "title_zh": self.title_zh,
            "status": self.status,
            "level": self.level,
            "region": self.region,
            "kind": self.kind,
            "issued": self.issued,
            "outdated_count": len(self.references),
            "references": [r.to_dict() for r in self.references],
        }


@dataclass
class CitationReport:
    standards: list[CitingStandard]
    current_standards: int  # 现行 and 即将实施 standards the filters keep
    references: int  # their normative references
    filters: dict[str, str]
    sort: str
    # Current standards per level, region and kind, the filters unapplied: the choices.
    facets: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def outdated_references(self) -> int:
        return sum(len(s.references) for s in self.standards)

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": {
                "current_standards": self.current_standards,
                "references": self.references,
                "citing_standards": len(self.standards),
                "outdated_references": self.outdated_references,
            },
            "filters": self.filters,
            "sort": self.sort,
            "facets": self.facets,
            "standards": [s.to_dict() for s in self.standards],
        }


def report_filters(raw: dict[str, str]) -> dict[str, str]:
    """Level, region and kind as search reads them (`地方`, `guangdong`, `强制性` …);
    a `QueryError` naming what is accepted for a value it does not know."""
    filters = {}
    for name in REPORT_FILTERS:
        value = (raw.get(name) or "").strip()
        if value:
            _, values = normalize_filter(name, value)
            filters[name] = values[0]
    return filters


def _kept(entry: dict[str, Any], filters: dict[str, str]) -> bool:
    return entry.get("status") in CURRENT_STATUSES and all(
        entry.get(name, "") == value for name, value in filters.items()
    )


def citation_report(
    library: Library, filters: dict[str, str] | None = None, sort: str = "std_no"
) -> CitationReport:
    """The report over the whole library; `filters` already normalised (`report_filters`)."""
    filters = filters or {}
    if sort not in SORTS:
        raise QueryError(f"sort:{sort} is not one of {', '.join(SORTS)}", "filter")
    with Catalogue(library.catalogue_path) as catalogue:
        entries = catalogue.all_metadata()
        citations = catalogue.all_citations()
    index = EditionIndex(entries)
    by_sha = {e["sha256"]: e for e in entries}
    kept = {sha for sha, e in by_sha.items() if _kept(e, filters)}
    facets = _facets(e for e in entries if e.get("status") in CURRENT_STATUSES)
    outdated: dict[str, list[Resolution]] = {}
    checked = 0
    for sha, cited in citations:
        if sha not in kept:
            continue
        checked += 1
        resolution = index.resolve(cited)
        if resolution.outdated:
            outdated.setdefault(sha, []).append(resolution)
    standards = [_citing(library, by_sha[sha], found) for sha, found in outdated.items()]
    return CitationReport(_sorted(standards, sort), len(kept), checked, filters, sort, facets)


def _facets(entries) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter] = {name: Counter() for name in REPORT_FILTERS}
    for entry in entries:
        for name in REPORT_FILTERS:
            if entry.get(name):
                counts[name][entry[name]] += 1
    return {name: dict(sorted(c.items())) for name, c in counts.items()}


def _citing(library: Library, entry: dict[str, Any], found: list[Resolution]) -> CitingStandard:
    structure = library.load_extracted(entry["sha256"])
    titles = {r.std_no: r.title for r in structure.references}
    citing = CitingStandard(
        std_no=entry.get("std_no", ""),
        title_zh=entry.get("title_zh", ""),
        status=entry.get("status", ""),
        level=entry.get("level", ""),
        region=entry.get("region", ""),
        kind=entry.get("kind", ""),
        issued=entry.get("issued", ""),
    )
    for resolution in found:
        citing.references.append(
            OutdatedReference(
                cited=resolution.cited,
                title=titles.get(resolution.cited, ""),
                clauses=citing_clauses(structure.clauses, resolution.cited),
                resolution=resolution,
            )
        )
    return citing


def _sorted(standards: list[CitingStandard], sort: str) -> list[CitingStandard]:
    standards.sort(key=lambda s: s.std_no)
    if sort == "outdated":
        standards.sort(key=lambda s: len(s.references), reverse=True)
    elif sort == "issued":
        standards.sort(key=lambda s: s.issued, reverse=True)
    return standards


def resolve_references(catalogue: Catalogue, numbers: list[str]) -> list[Resolution]:
    """Each number resolved as the report resolves it, reading only the entries they
    concern (a standard page's references)."""
    index = EditionIndex(catalogue.editions_for(numbers))
    return [index.resolve(number) for number in numbers]


CSV_COLUMNS = (
    "citing_std_no",
    "citing_title",
    "citing_status",
    "level",
    "region",
    "cited",
    "cited_title",
    "dated",
    "clauses",
    "resolved",
    "cited_status",
    "replaced_by",
    "replaced_by_title",
    "outdated_since",
    "current_edition",
)


def report_csv(report: CitationReport) -> str:
    """One row per outdated reference; clause numbers joined by `;`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for standard in report.standards:
        for ref in standard.references:
            r = ref.resolution
            writer.writerow(
                [
                    standard.std_no,
                    standard.title_zh,
                    standard.status,
                    standard.level,
                    standard.region,
                    ref.cited,
                    ref.title,
                    "yes" if r.dated else "no",
                    ";".join(ref.clauses),
                    r.resolved or "",
                    r.status,
                    r.replaced_by.std_no if r.replaced_by else "",
                    r.replaced_by.title_zh if r.replaced_by else "",
                    r.since,
                    r.current.std_no if r.current else "",
                ]
            )
    return out.getvalue()
