"""The term concordance over the whole shared corpus: its groups against what each
standard prints (read back with `stdsearch show`), its flags, and its page, JSON twin,
API, OpenAPI entry and command line agreeing with each other."""

from __future__ import annotations

import json
import re
import unicodedata
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from search_app.cli import main as cli
from search_app.search.concordance import TermSource
from search_app.web.app import create_app
from tests.conftest import engine_config

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


def run_cli(library, *args: str):
    result = CliRunner().invoke(cli, ["--data", str(library.root), *args])
    assert result.exit_code == 0, result.output
    return result.output


def printed_terms(library, std_no: str) -> dict[str, dict]:
    """A standard's terms as `stdsearch show STD_NO --json` prints them, by clause number."""
    shown = json.loads(run_cli(library, "show", std_no, "--json"))
    return {term["clause_no"]: term for term in shown["terms"]}


def plain(text: str) -> str:
    """A definition without its source line (`[GB 16297-1996，定义3.1]`), whitespace,
    punctuation or full-width forms: what the reader compares."""
    lines = [ln for ln in text.splitlines() if not re.fullmatch(r"\s*[\[［【].*[\]］】]\s*", ln)]
    folded = unicodedata.normalize("NFKC", "\n".join(lines)).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "PZC")


@pytest.fixture(scope="module")
def concordance(corpus_library):
    return TermSource(corpus_library).concordance()


@pytest.fixture(scope="module")
def client(corpus_library, engine_name, request):
    config = {"DATA_DIR": str(corpus_library.root), "UPLOAD_QUEUE": False}
    app = create_app({**config, **engine_config(corpus_library, engine_name, request)})
    yield app.test_client()
    uploads = app.extensions.get("stdsearch.uploads")
    if uploads is not None:
        uploads.stop()


def test_every_printed_term_is_read_and_a_shared_term_matches_each_standards_text(
    corpus_library, concordance
):
    """The term found in the most standards is checked entry by entry against each
    standard's own printed term and definition."""
    standards = json.loads(run_cli(corpus_library, "list", "--json"))
    printed = {s["std_no"]: printed_terms(corpus_library, s["std_no"]) for s in standards}
    assert concordance.stats()["terms"] == sum(len(terms) for terms in printed.values())

    shared = concordance.widespread()
    assert shared, "no term of the corpus is defined in two standards"
    widest = shared[0]
    assert widest.standard_count >= 2
    for entry in widest.entries:
        term = printed[entry.std_no][entry.clause_no]
        assert (term["term_zh"], term["term_en"], term["definition"]) == (
            entry.term_zh,
            entry.term_en,
            entry.definition,
        )
    # Every shared group really holds one term: its Chinese or English spellings meet.
    for group in shared:
        assert len({e.std_no for e in group.entries}) == group.standard_count >= 2


def test_flags_follow_the_printed_definitions(corpus_library, concordance):
    """A group is flagged exactly when two of its standards print definitions that differ
    in more than whitespace, punctuation, width or a source line; the corpus has both."""
    flagged = agreeing = 0
    for group in concordance.widespread():
        texts = {
            plain(printed_terms(corpus_library, e.std_no)[e.clause_no]["definition"])
            for e in group.entries
        }
        assert group.differ == (len(texts) > 1), group.summary()
        flagged += group.differ
        agreeing += not group.differ
    assert flagged >= 1 and agreeing >= 1


def test_a_voice_level_is_defined_alike_in_gb_12348_and_gb_12523(corpus_library, client):
    """GB 12348-2008 3.2 and GB 12523-2011 3.3 both print A声级 as 用A计权网络测得的声压级，
    用LA表示，单位dB（A）。: one definition, no flag."""
    a = printed_terms(corpus_library, "GB 12348-2008")["3.2"]
    b = printed_terms(corpus_library, "GB 12523-2011")["3.3"]
    assert a["term_zh"] == b["term_zh"] == "A声级"
    assert plain(a["definition"]) == plain(b["definition"])
    group = client.get("/api/terms/concordance?q=A声级").get_json()["groups"][0]
    assert {"GB 12348-2008", "GB 12523-2011"} <= set(group["std_nos"])
    assert group["differ"] is False and group["variants"] == 1
    assert all(e["same_as_reference"] for e in group["entries"])


def test_effluent_volume_differs_between_db44_1597_and_gb_31571(corpus_library, client):
    """排水量: DB44/1597-2015 3.8 (指生产设施或企业向企业法定边界以外排放的废水量…) and
    GB 31571-2015 3.6 (企业或生产设施向环境排放的废水量…) define it differently."""
    a = printed_terms(corpus_library, "DB44/1597-2015")["3.8"]
    b = printed_terms(corpus_library, "GB 31571-2015")["3.6"]
    assert a["term_zh"] == b["term_zh"] == "排水量"
    assert plain(a["definition"]) != plain(b["definition"])
    data = client.get("/api/terms/concordance?q=排水量").get_json()
    group = data["groups"][0]
    assert group["term_zh"] == "排水量" and group["differ"] is True
    by_std = {e["std_no"]: e for e in group["entries"]}
    assert {"DB44/1597-2015", "GB 31571-2015"} <= set(by_std)
    assert by_std["DB44/1597-2015"]["variant"] != by_std["GB 31571-2015"]["variant"]
    reference = next(e for e in group["entries"] if e["reference"])
    assert reference["status"] == "现行"
    for e in group["entries"]:
        segments = e["segments"]
        assert "".join(t for op, t in segments if op != "delete") == e["definition"]
        assert "".join(t for op, t in segments if op != "insert") == reference["definition"]
        assert any(op != "equal" for op, _ in segments) == (e["variant"] != "A")


def rows_of(page: str) -> list[tuple[str, str, str]]:
    """(variant, std_no, clause_no) of each definition row of a concordance page."""
    return re.findall(
        r'<td class="variant">([A-Z0-9]+).*?<a href="/std/[^"]+">([^<]+)</a>.*?'
        r'<a href="/std/[^"]+/clause/[^"]+" lang="zh-Hans">([^<]+)</a>',
        page,
        re.DOTALL,
    )


@pytest.mark.parametrize("q", ["排水量", "标准状态", "effluent volume", "注册"])
def test_page_json_twin_and_api_agree(client, q):
    page = client.get(f"/terms/concordance?q={quote(q)}")
    twin = client.get(f"/terms/concordance?q={quote(q)}&format=json")
    api = client.get(f"/api/terms/concordance?q={quote(q)}")
    assert page.status_code == twin.status_code == api.status_code == 200
    assert twin.content_type.startswith("application/json")
    assert twin.get_json() == api.get_json()
    data = api.get_json()
    assert data["groups"], q
    expected = [
        (e["variant"], e["std_no"], e["clause_no"]) for g in data["groups"] for e in g["entries"]
    ]
    assert rows_of(page.get_data(as_text=True)) == expected
    flags = page.get_data(as_text=True).count('class="badge differ"')
    assert flags == sum(g["differ"] for g in data["groups"])


def test_list_page_shows_the_shared_terms_most_widespread_first(client, concordance):
    data = client.get("/api/terms/concordance").get_json()
    shared = concordance.widespread()
    assert data["total"] == len(shared) == data["stats"]["shared"]
    counts = [g["standards"] for g in data["groups"]]
    assert counts == sorted(counts, reverse=True) and min(counts) >= 2
    page = client.get("/terms/concordance").get_data(as_text=True)
    links = re.findall(r'<a href="/terms/concordance\?q=([^"&]+)">', page)
    assert len(links) == len(data["groups"])
    assert data["stats"]["differ"] == sum(g.differ for g in shared)


def test_bad_requests_are_400_with_a_reason(client):
    for url in (
        "/api/terms/concordance?page=0",
        "/api/terms/concordance?page=x",
        "/api/terms/concordance?q=" + "术" * 501,
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert response.get_json()["error"], url
    # A page past the last one does not exist: 404, in the same error schema.
    past = client.get("/api/terms/concordance?page=9999")
    assert past.status_code == 404 and past.get_json()["status"] == 404
    assert client.get("/terms/concordance?page=0").status_code == 400


def test_terms_page_links_a_term_defined_in_several_standards(client):
    definitions = client.get("/api/terms?q=排水量").get_json()["definitions"]
    shared = [d for d in definitions if d["term_zh"] == "排水量"]
    assert shared and all(d["concordance_standards"] >= 2 for d in shared)
    page = client.get("/terms?q=排水量").get_data(as_text=True)
    assert f'href="/terms/concordance?q={quote("排水量")}"' in page


def check_required(schema: dict, value, where: str) -> None:
    """Every required key of the schema in the answer, recursively into objects and arrays."""
    if schema.get("type") == "object":
        assert set(schema.get("required", [])) <= set(value), where
        for key, inner in schema.get("properties", {}).items():
            if key in value:
                check_required(inner, value[key], f"{where}.{key}")
    elif schema.get("type") == "array" and "items" in schema:
        for item in value:
            check_required(schema["items"], item, f"{where}[]")


def test_openapi_describes_the_concordance(client):
    spec = client.get("/api/openapi.json").get_json()
    api = spec["paths"]["/api/terms/concordance"]["get"]["responses"]
    page = spec["paths"]["/terms/concordance"]["get"]["responses"]
    assert {"200", "400"} <= set(api) and {"200", "400"} <= set(page)
    assert set(page["200"]["content"]) == {"text/html", "application/json"}
    schema = api["200"]["content"]["application/json"]["schema"]
    for url in ("/api/terms/concordance", "/api/terms/concordance?q=排水量"):
        check_required(schema, client.get(url).get_json(), url)
    check_required(
        api["400"]["content"]["application/json"]["schema"],
        client.get("/api/terms/concordance?page=0").get_json(),
        "400",
    )


def test_command_line_prints_what_the_api_answers(corpus_library, client):
    printed = json.loads(run_cli(corpus_library, "concordance", "排水量", "--json"))
    api = client.get("/api/terms/concordance?q=排水量").get_json()
    assert printed["groups"] == api["groups"][: len(printed["groups"])]
    assert printed["stats"] == api["stats"]
    listing = run_cli(corpus_library, "concordance")
    assert "排水量" in listing and "定义不一致" in listing
    result = CliRunner().invoke(
        cli, ["--data", str(corpus_library.root), "concordance", "没有这个术语xyz"]
    )
    assert result.exit_code == 1
