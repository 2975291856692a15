"""Citation health over the shared corpus: the report at /reports/citations, its JSON and
CSV twins, `stdsearch citations`, and the resolved references of a standard page.

Known cases are derived from the printed reference lists (the corpus's pages, through the
page cache), never written down as answers; the whole report is checked against a
brute-force resolution of every reference of every current standard."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import urllib.parse

import pytest
import requests

from analyzers.stdno import parse_std_no
from indexer.library.catalogue import Catalogue
from indexer.library.citations import EditionIndex
from indexer.library.lookup import load_standard
from indexer.library.status import update_statuses
from indexer.library.store import Library
from search_app.search.citations import citation_report, report_csv
from search_app.web.app import create_app
from tests.conftest import CORPUS, ROOT, SAMPLES, serve_in_thread
from tests.page_cache import corpus_pages

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

CURRENT = ("现行", "即将实施")
OUTDATED = ("被代替", "废止")


# -- what the pages print ---------------------------------------------------------

_HEADING = re.compile(r"^(\d)\.?\s*(规范性引用文件|引用标准)$")
_NEXT_CHAPTER = re.compile(r"^(\d)\.?\s*[\u4e00-\u9fff]")
_CITATION = re.compile(
    r"^([A-Z]+(?:/[A-Z]+)?)\s*(\d+(?:\.\d+)*)(?:\s*[—–-]\s*(\d{4}|\d{2}))?(?!\d)"
)


def printed_references(pdf: str) -> tuple[str, list[tuple[str, bool]]]:
    """(chapter number, [(number, dated)]) read off the printed normative-references list
    of a corpus PDF: the lines under its heading that start with a standard number."""
    lines = [line.text.strip() for page in corpus_pages(str(pdf)) for line in page.lines]
    for start, text in enumerate(lines):  # noqa: B007 (used after the loop)
        heading = _HEADING.match(text.replace(" ", ""))
        if heading:
            break
    else:
        raise AssertionError(f"{pdf}: no printed normative-references heading")
    chapter, cited = heading.group(1), []
    for text in lines[start + 1 :]:
        after = _NEXT_CHAPTER.match(text)
        if after and after.group(1) == str(int(chapter) + 1):
            break
        match = _CITATION.match(text)
        if match:
            code, number, year = match.groups()
            if year and len(year) == 2:
                year = "19" + year
            cited.append((f"{code} {number}" + (f"-{year}" if year else ""), bool(year)))
    return chapter, cited


# -- a brute-force resolution, the GB/T 1.1 rule written out plainly ---------------


def _undated(std_no: str) -> str:
    number = parse_std_no(std_no)
    return number.undated if number else std_no


def _year(std_no: str) -> int:
    number = parse_std_no(std_no)
    return int(number.year or 0) if number else 0


def known_status(entries: list[dict], std_no: str) -> str:
    """An edition's status as the library knows it: held, named in a held 代替 list, or
    older than a held edition of the same number."""
    for e in entries:
        if e["std_no"] == std_no:
            return e["status"]
    if any(std_no in (e.get("replaces") or []) for e in entries):
        return "被代替"
    if _year(std_no) and any(
        _undated(e["std_no"]) == _undated(std_no) and _year(e["std_no"]) > _year(std_no)
        for e in entries
    ):
        return "被代替"
    return ""


def brute_force_outdated(entries: list[dict], cited: str) -> bool:
    number = parse_std_no(cited)
    if number is None:
        return False
    if number.dated:
        return known_status(entries, str(number)) in OUTDATED
    family = {e["std_no"] for e in entries} | {o for e in entries for o in e.get("replaces") or []}
    family = {no for no in family if parse_std_no(no) and _undated(no) == number.undated}
    return bool(family) and not any(known_status(entries, no) in CURRENT for no in family)


@pytest.fixture(scope="module")
def report(corpus_library):
    return citation_report(corpus_library)


@pytest.fixture(scope="module")
def entries(corpus_library):
    with Catalogue(corpus_library.catalogue_path) as catalogue:
        return catalogue.all_metadata()


def _rows(report) -> dict[tuple[str, str], dict]:
    return {
        (s["std_no"], r["cited"]): r for s in report.to_dict()["standards"] for r in s["references"]
    }


# -- known cases -------------------------------------------------------------------


@pytest.mark.parametrize(
    "pdf, std_no",
    [
        # Clause 2 prints `JT/T 808—2011`; the library holds JT/T 808-2011, replaced.
        (CORPUS / "JT_T_1078-2016.pdf", "JT/T 1078-2016"),
        # A sample: clause 2 prints `T/STDS 001—2024`, replaced by T/STDS 001-2026.
        (SAMPLES / "T_STDS_002-2025.pdf", "T/STDS 002-2025"),
    ],
)
def test_printed_references_to_replaced_editions_are_reported(pdf, std_no, report, entries):
    """JT/T 1078-2016 clause 2 (and the sample T/STDS 002-2025 clause 2): every printed
    reference the library knows as replaced or withdrawn is in the report, under that
    clause, with the successor the catalogue names and the edition in force it leads to."""
    chapter, printed = printed_references(pdf)
    expected = {no for no, _ in printed if brute_force_outdated(entries, no)}
    assert expected, f"{pdf.name}: no printed reference to an outdated edition"
    rows = {cited: r for (citing, cited), r in _rows(report).items() if citing == std_no}
    assert set(rows) == expected
    held = {e["std_no"]: e for e in entries}
    for cited in expected:
        row = rows[cited]
        assert row["clauses"][0] == chapter
        assert row["status"] == known_status(entries, cited) and row["status"] in OUTDATED
        if cited in held:
            assert row["replaced_by"]["std_no"] == held[cited]["replaced_by"]
        final = row["current"] or row["replaced_by"]
        in_force = held[final["std_no"]]
        assert in_force["status"] in CURRENT and final["title_zh"] == in_force["title_zh"]
        assert final["since"] == (in_force["effective"] or in_force["issued"])


def test_jt_t_1078_body_clauses_citing_jt_t_808_2011(corpus_library, report):
    """JT/T 1078-2016 cites JT/T 808—2011 in clause 2 and again in its body (4.1: "按照
    JT/T 808—2011中第4章的要求"): every body clause reported prints that number."""
    standard = next(s for s in report.standards if s.std_no == "JT/T 1078-2016")
    ref = next(r for r in standard.references if r.cited == "JT/T 808-2011")
    assert len(ref.clauses) > 1
    with Catalogue(corpus_library.catalogue_path) as catalogue:
        sha = catalogue.find(std_no="JT/T 1078-2016")[0]
        clauses = {c.clause_no: c for c in load_standard(corpus_library, catalogue, sha).clauses}
    for clause_no in ref.clauses[1:]:
        assert re.search(r"JT/T\s*808\s*[—-]\s*2011", clauses[clause_no].text), clause_no
    assert "4.1" in ref.clauses


def test_undated_reference_means_the_latest_edition(report, entries):
    """GB 18918-2002 clause 2 prints the undated `GB3838`: it means GB 3838-2002, in force,
    although the library knows GB 3838-1988 as replaced; so it is not reported."""
    _, printed = printed_references(CORPUS / "GB_18918-2002.pdf")
    undated = [no for no, dated in printed if not dated and no == "GB 3838"]
    assert undated
    assert known_status(entries, "GB 3838-1988") == "被代替"
    assert ("GB 18918-2002", "GB 3838") not in _rows(report)


# -- completeness ------------------------------------------------------------------


def test_report_equals_brute_force_over_every_reference(corpus_library, report, entries):
    expected, checked = set(), 0
    with Catalogue(corpus_library.catalogue_path) as catalogue:
        for e in entries:
            if e["status"] not in CURRENT:
                continue
            standard = load_standard(corpus_library, catalogue, e["sha256"])
            for ref in standard.references:
                checked += 1
                if brute_force_outdated(entries, ref.std_no):
                    expected.add((e["std_no"], ref.std_no))
    assert set(_rows(report)) == expected
    summary = report.to_dict()["summary"]
    assert summary["references"] == checked
    assert summary["current_standards"] == sum(e["status"] in CURRENT for e in entries)
    assert summary["outdated_references"] == len(expected) >= 2
    print(f"\ncitation health on the corpus: {summary}")


def test_references_resolve_alike_from_the_few_entries_they_concern(corpus_library):
    """A standard page resolves its references from `editions_for` (the entries they
    concern), the report from the whole catalogue: the same answers, and the statements
    do not grow with the number of references."""
    with Catalogue(corpus_library.catalogue_path) as catalogue:
        whole = EditionIndex(catalogue.all_metadata())
        numbers = [cited for _, cited in catalogue.all_citations()]
        statements: list[str] = []
        catalogue.db.set_trace_callback(statements.append)
        for cited in numbers[:50]:
            assert EditionIndex(catalogue.editions_for([cited])).resolve(cited) == whole.resolve(
                cited
            )
        statements.clear()
        together = EditionIndex(catalogue.editions_for(numbers))
        assert [together.resolve(n) for n in numbers] == [whole.resolve(n) for n in numbers]
    chunks = -(-len(set(numbers)) // 200)
    assert len(statements) <= 8 * chunks + 4, len(statements)


def test_withdrawing_the_last_edition_makes_undated_references_outdated(corpus_library, tmp_path):
    """GB 18918-2002 cites `GB 3838` undated. Once a librarian marks GB 3838-2002 废止, no
    edition of GB 3838 is in force: the undated reference becomes outdated (已废止)."""
    copy = Library.open(tmp_path / "library")
    with (
        sqlite3.connect(corpus_library.catalogue_path) as source,
        sqlite3.connect(copy.catalogue_path) as target,
    ):
        source.backup(target)
    shutil.copytree(corpus_library.root / "extracted", copy.root / "extracted", dirs_exist_ok=True)
    with Catalogue(copy.catalogue_path) as catalogue:
        sha = catalogue.find(std_no="GB 3838-2002")[0]
        catalogue.set_override(sha, "status", "废止", "librarian")
        catalogue.set_override(sha, "withdrawn", "2025-01-01", "librarian")
        update_statuses(catalogue)
    rows = _rows(citation_report(copy))
    row = rows[("GB 18918-2002", "GB 3838")]
    assert row["resolved"] == "GB 3838-2002" and row["status"] == "废止"
    assert row["since"] == "2025-01-01" and row["replaced_by"] is None
    assert "GB 18918-2002" not in {citing for citing, _ in _rows(citation_report(corpus_library))}


# -- the faces: site, JSON, CSV, command line ----------------------------------------


@pytest.fixture(scope="module")
def site(corpus_library):
    app = create_app({"DATA_DIR": str(corpus_library.root), "SEARCH_ENGINE": "whoosh"})
    base_url, server = serve_in_thread(app)
    yield base_url
    server.shutdown()


CITATIONS_JSON = ("citations", "--json")


def test_json_twin_csv_and_command_line_agree(site, corpus_library, report):
    data = requests.get(f"{site}/reports/citations?format=json", timeout=30).json()
    assert data == json.loads(json.dumps(report.to_dict()))
    response = requests.get(f"{site}/reports/citations?format=csv", timeout=30)
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == data["summary"]["outdated_references"]
    assert {(r["citing_std_no"], r["cited"]) for r in rows} == set(_rows(report))
    assert response.content.decode("utf-8-sig") == report_csv(report)
    out = subprocess.run(
        [sys.executable, "-m", "search_app.cli", "--data", corpus_library.root, *CITATIONS_JSON],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(out) == data


def test_filters_and_sort(site, report, entries):
    everything = report.to_dict()["standards"]
    for name, typed, value in [("level", "地方", "local"), ("region", "guangdong", "广东")]:
        url = f"{site}/reports/citations?format=json&{name}={typed}"
        kept = requests.get(url, timeout=30).json()
        assert kept["filters"] == {name: value}
        assert kept["standards"] == [s for s in everything if s[name] == value]
        assert kept["summary"]["current_standards"] == sum(
            e["status"] in CURRENT and e.get(name) == value for e in entries
        )
    ranked = requests.get(f"{site}/reports/citations?format=json&sort=outdated", timeout=30).json()
    counts = [s["outdated_count"] for s in ranked["standards"]]
    assert counts == sorted(counts, reverse=True)
    bad = requests.get(f"{site}/reports/citations?format=json&level=火星", timeout=30)
    assert bad.status_code == 400 and "level" in bad.json()["error"]
    assert requests.get(f"{site}/reports/citations?level=火星", timeout=30).status_code == 400


def test_standard_page_marks_outdated_references_and_resolves_undated_ones(site, entries):
    """JT/T 1078-2016 clause 2 cites JT/T 808—2011, replaced; GB 18918-2002 clause 2 cites
    the undated GB3838, which means GB 3838-2002."""
    quote = urllib.parse.quote
    successor = next(e for e in entries if e["std_no"] == "JT/T 808-2011")["replaced_by"]
    data = requests.get(f"{site}/api/standards/{quote('JT/T 1078-2016')}", timeout=30).json()
    ref = next(r for r in data["references"] if r["std_no"] == "JT/T 808-2011")
    assert ref["outdated"] and ref["resolved"] == "JT/T 808-2011"
    assert ref["resolution"]["replaced_by"]["std_no"] == successor
    assert {"std_no", "title", "dated"} <= set(ref)
    linked = next(r for r in data["links"]["references"] if r["std_no"] == "JT/T 808-2011")
    assert linked["outdated"] and linked["in_library"] == "JT/T 808-2011"
    final = (ref["resolution"]["current"] or ref["resolution"]["replaced_by"])["std_no"]
    page = requests.get(f"{site}/std/{quote('JT/T 1078-2016')}", timeout=30).text
    assert re.search(rf'ref-outdated">已被代替 → <a href="[^"]+">{re.escape(final)}</a>', page)
    data = requests.get(f"{site}/api/standards/{quote('GB 18918-2002')}", timeout=30).json()
    ref = next(r for r in data["references"] if r["std_no"] == "GB 3838")
    assert ref["resolved"] == "GB 3838-2002" and not ref["outdated"]
    page = requests.get(f"{site}/std/{quote('GB 18918-2002')}", timeout=30).text
    assert re.search(r'ref-resolved"[^>]*>→ <a href="[^"]+">GB 3838-2002</a>', page)


def test_openapi_describes_the_report(site):
    spec = requests.get(f"{site}/api/openapi.json", timeout=30).json()
    entry = spec["paths"]["/reports/citations"]["get"]
    schema = entry["responses"]["200"]["content"]["application/json"]["schema"]
    data = requests.get(f"{site}/reports/citations?format=json", timeout=30).json()
    assert set(schema["required"]) <= set(data)
    item = schema["properties"]["standards"]["items"]
    reference = item["properties"]["references"]["items"]
    for standard in data["standards"]:
        assert set(item["required"]) <= set(standard)
        for ref in standard["references"]:
            assert set(reference["required"]) == set(ref)
    assert {"text/csv", "text/html"} <= set(entry["responses"]["200"]["content"])
