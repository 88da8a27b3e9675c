"""Consent that ends by itself (#16 item 1): a standing rule or an approval with a last day.
Access ends at midnight after it, in the one access rule (cases.selectors.entries_visible)
before the sweep has run; the sweep then records it (reason expired), revokes, and tells the
recipient and the young person, once. History is kept."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import timezone

from cases.models import EntryUserObjectPermission
from cases.selectors import entries_visible
from consent.models import ConsentRequest, Disclosure, SharingRule
from consent.periods import (
    MAX_YEARS_AHEAD,
    Ends,
    ends_at,
    latest_until,
    school_year_end,
    until_for,
)
from consent.services import disclosures_expire
from consent.tasks import expire_disclosures
from coordination.models import Notification
from coordination.months import add_months

from .helpers import as_user, write_entry
from .test_pages import client_for

pytestmark = pytest.mark.django_db


# -- the periods (pure) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 3, 3), 24, date(2028, 3, 3)),
        (date(2028, 2, 29), 24, date(2030, 2, 28)),
        # Backwards, as the catalogue's review cutoff counts six months.
        (date(2027, 8, 31), -6, date(2027, 2, 28)),
        (date(2028, 8, 31), -6, date(2028, 2, 29)),
        (date(2027, 1, 15), -6, date(2026, 7, 15)),
        (date(2026, 12, 1), -12, date(2025, 12, 1)),
    ],
)
def test_months_ahead_or_back_keep_the_day_or_take_the_month_s_last(day, months, expected):
    assert add_months(day, months) == expected


def test_the_school_year_ends_next_june_or_this_one():
    june_20 = (6, 20)
    assert school_year_end(today=date(2026, 11, 30), month_day=june_20) == date(2027, 6, 20)
    assert school_year_end(today=date(2027, 6, 20), month_day=june_20) == date(2027, 6, 20)
    assert school_year_end(today=date(2027, 6, 21), month_day=june_20) == date(2028, 6, 20)


def test_each_choice_gives_its_last_day():
    today, june_20 = date(2026, 11, 30), (6, 20)
    assert until_for(ends=Ends.NEVER, today=today, month_day=june_20) is None
    assert until_for(ends=Ends.ONE_MONTH, today=today, month_day=june_20) == date(2026, 12, 30)
    assert until_for(ends=Ends.THREE_MONTHS, today=today, month_day=june_20) == date(2027, 2, 28)
    assert until_for(ends=Ends.SCHOOL_YEAR, today=today, month_day=june_20) == date(2027, 6, 20)
    chosen = date(2027, 1, 5)
    assert until_for(ends=Ends.DATE, today=today, month_day=june_20, chosen=chosen) == chosen


def test_access_ends_at_norwegian_midnight_after_the_last_day():
    moment = ends_at(date(2027, 3, 3))
    assert moment is not None
    assert timezone.localtime(moment).replace(tzinfo=None) == datetime(2027, 3, 4, 0, 0)
    assert ends_at(None) is None


# -- the API -----------------------------------------------------------------------------------


def _rules_url(demo):
    return f"/api/v1/cases/{demo.sara_case.pk}/sharing-rules/"


@pytest.mark.parametrize(
    "until",
    [
        lambda today: today - timedelta(days=1),
        lambda today: latest_until(today) + timedelta(days=1),
        lambda today: "not a date",
        lambda today: "2027-02-30",
    ],
    ids=["yesterday", "past-two-years", "not-a-date", "no-such-day"],
)
def test_a_rule_end_date_in_the_past_or_too_far_ahead_is_400_and_saves_nothing(demo, until):
    rules_before = SharingRule.objects.count()
    value = until(timezone.localdate())
    body = {"category": "health", "recipient_role": "helper", "until": str(value)}
    response = as_user(demo["sara"]).post(_rules_url(demo), body, format="json")
    assert response.status_code == 400, response.content
    assert "until" in response.json()
    assert SharingRule.objects.count() == rules_before


def test_today_and_two_years_ahead_are_the_limits_of_an_end_date(demo):
    today = timezone.localdate()
    for until in (today, latest_until(today)):
        body = {"category": "health", "recipient_role": "helper", "until": until.isoformat()}
        response = as_user(demo["sara"]).post(_rules_url(demo), body, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["until"] == until.isoformat()
    assert latest_until(today) == add_months(today, 12 * MAX_YEARS_AHEAD)


def _school_rule_for_a_month(demo) -> tuple[dict, date]:
    """Sara sets her school rule to end in a month (replacing the open-ended one)."""
    sara = as_user(demo["sara"])
    for rule in SharingRule.objects.filter(case=demo.sara_case, category="school"):
        assert sara.delete(f"/api/v1/sharing-rules/{rule.pk}/").status_code == 204
    until = add_months(timezone.localdate(), 1)
    response = sara.post(
        _rules_url(demo),
        {"category": "school", "recipient_role": "helper", "until": until.isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json(), until


def _share_school_note(demo, title="Tilrettelegging ved prøver"):
    entry = write_entry(demo.sara_case, demo["helsesykepleier"], category="school", title=title)
    response = as_user(demo["helsesykepleier"]).post(
        f"/api/v1/entries/{entry.pk}/share/",
        {"recipients": [demo["laerer"].pk], "purpose": "Tilrettelegging."},
        format="json",
    )
    return entry, response


def test_access_under_a_rule_that_ran_out_is_refused_before_the_sweep(demo):
    rule, until = _school_rule_for_a_month(demo)
    entry, response = _share_school_note(demo)
    assert response.status_code == 201
    disclosure = response.json()["disclosures"][0]
    assert disclosure["rule"] == rule["id"]
    assert datetime.fromisoformat(disclosure["until"]) == ends_at(until)
    teacher = as_user(demo["laerer"])
    entry_url = f"/api/v1/entries/{entry.pk}/"
    last_day = timezone.make_aware(datetime.combine(until, time(23, 59)))
    with time_machine.travel(last_day, tick=False):
        assert teacher.get(entry_url).status_code == 200
    with time_machine.travel(ends_at(until), tick=False):
        # The sweep has not run: the disclosure is still unstamped, yet nothing opens it.
        assert Disclosure.objects.get(pk=disclosure["id"]).withdrawn_at is None
        assert teacher.get(entry_url).status_code == 404
        listed = teacher.get(f"/api/v1/cases/{demo.sara_case.pk}/entries/").json()
        assert entry.pk not in {row["id"] for row in listed["results"]}
        assert not entries_visible(user=demo["laerer"]).filter(pk=entry.pk).exists()
        assert Client_page_status(demo["laerer"], entry) == 404
        # The rule covers no new note: the next school note asks Sara instead.
        rules = as_user(demo["sara"]).get(_rules_url(demo)).json()
        assert rule["id"] not in {row["id"] for row in rules["results"]}
        _next, response = _share_school_note(demo, title="Neste skolenotat")
        assert response.status_code == 202
        assert response.json()["status"] == "consent_requested"


def Client_page_status(user, entry) -> int:
    return client_for(user).get(f"/cases/{entry.case_id}/entries/{entry.pk}/").status_code


def test_the_sweep_ends_what_ran_out_once_tells_both_and_keeps_the_history(demo):
    rule, until = _school_rule_for_a_month(demo)
    entry, response = _share_school_note(demo)
    disclosure_id = response.json()["disclosures"][0]["id"]
    with time_machine.travel(ends_at(until) + timedelta(minutes=3), tick=False):
        assert expire_disclosures.apply().get() == 1
        disclosure = Disclosure.objects.get(pk=disclosure_id)
        assert disclosure.end_reason == "expired"
        # Stamped when access ended, not when the sweep happened to run.
        assert disclosure.withdrawn_at == ends_at(until)
        assert disclosure.withdrawn_by is None
        assert not EntryUserObjectPermission.objects.filter(
            content_object=entry, user=demo["laerer"]
        ).exists()
        assert SharingRule.objects.get(pk=rule["id"]).ended_at == ends_at(until)
        told = set(
            Notification.objects.filter(kind="disclosure_expired", entry_id=entry.pk).values_list(
                "recipient__username", flat=True
            )
        )
        assert told == {"laerer", "sara"}
        count = Notification.objects.count()
        # A second run (or a second worker) finds nothing.
        assert disclosures_expire() == 0
        assert Notification.objects.count() == count
        # Who-knows-what keeps the period and says why it ended.
        people = (
            as_user(demo["sara"]).get(f"/api/v1/cases/{demo.sara_case.pk}/who-knows-what/").json()
        )
        teacher = next(p for p in people if p["person"]["username"] == "laerer")
        row = next(r for r in teacher["entries"] if r["disclosure"] == disclosure_id)
        assert row["end_reason"] == "expired"
        assert datetime.fromisoformat(row["until"]) == ends_at(until)


def test_who_knows_what_shows_the_end_before_and_after_it_comes(demo):
    _rule, until = _school_rule_for_a_month(demo)
    _entry, response = _share_school_note(demo)
    disclosure_id = response.json()["disclosures"][0]["id"]
    url = f"/api/v1/cases/{demo.sara_case.pk}/who-knows-what/"

    def row():
        people = as_user(demo["sara"]).get(url).json()
        teacher = next(p for p in people if p["person"]["username"] == "laerer")
        return next(r for r in teacher["entries"] if r["disclosure"] == disclosure_id)

    assert row()["end_reason"] == ""
    assert datetime.fromisoformat(row()["until"]) == ends_at(until)
    with time_machine.travel(ends_at(until), tick=False):
        assert row()["end_reason"] == "expired"


def _health_request(demo) -> tuple[int, ConsentRequest]:
    entry = write_entry(demo.sara_case, demo["helsesykepleier"], category="health")
    response = as_user(demo["helsesykepleier"]).post(
        f"/api/v1/entries/{entry.pk}/share/",
        {"recipients": [demo["bup"].pk], "purpose": "Behandling."},
        format="json",
    )
    assert response.status_code == 202
    return entry.pk, ConsentRequest.objects.get(pk=response.json()["consent_request"]["id"])


def test_an_approval_until_today_ends_at_midnight(demo):
    entry_id, request = _health_request(demo)
    today = timezone.localdate()
    response = as_user(demo["sara"]).post(
        f"/api/v1/consent-requests/{request.pk}/approve/",
        {"until": today.isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["until"] == today.isoformat()
    bup = as_user(demo["bup"])
    assert bup.get(f"/api/v1/entries/{entry_id}/").status_code == 200
    with time_machine.travel(ends_at(today), tick=False):
        assert bup.get(f"/api/v1/entries/{entry_id}/").status_code == 404
        assert disclosures_expire() == 1
        assert Disclosure.objects.get(request=request).end_reason == "expired"
        assert bup.get(f"/api/v1/entries/{entry_id}/").status_code == 404


@pytest.mark.parametrize("days", [-1, 800])
def test_an_approval_with_a_bad_end_date_is_400_and_shares_nothing(demo, days):
    _entry_id, request = _health_request(demo)
    until = timezone.localdate() + timedelta(days=days)
    response = as_user(demo["sara"]).post(
        f"/api/v1/consent-requests/{request.pk}/approve/",
        {"until": until.isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert "until" in response.json()
    request.refresh_from_db()
    assert request.status == "pending"
    assert not Disclosure.objects.filter(request=request).exists()


def test_an_approval_without_an_end_date_lasts(demo):
    entry_id, request = _health_request(demo)
    assert (
        as_user(demo["sara"]).post(f"/api/v1/consent-requests/{request.pk}/approve/").status_code
        == 200
    )
    assert Disclosure.objects.get(request=request).until is None
    with time_machine.travel(timezone.now() + timedelta(days=800), tick=False):
        assert disclosures_expire() == 0
        assert as_user(demo["bup"]).get(f"/api/v1/entries/{entry_id}/").status_code == 200


def test_sharing_again_after_the_end_works_before_the_sweep(demo):
    """The share path records what ran out under the case lock first, so the ended disclosure
    neither blocks a new one (one active disclosure per entry and person) nor lingers."""
    entry_id, request = _health_request(demo)
    today = timezone.localdate()
    sara = as_user(demo["sara"])
    sara.post(
        f"/api/v1/consent-requests/{request.pk}/approve/", {"until": str(today)}, format="json"
    )
    with time_machine.travel(ends_at(today) + timedelta(hours=9), tick=False):
        response = as_user(demo["helsesykepleier"]).post(
            f"/api/v1/entries/{entry_id}/share/",
            {"recipients": [demo["bup"].pk], "purpose": "Behandling."},
            format="json",
        )
        assert response.status_code == 202, response.content
        assert Disclosure.objects.get(request=request).end_reason == "expired"
        again = response.json()["consent_request"]["id"]
        assert sara.post(f"/api/v1/consent-requests/{again}/approve/").status_code == 200
        assert as_user(demo["bup"]).get(f"/api/v1/entries/{entry_id}/").status_code == 200
        assert disclosures_expire() == 0


def test_the_sweep_is_on_the_beat_schedule():
    tasks = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert "consent.tasks.expire_disclosures" in tasks


# -- the pages ---------------------------------------------------------------------------------


def test_sara_sets_a_rule_for_one_month_on_her_page(demo):
    page = client_for(demo["sara"])
    url = f"/cases/{demo.sara_case.pk}/sharing-rules/"
    assert 'value="1m"' in page.get(url).content.decode()
    response = page.post(url, {"category": "health", "recipient": "role:helper", "ends": "1m"})
    assert response.status_code == 302
    rule = SharingRule.objects.get(case=demo.sara_case, category="health")
    assert rule.until == add_months(timezone.localdate(), 1)
    assert rule.until.strftime("%Y") in page.get(url).content.decode()


@pytest.mark.parametrize(
    "extra",
    [{"ends": "date"}, {"ends": "date", "until": "2000-01-01"}, {"ends": "forever"}],
    ids=["date-missing", "date-past", "unknown-choice"],
)
def test_a_bad_period_on_the_page_is_400_and_saves_nothing(demo, extra):
    page = client_for(demo["sara"])
    url = f"/cases/{demo.sara_case.pk}/sharing-rules/"
    response = page.post(url, {"category": "health", "recipient": "role:helper", **extra})
    assert response.status_code == 400
    assert not SharingRule.objects.filter(case=demo.sara_case, category="health").exists()


def test_sara_says_yes_for_three_months_on_the_request_page(demo):
    _entry_id, request = _health_request(demo)
    page = client_for(demo["sara"])
    url = f"/consent/requests/{request.pk}/"
    response = page.post(url, {"action": "approve", "ends": "3m"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "approved"
    assert request.until == add_months(timezone.localdate(), 3)
    assert Disclosure.objects.get(request=request).until == ends_at(request.until)


def test_a_bad_period_on_the_request_page_is_400_and_shares_nothing(demo):
    _entry_id, request = _health_request(demo)
    page = client_for(demo["sara"])
    response = page.post(f"/consent/requests/{request.pk}/", {"action": "approve", "ends": "date"})
    assert response.status_code == 400
    request.refresh_from_db()
    assert request.status == "pending"
    assert not Disclosure.objects.filter(request=request).exists()
