"""The OpenAPI description of the JSON API, served at /api/openapi.json."""

from __future__ import annotations

HIT = {
    "type": "object",
    "required": [
        "std_no",
        "title_zh",
        "status",
        "clause_no",
        "heading",
        "page",
        "score",
        "snippet",
    ],
    "properties": {
        "std_no": {"type": "string", "example": "GB/T 7714-2015"},
        "title_zh": {"type": "string"},
        "status": {"type": "string", "enum": ["现行", "即将实施", "被代替", "废止", ""]},
        "clause_no": {"type": "string", "example": "4.2.1"},
        "heading": {"type": "string"},
        "page": {"type": ["integer", "null"]},
        "score": {"type": "number"},
        "snippet": {"type": "string", "description": "plain text; matched words in 【】"},
        "snippet_html": {"type": "string", "description": "escaped HTML; matched words in <mark>"},
    },
}

STANDARD = {
    "type": "object",
    "required": ["std_no", "title_zh", "status", "sha256", "source_file", "needs_ocr"],
    "properties": {
        key: {"type": "string"}
        for key in (
            "std_no",
            "title_zh",
            "title_en",
            "ccs",
            "issued",
            "effective",
            "status",
            "replaced_by",
            "adopts",
            "draft",
            "level",
            "kind",
            "region",
            "sha256",
            "source_file",
        )
    }
    | {
        "ics": {"type": "array", "items": {"type": "string"}},
        "replaces": {"type": "array", "items": {"type": "string"}},
        "pages": {"type": "integer"},
        "needs_ocr": {"type": "array", "items": {"type": "integer"}},
    },
}

ERROR = {"type": "object", "properties": {"error": {"type": "string"}}}
UPLOAD_BATCH = {
    "type": "object",
    "required": ["batch", "done", "files"],
    "properties": {
        "batch": {"type": "string"},
        "url": {"type": "string"},
        "done": {"type": "boolean", "description": "no file is queued or parsing"},
        "counts": {"type": "object"},
        "files": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "file": {"type": "string"},
                    "state": {
                        "enum": [
                            "queued",
                            "parsing",
                            "indexed",
                            "needs OCR",
                            "unchanged",
                            "failed",
                            "refused",
                        ]
                    },
                    "reason": {"type": "string"},
                    "std_no": {"type": "string"},
                    "sha256": {"type": "string"},
                    "progress": {
                        "description": "while parsing: how far it has got, e.g. OCR 12/19 pages",
                        "type": ["object", "null"],
                        "properties": {
                            "stage": {"type": "string", "example": "OCR"},
                            "done": {"type": "integer"},
                            "total": {"type": "integer"},
                            "text": {"type": "string", "example": "正在识别 12/19 页"},
                        },
                    },
                },
            },
        },
    },
}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _param(name: str, description: str, required: bool = False, where: str = "query") -> dict:
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "description": description,
        "schema": {"type": "string"},
    }


FILTER_PARAMS = [
    _param("status", "现行 / 即将实施 / 被代替 / 废止"),
    _param("level", "national / industry / local / group / enterprise"),
    _param("kind", "mandatory / recommended / guidance"),
    _param("region", "province for local standards, e.g. 广东"),
    _param("ics", "ICS code prefix, e.g. 13.060"),
    _param("year", "year or range, e.g. 2015-2020"),
]

SPEC = {
    "openapi": "3.1.0",
    "info": {
        "title": "stdsearch API",
        "version": "1",
        "description": "Full-text search over Chinese standard documents. Every HTML page "
        "has one of these JSON twins.",
    },
    "paths": {
        "/api/search": {
            "get": {
                "summary": "Ranked clause-level hits, grouped by standard",
                "parameters": [
                    _param("q", "a standard number, title words or a question", required=True),
                    _param("limit", "hits per page (1-100, default 10)"),
                    _param("page", "1-based page"),
                    *FILTER_PARAMS,
                ],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["query", "total", "hits"],
                            "properties": {
                                "query": {"type": "string"},
                                "total": {"type": "integer"},
                                "hits": {"type": "array", "items": HIT},
                                "groups": {"type": "array"},
                                "facets": {"type": "object"},
                                "suggestions": {"type": "array"},
                            },
                        }
                    ),
                    "400": _json(ERROR, "malformed query"),
                },
            }
        },
        "/api/standards": {
            "get": {
                "summary": "Every standard in the library",
                "responses": {"200": _json({"type": "array", "items": STANDARD})},
            }
        },
        "/api/standards/{std_no}": {
            "get": {
                "summary": "One standard with clauses, terms, references and links",
                "parameters": [_param("std_no", "any spelling, e.g. GB/T 7714-2015", where="path")],
                "responses": {"200": _json(STANDARD), "404": _json(ERROR, "not in the library")},
            },
            "post": {
                "summary": "Correct a standard's metadata (librarian token); stored as overrides",
                "parameters": [_param("std_no", "any spelling", where="path")],
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "description": "only the fields to change: std_no, title_zh, "
                                "title_en, issued, effective, status ('' = derived), withdrawn, "
                                "replaces (list), replaced_by, adopts, ics (list), ccs, notes",
                            }
                        }
                    }
                },
                "responses": {
                    "200": _json({"type": "object"}, "the standard as now read, and the changes"),
                    "400": _json(ERROR, "invalid values: `errors` maps field to code and message"),
                    "401": _json(ERROR, "no valid token"),
                    "503": _json(
                        ERROR,
                        "a reindex holds the library: nothing changed; retry after Retry-After seconds",
                    ),
                },
            },
            "delete": {
                "summary": "Delete a standard (librarian token); its original goes to the trash",
                "parameters": [_param("std_no", "any spelling", where="path")],
                "responses": {
                    "200": _json({"type": "object"}),
                    "401": _json(ERROR, "no valid token"),
                    "404": _json(ERROR, "not in the library"),
                    "503": _json(
                        ERROR,
                        "a reindex holds the library: nothing changed; retry after Retry-After seconds",
                    ),
                },
            },
        },
        "/api/standards/{std_no}/clauses/{clause_no}": {
            "get": {
                "summary": "One clause and similar clauses in other standards",
                "parameters": [
                    _param("std_no", "standard number", where="path"),
                    _param("clause_no", "e.g. 4.2.1 or 前言", where="path"),
                ],
                "responses": {
                    "200": _json({"type": "object"}),
                    "404": _json(ERROR, "no such clause"),
                },
            }
        },
        "/api/terms": {
            "get": {
                "summary": "Every definition of a term across the library",
                "parameters": [_param("q", "a Chinese or English term", required=True)],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "query": {"type": "string"},
                                "definitions": {"type": "array"},
                            },
                        }
                    ),
                    "400": _json(ERROR, "query too long"),
                },
            }
        },
        "/api/compare": {
            "get": {
                "summary": "Character-level differences of two clauses or two editions",
                "parameters": [
                    _param("a", "<std_no> or <std_no>/<clause_no>", required=True),
                    _param("b", "<std_no> or <std_no>/<clause_no>", required=True),
                ],
                "responses": {
                    "200": _json({"type": "object"}),
                    "400": _json(ERROR, "bad parameters"),
                },
            }
        },
        "/admin/upload": {
            "post": {
                "summary": "Upload PDFs (librarian token); each is checked, then ingested in the "
                "background",
                "requestBody": {
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "file": {
                                        "type": "array",
                                        "items": {"type": "string", "format": "binary"},
                                    }
                                },
                            }
                        }
                    }
                },
                "responses": {
                    "202": _json(UPLOAD_BATCH, "the batch: refused files carry their reason"),
                    "400": _json(ERROR, "no file sent"),
                    "401": _json(ERROR, "no valid token"),
                    "413": _json(ERROR, "the request is over the upload size limit"),
                    "422": _json(UPLOAD_BATCH, "every file was refused"),
                },
            }
        },
        "/admin/upload/{batch}": {
            "get": {
                "summary": "The state of each file of an upload (librarian token)",
                "parameters": [_param("batch", "the batch id the upload answered", where="path")],
                "responses": {
                    "200": _json(UPLOAD_BATCH),
                    "401": _json(ERROR, "no valid token"),
                    "404": _json(ERROR, "no such batch"),
                },
            }
        },
    },
}


# -- list checking, watch lists and change feeds ------------------------------------------

CHECK_ROW = {
    "type": "object",
    "required": [
        "line",
        "typed",
        "found",
        "family_found",
        "std_no",
        "title",
        "status",
        "replaced_by",
        "replaced_since",
        "withdrawn",
        "newer_edition",
        "newer_title",
    ],
    "properties": {
        "line": {"type": "integer", "description": "1-based, in the order given"},
        "typed": {"type": "string", "description": "the number as typed"},
        "found": {
            "type": "boolean",
            "description": "the typed edition (any edition, when typed without a year) is held",
        },
        "family_found": {"type": "boolean", "description": "some edition of it is held"},
        "std_no": {"type": "string", "description": "the standard matched, or ''"},
        "title": {"type": "string"},
        "status": {"type": "string", "enum": ["现行", "即将实施", "被代替", "废止", ""]},
        "replaced_by": {"type": "string"},
        "replaced_since": {"type": "string", "description": "the successor's effective date"},
        "withdrawn": {"type": "string", "description": "date of withdrawal (废止)"},
        "newer_edition": {"type": "string", "description": "a later edition the library holds"},
        "newer_title": {"type": "string"},
    },
}
CHECK_RESULT = {
    "type": "object",
    "required": ["numbers", "columns", "rows", "counts"],
    "properties": {
        "numbers": {"type": "array", "items": {"type": "string"}},
        "columns": {"type": "array", "items": {"type": "string"}},
        "rows": {"type": "array", "items": CHECK_ROW},
        "counts": {
            "type": "object",
            "required": ["lines", "found", "not_found"],
            "properties": {
                "lines": {"type": "integer"},
                "found": {"type": "integer"},
                "not_found": {"type": "integer"},
            },
        },
        "error": {"type": "string", "description": "label key of what was wrong (400)"},
        "created_at": {"type": "string", "description": "watch lists: when it was saved"},
        "feed": {"type": "string", "description": "watch lists: the path of its Atom feed"},
    },
}
CHECK_DOWNLOADS = {
    "text/csv": {"schema": {"type": "string"}},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}
    },
}
CHECK_FORM = {
    "multipart/form-data": {
        "schema": {
            "type": "object",
            "properties": {
                "numbers": {"type": "string", "description": "one number a line, any spelling"},
                "file": {
                    "type": "string",
                    "format": "binary",
                    "description": ".txt (a number a line) or .csv (column 标准号/number, else"
                    " the first)",
                },
                "format": {"type": "string", "enum": ["html", "json", "csv", "xlsx"]},
                "csrf_token": {"type": "string"},
            },
        }
    }
}
ATOM = {"application/atom+xml": {"schema": {"type": "string"}}}
FORMAT_PARAM = _param("format", "json for the JSON twin (or Accept: application/json)")

SPEC["paths"].update(
    {
        "/check": {
            "get": {
                "summary": "The list-check form; with `numbers` (one a line), its result",
                "parameters": [_param("numbers", "numbers to check, one a line"), FORMAT_PARAM],
                "responses": {"200": _json(CHECK_RESULT)},
            },
            "post": {
                "summary": "Check standard numbers against the library (form with CSRF token);"
                " HTML, JSON, CSV or XLSX by `format`",
                "parameters": [FORMAT_PARAM],
                "requestBody": {"content": CHECK_FORM},
                "responses": {
                    "200": {
                        "description": "a row per number, in order",
                        "content": {"application/json": {"schema": CHECK_RESULT}} | CHECK_DOWNLOADS,
                    },
                    "400": _json(CHECK_RESULT, "no number, or a file that is not .txt/.csv"),
                },
            },
        },
        "/api/check": {
            "post": {
                "summary": "Check standard numbers (JSON body; no CSRF token needed)",
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["numbers"],
                                "properties": {
                                    "numbers": {"type": "array", "items": {"type": "string"}}
                                },
                            }
                        }
                    }
                },
                "responses": {
                    "200": _json(CHECK_RESULT),
                    "400": _json(ERROR, "not a JSON object with a list of numbers"),
                },
            }
        },
        "/watch": {
            "post": {
                "summary": "Save numbers as a watch list (form with CSRF token); redirects to"
                " its private link, or answers it as JSON with format=json",
                "parameters": [FORMAT_PARAM],
                "requestBody": {"content": CHECK_FORM},
                "responses": {
                    "201": _json(
                        {
                            "type": "object",
                            "required": ["token", "url", "numbers"],
                            "properties": {
                                "token": {"type": "string"},
                                "url": {"type": "string"},
                                "numbers": {"type": "array", "items": {"type": "string"}},
                            },
                        },
                        "the list was saved",
                    ),
                    "303": {"description": "the list was saved: its page"},
                    "400": _json(CHECK_RESULT, "no number"),
                },
            }
        },
        "/watch/{token}": {
            "get": {
                "summary": "A watch list: the check result for its numbers, now",
                "parameters": [
                    _param("token", "the list's private token", where="path"),
                    FORMAT_PARAM,
                ],
                "responses": {
                    "200": _json(CHECK_RESULT),
                    "404": _json(ERROR, "no such watch list"),
                },
            }
        },
        "/watch/{token}/feed.atom": {
            "get": {
                "summary": "Atom feed of the changes to a watch list's standards (edition"
                " families: new editions included)",
                "parameters": [_param("token", "the list's private token", where="path")],
                "responses": {
                    "200": {"description": "an Atom feed", "content": ATOM},
                    "404": _json(ERROR, "no such watch list"),
                },
            }
        },
        "/feeds/changes.atom": {
            "get": {
                "summary": "Atom feed of the library's change log; with `q` or filters, of the"
                " standards that search finds",
                "parameters": [_param("q", "a search, as /api/search takes it"), *FILTER_PARAMS],
                "responses": {
                    "200": {"description": "an Atom feed", "content": ATOM},
                    "400": _json(ERROR, "a query that cannot be searched"),
                },
            }
        },
    }
)
