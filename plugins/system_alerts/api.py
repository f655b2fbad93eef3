"""``POST /api/validationResults``: store DHIS2 validation results to be notified.

Callers need the ALL or F_RUN_VALIDATION authority. The answer is DHIS2's import
WebMessage with the report in ``response``: 200 when every result was stored (status OK)
or some were (WARNING, the refused ones listed with their errors), 409 when none was.
"""

from __future__ import annotations

from flask import Blueprint, g, request
from werkzeug.wrappers import Response

from kernel.access import has_authority
from kernel.api.body import parse_json
from kernel.api.envelopes import ApiError, json_response
from kernel.api.openapi import documented
from plugins.system_alerts.results import EXAMPLE, ResultsFormatError, store_results

blueprint = Blueprint("api_validation_results", __name__, url_prefix="/api")

AUTHORITY = "F_RUN_VALIDATION"
MAX_BODY_BYTES = 32 * 1024 * 1024


BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {"type": ["object", "array"]},
            "example": {
                "validationResults": [
                    {
                        "validationRule": {"id": "ruleAnc0001"},
                        "organisationUnit": {"id": "DiszpKrYNg8", "name": "Ngelehun CHC"},
                        "period": {"id": "202610"},
                        "attributeOptionCombo": {"id": "HllvX50cXC0"},
                        "leftsideValue": 12,
                        "rightsideValue": 10,
                    }
                ]
            },
        }
    },
}


@blueprint.post("/validationResults")
@documented(body=BODY)
def post_results() -> Response:
    """Store validation results to be notified (ALL or F_RUN_VALIDATION).

    The body is DHIS2's validation result JSON, a list or ``{"validationResults": [...]}``.
    Malformed results are refused in the import report; the others are stored.
    """
    if not has_authority(g.user, AUTHORITY):
        raise ApiError(403, f"Storing validation results needs the {AUTHORITY} authority.")
    request.max_content_length = MAX_BODY_BYTES
    raw = request.get_data(cache=False, as_text=True)
    if not raw.strip():
        raise ApiError(400, f"Send validation results as JSON, e.g. {EXAMPLE}.")
    payload = parse_json(raw)
    try:
        report = store_results(payload)
    except ResultsFormatError as error:
        raise ApiError(400, str(error)) from None
    status = 409 if report.status == "ERROR" else 200
    stats = report.stats
    return json_response(
        {
            "httpStatus": "Conflict" if status == 409 else "OK",
            "httpStatusCode": status,
            "status": report.status,
            "message": f"{stats.created} validation result(s) stored, {stats.ignored} refused.",
            "response": {"responseType": "ImportReport", **report.to_dict()},
        },
        status,
    )
