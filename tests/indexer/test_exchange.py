"""Bulk export and import of the catalogue: flat memory on a 100,000-standard catalogue,
validation of imports (all or nothing), idempotent re-import, and a later ingest of the
PDF merging into the metadata-only record with its librarian edits kept.

The large catalogue is a real catalogue.sqlite (the real schema, opened through
`Catalogue`), filled with a bulk insert of synthetic standards; the export runs in a
`stdsearch` subprocess whose peak RSS is measured."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.engine import open_engine
from indexer.ingest.pipeline import ingest
from indexer.library.catalogue import Catalogue, now_iso
from indexer.library.exchange import (
    ImportRefused,
    export_records,
    import_catalogue,
    jsonl_lines,
)
from indexer.library.model import Standard
from indexer.library.store import Library, is_metadata_only
from search_app.cli import main
from tests.conftest import ROOT, SAMPLES

LARGE = 100_000
MEMORY_BOUND_MB = 100


def synthetic_catalogue(root: Path, count: int) -> Library:
    """`count` standards in pairs of editions (GB/T n-2000 replaced by GB/T n-2010), each
    citing three others, with a librarian override on every hundredth and a status event
    on every fiftieth: rows written straight into a real catalogue in one transaction."""
    library = Library.open(root)
    with Catalogue(library.catalogue_path) as catalogue, catalogue.transaction() as db:
        at = now_iso()
        rows, cites, replaced, events, overrides = [], [], [], [], []
        for i in range(count):
            family = 10000 + i // 2
            old = i % 2 == 0
            std_no = f"GB/T {family}-{2000 if old else 2010}"
            sha = f"{i:064x}"
            standard = Standard(
                std_no=std_no,
                prefix="GB/T",
                kind="recommended",
                level="national",
                title_zh=f"合成标准第{i}号 信息技术 数据交换格式",
                title_en=f"Synthetic standard {i}",
                ics=["35.240.01"],
                issued=f"{2000 if old else 2010}-01-01",
                status="被代替" if old else "现行",
                replaced_by="" if not old else f"GB/T {family}-2010",
                replaces=[] if old else [f"GB/T {family}-2000"],
                issuers=["国家市场监督管理总局", "国家标准化管理委员会"],
                pages=20,
                sha256=sha,
                source_file=f"GB_T_{family}.pdf",
            )
            metadata = json.dumps(standard.to_dict(structure=False), ensure_ascii=False)
            rows.append((sha, std_no, standard.source_file, standard.status, metadata, at))
            cites += [(sha, f"GB/T {10000 + (i * 7 + k) % (count // 2)}", "") for k in range(3)]
            replaced += [(sha, r) for r in standard.replaces]
            if i % 50 == 0:
                events.append(
                    (at, std_no, f"GB/T {family}", sha, "status_change", "现行", "被代替")
                )
            if i % 100 == 0:
                overrides.append((sha, "notes", json.dumps("馆员备注"), "librarian", at))
        db.executemany("INSERT INTO standards VALUES (?, ?, ?, ?, ?, ?)", rows)
        db.executemany("INSERT INTO citations (sha256, cited, undated) VALUES (?, ?, ?)", cites)
        db.executemany("INSERT INTO replacements (sha256, replaced) VALUES (?, ?)", replaced)
        db.executemany(
            "INSERT INTO change_log (at, std_no, undated, sha256, kind, old, new, source)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 'ingest')",
            events,
        )
        db.executemany(
            "INSERT INTO overrides (sha256, field, value, changed_by, changed_at)"
            " VALUES (?, ?, ?, ?, ?)",
            overrides,
        )
    return library


def export_peak_rss_mb(data: Path, output: Path) -> tuple[float, float]:
    """(peak RSS in MB, seconds) of `stdsearch export catalogue` run as a subprocess."""
    script = (
        "import resource, sys; from search_app.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    )
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            "--data",
            str(data),
            "export",
            "catalogue",
            "-o",
            str(output),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.monotonic() - started
    return int(done.stderr.strip().splitlines()[-1]) / 1024, elapsed


def test_export_of_100000_standards_keeps_memory_flat(tmp_path):
    """The export of 100,000 standards peaks under 100 MB above the export of 100: the
    catalogue is read a batch at a time, never whole. The numbers go to the test output
    (and docs/benchmarks.md)."""
    small = synthetic_catalogue(tmp_path / "small", 100)
    large = synthetic_catalogue(tmp_path / "large", LARGE)
    base_mb, _ = export_peak_rss_mb(small.root, tmp_path / "small.jsonl")
    peak_mb, seconds = export_peak_rss_mb(large.root, tmp_path / "large.jsonl")
    # The same export in this process, its Python allocations traced.
    tracemalloc.start()
    with Catalogue(large.catalogue_path) as catalogue, open(tmp_path / "traced.jsonl", "w") as f:
        for line in jsonl_lines(export_records(catalogue)):
            f.write(line)
    traced_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(
        f"\nexport of {LARGE} standards: peak RSS {peak_mb:.1f} MB"
        f" (100 standards: {base_mb:.1f} MB), {seconds:.1f} s;"
        f" peak traced Python allocations {traced_mb:.2f} MB"
    )
    assert peak_mb - base_mb < MEMORY_BOUND_MB
    assert traced_mb < 20
    with open(tmp_path / "large.jsonl", encoding="utf-8") as f:
        first = json.loads(f.readline())
        count = 1 + sum(1 for _ in f)
    assert count == LARGE
    # A family's editions sort together: each record names the other edition.
    assert first["std_no"] == "GB/T 10000-2000"
    assert first["editions"] == ["GB/T 10000-2010"]
    assert len(first["references"]) == 3
    assert first["notes"] == "馆员备注" and first["sources"]["notes"] == "librarian"
    assert [e["new"] for e in first["status_history"]] == ["被代替"]


def test_export_records_carry_history_editions_and_references(tmp_path):
    library = synthetic_catalogue(tmp_path / "lib", 6)
    with Catalogue(library.catalogue_path) as catalogue:
        records = list(export_records(catalogue))
    assert [r["std_no"] for r in records] == [
        "GB/T 10000-2000",
        "GB/T 10000-2010",
        "GB/T 10001-2000",
        "GB/T 10001-2010",
        "GB/T 10002-2000",
        "GB/T 10002-2010",
    ]
    assert records[1]["editions"] == ["GB/T 10000-2000"]
    assert records[1]["replaces"] == ["GB/T 10000-2000"]
    assert all(r["text_held"] for r in records)


# -- import -----------------------------------------------------------------------------


def _write(path: Path, records: list) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


NATIONAL = [
    {
        "std_no": "GB/T 39000-2020",
        "title_zh": "合成导入标准一",
        "status": "现行",
        "references": ["GB/T 39001-2021"],
        "adoption": [{"standard": "ISO 9000:2015", "org": "ISO", "degree": "IDT"}],
    },
    {"std_no": "GB/T 39001-2021", "title_zh": "合成导入标准二", "status": "现行"},
]


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"std_no": "GB/T 1-2020", "colour": "red"}, "line 3: unknown key 'colour'"),
        ({"std_no": "GB/T 1-2020", "pages": "many"}, "line 3, key 'pages'"),
        ({"std_no": "GB/T 1-2020", "ics": "35.240"}, "line 3, key 'ics'"),
        ({"std_no": "GB/T 1-2020", "title_zh": "长" * 5000}, "line 3, key 'title_zh'"),
        (
            {"std_no": "GB/T 1-2020", "adoption": [{"standard": "x", "evil": 1}]},
            "unknown key 'evil'",
        ),
        ({"title_zh": "无编号"}, "line 3, key 'std_no'"),
        ([1, 2, 3], "line 3: a record must be a JSON object"),
        ({"std_no": "GB/T 39000-2020"}, "also on line 1"),
    ],
)
def test_malformed_import_is_refused_and_changes_nothing(tmp_path, bad, message):
    library = Library.open(tmp_path / "lib")
    engine = open_engine(library)
    path = _write(tmp_path / "in.jsonl", [*NATIONAL, bad])
    with pytest.raises(ImportRefused, match=message.replace("(", r"\(")):
        import_catalogue(library, engine, path)
    with Catalogue(library.catalogue_path) as catalogue:
        assert catalogue.shas() == []
        assert catalogue.db.execute("SELECT count(*) FROM change_log").fetchone()[0] == 0
    assert engine.indexed_shas() == set()


def test_cli_refuses_a_file_that_is_not_json_naming_the_line(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(NATIONAL[0]) + "\n{not json\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["--data", str(tmp_path / "lib"), "import", "catalogue", str(path)]
    )
    assert result.exit_code == 2
    assert "nothing imported: line 2: not JSON" in result.output


def test_reimport_updates_rather_than_duplicates(tmp_path):
    library = Library.open(tmp_path / "lib")
    engine = open_engine(library)
    path = _write(tmp_path / "in.jsonl", NATIONAL)
    first = import_catalogue(library, engine, path)
    assert first.added == ["GB/T 39000-2020", "GB/T 39001-2021"]
    changed = [{**NATIONAL[0], "status": "废止", "withdrawn": "2024-01-01"}, NATIONAL[1]]
    again = import_catalogue(library, engine, _write(path, changed))
    assert again.added == [] and again.updated == ["GB/T 39000-2020", "GB/T 39001-2021"]
    with Catalogue(library.catalogue_path) as catalogue:
        entries = catalogue.all_metadata()
        assert [e["std_no"] for e in entries] == ["GB/T 39000-2020", "GB/T 39001-2021"]
        assert entries[0]["status"] == "废止" and entries[0]["text_held"] is False
        assert all(is_metadata_only(e["sha256"]) for e in entries)
        # The reference link from the imported record is a citation like any other.
        assert catalogue.cited_by("GB/T 39001-2021") == [entries[0]["sha256"]]
    assert len(engine.indexed_shas()) == 2


def test_metadata_only_records_survive_the_startup_check_and_backup(tmp_path):
    """The start-up consistency check keeps a record without an original, and a backup
    (made and verified) carries it."""
    from indexer.ingest.consistency import check_and_repair
    from indexer.ingest.reindex import rebuild_index
    from indexer.library.backup import backup, restore

    library = Library.open(tmp_path / "lib")
    engine = open_engine(library)
    import_catalogue(library, engine, _write(tmp_path / "in.jsonl", NATIONAL))
    repair = check_and_repair(library, engine)
    assert not repair.dropped_from_catalogue and not repair.unowned_files
    backup(library, tmp_path / "backup")
    restore(
        tmp_path / "backup", tmp_path / "restored", lambda lib: rebuild_index(lib, open_engine(lib))
    )
    restored = Library.open(tmp_path / "restored")
    with Catalogue(restored.catalogue_path) as catalogue:
        assert len(catalogue.shas()) == 2
    assert len(open_engine(restored).indexed_shas()) == 2


def test_ingesting_the_pdf_merges_into_the_record_and_keeps_librarian_edits(
    samples_library, tmp_path
):
    """T/STDS 002-2025 (corpus/samples) imported as a metadata-only record, corrected by a
    librarian, then ingested from its PDF: one entry, its text held, the edit kept."""
    with Catalogue(samples_library.catalogue_path) as catalogue:
        records = [r for r in export_records(catalogue) if r["std_no"] == "T/STDS 002-2025"]
    assert len(records) == 1
    library = Library.open(tmp_path / "lib")
    engine = open_engine(library)
    import_catalogue(library, engine, _write(tmp_path / "in.jsonl", records))
    with Catalogue(library.catalogue_path) as catalogue:
        (key,) = catalogue.shas()
        assert is_metadata_only(key)
        catalogue.set_override(key, "notes", "省馆已订购纸本", "librarian")
    assert library.load_extracted(key).clauses == []
    pdf = tmp_path / "T_STDS_002-2025.pdf"
    shutil.copy(SAMPLES / "T_STDS_002-2025.pdf", pdf)
    report = ingest([pdf], library, workers=1)
    assert not report.failed
    with Catalogue(library.catalogue_path) as catalogue:
        (sha,) = catalogue.shas()
        entry = catalogue.metadata(sha)
    assert not is_metadata_only(sha)
    assert entry["std_no"] == "T/STDS 002-2025"
    assert entry["text_held"] is True
    assert entry["notes"] == "省馆已订购纸本" and entry["sources"]["notes"] == "librarian"
    assert library.load_extracted(sha).clauses
    assert not library.extracted_path(key).exists()
    indexed = open_engine(library).indexed_shas()
    assert indexed == {sha}


def test_imported_records_match_number_and_title_on_both_engines(engine_name, request, tmp_path):
    """On Whoosh and on a SphinxQL cluster: a metadata-only record is found by its number
    (any spelling) and by its title, as a standard hit, never as a clause."""
    from search_app.search import search
    from tests.conftest import library_engine

    library = Library.open(tmp_path / "lib")
    engine = library_engine(library, engine_name, request)
    import_catalogue(library, engine, _write(tmp_path / "in.jsonl", NATIONAL))
    for query in ("GB/T 39000-2020", "gbt39000", "合成导入标准一"):
        result = search(engine, query, limit=5)
        assert result.hits and result.hits[0].std_no == "GB/T 39000-2020", query
        assert all(h.matched == "standard" and not h.clause_no for h in result.hits)
        assert result.groups[0].text_held is False
