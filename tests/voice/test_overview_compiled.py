"""The overview's statements of voice (open comments, overdue plan steps, check-ins), of
consent (pending requests), of meetings (overdue tasks) and of referrals (open ones) run
compiled once a process (coordination.statements.CompiledRead): for every person, any list of
cases and any day they answer what the same builder's statement run by the ORM answers, and the
page is the same bytes either way."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone, translation
from django.utils.html import escape

import consent.coordinator
import meetings.coordinator
import referrals.coordinator
import voice.overview
from cases.models import Case
from coordination.models import User
from referrals.services import referral_create
from services_registry.services import service_staff_set
from tests.conftest import SeededOnce, seeded_once
from tests.factories import CoordinatorFactory, ServiceFactory, UserFactory
from tests.pages import by_its_builder, page, signed_in
from tests.voice.test_ungdomshjelper_overview import busy_case
from voice import links

pytestmark = pytest.mark.django_db

READS = [
    (voice.overview, "_REMARKS_OPEN"),
    (voice.overview, "_STEPS_OVERDUE"),
    (voice.overview, "_CHECK_INS_OPEN"),
    (consent.coordinator, "_PENDING_BY_CASE"),
    (meetings.coordinator, "_TASKS_OVERDUE"),
    (referrals.coordinator, "_OPEN_BY_CASE"),
]


def _busy() -> tuple[User, User, list[Case], dict]:
    """Two ungdomshjelpere, one with two busy cases (every kind of item), one with one."""
    first, second = CoordinatorFactory(), CoordinatorFactory()
    case, made = busy_case(first)
    cases = [case, busy_case(first)[0], busy_case(second)[0]]
    # Referrals sent with nothing attached: waiting today, late when the test's days move on.
    service = ServiceFactory(wait_time="2 dager")
    service_staff_set(service=service, user=UserFactory(), receives_referrals=True)
    for referred in cases[1:]:
        referral_create(
            case_id=referred.pk,
            actor=referred.participants.filter(role="helper").earliest("pk").user,
            service_id=service.pk,
            purpose="Samtaler",
            entry_ids=[],
        )
    return first, second, cases, made


@pytest.fixture(scope="session")
def overview_busy_once(django_db_setup, django_db_blocker) -> Iterator[SeededOnce]:
    """The busy cases built once for this module's consecutive tests (each reads them and keeps
    no change: each runs in a savepoint rolled back after it)."""
    yield from seeded_once(django_db_blocker, _busy)


@pytest.fixture
def busy(overview_busy_once, db):
    return overview_busy_once.value if overview_busy_once.seeded else _busy()


def values_for(read, *, user, cases):
    now = timezone.now()
    values = {"user": user.pk, "case_ids": [case.pk for case in cases], "now": now}
    values["today"] = timezone.localdate(now)
    return {name: values[name] for name in read._slots}


def rows(answer):
    return sorted(answer, key=lambda row: sorted(row.items()))


def test_the_compiled_rows_are_the_orms_for_everyone_any_cases_and_days(busy):
    first, second, cases, _ = busy
    people = [first, second, *(case.youth for case in cases)]
    lists = [cases, cases[:1], cases[1:], cases[2:], list(Case.objects.order_by("pk"))]
    counted = {name: 0 for _, name in READS}
    # Today, then when the first contacts are missed (three working days on).
    for day in (timezone.now(), timezone.now() + timedelta(days=6)):
        with time_machine.travel(day, tick=False):
            for user in people:
                for case_list in lists:
                    for module, name in READS:
                        read = getattr(module, name)
                        values = values_for(read, user=user, cases=case_list)
                        answer = rows(read(**values))
                        assert answer == rows(read._build(**values)), (name, user, case_list)
                        counted[name] += len(answer)
    # The comparison compared rows of each statement.
    assert all(counted.values()), counted


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_the_overview_is_the_same_bytes_as_with_the_orms_statements(busy, monkeypatch, language):
    first, second, cases, made = busy
    # Six days on, when the first contacts are missed (signed in then: the idle timeout).
    with time_machine.travel(timezone.now() + timedelta(days=6), tick=False):
        clients = [signed_in(user, language) for user in (first, second)]
        compiled = [page(client, "/ungdomshjelper/") for client in clients]
        for module, name in READS:
            monkeypatch.setattr(module, name, by_its_builder(getattr(module, name)))
        by_orm = [page(client, "/ungdomshjelper/") for client in clients]
    assert compiled == by_orm
    # The pages show each statement's items.
    for link in (
        links.plan(cases[0].pk),
        links.remarks(made["note"]),
        links.check_ins(cases[0].pk),
        referrals.links.case_referrals(cases[1].pk),
    ):
        assert f'href="{link}"' in compiled[0], link
    # In the page's language (the person's own, when they chose one).
    with translation.override(compiled[0].split('<html lang="', 1)[1].split('"', 1)[0]):
        late = escape(referrals.coordinator.OVERDUE % {"count": 1})
    assert late in compiled[0]
