"""The cluster's index: one real-time table of the documents of `indexer.engine.documents`.

Sphinx 2.2 (and Manticore after it) declares RT tables in the config file, so this schema
is what the config generator writes and what the engine reads and writes; nothing else
names a column.

Text arrives cut by our own analyzers (`analyzers.chinese.tokens`): each field holds its
tokens, space-joined and spelled by `token_word` so that every token is exactly one word to
the engine's tokenizer, whatever characters it holds. A query then asks for the very tokens
Whoosh indexes, and no user text ever reaches `MATCH()`.
"""

from __future__ import annotations

import re

INDEX = "clauses"
# Two generations of the table on every node (RT tables on shards, distributed on the
# aggregator): a rebuild fills the one not searched and then the library points at it.
TABLES = (f"{INDEX}_0", f"{INDEX}_1")


def table(generation: int) -> str:
    return TABLES[generation]


# Full-text fields: those of `documents.TEXT_FIELDS`, the standard-number keys, the ICS
# codes with their prefixes (`13`, `13.060`, `13.060.10`), so that an ICS filter is a match,
# and `filter_keys`, a word per filterable value (`status=现行`): Sphinx 2.2's WHERE has no
# OR, but a filter of several values is one in MATCH. It weighs nothing in the ranking.
FIELDS = (
    "title",
    "title_bi",
    "title_en",
    "heading",
    "heading_bi",
    "context",
    "context_bi",
    "body",
    "body_bi",
    "term_en",
    "std_keys",
    "ics_keys",
    "filter_keys",
)

# Attributes: what filters, ranking, counting and display read. Strings are stored as
# given; `lead_rank` orders a standard's clauses as `documents.lead_key` does.
ATTRIBUTES = {
    "doc_id": "string",
    "doc_type": "string",
    "sha256": "string",
    "std_no": "string",
    "title_text": "string",
    "title_en_text": "string",
    "clause_no": "string",
    "heading_text": "string",
    "heading_key": "string",
    "path": "string",
    "body_text": "string",
    "term_en_text": "string",
    "clause_kind": "string",
    "status": "string",
    "level": "string",
    "kind": "string",
    "region": "string",
    "prefix": "string",
    "ics": "string",
    "ccs": "string",
    "issued": "string",
    "effective": "string",
    "order": "bigint",
    "lead_rank": "bigint",
    "page": "uint",
    "page_end": "uint",
    "year": "uint",
    "implemented": "uint",  # yyyymmdd, 0 unknown: the age filters
    "ocr": "uint",
    "has_text": "uint",
    "is_standard": "uint",
    # Adoption of international standards (采标): the designations, the facet values.
    "adopts": "string",
    "adopts_org": "string",
    "degree": "string",
}

# The engine's tokenizer sees letters, digits, `_` and CJK ideographs as word characters;
# `token_word` spells every other character as `_<hex>_`, so a token is one word.
CHARSET_TABLE = (
    "0..9, a..z, _, A..Z->a..z, U+3400..U+4DBF, U+4E00..U+9FFF, U+F900..U+FAFF, U+20000..U+2FA1F"
)
_PLAIN = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")


def token_word(token: str) -> str:
    """`token` spelled with word characters only: `gb/t7714-2015` → `gb_2f_t7714_2d_2015`.
    Lower case, since the engine folds case and reads upper-case words as operators."""
    return "".join(ch if _PLAIN.match(ch) else f"_{ord(ch):x}_" for ch in token.lower())
