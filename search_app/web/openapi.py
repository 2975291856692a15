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


# -- 标龄 and 复审 (lifecycle and review) ------------------------------------------------

STANDARD_AGE = {
    "type": "object",
    "required": [
        "std_no",
        "title_zh",
        "status",
        "level",
        "issuers",
        "implemented",
        "basis",
        "age_years",
        "completed_years",
        "due",
    ],
    "properties": {
        "std_no": {"type": "string"},
        "title_zh": {"type": "string"},
        "status": {"type": "string"},
        "level": {"type": "string", "description": "national … enterprise, or unknown"},
        "issuers": {"type": "array", "items": {"type": "string"}},
        "implemented": {
            "type": "string",
            "description": "ISO date the age counts from; empty when no date is printed",
        },
        "basis": {
            "type": "string",
            "enum": ["effective", "issued", ""],
            "description": "effective: 实施日期; issued: 发布日期, no 实施日期 printed",
        },
        "age_years": {"type": ["number", "null"], "description": "exact age, one decimal"},
        "completed_years": {"type": ["integer", "null"]},
        "due": {"type": "boolean", "description": "现行 and older than the review age"},
    },
}
REVIEW_GROUP = {
    "type": "object",
    "required": ["name", "count", "standards"],
    "properties": {
        "name": {"type": "string", "description": "a level, or an issuing body ('' unknown)"},
        "count": {"type": "integer"},
        "standards": {"type": "array", "items": STANDARD_AGE},
    },
}
REVIEW_REPORT = {
    "type": "object",
    "required": [
        "today",
        "years",
        "total",
        "current",
        "due_count",
        "due",
        "by_level",
        "by_issuer",
        "undated",
    ],
    "properties": {
        "today": {"type": "string", "format": "date"},
        "years": {"type": "integer", "description": "the review age"},
        "total": {"type": "integer", "description": "standards in the library"},
        "current": {"type": "integer", "description": "of which 现行"},
        "due_count": {"type": "integer"},
        "due": {"type": "array", "items": STANDARD_AGE, "description": "oldest first"},
        "by_level": {"type": "array", "items": REVIEW_GROUP},
        "by_issuer": {
            "type": "array",
            "items": REVIEW_GROUP,
            "description": "a standard issued jointly is under each of its issuers",
        },
        "undated": {"type": "array", "items": STANDARD_AGE},
    },
}
SPEC["paths"]["/reports/review"] = {
    "get": {
        "summary": "Standards due for review (标龄 > N 年, 现行), by level and issuing body "
        "(librarians: session or token)",
        "parameters": [
            {
                "name": "format",
                "in": "query",
                "required": False,
                "description": "html (default), json or csv (UTF-8 with a byte-order mark)",
                "schema": {"type": "string", "enum": ["html", "json", "csv"]},
            },
            {
                "name": "years",
                "in": "query",
                "required": False,
                "description": "review age in years, 0-100 (default: the site's, 5)",
                "schema": {"type": "integer", "minimum": 0, "maximum": 100},
            },
        ],
        "responses": {
            "200": {
                "description": "the report",
                "content": {
                    "application/json": {"schema": REVIEW_REPORT},
                    "text/csv": {
                        "schema": {
                            "type": "string",
                            "description": "header std_no,title_zh,level,issuers,status,"
                            "implemented,basis,age_years; one row per due standard",
                        }
                    },
                    "text/html": {"schema": {"type": "string"}},
                },
            },
            "302": {"description": "a page request without sign-in: to the sign-in form"},
            "400": _json(ERROR, "format or years not understood"),
            "401": _json(ERROR, "?format=json (or an API token) without a valid session or token"),
        },
    }
}
SPEC["paths"]["/api/standards/{std_no}"]["get"]["responses"]["200"] = _json(
    {
        **STANDARD,
        "properties": {
            **STANDARD["properties"],
            "age": {
                "type": "object",
                "description": "标龄 today: implemented, basis, age_years, completed_years, "
                "due (复审到期), review_years",
            },
        },
    }
)
