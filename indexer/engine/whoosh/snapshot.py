"""A query plan answered from one Whoosh searcher: the read half of the Whoosh engine."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any

import numpy as np
from whoosh import query as Q
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from indexer.engine.documents import STANDARD
from indexer.engine.interface import Candidate, Matches
from indexer.engine.plan import AnyOf, Between, Bm25, Condition, Equals, Phrase, Prefix, QueryPlan

from .scoring import Scores, bm25f, doc_mask
from .table import DocumentTable


class _Or(Q.Or):
    """Or as a tree of union matchers: it keeps boosts and the coordination bonus, and
    unlike the preloading matcher Whoosh picks for small indexes it does not allocate an
    array the size of each segment for every word of the query."""

    matcher_type = Q.Or.DEFAULT_MATCHER


def weighting(model: Bm25) -> BM25F:
    """The same model for what Whoosh scores itself (phrases)."""
    return BM25F(B=model.B, K1=model.K1, **{f"{k}_B": v for k, v in model.field_B.items()})


def condition_query(condition: Condition, fields: frozenset[str] | None = None) -> Q.Query:
    """The condition as a Whoosh query. A field the index lacks (`fields`: its schema's),
    as one built before the field was added does, matches nothing rather than failing."""
    if fields is not None and condition.field not in fields:
        return Q.NullQuery
    if isinstance(condition, Between):
        return Q.NumericRange(condition.field, condition.low, condition.high)
    if isinstance(condition, Prefix):
        return Q.Prefix(condition.field, condition.prefix)
    return Q.Term(condition.field, condition.value)


def filter_query(
    filters: tuple[AnyOf, ...], fields: frozenset[str] | None = None
) -> Q.Query | None:
    parts = []
    for one in filters:
        alternatives = [condition_query(c, fields) for c in one.conditions]
        if alternatives:
            parts.append(_Or(alternatives) if len(alternatives) > 1 else alternatives[0])
    if not parts:
        return None
    return Q.And(parts) if len(parts) > 1 else parts[0]


def phrase_query(phrase: Phrase) -> Q.Query:
    """The phrase in any of its fields."""
    return _Or([_in_field(name, phrase.tokens, phrase.boost) for name in phrase.fields])


def _in_field(fieldname: str, tokens: tuple[str, ...], boost: float) -> Q.Query:
    if len(tokens) == 1:
        return Q.Term(fieldname, tokens[0], boost=boost)
    return Q.Phrase(fieldname, list(tokens), boost=boost)


def exclusion_query(excluded: tuple[Phrase, ...]) -> Q.Query | None:
    """Documents holding any excluded phrase: given to Whoosh as a mask (its AndNot matcher
    lets excluded documents through when the result limit exceeds the segment size)."""
    nots = [_in_field(name, p.tokens, p.boost) for p in excluded for name in p.fields]
    return _Or(nots) if nots else None


class WhooshSnapshot:
    """`interface.Snapshot` over one searcher and the document table of its generation."""

    def __init__(self, searcher, table: Callable[[], DocumentTable]):
        self.searcher = searcher
        self._make_table = table
        self.size = searcher.reader().doc_count_all()

    @cached_property
    def table(self) -> DocumentTable:
        return self._make_table()

    # -- matching -----------------------------------------------------------------------

    def match(self, plan: QueryPlan, k: int) -> Matches:
        table = self.table
        allowed = self._allowed(plan)
        phrase_scores: dict[int, float] = {}
        for phrase in plan.phrases:
            # A phrase is required: only documents holding it are scored.
            holding = self._phrase_scores(phrase, plan.scoring)
            mask = doc_mask(holding, self.size)
            allowed = mask if allowed is None else allowed & mask
            for doc, score in holding.items():
                phrase_scores[doc] = phrase_scores.get(doc, 0.0) + score
        if plan.browses:
            # Filters alone list the standards they select.
            within = table.live_docs if allowed is None else table.live_docs & allowed
            standards = np.flatnonzero(within & table.standard_docs)
            scores = Scores(standards, np.ones(len(standards)))
            matched = np.flatnonzero(within)
        else:
            scores = bm25f(
                self.searcher,
                plan.terms,
                plan.scoring,
                allowed=allowed,
                only=self._mask,
                norms=table.length_norms(self.searcher, plan.scoring.K1),
                postings=table.postings(self.searcher),
                require_all=plan.require_all,
            )
            # Phrase scores of the documents still allowed, in the order phrases came.
            scores = scores.plus({d: v for d, v in phrase_scores.items() if allowed[d]})
            matched = scores.docs
        candidates = [self._candidate(doc, score) for doc, score in scores.top(k)]
        counts, standards_matched = table.counts(matched)
        return Matches(
            candidates=candidates,
            standards={c.sha256: table.standards.get(c.sha256, {}) for c in candidates},
            clause_counts=counts,
            matched=standards_matched,
            facets=table.facets(standards_matched, plan.facets),
        )

    def _allowed(self, plan: QueryPlan) -> np.ndarray | None:
        """The documents filters and exclusions leave, as a mask; None: all of them."""
        allowed = None
        query = filter_query(plan.filters, frozenset(self.searcher.schema.names()))
        if query is not None:
            allowed = self._docs(query)
        query = exclusion_query(plan.excluded)
        if query is not None:
            excluded = self._docs(query)
            allowed = ~excluded if allowed is None else allowed & ~excluded
        return allowed

    def _docs(self, query: Q.Query) -> np.ndarray:
        return doc_mask(list(self.searcher.docs_for_query(query)), self.size)

    def _mask(self, condition: Condition) -> np.ndarray:
        if condition == Equals("doc_type", STANDARD):
            return self.table.standard_docs
        return self._docs(condition_query(condition))

    def _phrase_scores(self, phrase: Phrase, model: Bm25) -> dict[int, float]:
        searcher = Searcher(self.searcher.reader(), weighting=weighting(model), closereader=False)
        return {hit.docnum: hit.score for hit in searcher.search(phrase_query(phrase), limit=None)}

    def _candidate(self, doc: int, score: float) -> Candidate:
        table = self.table
        sha = table.doc_sha[doc]
        if table.doc_is_standard[doc]:
            return Candidate(doc, score, sha, True)
        return Candidate(
            doc,
            score,
            sha,
            False,
            clause_no=table.doc_clause_no[doc],
            heading_key=table.doc_heading[doc],
            clause_kind=table.doc_kind[doc],
            order=table.doc_order[doc],
            has_text=doc not in table.empty_docs,
        )

    # -- reading ------------------------------------------------------------------------

    def lead(self, sha256: str) -> Candidate | None:
        doc = self.table.first_clause.get(sha256)
        return None if doc is None else self._candidate(doc, 0.0)

    def stored(self, ref: int) -> Mapping[str, Any]:
        return self.searcher.stored_fields(ref)

    def find(self, doc_id: str) -> int | None:
        return self.searcher.document_number(doc_id=doc_id)

    def more_like(self, ref: int, field: str, limit: int, numterms: int) -> list[Candidate]:
        found = self.searcher.more_like(ref, field, top=limit, numterms=numterms)
        return [self._candidate(hit.docnum, hit.score) for hit in found]

    def values(self, field: str, where: Condition) -> list[str]:
        found = self.table.values.get((field, where))
        if found is None:
            docs = sorted(self.searcher.docs_for_query(condition_query(where)))
            stored = (self.searcher.stored_fields(doc).get(field) for doc in docs)
            found = list(dict.fromkeys(str(v) for v in stored if v not in (None, "")))
            self.table.values[(field, where)] = found
        return found
