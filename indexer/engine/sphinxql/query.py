"""A `QueryPlan` in SphinxQL: the MATCH expression, the WHERE filters and the ranker.

Pure functions, so the statements are tested without a cluster. Every word in MATCH is
one of our own tokens spelled by `schema.token_word` (letters, digits, `_` and CJK only),
so no user text, and no operator, ever reaches the engine's query parser; values in
WHERE go as pymysql parameters.

The ranker is an expression close to our BM25F with coordination (`plan.Bm25`): Sphinx's
`bm25f(k1, b, {field=weight})` over the weighted fields, times the share of the query's
words a document matched to the power `coordination`. Field weights are integers, so boosts
are scaled by `WEIGHT_SCALE`; `WEIGHT()` is an unsigned integer, so the score is scaled
by `SCORE_SCALE` and kept non-negative (plain IDF, never below zero).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from indexer.engine.plan import AnyOf, Between, Equals, Phrase, Prefix, QueryPlan

from .rows import FILTERED, MULTI_FILTERED, filter_word
from .schema import token_word

WEIGHT_SCALE = 10  # field boost 0.5 → field weight 5
SCORE_SCALE = 1000  # WEIGHT() = score × 1000, as an integer
IDF = "plain,tfidf_unnormalized"


@dataclass(frozen=True)
class Query:
    """The parts of one SELECT: MATCH text (empty: none), WHERE conditions with their
    parameters, and the ranker options."""

    match: str
    where: tuple[str, ...] = ()
    args: tuple = ()
    options: str = ""
    fields: dict[str, int] = field(default_factory=dict)  # field weights in the ranker

    def clause(self) -> tuple[str, tuple]:
        """`WHERE …` with its parameters, MATCH first."""
        conditions, args = [], []
        if self.match:
            conditions.append("MATCH(%s)")
            args.append(self.match)
        conditions.extend(self.where)
        args.extend(self.args)
        return (" WHERE " + " AND ".join(conditions) if conditions else ""), tuple(args)


def build(plan: QueryPlan) -> Query:
    weights = _field_weights(plan)
    required = [_phrase(p) for p in plan.phrases]
    where: list[str] = []
    args: list = []
    filter_words = 0
    for one in plan.filters:
        text, conditions, values = _filter(one)
        if text:
            required.append(text)
            filter_words += 1
        where.extend(conditions)
        args.extend(values)
    terms = _terms(plan, weights) if plan.terms else ""
    if plan.phrases and terms:
        # A document must hold the phrases; the words only rank it, as in Whoosh.
        match = "(" + " ".join(required) + ") MAYBE " + terms
    else:
        match = " ".join(p for p in (terms, *required) if p)
    if match and plan.excluded:
        match = f"({match}) " + " ".join(f"-{_phrase(p)}" for p in plan.excluded)
    options = "" if plan.browses else _ranker(plan, weights, filter_words)
    return Query(match, tuple(where), tuple(args), options, weights)


def _field_weights(plan: QueryPlan) -> dict[str, int]:
    """Each field's weight: the largest boost a term asks of it, scaled to an integer."""
    found: dict[str, float] = {}
    for term in plan.terms:
        if term.boost > 0:
            found[term.field] = max(found.get(term.field, 0.0), term.boost)
    for phrase in plan.phrases:
        for name in phrase.fields:
            found[name] = max(found.get(name, 0.0), phrase.boost)
    return {name: max(1, round(boost * WEIGHT_SCALE)) for name, boost in found.items()}


def _terms(plan: QueryPlan, weights: dict[str, int]) -> str:
    """`(@heading (a | b) | @body (a | b) …)`; with `require_all`, every word in each field."""
    by_field: dict[str, list[str]] = defaultdict(list)
    for term in plan.terms:
        if term.field in weights:
            word = token_word(term.text)
            if word not in by_field[term.field]:
                by_field[term.field].append(word)
    joiner = " " if plan.require_all else " | "
    groups = [f"(@{name} {joiner.join(words)})" for name, words in by_field.items()]
    return "(" + " | ".join(groups) + ")" if groups else ""


def _phrase(phrase: Phrase) -> str:
    words = " ".join(token_word(t) for t in phrase.tokens)
    return f'(@({",".join(phrase.fields)}) "{words}")'


def _filter(one: AnyOf) -> tuple[str, list[str], list]:
    """One filter as MATCH text (values as words of `filter_keys` or `ics_keys`) or as
    WHERE conditions (numeric ranges)."""
    words: list[str] = []
    ranges: list[Between] = []
    for condition in one.conditions:
        if isinstance(condition, Equals) and (
            condition.field in FILTERED or condition.field in MULTI_FILTERED
        ):
            words.append(f"@filter_keys {filter_word(condition.field, condition.value)}")
        elif isinstance(condition, Prefix) and condition.field == "ics":
            words.append(f"@ics_keys {token_word(condition.prefix)}")
        elif isinstance(condition, Between):
            ranges.append(condition)
        else:
            raise ValueError(f"the cluster cannot filter by {condition}")
    if ranges and words:
        raise ValueError("a filter mixes ranges with values")
    if words:
        return "(" + " | ".join(f"({w})" for w in words) + ")", [], []
    return "", *_ranges(ranges)


def _ranges(ranges: list[Between]) -> tuple[list[str], list]:
    """A number in the range, as WHERE conditions; Sphinx 2.2 has no OR in WHERE, so a
    filter of several ranges is refused with a clear error."""
    if len(ranges) > 1:
        raise ValueError("the cluster filters by one range of years at a time")
    (r,) = ranges
    conditions, values = [], []
    if r.low is not None:
        conditions.append(f"`{r.field}` >= %s")
        values.append(r.low)
    if r.high is not None:
        conditions.append(f"`{r.field}` <= %s")
        values.append(r.high)
    return conditions, values


def _ranker(plan: QueryPlan, weights: dict[str, int], filter_words: int) -> str:
    model = plan.scoring
    fields = ", ".join(f"{name}={weight}" for name, weight in weights.items())
    score = f"bm25f({model.K1}, {model.B}, {{{fields}}})"
    asked = _asked(plan)
    if model.coordination and asked:
        # Filter words are matched by every document: they are not part of the question.
        share = f"min(1.0, (doc_word_count - {filter_words}) / {asked}.0)"
        score = f"{score} * pow({share}, {model.coordination})"
    field_weights = ", ".join(f"{name}={weight}" for name, weight in weights.items())
    return f"OPTION ranker=expr('{SCORE_SCALE} * {score}'), idf='{IDF}'" + (
        f", field_weights=({field_weights})" if field_weights else ""
    )


def _asked(plan: QueryPlan) -> int:
    """How many distinct words the question asks for: what `doc_word_count` counts of it."""
    return len({token_word(t.text) for t in plan.terms if t.boost > 0 and t.group >= 0})
