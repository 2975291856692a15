"""The sample-standard source markup → a list of blocks, with no typesetting.

The samples are written as plain text so that a reviewer can read and diff two editions
of a standard without a PDF tool; `typeset.py` turns the blocks into a GB/T 1.1 layout.
The markup is line based and described in `corpus/samples/README.md`:

    @std_no: T/STDS 001—2026        metadata for the cover (keys in METADATA_KEYS)
    % a comment                      ignored
    # 前言                           unnumbered part (前言, 引言, 参考文献)
    # 1 范围                         chapter; the first one starts the numbered pages
    ## 4.1 总则   ### 4.2.1 …        clauses to any depth
    # 附录A （规范性） 标题          annex, on a new page
    .term 3.1 标准文献 | standard document
    .table 表1 标题                  followed by rows "| a | b |", the first row is the header
    .pagebreak
    - 列项                           printed "——列项"; "a) …" and "1) …" items hang too
    注：… / 注1：… / 示例：…          set smaller, as notes and examples are
    any other line                   one paragraph

Each source line is one paragraph; the typesetter wraps it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

METADATA_KEYS = (
    "std_no",
    "replaces",
    "ics",
    "ccs",
    "title_zh",
    "title_en",
    "issued",
    "effective",
    "issuer",
    "banner",
)

_META_RE = re.compile(r"^@(\w+):\s*(.*)$")
_HEADING_RE = re.compile(r"^(#{1,5})\s+(.*)$")
_NUMBERED_RE = re.compile(r"^(\d+(?:\.\d+)*|[A-Z](?:\.\d+)+)\s+(.*)$")
_ANNEX_RE = re.compile(r"^附录\s*([A-Z])\s*[（(]\s*(规范性|资料性)\s*[）)]\s*(.*)$")
_TERM_RE = re.compile(r"^\.term\s+(\S+)\s+(.*?)\s*(?:\|\s*(.*))?$")
_TABLE_RE = re.compile(r"^\.table\s+(.*)$")
_ITEM_RE = re.compile(r"^(?:[a-z]\)|\d+\))\s*")
_SMALL_RE = re.compile(r"^(?:注\d*：|示例\d*：|示例\d*$)")


class MarkupError(ValueError):
    """A source line the markup does not allow, with its line number."""

    def __init__(self, line_no: int, reason: str):
        super().__init__(f"line {line_no}: {reason}")
        self.line_no = line_no
        self.reason = reason


@dataclass
class Heading:
    """A chapter, clause, annex or unnumbered part.

    `kind` is "part" (前言, 参考文献 …), "chapter", "clause" or "annex"; `annex_kind`
    is 规范性 or 资料性 for annexes.
    """

    level: int
    number: str
    title: str
    kind: str
    annex_kind: str = ""


@dataclass
class TermEntry:
    number: str
    term_zh: str
    term_en: str = ""


@dataclass
class Paragraph:
    """`style` is "body", "item" (列项), "note" (注, 示例) or "reference" (参考文献 entry)."""

    text: str
    style: str = "body"


@dataclass
class Table:
    caption: str
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class PageBreak:
    pass


Block = Heading | TermEntry | Paragraph | Table | PageBreak


@dataclass
class SampleSource:
    metadata: dict[str, str] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)


def _heading(level: int, text: str, line_no: int) -> Heading:
    if annex := _ANNEX_RE.match(text):
        return Heading(1, annex.group(1), annex.group(3).strip(), "annex", annex.group(2))
    if numbered := _NUMBERED_RE.match(text):
        kind = "chapter" if level == 1 else "clause"
        return Heading(level, numbered.group(1), numbered.group(2).strip(), kind)
    if level != 1:
        raise MarkupError(line_no, f"a level-{level} heading needs a clause number: {text!r}")
    return Heading(1, "", text.strip(), "part")


def _table_row(line: str) -> list[str]:
    cells = line.strip().strip("|").split("|")
    return [cell.strip() for cell in cells]


def _directive(line: str, line_no: int) -> Block:
    """`.term`, `.table` or `.pagebreak`; any other `.word` is a mistake, not a paragraph."""
    if line.startswith(".term"):
        term = _TERM_RE.match(line)
        if not term:
            raise MarkupError(line_no, "expected '.term 3.1 术语 | English term'")
        number, term_zh, term_en = term.groups()
        return TermEntry(number, term_zh.strip(), (term_en or "").strip())
    if line.startswith(".table"):
        caption = _TABLE_RE.match(line)
        if not caption:
            raise MarkupError(line_no, "expected '.table 表1 标题'")
        return Table(caption.group(1).strip())
    if line == ".pagebreak":
        return PageBreak()
    raise MarkupError(line_no, f"unknown directive {line.split()[0]}")


def _paragraph(line: str, in_references: bool) -> Paragraph:
    """The paragraph a plain line is; its style decides how it is set."""
    if line.startswith("- "):
        return Paragraph("——" + line[2:].strip(), "item")
    if _ITEM_RE.match(line):
        return Paragraph(line, "item")
    if _SMALL_RE.match(line):
        return Paragraph(line, "note")
    return Paragraph(line, "reference" if in_references else "body")


def _block(line: str, line_no: int, in_references: bool) -> Block:
    """A source line other than metadata: a heading, a directive or a paragraph."""
    if heading := _HEADING_RE.match(line):
        return _heading(len(heading.group(1)), heading.group(2), line_no)
    if line.startswith("."):
        return _directive(line, line_no)
    return _paragraph(line, in_references)


def _starts_references(block: Block) -> bool:
    """The 参考文献 part: its paragraphs are bibliography entries."""
    return block.kind == "part" and block.title.replace(" ", "") == "参考文献"


def _require_rows(table: Table, line_no: int) -> None:
    """A `.table` line must be followed by its `| … |` rows."""
    if not table.rows:
        raise MarkupError(line_no, f"table {table.caption!r} has no rows")


def parse_source(text: str) -> SampleSource:
    """Blocks in reading order, and the cover metadata from the `@key:` lines."""
    source = SampleSource()
    table: Table | None = None  # the table whose rows are being read
    in_references = False
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if table is not None:
            if line.startswith("|"):
                table.rows.append(_table_row(line))
                continue
            _require_rows(table, line_no)
            table = None
        if not line or line.startswith("%"):
            continue
        if meta := _META_RE.match(line):
            key, value = meta.groups()
            if key not in METADATA_KEYS:
                raise MarkupError(line_no, f"unknown metadata key @{key}")
            source.metadata[key] = value.strip()
            continue
        block = _block(line, line_no, in_references)
        if isinstance(block, Heading):
            in_references = _starts_references(block)
        elif isinstance(block, Table):
            table = block
        source.blocks.append(block)
    if table is not None:
        _require_rows(table, len(text.splitlines()))
    return source
