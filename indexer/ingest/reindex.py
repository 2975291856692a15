"""`stdsearch reindex`: the whole search index rebuilt from the library, no PDF parsed."""

from __future__ import annotations

from dataclasses import asdict

from tqdm import tqdm

from indexer.engine import SearchEngine, open_engine
from indexer.library.catalogue import Catalogue
from indexer.library.dictionary import learn_words
from indexer.library.lookup import load_standard
from indexer.library.status import update_statuses
from indexer.library.store import Library
from indexer.parse.adoption import adoption_from_foreword, from_summary, merge

FOREWORD = "前言"


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
        read_adoptions(library, catalogue, shas)
        # The whole dictionary first, so the first standard is cut like the last.
        learn_words(library.load_extracted(sha) for sha in shas)
        bar = tqdm(total=len(shas), unit="std", desc="reindex", disable=not progress)
        standards = (load_standard(library, catalogue, sha) for sha in shas)
        count = engine.rebuild(standards, progress=lambda s: bar.update(1))
        bar.close()
    return count


def read_adoptions(library: Library, catalogue: Catalogue, shas: list[str]) -> int:
    """Adoptions (采标) for the standards parsed before they were read: from the stored
    foreword and the cover's `adopts` text, no PDF read again. Returns how many were
    read; a parse that has its list (even empty) is left alone."""
    count = 0
    for sha in shas:
        metadata = catalogue.metadata(sha)
        if metadata is None or "adoption" in metadata:
            continue
        standard = library.load_extracted(sha)
        foreword = "".join(c.text for c in standard.clauses if c.clause_no == FOREWORD)
        found = merge(from_summary(metadata.get("adopts", "")), adoption_from_foreword(foreword))
        catalogue.set_parsed_field(sha, "adoption", [asdict(a) for a in found])
        count += 1
    return count
