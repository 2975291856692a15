"""Side-by-side comparison of two clauses or two editions of a standard.

Chinese has no spaces, so differences are found character by character; Latin words and
numbers are compared whole (`300 dpi` → `400 dpi` shows `300` replaced by `400`, not `3`
by `4`). Clauses of two editions are aligned by heading first (renumbering is common
between editions) and by number where headings changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from indexer.library.model import Clause

Segment = tuple[str, str]  # (op, text): op is "equal", "delete" or "insert"


@dataclass
class ClausePair:
    a: Clause | None
    b: Clause | None
    a_segments: list[Segment]
    b_segments: list[Segment]
    similarity: float

    @property
    def changed(self) -> bool:
        return self.similarity < 1.0

    def to_dict(self) -> dict:
        return {
            "a": self.a.__dict__ if self.a else None,
            "b": self.b.__dict__ if self.b else None,
            "a_segments": self.a_segments,
            "b_segments": self.b_segments,
            "similarity": round(self.similarity, 4),
        }


# A Latin word or a number (with its decimal point or thousands separators) is one token;
# any other character, a Chinese one included, is a token of its own.
_TOKEN = re.compile(r"[A-Za-z]+|\d+(?:[.,]\d+)*|.", re.DOTALL)


def diff_tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def diff_text(a: str, b: str) -> tuple[list[Segment], list[Segment], float]:
    """Character- and word-level differences: segments for the left and the right side."""
    ta, tb = diff_tokens(a), diff_tokens(b)
    matcher = SequenceMatcher(None, ta, tb, autojunk=False)
    left: list[Segment] = []
    right: list[Segment] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            left.append(("equal", "".join(ta[i1:i2])))
            right.append(("equal", "".join(tb[j1:j2])))
        else:
            if i2 > i1:
                left.append(("delete", "".join(ta[i1:i2])))
            if j2 > j1:
                right.append(("insert", "".join(tb[j1:j2])))
    return left, right, matcher.ratio() if (a or b) else 1.0


def _key(clause: Clause) -> str:
    return "".join(clause.heading.split()) or clause.clause_no


def align_clauses(a: list[Clause], b: list[Clause]) -> list[tuple[Clause | None, Clause | None]]:
    matcher = SequenceMatcher(None, [_key(c) for c in a], [_key(c) for c in b], autojunk=False)
    pairs: list[tuple[Clause | None, Clause | None]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pairs.extend(zip(a[i1:i2], b[j1:j2], strict=True))
            continue
        left, right = list(a[i1:i2]), list(b[j1:j2])
        by_number = {c.clause_no: c for c in right}
        for clause in left:
            partner = by_number.pop(clause.clause_no, None)
            if partner is not None:
                right.remove(partner)
            pairs.append((clause, partner))
        pairs.extend((None, clause) for clause in right)
    return pairs


def compare_clauses(a: Clause | None, b: Clause | None) -> ClausePair:
    left_text = f"{a.heading}\n{a.text}" if a else ""
    right_text = f"{b.heading}\n{b.text}" if b else ""
    left, right, ratio = diff_text(left_text, right_text)
    if a is None or b is None:
        ratio = 0.0
    return ClausePair(a, b, left, right, ratio)


def compare_editions(a: list[Clause], b: list[Clause]) -> list[ClausePair]:
    return [compare_clauses(x, y) for x, y in align_clauses(a, b)]
