"""Schemathesis over the OpenAPI document against `eventops serve`: requests generated from each JSON
operation's parameters and body schemas, sent as an organiser to a real event, are never answered with a 5xx,
and every answer has a status, a content type and a body the document gives for the operation."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.helpers import EVENT
from tests.serving import seed_running_batch, serving

EXAMPLES = (
    4  # per operation: the walk in test_route_walk.py does the hostile cases; this does the valid shapes
)
SKIP = {"batch_live"}  # a stream that lasts until the client leaves
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def fuzz(base_url: str, token: str) -> tuple[int, list[str]]:
    """Generate and send the requests; how many, and the answers that failed a check."""
    schema = schemathesis.openapi.from_url(base_url + "/api/v1/openapi.json")
    sent, failures = 0, []
    headers = {"Authorization": f"Bearer {token}"}
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # an operation it cannot read is a fault of the document
        operation = result.ok()
        if operation.definition.raw.get("x-page") or operation.definition.raw["operationId"] in SKIP:
            continue

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), real=st.booleans())
        def send(case: schemathesis.Case, real: bool) -> None:
            nonlocal sent
            if real:  # half the cases name the event and batch that exist, to reach past the lookups
                known = {"event": EVENT["slug"], "code": "K1"}
                case.path_parameters = {
                    **(case.path_parameters or {}),
                    **{k: v for k, v in known.items() if k in (case.path_parameters or {})},
                }
            response = case.call(base_url=base_url, headers=headers, timeout=30)
            sent += 1
            try:
                case.validate_response(response, checks=CHECKS)
            except (AssertionError, FailureGroup) as exc:  # a failed check, or several
                failures.append(f"{case.method} {case.formatted_path} {response.status_code}: {exc}"[:1500])

        send()
    return sent, failures


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_requests_generated_from_the_document_never_get_a_5xx(
    db_url: str, tokens: dict[str, str], tmp_path: Path
) -> None:
    await seed_running_batch(db_url)
    async with serving(db_url, tmp_path / "serve.log") as server:
        sent, failures = await asyncio.to_thread(fuzz, server.url, tokens["organiser"])
    assert sent > 100
    assert failures == [], "\n".join(failures[:30])
