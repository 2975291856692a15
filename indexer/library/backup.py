"""Backups of a library, and restoring one.

A backup holds what cannot be rebuilt: the catalogue (the system of record, with the
librarian's overrides and the ingest log), the originals, their extracted JSON and the
trash. The index is left out: it is derived, and `restore` rebuilds it from the JSON.

The catalogue is copied with SQLite's online backup API, so searchers and an ingest may
go on while it runs; the files copied are those the copied catalogue lists. A backup is
built in a work folder beside DEST and swapped into place once complete, and a restore
is built beside the data directory and swapped in the same way (see folder_swap.py), so
a killed backup or restore leaves the old state, never half of the new one.

The manifest lists every file with its SHA-256; `restore` refuses a backup whose files
do not match it before touching the target.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .catalogue import now_iso
from .folder_swap import swap_in, work_folder
from .store import Library, is_metadata_only, sha256_file

MANIFEST = "manifest.json"
CATALOGUE = "catalogue.sqlite"
FORMAT = 1
# A few files copy faster than a progress bar draws.
PROGRESS_FROM = 50
# A catalogue row whose files vanished between the snapshot and the copy was replaced by
# a concurrent ingest; a fresh snapshot lists its successor.
SNAPSHOT_ATTEMPTS = 3


class TargetInUse(Exception):
    """The backup folder or the data directory already holds something (exit status 2)."""


class BackupError(Exception):
    """The library or the backup is damaged or incomplete (exit status 1)."""


@dataclass
class BackupReport:
    dest: str
    created_at: str
    standards: int
    files: int
    bytes: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class RestoreReport:
    source: str
    data_dir: str
    created_at: str
    standards: int
    files: int
    bytes: int
    indexed: int
    replaced_library: bool
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def stdsearch_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("stdsearch")
    except PackageNotFoundError:
        return "unknown"


# -- backup ----------------------------------------------------------------------------


def backup(library: Library, dest: str | Path, *, force: bool = False, progress: bool = False):
    """Copy `library` into the new folder `dest`; with `force`, replace an older backup there."""
    started = time.monotonic()
    dest = Path(dest).resolve()
    if not library.catalogue_path.exists():
        raise BackupError(f"{library.root} holds no catalogue: nothing to back up")
    if dest.exists() and not _is_empty_dir(dest):
        if not force:
            raise TargetInUse(f"{dest} already exists (--force replaces an older backup there)")
        if not (dest / MANIFEST).is_file():
            raise TargetInUse(f"{dest} exists and is not a stdsearch backup; it is left alone")
    # Private (0700): only its owner reads the copied catalogue.
    with work_folder(dest, private=True) as work:
        manifest = _write_backup(library, work, progress)
        swap_in(work, dest)
    files = manifest["files"]
    return BackupReport(
        dest=str(dest),
        created_at=manifest["created_at"],
        standards=manifest["counts"]["standards"],
        files=len(files),
        bytes=sum(f["bytes"] for f in files),
        counts=manifest["counts"],
        seconds=round(time.monotonic() - started, 3),
    )


def _write_backup(library: Library, work: Path, progress: bool) -> dict:
    created_at = now_iso()
    copied: dict[str, dict] = {}
    for _ in range(SNAPSHOT_ATTEMPTS):
        shas = _snapshot_catalogue(library.catalogue_path, work / CATALOGUE)
        wanted = {rel: source for sha in shas for rel, source in _files_of(library, sha)}
        missing = _copy_files(wanted, work, copied, progress, verify_name=True)
        if not missing:
            break
    else:
        raise BackupError(
            f"the catalogue lists {len(missing)} file(s) that are not in the library: "
            + ", ".join(missing[:5])
            + " (an ingest replacing them each time, or a damaged library: starting"
            " `stdsearch serve` once repairs it)"
        )
    for rel in set(copied) - set(wanted):  # entries replaced between two snapshots
        (work / rel).unlink(missing_ok=True)
        del copied[rel]
    trash = {f"trash/{path.name}": path for path in sorted((library.root / "trash").glob("*.pdf"))}
    _copy_files(trash, work, copied, progress, verify_name=False)
    catalogue_entry = {
        "path": CATALOGUE,
        "sha256": sha256_file(work / CATALOGUE),
        "bytes": (work / CATALOGUE).stat().st_size,
    }
    files = [catalogue_entry, *(copied[rel] for rel in sorted(copied))]
    manifest = {
        "format": FORMAT,
        "stdsearch_version": stdsearch_version(),
        "created_at": created_at,
        "library": str(library.root),
        "counts": {
            "standards": len(shas),
            "originals": sum(1 for rel in copied if rel.startswith("originals/")),
            "extracted": sum(1 for rel in copied if rel.startswith("extracted/")),
            "trash": sum(1 for rel in copied if rel.startswith("trash/")),
        },
        "files": files,
    }
    _write_synced(work / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    return manifest


def _snapshot_catalogue(source: Path, target: Path) -> list[str]:
    """A consistent copy of the live catalogue; returns the shas it lists."""
    target.unlink(missing_ok=True)
    live = sqlite3.connect(source, timeout=30)
    copy = sqlite3.connect(target)
    try:
        live.backup(copy)
        # One self-contained file: no -wal beside it in the backup.
        copy.execute("PRAGMA journal_mode=DELETE")
        verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"the catalogue copy fails SQLite's check: {verdict}")
        return [row[0] for row in copy.execute("SELECT sha256 FROM standards ORDER BY sha256")]
    finally:
        copy.close()
        live.close()


def _files_of(library: Library, sha: str) -> list[tuple[str, Path]]:
    original = library.original_path(sha)
    extracted = library.extracted_path(sha)
    if is_metadata_only(sha):  # no original: the text is not held
        return [(extracted.relative_to(library.root).as_posix(), extracted)]
    return [
        (original.relative_to(library.root).as_posix(), original),
        (extracted.relative_to(library.root).as_posix(), extracted),
    ]


def _copy_files(
    wanted: dict[str, Path], work: Path, copied: dict[str, dict], progress: bool, verify_name: bool
) -> list[str]:
    """Copy the files not copied yet; returns the ones that were missing."""
    from tqdm import tqdm

    todo = [rel for rel in sorted(wanted) if rel not in copied]
    missing = []
    bar = tqdm(
        todo,
        unit="file",
        desc="copy",
        file=sys.stderr,
        disable=not progress or len(todo) < PROGRESS_FROM,
    )
    for rel in bar:
        try:
            sha, size = copy_hashing(wanted[rel], work / rel)
        except FileNotFoundError:
            missing.append(rel)
            continue
        if verify_name and rel.endswith(".pdf") and Path(rel).stem != sha:
            raise BackupError(
                f"{wanted[rel]} is damaged: its SHA-256 is {sha}, not the one it is named by"
            )
        copied[rel] = {"path": rel, "sha256": sha, "bytes": size}
    return missing


# -- restore ---------------------------------------------------------------------------


def restore(
    source: str | Path,
    data_dir: str | Path,
    reindex: Callable[[Library], int],
    *,
    force: bool = False,
    progress: bool = False,
) -> RestoreReport:
    """Rebuild the library in `data_dir` from the backup in `source`, index included:
    `reindex(library)` builds the restored library's search index before it is swapped in.

    A library that holds standards is only replaced with `force`; a backup whose files do
    not match its manifest is refused before the target is touched.
    """
    started = time.monotonic()
    source = Path(source).resolve()
    data_dir = Path(data_dir).resolve()
    manifest = read_manifest(source)
    if source.is_relative_to(data_dir):
        raise TargetInUse(f"the backup {source} lies inside the data directory it would replace")
    occupied = _check_target(data_dir, force)
    with work_folder(data_dir) as work:
        _copy_verified(source, manifest, work, progress)
        _check_complete(work, manifest)
        indexed = reindex(Library.open(work))
        if data_dir.exists():
            _carry_over(data_dir, work)
        swap_in(work, data_dir)
    files = manifest["files"]
    return RestoreReport(
        source=str(source),
        data_dir=str(data_dir),
        created_at=manifest["created_at"],
        standards=manifest["counts"]["standards"],
        files=len(files),
        bytes=sum(f["bytes"] for f in files),
        indexed=indexed,
        replaced_library=occupied,
        seconds=round(time.monotonic() - started, 3),
    )


def read_manifest(source: Path) -> dict:
    path = Path(source) / MANIFEST
    if not path.is_file():
        raise TargetInUse(f"{source} is not a stdsearch backup (no {MANIFEST})")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
            raise ValueError("it lists no files")
        if manifest.get("format") != FORMAT:
            raise ValueError(f"unknown backup format {manifest.get('format')!r}")
    except ValueError as error:
        raise BackupError(f"{path} cannot be read: {error}") from None
    return manifest


# What a data directory is made of; anything else there is not ours to replace.
LIBRARY_PARTS = ("originals", "extracted", "trash", "index", ".store.lock")


def _check_target(data_dir: Path, force: bool) -> bool:
    """Whether restoring replaces standards in `data_dir` (allowed with `force` only)."""
    if not data_dir.exists():
        return False
    if not data_dir.is_dir():
        raise TargetInUse(f"{data_dir} is not a directory")
    entries = {path.name for path in data_dir.iterdir()}
    if entries and CATALOGUE not in entries and not entries <= set(LIBRARY_PARTS):
        raise TargetInUse(f"{data_dir} is not a stdsearch data directory; it is left alone")
    occupied = holds_standards(data_dir)
    if occupied and not force:
        raise TargetInUse(f"{data_dir} already holds a library (--force replaces it)")
    return occupied


def holds_standards(root: Path) -> bool:
    """True unless `root` is an empty library: no stored file, no catalogue entry."""
    for part in ("originals", "extracted", "trash"):
        if any(path.is_file() for path in (root / part).rglob("*")):
            return True
    catalogue = root / CATALOGUE
    if not catalogue.exists():
        return False
    db = sqlite3.connect(catalogue, timeout=30)
    try:
        return db.execute("SELECT 1 FROM standards LIMIT 1").fetchone() is not None
    except sqlite3.DatabaseError:
        return True  # a damaged catalogue is not replaced without --force
    finally:
        db.close()


def _carry_over(data_dir: Path, work: Path) -> None:
    """What else the data directory holds (the site's secret key, say) is not in a backup
    and stays with the data directory."""
    for path in data_dir.iterdir():
        if path.name in LIBRARY_PARTS or path.name.startswith(CATALOGUE):
            continue
        if path.is_dir():
            shutil.copytree(path, work / path.name, symlinks=True)
        else:
            shutil.copy2(path, work / path.name, follow_symlinks=False)


def _copy_verified(source: Path, manifest: dict, work: Path, progress: bool) -> None:
    from tqdm import tqdm

    entries = manifest["files"]
    problems = []
    bar = tqdm(
        entries,
        unit="file",
        desc="restore",
        file=sys.stderr,
        disable=not progress or len(entries) < PROGRESS_FROM,
    )
    for entry in bar:
        rel = entry["path"]
        if Path(rel).is_absolute() or ".." in Path(rel).parts:
            raise BackupError(f"the manifest names a file outside the backup: {rel}")
        try:
            sha, _ = copy_hashing(source / rel, work / rel)
        except FileNotFoundError:
            problems.append(f"{rel} is missing")
            continue
        if sha != entry["sha256"]:
            problems.append(f"{rel} does not match its SHA-256 in the manifest")
        elif rel.startswith("originals/") and Path(rel).stem != sha:
            problems.append(f"{rel} is not named by its SHA-256")
    if problems:
        shown = "; ".join(problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise BackupError(f"the backup in {source} is damaged: {shown}{more}")


def _check_complete(work: Path, manifest: dict) -> None:
    """Every standard the catalogue lists has its original and JSON in the backup."""
    library = Library(work)
    db = sqlite3.connect(work / CATALOGUE)
    try:
        shas = [row[0] for row in db.execute("SELECT sha256 FROM standards")]
    finally:
        db.close()
    absent = [
        sha
        for sha in shas
        if not (
            (is_metadata_only(sha) or library.original_path(sha).is_file())
            and library.extracted_path(sha).is_file()
        )
    ]
    if absent:
        raise BackupError(
            f"the backup lacks the original or JSON of {len(absent)} catalogue entries: "
            + ", ".join(sha[:12] for sha in absent[:5])
        )


# -- files -----------------------------------------------------------------------------


def copy_hashing(source: Path, target: Path) -> tuple[str, int]:
    """Copy one file (synced to disk) and return the SHA-256 and size of what was read."""
    digest = hashlib.sha256()
    size = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(source, "rb") as src, open(target, "wb") as dst:
        for block in iter(lambda: src.read(1 << 20), b""):
            digest.update(block)
            dst.write(block)
            size += len(block)
        dst.flush()
        os.fsync(dst.fileno())
    return digest.hexdigest(), size


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _is_empty_dir(path: Path) -> bool:
    return path.is_dir() and not any(path.iterdir())
