"""Parse a batch of files into a folder, for a library on another machine to ingest.

The same checks, limits and worker processes as an ingest, and nothing else: no
catalogue, no index, no lock, so any number of machines can run one at once, each over
its own share of the files (see `indexer.ingest.parsed`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from contextlib import closing
from pathlib import Path

from indexer.library.model import IngestError, Standard
from indexer.library.store import sha256_file
from indexer.pdf.validate import Limits

from .parsed import read_parsed, write_parsed
from .pipeline import (
    FAILED,
    NEEDS_OCR,
    UNCHANGED,
    FileOutcome,
    IngestReport,
    NewFile,
    PageProgress,
    collect_pdfs,
    parse_jobs,
)
from .worker import run_in_workers

PARSED = "parsed"


def parse_to(
    paths: Iterable[str | Path],
    folder: Path,
    *,
    workers: int | None = None,
    limits: Limits | None = None,
    use_ocr: bool = True,
    progress: Callable[[FileOutcome], None] | None = None,
    page_progress: PageProgress | None = None,
) -> IngestReport:
    """Parse every PDF under `paths` into `folder`, one `<sha256>.json` each. A file whose
    parse is already there is `unchanged`, so a run stopped midway is run again to end it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    limits = limits or Limits()
    workers = workers or os.cpu_count() or 1
    report = IngestReport()

    def done(outcome: FileOutcome) -> None:
        report.outcomes.append(outcome)
        if progress:
            progress(outcome)

    todo: list[NewFile] = []
    for path in collect_pdfs(paths):
        if not path.exists():
            done(FileOutcome(path.name, FAILED, "file not found"))
            continue
        sha = sha256_file(path)
        if (earlier := read_parsed([folder], sha)) is not None:
            done(FileOutcome(path.name, UNCHANGED, std_no=earlier.std_no, sha256=sha))
            continue
        todo.append((path, path.name, sha))
    shas = {str(path): sha for path, _, sha in todo}
    jobs = []
    for (_, name, sha), job in parse_jobs(todo, limits, use_ocr, workers):
        if isinstance(job, IngestError):
            done(FileOutcome(name, FAILED, job.reason, sha256=sha))
        else:
            jobs.append(job)
    on_progress = None
    if page_progress:

        def on_progress(key: str, count: int, total: int, stage: str) -> None:
            page_progress(Path(key).name, count, total, stage)

    with closing(run_in_workers(jobs, workers, on_progress)) as results:
        for key, result in results:
            done(_written(folder, Path(key), shas[key], result))
    return report


def _written(folder: Path, path: Path, sha: str, result: Standard | IngestError) -> FileOutcome:
    if isinstance(result, IngestError):
        return FileOutcome(path.name, FAILED, result.reason, sha256=sha)
    result.sha256 = sha
    write_parsed(folder, result)
    outcome = NEEDS_OCR if result.needs_ocr and not result.clauses else PARSED
    reason = (
        f"{len(result.needs_ocr)} page(s) without a usable text layer" if result.needs_ocr else ""
    )
    return FileOutcome(path.name, outcome, reason, result.std_no, sha)
