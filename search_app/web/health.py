"""`/healthz`: whether this server can answer searches, for a load balancer.

200 when the catalogue can be read and the search engine answers (the Whoosh index
opens; a cluster's aggregator takes a query), 503 otherwise, with what was found either
way as JSON. OCR is reported but never makes the server unhealthy: searching does not
need it, only ingesting scanned pages does.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass

from flask import Blueprint, current_app, jsonify

from indexer.engine import EngineUnavailable, SearchEngine
from indexer.library.catalogue import Catalogue
from indexer.library.store import Library

blueprint = Blueprint("health", __name__)

# A SHA-256 no standard has: asking the engine for it reads the index (or queries the
# cluster) and finds nothing, quickly.
PROBE_SHA = "0" * 64


@dataclass(frozen=True)
class LibraryHealth:
    ok: bool
    standards: int = 0
    error: str = ""


@dataclass(frozen=True)
class EngineHealth:
    ok: bool
    name: str
    pending_writes: int = 0
    error: str = ""


@dataclass(frozen=True)
class OcrHealth:
    available: bool
    reason: str = ""


def library_health(library: Library) -> LibraryHealth:
    try:
        with Catalogue(library.catalogue_path) as catalogue:
            return LibraryHealth(ok=True, standards=len(catalogue.shas()))
    except (sqlite3.Error, OSError) as error:
        return LibraryHealth(ok=False, error=f"the catalogue cannot be read: {error}")


def engine_health(engine: SearchEngine) -> EngineHealth:
    """Whether a search would reach the index; writes the cluster still owes its shards
    are counted (they are searched again once written, so they do not stop searching)."""
    try:
        pending = engine.pending()
    except (sqlite3.Error, OSError):
        pending = 0
    try:
        engine.read(lambda snapshot: snapshot.lead(PROBE_SHA))
    except EngineUnavailable as error:
        return EngineHealth(ok=False, name=engine.name, pending_writes=pending, error=str(error))
    except Exception as error:  # an index that does not open, whatever the engine says
        current_app.logger.exception("health check: the index does not answer")
        reason = f"the index does not answer: {type(error).__name__}: {error}"
        return EngineHealth(ok=False, name=engine.name, pending_writes=pending, error=reason)
    return EngineHealth(ok=True, name=engine.name, pending_writes=pending)


def ocr_health() -> OcrHealth:
    """Asked of Tesseract once per process: it runs two programs, and a health check
    comes every few seconds."""
    known = current_app.extensions.get("stdsearch.ocr")
    if known is None:
        from indexer.pdf.ocr import tesseract_status

        reason = tesseract_status()
        known = OcrHealth(available=reason is None, reason=reason or "")
        current_app.extensions["stdsearch.ocr"] = known
    return known


@blueprint.route("/healthz")
def healthz():
    library = library_health(current_app.extensions["stdsearch.library"])
    engine = engine_health(current_app.extensions["stdsearch.engine"])
    serving = library.ok and engine.ok
    body = {
        "status": "ok" if serving else "unavailable",
        "library": asdict(library),
        "engine": asdict(engine),
        "ocr": asdict(ocr_health()),
    }
    response = jsonify(body)
    response.status_code = 200 if serving else 503
    response.headers["Cache-Control"] = "no-store"
    return response
