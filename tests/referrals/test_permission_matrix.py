"""Every referral endpoint x every kind of person: the status each one gets. 404: not yours
to see; 403: you see it but may not do it. Each call runs in a rolled-back transaction."""

import pytest
from django.db import transaction

from cases.models import Entry
from consent.models import ConsentRequest
from consent.services import consent_request_approve
from referrals.services import referral_create
from tests.consent.helpers import as_user

from .helpers import BUP, CLINIC, NAV

pytestmark = pytest.mark.django_db

PEOPLE = {
    "referrer": "helsesykepleier",
    "youth": "sara",
    "guardian": "mor",
    "intake": "helsestasjon",
    "other_helper": "laerer",
    "ungdomshjelper": "ungdomshjelper",
    "outsider": "barnevern",
    "staff": "admin",
}
BODIES = {
    "create": {"service": NAV, "purpose": "Jobb", "entries": []},
    "empty": {},
    "decline": {"reason": "Nei"},
}

# (method, path, body) -> {person: status}; path ids: {case}, {sent} (to the clinic, sent),
# {waiting} (to BUP, waiting for Sara's consent).
MATRIX = {
    ("get", "/api/v1/referrals/", None): dict.fromkeys(PEOPLE, 200),
    ("get", "/api/v1/referrals/{sent}/", None): {
        "referrer": 200, "youth": 200, "guardian": 404, "intake": 200, "other_helper": 404,
        "ungdomshjelper": 200, "outsider": 404, "staff": 404,
    },
    ("get", "/api/v1/referrals/{waiting}/", None): {
        "referrer": 200, "youth": 200, "guardian": 404, "intake": 404, "other_helper": 404,
        "ungdomshjelper": 200, "outsider": 404, "staff": 404,
    },
    ("post", "/api/v1/cases/{case}/referrals/", "create"): {
        "referrer": 201, "youth": 403, "guardian": 403, "intake": 404, "other_helper": 201,
        "ungdomshjelper": 201, "outsider": 404, "staff": 404,
    },
    ("post", "/api/v1/referrals/{sent}/accept/", "empty"): {
        "referrer": 403, "youth": 403, "guardian": 404, "intake": 200, "other_helper": 404,
        "ungdomshjelper": 403, "outsider": 404, "staff": 404,
    },
    ("post", "/api/v1/referrals/{sent}/decline/", "decline"): {
        "referrer": 403, "youth": 403, "guardian": 404, "intake": 200, "other_helper": 404,
        "ungdomshjelper": 403, "outsider": 404, "staff": 404,
    },
    ("post", "/api/v1/referrals/{sent}/withdraw/", None): {
        "referrer": 200, "youth": 403, "guardian": 404, "intake": 403, "other_helper": 404,
        "ungdomshjelper": 403, "outsider": 404, "staff": 404,
    },
    ("post", "/api/v1/referrals/{waiting}/withdraw/", None): {
        "referrer": 200, "youth": 403, "guardian": 404, "intake": 404, "other_helper": 404,
        "ungdomshjelper": 403, "outsider": 404, "staff": 404,
    },
}  # fmt: skip


def build(demo) -> dict[str, int]:
    nurse = demo["helsesykepleier"]
    note = Entry.objects.get(case=demo.sara_case, title="Samtale om søvn og stress")
    sent = referral_create(
        case_id=demo.sara_case.pk, actor=nurse, service_id=CLINIC, purpose="Samtaler",
        entry_ids=[note.pk],
    )  # fmt: skip
    consent_request_approve(
        consent_request=ConsentRequest.objects.get(service_id=CLINIC), actor=demo["sara"]
    )
    waiting = referral_create(
        case_id=demo.sara_case.pk, actor=nurse, service_id=BUP, purpose="Vurdering",
        entry_ids=[note.pk],
    )  # fmt: skip
    return {"case": demo.sara_case.pk, "sent": sent.pk, "waiting": waiting.pk}


def test_every_referral_endpoint_answers_each_person_as_the_rules_say(demo):
    ids = build(demo)
    got = {}
    for (method, path, body), expected in MATRIX.items():
        for person in expected:
            client = as_user(demo[PEOPLE[person]])
            with transaction.atomic():
                data = BODIES.get(body or "")
                call = getattr(client, method)
                url = path.format(**ids)
                response = call(url, data, format="json") if data is not None else call(url)
                transaction.set_rollback(True)
            got[(method, path, person)] = response.status_code
    assert got == {
        (method, path, person): status
        for (method, path, _body), expected in MATRIX.items()
        for person, status in expected.items()
    }


def test_each_box_lists_what_the_person_may_see(demo):
    ids = build(demo)

    def listed(person, query=""):
        response = as_user(demo[PEOPLE[person]]).get(f"/api/v1/referrals/{query}")
        return sorted(r["id"] for r in response.json()["results"])

    both = sorted([ids["sent"], ids["waiting"]])
    assert listed("youth") == listed("referrer") == listed("ungdomshjelper") == both
    assert listed("intake") == listed("intake", "?box=received") == [ids["sent"]]
    assert listed("intake", "?box=sent") == []
    assert listed("referrer", "?box=received") == []
    assert listed("youth", "?status=awaiting_consent") == [ids["waiting"]]
    for person in ("guardian", "other_helper", "outsider", "staff"):
        assert listed(person) == [], person
    # BUP's intake is on Sara's team, but a referral waiting for consent is not theirs yet
    assert as_user(demo["bup"]).get("/api/v1/referrals/?box=received").json()["count"] == 0
