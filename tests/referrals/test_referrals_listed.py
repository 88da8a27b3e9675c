"""The API's referrals (`GET /api/v1/referrals/`) read through statements compiled once a process
(referrals.selectors.referrals_listed for each box and status, referrals_detailed's three) and
answered by ReferralOutputSerializer built directly. For every persona, box, status filter and
a page: the same bytes and as many statements as referrals_visible's queryset and the ORM's
reads answered through DRF's declared fields; and the direct answer is the declared fields'
for every kind of referral in every language."""

import pytest
from django.utils import timezone, translation
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

import referrals.api
import referrals.selectors
from cases.models import Entry
from consent.models import ConsentRequest
from consent.services import consent_request_approve
from referrals.models import Referral
from referrals.selectors import referrals_detailed, referrals_visible
from referrals.serializers import ReferralOutputSerializer
from referrals.services import referral_accept, referral_create, referral_decline
from tests.consent.helpers import answers, write_entry
from tests.consent.test_permission_matrix import PERSONAS
from tests.pages import by_its_builder

from .helpers import BUP, CLINIC, NAV

pytestmark = pytest.mark.django_db

ASKED = ("helsesykepleier", "sara", "ungdomshjelper", "nav")  # the case side, an intake
STATUSES = ["", *(f"status={status}&" for status in Referral.Status.values)]
FILTERED = [("helsesykepleier", "box=sent"), ("nav", "box=received"), ("helsestasjon", "")]
# Every persona's list; each box for those who see referrals, each status filter for the
# referrer's, the intake's and both boxes, and a page.
LIST = "/api/v1/referrals/"
CALLS = [
    *((persona, LIST) for persona in (*PERSONAS, "helsestasjon")),
    *((persona, f"{LIST}?box={box}") for persona in ASKED for box in ("sent", "received")),
    *((persona, f"{LIST}?{status}{box}") for persona, box in FILTERED for status in STATUSES),
    *((persona, f"{LIST}?page_size=1&page=2") for persona in ASKED),
]


@pytest.fixture
def referred(demo):
    """A referral accepted (its payload sent with consent), one waiting for consent, one sent
    under a legal duty and declined with a suggestion, one without payload."""
    nurse = demo["helsesykepleier"]
    notes = [
        Entry.objects.get(case=demo.sara_case, title="Samtale om søvn og stress"),
        write_entry(demo.sara_case, nurse, category="school", title="Om <skolen> & «meg»"),
    ]
    case = demo.sara_case.pk
    accepted = referral_create(
        case_id=case, actor=nurse, service_id=CLINIC, purpose="Samtaler",
        entry_ids=[note.pk for note in notes],
    )  # fmt: skip
    for request in ConsentRequest.objects.filter(service_id=CLINIC):
        consent_request_approve(consent_request=request, actor=request.deciders.first())
    referral_accept(referral_id=accepted.pk, actor=demo["helsestasjon"])
    referral_create(
        case_id=case, actor=nurse, service_id=BUP, purpose="Vurdering", entry_ids=[notes[0].pk]
    )
    declined = referral_create(
        case_id=case, actor=nurse, service_id=NAV, purpose='Jobb & «skole» <b>"nå"</b>',
        entry_ids=[notes[1].pk], legal_duty="Opplysningsplikt",
    )  # fmt: skip
    referral_decline(
        referral_id=declined.pk, actor=demo["nav"], reason="Ikke oss", suggested_service_ids=[BUP]
    )
    referral_create(case_id=case, actor=nurse, service_id=NAV, purpose="Uten", entry_ids=[])
    return demo


def orm_listed(*, user, box=None, status=None):
    return referrals_visible(user=user, box=box, status=status)


def test_the_list_is_the_orms_for_everyone(referred, monkeypatch):
    compiled = answers(referred, CALLS)
    monkeypatch.setattr(referrals.api.selectors, "referrals_listed", orm_listed)
    for name in ("_PAYLOAD", "_PAYLOAD_OPEN", "_SUGGESTED"):
        # As before they were compiled: their builders' querysets, run by the ORM.
        read = getattr(referrals.selectors, name)
        monkeypatch.setattr(referrals.selectors, name, by_its_builder(read))
    monkeypatch.setattr(
        ReferralOutputSerializer, "to_representation", serializers.ModelSerializer.to_representation
    )
    assert compiled == answers(referred, CALLS)
    # The answers compared referrals with open payload, suggestions and both boxes.
    bodies = b"".join(body for _, body, _ in compiled.values())
    assert bodies.count(b'"entries_total":') > 30
    assert b'"finder_url":' in bodies
    assert b'"title":' in bodies


def test_the_direct_answer_is_the_declared_fields(referred):
    rows = []
    for persona in ("helsesykepleier", "sara", "helsestasjon", "nav"):
        user = referred[persona]
        rows += referrals_detailed(user=user, referrals=referrals_visible(user=user))
    answered = []
    for language in ["nb", "nn", "en"]:
        with translation.override(language), timezone.override("Europe/Oslo"):
            serializer = ReferralOutputSerializer()
            for referral in rows:
                direct = serializer.to_representation(referral)
                declared = serializers.ModelSerializer.to_representation(serializer, referral)
                assert JSONRenderer().render(direct) == JSONRenderer().render(declared)
                assert [type(v) for v in direct.values()] == [type(v) for v in declared.values()]
                answered.append(direct)
    assert {"sent", "accepted", "declined", "awaiting_consent"} <= {
        row["status"] for row in answered
    }
    for key in ("entries", "sent_at", "answered_by", "helper", "suggested_services", "legal_duty"):
        assert any(row[key] for row in answered), key
