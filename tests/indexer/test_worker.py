"""Parse workers: a run the caller stops early leaves no worker process behind."""

from __future__ import annotations

import os
import time
from contextlib import closing
from pathlib import Path

import pytest

from indexer.worker import run_in_workers


def _quick(value: str) -> str:
    return value


def _stuck(pid_file: str) -> str:
    """Stands for a parse still running when the caller gives up on the batch."""
    Path(pid_file).write_text(str(os.getpid()))
    time.sleep(600)
    return "never"


def test_closing_a_run_early_kills_the_parses_still_running(tmp_path):
    pid_file = tmp_path / "stuck.pid"
    jobs = [
        ("stuck", "stuck.pdf", _stuck, (str(pid_file),), 600.0),
        ("quick", "quick.pdf", _quick, ("done",), 600.0),
    ]
    with closing(run_in_workers(jobs, workers=2)) as results:
        assert next(results) == ("quick", "done")
        while not pid_file.exists() or not pid_file.read_text():
            time.sleep(0.01)  # the stuck worker has started; the caller now stops
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped when the run was closed
