"""The published OpenAPI schema (/api/schema/) is what the API serves.

schemathesis generates requests for every operation of the schema and sends them to the
in-process application as every demo persona (and anonymously): no response may be a server error
and every response must match the schema. Path ids are mostly those of the demo municipality, so
responses carry real data, not only 404s. Each example is rolled back. A second test checks that
the schema documents every operation served under /api/v1/.
"""

import importlib
import json
import pkgutil
import re
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.contrib.contenttypes.models import ContentType
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.urls import URLPattern, URLResolver
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from cases.models import Attachment, Case, Entry, Participant, Withholding
from consent.models import Block, ConsentRequest, Disclosure, HeldShare, Room, SharingRule
from coordination.demo import PERSONAS
from coordination.exports.services import export_request
from coordination.models import Export, Notification, User
from coordination.services import api_token_for
from coordination.urls import api_v1
from coordination.wsgi import application
from meetings.models import ActionItem, AgendaItem, Meeting
from referrals.models import Referral
from referrals.services import referral_create
from services_registry.apps import DEMO_INTAKE
from tests.conftest import check_seeded_constraints, seed_demo
from tests.consent.helpers import write_entry
from voice.models import CheckIn, Goal, Remark, Step
from voice.rooms.services import room_create, room_message_send


def _import_every_project_module() -> None:
    """Hypothesis mixes into its draws the literals of the project's modules imported when a
    test draws, looked for anew whenever more modules are imported. Which those were depended on
    what the process had done before (the test modules it collected, what earlier tests imported
    on first use), so the same test drew other examples in another run or on another xdist
    worker. With every module of the project's packages imported at collection, before the first
    draw, the literals, and so the examples, are the same in every run of the same code (a
    literal added to or taken from the project changes them)."""
    root = Path(__file__).resolve().parents[2]
    for package in sorted(path.parent.name for path in root.glob("*/__init__.py")):
        if package != "tests":
            for module in pkgutil.walk_packages([str(root / package)], f"{package}."):
                importlib.import_module(module.name)


_import_every_project_module()

# Loaded at import, without the database: the schema view only introspects the URLconf. As JSON:
# the same document, read in a fraction of the time PyYAML takes (every xdist worker loads it).
SCHEMA = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
SCHEMA.config.generation.update(
    # 134 operations x 13 callers: 4 examples each (~7,100 requests), 160-200 s of CPU, about half
    # drawing the examples and half the requests (benchmarks/README.md, 2026-12-01).
    max_examples=4,
    # The same examples every run (with _import_every_project_module): a failure is reproducible
    # and the cost is stable.
    deterministic=True,
    # The persona's token is the only credential sent; invented ones would all be 401.
    with_security_parameters=False,
)
# The coverage phase would send three quarters of the requests for little more.
SCHEMA.config.phases.update(phases=["examples", "fuzzing"])


def _closed(node: Any) -> Any:
    """`node` with every object schema that lists its properties closed to any other property.
    JSON Schema lets an object carry fields it does not list; the schema must describe exactly
    what is served, so a field a response carries and the schema leaves out is a failure."""
    if isinstance(node, list):
        return [_closed(item) for item in node]
    if not isinstance(node, dict):
        return node
    closed = {key: _closed(value) for key, value in node.items()}
    if node.get("type") == "object" and "properties" in node:
        closed.setdefault("additionalProperties", False)
    return closed


# Only to validate responses with: requests are drawn from SCHEMA, as published.
CLOSED_SCHEMA = schemathesis.openapi.from_dict(_closed(SCHEMA.raw_schema))


def response_conforms_to_the_closed_schema(ctx: Any, response: Any, case: Any) -> bool | None:
    """schemathesis' response_schema_conformance, against the closed schema: everything the
    published schema asks of a response, and no field it leaves out."""
    operation = CLOSED_SCHEMA[case.operation.path][case.method]
    return operation.validate_response(response)


CHECKS = [not_a_server_error, response_conforms_to_the_closed_schema]

ANONYMOUS = "anonymous"
CALLERS = [persona.username for persona in PERSONAS] + [ANONYMOUS]

# The model named by the path segment before an id parameter (`/meetings/{meeting_id}/...`).
MODELS_BY_SEGMENT = {
    "action-items": ActionItem,
    "agenda-items": AgendaItem,
    "attachments": Attachment,
    "blocks": Block,
    "cases": Case,
    "check-ins": CheckIn,
    "consent-requests": ConsentRequest,
    "disclosures": Disclosure,
    "entries": Entry,
    "exports": Export,
    "held-shares": HeldShare,
    "meetings": Meeting,
    "notifications": Notification,
    "participants": Participant,
    "plan-goals": Goal,
    "plan-steps": Step,
    "referrals": Referral,
    "remarks": Remark,
    "rooms": Room,
    "sharing-rules": SharingRule,
    "withholdings": Withholding,
}
# The demo's ids for each segment, filled by the `demo_tokens` fixture.
DEMO_IDS: dict[str, list[int]] = {}


@SCHEMA.hook
def map_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
    """Turns a generated integer id into the id of a demo object, except one value in
    len(ids) + 1, which stays as generated (almost surely an object that does not exist)."""
    if not path_parameters:
        return path_parameters
    segments = context.operation.path.strip("/").split("/")
    for before, segment in pairwise(segments):
        name = segment.strip("{}")
        value = path_parameters.get(name)
        ids = DEMO_IDS.get(before, [])
        if (
            segment.startswith("{")
            and isinstance(value, int)
            and not isinstance(value, bool)
            and ids
            and value % (len(ids) + 1) < len(ids)
        ):
            path_parameters[name] = ids[value % (len(ids) + 1)]
    return path_parameters


@pytest.fixture(scope="module")
def demo_tokens(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, str]]:
    """Seeds the demo municipality once for the module (restored from the test template's record
    where it holds one, as `demo_once` does), inside a transaction rolled back at the end, and
    gives each persona's API token."""
    # Django's WSGI handler closes the connection around each request, which would end the
    # test's transaction; Django's test client disconnects these signals the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            seed_demo()
            # One export (pending) for /exports/{export_id}/: Sara's, everyone else's 404.
            export_request(user=User.objects.get(username="sara"))
            _open_a_room()
            for segment, model in MODELS_BY_SEGMENT.items():
                DEMO_IDS[segment] = list(model.objects.order_by("pk").values_list("pk", flat=True))
            tokens = {user.username: api_token_for(user=user) for user in User.objects.all()}
            check_seeded_constraints()
            yield tokens
            transaction.set_rollback(True)
    finally:
        # The restored record brought its own content types' ids.
        ContentType.objects.clear_cache()
        DEMO_IDS.clear()
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _open_a_room() -> None:
    """The demo has no room: Sara opens one with her teacher, who writes in it."""
    sara, teacher = User.objects.get(username="sara"), User.objects.get(username="laerer")
    case = Case.objects.get(youth=sara)
    room = room_create(case_id=case.pk, actor=sara, title="Skolen", members=[teacher])
    room_message_send(room_id=room.pk, author=teacher, body="Hei Sara")


def call_as(case: Any, caller: str, tokens: dict[str, str]) -> Any:
    headers = {"Authorization": f"Token {tokens[caller]}"} if caller != ANONYMOUS else {}
    with transaction.atomic():
        response = case.call(headers=headers)
        transaction.set_rollback(True)
    return response


# Each caller draws examples of its own: Hypothesis' pytest plugin adds the test's node id to the
# derandomized seed, so an operation's 13 callers send 13 different sets (drawing once for all
# would send one). What they share is already shared: schemathesis builds an operation's
# strategies once a process, on the operation, and its explicit examples once at collection.
@pytest.mark.parametrize("caller", CALLERS)
@SCHEMA.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_answers_as_the_schema_says(case, caller, demo_tokens, db):  # type: ignore[no-untyped-def]
    case.validate_response(call_as(case, caller, demo_tokens), checks=CHECKS)


def _changed(response: Any, change: Any) -> Any:
    body = json.loads(response.content)
    change(body)
    return schemathesis.Response(
        status_code=response.status_code,
        headers=response.headers,
        content=json.dumps(body).encode(),
        request=response.request,
        elapsed=response.elapsed,
        verify=response.verify,
    )


@pytest.mark.parametrize(
    ("path", "change", "published_lets_it_pass"),
    [
        ("/api/v1/me/", lambda body: body.update(pin="1234"), True),
        ("/api/v1/cases/", lambda body: body["results"][0].update(pin="1234"), True),
        ("/api/v1/me/", lambda body: body.update(username=1234), False),
    ],
    ids=["a field more on an answer", "a field more on an item of a list", "a wrong type"],
)
def test_a_response_the_schema_does_not_describe_is_a_failure(
    path, change, published_lets_it_pass, demo_tokens, db
):
    # Given Sara's answer as served (documented exactly), and the same answer changed
    case = SCHEMA[path]["GET"].Case()
    served = call_as(case, "sara", demo_tokens)
    case.validate_response(served, checks=CHECKS)
    changed = _changed(served, change)
    # Then this module's checks fail it, where the published schema alone may let it pass
    if published_lets_it_pass:
        case.validate_response(changed, checks=[response_schema_conformance])
    with pytest.raises(FailureGroup, match="1234"):
        case.validate_response(changed, checks=CHECKS)


def test_a_disclosure_in_force_matches_the_schema(demo_tokens, db):
    # Given an entry of the health nurse on Jonas' case, shared under a legal duty (no consent)
    entry = write_entry(
        Case.objects.get(youth__username="jonas"), User.objects.get(username="helsesykepleier")
    )
    operation = SCHEMA["/api/v1/entries/{entry_id}/share/"]["POST"]
    case = operation.Case(
        path_parameters={"entry_id": entry.pk},
        body={
            "recipients": [User.objects.get(username="barnevern").pk],
            "basis": "legal_duty",
            "justification": "Opplysningsplikt.",
            "purpose": "Barnevernet må vurdere saken.",
        },
        media_type="application/json",
    )
    response = call_as(case, "helsesykepleier", demo_tokens)
    # Then the new disclosure, whose end_reason is "" while in force, is as the schema says
    assert response.status_code == 201
    assert response.json()["disclosures"][0]["end_reason"] == ""
    case.validate_response(response, checks=CHECKS)


def test_a_referral_matches_the_schema(demo_tokens, db):
    # Given the nurse's referral of Sara to the drop-in clinic with her note, under a legal duty
    case = Case.objects.get(youth__username="sara")
    nurse = User.objects.get(username="helsesykepleier")
    referral = referral_create(
        case_id=case.pk,
        actor=nurse,
        service_id=DEMO_INTAKE[2][1],
        purpose="Samtaler.",
        entry_ids=[write_entry(case, nurse).pk],
        legal_duty="Helsepersonelloven § 33.",
    )
    # Then the referral, as the youth and the intake read it, and the lists, are as documented
    for caller in ("sara", "helsestasjon"):
        detail = SCHEMA["/api/v1/referrals/{referral_id}/"]["GET"].Case(
            path_parameters={"referral_id": referral.pk}
        )
        response = call_as(detail, caller, demo_tokens)
        assert response.status_code == 200
        assert len(response.json()["entries"]) == 1
        detail.validate_response(response, checks=CHECKS)
        listing = SCHEMA["/api/v1/referrals/"]["GET"].Case()
        response = call_as(listing, caller, demo_tokens)
        assert response.json()["count"] == 1
        listing.validate_response(response, checks=CHECKS)


def served_operations(
    patterns: list[URLPattern | URLResolver], prefix: str = "/api/v1/"
) -> set[tuple[str, str]]:
    """(path as in the schema, method) for every view under `patterns`."""
    operations = set()
    for pattern in patterns:
        route = prefix + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        if isinstance(pattern, URLResolver):
            operations |= served_operations(pattern.url_patterns, route)
            continue
        view = pattern.callback.cls  # type: ignore[attr-defined]
        operations |= {
            (route, method)
            for method in view.http_method_names
            if method not in ("head", "options") and hasattr(view, method)
        }
    return operations


def test_the_schema_documents_every_operation_served():
    documented = {
        (path, method)
        for path, item in SCHEMA.raw_schema["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert served_operations(api_v1) == documented
