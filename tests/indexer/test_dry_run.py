"""`ingest --dry-run` tells what a batch would do, and does none of it.

The prediction is checked against what the real ingest of the same batch then does.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from corpus.typeset import typeset
from indexer.ingest.pipeline import (
    FAILED,
    INGESTED,
    UNCHANGED,
    WOULD_INGEST,
    WOULD_REPLACE,
    ingest,
)
from indexer.library.store import Library
from search_app.cli import main
from tests.conftest import SAMPLES

CHANGED = "T_STDS_002-2025.pdf"


def library_state(library: Library) -> tuple[dict, list[str]]:
    """Every stored file with its size and time, and every catalogue row."""
    files = {
        str(p.relative_to(library.root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(library.root.rglob("*"))
        if p.is_file() and not p.name.startswith("catalogue.sqlite")
    }
    db = sqlite3.connect(library.catalogue_path)
    try:
        rows = list(db.iterdump())
    finally:
        db.close()
    return files, rows


def test_dry_run_reports_new_changed_unchanged_and_invalid_and_changes_nothing(tmp_path):
    library = Library.open(tmp_path / "library")
    (tmp_path / "v1").mkdir()
    source = (SAMPLES / CHANGED.replace(".pdf", ".txt")).read_text(encoding="utf-8")
    ingest([typeset(source, tmp_path / "v1" / CHANGED), SAMPLES / "T_STDS_003-2026.pdf"], library)

    batch = tmp_path / "batch"
    batch.mkdir()
    typeset(source.replace("检索服务应通过HTTPS提供", "检索服务应仅通过HTTPS提供"), batch / CHANGED)
    for name in ("T_STDS_003-2026.pdf", "T_STDS_001-2026.pdf"):
        (batch / name).write_bytes((SAMPLES / name).read_bytes())
    (batch / "not-a-pdf.pdf").write_text("这不是 PDF 文件", encoding="utf-8")
    before = library_state(library)

    report = ingest([batch], library, dry_run=True)
    predicted = {o.file: o for o in report.outcomes}
    assert {name: o.outcome for name, o in predicted.items()} == {
        CHANGED: WOULD_REPLACE,
        "T_STDS_003-2026.pdf": UNCHANGED,
        "T_STDS_001-2026.pdf": WOULD_INGEST,
        "not-a-pdf.pdf": FAILED,
    }
    assert predicted[CHANGED].std_no == "T/STDS 002-2025" and len(predicted[CHANGED].replaced) == 1
    assert "not a PDF" in predicted["not-a-pdf.pdf"].reason
    assert library_state(library) == before

    # The command line says the same, exits 1 for the invalid file, and changes nothing.
    result = CliRunner().invoke(
        main, ["--data", str(library.root), "ingest", str(batch), "--dry-run", "--json"]
    )
    assert result.exit_code == 1
    assert {o["file"]: o["outcome"] for o in json.loads(result.stdout)} == {
        name: o.outcome for name, o in predicted.items()
    }
    assert library_state(library) == before

    done = {o.file: o for o in ingest([batch], library).outcomes}
    assert done[CHANGED].outcome == INGESTED
    assert done[CHANGED].replaced == predicted[CHANGED].replaced
    assert done["T_STDS_001-2026.pdf"].outcome == INGESTED
    assert done["T_STDS_003-2026.pdf"].outcome == UNCHANGED
    assert done["not-a-pdf.pdf"].outcome == FAILED


def test_dry_run_on_an_empty_library_predicts_every_file(tmp_path):
    library = Library.open(tmp_path / "library")
    report = ingest([SAMPLES], library, dry_run=True)
    assert {o.outcome for o in report.outcomes} == {WOULD_INGEST}
    assert len(report.outcomes) == len(list(Path(SAMPLES).glob("*.pdf")))
    assert not any((library.root / "originals").iterdir())
