"""No process of stdsearch outlives the process that started it.

A parse worker whose ingest (or server worker) was killed with SIGKILL would otherwise
stay alive, blocked writing its result to a pipe nobody reads, holding hundreds of MB.
Two guards:

* Each child asks the kernel to kill it when its parent dies (`die_with_parent`,
  Linux's PR_SET_PDEATHSIG; a thread watching the parent's pid where that is missing).
* Each child is recorded in a file under the library (`ProcessRecords`) while it runs:
  its pid, its start time and its parent's. The start-up check ends any recorded child
  whose parent is gone (`end_leftovers`), should one have escaped the first guard. The
  start time tells a recycled pid apart: a process that merely got the same pid since
  has another start time and is never touched.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import json
import os
import signal
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from indexer.library.store import Library

PR_SET_PDEATHSIG = 1
WATCH_SECONDS = 0.5
STALE_PART_SECONDS = 60.0  # a record half-written this long ago has no writer left


@dataclass(frozen=True)
class ProcessId:
    """A process as the kernel knows it for its whole life: pid and start time (clock
    ticks since boot). The pair names one process; the pid alone may be reused."""

    pid: int
    started: int

    @classmethod
    def of(cls, pid: int) -> ProcessId | None:
        """The running process `pid`, or None when there is none (or no /proc). A zombie
        (dead, not yet reaped by whoever adopted it) runs no more."""
        try:
            stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        started = start_time(stat)
        return None if started is None or is_zombie(stat) else cls(pid, started)

    def is_running(self) -> bool:
        """True while this very process (not a later one with its pid) exists."""
        return ProcessId.of(self.pid) == self


def start_time(stat: str) -> int | None:
    """Field 22 of /proc/PID/stat. The command name (field 2) is in parentheses and may
    itself hold spaces and parentheses: the fields are counted after its last `)`."""
    _, closing, rest = stat.rpartition(")")
    fields = rest.split()
    if not closing or len(fields) < 20 or not fields[19].isdigit():
        return None
    return int(fields[19])


def is_zombie(stat: str) -> bool:
    """Field 3 of /proc/PID/stat, the state, is Z."""
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


# --- the first guard: the kernel ends a child whose parent dies ----------------------


def die_with_parent(parent: int) -> None:
    """Called in a child right after the fork: it gets SIGKILL when `parent` dies.

    The kernel signals when the *thread* that forked the child ends, so the fork must
    come from a thread that lives as long as its children are needed (the ingest's
    main thread, the upload queue's thread). The parent may have died before the
    request was made: the parent's pid is checked after it, closing that gap."""
    if not _ask_kernel():
        _watch(parent)
    if os.getppid() != parent:
        os._exit(1)


def _ask_kernel() -> bool:
    """PR_SET_PDEATHSIG with SIGKILL; False where there is no prctl (not Linux)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    """Without prctl: a thread that ends this process once it is re-parented. It runs
    while the main thread is blocked writing to a pipe nobody reads."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="stdsearch-parent-watch", daemon=True).start()


# --- the second guard: records the start-up check reads ------------------------------


@dataclass(frozen=True)
class ChildRecord:
    """A child process and the parent it must not outlive."""

    child: ProcessId
    parent: ProcessId

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> ChildRecord:
        data = json.loads(text)
        return cls(ProcessId(**data["child"]), ProcessId(**data["parent"]))

    @property
    def file_name(self) -> str:
        return f"{self.child.pid}-{self.child.started}.json"

    def is_leftover(self) -> bool:
        """The child still runs and its parent does not."""
        return self.child.is_running() and not self.parent.is_running()


class ProcessRecords:
    """The folder of a library where running children are recorded, a file each."""

    def __init__(self, folder: Path):
        self.folder = folder

    def started(self, child_pid: int, parent_pid: int | None = None) -> ChildRecord | None:
        """Record a running child (of this process unless `parent_pid` is given)."""
        child = ProcessId.of(child_pid)
        parent = ProcessId.of(os.getpid() if parent_pid is None else parent_pid)
        if child is None or parent is None:
            return None  # gone already, or no /proc to identify it by
        record = ChildRecord(child, parent)
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.folder / f".{record.file_name}.part"
        temporary.write_text(record.to_json(), encoding="utf-8")
        os.replace(temporary, self.folder / record.file_name)
        return record

    def ended(self, record: ChildRecord | None) -> None:
        if record is not None:
            (self.folder / record.file_name).unlink(missing_ok=True)

    def records(self) -> list[tuple[Path, ChildRecord | None]]:
        """Each record file and what it says (None: unreadable, a write cut short)."""
        found = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                found.append((path, ChildRecord.from_json(path.read_text(encoding="utf-8"))))
            except (OSError, ValueError, KeyError, TypeError):
                found.append((path, None))
        return found

    def end_leftovers(self) -> list[int]:
        """SIGKILL each recorded child whose parent is gone; clear the records of children
        that are gone. Records of live parents are left to them. Returns the pids ended."""
        ended = []
        for path, record in self.records():
            if record is not None and record.is_leftover():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(record.child.pid, signal.SIGKILL)
                ended.append(record.child.pid)
            if record is None or not record.child.is_running() or record.child.pid in ended:
                path.unlink(missing_ok=True)
        for temporary in self.folder.glob(".*.part"):  # a writer killed mid-record
            with contextlib.suppress(OSError):
                if time.time() - temporary.stat().st_mtime > STALE_PART_SECONDS:
                    temporary.unlink()
        return ended


def worker_records(library: Library) -> ProcessRecords:
    """Where a library's writers (an ingest, a server worker and its upload parses)
    record their child processes while they run."""
    return ProcessRecords(library.index_root / "workers")
