"""`stdsearch serve`: the site under gunicorn, one worker process per core.

Scoring a query is CPU-bound Python: threads in one process take turns at one
interpreter, so twenty clients of one process wait for each other. Gunicorn's pre-fork
workers are separate processes over the same library, each with its own interpreter,
sharing the index read-only through the files on disk.

What crosses the fork and what does not:

* The master runs the start-up check (consistency repair, statuses, the cluster's
  outbox) once, and loads jieba's dictionary with the index's domain words: the workers
  inherit the loaded dictionary instead of each reading it again.
* The master keeps no catalogue connection, index reader or cluster connection: each
  worker builds its app (`create_app`) after the fork, and opens its own.
* One worker at a time runs the upload queue: the one that holds the library's queue
  lock (`.uploads.lock`), taken when the worker starts and dropped by the kernel when it
  dies, so that its replacement takes the queue over.
* A worker dies with the master (`die_with_parent`), and is recorded in the library
  while it runs: a master killed with SIGKILL leaves no worker serving, or parsing an
  upload, and the next start-up check ends any that escaped.
* Prometheus metrics are written by every worker to files in one folder
  (`PROMETHEUS_MULTIPROC_DIR`) and summed when `/metrics` is read, whichever worker
  answers; a worker's files are marked dead when it exits.
"""

from __future__ import annotations

import fcntl
import gc
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from gunicorn.app.base import BaseApplication

log = logging.getLogger(__name__)

METRICS_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"
QUEUE_LOCK = ".uploads.lock"
# A worker not holding the upload queue cannot wake the one that does: the holder looks
# for newly queued uploads this often instead of every 30 s.
QUEUE_POLL_SECONDS = 2.0


@dataclass(frozen=True)
class ServerOptions:
    """How `stdsearch serve` listens and how many processes and threads answer."""

    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 0  # 0: one per core
    threads: int = 4
    timeout: int = 120
    proxies: int = 0  # reverse proxies in front (nginx: 1) whose X-Forwarded-* are trusted

    @property
    def bind(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def worker_count(self) -> int:
        return self.workers if self.workers > 0 else default_workers()


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class SiteServer(BaseApplication):
    """Gunicorn running `create_app(config)` in each worker, after the fork."""

    def __init__(self, config: dict, options: ServerOptions):
        self.site_config = config
        self.options = options
        self._queue_lock: IO | None = None
        super().__init__()

    def load_config(self) -> None:
        settings = {
            "bind": [self.options.bind],
            "workers": self.options.worker_count,
            "threads": self.options.threads,
            # Threads in a worker share its interpreter: they overlap waiting (a client's
            # slow upload, a cluster's answer), not scoring.
            "worker_class": "gthread",
            "timeout": self.options.timeout,
            "graceful_timeout": 30,
            "preload_app": False,
            "accesslog": "-",
            "proc_name": "stdsearch",
            "child_exit": _child_exit,
            "post_fork": _worker_of(Path(self.site_config["DATA_DIR"])),
            # Gunicorn 25's control socket (one path per user: a second server on the
            # machine would take the first one's): stdsearch is stopped with signals.
            "control_socket_disable": True,
            # A query at its 500-character bound, in 4-byte characters percent-encoded, is
            # 6000 bytes: the default line limit (4094) would refuse it with a 414 before the
            # API's own 400 could say why. 8190 is gunicorn's largest.
            "limit_request_line": 8190,
        }
        for key, value in settings.items():
            if key in self.cfg.settings:  # settings newer than gunicorn 22 are optional
                self.cfg.set(key, value)

    def load(self):
        """The worker's own app, built after the fork (its own SQLite connections and
        index files); the master's start-up check has already run."""
        from search_app.web.app import create_app

        self._queue_lock = take_queue_lock(Path(self.site_config["DATA_DIR"]))
        app = create_app(
            {
                **self.site_config,
                "REPAIR_ON_START": False,
                "UPLOAD_QUEUE": self._queue_lock is not None,
                "UPLOAD_POLL_SECONDS": QUEUE_POLL_SECONDS,
            }
        )
        return behind_proxies(app, self.options.proxies)


def behind_proxies(app, proxies: int):
    """The app seeing the client's address, host and scheme as the proxies in front of it
    received them (X-Forwarded-For, -Host, -Proto): sign-in and feedback limits count
    per client, not per proxy. Only with `proxies` set: a client reaching the server
    directly could otherwise claim any address."""
    if proxies <= 0:
        return app
    from werkzeug.middleware.proxy_fix import ProxyFix

    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    return app


def _worker_of(data_dir: Path):
    """Gunicorn's `post_fork` hook: the new worker dies with the master and is recorded
    as the master's child in the library."""

    def post_fork(server, worker) -> None:
        from indexer.ingest.processes import die_with_parent, worker_records
        from indexer.library.store import Library

        die_with_parent(server.pid)
        worker_records(Library.open(data_dir)).started(os.getpid(), server.pid)

    return post_fork


def _child_exit(server, worker) -> None:
    """A worker's metric files stop counting as live (its counters still add up)."""
    if os.environ.get(METRICS_DIR_ENV):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def take_queue_lock(data_dir: Path) -> IO | None:
    """The open lock file when this process may run the upload queue, else None. Only
    the holder ingests uploads, so uploads it finds `parsing` at start were interrupted."""
    lock = open(data_dir / QUEUE_LOCK, "a+")  # noqa: SIM115 - held for the worker's life
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        return None
    return lock


def check_once(config: dict) -> None:
    """The start-up check and jieba's dictionary, in the master before any worker starts;
    nothing it opened outlives it, so no connection or open index crosses the fork."""
    from indexer.library.store import Library
    from search_app.startup import open_search

    library = Library.open(Path(config["DATA_DIR"]))
    engine = open_search(
        library,
        engine=config["SEARCH_ENGINE"] or "whoosh",
        cluster=config["CLUSTER_DIR"],
        repair=True,
        on_busy=lambda busy: log.warning("start-up check skipped: %s", busy),
        on_mismatch=lambda mismatch: log.warning("%s", mismatch),
    )
    del engine, library
    gc.collect()
    # What the master holds now (jieba's dictionary above all) is never collected: the
    # collector then never writes to those pages, and workers keep sharing them.
    gc.freeze()


def metrics_dir() -> tuple[Path, bool]:
    """The folder the workers' metrics go to, emptied, and whether it was made here (and
    so is removed when the server stops). Set before prometheus_client is imported: it
    picks its multiprocess mode from the environment then."""
    given = os.environ.get(METRICS_DIR_ENV)
    if not given:
        folder = Path(tempfile.mkdtemp(prefix="stdsearch-metrics-"))
        os.environ[METRICS_DIR_ENV] = str(folder)
        return folder, True
    folder = Path(given)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):  # a previous server's counts are not this one's
        stale.unlink(missing_ok=True)
    return folder, False


def serve(config: dict, options: ServerOptions) -> None:
    """Check the library once, then serve it with gunicorn until SIGTERM or SIGINT."""
    folder, made = metrics_dir()
    try:
        check_once(config)
        SiteServer(config, options).run()
    finally:
        if made:
            shutil.rmtree(folder, ignore_errors=True)
