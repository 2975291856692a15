"""One page of a stored original as a PNG, for readers checking OCR text against the scan.

Rendering a page costs a fraction of a second to a few seconds, and the same pages are
asked for again and again (every OCR clause links to its page), so each image is kept on
disk under the library. Images are bounded in pixels whatever the page size: some scans
are stored at one point per pixel (an A4 page 2480 × 3504 pt), which at a fixed dpi
would make images of hundreds of megapixels.
"""

from __future__ import annotations

import io
import re
import threading
from pathlib import Path

from indexer.library.store import Library, atomic_write_bytes

DPI = 150
MAX_SIDE_PX = 1600  # long side of the image; an A4 page at 150 dpi is 1754 px
MAX_CACHED_PAGES = 5000  # about 1 GB of page images; the least recently made go first
CACHE_DIR = "page-images"
_SHA = re.compile(r"[0-9a-f]{64}")


class PageOutOfRange(ValueError):
    pass


def page_image_path(library: Library, sha256: str, page_no: int) -> Path:
    """Where the image of a page is cached: named by content hash and page number only."""
    if not _SHA.fullmatch(sha256) or page_no < 1:
        raise PageOutOfRange(f"no page {page_no} of {sha256[:12]}")
    return library.root / CACHE_DIR / sha256[:2] / f"{sha256}-{page_no}.png"


def page_png(
    library: Library,
    sha256: str,
    page_no: int,
    lock: threading.Lock,
    max_cached: int = MAX_CACHED_PAGES,
) -> Path:
    """The cached PNG of a 1-based page of an original, rendering it on first use.

    `lock` serialises rendering: PDFium is not thread-safe and the server is threaded.
    """
    target = page_image_path(library, sha256, page_no)
    if target.is_file():
        return target
    original = library.original_path(sha256)
    if not original.is_file():
        raise FileNotFoundError(original)
    with lock:
        if not target.is_file():
            atomic_write_bytes(target, render_png(original, page_no))
            _evict(library.root / CACHE_DIR, keep=max_cached, spare=target)
    return target


def _evict(cache: Path, keep: int, spare: Path) -> None:
    """Delete the oldest images beyond `keep`: the cache never outgrows its bound."""
    images = list(cache.glob("*/*.png"))
    if len(images) <= keep:
        return
    images.sort(key=lambda path: path.stat().st_mtime_ns)
    for path in images[: len(images) - keep]:
        if path != spare:
            path.unlink(missing_ok=True)


def render_png(pdf_path: Path, page_no: int) -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        if not 1 <= page_no <= len(pdf):
            raise PageOutOfRange(f"the document has {len(pdf)} pages, not {page_no}")
        page = pdf[page_no - 1]
        try:
            width, height = page.get_size()
            scale = min(DPI / 72, MAX_SIDE_PX / max(width, height, 1))
            image = page.render(scale=scale, grayscale=True).to_pil()
        finally:
            page.close()
    finally:
        pdf.close()
    buffer = io.BytesIO()
    image.convert("L").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
