"""No process outlives its parent: a parse worker of a killed ingest dies with it, and the
start-up check ends any recorded worker whose parent is gone, never a recycled pid."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from indexer.ingest.consistency import check_and_repair
from indexer.ingest.processes import (
    ChildRecord,
    ProcessId,
    ProcessRecords,
    is_zombie,
    start_time,
    worker_records,
)
from indexer.library.store import Library
from tests.conftest import ROOT, wait_for

STAT = "{pid} ({comm}) S 1 {pid} {pid} 0 -1 4194560 96 0 0 0 0 0 0 0 20 0 1 0 {start} 2 3"


@pytest.mark.parametrize("comm", ["python", "a b", "x) S 1 (y", "(("])
def test_start_time_is_read_after_the_command_name_whatever_it_holds(comm):
    assert start_time(STAT.format(pid=42, comm=comm, start=123456)) == 123456


@pytest.mark.parametrize("stat", ["", "garbage", "1 (x) S 1 2", "1 (x" + " 0" * 30])
def test_a_stat_line_cut_short_has_no_start_time(stat):
    assert start_time(stat) is None


def test_a_zombie_is_not_running():
    assert is_zombie(STAT.format(pid=7, comm="x", start=1).replace(" S ", " Z "))
    assert not is_zombie(STAT.format(pid=7, comm="Z) Z (", start=1))


def test_a_process_is_known_by_pid_and_start_time():
    me = ProcessId.of(os.getpid())
    assert me is not None and me.is_running()
    assert not ProcessId(me.pid, me.started + 1).is_running()  # same pid, another process


ORPHAN_PARENT = textwrap.dedent(
    """
    import os, sys, time
    from contextlib import closing
    from pathlib import Path
    from indexer.ingest import processes
    from indexer.ingest.processes import ProcessRecords
    from indexer.ingest.worker import run_in_workers

    folder = Path(sys.argv[1])
    if sys.argv[2] == "no-prctl":
        processes._ask_kernel = lambda: False

    def stuck(n):
        (folder / f"worker-{n}").write_text(str(os.getpid()))
        time.sleep(600)

    jobs = [(n, f"{n}.pdf", stuck, (n,), 600.0) for n in range(2)]
    with closing(run_in_workers(jobs, 2, records=ProcessRecords(folder / "records"))) as r:
        next(r)
    """
)


def started_workers(folder: Path, count: int) -> list[int]:
    files = [folder / f"worker-{n}" for n in range(count)]
    wait_for(lambda: all(f.exists() and f.read_text() for f in files), 60, "the workers")
    return [int(f.read_text()) for f in files]


@pytest.mark.parametrize("guard", ["prctl", "no-prctl"])
def test_workers_die_with_a_parent_killed_by_sigkill(tmp_path, guard):
    parent = subprocess.Popen(
        [sys.executable, "-c", ORPHAN_PARENT, str(tmp_path), guard],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        pids = started_workers(tmp_path, 2)
        assert len(list((tmp_path / "records").glob("*.json"))) == 2
    finally:
        parent.kill()
        parent.wait()
    workers = [ProcessId.of(pid) for pid in pids]
    wait_for(
        lambda: not any(w and w.is_running() for w in workers), 10, "the workers to die with it"
    )
    assert ProcessRecords(tmp_path / "records").end_leftovers() == []
    assert not list((tmp_path / "records").glob("*.json"))


def sleeper() -> subprocess.Popen:
    return subprocess.Popen(["sleep", "600"], start_new_session=True)


def test_the_start_up_check_ends_recorded_workers_of_a_dead_parent_only(tmp_path):
    library = Library.open(tmp_path / "library")
    records = worker_records(library)
    orphan, adopted, recycled = sleeper(), sleeper(), sleeper()
    try:
        dead_parent = ProcessId(os.getpid(), ProcessId.of(os.getpid()).started - 1)
        leftover = records.started(orphan.pid)
        records.ended(leftover)
        records.folder.joinpath(leftover.file_name).write_text(
            ChildRecord(leftover.child, dead_parent).to_json()
        )
        live = records.started(adopted.pid)  # its parent (this test) still runs
        # A record of an earlier process whose pid the kernel has given to another since.
        reused = ProcessId.of(recycled.pid)
        old = ChildRecord(ProcessId(reused.pid, reused.started - 5), dead_parent)
        records.folder.joinpath(old.file_name).write_text(old.to_json())
        records.folder.joinpath("1-1.json").write_text('{"child": ')  # a write cut short

        repair = check_and_repair(library)

        assert repair.ended_processes == [orphan.pid]
        assert orphan.wait(10) == -signal.SIGKILL
        assert adopted.poll() is None and recycled.poll() is None
        assert sorted(p.name for p in records.folder.glob("*.json")) == [live.file_name]
    finally:
        for process in (orphan, adopted, recycled):
            process.kill()
            process.wait()
