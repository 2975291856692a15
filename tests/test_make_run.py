"""`make run` on this checkout: ingests the samples and serves the site (the README's first command)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_run_serves_the_samples(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        ["make", "run", f"DATA={tmp_path / 'instance'}", f"PORT={port}"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        page = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/search?q=t/stds001", timeout=10
                ) as r:
                    page = r.read().decode()
                    break
            except OSError:
                time.sleep(1)
        assert page is not None, (
            process.stdout.read() if process.poll() is not None else "no answer"
        )
        assert "T/STDS 001-2026" in page and "标准文献数字化加工规范" in page
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
