"""`stdsearch reindex`: the whole search index rebuilt from the library, no PDF parsed."""

from __future__ import annotations

from tqdm import tqdm

from indexer.engine import SearchEngine, open_engine
from indexer.library.catalogue import Catalogue
from indexer.library.dictionary import learn_words
from indexer.library.lookup import load_standard
from indexer.library.status import update_statuses
from indexer.library.store import Library


def rebuild_index(
    library: Library, engine: SearchEngine | None = None, progress: bool = False
) -> int:
    """The whole index from the catalogue and stored JSON.

    The write lock is held from listing the catalogue to swapping in the new generation.
    Every writer takes it before committing a catalogue change, so the list cannot go
    stale while the rebuild reads it, and writers waiting meanwhile write to the new
    generation once it is in."""
    engine = engine or open_engine(library)
    with Catalogue(library.catalogue_path) as catalogue, library.write_lock():
        update_statuses(catalogue)
        shas = catalogue.shas()
        # The whole dictionary first, so the first standard is cut like the last.
        learn_words(library.load_extracted(sha) for sha in shas)
        bar = tqdm(total=len(shas), unit="std", desc="reindex", disable=not progress)
        standards = (load_standard(library, catalogue, sha) for sha in shas)
        count = engine.rebuild(standards, progress=lambda s: bar.update(1))
        bar.close()
    return count
