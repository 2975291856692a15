"""What search asks an engine: a query plan, in the words of the index documents' fields.

The search core (`search_app.search`) turns what a user typed into a `QueryPlan`: the
tokens our analyzers made of it, each weighted per field, the phrases that must appear,
what must not, and filters on the standards' metadata. An engine answers it with the best
candidates and their scores (`indexer.engine.interface`). Nothing here knows an engine:
the Whoosh index and a SphinxQL cluster read the same plan.

Field names are those of `indexer.engine.documents`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Equals:
    """Documents whose `field` holds `value` exactly (a keyword field)."""

    field: str
    value: str


@dataclass(frozen=True)
class Prefix:
    """Documents with a value of `field` that starts with `prefix` (ICS codes: `13.060`)."""

    field: str
    prefix: str


@dataclass(frozen=True)
class Between:
    """Documents whose numeric `field` lies in [low, high]; None leaves that end open."""

    field: str
    low: int | None = None
    high: int | None = None


Condition = Equals | Prefix | Between


@dataclass(frozen=True)
class AnyOf:
    """One filter: a document passes when it meets any of the conditions."""

    conditions: tuple[Condition, ...]

    def holds(self, fields: Mapping[str, object]) -> bool:
        """Whether a document with these fields (`indexer.engine.documents`) passes: what
        every engine implements, spelled out for lists that filter without an engine."""
        return any(_meets(condition, fields) for condition in self.conditions)


_SEPARATORS = re.compile(r"[,\s]+")


def _meets(condition: Condition, fields: Mapping[str, object]) -> bool:
    value = fields.get(condition.field)
    if isinstance(condition, Between):
        number = value if isinstance(value, int) else 0
        low, high = condition.low, condition.high
        return (low is None or number >= low) and (high is None or number <= high)
    text = str(value or "")
    # Keyword fields hold several values, comma- or space-separated (`ics`, `adopts_keys`).
    values = [text, *_SEPARATORS.split(text)]
    if isinstance(condition, Prefix):
        return any(v.startswith(condition.prefix) for v in values if v)
    return condition.value in values


@dataclass(frozen=True)
class WeightedTerm:
    """One token looked up in one field. Tokens of one query word share a `group`, so that
    coordination counts the words a document matched, not its fields; group -1 marks a
    bonus that is never asked for (another spelling of a word)."""

    field: str
    text: str
    boost: float
    group: int
    only: Condition | None = None  # scored only in documents that meet it


@dataclass(frozen=True)
class Phrase:
    """Tokens in this order at consecutive positions, in any of `fields`."""

    fields: tuple[str, ...]
    tokens: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Bm25:
    """BM25F, as Whoosh defines it (`whoosh.scoring.bm25`, same idf), so that every engine
    gives the same numbers. `field_B` overrides `B` per field. A document's sum is then
    multiplied by `(groups matched / groups asked) ** coordination`.

    Terms in more than `max_df_share` of the documents are not looked up (their idf is near
    nothing); with `common_share`, terms in more than that share are left to the rarer
    words of the query, when it has any (a speed measure; it costs quality)."""

    K1: float = 1.2
    B: float = 0.75
    field_B: Mapping[str, float] = field(default_factory=dict)
    coordination: float = 0.0
    max_df_share: float = 0.5
    common_share: float | None = None


@dataclass(frozen=True)
class QueryPlan:
    """A query in the index's terms.

    * `terms`: scored with `scoring` and summed per document; with `require_all`, a
      document must match every group to count.
    * `phrases`: each must appear in a document for it to count; its score is added.
    * `excluded`: documents holding any of these phrases are left out.
    * `filters`: every one must hold.
    * `facets`: fields whose values are counted over the standards matched.

    A plan with neither terms nor phrases browses: it selects the standards (their own
    documents, score 1) that the filters allow.
    """

    terms: tuple[WeightedTerm, ...] = ()
    phrases: tuple[Phrase, ...] = ()
    excluded: tuple[Phrase, ...] = ()
    filters: tuple[AnyOf, ...] = ()
    scoring: Bm25 = Bm25()
    require_all: bool = False
    facets: tuple[str, ...] = ()

    @property
    def browses(self) -> bool:
        return not (self.terms or self.phrases)
