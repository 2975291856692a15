"""What the people running the site read: `/healthz`, `/metrics`, and whether OCR is
available (on the librarian desk and in `stdsearch stats`)."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from indexer.engine.sphinxql.nodes import configure
from indexer.pdf.ocr import tesseract_status
from search_app.cli import main
from search_app.web.app import create_app
from tests.conftest import PASSWORD, free_ports


def stdsearch(data, *args: str):
    return CliRunner().invoke(main, ["--data", str(data), *args])


@pytest.fixture(scope="module")
def data(samples_library, tmp_path_factory):
    copy = tmp_path_factory.mktemp("operations") / "lib"
    shutil.copytree(samples_library.root, copy)
    result = stdsearch(copy, "user", "add", "librarian", "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    return copy


@pytest.fixture()
def client(data):
    app = create_app({"DATA_DIR": str(data), "UPLOAD_QUEUE": False})
    return app.test_client()


def test_healthz_reports_library_engine_and_ocr(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["library"] == {"ok": True, "standards": 4, "error": ""}
    assert body["engine"] == {"ok": True, "name": "whoosh", "pending_writes": 0, "error": ""}
    reason = tesseract_status()
    assert body["ocr"] == {"available": reason is None, "reason": reason or ""}


def test_healthz_is_503_when_the_cluster_does_not_answer(data, tmp_path):
    """A cluster laid out but not running: the site starts without its start-up check
    (as a worker of `stdsearch serve` does), and a load balancer is told not to send it
    searches."""
    folder = tmp_path / "cluster"
    configure(folder, shards=2, port=free_ports(5))
    config = {"SEARCH_ENGINE": "sphinxql", "CLUSTER_DIR": str(folder), "UPLOAD_QUEUE": False}
    app = create_app({"DATA_DIR": str(data), "REPAIR_ON_START": False, **config})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["library"]["ok"] is True
    assert body["engine"]["ok"] is False and body["engine"]["name"] == "sphinxql"
    assert "does not answer" in body["engine"]["error"]


def test_metrics_count_requests_by_route_and_status_class(client):
    assert client.get("/api/search?q=gb&limit=1").status_code == 200
    assert client.get("/api/search?q=gb&limit=2").status_code == 200
    assert client.get("/no/such/page/12345").status_code == 404
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    text = response.get_data(as_text=True)
    search = 'method="GET",route="/api/search",status="2xx"'
    assert f"stdsearch_http_requests_total{{{search}}} 2.0" in text
    assert f"stdsearch_http_request_duration_seconds_count{{{search}}} 2.0" in text
    assert f'stdsearch_http_request_duration_seconds_bucket{{le="0.5",{search}}}' in text
    # One series for every path no rule answers, however many paths clients make up.
    assert 'route="(unmatched)",status="4xx"} 1.0' in text
    assert "/no/such/page" not in text


def test_metrics_count_the_upload_queue_outcomes(client):
    from indexer.ingest.pipeline import FileOutcome

    queue = client.application.extensions["stdsearch.uploads"]
    for listener in queue.listeners:
        listener(FileOutcome("a.pdf", "ingested"))
        listener(FileOutcome("b.pdf", "failed", "not a PDF"))
    text = client.get("/metrics").get_data(as_text=True)
    assert 'stdsearch_ingest_files_total{outcome="ingested"} 1.0' in text
    assert 'stdsearch_ingest_files_total{outcome="failed"} 1.0' in text


def test_librarian_desk_shows_whether_ocr_is_available(client, monkeypatch):
    import indexer.pdf.ocr

    monkeypatch.setattr(
        indexer.pdf.ocr, "tesseract_status", lambda: "tesseract is not installed or not on PATH"
    )
    login = client.get("/login").get_data(as_text=True)
    token = login.split('name="csrf_token" value="')[1].split('"')[0]
    signed = client.post(
        "/login", data={"name": "librarian", "password": PASSWORD, "csrf_token": token}
    )
    assert signed.status_code == 302
    desk = client.get("/admin/?lang=en").get_data(as_text=True)
    assert 'id="ocr-status"' in desk
    assert "unavailable" in desk and "tesseract is not installed or not on PATH" in desk
    as_json = client.get("/admin/?format=json").get_json()
    assert as_json["ocr"] == {
        "available": False,
        "reason": "tesseract is not installed or not on PATH",
    }


def test_stats_say_whether_ocr_is_available(data, monkeypatch):
    result = stdsearch(data, "stats", "--json")
    assert result.exit_code == 0, result.output
    reason = tesseract_status()
    assert json.loads(result.stdout)["ocr"] == {"available": reason is None, "reason": reason or ""}

    import indexer.pdf.ocr

    monkeypatch.setattr(indexer.pdf.ocr, "tesseract_status", lambda: "no chi_sim")
    result = stdsearch(data, "stats")
    assert result.exit_code == 0, result.output
    assert "ocr: unavailable (no chi_sim)" in result.output
    assert json.loads(stdsearch(data, "stats", "--json").stdout)["ocr"]["available"] is False
