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

# --- term concordance -----------------------------------------------------------------

_SEGMENT = {
    "type": "array",
    "description": "[operation, text]: operation is equal, delete or insert",
    "items": {"type": "string"},
    "minItems": 2,
    "maxItems": 2,
}
_CONCORDANCE_SUMMARY = {
    "term_zh": {"type": "string", "description": "the term as the reference standard prints it"},
    "term_en": {"type": "string"},
    "terms_zh": {"type": "array", "items": {"type": "string"}, "description": "every spelling"},
    "terms_en": {"type": "array", "items": {"type": "string"}},
    "standards": {"type": "integer", "description": "standards defining the term"},
    "std_nos": {"type": "array", "items": {"type": "string"}},
    "definitions": {"type": "integer"},
    "variants": {
        "type": "integer",
        "description": "distinct definitions, ignoring whitespace, punctuation and width",
    },
    "differ": {"type": "boolean", "description": "定义不一致: the standards' definitions differ"},
}
CONCORDANCE_ENTRY = {
    "type": "object",
    "required": [
        "std_no",
        "status",
        "clause_no",
        "term_zh",
        "term_en",
        "definition",
        "variant",
        "reference",
        "same_as_reference",
        "similarity",
        "segments",
    ],
    "properties": {
        "std_no": {"type": "string"},
        "title_zh": {"type": "string"},
        "status": HIT["properties"]["status"],
        "issued": {"type": "string"},
        "clause_no": {"type": "string"},
        "term_zh": {"type": "string"},
        "term_en": {"type": "string"},
        "definition": {"type": "string"},
        "variant": {"type": "string", "example": "A", "description": "A is the reference's"},
        "reference": {
            "type": "boolean",
            "description": "the definition the others are read against",
        },
        "same_as_reference": {"type": "boolean"},
        "similarity": {"type": "number", "minimum": 0, "maximum": 1},
        "segments": {
            "type": "array",
            "items": _SEGMENT,
            "description": "the definition against the reference's: delete = only the reference says it",
        },
    },
}
CONCORDANCE_GROUP = {
    "type": "object",
    "required": list(_CONCORDANCE_SUMMARY),
    "properties": {
        **_CONCORDANCE_SUMMARY,
        "reference": {
            "type": "object",
            "properties": {"std_no": {"type": "string"}, "clause_no": {"type": "string"}},
            "description": "with q only: the most recent current standard's definition",
        },
        "entries": {"type": "array", "items": CONCORDANCE_ENTRY, "description": "with q only"},
    },
}
CONCORDANCE = {
    "type": "object",
    "required": ["query", "page", "per_page", "pages", "total", "groups"],
    "properties": {
        "query": {"type": "string"},
        "page": {"type": "integer"},
        "per_page": {"type": "integer"},
        "pages": {"type": "integer"},
        "total": {"type": "integer", "description": "groups found (or listed)"},
        "stats": {
            "type": "object",
            "properties": {
                "terms": {"type": "integer", "description": "definitions in the library"},
                "groups": {"type": "integer", "description": "distinct terms"},
                "shared": {"type": "integer", "description": "terms defined in ≥ 2 standards"},
                "differ": {
                    "type": "integer",
                    "description": "of those, with differing definitions",
                },
            },
        },
        "groups": {"type": "array", "items": CONCORDANCE_GROUP},
        "error": {"type": "string"},
    },
}
_CONCORDANCE_PARAMS = [
    _param("q", "a Chinese or English term; without it, terms defined in several standards"),
    _param("page", "1-based page (50 terms, or 10 groups with q)"),
]
_CONCORDANCE_ERRORS = {"400": _json(CONCORDANCE, "query too long or a bad page")}
SPEC["paths"].update(
    {
        "/api/terms/concordance": {
            "get": {
                "summary": "One term's definitions across standards, differences marked",
                "parameters": _CONCORDANCE_PARAMS,
                "responses": {"200": _json(CONCORDANCE), **_CONCORDANCE_ERRORS},
            }
        },
        "/terms/concordance": {
            "get": {
                "summary": "The term concordance page; its JSON twin with format=json",
                "parameters": [*_CONCORDANCE_PARAMS, _param("format", "json for the JSON twin")],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "text/html": {"schema": {"type": "string"}},
                            "application/json": {"schema": CONCORDANCE},
                        },
                    },
                    "400": {
                        "description": "query too long or a bad page",
                        "content": {
                            "text/html": {"schema": {"type": "string"}},
                            "application/json": {"schema": CONCORDANCE},
                        },
                    },
                },
            }
        },
    }
)

# -- citation health: /reports/citations --------------------------------------------

_EDITION = {
    "type": ["object", "null"],
    "required": ["std_no", "title_zh", "status", "since", "in_library"],
    "properties": {
        "std_no": {"type": "string", "example": "JT/T 808-2019"},
        "title_zh": {"type": "string", "description": "empty when the library lacks it"},
        "status": {"type": "string"},
        "since": {"type": "string", "description": "its effective (else issue) date"},
        "in_library": {"type": "boolean"},
    },
}
_OUTDATED_REFERENCE = {
    "type": "object",
    "required": [
        "cited",
        "title",
        "clauses",
        "dated",
        "resolved",
        "resolved_in_library",
        "status",
        "outdated",
        "replaced_by",
        "current",
        "since",
    ],
    "properties": {
        "cited": {"type": "string", "example": "JT/T 808-2011"},
        "title": {"type": "string", "description": "the title printed in the reference list"},
        "clauses": {
            "type": "array",
            "items": {"type": "string"},
            "description": "where it is cited: the normative-references chapter, then body clauses",
        },
        "dated": {"type": "boolean"},
        "resolved": {
            "type": ["string", "null"],
            "description": "the edition meant: the cited one, or for an undated reference the "
            "latest edition the library knows",
        },
        "resolved_in_library": {"type": "boolean"},
        "status": {"type": "string", "enum": ["被代替", "废止"]},
        "outdated": {"type": "boolean"},
        "replaced_by": _EDITION,
        "current": {**_EDITION, "description": "where a chain of successors ends, if further"},
        "since": {"type": "string", "description": "since when the edition is outdated"},
    },
}
CITATION_REPORT = {
    "type": "object",
    "required": ["summary", "filters", "sort", "facets", "standards"],
    "properties": {
        "summary": {
            "type": ["object", "null"],
            "properties": {
                key: {"type": "integer"}
                for key in (
                    "current_standards",
                    "references",
                    "citing_standards",
                    "outdated_references",
                )
            },
        },
        "filters": {"type": "object", "additionalProperties": {"type": "string"}},
        "sort": {"type": "string", "enum": ["std_no", "outdated", "issued"]},
        "facets": {
            "type": "object",
            "description": "current standards per level, region and kind value",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": {"type": "integer"},
            },
        },
        "standards": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["std_no", "title_zh", "status", "outdated_count", "references"],
                "properties": {
                    **{
                        key: {"type": "string"}
                        for key in (
                            "std_no",
                            "title_zh",
                            "status",
                            "level",
                            "region",
                            "kind",
                            "issued",
                        )
                    },
                    "outdated_count": {"type": "integer"},
                    "references": {"type": "array", "items": _OUTDATED_REFERENCE},
                },
            },
        },
    },
}
SPEC["paths"]["/reports/citations"] = {
    "get": {
        "summary": "Citation health: current standards whose normative references cite "
        "replaced or withdrawn editions (a dated reference: that edition; an undated one: "
        "its latest edition)",
        "parameters": [
            _param("format", "json for this JSON object, csv for one row per outdated reference"),
            _param("level", "national / industry / local / group / enterprise"),
            _param("region", "province for local standards, e.g. 广东"),
            _param("kind", "mandatory / recommended / guidance"),
            _param("sort", "std_no (default), outdated (most first) or issued (newest first)"),
        ],
        "responses": {
            "200": {
                "description": "the report",
                "content": {
                    "application/json": {"schema": CITATION_REPORT},
                    "text/csv": {"schema": {"type": "string"}},
                    "text/html": {"schema": {"type": "string"}},
                },
            },
            "400": {
                "description": "a filter value not understood",
                "content": {
                    "application/json": {"schema": ERROR},
                    "text/html": {"schema": {"type": "string"}},
                },
            },
        },
    }
}
# A standard's references carry what they resolve to (keys added to the parsed ones).
_REFERENCE = {
    "type": "object",
    "required": ["std_no", "title", "dated", "resolved", "outdated", "resolution"],
    "properties": {
        "std_no": {"type": "string", "example": "GB/T 191"},
        "title": {"type": "string"},
        "dated": {"type": "boolean"},
        "resolved": {
            "type": ["string", "null"],
            "description": "the edition meant (undated: the latest the library knows), e.g. "
            "GB/T 191-2008; null when the library knows no edition of it",
        },
        "outdated": {
            "type": "boolean",
            "description": "the edition meant is replaced or withdrawn (undated: every edition is)",
        },
        "resolution": {
            "type": "object",
            "properties": {
                "resolved_in_library": {"type": "boolean"},
                "status": {"type": "string"},
                "since": {"type": "string"},
                "replaced_by": _EDITION,
                "current": _EDITION,
            },
        },
    },
}
SPEC["paths"]["/api/standards/{std_no}"]["get"]["responses"]["200"] = _json(
    {
        **STANDARD,
        "properties": {
            **STANDARD["properties"],
            "references": {"type": "array", "items": _REFERENCE},
        },
    }
)


# The front door and browsing: `/`, `/browse`, `/browse/{kind}` and the list `/std`.
_BRIEF = {
    "type": "object",
    "required": ["std_no", "title_zh", "status", "level", "kind", "region", "issued", "effective"],
    "properties": {
        key: {"type": "string"}
        for key in (
            "std_no",
            "title_zh",
            "status",
            "level",
            "kind",
            "region",
            "issued",
            "effective",
        )
    },
}
_COUNTS = {"type": "object", "additionalProperties": {"type": "integer"}}
LIBRARY_OVERVIEW = {
    "type": "object",
    "required": ["total", "today", "counts", "recently_added", "upcoming", "recently_ended"],
    "properties": {
        "total": {"type": "integer"},
        "today": {"type": "string", "format": "date"},
        "counts": {
            "type": "object",
            "description": 'standards by value; "" counts those without one (e.g. not local)',
            "properties": {name: _COUNTS for name in ("level", "kind", "status", "region")},
        },
        "recently_added": {
            "type": "array",
            "items": {
                **_BRIEF,
                "properties": {**_BRIEF["properties"], "ingested_at": {"type": "string"}},
            },
        },
        "upcoming": {
            "type": "array",
            "description": "implementation date in the next 90 days, soonest first",
            "items": _BRIEF,
        },
        "recently_ended": {
            "type": "array",
            "description": "被代替 and 废止, newest first, with the date they ended (withdrawal"
            " date, else the successor's implementation date, else the last status change)",
            "items": {
                **_BRIEF,
                "properties": {**_BRIEF["properties"], "since": {"type": "string"}},
            },
        },
    },
}
BROWSE_NODE = {
    "type": "object",
    "required": ["key", "count", "filter", "children"],
    "properties": {
        "key": {"type": "string", "example": "13.060"},
        "count": {"type": "integer"},
        "filter": {
            "type": "object",
            "description": "the /std query parameters that list this node's standards",
            "additionalProperties": {"type": "string"},
            "example": {"ics": "13.060"},
        },
        "children": {"type": "array", "items": {"$ref": "#/components/schemas/BrowseNode"}},
        "name_zh": {"type": "string", "example": "水质"},
        "name_en": {"type": "string", "example": "Water quality"},
        "name": {"type": "string", "description": "the value itself (level, region, body, year)"},
        "prefix": {"type": "string", "description": "regions: the local prefix, e.g. DB44"},
    },
}
BROWSE_TREE = {
    "type": "object",
    "required": ["kind", "total", "unclassified", "nodes"],
    "properties": {
        "kind": {"enum": ["ics", "ccs", "region", "level", "body", "year", "adoption"]},
        "total": {"type": "integer", "description": "standards in the library"},
        "unclassified": {"type": "integer", "description": "standards without a value"},
        "nodes": {"type": "array", "items": BROWSE_NODE},
        "kinds": {
            "type": "array",
            "items": BROWSE_NODE,
            "description": "level only: the standards by kind across levels",
        },
    },
}
STANDARD_LIST = {
    "type": "object",
    "required": ["total", "page", "per_page", "pages", "sort", "order", "filters", "items"],
    "properties": {
        "total": {"type": "integer"},
        "page": {"type": "integer"},
        "per_page": {"type": "integer"},
        "pages": {"type": "integer"},
        "sort": {"enum": ["number", "title", "date", "status"]},
        "order": {"enum": ["asc", "desc"]},
        "filters": {
            "type": "object",
            "description": "the filters as normalised (region DB44 → 广东), values joined by commas",
            "additionalProperties": {"type": "string"},
        },
        "items": {
            "type": "array",
            "description": "the catalogue's metadata, the keys of `stdsearch list --json`",
            "items": STANDARD,
        },
    },
}
_LIST_PARAMS = [
    *FILTER_PARAMS,
    _param("prefix", "standard prefix, e.g. GB/T"),
    _param("std", "a standard number in any spelling"),
    _param("adopts", "a body (ISO, IEC …) or an adopted international number, e.g. ISO 690"),
    _param("degree", "degree of correspondence: IDT / MOD / NEQ"),
    _param("age", "age since implementation in years: >5, <3, 3-10"),
    _param("review", "due: in force for longer than the review age (复审到期)"),
    _param("ccs", "CCS class letter or code, e.g. Z or Z60"),
    _param("body", "issuing body, e.g. 生态环境部"),
    _param("sort", "number (default), title, date or status"),
    _param("order", "asc (default) or desc"),
    _param("page", "page number, from 1"),
    _param("per_page", "standards a page (default 50, at most 200)"),
    _param("format", "json or csv (UTF-8 with a byte-order mark); HTML without"),
]
SPEC.setdefault("components", {}).setdefault("schemas", {})["BrowseNode"] = BROWSE_NODE
SPEC["paths"].update(
    {
        "/": {
            "get": {
                "summary": "The home page: the library counted by level, kind, status and"
                " region; recently added, coming into force within 90 days, recently withdrawn"
                " or superseded (?format=json). With q or a filter it is the search page.",
                "parameters": [_param("format", "json for this JSON; HTML without")],
                "responses": {"200": _json(LIBRARY_OVERVIEW)},
            }
        },
        "/browse": {
            "get": {
                "summary": "The ways to browse the library (?format=json)",
                "parameters": [_param("format", "json for this JSON; HTML without")],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "total": {"type": "integer"},
                                "trees": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "kind": {"type": "string"},
                                            "url": {"type": "string"},
                                        },
                                    },
                                },
                            },
                        }
                    )
                },
            }
        },
        "/browse/{kind}": {
            "get": {
                "summary": "A classification tree with counts: ICS fields and groups, CCS"
                " classes and codes, regions (DB prefixes), levels and kinds, issuing bodies,"
                " years (?format=json)",
                "parameters": [
                    {
                        "name": "kind",
                        "in": "path",
                        "required": True,
                        "schema": {
                            "enum": ["ics", "ccs", "region", "level", "body", "year", "adoption"]
                        },
                    },
                    _param("format", "json for this JSON; HTML without"),
                ],
                "responses": {
                    "200": _json(BROWSE_TREE),
                    "404": _json(ERROR, "no such way to browse"),
                },
            }
        },
        "/std": {
            "get": {
                "summary": "The library's standards with the search's filters, sorted and in"
                " pages (?format=json), or all of them that match as CSV (?format=csv)",
                "parameters": _LIST_PARAMS,
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/json": {"schema": STANDARD_LIST},
                            "text/csv": {"schema": {"type": "string"}},
                        },
                    },
                    "400": _json(ERROR, "a filter value or page number that cannot be used"),
                },
            }
        },
    }
)


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
                # A form's text fields are text whatever is typed: no type to violate.
                "numbers": {"description": "one number a line, any spelling"},
                "file": {
                    "type": "string",
                    "format": "binary",
                    "description": ".txt (a number a line) or .csv (column 标准号/number, else"
                    " the first)",
                },
                "format": {
                    "description": "json, csv or xlsx; anything else answers the page (html)",
                },
                "csrf_token": {"description": "the form's token (not needed with a bearer token)"},
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


# --- Connecting platforms: the change export and the sync page ------------------------------
CHANGE_LINE = {
    "type": "object",
    "description": "one change of the change log (one JSON line); `stdsearch sync` refuses a"
    " page with other keys or types",
    "required": ["id", "at", "std_no", "sha256", "kind", "field", "old", "new", "source"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "integer", "description": "rises with every change: the cursor"},
        "at": {"type": "string", "description": "ISO time of the change"},
        "std_no": {"type": "string"},
        "sha256": {"type": "string"},
        "kind": {
            "type": "string",
            "enum": [
                "new_standard",
                "new_edition",
                "status_change",
                "replaced",
                "withdrawn",
                "correction",
            ],
        },
        "field": {"type": "string", "description": 'the corrected field, or ""'},
        "old": {"type": "string", "description": "lists joined with `; `"},
        "new": {"type": "string"},
        "source": {
            "type": "string",
            "description": "a librarian's name, ingest, calendar, or the URL of a followed"
            " platform",
        },
    },
}
CHANGE_END = {
    "type": "object",
    "description": "the last line of every page: `next` is the `after` of the next page, or"
    " null when there is nothing more; a page without it was cut short",
    "required": ["next"],
    "additionalProperties": False,
    "properties": {"next": {"type": ["integer", "null"]}},
}
SYNC_PAGE = {
    "type": "object",
    "required": ["sources", "conflicts", "candidates"],
    "properties": {
        "sources": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["url", "cursor", "synced_at", "applied"],
                "properties": {
                    "url": {"type": "string"},
                    "cursor": {"type": "integer", "description": "last change id applied"},
                    "synced_at": {"type": "string"},
                    "applied": {"type": "integer"},
                },
            },
        },
        "conflicts": {
            "type": "array",
            "description": "synced values a local librarian's decision kept out, newest first",
            "items": {
                "type": "object",
                "required": [
                    "id",
                    "source",
                    "change_id",
                    "sha256",
                    "std_no",
                    "field",
                    "local_value",
                    "local_source",
                    "remote_value",
                    "remote_source",
                    "at",
                ],
                "properties": {
                    "id": {"type": "integer"},
                    "source": {"type": "string", "description": "the followed platform's URL"},
                    "change_id": {"type": "integer", "description": "the change's id there"},
                    "sha256": {"type": "string"},
                    "std_no": {"type": "string"},
                    "field": {"type": "string"},
                    "local_value": {"type": ["string", "array"], "items": {"type": "string"}},
                    "local_source": {"type": "string", "description": "the local librarian"},
                    "remote_value": {"type": ["string", "array"], "items": {"type": "string"}},
                    "remote_source": {"type": "string", "description": "who made it there"},
                    "at": {"type": "string"},
                },
            },
        },
        "candidates": {
            "type": "array",
            "description": "standards a followed platform holds and this library lacks",
            "items": {
                "type": "object",
                "required": ["source", "std_no", "seen_at", "change_id"],
                "properties": {
                    "source": {"type": "string"},
                    "std_no": {"type": "string"},
                    "seen_at": {"type": "string"},
                    "change_id": {"type": "integer"},
                },
            },
        },
    },
}
SPEC["paths"]["/api/export/changes.jsonl"] = {
    "get": {
        "summary": "The change log as JSON lines, oldest first, a page at a time (what"
        " `stdsearch sync` follows)",
        "parameters": [
            {
                "name": "after",
                "in": "query",
                "required": False,
                "description": "changes after this id (default 0: from the start)",
                "schema": {"type": "integer", "minimum": 0, "maximum": 2**62},
            },
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "description": "changes in the page (default 500)",
                "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
            },
        ],
        "responses": {
            "200": {
                "description": "one change a line (ChangeLine), then the end line (ChangeEnd)",
                "headers": {
                    "X-Next-After": {
                        "description": "the `after` of the next page; absent on the last",
                        "schema": {"type": "integer"},
                    }
                },
                "content": {
                    "application/x-ndjson": {
                        "schema": {"oneOf": [CHANGE_LINE, CHANGE_END]},
                    }
                },
            },
            "400": _json(ERROR, "after or limit not a whole number in range"),
        },
    }
}
SPEC["paths"]["/admin/sync"] = {
    "get": {
        "summary": "Followed platforms, conflicts with local decisions (both values and their"
        " sources) and acquisition candidates (librarians: session or token)",
        "parameters": [FORMAT_PARAM],
        "responses": {
            "200": {
                "description": "the page",
                "content": {
                    "application/json": {"schema": SYNC_PAGE},
                    "text/html": {"schema": {"type": "string"}},
                },
            },
            "302": {"description": "a page request without sign-in: to the sign-in form"},
            "401": _json(ERROR, "?format=json (or an API token) without a valid session or token"),
        },
    }
}

# -- bulk export (open data) and metadata-only records ---------------------------------------
_TEXT_HELD = {
    "type": "boolean",
    "description": "false for a metadata-only record (未收录全文): imported from another "
    "catalogue, the library holds neither its PDF nor its clauses",
}
STANDARD["properties"]["text_held"] = _TEXT_HELD
CHECK_ROW["properties"]["text_held"] = _TEXT_HELD
EXPORT_RECORD = {
    "type": "object",
    "description": "one standard: the keys of `stdsearch list --json` (all of them, defaults "
    "for fields a parse predates), plus text_held, status_history, editions and references. "
    "Metadata only: never the text.",
    "required": ["std_no", "sha256", "text_held", "status_history", "editions", "references"],
    "properties": {
        **STANDARD["properties"],
        "status_history": {
            "type": "array",
            "description": "status events, oldest first (change log and audit log)",
            "items": {
                "type": "object",
                "properties": {
                    k: {"type": "string"} for k in ("at", "kind", "field", "old", "new", "source")
                },
            },
        },
        "editions": {
            "type": "array",
            "items": {"type": "string"},
            "description": "the other editions of its family the library knows",
        },
        "references": {
            "type": "array",
            "items": {"type": "string"},
            "description": "its normative references (numbers as cited)",
        },
    },
}
_STREAMED = (
    "Streamed (chunked transfer): records leave as they are read from the catalogue, a "
    "batch at a time, so a large library starts arriving at once."
)
SPEC["paths"].update(
    {
        "/api/export/catalogue.jsonl": {
            "get": {
                "summary": "The whole catalogue as JSON Lines, one record per standard",
                "description": _STREAMED,
                "responses": {
                    "200": {
                        "description": "one JSON object (ExportRecord) a line, ordered by number",
                        "content": {"application/x-ndjson": {"schema": EXPORT_RECORD}},
                    }
                },
            }
        },
        "/api/export/catalogue.csv": {
            "get": {
                "summary": "The whole catalogue as CSV, one row per standard",
                "description": _STREAMED + " Lists are joined with '; ', nested values are JSON.",
                "responses": {
                    "200": {
                        "description": "a header row, then one row per standard",
                        "content": {"text/csv": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
        "/api/export/fulltext.jsonl": {
            "get": {
                "summary": "Clauses, tables, terms and references of every standard held",
                "description": "For signed-in librarians (session or API token) only: many "
                "standards are copyrighted even where reading them is free. " + _STREAMED,
                "responses": {
                    "200": {
                        "description": "one JSON object a line: std_no, sha256, clauses, terms, "
                        "references",
                        "content": {
                            "application/x-ndjson": {
                                "schema": {
                                    "type": "object",
                                    "required": ["std_no", "sha256", "clauses", "terms"],
                                    "properties": {
                                        "std_no": {"type": "string"},
                                        "sha256": {"type": "string"},
                                        "clauses": {"type": "array", "items": {"type": "object"}},
                                        "terms": {"type": "array", "items": {"type": "object"}},
                                        "references": {
                                            "type": "array",
                                            "items": {"type": "object"},
                                        },
                                    },
                                }
                            }
                        },
                    },
                    "401": _json(ERROR, "no valid librarian session or API token"),
                },
            }
        },
    }
)
SPEC.setdefault("components", {}).setdefault("schemas", {})["ExportRecord"] = EXPORT_RECORD
SPEC["paths"]["/api/standards/{std_no}"]["get"]["responses"]["200"]["content"]["application/json"][
    "schema"
]["properties"]["text_held"] = _TEXT_HELD

# --- API contract: versions, the error schema, limits, parameters, links ----------------
# `finished()` is what /api/openapi.json serves: the paths above (and any added after
# them), with the parts every operation shares filled in, so they stay exact as paths are
# added. The document's version is the package's; keys are only ever added (README).

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "status", "detail"],
    "properties": {
        "error": {"type": "string", "description": "what went wrong, in English"},
        "status": {"type": "integer", "description": "the HTTP status code again"},
        "detail": {"type": "string", "description": "what to do next, or the reason phrase"},
    },
    "description": "Every 4xx/5xx answered in JSON. Some answers add keys (the search's "
    "filters, a compare's two sides, `errors` per field of an edit).",
}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "seconds to wait before trying again",
        "schema": {"type": "integer", "minimum": 1},
    }
}
_RATE_HEADERS = {
    name: {"description": description, "schema": {"type": "integer"}}
    for name, description in (
        ("X-RateLimit-Limit", "requests allowed in the current window"),
        ("X-RateLimit-Remaining", "requests left in the current window"),
        ("X-RateLimit-Reset", "when the window ends, in seconds since the epoch"),
    )
}
_MAX_QUERY = 500  # MAX_QUERY_LENGTH of the app's config
_FORMAT_JSON = {
    "name": "format",
    "in": "query",
    "required": False,
    "description": "json for JSON (as a token or Accept: application/json does); other "
    "values: the page",
    "schema": {"type": "string"},
}


def _string(**schema) -> dict:
    return {"type": "string", **schema}


def _query(name: str, description: str, schema: dict, required: bool = False) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }


def _filter_params() -> list[dict]:
    """The search filters with the values the query parser takes (canonical spellings;
    the parser also takes aliases, several values joined by commas, and any case)."""
    from analyzers.regions import PROVINCES
    from search_app.search.query import (
        DEGREE_VALUES,
        KIND_VALUES,
        LEVEL_VALUES,
        STATUS_VALUES,
    )

    def region_names() -> list[str]:
        return ["", *sorted(set(PROVINCES.values()))]

    def canonical(table: dict) -> list[str]:
        return ["", *sorted(set(table.values()))]

    # An empty filter is no filter.
    year = r"^$|^(19|20)\d{2}(-((19|20)\d{2})?)?$|^-(19|20)\d{2}$"
    ics = r"^(\d{2}(\.\d{3}(\.\d{2})?)?)?$"
    adopts = r"^$|^ *[A-Za-z0-9][A-Za-z0-9/.: -]*$"
    return [
        _query("status", "现行 / 即将实施 / 被代替 / 废止", _string(enum=canonical(STATUS_VALUES))),
        _query("level", "level of the standard", _string(enum=canonical(LEVEL_VALUES))),
        _query("kind", "mandatory / recommended / guidance", _string(enum=canonical(KIND_VALUES))),
        _query("region", "province of local standards, e.g. 广东", _string(enum=region_names())),
        _query("ics", "ICS code prefix, e.g. 13.060", _string(pattern=ics)),
        _query("year", "year or range, e.g. 2015-2020", _string(pattern=year)),
        _query(
            "adopts",
            "an international standard adopted, e.g. ISO 9001",
            _string(pattern=adopts, maxLength=_MAX_QUERY),
        ),
        _query("degree", "degree of adoption", _string(enum=canonical(DEGREE_VALUES))),
    ]


# What `indexer.library.review.normalize_age` takes: a bound or a range of whole years,
# with blanks, ≥/≤, 至/到/~ and a trailing 年 allowed.
_YEARS = r"\d(?: *\d){0,2}"
_AGE_PATTERN = (
    rf"^\s*$|^\s*(?:(?:> *=?|< *=?|≥|≤) *{_YEARS}|{_YEARS} *(?:[-~至到] *{_YEARS})?) *年?\s*$"
)
# What `search_app.search.browse.parse_filters` takes: CCS class letters (Z) or codes (Z60, Z 60),
# several joined by commas or bars.
_CCS_VALUE = r" *[A-Za-z] *(?:\d *\d *)?"
_CCS_PATTERN = rf"^\s*$|^\s*(?:\s*[,，|])*{_CCS_VALUE}(?:[,，|](?:{_CCS_VALUE}|\s*))*\s*$"


def _exact_parameters(spec: dict) -> None:
    """Parameters the server checks, with the constraints it checks."""
    from search_app.search.query import REVIEW_VALUES
    from search_app.search.searching import MAX_OFFSET

    max_page = MAX_OFFSET // 100 + 1  # MAX_PAGE of the search view

    paths = spec["paths"]
    search = paths["/api/search"]["get"]
    search["parameters"] = [
        _query(
            "q",
            "a standard number, title words or a question; empty with no filter: no hits",
            _string(maxLength=_MAX_QUERY),
        ),
        _query("limit", "hits per page (clamped to 1-100, default 10)", {"type": "integer"}),
        _query(
            "page", "1-based page (below 1 counts as 1)", {"type": "integer", "maximum": max_page}
        ),
        *_filter_params(),
    ]
    paths["/api/terms"]["get"]["parameters"] = [
        _query(
            "q", "a Chinese or English term; empty: no definitions", _string(maxLength=_MAX_QUERY)
        )
    ]
    ref = _string(minLength=1, maxLength=200, pattern=r"\S")
    paths["/api/compare"]["get"]["parameters"] = [
        _query("a", "<std_no> or <std_no>/<clause_no>", ref, required=True),
        _query("b", "<std_no> or <std_no>/<clause_no>", ref, required=True),
    ]
    compare = paths["/api/compare"]["get"]["responses"]
    compare["400"] = _json(_ERROR_REF, "a reference is blank, too long, or a standard and a clause")
    compare["404"] = _json(_ERROR_REF, "no such standard or clause in the library")
    concordance = paths["/api/terms/concordance"]["get"]
    concordance["parameters"] = [
        _query(
            "q",
            "a term; without it, terms defined in several standards",
            _string(maxLength=_MAX_QUERY),
        ),
        _query("page", "1-based page", {"type": "integer", "minimum": 1, "maximum": 99_999}),
    ]
    concordance["responses"]["404"] = _json(_ERROR_REF, "a page past the last one")
    edit = paths["/api/standards/{std_no}"]["post"]
    edit["requestBody"]["required"] = True
    body = edit["requestBody"]["content"]["application/json"]["schema"]
    body["additionalProperties"] = False
    text, texts = {"type": "string"}, {"type": "array", "items": {"type": "string"}}
    body["properties"] = {
        **{k: text for k in ("std_no", "title_zh", "title_en", "issued", "effective")},
        "status": _string(enum=["", "现行", "即将实施", "被代替", "废止"]),
        **{k: text for k in ("withdrawn", "replaced_by", "adopts", "ccs", "notes")},
        "replaces": texts,
        "ics": texts,
    }
    edit["responses"]["404"] = _json(_ERROR_REF, "not in the library")
    delete = paths["/api/standards/{std_no}"]["delete"]["responses"]
    delete["400"] = _json(_ERROR_REF, "the standard cannot be deleted as asked")
    upload = paths["/admin/upload"]["post"]
    upload["requestBody"]["required"] = True
    form = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    form["required"] = ["file"]
    form["properties"]["file"]["minItems"] = 1
    upload["responses"]["400"] = _json(_ERROR_REF, "no file in the form (an empty upload)")
    refused = {"allOf": [_ERROR_REF, UPLOAD_BATCH]}
    upload["responses"]["422"] = _json(refused, "every file was refused, each with its reason")
    # The upload page's JSON twin: its limits and the recent batches.
    paths["/admin/upload"]["get"] = {
        "summary": "Upload limits and recent batches (librarian token); without one, a person "
        "is shown the sign-in form",
        "parameters": [_FORMAT_JSON],
        "security": [{}, {"token": []}],
        "responses": {
            "200": _json({"type": "object", "required": ["limits", "batches"]}),
            "401": _json(_ERROR_REF, "format=json without a valid token"),
        },
    }
    batch = paths["/admin/upload/{batch}"]["get"]
    batch["parameters"] = [
        {**_param("batch", "the batch id the upload answered", where="path")},
        _FORMAT_JSON,
    ]
    batch["responses"]["200"] = {
        "description": "the batch: JSON with format=json or a token, else the page",
        "content": {
            "application/json": {"schema": UPLOAD_BATCH},
            "text/html": {"schema": {"type": "string"}},
        },
    }
    # Pages and feeds that take the search's filters, with the same constraints.
    filters = {p["name"]: p for p in _filter_params()}
    filters["age"] = _query(
        "age", "age since implementation in years: >5, <3, 3-10", _string(pattern=_AGE_PATTERN)
    )
    filters["review"] = _query(
        "review",
        "due: in force for longer than the review age (复审到期)",
        _string(enum=["", *REVIEW_VALUES]),
    )
    filters["ccs"] = _query(
        "ccs", "CCS class letters or codes, e.g. Z or Z60", _string(pattern=_CCS_PATTERN)
    )
    for path in ("/feeds/changes.atom", "/std", "/reports/citations"):
        operation = paths.get(path, {}).get("get")
        if operation:
            operation["parameters"] = [
                filters.get(p["name"], p) if p.get("in") == "query" else p
                for p in operation["parameters"]
            ]
    if "/reports/citations" in paths:
        from search_app.search.citations import SORTS

        report = paths["/reports/citations"]["get"]
        report["parameters"] = [
            {**p, "schema": _string(enum=["", *SORTS])} if p["name"] == "sort" else p
            for p in report["parameters"]
        ]
    if "/std" in paths:
        # The list takes a filter of any length, and whole numbers for its pages (clamped).
        whole = {"type": "integer", "description": "clamped to the pages there are"}
        listing = paths["/std"]["get"]
        listing["parameters"] = [
            {**p, "schema": {**p["schema"], "maxLength": None}}
            if p["name"] == "adopts"
            else {**p, "schema": whole}
            if p["name"] in ("page", "per_page")
            else p
            for p in listing["parameters"]
        ]
        for p in listing["parameters"]:
            if p["name"] == "adopts":
                del p["schema"]["maxLength"]
    if "/terms/concordance" in paths:
        page = paths["/terms/concordance"]["get"]
        page["parameters"] = [*concordance["parameters"], _param("format", "json for JSON")]
        page["responses"]["404"] = _json(_ERROR_REF, "a page past the last one")
    check = paths["/api/check"]["post"]
    check["requestBody"]["required"] = True
    numbers = check["requestBody"]["content"]["application/json"]["schema"]["properties"]
    numbers["numbers"]["items"] = {"type": ["string", "integer"], "description": "one number"}
    # Librarian pages: without a token or session a person is shown the sign-in form (200).
    sign_in = "the sign-in form: no token and no signed-in session"
    for path, method in (("/admin/upload", "post"), ("/admin/upload/{batch}", "get")):
        operation = paths[path][method]
        operation["security"] = [{}, {"token": []}]
        answers = operation["responses"]
        if "200" in answers:
            answers["200"]["description"] += "; or " + sign_in
            answers["200"]["content"]["text/html"] = {"schema": {"type": "string"}}
        else:
            answers["200"] = {
                "description": sign_in,
                "content": {"text/html": {"schema": {"type": "string"}}},
            }


def _examples(spec: dict) -> None:
    """Examples from the bundled sample standards (corpus/samples): a client trying the
    document on a fresh install reaches real records."""
    paths = spec["paths"]
    sample = "T/STDS 001-2026"
    for path in ("/api/standards/{std_no}", "/api/standards/{std_no}/clauses/{clause_no}"):
        for operation in paths[path].values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "std_no":
                    parameter["example"] = sample
                elif parameter["name"] == "clause_no":
                    parameter["example"] = "3.1"
    for parameter in paths["/api/search"]["get"]["parameters"]:
        if parameter["name"] == "q":
            parameter["example"] = "术语"
    edit = paths["/api/standards/{std_no}"]["post"]["requestBody"]["content"]["application/json"]
    edit["example"] = {"notes": "checked against the printed edition"}


def _links(spec: dict) -> None:
    """Where a response names the next request: search hit → standard → clause."""
    paths = spec["paths"]
    paths["/api/search"]["get"]["operationId"] = "search"
    paths["/api/standards/{std_no}"]["get"]["operationId"] = "getStandard"
    paths["/api/standards/{std_no}/clauses/{clause_no}"]["get"]["operationId"] = "getClause"
    paths["/api/search"]["get"]["responses"]["200"]["links"] = {
        "HitStandard": {
            "operationId": "getStandard",
            "parameters": {"std_no": "$response.body#/hits/0/std_no"},
        },
        "HitClause": {
            "operationId": "getClause",
            "parameters": {
                "std_no": "$response.body#/hits/0/std_no",
                "clause_no": "$response.body#/hits/0/clause_no",
            },
        },
    }
    paths["/api/standards/{std_no}"]["get"]["responses"]["200"]["links"] = {
        "FirstClause": {
            "operationId": "getClause",
            "parameters": {
                "std_no": "$response.body#/std_no",
                "clause_no": "$response.body#/clauses/0/clause_no",
            },
        }
    }


def _is_old_error(schema: dict) -> bool:
    return schema is ERROR or schema == ERROR


def _shared_answers(spec: dict) -> None:
    """The error schema everywhere; 429 and 503 with Retry-After; bearer tokens."""
    for path, operations in spec["paths"].items():
        api = path.startswith(("/api/", "/admin/upload"))
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, response in responses.items():
                media = response.get("content", {}).get("application/json")
                if not media or code[0] not in "45":
                    continue
                if _is_old_error(media["schema"]):
                    media["schema"] = _ERROR_REF
                elif media["schema"] != _ERROR_REF and "allOf" not in media["schema"]:
                    media["schema"] = {"allOf": [_ERROR_REF, media["schema"]]}
            if operation.get("parameters"):
                responses["414"] = {
                    "description": "a request line over the server's limit (`stdsearch serve`: "
                    "8190 bytes), answered by the server before the application",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                }
            if not api:
                _pages_answer_html(operation)
                continue
            if path.startswith("/admin/"):
                # People get the page (or the sign-in form); scripts JSON.
                for response in responses.values():
                    if "application/json" in response.get("content", {}):
                        response["content"]["text/html"] = {"schema": {"type": "string"}}

            if "security" in operation:
                pass
            elif "401" in responses:
                operation["security"] = [{"token": []}]
            else:
                operation["security"] = [{}, {"readToken": []}]
            responses["429"] = {
                **_json(
                    _ERROR_REF,
                    "over the rate limit: anonymous clients per address, read tokens at a "
                    "higher limit",
                ),
                "headers": {**_RETRY_AFTER, **_RATE_HEADERS},
            }
            responses.setdefault(
                "503",
                _json(
                    _ERROR_REF,
                    "the library is busy (a reindex) or the search cluster does "
                    "not answer: nothing changed; retry after Retry-After seconds",
                ),
            )
            responses["503"]["headers"] = dict(_RETRY_AFTER)


def _pages_answer_html(operation: dict) -> None:
    """A page with a JSON twin answers HTML unless format=json (or a token) asks for JSON,
    errors included; its document says so beside the JSON."""
    twin = any(p.get("name") == "format" for p in operation.get("parameters", []))
    for code, response in operation.get("responses", {}).items():
        content = response.get("content")
        if content and "application/json" in content and (twin or code[0] in "45"):
            content.setdefault("text/html", {"schema": {"type": "string"}})


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("stdsearch")
    except PackageNotFoundError:
        return "0.1.0"


def finished() -> dict:
    """The document as served."""
    import copy

    spec = copy.deepcopy(SPEC)
    spec["info"]["version"] = _version()
    spec["info"]["description"] += (
        " Compatibility: within a major version, keys are only ever added; a key is removed "
        "only after a deprecation note in the README. Anonymous clients are rate-limited per "
        "address; read tokens (Authorization: Bearer, issued by a librarian) get a higher "
        "limit."
    )
    components = spec.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    components.setdefault("securitySchemes", {}).update(
        {
            "token": {"type": "http", "scheme": "bearer", "description": "a librarian's token"},
            "readToken": {
                "type": "http",
                "scheme": "bearer",
                "description": "a read token: the API at a higher rate limit",
            },
        }
    )
    _exact_parameters(spec)
    _examples(spec)
    _links(spec)
    _shared_answers(spec)
    return spec


# -- Tables: a standard's tables as header paths and rows of cells -------------------------

TABLE = {
    "type": "object",
    "required": [
        "table_no",
        "caption",
        "clause_no",
        "page_start",
        "page_end",
        "header",
        "rows",
        "units",
        "notes",
        "ocr",
        "text_only",
    ],
    "properties": {
        "table_no": {"type": "string", "description": "as printed: 1, A.2; '' without caption"},
        "caption": {"type": "string", "example": "基本控制项目最高允许排放浓度（日均值）"},
        "clause_no": {"type": "string", "description": "the clause the table is printed in"},
        "page_start": {"type": "integer"},
        "page_end": {"type": "integer", "description": "last page of a table continued (续表)"},
        "header": {
            "type": "array",
            "description": "one path per column: its header cells, top to bottom",
            "items": {"type": "array", "items": {"type": "string"}},
            "example": [["序号"], ["一级标准", "A标准"]],
        },
        "rows": {
            "type": "array",
            "description": "rows of cell strings aligned with header; a merged cell's text "
            "fills every position it covers",
            "items": {"type": "array", "items": {"type": "string"}},
        },
        "units": {"type": "string", "example": "mg/L"},
        "notes": {"type": "array", "items": {"type": "string"}},
        "ocr": {"type": "boolean", "description": "read from a scanned page"},
        "text_only": {
            "type": "boolean",
            "description": "no grid could be recovered: the table's text is its one cell",
        },
    },
}
_TABLES_RESPONSE = SPEC["paths"]["/api/standards/{std_no}"]["get"]["responses"]["200"]
_TABLES_SCHEMA = _TABLES_RESPONSE["content"]["application/json"]["schema"]
SPEC["paths"]["/api/standards/{std_no}"]["get"]["responses"]["200"] = _json(
    {
        **_TABLES_SCHEMA,
        "properties": {
            **_TABLES_SCHEMA["properties"],
            "tables": {"type": "array", "items": TABLE},
        },
    }
)
SPEC["paths"]["/std/{std_no}/tables/{number}.csv"] = {
    "get": {
        "summary": "One table of a standard as CSV: the header row joins each column's path "
        "with ' › ', then the rows",
        "parameters": [
            _param("std_no", "any spelling, e.g. GB 18918-2002", where="path"),
            {
                "name": "number",
                "in": "path",
                "required": True,
                "description": "the table's place among the standard's tables, from 1",
                "schema": {"type": "integer", "minimum": 1},
            },
        ],
        "responses": {
            "200": {
                "description": "the table, UTF-8 with a byte-order mark",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            },
            "404": {
                "description": "no such standard or table",
                "content": {
                    "application/json": {"schema": ERROR},
                    "text/html": {"schema": {"type": "string"}},
                },
            },
        },
    }
}
