"""The standard-number parser under generated input (hypothesis): it never raises, its
canonical spelling parses back to the same number, and every way of writing a number
(full-width signs, em dashes, ideographic spaces, any case) means that number."""

from __future__ import annotations

from hypothesis import strategies as st

from analyzers.stdno import StandardNumber, find_std_nos, parse_std_no
from tests.fuzzing import few_and_many

PREFIXES = [
    "GB",
    "GB/T",
    "GB/Z",
    "HJ",
    "HJ/T",
    "JT/T",
    "SL",
    "DB44",
    "DB44/T",
    "DB53/T",
    "T/CECS",
    "T/GDRTA",
    "JJF",
    "JJG",
    "Q/",
]  # fmt: skip  (Chinese codes: ISO writes its year after a colon, and has its own tests)
NUMBERS = st.one_of(
    st.integers(1, 99999).map(str),
    st.tuples(st.integers(1, 99999), st.integers(1, 30)).map(lambda t: f"{t[0]}.{t[1]}"),
)
YEARS = st.one_of(st.none(), st.integers(1950, 2030).map(str))
SEPARATORS = st.sampled_from(["-", "—", "－", "–", "——", " — "])
SLASHES = st.sampled_from(["/", "／", " / "])
SPACES = st.sampled_from([" ", "\u3000", "", "  "])
WIDE = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}
TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="GBTZDHJQ/／-—－.0123456789 \u3000abcXx", max_size=40),
)


@few_and_many(TEXT)
def test_any_text_parses_to_a_number_or_none(text):
    number = parse_std_no(text)
    assert number is None or isinstance(number, StandardNumber)
    for found, start, end in find_std_nos(text):
        assert isinstance(found, StandardNumber) and 0 <= start < end <= len(text)


@few_and_many(TEXT)
def test_a_canonical_number_parses_back_to_itself(text):
    number = parse_std_no(text)
    if number is not None:
        assert parse_std_no(str(number)) == number
        assert str(parse_std_no(str(number))) == str(number)


def spelled(prefix, number, year, separator, slash, space, wide, lower) -> str:
    text = prefix.replace("/", slash) + space + number
    if year is not None:
        text += separator + year
    if wide:
        text = "".join(WIDE.get(ch, ch) for ch in text)
    return text.lower() if lower else text


@few_and_many(
    st.sampled_from(PREFIXES), NUMBERS, YEARS, SEPARATORS, SLASHES, SPACES, st.booleans(),
    st.booleans(),
)  # fmt: skip
def test_every_spelling_of_a_number_means_the_plain_spelling(
    prefix, number, year, separator, slash, space, wide, lower
):
    plain = parse_std_no(spelled(prefix, number, year, "-", "/", " ", False, False))
    if plain is None:
        return  # not a number this grammar knows (`Q/ 5`): no spelling of it is either
    assert parse_std_no(str(plain)) == plain
    assert (
        parse_std_no(spelled(prefix, number, year, separator, slash, space, wide, lower)) == plain
    )
