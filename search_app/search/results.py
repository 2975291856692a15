"""What a search returns: clause hits, the standards they group into, and the totals."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .query import ParsedQuery


@dataclass
class Hit:
    std_no: str
    title_zh: str
    status: str
    clause_no: str
    heading: str
    page: int | None
    score: float
    snippet: str
    snippet_html: str = ""
    path: str = ""
    page_end: int | None = None
    level: str = ""
    kind: str = ""
    region: str = ""
    clause_kind: str = ""
    ocr: bool = False
    sha256: str = ""
    matched: str = "clause"  # "clause": the clause matched; "standard": its number or title did
    text: str = field(default="", repr=False)  # the clause text, for the snippet; not in JSON

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("text")
        return data


@dataclass
class StandardGroup:
    std_no: str
    title_zh: str
    status: str
    level: str
    kind: str
    region: str
    issued: str
    effective: str
    sha256: str
    score: float
    clauses: list[Hit] = field(default_factory=list)
    more: int = 0  # further matching clauses not shown
    text_held: bool = True  # False for a metadata-only record (未收录全文)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["clauses"] = [h.to_dict() for h in self.clauses]
        return data


@dataclass
class SearchResult:
    query: str
    parsed: ParsedQuery
    hits: list[Hit]
    groups: list[StandardGroup]
    total: int  # matching clauses (a standard matched by number or title alone counts one)
    total_standards: int
    facets: dict[str, list[tuple[str, int]]]
    suggestions: list[str]
    elapsed_ms: float
    warnings: list[str] = field(default_factory=list)
    partial: bool = False  # part of the index did not answer: matches may be missing

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract: `query`, `total`, `hits` (one per clause, in rank order), and more."""
        return {
            "query": self.query,
            "total": self.total,
            "total_standards": self.total_standards,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "hits": [h.to_dict() for h in self.hits],
            "groups": [g.to_dict() for g in self.groups],
            "facets": {
                name: [list(pair) for pair in counts] for name, counts in self.facets.items()
            },
            "suggestions": self.suggestions,
            "warnings": self.warnings,
            "partial": self.partial,
            "filters": {k: list(v) for k, v in self.parsed.filters.items()},
        }
