"""Parse workers: a run the caller stops early leaves no worker process behind; a job's
progress reaches the parent in order, ahead of its result, and never outlives its deadline."""

from __future__ import annotations

import os
import time
from contextlib import closing
from pathlib import Path

import pytest

from indexer.ingest.worker import run_in_workers
from indexer.library.model import IngestError


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


def _counting(pages: int, progress) -> str:
    """Stands for an OCR parse: reports each page as it is done, then its result."""
    for done in range(1, pages + 1):
        progress(done, pages, "OCR")
    return f"{pages} pages"


def _reporting_forever(pid_file: str, progress) -> str:
    """Stands for a parse that keeps reporting but never finishes."""
    Path(pid_file).write_text(str(os.getpid()))
    done = 0
    while True:
        done += 1
        progress(done, 0, "OCR")
        time.sleep(0.05)


def test_progress_reaches_the_parent_in_order_and_the_result_still_arrives():
    heard = []
    jobs = [
        ("a", "a.pdf", _counting, (3,), 600.0),
        ("b", "b.pdf", _counting, (2,), 600.0),
    ]
    results = dict(
        run_in_workers(jobs, workers=2, on_progress=lambda *report: heard.append(report))
    )
    assert results == {"a": "3 pages", "b": "2 pages"}
    assert [r for r in heard if r[0] == "a"] == [("a", n, 3, "OCR") for n in (1, 2, 3)]
    assert [r for r in heard if r[0] == "b"] == [("b", n, 2, "OCR") for n in (1, 2)]


def test_a_job_that_reports_progress_is_still_killed_at_its_deadline(tmp_path):
    pid_file = tmp_path / "busy.pid"
    heard = []
    jobs = [("busy", "busy.pdf", _reporting_forever, (str(pid_file),), 2.0)]
    ((key, result),) = run_in_workers(jobs, workers=1, on_progress=lambda *r: heard.append(r))
    assert key == "busy"
    assert isinstance(result, IngestError)
    assert "longer than the 2 s limit" in result.reason
    assert heard and heard[0] == ("busy", 1, 0, "OCR")
    assert [r[1] for r in heard] == list(range(1, len(heard) + 1))
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)
