"""seed_demo adds one start meeting on Sara's case, waiting for Sara's choice; twice is once."""

from io import StringIO

from django.core.management import call_command

from meetings.demo import DEMO_TITLE, JONAS_TITLE
from meetings.models import Attendance, GuardiansQuestion, Meeting
from tests.cases.conftest import seed


def test_seed_demo_meeting_is_idempotent(db, settings):
    demo = seed(settings)
    call_command("seed_demo", stdout=StringIO())
    meeting = Meeting.objects.get(title=DEMO_TITLE)
    assert Meeting.objects.count() == 2  # and Jonas' (test_guardians.py)
    assert meeting.kind == "start" and meeting.organiser == demo["ungdomshjelper"]
    assert meeting.attendance_decided_at is None
    proposed = set(
        Attendance.objects.filter(meeting=meeting).values_list("user__username", flat=True)
    )
    assert proposed == {"mor", "helsesykepleier", "laerer", "bup"}
    assert not Attendance.objects.filter(invited_at__isnull=False).exists()
    assert GuardiansQuestion.objects.get(meeting__title=JONAS_TITLE).wish == "no"
