"""A large first load parsed on several machines and ingested on one.

`stdsearch parse` on each machine's share writes parses into a folder; `stdsearch ingest
--parsed` takes them instead of parsing again. What must hold: the library is the one a
plain ingest makes, a parse is really taken from the folder, and a parse that does not
fit the file (another file's, another version's, a damaged one) is passed over.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from search_app.cli import main
from tests.conftest import SAMPLES

CORPUS_FILE = "DB44_1989-2017.pdf"  # a real text-layer standard, beside the samples


def run(*args: str) -> tuple[int, object]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout) if "--json" in args else result.stdout


def share_of_files(tmp_path: Path, corpus_pdf) -> tuple[Path, Path, Path]:
    """Every file in `pdfs/`, and two machines' shares of them (`one/`, `two/`)."""
    pdfs, one, two = (tmp_path / name for name in ("pdfs", "one", "two"))
    for folder in (pdfs, one, two):
        folder.mkdir()
    files = [*sorted(SAMPLES.glob("*.pdf")), corpus_pdf(CORPUS_FILE)]
    for n, path in enumerate(files):
        shutil.copy(path, pdfs / path.name)
        shutil.copy(path, (one if n % 2 else two) / path.name)
    return pdfs, one, two


def library_view(data: Path) -> dict[str, dict]:
    """Each standard as `show --json` gives it, by number."""
    code, listed = run("--data", str(data), "list", "--json")
    assert code == 0 and listed
    view = {}
    for entry in listed:
        code, shown = run("--data", str(data), "show", entry["std_no"], "--json")
        assert code == 0
        view[entry["std_no"]] = shown
    return view


def test_parses_made_on_two_machines_make_the_library_a_plain_ingest_makes(tmp_path, corpus_pdf):
    pdfs, one, two = share_of_files(tmp_path, corpus_pdf)
    made = {}
    for share in (one, two):
        code, report = run(
            "parse",
            str(share),
            "--out",
            str(tmp_path / f"parsed-{share.name}"),
            "--no-ocr",
            "--json",
        )
        assert code == 0, report
        assert {o["outcome"] for o in report} == {"parsed"}
        made.update({o["file"]: o["sha256"] for o in report})
    assert len(made) == len(list(pdfs.glob("*.pdf")))

    # A parse that is run again finds its folder done.
    code, again = run("parse", str(one), "--out", str(tmp_path / "parsed-one"), "--json")
    assert code == 0 and {o["outcome"] for o in again} == {"unchanged"}

    code, report = run(
        "--data",
        str(tmp_path / "elsewhere"),
        "ingest",
        str(pdfs),
        "--no-ocr",
        "--parsed",
        str(tmp_path / "parsed-one"),
        "--parsed",
        str(tmp_path / "parsed-two"),
        "--json",
    )
    assert code == 0 and {o["outcome"] for o in report} == {"ingested"}
    code, _ = run("--data", str(tmp_path / "here"), "ingest", str(pdfs), "--no-ocr", "--json")
    assert code == 0
    elsewhere, here = library_view(tmp_path / "elsewhere"), library_view(tmp_path / "here")
    assert elsewhere == here
    assert len(here) == len(made)

    code, found = run("--data", str(tmp_path / "elsewhere"), "search", "铊", "--json")
    assert code == 0 and found["hits"][0]["std_no"] == "DB44/1989-2017"


def test_a_parse_is_taken_from_the_folder_and_one_that_does_not_fit_is_passed_over(
    tmp_path, corpus_pdf
):
    pdfs, _, _ = share_of_files(tmp_path, corpus_pdf)
    parsed = tmp_path / "parsed"
    code, report = run("parse", str(pdfs), "--out", str(parsed), "--no-ocr", "--json")
    assert code == 0
    sha = {o["file"]: o["sha256"] for o in report}

    def edit(name: str, change) -> None:
        path = parsed / f"{sha[name]}.json"
        record = json.loads(path.read_text(encoding="utf-8"))
        change(record)
        path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")

    # Taken: a title set in the parse is the title the library shows.
    edit("T_STDS_001-2026.pdf", lambda r: r["standard"].update(title_zh="在别处解析的标题"))

    # Passed over, though their titles would show if they were taken: made by another
    # version, made from another file; and a damaged one.
    def wrong(record=(), standard=()):
        def change(r: dict) -> None:
            r.update(record)
            r["standard"].update(standard, title_zh="不应采用")

        return change

    edit("T_STDS_002-2025.pdf", wrong(record={"stdsearch": "0.0.1"}))
    edit("T_STDS_003-2026.pdf", wrong(standard={"sha256": "0" * 64}))
    (parsed / f"{sha[CORPUS_FILE]}.json").write_text('{"format": 1, "stan', encoding="utf-8")

    code, report = run(
        "--data",
        str(tmp_path / "library"),
        "ingest",
        str(pdfs),
        "--no-ocr",
        "--parsed",
        str(parsed),
        "--json",
    )
    assert code == 0 and {o["outcome"] for o in report} == {"ingested"}
    view = library_view(tmp_path / "library")
    assert view["T/STDS 001-2026"]["title_zh"] == "在别处解析的标题"
    code, _ = run("--data", str(tmp_path / "plain"), "ingest", str(pdfs), "--no-ocr", "--json")
    plain = library_view(tmp_path / "plain")
    for std_no in ("T/STDS 002-2025", "T/STDS 003-2026", "DB44/1989-2017"):
        assert view[std_no] == plain[std_no]


def test_a_file_that_cannot_be_parsed_fails_alone(tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(SAMPLES / "T_STDS_001-2026.pdf", batch)
    (batch / "not-a-pdf.pdf").write_text("这不是 PDF 文件", encoding="utf-8")
    code, report = run("parse", str(batch), "--out", str(tmp_path / "parsed"), "--json")
    assert code == 1
    outcomes = {o["file"]: o for o in report}
    assert outcomes["T_STDS_001-2026.pdf"]["outcome"] == "parsed"
    assert outcomes["not-a-pdf.pdf"]["outcome"] == "failed"
    assert outcomes["not-a-pdf.pdf"]["reason"]
    assert [p.name for p in (tmp_path / "parsed").iterdir()] == [
        outcomes["T_STDS_001-2026.pdf"]["sha256"] + ".json"
    ]
