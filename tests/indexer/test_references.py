"""Normative references: made-up chapters for the rules, real chapters for the bugs."""

from __future__ import annotations

import pytest

from indexer.library.model import Clause, Reference
from indexer.parse.clauses import split_clauses
from indexer.parse.references import parse_references
from indexer.pdf.extract import extract_pages


def _chapter(text: str, heading: str = "规范性引用文件") -> list[Clause]:
    return [
        Clause("1", "范围", 1, "本标准规定了……", 1, 1, kind="chapter"),
        Clause("2", heading, 1, text, 1, 1, kind="chapter"),
        Clause(
            "3", "术语和定义", 1, "GB/T 50095、SL 26界定的术语适用于本标准。", 1, 1, kind="chapter"
        ),
    ]


def test_dated_and_undated_citations_with_titles():
    text = "\n".join(
        [
            "下列文件对于本文件的应用是必不可少的。凡是注日期的引用文件，仅注日期的版本适用于本文件。",
            "GB/T 7714—2015 信息与文献 参考文献著录规则",
            "GB 5085.7 危险废物鉴别标准 通则",
            "GB16297大气污染物综合排放标准",
            "HJ/T 55大气污染物无组织排放监测技术导则",
            "《污染源自动监控管理办法》（国家环境保护总局令第28号）",
        ]
    )
    assert parse_references(_chapter(text)) == [
        Reference("GB/T 7714-2015", "信息与文献 参考文献著录规则", True),
        Reference("GB 5085.7", "危险废物鉴别标准 通则", False),
        Reference("GB 16297", "大气污染物综合排放标准", False),
        Reference("HJ/T 55", "大气污染物无组织排放监测技术导则", False),
    ]


def test_old_layout_chapter_name():
    refs = parse_references(_chapter("GB 3097—82 海水水质标准", heading="引用标准"))
    assert [r.std_no for r in refs] == ["GB 3097-1982"]


def test_numbers_outside_the_chapter_are_not_references():
    refs = parse_references(_chapter("本标准没有规范性引用文件。"))
    assert refs == []


def test_a_range_of_parts_cites_each_part():
    refs = parse_references(_chapter("GB 5085.1～5085.3 危险废物鉴别标准"))
    assert [r.std_no for r in refs] == ["GB 5085.1", "GB 5085.2", "GB 5085.3"]
    assert {r.title for r in refs} == {"危险废物鉴别标准"}


def test_a_citation_listed_twice_is_kept_once():
    refs = parse_references(_chapter("GB 8978 污水综合排放标准\nGB 8978 污水综合排放标准"))
    assert len(refs) == 1


@pytest.mark.corpus
def test_GB_37822_2019_p4_references(corpus_pdf):
    refs = parse_references(split_clauses(extract_pages(str(corpus_pdf("GB_37822-2019.pdf")))))
    numbers = [r.std_no for r in refs]
    assert numbers[0] == "GB 16297"
    assert "AQ/T 4274-2016" in numbers
    assert len(numbers) == 15
    by_no = {r.std_no: r for r in refs}
    assert by_no["AQ/T 4274-2016"].dated
    assert not by_no["HJ 38"].dated
    assert by_no["GB/T 16758"].title == "排风罩的分类及技术条件"


@pytest.mark.corpus
def test_GB_T_7714_2015_p7_references(corpus_pdf):
    refs = parse_references(split_clauses(extract_pages(str(corpus_pdf("GB_T_7714-2015.pdf")))))
    assert [r.std_no for r in refs][:2] == ["GB/T 7408-2005", "GB/T 28039-2011"]
    assert refs[1].title == "中国人名汉语拼音字母拼写规则"
