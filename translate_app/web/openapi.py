"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json and tested against the routes."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from ..core.segments import MAX_TRANSLATION_CHARS
from ..core.states import STATES

MAX_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL; larger ones cannot exist (404)

_NULLABLE_STRING = {"type": ["string", "null"]}
# Times are ISO 8601 in UTC, written without an offset by the database layer (not RFC 3339 "date-time").
_TIME = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", "description": "ISO 8601, UTC."}
_NULLABLE_TIME = dict(_TIME, type=["string", "null"])


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required or list(properties)}


_SCHEMAS: dict[str, Any] = {
    "EmbargoState": _object(
        {
            "release": {"type": "string"},
            "embargo": {
                "type": ["object", "null"],
                "properties": {
                    "at": {"type": "string", "description": "ISO 8601 with its offset, UTC."},
                    "zone": {"type": "string", "description": "The IANA time zone it was set in."},
                    "local": {"type": "string", "description": "ISO 8601 in that zone."},
                    "active": {"type": "boolean", "description": "Still under embargo."},
                    "text": {"type": "string", "description": "For people: 'Embargoed until ... (in ...)'."},
                },
                "required": ["at", "zone", "local", "active", "text"],
            },
        }
    ),
    "Error": {
        "type": "object",
        "description": "Every refusal: what went wrong, in words for people. A 409 on a segment adds the "
        "segment as it is now.",
        "properties": {"error": {"type": "string"}, "current": _ref("Segment")},
        "required": ["error"],
    },
    "Check": _object(
        {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "severity": {"type": "string", "enum": ["error", "warning"]},
            "message": {"type": "string"},
        }
    ),
    "Segment": {
        "type": "object",
        "properties": {
            "id": {"type": "string", "description": "Stable id of the segment within the release."},
            "source": {"type": "string"},
            "translation": {"type": "string"},
            "state": {"type": "string", "enum": list(STATES)},
            "version": {"type": "string", "description": "Send it back with a change; a stale one answers 409."},
            "checks": {"type": "array", "items": _ref("Check")},
            "comment": {"type": "string", "description": "The note for translators from the source."},
            "occurrences": {"type": "array", "items": {"type": "string"}},
            "previous_source": _NULLABLE_STRING,
            "machine": {"type": ["object", "null"], "additionalProperties": {"type": "string"}},
            "approved_by": _NULLABLE_STRING,
            "translated_by": _NULLABLE_STRING,
            "signatories": {
                "type": ["object", "null"],
                "description": "A signatory item filled by the service and not reviewed yet; "
                "'description' is the part still in the source language ('' when none).",
                "additionalProperties": {"type": "string"},
            },
            "proposals": {"type": "integer", "minimum": 0, "description": "Open proposals on the segment."},
        },
        "required": ["id", "source", "translation", "state", "version", "checks"],
    },
    "Release": _object(
        {
            "name": {"type": "string"},
            "title": {"type": "string"},
            "deadline": {"type": ["string", "null"], "format": "date"},
            "languages": {
                "type": "object",
                "description": "Counts of segments in every state, per language.",
                "additionalProperties": {"type": "object", "additionalProperties": {"type": "integer"}},
            },
            "risk": {"type": "object", "additionalProperties": {"type": "string"}},
            "published": {
                "type": "object",
                "additionalProperties": {"type": ["string", "null"], "enum": ["current", "stale", None]},
            },
            "broken": {
                "type": "object",
                "description": "Languages whose catalog cannot be read: file:line: what.",
                "additionalProperties": {"type": "string"},
            },
        }
    ),
    "Change": _object(
        {
            "at": _TIME,
            "user": {"type": "string"},
            "action": {"type": "string"},
            "old": _NULLABLE_STRING,
            "new": _NULLABLE_STRING,
            "old_state": _NULLABLE_STRING,
            "new_state": _NULLABLE_STRING,
            "diff": {"type": "array", "items": _ref("DiffPart"), "description": "Word diff from old to new."},
        },
        required=["at", "user", "action", "old", "new", "old_state", "new_state"],
    ),
    "DiffPart": _object({"op": {"type": "string", "enum": ["equal", "insert", "delete"]}, "text": {"type": "string"}}),
    "Comment": _object(
        {
            "at": _TIME,
            "user": {"type": "string"},
            "text": {"type": "string"},
            "mentions": {
                "type": "array",
                "description": "The @names that are people of the language.",
                "items": _object({"name": {"type": "string"}, "shown": {"type": "string"}}),
            },
        },
        required=["at", "user", "text"],
    ),
    "History": _object(
        {
            "changes": {"type": "array", "items": _ref("Change")},
            "comments": {"type": "array", "items": _ref("Comment")},
            "source": {
                **_object(
                    {
                        "old": {"type": "string"},
                        "new": {"type": "string"},
                        "diff": {"type": "array", "items": _ref("DiffPart")},
                    }
                ),
                "description": "The source's last change, while the translation is to check.",
            },
        },
        required=["changes", "comments"],
    ),
    "Suggestion": _object(
        {
            "text": {"type": "string"},
            "score": {"type": "number"},
            "origin": {"type": "string", "description": "The release the match comes from."},
            "source": {"type": "string"},
            "diff": {"type": "array", "items": _object({"op": {"type": "string"}, "text": {"type": "string"}})},
        }
    ),
    "Proposal": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "segment": {"type": "string"},
            "text": {"type": "string"},
            "status": {"type": "string", "enum": ["open", "accepted", "rejected", "withdrawn", "superseded"]},
            "at": _TIME,
            "by": _NULLABLE_STRING,
            "base_version": _NULLABLE_STRING,
            "reason": _NULLABLE_STRING,
            "decided_by": _NULLABLE_STRING,
            "decided_at": _NULLABLE_TIME,
            "current": {"type": "boolean", "description": "Made on the text shown now."},
            "checks": {"type": "array", "items": _ref("Check")},
            "votes": {"type": "integer", "minimum": 0, "description": "+1 votes by others."},
            "voted": {"type": "boolean", "description": "The caller gave it a vote."},
            "mine": {"type": "boolean", "description": "The caller suggested it."},
        },
        "required": [
            "id",
            "segment",
            "text",
            "status",
            "at",
            "by",
            "base_version",
            "reason",
            "decided_by",
            "decided_at",
        ],
    },
    "Claim": _object(
        {
            "id": {"type": "integer"},
            "by": {"type": "string", "description": "The holder's shown name."},
            "language": {"type": "string"},
            "label": {"type": "string"},
            "segments": {"type": "array", "items": {"type": "string"}},
            "first": _NULLABLE_STRING,
            "last": _NULLABLE_STRING,
            "until": _TIME,
            "mine": {"type": "boolean"},
        }
    ),
    "Claims": _object(
        {
            "claims": {"type": "array", "items": _ref("Claim")},
            "sections": {
                "type": "array",
                "items": _object(
                    {"label": {"type": "string"}, "first": {"type": "string"}, "size": {"type": "integer"}}
                ),
            },
            "default_hours": {"type": "number"},
        }
    ),
    "Glossary": _object(
        {
            "version": {"type": "string", "description": "Send it back with a change; a stale one answers 409."},
            "language": {"type": "string"},
            "terms": {
                "type": "array",
                "items": _object(
                    {
                        "source": {"type": "string"},
                        "target": {"type": "string"},
                        "kept": {"type": "boolean", "description": "Kept as written in this language."},
                        "other_languages": {"type": "array", "items": {"type": "string"}},
                    }
                ),
            },
        }
    ),
    "BulkPlan": _object(
        {
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "number": {"type": "integer"},
                        "source": {"type": "string"},
                        "text": {"type": "string"},
                        "state": {"type": "string"},
                        "version": {"type": "string"},
                        "blocking": {"type": "array", "items": _ref("Check")},
                        "errors": {"type": "array", "items": _ref("Check")},
                        "proposal": {"type": ["integer", "null"]},
                        "author": _NULLABLE_STRING,
                        "own": {"type": "boolean"},
                    },
                },
            },
            "ready": {"type": "integer"},
            "blocked": {"type": "integer"},
        }
    ),
    "BulkResult": _object(
        {
            "results": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "outcome": {"type": "string", "enum": ["approved", "accepted", "conflict", "refused"]},
                        "message": {"type": "string"},
                        "segment": _ref("Segment"),
                    },
                    "required": ["id", "outcome"],
                },
            },
            "done": {"type": "integer"},
        }
    ),
    "UploadReport": _object(
        {
            "saved": {"type": "integer"},
            "approved": {"type": "integer"},
            "suggested": {"type": "integer"},
            "unchanged": {"type": "integer"},
            "unknown": {"type": "integer"},
            "conflicts": {
                "type": "array",
                "items": {
                    "type": "object",
                    "description": "{id, source, yours, current}: changed on the server since the download.",
                },
            },
            "skipped": {"type": "array", "items": {"type": "object"}},
            "refused": {"type": "array", "items": {"type": "object"}},
        }
    ),
    "Publication": _object(
        {
            "release": {"type": "string"},
            "language": {"type": "string"},
            "at": _TIME,
            "content_hash": {"type": "string"},
            "by": {"type": "string"},
        }
    ),
    "Job": _object(
        {
            "id": {"type": "integer"},
            "status": {"type": "string"},
            "total": {"type": "integer"},
            "done": {"type": "integer"},
            "no_match": {"type": "integer"},
            "failed": {"type": "integer"},
            "requests": {"type": "integer"},
            "error": _NULLABLE_STRING,
            "eta_seconds": {"type": ["number", "null"]},
            "release": {"type": "string"},
            "languages": {"type": "array", "items": {"type": "string"}},
            "provider": {"type": "string"},
            "created_by_id": {"type": ["integer", "null"]},
            "finished_at": _NULLABLE_TIME,
        }
    ),
}

_VERSION_BODY: dict[str, Any] = {
    "type": "object",
    "properties": {
        "version": {
            "type": ["string", "null"],
            "description": "The version of the segment the change is based on, as last "
            "read; another one (or none) answers 409 with `current`.",
        }
    },
    "required": ["version"],
}

_REQUESTS: dict[str, Any] = {
    "EmbargoRequest": {
        "type": "object",
        "properties": {
            "at": {
                "type": ["string", "null"],
                "maxLength": 40,
                "description": "'YYYY-MM-DD HH:MM' in `zone` (or ISO 8601 with an offset); null clears the embargo.",
            },
            "zone": {"type": "string", "maxLength": 64, "description": "IANA time zone, e.g. Europe/Berlin."},
        },
        "required": ["at"],
    },
    "SaveRequest": {
        "type": "object",
        "properties": {
            "translation": {"type": "string", "maxLength": MAX_TRANSLATION_CHARS},
            "version": _VERSION_BODY["properties"]["version"],
        },
        "required": ["translation", "version"],
    },
    "VersionRequest": _VERSION_BODY,
    "CommentRequest": {
        "type": "object",
        "properties": {"text": {"type": "string", "minLength": 1, "maxLength": 4000}},
        "required": ["text"],
    },
    "SuggestRequest": {
        "type": "object",
        "properties": {"text": {"type": "string", "minLength": 1, "maxLength": MAX_TRANSLATION_CHARS}},
        "required": ["text"],
    },
    "VoteRequest": {"type": "object", "properties": {"up": {"type": "boolean", "default": True}}},
    "ClaimRequest": {
        "type": "object",
        "properties": {
            "first": {"type": "string", "description": "The first segment; alone, the section (heading) it opens."},
            "last": {"type": ["string", "null"], "description": "The last segment of a range."},
            "hours": {"type": ["number", "null"], "exclusiveMinimum": 0, "maximum": 12},
        },
        "required": ["first"],
    },
    "HoursRequest": {"type": "object", "properties": {"hours": {"type": ["number", "null"]}}},
    "EmptyRequest": {"type": "object"},
    "GlossaryTermRequest": {
        "type": "object",
        "properties": {
            "source": {"type": "string", "maxLength": 200},
            "target": {"type": ["string", "null"], "maxLength": 200},
            "old_source": {"type": ["string", "null"], "description": "The term's text before a rename."},
            "version": {"type": ["string", "null"]},
        },
        "required": ["source", "version"],
    },
    "GlossaryDeleteRequest": {
        "type": "object",
        "properties": {"source": {"type": "string"}, "version": {"type": ["string", "null"]}},
        "required": ["source", "version"],
    },
    "BulkPlanRequest": {
        "type": "object",
        "properties": {
            "action": {"type": "string", "enum": ["approve", "accept"]},
            "state": {"type": "string"},
            "check": {"type": "string"},
            "q": {"type": "string", "maxLength": 200},
        },
        "required": ["action"],
    },
    "BulkRequest": {
        "type": "object",
        "properties": {
            "action": {"type": "string", "enum": ["approve", "accept"]},
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "version": {"type": ["string", "null"]},
                        "override": {
                            "type": ["string", "null"],
                            "description": "A reason to approve despite failing blocking checks.",
                        },
                        "proposal": {"type": ["integer", "null"]},
                    },
                    "required": ["id", "version"],
                },
            },
        },
        "required": ["action", "items"],
    },
    "RejectRequest": {"type": "object", "properties": {"reason": {"type": "string", "maxLength": 4000}}},
    "ChecksRequest": {
        "type": "object",
        "properties": {
            "source": {"type": "string", "maxLength": MAX_TRANSLATION_CHARS},
            "translation": {"type": "string", "maxLength": MAX_TRANSLATION_CHARS},
            "language": {"type": "string", "description": "Language code, for its plural rules."},
            "release": {"type": "string", "description": "Adds the release's own checks."},
        },
        "required": ["source", "translation"],
    },
    "PretranslateRequest": {
        "type": "object",
        "properties": {
            "languages": {
                "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}, {"type": "null"}],
                "description": "Language codes; all languages of the release when null or left out.",
            },
            "provider": {
                "type": ["string", "null"],
                "description": "memory, libretranslate, ...; the configured one when null or left out.",
            },
        },
    },
}

_ERRORS = {
    400: "The request is malformed: not a JSON object (or nested too deeply), a field of the wrong type or too "
    "long, text with a lone surrogate or a NUL, a bad name.",
    401: "Not logged in: send `Authorization: Bearer TOKEN` or the session cookie.",
    403: "The user may not do this (role or language), or the CSRF token of a session request is missing.",
    404: "No such release, language, segment, proposal or job.",
    409: "The segment changed since the version sent (the answer has `current`), or the state forbids it.",
    413: "The request body is too large.",
    429: "Too many requests: wait and try again.",
    503: "The catalog or its folder cannot be written now (busy or unwritable); nothing was changed.",
    507: "The disk is full; nothing was changed.",
}

_PARAMETERS: dict[str, Any] = {
    "release": {
        "name": "release",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": "Release name, as in `source/NAME.md`.",
        "example": "appeal",
    },
    "language": {
        "name": "language",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": "Language code (gettext or BCP 47).",
        "example": "de",
    },
    "segment_id": {"name": "segment_id", "in": "path", "required": True, "schema": {"type": "string"}},
    "proposal_id": {
        "name": "proposal_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
    },
    "claim_id": {
        "name": "claim_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
    },
    "job_id": {
        "name": "job_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
    },
}


def _operation(
    summary: str,
    *,
    params: list[str],
    ok: dict[int, tuple[str, Any]],
    errors: list[int],
    body: str | None = None,
    public: bool = False,
) -> dict[str, Any]:
    """Describe one operation: its parameters, body, answers and refusals."""
    op: dict[str, Any] = {"summary": summary, "responses": {}}
    if params:
        op["parameters"] = [{"$ref": f"#/components/parameters/{p}"} for p in params]
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(body)}}}
    for code, (description, schema) in ok.items():
        op["responses"][str(code)] = {"description": description, "content": {"application/json": {"schema": schema}}}
    for code in ([] if public else [401]) + errors + ([413] if body else []):
        op["responses"][str(code)] = {"$ref": f"#/components/responses/E{code}"}
    if public:
        op["security"] = []
    return op


_SEGMENT = "/api/releases/{release}/{language}/segments/{segment_id}"
_PROPOSAL = "/api/releases/{release}/{language}/proposals/{proposal_id}"
_WRITE_ERRORS = [400, 403, 404, 409, 503, 507]
_RL = ["release", "language"]
_RLS = ["release", "language", "segment_id"]
_RLP = ["release", "language", "proposal_id"]
_RLC = ["release", "language", "claim_id"]
_RELEASE_LANGUAGE = "/api/releases/{release}/{language}"


def _offline_paths() -> dict[str, Any]:
    """Describe the catalog download and upload, which are not JSON."""
    download = _operation(
        "Download the language's catalog for offline work; its header records every entry's "
        "version (X-Translate-App-Versions).",
        params=_RL,
        errors=[400, 403, 404],
        ok={},
    )
    download["responses"]["200"] = {
        "description": "The catalog.",
        "content": {"text/x-gettext-translation": {"schema": {"type": "string"}}},
    }
    upload = _operation(
        "Upload a downloaded catalog back: merged entry by entry; text over approved text "
        "becomes a suggestion; entries changed since the download come back as conflicts.",
        params=_RL,
        errors=[400, 403, 404, 413, 503, 507],
        ok={200: ("What the upload did.", _ref("UploadReport"))},
    )
    upload["requestBody"] = {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            }
        },
    }
    return {_RELEASE_LANGUAGE + "/catalog.po": {"get": download}, _RELEASE_LANGUAGE + "/upload": {"post": upload}}


def _paths() -> dict[str, Any]:
    return {
        "/api/openapi.json": {
            "get": _operation(
                "This description (no login needed).",
                params=[],
                public=True,
                errors=[],
                ok={200: ("The OpenAPI document.", {"type": "object"})},
            )
        },
        "/api/releases": {
            "get": _operation(
                "List releases with per-language counts of every state, risk, publication and broken catalogs; "
                "only the languages the caller may see.",
                params=[],
                errors=[400],
                ok={200: ("The releases.", {"type": "array", "items": _ref("Release")})},
            )
        },
        "/api/releases/{release}/{language}/segments": {
            "get": _operation(
                "List a language's segments.",
                params=_RL,
                errors=[400, 403, 404],
                ok={200: ("The segments.", {"type": "array", "items": _ref("Segment")})},
            )
        },
        _SEGMENT: {
            "put": _operation(
                "Save a translation based on a version; a change to approved text by someone without the reviewer "
                "right becomes a proposal (202).",
                params=_RLS,
                errors=_WRITE_ERRORS,
                body="SaveRequest",
                ok={
                    200: ("Saved.", _ref("Segment")),
                    202: (
                        "Kept as a proposal; the segment is unchanged.",
                        _object({"proposal": _ref("Proposal"), "segment": _ref("Segment")}),
                    ),
                },
            )
        },
        _SEGMENT + "/approve": {
            "post": _operation(
                "Approve a segment (reviewers of the language).",
                params=_RLS,
                errors=_WRITE_ERRORS,
                body="VersionRequest",
                ok={200: ("Approved.", _ref("Segment"))},
            )
        },
        _SEGMENT + "/history": {
            "get": _operation(
                "The changes and comments of a segment, newest first.",
                params=_RLS,
                errors=[400, 403, 404],
                ok={200: ("The history.", _ref("History"))},
            )
        },
        _SEGMENT + "/comments": {
            "post": _operation(
                "Add a comment for the language's volunteers.",
                params=_RLS,
                errors=[400, 403, 404, 503],
                body="CommentRequest",
                ok={201: ("The comment.", _ref("Comment"))},
            )
        },
        _SEGMENT + "/suggestions": {
            "get": _operation(
                "Translation-memory matches from other releases, with the word diff of their source.",
                params=_RLS,
                errors=[400, 403, 404],
                ok={200: ("The matches, best first.", {"type": "array", "items": _ref("Suggestion")})},
            )
        },
        _SEGMENT + "/proposals": {
            "get": _operation(
                "A segment's suggestions (proposals), open first, each with its votes and checks.",
                params=_RLS,
                errors=[400, 403, 404],
                ok={200: ("The proposals.", {"type": "array", "items": _ref("Proposal")})},
            ),
            "post": _operation(
                "Suggest a text for a segment in any state (the suggest role, or translators); the segment is "
                "unchanged until a reviewer accepts it.",
                params=_RLS,
                errors=[400, 403, 404, 409],
                body="SuggestRequest",
                ok={201: ("Suggested.", _object({"proposal": _ref("Proposal"), "segment": _ref("Segment")}))},
            ),
        },
        _PROPOSAL + "/vote": {
            "post": _operation(
                'Give an open suggestion of someone else a +1, or take it back with {"up": false}.',
                params=_RLP,
                errors=[400, 403, 404, 409],
                body="VoteRequest",
                ok={
                    200: (
                        "The votes now.",
                        _object(
                            {"id": {"type": "integer"}, "votes": {"type": "integer"}, "voted": {"type": "boolean"}}
                        ),
                    )
                },
            )
        },
        _RELEASE_LANGUAGE + "/bulk/plan": {
            "post": _operation(
                "List what approving (or accepting the best suggestion of) every filtered segment would do, with "
                "each text's failing checks; writes nothing (reviewers).",
                params=_RL,
                errors=[400, 403, 404],
                body="BulkPlanRequest",
                ok={200: ("The plan.", _ref("BulkPlan"))},
            )
        },
        _RELEASE_LANGUAGE + "/bulk": {
            "post": _operation(
                "Approve or accept the listed segments in one batch; blocking checks need an override per item.",
                params=_RL,
                errors=_WRITE_ERRORS,
                body="BulkRequest",
                ok={200: ("Each item's outcome.", _ref("BulkResult"))},
            )
        },
        _RELEASE_LANGUAGE + "/claims": {
            "get": _operation(
                "The live claims of a language and the sections one can claim.",
                params=_RL,
                errors=[400, 403, 404],
                ok={200: ("The claims.", _ref("Claims"))},
            ),
            "post": _operation(
                "Claim a section or a range of segments for some hours (default 2); others are warned, not blocked.",
                params=_RL,
                errors=[400, 403, 404],
                body="ClaimRequest",
                ok={201: ("Claimed.", _ref("Claim"))},
            ),
        },
        _RELEASE_LANGUAGE + "/claims/{claim_id}/renew": {
            "post": _operation(
                "Renew one's own claim for some hours from now.",
                params=_RLC,
                errors=[400, 403, 404],
                body="HoursRequest",
                ok={200: ("Renewed.", _ref("Claim"))},
            )
        },
        _RELEASE_LANGUAGE + "/claims/{claim_id}/release": {
            "post": _operation(
                "End a claim (its holder or a coordinator).",
                params=_RLC,
                errors=[400, 403, 404],
                body="EmptyRequest",
                ok={200: ("Released.", _ref("Claim"))},
            )
        },
        "/api/releases/{release}/claims": {
            "get": _operation(
                "The live claims of every language of a release (coordinators).",
                params=["release"],
                errors=[400, 403, 404],
                ok={200: ("The claims.", {"type": "array", "items": _ref("Claim")})},
            )
        },
        _RELEASE_LANGUAGE + "/glossary": {
            "get": _operation(
                "The release glossary as it reads in this language, with its version.",
                params=_RL,
                errors=[400, 403, 404],
                ok={200: ("The glossary.", _ref("Glossary"))},
            ),
            "put": _operation(
                "Add or change a term and its target in this language (reviewers of it, coordinators); written "
                "atomically to the glossary file.",
                params=_RL,
                errors=_WRITE_ERRORS,
                body="GlossaryTermRequest",
                ok={200: ("The glossary now.", _ref("Glossary"))},
            ),
        },
        _RELEASE_LANGUAGE + "/glossary/delete": {
            "post": _operation(
                "Delete a term (coordinators; reviewers while no other language has a target for it).",
                params=_RL,
                errors=_WRITE_ERRORS,
                body="GlossaryDeleteRequest",
                ok={200: ("The glossary now.", _ref("Glossary"))},
            )
        },
        **_offline_paths(),
        **_presskit_paths(),
        _PROPOSAL + "/accept": {
            "post": _operation(
                "Accept a proposal: its text becomes approved by this reviewer.",
                params=_RLP,
                errors=_WRITE_ERRORS,
                body="VersionRequest",
                ok={200: ("Accepted.", _object({"proposal": _ref("Proposal"), "segment": _ref("Segment")}))},
            )
        },
        _PROPOSAL + "/reject": {
            "post": _operation(
                "Reject a proposal with an optional reason; the approved text stays.",
                params=_RLP,
                errors=[400, 403, 404, 409, 503],
                body="RejectRequest",
                ok={200: ("Rejected.", _object({"proposal": _ref("Proposal")}))},
            )
        },
        "/api/checks": {
            "post": _operation(
                "Run the quality checks on a draft translation.",
                params=[],
                errors=[400, 404, 429],
                body="ChecksRequest",
                ok={200: ("The failed checks.", {"type": "array", "items": _ref("Check")})},
            )
        },
        "/api/releases/{release}/{language}/publish": {
            "post": _operation(
                "Publish a language whose every segment is approved (coordinators).",
                params=_RL,
                errors=_WRITE_ERRORS,
                ok={200: ("Published.", _ref("Publication"))},
            )
        },
        "/api/releases/{release}/pretranslate": {
            "post": _operation(
                "Start machine pre-translation (coordinators); follow the job with GET /api/jobs/{job_id}.",
                params=["release"],
                errors=[400, 403, 404, 409, 429, 503],
                body="PretranslateRequest",
                ok={202: ("Started.", _object({"job": {"type": "integer"}}))},
            )
        },
        "/api/releases/{release}/embargo": {
            "get": _operation(
                "A release's embargo, null when it has none (coordinators).",
                params=["release"],
                errors=[400, 403, 404],
                ok={200: ("The embargo.", _ref("EmbargoState"))},
            ),
            "put": _operation(
                "Set a release's embargo (a local time and its IANA zone), or clear it with at null (coordinators).",
                params=["release"],
                errors=[400, 403, 404],
                body="EmbargoRequest",
                ok={200: ("The embargo now.", _ref("EmbargoState"))},
            ),
        },
        "/api/jobs/{job_id}": {
            "get": _operation(
                "The progress of a background job (coordinators and the person who started it).",
                params=["job_id"],
                errors=[403, 404],
                ok={200: ("The job.", _ref("Job"))},
            )
        },
    }


_CORRECTION_SCHEMAS: dict[str, Any] = {
    "SourceChange": _object(
        {
            "segment_id": {"type": "string"},
            "old_source": {"type": "string"},
            "new_source": {"type": "string"},
            "diff": {"type": "array", "items": _ref("DiffPart"), "description": "Word diff from old to new."},
            "languages": {
                "type": "array",
                "items": _object(
                    {
                        "language": {"type": "string"},
                        "translation": {"type": "string"},
                        "was_approved": {"type": "boolean"},
                        "published": {"type": "boolean"},
                    }
                ),
            },
        }
    ),
    "Readiness": _object(
        {
            "language": {"type": "string"},
            "published": {"type": "boolean"},
            "state": {"type": ["string", "null"], "enum": ["current", "stale", None]},
            "ready": {"type": "boolean"},
            "why": {"type": "string", "description": "Why the language cannot be republished now."},
        }
    ),
    "Corrections": _object(
        {
            "changes": {"type": "array", "items": _ref("SourceChange")},
            "languages": {"type": "array", "items": _ref("Readiness")},
        }
    ),
    "DecisionReport": _object(
        {
            "decided": {
                "type": "object",
                "description": "Per language, the new state of each segment decided.",
                "additionalProperties": {"type": "object", "additionalProperties": {"type": "string"}},
            },
            "unchanged": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
            "failed": {"type": "object", "additionalProperties": {"type": "string"}},
            "notified": {"type": "integer", "minimum": 0},
        }
    ),
    "RepublishReport": _object(
        {
            "published": {"type": "array", "items": {"type": "string"}},
            "skipped": {"type": "object", "additionalProperties": {"type": "string"}},
        }
    ),
    "DecisionsRequest": {
        "type": "object",
        "properties": {
            "decisions": {
                "type": "object",
                "description": "Segment id to decision: wording only (keep translations) or meaning changed.",
                "additionalProperties": {"type": "string", "enum": ["wording", "meaning"]},
            }
        },
        "required": ["decisions"],
    },
    "RepublishRequest": {
        "type": "object",
        "properties": {
            "notes": {
                "type": "object",
                "description": "Language code to the errata note published at the end of its page (optional).",
                "additionalProperties": {"type": "string", "maxLength": 2000},
            },
            "languages": {"type": "array", "items": {"type": "string"}, "description": "Only these languages."},
        },
    },
}


def _corrections_paths() -> dict[str, Any]:
    """Describe the corrections after publication (coordinators)."""
    return {
        "/api/releases/{release}/corrections": {
            "get": _operation(
                "The source changes waiting for a decision, once per segment, and which languages can be "
                "republished (coordinators).",
                params=["release"],
                errors=[400, 403, 404],
                ok={200: ("The changes and the languages.", _ref("Corrections"))},
            ),
            "post": _operation(
                "Decide source changes for every language: wording only keeps the translations, meaning "
                "changed sends them back for review and tells the volunteers (coordinators).",
                params=["release"],
                errors=_WRITE_ERRORS,
                body="DecisionsRequest",
                ok={200: ("What was decided, per language.", _ref("DecisionReport"))},
            ),
        },
        "/api/releases/{release}/republish": {
            "post": _operation(
                "Publish again every published language that is ready, each with an optional errata note "
                "(coordinators).",
                params=["release"],
                errors=_WRITE_ERRORS,
                body="RepublishRequest",
                ok={200: ("What was republished and what was not, with why.", _ref("RepublishReport"))},
            )
        },
    }


def _presskit_paths() -> dict[str, Any]:
    """Describe the press kit of the published languages: build as a job, follow it, download the zip."""
    kit_job = _object(
        {
            "id": {"type": "integer"},
            "kind": {"type": "string", "enum": ["presskit"]},
            "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
            "total": {"type": "integer", "description": "Languages in the kit."},
            "done": {"type": "integer", "description": "Languages made so far."},
            "error": _NULLABLE_STRING,
            "release": {"type": "string"},
            "languages": {"type": "array", "items": {"type": "string"}},
            "created_by_id": {"type": ["integer", "null"]},
            "finished_at": _NULLABLE_STRING,
            "download": {"type": ["string", "null"], "description": "The zip's address once the job is done."},
        }
    )
    build = _operation(
        "Build the press kit (pages, DOCX, ODT, PDF, e-mail bodies) of the published languages, "
        "from their published text, as a background job (coordinators).",
        params=["release"],
        errors=[400, 403, 404],
        ok={202: ("Started.", _object({"job": {"type": "integer"}, "status": {"type": "string"}}))},
    )
    build["requestBody"] = {
        "required": False,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "languages": {
                            "oneOf": [
                                {"type": "string"},
                                {"type": "array", "items": {"type": "string"}},
                                {"type": "null"},
                            ],
                            "description": "Published language codes; every published language when null or left out.",
                        }
                    },
                }
            }
        },
    }
    download = _operation(
        "Download the zip a finished press kit job made (coordinators).",
        params=["release", "job_id"],
        errors=[403, 404],
        ok={},
    )
    download["responses"]["200"] = {
        "description": "The press kit.",
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
    }
    kit = "/api/releases/{release}/presskit"
    return {
        kit: {"post": build},
        kit + "/{job_id}": {
            "get": _operation(
                "The progress of a press kit job, one step per language (coordinators).",
                params=["release", "job_id"],
                errors=[403, 404],
                ok={200: ("The job.", kit_job)},
            )
        },
        kit + "/{job_id}/kit.zip": {"get": download},
    }


_DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "translate-app JSON API",
        "version": "1",
        "description": "Scripts authenticate with `Authorization: Bearer TOKEN` (`translate-app token create "
        "NAME`); the browser pages use the session cookie and must send the CSRF token in "
        "`X-CSRFToken` on every POST and PUT. Every refusal is a JSON object "
        '`{"error": "..."}`.',
    },
    "security": [{"bearer": []}, {"session": []}],
    "paths": {**_paths(), **_corrections_paths()},
    "components": {
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "description": "An API token."},
            "session": {
                "type": "apiKey",
                "in": "cookie",
                "name": "session",
                "description": "The browser session; POST and PUT also need the X-CSRFToken header.",
            },
        },
        "parameters": _PARAMETERS,
        "schemas": {**_SCHEMAS, **_REQUESTS, **_CORRECTION_SCHEMAS},
        "responses": {
            f"E{code}": {"description": text, "content": {"application/json": {"schema": _ref("Error")}}}
            for code, text in _ERRORS.items()
        },
    },
}


def openapi_document() -> dict[str, Any]:
    """Return a fresh copy of the OpenAPI document."""
    return deepcopy(_DOCUMENT)
