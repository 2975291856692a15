"""Writes while a shard is down, on real searchd processes: a shard killed with SIGKILL
partway through an ingest, and a deletion, a correction and a replaced file while it is
down. What must hold is the spec's "no write is lost": the writes the shard could not
take wait in the library's outbox, and once it restarts and the outbox drains, the
catalogue and the cluster agree, standard for standard and row for row.

Each test has a cluster and a library of its own: it kills a node, and the rows it
checks must be only its own.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from indexer.engine import open_engine
from indexer.engine.sphinxql.cluster import cluster_folder, shard_of
from indexer.engine.sphinxql.connection import connect
from indexer.engine.sphinxql.nodes import node_pid, start
from indexer.engine.sphinxql.rows import rows
from indexer.engine.sphinxql.schema import table
from indexer.ingest.pipeline import ingest
from indexer.library.catalogue import Catalogue
from indexer.library.corrections import apply_corrections
from indexer.library.lookup import load_standard
from indexer.library.outbox import Outbox
from indexer.library.store import Library
from indexer.library.trash import delete_standard
from tests.conftest import ROOT, SAMPLES, running_cluster

# What each row must hold as the catalogue has it: its standard, number, title, status.
CHECKED = ("sha256", "std_no", "title_text", "status", "clause_no")
DOWN = 0  # the shard killed: three of the four samples live there
NEW_TITLE = "团体标准样例（勘误后的标题）"


@dataclass
class Setup:
    cluster: object
    library: Library
    engine: object


@pytest.fixture
def setup(tmp_path, searchd) -> Iterator[Setup]:
    with running_cluster(tmp_path / "cluster") as cluster:
        library = Library.open(tmp_path / "library")
        yield Setup(cluster, library, open_engine(library, "sphinxql", folder=cluster.folder))


def kill_shard(cluster, shard: int) -> None:
    """SIGKILL the shard's searchd, as the OOM killer would, and wait until it is gone."""
    node = cluster.copies(shard)[0]
    os.kill(node_pid(node), signal.SIGKILL)
    deadline = time.monotonic() + 10
    while node_pid(node) is not None:
        assert time.monotonic() < deadline, f"{node.name} did not die"
        time.sleep(0.05)


def catalogue_shas(library: Library) -> set[str]:
    with Catalogue(library.catalogue_path) as catalogue:
        return set(catalogue.shas())


def expected_rows(library: Library) -> dict[int, tuple]:
    """Every row the cluster must hold, by id: each standard's documents as the catalogue
    has it now, numbered as the outbox knows it."""
    found: dict[int, tuple] = {}
    with Catalogue(library.catalogue_path) as catalogue, Outbox(library.catalogue_path) as box:
        shas = catalogue.shas()
        numbers = box.numbers(shas)
        for sha in shas:
            for row in rows(load_standard(library, catalogue, sha), numbers[sha]):
                found[row["id"]] = tuple(row[column] for column in CHECKED)
    return found


def shard_rows(setup: Setup, shard: int) -> dict[int, tuple]:
    """The rows one shard holds in the current table generation, asked of the shard
    itself: an answer from the aggregator could hide a shard that did not reply."""
    into = table(setup.engine.generation())
    with connect(setup.cluster.copies(shard)[0]) as conn, conn.cursor() as cursor:
        cursor.execute(
            f"SELECT id, {', '.join(CHECKED)} FROM {into} LIMIT 100000 OPTION max_matches = 100000"
        )
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def assert_cluster_agrees(setup: Setup) -> None:
    """The cluster holds exactly the catalogue's rows, each on its standard's shard: no
    standard missing, no row stale, none the catalogue lacks."""
    held: dict[int, tuple] = {}
    for shard in range(setup.cluster.shards):
        found = shard_rows(setup, shard)
        strays = {
            values[0]
            for values in found.values()
            if shard_of(values[0], setup.cluster.shards) != shard
        }
        assert not strays, f"standards on the wrong shard {shard}: {strays}"
        held.update(found)
    expected = expected_rows(setup.library)
    assert {v[0] for v in held.values()} == catalogue_shas(setup.library)
    assert set(held) == set(expected), (
        f"missing {sorted(set(expected) - set(held))[:5]}, stale {sorted(set(held) - set(expected))[:5]}"
    )
    assert held == expected
    assert setup.engine.indexed_shas() == catalogue_shas(setup.library)


def owed(library: Library) -> set[str]:
    with Outbox(library.catalogue_path) as box:
        return {o.sha256 for o in box.owed()}


def restart_and_drain(setup: Setup) -> None:
    start(setup.cluster)
    assert setup.engine.drain() == 0
    assert setup.engine.pending() == 0


def test_a_shard_killed_during_an_ingest_loses_no_write(setup):
    def kill_after_the_first(outcome) -> None:
        if node_pid(setup.cluster.copies(DOWN)[0]) is not None:
            kill_shard(setup.cluster, DOWN)

    report = ingest(
        [SAMPLES], setup.library, engine=setup.engine, workers=2, progress=kill_after_the_first
    )

    assert not report.failed, report.failed
    shas = catalogue_shas(setup.library)
    assert len(shas) == len(list(SAMPLES.glob("*.pdf"))) == len(report.outcomes)
    # The ingest finished with the dead shard's writes waiting, and only those.
    waiting = owed(setup.library)
    assert setup.engine.pending() == len(waiting) > 0
    assert {shard_of(sha, 2) for sha in waiting} == {DOWN}
    assert setup.engine.drain() == len(waiting)  # still down: nothing paid, nothing lost

    restart_and_drain(setup)
    assert_cluster_agrees(setup)


def changed_copy(source: Path, folder: Path, shard: int) -> Path:
    """The same standard in a changed file (a comment after its end, as a re-saved PDF
    has), of the same name, whose content lands on `shard`."""
    folder.mkdir()
    copy = folder / source.name
    for n in range(100):
        shutil.copyfile(source, copy)
        with copy.open("ab") as out:
            out.write(f"\n% re-saved {n}\n".encode())
        if shard_of(_sha(copy), 2) == shard:
            return copy
    raise AssertionError("no changed copy on the shard")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_deletion_correction_and_replacement_while_a_shard_is_down(setup, tmp_path):
    report = ingest([SAMPLES], setup.library, engine=setup.engine, workers=2)
    assert not report.failed and setup.engine.pending() == 0
    by_file = {o.file: o.sha256 for o in report.outcomes}
    deleted = by_file["T_STDS_003-2026.pdf"]
    corrected = by_file["T_STDS_001-2024.pdf"]
    replaced = by_file["T_STDS_001-2026.pdf"]
    assert {shard_of(s, 2) for s in (deleted, corrected, replaced)} == {DOWN}
    kill_shard(setup.cluster, DOWN)

    delete_standard(setup.library, setup.engine, deleted, user="librarian")
    apply_corrections(setup.library, setup.engine, corrected, {"title_zh": NEW_TITLE}, "librarian")
    changed = changed_copy(SAMPLES / "T_STDS_001-2026.pdf", tmp_path / "changed", DOWN)
    again = ingest([changed], setup.library, engine=setup.engine, workers=1)
    assert not again.failed and again.outcomes[0].replaced == [replaced]
    replacement = again.outcomes[0].sha256

    # The catalogue has every change; the cluster owes them all.
    shas = catalogue_shas(setup.library)
    assert deleted not in shas and replaced not in shas and replacement in shas
    assert {deleted, corrected, replaced, replacement} <= owed(setup.library)

    restart_and_drain(setup)
    assert_cluster_agrees(setup)
    held = shard_rows(setup, DOWN).values()
    assert not [v for v in held if v[0] in (deleted, replaced)]
    assert {v[2] for v in held if v[0] == corrected} == {NEW_TITLE}
    assert [v for v in held if v[0] == replacement]


def test_the_supervisor_restarts_a_dead_shard_and_writes_what_it_missed(tmp_path, searchd):
    """No ingest or edit need follow for the outbox to drain: `stdsearch cluster
    supervise`, run for the library's data directory, brings the shard back and writes
    its pending writes in the same round."""
    library = Library.open(tmp_path / "library")
    with running_cluster(cluster_folder(library.root)) as cluster:
        setup = Setup(cluster, library, open_engine(library, "sphinxql", folder=cluster.folder))
        kill_shard(cluster, DOWN)
        report = ingest([SAMPLES], library, engine=setup.engine, workers=2)
        assert not report.failed and setup.engine.pending() > 0

        command = [sys.executable, "-m", "search_app.cli", "--data", str(library.root)]
        supervisor = subprocess.Popen(
            [*command, "cluster", "supervise", "--interval", "0.2"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while setup.engine.pending():
                assert supervisor.poll() is None, supervisor.communicate()
                assert time.monotonic() < deadline, "the outbox did not drain"
                time.sleep(0.1)
        finally:
            supervisor.send_signal(signal.SIGTERM)
            out, err = supervisor.communicate(timeout=60)
        assert f"started {cluster.copies(DOWN)[0].name}" in out, (out, err)
        assert "pending write(s) to the shards, 0 still pending" in out, (out, err)
        assert_cluster_agrees(setup)
