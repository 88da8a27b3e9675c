"""The home page's requests that need an answer (consent.selectors.consent_requests_pending):
consent_requests_visible's pending requests, compiled once a process. For every person they are
the ORM's rows with the same flags (withheld from the viewer, the viewer decides now) on the
day, on the eve and the day of the young person's birthday of deciding themself and of
majority, and once a request has expired (the clock is bound per call, not at compile time);
and the home page is the same bytes either way, in every language."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

import consent.home
from cases.models import Entry
from consent.models import ConsentRequest
from consent.policy import self_decision_age
from consent.selectors import consent_requests_pending, consent_requests_visible
from coordination.ages import ADULT_AGE
from coordination.models import User
from tests.pages import page, signed_in

pytestmark = pytest.mark.django_db

PEOPLE = ("sara", "jonas", "helsesykepleier", "laerer", "ungdomshjelper", "far", "mor", "bup")


def shown(requests):
    return [
        (
            request.pk,
            request.entry_hidden,
            request.viewer_decides,
            request.youth_opinion_asked,
            request.requested_by.name,
            request.entry.title,
            request.entry.case.youth.name,
        )
        for request in requests
    ]


def by_orm(user):
    return list(consent_requests_visible(user=user, status=ConsentRequest.Status.PENDING))


def by_orm_pending(*, user):
    return by_orm(user)


def test_the_pending_requests_are_the_orms_for_everyone_on_any_day(asked):
    demo = asked
    case = demo.jonas_case
    people = [demo[name] for name in PEOPLE]
    birthday = timezone.localdate() + timedelta(days=3)
    if (birthday.month, birthday.day) == (2, 29):
        birthday += timedelta(days=1)
    noon = timezone.make_aware(datetime.combine(birthday, time(12)))
    ages = {
        ADULT_AGE,
        *(
            self_decision_age(category=category, ages=settings.SAMMEN_CONSENT_AGES)
            for category in Entry.Category.values
        ),
    }
    days = [(None, timezone.now()), (None, timezone.now() + timedelta(days=2))]
    days += [(age, day) for age in sorted(ages) for day in (noon - timedelta(days=1), noon)]
    answers = []
    for age, day in days:
        if age is not None:
            User.objects.filter(pk=case.youth_id).update(
                birth_date=birthday.replace(year=birthday.year - age)
            )
        with time_machine.travel(day, tick=False):
            for user in people:
                answer = shown(consent_requests_pending(user=user))
                assert answer == shown(by_orm(user)), (user.username, age, day)
                answers.append((user.username, age, answer))
    # The comparison compared requests, and the flags changed with the day.
    assert sum(len(answer) for _, _, answer in answers) > 20
    # A guardian's: the expired request gone, then deciding no more from a birthday on.
    assert any(
        len({tuple(answer) for name, _, answer in answers if name == guardian}) > 2
        for guardian in ("far", "mor")
    )
    assert any(hidden for _, _, answer in answers for _, hidden, *_ in answer)
    assert any(decides for _, _, answer in answers for _, _, decides, *_ in answer)


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_the_home_page_is_the_same_bytes_as_with_the_orms_statement(asked, monkeypatch, language):
    demo = asked
    clients = {name: signed_in(demo[name], language) for name in PEOPLE}
    with time_machine.travel(timezone.now(), tick=False):
        compiled = {name: page(client, "/") for name, client in clients.items()}
        monkeypatch.setattr(consent.home, "consent_requests_pending", by_orm_pending)
        orm = {name: page(client, "/") for name, client in clients.items()}
    assert compiled == orm
    # The pages compared list requests.
    link = reverse("consent:request", args=[ConsentRequest.objects.order_by("pk").last().pk])
    assert any(f'href="{link}"' in body for body in compiled.values())
