"""OCR ingest throughput on the scanned and garbled-font standards of the corpus.

    python -m tests.bench.bench_ocr [--corpus ../shared/corpus] [--all | --files A.pdf …]

Prints pages/s for (a) plain Tesseract on every page in one process — `chi_sim`, 300 dpi,
page segmentation mode 6, the usual starting point and the reference — and (b) the whole
ingest pipeline with OCR (page geometry, deskew, second readings of large, Latin and code
lines, clean-up, cover, clauses, library, index) with 1 and 2 workers, in the same run,
with ratios. Tesseract runs one thread per process in both, as ingest's workers run it
(its OpenMP threads fighting over two cores take twice as long). Pages are PDF pages; a
scanned spread counts once. By default a sample of three documents (a clean scan, a scan
stored as landscape images on rotated pages, a scan stored at 72 pixels per inch of
PDF page) keeps the run near ten minutes on two cores; `--all` takes the thirteen
documents (about an hour and a half).
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing as mp
import os
import platform
import tempfile
import time
from pathlib import Path

import pdfplumber
import pypdfium2
import pytesseract

from indexer.ingest.pipeline import FAILED, ingest
from indexer.library.store import Library

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ["GB_14554-1993.pdf", "GB_T_32960.1-2016.pdf", "GB_3838-2002.pdf"]


def ocr_files(corpus: Path) -> list[Path]:
    """Documents whose text layer is missing or unusable, per the corpus manifest."""
    with open(corpus / "MANIFEST.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [corpus / r["file"] for r in rows if r["text_layer"] != "yes"]


def plain_tesseract(files: list[Path]) -> float:
    os.environ["OMP_THREAD_LIMIT"] = "1"  # one core, as each ingest worker
    start = time.perf_counter()
    for path in files:
        pdf = pypdfium2.PdfDocument(path)
        try:
            for page in pdf:
                image = page.render(scale=300 / 72).to_pil().convert("L")
                pytesseract.image_to_string(image, lang="chi_sim", config="--psm 6")
        finally:
            pdf.close()
    return time.perf_counter() - start


def pipeline(files: list[Path], workers: int) -> tuple[float, int]:
    """Seconds for the whole ingest with OCR, and how many pages were read by OCR."""
    with tempfile.TemporaryDirectory() as tmp:
        library = Library.open(tmp)
        start = time.perf_counter()
        report = ingest(files, library, workers=workers, use_ocr=True)
        elapsed = time.perf_counter() - start
        failed = [(o.file, o.reason) for o in report.outcomes if o.outcome == FAILED]
        if failed:
            print("failed:", failed)
        ocr_pages = sum(
            len(library.load_extracted(o.sha256).ocr_pages)
            for o in report.outcomes
            if o.sha256 and library.has_extracted(o.sha256)
        )
    return elapsed, ocr_pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--all", action="store_true", help="All scanned/garbled documents.")
    parser.add_argument("--files", nargs="*", help="File names in the corpus to use.")
    args = parser.parse_args()
    names = args.files or (None if args.all else SAMPLE)
    files = ocr_files(args.corpus)
    if names:
        files = [f for f in files if f.name in names]
    pages = sum(len(pdfplumber.open(f).pages) for f in files)
    cpu = platform.processor() or platform.machine()
    print(f"machine: {cpu}, {mp.cpu_count()} cores, Python {platform.python_version()}")
    print(f"tesseract {pytesseract.get_tesseract_version()}")
    print(f"documents: {len(files)} ({', '.join(f.name for f in files)}), {pages} PDF pages")

    reference = plain_tesseract(files)
    print(
        f"{'plain tesseract, 1 process':<32} {pages / reference:6.3f} pages/s  ({reference:.0f} s)"
    )
    seconds = {}
    for workers in (1, 2):
        seconds[workers], read = pipeline(files, workers)
        label = f"ingest with OCR, {workers} worker{'s' if workers > 1 else ''}"
        rate = pages / seconds[workers]
        print(f"{label:<32} {rate:6.3f} pages/s  ({seconds[workers]:.0f} s, {read} pages by OCR)")
    print(f"pipeline cost vs plain tesseract (1 core): {seconds[1] / reference:.2f}x")
    print(f"pipeline scaling 1 → 2 workers: {seconds[1] / seconds[2]:.2f}x")


if __name__ == "__main__":
    main()
