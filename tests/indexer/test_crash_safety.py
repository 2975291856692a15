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
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer.engine.whoosh.engine import WhooshEngine
from indexer.ingest.consistency import check_and_repair
from indexer.library.catalogue import Catalogue
from indexer.library.store import Library
from tests.conftest import ROOT
from tests.library_state import assert_consistent, catalogue_rows, stored_originals

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
