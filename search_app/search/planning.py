"""From the analysed query to the engine's `QueryPlan`: which token is looked up in which
field with which weight.

* Each word is looked up twice: as jieba words (in `heading`, the ancestors' headings
  `context`, `body`, and `title` of the standard's own document) and as character
  bigrams (`*_bi`), so a word jieba cuts differently in the text, or a part of a longer
  word (`添加` in `添加剂`), is still found. Headings weigh more than text.
* A standard number looks up `std_keys` on the standard's own document with a boost
  that puts that standard first.
* A quoted phrase must appear as written (in a heading, the text or the title);
  `-word` drops every document holding the word; filters restrict the candidates.
* An age filter (`age:>5`) and `review:due` become ranges of the implementation date
  (`implemented`, yyyymmdd) counted back from the day the query runs (`Calendar`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from indexer.engine.documents import FACETS, STANDARD
from indexer.engine.plan import (
    AnyOf,
    Between,
    Condition,
    Equals,
    Phrase,
    Prefix,
    QueryPlan,
    WeightedTerm,
)
from indexer.library.review import CURRENT, DEFAULT_YEARS, AgeRange, age_range, due_range

from .query import ParsedQuery
from .query_terms import QueryTerms, phrase_tokens
from .ranking import Ranking

PHRASE_FIELDS = ("heading_bi", "body_bi", "title_bi")
STANDARD_DOCUMENTS = Equals("doc_type", STANDARD)
IMPLEMENTED = "implemented"  # the index field of the implementation date (yyyymmdd)


@dataclass(frozen=True)
class Calendar:
    """The day a query runs and the review age: what `age:` and `review:due` count from."""

    today: date
    review_years: int = DEFAULT_YEARS


def plan_query(
    parsed: ParsedQuery, terms: QueryTerms, ranking: Ranking, calendar: Calendar | None = None
) -> QueryPlan:
    """The plan of a parsed query; `calendar` defaults to today with the default review age."""
    calendar = calendar or Calendar(date.today())
    return QueryPlan(
        terms=tuple(weighted_terms(terms, ranking)),
        phrases=tuple(Phrase(PHRASE_FIELDS, tuple(seq), ranking.phrase) for seq in terms.phrases),
        excluded=exclusions(parsed.excluded),
        filters=filters(parsed.filters, calendar),
        scoring=ranking.bm25(),
        facets=FACETS,
    )


def weighted_terms(terms: QueryTerms, ranking: Ranking) -> list[WeightedTerm]:
    """Every (field, token, boost) the query scores with; one coordination group per token."""
    r = ranking
    word_fields = [("heading", r.heading), ("context", r.context), ("body", r.body)]
    bigram_fields = [
        ("heading_bi", r.heading_bi),
        ("context_bi", r.context_bi),
        ("body_bi", r.body_bi),
        ("title_bi", r.title_bi),
    ]
    out: list[WeightedTerm] = []
    group = 0
    for word in terms.words:
        out.extend(WeightedTerm(name, word, boost, group) for name, boost in word_fields)
        # `title` is on every clause document too (for display); only the standard's
        # own document is scored by it, so a title word does not lift every clause.
        out.append(WeightedTerm("title", word, r.title, group, STANDARD_DOCUMENTS))
        group += 1
    for gram in terms.bigrams:
        out.extend(WeightedTerm(name, gram, boost, group) for name, boost in bigram_fields)
        group += 1
    for i, keys in enumerate(terms.number_keys):
        hinted = i < len(terms.hinted) and terms.hinted[i]
        boost = r.bare_number if hinted else r.std_keys
        out.extend(WeightedTerm("std_keys", key, boost, group) for key in keys)
        group += 1
    for word in terms.variants:
        out.extend(WeightedTerm(name, word, boost, -1) for name, boost in word_fields)
    return out


def exclusions(excluded: tuple[str, ...]) -> tuple[Phrase, ...]:
    """Each `-word` as the phrase of its bigrams, in a heading, the text or the title."""
    found = []
    for word in excluded:
        seq = phrase_tokens(word)
        if seq:
            found.append(Phrase(PHRASE_FIELDS, tuple(seq), 1.0))
    return tuple(found)


def filters(
    chosen: dict[str, tuple[str, ...]], calendar: Calendar | None = None
) -> tuple[AnyOf, ...]:
    """One condition per filter; its values are alternatives. Ages are the exception:
    each must hold (`age:>3 age:<10` is between the two), and so each is a filter of its
    own, which also keeps a cluster's WHERE to one range per filter."""
    calendar = calendar or Calendar(date.today())
    found: list[AnyOf] = []
    for name, values in chosen.items():
        if not values:
            continue
        if name == "age":
            found.extend(_implemented(age_range(v, calendar.today)) for v in values)
        elif name == "review":
            found.append(AnyOf((Equals("status", CURRENT),)))
            found.append(_implemented(due_range(calendar.today, calendar.review_years)))
        else:
            found.append(AnyOf(tuple(_condition(name, value) for value in values)))
    return tuple(found)


def _implemented(dates: AgeRange) -> AnyOf:
    return AnyOf((Between(IMPLEMENTED, dates.low, dates.high),))


def _condition(name: str, value: str) -> Condition:
    if name == "year":
        low, _, high = value.partition("-")
        return Between("year", int(low) if low else None, int(high) if high else None)
    if name == "ics":
        return Prefix("ics", value)
    if name == "adopts":
        # The body or number keys of the adopted standards (`documents.adoption_fields`).
        return Equals("adopts_keys", value)
    return Equals(name, value)
