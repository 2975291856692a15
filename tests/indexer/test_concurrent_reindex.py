"""`stdsearch reindex` while an ingest and a librarian's edits write the same library.

A rebuild swaps in a new index generation and deletes the old one; a writer that opened
the old one a moment earlier, or a standard committed while the rebuild listed the
catalogue, must not be lost. A process rebuilds the index over and over while a real
`stdsearch ingest` stores corpus PDFs and a thread corrects titles; afterwards every
catalogued standard is in the index, with its latest correction, and found by its number.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import threading

import pytest

from indexer.engine.whoosh.engine import WhooshEngine
from indexer.library.catalogue import Catalogue
from indexer.library.corrections import apply_corrections
from indexer.library.store import Library
from search_app.search import search
from tests.conftest import ROOT, stdsearch_process

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

# Small corpus files with a text layer (MANIFEST.tsv), ingested one after the other.
FILES = (
    "GB_5085.7-2019.pdf",
    "DB44_1989-2017.pdf",
    "GB_12523-2011.pdf",
    "GB_34330-2017.pdf",
    "GB_18918-2002.pdf",
    "HJ_554-2010.pdf",
)

# Rebuilds until the stop file appears; prints how many it finished. Any error ends it
# with a traceback and a non-zero exit status. The pause lets the other writers, which
# poll for the lock, get it between rebuilds.
REINDEX_LOOP = textwrap.dedent(
    """
    import os, sys, time
    from indexer.ingest.reindex import rebuild_index
    from indexer.library.store import Library

    library, stop, rebuilds = Library.open(sys.argv[1]), sys.argv[2], 0
    while not os.path.exists(stop):
        rebuild_index(library)
        rebuilds += 1
        time.sleep(0.3)
    print(rebuilds)
    """
)


def python(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_reindex_during_ingest_and_edits_loses_nothing(tmp_path, samples_library, corpus_pdf):
    shutil.copytree(samples_library.root, tmp_path / "library")
    library = Library.open(tmp_path / "library")
    with Catalogue(library.catalogue_path) as catalogue:
        samples = catalogue.shas()
    stop_file = tmp_path / "stop"
    stop = threading.Event()
    edit_errors: list[str] = []
    edits = 0

    def keep_editing() -> None:
        nonlocal edits
        while not stop.is_set():
            for sha in samples:
                try:
                    apply_corrections(
                        library,
                        WhooshEngine(library),
                        sha,
                        {"title_en": f"Edition {edits}"},
                        "tester",
                    )
                except Exception as error:  # any failure is what this test looks for
                    edit_errors.append(repr(error))
                    return
            edits += 1
            stop.wait(0.2)

    reindexer = python("-c", REINDEX_LOOP, str(library.root), str(stop_file))
    editor = threading.Thread(target=keep_editing)
    editor.start()
    try:
        ingest = stdsearch_process(
            library.root,
            "ingest",
            *(str(corpus_pdf(name)) for name in FILES),
            "--no-ocr",
            "--workers",
            "1",
        )
        _, ingest_err = ingest.communicate(timeout=600)
    finally:
        stop.set()
        stop_file.touch()
        editor.join(120)
        reindex_out, reindex_err = reindexer.communicate(timeout=600)

    assert ingest.returncode == 0, ingest_err[-2000:]
    assert reindexer.returncode == 0, reindex_err[-2000:]
    assert not edit_errors, edit_errors
    assert int(reindex_out) > 1 and edits > 1, (reindex_out, edits)
    print(f"{reindex_out.strip()} rebuilds and {edits} rounds of edits during the ingest")

    index = WhooshEngine(library)
    with Catalogue(library.catalogue_path) as catalogue:
        entries = {entry["sha256"]: entry for entry in catalogue.all_metadata()}
    assert len(entries) == len(samples) + len(FILES)
    assert index.indexed_shas() == set(entries)
    ix = index.index()
    with ix.searcher() as searcher:
        for sha in samples:
            (document,) = searcher.documents(doc_id=f"{sha}:std")
            # The last round of edits, in the catalogue and in the index alike.
            assert document["title_en"] == entries[sha]["title_en"] == f"Edition {edits - 1}"
        for sha in entries:
            clauses = len(library.load_extracted(sha).clauses)
            assert len(list(searcher.document_numbers(sha256=sha))) == clauses + 1, sha
    for entry in entries.values():
        hits = search(index, entry["std_no"], limit=3).hits
        assert hits and hits[0].std_no == entry["std_no"], entry["std_no"]
