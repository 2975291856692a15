"""Ingest a batch of files into the library: validate, parse in workers, store, index.

The parent process is the single writer. Writes happen in an order that keeps the
library consistent if the process is killed at any point: the original and its JSON
are written atomically first (orphans if we die here, which the start-up check clears),
then the catalogue row in one transaction, then the index (which the start-up check
repairs from the JSON). The library's store lock is held meanwhile, so that two ingests,
and an ingest and the start-up check, never interleave these steps; and so is the index
write lock, taken before anything is written: a rebuild is never between them, and a
writer kept waiting too long (`LibraryBusy`) has changed nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from analyzers.segmenter import initialize
from indexer.engine import SearchEngine, open_engine
from indexer.library import changes
from indexer.library.catalogue import Catalogue
from indexer.library.lookup import load_standard
from indexer.library.model import IngestError, Standard
from indexer.library.status import apply_statuses
from indexer.library.store import Library, sha256_file
from indexer.pdf.validate import Limits

from .checks import check_pdfs_in_time
from .consistency import check_and_repair
from .parse_file import Progress, parse_standard
from .parsed import read_parsed
from .processes import ProcessRecords, worker_records
from .worker import run_in_workers

INGESTED = "ingested"
UNCHANGED = "unchanged"
NEEDS_OCR = "needs OCR"
FAILED = "failed"
WOULD_INGEST = "would ingest"
WOULD_REPLACE = "would replace"


@dataclass
class FileOutcome:
    file: str
    outcome: str
    reason: str = ""
    std_no: str = ""
    sha256: str = ""
    replaced: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.outcome == FAILED]


def collect_pdfs(paths: Iterable[str | Path]) -> list[Path]:
    """Files named on the command line are taken as they are (so a non-PDF gets reported);
    folders are searched recursively for *.pdf."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
            )
        else:
            found.append(path)
    seen: set[Path] = set()
    unique = []
    for path in found:
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            unique.append(path)
    return unique


# page_progress(file name, done, total, stage): a file's parse, page by page ("OCR").
PageProgress = Callable[[str, int, int, str], None]


def parse_job(
    path: str, source_file: str, use_ocr: bool, progress: Progress | None = None
) -> Standard:
    return parse_standard(Path(path), source_file=source_file, use_ocr=use_ocr, progress=progress)


# A file to parse: (path, display name, sha256).
NewFile = tuple[Path, str, str]


def parse_jobs(
    files: list[NewFile],
    limits: Limits,
    use_ocr: bool,
    workers: int,
    records: ProcessRecords | None = None,
) -> Iterator[tuple[NewFile, tuple | IngestError]]:
    """Each file checked, in the order given, with its parse job for `run_in_workers`
    (its deadline set by its page count), or the IngestError saying why it was refused."""
    checked = check_pdfs_in_time(
        [(path, name) for path, name, _ in files], limits, workers, records
    )
    for file, pages in zip(files, checked, strict=True):
        if isinstance(pages, IngestError):
            yield file, pages
        else:
            path, name, _ = file
            deadline = limits.deadline(pages, use_ocr)
            yield file, (str(path), name, parse_job, (str(path), name, use_ocr), deadline)


def ingest(
    paths: Iterable[str | Path],
    library: Library,
    *,
    engine: SearchEngine | None = None,
    workers: int | None = None,
    limits: Limits | None = None,
    use_ocr: bool = True,
    dry_run: bool = False,
    progress: Callable[[FileOutcome], None] | None = None,
    page_progress: PageProgress | None = None,
    today: date | None = None,
    source_names: Mapping[Path, str] | None = None,
    parsed: Sequence[Path] = (),
) -> IngestReport:
    """`source_names` gives files the name they are known by when theirs on disk is not
    (uploads are stored by content): it becomes `source_file` and the name reported.
    `parsed` are folders of parses made elsewhere (`indexer.ingest.parsed`): a file whose
    parse is there is checked but not parsed again.

    `progress` hears of each file's outcome; `page_progress` of how far the parse of a
    file has got while it runs (an OCR'd scan takes minutes), from the worker parsing it.
    """
    engine = engine or open_engine(library)
    if not dry_run:
        # An entry a killed batch committed but never indexed counts as unchanged below, so
        # it would stay out of the index: repair first, as the site does when it starts.
        check_and_repair(library, engine)
    workers = workers or os.cpu_count() or 1
    with closing(Catalogue(library.catalogue_path)) as catalogue:
        batch = _Batch(library, catalogue, engine, limits or Limits(), use_ocr, progress)
        batch.names = {Path(path): name for path, name in (source_names or {}).items()}
        batch.parsed = [Path(folder) for folder in parsed]
        new_files = batch.new_files(collect_pdfs(paths))
        jobs = batch.jobs(new_files, workers, dry_run)
        for path, standard in batch.ready:
            batch.store(path, standard, today or date.today())
        if jobs:
            initialize(user_words=engine.dictionary_words())
        on_progress = batch.parsing(page_progress) if page_progress else None
        # Closed at once should a file stop the run (LibraryBusy): no parse outlives it.
        with closing(run_in_workers(jobs, workers, on_progress, batch.records)) as results:
            for key, result in results:
                batch.store(Path(key), result, today or date.today())
    return batch.report


class _Batch:
    """One ingest run: what it has reported so far, and the steps a file goes through."""

    def __init__(self, library, catalogue, engine, limits, use_ocr, progress):
        self.library = library
        self.catalogue = catalogue
        self.engine = engine
        self.limits = limits
        self.use_ocr = use_ocr
        self.progress = progress
        self.names: dict[Path, str] = {}
        self.parsed: list[Path] = []  # folders of parses made elsewhere
        self.ready: list[tuple[Path, Standard]] = []  # files whose parse was found there
        self.report = IngestReport()
        self.records = worker_records(library)

    def name(self, path: Path) -> str:
        return self.names.get(path, path.name)

    def done(self, outcome: FileOutcome) -> None:
        self.report.outcomes.append(outcome)
        if self.progress:
            self.progress(outcome)

    def parsing(self, page_progress: PageProgress):
        def report(key: str, count: int, total: int, stage: str) -> None:
            page_progress(self.name(Path(key)), count, total, stage)

        return report

    def new_files(self, files: list[Path]) -> list[NewFile]:
        """(path, name, sha256) of the files the library does not hold yet."""
        found = []
        for path in files:
            name = self.name(path)
            if not path.exists():
                self.done(FileOutcome(name, FAILED, "file not found"))
                continue
            sha = sha256_file(path)
            if self.catalogue.has(sha) and self.library.has_extracted(sha):
                std_no = _std_no_of(self.catalogue, sha)
                self.done(FileOutcome(name, UNCHANGED, sha256=sha, std_no=std_no))
                continue
            found.append((path, name, sha))
        return found

    def jobs(self, new_files: list[NewFile], workers: int, dry_run: bool) -> list:
        """A parse job per file that passes its checks and has no parse made elsewhere
        (those are `ready`); a dry run only says what it would do."""
        jobs = []
        checked = parse_jobs(new_files, self.limits, self.use_ocr, workers, self.records)
        for (path, name, sha), job in checked:
            if isinstance(job, IngestError):
                if not dry_run:
                    self.catalogue.log(name, FAILED, job.reason, sha)
                self.done(FileOutcome(name, FAILED, job.reason, sha256=sha))
            elif dry_run:
                self.done(_predicted(self.catalogue, name, sha))
            elif standard := read_parsed(self.parsed, sha):
                self.ready.append((path, standard))
            else:
                jobs.append(job)
        return jobs

    def store(self, path: Path, result: Standard | IngestError, today: date) -> None:
        name = self.name(path)
        if isinstance(result, IngestError):
            self.catalogue.log(name, FAILED, result.reason)
            self.done(FileOutcome(name, FAILED, result.reason))
            return
        with self.library.store_lock(), self.library.write_lock():
            outcome = _store(self.library, self.catalogue, self.engine, path, name, result, today)
        if outcome.outcome == NEEDS_OCR or result.needs_ocr:
            outcome.reason += "; " + _ocr_note(self.use_ocr)
        self.done(outcome)


def _predicted(catalogue: Catalogue, name: str, sha: str) -> FileOutcome:
    """What ingesting a valid new file would do, told without parsing it: a file of the
    same name with other contents is replaced (an entry of the same number is too, but
    only the parse tells the number)."""
    previous = sorted(set(catalogue.find(source_file=name)) - {sha})
    if not previous:
        return FileOutcome(name, WOULD_INGEST, sha256=sha)
    return FileOutcome(
        name,
        WOULD_REPLACE,
        "changed since it was ingested",
        std_no=_std_no_of(catalogue, previous[0]),
        sha256=sha,
        replaced=previous,
    )


def _ocr_note(use_ocr: bool) -> str:
    if not use_ocr:
        return "OCR was switched off (--no-ocr)"
    from indexer.pdf.ocr import tesseract_available, tesseract_status

    if not tesseract_available():
        return f"OCR unavailable: {tesseract_status() or 'tesseract not installed'}"
    return "OCR found no text on them"


def _std_no_of(catalogue: Catalogue, sha: str) -> str:
    data = catalogue.metadata(sha)
    return data.get("std_no", "") if data else ""


def _store(
    library: Library,
    catalogue: Catalogue,
    engine: SearchEngine,
    path: Path,
    name: str,
    standard: Standard,
    today: date,
) -> FileOutcome:
    sha = sha256_file(path)
    standard.sha256 = sha
    library.keep_original(path, sha)
    library.save_extracted(standard)
    # A changed file, or a new parse of the same standard, replaces its entry.
    previous = set(catalogue.find(source_file=standard.source_file))
    if standard.std_no:
        previous |= set(catalogue.find(std_no=standard.std_no))
    previous.discard(sha)
    outcome = NEEDS_OCR if standard.needs_ocr and not standard.clauses else INGESTED
    reason = (
        f"{len(standard.needs_ocr)} page(s) without a usable text layer"
        if standard.needs_ocr
        else ""
    )
    with catalogue.transaction() as conn:
        arrival = _arrival(catalogue, standard, previous)
        for old in previous:
            catalogue.move_overrides(old, sha, conn)
            catalogue.remove(old, conn)
            catalogue.log(name, "replaced", f"replaces entry {old[:12]}", old, conn)
        catalogue.put(standard, conn)
        catalogue.log(name, outcome, reason, sha, conn)
        changes.record(conn, std_no=standard.std_no, sha256=sha, source=changes.INGEST, **arrival)
        changed = _derive_family_statuses(catalogue, standard, today)
    for old in previous:
        library.move_to_trash(old)
    engine.update(
        [load_standard(library, catalogue, s) for s in sorted(changed | {sha})],
        removed=sorted(previous),
    )
    return FileOutcome(name, outcome, reason, standard.std_no, sha, sorted(previous))


def _arrival(catalogue: Catalogue, standard: Standard, previous: set[str]) -> dict[str, str]:
    """How the change log tells a file's arrival (read before its entry is written): a
    changed file of a standard already held is a correction of that entry, a number whose
    other editions (or the standards it replaces) are held is a new edition, and any
    other a new standard."""
    before = [catalogue.metadata(old) or {} for old in sorted(previous)]
    same = [m for m in before if m.get("std_no") == standard.std_no and standard.std_no]
    if same:
        return {
            "kind": changes.CORRECTION,
            "field": "file",
            "old": same[0].get("source_file", ""),
            "new": standard.source_file,
        }
    family = catalogue.edition_family(standard.std_no, standard.replaces) if standard.std_no else []
    others = sorted(
        {m.get("std_no", "") for m in family if m["sha256"] not in previous} - {standard.std_no, ""}
    )
    if others:
        return {"kind": changes.NEW_EDITION, "old": "; ".join(others), "new": standard.std_no}
    return {"kind": changes.NEW_STANDARD, "new": standard.std_no}


def _derive_family_statuses(catalogue: Catalogue, standard: Standard, today: date) -> set[str]:
    """Statuses of the new standard's edition family; returns the shas that changed."""
    family = catalogue.edition_family(standard.std_no, standard.replaces) if standard.std_no else []
    family = family or [catalogue.metadata(standard.sha256)]
    return apply_statuses(catalogue, family, today, source=changes.INGEST)
