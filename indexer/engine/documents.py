"""What an engine indexes: the documents of one standard, the same for every engine.

One document per clause, carrying its standard's metadata for filtering and display,
plus one per standard (number, titles) so that number and title queries rank the
standard itself. Text fields come in pairs analysed two ways (`analyzers.chinese`):
jieba words (`title`, `heading`, `context`, `body`) and character bigrams (`*_bi`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from analyzers.adopted import parse_designation
from analyzers.normalize import fold_width
from analyzers.stdno import parse_std_no
from indexer.library.model import Clause, Standard, Table
from indexer.library.review import implemented_key

STANDARD = "standard"  # doc_type of a standard's own document
CLAUSE = "clause"
TERM = "term"  # clause_kind of a definition in 术语和定义
FACETS = ("level", "kind", "status", "region", "ics", "year", "adopts", "degree")
# Facets whose value is a comma-separated list (a standard may adopt several standards),
# and the field each reads: `adopts` counts the bodies (ISO, IEC …) of adopted standards.
LIST_FACETS = {"adopts": "adopts_org", "degree": "degree"}
# Searchable text fields and how each is cut (`analyzers.chinese.ANALYSES`): jieba words,
# character bigrams, stemmed English. `std_keys` holds standard-number keys, one per
# space-separated word, lower case.
TEXT_FIELDS = {
    "title": "words",
    "title_bi": "bigrams",
    "title_en": "english",
    "heading": "words",
    "heading_bi": "bigrams",
    "context": "words",
    "context_bi": "bigrams",
    "body": "words",
    "body_bi": "bigrams",
    "term_en": "english",
}


def std_keys(std_no: str) -> str:
    number = parse_std_no(std_no) if std_no else None
    return " ".join(number.variants()) if number else std_no.lower().replace(" ", "")


def adopted_keys(standard: Standard) -> list[str]:
    """The number keys of the standards this one adopts: searching `ISO 690` finds the
    Chinese standards that adopt it (prefixed keys only, so no Chinese number is hit)."""
    keys: list[str] = []
    for adoption in standard.adoption:
        designation = parse_designation(adoption.standard)
        if designation is not None:
            keys.extend(designation.keys())
    return list(dict.fromkeys(keys))


def adoption_fields(standard: Standard) -> dict:
    """What the `adopts:` and `degree:` filters and the 采标 facet read.

    `adopts_keys`: the bodies and number keys (`iso iso690 iso690:2010`), space-separated;
    `adopts_org`, `degree`: comma-separated facet values; `adopts`: the designations."""
    filter_keys: list[str] = []
    for adoption in standard.adoption:
        designation = parse_designation(adoption.standard)
        if designation is not None:
            filter_keys.extend(designation.filter_keys())
        elif adoption.org:
            filter_keys.append(adoption.org.lower())
    return {
        "adopts": ",".join(a.standard for a in standard.adoption),
        "adopts_keys": " ".join(dict.fromkeys(k.replace(" ", "") for k in filter_keys)),
        "adopts_org": ",".join(dict.fromkeys(a.org for a in standard.adoption if a.org)),
        "degree": ",".join(dict.fromkeys(a.degree for a in standard.adoption if a.degree)),
    }


def standard_fields(standard: Standard) -> dict:
    """The metadata every index document of one standard carries."""
    number = parse_std_no(standard.std_no) if standard.std_no else None
    return {
        "sha256": standard.sha256,
        "std_no": standard.std_no,
        "title": standard.title_zh,
        "status": standard.status,
        "level": standard.level,
        "kind": standard.kind,
        "region": standard.region,
        "prefix": standard.prefix,
        "ics": ",".join(standard.ics),
        "ccs": standard.ccs,
        "year": int(number.year) if number and number.year else 0,
        "issued": standard.issued,
        "effective": standard.effective,
        **adoption_fields(standard),
        # The implementation date (issue date when none is printed) as yyyymmdd, 0 when
        # unknown: what the age filters (`age:>5`, `review:due`) compare.
        "implemented": implemented_key(standard.effective, standard.issued),
    }


def index_documents(standard: Standard) -> Iterator[dict]:
    common = standard_fields(standard)
    yield {
        **common,
        "doc_id": f"{standard.sha256}:std",
        "doc_type": STANDARD,
        # Every column gets a value in every document: Whoosh 2.7.4's column writer drops
        # the rows of documents at the end of a segment that lack one, and reading them
        # then fails with "array index out of range".
        "clause_no": "",
        "heading": "",
        "clause_kind": "",
        "std_keys": " ".join([std_keys(standard.std_no), *adopted_keys(standard)]).strip(),
        "title_bi": standard.title_zh,
        "title_en": standard.title_en,
        "order": -1,
        "page": 1,
    }
    terms = {term.clause_no: term for term in standard.terms}
    tables = _tables_by_clause(standard)
    for clause in standard.clauses:
        document = {**common, **clause_fields(standard, clause)}
        if clause.clause_no in tables:
            # Until rows are search units of their own, a clause is found by its tables'
            # words too; its page shows them as tables, not in its prose.
            text = "\n".join([clause.text, *map(table_text, tables.pop(clause.clause_no))])
            document["body"] = document["body_bi"] = text.strip()
        term = terms.get(clause.clause_no)
        if term is not None:
            document["term_en"] = term.term_en
        yield document


def _tables_by_clause(standard: Standard) -> dict[str, list[Table]]:
    """Each table under the clause it belongs to; one whose clause is not in the outline
    under the clause printed on its first page."""
    numbers = {clause.clause_no for clause in standard.clauses}
    tables: dict[str, list[Table]] = {}
    for table in standard.tables:
        clause_no = table.clause_no
        if clause_no not in numbers:
            on_page = [c for c in standard.clauses if c.page_start <= table.page_start]
            if not on_page:
                continue
            clause_no = on_page[-1].clause_no
        tables.setdefault(clause_no, []).append(table)
    return tables


def _cells(cells: list[str]) -> str:
    """Cells as words, a merged cell's text once (it fills every position it covers)."""
    kept = [cell for i, cell in enumerate(cells) if cell and (i == 0 or cell != cells[i - 1])]
    return " ".join(kept)


def table_text(table: Table) -> str:
    """A table as lines of text: caption, units, the column paths, the rows, the notes."""
    caption = " ".join(
        p for p in (f"表{table.table_no}" if table.table_no else "", table.caption) if p
    )
    header = _cells([cell for path in table.header for cell in path])
    rows = [_cells(row) for row in table.rows]
    lines = [caption, table.units, header, *rows, *table.notes]
    return "\n".join(line for line in lines if line)


def clause_fields(standard: Standard, clause: Clause) -> dict:
    return {
        "doc_id": f"{standard.sha256}:{clause.order}",
        "doc_type": CLAUSE,
        "clause_no": clause.clause_no,
        "heading": clause.heading,
        "heading_bi": clause.heading,
        "body": clause.text,
        "body_bi": clause.text,
        "path": " / ".join(clause.path),
        "context": " ".join(clause.path),
        "context_bi": " ".join(clause.path),
        "page": clause.page_start,
        "page_end": clause.page_end,
        "clause_kind": clause.kind,
        "order": clause.order,
        "ocr": clause.ocr,
    }


_NOT_WORD = re.compile(r"[\W_]+")


def heading_key(text: str) -> str:
    """Text compared as a heading: folded, lower case, letters and digits only."""
    return _NOT_WORD.sub("", fold_width(text or "").lower())


def lead_key(clause_no: str, order: int) -> tuple:
    """The clause that stands for its standard sorts first: clause 1 (范围, scope), else
    the first clause printed."""
    return (clause_no != "1", order or 0)


def facet_values(standard: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """(facet, value) pairs one standard counts in; an ICS code by its first two parts."""
    pairs = []
    for name in FACETS:
        value = standard.get(LIST_FACETS.get(name, name))
        if name in LIST_FACETS:
            pairs.extend((name, v) for v in dict.fromkeys((value or "").split(",")) if v)
        elif name == "ics":
            pairs.extend(
                (name, code.strip()[:6]) for code in (value or "").split(",") if code.strip()
            )
        elif value not in (None, "", 0):
            pairs.append((name, str(value)))
    return tuple(pairs)
