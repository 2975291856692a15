"""The bundled sample standards: laid out like GB/T 1.1 documents, deterministic, and the
committed PDFs regenerated from their sources."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pdfplumber
import pytest

from corpus.markup import Heading, MarkupError, Paragraph, Table, TermEntry, parse_source
from corpus.typeset import SAMPLES, sample_sources, typeset, typeset_file

SOURCES = sample_sources()
_TOC_ENTRY = re.compile(r"^(.*?)\s*\.{3,}\s*([0-9IVX]+)$")


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@functools.cache
def _page_texts(pdf_path: Path) -> list[str]:
    with pdfplumber.open(pdf_path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


@pytest.fixture(scope="module")
def typeset_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("samples")
    for source in SOURCES:
        typeset_file(source, out)
    return out


def test_the_four_samples_are_there():
    assert [p.stem for p in SOURCES] == [
        "T_STDS_001-2024",
        "T_STDS_001-2026",
        "T_STDS_002-2025",
        "T_STDS_003-2026",
    ]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_typesetting_twice_gives_the_same_bytes(source, tmp_path):
    text = source.read_text(encoding="utf-8")
    first = typeset(text, tmp_path / "first.pdf").read_bytes()
    second = typeset(text, tmp_path / "second.pdf").read_bytes()
    assert first == second


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_committed_pdf_is_up_to_date(source, typeset_dir):
    committed = source.with_suffix(".pdf")
    assert committed.exists(), f"{committed.name} missing: run `make samples` and commit it"
    fresh = (typeset_dir / committed.name).read_bytes()
    assert fresh == committed.read_bytes(), (
        f"{committed.name} is out of date with {source.name}: run `make samples` and commit it"
    )


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_cover_prints_number_title_and_dates(source, typeset_dir):
    metadata = parse_source(source.read_text(encoding="utf-8")).metadata
    cover = _page_texts(typeset_dir / f"{source.stem}.pdf")[0]
    lines = cover.splitlines()
    assert metadata["std_no"] in lines
    assert "—" in metadata["std_no"]  # covers print an em dash before the year
    assert metadata["title_zh"] in lines
    assert metadata["title_en"].split()[0] in cover
    assert "ICS 01.140.20" in lines and "CCS A 14" in lines
    assert "团体标准" in _squeeze(cover)
    assert f"{metadata['issued']} 发布" in cover and f"{metadata['effective']} 实施" in cover
    assert lines[-1] == "中国标准检索学会 发布"
    if "replaces" in metadata:
        assert f"代替 {metadata['replaces']}" in lines


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_every_page_after_the_cover_has_header_and_page_number(source, typeset_dir):
    std_no = parse_source(source.read_text(encoding="utf-8")).metadata["std_no"]
    pages = _page_texts(typeset_dir / f"{source.stem}.pdf")
    assert 5 <= len(pages) <= 9
    after_cover = pages[1:]
    assert all(text.splitlines()[0] == std_no for text in after_cover)
    labels = [text.splitlines()[-1] for text in after_cover]
    body_pages = len(after_cover) - 2
    assert labels == ["I", "II", *(str(n) for n in range(1, body_pages + 1))]
    assert _squeeze(after_cover[0]).startswith(_squeeze(std_no) + "目次")
    assert _squeeze(after_cover[1]).startswith(_squeeze(std_no) + "前言")
    assert "1 范围" in after_cover[2]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_contents_page_numbers_point_at_the_headings(source, typeset_dir):
    pages = _page_texts(typeset_dir / f"{source.stem}.pdf")
    by_label = {text.splitlines()[-1]: _squeeze(text) for text in pages[1:]}
    entries = [m.groups() for m in map(_TOC_ENTRY.match, pages[1].splitlines()) if m]
    assert len(entries) >= 15
    for title, label in entries:
        assert _squeeze(title) in by_label[label], f"{title!r} is not on page {label}"


def test_editions_of_001_differ_where_the_foreword_says():
    old = (SAMPLES / "T_STDS_001-2024.txt").read_text(encoding="utf-8")
    new = (SAMPLES / "T_STDS_001-2026.txt").read_text(encoding="utf-8")
    assert "不应低于300 dpi" in old and "不应低于400 dpi" in new
    assert "## 4.4 缩微胶片转换" in old and "缩微胶片转换" not in new.split("# 1 范围")[1]
    assert "## 5.4 文字层校验" in new and "文字层校验" not in old
    assert "@replaces: T/STDS 001—2024" in new


def test_a_sample_is_read_back_in_reading_order(typeset_dir):
    body = _squeeze("".join(_page_texts(typeset_dir / "T_STDS_001-2026.pdf")[2:]))
    order = [
        "前言",
        "1范围",
        "2规范性引用文件",
        "3.1标准文献standarddocument以标准",
        "4.2.1范围",
        "表1扫描参数要求页面类型色彩模式",
        "正文页8位灰度≥400dpi",
        "附录A（规范性）质量检查A.1检查项目",
        "A.2抽检比例",
        "B.2示例",
    ]
    position = 0
    for fragment in order:
        position = body.index(fragment, position)


def test_hostile_text_is_printed_literally(tmp_path):
    source = "\n".join(
        [
            "@std_no: T/TEST 1—2026",
            "@title_zh: <b>不是粗体</b> & 标题",
            "# 1 范围",
            "<script>alert(1)</script> & <font size=40>x</font>",
            "表情😀不在基本平面",
        ]
    )
    texts = _page_texts(typeset(source, tmp_path / "hostile.pdf"))
    assert "<b>不是粗体</b> & 标题" in texts[0]
    assert "<script>alert(1)</script> & <font size=40>x</font>" in "\n".join(texts)
    assert "表情〓不在基本平面" in "\n".join(texts)


def test_markup_blocks():
    source = parse_source(
        "\n".join(
            [
                "@std_no: T/STDS 9—2026",
                "% a comment",
                "# 前言",
                "# 3 术语和定义",
                ".term 3.1 标准文献 | standard document",
                "注：说明。",
                "## 4.2 要求",
                "- 列项",
                ".table 表1 参数",
                "| 甲 | 乙 |",
                "| 1 | 2 |",
                "# 附录A （资料性） 示例",
                "# 参考文献",
                "[1] GB/T 7714—2015　信息与文献　参考文献著录规则",
            ]
        )
    )
    assert source.metadata == {"std_no": "T/STDS 9—2026"}
    assert source.blocks == [
        Heading(1, "", "前言", "part"),
        Heading(1, "3", "术语和定义", "chapter"),
        TermEntry("3.1", "标准文献", "standard document"),
        Paragraph("注：说明。", "note"),
        Heading(2, "4.2", "要求", "clause"),
        Paragraph("——列项", "item"),
        Table("表1 参数", [["甲", "乙"], ["1", "2"]]),
        Heading(1, "A", "示例", "annex", "资料性"),
        Heading(1, "", "参考文献", "part"),
        Paragraph("[1] GB/T 7714—2015　信息与文献　参考文献著录规则", "reference"),
    ]


@pytest.mark.parametrize(
    "text", ["## 总则", "@colour: red", ".unknown", ".table 表1 空\n正文"], ids=repr
)
def test_markup_errors_name_the_line(text):
    with pytest.raises(MarkupError, match=r"^line \d+: "):
        parse_source(text)
