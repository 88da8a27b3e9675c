"""Closing and reopening a case (issue #13 item 5): who may, what ends, who is told, the
follow-up reminder, and the pages. Sara's case: the nurse's health note is shared with the
teacher by Sara's consent before the case is closed."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from cases.models import Case, EntryUserObjectPermission, Participant
from consent.models import Disclosure
from consent.services import (
    case_close,
    case_reopen,
    consent_request_approve,
    follow_ups_remind,
    share,
)
from consent.tasks import remind_follow_ups
from coordination.models import AuditEvent, Notification

from ..consent.helpers import as_user, write_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(demo):
    """The nurse's note, shared with the teacher on Sara's consent."""
    nurse = demo["helsesykepleier"]
    note = write_entry(demo.sara_case, nurse)
    request = share(entry=note, recipients=[demo["laerer"]], actor=nurse).consent_request
    consent_request_approve(consent_request=request, actor=demo["sara"])
    return note


def last_notification() -> int:
    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def close_url(case) -> str:
    return f"/api/v1/cases/{case.pk}/close/"


def reopen_url(case) -> str:
    return f"/api/v1/cases/{case.pk}/reopen/"


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_helper_closes_the_case_and_every_disclosure_ends(demo, shared):
    case = demo.sara_case
    before = last_notification()
    response = as_user(demo["bup"]).post(
        close_url(case),
        {"summary": "BUP har avsluttet behandlingen.", "follow_up_on": None},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "closed"
    assert body["summary"] == "BUP har avsluttet behandlingen."
    assert body["closed_by"]["username"] == "bup"
    assert body["follow_up_on"] is None

    case.refresh_from_db()
    assert case.is_closed and case.closed_by == demo["bup"] and case.closed_at is not None
    disclosure = Disclosure.objects.get(entry=shared, recipient=demo["laerer"])
    assert disclosure.withdrawn_at is not None  # the row stays: history kept
    assert disclosure.end_reason == Disclosure.EndReason.CASE_CLOSED
    assert disclosure.withdrawn_by == demo["bup"]
    # Access: the teacher's permission row is gone; the youth and the author still read it.
    assert as_user(demo["laerer"]).get(f"/api/v1/entries/{shared.pk}/").status_code == 404
    assert as_user(demo["sara"]).get(f"/api/v1/entries/{shared.pk}/").status_code == 200
    assert as_user(demo["helsesykepleier"]).get(f"/api/v1/entries/{shared.pk}/").status_code == 200
    assert not EntryUserObjectPermission.objects.filter(
        content_object=shared, user=demo["laerer"]
    ).exists()
    # The team stays as it was.
    assert Participant.objects.active().filter(case=case).count() == 6

    # Told: the youth and everyone on the team but the closer, once each, with no content.
    told = Notification.objects.filter(pk__gt=before)
    assert sorted(told.values_list("recipient__username", "kind")) == sorted(
        (name, "case_closed")
        for name in ("sara", "mor", "laerer", "helsesykepleier", "ungdomshjelper")
    )
    assert set(told.values_list("target_url", flat=True)) == {f"/cases/{case.pk}/"}
    actions = list(
        AuditEvent.objects.filter(case_id=case.pk).order_by("-id").values_list("action", "data")[:2]
    )
    assert actions[1] == ("case.closed", {"follow_up": False})
    assert actions[0][0] == "disclosure.ended"
    assert actions[0][1]["reason"] == "case_closed"


def test_who_knows_what_shows_the_ended_period(demo, shared):
    case_close(case=demo.sara_case, actor=demo["ungdomshjelper"], summary="Ferdig.")
    people = as_user(demo["sara"]).get(f"/api/v1/cases/{demo.sara_case.pk}/who-knows-what/")
    teacher = next(p for p in people.json() if p["person"]["username"] == "laerer")
    row = next(r for r in teacher["entries"] if r["entry"]["id"] == shared.pk)
    assert row["until"] is not None
    assert row["end_reason"] == "case_closed"
    page = browser(demo["sara"]).get(f"/cases/{demo.sara_case.pk}/who-knows-what/")
    assert "saken ble avsluttet" in page.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("sara", 403), ("mor", 403), ("nav", 404), ("admin", 404), ("barnevern", 404)],
)
def test_only_helpers_on_the_case_close_it(demo, shared, persona, status):
    audit = AuditEvent.objects.count()
    response = as_user(demo[persona]).post(
        close_url(demo.sara_case), {"summary": "Ferdig."}, format="json"
    )
    assert response.status_code == status
    demo.sara_case.refresh_from_db()
    assert not demo.sara_case.is_closed
    assert AuditEvent.objects.count() == audit
    assert Disclosure.objects.filter(withdrawn_at__isnull=True, entry=shared).count() == 1


def test_the_404_does_not_tell_whether_a_case_exists(demo):
    missing = as_user(demo["bup"]).post("/api/v1/cases/999999/close/", {"summary": "x"})
    hidden = as_user(demo["bup"]).post(close_url(demo.jonas_case), {"summary": "x"})
    assert missing.status_code == hidden.status_code == 404
    assert missing.json() == hidden.json()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"summary": ""},
        {"summary": "   "},
        {"summary": "x" * 2001},
        {"summary": "Ferdig.", "follow_up_on": "not a date"},
        {"summary": "Ferdig.", "follow_up_on": "2020-01-01"},
        {"summary": ["a list"]},
        {"summary": "Ferdig.\x00"},
    ],
)
def test_bad_input_is_a_400_and_saves_nothing(demo, shared, body):
    audit = AuditEvent.objects.count()
    response = as_user(demo["bup"]).post(close_url(demo.sara_case), body, format="json")
    assert response.status_code == 400, response.content
    demo.sara_case.refresh_from_db()
    assert not demo.sara_case.is_closed and demo.sara_case.closing_summary == ""
    assert AuditEvent.objects.count() == audit


def test_a_follow_up_date_must_not_be_in_the_past_but_today_is_fine(demo):
    yesterday = timezone.localdate() - timedelta(days=1)
    refused = as_user(demo["bup"]).post(
        close_url(demo.sara_case),
        {"summary": "Ferdig.", "follow_up_on": yesterday.isoformat()},
        format="json",
    )
    assert refused.status_code == 400
    assert "follow_up_on" in refused.json()
    today = as_user(demo["bup"]).post(
        close_url(demo.sara_case),
        {"summary": "Ferdig.", "follow_up_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert today.status_code == 200
    assert today.json()["follow_up_on"] == timezone.localdate().isoformat()


def test_closing_twice_is_a_409(demo):
    case_close(case=demo.sara_case, actor=demo["bup"], summary="Ferdig.")
    audit = AuditEvent.objects.count()
    again = as_user(demo["laerer"]).post(
        close_url(demo.sara_case), {"summary": "Igjen."}, format="json"
    )
    assert again.status_code == 409
    assert again.json() == {"detail": "Saken er avsluttet."}
    assert AuditEvent.objects.count() == audit


def test_reopening_an_open_case_is_a_409(demo):
    response = as_user(demo["bup"]).post(reopen_url(demo.sara_case))
    assert response.status_code == 409


@pytest.mark.parametrize(("persona", "status"), [("sara", 403), ("mor", 403), ("nav", 404)])
def test_only_helpers_on_the_case_reopen_it(demo, persona, status):
    case_close(case=demo.sara_case, actor=demo["bup"], summary="Ferdig.")
    response = as_user(demo[persona]).post(reopen_url(demo.sara_case))
    assert response.status_code == status
    demo.sara_case.refresh_from_db()
    assert demo.sara_case.is_closed


def test_reopening_keeps_the_team_and_ended_disclosures_stay_ended(demo, shared):
    case = demo.sara_case
    case_close(case=case, actor=demo["bup"], summary="Ferdig.")
    before = last_notification()
    response = as_user(demo["helsesykepleier"]).post(reopen_url(case))
    assert response.status_code == 200
    assert response.json()["status"] == "open"
    assert response.json()["summary"] == "Ferdig."  # the last closing is kept
    assert response.json()["reopened_at"] is not None
    assert Participant.objects.active().filter(case=case).count() == 6
    assert not Disclosure.objects.filter(entry=shared, withdrawn_at__isnull=True).exists()
    assert as_user(demo["laerer"]).get(f"/api/v1/entries/{shared.pk}/").status_code == 404
    told = Notification.objects.filter(pk__gt=before)
    assert sorted(told.values_list("recipient__username", flat=True)) == sorted(
        ["sara", "mor", "laerer", "bup", "ungdomshjelper"]
    )
    assert set(told.values_list("kind", flat=True)) == {"case_reopened"}
    assert AuditEvent.objects.order_by("-id").values_list("action", flat=True)[0] == "case.reopened"
    # Writing works again, and the author may share again.
    write = as_user(demo["laerer"]).post(
        f"/api/v1/cases/{case.pk}/entries/",
        {"kind": "note", "category": "school", "title": "Igjen"},
        format="json",
    )
    assert write.status_code == 201


def test_reopening_is_refused_after_the_retention_period(demo, settings):
    settings.SAMMEN_REOPEN_WITHIN_DAYS = 30
    closed = timezone.now()
    with time_machine.travel(closed, tick=False):
        case_close(case=demo.sara_case, actor=demo["bup"], summary="Ferdig.")
    with time_machine.travel(closed + timedelta(days=30, seconds=1), tick=False):
        late = as_user(demo["bup"]).post(reopen_url(demo.sara_case))
    assert late.status_code == 409
    demo.sara_case.refresh_from_db()
    assert demo.sara_case.is_closed
    with time_machine.travel(closed + timedelta(days=30), tick=False):
        in_time = as_user(demo["bup"]).post(reopen_url(demo.sara_case))
    assert in_time.status_code == 200


def test_the_reopen_period_is_a_generous_setting_by_default():
    assert django_settings.SAMMEN_REOPEN_WITHIN_DAYS >= 365


# -- the follow-up reminder ---------------------------------------------------------------------


def test_the_closer_is_reminded_on_the_follow_up_date_once(demo):
    start = timezone.now().replace(hour=10)
    with time_machine.travel(start, tick=False):
        follow_up = timezone.localdate() + timedelta(days=3)
        case_close(
            case=demo.sara_case, actor=demo["bup"], summary="Ferdig.", follow_up_on=follow_up
        )
    with time_machine.travel(start + timedelta(days=2), tick=False):
        assert follow_ups_remind() == 0  # the day before: nothing
    with time_machine.travel(start + timedelta(days=3), tick=False):
        assert remind_follow_ups() == 1  # the beat task itself
        assert remind_follow_ups() == 0  # run twice: still one reminder
    with time_machine.travel(start + timedelta(days=4), tick=False):
        assert follow_ups_remind() == 0
    reminders = Notification.objects.filter(kind="follow_up_due")
    assert list(reminders.values_list("recipient__username", "case_id", "target_url")) == [
        ("bup", demo.sara_case.pk, f"/cases/{demo.sara_case.pk}/")
    ]


def test_no_reminder_when_the_case_was_reopened_before_the_date(demo):
    follow_up = timezone.localdate() + timedelta(days=1)
    case_close(case=demo.sara_case, actor=demo["bup"], summary="Ferdig.", follow_up_on=follow_up)
    case_reopen(case=demo.sara_case, actor=demo["bup"])
    assert follow_ups_remind(today=follow_up) == 0
    assert not Notification.objects.filter(kind="follow_up_due").exists()


def test_the_reminder_task_is_on_the_beat_schedule():
    tasks = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert "consent.tasks.remind_follow_ups" in tasks


# -- pages --------------------------------------------------------------------------------------


def test_the_case_page_offers_closing_to_helpers_only(demo):
    url = f"/cases/{demo.sara_case.pk}/"
    close_page = f"/cases/{demo.sara_case.pk}/close/"
    assert close_page in browser(demo["bup"]).get(url).content.decode()
    for persona in ("sara", "mor"):
        assert close_page not in browser(demo[persona]).get(url).content.decode()
        assert browser(demo[persona]).get(close_page).status_code == 403
    assert browser(demo["nav"]).get(close_page).status_code == 404


def test_closing_on_the_page(demo, shared):
    client = browser(demo["ungdomshjelper"])
    close_page = f"/cases/{demo.sara_case.pk}/close/"
    assert client.get(close_page).status_code == 200
    empty = client.post(close_page, {"summary": " "})
    assert empty.status_code == 400
    demo.sara_case.refresh_from_db()
    assert not demo.sara_case.is_closed
    done = client.post(
        close_page, {"summary": "Sara klarer seg fint nå.", "follow_up_on": ""}, follow=True
    )
    assert done.status_code == 200
    html = done.content.decode()
    assert "Saken er avsluttet." in html or "Denne saken er avsluttet" in html
    assert "Sara klarer seg fint nå." in html
    assert 'name="title"' not in html  # no form to write an entry
    demo.sara_case.refresh_from_db()
    assert demo.sara_case.is_closed
    # Reopen on the page.
    reopened = client.post(f"/cases/{demo.sara_case.pk}/reopen/", follow=True)
    assert reopened.status_code == 200
    demo.sara_case.refresh_from_db()
    assert not demo.sara_case.is_closed


def test_the_youth_home_and_the_case_list_show_a_closed_case(demo):
    case_close(case=demo.sara_case, actor=demo["bup"], summary="Ferdig.")
    home = browser(demo["sara"]).get("/").content.decode()
    assert "Saken din ble avsluttet" in home
    listing = browser(demo["laerer"]).get("/cases/").content.decode()
    assert "Avsluttet" in listing and "Åpen" in listing  # Sara's closed, Jonas' open
    case_page = browser(demo["sara"]).get(f"/cases/{demo.sara_case.pk}/").content.decode()
    assert "Du kan fortsatt lese alt om deg." in case_page


def test_the_case_list_keeps_constant_queries_with_closed_cases(demo, django_assert_num_queries):
    case_close(case=demo.sara_case, actor=demo["bup"], summary="Ferdig.")
    with django_assert_num_queries(1):  # the page, not full: no count (youth, closer joined)
        as_user(demo["laerer"]).get("/api/v1/cases/")
    assert Case.objects.filter(status="closed").count() == 1


def test_the_pages_of_a_closed_case_say_so_instead_of_offering_forms(demo, shared):
    """Sara's pages (entry, comments, messages, plan, rules), the organiser's meeting pages and
    Jonas' ungdomshjelper offer: the notice, and no form that would write."""
    from meetings.services import meeting_create

    meeting = meeting_create(
        case=demo.sara_case,
        actor=demo["ungdomshjelper"],
        title="Oppfølging",
        starts_at=timezone.now() + timedelta(days=7),
        place="Rom 1",
    )
    for case in (demo.sara_case, demo.jonas_case):
        case_close(case=case, actor=demo["helsesykepleier"], summary="Ferdig.")
    notice = "Saken er avsluttet. Ingenting nytt kan skrives i den."
    sara_case = demo.sara_case.pk
    pages = {
        "sara": [
            f"/cases/{sara_case}/",
            f"/cases/{sara_case}/messages/",
            f"/cases/{sara_case}/plan/",
            f"/cases/{sara_case}/sharing-rules/",
            f"/cases/{sara_case}/entries/{shared.pk}/remarks/",
        ],
        "helsesykepleier": [f"/cases/{sara_case}/entries/{shared.pk}/"],
        "ungdomshjelper": [f"/meetings/case/{sara_case}/", f"/meetings/{meeting.pk}/"],
        "jonas": [f"/cases/{demo.jonas_case.pk}/ungdomshjelper/"],
    }
    for persona, urls in pages.items():
        client = browser(demo[persona])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert notice in html, url
            assert 'type="submit"' not in html.split("<main", 1)[1].split("</main>")[0], url


def test_closing_cancels_pending_consent_requests_and_a_reopening_does_not_revive_them(demo):
    """A question asked about a case that then ended is not answered after a reopening: the
    request is cancelled at the closing, shown as cancelled, and approving it later is a 409."""
    case, nurse = demo.sara_case, demo["helsesykepleier"]
    note = write_entry(case, nurse)
    request = share(entry=note, recipients=[demo["laerer"]], actor=nurse).consent_request
    case_close(case=case, actor=demo["bup"], summary="Ferdig.")
    request.refresh_from_db()
    assert request.status == "cancelled"
    cancelled = AuditEvent.objects.filter(action="consent.cancelled").order_by("-id").first()
    assert cancelled is not None and cancelled.data["reason"] == "case_closed"
    assert cancelled.data["consent_requests"] == [request.pk]

    case_reopen(case=case, actor=demo["bup"])
    response = as_user(demo["sara"]).post(f"/api/v1/consent-requests/{request.pk}/approve/")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Forespørselen er avbrutt; spør på nytt hvis det fortsatt trengs."
    )
    assert not Disclosure.objects.filter(entry=note, recipient=demo["laerer"]).exists()
    assert (
        as_user(demo["sara"]).get(f"/api/v1/consent-requests/{request.pk}/").json()["status"]
        == "cancelled"
    )
    page = browser(demo["sara"]).get(f"/consent/requests/{request.pk}/")
    assert page.status_code == 200
    assert "avbrutt" in page.content.decode()
    assert "utløpt" not in page.content.decode()
