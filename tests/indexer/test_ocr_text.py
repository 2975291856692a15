"""Repairs of Tesseract chi_sim output, with the misreadings seen on scanned standards."""

from __future__ import annotations

import pytest

from indexer.pdf.ocr_text import clean_ocr_lines, fix_line


@pytest.mark.parametrize(
    ("ocr", "fixed"),
    [
        # spaces between Chinese characters
        ("中 华 人 民 共 和 国 环境 保护 部", "中华人民共和国环境保护部"),
        ("本 标 准 项目 共计 109 项", "本标准项目共计109项"),
        # numeral one read for the dash of a standard number
        ("GB 3838一2002", "GB 3838—2002"),
        ("与 GHZB 1一1999 相比", "与GHZB 1—1999相比"),
        ("(见 5.7.1 一 5.7.9)", "(见5.7.1—5.7.9)"),
        ("electric vehicles一Part 1", "electric vehicles—Part 1"),
        ("备案号:44632_2014", "备案号:44632—2014"),
        # the dash of an empty table cell
        ("2 悬浮物 70 一", "2悬浮物70—"),
        ("1 pH值 6.0一9.0 一 一", "1 pH值6.0—9.0——"),
        # list dashes at the start of an item
        ("一一基本类:增加", "——基本类:增加"),
        ("--运输类:修订", "——运输类:修订"),
        # mangled slash in a prefix
        ("本标准代替 JTZT 415一2000", "本标准代替JT/T 415—2000"),
        ("JTXT 414一2006", "JT/T 414—2006"),
        ("JT[T 655一2006", "JT/T 655—2006"),
        ("GMVT 0031一2014", "GM/T 0031—2014"),
        ("GB/ T 32960.1", "GB/T 32960.1"),
        # dollar for five in clause numbers
        ("经营范围(见$.2.4)等", "经营范围(见5.2.4)等"),
        # enumeration comma read as a low mark or a dot
        ("王飞`张夕珂\\刘世伟、宋浩杰", "王飞、张夕珂、刘世伟、宋浩杰"),
        ("张春、.张永军", "张春、张永军"),
        ("管理局.重庆市道路运输管理局.四川省", "管理局、重庆市道路运输管理局、四川省"),
        ("本次为第三次修订.本标准自", "本次为第三次修订。本标准自"),
        # dotted numbers
        ("ICS 13. 030. 10", "ICS 13.030.10"),
        ("执行 GB 14470. 1一14470. 3一93 和", "执行GB 14470.1—14470.3—93和"),
        # part numbers
        ("第]部分:总则", "第1部分:总则"),
    ],
)
def test_fix_line(ocr, fixed):
    assert fix_line(ocr) == fixed


@pytest.mark.parametrize(
    "text",
    [
        "一级保护区和二级保护区",
        "1988年为第一次修订",
        "建立一一对应的关系",  # a real word, away from the start of a list item
        "见 5.1.7 和 5.1.10",
        "pH 6~9",
        "表 1 一 级标准",
        "ISO 9001:2015",
        "GB/T 7714-2015",
        "msg_id 字段",
    ],
)
def test_fix_line_leaves_correct_text_alone(text):
    from analyzers.normalize import normalize_line

    assert fix_line(text) == normalize_line(text)


def test_quote_that_closes_nothing_was_a_gap():
    lines = ["JT/T 414一2006 ”道路运输电子政务平台”信息分类与指标;"]
    assert clean_ocr_lines(lines) == ["JT/T 414—2006道路运输电子政务平台信息分类与指标;"]


def test_quote_opened_on_the_line_before_is_kept():
    lines = ["本标准所称“道路", "运输”是指"]
    assert clean_ocr_lines(lines) == ["本标准所称“道路", "运输”是指"]


def test_punctuation_follows_the_page_majority():
    half = [
        "本标准与 JT/T 415—2000 相比,主要变化如下:",
        "——基本类:增加(见 5.1.7)",
        "修订了车型;增加了",
    ]
    assert clean_ocr_lines([*half, "等；修订"])[-1] == "等;修订"
    full = ["保护地表水水质，保障人体健康；", "（GB 3838—88）和", "按本标准，进行"]
    assert clean_ocr_lines([*full, "管理,处理后的"])[-1] == "管理，处理后的"


def test_one_line_in_one_line_out():
    lines = ["", "|", "前 言", "ii"]
    assert len(clean_ocr_lines(lines)) == len(lines)


def test_quote_at_the_start_of_a_line_without_an_opening_is_kept():
    assert clean_ocr_lines(["”道路"]) == ["”道路"]
