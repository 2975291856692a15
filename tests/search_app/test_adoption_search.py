"""Adoption (采标) in search, on both engines: the `adopts:` and `degree:` filters, the 采标
facet, and international numbers finding the Chinese standards that adopt them.

The library holds real corpus standards: GB/T 7714-2015 (cover page 1 and 前言: ISO
690:2010, NEQ), GB 11806-2019 (cover page 1 and 前言: IAEA SSR-6:2012, MOD), and two that
adopt nothing although they name international standards: GB 17761-2018 (normative
references printed with their own `IDT`) and HJ 212-2017.
"""

from __future__ import annotations

import json

import pytest

from indexer.engine import open_engine
from indexer.ingest.pipeline import ingest
from indexer.ingest.reindex import rebuild_index
from indexer.library.catalogue import Catalogue
from indexer.library.corrections import apply_corrections
from indexer.library.store import Library
from search_app.search import search
from tests.conftest import library_engine

FILES = ("GB_T_7714-2015.pdf", "GB_11806-2019.pdf", "GB_17761-2018.pdf", "HJ_212-2017.pdf")
ADOPTS_ISO = "GB/T 7714-2015"
ADOPTS_IAEA = "GB 11806-2019"

pytestmark = pytest.mark.corpus


def _library(paths, folder) -> Library:
    library = Library.open(str(folder))
    report = ingest([str(p) for p in paths], library, workers=1, use_ocr=False)
    assert not report.failed, [(o.file, o.reason) for o in report.failed]
    return library


@pytest.fixture(scope="module")
def adoption_library(tmp_path_factory, corpus_pdf):
    return _library([corpus_pdf(name) for name in FILES], tmp_path_factory.mktemp("adoption"))


@pytest.fixture(scope="module")
def index(adoption_library, engine_name, request):
    return library_engine(adoption_library, engine_name, request)


def _standards(engine, query: str, **filters) -> list[str]:
    return [g.std_no for g in search(engine, query, filters=filters or None).groups]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("adopts:ISO", [ADOPTS_ISO]),
        ("adopts:iso", [ADOPTS_ISO]),
        ("adopts:ISO 690", [ADOPTS_ISO]),
        ("adopts:iso690:2010", [ADOPTS_ISO]),
        ("采标:IAEA", [ADOPTS_IAEA]),
        ("adopts:ISO 691", []),
        ("adopts:IEC", []),
        ("degree:NEQ", [ADOPTS_ISO]),
        ("degree:IDT", []),
        ("一致性:修改", [ADOPTS_IAEA]),
        ("一致性:非等效", [ADOPTS_ISO]),
        ("degree:MOD,NEQ", sorted([ADOPTS_ISO, ADOPTS_IAEA])),
    ],
)
def test_adoption_filters(index, query, found):
    assert sorted(_standards(index, query)) == found


def test_adoption_filters_with_words_and_as_parameters(index):
    assert _standards(index, "参考文献 adopts:ISO") == [ADOPTS_ISO]
    assert _standards(index, "放射性", adopts="ISO") == []
    assert _standards(index, "放射性", degree="MOD") == [ADOPTS_IAEA]


def test_adoption_facet_counts_bodies_and_degrees(index):
    facets = search(index, "标准").facets
    assert dict(facets["adopts"]) == {"ISO": 1, "IAEA": 1}
    assert dict(facets["degree"]) == {"NEQ": 1, "MOD": 1}
    narrowed = search(index, "标准 degree:NEQ").facets
    assert dict(narrowed["adopts"]) == {"ISO": 1}


@pytest.mark.parametrize("query", ["ISO 690", "iso690", "ISO 690:2010", "ISO 690-2010", "iso 690"])
def test_an_international_number_finds_the_standard_that_adopts_it_first(index, query):
    found = _standards(index, query)
    assert found and found[0] == ADOPTS_ISO


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("GB/T 7714-2015", ADOPTS_ISO),
        ("gbt7714", ADOPTS_ISO),
        ("GB 11806", ADOPTS_IAEA),
        ("GB 17761-2018", "GB 17761-2018"),
        ("HJ 212", "HJ 212-2017"),
    ],
)
def test_chinese_numbers_still_find_their_own_standard_first(index, query, first):
    assert _standards(index, query)[0] == first


def test_a_number_only_cited_with_its_own_adoption_finds_nothing(index):
    """GB 17761-2018 cites GB/T 755—2008 `(IEC 60034-1:2004,IDT)`: IEC 60034-1 is not
    adopted by anything in this library."""
    assert _standards(index, "IEC 60034-1") == []


def test_reindex_reads_the_adoptions_of_parses_made_before_them(tmp_path, corpus_pdf):
    """A library parsed before adoptions were read (no `adoption` in its catalogue or its
    stored parse) gets them on `reindex`, from the stored foreword and `adopts` text."""
    library = _library([corpus_pdf("GB_T_7714-2015.pdf")], tmp_path / "old")
    with Catalogue(library.catalogue_path) as catalogue:
        (sha,) = catalogue.shas()
        row = catalogue.db.execute("SELECT metadata FROM standards").fetchone()
        metadata = json.loads(row["metadata"])
        del metadata["adoption"]
        catalogue.db.execute("UPDATE standards SET metadata = ?", (json.dumps(metadata),))
    stored = library.extracted_path(sha)
    parse = json.loads(stored.read_text(encoding="utf-8"))
    del parse["adoption"]
    stored.write_text(json.dumps(parse, ensure_ascii=False), encoding="utf-8")
    engine = open_engine(library)
    rebuild_index(library, engine)
    with Catalogue(library.catalogue_path) as catalogue:
        assert catalogue.metadata(sha)["adoption"] == [
            {"standard": "ISO 690:2010", "org": "ISO", "degree": "NEQ"}
        ]
    assert _standards(open_engine(library), "adopts:ISO") == [ADOPTS_ISO]


def test_a_corrected_adopts_text_corrects_filters_and_number_search(tmp_path, corpus_pdf):
    library = _library([corpus_pdf("GB_T_7714-2015.pdf")], tmp_path / "edited")
    with Catalogue(library.catalogue_path) as catalogue:
        (sha,) = catalogue.shas()
    engine = open_engine(library)
    apply_corrections(
        library, engine, sha, {"adopts": "ISO 690:2010, NEQ; IEC 60335-1:2020, MOD"}, "librarian"
    )
    with Catalogue(library.catalogue_path) as catalogue:
        assert catalogue.metadata(sha)["adoption"][1] == {
            "standard": "IEC 60335-1:2020",
            "org": "IEC",
            "degree": "MOD",
        }
    assert _standards(engine, "adopts:IEC 60335") == [ADOPTS_ISO]
    assert _standards(engine, "IEC 60335-1")[0] == ADOPTS_ISO


# ---------------------------------------------------------------------------
# The site, its JSON twins and the command line


@pytest.fixture(scope="module")
def site(adoption_library, engine_name, request):
    from search_app.web.app import create_app
    from tests.conftest import engine_config, serve_in_thread

    config = engine_config(adoption_library, engine_name, request)
    base_url, server = serve_in_thread(
        create_app({"DATA_DIR": str(adoption_library.root), **config})
    )
    yield base_url
    server.shutdown()


def _get(url: str) -> tuple[int, str]:
    import urllib.request

    with urllib.request.urlopen(url) as response:
        return response.status, response.read().decode("utf-8")


def test_standard_page_shows_the_adoption_line_in_both_languages(site):
    import html

    _, page = _get(f"{site}/std/GB%2FT%207714-2015")
    text = html.unescape(page)
    assert "采标" in text and "ISO 690:2010" in text and "NEQ 非等效" in text
    import re

    (link,) = re.findall(r'href="(/search\?adopts=[^"]+)"', page)
    _, found = _get(site + html.unescape(link))  # the standards that adopt ISO 690:2010
    assert "7714" in found and "11806" not in found
    _, english = _get(f"{site}/std/GB%2FT%207714-2015?lang=en")
    assert "Adopts" in english and "NEQ not equivalent" in english
    (line,) = re.findall(r'<dd class="adoption">(.*?)</dd>', english, re.S)
    assert not re.search(r"[\u4e00-\u9fff]", html.unescape(line))  # the foreword may say 非等效


def test_json_twins_carry_the_adoption_list(site):
    expected = [{"standard": "ISO 690:2010", "org": "ISO", "degree": "NEQ"}]
    for path in ("/std/GB%2FT%207714-2015?format=json", "/api/standards/gbt7714-2015"):
        _, body = _get(site + path)
        assert json.loads(body)["adoption"] == expected
    _, body = _get(f"{site}/api/standards")
    listed = {e["std_no"]: e["adoption"] for e in json.loads(body)}
    assert listed[ADOPTS_ISO] == expected and listed["HJ 212-2017"] == []
    _, body = _get(f"{site}/api/openapi.json")
    spec = json.loads(body)
    names = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert {"adopts", "degree"} <= names


def test_search_page_filters_by_adoption_and_shows_the_facet(site):
    _, page = _get(f"{site}/search?q=%E6%A0%87%E5%87%86")  # 标准
    assert "<h2>采标</h2>" in page and "<h2>一致性程度</h2>" in page
    assert "adopts=ISO" in page and "degree=NEQ" in page
    _, body = _get(f"{site}/api/search?q=%E6%A0%87%E5%87%86&adopts=ISO")
    assert [g["std_no"] for g in json.loads(body)["groups"]] == [ADOPTS_ISO]
    _, body = _get(f"{site}/api/search?q=ISO%20690")
    assert json.loads(body)["groups"][0]["std_no"] == ADOPTS_ISO


def test_command_line_list_and_show_carry_the_adoption(adoption_library):
    from click.testing import CliRunner

    from search_app.cli import main

    runner = CliRunner()
    data = ["--data", str(adoption_library.root)]
    shown = runner.invoke(main, [*data, "show", "GB 11806-2019", "--json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["adoption"] == [
        {"standard": "IAEA SSR-6:2012", "org": "IAEA", "degree": "MOD"}
    ]
    listed = runner.invoke(main, [*data, "list", "--json"])
    entries = {e["std_no"]: e["adoption"] for e in json.loads(listed.stdout)}
    assert entries[ADOPTS_ISO][0]["degree"] == "NEQ"
    adopting = runner.invoke(main, [*data, "adoptions", "--json"])
    assert [e["std_no"] for e in json.loads(adopting.stdout)] == [ADOPTS_IAEA, ADOPTS_ISO]
    modified = runner.invoke(main, [*data, "adoptions", "--degree", "修改"])
    assert ADOPTS_IAEA in modified.output and ADOPTS_ISO not in modified.output
    by_body = runner.invoke(main, [*data, "adoptions", "--org", "iso", "--json"])
    assert [e["std_no"] for e in json.loads(by_body.stdout)] == [ADOPTS_ISO]
    assert runner.invoke(main, [*data, "adoptions", "--degree", "same"]).exit_code == 2
