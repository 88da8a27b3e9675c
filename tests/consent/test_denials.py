"""Bad input and denial (issue #4): 404 alike for unknown and unseen, 400 with nothing written,
403 for a non-decider, 409 for state conflicts with the state unchanged."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import EntryUserObjectPermission
from consent.models import ConsentRequest, Disclosure
from consent.services import share
from coordination.models import AuditEvent, Notification

from .helpers import as_user, write_entry

pytestmark = pytest.mark.django_db

MISSING = 999_999


def test_unknown_and_unseen_objects_get_the_same_404(demo):
    # Given a health note only the nurse and Sara can see, and a pending request about it
    entry = write_entry(demo.sara_case, demo["helsesykepleier"])
    request = share(entry=entry, recipients=[demo["laerer"]], actor=demo["helsesykepleier"])
    request_id = request.consent_request.pk
    teacher = as_user(demo["laerer"])
    nav = as_user(demo["nav"])
    pairs = [
        (f"/api/v1/entries/{entry.pk}/", f"/api/v1/entries/{MISSING}/"),
        (f"/api/v1/cases/{demo.sara_case.pk}/", f"/api/v1/cases/{MISSING}/"),
        (f"/api/v1/consent-requests/{request_id}/", f"/api/v1/consent-requests/{MISSING}/"),
    ]
    for seen, missing in pairs:
        # When someone who may not see it asks, and someone asks for an id that does not exist
        hidden = nav.get(seen) if "cases" in seen else teacher.get(seen)
        absent = teacher.get(missing)
        # Then both answers are identical
        assert hidden.status_code == absent.status_code == 404, seen
        assert hidden.content == absent.content
    assert (
        teacher.post(f"/api/v1/disclosures/{MISSING}/withdraw/").content
        == teacher.post(f"/api/v1/entries/{entry.pk}/share/", {"recipients": [1]}).content
    )


def snapshot() -> tuple[int, int, int, int, int]:
    return (
        Disclosure.objects.count(),
        ConsentRequest.objects.count(),
        EntryUserObjectPermission.objects.count(),
        Notification.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"recipients": []}, "recipients"),
        ({"recipients": ["nav"]}, "recipients"),  # not on the team
        ({"recipients": [MISSING]}, "recipients"),  # nobody
        ({"recipients": ["sara"]}, "recipients"),  # sees it already
        ({"recipients": ["laerer"], "basis": "because"}, "basis"),
        ({"recipients": ["laerer"], "basis": "author"}, "basis"),
        ({"recipients": ["laerer"], "basis": "own_choice"}, "basis"),
        ({"recipients": ["bup"], "basis": "legal_duty"}, "justification"),
        ({"recipients": ["laerer"], "basis": "legal_duty", "justification": "  "}, "justification"),
        ({"recipients": ["mor"], "basis": "agreement"}, "basis"),  # no rule covers her
        ({}, "recipients"),
    ],
)
def test_bad_share_input_is_400_and_writes_nothing(demo, payload, field):
    entry = write_entry(demo.sara_case, demo["helsesykepleier"])
    payload = dict(payload)
    if "recipients" in payload:
        payload["recipients"] = [
            demo[r].pk
            if isinstance(r, str) and r != "nav"
            else (demo["nav"].pk if r == "nav" else r)
            for r in payload["recipients"]
        ]
    before = snapshot()
    response = as_user(demo["helsesykepleier"]).post(
        f"/api/v1/entries/{entry.pk}/share/", payload, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot() == before


def test_a_recipient_cannot_pass_an_entry_on(demo):
    # Given the teacher received a school note under Sara's standing rule
    entry = write_entry(demo.sara_case, demo["helsesykepleier"], category="school")
    result = share(entry=entry, recipients=[demo["laerer"]], actor=demo["helsesykepleier"])
    assert result.status == "shared" and result.disclosures[0].basis == "agreement"
    # When the teacher tries to share it on
    response = as_user(demo["laerer"]).post(
        f"/api/v1/entries/{entry.pk}/share/", {"recipients": [demo["bup"].pk]}, format="json"
    )
    # Then 403 (he can see the entry, but not do this)
    assert response.status_code == 403


def test_only_a_decider_approves(demo):
    entry = write_entry(demo.sara_case, demo["helsesykepleier"])
    request = share(entry=entry, recipients=[demo["laerer"]], actor=demo["helsesykepleier"])
    url = f"/api/v1/consent-requests/{request.consent_request.pk}/approve/"
    # The asker sees the request but is no decider
    assert as_user(demo["helsesykepleier"]).post(url).status_code == 403
    # Sara's mother does not decide for a 16-year-old and does not see the request
    assert as_user(demo["mor"]).post(url).status_code == 404
    assert as_user(demo["laerer"]).post(url).status_code == 404
    request.consent_request.refresh_from_db()
    assert request.consent_request.status == "pending"


def test_double_approval_is_409_and_changes_nothing(demo):
    entry = write_entry(demo.sara_case, demo["helsesykepleier"])
    request = share(entry=entry, recipients=[demo["laerer"]], actor=demo["helsesykepleier"])
    url = f"/api/v1/consent-requests/{request.consent_request.pk}/"
    sara = as_user(demo["sara"])
    assert sara.post(url + "approve/").status_code == 200
    before = snapshot()
    for action in ("approve/", "decline/"):
        response = sara.post(url + action)
        assert response.status_code == 409
        assert response.json()["detail"]
    assert snapshot() == before


def test_approving_an_expired_request_is_409(demo):
    entry = write_entry(demo.sara_case, demo["helsesykepleier"])
    request = share(
        entry=entry, recipients=[demo["laerer"]], actor=demo["helsesykepleier"]
    ).consent_request
    ConsentRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    sara = as_user(demo["sara"])
    response = sara.post(f"/api/v1/consent-requests/{request.pk}/approve/")
    assert response.status_code == 409
    assert sara.get(f"/api/v1/consent-requests/{request.pk}/").json()["status"] == "expired"
    assert [
        r["id"] for r in sara.get("/api/v1/consent-requests/?status=expired").json()["results"]
    ] == [request.pk]
    assert sara.get("/api/v1/consent-requests/?status=pending").json()["count"] == 0
    assert not Disclosure.objects.filter(entry=entry).exists()
    assert sara.get("/api/v1/consent-requests/?status=soon").status_code == 400


def test_withdrawing_twice_is_409(demo):
    entry = write_entry(demo.sara_case, demo["helsesykepleier"], category="school")
    disclosure = share(
        entry=entry, recipients=[demo["laerer"]], actor=demo["helsesykepleier"]
    ).disclosures[0]
    sara = as_user(demo["sara"])
    assert sara.post(f"/api/v1/disclosures/{disclosure.pk}/withdraw/").status_code == 200
    before = snapshot()
    response = sara.post(f"/api/v1/disclosures/{disclosure.pk}/withdraw/")
    assert response.status_code == 409
    assert snapshot() == before


def test_the_youth_cannot_withdraw_a_legal_duty_disclosure_and_is_told_why(demo):
    entry = write_entry(demo.jonas_case, demo["helsesykepleier"])
    why = "Opplysningsplikt til barnevernet (barnevernsloven § 13-2)."
    disclosure = share(
        entry=entry,
        recipients=[demo["barnevern"]],
        actor=demo["helsesykepleier"],
        basis="legal_duty",
        justification=why,
    ).disclosures[0]
    # Jonas sees the justification in his who-knows-what
    people = as_user(demo["jonas"]).get(f"/api/v1/cases/{demo.jonas_case.pk}/who-knows-what/")
    row = next(p for p in people.json() if p["person"]["username"] == "barnevern")
    assert row["entries"][-1]["justification"] == why
    assert row["entries"][-1]["basis"] == "legal_duty"
    # When Jonas or his father tries to withdraw it: 403 with the reason
    for who in ("jonas", "far"):
        response = as_user(demo[who]).post(f"/api/v1/disclosures/{disclosure.pk}/withdraw/")
        assert response.status_code == 403
        assert why in response.json()["detail"]
    disclosure.refresh_from_db()
    assert disclosure.withdrawn_at is None
    # The nurse who shared it can end it
    assert (
        as_user(demo["helsesykepleier"])
        .post(f"/api/v1/disclosures/{disclosure.pk}/withdraw/")
        .status_code
        == 200
    )


def test_declining_tells_the_asker_no_reason_unless_one_is_written(demo):
    nurse = as_user(demo["helsesykepleier"])
    first = write_entry(demo.sara_case, demo["helsesykepleier"], title="Første")
    second = write_entry(demo.sara_case, demo["helsesykepleier"], title="Andre")
    silent = share(entry=first, recipients=[demo["bup"]], actor=demo["helsesykepleier"])
    told = share(entry=second, recipients=[demo["bup"]], actor=demo["helsesykepleier"])
    sara = as_user(demo["sara"])
    sara.post(f"/api/v1/consent-requests/{silent.consent_request.pk}/decline/")
    sara.post(
        f"/api/v1/consent-requests/{told.consent_request.pk}/decline/",
        {"reason": "Jeg vil fortelle det selv."},
        format="json",
    )
    silent_view = nurse.get(f"/api/v1/consent-requests/{silent.consent_request.pk}/").json()
    told_view = nurse.get(f"/api/v1/consent-requests/{told.consent_request.pk}/").json()
    assert silent_view["status"] == told_view["status"] == "declined"
    assert silent_view["reason"] == ""
    assert told_view["reason"] == "Jeg vil fortelle det selv."
    assert (
        Notification.objects.filter(
            recipient=demo["helsesykepleier"], kind="consent_decided"
        ).count()
        == 2
    )
    assert not Disclosure.objects.filter(recipient=demo["bup"]).exists()


def test_opinion_only_from_the_youth_when_guardians_decide(demo):
    sara_request = share(
        entry=write_entry(demo.sara_case, demo["helsesykepleier"]),
        recipients=[demo["laerer"]],
        actor=demo["helsesykepleier"],
    ).consent_request
    jonas_request = share(
        entry=write_entry(demo.jonas_case, demo["helsesykepleier"]),
        recipients=[demo["laerer"]],
        actor=demo["helsesykepleier"],
    ).consent_request
    body = {"opinion": "Nei takk."}
    # Sara decides herself: no opinion to give
    assert (
        as_user(demo["sara"])
        .post(f"/api/v1/consent-requests/{sara_request.pk}/opinion/", body, format="json")
        .status_code
        == 403
    )
    # Jonas' father is a decider, not the youth
    assert (
        as_user(demo["far"])
        .post(f"/api/v1/consent-requests/{jonas_request.pk}/opinion/", body, format="json")
        .status_code
        == 403
    )
    jonas = as_user(demo["jonas"])
    url = f"/api/v1/consent-requests/{jonas_request.pk}/opinion/"
    assert jonas.post(url, {"opinion": " "}, format="json").status_code == 400
    assert jonas.post(url, body, format="json").status_code == 200
    as_user(demo["far"]).post(f"/api/v1/consent-requests/{jonas_request.pk}/decline/")
    assert jonas.post(url, body, format="json").status_code == 409


def test_creating_an_entry_with_bad_input_is_400(demo):
    nurse = as_user(demo["helsesykepleier"])
    url = f"/api/v1/cases/{demo.sara_case.pk}/entries/"
    for payload in (
        {"kind": "poem", "category": "health", "title": "x"},
        {"kind": "note", "category": "astrology", "title": "x"},
        {"kind": "note", "category": "health", "title": ""},
        {"kind": "note", "category": "health", "title": "x" * 201},
    ):
        assert nurse.post(url, payload, format="json").status_code == 400
    # Someone not on the case cannot write on it (and cannot tell it exists)
    assert (
        as_user(demo["nav"])
        .post(url, {"kind": "note", "category": "health", "title": "x"}, format="json")
        .status_code
        == 404
    )


@pytest.mark.parametrize("count", [1, 20])
def test_consent_request_list_query_budget_is_constant(demo, count, django_assert_max_num_queries):
    for n in range(count):
        entry = write_entry(demo.jonas_case, demo["helsesykepleier"], title=f"N{n}")
        share(
            entry=entry,
            recipients=[demo["laerer"], demo["barnevern"]],
            actor=demo["helsesykepleier"],
        )
    father = as_user(demo["far"])
    # count, page (entry, case, youth, asker, decider joined), recipients, deciders
    with django_assert_max_num_queries(4):
        response = father.get("/api/v1/consent-requests/?status=pending")
    assert response.json()["count"] == count
    assert len(response.json()["results"][0]["recipients"]) == 2


@pytest.mark.parametrize("count", [0, 10])
def test_participant_list_query_budget_is_constant(demo, count, django_assert_max_num_queries):
    from tests.factories import ParticipantFactory

    for _ in range(count):
        ParticipantFactory(case=demo.sara_case)
    with django_assert_max_num_queries(2):  # case access, the team with users and services
        response = as_user(demo["sara"]).get(f"/api/v1/cases/{demo.sara_case.pk}/participants/")
    assert len(response.json()) == 6 + count


def test_expired_requests_are_stamped_by_the_hourly_task(demo, settings):
    from consent.tasks import expire_consent_requests

    entry = write_entry(demo.sara_case, demo["helsesykepleier"])
    old = share(entry=entry, recipients=[demo["laerer"]], actor=demo["helsesykepleier"])
    fresh = share(entry=entry, recipients=[demo["bup"]], actor=demo["helsesykepleier"])
    ConsentRequest.objects.filter(pk=old.consent_request.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    # When beat runs the task (eagerly here; the schedule names it)
    assert "consent.tasks.expire_consent_requests" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    expire_consent_requests.apply()
    assert ConsentRequest.objects.get(pk=old.consent_request.pk).status == "expired"
    assert ConsentRequest.objects.get(pk=fresh.consent_request.pk).status == "pending"
    # and a second run changes nothing
    expire_consent_requests.apply()
    assert ConsentRequest.objects.filter(status="expired").count() == 1
