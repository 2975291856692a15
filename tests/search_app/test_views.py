"""Pages and their JSON twins over real HTTP, and escaping of document text."""

from __future__ import annotations

import html as markup
import io
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

from corpus.typeset import typeset
from indexer.ingest.pipeline import ingest
from indexer.library.store import Library
from search_app.web.app import create_app
from tests.conftest import engine_config, serve_in_thread

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


# Its body page (page 3) is replaced by a picture of itself, so only OCR can read it.
SCANNED = """\
@std_no: T/STDS 901-2026
@title_zh: 扫描页检验文件
@title_en: A document with a scanned page
@issued: 2026-01-01
@effective: 2026-02-01
@issuer: 中国标准检索学会

# 1 范围
本文件规定了纸质档案数字化扫描的基本要求。

# 2 规范性引用文件
本文件没有规范性引用文件。

# 3 术语和定义
本文件没有需要界定的术语和定义。

# 4 要求
## 4.1 扫描分辨率
正文页的扫描分辨率应不低于300 dpi，彩色页面应采用24位色彩深度。
## 4.2 图像格式
扫描图像应保存为无损压缩格式，文件名应与档号一致。
"""


def with_scanned_page(pdf: Path, page_no: int, target: Path) -> Path:
    """A copy of `pdf` whose page `page_no` is an image of that page, as a scanner makes it."""
    import pypdfium2 as pdfium
    from reportlab.pdfgen.canvas import Canvas

    source = pdfium.PdfDocument(str(pdf))
    page = source[page_no - 1]
    width, height = page.get_size()
    image = page.render(scale=200 / 72, grayscale=True).to_pil()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height))
    canvas.drawInlineImage(image, 0, 0, width, height)
    canvas.showPage()
    canvas.save()
    result = pdfium.PdfDocument.new()
    result.import_pages(source, list(range(page_no - 1)))
    result.import_pages(pdfium.PdfDocument(buffer.getvalue()))
    result.import_pages(source, list(range(page_no, len(source))))
    result.save(str(target))
    return target


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
def library(tmp_path_factory):
    root = tmp_path_factory.mktemp("views")
    pdf = typeset(HOSTILE, root / "T_STDS_900-2026.pdf")
    typeset(SCANNED, root / "scan-source.pdf")
    scanned = with_scanned_page(root / "scan-source.pdf", 3, root / "T_STDS_901-2026.pdf")
    library = Library.open(root / "lib")
    from tests.conftest import SAMPLES

    report = ingest([SAMPLES, pdf, scanned], library, workers=2)
    assert not report.failed
    return library


@pytest.fixture(scope="module")
def site(library, engine_name, request):
    config = {"DATA_DIR": str(library.root), **engine_config(library, engine_name, request)}
    base_url, server = serve_in_thread(create_app(config))
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
        f"/compare?a={q('T/STDS 900-2026/1')}&b={q('T/STDS 001-2026/1')}",
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
    _, _, twin = get(f"{site}/std/{q('T/STDS 001-2026')}?format=json")
    assert json.loads(twin) == standard
    _, _, html = get(f"{site}/std/{q('T/STDS 001-2026')}")
    for clause in standard["clauses"]:
        assert f'id="c-{clause["clause_no"]}"' in html
    for term in standard["terms"]:
        assert term["term_zh"] in html
    assert standard["status"] in html
    editions = [(e["std_no"], e["current"]) for e in standard["links"]["editions"]]
    assert editions == [("T/STDS 001-2024", False), ("T/STDS 001-2026", True)]
    assert '<strong aria-current="page">T/STDS 001-2026</strong>' in html
    _, _, body = get(f"{site}/api/standards/{q('T/STDS 001-2024')}")
    older = json.loads(body)["links"]["editions"]
    assert [(e["std_no"], e["status"]) for e in older] == [
        ("T/STDS 001-2024", "被代替"),
        ("T/STDS 001-2026", "现行"),
    ]

    clause_path = f"/std/{q('T/STDS 001-2026')}/clause/4.1"
    _, _, body = get(f"{site}/api/standards/{q('T/STDS 001-2026')}/clauses/4.1")
    clause = json.loads(body)
    _, _, twin = get(f"{site}{clause_path}?format=json")
    assert json.loads(twin) == clause
    _, _, html = get(site + clause_path)
    assert clause["clause"]["heading"] in html
    # The edition it replaces has a clause 4.1 too: the page offers to compare the two.
    assert [e["std_no"] for e in clause["editions"]] == ["T/STDS 001-2024"]
    assert "a=T/STDS+001-2024/4.1&amp;b=T/STDS+001-2026/4.1" in html

    compare_query = f"a={q('T/STDS 001-2024')}&b={q('T/STDS 001-2026')}"
    _, _, body = get(f"{site}/api/compare?{compare_query}")
    compared = json.loads(body)
    _, _, html = get(f"{site}/compare?{compare_query}")
    assert html.count("<tr class=") == len(compared["pairs"])
    assert t_count(html, "changed") == compared["changed"]

    _, _, body = get(f"{site}/api/terms?q={q('命中')}")
    definitions = json.loads(body)["definitions"]
    _, _, html = get(f"{site}/terms?q={q('命中')}")
    assert definitions and all(d["std_no"] in html for d in definitions)


def t_count(html: str, row_class: str) -> int:
    return html.count(f'<tr class="{row_class}">')


def href(std_no: str, clause_no: str | None = None) -> str:
    """The link the pages print to a standard or one of its clauses."""
    path = f"/std/{std_no}" + (f"/clause/{clause_no}" if clause_no else "")
    return f'href="{urllib.parse.quote(path)}"'


def test_clause_page_links_its_similar_clauses(site):
    _, _, body = get(f"{site}/api/standards/{q('T/STDS 001-2026')}")
    # The first clause with text whose more-like-this finds neighbours in other standards.
    for candidate in json.loads(body)["clauses"]:
        if not candidate["text"].strip():
            continue
        path = f"{q('T/STDS 001-2026')}/clauses/{q(candidate['clause_no'])}"
        _, _, body = get(f"{site}/api/standards/{path}")
        clause = json.loads(body)
        if clause["similar"]:
            break
    else:
        pytest.fail("no clause of T/STDS 001-2026 has similar clauses in the samples")
    assert all(s["std_no"] != "T/STDS 001-2026" for s in clause["similar"])
    status, _, html = get(f"{site}/std/{q('T/STDS 001-2026')}/clause/{q(candidate['clause_no'])}")
    assert status == 200 and "其他标准中的相似条款" in html
    section = html.split('<ul class="similar">', 1)[1].split("</ul>", 1)[0]
    for similar in clause["similar"]:
        assert href(similar["std_no"], similar["clause_no"]) in section, similar
        assert f'class="badge status-{similar["status"]}"' in section, similar


def test_references_are_linked_with_their_status_and_citers_listed(site):
    _, _, body = get(f"{site}/api/standards")
    standards = {}
    for entry in json.loads(body):
        _, _, body = get(f"{site}/api/standards/{q(entry['std_no'])}")
        standards[entry["std_no"]] = json.loads(body)
    # Who cites whom, read from the references each standard lists.
    citers = {std_no: set() for std_no in standards}
    for std_no, standard in standards.items():
        for ref in standard["links"]["references"]:
            if ref["in_library"] and ref["in_library"] != std_no:
                citers[ref["in_library"]].add(std_no)
    assert any(citers.values()), "the samples cite one another"
    for std_no, standard in standards.items():
        assert {c["std_no"] for c in standard["links"]["cited_by"]} == citers[std_no], std_no

    citing = next(s for s in standards if any(s in found for found in citers.values()))
    _, _, html = get(f"{site}/std/{q(citing)}")
    section = html.split('<section id="references">', 1)[1].split("</section>", 1)[0]
    references = standards[citing]["links"]["references"]
    for ref in references:
        if ref["in_library"]:
            link = f"<a {href(ref['in_library'])}>{markup.escape(ref['std_no'])}</a>"
            badge = f'<span class="badge status-{ref["status"]}">{ref["status"]}</span>'
            assert f"{link} {badge}" in section, ref
        else:
            assert markup.escape(ref["std_no"]) in section
            assert href(ref["std_no"]) not in section, ref
    assert any(not ref["in_library"] for ref in references)

    cited = next(s for s, found in citers.items() if found)
    _, _, html = get(f"{site}/std/{q(cited)}")
    section = html.split('<section id="cited-by">', 1)[1].split("</section>", 1)[0]
    for citer in standards[cited]["links"]["cited_by"]:
        assert f"<a {href(citer['std_no'])}>{citer['std_no']}</a>" in section, citer
        assert f'class="badge status-{citer["status"]}"' in section, citer
    assert 'href="#cited-by"' in html  # the outline leads to it


def query_of(link: str) -> dict[str, list[str]]:
    """The parameters of a link as a page prints it (HTML-escaped)."""
    return urllib.parse.parse_qs(urllib.parse.urlsplit(markup.unescape(link)).query)


def test_search_page_shows_more_clauses_time_and_facet_counts(site):
    _, _, body = get(f"{site}/api/search?q={q('检索')}")
    data = json.loads(body)
    status, _, html = get(f"{site}/search?q={q('检索')}")
    assert status == 200
    more = {g["std_no"]: g["more"] for g in data["groups"] if g["more"]}
    assert more, "the query matches more clauses of a standard than a result shows"
    lines = re.findall(r'<p class="more">([^<]*) · <a href="([^"]+)">', html)
    assert [text for text, _ in lines] == [f"本标准另有 {n} 条匹配条款" for n in more.values()]
    # Each leads to a search within that standard.
    assert [query_of(link) for _, link in lines] == [
        {"q": ["检索"], "std": [std_no]} for std_no in more
    ]

    summary = re.search(r'<p class="summary" role="status">([^<]*)</p>', html).group(1)
    assert re.search(r"· \d+ 毫秒$", summary), summary
    assert isinstance(data["elapsed_ms"], (int, float))

    aside = html.split('<aside class="facets"', 1)[1].split("</aside>", 1)[0]
    shown = set()
    for link, count in re.findall(
        r'<a href="([^"]+)"[^>]*>[^<]+</a> <span class="count">(\d+)<', aside
    ):
        params = query_of(link)
        assert params.pop("q") == ["检索"]
        ((name, (value,)),) = params.items()
        shown.add((name, value, int(count)))
    expected = {(n, v, c) for n, counts in data["facets"].items() for v, c in counts}
    assert expected and shown == expected
    assert ">现行</a>" in aside  # values are labelled, not shown as codes

    _, _, english = get(f"{site}/search?q={q('检索')}&lang=en")
    assert re.search(r"· \d+ ms</p>", english)
    assert f"More matching clauses here: {next(iter(more.values()))}" in english


def test_zero_results_suggest_nearby_standard_numbers(site):
    _, _, body = get(f"{site}/api/standards")
    held = {entry["std_no"] for entry in json.loads(body)}
    assert "T/STDS 001-2026" in held and "T/STDS 001-2099" not in held
    _, _, body = get(f"{site}/api/search?q={q('T/STDS 001-2099')}")
    data = json.loads(body)
    assert data["total"] == 0 and "T/STDS 001-2026" in data["suggestions"]
    status, _, html = get(f"{site}/search?q={q('T/STDS 001-2099')}")
    assert status == 200 and "没有找到匹配的结果。" in html and "您是否要找：" in html
    shown = re.findall(r'<a href="(/search\?[^"]+)" lang="zh-Hans">([^<]+)</a>', html)
    assert [text for _, text in shown] == data["suggestions"]
    assert [query_of(link) for link, _ in shown] == [{"q": [s]} for s in data["suggestions"]]


def test_unknown_and_malformed_requests(site):
    status, ctype, html = get(f"{site}/std/{q('GB 99999-2099')}")
    assert status == 404 and "text/html" in ctype and 'type="search"' in html
    status, _, html = get(f"{site}/std/{q('T/STDS 001-2026')}/clause/99.9")
    assert status == 404 and 'type="search"' in html and "没有条款 99.9" in html
    # A side the library does not hold is not found (404), like /std/<number>.
    status, _, html = get(f"{site}/compare?a={q('T/STDS 001-2026')}&b=nonsense")
    assert status == 404 and "nonsense" in html
    status, _, body = get(
        f"{site}/api/compare?a={q('T/STDS 001-2026/4.1')}&b={q('T/STDS 001-2024')}"
    )
    assert status == 400 and json.loads(body)["error"]
    status, _, body = get(f"{site}/api/compare")
    assert status == 400 and json.loads(body)["error"] == "Both a and b are required."
    status, _, _ = get(f"{site}/search?q={q('检' * 2000)}")
    assert status == 400
    status, ctype, body = get(f"{site}/api/search?q={q('检' * 2000)}")
    assert status == 400 and json.loads(body)["error"]
    status, _, body = get(f"{site}/api/search?q=x&limit=abc")
    assert status == 400
    status, _, html = get(f"{site}/std/{q('../../etc/passwd')}/pdf")
    assert status == 404 and "root:" not in html


def main_of(html: str) -> str:
    """The page below its header (whose language link repeats the address, as it must)."""
    return html.split('<main id="main"', 1)[1]


def test_long_term_query_is_refused_in_the_readers_language(site):
    long_term = q("术" * 2000)
    status, _, html = get(f"{site}/terms?q={long_term}")
    assert status == 400 and "检索词过长（超过 500 个字符）" in html and "too long" not in html
    assert "术" * 51 not in main_of(html)  # the query is not repeated back whole
    status, _, html = get(f"{site}/terms?q={long_term}&lang=en")
    assert status == 400 and "The query is too long (over 500 characters)" in html
    status, ctype, body = get(f"{site}/api/terms?q={long_term}")
    data = json.loads(body)
    assert status == 400 and ctype.startswith("application/json")
    assert (
        data["error"] == "The query is too long (over 500 characters); keep the words that matter."
    )
    assert data["definitions"] == []


def test_filters_are_held_to_the_query_length(site):
    huge = "9" * 20_000
    for name in ("std", "ics", "status", "year"):
        status, _, html = get(f"{site}/search?q=x&{name}={huge}")
        assert status == 400, name
        assert f"筛选条件 {name} 过长（超过 500 个字符）" in html, name
        assert "9" * 41 not in main_of(html), name
        status, _, body = get(f"{site}/api/search?q=x&{name}={huge}")
        assert status == 400, name
        assert json.loads(body)["error"] == f"The {name} filter is too long (over 500 characters)."
        assert "9" * 41 not in body, name
    # Within the bound, a bad value is named in the message, cut short.
    status, _, body = get(f"{site}/api/search?q=x&ics={'9' * 500}")
    error = json.loads(body)["error"]
    assert status == 400 and f"ics:{'9' * 40}… is not an ICS code" in error
    assert len(error) < 150


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


def get_bytes(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.headers.get("content-type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("content-type", ""), error.read()


def test_ocr_text_is_flagged_with_a_link_to_the_page_image(site, library, tesseract):
    scanned = q("T/STDS 901-2026")
    status, _, html = get(f"{site}/std/{scanned}")
    assert status == 200
    assert "OCR 识别文本，可能有误" in html
    links = set(re.findall(r'href="(/std/[^"]+/page/(\d+))"', html))
    assert links and {page for _, page in links} == {"3"}
    _, _, text_layer_html = get(f"{site}/std/{q('T/STDS 001-2026')}")
    assert "OCR 识别文本" not in text_layer_html  # the text layer needs no warning
    status, _, html = get(f"{site}/std/{scanned}/clause/4.1")
    assert status == 200 and "OCR 识别文本，可能有误" in html
    _, _, html = get(f"{site}/std/{scanned}/clause/4.1?lang=en")
    assert "OCR text — may contain errors" in html and "OCR 识别文本" not in html

    page_url = site + links.pop()[0]
    status, _, html = get(page_url)
    assert status == 200
    image = re.search(r'<img class="scan" src="([^"]+)" alt="([^"]+)"', html)
    assert image and "第 3 页" in image.group(2)
    status, ctype, png = get_bytes(site + image.group(1))
    assert status == 200 and ctype == "image/png" and png[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(io.BytesIO(png)) as picture:
        assert max(picture.size) <= 1600


def test_page_image_is_cached_in_the_library_and_validated(site, library):
    url = f"{site}/std/{q('T/STDS 001-2026')}/page/2.png"
    status, ctype, first = get_bytes(url)
    assert status == 200 and ctype == "image/png"
    cached = list((library.root / "page-images").rglob("*.png"))
    assert [p.name for p in cached if p.name.endswith("-2.png")]
    assert all(p.resolve().is_relative_to(library.root) for p in cached)
    before = {p: p.stat().st_mtime_ns for p in cached}
    status, _, again = get_bytes(url)
    assert status == 200 and again == first
    assert {p: p.stat().st_mtime_ns for p in cached} == before  # served from the cache

    for path in (
        f"/std/{q('T/STDS 001-2026')}/page/0.png",
        f"/std/{q('T/STDS 001-2026')}/page/999.png",
        f"/std/{q('T/STDS 001-2026')}/page/-1.png",
        f"/std/{q('T/STDS 001-2026')}/page/999",
        f"/std/{q('GB 99999-2099')}/page/1.png",
        f"/std/{q('../../../etc/passwd')}/page/1.png",
        f"/std/{q('..%2F..%2Fcatalogue.sqlite')}/page/1.png",
    ):
        status, ctype, body = get_bytes(site + path)
        assert status == 404, path
        assert "text/html" in ctype and b'type="search"' in body, path
    assert not list(library.root.glob("page-images/**/*-999.png"))


def test_error_pages_speak_the_readers_language(site):
    status, _, html = get(f"{site}/std/{q('GB 99999-2099')}")
    assert status == 404 and "不在馆藏中" in html
    status, _, html = get(f"{site}/std/{q('GB 99999-2099')}?lang=en")
    assert status == 404 and "is not in the library" in html and "不在馆藏中" not in html
    status, _, body = get(f"{site}/api/standards/{q('GB 99999-2099')}")
    assert status == 404 and json.loads(body)["error"] == "GB 99999-2099 is not in the library."
    status, _, html = get(f"{site}/compare?a={q('T/STDS 001-2026')}&b=nonsense&lang=en")
    assert status == 404 and "No standard in the library matches" in html
    # Nothing searchable is answered as the empty query is (200), with the hint.
    status, _, html = get(f"{site}/search?q=%00%01")
    assert status == 200 and "请输入要检索的词、短语或标准号" in html
    status, _, html = get(f"{site}/search?q={q('检索')}&page=1000000000&lang=en")
    assert status == 400 and "past the end of the results" in html
    status, _, html = get(f"{site}/search?q={q('year:abc')}&lang=en")
    assert status == 400 and "A filter is not understood: year:abc" in html
    status, _, html = get(f"{site}/no/such/page")
    assert status == 404 and 'type="search"' in html
    status, _, html = get(f"{site}/compare")
    assert status == 200 and 'name="a"' in html and 'role="alert"' not in html


def test_unexpected_errors_show_no_stack_trace(library):
    app = create_app({"DATA_DIR": str(library.root), "REPAIR_ON_START": False})

    def broken():
        raise RuntimeError("secret detail of a failure")

    app.add_url_rule("/broken", "broken", broken)
    base_url, server = serve_in_thread(app)
    try:
        status, _, html = get(f"{base_url}/broken")
    finally:
        server.shutdown()
    assert status == 500
    assert "secret detail" not in html and "Traceback" not in html
    assert 'type="search"' in html
