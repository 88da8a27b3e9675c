"""Asking for another ungdomshjelper: the young person (or the guardian deciding) asks, the
offer opens again without the current one, and choosing hands the role over. The current
ungdomshjelper is told nothing until someone new is chosen."""

from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from cases.models import Case, Participant
from consent.models import Disclosure
from consent.services import share
from coordination.demo import birth_date_for_age
from coordination.errors import StateConflict
from coordination.models import AuditEvent, Notification, User
from tests.consent.helpers import as_user, write_entry
from tests.consent.test_races import race
from tests.factories import CaseFactory, CoordinatorFactory, ParticipantFactory, UserFactory
from voice.models import UngdomshjelperChange
from voice.services import (
    ungdomshjelper_change_ask,
    ungdomshjelper_change_cancel,
    ungdomshjelper_choose,
)

pytestmark = pytest.mark.django_db


@dataclass
class Team:
    case: Case
    youth: User
    guardian: User
    school: User  # helper for one service
    nurse: User  # helper for another
    coordinator: User  # municipal, not on the case


def team(*, age: int = 16) -> Team:
    """A case with helpers from two services and a guardian; nobody chosen yet."""
    youth = UserFactory(birth_date=birth_date_for_age(age, today=timezone.localdate()))
    case = CaseFactory(youth=youth)
    guardian = ParticipantFactory(case=case, role=Participant.Role.GUARDIAN, service=None).user
    school = ParticipantFactory(case=case).user
    nurse = ParticipantFactory(case=case).user
    return Team(case, youth, guardian, school, nurse, CoordinatorFactory())


def url(case, tail=""):
    return f"/api/v1/cases/{case.pk}/ungdomshjelper/{tail}"


def notified(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind).count()


def test_a_helper_ungdomshjelper_is_replaced_and_stays_as_helper():
    t = team()
    ungdomshjelper_choose(case=t.case, actor=t.youth, chosen=t.school)
    youth = as_user(t.youth)
    before = Notification.objects.filter(recipient=t.school).count()
    # when the young person asks for another ungdomshjelper
    asked = youth.post(url(t.case, "change/"))
    # then the request is open, the offer opens again without the current one
    assert asked.status_code == 201
    body = asked.json()
    assert body["asked_by"]["id"] == t.youth.pk and body["replacing"]["id"] == t.school.pk
    assert body["outcome"] == "" and body["closed_at"] is None
    offer = youth.get(url(t.case)).json()
    assert offer["offered"] is True and offer["current"]["user"]["id"] == t.school.pk
    assert offer["change_request"]["id"] == body["id"]
    assert [c["user"]["id"] for c in offer["candidates"]] == [t.nurse.pk, t.coordinator.pk]
    assert offer["candidates"][1]["presentation"] == "Jeg er ungdomshjelper i kommunen."
    # and the current ungdomshjelper is told nothing (no notification of any kind)
    assert Notification.objects.filter(recipient=t.school).count() == before
    # the current one cannot be chosen again
    again = youth.post(url(t.case), {"user": t.school.pk}, format="json")
    assert again.status_code == 400

    # when the young person chooses the municipal coordinator
    chosen = youth.post(url(t.case), {"user": t.coordinator.pk}, format="json")
    # then the coordinator has the role and is told; the teacher is a helper again and is told
    assert chosen.status_code == 201 and chosen.json()["role"] == "ungdomshjelper"
    school = Participant.objects.get(case=t.case, user=t.school, left=None)
    assert school.role == "helper" and school.service is not None
    assert notified(t.coordinator, "ungdomshjelper_chosen") == 1
    changed = Notification.objects.get(recipient=t.school, kind="ungdomshjelper_changed")
    assert changed.target_url == f"/cases/{t.case.pk}/" and changed.entry_id is None
    change = UngdomshjelperChange.objects.get()
    assert (change.outcome, change.chosen, change.closed_at is not None) == (
        "chosen",
        t.coordinator,
        True,
    )
    assert youth.get(url(t.case)).json()["change_request"] is None
    assert youth.get(url(t.case)).json()["offered"] is False
    # and every step is audited with ids only
    actions = list(
        AuditEvent.objects.filter(case_id=t.case.pk, action__startswith="ungdomshjelper.")
        .order_by("id")
        .values_list("action", "data")
    )
    assert [a for a, _d in actions] == [
        "ungdomshjelper.chosen",
        "ungdomshjelper.change_asked",
        "ungdomshjelper.replaced",
        "ungdomshjelper.chosen",
    ]
    assert actions[2][1] == {"user": t.school.pk, "stays_as_helper": True}
    assert actions[3][1]["change"] == change.pk


def test_a_municipal_coordinator_who_is_replaced_leaves_the_case_and_loses_access():
    t = team()
    ungdomshjelper_choose(case=t.case, actor=t.youth, chosen=t.coordinator)
    entry = write_entry(t.case, t.nurse, category="health")
    share(entry=entry, recipients=[t.coordinator], actor=t.nurse, basis="legal_duty",
          justification="Plikt.")  # fmt: skip
    assert as_user(t.coordinator).get(f"/api/v1/entries/{entry.pk}/").status_code == 200
    youth = as_user(t.youth)
    assert youth.post(url(t.case, "change/")).status_code == 201
    # when the young person chooses the nurse instead
    assert youth.post(url(t.case), {"user": t.nurse.pk}, format="json").status_code == 201
    # then the coordinator has left the case: no case, no entry, and the disclosure ended
    left = Participant.objects.get(case=t.case, user=t.coordinator)
    assert left.left is not None
    coordinator = as_user(t.coordinator)
    assert coordinator.get(f"/api/v1/cases/{t.case.pk}/").status_code == 404
    assert coordinator.get(f"/api/v1/entries/{entry.pk}/").status_code == 404
    assert Disclosure.objects.get(entry=entry).end_reason == "left_case"
    # told only that they are no longer the ungdomshjelper, pointing at their own page
    changed = Notification.objects.get(recipient=t.coordinator, kind="ungdomshjelper_changed")
    assert changed.target_url == "/ungdomshjelper/"
    assert Participant.objects.get(case=t.case, user=t.nurse, left=None).role == "ungdomshjelper"


def test_conflicts_no_ungdomshjelper_or_already_asked():
    t = team()
    youth = as_user(t.youth)
    # no ungdomshjelper yet: nothing to change, nothing to cancel
    assert youth.post(url(t.case, "change/")).status_code == 409
    assert youth.post(url(t.case, "change/cancel/")).status_code == 409
    ungdomshjelper_choose(case=t.case, actor=t.youth, chosen=t.coordinator)
    assert youth.post(url(t.case, "change/")).status_code == 201
    # an open request already: 409, nothing more stored
    assert youth.post(url(t.case, "change/")).status_code == 409
    assert UngdomshjelperChange.objects.count() == 1


def test_the_asker_cancels_and_nobody_is_told():
    t = team(age=13)
    ungdomshjelper_choose(case=t.case, actor=t.guardian, chosen=t.coordinator)
    before = Notification.objects.count()
    # given the guardian who decides asks
    guardian, youth = as_user(t.guardian), as_user(t.youth)
    assert guardian.post(url(t.case, "change/")).status_code == 201
    # the young person sees it (and could choose), but only the asker cancels
    assert youth.get(url(t.case)).json()["change_request"]["asked_by"]["id"] == t.guardian.pk
    assert youth.post(url(t.case, "change/cancel/")).status_code == 403
    cancelled = guardian.post(url(t.case, "change/cancel/"))
    assert cancelled.status_code == 200
    assert cancelled.json()["outcome"] == "cancelled" and cancelled.json()["chosen"] is None
    # then the offer is closed again, the coordinator keeps the role, and nobody was told
    offer = youth.get(url(t.case)).json()
    assert offer["offered"] is False and offer["current"]["user"]["id"] == t.coordinator.pk
    assert Notification.objects.count() == before
    assert AuditEvent.objects.filter(action="ungdomshjelper.change_cancelled").count() == 1
    assert guardian.post(url(t.case, "change/cancel/")).status_code == 409


def test_only_the_young_person_and_a_deciding_guardian_may_ask():
    t = team(age=16)
    ungdomshjelper_choose(case=t.case, actor=t.youth, chosen=t.coordinator)
    other = team()
    # a guardian of a 16-year-old, a helper, the ungdomshjelper themself, and the young
    # person of another case: 404 for the request, the cancel and the offer, as for the choice
    for user, case in [
        (t.guardian, t.case),
        (t.school, t.case),
        (t.coordinator, t.case),
        (other.youth, t.case),
    ]:
        client = as_user(user)
        assert client.post(url(case, "change/")).status_code == 404
        assert client.post(url(case, "change/cancel/")).status_code == 404
        assert client.get(url(case)).status_code == 404
    assert UngdomshjelperChange.objects.count() == 0


def test_the_page_asks_cancels_and_chooses_with_presentations():
    t = team()
    t.nurse.presentation = "Jeg liker <script>alert(1)</script> turer."
    t.nurse.save()
    ungdomshjelper_choose(case=t.case, actor=t.youth, chosen=t.coordinator)
    client = Client()
    client.force_login(t.youth)
    page_url = f"/cases/{t.case.pk}/ungdomshjelper/"
    page = client.get(page_url).content.decode()
    assert "Bytt ungdomshjelper" in page and "Jeg er ungdomshjelper i kommunen." in page
    # asking shows the candidates, with what they wrote about themselves, rendered inert
    asked = client.post(page_url, {"action": "change"}, follow=True).content.decode()
    assert "Velg hvem du vil ha i stedet" in asked
    assert "Velg den nye ungdomshjelperen din" in asked
    assert "Jeg liker &lt;script&gt;alert(1)&lt;/script&gt; turer." in asked
    assert "<script>alert" not in asked
    # cancelling keeps the coordinator
    kept = client.post(page_url, {"action": "cancel"}, follow=True).content.decode()
    assert "Du beholder ungdomshjelperen din" in kept
    assert not UngdomshjelperChange.objects.filter(closed_at=None).exists()
    # asking again: the home page says a new one is being chosen; then choosing the nurse
    client.post(page_url, {"action": "change"})
    assert "Velg den nye ungdomshjelperen din" in client.get("/").content.decode()
    assert client.post(page_url, {"action": "choose"}).status_code == 400
    done = client.post(page_url, {"action": "choose", "chosen": str(t.nurse.pk)}, follow=True)
    assert "er nå ungdomshjelperen din" in done.content.decode()
    assert Participant.objects.get(case=t.case, user=t.nurse, left=None).role == "ungdomshjelper"
    # a guardian of a 16-year-old gets the same 404 as a stranger
    guardian = Client()
    guardian.force_login(t.guardian)
    assert guardian.post(page_url, {"action": "change"}).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_choice_waiting_on_the_cancel_finds_nothing_offered():
    t = team()
    ungdomshjelper_choose(case=t.case, actor=t.youth, chosen=t.coordinator)
    ungdomshjelper_change_ask(case=t.case, actor=t.youth)

    def choose():
        try:
            return ungdomshjelper_choose(case=t.case, actor=t.youth, chosen=t.nurse)
        except StateConflict as conflict:
            return conflict

    # the choice (in a second tab) waits for the case lock held by the cancel, then re-reads
    result = race(
        t.case.pk, lambda: ungdomshjelper_change_cancel(case=t.case, actor=t.youth), choose
    )
    assert isinstance(result, StateConflict)
    active = Participant.objects.filter(case=t.case, left=None, role="ungdomshjelper")
    assert [p.user for p in active] == [t.coordinator]
    assert UngdomshjelperChange.objects.get().outcome == "cancelled"
