"""seed_demo builds Sara's and Jonas' cases exactly as docs/architecture.md §10, idempotently."""

import pytest

from cases.models import Case, Entry, EntryUserObjectPermission, Participant
from consent.models import ConsentRequest, Disclosure, SharingRule
from coordination.models import AuditEvent

from .conftest import seed

pytestmark = pytest.mark.django_db


def team(case) -> set[tuple[str, str, str | None]]:
    return {
        (p.user.username, p.role, p.service.name if p.service else None)
        for p in Participant.objects.filter(case=case, left__isnull=True).select_related(
            "user", "service"
        )
    }


def test_cases_are_exactly_as_designed(demo):
    assert team(demo.sara_case) == {
        ("sara", "youth", None),
        ("mor", "guardian", None),
        ("helsesykepleier", "helper", "Skolehelsetjenesten, Fjordvik ungdomsskole"),
        ("laerer", "helper", "Fjordvik ungdomsskole"),
        ("bup", "helper", "BUP Fjordvik (barne- og ungdomspsykiatrisk poliklinikk)"),
        ("ungdomshjelper", "ungdomshjelper", None),
    }
    assert team(demo.jonas_case) == {
        ("jonas", "youth", None),
        ("far", "guardian", None),
        ("barnevern", "helper", "Barnevernstjenesten"),
        ("laerer", "helper", "Fjordvik ungdomsskole"),
        ("helsesykepleier", "helper", "Skolehelsetjenesten, Fjordvik ungdomsskole"),
    }
    assert not Participant.objects.filter(user__username="nav").exists()
    assert Entry.objects.filter(case=demo.sara_case).count() == 3
    assert Entry.objects.filter(case=demo.jonas_case).count() == 2
    assert not Disclosure.objects.exists() and not ConsentRequest.objects.exists()


def test_running_twice_changes_nothing(demo, settings):
    def state():
        return (
            Case.objects.count(),
            Participant.objects.count(),
            Entry.objects.count(),
            EntryUserObjectPermission.objects.count(),
            SharingRule.objects.count(),
            AuditEvent.objects.count(),
        )

    before = state()
    seed(settings)
    assert state() == before
