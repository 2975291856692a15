"""The Whoosh schema of `indexer.engine.documents`: which field is analysed how."""

from __future__ import annotations

from whoosh.fields import BOOLEAN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from analyzers.chinese import bigram_analyzer, english_analyzer, word_analyzer

# Segments stay separate files. Whoosh 2.7.4 opens a file inside a compound segment by
# copying it into memory, on every searcher: 0.2 s per search at 100,000 clauses.
COMPOUND = False


def build_schema() -> Schema:
    words, bigrams = word_analyzer(), bigram_analyzer()
    return Schema(
        doc_id=ID(unique=True, stored=True),
        # Columns (sortable) let search read these for every document without
        # unpickling stored clause texts.
        doc_type=ID(stored=True, sortable=True),  # "standard" or "clause"
        sha256=ID(stored=True, sortable=True),
        std_no=ID(stored=True),
        std_keys=KEYWORD(lowercase=True, scorable=True, field_boost=1.0),
        title=TEXT(analyzer=words, stored=True),
        title_bi=TEXT(analyzer=bigrams),
        title_en=TEXT(analyzer=english_analyzer(), stored=True),
        clause_no=ID(stored=True, sortable=True),
        heading=TEXT(analyzer=words, stored=True, sortable=True),
        heading_bi=TEXT(analyzer=bigrams),
        # The ancestors' headings: a paragraph numbered 8.3.1.1 has no heading of its
        # own, and what it is about is said by 8.3.1 "运输指数（TI）的确定" above it.
        context=TEXT(analyzer=words),
        context_bi=TEXT(analyzer=bigrams),
        body=TEXT(analyzer=words, stored=True, chars=True),
        body_bi=TEXT(analyzer=bigrams),
        path=STORED,
        page=NUMERIC(stored=True),
        page_end=STORED,
        clause_kind=ID(stored=True, sortable=True),
        order=NUMERIC(stored=True, sortable=True),
        status=ID(stored=True),
        level=ID(stored=True),
        kind=ID(stored=True),
        region=ID(stored=True),
        prefix=ID(stored=True),
        ics=KEYWORD(stored=True, commas=True),
        ccs=ID(stored=True),
        year=NUMERIC(stored=True),
        implemented=NUMERIC(stored=True),  # yyyymmdd, 0 unknown: the age filters
        issued=STORED,
        effective=STORED,
        ocr=BOOLEAN(stored=True),
        term_en=TEXT(analyzer=english_analyzer(), stored=True),
        # Adoption of international standards (采标): filters and the facet.
        adopts=STORED,
        adopts_keys=KEYWORD(lowercase=True),
        adopts_org=STORED,
        degree=KEYWORD(stored=True, commas=True),
    )
