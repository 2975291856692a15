"""The document model: what one parse of a standard PDF produces.

Everything downstream (the catalogue, the index, the pages, the API) reads these
objects or their JSON form, so field names follow the design's contract and are never
renamed; new fields may be added.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass
class Line:
    """One printed line of a page after clean-up, with where it sits on the page.

    Positions are in PDF points from the top-left corner of the page (x from its left edge,
    whatever the page box origin);
    `size` is the dominant font size, which tells headings and covers from body text.
    """

    text: str
    page: int  # 1-based PDF page
    top: float = 0.0
    bottom: float = 0.0
    x0: float = 0.0
    x1: float = 0.0
    size: float = 0.0
    ocr: bool = False


@dataclass
class Page:
    """The cleaned lines of one page, or the reason it could not be read."""

    number: int  # 1-based
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    needs_ocr: str | None = None  # reason, e.g. "no text layer", "garbled font encoding"
    ocr: bool = False  # lines came from OCR
    removed: list[Line] = field(default_factory=list)  # headers, footers, page numbers
    tables: list[PageTable] = field(default_factory=list)  # ruled grids found on the page


@dataclass
class Cell:
    """One cell of a ruled grid: where it starts and how many grid rows/columns it spans."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    # where the cell is on the page (Line coordinates): OCR fills it from its word boxes
    x0: float = 0.0
    top: float = 0.0
    x1: float = 0.0
    bottom: float = 0.0


@dataclass
class PageTable:
    """A ruled grid as found on one page, before captions and continuations are known.

    `top`/`bottom`/`x0`/`x1` use the page coordinates of `Line`, so the lines inside the
    grid can be told from the prose around it.
    """

    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    n_rows: int
    n_cols: int
    cells: list[Cell] = field(default_factory=list)
    ocr: bool = False

    def holds(self, line: Line) -> bool:
        """Whether a printed line sits inside the grid (its middle between the rules)."""
        middle = (line.top + line.bottom) / 2
        return (
            line.page == self.page
            and self.top <= middle <= self.bottom
            and line.x0 < self.x1
            and line.x1 > self.x0
        )


@dataclass
class Clause:
    clause_no: str  # "4.2.1", "A.3", or a named part: "前言", "引言", "参考文献"
    heading: str
    level: int  # 1 for chapters and named parts, 2 for "4.2", …
    text: str
    page_start: int
    page_end: int
    kind: str = (
        "clause"  # chapter / clause / annex-normative / annex-informative / term / foreword …
    )
    parent: str | None = None
    path: list[str] = field(default_factory=list)  # ancestor headings, outermost first
    order: int = 0
    ocr: bool = False


@dataclass
class Term:
    clause_no: str
    term_zh: str
    term_en: str = ""
    definition: str = ""


@dataclass
class Reference:
    std_no: str  # canonical, dated ("GB/T 7714-2015") or undated ("GB/T 7714")
    title: str = ""
    dated: bool = True


@dataclass
class Adoption:
    """An international or foreign standard this one adopts (采标), and how closely."""

    standard: str  # canonical designation: "ISO 690:2010", "IEC 60335-1:2020"
    org: str  # the body that issued it: ISO, IEC, ISO/IEC, ITU-T, EN, IEEE, ASTM, JIS …
    degree: str = ""  # IDT 等同, MOD 修改, NEQ 非等效 (EQV 等效 before 2001); "" unstated


@dataclass
class Table:
    """A table of the standard: its grid as a header of column paths and rows of cells.

    `header` holds one path per column, the header cells above it from top to bottom
    (`["标准限值", "一级标准", "A标准"]`); `rows` are aligned with it. A table printed over
    several pages (`续表`) is one table. `ocr` marks a table read from a scanned page;
    `text_only` one whose grid could not be recovered (its text is its single cell).
    """

    table_no: str  # "1", "A.2"; "" when the table has no caption
    caption: str = ""
    clause_no: str = ""
    page_start: int = 0
    page_end: int = 0
    header: list[list[str]] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    units: str = ""
    notes: list[str] = field(default_factory=list)
    ocr: bool = False
    text_only: bool = False


@dataclass
class Standard:
    std_no: str = ""
    prefix: str = ""
    kind: str = ""  # mandatory / recommended / guidance
    level: str = ""  # national / industry / local / group / enterprise
    region: str = ""
    title_zh: str = ""
    title_en: str = ""
    ics: list[str] = field(default_factory=list)
    ccs: str = ""
    issued: str = ""  # ISO date, or YYYY-MM when only a month is printed
    effective: str = ""
    status: str = ""
    replaces: list[str] = field(default_factory=list)
    replaced_by: str = ""
    withdrawn: str = ""  # ISO date a librarian recorded with 废止
    adopts: str = ""  # as printed or corrected: "ISO 690:2010, NEQ"
    adoption: list[Adoption] = field(default_factory=list)
    issuers: list[str] = field(default_factory=list)
    draft: str = ""
    pages: int = 0
    sha256: str = ""
    source_file: str = ""
    needs_ocr: list[int] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)
    sources: dict[str, str] = field(
        default_factory=dict
    )  # field -> cover/header/foreword/filename/librarian
    missing: list[str] = field(default_factory=list)  # cover fields not found
    notes: str = ""  # a librarian's remarks
    # False for a metadata-only record (imported from another catalogue, 未收录全文):
    # the library knows the standard but holds no original and no clauses.
    text_held: bool = True
    clauses: list[Clause] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def to_dict(self, structure: bool = True) -> dict[str, Any]:
        data = asdict(self)
        if not structure:
            for key in ("clauses", "terms", "references", "tables"):
                data.pop(key)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Standard:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["clauses"] = [Clause(**c) for c in data.get("clauses", [])]
        values["terms"] = [Term(**t) for t in data.get("terms", [])]
        values["references"] = [Reference(**r) for r in data.get("references", [])]
        values["tables"] = [Table(**t) for t in data.get("tables") or []]
        values["adoption"] = [
            a if isinstance(a, Adoption) else Adoption(**a) for a in data.get("adoption") or []
        ]
        return cls(**values)


@dataclass
class IngestError(Exception):
    """A reason the user can act on, reported in the batch summary and the ingest log."""

    file: str
    reason: str
    page: int | None = None

    def __str__(self) -> str:
        where = f" (page {self.page})" if self.page else ""
        return f"{self.file}{where}: {self.reason}"
