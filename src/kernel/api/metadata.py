"""``POST /api/metadata``: import DHIS2 metadata JSON (user roles, users, user groups, and
the lists plugins add, such as organisationUnits), matched by DHIS2 id.

For ALL users and holders of ``F_METADATA_IMPORT``, as in DHIS2. The answer is DHIS2's:
``{"httpStatus", "httpStatusCode", "status", "response": <import report>}``, with 409
when nothing could be written (status ERROR).
"""

from __future__ import annotations

from http import HTTPStatus

from flask import Blueprint, g, request
from werkzeug.wrappers import Response

from kernel.access import has_authority
from kernel.api.body import json_object_body
from kernel.api.envelopes import ApiError, json_response
from kernel.api.openapi import documented, query_parameter
from kernel.metadata import MetadataImportError, import_metadata

blueprint = Blueprint("api_metadata", __name__, url_prefix="/api")

IMPORT_AUTHORITY = "F_METADATA_IMPORT"
# A national export (tens of thousands of users and org units) is tens of megabytes;
# larger files are imported with `mailroom import-metadata FILE`, which has no limit.
MAX_METADATA_BYTES = 50 * 1024 * 1024
EXAMPLE = '{"userRoles": [...], "users": [...], "userGroups": [...]}'
ERROR_MESSAGE = "One or more errors occurred, please see full details in import report."


@blueprint.post("/metadata")
@documented(
    [
        query_parameter(
            "importStrategy",
            "What to do with the objects.",
            {
                "type": "string",
                "enum": ["CREATE_AND_UPDATE", "CREATE", "UPDATE", "DELETE"],
                "default": "CREATE_AND_UPDATE",
            },
        ),
        query_parameter(
            "atomicMode",
            "ALL: any error writes nothing; NONE: write the valid objects.",
            {"type": "string", "enum": ["ALL", "NONE"], "default": "ALL"},
        ),
    ],
    body={
        "required": True,
        "description": "A DHIS2 metadata export, at most 50 MB.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    },
)
def import_view() -> Response:
    """Import DHIS2 metadata JSON (ALL or F_METADATA_IMPORT); answers the import report.

    Bodies over 50 MB are refused with 413; import those with the command line.
    """
    if not has_authority(g.user, IMPORT_AUTHORITY):
        raise ApiError(403, f"Importing metadata needs the authority {IMPORT_AUTHORITY} or ALL.")
    payload = json_object_body(MAX_METADATA_BYTES, EXAMPLE)
    try:
        report = import_metadata(
            payload,
            import_strategy=request.args.get("importStrategy", "CREATE_AND_UPDATE"),
            atomic_mode=request.args.get("atomicMode", "ALL"),
        )
    except MetadataImportError as error:
        raise ApiError(400, str(error)) from None
    status = 409 if report.status == "ERROR" else 200
    body = {
        "httpStatus": HTTPStatus(status).phrase,
        "httpStatusCode": status,
        "status": report.status,
    }
    if report.status == "ERROR":
        body["message"] = ERROR_MESSAGE
    body["response"] = report.to_dict()
    return json_response(body, status)
