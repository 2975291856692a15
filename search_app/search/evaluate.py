"""Retrieval quality on a judged query set: MRR@10 and Success@1/@10, per query type.

The query file is a TSV with the columns `id type query std_no clause_no note` (the
format of `../shared/eval/dev.tsv`). A hit matches the standard when its `std_no`
equals the gold one after normalisation (case, width, spaces, slash and dash forms,
two-digit years); it matches the clause when, in addition, its clause is the gold
clause or lies under it (`4.4.1` under `4.4`, never `4.40`). A query scores 1/rank of
its first matching hit in the top k, 0 when none.

    stdsearch evaluate ../shared/eval/dev.tsv
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from analyzers.normalize import fold_dashes, fold_width

from .query import QueryError
from .searching import search

K = 10
TYPES_ORDER = ("number", "title", "term", "topic", "clause")


@dataclass(frozen=True)
class JudgedQuery:
    id: str
    type: str
    query: str
    std_no: str
    clause_no: str = ""
    note: str = ""


@dataclass
class Outcome:
    query: JudgedQuery
    standard_rank: int | None  # 1-based rank of the first hit of the gold standard in the top k
    clause_rank: int | None
    top: list[tuple[str, str]] = field(default_factory=list)  # (std_no, clause_no) of the top hits
    error: str = ""
    gold_needs_ocr: bool = False


@dataclass
class Metrics:
    queries: int = 0
    mrr: float = 0.0
    success_1: float = 0.0
    success_10: float = 0.0

    @classmethod
    def of(cls, ranks: list[int | None], k: int = K) -> Metrics:
        n = len(ranks)
        if not n:
            return cls()
        inside = [r for r in ranks if r is not None and r <= k]
        return cls(
            queries=n,
            mrr=sum(1 / r for r in inside) / n,
            success_1=sum(1 for r in inside if r == 1) / n,
            success_10=len(inside) / n,
        )


@dataclass
class Report:
    outcomes: list[Outcome]
    standard: dict[str, Metrics]  # per type, and "all"
    clause: dict[str, Metrics]
    waiting_for_ocr: int = 0  # queries whose gold standard has pages still waiting for OCR
    waiting_for_ocr_missed: int = 0

    def to_dict(self) -> dict:
        return {
            "standard": {t: asdict(m) for t, m in self.standard.items()},
            "clause": {t: asdict(m) for t, m in self.clause.items()},
            "waiting_for_ocr": self.waiting_for_ocr,
            "waiting_for_ocr_missed": self.waiting_for_ocr_missed,
            "queries": [
                {
                    **asdict(o.query),
                    "standard_rank": o.standard_rank,
                    "clause_rank": o.clause_rank,
                    "top": [list(t) for t in o.top],
                    "error": o.error,
                    "gold_needs_ocr": o.gold_needs_ocr,
                }
                for o in self.outcomes
            ],
        }


# ---------------------------------------------------------------------------
# Judging


def normalise_std_no(text: str) -> str:
    """The comparison form of the judging rules: `gb/t 28181—2016` → `GB/T28181-2016`."""
    text = fold_dashes(fold_width(text or "")).upper()
    text = "".join(text.split()).replace("／", "/")
    return re.sub(r"-(\d\d)$", r"-19\1", text)


def clause_matches(hit_clause: str, gold_clause: str) -> bool:
    hit_clause, gold_clause = (hit_clause or "").strip(), (gold_clause or "").strip()
    if not gold_clause:
        return False
    return hit_clause == gold_clause or hit_clause.startswith(gold_clause + ".")


def judge(
    query: JudgedQuery, hits: Iterable[tuple[str, str]], k: int = K
) -> tuple[int | None, int | None]:
    gold = normalise_std_no(query.std_no)
    standard_rank = clause_rank = None
    for rank, (std_no, clause_no) in enumerate(hits, start=1):
        if rank > k:
            break
        if normalise_std_no(std_no) != gold:
            continue
        if standard_rank is None:
            standard_rank = rank
        if clause_rank is None and query.clause_no and clause_matches(clause_no, query.clause_no):
            clause_rank = rank
    return standard_rank, clause_rank


def load_queries(path: str | Path) -> list[JudgedQuery]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    required = {"id", "type", "query", "std_no"}
    if rows and not required <= set(rows[0]):
        raise ValueError(f"{path}: needs the columns {', '.join(sorted(required))}")
    return [
        JudgedQuery(
            id=r["id"].strip(),
            type=r["type"].strip(),
            query=r["query"],
            std_no=r["std_no"].strip(),
            clause_no=(r.get("clause_no") or "").strip(),
            note=(r.get("note") or "").strip(),
        )
        for r in rows
        if r.get("query")
    ]


# ---------------------------------------------------------------------------
# Running


SearchFn = Callable[[str], list[tuple[str, str]]]


def engine_search(engine, **options) -> SearchFn:
    """The product's search, as the judge sees it: (std_no, clause_no) of the top hits."""

    def run(text: str) -> list[tuple[str, str]]:
        result = search(engine, text, limit=K, **options)
        return [(h.std_no, h.clause_no) for h in result.hits]

    return run


def evaluate(
    queries: list[JudgedQuery], run: SearchFn, needs_ocr: set[str] = frozenset(), k: int = K
) -> Report:
    """Judge every query; `needs_ocr` holds normalised numbers of standards waiting for OCR."""
    outcomes = []
    for q in queries:
        try:
            top = run(q.query)
            error = ""
        except QueryError as e:
            top, error = [], str(e)
        standard_rank, clause_rank = judge(q, top, k)
        outcomes.append(
            Outcome(
                q,
                standard_rank,
                clause_rank,
                top[:k],
                error,
                normalise_std_no(q.std_no) in needs_ocr,
            )
        )
    return summarise(outcomes, k)


def summarise(outcomes: list[Outcome], k: int = K) -> Report:
    types = [t for t in TYPES_ORDER if any(o.query.type == t for o in outcomes)]
    types += sorted({o.query.type for o in outcomes} - set(types))
    standard, clause = {}, {}
    for t in types:
        mine = [o for o in outcomes if o.query.type == t]
        standard[t] = Metrics.of([o.standard_rank for o in mine], k)
        with_clause = [o for o in mine if o.query.clause_no]
        if with_clause:
            clause[t] = Metrics.of([o.clause_rank for o in with_clause], k)
    standard["all"] = Metrics.of([o.standard_rank for o in outcomes], k)
    clause["all"] = Metrics.of([o.clause_rank for o in outcomes if o.query.clause_no], k)
    waiting = [o for o in outcomes if o.gold_needs_ocr]
    missed = [
        o for o in waiting if (o.clause_rank if o.query.clause_no else o.standard_rank) is None
    ]
    return Report(outcomes, standard, clause, len(waiting), len(missed))


def needs_ocr_numbers(library) -> set[str]:
    """Normalised numbers of the library's standards with pages still waiting for OCR, or
    with no clause text at all (a text layer that could not be read)."""
    from indexer.library.catalogue import Catalogue

    with Catalogue(library.catalogue_path) as catalogue:
        entries = [e for e in catalogue.all_metadata() if e.get("std_no")]
    return {
        normalise_std_no(e["std_no"])
        for e in entries
        if e.get("needs_ocr") or not _has_text(library.load_extracted(e["sha256"]))
    }


def _has_text(standard) -> bool:
    return any(clause.text.strip() for clause in standard.clauses)


def format_report(report: Report, verbose: bool = False) -> str:
    lines = [f"{'level':<9}{'type':<8}{'n':>4}  {'MRR@10':>7}  {'S@1':>6}  {'S@10':>6}"]
    for level, table in (("standard", report.standard), ("clause", report.clause)):
        for t, m in table.items():
            lines.append(
                f"{level:<9}{t:<8}{m.queries:>4}  {m.mrr:>7.3f}  {m.success_1:>6.3f}  {m.success_10:>6.3f}"
            )
    lines.append(
        f"gold standard waiting for OCR (or without readable text): {report.waiting_for_ocr} quer(ies), "
        f"{report.waiting_for_ocr_missed} of them missed"
    )
    if verbose:
        lines.append("")
        for o in report.outcomes:
            q = o.query
            mark = "ok " if (o.clause_rank if q.clause_no else o.standard_rank) == 1 else "   "
            first = " | ".join(f"{s} {c}" for s, c in o.top[:3])
            lines.append(
                f"{mark}{q.id} {q.type:<6} std@{o.standard_rank or '-'} clause@{o.clause_rank or '-'}"
                f"  gold {q.std_no} {q.clause_no}  {q.query}\n      top: {first}{'  ' + o.error if o.error else ''}"
                f"{'  [gold waits for OCR]' if o.gold_needs_ocr else ''}"
            )
    return "\n".join(lines)
