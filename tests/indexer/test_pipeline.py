"""Ingest pipeline end to end on real files, and every kind of bad input.

Each bad file must get a one-line reason in the report and the ingest log, the rest of
the batch must go on, and the library must stay consistent.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.engine.whoosh.engine import WhooshEngine
from indexer.ingest.pipeline import FAILED, INGESTED, UNCHANGED, ingest
from indexer.library.catalogue import Catalogue
from indexer.library.store import Library
from indexer.pdf.validate import Limits

pytestmark = pytest.mark.corpus

SMALL = "GB_5085.7-2019.pdf"  # 5 pages, text layer


def zero_page_pdf() -> bytes:
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def encrypted_pdf(path: Path) -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", "owner"))
    pdf.drawString(100, 700, "locked")
    pdf.save()


@pytest.fixture
def bad_batch(tmp_path, corpus_pdf) -> Path:
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(corpus_pdf(SMALL), batch / SMALL)
    (batch / "empty.pdf").write_bytes(b"")
    (batch / "not-a-pdf.pdf").write_text("这不是 PDF 文件 / not a PDF", encoding="utf-8")
    good = corpus_pdf(SMALL).read_bytes()
    (batch / "truncated.pdf").write_bytes(good[: len(good) // 3])
    (batch / "zero-pages.pdf").write_bytes(zero_page_pdf())
    encrypted_pdf(batch / "encrypted.pdf")
    return batch


def test_bad_files_are_reported_and_the_batch_goes_on(bad_batch, tmp_path):
    library = Library.open(tmp_path / "lib")
    report = ingest([bad_batch], library, workers=2)
    by_file = {o.file: o for o in report.outcomes}
    assert by_file[SMALL].outcome == INGESTED
    expected = {
        "empty.pdf": "empty",
        "not-a-pdf.pdf": "not a PDF",
        "truncated.pdf": "corrupt",
        "zero-pages.pdf": "no pages",
        "encrypted.pdf": "encrypted",
    }
    for name, words in expected.items():
        assert by_file[name].outcome == FAILED, name
        assert words in by_file[name].reason, (name, by_file[name].reason)
        assert "\n" not in by_file[name].reason
    with Catalogue(library.catalogue_path) as catalogue:
        assert len(catalogue.shas()) == 1
        logged = {e.file: e for e in catalogue.ingest_log()}
        assert all(logged[name].outcome == FAILED for name in expected)
    assert WhooshEngine(library).indexed_shas() == {by_file[SMALL].sha256}


def test_page_limit_and_time_limit(tmp_path, corpus_pdf):
    library = Library.open(tmp_path / "lib")
    big = corpus_pdf("GB_T_28181-2016.pdf")  # 213 pages
    report = ingest([big], library, limits=Limits(max_pages=100))
    assert report.outcomes[0].outcome == FAILED
    assert "too many pages" in report.outcomes[0].reason
    # A parser that runs past its deadline is killed and reported, as a looping pdfminer would be.
    # The deadline leaves the 5-page file room on a busy machine; the 213-page one needs far more.
    report = ingest(
        [big, corpus_pdf(SMALL)],
        library,
        workers=2,
        limits=Limits(seconds_per_file=8, seconds_per_page=0.01),
        use_ocr=False,
    )
    by_file = {o.file: o for o in report.outcomes}
    assert by_file[big.name].outcome == FAILED
    assert "longer than" in by_file[big.name].reason
    assert by_file[SMALL].outcome == INGESTED


def test_the_check_of_each_file_runs_under_a_time_limit(tmp_path, corpus_pdf):
    """A file the checks would chew on (pdfminer reading a damaged file object by object)
    is refused when its time is up; the other files of the batch are ingested."""
    from tests.conftest import slow_pdf

    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "slow.pdf").write_bytes(slow_pdf(1.5))
    shutil.copy(corpus_pdf(SMALL), batch / SMALL)
    library = Library.open(tmp_path / "lib")
    report = ingest([batch], library, limits=Limits(check_seconds=0.5), use_ocr=False)
    by_file = {o.file: o for o in report.outcomes}
    assert by_file["slow.pdf"].outcome == FAILED
    assert "longer than the 0.5 s limit" in by_file["slow.pdf"].reason
    assert by_file[SMALL].outcome == INGESTED
    with Catalogue(library.catalogue_path) as catalogue:
        assert len(catalogue.shas()) == 1


def test_reingest_is_idempotent_and_reindex_needs_no_pdf(tmp_path, corpus_pdf):
    library = Library.open(tmp_path / "lib")
    first = ingest([corpus_pdf(SMALL)], library)
    again = ingest([corpus_pdf(SMALL)], library)
    assert first.outcomes[0].outcome == INGESTED
    assert again.outcomes[0].outcome == UNCHANGED
    from indexer.ingest.reindex import rebuild_index

    assert rebuild_index(library) == 1
    assert WhooshEngine(library).indexed_shas() == {first.outcomes[0].sha256}


def test_changed_file_replaces_its_entry_and_new_edition_links(tmp_path):
    from corpus.typeset import typeset
    from tests.conftest import SAMPLES

    source = (SAMPLES / "T_STDS_002-2025.txt").read_text(encoding="utf-8")
    library = Library.open(tmp_path / "lib")
    (tmp_path / "v1").mkdir()
    (tmp_path / "v2").mkdir()
    first = typeset(source, tmp_path / "v1" / "T_STDS_002-2025.pdf")
    ingest([first], library)
    changed = typeset(
        source.replace("检索服务应通过HTTPS提供", "检索服务应仅通过HTTPS提供"),
        tmp_path / "v2" / "T_STDS_002-2025.pdf",
    )
    report = ingest([changed], library)
    outcome = report.outcomes[0]
    assert outcome.outcome == INGESTED and len(outcome.replaced) == 1
    with Catalogue(library.catalogue_path) as catalogue:
        assert catalogue.shas() == [outcome.sha256]
    assert WhooshEngine(library).indexed_shas() == {outcome.sha256}
    assert library.trash_path(outcome.replaced[0]).exists()

    ingest([SAMPLES / "T_STDS_001-2024.pdf", SAMPLES / "T_STDS_001-2026.pdf"], library)
    with Catalogue(library.catalogue_path) as catalogue:
        by_no = {m["std_no"]: m for m in catalogue.all_metadata()}
    assert by_no["T/STDS 001-2024"]["status"] == "被代替"
    assert by_no["T/STDS 001-2024"]["replaced_by"] == "T/STDS 001-2026"
    assert by_no["T/STDS 001-2026"]["replaces"] == ["T/STDS 001-2024"]


def test_index_columns_survive_standards_without_clauses(tmp_path, corpus_pdf):
    """Regression: a scanned standard (no clauses until OCR) indexed after others made
    Whoosh 2.7.4's column reader fail with "array index out of range"."""
    from search_app.search import search

    library = Library.open(tmp_path / "lib")
    from tests.conftest import SAMPLES

    for path in [
        SAMPLES / "T_STDS_002-2025.pdf",
        corpus_pdf("GB_3838-2002.pdf"),
        SAMPLES / "T_STDS_003-2026.pdf",
        corpus_pdf("GB_8978-1996.pdf"),
    ]:
        ingest([path], library, use_ocr=False)
    ingest([SAMPLES / "T_STDS_002-2025.pdf"], library, use_ocr=False)
    index = WhooshEngine(library)
    for query in ("gb3838", "检索请求", "gb8978", "元数据"):
        assert search(index, query).hits, query
