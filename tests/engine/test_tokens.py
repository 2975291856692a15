"""The plain token lists of `analyzers.chinese.tokens` are what the Whoosh index holds.

An engine that does not run our Whoosh pipelines indexes these lists instead; searching
it as well as Whoosh needs the very same tokens at the very same positions. Checked on
real clauses of the shared corpus, read back from the index the Whoosh engine wrote.
"""

from __future__ import annotations

import multiprocessing
import shutil
import sqlite3

import pytest
from whoosh.util.numeric import byte_to_length, length_to_byte

from analyzers.chinese import ANALYSES, tokens
from indexer.engine.documents import TEXT_FIELDS, index_documents
from indexer.engine.whoosh.schema import build_schema
from indexer.ingest.reindex import rebuild_index
from indexer.library.catalogue import Catalogue
from indexer.library.lookup import load_standard
from indexer.library.store import Library
from search_app.startup import open_search

# Texts of every kind: tables of limits, message fields, terms in English, old layouts.
STANDARDS = ("GB 3838-2002", "JT/T 808-2019", "GB/T 7714-2015", "GB 8978-1996", "HJ 212-2017")


def test_each_text_field_of_the_schema_is_cut_as_the_documents_say():
    schema = build_schema()
    for field, analysis in TEXT_FIELDS.items():
        assert schema[field].analyzer == ANALYSES[analysis](), field
    assert {name for name in schema.names() if schema[name].scorable} - {"std_keys"} == set(
        TEXT_FIELDS
    )


@pytest.mark.corpus
@pytest.mark.slow
def test_token_lists_are_the_tokens_the_index_holds(corpus_library, tmp_path):
    # The corpus's catalogue and parses, indexed anew by `reindex` (every standard cut with
    # the whole library's domain words, as an ingest cannot), in a process of its own: it
    # holds no other test's words.
    with (
        sqlite3.connect(corpus_library.catalogue_path) as source,
        sqlite3.connect(tmp_path / "catalogue.sqlite") as copy,
    ):
        source.backup(copy)
    shutil.copytree(corpus_library.root / "extracted", tmp_path / "extracted")
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.apply(tokens_checked, (str(tmp_path),)) > 50_000


def tokens_checked(data_dir: str) -> int:
    """How many tokens of the chosen standards were found in the index where expected,
    after a reindex."""
    library = Library.open(data_dir)
    rebuild_index(library)
    engine = open_search(library)
    with Catalogue(library.catalogue_path) as catalogue:
        by_number = {e["std_no"]: e["sha256"] for e in catalogue.all_metadata()}
        standards = [load_standard(library, catalogue, by_number[n]) for n in STANDARDS]

    def check(snapshot) -> int:
        reader = snapshot.searcher.reader()
        checked = 0
        for standard in standards:
            for document in index_documents(standard):
                docnum = snapshot.find(document["doc_id"])
                for field, analysis in TEXT_FIELDS.items():
                    text = document.get(field) or ""
                    found = tokens(analysis, text)
                    length = reader.doc_field_length(docnum, field) or 0
                    assert length == byte_to_length(length_to_byte(len(found))), (field, text)
                    for pos, token in found:
                        postings = reader.postings(field, token)
                        postings.skip_to(docnum)
                        assert postings.id() == docnum, (field, token)
                        assert pos in postings.value_as("positions"), (field, token, pos)
                    checked += len(found)
        return checked

    return engine.read(check)
