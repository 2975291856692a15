"""Bulk export and metadata-only records over real HTTP, against real servers.

The shared corpus library (with the samples) is exported, imported into an empty library
as metadata-only records, and exported again: the records are the same but for the two
keys that say where the text is (`sha256`, the record's key, and `text_held`). The
imported library is then served: its records appear in /std, browse, list checks,
edition chains and searches by number and title, marked 未收录全文, never as clause hits.
"""

from __future__ import annotations

import json
import shutil
import time

import pytest
import requests
from click.testing import CliRunner

from search_app.cli import main
from search_app.web.app import create_app
from tests.conftest import PASSWORD, serve_in_thread, signed_in
from tests.indexer.test_exchange import synthetic_catalogue

# The keys that say where the text is: legitimately different after a round trip.
WHERE_THE_TEXT_IS = ("sha256", "text_held")


def _cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _records(path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


@pytest.fixture(scope="module")
def round_trip(corpus_library, tmp_path_factory):
    """(first export, library imported from it, export of that library)."""
    work = tmp_path_factory.mktemp("round-trip")
    source = work / "source"
    shutil.copytree(corpus_library.root, source)
    _cli("--data", str(source), "export", "catalogue", "-o", str(work / "first.jsonl"))
    imported = work / "imported"
    _cli("--data", str(imported), "import", "catalogue", str(work / "first.jsonl"))
    _cli("--data", str(imported), "export", "catalogue", "-o", str(work / "second.jsonl"))
    return _records(work / "first.jsonl"), imported, _records(work / "second.jsonl")


@pytest.fixture(scope="module")
def imported_site(round_trip):
    _, imported, _ = round_trip
    base, server = serve_in_thread(create_app({"DATA_DIR": str(imported)}))
    yield base
    server.shutdown()


def test_round_trip_of_the_corpus_gives_the_same_records(round_trip):
    first, _, second = round_trip
    assert len(first) == len(second) > 40
    for before, after in zip(first, second, strict=True):
        assert before["text_held"] is True and after["text_held"] is False
        assert after["sha256"].startswith("meta-")
        same = {k: v for k, v in before.items() if k not in WHERE_THE_TEXT_IS}
        assert same == {k: v for k, v in after.items() if k not in WHERE_THE_TEXT_IS}


def test_reimport_of_the_corpus_export_updates_and_adds_nothing(round_trip, tmp_path):
    first, imported, _ = round_trip
    path = tmp_path / "again.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in first), "utf-8")
    data = tmp_path / "lib"
    shutil.copytree(imported, data)
    report = json.loads(_cli("--data", str(data), "import", "catalogue", str(path), "--json"))
    assert report["added"] == [] and len(report["updated"]) == len(first)


def test_the_catalogue_export_is_streamed_in_chunks(tmp_path):
    """20,000 synthetic standards served: the response is chunked (no Content-Length), and
    its first record arrives long before its last is made."""
    library = synthetic_catalogue(tmp_path / "lib", 20_000)
    app = create_app({"DATA_DIR": str(library.root), "REPAIR_ON_START": False})
    base, server = serve_in_thread(app)
    try:
        started = time.monotonic()
        with requests.get(f"{base}/api/export/catalogue.jsonl", stream=True, timeout=120) as r:
            assert r.status_code == 200
            assert r.headers["Content-Type"] == "application/x-ndjson; charset=utf-8"
            assert r.headers.get("Transfer-Encoding") == "chunked"
            assert "Content-Length" not in r.headers
            lines = r.iter_lines()
            first = json.loads(next(lines))
            first_at = time.monotonic() - started
            count = 1 + sum(1 for _ in lines)
        total = time.monotonic() - started
    finally:
        server.shutdown()
    assert first["std_no"] == "GB/T 10000-2000"
    assert count == 20_000
    assert first_at * 5 < total, (first_at, total)


def test_http_export_matches_the_command_line(round_trip, imported_site):
    _, _, second = round_trip
    body = requests.get(f"{imported_site}/api/export/catalogue.jsonl", timeout=60).text
    assert [json.loads(line) for line in body.splitlines()] == second
    csv_text = requests.get(f"{imported_site}/api/export/catalogue.csv", timeout=60).text
    rows = csv_text.splitlines()
    assert rows[0].startswith("std_no,") and len(rows) == len(second) + 1


def test_metadata_only_standard_page_is_marked_text_not_held(round_trip, imported_site):
    """JT/T 808-2019 (corpus): its page shows the badge and its JSON says text_held false.
    Every imported standard whose 代替 list names another imported one has an edition
    chain linking it, as in the library it came from."""
    first, _, _ = round_trip
    data = requests.get(f"{imported_site}/std/JT/T 808-2019?format=json", timeout=30).json()
    assert data["text_held"] is False and data["clauses"] == []
    page = requests.get(f"{imported_site}/std/JT/T 808-2019", timeout=30).text
    assert 'class="badge text-not-held"' in page and "未收录全文" in page
    english = requests.get(f"{imported_site}/std/JT/T 808-2019?lang=en", timeout=30).text
    assert "Text not held" in english
    numbers = {r["std_no"] for r in first}
    chained = [r for r in first if set(r["replaces"]) & numbers]
    assert chained, "the corpus has editions replacing held ones"
    for record in chained:
        url = f"{imported_site}/std/{record['std_no']}?format=json"
        editions = requests.get(url, timeout=30).json()["links"]["editions"]
        linked = {e["std_no"] for e in editions if e["in_library"]}
        assert set(record["replaces"]) & numbers <= linked, record["std_no"]


def test_metadata_only_records_in_browse_list_and_check(round_trip, imported_site):
    first, _, _ = round_trip
    listing = requests.get(f"{imported_site}/std?format=json&per_page=200", timeout=30).json()
    assert listing["total"] == len(first)
    assert all(item["text_held"] is False for item in listing["items"])
    assert "未收录全文" in requests.get(f"{imported_site}/std", timeout=30).text
    browse = requests.get(f"{imported_site}/browse?format=json", timeout=30).json()
    assert browse["total"] == len(first)
    checked = requests.post(
        f"{imported_site}/api/check", json={"numbers": ["GB/T 7714-2015", "jt/t 808"]}, timeout=30
    ).json()
    assert [r["found"] for r in checked["rows"]] == [True, True]
    assert [r["text_held"] for r in checked["rows"]] == [False, False]


def test_metadata_only_records_match_number_and_title_never_clauses(imported_site):
    """GB/T 7714-2015 (corpus, 信息与文献 参考文献著录规则): found by its number and by its
    title; a phrase of its clause text (3.1 文后参考文献) finds no clause."""
    by_number = requests.get(
        f"{imported_site}/api/search", params={"q": "GB/T 7714-2015"}, timeout=30
    ).json()
    assert by_number["hits"][0]["std_no"] == "GB/T 7714-2015"
    by_title = requests.get(
        f"{imported_site}/api/search", params={"q": "参考文献著录规则"}, timeout=30
    ).json()
    assert "GB/T 7714-2015" in [h["std_no"] for h in by_title["hits"]]
    assert by_number["groups"][0]["text_held"] is False
    page = requests.get(f"{imported_site}/search", params={"q": "GB/T 7714-2015"}, timeout=30)
    assert 'class="badge text-not-held"' in page.text
    for query in ("参考文献著录规则", "终端", "文后参考文献", "GB/T 7714-2015"):
        hits = requests.get(f"{imported_site}/api/search", params={"q": query}, timeout=30).json()
        assert all(h["matched"] == "standard" and not h["clause_no"] for h in hits["hits"])


def test_fulltext_export_is_for_librarians_only(samples_library, tmp_path):
    data = tmp_path / "lib"
    shutil.copytree(samples_library.root, data)
    _cli("--data", str(data), "user", "add", "librarian", "--password", PASSWORD)
    base, server = serve_in_thread(create_app({"DATA_DIR": str(data)}))
    try:
        refused = requests.get(f"{base}/api/export/fulltext.jsonl", timeout=30)
        assert refused.status_code == 401
        body = signed_in(base).get(f"{base}/api/export/fulltext.jsonl", timeout=60)
        assert body.status_code == 200
        records = [json.loads(line) for line in body.text.splitlines()]
    finally:
        server.shutdown()
    assert {r["std_no"] for r in records} >= {"T/STDS 002-2025"}
    assert all(r["clauses"] for r in records)
    # The catalogue export carries metadata only.
    catalogue = _cli("--data", str(data), "export", "catalogue")
    assert '"clauses"' not in catalogue and '"terms"' not in catalogue


def test_edition_chain_and_reference_links_between_metadata_only_records(tmp_path):
    """Two editions and a citing standard, all imported: the new edition's page chains the
    old one, and the cited standard's page lists its citer (cited-by)."""
    records = [
        {
            "std_no": "GB/T 39000-2010",
            "title_zh": "合成旧版",
            "status": "被代替",
            "replaced_by": "GB/T 39000-2020",
        },
        {
            "std_no": "GB/T 39000-2020",
            "title_zh": "合成新版",
            "status": "现行",
            "replaces": ["GB/T 39000-2010"],
        },
        {
            "std_no": "GB/T 39100-2021",
            "title_zh": "合成引用者",
            "status": "现行",
            "references": ["GB/T 39000"],
        },
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    data = tmp_path / "lib"
    _cli("--data", str(data), "import", "catalogue", str(path))
    client = create_app({"DATA_DIR": str(data)}).test_client()
    new = client.get("/std/GB/T 39000-2020?format=json").get_json()
    chain = [(e["std_no"], e["in_library"]) for e in new["links"]["editions"]]
    assert chain == [("GB/T 39000-2010", True), ("GB/T 39000-2020", True)]
    assert [c["std_no"] for c in new["links"]["cited_by"]] == ["GB/T 39100-2021"]
    citing = client.get("/std/GB/T 39100-2021?format=json").get_json()
    assert [r["in_library"] for r in citing["links"]["references"]] == ["GB/T 39000-2020"]
