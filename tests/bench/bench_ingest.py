"""Ingest throughput over the real corpus: raw pdfplumber text vs the whole pipeline.

    python -m tests.bench.bench_ingest [--corpus ../shared/corpus] [--repeat 1]

Prints pages/s for (a) raw `page.extract_text()` in one process — the reference — and
(b) the whole ingest pipeline (validation, extraction and clean-up, cover, clauses,
terms, references, library, catalogue, index) with 1 and 2 workers, in the same run,
with ratios. OCR is off: scanned pages are measured by bench_ocr.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing as mp
import platform
import statistics
import tempfile
import time
from pathlib import Path

import pdfplumber

from indexer.ingest.pipeline import ingest
from indexer.library.store import Library

ROOT = Path(__file__).resolve().parents[2]


def text_layer_files(corpus: Path) -> list[Path]:
    with open(corpus / "MANIFEST.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [corpus / r["file"] for r in rows if r["text_layer"] in ("yes", "partial")]


def raw_extract(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
        return len(pdf.pages)


def raw_run(files: list[Path], workers: int) -> tuple[float, int]:
    start = time.perf_counter()
    if workers == 1:
        pages = sum(raw_extract(f) for f in files)
    else:
        with mp.get_context("fork").Pool(workers) as pool:
            pages = sum(pool.map(raw_extract, files, chunksize=1))
    return time.perf_counter() - start, pages


def pipeline_run(files: list[Path], workers: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        library = Library.open(tmp)
        start = time.perf_counter()
        report = ingest(files, library, workers=workers, use_ocr=False)
        elapsed = time.perf_counter() - start
    failed = [o for o in report.outcomes if o.outcome == "failed"]
    if failed:
        print("failed:", [(o.file, o.reason) for o in failed])
    return elapsed, 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    files = text_layer_files(args.corpus)
    pages = sum(len(pdfplumber.open(f).pages) for f in files)
    print(
        f"machine: {platform.machine()}, {mp.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"corpus: {len(files)} files with a text layer, {pages} pages; median of {args.repeat} run(s)"
    )
    rows = {}
    for label, run, workers in [
        ("raw extract_text, 1 process", raw_run, 1),
        ("raw extract_text, 2 processes", raw_run, 2),
        ("ingest pipeline, 1 worker", pipeline_run, 1),
        ("ingest pipeline, 2 workers", pipeline_run, 2),
    ]:
        times = [run(files, workers)[0] for _ in range(args.repeat)]
        rows[label] = statistics.median(times)
        print(f"{label:<32} {pages / rows[label]:7.1f} pages/s  ({rows[label]:.1f} s)")
    raw1 = rows["raw extract_text, 1 process"]
    p1, p2 = rows["ingest pipeline, 1 worker"], rows["ingest pipeline, 2 workers"]
    print(f"pipeline cost vs raw extraction (1 core): {p1 / raw1:.2f}x")
    print(f"pipeline scaling 1 → 2 workers: {p1 / p2:.2f}x")


if __name__ == "__main__":
    main()
