"""The library on disk: originals kept by content, extracted structure beside them.

Layout under the data directory::

    originals/ab/ab12….pdf      the PDF exactly as ingested, named by its SHA-256
    extracted/ab/ab12….json     the parsed Standard (metadata, clauses, terms, references)
    trash/ab12….pdf             originals of deleted standards, until purged
    catalogue.sqlite            the system of record (see catalogue.py)
    index/                      the search index (Whoosh), derived and rebuildable;
                                its .write.lock is the library's write lock

Every write goes to a temporary file first and is moved into place with `os.replace`,
so a process killed mid-write leaves either the old file or the new one, never half.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .model import Standard


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- metadata-only records (export and import) ------------------------------------------
# A standard the catalogue knows without holding its text (a national catalogue loaded
# into a provincial library) is keyed `meta-` + the SHA-256 of its number: its key never
# names a file, so it can never collide with an original's hash, and everything that
# walks the catalogue by key (index, consistency check, backup) keeps working. It has an
# extracted JSON (metadata and references, no clauses) and no original.
METADATA_ONLY_PREFIX = "meta-"


def metadata_only_key(std_no: str) -> str:
    return METADATA_ONLY_PREFIX + hashlib.sha256(std_no.encode("utf-8")).hexdigest()


def is_metadata_only(key: str) -> bool:
    return key.startswith(METADATA_ONLY_PREFIX)


def atomic_write_bytes(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


LOCK_TIMEOUT_ENV = "STDSEARCH_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 120.0


class LibraryBusy(Exception):
    """Another writer held one of the library's locks longer than we were willing to wait.
    Nothing the waiting writer meant to change was changed: try again later."""


class IndexBusy(LibraryBusy):
    """Another writer held the write lock longer than we were willing to wait."""


# Libraries whose write lock this thread holds: the lock is re-entrant per thread.
_held = threading.local()


def lock_timeout() -> float:
    """Seconds a writer waits for a lock of the library: `STDSEARCH_LOCK_TIMEOUT`, else 120.
    Read on every wait, so one setting serves the site, the command line and the tests."""
    try:
        return float(os.environ.get(LOCK_TIMEOUT_ENV, DEFAULT_LOCK_TIMEOUT))
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT


@dataclass(frozen=True)
class Library:
    """Paths of one data directory; creating it is idempotent."""

    root: Path

    @classmethod
    def open(cls, root: str | Path) -> Library:
        library = cls(Path(root).resolve())
        for sub in ("originals", "extracted", "trash"):
            (library.root / sub).mkdir(parents=True, exist_ok=True)
        return library

    @property
    def catalogue_path(self) -> Path:
        return self.root / "catalogue.sqlite"

    @property
    def index_root(self) -> Path:
        return self.root / "index"

    def original_path(self, sha256: str) -> Path:
        return self.root / "originals" / sha256[:2] / f"{sha256}.pdf"

    def extracted_path(self, sha256: str) -> Path:
        return self.root / "extracted" / sha256[:2] / f"{sha256}.json"

    def trash_path(self, sha256: str) -> Path:
        return self.root / "trash" / f"{sha256}.pdf"

    @contextmanager
    def store_lock(self, timeout: float | None = None) -> Iterator[None]:
        """Held while an ingest stores a file (original, JSON, catalogue row, trash), and
        while the start-up check clears files no entry owns: the check then never takes
        the files of an entry about to be committed. A killed holder's lock is dropped by
        the kernel, so none is ever stale."""
        timeout = lock_timeout() if timeout is None else timeout
        with open(self.root / ".store.lock", "a+") as lock:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise LibraryBusy(
                            f"the library has been busy with another writer for over {timeout:g} s"
                            " (a batch ingest or a deletion?); try again later"
                        ) from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @contextmanager
    def write_lock(self, timeout: float | None = None) -> Iterator[None]:
        """The library's single writer: held to commit a change to the catalogue and to
        write it to the search index, and by a rebuild from listing the catalogue to
        swapping the new index in, so the index never misses a change. Re-entrant within
        a thread, so that a writer can take it before committing its catalogue change and
        keep it while it writes the index: a timeout (`IndexBusy`) then comes before
        anything is changed.

        Other threads and processes wait up to `timeout` seconds (`lock_timeout()` by
        default). The lock is a file lock the kernel drops when its holder dies."""
        held = _held.__dict__.setdefault("roots", set())
        key = str(self.root.resolve())
        if key in held:
            yield
            return
        timeout = lock_timeout() if timeout is None else timeout
        self.index_root.mkdir(parents=True, exist_ok=True)
        with open(self.index_root / ".write.lock", "a+") as lock:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise IndexBusy(
                            f"the search index has been busy with another writer for over"
                            f" {timeout:g} s (a reindex or a batch ingest?); try again later"
                        ) from None
                    time.sleep(0.1)
            held.add(key)
            try:
                yield
            finally:
                held.discard(key)
                fcntl.flock(lock, fcntl.LOCK_UN)

    def keep_original(self, source: Path, sha256: str) -> Path:
        target = self.original_path(sha256)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            os.close(fd)
            try:
                shutil.copyfile(source, tmp)
                # On disk before its name is: a power cut must not leave an empty original
                # that a committed catalogue entry points to.
                fd = os.open(tmp, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return target

    def save_extracted(self, standard: Standard) -> Path:
        target = self.extracted_path(standard.sha256)
        data = json.dumps(standard.to_dict(), ensure_ascii=False, indent=1)
        atomic_write_bytes(target, data.encode("utf-8"))
        return target

    def load_extracted(self, sha256: str) -> Standard:
        with open(self.extracted_path(sha256), encoding="utf-8") as f:
            return Standard.from_dict(json.load(f))

    def has_extracted(self, sha256: str) -> bool:
        if is_metadata_only(sha256):
            return self.extracted_path(sha256).exists()
        return self.extracted_path(sha256).exists() and self.original_path(sha256).exists()

    def move_to_trash(self, sha256: str) -> None:
        original = self.original_path(sha256)
        if original.exists():
            os.replace(original, self.trash_path(sha256))
        self.extracted_path(sha256).unlink(missing_ok=True)
