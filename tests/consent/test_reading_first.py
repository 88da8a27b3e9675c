"""Reading first (issue #16 item 6): with it on, a share under a standing rule of a new entry
waits until the young person has opened it, said "share it", or SAMMEN_READ_FIRST_HOURS have
passed; the sharer sees that it waits. Consent requests and legal duty do not wait. A
withdrawal, an ended rule or a closed case before the release means nothing is shared."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from cases.models import Entry, Participant
from cases.services import entry_open
from consent.models import Disclosure, HeldShare, ReadingFirst
from consent.services import (
    case_close,
    held_share_withdraw,
    held_shares_release,
    held_shares_timeout,
    participant_remove,
    reading_first_set,
    share,
    sharing_rule_create,
    sharing_rule_end,
)
from coordination.models import AuditEvent, Notification
from coordination.services import notification_text
from tests.factories import page_client

from .helpers import as_user, write_entry

pytestmark = pytest.mark.django_db


def reading_first(demo):
    reading_first_set(case_id=demo.sara_case.pk, actor=demo["sara"], on=True)


def school_note_shared_to_teacher(demo, title="Prøver"):
    """The nurse writes a school note and shares it with the teacher under Sara's seeded
    school -> helpers rule."""
    note = write_entry(demo.sara_case, demo["helsesykepleier"], category="school", title=title)
    return note, share(entry=note, recipients=[demo["laerer"]], actor=demo["helsesykepleier"])


def teacher_sees(demo, note) -> bool:
    return as_user(demo["laerer"]).get(f"/api/v1/entries/{note.pk}/").status_code == 200


def test_the_setting_is_the_young_person_s(demo):
    url = f"/api/v1/cases/{demo.sara_case.pk}/reading-first/"
    sara = as_user(demo["sara"])
    assert sara.get(url).json() == {"on": False, "hours": 72}
    assert sara.put(url, {"on": True}, format="json").json() == {"on": True, "hours": 72}
    assert ReadingFirst.objects.filter(case=demo.sara_case).exists()
    # Idempotent: saying it again writes nothing more
    before = AuditEvent.objects.filter(action="reading_first.on").count()
    assert sara.put(url, {"on": True}, format="json").status_code == 200
    assert AuditEvent.objects.filter(action="reading_first.on").count() == before == 1
    # Bad input: 400, nothing changed
    for bad in ({}, {"on": "perhaps"}, {"on": None}):
        response = sara.put(url, bad, format="json")
        assert response.status_code == 400 and "on" in response.json()
    assert sara.get(url).json()["on"] is True
    # Others on the case: 403; outsiders: 404; someone else's case: 404
    for name in ("laerer", "mor", "ungdomshjelper"):
        assert as_user(demo[name]).get(url).status_code == 403
        assert as_user(demo[name]).put(url, {"on": False}, format="json").status_code == 403
    assert as_user(demo["nav"]).get(url).status_code == 404
    assert as_user(demo["nav"]).put(url, {"on": False}, format="json").status_code == 404
    jonas_url = f"/api/v1/cases/{demo.jonas_case.pk}/reading-first/"
    assert sara.put(jonas_url, {"on": True}, format="json").status_code == 404
    assert sara.get("/api/v1/cases/999999/reading-first/").status_code == 404
    assert ReadingFirst.objects.count() == 1


def test_a_rule_share_waits_until_sara_opens_the_note(demo):
    # Given Sara reads first
    reading_first(demo)
    sara, nurse, teacher = demo["sara"], demo["helsesykepleier"], demo["laerer"]
    note = write_entry(demo.sara_case, nurse, category="school", title="Prøver")
    # When the nurse shares under the school rule
    response = as_user(nurse).post(
        f"/api/v1/entries/{note.pk}/share/", {"recipients": [teacher.pk]}, format="json"
    )
    # Then it waits: 202, the teacher cannot open it, and Sara is told without content
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "waiting_for_youth"
    (held,) = body["held"]
    assert held["recipient"]["id"] == teacher.pk and held["end_reason"] == ""
    assert not teacher_sees(demo, note)
    (waiting,) = Notification.objects.filter(recipient=sara, kind="share_waiting")
    assert waiting.target_url == f"/cases/{demo.sara_case.pk}/reading-first/"
    assert "Prøver" not in notification_text(waiting)
    assert not Notification.objects.filter(recipient=teacher, kind="entry_received").exists()
    # The sharer sees "venter på at Sara leser" in the entry API and on the page
    (line,) = as_user(nurse).get(f"/api/v1/entries/{note.pk}/").json()["notes"]
    assert line["kind"] == "waiting_for_youth"
    assert line["text"].startswith(f"Venter på at {sara.name} leser det")
    assert [p["id"] for p in line["people"]] == [teacher.pk]
    page = page_client(nurse).get(f"/cases/{demo.sara_case.pk}/entries/{note.pk}/")
    assert f"Venter på at {sara.name} leser det" in page.content.decode()
    # Sharing again with the same person while it waits: 400, nothing more
    again = as_user(nurse).post(
        f"/api/v1/entries/{note.pk}/share/", {"recipients": [teacher.pk]}, format="json"
    )
    assert again.status_code == 400
    assert HeldShare.objects.count() == 1
    # When Sara opens the note, it goes out through the share path
    entry_open(user=sara, entry_id=note.pk, via="page")
    assert teacher_sees(demo, note)
    disclosure = Disclosure.objects.get(entry=note, recipient=teacher)
    assert disclosure.basis == "agreement" and disclosure.rule is not None
    held_row = HeldShare.objects.get()
    assert (held_row.end_reason, held_row.disclosure) == ("opened", disclosure)
    assert Notification.objects.filter(recipient=teacher, kind="entry_received").exists()
    assert as_user(nurse).get(f"/api/v1/entries/{note.pk}/").json()["notes"] == []
    # Opening it again releases nothing more
    entry_open(user=sara, entry_id=note.pk, via="api")
    assert Disclosure.objects.filter(entry=note).count() == 1


def test_an_automatic_share_waits_too_and_goes_out_when_the_time_has_run_out(demo, settings):
    settings.SAMMEN_READ_FIRST_HOURS = 2
    reading_first(demo)
    teacher = demo["laerer"]
    sharing_rule_create(
        case=demo.sara_case,
        actor=demo["sara"],
        category="health",
        recipient_user=teacher,
        automatic=True,
    )
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        response = as_user(demo["helsesykepleier"]).post(
            f"/api/v1/cases/{demo.sara_case.pk}/entries/",
            {"kind": "note", "category": "health", "title": "Søvn", "body": ""},
            format="json",
        )
    assert response.status_code == 201
    note = Entry.objects.get(pk=response.json()["id"])
    ((line),) = response.json()["notes"]
    assert line["kind"] == "waiting_for_youth"
    assert line["until"] is not None
    assert HeldShare.objects.get().automatic
    assert not teacher_sees(demo, note)
    # Before the time: the beat shares nothing
    with time_machine.travel(start + timedelta(hours=1, minutes=59), tick=False):
        assert held_shares_timeout() == 0
    assert not teacher_sees(demo, note)
    # After it: shared automatically, once
    with time_machine.travel(start + timedelta(hours=2, minutes=1), tick=False):
        assert held_shares_timeout() == 1
        assert held_shares_timeout() == 0
    assert teacher_sees(demo, note)
    disclosure = Disclosure.objects.get(entry=note)
    assert disclosure.automatic and HeldShare.objects.get().end_reason == "timeout"
    (shared_line,) = (
        as_user(demo["helsesykepleier"]).get(f"/api/v1/entries/{note.pk}/").json()["notes"]
    )
    assert shared_line["kind"] == "shared_automatically"


def test_share_it_releases_at_once_and_only_the_young_person_says_so(demo):
    reading_first(demo)
    note, result = school_note_shared_to_teacher(demo)
    assert result.status == "waiting_for_youth"
    url = f"/api/v1/entries/{note.pk}/held-shares/release/"
    # The sharer may not say it for her; someone who cannot see the note: 404
    assert as_user(demo["helsesykepleier"]).post(url).status_code == 403
    assert as_user(demo["laerer"]).post(url).status_code == 404
    assert as_user(demo["nav"]).post(url).status_code == 404
    assert (
        as_user(demo["sara"]).post("/api/v1/entries/999999/held-shares/release/").status_code == 404
    )
    assert not teacher_sees(demo, note)
    response = as_user(demo["sara"]).post(url)
    assert response.status_code == 200, response.content
    assert [d["recipient"]["id"] for d in response.json()["disclosures"]] == [demo["laerer"].pk]
    assert teacher_sees(demo, note)
    assert HeldShare.objects.get().end_reason == "youth_said"
    # Nothing waits any more: 409
    assert as_user(demo["sara"]).post(url).status_code == 409
    # A later rule share of the same note goes out at once
    assert share(entry=note, recipients=[demo["bup"]], actor=demo["helsesykepleier"]).status == (
        "shared"
    )


def test_the_list_of_what_waits(demo, django_assert_max_num_queries):
    reading_first(demo)
    nurse, teacher = demo["helsesykepleier"], demo["laerer"]
    for n in range(3):
        school_note_shared_to_teacher(demo, title=f"S{n}")
    other = write_entry(demo.sara_case, teacher, category="school", title="Fra læreren")
    share(entry=other, recipients=[nurse], actor=teacher)
    url = f"/api/v1/cases/{demo.sara_case.pk}/held-shares/"
    with django_assert_max_num_queries(4):  # count + page (entry, people and rule joined)
        mine = as_user(demo["sara"]).get(url).json()
    assert mine["count"] == 4
    assert as_user(nurse).get(url).json()["count"] == 3
    assert as_user(teacher).get(url).json()["count"] == 1
    assert as_user(demo["mor"]).get(url).json()["count"] == 0
    assert as_user(demo["nav"]).get(url).status_code == 404


def test_a_withdrawal_before_the_release_shares_nothing(demo):
    reading_first(demo)
    note, result = school_note_shared_to_teacher(demo)
    (held,) = result.held
    url = f"/api/v1/held-shares/{held.pk}/withdraw/"
    # Nobody else may stop it, or even see it
    for name in ("laerer", "bup", "mor", "nav"):
        assert as_user(demo[name]).post(url).status_code == 404
    response = as_user(demo["sara"]).post(url)
    assert response.status_code == 200
    assert response.json()["end_reason"] == "withdrawn"
    assert as_user(demo["sara"]).post(url).status_code == 409
    # The sharer is told it will not go out; opening it shares nothing
    assert Notification.objects.filter(
        recipient=demo["helsesykepleier"], kind="held_share_withdrawn"
    ).exists()
    entry_open(user=demo["sara"], entry_id=note.pk, via="page")
    assert not teacher_sees(demo, note)
    assert not Disclosure.objects.filter(entry=note).exists()


def test_the_sharer_may_stop_it_too(demo):
    reading_first(demo)
    _note, result = school_note_shared_to_teacher(demo)
    held = held_share_withdraw(held_share_id=result.held[0].pk, actor=demo["helsesykepleier"])
    assert held.end_reason == "withdrawn"
    assert Notification.objects.filter(recipient=demo["sara"], kind="held_share_withdrawn").exists()


def test_an_ended_rule_or_a_closed_case_before_the_release_shares_nothing(demo):
    reading_first(demo)
    note, _result = school_note_shared_to_teacher(demo)
    rule = demo.sara_case.sharing_rules.get(category="school")
    sharing_rule_end(rule=rule, actor=demo["sara"])
    entry_open(user=demo["sara"], entry_id=note.pk, via="page")
    assert not teacher_sees(demo, note)
    assert HeldShare.objects.get().end_reason == "rule_ended"
    # A closed case: what waits ends with it, and the beat later shares nothing
    other = write_entry(demo.sara_case, demo["helsesykepleier"], category="general")
    share(entry=other, recipients=[demo["ungdomshjelper"]], actor=demo["helsesykepleier"])
    assert HeldShare.objects.filter(entry=other, ended_at__isnull=True).exists()
    case_close(case=demo.sara_case, actor=demo["ungdomshjelper"], summary="Ferdig.")
    assert HeldShare.objects.get(entry=other).end_reason == "case_closed"
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        assert held_shares_timeout() == 0
    assert not Disclosure.objects.filter(entry=other, withdrawn_at__isnull=True).exists()


def test_someone_who_left_gets_nothing(demo):
    reading_first(demo)
    note, _result = school_note_shared_to_teacher(demo)
    teacher_participant = Participant.objects.active().get(case=demo.sara_case, user=demo["laerer"])
    participant_remove(participant=teacher_participant, actor=demo["ungdomshjelper"])
    held_shares_release(entry_id=note.pk, actor=demo["sara"])
    assert HeldShare.objects.get().end_reason == "left_case"
    assert not Disclosure.objects.filter(entry=note).exists()


def test_consent_requests_legal_duty_and_read_notes_do_not_wait(demo):
    reading_first(demo)
    sara, nurse, teacher = demo["sara"], demo["helsesykepleier"], demo["laerer"]
    # A consent request (no rule covers health -> teacher) is asked at once
    health = write_entry(demo.sara_case, nurse, category="health")
    assert share(entry=health, recipients=[teacher], actor=nurse).status == "consent_requested"
    # Legal duty goes at once
    welfare = write_entry(demo.sara_case, nurse, category="child_welfare")
    legal = share(
        entry=welfare,
        recipients=[teacher],
        actor=nurse,
        basis="legal_duty",
        justification="Opplysningsplikt.",
    )
    assert legal.status == "shared"
    # A note Sara has read already, and one older than the time to read first
    read = write_entry(demo.sara_case, nurse, category="school")
    entry_open(user=sara, entry_id=read.pk, via="page")
    assert share(entry=read, recipients=[teacher], actor=nurse).status == "shared"
    with time_machine.travel(timezone.now() - timedelta(hours=73)):
        old = write_entry(demo.sara_case, nurse, category="school")
    assert share(entry=old, recipients=[teacher], actor=nurse).status == "shared"
    # Minutes Sara approved before they are sent out do not wait for her again
    minutes = write_entry(demo.sara_case, nurse, category="school", kind="minutes")
    assert share(entry=minutes, recipients=[teacher], actor=nurse).status == "shared"
    assert not HeldShare.objects.exists()


def test_turning_it_off_shares_what_waited(demo):
    reading_first(demo)
    note, _result = school_note_shared_to_teacher(demo)
    reading_first_set(case_id=demo.sara_case.pk, actor=demo["sara"], on=False)
    assert teacher_sees(demo, note)
    assert HeldShare.objects.get().end_reason == "turned_off"


def test_the_page_in_plain_words(demo):
    sara, nurse = demo["sara"], demo["helsesykepleier"]
    client = page_client(sara)
    url = f"/cases/{demo.sara_case.pk}/reading-first/"
    page = client.get(url).content.decode()
    assert "Jeg vil lese det først" in page
    response = client.post(f"{url}switch/", {"on": "on"}, follow=True)
    assert "Det er på" in response.content.decode()
    note, _result = school_note_shared_to_teacher(demo, title="Tilrettelegging")
    page = client.get(url).content.decode()
    assert "«Tilrettelegging»" in page and "Del det" in page
    # The case page says something waits for her
    assert "1 venter på deg" in client.get(f"/cases/{demo.sara_case.pk}/").content.decode()
    response = client.post(f"/cases/{demo.sara_case.pk}/entries/{note.pk}/share-now/", follow=True)
    assert response.status_code == 200
    assert teacher_sees(demo, note)
    # The sharer's page lists what of theirs waits, and a stranger gets 404
    assert page_client(nurse).get(url).status_code == 200
    assert page_client(demo["nav"]).get(url).status_code == 404
    # The teacher cannot turn it off for her: refused on the page, nothing changed
    refused = page_client(demo["laerer"]).post(f"{url}switch/", {}, follow=True)
    assert "Bare ungdommen" in refused.content.decode()
    assert ReadingFirst.objects.filter(case=demo.sara_case).exists()


def test_the_sharer_is_told_on_the_page_it_waits(demo):
    reading_first(demo)
    nurse, teacher = demo["helsesykepleier"], demo["laerer"]
    note = write_entry(demo.sara_case, nurse, category="school")
    client = page_client(nurse)
    response = client.post(
        f"/cases/{demo.sara_case.pk}/entries/{note.pk}/share/",
        {"recipients": [teacher.pk], "basis": "auto"},
        follow=True,
    )
    page = response.content.decode()
    assert f"venter på at {demo['sara'].name} leser det først" in page
    # The form no longer offers the teacher, whom it waits to go to
    assert f'value="{teacher.pk}"' not in page
