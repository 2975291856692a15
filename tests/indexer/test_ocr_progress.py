"""Page-level progress of an ingest: the OCR of a file's flagged pages is reported, page by
page, from the worker parsing it, so a long scan does not look stuck.

GB 12348-2008 has a text layer but one page (8) scanned into it: the ingest OCRs that page
alone, which keeps this test to one page of Tesseract.
"""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from indexer.ingest.pipeline import INGESTED, ingest
from indexer.library.store import Library

pytestmark = [pytest.mark.corpus, pytest.mark.ocr, pytest.mark.slow]

MIXED = "GB_12348-2008.pdf"  # 11 pages, page 8 a scan
TEXT_ONLY = "GB_5085.7-2019.pdf"  # 5 pages, all with a text layer
ROOT = Path(__file__).resolve().parents[2]


def test_ingest_reports_each_ocr_page_of_the_file_being_parsed(tmp_path, tesseract, corpus_pdf):
    library = Library.open(tmp_path / "library")
    heard = []
    report = ingest(
        [corpus_pdf(MIXED), corpus_pdf(TEXT_ONLY)],
        library,
        workers=2,
        page_progress=lambda *progress: heard.append(progress),
    )
    assert {o.file: o.outcome for o in report.outcomes} == {MIXED: INGESTED, TEXT_ONLY: INGESTED}
    # Only the file with a page to OCR reports: first the start, then each page done.
    assert heard == [(MIXED, 0, 1, "OCR"), (MIXED, 1, 1, "OCR")]
    (outcome,) = [o for o in report.outcomes if o.file == MIXED]
    assert library.load_extracted(outcome.sha256).ocr_pages == [8]  # the page reported


def test_the_ingest_progress_bar_shows_the_page_being_ocrd(tmp_path, tesseract, corpus_pdf):
    # The bar is drawn only on a terminal (stderr), so the command gets one, 200 columns wide.
    terminal, command_side = pty.openpty()
    fcntl.ioctl(command_side, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 200, 0, 0))
    command = [sys.executable, "-m", "search_app.cli", "ingest", str(corpus_pdf(MIXED))]
    env = {**os.environ, "STDSEARCH_DATA": str(tmp_path)}
    with subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=command_side
    ) as process:
        os.close(command_side)
        shown = read_terminal(terminal)
        summary = process.stdout.read().decode()
    assert process.returncode == 0, shown + summary
    assert f"OCR {MIXED} 0/1" in shown and f"OCR {MIXED} 1/1" in shown
    assert "1 file(s): 1 ingested" in summary


def read_terminal(fd: int) -> str:
    """All a command wrote to its terminal, once it has exited."""
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the command has closed its side
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode(errors="replace")
