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
    "prefixItems": [{"enum": ["equal", "delete", "insert"]}, {"type": "string"}],
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
