"""Every word a reader sees on the reading pages comes from the label table, in both
languages: templates hold no literal Chinese or English outside `t(…)`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from search_app.web.i18n import LABELS

TEMPLATES = Path(__file__).parents[2] / "search_app" / "web" / "templates"
READING_PAGES = (
    "base.html",
    "parts.html",
    "search.html",
    "standard.html",
    "clause.html",
    "page.html",
    "compare.html",
    "terms.html",
    "error.html",
)
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
TAG = re.compile(r"<[^>]*>", re.S)
SHOWN_ATTRIBUTES = re.compile(r'\b(?:placeholder|aria-label|alt|title)="([^"]*)"')
WORDS = re.compile(r"[A-Za-z\u3400-\u9fff]")


@pytest.mark.parametrize("name", READING_PAGES)
def test_no_literal_words_outside_labels(name):
    source = (TEMPLATES / name).read_text(encoding="utf-8")
    shown = [JINJA.sub("", value) for value in SHOWN_ATTRIBUTES.findall(source)]
    text = TAG.sub(" ", JINJA.sub(" ", source))
    literal = [chunk for chunk in [*shown, *text.split()] if WORDS.search(chunk)]
    assert literal == []


@pytest.mark.parametrize("name", READING_PAGES)
def test_every_label_used_has_both_languages(name):
    source = (TEMPLATES / name).read_text(encoding="utf-8")
    for key in re.findall(r"""\bt\(\s*['"]([^'"]+)['"]""", source):
        assert {"zh", "en"} <= LABELS[key].keys(), key
