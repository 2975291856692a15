"""Shared fixtures: where the real corpus and gold data live.

The real PDFs are never copied into the project; they are read from `../shared/`.
Outside CI a missing corpus skips the tests that need it; under `CI=true` it fails them,
so a broken checkout can never pass by skipping.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("STDSEARCH_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
GOLD = SHARED / "gold"
EVAL = SHARED / "eval"


def _require(path: Path) -> Path:
    if path.exists():
        return path
    message = f"{path} is missing: the real corpus must sit beside the project in ../shared"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return _require(CORPUS)


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    return _require(GOLD)


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    return _require(EVAL)


@pytest.fixture(scope="session")
def corpus_pdf(corpus_dir):
    """corpus_pdf("GB_T_7714-2015.pdf") -> path of that real PDF."""

    def find(name: str) -> Path:
        return _require(corpus_dir / name)

    return find
