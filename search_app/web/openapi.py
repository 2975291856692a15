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


# --- Adoption of international standards (采标) -----------------------------------------
ADOPTION = {
    "type": "array",
    "description": "the international or foreign standards this one adopts (采标)",
    "items": {
        "type": "object",
        "required": ["standard", "org", "degree"],
        "properties": {
            "standard": {"type": "string", "example": "ISO 690:2010"},
            "org": {"type": "string", "example": "ISO"},
            "degree": {
                "type": "string",
                "enum": ["IDT", "MOD", "NEQ", "EQV", ""],
                "description": "IDT 等同, MOD 修改, NEQ 非等效 (EQV 等效, before 2001)",
            },
        },
    },
}
STANDARD["properties"]["adoption"] = ADOPTION
SPEC["paths"]["/api/search"]["get"]["parameters"] += [
    _param("adopts", "a body (ISO, IEC, ISO/IEC, EN …) or an adopted number, e.g. ISO 690"),
    _param("degree", "degree of correspondence: IDT / MOD / NEQ (or 等同 / 修改 / 非等效)"),
]
