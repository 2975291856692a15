"""Bulk export of a large catalogue: peak memory and time of `stdsearch export catalogue`.

A synthetic catalogue of N standards (default 100,000; a real catalogue.sqlite, the real
schema, filled by a bulk insert) is exported in a subprocess, whose peak RSS is compared
with the export of 100 standards (the reference: the process's own baseline); the same
export is then run in this process with tracemalloc, for the peak of Python allocations.

python -m tests.bench export [--count N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path

from indexer.library.catalogue import Catalogue
from indexer.library.exchange import export_records, jsonl_lines
from tests.indexer.test_exchange import export_peak_rss_mb, synthetic_catalogue


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        small = synthetic_catalogue(work / "small", 100)
        started = time.monotonic()
        large = synthetic_catalogue(work / "large", args.count)
        print(f"catalogue of {args.count} standards built in {time.monotonic() - started:.1f} s")
        base, _ = export_peak_rss_mb(small.root, work / "small.jsonl")
        peak, seconds = export_peak_rss_mb(large.root, work / "large.jsonl")
        size = (work / "large.jsonl").stat().st_size / 2**20
        print(f"stdsearch export catalogue, 100 standards: peak RSS {base:.1f} MB")
        print(
            f"stdsearch export catalogue, {args.count} standards: peak RSS {peak:.1f} MB"
            f" (+{peak - base:.1f} MB), {seconds:.1f} s, {args.count / seconds:,.0f} records/s,"
            f" {size:.1f} MB written"
        )
        tracemalloc.start()
        with Catalogue(large.catalogue_path) as catalogue, open(work / "t.jsonl", "w") as f:
            for line in jsonl_lines(export_records(catalogue)):
                f.write(line)
        traced = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"in-process export, peak traced Python allocations: {traced:.2f} MB")


if __name__ == "__main__":
    main()
