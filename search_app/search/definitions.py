"""Every definition of a term across the library (`/terms?q=…`), exact matches first."""

from __future__ import annotations

from analyzers.chinese import bigram_analyzer, english_analyzer
from indexer.engine.documents import TERM
from indexer.engine.interface import SearchEngine, Snapshot
from indexer.engine.plan import AnyOf, Equals, QueryPlan, WeightedTerm

TERMS_ONLY = (AnyOf((Equals("clause_kind", TERM),)),)
# The term in Chinese (its heading, as bigrams) or in English (stemmed).
FIELDS = (("heading_bi", bigram_analyzer), ("term_en", english_analyzer))


def find_definitions(engine: SearchEngine, q: str, limit: int = 50) -> list[dict]:
    """Term entries whose Chinese or English term holds every word of `q`."""
    q = q.strip()
    if not q:
        return []
    return engine.read(lambda snapshot: _definitions(snapshot, q, limit))


def _plan(field: str, analyzer, q: str) -> QueryPlan | None:
    """Every token of every word of `q` required in `field`."""
    tokens = [t.text for word in q.split() for t in analyzer()(word, mode="query") if t.text]
    if not tokens:
        return None
    terms = tuple(WeightedTerm(field, token, 1.0, group) for group, token in enumerate(tokens))
    return QueryPlan(terms=terms, filters=TERMS_ONLY, require_all=True)


def _definitions(snapshot: Snapshot, q: str, limit: int) -> list[dict]:
    scores: dict[int, float] = {}
    for field, analyzer in FIELDS:
        plan = _plan(field, analyzer, q)
        if plan is None:
            continue
        for candidate in snapshot.match(plan, limit).candidates:
            scores[candidate.ref] = scores.get(candidate.ref, 0.0) + candidate.score
    best = sorted(scores, key=lambda ref: (-scores[ref], ref))[:limit]
    found = [_definition(snapshot.stored(ref)) for ref in best]
    exact = [f for f in found if f["term_zh"] == q or f["term_en"].lower() == q.lower()]
    return exact + [f for f in found if f not in exact]


def _definition(stored) -> dict:
    return {
        "std_no": stored["std_no"],
        "title_zh": stored.get("title", ""),
        "status": stored.get("status", ""),
        "clause_no": stored["clause_no"],
        "term_zh": stored.get("heading", ""),
        "term_en": stored.get("term_en", ""),
        "definition": stored.get("body", ""),
        "page": stored.get("page"),
    }
