"""Parse files in worker processes, each under a time and memory limit.

A hostile PDF can make pdfminer loop or eat memory. Each file is parsed in its own
forked process (cheap on Linux) so that one can be killed at its deadline without
touching the others; results come back over a pipe. The parent stays the only writer
of the library. An OCR parse takes minutes, so a job may also report how far it has got:
its progress messages travel over the same pipe ahead of its result.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import resource
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, NamedTuple

from indexer.library.model import IngestError

from .processes import ChildRecord, ProcessRecords, die_with_parent

MEMORY_LIMIT_BYTES = 6 * 1024**3
_STILL_RUNNING = object()  # a job that has sent no result yet (nothing, or progress)


class ProgressReport(NamedTuple):
    """How far a job has got: `done` of `total` steps of its current `stage` ("OCR")."""

    done: int
    total: int
    stage: str


ProgressCallback = Callable[[Any, int, int, str], None]


@dataclass
class _Running:
    key: Any
    process: mp.Process
    conn: Connection
    deadline: float
    timeout: float
    record: ChildRecord | None = None


def _child(
    conn: Connection, func: Callable, args: tuple, name: str, reports: bool, parent: int
) -> None:
    # A parent killed with SIGKILL takes its workers with it: none is left blocked
    # forever sending a result nobody will read.
    die_with_parent(parent)
    # One worker per core: Tesseract must not start a thread per core inside each of them.
    os.environ["OMP_THREAD_LIMIT"] = "1"
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))

    def progress(done: int, total: int, stage: str) -> None:
        conn.send(ProgressReport(done, total, stage))

    try:
        result: Any = func(*args, progress=progress) if reports else func(*args)
    except IngestError as error:
        result = error
    except MemoryError:
        result = IngestError(name, "parser ran out of memory")
    except Exception as error:  # a parser bug must become a reported failure, not a dead batch
        last = traceback.extract_tb(error.__traceback__)[-1]
        result = IngestError(
            name,
            f"parser error: {type(error).__name__}: {error} "
            f"({os.path.basename(last.filename)}:{last.lineno})",
        )
    try:
        conn.send(result)
    finally:
        conn.close()


def run_in_workers(
    jobs: Iterable[tuple[Any, str, Callable, tuple, float]],
    workers: int,
    on_progress: ProgressCallback | None = None,
    records: ProcessRecords | None = None,
) -> Iterator[tuple[Any, Any]]:
    """Yield (key, result) as jobs finish; result is the function's value or an IngestError.

    Each job is (key, display name, function, args, seconds allowed). Results arrive in
    completion order. With `on_progress`, each function is also given a keyword argument
    `progress(done, total, stage)` to call as it goes, and `on_progress(key, done, total,
    stage)` is called here, in the parent, with each report in the order it was made.
    Reporting progress does not extend a job's deadline.

    Each worker dies with this process, and with `records` it is recorded there while it
    runs, for the start-up check to end should it outlive this process anyway.
    """
    ctx = mp.get_context("fork")
    pending = list(jobs)
    pending.reverse()
    running: list[_Running] = []
    try:
        while pending or running:
            while pending and len(running) < max(1, workers):
                key, name, func, args, timeout = pending.pop()
                reader, writer = ctx.Pipe(duplex=False)
                process = ctx.Process(
                    target=_child,
                    args=(writer, func, args, name, on_progress is not None, os.getpid()),
                    daemon=True,
                )
                process.start()
                writer.close()
                record = records.started(process.pid) if records else None
                deadline = time.monotonic() + timeout
                running.append(_Running(key, process, reader, deadline, timeout, record))
            now = time.monotonic()
            wait_for = max(0.0, min(r.deadline for r in running) - now)
            ready = wait([r.conn for r in running], timeout=min(wait_for, 1.0))
            for job in list(running):
                result: Any = _STILL_RUNNING
                if job.conn in ready:
                    try:
                        result = job.conn.recv()
                    except EOFError:
                        job.process.join(5)
                        code = job.process.exitcode
                        reason = (
                            "parser process was killed (out of memory?)"
                            if code and code < 0
                            else f"parser process exited with code {code}"
                        )
                        result = IngestError(_name(job), reason)
                    if isinstance(result, ProgressReport):
                        if on_progress is not None:
                            on_progress(job.key, *result)
                        result = _STILL_RUNNING
                if result is _STILL_RUNNING:
                    if time.monotonic() <= job.deadline:
                        continue
                    job.process.kill()
                    result = IngestError(
                        _name(job), f"parsing took longer than the {job.timeout:g} s limit"
                    )
                job.conn.close()
                job.process.join(5)
                if job.process.is_alive():
                    job.process.kill()
                    job.process.join()
                _forget(records, job)
                running.remove(job)
                yield job.key, result
    finally:
        # Closed early (the caller stopped on an error, such as a busy library): no parse
        # is left running, or blocked forever sending a result nobody will read.
        for job in running:
            job.process.kill()
            job.process.join()
            job.conn.close()
            _forget(records, job)


def _forget(records: ProcessRecords | None, job: _Running) -> None:
    if records is not None:
        records.ended(job.record)


def _name(job: _Running) -> str:
    return str(job.key)
