"""Checking librarian corrections, and statuses that respect them."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from indexer.engine import open_engine
from indexer.library.catalogue import Catalogue
from indexer.library.corrections import CorrectionRejected, apply_corrections, parse_corrections
from indexer.library.lookup import resolve_sha
from indexer.library.status import derive_statuses, update_statuses
from indexer.library.store import Library


@pytest.mark.parametrize(
    ("submitted", "expected"),
    [
        ({"std_no": "gb/t7714—2015"}, {"std_no": "GB/T 7714-2015"}),
        ({"std_no": " ＧＢ／Ｔ　７７１４－２０１５ "}, {"std_no": "GB/T 7714-2015"}),
        (
            {"replaces": "GB 3838-1988\ngb 3838—1983"},
            {"replaces": ["GB 3838-1988", "GB 3838-1983"]},
        ),
        ({"replaces": ["JT/T 808-2011"]}, {"replaces": ["JT/T 808-2011"]}),
        ({"replaces": ""}, {"replaces": []}),
        ({"replaced_by": "jt/t 808-2019"}, {"replaced_by": "JT/T 808-2019"}),
        ({"issued": "2019-05"}, {"issued": "2019-05"}),
        ({"effective": "2020-02-29"}, {"effective": "2020-02-29"}),
        (
            {"status": "废止", "withdrawn": "2024-01-01"},
            {"status": "废止", "withdrawn": "2024-01-01"},
        ),
        ({"status": ""}, {"status": ""}),
        ({"ics": "13.060.10; 13.060"}, {"ics": ["13.060.10", "13.060"]}),
        ({"ccs": "z 50"}, {"ccs": "Z 50"}),
        ({"title_zh": "  地表水环境质量标准 "}, {"title_zh": "地表水环境质量标准"}),
    ],
)
def test_values_are_normalised(submitted, expected):
    assert parse_corrections(submitted) == expected


@pytest.mark.parametrize(
    ("submitted", "field", "code"),
    [
        ({"std_no": ""}, "std_no", "bad_std_no"),
        ({"std_no": "GB/T 7714-2015 修订"}, "std_no", "bad_std_no"),
        ({"replaces": "GB 3838-1988\n不是标准号"}, "replaces", "bad_std_no"),
        ({"issued": "2019-02-30"}, "issued", "bad_date"),
        ({"effective": "20190501"}, "effective", "bad_date"),
        ({"withdrawn": "2024-01"}, "withdrawn", "bad_date"),
        ({"status": "作废"}, "status", "bad_status"),
        ({"ics": "13.06"}, "ics", "bad_ics"),
        ({"ccs": "Z500"}, "ccs", "bad_ccs"),
        ({"notes": "注" * 2001}, "notes", "too_long"),
    ],
)
def test_bad_values_name_their_field(submitted, field, code):
    with pytest.raises(CorrectionRejected) as rejected:
        parse_corrections(submitted)
    assert rejected.value.errors == {field: code}


def test_a_librarian_status_and_successor_win_over_derivation():
    entries = [
        {"sha256": "a", "std_no": "GB 1-2000", "effective": "2000-01-01"},
        {"sha256": "b", "std_no": "GB 1-2010", "effective": "2010-01-01"},
        {
            "sha256": "c",
            "std_no": "GB 2-2010",
            "effective": "2010-01-01",
            "replaced_by": "GB 3-2020",
            "sources": {"replaced_by": "librarian"},
        },
        {
            "sha256": "d",
            "std_no": "GB 4-2010",
            "effective": "2099-01-01",
            "status": "废止",
            "sources": {"status": "librarian"},
        },
    ]
    derived = derive_statuses(entries, date(2026, 1, 1))
    assert derived["a"] == ("被代替", "GB 1-2010")
    assert derived["b"] == ("现行", "")
    assert derived["c"] == ("被代替", "GB 3-2020")  # its successor need not be in the library
    assert derived["d"] == ("废止", "")


def test_rederiving_every_status_keeps_the_librarians(samples_library, tmp_path):
    library = Library.open(tmp_path / "lib")
    shutil.copytree(samples_library.root, library.root, dirs_exist_ok=True)
    with Catalogue(library.catalogue_path) as catalogue:
        old = resolve_sha(catalogue, "T/STDS 001-2024")
        upcoming = resolve_sha(catalogue, "T/STDS 003-2026")
    apply_corrections(library, open_engine(library), old, {"status": "现行"}, "librarian")
    apply_corrections(
        library,
        open_engine(library),
        upcoming,
        {"status": "废止", "withdrawn": "2026-06-30"},
        "librarian",
    )
    with Catalogue(library.catalogue_path) as catalogue:
        update_statuses(catalogue, date(2030, 1, 1))
        assert catalogue.metadata(old)["status"] == "现行"
        assert catalogue.metadata(upcoming)["status"] == "废止"
    # Back to automatic: derived again.
    apply_corrections(library, open_engine(library), old, {"status": ""}, "librarian")
    with Catalogue(library.catalogue_path) as catalogue:
        assert catalogue.metadata(old)["status"] == "被代替"
