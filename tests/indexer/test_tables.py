"""Tables as tables: grids, header paths, captions, continuations, and prose without them.

Known cases name the document, the printed table and the PDF page they come from.
"""

from __future__ import annotations

import csv

import pytest

from indexer.library.model import Cell, Line, Page, PageTable
from indexer.parse.clauses import split_clauses_and_tables
from indexer.parse.tables import assemble_tables, column_paths, header_rows
from tests.page_cache import corpus_pages, prefetch_corpus_pages


def _tables(corpus_pdf, name: str):
    pages = list(corpus_pages(str(corpus_pdf(name))))
    return split_clauses_and_tables(pages)


def _table(tables, no: str):
    return next(t for t in tables if t.table_no == no)


# ---------------------------------------------------------------- pure functions


def _grid(cells: list[tuple], n_rows: int, n_cols: int, top: float = 100.0) -> PageTable:
    return PageTable(
        page=1,
        top=top,
        bottom=top + 20.0 * n_rows,
        x0=50.0,
        x1=500.0,
        n_rows=n_rows,
        n_cols=n_cols,
        cells=[Cell(*c) for c in cells],
    )


def test_header_rows_reach_as_far_as_the_first_rows_cells():
    grid = _grid(
        [
            (0, 0, "序号", 2, 1),
            (0, 1, "一级标准", 1, 2),
            (1, 1, "A标准"),
            (1, 2, "B标准"),
            (2, 0, "1"),
            (2, 1, "50"),
            (2, 2, "60"),
        ],
        3,
        3,
    )
    assert header_rows(grid) == 2
    assert column_paths(grid, 2) == [["序号"], ["一级标准", "A标准"], ["一级标准", "B标准"]]


def test_caption_units_and_notes_are_read_around_the_grid():
    grid = _grid([(0, 0, "项目"), (0, 1, "限值"), (1, 0, "氨氮"), (1, 1, "5")], 2, 2)
    page = Page(
        number=1,
        width=595.0,
        height=842.0,
        lines=[
            Line("表3 排放限值 单位：mg/L", 1, top=80.0, bottom=90.0, x0=60.0, x1=400.0),
            Line("注：日均值。", 1, top=145.0, bottom=155.0, x0=60.0, x1=200.0),
            Line("5 监测", 1, top=300.0, bottom=310.0, x0=60.0, x1=200.0),
        ],
        tables=[grid],
    )
    (table,) = assemble_tables([page])
    assert (table.table_no, table.caption, table.units) == ("3", "排放限值", "mg/L")
    assert table.header == [["项目"], ["限值"]]
    assert table.rows == [["氨氮", "5"]]
    assert table.notes == ["注：日均值。"]


def test_a_grid_continued_on_the_next_page_joins_its_table_without_the_repeated_header():
    first = _grid([(0, 0, "项目"), (0, 1, "限值"), (1, 0, "氨氮"), (1, 1, "5")], 2, 2, top=600.0)
    second = _grid([(0, 0, "项目"), (0, 1, "限值"), (1, 0, "总磷"), (1, 1, "0.5")], 2, 2, top=60.0)
    second.page = 2
    pages = [
        Page(1, 595.0, 842.0, [Line("表1 限值", 1, top=585.0, bottom=595.0)], tables=[first]),
        Page(2, 595.0, 842.0, [Line("续表", 2, top=45.0, bottom=55.0)], tables=[second]),
    ]
    (table,) = assemble_tables(pages)
    assert (table.page_start, table.page_end) == (1, 2)
    assert table.rows == [["氨氮", "5"], ["总磷", "0.5"]]


# ---------------------------------------------------------------- the corpus


@pytest.mark.corpus
def test_GB_18918_2002_table_1_on_page_6_has_a_two_level_header(corpus_pdf):
    """表1 基本控制项目最高允许排放浓度（日均值）: 一级标准 splits into A标准 and B标准."""
    _clauses, tables = _tables(corpus_pdf, "GB_18918-2002.pdf")
    table = _table(tables, "1")
    assert table.caption == "基本控制项目最高允许排放浓度（日均值）"
    assert table.units == "mg/L"
    assert (table.page_start, table.page_end) == (6, 6)
    assert table.header[3] == ["一级标准", "A标准"]
    assert table.header[4] == ["一级标准", "B标准"]
    assert table.header[5] == ["二级标准"]
    ammonia = next(row for row in table.rows if row[1].startswith("氨氮"))
    assert ammonia[3:] == ["5（8）", "8（15）", "25（30）", "-"]
    # 总磷 is split by when the plant was built: two rows sharing their first cells
    phosphorus = [row for row in table.rows if row[1].startswith("总磷")]
    assert [row[2] for row in phosphorus] == ["2005年12月31日前建设的", "2006年1月1日起建设的"]
    assert table.notes and table.notes[0].startswith("注")


@pytest.mark.corpus
def test_GB_18918_2002_table_7_pages_10_11_rows_without_rules_are_split_at_row_numbers(
    corpus_pdf,
):
    """表7 水污染物监测分析方法 rules only its columns; its 62 rows still come out as rows,
    continued from page 10 onto page 11."""
    _clauses, tables = _tables(corpus_pdf, "GB_18918-2002.pdf")
    table = _table(tables, "7")
    assert (table.page_start, table.page_end) == (10, 11)
    assert [row[0] for row in table.rows] == [str(n) for n in range(1, 63)]
    assert table.rows[7][1:3] == ["氨氮", "蒸馏和滴定法"]


@pytest.mark.corpus
def test_GB_12348_2008_table_3_crosses_from_page_9_to_page_10(corpus_pdf):
    """表3 结构传播固定设备室内噪声排放限值（倍频带声压级） goes on under 续表 on page 10:
    one table of ten rows, the repeated header dropped."""
    _clauses, tables = _tables(corpus_pdf, "GB_12348-2008.pdf")
    table = _table(tables, "3")
    assert (table.page_start, table.page_end) == (9, 10)
    assert len(table.rows) == 10
    assert table.header[3] == ["室内噪声倍频带声压级限值", "31.5"]
    assert table.rows[-1] == ["2、3、4", "夜间", "B类房间", "76", "59", "48", "39", "34"]
    assert table.units == "dB"


@pytest.mark.corpus
def test_GB_12348_2008_clause_text_on_page_9_carries_no_rows_of_its_tables(corpus_pdf):
    """The rows of 表1 (续表) and 表2 printed on page 9 no longer run into the prose."""
    clauses = _tables(corpus_pdf, "GB_12348-2008.pdf")[0]
    text = "\n".join(clause.text for clause in clauses)
    for row in ("1 55 45", "4 70 55", "0 40 30 40 30", "2、3、4 45 35 50 40"):
        assert row not in text


def _text_layer_files(corpus_dir) -> list[str]:
    with open(corpus_dir / "MANIFEST.tsv", encoding="utf-8", newline="") as f:
        return [r["file"] for r in csv.DictReader(f, delimiter="\t") if r["text_layer"] != "no"]


def table_lines_in_prose(pages, clauses) -> list[str]:
    """Printed lines lying inside a table's grid that still appear as a line of a clause.

    Text printed both inside a table and in the prose around it (a step of a protocol
    flow repeated in its diagram) may stay in the prose; only text printed in tables
    alone is looked for.
    """
    prose = {line for clause in clauses for line in clause.text.split("\n")}
    grids = {
        page.number: [g for g in page.tables if any(cell.text for cell in g.cells)]
        for page in pages
    }
    outside = {
        line.text
        for page in pages
        for line in page.lines
        if not any(g.holds(line) for g in grids[page.number])
    }
    found = []
    for page in pages:
        for line in page.lines:
            if len(line.text) < 6 or line.text in outside or line.text not in prose:
                continue
            if any(g.holds(line) for g in grids[page.number]):
                found.append(f"p{page.number}: {line.text!r}")
    return found


@pytest.mark.corpus
@pytest.mark.slow
def test_no_table_row_reaches_clause_text_over_corpus(corpus_dir):
    """Whole corpus: no line printed inside a table grid is part of a clause's text, and
    every document's tables are found (the corpus prints hundreds of them)."""
    names = _text_layer_files(corpus_dir)
    prefetch_corpus_pages(corpus_dir / name for name in names)
    problems: list[str] = []
    total = 0
    for name in names:
        pages = list(corpus_pages(str(corpus_dir / name)))
        clauses, tables = split_clauses_and_tables(pages)
        total += len(tables)
        problems += [f"{name} {p}" for p in table_lines_in_prose(pages, clauses)]
    print(f"\n{total} tables; first problems:", *problems[:20], sep="\n")
    assert not problems
    assert total >= 100


@pytest.mark.corpus
def test_the_prose_check_sees_GB_18918_2002_table_rows_when_grids_are_ignored(corpus_pdf):
    """The whole-corpus check is not vacuous: split without its grids, GB 18918-2002's
    clause 4.1.3.2 carries rows of 表2 (page 6), and the check names them."""
    from dataclasses import replace

    from indexer.parse.clauses import split_clauses

    pages = list(corpus_pages(str(corpus_pdf("GB_18918-2002.pdf"))))
    flat = split_clauses([replace(page, tables=[]) for page in pages])
    problems = table_lines_in_prose(pages, flat)
    assert any(p.startswith("p6:") and "总汞 0.001" in p for p in problems)
    assert not table_lines_in_prose(pages, split_clauses(pages))


def test_a_header_repeated_with_one_misread_character_is_still_the_header():
    from indexer.parse.tables import repeats_header

    first = [["厂界外声环境功能区类别"], ["时段", "昼间"], ["时段", "夜间"]]
    assert repeats_header([["厂界外声环境功能区类别"], ["时段", "层间"], ["时段", "夜间"]], first)
    assert not repeats_header([["1"], ["55"], ["45"]], first)


@pytest.mark.corpus
@pytest.mark.slow
def test_GB_12348_2008_table_1_runs_from_scanned_page_8_onto_page_9(tesseract, corpus_pdf):
    """表1 工业企业厂界环境噪声排放限值 starts on page 8, a scanned image, and goes on under
    续表 on page 9, which has a text layer: one table of five rows (classes 0-4), the header
    repeated on page 9 dropped, and none of its rows in the clause text."""
    from indexer.ingest.parse_file import ocr_flagged_pages

    path = corpus_pdf("GB_12348-2008.pdf")
    pages = ocr_flagged_pages(path, list(corpus_pages(str(path))))
    clauses, tables = split_clauses_and_tables(pages)
    table = _table(tables, "1")
    assert (table.page_start, table.page_end, table.ocr) == (8, 9, True)
    assert [row[0] for row in table.rows] == ["0", "1", "2", "3", "4"]
    assert table.rows[1:] == [
        ["1", "55", "45"],
        ["2", "60", "50"],
        ["3", "65", "55"],
        ["4", "70", "55"],
    ]
    assert table.header[0] == ["厂界外声环境功能区类别"]
    assert not any("1 55 45" in clause.text for clause in clauses)
