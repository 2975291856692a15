"""Running headers, footers and page numbers: made-up documents for the rules, real
documents for the layouts seen in the corpus (with and without cover, odd/even pages)."""

from __future__ import annotations

from functools import cache

import pytest

from indexer.library.model import Line, Page
from indexer.pdf.extract import extract_pages
from indexer.pdf.page_cleanup import is_page_number, remove_running_lines, signature

WIDTH, HEIGHT = 595.0, 842.0


def _page(number: int, rows: list[tuple[str, float]], x0: float = 90.0) -> Page:
    lines = [
        Line(text=text, page=number, top=top, bottom=top + 10, x0=x0, x1=x0 + 100, size=10.5)
        for text, top in rows
    ]
    return Page(number=number, width=WIDTH, height=HEIGHT, lines=lines)


def _body(n: int) -> list[tuple[str, float]]:
    return [(f"正文第{n}页的第{i}行内容", 120 + 16 * i) for i in range(20)]


def test_signature_blanks_numbers():
    assert signature("— 3 —") == signature("— 14 —") == "#"
    assert signature("III") == signature("iv") == signature("12") == "#"
    assert signature("GB/T 7714—2015 3") == signature("GB/T 7714—2015") == "GB/T7714—2015"
    assert signature("表 1") != signature("表 2")


def test_page_number_forms():
    for text in ("12", "- 3 -", "— 3 —", "IV", "ii", "第 3 页", "第3页 共10页", "3/10"):
        assert is_page_number(text), text
    for text in ("1 范围", "表 1", "ICS 13.040", "2015"):
        assert not is_page_number(text), text


def test_headers_alternating_left_and_right_removed():
    pages = []
    for n in range(1, 9):
        x0 = 90.0 if n % 2 == 0 else 440.0
        page = _page(n, [("GB/T 12345—2020", 60), *_body(n), (str(n), 790)])
        page.lines[0].x0 = x0
        pages.append(page)
    remove_running_lines(pages)
    for page in pages:
        assert [line.text for line in page.removed] == ["GB/T 12345—2020", str(page.number)]
        assert page.lines[0].text.startswith("正文")


def test_recurring_line_below_the_body_start_kept():
    """A table heading repeated under the running header on every page is body text."""
    pages = [
        _page(n, [("HJ 1—2020", 60), ("表1(续)", 90), ("项目 限值", 106), *_body(n)])
        for n in range(1, 7)
    ]
    remove_running_lines(pages)
    for page in pages:
        assert [line.text for line in page.removed] == ["HJ 1—2020"]
        assert page.lines[1].text == "项目 限值"


def test_first_body_line_kept_when_it_does_not_recur():
    pages = [_page(n, [(f"{n} 第{n}章", 60), *_body(n)]) for n in range(1, 6)]
    remove_running_lines(pages)
    assert all(not page.removed for page in pages)


def test_lone_page_number_removed_on_a_single_page():
    (page,) = remove_running_lines([_page(1, [*_body(1), ("7", 790)])])
    assert [line.text for line in page.removed] == ["7"]


def test_last_table_row_of_numbers_kept():
    """Rows of a table close above each other are not page numbers."""
    (page,) = remove_running_lines([_page(1, [*_body(1), ("12", 770), ("13", 786)])])
    assert not page.removed


# ---------------------------------------------------------------- real documents


@cache
def _doc(path: str, pages: tuple[int, ...] | None = None) -> list[Page]:
    return extract_pages(path, pages)


def _removed(pages: list[Page]) -> dict[int, list[str]]:
    return {page.number: [line.text for line in page.removed] for page in pages}


@pytest.mark.corpus
def test_gb_t_7714_2015_header_footer_and_stamp_removed(corpus_pdf):
    pages = _doc(str(corpus_pdf("GB_T_7714-2015.pdf")), tuple(range(4, 10)))
    removed = _removed(pages)
    stamp = "中国标准出版社授权北京万方数据股份有限公司在中国境内(不含港澳台地区)推广使用"
    assert removed[5] == ["GB/T 7714—2015", "III", stamp]
    assert removed[7] == ["GB/T 7714—2015", "1", stamp]
    page7 = next(p for p in pages if p.number == 7)
    assert page7.lines[0].text == "信息与文献参考文献著录规则"


@pytest.mark.corpus
def test_db44_26_2001_odd_even_headers_removed(corpus_pdf):
    pages = _doc(str(corpus_pdf("DB44_26-2001.pdf")), tuple(range(3, 11)))
    removed = _removed(pages)
    for number in range(3, 11):
        if number == 6:
            continue  # blank back of the introduction
        assert removed[number][0] == "DB44/26—2001", number
    headers = {p.number: p.removed[0].x0 for p in pages if p.removed}
    assert headers[8] < 200 < headers[9]  # left on even pages, right on odd ones


@pytest.mark.corpus
def test_gb_t_19056_2012_without_cover_headers_removed(corpus_pdf):
    pages = _doc(str(corpus_pdf("GB_T_19056-2012.pdf")), tuple(range(1, 7)))
    for page in pages:
        assert page.removed and page.removed[0].text == "GB/T 19056—2012", page.number


@pytest.mark.corpus
def test_hj_364_2022_header_and_page_number_removed(corpus_pdf):
    pages = _doc(str(corpus_pdf("HJ_364-2022.pdf")))
    removed = _removed(pages)
    assert removed[4] == ["HJ 364—2022", "1"]
    assert removed[1] == []  # the cover keeps everything
    page4 = next(p for p in pages if p.number == 4)
    assert page4.lines[0].text == "废塑料污染控制技术规范"


@pytest.mark.corpus
def test_db44_27_2001_p11_repeated_table_heading_kept(corpus_pdf):
    pages = _doc(str(corpus_pdf("DB44_27-2001.pdf")), tuple(range(9, 15)))
    page11 = next(p for p in pages if p.number == 11)
    assert [line.text for line in page11.removed] == ["DB44/27—2001", "5"]
    assert any(line.text.startswith("最高允许排放速率") for line in page11.lines)


@pytest.mark.corpus
def test_jt_t_808_2011_draft_headers_at_varying_heights_removed(corpus_pdf):
    pages = _doc(str(corpus_pdf("JT_T_808-2011.pdf")), (2, 3, 4))
    for page in pages:
        assert page.removed[0].text == "JT/T 808-2011", page.number
