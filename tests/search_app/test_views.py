"""Pages and their JSON twins over real HTTP, and escaping of document text."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from corpus.typeset import typeset
from indexer.pipeline import ingest
from indexer.store import Library
from search_app.app import create_app
from tests.conftest import serve_in_thread

HOSTILE = """\
@std_no: T/STDS 900—2026
@title_zh: 含有<script>alert("x")</script>的检验文件
@title_en: A document whose text holds <b>markup</b>
@issued: 2026-01-01
@effective: 2026-02-01
@issuer: 中国标准检索学会

# 1 范围
本文件用于检验页面转义：<script>window.__pwned = 1</script> 与 <img src=x onerror="window.__pwned=2"> 应显示为文字。

# 2 规范性引用文件
本文件没有规范性引用文件。

# 3 术语和定义
本文件没有需要界定的术语和定义。

# 4 要求
## 4.1 转义
页面中的文档文字应先转义再高亮，例如 <mark>伪造高亮</mark> 与 &amp; 实体。
"""


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return (
                response.status,
                response.headers.get("content-type", ""),
                response.read().decode(),
            )
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("content-type", ""), error.read().decode()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("views")
    pdf = typeset(HOSTILE, root / "T_STDS_900-2026.pdf")
    library = Library.open(root / "lib")
    from tests.conftest import SAMPLES

    report = ingest([SAMPLES, pdf], library, workers=2)
    assert not report.failed
    base_url, server = serve_in_thread(create_app({"DATA_DIR": str(library.root)}))
    yield base_url
    server.shutdown()


def q(text: str) -> str:
    return urllib.parse.quote(text)


def test_document_text_is_escaped_on_every_page(site):
    pages = [
        f"/search?q={q('页面转义')}",
        f"/search?q={q('伪造高亮')}",
        f"/std/{q('T/STDS 900-2026')}",
        f"/std/{q('T/STDS 900-2026')}/clause/1",
    ]
    for path in pages:
        status, _, html = get(site + path)
        assert status == 200, path
        assert "<script>window.__pwned" not in html, path
        assert "<img src=x" not in html, path
        assert "&lt;script&gt;" in html or "&lt;mark&gt;" in html, path
    # The document's own <mark> tags are shown as text; only our highlight is markup.
    _, _, html = get(site + pages[1])
    assert "&lt;mark&gt;<mark>伪造高亮</mark>&lt;/mark&gt;" in html


def test_json_twins_return_the_same_data_as_the_pages(site):
    status, ctype, body = get(f"{site}/api/search?q={q('检索请求')}")
    assert status == 200 and ctype.startswith("application/json")
    data = json.loads(body)
    assert {"query", "total", "hits"} <= data.keys()
    for key in ("std_no", "title_zh", "status", "clause_no", "heading", "page", "score", "snippet"):
        assert key in data["hits"][0]
    _, _, html = get(f"{site}/search?q={q('检索请求')}")
    shown = re.findall(r'class="std-no">([^<]+)<', html)
    assert shown == [g["std_no"] for g in data["groups"]]
    assert f"{data['total_standards']} 项标准 · {data['total']} 条匹配条款" in html

    _, _, body = get(f"{site}/api/standards/{q('T/STDS 001-2026')}")
    standard = json.loads(body)
    _, _, html = get(f"{site}/std/{q('T/STDS 001-2026')}")
    for clause in standard["clauses"]:
        assert f'id="c-{clause["clause_no"]}"' in html
    for term in standard["terms"]:
        assert term["term_zh"] in html
    assert standard["status"] in html

    _, _, body = get(f"{site}/api/terms?q={q('命中')}")
    definitions = json.loads(body)["definitions"]
    _, _, html = get(f"{site}/terms?q={q('命中')}")
    assert definitions and all(d["std_no"] in html for d in definitions)


def test_unknown_and_malformed_requests(site):
    status, ctype, html = get(f"{site}/std/{q('GB 99999-2099')}")
    assert status == 404 and "text/html" in ctype and 'type="search"' in html
    status, _, _ = get(f"{site}/std/{q('T/STDS 001-2026')}/clause/99.9")
    assert status == 404
    status, _, html = get(f"{site}/compare?a={q('T/STDS 001-2026')}&b=nonsense")
    assert status == 400 and "nonsense" in html
    status, _, body = get(
        f"{site}/api/compare?a={q('T/STDS 001-2026/4.1')}&b={q('T/STDS 001-2024')}"
    )
    assert status == 400 and json.loads(body)["error"]
    status, _, _ = get(f"{site}/search?q={q('检' * 2000)}")
    assert status == 400
    status, ctype, body = get(f"{site}/api/search?q={q('检' * 2000)}")
    assert status == 400 and json.loads(body)["error"]
    status, _, body = get(f"{site}/api/search?q=x&limit=abc")
    assert status == 400
    status, _, html = get(f"{site}/std/{q('../../etc/passwd')}/pdf")
    assert status == 404 and "root:" not in html


def test_compare_editions_marks_differences(site):
    status, _, body = get(f"{site}/api/compare?a={q('T/STDS 001-2024')}&b={q('T/STDS 001-2026')}")
    assert status == 200
    data = json.loads(body)
    assert data["changed"] >= 3
    ops = {op for pair in data["pairs"] for op, _ in pair["a_segments"] + pair["b_segments"]}
    assert {"equal", "delete", "insert"} <= ops
    numbers = [(p["a"] or {}).get("clause_no") for p in data["pairs"]]
    assert "4.4" in numbers  # the clause dropped in the new edition stays visible on the left


def test_openapi_describes_every_api_route(site):
    status, _, body = get(f"{site}/api/openapi.json")
    spec = json.loads(body)
    assert status == 200 and spec["openapi"].startswith("3.")
    documented = set(spec["paths"])
    routes = {
        "/api/search",
        "/api/standards",
        "/api/standards/{std_no}",
        "/api/standards/{std_no}/clauses/{clause_no}",
        "/api/terms",
        "/api/compare",
    }
    assert routes <= documented
    examples = {
        "/api/search": f"/api/search?q={q('检索')}",
        "/api/standards": "/api/standards",
        "/api/standards/{std_no}": f"/api/standards/{q('T/STDS 002-2025')}",
        "/api/standards/{std_no}/clauses/{clause_no}": f"/api/standards/{q('T/STDS 002-2025')}/clauses/3.1",
        "/api/terms": f"/api/terms?q={q('命中')}",
        "/api/compare": f"/api/compare?a={q('T/STDS 001-2024')}&b={q('T/STDS 001-2026')}",
    }
    for path, url in examples.items():
        status, ctype, body = get(site + url)
        assert str(status) in spec["paths"][path]["get"]["responses"], path
        assert ctype.startswith("application/json"), path
        data = json.loads(body)
        schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"][
            "schema"
        ]
        items = data if schema["type"] == "array" else [data]
        for item in items:
            inner = schema.get("items", schema)
            assert set(inner.get("required", [])) <= set(item), path
        if path == "/api/search":
            for hit in data["hits"]:
                assert set(schema["properties"]["hits"]["items"]["required"]) <= set(hit)


def test_search_within_one_standard(site):
    status, _, body = get(f"{site}/api/search?q={q('检索')}&std={q('t/stds 002-2025')}")
    data = json.loads(body)
    assert status == 200 and data["hits"]
    assert {hit["std_no"] for hit in data["hits"]} == {"T/STDS 002-2025"}
    _, _, html = get(f"{site}/std/{q('T/STDS 002-2025')}")
    assert 'name="std" value="T/STDS 002-2025"' in html
