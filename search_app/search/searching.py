"""Searching: one call from a query string to ranked, grouped, highlighted hits.

    engine = open_engine(library)
    result = search(engine, "厂界噪声 夜间 测量", limit=10)
    for hit in result.hits: print(hit.std_no, hit.clause_no, hit.page, hit.snippet)

A query is parsed (`query`), its words analysed as the index was (`query_terms`), turned
into the engine's plan (`planning`), matched by the engine, ranked as standards
(`ranking`) and shown with highlighted snippets (`highlight`). The constants are in
`ranking.Ranking`, measured with `stdsearch evaluate` on the development queries.
"""

from __future__ import annotations

import difflib
import time
from dataclasses import dataclass
from datetime import date

from analyzers.stdno import normalize_query_number, parse_std_no
from indexer.engine.documents import STANDARD, TERM
from indexer.engine.interface import Matches, SearchEngine, Snapshot
from indexer.engine.plan import Equals
from indexer.library.review import DEFAULT_YEARS
from indexer.library.store import is_metadata_only

from .highlight import Highlighter
from .planning import Calendar, plan_query
from .query import ParsedQuery, QueryError, parse_query
from .query_terms import analyse
from .ranking import DEFAULT_RANKING, Intent, Ranked, Ranking, group, rank
from .results import Hit, SearchResult, StandardGroup

MAX_LIMIT = 1000
MAX_OFFSET = 10_000


@dataclass(frozen=True)
class Page:
    """Which hits to show: `limit` from `offset`, grouped by standard or not."""

    limit: int = 10
    offset: int = 0
    group: bool = True
    clauses_per_standard: int = 3

    @classmethod
    def checked(cls, limit, offset, group: bool, clauses_per_standard) -> Page:
        try:
            limit, offset = int(limit), int(offset)
        except (TypeError, ValueError):
            raise QueryError("limit and offset must be whole numbers", "invalid") from None
        if not 1 <= limit <= MAX_LIMIT or not 0 <= offset <= MAX_OFFSET:
            raise QueryError(f"limit must be 1–{MAX_LIMIT} and offset 0–{MAX_OFFSET}", "invalid")
        return cls(limit, offset, group, max(1, int(clauses_per_standard)))

    def candidates(self, ranking: Ranking) -> int:
        """How many of the best documents ranking needs to fill this page."""
        needed = (self.offset + self.limit) * (self.clauses_per_standard if self.group else 1)
        return max(ranking.candidates, needed * 3)


def search(
    engine: SearchEngine,
    query: str | ParsedQuery,
    *,
    limit: int = 10,
    offset: int = 0,
    filters: dict | None = None,
    group: bool = True,
    clauses_per_standard: int = 3,
    ranking: Ranking = DEFAULT_RANKING,
    today: date | None = None,
    review_years: int = DEFAULT_YEARS,
) -> SearchResult:
    """Search the library. `hits` are clauses in rank order (with `group=True`, in the order
    the groups show them: each standard's best clauses together); `groups` are standards.

    `limit`/`offset` page through hits; groups page through standards the same way.
    `today` (default: the date now) and `review_years` are what `age:` and `review:due`
    count from. Raises `QueryError` (with a message for the user) and nothing else for
    bad input.
    """
    started = time.perf_counter()
    parsed = parse_query(query) if not isinstance(query, ParsedQuery) else query
    parsed = parsed.with_filters(filters)
    page = Page.checked(limit, offset, group, clauses_per_standard)
    terms = analyse(parsed)
    plan = plan_query(parsed, terms, ranking, Calendar(today or date.today(), review_years))
    if terms.empty and not plan.filters:
        raise QueryError("type words, a phrase or a standard number to search for", "empty")
    highlighter = Highlighter(terms.highlight_terms)
    intent = Intent.of(parsed)

    def answer(snapshot: Snapshot) -> SearchResult:
        matches = snapshot.match(plan, page.candidates(ranking))
        ranked = rank(matches, snapshot, ranking, intent)
        shown = _Shown(snapshot, matches, highlighter, lead_only=not terms.words)
        hits, groups = shown.page(ranked, page)
        total = sum(matches.clause_counts.values()) + sum(
            1 for s in matches.matched if not matches.clause_counts.get(s)
        )
        return SearchResult(
            query=parsed.text,
            parsed=parsed,
            hits=hits,
            groups=groups,
            total=total,
            total_standards=len(matches.matched),
            facets=matches.facets,
            suggestions=[] if total else suggest(snapshot, parsed),
            elapsed_ms=0.0,
            warnings=list(parsed.warnings),
            partial=matches.partial,
        )

    result = engine.read(answer)
    result.elapsed_ms = (time.perf_counter() - started) * 1000
    return result


class _Shown:
    """The hits of one page, their stored fields read and their snippets made once."""

    def __init__(self, snapshot: Snapshot, matches: Matches, highlighter, lead_only: bool):
        self.snapshot = snapshot
        self.matches = matches
        self.highlighter = highlighter
        self.lead_only = lead_only  # a number alone matched: show the clause's opening words
        self._made: dict[int, Hit] = {}

    def page(self, ranked: list[Ranked], page: Page) -> tuple[list[Hit], list[StandardGroup]]:
        grouped = group(ranked, page.clauses_per_standard)
        window = slice(page.offset, page.offset + page.limit)
        if page.group:
            chosen = [r for sha in grouped for r in grouped[sha]][window]
        else:
            chosen = ranked[window]
        hits = [self.hit(r) for r in chosen]
        counts = self.matches.clause_counts
        groups = [
            self.standard_group(
                [self.hit(r) for r in grouped[sha]], max(counts.get(sha, 0), len(grouped[sha]))
            )
            for sha in list(grouped)[window]
        ]
        return hits, groups

    def hit(self, ranked: Ranked) -> Hit:
        if id(ranked) not in self._made:
            hit = _hit(self.snapshot, self.matches, ranked)
            highlighter = (
                Highlighter([])
                if ranked.matched == "standard" and self.lead_only
                else self.highlighter
            )
            hit.snippet, hit.snippet_html = highlighter.both(hit.text)
            self._made[id(ranked)] = hit
        return self._made[id(ranked)]

    def standard_group(self, clauses: list[Hit], matching: int) -> StandardGroup:
        first = clauses[0]
        meta = self.matches.standards.get(first.sha256, {})
        return StandardGroup(
            std_no=first.std_no,
            title_zh=first.title_zh,
            status=first.status,
            level=first.level,
            kind=first.kind,
            region=first.region,
            issued=meta.get("issued", "") or "",
            effective=meta.get("effective", "") or "",
            sha256=first.sha256,
            score=first.score,
            clauses=clauses,
            more=max(0, matching - len(clauses)),
            text_held=not is_metadata_only(first.sha256),
        )


def _hit(snapshot: Snapshot, matches: Matches, ranked: Ranked) -> Hit:
    meta = matches.standards.get(ranked.sha, {})
    stored = snapshot.stored(ranked.ref) if ranked.ref >= 0 else {}
    return Hit(
        std_no=meta.get("std_no", ""),
        title_zh=meta.get("title", "") or "",
        status=meta.get("status", "") or "",
        clause_no=stored.get("clause_no", "") or "",
        heading=stored.get("heading", "") or "",
        page=stored.get("page", meta.get("page")),
        page_end=stored.get("page_end"),
        score=round(float(ranked.score), 4),
        snippet="",
        path=stored.get("path", "") or "",
        level=meta.get("level", "") or "",
        kind=meta.get("kind", "") or "",
        region=meta.get("region", "") or "",
        clause_kind=stored.get("clause_kind", "") or "",
        ocr=bool(stored.get("ocr", False)),
        sha256=ranked.sha,
        matched=ranked.matched,
        text=stored.get("body", "") or "",
    )


# ---------------------------------------------------------------------------
# Nothing found


def suggest(snapshot: Snapshot, parsed: ParsedQuery, n: int = 5) -> list[str]:
    """Standard numbers, titles and defined terms close to what was typed."""
    out: list[str] = []
    by_key: dict[str, str] = {}
    standards = Equals("doc_type", STANDARD)
    for std_no in snapshot.values("std_no", standards):
        number = parse_std_no(std_no)
        for key in number.variants() if number else [std_no.lower()]:
            by_key.setdefault(key, std_no)
    for term in parsed.numbers:
        for key in term.keys:
            for close in difflib.get_close_matches(key, list(by_key), n=n, cutoff=0.6):
                out.append(by_key[close])
    text = "".join(parsed.words) or "".join(parsed.phrases)
    if text:
        keys = normalize_query_number(text)
        if keys:
            for close in difflib.get_close_matches(keys[0], list(by_key), n=n, cutoff=0.6):
                out.append(by_key[close])
        titles = sorted(set(snapshot.values("title", standards)))
        terms = sorted(set(snapshot.values("heading", Equals("clause_kind", TERM))))
        pool = [*titles, *terms]
        out.extend(difflib.get_close_matches(text, pool, n=n, cutoff=0.4))
        out.extend(p for p in pool if text in p or (len(p) >= 2 and p in text))
    return list(dict.fromkeys(out))[:n]
