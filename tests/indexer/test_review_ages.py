"""标龄 and 复审 computed by `indexer.library.review`, on dates given, never the clock."""

from __future__ import annotations

from datetime import date

import pytest

from indexer.library.review import (
    AgeRange,
    age_range,
    completed_years,
    csv_rows,
    day_key,
    implementation_date,
    implemented_key,
    is_due,
    normalize_age,
    parse_date,
    review_report,
    standard_age,
    years_before,
)

TODAY = date(2026, 12, 7)


def entry(std_no, effective="", issued="", status="现行", level="national", issuers=()):
    return {
        "std_no": std_no,
        "title_zh": f"{std_no} 的名称",
        "effective": effective,
        "issued": issued,
        "status": status,
        "level": level,
        "issuers": list(issuers),
    }


def test_printed_dates_are_read_whole_by_month_or_by_year():
    assert parse_date("2015-12-01") == date(2015, 12, 1)
    assert parse_date("2013-01") == date(2013, 1, 1)
    assert parse_date("2013") == date(2013, 1, 1)
    for nonsense in ("", None, "2015-13-01", "2015-02-30", "二〇一三年", "2015/12/01"):
        assert parse_date(nonsense) is None, nonsense


def test_the_age_counts_from_the_implementation_date_else_the_issue_date():
    assert implementation_date("2015-12-01", "2015-05-15") == (date(2015, 12, 1), "effective")
    assert implementation_date("", "2013-01") == (date(2013, 1, 1), "issued")
    assert implementation_date("", "") == (None, "")
    assert implemented_key("2015-12-01", "2015-05-15") == 20151201
    assert implemented_key("", "") == 0


def test_anniversaries_and_completed_years_count_as_birthdays_do():
    assert years_before(TODAY, 5) == date(2021, 12, 7)
    assert years_before(date(2024, 2, 29), 1) == date(2023, 2, 28)
    assert completed_years(date(2021, 12, 7), TODAY) == 5
    assert completed_years(date(2021, 12, 8), TODAY) == 4
    assert completed_years(date(2027, 1, 1), TODAY) == -1


def test_a_standard_is_due_the_day_after_its_fifth_anniversary():
    assert not is_due("现行", date(2021, 12, 7), TODAY)  # exactly five years: not more
    assert is_due("现行", date(2021, 12, 6), TODAY)
    assert not is_due("被代替", date(2001, 1, 1), TODAY)
    assert not is_due("现行", None, TODAY)
    assert is_due("现行", date(2016, 12, 6), TODAY, years=10)
    assert not is_due("现行", date(2016, 12, 7), TODAY, years=10)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        (">5", ">5"),
        ("≥5", ">=5"),
        ("<=3", "<=3"),
        ("<3年", "<3"),
        ("10-3", "3-10"),
        ("3~10", "3-10"),
        ("5", "5"),
        ("5-5", "5"),
        (" > 5 ", ">5"),
    ],
)
def test_age_filters_have_one_spelling(typed, canonical):
    assert normalize_age(typed) == canonical
    assert normalize_age(canonical) == canonical


@pytest.mark.parametrize("typed", ["", ">", "five", ">5-10", "-5", "5-", "1.5", ">>5", "1234"])
def test_what_is_no_age_is_refused(typed):
    assert normalize_age(typed) is None


def test_age_ranges_are_implementation_dates_counted_back_from_today():
    assert age_range(">5", TODAY) == AgeRange(1, 20211206)
    assert age_range(">=5", TODAY) == AgeRange(1, 20211207)
    assert age_range("<3", TODAY) == AgeRange(20231208, None)
    assert age_range("<=3", TODAY) == AgeRange(20231207, None)
    # 3 to 10 completed years: after 2015-12-07 (11 years ago), up to 2023-12-07.
    assert age_range("3-10", TODAY) == AgeRange(20151208, 20231207)
    assert age_range("5", TODAY) == AgeRange(20201208, 20211207)


@pytest.mark.parametrize("spec", [">5", ">=5", "<3", "<=3", "3-10", "5", "0", ">0"])
def test_every_age_range_agrees_with_the_age_of_each_day(spec):
    """Each day of twelve years is in the range exactly when its age meets the spec."""
    bounds = age_range(spec, TODAY)
    start = date(2012, 1, 1).toordinal()
    for ordinal in range(start, TODAY.toordinal() + 400):
        day = date.fromordinal(ordinal)
        key = day_key(day)
        inside = (bounds.low is None or key >= bounds.low) and (
            bounds.high is None or key <= bounds.high
        )
        sign = spec.rstrip("0123456789-")
        n = int(spec[len(sign) :].split("-")[0])
        anniversary = years_before(TODAY, n)
        if sign == ">":
            expected = day < anniversary
        elif sign == ">=":
            expected = day <= anniversary
        elif sign == "<":
            expected = day > anniversary
        elif sign == "<=":
            expected = day >= anniversary
        else:
            high = int(spec.split("-")[-1])
            expected = n <= completed_years(day, TODAY) <= high
        assert inside == expected, (spec, day)


def test_the_report_groups_due_standards_by_level_and_by_each_issuer():
    entries = [
        entry("GB 1-2001", "2002-01-01", issuers=["甲部", "乙局"]),
        entry("GB 2-2019", "2019-04-01", issuers=["甲部"]),
        entry("DB44/3-2010", "2010-11-01", level="local", issuers=["广东省丙厅"]),
        entry("JT/T 4-2013", "", "2013-01", level="industry", issuers=["丁部"]),
        entry("JT/T 4-2011", "2011-08-01", status="被代替", level="industry"),
        entry("HJ 5-2022", "2022-10-01", level="industry"),
        entry("GB/T 6-2012", "", "", issuers=["甲部"]),
    ]
    report = review_report(entries, TODAY)
    assert [s.std_no for s in report.due] == [
        "GB 1-2001",
        "DB44/3-2010",
        "JT/T 4-2013",
        "GB 2-2019",
    ]
    assert {g.name: g.count for g in report.by_level()} == {
        "national": 2,
        "local": 1,
        "industry": 1,
    }
    assert {g.name: [s.std_no for s in g.standards] for g in report.by_issuer()} == {
        "甲部": ["GB 1-2001", "GB 2-2019"],
        "乙局": ["GB 1-2001"],
        "广东省丙厅": ["DB44/3-2010"],
        "丁部": ["JT/T 4-2013"],
    }
    assert [s.std_no for s in report.undated] == ["GB/T 6-2012"]
    assert (report.total, report.current) == (7, 6)
    jt = standard_age(entries[3], TODAY)
    assert (jt.implemented, jt.basis, jt.completed_years) == ("2013-01-01", "issued", 13)
    assert [s.std_no for s in review_report(entries, TODAY, years=14).due] == [
        "GB 1-2001",
        "DB44/3-2010",
    ]


def test_csv_rows_are_the_json_values_and_never_a_formula():
    hostile = entry("GB 7-2001", "2002-01-01", issuers=['=HYPERLINK("x")', "甲部"])
    hostile["title_zh"] = "=cmd|' /C calc'!A0"
    report = review_report([hostile], TODAY)
    header, row = csv_rows(report)
    values = dict(zip(header, row, strict=True))
    assert values["std_no"] == "GB 7-2001"
    assert values["title_zh"] == "'=cmd|' /C calc'!A0"
    assert values["issuers"] == '\'=HYPERLINK("x")；甲部'
    assert values["implemented"] == "2002-01-01" and values["basis"] == "effective"
    assert float(values["age_years"]) == report.due[0].age_years == 24.9
