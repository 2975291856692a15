"""A table of a standard as CSV: `/std/<no>/tables/<n>.csv` (n counts the standard's
tables from 1, in document order, as the standard page and its JSON list them).

The header row joins each column's path with ` › `; a researcher pastes the rows into a
spreadsheet without retyping a limit value.
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response

from search_app.web.user_errors import not_found
from search_app.web.views.standard import _standard

blueprint = Blueprint("tables", __name__)


def table_csv(header: list[list[str]], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([" › ".join(path) for path in header])
    writer.writerows(rows)
    return out.getvalue()


@blueprint.route("/std/<path:std_no>/tables/<int:number>.csv")
def table_download(std_no: str, number: int):
    standard = _standard(std_no)
    if not 1 <= number <= len(standard.tables):
        raise not_found("no_such_table", std_no=standard.std_no, number=number)
    table = standard.tables[number - 1]
    # a byte-order mark so that spreadsheet programs read the Chinese as UTF-8
    body = "\ufeff" + table_csv(table.header, table.rows)
    name = f"{standard.std_no.replace('/', '_').replace(' ', '_')}-table-{number}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@blueprint.app_template_global()
def table_header_rows(header: list[list[str]]) -> list[list[dict]]:
    """The header paths as HTML header rows: a cell shared by neighbouring columns spans
    them, and a path shorter than the deepest spans down to the body."""
    depth = max((len(path) for path in header), default=0) or 1
    rows: list[list[dict]] = []
    for level in range(depth):
        row: list[dict] = []
        j = 0
        while j < len(header):
            path = header[j]
            if level >= max(len(path), 1):
                j += 1
                continue
            prefix = path[: level + 1]
            leaf = level >= len(path) - 1
            span = 1
            while (
                j + span < len(header)
                and header[j + span][: level + 1] == prefix
                and (level >= len(header[j + span]) - 1) == leaf
                and (not leaf or len(header[j + span]) == len(path))
            ):
                span += 1
            row.append(
                {
                    "text": prefix[-1] if path else "",
                    "colspan": span,
                    "rowspan": depth - level if leaf else 1,
                }
            )
            j += span
        rows.append(row)
    return rows
