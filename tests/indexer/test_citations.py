"""The GB/T 1.1 reference rules, resolved against catalogue entries (indexer.library.citations).

Entries here are catalogue metadata as `Catalogue.all_metadata` returns it; the whole
corpus's references are checked in tests/search_app/test_citations_report.py."""

from __future__ import annotations

from indexer.library.citations import EditionIndex, citing_clauses
from indexer.library.model import Clause


def entry(std_no: str, status: str = "现行", **more) -> dict:
    return {
        "sha256": std_no,
        "std_no": std_no,
        "status": status,
        "title_zh": f"{std_no} 的标题",
        "replaced_by": more.pop("replaced_by", ""),
        "replaces": more.pop("replaces", []),
        "effective": more.pop("effective", ""),
        **more,
    }


# The editions of GB/T 191 as issued: 2000 replaced by 2008, both held.
PACKAGING = [
    entry("GB/T 191-2000", "被代替", replaced_by="GB/T 191-2008"),
    entry("GB/T 191-2008", replaces=["GB/T 191-2000"], effective="2008-10-01"),
]


def test_undated_reference_resolves_to_the_latest_edition_and_is_not_outdated():
    resolution = EditionIndex(PACKAGING).resolve("GB/T 191")
    assert resolution.resolved == "GB/T 191-2008"
    assert resolution.resolved_in_library and resolution.status == "现行"
    assert not resolution.outdated and resolution.replaced_by is None


def test_dated_reference_to_a_replaced_edition_is_outdated_and_names_its_successor():
    resolution = EditionIndex(PACKAGING).resolve("GB/T 191-2000")
    assert resolution.outdated and resolution.status == "被代替"
    assert resolution.replaced_by.std_no == "GB/T 191-2008"
    assert resolution.replaced_by.in_library and resolution.replaced_by.since == "2008-10-01"
    assert resolution.since == "2008-10-01"


def test_dated_reference_to_the_current_edition_is_fine():
    resolution = EditionIndex(PACKAGING).resolve("GB/T 191-2008")
    assert resolution.resolved == "GB/T 191-2008" and not resolution.outdated


def test_edition_named_only_in_a_replaces_list_is_known_as_replaced():
    """GB 3838-2002 replaces GB 3838-88 and GHZB 1-1999: the library holds neither, yet
    knows both are replaced, and an undated GHZB 1 means a family no longer in force."""
    index = EditionIndex([entry("GB 3838-2002", replaces=["GB 3838-1988", "GHZB 1-1999"])])
    dated = index.resolve("GB 3838-1988")
    assert dated.outdated and not dated.resolved_in_library
    assert dated.replaced_by.std_no == "GB 3838-2002"
    undated = index.resolve("GHZB 1")
    assert undated.outdated and undated.resolved == "GHZB 1-1999"
    assert undated.replaced_by.std_no == "GB 3838-2002"
    assert not index.resolve("GB 3838").outdated


def test_an_older_dated_edition_than_a_held_one_is_replaced_by_the_next_held_edition():
    index = EditionIndex([entry("HJ 212-2017"), entry("HJ 212-2025", effective="2026-03-01")])
    resolution = index.resolve("HJ 212-2005")
    assert resolution.outdated and resolution.replaced_by.std_no == "HJ 212-2017"


def test_undated_reference_is_outdated_only_when_the_whole_family_is_withdrawn():
    withdrawn = [entry("GB 1-1990", "被代替", replaced_by="GB 1-2000"), entry("GB 1-2000", "废止")]
    resolution = EditionIndex(withdrawn).resolve("GB 1")
    assert resolution.outdated and resolution.status == "废止"
    assert resolution.resolved == "GB 1-2000" and resolution.replaced_by is None
    # One edition in force keeps it current, whichever is the latest.
    upcoming = [*withdrawn[:1], entry("GB 1-2000", "即将实施")]
    assert not EditionIndex(upcoming).resolve("GB 1").outdated


def test_withdrawn_edition_reports_its_withdrawal_date():
    index = EditionIndex([entry("GB 2-2001", "废止", withdrawn="2020-05-01")])
    resolution = index.resolve("GB 2-2001")
    assert resolution.outdated and resolution.since == "2020-05-01"
    assert resolution.replaced_by is None


def test_chain_of_successors_ends_at_the_edition_in_force():
    chain = [
        entry("JT/T 808-2011", "被代替", replaced_by="JT/T 808-2013"),
        entry("JT/T 808-2013", "被代替", replaced_by="JT/T 808-2019"),
        entry("JT/T 808-2019"),
    ]
    resolution = EditionIndex(chain).resolve("JT/T 808-2011")
    assert resolution.replaced_by.std_no == "JT/T 808-2013"
    assert resolution.current.std_no == "JT/T 808-2019"


def test_successor_cycle_ends():
    looped = [
        entry("GB 5-2001", "被代替", replaced_by="GB 5-2002"),
        entry("GB 5-2002", "被代替", replaced_by="GB 5-2001"),
    ]
    resolution = EditionIndex(looped).resolve("GB 5-2001")
    assert resolution.outdated and resolution.replaced_by.std_no == "GB 5-2002"


def test_references_the_library_knows_nothing_of_resolve_to_nothing():
    index = EditionIndex(PACKAGING)
    for cited in ("GB 9999-2001", "GB 9999", "IETF RFC 3550", "no number"):
        resolution = index.resolve(cited)
        assert resolution.resolved is None and not resolution.outdated


def test_citing_clauses_are_the_references_chapter_then_body_clauses():
    clauses = [
        Clause("前言", "前言", 1, "本标准代替JT/T 808—2011。", 1, 1, kind="foreword"),
        Clause("2", "规范性引用文件", 1, "JT/T 808—2011 终端通讯协议", 1, 1, kind="chapter"),
        Clause("4.1", "约定", 2, "按照JT/T 808—2011中第4章的要求。", 2, 2, parent="4"),
        Clause("4.2", "其他", 2, "按照JT/T 808—2019的要求。", 2, 2, parent="4"),
        Clause("5", "消息", 1, "继承使用JT/T 808中的指令。", 3, 3, kind="chapter"),
        Clause("参考文献", "参考文献", 1, "JT/T 808—2011", 9, 9, kind="bibliography"),
    ]
    assert citing_clauses(clauses, "JT/T 808-2011") == ["2", "4.1", "5"]
    assert citing_clauses(clauses, "JT/T 808") == ["2", "4.1", "4.2", "5"]
