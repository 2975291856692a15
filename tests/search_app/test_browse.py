"""The home page, the browse trees and the `/std` list, over real HTTP on the corpus library:
counts that add up, ICS groups that list what the covers print, CSV that matches JSON,
pages and sorting, and list filters that mean what the search's filters mean."""

from __future__ import annotations

import csv
import io
import json
import shutil
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from analyzers.classifications import ICS_FILE, ccs_codes, ics_names
from search_app.cli import main
from search_app.search import browse
from search_app.search.query import QueryError
from search_app.web.app import create_app
from search_app.web.openapi import SPEC
from tests.conftest import engine_config, serve_in_thread


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.headers.get("content-type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("content-type", ""), error.read()


def get_json(url: str):
    status, ctype, body = get(url)
    assert status == 200 and ctype.startswith("application/json"), (url, status, body[:300])
    return json.loads(body)


def q(**params) -> str:
    return urllib.parse.urlencode(params)


@pytest.fixture(scope="module")
def site(corpus_library, engine_name, request):
    config = {
        "DATA_DIR": str(corpus_library.root),
        **engine_config(corpus_library, engine_name, request),
    }
    base_url, server = serve_in_thread(create_app(config))
    yield base_url
    server.shutdown()


@pytest.fixture(scope="module")
def catalogue(site):
    """What the library holds, as `/api/standards` (the catalogue's metadata) says."""
    return get_json(f"{site}/api/standards")


def whole_list(site: str, **params) -> list[dict]:
    data = get_json(f"{site}/std?{q(format='json', per_page=200, **params)}")
    assert data["total"] == len(data["items"]) and data["pages"] == 1
    return data["items"]


# ---------------------------------------------------------------------------
# Pure parts


def test_ics_table_names_every_field_and_states_its_source():
    names = ics_names()
    fields = [code for code in names if "." not in code]
    assert len(fields) == 40 and len(set(fields)) == 40
    assert names["13"].zh == "环保、保健和安全" and names["13.060"].en == "Water quality"
    assert all(name.zh and name.en for name in names.values())
    header = ICS_FILE.read_text(encoding="utf-8").splitlines()[:3]
    assert any("published by ISO" in line for line in header)


def test_ccs_codes_as_covers_print_them():
    assert ccs_codes("Z 60") == ["Z60"]
    assert ccs_codes("R 10/19") == ["R10", "R19"]
    assert ccs_codes("") == []


def test_list_filters_take_the_search_boxs_spellings():
    for spelling in ("广东", "广东省", "DB44", "guangdong"):
        assert browse.parse_filters({"region": spelling}) == {"region": ("广东",)}
    assert browse.parse_filters({"level": "地标", "kind": "强制"}) == {
        "level": ("local",),
        "kind": ("mandatory",),
    }
    assert browse.parse_filters({"std": "gb/t7714-2015"}) == {"std_no": ("GB/T 7714-2015",)}
    assert browse.parse_filters({"ccs": "z 60"}) == {"ccs": ("Z60",)}
    for bad in ({"status": "maybe"}, {"ics": "thirteen"}, {"ccs": "Q99x"}):
        with pytest.raises(QueryError):
            browse.parse_filters(bad)


def test_numbers_sort_as_numbers_not_as_text():
    numbers = ["GB 12348-2008", "GB 3095-2012", "GB 3095-1996", "GB/T 7714-2015", "DB44/27-2001"]
    ordered = sorted(numbers, key=browse.number_key)
    assert ordered == [
        "DB44/27-2001",
        "GB 3095-1996",
        "GB 3095-2012",
        "GB 12348-2008",
        "GB/T 7714-2015",
    ]


def test_issuing_bodies_are_grouped_with_and_without_the_states_name():
    meta = {"issuers": ["””中华人民共和国国家质量监督检验检疫总局", "中国国家标准化管理委员会"]}
    assert browse.issuing_bodies(meta) == ["国家质量监督检验检疫总局", "中国国家标准化管理委员会"]


# ---------------------------------------------------------------------------
# The home page


def test_home_counts_add_up_to_the_library_size(site, catalogue):
    data = get_json(f"{site}/?format=json")
    assert data["total"] == len(catalogue) > 40
    for name in ("level", "kind", "status", "region"):
        assert sum(data["counts"][name].values()) == len(catalogue), name
    assert data["counts"]["region"].get("广东", 0) == sum(
        1 for m in catalogue if m["region"] == "广东"
    )
    # Recently added: the newest first, ten at most, each a standard of the library.
    added = [item["ingested_at"] for item in data["recently_added"]]
    assert added == sorted(added, reverse=True) and 0 < len(added) <= 10
    numbers = {m["std_no"] for m in catalogue}
    assert {item["std_no"] for item in data["recently_added"]} <= numbers


def test_home_lists_what_comes_into_force_and_what_ended(site, catalogue):
    data = get_json(f"{site}/?format=json")
    today = date.fromisoformat(data["today"])
    window = (today.isoformat(), (today + timedelta(days=90)).isoformat())
    expected = {
        m["std_no"]
        for m in catalogue
        if len(m["effective"]) == 10 and window[0] < m["effective"] <= window[1]
    }
    assert {item["std_no"] for item in data["upcoming"]} == expected
    ended = {m["std_no"] for m in catalogue if m["status"] in ("被代替", "废止")}
    assert ended, "the corpus holds replaced editions (JT/T 808-2011 and -2013)"
    shown = {item["std_no"] for item in data["recently_ended"]}
    assert shown <= ended and (shown == ended if len(ended) <= 10 else len(shown) == 10)
    # JT/T 808-2011 was replaced by JT/T 808-2019, in force from the date its cover prints.
    by_number = {m["std_no"]: m for m in catalogue}
    for item in data["recently_ended"]:
        successor = by_number.get(by_number[item["std_no"]]["replaced_by"])
        if successor and successor["effective"]:
            assert item["since"] == successor["effective"], item


def test_home_page_keeps_the_search_box_first_and_links_the_counts(site):
    status, ctype, body = get(f"{site}/")
    html = body.decode()
    assert status == 200 and ctype.startswith("text/html")
    assert html.index('id="q"') < html.index('class="library"')
    assert 'href="/std?level=local"' in html and 'href="/browse/ics"' in html
    # With a query, `/` is the search it always was.
    status, _, body = get(f"{site}/?{q(q='噪声')}")
    assert status == 200 and 'class="results"' in body.decode()


# ---------------------------------------------------------------------------
# The trees


def test_trees_count_every_standard(site, catalogue):
    total = len(catalogue)
    for kind in ("region", "level", "year", "body", "ics", "ccs", "adoption"):
        tree = get_json(f"{site}/browse/{kind}?format=json")
        assert tree["kind"] == kind and tree["total"] == total
        counted = sum(node["count"] for node in tree["nodes"])
        if kind in ("region", "level", "year"):
            # Each standard has one value, or none: the counts partition the library.
            assert counted + tree["unclassified"] == total, kind
        else:
            assert counted + tree["unclassified"] >= total, kind
        for node in tree["nodes"]:
            if node["children"] and kind != "level":
                assert sum(c["count"] for c in node["children"]) >= node["count"], node["key"]
    level = get_json(f"{site}/browse/level?format=json")
    for node in level["nodes"]:
        assert sum(c["count"] for c in node["children"]) <= node["count"]
    assert sum(k["count"] for k in level["kinds"]) <= total


def test_ics_tree_names_every_field_and_every_group_the_library_uses(site, catalogue):
    tree = get_json(f"{site}/browse/ics?format=json")
    fields = {node["key"]: node for node in tree["nodes"]}
    assert len(fields) >= 40 and all(
        node["name_zh"] and node["name_en"] for node in fields.values()
    )
    used = {".".join(code.split(".")[:2]) for m in catalogue for code in m["ics"] if "." in code}
    assert used, "the corpus covers print ICS codes"
    groups = {c["key"]: c for node in tree["nodes"] for c in node["children"]}
    for group in used:
        assert groups[group]["name_zh"] and groups[group]["name_en"], group
        expected = sum(1 for m in catalogue if any(c.startswith(group) for c in m["ics"]))
        assert groups[group]["count"] == expected, group


def test_a_known_ics_group_lists_the_standards_whose_cover_prints_it(site, catalogue):
    """GB 18918-2002 (城镇污水处理厂污染物排放标准) prints ICS 13.060.30 on its cover (page 1):
    it is listed under 13.060 水质, and so is every standard with a 13.060 code, and nothing
    else."""
    listed = {item["std_no"] for item in whole_list(site, ics="13.060")}
    assert "GB 18918-2002" in listed
    assert listed == {
        m["std_no"] for m in catalogue if any(c.startswith("13.060") for c in m["ics"])
    }
    tree = get_json(f"{site}/browse/ics?format=json")
    group = next(c for n in tree["nodes"] for c in n["children"] if c["key"] == "13.060")
    assert group["count"] == len(listed) and group["filter"] == {"ics": "13.060"}
    assert group["name_zh"] == "水质"


def test_region_tree_names_every_province_with_its_prefix(site):
    tree = get_json(f"{site}/browse/region?format=json")
    guangdong = next(node for node in tree["nodes"] if node["key"] == "广东")
    assert guangdong["prefix"] == "DB44" and guangdong["count"] >= 1
    assert len(tree["nodes"]) >= 34
    listed = whole_list(site, **guangdong["filter"])
    assert len(listed) == guangdong["count"]
    assert all(item["std_no"].startswith("DB44") for item in listed)


def test_every_node_lists_as_many_standards_as_it_counts(site):
    for kind in ("ccs", "level", "body", "year", "adoption"):
        tree = get_json(f"{site}/browse/{kind}?format=json")
        for node in tree["nodes"][:6]:
            for each in [node, *node["children"][:3]]:
                if each["count"]:
                    assert len(whole_list(site, **each["filter"])) == each["count"], each


def test_adoption_tree_counts_the_standards_that_state_an_adoption(site, catalogue):
    tree = get_json(f"{site}/browse/adoption?format=json")
    adopting = [m for m in catalogue if m.get("adoption")]
    assert adopting, "the corpus holds standards that adopt international ones"
    assert tree["total"] - tree["unclassified"] == len(adopting)
    orgs = {a["org"] for m in adopting for a in m["adoption"]}
    assert {node["key"] for node in tree["nodes"]} == orgs


def test_an_unknown_tree_is_a_404(site):
    status, _, body = get(f"{site}/browse/colour?format=json")
    assert status == 404 and json.loads(body)["error"]
    status, _, _ = get(f"{site}/browse/colour")
    assert status == 404


# ---------------------------------------------------------------------------
# The list


def test_csv_parses_and_matches_the_json(site):
    params = {"level": "national", "sort": "title"}
    items = whole_list(site, **params)
    status, ctype, body = get(f"{site}/std?{q(format='csv', **params)}")
    assert status == 200 and ctype.startswith("text/csv")
    assert body.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [row["std_no"] for row in rows] == [item["std_no"] for item in items]
    for row, item in zip(rows, items, strict=True):
        assert row["title_zh"] == item["title_zh"] and row["status"] == item["status"]
        assert row["ics"] == "; ".join(item["ics"])


def test_pages_put_together_give_the_whole_list(site, catalogue):
    whole = [item["std_no"] for item in whole_list(site)]
    assert len(whole) == len(catalogue)
    first = get_json(f"{site}/std?{q(format='json', per_page=7)}")
    assert first["pages"] == -(-len(catalogue) // 7) and first["page"] == 1
    paged = []
    for page in range(1, first["pages"] + 1):
        data = get_json(f"{site}/std?{q(format='json', per_page=7, page=page)}")
        assert len(data["items"]) <= 7
        paged += [item["std_no"] for item in data["items"]]
    assert paged == whole


def test_sorting_by_each_column(site):
    by_number = [i["std_no"] for i in whole_list(site, sort="number")]
    assert [i["std_no"] for i in whole_list(site, sort="number", order="desc")] == by_number[::-1]
    assert by_number.index("GB 3838-2002") < by_number.index("GB 12348-2008")
    dates = [i["issued"] or i["effective"] for i in whole_list(site, sort="date")]
    assert dates == sorted(dates)
    order = {"现行": 0, "即将实施": 1, "被代替": 2, "废止": 3}
    statuses = [order.get(i["status"], 9) for i in whole_list(site, sort="status")]
    assert statuses == sorted(statuses)
    titles = [i["title_zh"] or "~" for i in whole_list(site, sort="title", order="desc")]
    assert titles == sorted(titles, reverse=True)


def test_list_items_carry_the_keys_of_list_json(site, corpus_library):
    result = CliRunner().invoke(main, ["--data", str(corpus_library.root), "list", "--json"])
    listed = json.loads(result.stdout)
    items = whole_list(site)
    assert {i["std_no"] for i in items} == {m["std_no"] for m in listed}
    assert set(items[0]) == set(listed[0])


@pytest.mark.parametrize(
    "filters",
    [
        {"level": "地方"},
        {"region": "DB44"},
        {"ics": "13.040"},
        {"ics": "13"},
        {"year": "2010-2019", "kind": "强制"},
        {"status": "被代替"},
        {"year": "-2005"},
        {"std": "gb/t 7714-2015"},
    ],
)
def test_list_filters_mean_what_the_search_filters_mean(site, filters):
    searched = get_json(f"{site}/api/search?{q(limit=100, **filters)}")
    assert searched["total_standards"] < 100
    listed = {item["std_no"] for item in whole_list(site, **filters)}
    assert listed and listed == {group["std_no"] for group in searched["groups"]}


@pytest.mark.parametrize(
    "typed, filters",
    [
        ("age:>5", {"age": ">5"}),
        ("age:3-10", {"age": "3-10"}),
        ("review:due", {"review": "due"}),
        ("adopts:ISO", {"adopts": "iso"}),
        ("degree:NEQ", {"degree": "非等效"}),
    ],
)
def test_list_filters_on_age_review_and_adoption_mean_what_the_box_means(site, typed, filters):
    searched = get_json(f"{site}/api/search?{q(limit=100, q=typed)}")
    assert searched["total_standards"] < 100
    listed = {item["std_no"] for item in whole_list(site, **filters)}
    assert listed and listed == {group["std_no"] for group in searched["groups"]}


def test_prefix_filter_means_what_prefix_in_the_query_means(site):
    searched = get_json(f"{site}/api/search?{q(limit=100, q='prefix:GB/T')}")
    listed = {item["std_no"] for item in whole_list(site, prefix="gb/t")}
    assert listed and listed == {group["std_no"] for group in searched["groups"]}


def test_a_filter_it_cannot_use_is_a_400_with_the_reason(site):
    status, ctype, body = get(f"{site}/std?{q(format='json', status='maybe')}")
    assert status == 400 and "status:maybe" in json.loads(body)["error"]
    status, ctype, body = get(f"{site}/std?{q(status='maybe')}")
    assert status == 400 and ctype.startswith("text/html") and "status:maybe" in body.decode()
    status, _, _ = get(f"{site}/std?{q(page='two')}")
    assert status == 400


def test_openapi_describes_the_front_door_and_browsing(site):
    spec = get_json(f"{site}/api/openapi.json")
    for path in ("/", "/browse", "/browse/{kind}", "/std"):
        assert path in spec["paths"], path
    cases = {
        "/": f"{site}/?format=json",
        "/browse/{kind}": f"{site}/browse/ics?format=json",
        "/std": f"{site}/std?format=json&per_page=3",
    }
    for path, url in cases.items():
        schema = SPEC["paths"][path]["get"]["responses"]["200"]["content"]["application/json"][
            "schema"
        ]
        data = get_json(url)
        assert set(schema["required"]) <= set(data), path
        assert set(data) <= set(schema["properties"]), path
    items = get_json(cases["/std"])["items"]
    assert all(
        set(
            SPEC["paths"]["/std"]["get"]["responses"]["200"]["content"]["application/json"][
                "schema"
            ]["properties"]["items"]["items"]["required"]
        )
        <= set(i)
        for i in items
    )


def test_browse_command_prints_the_tree_and_a_nodes_standards(corpus_library, site):
    data = str(corpus_library.root)
    result = CliRunner().invoke(main, ["--data", data, "browse", "ics", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["nodes"] == get_json(f"{site}/browse/ics?format=json")["nodes"]
    result = CliRunner().invoke(main, ["--data", data, "browse", "ics", "13.060", "--json"])
    assert {m["std_no"] for m in json.loads(result.stdout)} == {
        i["std_no"] for i in whole_list(site, ics="13.060")
    }
    result = CliRunner().invoke(main, ["--data", data, "browse", "level"])
    assert result.exit_code == 0 and "national" in result.output
    result = CliRunner().invoke(main, ["--data", data, "browse", "ccs", "Q99x"])
    assert result.exit_code == 2


def test_ended_standards_are_dated_by_withdrawal_else_by_the_status_change(
    samples_library, tmp_path
):
    """A 废止 with its withdrawal date ends on that date; a standard a librarian marked
    被代替 by an edition the library lacks ends when its status was changed (audit log)."""
    from indexer.engine import open_engine
    from indexer.library.catalogue import Catalogue
    from indexer.library.corrections import apply_corrections
    from indexer.library.listing import catalogue_entries
    from indexer.library.store import Library

    shutil.copytree(samples_library.root, tmp_path / "lib")
    library = Library.open(tmp_path / "lib")
    with Catalogue(library.catalogue_path) as catalogue:
        shas = {m["std_no"]: m["sha256"] for m in catalogue.all_metadata()}
    engine = open_engine(library)
    withdrawn = {"status": "废止", "withdrawn": "2026-03-01"}
    apply_corrections(library, engine, shas["T/STDS 002-2025"], withdrawn, "librarian")
    replaced = {"status": "被代替", "replaced_by": "T/STDS 003-2099"}
    apply_corrections(library, engine, shas["T/STDS 003-2026"], replaced, "librarian")
    with Catalogue(library.catalogue_path) as catalogue:
        entries = catalogue_entries(catalogue)
    changed = {e.metadata["std_no"]: e.status_changed_at for e in entries}
    ended = {
        i["std_no"]: i["since"] for i in browse.overview(entries, date.today())["recently_ended"]
    }
    assert ended["T/STDS 002-2025"] == "2026-03-01"
    assert (
        changed["T/STDS 003-2026"] and ended["T/STDS 003-2026"] == changed["T/STDS 003-2026"][:10]
    )
    # T/STDS 001-2024 is replaced by T/STDS 001-2026, which the library holds.
    by_number = {e.metadata["std_no"]: e.metadata for e in entries}
    assert ended["T/STDS 001-2024"] == by_number["T/STDS 001-2026"]["effective"]
