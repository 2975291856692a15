"""A standard's tables in `stdsearch show --json` and `/api/standards/<no>`, as OpenAPI says.

A real library holding GB 18918-2002 and GB 12348-2008 ingested from the shared corpus,
the real command line in a process, and the real site over HTTP.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import urllib.error
import urllib.parse
import urllib.request

import pytest

from indexer.ingest.pipeline import ingest
from indexer.library.store import Library
from search_app.web.app import create_app
from search_app.web.openapi import SPEC, TABLE
from tests.conftest import serve_in_thread, stdsearch_process

pytestmark = pytest.mark.corpus

FILES = ("GB_18918-2002.pdf", "GB_12348-2008.pdf")


@pytest.fixture(scope="module")
def library(tmp_path_factory, corpus_dir):
    inbox = tmp_path_factory.mktemp("tables-inbox")
    for name in FILES:
        shutil.copy(corpus_dir / name, inbox / name)
    library = Library.open(tmp_path_factory.mktemp("tables-library"))
    report = ingest([inbox], library, workers=1, use_ocr=False)
    assert not report.failed, report.failed
    return library


@pytest.fixture(scope="module")
def site(library):
    base_url, server = serve_in_thread(
        create_app({"DATA_DIR": str(library.root), "REPAIR_ON_START": False})
    )
    yield base_url
    server.shutdown()


def _api(site: str, std_no: str) -> dict:
    url = f"{site}/api/standards/{urllib.parse.quote(std_no)}"
    with urllib.request.urlopen(url) as response:
        assert response.status == 200
        return json.loads(response.read())


def _matches(value, schema: dict) -> bool:
    """The value has the schema's type, required keys and no key it does not document."""
    kind = schema.get("type")
    if kind == "object":
        return (
            isinstance(value, dict)
            and set(schema["required"]) <= set(value)
            and set(value) <= set(schema["properties"])
            and all(_matches(value[k], schema["properties"][k]) for k in value)
        )
    if kind == "array":
        return isinstance(value, list) and all(_matches(v, schema["items"]) for v in value)
    python = {"string": str, "integer": int, "boolean": bool}[kind]
    return isinstance(value, python) and (kind != "integer" or not isinstance(value, bool))


def test_show_json_carries_GB_18918_2002_table_1_as_header_paths_and_rows(library):
    """`stdsearch show --json`: 表1 (printed on page 6, in clause 4.1.3.2) with its
    two-level header and the 氨氮 row aligned with it."""
    process = stdsearch_process(library.root, "show", "GB 18918-2002", "--json")
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    tables = json.loads(out)["tables"]
    first = next(t for t in tables if t["table_no"] == "1")
    assert first["clause_no"] == "4.1.3.2"
    assert (first["page_start"], first["page_end"], first["units"]) == (6, 6, "mg/L")
    column = first["header"].index(["一级标准", "A标准"])
    ammonia = next(row for row in first["rows"] if row[1].startswith("氨氮"))
    assert ammonia[column] == "5（8）"
    assert all(len(row) == len(first["header"]) for row in first["rows"])


def test_show_lists_tables_with_their_pages(library):
    process = stdsearch_process(library.root, "show", "GB 12348-2008")
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert "表3 结构传播固定设备室内噪声排放限值（倍频带声压级）" in out
    assert "pp. 9-10" in out


def test_api_standard_tables_follow_the_openapi_schema(site):
    """`/api/standards/GB 12348-2008`: 表3 continued from page 9 onto page 10 is one table,
    and every table has exactly the documented keys and types."""
    data = _api(site, "GB 12348-2008")
    documented = SPEC["paths"]["/api/standards/{std_no}"]["get"]["responses"]["200"]
    schema = documented["content"]["application/json"]["schema"]
    assert schema["properties"]["tables"] == {"type": "array", "items": TABLE}
    assert data["tables"] and all(_matches(t, TABLE) for t in data["tables"])
    third = next(t for t in data["tables"] if t["table_no"] == "3")
    assert (third["page_start"], third["page_end"]) == (9, 10)
    assert len(third["rows"]) == 10
    assert third["ocr"] is False and third["text_only"] is False


def _get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def test_standard_page_renders_GB_18918_2002_table_1_with_its_two_level_header(site):
    """The standard page shows 表1 as an HTML table: 一级标准 spans its A/B columns, and
    the table links to its CSV."""
    status, _, html = _get(f"{site}/std/{urllib.parse.quote('GB 18918-2002')}")
    assert status == 200
    start = html.index('id="table-1"')
    figure = html[start : html.index("</figure>", start)]
    assert '<th scope="col" colspan="2">一级标准</th>' in figure
    assert '<th scope="col" rowspan="2">二级标准</th>' in figure
    assert "<td>5（8）</td>" in figure
    assert "/tables/1.csv" in figure


def test_english_standard_page_labels_tables_in_english(site):
    status, _, html = _get(f"{site}/std/{urllib.parse.quote('GB 18918-2002')}?lang=en")
    assert status == 200
    assert "Table 1" in html and "Download CSV" in html and "下载 CSV" not in html


def test_table_downloads_as_csv_with_header_paths(site):
    """GB 18918-2002 表1 as CSV: the header row joins each column's path."""
    status, kind, body = _get(f"{site}/std/{urllib.parse.quote('GB 18918-2002')}/tables/1.csv")
    assert status == 200 and kind.startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][3] == "一级标准 › A标准"
    assert any(row[1].startswith("氨氮") and row[3] == "5（8）" for row in rows[1:])
    status, _, _ = _get(f"{site}/std/{urllib.parse.quote('GB 18918-2002')}/tables/99.csv")
    assert status == 404


def test_clause_json_carries_the_tables_printed_in_it(site):
    """Clause 4.1.3.2 of GB 18918-2002 holds 表1 and 表2 (page 6)."""
    std = urllib.parse.quote("GB 18918-2002")
    data = json.loads(_get(f"{site}/api/standards/{std}/clauses/4.1.3.2")[2])
    assert [t["table_no"] for t in data["tables"]][:2] == ["1", "2"]
    assert data["tables"][0]["number"] == 1
    status, _, html = _get(f"{site}/std/{std}/clause/4.1.3.2")
    assert status == 200 and 'id="table-1"' in html
