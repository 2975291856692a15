"""The review report `/reports/review` and a standard's age on its page, over real HTTP
on a copy of the corpus library."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date
from urllib.parse import quote

import pytest
import requests

from indexer.library.accounts import Accounts
from indexer.library.catalogue import Catalogue
from indexer.library.review import review_report
from search_app.web.app import create_app
from tests.conftest import PASSWORD, serve_in_thread, signed_in

pytestmark = [pytest.mark.corpus]


@pytest.fixture(scope="module")
def site(corpus_library, tmp_path_factory):
    """The corpus with a librarian, the review age left to the environment (five years)."""
    data = tmp_path_factory.mktemp("review") / "lib"
    shutil.copytree(corpus_library.root, data, ignore=shutil.ignore_patterns("cluster"))
    with Accounts(data / "catalogue.sqlite") as accounts:
        accounts.add_user("librarian", PASSWORD)
    app = create_app({"DATA_DIR": str(data)})
    base, server = serve_in_thread(app)
    yield base, data
    server.shutdown()
    app.extensions["stdsearch.uploads"].stop()


def expected_report(data, years: int = 5) -> dict:
    with Catalogue(data / "catalogue.sqlite") as catalogue:
        return review_report(catalogue.all_metadata(), date.today(), years).to_dict()


def test_the_report_needs_sign_in(site):
    base, _ = site
    page = requests.get(f"{base}/reports/review", allow_redirects=False)
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert requests.get(f"{base}/reports/review?format=json").status_code == 401
    exported = requests.get(f"{base}/reports/review?format=csv", allow_redirects=False)
    assert exported.status_code == 302 and "text/csv" not in exported.headers["Content-Type"]
    forged = requests.get(
        f"{base}/reports/review?format=json", headers={"Authorization": "Bearer nonsense"}
    )
    assert forged.status_code == 401


def test_the_report_counts_the_due_standards_by_level_and_issuer(site):
    base, data = site
    browser = signed_in(base)
    report = browser.get(f"{base}/reports/review?format=json").json()
    assert report == expected_report(data)
    assert report["years"] == 5 and report["due_count"] == len(report["due"]) > 0
    assert sum(g["count"] for g in report["by_level"]) == report["due_count"]
    numbers = {s["std_no"] for s in report["due"]}
    # GB_18918-2002.pdf, cover: "2002－12－24 发布 2003－07－01 实施"; JT/T 808-2011 is
    # replaced by JT/T 808-2019.
    assert "GB 18918-2002" in numbers and "JT/T 808-2011" not in numbers
    assert {s["status"] for s in report["due"]} == {"现行"}
    issuers = {g["name"]: {s["std_no"] for s in g["standards"]} for g in report["by_issuer"]}
    # DB44_26-2001.pdf and DB44_27-2001.pdf, covers: "广 东 省 环 境 保 护 局 发布".
    assert {"DB44/26-2001", "DB44/27-2001"} <= issuers["广东省环境保护局"]
    html = browser.get(f"{base}/reports/review")
    assert html.status_code == 200
    assert html.text.count('<tr><td><a href="/std/GB%2018918-2002">GB 18918-2002</a>') == 1 + len(
        [g for g in report["by_issuer"] if "GB 18918-2002" in {s["std_no"] for s in g["standards"]}]
    )
    assert f"应复审的 {report['due_count']} 项" in html.text


def test_the_csv_export_is_the_json_report_in_utf8_with_a_bom(site):
    base, _ = site
    browser = signed_in(base)
    for years in ("5", "20"):
        report = browser.get(f"{base}/reports/review?format=json&years={years}").json()
        exported = browser.get(f"{base}/reports/review?format=csv&years={years}")
        assert exported.status_code == 200
        assert exported.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in exported.headers["Content-Disposition"]
        assert exported.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
        assert len(rows) == report["due_count"]
        for row, standard in zip(rows, report["due"], strict=True):
            assert row == {
                "std_no": standard["std_no"],
                "title_zh": standard["title_zh"],
                "level": standard["level"],
                "issuers": "；".join(standard["issuers"]),
                "status": standard["status"],
                "implemented": standard["implemented"],
                "basis": standard["basis"],
                "age_years": str(standard["age_years"]),
            }


def test_the_review_age_comes_from_the_request_the_config_or_the_environment(
    site, corpus_library, monkeypatch
):
    base, data = site
    browser = signed_in(base)
    assert browser.get(f"{base}/reports/review?format=json&years=20").json() == expected_report(
        data, 20
    )
    for bad in ("-1", "101", "five"):
        assert browser.get(f"{base}/reports/review?format=json&years={bad}").status_code == 400
    assert browser.get(f"{base}/reports/review?format=xml").status_code == 400
    monkeypatch.setenv("STDSEARCH_REVIEW_YEARS", "10")
    assert browser.get(f"{base}/reports/review?format=json").json()["years"] == 10
    # The search's `review:due` follows the same setting.
    due = requests.get(f"{base}/api/search?q=review:due&limit=100").json()
    assert {g["std_no"] for g in due["groups"]} == {
        s["std_no"] for s in expected_report(data, 10)["due"]
    }


def test_the_site_setting_decides_review_due_in_search(corpus_library, tmp_path):
    data = tmp_path / "lib"
    shutil.copytree(corpus_library.root, data, ignore=shutil.ignore_patterns("cluster"))
    app = create_app({"DATA_DIR": str(data), "REVIEW_AGE_YEARS": 20})
    base, server = serve_in_thread(app)
    try:
        due = requests.get(f"{base}/api/search?q={quote('复审:到期')}&limit=100").json()
        assert {g["std_no"] for g in due["groups"]} == {
            s["std_no"] for s in expected_report(data, 20)["due"]
        }
    finally:
        server.shutdown()
        app.extensions["stdsearch.uploads"].stop()


def test_a_standard_page_shows_its_age_and_whether_it_is_due(site):
    base, _ = site
    # GB_18918-2002.pdf, cover: "2002－12－24 发布 2003－07－01 实施", in force.
    old = requests.get(f"{base}/std/{quote('GB 18918-2002')}?format=json").json()["age"]
    assert (old["implemented"], old["basis"], old["due"]) == ("2003-07-01", "effective", True)
    page = requests.get(f"{base}/std/{quote('GB 18918-2002')}").text
    assert '<span class="badge review-due"' in page and "复审到期" in page
    assert "自 2003-07-01 起" in page
    # JT_T_808-2013_BD.pdf prints only "二〇一三年一月" under its issuer: 发布, no 实施.
    page = requests.get(f"{base}/std/{quote('JT/T 808-2013')}").text
    assert "自 2013-01-01 起" in page and "未印实施日期，按发布日期" in page
    assert "badge review-due" not in page  # replaced, not in force
    english = requests.get(f"{base}/std/{quote('GB 18918-2002')}?lang=en").text
    assert "Due for review" in english and "(since 2003-07-01)" in english


def test_the_openapi_entry_describes_what_the_report_returns(site):
    base, _ = site
    spec = requests.get(f"{base}/api/openapi.json").json()
    entry = spec["paths"]["/reports/review"]["get"]
    content = entry["responses"]["200"]["content"]
    assert {"application/json", "text/csv", "text/html"} <= set(content)
    assert {"302", "400", "401"} <= set(entry["responses"])
    schema = content["application/json"]["schema"]
    report = signed_in(base).get(f"{base}/reports/review?format=json").json()
    assert set(schema["required"]) == set(report) == set(schema["properties"])
    item = schema["properties"]["due"]["items"]
    assert set(item["required"]) == set(report["due"][0]) == set(item["properties"])
    group = schema["properties"]["by_level"]["items"]
    assert set(group["required"]) == set(report["by_level"][0])
