"""Issue #12 item 8, corrections: the author accepts a correction on the text they read (the
entry's version: the number of earlier texts); a text changed since is not overwritten: 409 with
both versions and nothing written (API), a message and nothing written (page)."""

import re

import pytest
from django.test import Client

from cases.models import Entry
from coordination.errors import VersionConflict
from tests.cases.conftest import seeded
from tests.consent.helpers import as_user
from tests.consent.test_races import race
from voice.models import EntryVersion, Remark
from voice.services import correction_accept, remark_create

ABSENCE = "Fravær i matematikk"


def two_corrections(demo):
    """Jonas proposes two different texts for the teacher's note, both against its first text."""
    entry = Entry.objects.get(case=demo.jonas_case, title=ABSENCE)
    remarks = [
        remark_create(
            entry_id=entry.pk,
            author=demo["jonas"],
            kind="correction",
            text="Feil antall.",
            proposed_body=body,
        )
        for body in ("Borte fra to timer.", "Borte fra tre timer.")
    ]
    return entry, remarks


@pytest.mark.django_db
def test_accepting_on_a_text_that_changed_is_409_with_both_and_writes_nothing(demo):
    entry, (first, second) = two_corrections(demo)
    teacher = as_user(demo["laerer"])
    versions = teacher.get(f"/api/v1/entries/{entry.pk}/versions/").json()["count"]
    assert versions == 0
    # The first is accepted on version 0: the entry is now at version 1
    accepted = teacher.post(f"/api/v1/remarks/{first.pk}/accept/", {"version": 0}, format="json")
    assert accepted.status_code == 200
    # The second, also read on version 0: 409 with both, the text stays, the remark stays open
    response = teacher.post(f"/api/v1/remarks/{second.pk}/accept/", {"version": 0}, format="json")
    assert response.status_code == 409
    assert (response.json()["yours"], response.json()["current"]) == (0, 1)
    entry.refresh_from_db()
    assert entry.body == "Borte fra to timer."
    second.refresh_from_db()
    assert second.status == Remark.Status.OPEN
    assert EntryVersion.objects.filter(entry=entry).count() == 1
    # On the text as it is now, it goes through
    again = teacher.post(f"/api/v1/remarks/{second.pk}/accept/", {"version": 1}, format="json")
    assert again.status_code == 200


@pytest.mark.django_db
def test_the_page_accepts_only_on_the_text_it_showed(demo):
    entry, (first, second) = two_corrections(demo)
    client = Client()
    client.force_login(demo["laerer"])
    url = f"/cases/{entry.case_id}/entries/{entry.pk}/remarks/"
    shown = re.search(r'name="version" value="(\d+)"', client.get(url).content.decode())
    assert shown and shown.group(1) == "0"
    correction_accept(remark=first, actor=demo["laerer"], version=0)
    client.post(url, {"action": "accept", "remark": second.pk, "version": shown.group(1)})
    second.refresh_from_db()
    entry.refresh_from_db()
    assert second.status == Remark.Status.OPEN and entry.body == "Borte fra to timer."
    client.post(url, {"action": "accept", "remark": second.pk, "version": "1"})
    second.refresh_from_db()
    assert second.status == Remark.Status.ACCEPTED


@pytest.mark.django_db(transaction=True)
def test_two_accepts_on_the_same_text_race_and_one_is_refused(settings):
    demo = seeded(settings)
    entry, (first, second) = two_corrections(demo)

    def accept_second():
        try:
            correction_accept(remark=second, actor=demo["laerer"], version=0)
        except VersionConflict as conflict:
            return (conflict.yours, conflict.current)
        return "accepted"

    # The first accept holds the case lock while the second, on the same text, waits on it
    outcome = race(
        entry.case_id,
        lambda: correction_accept(remark=first, actor=demo["laerer"], version=0),
        accept_second,
    )
    assert outcome == (0, 1)
    entry.refresh_from_db()
    assert entry.body == "Borte fra to timer."
    assert EntryVersion.objects.filter(entry=entry).count() == 1
