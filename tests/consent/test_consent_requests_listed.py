"""The API's consent requests (`GET /api/v1/consent-requests/`) read through a statement compiled
once a process for each status filter (consent.selectors.consent_requests_listed) and answered by
ConsentRequestOutputSerializer built directly. For every persona, every status filter and page,
today and once a request has expired (the clock is bound per call): the same bytes and as many
statements as consent_requests_visible's queryset answered through DRF's declared fields; and
the direct answer is the declared fields' for varied requests in every language."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone, translation
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

import consent.api
from consent.models import ConsentRequest
from consent.selectors import consent_requests_visible
from consent.serializers import ConsentRequestOutputSerializer
from tests.consent.helpers import answers
from tests.consent.test_permission_matrix import PERSONAS
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

ASKED = ("sara", "mor", "helsesykepleier")  # the youth, a deciding guardian, an asker
# Every persona's list; a page of it and every status filter for those who see requests.
LIST = "/api/v1/consent-requests/"
CALLS = [
    *((persona, LIST) for persona in PERSONAS),
    *((persona, f"{LIST}?page_size=2&page=2") for persona in ASKED),
    *(
        (persona, f"{LIST}?status={status}")
        for persona in ASKED
        for status in ConsentRequest.Status
    ),
]


@pytest.fixture
def varied(asked):
    """Besides the pending ones: one approved until a day, one declined with a reason, one for a
    service (a referral's), one with the young person's opinion."""
    demo = asked
    requests = list(ConsentRequest.objects.order_by("pk"))
    now = timezone.now()
    ConsentRequest.objects.filter(pk=requests[1].pk).update(
        status=ConsentRequest.Status.APPROVED,
        decided_by=demo["mor"],
        decided_at=now,
        until=date(2027, 6, 30),
    )
    ConsentRequest.objects.filter(pk=requests[2].pk).update(
        status=ConsentRequest.Status.DECLINED,
        decided_by=demo["far"],
        decided_at=now,
        decline_reason='Ikke nå, «takk» & <b>"nei"</b>',
    )
    ConsentRequest.objects.filter(pk=requests[3].pk).update(
        service=ServiceFactory(name="Helsestasjon for ungdom"), purpose="Henvisning"
    )
    ConsentRequest.objects.filter(pk=requests[4].pk).update(
        youth_opinion_asked=True, youth_opinion="Jeg vil helst ikke.", youth_opinion_at=now
    )
    # Several recipients and deciders, added against the order of their ids: listed by id.
    people = sorted((demo[persona] for persona in ASKED), key=lambda user: -user.pk)
    for person in people:
        requests[0].recipients.add(person)
        requests[0].deciders.add(person)
    return demo


def orm_listed(*, user, status=None):
    return consent_requests_visible(user=user, status=status)


def test_the_list_is_the_orms_for_everyone_on_any_day(varied, monkeypatch):
    days = (timezone.now(), timezone.now() + timedelta(days=2))
    compiled, orm = {}, {}
    for day in days:
        with time_machine.travel(day, tick=False):
            compiled[day] = answers(varied, CALLS)
    monkeypatch.setattr(consent.api.selectors, "consent_requests_listed", orm_listed)
    # The queryset's own prefetch reads the recipients and deciders there.
    monkeypatch.setattr(consent.api.selectors, "consent_requests_detailed", lambda page: page)
    monkeypatch.setattr(
        ConsentRequestOutputSerializer,
        "to_representation",
        serializers.ModelSerializer.to_representation,
    )
    for day in days:
        with time_machine.travel(day, tick=False):
            orm[day] = answers(varied, CALLS)
    assert compiled == orm
    # The answers compared requests, and the day changed what a status filter lists.
    bodies = [body for answer in compiled.values() for _, body, _ in answer.values()]
    assert sum(body.count(b'"entry":') for body in bodies) > 30
    several = [
        ids
        for answer in compiled.values()
        for _, body, _ in answer.values()
        for ids in re.findall(rb'"deciders":\[(\d+,\d+,[\d,]+)\]', body)
    ]
    assert several
    assert compiled[days[0]] != compiled[days[1]]


def test_the_direct_answer_is_the_declared_fields(varied):
    requests = []
    for persona in PERSONAS:
        requests += [
            (varied[persona], request) for request in consent_requests_visible(user=varied[persona])
        ]
    answered = []
    for language in ["nb", "nn", "en"]:
        with translation.override(language), timezone.override("Europe/Oslo"):
            for user, request in requests:
                serializer = ConsentRequestOutputSerializer(
                    context={"request": type("Request", (), {"user": user})}
                )
                direct = serializer.to_representation(request)
                declared = serializers.ModelSerializer.to_representation(serializer, request)
                assert JSONRenderer().render(direct) == JSONRenderer().render(declared)
                assert [type(v) for v in direct.values()] == [type(v) for v in declared.values()]
                answered.append(direct)
    # Every kind of row was compared: hidden, decided, for a service, with an opinion shown.
    assert {"pending", "approved", "declined"} <= {row["status"] for row in answered}
    assert any(row["entry"]["id"] is None for row in answered)
    for key in ("decided_by", "until", "reason", "service", "youth_opinion"):
        assert any(row[key] for row in answered), key
