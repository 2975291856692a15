"""The term concordance (`/terms/concordance`): one term as every standard defines it.

A researcher asks "how is 排水量 defined across the library, and do the standards agree?".
The same term is printed in many spellings: full-width or half-width letters and brackets,
an abbreviation after it (`化学需氧量（COD）`), a footnote mark, English in capitals or
not (`A-weighted`, `a weighted`). Terms are grouped when their Chinese or their English
terms agree once those differences are folded away; within a group, definitions that
differ only in whitespace or punctuation count as the same definition, and every
definition is diffed character by character against the one of the most recent current
standard.

Terms live in each standard's stored parse, not in the index: `TermSource` reads them in
one pass over the catalogue and keeps each parse's terms by content hash (a parse never
changes under its hash), so a page view re-reads only the catalogue's metadata.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from analyzers.normalize import is_cjk
from indexer.library.catalogue import Catalogue
from indexer.library.model import Term
from indexer.library.store import Library

from .compare import Segment, diff_tokens

CURRENT = "现行"


@dataclass(frozen=True)
class TermEntry:
    """One definition of a term, with the standard that prints it."""

    std_no: str
    title_zh: str
    status: str
    issued: str
    clause_no: str
    term_zh: str
    term_en: str
    definition: str


# --- normalisation -------------------------------------------------------------------

_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕|<[^<>]*>")
_FOOTNOTE = re.compile(r"(?:\s*[*†‡]+|(?<=[\u3400-\u9fff])\d\))$")
_NOTE = re.compile(r"\s*(?:注\s*\d*\s*[:：]|note\s*\d*\s*:).*$", re.IGNORECASE | re.DOTALL)
# A definition's source line: `[GB 16297-1996,定义3.1]`, `[来源：GB/T 1.1—2020，3.1]`.
_SOURCE_LINE = re.compile(r"^\s*[\[［【].*[\]］】]\s*$", re.MULTILINE)


def _fold(text: str) -> str:
    """Full-width forms to half-width (NFKC), ideographic space to space, lower case."""
    return unicodedata.normalize("NFKC", text).casefold()


def _drop_punctuation(text: str) -> str:
    """Letters, digits, CJK and symbols only: no whitespace, no punctuation."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZC")


def _without_latin_brackets(text: str) -> str:
    """Bracketed parts without a Chinese character in them (abbreviations, English,
    `(COD)`) removed; bracketed Chinese (`罐（槽）`) kept, as it is part of the term."""

    def keep_chinese(match: re.Match) -> str:
        return match.group(0) if any(is_cjk(ch) for ch in match.group(0)) else " "

    previous = None
    while previous != text:
        previous, text = text, _BRACKETED.sub(keep_chinese, text)
    return text


def term_key(term_zh: str) -> str:
    """The Chinese term as compared: `化学需氧量 (COD)`, `化学需氧量（ＣＯＤ）` and
    `化学需氧量` → `化学需氧量`; `罐（槽）` → `罐槽`."""
    text = _NOTE.sub("", _fold(term_zh)).strip()
    text = _FOOTNOTE.sub("", text)
    return _drop_punctuation(_without_latin_brackets(text))


def english_key(term_en: str) -> str:
    """The English term as compared: `Volatile Organic Compounds (VOCs)` and
    `volatile organic compounds` → `volatileorganiccompounds`; `A-weighted`,
    `a weighted` and `aweighted` → `aweighted` (a space is easily lost in a PDF's text). Fewer than three letters is no key (OCR debris, a lone symbol)."""
    text = _NOTE.sub("", _fold(term_en)).strip()
    text = _FOOTNOTE.sub("", text)
    stripped = _BRACKETED.sub(" ", text)
    if re.search(r"[a-z]", stripped):
        text = stripped
    key = "".join(re.findall(r"[a-z0-9]+", text))
    return key if sum(ch.isalpha() for ch in key) >= 3 else ""


def definition_key(definition: str) -> str:
    """The definition as compared: without its source line, whitespace and punctuation,
    in half-width lower case. `273，15 K` and `273.15K` are then the same text."""
    return _drop_punctuation(_fold(_SOURCE_LINE.sub("", definition)))


# --- reading the library -------------------------------------------------------------


class TermSource:
    """Every term of the library, read in one pass over the catalogue.

    A stored parse is named by its content hash and never rewritten under it, so its terms
    are kept after the first read (checked against the file's modification time all the
    same); the catalogue's metadata (status, librarian corrections) is read every time."""

    def __init__(self, library: Library):
        self.library = library
        self._terms: dict[str, tuple[int, list[Term]]] = {}
        self._lock = threading.Lock()
        self._built: tuple[tuple, Concordance] | None = None

    def _standard_terms(self, sha256: str) -> list[Term]:
        path = self.library.extracted_path(sha256)
        try:
            mtime = path.stat().st_mtime_ns
        except FileNotFoundError:
            return []
        cached = self._terms.get(sha256)
        if cached is None or cached[0] != mtime:
            cached = (mtime, self.library.load_extracted(sha256).terms)
            self._terms[sha256] = cached
        return cached[1]

    def entries(self) -> list[TermEntry]:
        with Catalogue(self.library.catalogue_path) as catalogue:
            standards = catalogue.all_metadata()
        with self._lock:
            entries = []
            for meta in standards:
                for term in self._standard_terms(meta["sha256"]):
                    entries.append(
                        TermEntry(
                            std_no=meta.get("std_no", ""),
                            title_zh=meta.get("title_zh", ""),
                            status=meta.get("status", ""),
                            issued=meta.get("issued", ""),
                            clause_no=term.clause_no,
                            term_zh=term.term_zh,
                            term_en=term.term_en,
                            definition=term.definition,
                        )
                    )
            live = {meta["sha256"] for meta in standards}
            for gone in set(self._terms) - live:
                del self._terms[gone]
        return entries

    def concordance(self) -> Concordance:
        """The grouped terms, rebuilt only when a term or a standard's metadata changed."""
        entries = self.entries()
        fingerprint = tuple(entries)
        with self._lock:
            if self._built is not None and self._built[0] == fingerprint:
                return self._built[1]
        built = Concordance(entries)
        with self._lock:
            self._built = (fingerprint, built)
        return built


# --- grouping ------------------------------------------------------------------------


@dataclass
class TermGroup:
    """Entries for one term: their Chinese or English terms agree once normalised."""

    entries: list[TermEntry]
    zh_keys: set[str] = field(default_factory=set)
    en_keys: set[str] = field(default_factory=set)

    @property
    def std_nos(self) -> list[str]:
        return sorted({entry.std_no for entry in self.entries})

    @property
    def standard_count(self) -> int:
        return len(self.std_nos)

    @property
    def reference(self) -> TermEntry:
        """The definition of the most recent current standard (the most recent of all when
        none is current); the others are read against it."""
        current = [e for e in self.entries if e.status == CURRENT] or self.entries
        return max(current, key=lambda e: (e.issued, _year(e.std_no), e.std_no))

    @property
    def term_zh(self) -> str:
        return self.reference.term_zh or next((e.term_zh for e in self.entries if e.term_zh), "")

    @property
    def term_en(self) -> str:
        return self.reference.term_en or next((e.term_en for e in self.entries if e.term_en), "")

    def variants(self) -> list[list[TermEntry]]:
        """Entries by definition (normalised), the reference's first."""
        reference = self.reference
        by_key: dict[str, list[TermEntry]] = {definition_key(reference.definition): []}
        for entry in sorted(self.entries, key=_newest_first):
            by_key.setdefault(definition_key(entry.definition), []).append(entry)
        first = by_key[definition_key(reference.definition)]
        first.remove(reference)
        first.insert(0, reference)
        return list(by_key.values())

    @property
    def differ(self) -> bool:
        """Two standards define the term differently (beyond whitespace and punctuation)."""
        return len({definition_key(e.definition) for e in self.entries}) > 1

    def summary(self) -> dict:
        return {
            "term_zh": self.term_zh,
            "term_en": self.term_en,
            "terms_zh": _distinct(e.term_zh for e in self.entries),
            "terms_en": _distinct(e.term_en for e in self.entries),
            "standards": self.standard_count,
            "std_nos": self.std_nos,
            "definitions": len(self.entries),
            "variants": len({definition_key(e.definition) for e in self.entries}),
            "differ": self.differ,
        }

    def detail(self) -> dict:
        """The summary, and every definition diffed against the reference's."""
        reference = self.reference
        rows = []
        for index, variant in enumerate(self.variants()):
            label = _label(index)
            for entry in variant:
                segments, ratio = inline_diff(reference.definition, entry.definition)
                rows.append(
                    {
                        "std_no": entry.std_no,
                        "title_zh": entry.title_zh,
                        "status": entry.status,
                        "issued": entry.issued,
                        "clause_no": entry.clause_no,
                        "term_zh": entry.term_zh,
                        "term_en": entry.term_en,
                        "definition": entry.definition,
                        "variant": label,
                        "reference": entry is reference,
                        "same_as_reference": index == 0,
                        "similarity": round(ratio, 4),
                        "segments": [list(s) for s in segments],
                    }
                )
        return {
            **self.summary(),
            "reference": {"std_no": reference.std_no, "clause_no": reference.clause_no},
            "entries": rows,
        }


def _distinct(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _year(std_no: str) -> str:
    match = re.search(r"-(\d{4})$", std_no)
    return match.group(1) if match else ""


def _newest_first(entry: TermEntry) -> tuple:
    return (entry.status != CURRENT, _negated(entry.issued or _year(entry.std_no)), entry.std_no)


def _negated(date: str) -> tuple:
    return tuple(-ord(ch) for ch in date)


def _label(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else str(index + 1)


def inline_diff(reference: str, text: str) -> tuple[list[Segment], float]:
    """`text` as read against `reference`, in one run: what both say (`equal`), what only
    the reference says (`delete`) and what only `text` says (`insert`), by the compare
    page's tokens (a Chinese character, a Latin word or a number each)."""
    if reference == text:
        return ([("equal", text)] if text else []), 1.0
    ta, tb = diff_tokens(reference), diff_tokens(text)
    matcher = SequenceMatcher(None, ta, tb, autojunk=False)
    segments: list[Segment] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(("equal", "".join(tb[j1:j2])))
            continue
        if i2 > i1:
            segments.append(("delete", "".join(ta[i1:i2])))
        if j2 > j1:
            segments.append(("insert", "".join(tb[j1:j2])))
    return segments, matcher.ratio()


class _UnionFind:
    def __init__(self, size: int):
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def group_terms(entries: list[TermEntry]) -> list[TermGroup]:
    """Entries joined when their Chinese keys or their English keys are equal (and so on
    transitively: 标准状态 / standard state / standard condition are one group)."""
    keys = [(term_key(e.term_zh), english_key(e.term_en)) for e in entries]
    sets = _UnionFind(len(entries))
    first_zh: dict[str, int] = {}
    first_en: dict[str, int] = {}
    for index, (zh, en) in enumerate(keys):
        if zh:
            sets.union(index, first_zh.setdefault(zh, index))
        if en:
            sets.union(index, first_en.setdefault(en, index))
    groups: dict[int, TermGroup] = {}
    for index, entry in enumerate(entries):
        if not (keys[index][0] or keys[index][1]):
            continue
        group = groups.setdefault(sets.find(index), TermGroup([]))
        group.entries.append(entry)
        zh, en = keys[index]
        if zh:
            group.zh_keys.add(zh)
        if en:
            group.en_keys.add(en)
    return list(groups.values())


def _widespread_order(group: TermGroup) -> tuple:
    return (-group.standard_count, -len(group.entries), group.term_zh, group.term_en)


class Concordance:
    """The library's terms grouped, with look-ups by term."""

    def __init__(self, entries: list[TermEntry]):
        self.entries = entries
        self.groups = group_terms(entries)
        self._by_zh: dict[str, TermGroup] = {}
        self._by_en: dict[str, TermGroup] = {}
        for group in self.groups:
            for key in group.zh_keys:
                self._by_zh[key] = group
            for key in group.en_keys:
                self._by_en[key] = group

    def widespread(self, min_standards: int = 2) -> list[TermGroup]:
        """Terms defined in at least `min_standards` standards, most widespread first."""
        found = [g for g in self.groups if g.standard_count >= min_standards]
        return sorted(found, key=_widespread_order)

    def group_of(self, term_zh: str, term_en: str = "") -> TermGroup | None:
        """The group a printed term belongs to."""
        zh, en = term_key(term_zh), english_key(term_en)
        group = self._by_zh.get(zh) if zh else None
        if group is None and en:
            group = self._by_en.get(en)
        return group

    def search(self, q: str) -> list[TermGroup]:
        """Groups whose term is `q` once normalised, then those whose term contains it,
        the most widespread first within each."""
        zh, en = term_key(q), english_key(q)
        if not zh and not en:
            return []
        exact = {id(g): g for g in (self._by_zh.get(zh), self._by_en.get(en)) if g is not None}
        partial = {}
        for group in self.groups:
            if id(group) in exact:
                continue
            if (zh and any(zh in key for key in group.zh_keys)) or (
                en and any(en in key for key in group.en_keys)
            ):
                partial[id(group)] = group
        return sorted(exact.values(), key=_widespread_order) + sorted(
            partial.values(), key=_widespread_order
        )

    def stats(self) -> dict:
        shared = self.widespread()
        return {
            "terms": len(self.entries),
            "groups": len(self.groups),
            "shared": len(shared),
            "differ": sum(1 for g in shared if g.differ),
        }
