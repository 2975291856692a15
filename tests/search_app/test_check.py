"""List checking, watch lists and the Atom feeds, over real HTTP against a real server.

The list checker runs on the whole shared corpus (with the samples); edits that change
statuses run on a copy of the samples library, signed in through the real login form.
"""

from __future__ import annotations

import csv
import html
import io
import re
import shutil

import pytest
import requests
from click.testing import CliRunner
from lxml import etree
from openpyxl import load_workbook

from analyzers.stdno import parse_std_no
from indexer.library.catalogue import Catalogue
from search_app.cli import main
from search_app.web.app import create_app
from tests.atom import ATOM, entry_summaries, valid_atom
from tests.conftest import PASSWORD, csrf_token, serve_in_thread, signed_in
from tests.number_spellings import spellings


@pytest.fixture(scope="module")
def corpus_site(corpus_library):
    base, server = serve_in_thread(create_app({"DATA_DIR": str(corpus_library.root)}))
    yield base
    server.shutdown()


@pytest.fixture(scope="module")
def samples_site(samples_library, tmp_path_factory):
    """A copy of the samples library with a librarian account, served."""
    data = tmp_path_factory.mktemp("watch") / "lib"
    shutil.copytree(samples_library.root, data)
    added = CliRunner().invoke(
        main, ["--data", str(data), "user", "add", "librarian", "--password", PASSWORD]
    )
    assert added.exit_code == 0, added.output
    base, server = serve_in_thread(create_app({"DATA_DIR": str(data)}))
    yield base
    server.shutdown()


def dev_numbers(eval_dir) -> list[str]:
    with open(eval_dir / "dev.tsv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return sorted({row["std_no"] for row in rows if row["std_no"]})


def test_the_checker_finds_every_spelling_of_every_dev_set_number_in_the_library(
    corpus_site, corpus_library, eval_dir
):
    with Catalogue(corpus_library.catalogue_path) as catalogue:
        held = [n for n in dev_numbers(eval_dir) if catalogue.find(std_no=n)]
    assert len(held) >= 30, held
    typed = [(n, kind, text) for n in held for kind, text in spellings(n).items()]
    answer = requests.post(f"{corpus_site}/api/check", json={"numbers": [t for *_, t in typed]})
    assert answer.status_code == 200
    rows = answer.json()["rows"]
    assert len(rows) == len(typed)
    missed = []
    for (std_no, kind, text), row in zip(typed, rows, strict=True):
        assert row["typed"] == text
        if kind.startswith(("no year", "full-width, no year")):
            # Undated: the latest edition held of that family.
            ok = (
                row["found"] and parse_std_no(row["std_no"]).undated == parse_std_no(std_no).undated
            )
        else:
            ok = row["found"] and row["std_no"] == std_no
        if not ok:
            missed.append((std_no, kind, text, row["std_no"]))
    assert not missed, missed
    print(f"\n{len(held)} dev-set numbers held, {len(typed)} spellings, all found")


def test_rows_tell_status_successor_newer_edition_and_unknown_numbers_in_order(
    corpus_site, corpus_library
):
    """JT/T 808-2011 (cover p1) is replaced by a later edition the library holds (2013,
    2019: the latest is named as the newer edition); T/STDS 001-2024 by the 2026 sample;
    GB 3095-2012 is not in the library."""
    with Catalogue(corpus_library.catalogue_path) as catalogue:
        entries = {m["std_no"]: m for m in catalogue.all_metadata()}
    numbers = ["jt/t 808—2011", "ＧＢ　３８３８", "GB 3095-2012", "t/stds 001-2024", "jtt808"]
    data = requests.post(f"{corpus_site}/api/check", json={"numbers": numbers}).json()
    rows = data["rows"]
    assert [r["typed"] for r in rows] == numbers
    assert [r["line"] for r in rows] == [1, 2, 3, 4, 5]
    old = rows[0]
    assert (old["std_no"], old["status"]) == ("JT/T 808-2011", "被代替")
    successor = entries["JT/T 808-2011"]["replaced_by"]
    assert old["replaced_by"] == successor and successor.startswith("JT/T 808-20")
    assert old["replaced_since"] == entries[successor].get("effective", "")
    assert old["newer_edition"] == "JT/T 808-2019"
    assert (
        rows[1]["std_no"] == "GB 3838-2002"
        and rows[1]["title"] == entries["GB 3838-2002"]["title_zh"]
    )
    assert rows[2] == {**rows[2], "found": False, "family_found": False, "std_no": ""}
    assert rows[3]["status"] == "被代替" and rows[3]["replaced_by"] == "T/STDS 001-2026"
    assert rows[4]["std_no"] == "JT/T 808-2019" and not rows[4]["newer_edition"]
    assert data["counts"] == {"lines": 5, "found": 4, "not_found": 1}


def test_a_number_known_only_from_a_replaces_list_names_its_successor(corpus_site, corpus_library):
    """GB 12348-2008 (前言) replaces GB 12348-1990 and GB 12349-1990, which the library
    does not hold: checking them names GB 12348-2008 and since when it is in force."""
    with Catalogue(corpus_library.catalogue_path) as catalogue:
        successor = next(m for m in catalogue.all_metadata() if m["std_no"] == "GB 12348-2008")
    assert "GB 12349-1990" in successor["replaces"]
    rows = requests.post(
        f"{corpus_site}/api/check", json={"numbers": ["gb12349-90", "GB 12348—1990"]}
    ).json()["rows"]
    for row in rows:
        assert not row["found"]
        assert row["replaced_by"] == "GB 12348-2008"
        assert row["replaced_since"] == successor["effective"]
    assert rows[1]["family_found"] and rows[1]["newer_edition"] == "GB 12348-2008"


def form_post(base: str, data: dict, files=None) -> requests.Response:
    session = requests.Session()
    token = csrf_token(session.get(f"{base}/check").text)
    return session.post(f"{base}/check", data={**data, "csrf_token": token}, files=files)


def test_csv_and_xlsx_downloads_open_and_match_the_json(corpus_site):
    numbers = "gb3838\nJT/T 808-2011\n不是标准号\nDB44 1597-2015"
    as_json = form_post(corpus_site, {"numbers": numbers, "format": "json"}).json()
    as_csv = form_post(corpus_site, {"numbers": numbers, "format": "csv"})
    assert as_csv.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in as_csv.headers["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    as_xlsx = form_post(corpus_site, {"numbers": numbers, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    header, *cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header == as_json["columns"] == list(table[0])
    assert len(table) == len(cells) == len(as_json["rows"]) == 4
    for row, csv_row, xlsx_row in zip(as_json["rows"], table, cells, strict=True):
        for i, column in enumerate(header):
            value = row[column]
            if isinstance(value, bool):
                assert csv_row[column] == str(value).lower() and xlsx_row[i] is value
            elif isinstance(value, int):
                assert int(csv_row[column]) == value == xlsx_row[i]
            else:
                assert csv_row[column] == value == (xlsx_row[i] or "")


def test_a_csv_file_is_read_from_its_number_column_and_a_txt_file_by_line(corpus_site):
    table = "序号,标准号,名称\n1,ＨＪ　２１２,在线监控\n2,gb t 28181,视频\n".encode("gb18030")
    rows = form_post(
        corpus_site, {"format": "json"}, files={"file": ("清单.csv", table, "text/csv")}
    ).json()["rows"]
    assert [(r["typed"], r["std_no"]) for r in rows] == [
        ("ＨＪ　２１２", "HJ 212-2017"),
        ("gb t 28181", "GB/T 28181-2016"),
    ]
    text = "\ufeffgb 16297-1996\r\n\r\nhj 212\r\n".encode()
    rows = form_post(
        corpus_site, {"format": "json"}, files={"file": ("list.txt", text, "text/plain")}
    ).json()["rows"]
    assert [r["std_no"] for r in rows] == ["GB 16297-1996", "HJ 212-2017"]
    refused = form_post(corpus_site, {"format": "json"}, files={"file": ("a.pdf", b"%PDF", "x")})
    assert refused.status_code == 400 and refused.json()["error"] == "check_bad_file"


def test_the_form_needs_its_csrf_token_and_the_json_api_does_not(corpus_site):
    assert requests.post(f"{corpus_site}/check", data={"numbers": "gb3838"}).status_code == 400
    assert requests.post(f"{corpus_site}/watch", data={"numbers": "gb3838"}).status_code == 400
    api = requests.post(f"{corpus_site}/api/check", json={"numbers": ["gb3838"]})
    assert api.status_code == 200 and api.json()["rows"][0]["found"]
    # A form post to the API (what another site could send) is refused.
    assert requests.post(f"{corpus_site}/api/check", data={"numbers": "gb3838"}).status_code == 400
    assert requests.post(f"{corpus_site}/api/check", json={"numbers": "x"}).status_code == 400
    page = requests.get(f"{corpus_site}/check")
    assert page.status_code == 200 and 'name="numbers"' in page.text and 'name="file"' in page.text
    assert requests.get(f"{corpus_site}/check?format=json").json()["rows"] == []
    assert (
        requests.get(f"{corpus_site}/check", headers={"Accept": "application/json"}).json()["rows"]
        == []
    )


def test_a_watch_list_has_an_unguessable_link_and_shows_the_check_now(corpus_site):
    numbers = "hj212\nJT/T 808-2011\nGB 3095-2012"
    session = requests.Session()
    token = csrf_token(session.get(f"{corpus_site}/check").text)
    saved = session.post(
        f"{corpus_site}/watch",
        data={"numbers": numbers, "csrf_token": token},
        allow_redirects=False,
    )
    assert saved.status_code == 303
    link = saved.headers["Location"]
    secret = link.rsplit("/", 1)[1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", secret)  # 192 bits, base64url
    page = requests.get(f"{corpus_site}{link}")
    assert page.status_code == 200 and "noindex" in page.text
    assert f"{link}/feed.atom" in page.text
    shown = requests.get(f"{corpus_site}{link}?format=json").json()
    checked = requests.post(f"{corpus_site}/api/check", json={"numbers": numbers.split("\n")})
    assert shown["rows"] == checked.json()["rows"]
    assert shown["feed"] == f"{link}/feed.atom"
    other = secret[:-2] + ("AA" if not secret.endswith("AA") else "BB")
    assert requests.get(f"{corpus_site}/watch/{other}").status_code == 404
    assert requests.get(f"{corpus_site}/watch/{other}/feed.atom").status_code == 404


# -- feeds --------------------------------------------------------------------------------


def test_the_library_feed_is_valid_atom_and_stable(corpus_site, corpus_library):
    whole = requests.get(f"{corpus_site}/feeds/changes.atom")
    assert whole.headers["Content-Type"].startswith("application/atom+xml")
    entries = valid_atom(whole.content)
    with Catalogue(corpus_library.catalogue_path) as catalogue:
        held = {m["std_no"] for m in catalogue.all_metadata()}
    titles = [t for t, _ in entry_summaries(entries)]
    assert {t.split(": ")[0] for t in titles} >= {"JT/T 808-2011", "GB 3838-2002"} & held
    assert requests.get(f"{corpus_site}/feeds/changes.atom").content == whole.content
    # Links lead to the standard's page.
    first = entries[0].find(f"{ATOM}link").get("href")
    assert requests.get(first).status_code == 200
    filtered = requests.get(
        f"{corpus_site}/feeds/changes.atom", params={"status": "被代替", "lang": "en"}
    )
    english = valid_atom(filtered.content)
    title = etree.fromstring(filtered.content).findtext(f"{ATOM}title")
    assert english and title == "Changes to standards found by: status:被代替"
    kinds = {"new standard", "new edition", "status changed", "replaced", "withdrawn", "corrected"}
    english_titles = [e.findtext(f"{ATOM}title") for e in english]
    assert all(t.split(": ", 1)[1].split(" (")[0] in kinds for t in english_titles)
    assert any(t.startswith("JT/T 808-2011: replaced") for t in english_titles)
    assert etree.fromstring(filtered.content).findtext(f"{ATOM}id") != etree.fromstring(
        whole.content
    ).findtext(f"{ATOM}id")


def edit_form(browser: requests.Session, base: str, std_no: str) -> dict:
    """The values the edit form would send back unchanged (as a browser sends them)."""
    page = browser.get(f"{base}/std/{std_no}/edit").text
    values = {
        name: html.unescape(value)
        for name, value in re.findall(r'<input id="f-\w+" name="(\w+)" value="([^"]*)"', page)
    }
    for name, value in re.findall(
        r'<textarea id="f-\w+" name="(\w+)"[^>]*>([^<]*)</textarea>', page
    ):
        values[name] = html.unescape(value)
    selected = re.search(r'<select id="f-status" name="status".*?</select>', page, re.S).group(0)
    chosen = re.search(r'<option value="([^"]*)" selected', selected)
    values["status"] = chosen.group(1) if chosen else ""
    values["csrf_token"] = csrf_token(page)
    return values


def test_a_librarians_status_edit_appears_in_the_feed_of_a_watch_list_holding_it(samples_site):
    """T/STDS 002-2025 is withdrawn through the real edit form, signed in; a list watching
    it in another spelling gets the change in its feed, the other list does not; a list
    watching T/STDS 001-2024 sees its new edition 001-2026 arrive."""
    base = samples_site
    reader = requests.Session()
    token = csrf_token(reader.get(f"{base}/check").text)

    def watch(numbers: str) -> str:
        saved = reader.post(
            f"{base}/watch", data={"numbers": numbers, "csrf_token": token}, allow_redirects=False
        )
        assert saved.status_code == 303
        return base + saved.headers["Location"]

    watching = watch("t stds 002-2025\nGB 3095-2012")
    elsewhere = watch("T/STDS 003-2026")
    editions = watch("t/stds 001-2024")
    before = valid_atom(requests.get(f"{watching}/feed.atom").content)
    librarian = signed_in(base)
    values = edit_form(librarian, base, "T/STDS 002-2025")
    edited = librarian.post(
        f"{base}/std/T/STDS 002-2025/edit",
        data={**values, "status": "废止", "withdrawn": "2026-03-01"},
        allow_redirects=False,
    )
    assert edited.status_code == 302, edited.text[:500]
    after = valid_atom(requests.get(f"{watching}/feed.atom").content)
    assert len(after) == len(before) + 2  # the status and its date
    titles = [e.findtext(f"{ATOM}title") for e in after[:2]]
    assert any(t.startswith("T/STDS 002-2025") and "废止" in t for t in titles), titles
    status_entry = next(e for e in after[:2] if "废止" in e.findtext(f"{ATOM}title"))
    assert "librarian" in status_entry.findtext(f"{ATOM}summary")
    assert status_entry.find(f"{ATOM}category").get("term") == "withdrawn"
    assert status_entry.find(f"{ATOM}link").get("href").endswith("/std/T/STDS%20002-2025")
    # The watch page shows the new status now.
    row = requests.get(f"{watching}?format=json").json()["rows"][0]
    assert (row["status"], row["withdrawn"]) == ("废止", "2026-03-01")
    # Not in the feed of a list that does not hold it.
    other = valid_atom(requests.get(f"{elsewhere}/feed.atom").content)
    assert all("T/STDS 002" not in e.findtext(f"{ATOM}title") for e in other)
    # A watched number's new edition shows in its feed.
    family = entry_summaries(valid_atom(requests.get(f"{editions}/feed.atom").content))
    assert any(t.startswith("T/STDS 001-2026") for t, _ in family)
    assert any(t.startswith("T/STDS 001-2024") and "T/STDS 001-2026" in s for t, s in family)


def test_the_command_line_checks_a_file(samples_library, tmp_path):
    listing = tmp_path / "list.txt"
    listing.write_text("t/stds 001-2024\nＴ／ＳＴＤＳ　００２\nGB 3095-2012\n", encoding="utf-8")
    runner = CliRunner()
    data = ["--data", str(samples_library.root)]
    as_json = runner.invoke(main, [*data, "check", str(listing), "--json"])
    assert as_json.exit_code == 1  # a number was not found
    import json

    rows = json.loads(as_json.stdout)["rows"]
    assert [r["std_no"] for r in rows] == ["T/STDS 001-2024", "T/STDS 002-2025", ""]
    assert rows[0]["replaced_by"] == "T/STDS 001-2026"
    as_csv = runner.invoke(main, [*data, "check", str(listing), "--csv"])
    table = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert [r["std_no"] for r in table] == [r["std_no"] for r in rows]
    text = runner.invoke(main, [*data, "check", str(listing)])
    assert "T/STDS 001-2026" in text.output and "1 not found" in text.output
    found = tmp_path / "found.csv"
    found.write_text("number\nt/stds 003-2026\n", encoding="utf-8")
    assert runner.invoke(main, [*data, "check", str(found)]).exit_code == 0
