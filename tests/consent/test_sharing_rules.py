"""Standing rules: set by the consent authority, a share under them is immediate, and ending one
ends every disclosure made under it."""

import pytest

from cases.models import Participant
from consent.models import Disclosure, SharingRule
from consent.services import share
from tests.factories import ServiceFactory

from .helpers import as_user, write_entry

pytestmark = pytest.mark.django_db


def test_seeded_rules_are_exactly_sara_s_two(demo):
    rules = as_user(demo["sara"]).get(f"/api/v1/cases/{demo.sara_case.pk}/sharing-rules/").json()
    assert rules["count"] == 2
    shapes = {
        (r["category"], r["recipient_role"], (r["recipient_user"] or {}).get("username"))
        for r in rules["results"]
    }
    assert shapes == {("school", "helper", None), ("general", "", "ungdomshjelper")}
    assert not SharingRule.objects.filter(case=demo.jonas_case).exists()
    assert not Disclosure.objects.exists()


def test_a_rule_shares_at_once_and_ending_it_withdraws(demo):
    sara = as_user(demo["sara"])
    # Sara adds: health -> BUP (by service)
    bup_service = Participant.objects.get(case=demo.sara_case, user=demo["bup"]).service
    response = sara.post(
        f"/api/v1/cases/{demo.sara_case.pk}/sharing-rules/",
        {"category": "health", "recipient_service": str(bup_service.pk)},
        format="json",
    )
    assert response.status_code == 201, response.content
    rule_id = response.json()["id"]
    entry = write_entry(demo.sara_case, demo["helsesykepleier"])
    response = as_user(demo["helsesykepleier"]).post(
        f"/api/v1/entries/{entry.pk}/share/", {"recipients": [demo["bup"].pk]}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["status"] == "shared"
    assert response.json()["disclosures"][0]["basis"] == "agreement"
    assert response.json()["disclosures"][0]["rule"] == rule_id
    assert as_user(demo["bup"]).get(f"/api/v1/entries/{entry.pk}/").status_code == 200
    # Ending the rule ends the disclosure
    assert sara.delete(f"/api/v1/sharing-rules/{rule_id}/").status_code == 204
    assert as_user(demo["bup"]).get(f"/api/v1/entries/{entry.pk}/").status_code == 404
    assert Disclosure.objects.get(entry=entry).end_reason == "rule_ended"
    assert sara.delete(f"/api/v1/sharing-rules/{rule_id}/").status_code == 404


def test_who_may_set_rules(demo):
    url = f"/api/v1/cases/{demo.sara_case.pk}/sharing-rules/"
    body = {"category": "health", "recipient_user": demo["laerer"].pk}
    # The coordinator sees the rules but does not decide; a helper does not even see them
    assert as_user(demo["ungdomshjelper"]).post(url, body, format="json").status_code == 403
    assert as_user(demo["laerer"]).post(url, body, format="json").status_code == 404
    assert as_user(demo["mor"]).get(url).status_code == 404
    # Jonas (13) does not decide about health; his father does
    jonas_url = f"/api/v1/cases/{demo.jonas_case.pk}/sharing-rules/"
    assert as_user(demo["jonas"]).post(jonas_url, body, format="json").status_code == 403
    assert as_user(demo["far"]).post(jonas_url, body, format="json").status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        {"category": "health"},
        {"category": "health", "recipient_role": "helper", "recipient_user": "laerer"},
        {"category": "horoscope", "recipient_role": "helper"},
        {"category": "health", "recipient_user": "nav"},  # not on the team
        {"category": "health", "recipient_user": 999999},
        {"category": "health", "recipient_service": "00000000-0000-0000-0000-000000000000"},
    ],
)
def test_bad_rules_are_400(demo, body):
    body = {
        k: demo[v].pk if k == "recipient_user" and isinstance(v, str) else v
        for k, v in body.items()
    }
    before = SharingRule.objects.count()
    response = as_user(demo["sara"]).post(
        f"/api/v1/cases/{demo.sara_case.pk}/sharing-rules/", body, format="json"
    )
    assert response.status_code == 400, response.content
    assert SharingRule.objects.count() == before


def test_a_rule_for_an_unrelated_service_covers_nobody(demo):
    other = ServiceFactory()
    entry = write_entry(demo.sara_case, demo["helsesykepleier"])
    as_user(demo["sara"]).post(
        f"/api/v1/cases/{demo.sara_case.pk}/sharing-rules/",
        {"category": "health", "recipient_service": str(other.pk)},
        format="json",
    )
    assert share(entry=entry, recipients=[demo["bup"]], actor=demo["helsesykepleier"]).status == (
        "consent_requested"
    )
