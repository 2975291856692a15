"""Reading the index while a commit rewrites it.

Whoosh opens a segment's files only when first needed, and a commit that merges
segments deletes the old segments' files. A searcher opened just before such a commit
then finds its stored fields gone: searches on a live site failed this way while a
batch ingest wrote the library.
"""

from __future__ import annotations

import shutil

from indexer.engine.whoosh.engine import WhooshEngine, read_latest
from indexer.library.store import Library
from search_app.search import search


def _commit_merging_every_segment(index: WhooshEngine) -> None:
    """A commit whose merge rewrites every segment, as Whoosh's merge policy does to the
    small segments an ingest leaves."""
    with index.library.write_lock():
        index.index().writer().commit(optimize=True)


def test_a_read_is_done_again_on_the_index_a_commit_left(tmp_path, samples_library):
    shutil.copytree(samples_library.root, tmp_path / "library")
    library = Library.open(tmp_path / "library")
    index = WhooshEngine(library)
    ix = index.index()
    expected = index.indexed_shas()
    attempts = []

    def numbers(searcher) -> set[str]:
        attempts.append(searcher.up_to_date())
        if len(attempts) == 1:
            _commit_merging_every_segment(index)
        return {stored["sha256"] for stored in searcher.documents(doc_type="standard")}

    assert read_latest(ix, numbers) == expected
    # The first searcher was left behind by the commit and could not read; the second was
    # opened on the new generation.
    assert attempts == [True, True]


def test_search_after_a_commit_removed_a_standard_and_merged(tmp_path, samples_library):
    """Document numbers change in a merge: what search knows of each document (cached
    per index generation) must be that of the generation it reads."""
    shutil.copytree(samples_library.root, tmp_path / "library")
    library = Library.open(tmp_path / "library")
    index = WhooshEngine(library)
    first = search(index, "标准", limit=5).hits[0]
    index.update([], removed=[first.sha256])
    _commit_merging_every_segment(index)
    after = search(index, "标准", limit=20).hits
    assert after
    assert first.sha256 not in {hit.sha256 for hit in after}
    standards = {stored["sha256"]: stored["std_no"] for stored in _standards(index)}
    assert all(standards[hit.sha256] == hit.std_no for hit in after)


def _standards(index: WhooshEngine) -> list[dict]:
    return read_latest(
        index.index(), lambda searcher: list(searcher.documents(doc_type="standard"))
    )
