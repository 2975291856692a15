"""`check_pdf` under a time limit, each file in a worker process of its own."""

from __future__ import annotations

from pathlib import Path

from indexer.library.model import IngestError
from indexer.pdf.validate import Limits, check_pdf

from .processes import ProcessRecords
from .worker import run_in_workers


def check_pdfs_in_time(
    files: list[tuple[Path, str]],
    limits: Limits | None = None,
    workers: int = 1,
    records: ProcessRecords | None = None,
) -> list[int | IngestError]:
    """`check_pdf` of each (path, display name), in the order given: its page count, or the
    IngestError saying why it cannot be ingested. Each check runs in a worker process
    killed after `limits.check_seconds`, as the parse runs: a file PDFium or pdfminer
    chews on for minutes costs its own refusal, not the batch or a server thread."""
    limits = limits or Limits()
    jobs = [
        (str(path), name, check_pdf, (Path(path), limits), limits.check_seconds)
        for path, name in files
    ]
    found = dict(run_in_workers(jobs, workers, records=records))
    return [found[str(path)] for path, _name in files]


def check_pdf_in_time(path: Path, limits: Limits | None = None) -> int:
    """One file's `check_pdfs_in_time`; raises its IngestError."""
    (result,) = check_pdfs_in_time([(Path(path), Path(path).name)], limits)
    if isinstance(result, IngestError):
        raise result
    return result
