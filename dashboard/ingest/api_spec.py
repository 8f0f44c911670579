"""The OpenAPI 3 description of the import API, served at ``/api/v1/openapi.json``.

Written for the developers of a scheduled sync, in English (like the command
line); the answers' messages and problems speak the request's
``Accept-Language``.
"""

from __future__ import annotations

IMPORTS_PATH = "/api/v1/imports"
SPEC_PATH = "/api/v1/openapi.json"

_PROBLEM = {
    "type": "object",
    "required": ["file", "row", "column", "reason", "severity"],
    "properties": {
        "file": {"type": "string", "description": "the file as it was sent, or (import)"},
        "row": {"type": ["integer", "null"],
                "description": "spreadsheet row (the header is row 1); null: the whole file"},
        "column": {"type": ["string", "null"],
                   "description": "the file's column header; null: the whole row or file"},
        "reason": {"type": "string", "description": "what is wrong, in the request's language"},
        "severity": {"type": "string", "enum": ["error", "warning"],
                     "description": "an error stops the import; a warning does not"},
    },
}

_RESULT = {
    "type": "object",
    "required": ["status", "message", "data_version", "rows", "mapping", "problems"],
    "properties": {
        "status": {"type": "string", "enum": ["imported", "unchanged", "refused", "stale"]},
        "message": {"type": "string", "description": "one sentence, in the request's language"},
        "data_version": {"type": ["integer", "null"],
                         "description": "the data version after the call (null: refused)"},
        "rows": {"type": "object", "additionalProperties": {"type": "integer"},
                 "description": "rows read per table (DATA_FORMAT.md)"},
        "mapping": {"type": "object", "description": "the profile applied (null: the "
                    "recognised mapping), each file's kind and column -> field, each stage's "
                    "status"},
        "problems": {"type": "array", "items": {"$ref": "#/components/schemas/Problem"}},
    },
}

_ERROR = {"type": "object", "required": ["error"],
          "properties": {"error": {"type": "string"}}}


def _answer(description: str, schema: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def openapi() -> dict:
    """The OpenAPI 3.1 document (plain data; the web layer sends it as JSON)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Territory Dashboard import API",
            "version": "1",
            "description": (
                "Scheduled syncs post CRM exports (CSV or XLSX) or DATA_FORMAT.md files. "
                "Every check of the upload page applies, all or nothing; posting the same "
                "content again changes nothing. Authenticate with a service account's token "
                "(`territory-dashboard service-account create NAME`)."),
        },
        "paths": {
            IMPORTS_PATH: {
                "post": {
                    "operationId": "importFiles",
                    "summary": "Import files through a mapping profile or the recognised mapping",
                    "security": [{"serviceAccount": []}],
                    "parameters": [{
                        "name": "Accept-Language", "in": "header", "required": False,
                        "schema": {"type": "string", "example": "fr"},
                        "description": "the language of the message and problems (en, fr)"}],
                    "requestBody": {"required": True, "content": {"multipart/form-data": {
                        "schema": {
                            "type": "object", "required": ["files"],
                            "properties": {
                                "files": {"type": "array",
                                          "items": {"type": "string", "format": "binary"},
                                          "description": "one or more CSV/XLSX files"},
                                "mapping": {"type": "string", "default": "auto",
                                            "description": "a saved mapping profile's name, "
                                            "or auto: the recognised mapping, applied only "
                                            "when every required field is recognised"},
                            }},
                        "encoding": {"files": {"style": "form", "explode": True}},
                    }}},
                    "responses": {
                        "201": _answer("imported: the data changed (a new data version)",
                                       "ImportResult"),
                        "200": _answer("unchanged: the files hold the data already stored; "
                                       "nothing was written", "ImportResult"),
                        "400": _answer("refused: every problem listed; nothing was written",
                                       "ImportResult"),
                        "401": _answer("no token, or a wrong or revoked one", "Error"),
                        "409": _answer("stale: another write landed while the files were "
                                       "checked; nothing was written, send them again",
                                       "ImportResult"),
                        "413": _answer("the request is larger than the limit", "Error"),
                        "429": _answer("too many bad tokens from this address; wait",
                                       "Error"),
                    },
                },
            },
            SPEC_PATH: {"get": {"operationId": "openapi", "summary": "This document",
                                "security": [],
                                "responses": {"200": {"description": "OpenAPI 3.1"}}}},
        },
        "components": {
            "securitySchemes": {"serviceAccount": {
                "type": "http", "scheme": "bearer",
                "description": "a service account's token; it may import and nothing else"}},
            "schemas": {"Problem": _PROBLEM, "ImportResult": _RESULT, "Error": _ERROR},
        },
    }
