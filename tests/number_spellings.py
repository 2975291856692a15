"""How people type a standard number, derived by rule from the printed number: the list
checker and the search are both held to every one of these spellings."""

from __future__ import annotations

import re

from analyzers.stdno import parse_std_no


def full_width(text: str) -> str:
    return "".join(
        "\u3000" if ch == " " else chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text
    )


def spellings(std_no: str) -> dict[str, str]:
    """Full-width, no slash, spaces, no year, lower case, the printed dash, blanks where
    the slash and the dash belong, and some of these at once."""
    number = parse_std_no(std_no)
    return {
        "as printed": std_no,
        "full-width": full_width(std_no),
        "no slash": std_no.replace("/", " "),
        "no spaces": std_no.replace(" ", ""),
        "extra spaces": std_no.replace("/", " / ").replace("-", " - "),
        "lower case": std_no.lower(),
        "dash": re.sub(r"-(\d{4})$", r"—\1", std_no),
        "blanks for slash and dash": re.sub(r"-(\d{4})$", r" \1", std_no.replace("/", " ")),
        "spaced dash, no slash": re.sub(r"-(\d{4})$", r" — \1", std_no.replace("/", " ")),
        "no year": number.undated,
        "no year, lower case, no slash": number.undated.lower().replace("/", " "),
        "no year, squeezed": number.undated.lower().replace("/", "").replace(" ", ""),
        "full-width, no year": full_width(number.undated.lower()),
    }
