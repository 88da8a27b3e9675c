"""An ungdomshjelper who follows up without being asked (issue #19 item 4): the offer from the
first helper, a first contact within three Norwegian working days, a check-in rhythm that makes
one task and one reminder on each such day, a note on the young person's home, and missed
check-ins on the ungdomshjelper's overview."""

import datetime
from datetime import UTC

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from cases.models import Participant
from consent.services import case_close
from coordination.models import Notification
from tests.consent.helpers import as_user
from tests.factories import CaseFactory, ParticipantFactory, page_client
from voice.checkins import check_in_done, check_ins_schedule, working_days_after
from voice.models import CheckIn, CheckInRhythm
from voice.selectors import ungdomshjelper_offered
from voice.services import ungdomshjelper_choose

pytestmark = pytest.mark.django_db

OVERVIEW = "/api/v1/ungdomshjelper/cases/"


def url(case):
    return f"/api/v1/cases/{case.pk}/check-ins/"


def kinds(user):
    rows = as_user(user).get(OVERVIEW).json()["results"]
    return {(item["kind"], item["count"]) for row in rows for item in row["needs_action"]}


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (datetime.date(2026, 11, 30), datetime.date(2026, 12, 3)),  # Monday: Thursday
        (datetime.date(2026, 12, 4), datetime.date(2026, 12, 9)),  # Friday: over the weekend
        (datetime.date(2026, 4, 1), datetime.date(2026, 4, 9)),  # Easter (2-6 April) is free
        (datetime.date(2026, 5, 13), datetime.date(2026, 5, 19)),  # 14 May, 17 May (Sunday)
        (datetime.date(2026, 12, 23), datetime.date(2026, 12, 29)),  # 25 December (a Friday)
    ],
)
def test_three_norwegian_working_days(start, expected):
    assert working_days_after(start, 3) == expected


def test_the_right_is_offered_from_the_first_helper_on():
    case = CaseFactory()
    assert ungdomshjelper_offered(case=case) is False  # nobody helps yet
    ParticipantFactory(case=case)  # one service
    assert ungdomshjelper_offered(case=case) is True


def test_the_chosen_ungdomshjelper_gets_a_first_contact_within_three_working_days(demo):
    jonas, coordinator = demo["jonas"], demo["ungdomshjelper"]
    with time_machine.travel(datetime.datetime(2026, 12, 4, 10, tzinfo=UTC), tick=False):
        ungdomshjelper_choose(case=demo.jonas_case, actor=jonas, chosen=coordinator)
        first = CheckIn.objects.get(case=demo.jonas_case)
        assert (first.kind, first.due_on, first.ungdomshjelper) == (
            "first_contact",
            datetime.date(2026, 12, 9),
            coordinator,
        )
        assert ("check_ins_due", 1) in kinds(coordinator)
    # the day has passed without it being marked: missed, on the overview
    with time_machine.travel(datetime.datetime(2026, 12, 10, 10, tzinfo=UTC), tick=False):
        assert ("check_ins_missed", 1) in kinds(coordinator)
        done = as_user(coordinator).post(f"/api/v1/check-ins/{first.pk}/done/")
        assert done.status_code == 200 and done.json()["done_at"] is not None
        assert not {k for k in kinds(coordinator) if k[0].startswith("check_ins")}


def test_the_ungdomshjelper_sets_the_rhythm_and_sara_sees_it(demo):
    coordinator = as_user(demo["ungdomshjelper"])
    with time_machine.travel(datetime.datetime(2026, 11, 30, 9, tzinfo=UTC), tick=False):
        assert coordinator.get(url(demo.sara_case)).json() == {
            "every_days": None,
            "weekday": None,
            "time": None,
        }
        body = {"every_days": 14, "weekday": 3, "time": "15:00"}
        response = coordinator.put(url(demo.sara_case), body, format="json")
        assert response.status_code == 200 and response.json() == body
        assert as_user(demo["sara"]).get(url(demo.sara_case)).json() == body
        rhythm = CheckInRhythm.objects.get(case=demo.sara_case)
        assert rhythm.starts_on == datetime.date(2026, 12, 3)  # the next Thursday
        home = page_client(demo["sara"]).get("/").content.decode()
    assert "Nora Bakken tar kontakt med deg hver 2. uke, på torsdag kl. 15:00." in home


def test_every_denial_of_the_rhythm(demo):
    body = {"every_days": 14, "weekday": 3, "time": "15:00"}
    # the youth reads it but does not set it
    assert as_user(demo["sara"]).put(url(demo.sara_case), body, format="json").status_code == 403
    # everyone else on the case, and anyone off it: 404 for reading and setting
    for name in ("mor", "laerer", "helsesykepleier", "bup", "nav", "jonas"):
        client = as_user(demo[name])
        assert client.get(url(demo.sara_case)).status_code == 404, name
        assert client.put(url(demo.sara_case), body, format="json").status_code == 404, name
    # bad input: 400, nothing saved
    coordinator = as_user(demo["ungdomshjelper"])
    for bad in (
        {**body, "every_days": 10},
        {**body, "every_days": 0},
        {**body, "weekday": 7},
        {**body, "weekday": -1},
        {**body, "time": "25:00"},
        {"every_days": 14},
    ):
        assert coordinator.put(url(demo.sara_case), bad, format="json").status_code == 400, bad
    assert not CheckInRhythm.objects.exists()


def test_each_check_in_day_makes_one_task_and_one_reminder(demo):
    coordinator = demo["ungdomshjelper"]
    with time_machine.travel(datetime.datetime(2026, 11, 30, 9, tzinfo=UTC), tick=False):
        as_user(coordinator).put(
            url(demo.sara_case), {"every_days": 14, "weekday": 3, "time": "15:00"}, format="json"
        )
        assert check_ins_schedule() == 0  # not Thursday yet
    thursday = datetime.datetime(2026, 12, 3, 7, tzinfo=UTC)
    assert check_ins_schedule(now=thursday) == 1
    assert check_ins_schedule(now=thursday + datetime.timedelta(hours=5)) == 0
    # the week after is not a check-in week; the one after is
    assert check_ins_schedule(now=thursday + datetime.timedelta(days=7)) == 0
    assert check_ins_schedule(now=thursday + datetime.timedelta(days=14)) == 1
    assert CheckIn.objects.filter(kind="rhythm").count() == 2
    reminders = Notification.objects.filter(kind="check_in_due")
    assert {n.recipient_id for n in reminders} == {coordinator.pk} and reminders.count() == 2
    assert reminders.first().target_url == f"/cases/{demo.sara_case.pk}/check-ins/"
    # on a closed case nothing more
    case_close(case=demo.sara_case, actor=coordinator, summary="Ferdig.")
    assert check_ins_schedule(now=thursday + datetime.timedelta(days=28)) == 0


def test_only_the_ungdomshjelper_whose_check_in_it_is_marks_it(demo):
    with time_machine.travel(datetime.datetime(2026, 12, 4, 10, tzinfo=UTC), tick=False):
        ungdomshjelper_choose(
            case=demo.jonas_case, actor=demo["jonas"], chosen=demo["ungdomshjelper"]
        )
    first = CheckIn.objects.get(case=demo.jonas_case)
    for name in ("jonas", "far", "laerer", "nav"):
        response = as_user(demo[name]).post(f"/api/v1/check-ins/{first.pk}/done/")
        assert response.status_code == 404, name
    assert as_user(demo["jonas"]).post("/api/v1/check-ins/999999/done/").status_code == 404
    # an ungdomshjelper who is no longer the case's: 403 on their own old task
    participant = Participant.objects.get(case=demo.jonas_case, user=demo["ungdomshjelper"])
    participant.role = Participant.Role.HELPER
    participant.save(update_fields=["role"])
    with pytest.raises(PermissionDenied):
        check_in_done(check_in=first, actor=demo["ungdomshjelper"])
    first.refresh_from_db()
    assert first.done_at is None


def test_the_check_in_page(demo):
    coordinator = page_client(demo["ungdomshjelper"])
    page_url = f"/cases/{demo.sara_case.pk}/check-ins/"
    assert "Lagre rytmen" in coordinator.get(page_url).content.decode()
    coordinator.post(
        page_url, {"action": "rhythm", "every_days": "7", "weekday": "3", "time": "15:00"}
    )
    assert CheckInRhythm.objects.get().every_days == 7
    coordinator.post(page_url, {"action": "rhythm", "every_days": "9", "weekday": "3"})
    assert CheckInRhythm.objects.get().every_days == 7  # refused, unchanged
    sara = page_client(demo["sara"]).get(page_url).content.decode()
    assert "Nora Bakken tar kontakt med deg hver torsdag kl. 15:00." in sara
    assert "Lagre rytmen" not in sara
    assert page_client(demo["laerer"]).get(page_url).status_code == 404
