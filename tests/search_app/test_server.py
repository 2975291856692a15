"""`stdsearch serve` as a librarian runs it: gunicorn's master and worker processes over
one library, counted together, stopped together."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from search_app.web.server import ServerOptions, behind_proxies, take_queue_lock
from tests.conftest import free_ports, stdsearch_process, wait_for

QUERIES = ("扫描 分辨率", "文字识别", "t/stds 001", "参考文献 著录", "质量检查", "图像采集")


def children(pid: int) -> set[int]:
    """The processes whose parent is `pid`."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name, in brackets, may hold spaces: the parent follows it.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def get(url: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()
    except OSError:
        return 0, {}, ""


def search(base: str, query: str) -> int:
    return get(f"{base}/api/search?{urllib.parse.urlencode({'q': query, 'limit': 5})}")[0]


def worker_pids_counted(metrics_dir: Path) -> set[int]:
    """Workers that wrote counts: prometheus_client keeps one file per process."""
    return {
        int(m.group(1))
        for f in metrics_dir.glob("*.db")
        if (m := re.search(r"_(\d+)\.db$", f.name))
    }


@pytest.fixture()
def served(samples_library, tmp_path, monkeypatch):
    """`stdsearch serve --workers 2` on a copy of the samples library, its metrics in a
    folder the test reads; stopped with SIGTERM, and killed should a test fail first."""
    data = tmp_path / "lib"
    shutil.copytree(samples_library.root, data)
    metrics_dir = tmp_path / "metrics"
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(metrics_dir))
    port = free_ports(1)
    process = stdsearch_process(data, "serve", "--port", str(port), "--workers", "2")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(
            lambda: process.poll() is not None or get(f"{base}/healthz")[0] == 200,
            120,
            "the server to answer /healthz",
        )
        assert process.poll() is None, process.communicate()[1]
        yield process, base, metrics_dir
    finally:
        if process.poll() is None:
            for pid in children(process.pid):
                os.kill(pid, signal.SIGKILL)
            process.kill()
            process.communicate()


def test_two_workers_answer_searches_are_counted_together_and_stop_together(served):
    process, base, metrics_dir = served
    status, headers, body = get(f"{base}/api/search?q=t/stds001&limit=1")
    assert status == 200 and json.loads(body)["hits"][0]["std_no"] == "T/STDS 001-2026"
    assert "/" not in headers.get("Server", ""), "the Server header names a version"

    workers = children(process.pid)
    assert len(workers) == 2, workers

    # Parallel searches, until both workers have answered some (each writes its own
    # count files): the master hands connections to whichever worker is free.
    sent = 0
    with ThreadPoolExecutor(8) as pool:

        def both_answered() -> bool:
            nonlocal sent
            answers = list(pool.map(lambda i: search(base, QUERIES[i % len(QUERIES)]), range(24)))
            assert answers == [200] * 24
            sent += len(answers)
            return workers <= worker_pids_counted(metrics_dir)

        wait_for(both_answered, 60, "searches answered by both workers")

    # One scrape, answered by one worker, counts every worker's searches.
    _, _, metrics = get(f"{base}/metrics")
    counted = re.search(
        r'stdsearch_http_requests_total\{method="GET",route="/api/search",status="2xx"\} (\S+)',
        metrics,
    )
    assert counted and float(counted.group(1)) == sent + 1
    assert (
        'stdsearch_http_request_duration_seconds_bucket{le="0.5",method="GET",route="/api/search"'
        in metrics
    )

    process.send_signal(signal.SIGTERM)
    process.wait(60)
    assert process.returncode == 0, process.communicate()[1]
    left = [pid for pid in workers | {process.pid} if alive(pid)]
    assert not left, f"processes left after SIGTERM: {left}"


def test_one_process_at_a_time_runs_the_upload_queue(tmp_path):
    first = take_queue_lock(tmp_path)
    assert first is not None
    assert take_queue_lock(tmp_path) is None
    first.close()  # as when its worker exits
    second = take_queue_lock(tmp_path)
    assert second is not None
    second.close()


def test_workers_default_to_one_per_core():
    assert ServerOptions().worker_count == len(os.sched_getaffinity(0))
    assert ServerOptions(workers=3).worker_count == 3
    assert ServerOptions(host="::1", port=8000).bind == "[::1]:8000"


def test_client_addresses_come_from_the_proxy_only_when_asked(samples_library):
    from flask import request

    from search_app.web.app import create_app

    def address_seen(proxies: int) -> str:
        config = {"DATA_DIR": str(samples_library.root), "UPLOAD_QUEUE": False}
        app = behind_proxies(create_app(config), proxies)
        app.add_url_rule("/address", "address", lambda: request.remote_addr)
        forwarded = {"X-Forwarded-For": "203.0.113.7"}
        return app.test_client().get("/address", headers=forwarded).get_data(as_text=True)

    assert address_seen(0) == "127.0.0.1"
    assert address_seen(1) == "203.0.113.7"
