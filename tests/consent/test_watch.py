"""Watching (issue #16 item 4): the young person watches an entry or a category and is told
(entry_opened, no content) whenever someone else opens it, at most once per person per entry
per hour; denials for everyone else."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from cases.services import attachment_add, attachment_open, entry_open, entry_withhold
from consent.services import case_close, category_watch, consent_request_approve, entry_watch, share
from coordination.models import Notification
from coordination.services import notification_text

from .helpers import as_user, write_entry

pytestmark = pytest.mark.django_db


def alerts(user):
    return list(Notification.objects.filter(recipient=user, kind="entry_opened").order_by("id"))


def health_note_for_teacher(demo, title="Helsenotat"):
    """A health note by the nurse that the teacher may open by Sara's consent."""
    sara, nurse, teacher = demo["sara"], demo["helsesykepleier"], demo["laerer"]
    note = write_entry(demo.sara_case, nurse, category="health", title=title)
    request = share(entry=note, recipients=[teacher], actor=nurse).consent_request
    consent_request_approve(consent_request=request, actor=sara)
    return note


def test_watching_an_entry_tells_the_youth_when_someone_else_opens_it(demo):
    # Given Sara watches a consented health note
    sara, teacher = demo["sara"], demo["laerer"]
    note = health_note_for_teacher(demo)
    response = as_user(sara).post(f"/api/v1/entries/{note.pk}/watch/")
    assert response.status_code == 201
    assert response.json() == {"entry": note.pk, "watching": True}
    # When the teacher opens it
    entry_open(user=teacher, entry_id=note.pk, via="page")
    # Then Sara is told, with a link to the log of that entry, and no content anywhere
    (alert,) = alerts(sara)
    assert (alert.case_id, alert.entry_id) == (demo.sara_case.pk, note.pk)
    assert alert.target_url == f"/cases/{demo.sara_case.pk}/access-log/?entry={note.pk}"
    assert "Helsenotat" not in notification_text(alert)
    # Her own opens are not alerts
    entry_open(user=sara, entry_id=note.pk, via="page")
    assert len(alerts(sara)) == 1


def test_at_most_one_alert_per_person_per_entry_per_hour(demo):
    sara, teacher, nurse = demo["sara"], demo["laerer"], demo["helsesykepleier"]
    note = health_note_for_teacher(demo)
    entry_watch(entry_id=note.pk, actor=sara, watching=True)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        entry_open(user=teacher, entry_id=note.pk, via="page")
        entry_open(user=teacher, entry_id=note.pk, via="api")
        # Another person is another alert
        entry_open(user=nurse, entry_id=note.pk, via="page")
    assert [a.entry_id for a in alerts(sara)] == [note.pk, note.pk]
    with time_machine.travel(start + timedelta(minutes=59), tick=False):
        entry_open(user=teacher, entry_id=note.pk, via="page")
    assert len(alerts(sara)) == 2
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        entry_open(user=teacher, entry_id=note.pk, via="page")
    assert len(alerts(sara)) == 3


def test_watching_a_category_covers_every_way_to_open(demo, settings, tmp_path):
    # Given Sara watches her school category
    settings.MEDIA_ROOT = tmp_path
    sara, nurse, teacher = demo["sara"], demo["helsesykepleier"], demo["laerer"]
    response = as_user(sara).post(f"/api/v1/cases/{demo.sara_case.pk}/watch/school/")
    assert response.status_code == 201
    notes = [write_entry(demo.sara_case, nurse, category="school", title=f"S{n}") for n in range(3)]
    for note in notes:
        share(entry=note, recipients=[teacher], actor=nurse)
    attachment = attachment_add(
        entry=notes[2],
        uploaded_by=nurse,
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
    )
    # When the teacher opens one on the page, one over the API, and an attachment of the third
    teacher_client = Client()
    teacher_client.force_login(teacher)
    entry_open(user=teacher, entry_id=notes[0].pk, via="page")
    assert as_user(teacher).get(f"/api/v1/entries/{notes[1].pk}/").status_code == 200
    attachment_open(user=teacher, attachment_id=attachment.pk)
    # Then each is an alert; a health note (another category) is not
    other = health_note_for_teacher(demo)
    entry_open(user=teacher, entry_id=other.pk, via="page")
    assert sorted(a.entry_id for a in alerts(sara)) == sorted(n.pk for n in notes)


def test_reading_the_remarks_of_a_watched_entry_is_an_open_too(demo):
    from voice.services import remarks_open

    # Given Sara watches a note; when its author reads its remarks, Sara is told
    sara = demo["sara"]
    note = health_note_for_teacher(demo)
    entry_watch(entry_id=note.pk, actor=sara, watching=True)
    remarks_open(user=demo["helsesykepleier"], entry_id=note.pk, via="remarks")
    assert [a.entry_id for a in alerts(sara)] == [note.pk]


def test_unwatching_stops_the_alerts(demo):
    sara, teacher = demo["sara"], demo["laerer"]
    note = health_note_for_teacher(demo)
    client = as_user(sara)
    client.post(f"/api/v1/entries/{note.pk}/watch/")
    assert client.delete(f"/api/v1/entries/{note.pk}/watch/").status_code == 204
    client.post(f"/api/v1/cases/{demo.sara_case.pk}/watch/health/")
    assert client.delete(f"/api/v1/cases/{demo.sara_case.pk}/watch/health/").status_code == 204
    entry_open(user=teacher, entry_id=note.pk, via="page")
    assert alerts(sara) == []


@pytest.mark.parametrize(
    ("persona", "status"),
    [("nav", 404), ("bup", 404), ("mor", 404), ("laerer", 403), ("helsesykepleier", 403)],
)
def test_only_the_youth_watches_and_what_you_cannot_see_is_404(demo, persona, status):
    note = health_note_for_teacher(demo)
    client = as_user(demo[persona])
    assert client.post(f"/api/v1/entries/{note.pk}/watch/").status_code == status
    assert client.delete(f"/api/v1/entries/{note.pk}/watch/").status_code == status
    category_status = 404 if persona == "nav" else 403
    path = f"/api/v1/cases/{demo.sara_case.pk}/watch/health/"
    assert client.post(path).status_code == category_status


def test_a_withheld_entry_cannot_be_watched_and_is_never_alerted(demo):
    sara, nurse = demo["sara"], demo["helsesykepleier"]
    note = write_entry(demo.sara_case, nurse, category="health", title="Hemmelig")
    entry_withhold(entry_id=note.pk, actor=nurse, reason="Lovpålagt taushet.")
    assert as_user(sara).post(f"/api/v1/entries/{note.pk}/watch/").status_code == 404
    category_watch(case_id=demo.sara_case.pk, category="health", actor=sara, watching=True)
    entry_open(user=nurse, entry_id=note.pk, via="page")
    assert alerts(sara) == []


@pytest.mark.parametrize("category", ["weather", "x" * 300, "%C3%A6"])
def test_an_unknown_category_is_a_400(demo, category):
    response = as_user(demo["sara"]).post(f"/api/v1/cases/{demo.sara_case.pk}/watch/{category}/")
    assert response.status_code == 400


def test_an_unknown_entry_or_case_is_404(demo):
    client = as_user(demo["sara"])
    assert client.post("/api/v1/entries/999999/watch/").status_code == 404
    assert client.post("/api/v1/cases/999999/watch/health/").status_code == 404


def test_watching_on_a_closed_case_is_409(demo):
    note = health_note_for_teacher(demo)
    case_close(case=demo.sara_case, actor=demo["ungdomshjelper"], summary="Ferdig.")
    client = as_user(demo["sara"])
    assert client.post(f"/api/v1/entries/{note.pk}/watch/").status_code == 409
    assert client.post(f"/api/v1/cases/{demo.sara_case.pk}/watch/health/").status_code == 409


def test_watching_twice_keeps_one_watch_and_audits_once(demo):
    from consent.models import Watch
    from coordination.models import AuditEvent

    note = health_note_for_teacher(demo)
    client = as_user(demo["sara"])
    assert client.post(f"/api/v1/entries/{note.pk}/watch/").status_code == 201
    assert client.post(f"/api/v1/entries/{note.pk}/watch/").status_code == 201
    assert Watch.objects.filter(entry=note).count() == 1
    started = AuditEvent.objects.filter(action="watch.started")
    assert started.count() == 1 and started.get().data == {"entry": note.pk}


def test_the_pages_let_the_youth_watch_an_entry_and_a_category(demo):
    sara, teacher = demo["sara"], demo["laerer"]
    note = health_note_for_teacher(demo)
    client = Client()
    client.force_login(sara)
    entry_page = f"/cases/{demo.sara_case.pk}/entries/{note.pk}/"
    assert "Si fra når noen andre åpner dette" in client.get(entry_page).content.decode()
    response = client.post(f"{entry_page}watch/", {"watching": "on"})
    assert response.status_code == 302
    assert "Slutt å si fra" in client.get(entry_page).content.decode()
    log = f"/cases/{demo.sara_case.pk}/access-log/"
    client.post(f"{log}watch/", {"category": "school", "watching": "on"})
    assert "Du får beskjed om skole." in client.get(log).content.decode()
    entry_open(user=teacher, entry_id=note.pk, via="page")
    assert len(alerts(sara)) == 1
    # The teacher has no such button, and posting is refused without a change
    teacher_client = Client()
    teacher_client.force_login(teacher)
    page = teacher_client.get(entry_page).content.decode()
    assert "Si fra når noen andre åpner dette" not in page
    teacher_client.post(f"{entry_page}watch/", {"watching": "on"})
    # An unknown category from the page is a message, not an error
    assert client.post(f"{log}watch/", {"category": "vær", "watching": "on"}).status_code == 302
