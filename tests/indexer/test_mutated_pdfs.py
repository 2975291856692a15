"""Damaged copies of real standards in one batch: flipped bytes, truncated files, a broken
cross-reference table, a page of absurd size, objects nested thousands deep.

Each copy is ingested or refused with a reason, within its deadline; the batch goes on
past every refusal; and the library then holds exactly the copies that went in (those a
later copy of the same standard replaced excepted): catalogue, stored originals and index
agree. The copies come from a seeded `random.Random`: a failure names the seed and the
mutation, and reproduces.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from indexer.engine.whoosh.engine import WhooshEngine
from indexer.ingest.consistency import check_and_repair
from indexer.ingest.pipeline import FAILED, INGESTED, NEEDS_OCR, UNCHANGED, ingest
from indexer.library.catalogue import Catalogue
from indexer.library.store import Library
from indexer.pdf.validate import Limits
from tests.conftest import text_layer_files

pytestmark = pytest.mark.corpus

SEED = 7714
# Tight, so that a mutation that makes a parser loop costs seconds, not minutes.
LIMITS = Limits(seconds_per_file=30.0, seconds_per_page=2.0, check_seconds=10.0)


def flip_bytes(pdf: bytes, rng: random.Random) -> bytes:
    data = bytearray(pdf)
    for _ in range(rng.randint(1, 40)):
        at = rng.randrange(9, len(data))  # past the header, which only says "not a PDF"
        data[at] ^= 1 << rng.randrange(8)
    return bytes(data)


def truncate(pdf: bytes, rng: random.Random) -> bytes:
    return pdf[: rng.randrange(16, len(pdf))]


def break_xref(pdf: bytes, rng: random.Random) -> bytes:
    """The table's offsets, or the pointer to it, made wrong."""
    if rng.random() < 0.5:
        return re.sub(rb"startxref\s+\d+", b"startxref\n%d" % rng.randrange(10**9), pdf)
    return re.sub(rb"\d{10} \d{5} n", lambda _: b"%010d 00000 n" % rng.randrange(10**10), pdf)


def huge_mediabox(pdf: bytes, rng: random.Random) -> bytes:
    size = rng.choice([b"99999999", b"1e300", b"-99999999", b"0"])
    return re.sub(rb"/MediaBox\s*\[[^\]]*\]", b"/MediaBox [0 0 " + size + b" " + size + b"]", pdf)


def deep_nesting(pdf: bytes, rng: random.Random) -> bytes:
    """An object nested thousands deep, which a reader rebuilding the lost table meets."""
    depth = rng.choice([1000, 10_000, 100_000])
    nested = b"9999 0 obj\n" + b"[" * depth + b"]" * depth + b"\nendobj\n"
    return re.sub(rb"startxref\s+\d+", b"startxref\n0", pdf) + nested


MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "flipped": flip_bytes,
    "truncated": truncate,
    "xref": break_xref,
    "mediabox": huge_mediabox,
    "nested": deep_nesting,
}


def mutated_batch(sources: list[Path], folder: Path, count: int, seed: int) -> list[Path]:
    rng = random.Random(seed)
    folder.mkdir()
    names = sorted(MUTATIONS)
    made = []
    for n in range(count):
        source, mutation = rng.choice(sources), names[n % len(names)]
        path = folder / f"{n:03d}-{mutation}-{source.name}"
        path.write_bytes(MUTATIONS[mutation](source.read_bytes(), rng))
        made.append(path)
    return made


def ingest_mutated(tmp_path: Path, corpus_dir: Path, count: int, seed: int) -> None:
    files = mutated_batch(text_layer_files(corpus_dir, 3), tmp_path / "mutated", count, seed)
    library = Library.open(tmp_path / "library")
    started = time.monotonic()
    report = ingest(files, library, workers=2, limits=LIMITS, use_ocr=False)
    elapsed = time.monotonic() - started
    outcomes = {o.file: o for o in report.outcomes}
    assert set(outcomes) == {p.name for p in files}, f"seed {seed}: the batch stopped early"
    for outcome in report.outcomes:
        assert outcome.outcome in (INGESTED, NEEDS_OCR, UNCHANGED, FAILED), outcome
        if outcome.outcome == FAILED:
            assert outcome.reason, f"seed {seed}: {outcome.file} refused without a reason"
    # Every copy is parsed or refused within its own deadline; the batch within their sum.
    allowed = sum(LIMITS.check_seconds + LIMITS.deadline(60, False) for _ in files)
    assert elapsed < allowed, f"seed {seed}: {elapsed:.0f} s"

    # Replayed in the order the library took them: a copy may replace an earlier one of
    # the same standard, and an identical copy later in the batch may come back after it.
    expected: set[str] = set()
    for o in report.outcomes:
        expected -= set(o.replaced)
        if o.outcome in (INGESTED, NEEDS_OCR):
            expected.add(o.sha256)
    with Catalogue(library.catalogue_path) as catalogue:
        listed = set(catalogue.shas())
    stored = {p.stem for p in (library.root / "originals").glob("*/*.pdf")}
    assert listed == expected, f"seed {seed}"
    assert stored == listed, f"seed {seed}: store and catalogue disagree"
    assert WhooshEngine(library).indexed_shas() == listed, f"seed {seed}: index disagrees"
    assert check_and_repair(library).changed is False
    counts = {k: sum(1 for o in report.outcomes if o.outcome == k) for k in (INGESTED, FAILED)}
    print(f"seed {seed}: {len(files)} copies in {elapsed:.0f} s, {counts}")


def test_twenty_damaged_copies_are_each_ingested_or_refused_and_the_batch_goes_on(
    tmp_path, corpus_dir
):
    ingest_mutated(tmp_path, corpus_dir, 20, SEED)


@pytest.mark.slow
@pytest.mark.long
def test_two_hundred_damaged_copies_are_each_ingested_or_refused_and_the_batch_goes_on(
    tmp_path, corpus_dir
):
    ingest_mutated(tmp_path, corpus_dir, 200, SEED + 1)
