"""`stdsearch ingest` killed with SIGKILL (the parent alone, as the OOM killer or an
impatient librarian does) at random moments of its run: while a file is parsed, while it
is stored, as its catalogue entry is committed and while its index documents are
written.

After each kill: no process of the killed run is left (its workers die with it), the
start-up check leaves catalogue, store and index agreeing standard for standard, a search
finds what is in, and running the same ingest again completes the library. The moments
come from a seeded `random.Random`, so a failure names the seed and the kill that broke.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from indexer.ingest.consistency import check_and_repair
from indexer.library.catalogue import Catalogue
from indexer.library.store import Library
from search_app.search import search
from search_app.startup import open_search
from tests.conftest import ROOT, SAMPLES, text_layer_files
from tests.library_state import (
    assert_consistent,
    catalogue_rows,
    descendants,
    is_alive,
    library_phase,
    processes_mentioning,
    stored_originals,
)

PHASES = ("parse", "store", "catalogue", "index")
SEED = 20240611


@dataclass
class Kill:
    """One kill: the phase aimed at, and the one the library's files show it came in."""

    target: str
    found: str
    stored: int
    workers: int


def stdsearch(data: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "search_app.cli", "--data", str(data), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # so that a failing test can still clear the whole group
    )


def moment(library: Library, process: subprocess.Popen, target: str, rng: random.Random):
    """A condition, polled every millisecond, that holds at a random moment of `target`."""
    rows_before = catalogue_rows(library)
    wal = Path(f"{library.catalogue_path}-wal")
    delay = rng.uniform(0.0, 0.4)
    seen: dict[str, float] = {}

    def wal_changes() -> int:
        return wal.stat().st_mtime_ns if wal.exists() else 0

    def parsing() -> bool:
        if "at" not in seen and descendants(process.pid):
            seen["at"] = time.monotonic()
        return "at" in seen and time.monotonic() - seen["at"] >= delay

    def storing() -> bool:
        return stored_originals(library) > catalogue_rows(library)

    def committing() -> bool:
        if "wal" not in seen:
            if storing():
                seen["wal"] = wal_changes()
            return False
        return wal_changes() != seen["wal"]

    def indexing() -> bool:
        return catalogue_rows(library) > rows_before

    return {"parse": parsing, "store": storing, "catalogue": committing, "index": indexing}[target]


def kill_at(process: subprocess.Popen, condition: Callable[[], bool]) -> set[int]:
    """SIGKILL the ingest alone once `condition()` holds; its processes just before."""
    deadline = time.monotonic() + 180
    while not condition():
        assert process.poll() is None, f"ingest ended before it was killed: {process.stderr.read()}"
        assert time.monotonic() < deadline, "the moment to kill never came in 180 s"
        time.sleep(0.001)
    workers = descendants(process.pid)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    process.stdout.close()
    process.stderr.close()
    return workers


def assert_nothing_left(library: Library, workers: set[int]) -> None:
    """Neither the workers seen before the kill nor any process started on the library."""
    deadline = time.monotonic() + 10
    while True:
        left = {pid for pid in workers if is_alive(pid)} | processes_mentioning(str(library.root))
        if not left:
            return
        assert time.monotonic() < deadline, f"processes of the killed ingest still run: {left}"
        time.sleep(0.05)


def assert_found(library: Library, by_file: dict[str, str]) -> None:
    """A search by number finds each standard that is in (and an empty library answers)."""
    engine = open_search(library)
    assert search(engine, "标准").total >= 0
    with Catalogue(library.catalogue_path) as catalogue:
        numbers = [catalogue.metadata(sha)["std_no"] for sha in by_file.values()]
    for std_no in filter(None, numbers):
        assert std_no in [hit.std_no for hit in search(engine, std_no, limit=3).hits], std_no


def ingest_to_completion(library: Library, files: list[Path]) -> None:
    rerun = stdsearch(library.root, "ingest", *map(str, files), "--no-ocr", "--json")
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    outcomes = {o["file"]: o["outcome"] for o in json.loads(out)}
    assert set(outcomes.values()) <= {"ingested", "unchanged"}, outcomes
    assert set(assert_consistent(library, files)) == {p.name for p in files}
    assert check_and_repair(library).changed is False


def kill_and_recover(folder: Path, files: list[Path], target: str, rng: random.Random) -> Kill:
    """One fresh library: an ingest killed in `target`, checked, then completed."""
    library = Library.open(folder)
    process = stdsearch(library.root, "ingest", *map(str, files), "--no-ocr", "--workers", "2")
    try:
        workers = kill_at(process, moment(library, process, target, rng))
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert_nothing_left(library, workers)
    found = library_phase(library)
    repair = check_and_repair(library)
    by_file = assert_consistent(library, files)
    assert_found(library, by_file)
    ingest_to_completion(library, files)
    print(f"{target}: killed in {found}, {len(by_file)} stored, {len(workers)} workers; {repair}")
    return Kill(target, found, len(by_file), len(workers))


def kill_many(tmp_path: Path, files: list[Path], kills: int, seed: int) -> list[Kill]:
    rng = random.Random(seed)
    # Each phase as often as the others; a short run aims at distinct phases.
    targets = [PHASES[n % len(PHASES)] for n in range(-(-kills // len(PHASES)) * len(PHASES))]
    rng.shuffle(targets)
    done = []
    for n, target in enumerate(targets[:kills]):
        try:
            done.append(kill_and_recover(tmp_path / f"library-{n}", files, target, rng))
        except AssertionError as error:
            raise AssertionError(f"seed {seed}, kill {n} (in {target}): {error}") from error
    return done


@pytest.mark.corpus
def test_an_ingest_killed_while_parsing_storing_and_indexing_leaves_a_whole_library(
    tmp_path, corpus_dir
):
    files = sorted(SAMPLES.glob("*.pdf")) + text_layer_files(corpus_dir, 1)
    kills = kill_many(tmp_path, files, 3, SEED)
    assert len({kill.target for kill in kills}) == 3


@pytest.mark.slow
@pytest.mark.long
@pytest.mark.corpus
def test_twenty_kills_over_a_corpus_subset_each_leave_a_whole_library(tmp_path, corpus_dir):
    files = text_layer_files(corpus_dir, 8)
    kills = kill_many(tmp_path, files, 20, SEED + 1)
    found = {kill.found for kill in kills}
    assert {"parse", "store", "index"} <= found, [(k.target, k.found) for k in kills]
