"""schemathesis walks every operation of /api/v1/openapi.json as a signed-in official: no answer is
a 5xx, and every answer (status, content type, body) is one the document declares, for data the
document allows and for data it forbids.

Bounded and repeatable: a fixed number of examples per operation, derandomized. Run once in CI
(``pytest -m schemathesis``); the default run leaves it out.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.integration.api.conftest import login

pytestmark = pytest.mark.schemathesis

EXAMPLES_PER_OPERATION = 8  # per generation mode
LAST = ["POST /api/v1/auth/password", "POST /api/v1/auth/login"]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _fuzz(operation: Any, headers: dict[str, str], mode: GenerationMode) -> set[int]:
    """The statuses the operation answered with, over the examples tried."""
    statuses: set[int] = set()

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    def run(case: Any) -> None:
        statuses.add(case.call_and_validate(headers=headers, checks=CHECKS).status_code)

    run()
    return statuses


def test_every_operation_answers_within_its_documented_responses(app: Any, client: Any) -> None:
    # The operations are walked here rather than parametrized: schemathesis' pytest plugin and
    # the suite's function-scoped app fixture do not mix.
    failures, answered = [], {}
    operations = [result.ok() for result in schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
                  .get_all_operations()]
    # Wrong passwords sent by the password and sign-in walks count towards the throttles, so those two
    # go last and sign-in, which needs no token, takes none.
    operations.sort(key=lambda operation: LAST.index(operation.label) if operation.label in LAST else -1)
    headers: dict[str, str] = {}
    for operation in operations:
        if operation.label != LAST[-1]:
            # A token of its own per operation: signing out (one of the operations) revokes the one it used.
            headers = login(client, "tiepnhan")
        for mode in GenerationMode:  # data the document allows, then data it forbids
            try:
                answered.setdefault(operation.label, set()).update(_fuzz(operation, headers, mode))
            except Unsatisfiable:
                continue  # nothing the document forbids can be sent (no body, any string fits the path)
            except Exception as failure:  # every operation is walked; all failures are reported together
                failures.append(f"{operation.label} ({mode.value}): {failure}")
    assert not failures, "\n\n".join(failures)
    # The walk reached the handlers, not only the token check: reads open to a receptionist succeed.
    succeeded = [label for label, statuses in answered.items() if any(200 <= s < 300 for s in statuses)]
    assert len(answered) >= 30 and len(succeeded) >= 5, answered
