"""Page images of originals: bounded in pixels, named only by content hash and page."""

from __future__ import annotations

import io
import threading

import pytest
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from indexer.library.store import Library
from search_app.web.page_images import (
    MAX_SIDE_PX,
    PageOutOfRange,
    page_image_path,
    page_png,
    render_png,
)

SHA = "ab" * 32


def pdf_with_page(path, size):
    canvas = Canvas(str(path), pagesize=size)
    canvas.drawString(20, 20, "page")
    canvas.showPage()
    canvas.save()
    return path


def test_a_scan_stored_at_one_point_per_pixel_stays_within_the_size_limit(tmp_path):
    # Some scans are stored as 2480 x 3504 pt pages; at 150 dpi that would be 27 megapixels.
    png = render_png(pdf_with_page(tmp_path / "big.pdf", (2480, 3504)), 1)
    with Image.open(io.BytesIO(png)) as image:
        assert max(image.size) == MAX_SIDE_PX
        assert image.size[0] / image.size[1] == pytest.approx(2480 / 3504, rel=0.01)


def test_pages_outside_the_document_are_refused(tmp_path):
    pdf = pdf_with_page(tmp_path / "one.pdf", (595, 842))
    with pytest.raises(PageOutOfRange):
        render_png(pdf, 2)
    with pytest.raises(PageOutOfRange):
        render_png(pdf, 0)


def test_cache_paths_accept_only_a_content_hash_and_a_page_number(tmp_path):
    library = Library.open(tmp_path / "lib")
    path = page_image_path(library, SHA, 3)
    assert path == library.root / "page-images" / "ab" / f"{SHA}-3.png"
    for sha, page in (("../" * 21 + "x", 1), (SHA.upper(), 1), (SHA, 0), (SHA, -4)):
        with pytest.raises(PageOutOfRange):
            page_image_path(library, sha, page)


def test_page_png_renders_once_and_then_reads_the_cache(tmp_path):
    library = Library.open(tmp_path / "lib")
    original = library.original_path(SHA)
    original.parent.mkdir(parents=True)
    pdf_with_page(original, (595, 842))
    first = page_png(library, SHA, 1, threading.Lock())
    stamp = first.stat().st_mtime_ns
    assert page_png(library, SHA, 1, threading.Lock()) == first
    assert first.stat().st_mtime_ns == stamp
    with pytest.raises(FileNotFoundError):
        page_png(library, "cd" * 32, 1, threading.Lock())


def test_the_cache_keeps_at_most_its_bound_dropping_the_oldest(tmp_path):
    library = Library.open(tmp_path / "lib")
    original = library.original_path(SHA)
    original.parent.mkdir(parents=True)
    canvas = Canvas(str(original), pagesize=(200, 200))
    for number in range(4):
        canvas.drawString(20, 20, f"page {number + 1}")
        canvas.showPage()
    canvas.save()
    lock = threading.Lock()
    made = [page_png(library, SHA, n, lock, max_cached=2) for n in (1, 2, 3, 4)]
    kept = sorted((library.root / "page-images").glob("*/*.png"))
    assert kept == sorted(made[2:])
