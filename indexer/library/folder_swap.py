"""Replacing a whole folder (a backup, a data directory) so that it is always either the
old one or the new one, whatever kills the process.

The new folder is built beside its target as `.<target>.work-<token>`, while the process
holds an flock on `.<target>.work-<token>.lock`. The finished folder is exchanged with the
target in one atomic `renameat2(RENAME_EXCHANGE)` (Linux; elsewhere two renames), and the
old one is removed. A run killed at any point leaves a work folder whose lock nobody
holds; the next run for the same target clears it away (or, killed between the two
fallback renames, puts the old target back).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WORK = ".work-"
AT_FDCWD = -100
RENAME_EXCHANGE = 2


@contextmanager
def work_folder(target: Path, *, private: bool = False) -> Iterator[Path]:
    """A new empty folder beside `target` to build its replacement in; whatever is left
    of it when the block ends (after `swap_in`, the old target) is removed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    clear_abandoned(target)
    work = target.parent / f".{target.name}{WORK}{secrets.token_hex(4)}"
    lock_path = _lock_path(work)
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            work.mkdir(mode=0o700 if private else 0o777)
            yield work
        finally:
            shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(_aside_path(work), ignore_errors=True)
            lock_path.unlink(missing_ok=True)


def swap_in(work: Path, target: Path) -> None:
    """Put the finished `work` folder in the place of `target` (which may not exist)."""
    if not target.exists():
        os.replace(work, target)
    elif not _exchange(work, target):
        aside = _aside_path(work)
        os.replace(target, aside)
        os.replace(work, target)
    _sync_dir(target.parent)


def clear_abandoned(target: Path) -> list[Path]:
    """Remove the work folders of killed runs for `target`: those whose lock we can take.
    A folder without a lock file is left alone (its run may be starting)."""
    cleared = []
    for lock_path in sorted(target.parent.glob(f".{glob_escape(target.name)}{WORK}*.lock")):
        work = lock_path.with_suffix("")
        with open(lock_path, "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a live run
            aside = _aside_path(work)
            if aside.exists() and not target.exists():
                os.replace(aside, target)  # killed between the two fallback renames
            shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(aside, ignore_errors=True)
            lock_path.unlink(missing_ok=True)
            cleared.append(work)
    return cleared


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _lock_path(work: Path) -> Path:
    return work.with_name(work.name + ".lock")


def _aside_path(work: Path) -> Path:
    return work.with_name(work.name + ".old")


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except AttributeError:
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
