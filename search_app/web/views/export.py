"""Bulk export (open data): `/api/export/catalogue.jsonl` and `.csv` for everyone, and
`/api/export/fulltext.jsonl` for signed-in librarians (or a librarian's API token).

Each response is streamed: a generator reads the catalogue a batch at a time and yields
lines as they are made, so the first records leave before the last are read and the
server's memory stays flat however large the library. The catalogue export carries
metadata only; the full text stays with the library (many standards are copyrighted
even where reading them is free).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from flask import Blueprint, Response, current_app, stream_with_context

from indexer.library.catalogue import Catalogue
from indexer.library.exchange import csv_lines, export_records, fulltext_records, jsonl_lines
from search_app.web.auth import librarian_required

blueprint = Blueprint("export", __name__)

JSONL = "application/x-ndjson; charset=utf-8"
CSV = "text/csv; charset=utf-8"


def _streamed(lines: Callable[[Catalogue], Iterator[str]], mimetype: str, name: str) -> Response:
    library = current_app.extensions["stdsearch.library"]

    def generate() -> Iterator[str]:
        # Opened inside the generator: the catalogue lives as long as the stream does.
        with Catalogue(library.catalogue_path) as catalogue:
            yield from lines(catalogue)

    response = Response(stream_with_context(generate()), content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@blueprint.route("/api/export/catalogue.jsonl")
def catalogue_jsonl() -> Response:
    return _streamed(lambda c: jsonl_lines(export_records(c)), JSONL, "catalogue.jsonl")


@blueprint.route("/api/export/catalogue.csv")
def catalogue_csv() -> Response:
    return _streamed(lambda c: csv_lines(export_records(c)), CSV, "catalogue.csv")


@blueprint.route("/api/export/fulltext.jsonl")
@librarian_required
def fulltext_jsonl() -> Response:
    library = current_app.extensions["stdsearch.library"]
    return _streamed(lambda c: jsonl_lines(fulltext_records(library, c)), JSONL, "fulltext.jsonl")
