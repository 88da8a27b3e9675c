"""Ending a guardianship racing shares to that guardian (real PostgreSQL, real threads).

guardianship_end takes every case lock of the youth before it takes the guardian off, and the
share path takes the case lock first, so whichever runs second sees what the first did: no
share lands on a guardian whose guardianship ended, and neither waits on the other forever.
"""

import contextlib
import threading

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from cases.models import Case, EntryUserObjectPermission, Participant
from consent.models import Disclosure
from consent.services import guardianship_end, share, sharing_rule_create
from coordination.demo import MUNICIPAL_ADMINS
from coordination.models import Guardianship
from tests.cases.conftest import seeded
from tests.factories import UserFactory

from .helpers import write_entry
from .test_invariant import actual_rows, expected_rows
from .test_races import in_thread, race

pytestmark = pytest.mark.django_db(transaction=True)


def sara_shares_health_with_mor(settings):
    """Sara (16) lets her mother see what is about her health; the nurse writes and shares."""
    demo = seeded(settings)
    sara, mor = demo["sara"], demo["mor"]
    sharing_rule_create(case=demo.sara_case, actor=sara, category="health", recipient_user=mor)
    staff = UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name=MUNICIPAL_ADMINS))
    guardianship = Guardianship.objects.get(guardian=mor, youth=sara, ended_at=None)
    return demo, staff, guardianship


def assert_mor_is_out(demo):
    case = Case.objects.get(pk=demo.sara_case.pk)
    mor = demo["mor"]
    assert not Participant.objects.active().filter(case=case, user=mor).exists()
    assert not EntryUserObjectPermission.objects.filter(
        user=mor, content_object__case=case
    ).exists()
    assert not Disclosure.objects.filter(
        entry__case=case, recipient=mor, withdrawn_at__isnull=True
    ).exists()
    assert actual_rows(case) == expected_rows(case)


def share_or_refusal(entry, recipients, actor):
    """A share to someone no longer on the team is a clean 400, not an error."""
    try:
        return share(entry=entry, recipients=recipients, actor=actor)
    except ValidationError as refusal:
        return refusal


def test_a_share_waiting_on_the_end_of_a_guardianship_grants_the_guardian_nothing(settings):
    demo, staff, guardianship = sara_shares_health_with_mor(settings)
    entry = write_entry(demo.sara_case, demo["helsesykepleier"])
    race(
        entry.case_id,
        lambda: guardianship_end(guardianship=guardianship, actor=staff, reason="Dom."),
        lambda: share_or_refusal(entry, [demo["mor"]], demo["helsesykepleier"]),
    )
    assert_mor_is_out(demo)


def test_an_end_of_a_guardianship_waiting_on_a_share_ends_what_the_share_granted(settings):
    demo, staff, guardianship = sara_shares_health_with_mor(settings)
    entry = write_entry(demo.sara_case, demo["helsesykepleier"])
    race(
        entry.case_id,
        lambda: share(entry=entry, recipients=[demo["mor"]], actor=demo["helsesykepleier"]),
        lambda: guardianship_end(guardianship=guardianship, actor=staff, reason="Dom."),
    )
    # The share had granted her the entry; the end took it back through the share path
    disclosure = Disclosure.objects.get(entry=entry, recipient=demo["mor"])
    assert disclosure.withdrawn_at is not None
    assert_mor_is_out(demo)


def test_many_shares_to_a_guardian_racing_the_end_of_the_guardianship(settings):
    demo, staff, guardianship = sara_shares_health_with_mor(settings)
    nurse, mor = demo["helsesykepleier"], demo["mor"]
    entries = [write_entry(demo.sara_case, nurse, title=f"H{n}") for n in range(8)]
    start, errors = threading.Barrier(3), []

    def share_half(half):
        start.wait(5)
        for entry in half:
            with contextlib.suppress(ValidationError):  # she is off the team: a clean refusal
                share(entry=entry, recipients=[mor, demo["laerer"]], actor=nurse)

    def end():
        start.wait(5)
        guardianship_end(guardianship=guardianship, actor=staff, reason="Dom i tingretten.")

    threads = [
        in_thread(lambda: share_half(entries[::2]), errors),
        in_thread(end, errors),
        in_thread(lambda: share_half(entries[1::2]), errors),
    ]
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a writer never finished"
    assert not errors, errors  # a deadlock would be an OperationalError here
    assert Guardianship.objects.get(pk=guardianship.pk).ended_at is not None
    assert_mor_is_out(demo)
