"""A standard's documents as rows of the cluster's table (`schema`).

Each text field holds our analyzers' tokens, spelled as single words (`schema.token_word`)
and space-joined in position order, so the cluster indexes what Whoosh indexes. Sub-words
that Whoosh stacks on their word's position follow it instead (an RT table has one token
per position); phrases are asked of the bigram fields, whose positions are exact.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from analyzers.chinese import tokens
from indexer.engine.documents import STANDARD, TEXT_FIELDS, heading_key, index_documents, lead_key
from indexer.library.model import Standard

from .schema import token_word

# A standard's documents get ids `standard id << ORDER_BITS | (order + 2)`: the standard's
# own document (order -1) is 1, its clauses follow, and all of one standard lie in one range.
ORDER_BITS = 20
MAX_ORDER = (1 << ORDER_BITS) - 3

# The filterable values of a document, as words of the `filter_keys` field: a filter with
# several values is then one OR in MATCH (Sphinx 2.2's WHERE has no OR).
FILTERED = ("doc_type", "status", "level", "kind", "region", "prefix", "clause_kind", "std_no")
# Filterable fields holding several values, and how they are split: a word for each.
MULTI_FILTERED = {"adopts_keys": " ", "degree": ","}


def doc_number(standard_id: int, order: int) -> int:
    """The row id of a standard's document (`order` -1: its own)."""
    if not -1 <= order <= MAX_ORDER:
        raise ValueError(f"clause order {order} out of range")
    return standard_id << ORDER_BITS | (order + 2)


def words(analysis: str, text: str) -> str:
    """`text` as the field of this analysis indexes it, one word per token."""
    return " ".join(token_word(token) for _, token in tokens(analysis, text or ""))


def key_words(keys: str) -> str:
    """Standard-number keys (space-separated, as `documents.std_keys` gives them)."""
    return " ".join(token_word(key) for key in keys.lower().split())


def ics_words(ics: str) -> str:
    """Each ICS code with its prefixes, so an ICS filter (`13.060`) is a match."""
    found: list[str] = []
    for code in (c.strip() for c in (ics or "").split(",")):
        parts = code.split(".") if code else []
        found.extend(".".join(parts[: i + 1]) for i in range(len(parts)))
    return " ".join(token_word(code) for code in dict.fromkeys(found))


def filter_word(field: str, value: Any) -> str:
    """The word for `field = value` in `filter_keys`."""
    return token_word(f"{field}={value}")


def rows(standard: Standard, standard_id: int) -> Iterator[dict[str, Any]]:
    """One row per index document of the standard, keyed by the table's columns."""
    lead = _lead_order(standard)
    for document in index_documents(standard):
        yield row(document, standard_id, lead)


def row(document: Mapping[str, Any], standard_id: int, lead: int | None) -> dict[str, Any]:
    is_standard = document["doc_type"] == STANDARD
    order = int(document.get("order", -1))
    found: dict[str, Any] = {"id": doc_number(standard_id, order)}
    for field, analysis in TEXT_FIELDS.items():
        # Title words score the standard's own document only (clauses carry the title
        # for display, in `title_text`).
        if field == "title" and not is_standard:
            found[field] = ""
        else:
            found[field] = words(analysis, document.get(field) or "")
    found["std_keys"] = key_words(document.get("std_keys") or "")
    found["ics_keys"] = ics_words(document.get("ics") or "")
    found["filter_keys"] = " ".join(
        [filter_word(name, document.get(name) or "") for name in FILTERED]
        + [filter_word("sha256", document["sha256"])]
        + [
            filter_word(name, value)
            for name, sep in MULTI_FILTERED.items()
            for value in (document.get(name) or "").split(sep)
            if value
        ]
    )
    body = document.get("body") or ""
    has_text = not is_standard and bool(found["body"])
    found.update(
        doc_id=document["doc_id"],
        doc_type=document["doc_type"],
        sha256=document["sha256"],
        std_no=document.get("std_no") or "",
        title_text=document.get("title") or "",
        title_en_text=document.get("title_en") or "",
        clause_no=document.get("clause_no") or "",
        heading_text=document.get("heading") or "",
        heading_key=heading_key(document.get("heading") or ""),
        path=document.get("path") or "",
        body_text=body,
        term_en_text=document.get("term_en") or "",
        clause_kind=document.get("clause_kind") or "",
        status=document.get("status") or "",
        level=document.get("level") or "",
        kind=document.get("kind") or "",
        region=document.get("region") or "",
        prefix=document.get("prefix") or "",
        ics=document.get("ics") or "",
        ccs=document.get("ccs") or "",
        issued=document.get("issued") or "",
        effective=document.get("effective") or "",
        order=order,
        lead_rank=0 if order == lead else order + 2,
        page=int(document.get("page") or 0),
        page_end=int(document.get("page_end") or 0),
        year=int(document.get("year") or 0),
        implemented=int(document.get("implemented") or 0),
        ocr=int(bool(document.get("ocr"))),
        has_text=int(has_text),
        is_standard=int(is_standard),
        adopts=document.get("adopts") or "",
        adopts_org=document.get("adopts_org") or "",
        degree=document.get("degree") or "",
    )
    return found


def _lead_order(standard: Standard) -> int | None:
    """The order of the clause that stands for the standard (`documents.lead_key`)."""
    if not standard.clauses:
        return None
    return min(standard.clauses, key=lambda c: lead_key(c.clause_no, c.order)).order
