"""Uploaded PDFs: accepting a file, the queue that ingests it, and the state of each.

A file is checked (`indexer.pdf.validate`) before it is accepted and stored under the
library by its content (`uploads/<sha256>.pdf`): the name the browser sent is kept only
as the name shown and recorded as `source_file`, never as a path, and a name with a path
or a control character in it is refused. One background thread
per app feeds accepted files to the ingest pipeline, whose worker processes keep the
parse time limit. States live in the catalogue database (table `uploads`), so every
server thread, a reloaded page and a restarted server see the same thing; so does how far
the parse of a file has got (its OCR, page by page), while it is parsing.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import os
import re
import secrets
import sqlite3
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from indexer.engine import SearchEngine
from indexer.ingest import pipeline
from indexer.ingest.checks import check_pdf_in_time
from indexer.library.model import IngestError
from indexer.library.schema import migrate
from indexer.library.store import Library, LibraryBusy
from indexer.pdf.validate import Limits

log = logging.getLogger(__name__)

QUEUED = "queued"
PARSING = "parsing"
INDEXED = "indexed"
NEEDS_OCR = "needs OCR"
UNCHANGED = "unchanged"
FAILED = "failed"
REFUSED = "refused"  # turned away when uploaded, before it was queued
PENDING = (QUEUED, PARSING)
STATES = (QUEUED, PARSING, INDEXED, NEEDS_OCR, UNCHANGED, FAILED, REFUSED)

# What the pipeline's outcome means for an upload.
OUTCOME_STATES = {
    pipeline.INGESTED: INDEXED,
    pipeline.NEEDS_OCR: NEEDS_OCR,
    pipeline.UNCHANGED: UNCHANGED,
    pipeline.FAILED: FAILED,
}

# What the progress columns (see indexer/library/schema.py) say when there is nothing to tell.
NO_PROGRESS = "progress_stage = '', progress_done = 0, progress_total = 0"
# Progress is written at most this often per file (an OCR page takes seconds anyway).
PROGRESS_WRITE_SECONDS = 1.0

# What one ingest run of the queue came to.
DONE = "done"
BUSY = "busy"

BATCH_PATTERN = re.compile(r"^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$")
MAX_NAME = 160
CHUNK = 1 << 20


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Upload:
    id: int
    batch: str
    file: str
    sha256: str
    pages: int
    state: str
    reason: str
    std_no: str
    uploaded_by: str
    created_at: str
    updated_at: str
    progress_stage: str = ""
    progress_done: int = 0
    progress_total: int = 0

    @property
    def pending(self) -> bool:
        return self.state in PENDING


@dataclass(frozen=True)
class Batch:
    batch: str
    created_at: str
    uploaded_by: str
    files: int
    pending: int


# -- file names and files ------------------------------------------------------------


# `C:x.pdf`, `c:\\x.pdf`: a Windows drive, also what `C:\\x.pdf` becomes once unescaped.
DRIVE = re.compile(r"^\s*[A-Za-z]:")
SENT_FILENAME = re.compile(r'(?:^|;)\s*filename\s*=\s*"((?:[^"\\]|\\.)*)"', re.IGNORECASE)


def refused_name(raw: str | None) -> str | None:
    """Why a file is refused for the name it was sent under, or None. A browser sends
    the chosen file's own name; a path (`../../x.pdf`, `C:\\x.pdf`) or a control
    character (a NUL byte, a line break) in it means a crafted request, which gets a
    reason rather than a quietly cleaned-up name."""
    name = raw or ""
    if "\x00" in name:
        return "file name contains a NUL byte"
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        return "file name contains a control character"
    if "/" in name or "\\" in name or name.strip() in (".", "..") or DRIVE.match(name):
        return "file name contains a path: send the file's own name, without folders"
    return None


def sent_filename(content_disposition: str | None) -> str | None:
    """The `filename` of a multipart part as it was sent, before the parser took its
    backslashes for escapes: `..\\..\\x.pdf` sent with bare backslashes is read as
    `....x.pdf`, and only the name as sent shows it was a path."""
    match = SENT_FILENAME.search(content_disposition or "")
    return match.group(1) if match else None


def shown_name(raw: str | None) -> str:
    """A refused file's name as sent, made safe to show: invisible and control characters
    spelt as escapes (`a\\x00b.pdf`), and shortened. It names nothing on disk."""
    name = "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch)[0] == "C" else ch
        for ch in unicodedata.normalize("NFC", raw or "")
    )
    return name[:MAX_NAME] or "upload.pdf"


def display_name(raw: str | None) -> str:
    """The browser's file name made safe to show and to record: its last path component,
    without control or invisible format characters (NUL, newlines, bidi overrides) and
    without leading dots. It names nothing on disk."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".").strip()
    if len(name) > MAX_NAME:
        stem, dot, suffix = name.rpartition(".")
        keep = dot and len(suffix) <= 10  # the extension survives shortening
        name = stem[: MAX_NAME - 1 - len(suffix)] + "." + suffix if keep else name[:MAX_NAME]
    return name or "upload.pdf"


def uploads_dir(library: Library) -> Path:
    return library.root / "uploads"


def upload_path(library: Library, sha256: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError(f"not a SHA-256 digest: {sha256!r}")
    return uploads_dir(library) / f"{sha256}.pdf"


@dataclass(frozen=True)
class Received:
    sha256: str
    pages: int


def receive(stream: BinaryIO, library: Library, limits: Limits, name: str) -> Received:
    """Copy an uploaded stream into the library, check it, and keep it under its digest.

    Written to a temporary file beside its final place and moved there with
    `os.replace` once checked, so a refused or half-sent file never appears under
    `uploads/`. The check runs in a worker process within `limits.check_seconds`. Raises
    IngestError with the reason when the file is refused.
    """
    folder = uploads_dir(library)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".incoming-", suffix=".pdf")
    try:
        digest = hashlib.sha256()
        size = 0
        with os.fdopen(fd, "wb") as out:
            for block in iter(lambda: stream.read(CHUNK), b""):
                size += len(block)
                if size > limits.max_bytes:
                    raise IngestError(
                        name, f"file too large: over the {limits.max_bytes / 1e6:.0f} MB limit"
                    )
                digest.update(block)
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        pages = check_pdf_in_time(Path(tmp), limits)
        sha = digest.hexdigest()
        os.replace(tmp, upload_path(library, sha))
        return Received(sha, pages)
    finally:
        Path(tmp).unlink(missing_ok=True)


def sweep_leftovers(library: Library, store: UploadStore, min_age: float = 3600.0) -> int:
    """Remove what a server killed mid-upload leaves in `uploads/`: half-received files,
    and stored files no queued upload needs (killed before the upload was recorded).
    Only files older than `min_age` seconds, so an upload in progress in another server
    process is left alone."""
    folder = uploads_dir(library)
    if not folder.is_dir():
        return 0
    removed = 0
    cutoff = time.time() - min_age
    for path in folder.iterdir():
        with contextlib.suppress(OSError):
            if path.stat().st_mtime > cutoff or not path.is_file():
                continue
            stray = path.name.startswith(".incoming-") or not store.waiting_for(path.stem)
            if stray:
                path.unlink()
                removed += 1
    return removed


# -- the uploads table -----------------------------------------------------------------


class UploadStore:
    """The `uploads` table of one library's catalogue (`catalogue.sqlite`)."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA busy_timeout = 30000")
        migrate(self.db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> UploadStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @staticmethod
    def new_batch_id() -> str:
        """Sortable by time, unguessable enough not to be walked through."""
        return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(3)

    def add(
        self,
        batch: str,
        file: str,
        state: str,
        uploaded_by: str,
        *,
        sha256: str = "",
        pages: int = 0,
        reason: str = "",
    ) -> int:
        now = _now()
        with self.db:
            cursor = self.db.execute(
                "INSERT INTO uploads (batch, file, sha256, pages, state, reason, uploaded_by,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (batch, file, sha256, pages, state, reason, uploaded_by, now, now),
            )
        return cursor.lastrowid

    def batch(self, batch: str) -> list[Upload]:
        rows = self.db.execute("SELECT * FROM uploads WHERE batch = ? ORDER BY id", (batch,))
        return [Upload(**dict(r)) for r in rows]

    def get(self, upload_id: int) -> Upload | None:
        row = self.db.execute("SELECT * FROM uploads WHERE id = ?", (upload_id,)).fetchone()
        return Upload(**dict(row)) if row else None

    def recent_batches(self, limit: int = 10) -> list[Batch]:
        rows = self.db.execute(
            "SELECT batch, MIN(created_at) AS created_at, MIN(uploaded_by) AS uploaded_by,"
            " COUNT(*) AS files, SUM(state IN (?, ?)) AS pending"
            " FROM uploads GROUP BY batch ORDER BY MAX(id) DESC LIMIT ?",
            (*PENDING, limit),
        )
        return [Batch(**dict(r)) for r in rows]

    def claim(self, limit: int = 1) -> list[Upload]:
        """Up to `limit` of the oldest queued uploads, marked `parsing`. Two uploads of
        the same content, or under the same name, never go in one ingest run: the second
        waits, and is then found unchanged. The UPDATE's condition makes each claim
        atomic should two processes serve the same library."""
        claimed: list[Upload] = []
        rows = self.db.execute(
            "SELECT * FROM uploads WHERE state = ? ORDER BY id LIMIT ?", (QUEUED, 4 * limit)
        ).fetchall()
        for row in rows:
            upload = Upload(**dict(row))
            if len(claimed) >= limit:
                break
            if any(u.sha256 == upload.sha256 or u.file == upload.file for u in claimed):
                continue
            with self.db:
                taken = self.db.execute(
                    "UPDATE uploads SET state = ?, updated_at = ? WHERE id = ? AND state = ?",
                    (PARSING, _now(), upload.id, QUEUED),
                ).rowcount
            if taken:
                claimed.append(self.get(upload.id))
        return claimed

    def finish(self, upload_id: int, state: str, reason: str = "", std_no: str = "") -> None:
        with self.db:
            self.db.execute(
                f"UPDATE uploads SET state = ?, reason = ?, std_no = ?, updated_at = ?, {NO_PROGRESS}"
                " WHERE id = ?",
                (state, reason, std_no, _now(), upload_id),
            )

    def report_progress(self, upload_id: int, done: int, total: int, stage: str) -> None:
        """How far the parse of an upload has got (`done` of `total` pages of its OCR):
        kept only while it is parsing, so a late report never outlives its outcome."""
        with self.db:
            self.db.execute(
                "UPDATE uploads SET progress_stage = ?, progress_done = ?, progress_total = ?,"
                " updated_at = ? WHERE id = ? AND state = ?",
                (stage, done, total, _now(), upload_id, PARSING),
            )

    def requeue(self, upload_id: int, reason: str) -> None:
        """Back in the queue, keeping its place (the oldest queued go first), with the
        reason it waits."""
        with self.db:
            self.db.execute(
                f"UPDATE uploads SET state = ?, reason = ?, updated_at = ?, {NO_PROGRESS}"
                " WHERE id = ?",
                (QUEUED, reason, _now(), upload_id),
            )

    def requeue_interrupted(self) -> int:
        """Uploads a killed server left `parsing` go back in the queue."""
        with self.db:
            return self.db.execute(
                f"UPDATE uploads SET state = ?, updated_at = ?, {NO_PROGRESS} WHERE state = ?",
                (QUEUED, _now(), PARSING),
            ).rowcount

    def waiting_for(self, sha256: str) -> bool:
        """Whether another upload of the same content still needs the stored file."""
        row = self.db.execute(
            "SELECT 1 FROM uploads WHERE sha256 = ? AND state IN (?, ?) LIMIT 1",
            (sha256, *PENDING),
        ).fetchone()
        return row is not None


# -- the queue -----------------------------------------------------------------------


class UploadQueue:
    """One background thread that ingests queued uploads one at a time.

    One at a time, through one worker process: the server's other threads keep a core
    for searchers, and each file still gets its own process and parse deadline.
    """

    def __init__(
        self,
        library: Library,
        *,
        limits: Limits,
        engine: SearchEngine | None = None,
        use_ocr: bool | None = None,
        workers: int = 1,
        poll_seconds: float = 30.0,
        busy_retry_seconds: float = 30.0,
    ):
        self.library = library
        self.engine = engine
        self.limits = limits
        self._use_ocr = use_ocr
        self.workers = workers
        self.poll_seconds = poll_seconds
        self.busy_retry_seconds = busy_retry_seconds
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        # Told each file's outcome as it arrives (the site's metrics count them).
        self.listeners: list[Callable[[pipeline.FileOutcome], None]] = []

    def start(self) -> int:
        """Start the thread; returns how many interrupted uploads went back in the queue."""
        with UploadStore(self.library.catalogue_path) as store:
            requeued = store.requeue_interrupted()
            swept = sweep_leftovers(self.library, store)
        if requeued or swept:
            log.info("re-queued %d upload(s), removed %d stray file(s)", requeued, swept)
        self._thread = threading.Thread(target=self._run, name="stdsearch-uploads", daemon=True)
        self._thread.start()
        return requeued

    def stop(self, timeout: float | None = 30.0) -> None:
        """Stop after the file being ingested; an unfinished one is re-queued on next start."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wake(self) -> None:
        self._wake.set()

    @property
    def use_ocr(self) -> bool:
        """As configured, or (asked once, when first needed) whether Tesseract is installed."""
        if self._use_ocr is None:
            from indexer.pdf.ocr import tesseract_available

            self._use_ocr = tesseract_available()
        return self._use_ocr

    def _run(self) -> None:
        with UploadStore(self.library.catalogue_path) as store:
            while not self._stopping.is_set():
                try:
                    uploads = store.claim(self.workers)
                except sqlite3.Error:
                    log.exception("upload queue: cannot read the uploads table")
                    uploads = []
                if not uploads:
                    self._wake.wait(self.poll_seconds)
                    self._wake.clear()
                    continue
                if self._ingest(store, uploads) == BUSY:
                    # A reindex or a batch ingest holds the library: wait, then try again.
                    self._stopping.wait(self.busy_retry_seconds)

    def _stored(self, upload: Upload) -> Path | None:
        path = upload_path(self.library, upload.sha256)
        if path.exists():
            return path
        # An identical upload finished meanwhile and its stored copy went away; the
        # library keeps the original, which ingest recognises as unchanged.
        original = self.library.original_path(upload.sha256)
        return original if original.exists() else None

    def _ingest(self, store: UploadStore, uploads: list[Upload]) -> str:
        """One ingest run over the claimed uploads, each finished as its outcome arrives.
        Returns BUSY when the library's lock could not be had: the uploads left are
        queued again (the pipeline had changed nothing of theirs), else DONE."""
        paths: dict[Path, Upload] = {}
        for upload in uploads:
            path = self._stored(upload)
            if path is None:
                store.finish(upload.id, FAILED, "the uploaded file is missing from the library")
            else:
                paths[path] = upload
        by_name = {upload.file: upload for upload in paths.values()}
        run = _Run(store, paths, by_name, listeners=self.listeners)
        result = DONE
        try:
            if run.paths:
                pipeline.ingest(
                    list(run.paths),
                    self.library,
                    engine=self.engine,
                    workers=self.workers,
                    limits=self.limits,
                    use_ocr=self.use_ocr,
                    source_names={path: upload.file for path, upload in run.paths.items()},
                    progress=run.done,
                    page_progress=run.parsing,
                )
        except LibraryBusy as busy:
            log.warning("uploads %s wait: %s", [u.id for u in uploads], busy)
            result = BUSY
            for upload in run.unfinished():
                store.requeue(upload.id, f"waiting: {busy}")
        except Exception as error:  # the queue must outlive a run it cannot finish
            log.exception("uploads %s could not be ingested", [u.id for u in uploads])
            reason = f"ingest error: {type(error).__name__}: {error}"
            for upload in run.unfinished():
                store.finish(upload.id, FAILED, reason)
        finally:
            for upload in run.unfinished():
                if store.get(upload.id).state == PARSING:
                    store.finish(upload.id, FAILED, "the ingest gave no outcome for this file")
            self._clear_stored(store, uploads)
        return result

    def _clear_stored(self, store: UploadStore, uploads: list[Upload]) -> None:
        """Stored copies no queued upload still needs."""
        for upload in uploads:
            if not store.waiting_for(upload.sha256):
                with contextlib.suppress(OSError):
                    upload_path(self.library, upload.sha256).unlink(missing_ok=True)


@dataclass
class _Run:
    """The uploads one ingest run takes, by the path and the name the pipeline knows them
    by, and which of them it has finished."""

    store: UploadStore
    paths: dict[Path, Upload]
    by_name: dict[str, Upload]
    finished: set[int] = field(default_factory=set)
    written: dict[int, float] = field(default_factory=dict)  # when progress was last stored
    listeners: list[Callable[[pipeline.FileOutcome], None]] = field(default_factory=list)

    def unfinished(self) -> list[Upload]:
        return [u for u in self.paths.values() if u.id not in self.finished]

    def done(self, outcome: pipeline.FileOutcome) -> None:
        upload = self.by_name.get(outcome.file)
        if upload is not None:
            state = OUTCOME_STATES.get(outcome.outcome, FAILED)
            self.store.finish(upload.id, state, outcome.reason, outcome.std_no)
            self.finished.add(upload.id)
            for listener in self.listeners:
                listener(outcome)

    def parsing(self, name: str, count: int, total: int, stage: str) -> None:
        upload = self.by_name.get(name)
        if upload is None:
            return
        now = time.monotonic()
        # The last page is always written: the count must not stop one short of the end.
        last = self.written.get(upload.id, -math.inf)
        if count < total and now - last < PROGRESS_WRITE_SECONDS:
            return
        self.written[upload.id] = now
        try:
            self.store.report_progress(upload.id, count, total, stage)
        except sqlite3.Error:  # the page count is a courtesy: never a reason to fail a file
            log.warning("upload %s: progress not recorded", upload.id, exc_info=True)
