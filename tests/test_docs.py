"""The README is run, so it cannot drift from the code (as sqlite-utils tests its docs)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"^\$ (stdsearch .+)$", README, flags=re.MULTILINE)


def stdsearch(*args: str, data: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "STDSEARCH_DATA": str(data)}
    command = [sys.executable, "-m", "search_app.cli", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def test_readme_has_examples():
    assert len(EXAMPLES) >= 5
    assert README.startswith("# stdsearch")
    assert "make run" in README.split("\n## ")[0] and "make test" in README.split("\n## ")[0]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("readme-data")


@pytest.mark.parametrize("example", EXAMPLES)
def test_readme_example_runs(example, data_dir):
    args = shlex.split(example)[1:]
    if args[0] != "ingest":
        # Every example after the first runs against a library that holds the samples.
        stdsearch("ingest", "corpus/samples", data=data_dir)
    result = stdsearch(*args, data=data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip(), f"{example} printed nothing"


def test_every_command_is_documented_and_has_help():
    from click.testing import CliRunner

    from search_app.cli import main

    runner = CliRunner()
    for name in main.commands:
        assert f"`{name}" in README or f"stdsearch {name}" in README, f"{name} missing from README"
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output
