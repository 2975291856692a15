"""A batch ingest killed with SIGKILL leaves a library that the start-up check makes whole.

`stdsearch ingest` runs as a real process over real corpus PDFs and its whole process
group (the parent and its parser workers) is killed at two moments: between storing a
file and committing its catalogue entry, and while its index documents are written
(right after the commit). After the start-up check every file must be
either fully in (catalogue row, original, JSON and index documents) or cleanly absent,
and re-running the batch, with no repair in between, must complete it with every file
in exactly once and every entry indexed.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer.engine.whoosh.engine import WhooshEngine
from indexer.ingest.consistency import check_and_repair
from indexer.library.catalogue import Catalogue
from indexer.library.store import Library, sha256_file
from tests.conftest import ROOT

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

BATCH_SIZE = 8


@pytest.fixture(scope="module")
def batch(corpus_dir) -> list[Path]:
    """The smallest PDFs with a text layer, as the corpus manifest lists them."""
    with open(corpus_dir / "MANIFEST.tsv", encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["text_layer"] == "yes"]
    rows.sort(key=lambda r: int(r["pages"]))
    return [corpus_dir / r["file"] for r in rows[:BATCH_SIZE]]


def stdsearch(data: Path, *args: str, **kwargs) -> subprocess.Popen:
    command = [sys.executable, "-m", "search_app.cli", "--data", str(data), *args]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the workers die with it
        **kwargs,
    )


def catalogue_rows(library: Library) -> int:
    if not library.catalogue_path.exists():
        return 0
    db = sqlite3.connect(f"file:{library.catalogue_path}?mode=ro", uri=True, timeout=30)
    try:
        return db.execute("SELECT count(*) FROM standards").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is not created yet
        return 0
    finally:
        db.close()


def stored_originals(library: Library) -> int:
    return sum(1 for p in (library.root / "originals").glob("*/*.pdf"))


def kill_when(process: subprocess.Popen, moment) -> None:
    """SIGKILL the ingest's whole process group as soon as `moment()` is true."""
    deadline = time.monotonic() + 120
    while not moment():
        assert process.poll() is None, f"ingest ended before it was killed: {process.stderr.read()}"
        assert time.monotonic() < deadline, "the moment to kill never came in 120 s"
        time.sleep(0.002)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)
    deadline = time.monotonic() + 10
    while True:  # the parser workers too
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline, "a parser worker outlived its killed ingest"
        time.sleep(0.05)


def assert_consistent(library: Library, batch: list[Path]) -> dict[str, str]:
    """Every file of the batch fully in or cleanly absent; returns {source_file: sha256}."""
    with Catalogue(library.catalogue_path) as catalogue:
        entries = catalogue.all_metadata()
    by_file = {entry["source_file"]: entry["sha256"] for entry in entries}
    assert len(by_file) == len(entries), "a file is in the catalogue twice"
    std_nos = [entry["std_no"] for entry in entries if entry["std_no"]]
    assert len(set(std_nos)) == len(std_nos), "a standard is in the catalogue twice"

    index = WhooshEngine(library)
    with index.index().searcher() as searcher:
        documents = list(searcher.all_stored_fields())
    doc_ids = [d["doc_id"] for d in documents]
    assert len(set(doc_ids)) == len(doc_ids), "an index document is there twice"
    for path in batch:
        sha = sha256_file(path)
        original, extracted = library.original_path(sha), library.extracted_path(sha)
        in_index = [d for d in documents if d["sha256"] == sha]
        if path.name in by_file:
            assert by_file[path.name] == sha
            assert sha256_file(original) == sha, f"{path.name}: original missing or damaged"
            clauses = json.loads(extracted.read_text(encoding="utf-8"))["clauses"]
            assert len(in_index) == len(clauses) + 1, f"{path.name}: index documents missing"
        else:
            assert not original.exists(), f"{path.name}: original kept without its entry"
            assert not extracted.exists(), f"{path.name}: JSON kept without its entry"
            assert not in_index, f"{path.name}: in the index without its entry"
    leftovers = [
        str(p.relative_to(library.root))
        for folder in ("originals", "extracted", "trash")
        for p in (library.root / folder).rglob(".tmp*")
    ]
    assert not leftovers, f"temporary files left behind: {leftovers}"
    # No stale lock: a new writer gets the library's locks and Whoosh's at once.
    with library.store_lock(timeout=1), library.write_lock(timeout=1):
        index.index().writer(timeout=1).cancel()
    return by_file


def test_killed_ingest_leaves_a_consistent_library_and_a_rerun_completes_it(tmp_path, batch):
    library = Library.open(tmp_path / "library")
    files = [str(p) for p in batch]
    args = ("ingest", *files, "--no-ocr", "--workers", "1")

    # Killed between storing a file and committing its entry, if the poll catches that
    # moment; else once three standards are in.
    first = stdsearch(library.root, *args)
    kill_when(
        first,
        lambda: (
            0 < catalogue_rows(library) < stored_originals(library) or catalogue_rows(library) >= 3
        ),
    )
    stored = catalogue_rows(library)
    assert stored < len(batch), "the kill came too late to test anything"
    repair = check_and_repair(library)
    by_file = assert_consistent(library, batch)
    assert len(by_file) == stored
    print(f"first kill after {stored} stored; {repair}")

    # The search works on what is in, from a new process as a user would run it.
    sha = next(iter(by_file.values()))
    with Catalogue(library.catalogue_path) as catalogue:
        std_no = catalogue.metadata(sha)["std_no"]
    search = stdsearch(library.root, "search", std_no, "--json", "--limit", "3")
    out, err = search.communicate(timeout=120)
    assert search.returncode == 0, err
    assert json.loads(out)["hits"][0]["std_no"] == std_no

    # Killed as the next standard reaches the catalogue: while its index documents are
    # written. No repair this time: the re-run must make it whole by itself.
    second = stdsearch(library.root, *args)
    kill_when(second, lambda: catalogue_rows(library) > stored)
    with Catalogue(library.catalogue_path) as catalogue:
        committed = {entry["source_file"] for entry in catalogue.all_metadata()}
    print(f"second kill after {len(committed)} stored")

    rerun = stdsearch(library.root, *args, "--json")
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    outcomes = {o["file"]: o["outcome"] for o in json.loads(out)}
    assert {name for name, outcome in outcomes.items() if outcome == "unchanged"} == committed
    assert all(outcome in ("ingested", "unchanged") for outcome in outcomes.values()), outcomes
    by_file = assert_consistent(library, batch)
    assert set(by_file) == {p.name for p in batch}
    assert check_and_repair(library).changed is False
    assert WhooshEngine(library).indexed_shas() == set(by_file.values())


def test_killed_reindex_keeps_the_old_index_and_leaves_no_partial_generation(
    tmp_path, samples_library
):
    """`reindex` builds a new generation beside the current one; killed halfway, searchers
    keep the old one and the next rebuild clears the half-built one away."""
    shutil.copytree(samples_library.root, tmp_path / "library")
    library = Library.open(tmp_path / "library")
    index = WhooshEngine(library)
    current = index.current_dir()

    def generations() -> set[str]:
        return {p.name for p in library.index_root.glob("gen-*")}

    before = generations()
    reindex = stdsearch(library.root, "reindex")
    kill_when(reindex, lambda: generations() - before)
    assert index.current_dir() == current
    assert index.indexed_shas() == set(Catalogue(library.catalogue_path).shas())

    rebuilt = stdsearch(library.root, "reindex")
    _, err = rebuilt.communicate(timeout=120)
    assert rebuilt.returncode == 0, err
    assert generations() == {index.current_dir().name}
