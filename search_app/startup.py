"""Opening a library to search it: what the site and the command line both do first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from analyzers.chinese import initialize
from indexer.engine import DictionaryMismatch, SearchEngine, open_engine
from indexer.ingest.consistency import check_and_repair, refresh_statuses
from indexer.library.store import Library, LibraryBusy


def open_search(
    library: Library,
    *,
    engine: str = "whoosh",
    cluster: str | Path | None = None,
    repair: bool = False,
    on_busy: Callable[[LibraryBusy], None] | None = None,
    on_mismatch: Callable[[DictionaryMismatch], None] | None = None,
) -> SearchEngine:
    """The library's search engine, ready for queries.

    With `repair`, the start-up check runs first: the index is made to hold exactly what
    the catalogue lists, and statuses follow the calendar (即将实施 becomes 现行). A writer
    holding the lock leaves the library as consistent as the check would (a rebuild
    indexes what the catalogue lists; an ingest runs this check first), so `on_busy`
    hears of it and searching goes on.

    jieba then learns the domain words the index was cut with, so that queries are cut
    as the indexed text was. Should the index have been cut with another dictionary
    (another jieba, other analysis rules), `on_mismatch` hears of it: words may then not
    be found as they were indexed, until a reindex."""
    opened = open_library_engine(library, engine, cluster)
    if repair:
        try:
            check_and_repair(library, opened)
            refresh_statuses(library, opened)
        except LibraryBusy as busy:
            if on_busy is None:
                raise
            on_busy(busy)
    initialize(user_words=opened.dictionary_words())
    try:
        opened.check_dictionary()
    except DictionaryMismatch as mismatch:
        if on_mismatch is None:
            raise
        on_mismatch(mismatch)
    if on_mismatch is not None:
        # An index older than a field (one the start-up check did not rebuild: it was not
        # run, or a writer held the library) answers a filter on it with nothing.
        missing = opened.missing_fields()
        if missing:
            on_mismatch(
                DictionaryMismatch(
                    f"the search index was built without {', '.join(missing)}: filters on"
                    " it (age:, review:) find nothing until `stdsearch reindex`"
                )
            )
    return opened


def open_library_engine(
    library: Library, engine: str = "whoosh", cluster: str | Path | None = None
) -> SearchEngine:
    """The library's engine by name; a cluster engine finds its cluster in `cluster`
    (a folder with `cluster.json`), by default the library's own `cluster/`."""
    if engine == "sphinxql" and cluster is not None:
        return open_engine(library, engine, folder=Path(cluster))
    return open_engine(library, engine)
