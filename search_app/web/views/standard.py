"""A standard's page `/std/<std_no>` and clause page, with their JSON twins; the original PDF
and images of its pages."""

from __future__ import annotations

import threading
from datetime import date

from flask import Blueprint, current_app, jsonify, render_template, request, send_file

from analyzers.stdno import parse_std_no
from indexer.library.catalogue import Catalogue
from indexer.library.citations import Resolution
from indexer.library.lookup import find_standard, resolve_sha
from indexer.library.model import Standard
from indexer.library.review import standard_age
from search_app.search.citations import resolve_references
from search_app.web.page_images import PageOutOfRange, page_png
from search_app.web.user_errors import not_found
from search_app.web.views.review import configured_review_years

blueprint = Blueprint("standard", __name__)


def _library():
    return current_app.extensions["stdsearch.library"]


def _catalogue() -> Catalogue:
    return Catalogue(_library().catalogue_path)


def _standard(std_no: str) -> Standard:
    standard = find_standard(_library(), std_no)
    if standard is None:
        raise not_found("no_such_standard", std_no=std_no)
    return standard


def _links(standard: Standard) -> dict:
    """Where the standard's references, editions and citers stand in the library."""

    def in_library(std_no: str) -> dict | None:
        sha = resolve_sha(catalogue, std_no)
        return catalogue.metadata(sha) if sha else None

    with _catalogue() as catalogue:
        references = []
        resolutions = resolve_references(catalogue, [r.std_no for r in standard.references])
        for ref, resolution in zip(standard.references, resolutions, strict=True):
            meta = in_library(ref.std_no)
            references.append(
                {
                    **ref.__dict__,
                    "in_library": meta["std_no"] if meta else None,
                    "status": meta.get("status", "") if meta else "",
                    **_resolution_keys(resolution),
                }
            )
        cited_by = []
        for sha_citing in catalogue.cited_by(standard.std_no):
            meta = catalogue.metadata(sha_citing)
            if meta and sha_citing != standard.sha256:
                cited_by.append({k: meta.get(k, "") for k in ("std_no", "title_zh", "status")})
        replaces = [
            {"std_no": old, "in_library": (in_library(old) or {}).get("std_no")}
            for old in standard.replaces
        ]
        links = {"references": references, "cited_by": cited_by, "replaces": replaces}
        if standard.replaced_by:
            links["replaced_by"] = standard.replaced_by
            successor = in_library(standard.replaced_by) or {}
            links["replaced_by_in_library"] = successor.get("std_no")
        links["editions"] = _edition_chain(standard, in_library)
    return links


def _edition_chain(standard: Standard, in_library) -> list[dict]:
    """Every edition before and after this one, oldest first: the replaces numbers printed
    on covers, followed through the editions the library holds."""

    def edition(number: str, meta: dict | None, current: bool = False) -> dict:
        return {
            "std_no": meta["std_no"] if meta else number,
            "in_library": meta is not None,
            "status": (meta or {}).get("status", ""),
            "current": current,
        }

    seen = {standard.sha256}
    older: list[dict] = []
    waiting = list(standard.replaces)
    while waiting and len(older) < 50:
        number = waiting.pop(0)
        meta = in_library(number)
        if meta is not None:
            if meta["sha256"] in seen:
                continue
            seen.add(meta["sha256"])
            waiting.extend(meta.get("replaces") or [])
        older.append(edition(number, meta))
    newer: list[dict] = []
    number = standard.replaced_by
    while number and len(newer) < 50:
        meta = in_library(number)
        if meta is not None and meta["sha256"] in seen:
            break
        newer.append(edition(number, meta))
        if meta is None:
            break
        seen.add(meta["sha256"])
        number = meta.get("replaced_by")
    older.sort(key=lambda e: (_year(e["std_no"]), e["std_no"]))
    current = edition(standard.std_no, {**standard.to_dict(structure=False)}, current=True)
    return [*older, current, *newer] if older or newer else []


def _year(std_no: str) -> int:
    number = parse_std_no(std_no)
    return int(number.year or 0) if number else 0


def _resolution_keys(resolution: Resolution) -> dict:
    """Citation health: the edition a reference means (an undated one: the latest the
    library knows) and whether that edition is replaced or withdrawn, with its successor."""
    details = resolution.to_dict()
    return {
        "resolved": details.pop("resolved"),
        "outdated": details.pop("outdated"),
        "resolution": {k: v for k, v in details.items() if k not in ("cited", "dated")},
    }


def standard_data(std_no: str) -> dict:
    standard = _standard(std_no)
    data = standard.to_dict()
    data["links"] = _links(standard)
    # The references of the structure gain the same keys (never losing one).
    for ref, linked in zip(data["references"], data["links"]["references"], strict=True):
        ref.update({k: linked[k] for k in ("resolved", "outdated", "resolution")})
    data["age"] = _age(data)
    return data


def _age(data: dict) -> dict:
    """标龄 today, and whether the standard is due for review (复审到期)."""
    years = configured_review_years()
    age = standard_age(data, date.today(), years)
    return {
        "implemented": age.implemented,
        "basis": age.basis,
        "age_years": age.age_years,
        "completed_years": age.completed_years,
        "due": age.due,
        "review_years": years,
    }


@blueprint.route("/std/<path:std_no>")
def standard_page(std_no: str):
    data = standard_data(std_no)
    if request.args.get("format") == "json":
        return jsonify(data)
    return render_template("standard.html", std=data)


@blueprint.route("/api/standards/<path:std_no>")
def standard_api(std_no: str):
    if "/clauses/" in std_no:
        std, clause_no = std_no.rsplit("/clauses/", 1)
        return jsonify(clause_data(std, clause_no))
    return jsonify(standard_data(std_no))


@blueprint.route("/api/openapi.json")
def openapi_spec():
    from search_app.web.openapi import finished

    return jsonify(finished())


@blueprint.route("/api/standards")
def standards_api():
    with _catalogue() as catalogue:
        entries = catalogue.all_metadata()
    return jsonify(entries)


def clause_data(std_no: str, clause_no: str) -> dict:
    standard = _standard(std_no)
    for clause in standard.clauses:
        if clause.clause_no == clause_no:
            break
    else:
        raise not_found("no_such_clause", std_no=standard.std_no, clause_no=clause_no)
    from search_app.search.similar import similar_clauses

    engine = current_app.extensions["stdsearch.engine"]
    return {
        "std_no": standard.std_no,
        "title_zh": standard.title_zh,
        "status": standard.status,
        "ocr_pages": standard.ocr_pages,
        "clause": clause.__dict__,
        "similar": similar_clauses(engine, standard.sha256, clause),
        "editions": _editions_with_clause(standard, clause_no),
        # Tables: those printed in this clause, numbered as on the standard page
        "tables": [
            {"number": i, **table.__dict__}
            for i, table in enumerate(standard.tables, start=1)
            if table.clause_no == clause_no
        ],
    }


def _editions_with_clause(standard: Standard, clause_no: str) -> list[dict]:
    """The editions this one replaces or is replaced by, held in the library, that have a
    clause with the same number: what a reader of a clause compares it with first."""
    from indexer.library.lookup import load_standard

    numbers = [*standard.replaces, *([standard.replaced_by] if standard.replaced_by else [])]
    editions = []
    with _catalogue() as catalogue:
        for number in numbers:
            sha = resolve_sha(catalogue, number)
            if sha is None or sha == standard.sha256:
                continue
            other = load_standard(_library(), catalogue, sha)
            if any(c.clause_no == clause_no for c in other.clauses):
                editions.append({"std_no": other.std_no, "status": other.status})
    return editions


@blueprint.route("/std/<path:std_no>/clause/<clause_no>")
def clause_page(std_no: str, clause_no: str):
    data = clause_data(std_no, clause_no)
    if request.args.get("format") == "json":
        return jsonify(data)
    return render_template("clause.html", data=data)


def _original_sha(std_no: str) -> str:
    """The content hash of a standard's stored original, by catalogue look-up only: no
    user text ever becomes part of a path."""
    with _catalogue() as catalogue:
        sha = resolve_sha(catalogue, std_no)
    if sha is None:
        raise not_found("no_such_standard", std_no=std_no)
    if not _library().original_path(sha).is_file():
        raise not_found("no_original", std_no=std_no)
    return sha


@blueprint.route("/std/<path:std_no>/pdf")
def original_pdf(std_no: str):
    sha = _original_sha(std_no)
    path = _library().original_path(sha)
    return send_file(path, mimetype="application/pdf", download_name=f"{sha[:12]}.pdf")


@blueprint.route("/std/<path:std_no>/page/<int:page_no>.png")
def page_image(std_no: str, page_no: int):
    """A page of the original as an image: what OCR read, for the reader to check."""
    sha = _original_sha(std_no)
    # dict.setdefault is atomic, so every request thread gets the same lock.
    lock = current_app.extensions.setdefault("stdsearch.render_lock", threading.Lock())
    try:
        path = page_png(_library(), sha, page_no, lock)
    except PageOutOfRange:
        raise not_found("no_such_page", std_no=std_no, page=page_no) from None
    # Short-lived in browsers: the URL names the standard, and a changed file changes the image.
    return send_file(path, mimetype="image/png", max_age=3600)


@blueprint.route("/std/<path:std_no>/page/<int:page_no>")
def page_view(std_no: str, page_no: int):
    """The page image with its context: which standard, which page, whether OCR read it."""
    standard = _standard(std_no)
    if not 1 <= page_no <= max(standard.pages, 1):
        raise not_found("no_such_page", std_no=standard.std_no, page=page_no)
    ref = standard.std_no or standard.sha256
    clauses = [
        {"clause_no": c.clause_no, "heading": c.heading}
        for c in standard.clauses
        if c.page_start <= page_no <= max(c.page_end, c.page_start)
    ]
    page = {
        "std_no": ref,
        "title_zh": standard.title_zh,
        "page": page_no,
        "pages": standard.pages,
        "ocr": page_no in standard.ocr_pages,
        "needs_ocr": page_no in standard.needs_ocr,
        "clauses": clauses,
    }
    if request.args.get("format") == "json":
        return jsonify(page)
    return render_template("page.html", page=page)
