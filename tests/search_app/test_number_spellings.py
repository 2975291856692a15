"""Number queries in every spelling a person types find their standard first, on both
engines: every standard of the shared corpus library, each number written thirteen ways by
rule (`tests/number_spellings.py`). A dated spelling finds that edition; an undated one
finds the family's edition in force (现行), else its newest."""

from __future__ import annotations

import pytest

from analyzers.stdno import parse_std_no
from indexer.library.catalogue import Catalogue
from search_app.search.searching import search
from tests.conftest import library_engine
from tests.number_spellings import spellings


@pytest.fixture(scope="module")
def corpus_engine(corpus_library, engine_name, request):
    return library_engine(corpus_library, engine_name, request)


def _preferred(editions: list[dict]) -> str:
    """The edition an undated number should find: in force, else the newest."""
    in_force = [e for e in editions if e["status"] == "现行"]
    chosen = in_force or editions
    return max(chosen, key=lambda e: parse_std_no(e["std_no"]).year or "")["std_no"]


@pytest.mark.corpus
def test_every_spelling_of_every_number_in_the_library_finds_it_first(
    corpus_library, corpus_engine
):
    with Catalogue(corpus_library.catalogue_path) as catalogue:
        standards = [m for m in catalogue.all_metadata() if parse_std_no(m["std_no"])]
    families: dict[str, list[dict]] = {}
    for m in standards:
        families.setdefault(parse_std_no(m["std_no"]).undated, []).append(m)
    assert len(standards) >= 40, len(standards)

    missed, asked = [], 0
    for m in standards:
        number = parse_std_no(m["std_no"])
        for kind, typed in spellings(m["std_no"]).items():
            undated = "no year" in kind
            expected = _preferred(families[number.undated]) if undated else m["std_no"]
            hits = search(corpus_engine, typed, limit=1).hits
            asked += 1
            if not hits or hits[0].std_no != expected:
                missed.append((typed, kind, expected, hits[0].std_no if hits else None))
    print(f"{asked} spellings of {len(standards)} numbers, {asked - len(missed)} found first")
    assert not missed, missed
