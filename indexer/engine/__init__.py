"""Search engines behind one interface (`interface.SearchEngine`).

`open_engine(library)` gives the library's engine; everything above the seam (ingest,
the search core, the site and the command line) holds that object and nothing else of
the engine's. `plan` is what search asks, `documents` what an engine indexes.
"""

from __future__ import annotations

from indexer.library.store import Library

from .interface import (
    Candidate,
    DictionaryMismatch,
    EngineUnavailable,
    Matches,
    SearchEngine,
    Snapshot,
)

ENGINES = ("whoosh", "sphinxql")

__all__ = [
    "ENGINES",
    "Candidate",
    "DictionaryMismatch",
    "EngineUnavailable",
    "Matches",
    "SearchEngine",
    "Snapshot",
    "open_engine",
]


def open_engine(library: Library, name: str = "whoosh", **options) -> SearchEngine:
    """The library's search index in engine `name`."""
    if name == "whoosh":
        from .whoosh.engine import WhooshEngine

        return WhooshEngine(library, **options)
    if name == "sphinxql":
        from .sphinxql.engine import open_cluster_engine

        return open_cluster_engine(library, **options)
    raise ValueError(f"unknown search engine {name!r}: one of {', '.join(ENGINES)}")
