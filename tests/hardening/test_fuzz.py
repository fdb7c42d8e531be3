"""Schemathesis against the live OpenAPI schema, as a coach of team A with team B present.

Every operation gets FUZZ_EXAMPLES positive and FUZZ_EXAMPLES negative cases (default 3
each; `make fuzz` runs 200). `team_id` is always team A's; `id`, `entry_id` and
`history_id` are drawn from real objects of team A and team B. Each case runs in a savepoint that is
rolled back, so a DELETE does not starve the cases after it. Checks: no 5xx, the body
matches the schema for its status and content type, and team B's marker never shows."""

import os
import time

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from tests.hardening.conftest import MARKER, first_version, kind_of

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler, minus the per-request connection closing that Django's own
    test client also switches off (it would end the test transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def path_parameters(operation, team_a, team_b):
    """Strategy for the fixed team and the real object ids of both teams."""
    names = {p.name for p in operation.path_parameters}
    fixed = {"team_id": st.just(team_a.team.pk)} if "team_id" in names else {}
    kind = kind_of(operation.path)
    if "id" in names and kind:
        fixed["id"] = st.sampled_from([team_a[kind].pk, team_b[kind].pk])
    if "entry_id" in names:
        fixed["entry_id"] = st.sampled_from([team_a["entry"].pk, team_b["entry"].pk])
    if "n" in names:
        fixed["n"] = st.sampled_from([0, 1, 2])
    if "ext" in names:  # the schema's pattern "^svg|png$" also matches "svgzzz"
        fixed["ext"] = st.sampled_from(["svg", "png"])
    if "history_id" in names and kind:
        fixed["history_id"] = st.sampled_from([first_version(t[kind]) for t in (team_a, team_b)])
    unknown = names - {"team_id", "id", "entry_id", "n", "history_id", "ext"}
    assert not unknown and ("id" not in names or kind), f"fill {operation.path}: {unknown}"
    return st.fixed_dictionaries(fixed)


def fuzz_operation(operation, team_a, team_b, counter):
    # a fresh token per operation: a long run outlives the 15-minute access lifetime
    access = RefreshToken.for_user(team_a.coach).access_token
    headers = {"Authorization": f"Bearer {access}"}
    params = path_parameters(operation, team_a, team_b)
    cases = params.flatmap(
        lambda fixed: st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed),
            operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=fixed),
        )
    )

    @settings(
        max_examples=EXAMPLES * 2,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def run(case):
        with transaction.atomic():
            response = case.call(headers=headers)
            transaction.set_rollback(True)
        counter[response.status_code // 100] = counter.get(response.status_code // 100, 0) + 1
        case.validate_response(response, checks=CHECKS)
        assert MARKER.encode() not in response.content, f"team B in {case.formatted_path}"

    run()


@pytest.mark.django_db
def test_fuzz_every_operation(wsgi_app, team_a, team_b):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    counter = {}
    failures, operations = [], 0
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            fuzz_operation(operation, team_a, team_b, counter)
        except (Exception, BaseExceptionGroup) as exc:  # one report per failing operation
            failures.append(f"{operation.method.upper()} {operation.path}: {exc!r}")
    seconds = time.monotonic() - started
    cases = sum(counter.values())
    classes = ", ".join(f"{k}xx: {v}" for k, v in sorted(counter.items()))
    print(f"fuzz: {operations} operations, {cases} cases ({classes}), {seconds:.1f} s")
    assert operations >= 90
    assert not failures, "\n\n".join(failures)
