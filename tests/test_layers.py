"""The layers of design.md hold: import-linter's contracts (setup.cfg) are kept.

An upward import (the library reaching for an engine, the search core for Whoosh, the
engine for Flask) or a cycle between a package's modules fails here, in CI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def lint_imports() -> str:
    found = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert found, "import-linter is not installed (pip install -e '.[test]')"
    return found


def test_every_import_contract_is_kept():
    run = subprocess.run(
        [lint_imports(), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def test_a_contract_fails_on_an_upward_import(tmp_path):
    """The contracts bite: a copy of the code where the library imports the engine breaks
    the layers."""
    for package in ("analyzers", "indexer", "search_app"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "setup.cfg", tmp_path / "setup.cfg")
    status = tmp_path / "indexer" / "library" / "status.py"
    status.write_text("from indexer.engine import open_engine  # noqa\n" + status.read_text())
    run = subprocess.run(
        [lint_imports(), "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode != 0
    assert "indexer.library.status -> indexer.engine" in run.stdout
