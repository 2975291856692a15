"""The clause splitter: small made-up pages for the rules, real pages for the bugs.

Real-page tests are named after the file and page where the behaviour was seen.
"""

from __future__ import annotations

from functools import cache

import pytest

from indexer.library.model import Clause, Line, Page
from indexer.parse.clauses import _follows, join_lines, split_clauses
from indexer.parse.references import parse_references
from indexer.parse.terms import split_term_line
from indexer.parse.toc import is_leader_line
from indexer.pdf.extract import extract_pages

# ---------------------------------------------------------------- made-up pages

WIDTH, HEIGHT, MARGIN, RIGHT, SIZE = 595.0, 842.0, 90.0, 505.0, 10.5


def _page(number: int, rows: list[tuple[str, float, float]]) -> Page:
    """rows: (text, x0, x1); lines are stacked 16 pt apart from the top of the body."""
    lines = [
        Line(text=text, page=number, top=100 + 16 * i, bottom=110 + 16 * i, x0=x0, x1=x1, size=SIZE)
        for i, (text, x0, x1) in enumerate(rows)
    ]
    return Page(number=number, width=WIDTH, height=HEIGHT, lines=lines)


def _full(text: str) -> tuple[str, float, float]:
    return (text, MARGIN, RIGHT)


def _indent(text: str, x1: float = 300.0) -> tuple[str, float, float]:
    return (text, MARGIN + 2 * SIZE, x1)


def _short(text: str, x1: float = 200.0) -> tuple[str, float, float]:
    return (text, MARGIN, x1)


def _body_page(number: int) -> Page:
    return _page(
        number,
        [
            _short("1范围", 130),
            _indent(
                "本标准规定了挥发性有机物无组织排放控制要求、监测和实施与监督要求，适用于", RIGHT
            ),
            _full("现有企业的管理。"[:8] + "以及建设项目的环境影响评价和排污许可证核发等。"),
            _short("2规范性引用文件", 170),
            _indent("下列文件对于本文件的应用是必不可少的。", 350),
            _indent("GB 16297大气污染物综合排放标准", 280),
            _short("3术语和定义", 150),
            _short("3.1", 105),
            _indent("挥发性有机物volatile organic compounds", 330),
            _indent("参与大气光化学反应的有机化合物。", 330),
            _short("4技术要求", 140),
            _short("4.1基本要求", 150),
            _full("4.1.1企业应建立台账，记录含VOCs原辅材料和含VOCs产品的名称、使用量、回收"),
            _short("量等信息。", 160),
            ("a）调配（混合、搅拌等）；", MARGIN + 2 * SIZE, 260),
            ("b）涂装（喷涂、浸涂等）。", MARGIN + 2 * SIZE, 260),
            _short("4.2其他要求", 150),
            ("5 1 总汞 一切排污单位 0.05", MARGIN + 3 * SIZE, 400),
        ],
    )


def _by_no(clauses: list[Clause]) -> dict[str, Clause]:
    return {c.clause_no: c for c in clauses}


def test_numbers_must_continue_the_sequence():
    assert _follows((), (1,))
    assert _follows((4, 2), (4, 2, 1))
    assert _follows((4, 2), (4, 3))
    assert _follows((4, 2, 1, 3), (5,))
    assert not _follows((4, 2), (4, 1))
    assert not _follows((4, 2), (4, 2, 2))
    assert not _follows((4,), (6,))


def test_chapters_terms_and_numbered_paragraphs():
    clauses = _by_no(split_clauses([_body_page(1)]))
    assert [c for c in clauses if "." not in c] == ["1", "2", "3", "4"]
    assert clauses["1"].heading == "范围"
    assert clauses["1"].kind == "chapter"
    assert clauses["3.1"].kind == "term"
    assert clauses["3.1"].heading == "挥发性有机物"
    assert clauses["3.1"].text.startswith("volatile organic compounds\n")
    assert clauses["4.1"].heading == "基本要求"
    assert clauses["4.1.1"].heading == ""
    assert clauses["4.1.1"].text.startswith("企业应建立台账")
    assert clauses["4.1.1"].parent == "4.1"
    assert clauses["4.1.1"].path == ["技术要求", "基本要求"]
    assert clauses["4.1.1"].level == 3


def test_wrapped_lines_join_and_list_items_stay_apart():
    text = _by_no(split_clauses([_body_page(1)]))["4.1.1"].text
    assert "回收量等信息。" in text  # the wrapped line runs on without a break
    assert "\na）调配" in text and "\nb）涂装" in text


def test_indented_table_row_is_not_a_chapter():
    clauses = _by_no(split_clauses([_body_page(1)]))
    assert "5" not in clauses


def test_join_lines_keeps_latin_words_apart():
    page = _page(
        1, [_full("The quick brown fox jumps over the lazy dog and then runs"), _short("away")]
    )
    frame_lines = [(line.text, line, _Frame()) for line in page.lines]
    assert (
        join_lines(frame_lines) == "The quick brown fox jumps over the lazy dog and then runs away"
    )


class _Frame:
    margin = MARGIN
    right = RIGHT
    width = WIDTH


@pytest.mark.parametrize(
    ("line", "zh", "en"),
    [
        (
            "挥发性有机物volatile organic compounds（VOCs）",
            "挥发性有机物",
            "volatile organic compounds（VOCs）",
        ),
        ("VOCs物料VOCs-containing materials", "VOCs物料", "VOCs-containing materials"),
        ("罐（槽）tank", "罐（槽）", "tank"),
        ("城镇污水（municipal wastewater）", "城镇污水", "municipal wastewater"),
        ("昼间day-time、夜间night-time", "昼间、夜间", "day-time; night-time"),
        ("天然铀、贫化铀、富集铀natural uranium", "天然铀、贫化铀、富集铀", "natural uranium"),
        ("排水量", "排水量", ""),
    ],
)
def test_split_term_line(line, zh, en):
    assert split_term_line(line) == (zh, en)


# ---------------------------------------------------------------- real pages


@cache
def _real(path: str) -> dict[str, Clause]:
    return _by_no(split_clauses(extract_pages(path)))


@pytest.fixture
def real(corpus_pdf):
    return lambda name: _real(str(corpus_pdf(name)))


@pytest.mark.corpus
def test_GB_37822_2019_p6_numbered_paragraphs_have_no_heading(real):
    clauses = real("GB_37822-2019.pdf")
    assert clauses["4.1"].heading == ""
    assert clauses["4.1"].page_start == 6
    assert clauses["4.1"].text.startswith("新建企业自2019年7月1日起")
    assert clauses["5.1"].heading == "基本要求"
    assert clauses["3.7"].heading == "VOCs物料"
    assert clauses["附录A"].heading == "厂区内VOCs无组织排放监控要求"
    assert clauses["附录A"].kind == "annex-informative"


@pytest.mark.corpus
def test_DB44_26_2001_p24_three_annexes_on_one_page(real):
    clauses = real("DB44_26-2001.pdf")
    assert [(clauses[f"附录{x}"].heading, clauses[f"附录{x}"].page_start) for x in "ABC"] == [
        ("混合排放浓度限值计算", 24),
        ("污染物最高允许排放负荷计算", 24),
        ("污染物最高允许年排放总量计算", 24),
    ]
    assert all(clauses[f"附录{x}"].kind == "annex-normative" for x in "ABC")
    assert "附录B" not in clauses["附录A"].text


@pytest.mark.corpus
def test_DB44_26_2001_p10_table_rows_are_not_chapters(real):
    clauses = real("DB44_26-2001.pdf")
    assert "7" not in clauses  # `7 总铅 一切排污单位 1.0` after chapter 6


@pytest.mark.corpus
def test_GB_T_7714_2015_p3_contents_never_become_clauses(real):
    clauses = real("GB_T_7714-2015.pdf")
    assert clauses["前言"].page_start == 5
    lines = [line for c in clauses.values() for line in c.text.split("\n")]
    assert not [line for line in lines if is_leader_line(line)]
    assert clauses["3.1"].kind == "term"
    assert clauses["A.10"].heading.startswith("电子资源")


@pytest.mark.corpus
def test_JT_T_1078_2016_p5_spaced_clause_numbers(real):
    clauses = real("JT_T_1078-2016.pdf")
    assert clauses["3.1"].heading == "术语和定义"
    assert clauses["3.2"].heading == "缩略语"
    assert clauses["3.1.1"].kind == "term"
    assert clauses["3.1.1"].heading == "码率"
    assert clauses["3.2"].kind == "clause"  # a list of abbreviations is not a term


@pytest.mark.corpus
def test_GB_11806_2019_p52_annex_clauses_without_dot(real):
    clauses = real("GB_11806-2019.pdf")
    assert clauses["B1"].heading == "放射性核素基本值"
    assert clauses["B1"].parent == "附录B"
    assert clauses["C2"].page_start == 70
    assert clauses["7.7"].heading == "A型货包的附加要求"  # `A` is a type, not the unit ampere


@pytest.mark.corpus
def test_GB_12348_2008_p7_unmapped_dot_glyph(real):
    clauses = real("GB_12348-2008.pdf")
    assert clauses["3.1"].heading == "工业企业厂界环境噪声"
    assert clauses["3.1"].page_start == 7


@pytest.mark.corpus
def test_DB44_1597_2015_p7_table_rows_after_chapter_4(real):
    clauses = real("DB44_1597-2015.pdf")
    assert clauses["5"].heading == "污染物监测要求"
    assert clauses["5"].page_start == 10


@pytest.mark.corpus
def test_JT_T_808_2011_p4_chapter_number_punctuation(real):
    clauses = real("JT_T_808-2011.pdf")
    assert clauses["1"].heading == "范围"  # printed `1、范围`
    assert clauses["8"].heading == "数据格式"  # printed `8.数据格式`


@pytest.mark.corpus
def test_GB_18918_2002_p4_indented_term_entries(real):
    clauses = real("GB_18918-2002.pdf")
    assert clauses["3.1"].kind == "term"
    assert clauses["3.1"].heading == "城镇污水"


@pytest.mark.corpus
def test_GB_17761_2018_p19_imprint_is_not_clause_text(real):
    clauses = real("GB_17761-2018.pdf")
    assert all("版权专有" not in c.text and "书号" not in c.text for c in clauses.values())


@pytest.mark.corpus
def test_GB_T_19056_2012_p25_table_rows_are_not_chapters(real):
    clauses = real("GB_T_19056-2012.pdf")
    assert clauses["7"].heading == "安装"
    assert clauses["7"].page_start == 26


def _centred(text: str, size: float = SIZE) -> tuple[str, float, float]:
    width = len(text) * size
    return (text, (MARGIN + RIGHT - width) / 2, (MARGIN + RIGHT + width) / 2)


def _paragraph() -> list[tuple[str, float, float]]:
    """A wrapped paragraph: what the column's margins are learnt from."""
    return [
        _indent(
            "本标准规定了水污染物排放限值、监测和监控要求，以及标准的实施与监督等相关规", RIGHT
        ),
        _full("定。本标准适用于现有企业水污染物排放管理，以及建设项目的环境影响评价、环境保护设"),
        _full("施设计、竣工环境保护验收及其投产后的水污染物排放管理，也适用于法律允许的排污行"),
        _full("为，新设立污染源的选址和特殊保护区域内现有污染源的管理，按照有关法律法规的相关规"),
        _short("定执行。", 150),
    ]


@pytest.mark.parametrize(
    "rows",
    [
        [_centred("附录A"), _centred("（规范性附录）"), _centred("混合排放浓度限值计算")],
        [_centred("附录A（规范性）"), _centred("混合排放浓度限值计算")],
        [_centred("附录A（规范性附录）混合排放浓度限值计算")],
        [_centred("附录A 混合排放浓度限值计算"), _centred("（规范性附录）")],
    ],
)
def test_annex_label_and_title_layouts(rows):
    body = [_short("1范围", 130), *_paragraph()]
    tail = [_short("A.1计算方法", 160), _indent("按式（A.1）计算。")]
    clauses = _by_no(split_clauses([_page(1, body + rows + tail)]))
    assert clauses["附录A"].heading == "混合排放浓度限值计算"
    assert clauses["附录A"].kind == "annex-normative"
    assert clauses["A.1"].parent == "附录A"


def test_no_chapter_after_the_bibliography():
    rows = [
        _short("1范围", 130),
        *_paragraph(),
        _centred("参考文献"),
        _short("1 GB/T 1.1—2020标准化工作导则", 300),
    ]
    clauses = split_clauses([_page(1, rows)])
    assert [c.clause_no for c in clauses] == ["1", "参考文献"]
    assert clauses[1].kind == "bibliography"


@pytest.mark.corpus
@pytest.mark.ocr
def test_GB_8978_1996_p1_old_layout_from_a_scan(corpus_pdf):
    """1996 layout: no 前言, `1 主题内容与适用范围`, `2 引用标准`, `3 定义`."""
    from indexer.pdf import ocr

    if not ocr.tesseract_available():
        pytest.skip("Tesseract is not installed")
    path = corpus_pdf("GB_8978-1996.pdf")
    pages = [page for number in (1, 2) for page in ocr.ocr_page(path, number)]
    clauses = split_clauses(pages)
    by_no = _by_no(clauses)
    assert clauses[0].clause_no == "1"
    assert "主题内容" in by_no["1"].heading
    assert by_no["2"].heading == "引用标准"
    assert by_no["3.2"].kind == "term"
    assert by_no["3.2"].heading == "排水量"
    assert by_no["4"].heading == "技术内容"
    references = [r.std_no for r in parse_references(clauses)]
    assert "GB 3097-1982" in references


def test_term_run_into_its_definition():
    rows = [
        _short("1范围", 130),
        *_paragraph(),
        _short("2定义", 130),
        _indent("本标准采用下列定义。", 300),
        _short("2.1污水：指在生产与生活活动中排放的水的总称。", 400),
        _short("2.2排水量：指在生产过程中直接用于工艺生产的水的排放量。", 420),
    ]
    clauses = _by_no(split_clauses([_page(1, rows)]))
    assert clauses["2.1"].kind == "term"
    assert clauses["2.1"].heading == "污水"
    assert clauses["2.1"].text == "指在生产与生活活动中排放的水的总称。"
    assert clauses["2.2"].heading == "排水量"


def test_no_chapter_past_the_last_one_the_toc_lists():
    """A 目次 that lost chapter 2 still bounds the chapters: `3 0:门1关;1:门1开` is a row
    of a bit table, not a chapter 3 (JT/T 808-2019, scanned)."""
    toc = _page(
        1,
        [
            _centred("目次"),
            (f"1 范围{'.' * 40}1", MARGIN, RIGHT),
            (f"3 术语和定义{'.' * 36}2", MARGIN, RIGHT),
            (f"附录A（规范性附录）协议{'.' * 30}5", MARGIN, RIGHT),
        ],
    )
    body = [
        _short("1范围", 130),
        *_paragraph(),
        _short("2规范性引用文件", 200),
        *_paragraph(),
        _short("3术语和定义", 180),
        *_paragraph(),
        _short("4 0:门1关;1:门1开", 250),
        *_paragraph(),
    ]
    clauses = split_clauses([toc, _page(2, body)])
    assert [c.clause_no for c in clauses if c.kind == "chapter"] == ["1", "2", "3"]
