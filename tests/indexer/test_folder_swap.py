"""Whole-folder replacement: atomic swap, and what a killed run leaves is cleared next time."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
from pathlib import Path

from indexer.library.folder_swap import clear_abandoned, swap_in, work_folder
from tests.conftest import ROOT


def test_swap_in_creates_or_replaces_the_target_and_leaves_nothing_beside(tmp_path):
    target = tmp_path / "backup"
    with work_folder(target) as work:
        (work / "a.txt").write_text("first")
        swap_in(work, target)
    with work_folder(target) as work:
        (work / "a.txt").write_text("second")
        swap_in(work, target)
    assert (target / "a.txt").read_text() == "second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup"]


def test_a_failed_build_leaves_the_target_as_it_was(tmp_path):
    target = tmp_path / "backup"
    target.mkdir()
    (target / "a.txt").write_text("old")
    try:
        with work_folder(target) as work:
            (work / "a.txt").write_text("half")
            raise OSError("disk full")
    except OSError:
        pass
    assert (target / "a.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup"]


def test_a_killed_run_is_cleared_by_the_next_and_a_live_one_is_not(tmp_path):
    target = tmp_path / "backup"
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from indexer.library.folder_swap import work_folder\n"
        "with work_folder(Path(sys.argv[1])) as work:\n"
        "    (work / 'part.bin').write_bytes(b'x' * 1000)\n"
        "    print(work, flush=True)\n"
        "    time.sleep(60)\n"
    )
    run = subprocess.Popen(
        [sys.executable, "-c", script, str(target)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    killed_work = run.stdout.readline().strip()
    assert os.path.isdir(killed_work)

    # A live run (its lock held here) is left alone.
    with work_folder(target) as live:
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
        assert os.path.isdir(killed_work)
        assert clear_abandoned(target) == [Path(killed_work)]
        assert live.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_killed_between_the_fallback_renames_the_old_target_comes_back(tmp_path):
    """Where the system cannot exchange two folders atomically, the target is moved aside
    first; a run killed right then leaves it there, and the next run puts it back."""
    target = tmp_path / "library"
    work = tmp_path / ".library.work-dead"
    lock = tmp_path / ".library.work-dead.lock"
    aside = tmp_path / ".library.work-dead.old"
    aside.mkdir()
    (aside / "catalogue.sqlite").write_text("the old library")
    work.mkdir()
    lock.touch()
    with open(lock) as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert clear_abandoned(target) == []  # its run is alive
    assert clear_abandoned(target) == [work]
    assert (target / "catalogue.sqlite").read_text() == "the old library"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["library"]
