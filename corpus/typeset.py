"""Typesets the sample standards' source text into PDFs laid out as GB/T 1.1 documents.

The quick start ingests these PDFs, so they must look to the indexer like the real thing:
a cover page, 目次 and 前言 numbered I, II …, body pages numbered from 1, the standard
number as a running header, annexes on new pages. Output is byte-for-byte deterministic
(`invariant=1`) because the library addresses originals by SHA-256: regenerating the
samples must not make them new documents.

    python -m corpus.typeset            # regenerate every corpus/samples/*.txt
    python corpus/typeset.py FILE.txt   # one file, PDF written beside it

Only the built-in CID font STSong-Light is used, so nothing has to be downloaded; it is
not embedded, and viewers substitute a Song typeface.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import textsplit as _textsplit_module
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import PageBreak as PageBreakFlowable
from reportlab.platypus import Paragraph as ParagraphFlowable
from reportlab.platypus import Table as TableFlowable
from reportlab.platypus import paragraph as _paragraph_module

if __package__ in (None, ""):  # run as `python corpus/typeset.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus.markup import (
    Heading,
    PageBreak,
    Paragraph,
    SampleSource,
    Table,
    TermEntry,
    parse_source,
)

SAMPLES = Path(__file__).resolve().parent / "samples"

FONT = "STSong-Light"
LATIN = "Times-Roman"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

# reportlab's line breaker knows the Japanese rule "no closing punctuation at the start of
# a line" but not the Chinese full-width marks, which would then open lines.
_CHINESE_CANNOT_START = "，；：！？”’）》〉】"
for _module in (_paragraph_module, _textsplit_module):
    _module.ALL_CANNOT_START += "".join(
        c for c in _CHINESE_CANNOT_START if c not in _module.ALL_CANNOT_START
    )

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT, RIGHT, TOP, BOTTOM = 25 * mm, 20 * mm, 25 * mm, 22 * mm
TEXT_WIDTH = PAGE_WIDTH - LEFT - RIGHT
BODY_SIZE = 10.5
INDENT = 2 * BODY_SIZE  # two characters, as Chinese paragraphs are indented

_BASE = ParagraphStyle("base", fontName=FONT, fontSize=BODY_SIZE, leading=16.5, wordWrap="CJK")
STYLES = {
    "body": ParagraphStyle("body", _BASE, firstLineIndent=INDENT, spaceAfter=1),
    "item": ParagraphStyle("item", _BASE, leftIndent=INDENT, spaceAfter=1),
    "note": ParagraphStyle(
        "note", _BASE, fontSize=9, leading=13.5, leftIndent=INDENT, spaceBefore=2, spaceAfter=3
    ),
    "reference": ParagraphStyle("reference", _BASE, spaceAfter=3),
    "title": ParagraphStyle(
        "title", _BASE, fontSize=16, leading=24, alignment=TA_CENTER, spaceAfter=18
    ),
    "part": ParagraphStyle(
        "part", _BASE, fontSize=16, leading=24, alignment=TA_CENTER, spaceAfter=18
    ),
    "annex": ParagraphStyle("annex", _BASE, fontSize=12, leading=20, alignment=TA_CENTER),
    "annex_kind": ParagraphStyle("annex_kind", _BASE, alignment=TA_CENTER),
    "h1": ParagraphStyle("h1", _BASE, fontSize=12, leading=18, spaceBefore=10, spaceAfter=6),
    "h2": ParagraphStyle("h2", _BASE, fontSize=11, leading=17, spaceBefore=6, spaceAfter=3),
    "h3": ParagraphStyle("h3", _BASE, spaceBefore=4, spaceAfter=2),
    "term_no": ParagraphStyle("term_no", _BASE, spaceBefore=6),
    "term": ParagraphStyle("term", _BASE, fontSize=11, leading=17, spaceAfter=2),
    "caption": ParagraphStyle("caption", _BASE, alignment=TA_CENTER, spaceBefore=6, spaceAfter=4),
    "cell": ParagraphStyle("cell", _BASE, fontSize=9, leading=13, alignment=TA_LEFT),
    "head_cell": ParagraphStyle("head_cell", _BASE, fontSize=9, leading=13, alignment=TA_CENTER),
    "cover_zh": ParagraphStyle("cover_zh", _BASE, fontSize=26, leading=38, alignment=TA_CENTER),
    "cover_en": ParagraphStyle(
        "cover_en", fontName=LATIN, fontSize=14, leading=19, alignment=TA_CENTER
    ),
}
for _name in ("h1", "h2", "h3", "term_no", "term", "caption", "annex", "annex_kind", "part"):
    STYLES[_name].keepWithNext = 1


def _roman(number: int) -> str:
    numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = []
    for value, letters in numerals:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def printable(text: str) -> str:
    """STSong-Light is addressed in UCS-2: a character beyond the Basic Multilingual Plane
    (emoji, CJK Extension B) would print as garbage, so it is set as 〓, the mark Chinese
    typesetters use for a missing glyph."""
    return "".join(c if ord(c) <= 0xFFFF else "〓" for c in text)


def _para(text: str, style: str) -> ParagraphFlowable:
    return ParagraphFlowable(escape(text), STYLES[style])


class PrintedLine(Flowable):
    """A one-line heading or caption drawn as given.

    reportlab's Paragraph folds the ideographic space (U+3000) into an ordinary narrow
    space, but standards print a full character's gap in `前　言` and `表1　标题`.
    """

    def __init__(self, text: str, style: ParagraphStyle):
        super().__init__()
        self.text, self.style = text, style
        self.keepWithNext = style.keepWithNext

    def wrap(self, available_width, available_height):
        self.width, self.height = available_width, self.style.leading
        return self.width, self.height

    def getSpaceBefore(self):
        return self.style.spaceBefore

    def getSpaceAfter(self):
        return self.style.spaceAfter

    def draw(self):
        canvas, size = self.canv, self.style.fontSize
        canvas.setFont(self.style.fontName, size)
        baseline = (self.style.leading - size) / 2 + 0.12 * size
        if self.style.alignment == TA_CENTER:
            canvas.drawCentredString(self.width / 2, baseline, self.text)
        else:
            canvas.drawString(self.style.leftIndent, baseline, self.text)


class NumberedHeading(Flowable):
    """Clause number, a character's gap, then the heading; a long heading wraps under
    itself, not under the number."""

    def __init__(self, number: str, title: str, style: ParagraphStyle):
        super().__init__()
        self.style = style
        self.keepWithNext = style.keepWithNext
        self.indent = (
            pdfmetrics.stringWidth(number, style.fontName, style.fontSize) + style.fontSize
        )
        bare = ParagraphStyle(f"{style.name}_bare", style, spaceBefore=0, spaceAfter=0)
        self.number = ParagraphFlowable(escape(number), bare)
        self.title = ParagraphFlowable(escape(title), bare)

    def wrap(self, available_width, available_height):
        _, number_height = self.number.wrap(self.indent + available_width, available_height)
        _, title_height = self.title.wrap(available_width - self.indent, available_height)
        self.number_height = number_height
        self.width, self.height = available_width, max(number_height, title_height)
        return self.width, self.height

    def getSpaceBefore(self):
        return self.style.spaceBefore

    def getSpaceAfter(self):
        return self.style.spaceAfter

    def draw(self):
        self.number.drawOn(self.canv, 0, self.height - self.number_height)
        self.title.drawOn(self.canv, self.indent, 0)


def _line(text: str, style: str) -> Flowable:
    """A heading or caption: one printed line when it fits, a wrapped paragraph if not."""
    chosen = STYLES[style]
    if pdfmetrics.stringWidth(text, chosen.fontName, chosen.fontSize) <= TEXT_WIDTH:
        return PrintedLine(text, chosen)
    return _para(text, style)


def _spaced(word: str) -> str:
    """前言 → 前　言: two-character part titles are printed letter-spaced."""
    return "\u3000".join(word) if len(word) == 2 else word


class TocLine(Flowable):
    """One 目次 entry: title, dot leader, page label flush right."""

    def __init__(self, text: str, label: str, indent: float):
        super().__init__()
        self.text, self.label, self.indent = text, label, indent
        self.height = 18

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, self.height

    def draw(self):
        canvas = self.canv
        canvas.setFont(FONT, BODY_SIZE)
        room = self.width - self.indent - 6 * BODY_SIZE  # leave room for leader and label
        text = self.text
        while len(text) > 1 and pdfmetrics.stringWidth(text, FONT, BODY_SIZE) > room:
            text = text[:-2] + "…"
        canvas.drawString(self.indent, 5, text)
        canvas.drawRightString(self.width, 5, self.label)
        start = self.indent + pdfmetrics.stringWidth(text, FONT, BODY_SIZE) + 6
        end = self.width - pdfmetrics.stringWidth(self.label, FONT, BODY_SIZE) - 6
        dots = int((end - start) / pdfmetrics.stringWidth(".", FONT, BODY_SIZE))
        if dots > 0:
            canvas.drawRightString(end, 5, "." * dots)


def _toc_text(heading: Heading) -> str:
    if heading.kind == "annex":
        return f"附录{heading.number}（{heading.annex_kind}）\u3000{heading.title}"
    if heading.number:
        return f"{heading.number}\u3000{heading.title}"
    return heading.title


class _StandardDocument(BaseDocTemplate):
    """Page templates for the cover, the front matter (I, II …) and the body (1, 2 …)."""

    def __init__(self, target, metadata: dict[str, str]):
        self.metadata = metadata
        self.front_pages = 0
        self.body_pages = 0
        self.page_label = ""
        self.heading_labels: dict[int, str] = {}
        super().__init__(
            target,
            pagesize=A4,
            leftMargin=LEFT,
            rightMargin=RIGHT,
            topMargin=TOP,
            bottomMargin=BOTTOM,
            invariant=1,
            title=f"{metadata.get('std_no', '')} {metadata.get('title_zh', '')}".strip(),
            author=metadata.get("issuer", ""),
            subject=metadata.get("title_en", ""),
            creator="stdsearch corpus/typeset.py",
        )
        frame = Frame(LEFT, BOTTOM, TEXT_WIDTH, PAGE_HEIGHT - TOP - BOTTOM, 0, 0, 0, 0, id="text")
        self.addPageTemplates(
            [
                PageTemplate("cover", [frame], onPage=self._cover),
                PageTemplate("front", [frame], onPage=self._front),
                PageTemplate("body", [frame], onPage=self._body),
            ]
        )

    def afterFlowable(self, flowable):
        key = getattr(flowable, "toc_key", None)
        if key is not None:
            self.heading_labels.setdefault(key, self.page_label)

    def _front(self, canvas: Canvas, doc):
        self.front_pages += 1
        self._decorate(canvas, _roman(self.front_pages), self.front_pages)

    def _body(self, canvas: Canvas, doc):
        self.body_pages += 1
        self._decorate(canvas, str(self.body_pages), self.body_pages)

    def _decorate(self, canvas: Canvas, label: str, number: int):
        """Running header and page number, on the outer side: right on odd pages."""
        self.page_label = label
        std_no = self.metadata.get("std_no", "")
        canvas.saveState()
        canvas.setFont(FONT, BODY_SIZE)
        header_y, footer_y = PAGE_HEIGHT - 15 * mm, 12 * mm
        if number % 2:
            canvas.drawRightString(PAGE_WIDTH - RIGHT, header_y, std_no)
            canvas.drawRightString(PAGE_WIDTH - RIGHT, footer_y, label)
        else:
            canvas.drawString(LEFT, header_y, std_no)
            canvas.drawString(LEFT, footer_y, label)
        canvas.restoreState()

    def _cover(self, canvas: Canvas, doc):
        meta = self.metadata
        std_no = meta.get("std_no", "")
        left, right = LEFT, PAGE_WIDTH - RIGHT
        canvas.saveState()
        canvas.setFont(FONT, BODY_SIZE)
        top = PAGE_HEIGHT - 20 * mm
        if meta.get("ics"):
            canvas.drawString(left, top, f"ICS {meta['ics']}")
        if meta.get("ccs"):
            canvas.drawString(left, top - 15, f"CCS {meta['ccs']}")
        prefix = std_no.split(" ")[0]
        if prefix:
            canvas.setFont("Times-Bold", 28)
            canvas.drawRightString(right, top - 10, prefix)
        banner = meta.get("banner", "团体标准")
        canvas.setFont(FONT, 36)
        step = (TEXT_WIDTH - 36) / max(len(banner) - 1, 1)
        for index, char in enumerate(banner):
            canvas.drawString(left + index * step, PAGE_HEIGHT - 62 * mm, char)
        canvas.setFont(FONT, 14)
        canvas.drawRightString(right, PAGE_HEIGHT - 74 * mm, std_no)
        if meta.get("replaces"):
            canvas.setFont(FONT, BODY_SIZE)
            canvas.drawRightString(right, PAGE_HEIGHT - 81 * mm, f"代替 {meta['replaces']}")
        canvas.setLineWidth(0.8)
        canvas.line(left, PAGE_HEIGHT - 85 * mm, right, PAGE_HEIGHT - 85 * mm)
        y = PAGE_HEIGHT - 120 * mm
        for text, style in (
            (meta.get("title_zh", ""), "cover_zh"),
            (meta.get("title_en", ""), "cover_en"),
        ):
            if text:
                paragraph = _para(text, style)
                _, height = paragraph.wrap(TEXT_WIDTH - 20 * mm, PAGE_HEIGHT)
                paragraph.drawOn(canvas, left + 10 * mm, y - height)
                y -= height + 14
        canvas.setFont(FONT, 14)
        if meta.get("issued"):
            canvas.drawString(left, 48 * mm, f"{meta['issued']} 发布")
        if meta.get("effective"):
            canvas.drawRightString(right, 48 * mm, f"{meta['effective']} 实施")
        canvas.line(left, 44 * mm, right, 44 * mm)
        if meta.get("issuer"):
            canvas.setFont(FONT, 16)
            canvas.drawCentredString(PAGE_WIDTH / 2, 30 * mm, f"{meta['issuer']}  发布")
        canvas.restoreState()


def _table(block: Table) -> list[Flowable]:
    columns = max(len(row) for row in block.rows)
    rows = [row + [""] * (columns - len(row)) for row in block.rows]
    # Columns as wide as their longest cell, none wider than 40 % of the page, then
    # stretched to the text width as printed tables are.
    natural = [
        min(max(pdfmetrics.stringWidth(row[c], FONT, 9) for row in rows) + 14, 0.4 * TEXT_WIDTH)
        for c in range(columns)
    ]
    widths = [TEXT_WIDTH * w / sum(natural) for w in natural]
    cells = [
        [_para(cell, "head_cell" if r == 0 else "cell") for cell in row]
        for r, row in enumerate(rows)
    ]
    grid = TableFlowable(cells, colWidths=widths, repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                ("BOX", (0, 0), (-1, -1), 1.0, "black"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    caption = block.caption
    if " " in caption and caption.startswith("表"):
        number, title = caption.split(" ", 1)
        caption = f"{number}\u3000{title.strip()}"
    return [_line(caption, "caption"), grid, Spacer(1, 6)]


def _story(source: SampleSource, labels: dict[int, str]) -> list[Flowable]:
    """Flowables for every page after the cover; `labels` fills the 目次 page numbers."""
    headings = [(i, b) for i, b in enumerate(source.blocks) if isinstance(b, Heading)]
    story: list[Flowable] = [Spacer(1, 1), NextPageTemplate("front"), PageBreakFlowable()]
    story.append(_line(_spaced("目次"), "part"))
    for key, heading in headings:
        if heading.level <= 2:
            indent = 0 if heading.level == 1 else INDENT / 2
            story.append(TocLine(_toc_text(heading), labels.get(key, "0"), indent))

    in_body = False
    for key, block in enumerate(source.blocks):
        if isinstance(block, Heading):
            flowables: list[Flowable]
            if block.kind == "part":
                if block.title.replace(" ", "") == "参考文献" or not in_body:
                    story.append(PageBreakFlowable())
                flowables = [_line(_spaced(block.title), "part")]
            elif block.kind == "annex":
                story.append(PageBreakFlowable())
                flowables = [
                    _para(f"附录{block.number}", "annex"),
                    _para(f"（{block.annex_kind}）", "annex_kind"),
                    _para(block.title, "annex"),
                    Spacer(1, 12),
                ]
                flowables[-2].keepWithNext = 1
            else:
                if block.kind == "chapter" and not in_body:
                    in_body = True
                    story += [NextPageTemplate("body"), PageBreakFlowable()]
                    if source.metadata.get("title_zh"):
                        story.append(_para(source.metadata["title_zh"], "title"))
                style = f"h{min(block.level, 3)}"
                flowables = [NumberedHeading(block.number, block.title, STYLES[style])]
            flowables[0].toc_key = key
            story += flowables
        elif isinstance(block, TermEntry):
            story.append(_para(block.number, "term_no"))
            term = escape(block.term_zh)
            if block.term_en:
                term += f"\u3000<font name='{LATIN}'>{escape(block.term_en)}</font>"
            story.append(ParagraphFlowable(term, STYLES["term"]))
        elif isinstance(block, Paragraph):
            story.append(_para(block.text, block.style))
        elif isinstance(block, Table):
            table = _table(block)
            # Short tables stay with their caption; long ones break across pages, the
            # header row repeated.
            story += [KeepTogether(table)] if len(block.rows) <= 12 else table
        elif isinstance(block, PageBreak):
            story.append(PageBreakFlowable())
    return story


def _render(source: SampleSource, labels: dict[int, str]) -> tuple[bytes, dict[int, str]]:
    buffer = io.BytesIO()
    document = _StandardDocument(buffer, source.metadata)
    document.build(_story(source, labels))
    return buffer.getvalue(), document.heading_labels


def typeset_bytes(source_text: str) -> bytes:
    """The PDF for one source text. The 目次 needs the pages the headings land on, so the
    document is laid out until those page labels stop changing (twice, in practice)."""
    source = parse_source(printable(source_text))
    labels: dict[int, str] = {}
    for _ in range(4):
        pdf, found = _render(source, labels)
        if found == labels:
            return pdf
        labels = found
    return pdf


def typeset(source_text: str, out_path: Path) -> Path:
    """Typeset source text (the markup of `corpus/markup.py`) to `out_path`."""
    out_path = Path(out_path)
    out_path.write_bytes(typeset_bytes(source_text))
    return out_path


def typeset_file(source_path: Path, out_dir: Path | None = None) -> Path:
    """`X.txt` → `X.pdf`, beside the source unless `out_dir` is given."""
    source_path = Path(source_path)
    out = Path(out_dir or source_path.parent) / f"{source_path.stem}.pdf"
    return typeset(source_path.read_text(encoding="utf-8"), out)


def sample_sources(samples_dir: Path = SAMPLES) -> list[Path]:
    return sorted(Path(samples_dir).glob("*.txt"))


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (sys.argv[1:] if argv is None else argv)] or sample_sources()
    if not paths:
        print(f"no sources in {SAMPLES}", file=sys.stderr)
        return 1
    for path in paths:
        out = typeset_file(path)
        print(f"{out}  {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
