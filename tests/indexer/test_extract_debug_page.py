"""The debug drawing of one page: it renders, and says why a rejected page is empty."""

from __future__ import annotations

import pytest

from indexer.library.model import Line
from indexer.pdf.debug_page import draw_debug


@pytest.mark.corpus
def test_hj_364_2022_p4_debug_page_drawn(corpus_pdf, tmp_path):
    start = Line(text="1 适用范围", page=4, top=180, bottom=192, x0=60, x1=130, size=10.5)
    out = draw_debug(corpus_pdf("HJ_364-2022.pdf"), 4, tmp_path / "p4.png", [start])
    assert out.exists()
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.corpus
def test_debug_page_out_of_range(corpus_pdf, tmp_path):
    with pytest.raises(ValueError):
        draw_debug(corpus_pdf("HJ_364-2022.pdf"), 99, tmp_path / "x.png")
