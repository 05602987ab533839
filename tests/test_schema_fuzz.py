"""Schemathesis against /api/schema/, as an organizer, a staff member and an admin.

Each role calls every operation in-process (WSGI) against the test database, which holds real rows
(tests.test_api.build_world: two campaigns with targets, a logged meeting with answers, deadlines, a
records request, a letter, an assignment); every operation with ids in its path is called once more
with the ids of those rows, so reads and writes of real objects are exercised too. The checks: no server error, and
every response (its status code, content type and body) matches the schema. A few examples per
operation keep the run short; the coverage phase adds the boundary values of each parameter.
"""

import json

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import services as api_services
from api.models import ApiToken
from tests.test_api import build_world

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SETTINGS = hypothesis.settings(
    max_examples=3,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    suppress_health_check=list(hypothesis.HealthCheck),
)


@pytest.fixture
def wsgi_app(db):
    # As Django's test client does: a request must not close the test's connection (and its transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def fuzz_data(django_db_setup, django_db_blocker):
    """The world, a token per role and the ids of real rows, made once for the module.

    It lives in a transaction rolled back at the end of the module; each test runs in a savepoint
    inside it (pytest-django's `db`), so what one test writes is undone before the next.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_world()
            headers = {role: _token(world, role) for role in ("organizer", "staff", "admin")}
            yield headers, _real_ids(world)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _token(world, username):
    _, secret = api_services.api_token_create(
        user=getattr(world, username), name="schemathesis", scope=ApiToken.Scope.WRITE
    )
    return {"Authorization": f"Bearer {secret}"}


def _real_ids(world):
    """Ids of rows of the world, by the first segment of the path and by path parameter name."""
    return {
        "/api/campaigns/": world.campaign.pk,
        "/api/jurisdictions/": world.county.pk,
        "/api/agreements-287g/": world.sheriff_office.agreements.first().pk,
        "/api/resources/": world.resource.pk,
        "/api/assignments/": world.assignment.pk,
        "member_pk": world.campaign.memberships.get(user=world.organizer).pk,
        "target_pk": world.target.pk,
        "meeting_pk": world.meeting.pk,
        "request_pk": world.records_request.pk,
        "deadline_pk": world.campaign.deadlines.order_by("pk").first().pk,
        "letter_pk": world.letter.pk,
    }


def _check(case, real_ids, headers):
    """Call the operation as generated, then again with its path pointing at real rows."""
    case.call_and_validate(headers=headers, checks=CHECKS)
    if not case.path_parameters:
        return
    prefix = "/".join(case.operation.path.split("/")[:3]) + "/"
    if prefix not in real_ids:
        return
    case.path_parameters = {name: real_ids[prefix if name == "id" else name] for name in case.path_parameters}
    case.call_and_validate(headers=headers, checks=CHECKS)


def _load_schema(*, full_coverage):
    """The schema as served. Full coverage: boundary and invalid values of every parameter and every
    unexpected method; otherwise valid boundary values only, to keep the run short."""
    # /api/schema/ needs sign-in, and no token exists yet when the tests are collected: the document is made by
    # the same generator and renderer that serve it.
    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = get_wsgi_application()
    if not full_coverage:
        loaded.config.phases.coverage.generation.modes = [schemathesis.GenerationMode.POSITIVE]
        loaded.config.phases.coverage.unexpected_methods = set()
    return loaded


# Staff may do everything, so the full run is theirs; organizers and admins get the shorter one.
organizer_schema = _load_schema(full_coverage=False)
staff_schema = _load_schema(full_coverage=True)
admin_schema = _load_schema(full_coverage=False)


@organizer_schema.parametrize()
@SETTINGS
def test_api_as_organizer(case, wsgi_app, fuzz_data):
    headers, real_ids = fuzz_data
    _check(case, real_ids, headers["organizer"])


@staff_schema.parametrize()
@SETTINGS
def test_api_as_staff(case, wsgi_app, fuzz_data):
    headers, real_ids = fuzz_data
    _check(case, real_ids, headers["staff"])


@admin_schema.parametrize()
@SETTINGS
def test_api_as_admin(case, wsgi_app, fuzz_data):
    headers, real_ids = fuzz_data
    _check(case, real_ids, headers["admin"])
