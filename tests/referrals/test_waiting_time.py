"""Issue #15 A3: a referral not answered within the service's stated waiting time is flagged
to the referrer and the ungdomshjelper, once, and shows as late before the sweep has run."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from coordination.models import Notification
from referrals.models import Referral
from referrals.services import referrals_flag_overdue
from referrals.tasks import flag_overdue_referrals
from referrals.waiting import wait_days
from services_registry.models import Service
from tests.consent.helpers import as_user

from .helpers import CLINIC, refer


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("2–4 uker", 28),
        ("2-4 weeks", 28),
        ("3 weeks", 21),
        ("14 dager", 14),
        ("1 dag", 1),
        ("Ca. 2 måneder", 60),
        ("3 veker", 21),
        ("Samme dag eller noen dager", None),
        ("", None),
        ("Ring 22 33 44 55", None),
        ("9999 dager", None),
        ("0 dager", None),
        ("1 uke, noen ganger 3 uker", 21),
    ],
)
def test_the_waiting_time_is_the_longest_the_catalogue_names(text, days):
    assert wait_days(text) == days


@pytest.mark.django_db
def test_an_unanswered_referral_is_late_after_the_waiting_time_and_flagged_once(demo, settings):
    settings.SAMMEN_REFERRAL_ANSWER_DAYS = 10
    Service.objects.filter(pk=CLINIC).update(wait_time="1-2 uker", wait_time_en="")
    sara, nurse = as_user(demo["sara"]), as_user(demo["helsesykepleier"])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        referral = refer(nurse, demo.sara_case, service=CLINIC).json()
        sent = timezone.now()
        assert Referral.objects.get().due_at == sent + timedelta(days=14)
        clock.shift(timedelta(days=13))
        assert referrals_flag_overdue() == 0
        assert sara.get(f"/api/v1/referrals/{referral['id']}/").json()["overdue"] is False

        # Past the waiting time the referral is late before the sweep has run
        clock.shift(timedelta(days=1, seconds=1))
        assert sara.get(f"/api/v1/referrals/{referral['id']}/").json()["overdue"] is True
        assert not Notification.objects.filter(kind="referral_overdue").exists()

        # The sweep tells the referrer and the ungdomshjelper, and a second run nobody
        assert flag_overdue_referrals() == 1
        assert flag_overdue_referrals() == 0
        told = sorted(
            Notification.objects.filter(kind="referral_overdue").values_list(
                "recipient__username", flat=True
            )
        )
        assert told == ["helsesykepleier", "ungdomshjelper"]


@pytest.mark.django_db
def test_without_a_stated_time_the_default_applies_and_an_answer_ends_the_lateness(demo, settings):
    settings.SAMMEN_REFERRAL_ANSWER_DAYS = 5
    Service.objects.filter(pk=CLINIC).update(wait_time="Samme dag", wait_time_en="")
    nurse, clinic = as_user(demo["helsesykepleier"]), as_user(demo["helsestasjon"])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        referral = refer(nurse, demo.sara_case, service=CLINIC).json()
        clock.shift(timedelta(days=5, seconds=1))
        url = f"/api/v1/referrals/{referral['id']}/"
        assert nurse.get(url).json()["overdue"] is True
        clinic.post(f"{url}decline/", {"reason": "Full"}, format="json")
        assert nurse.get(url).json()["overdue"] is False
        assert referrals_flag_overdue() == 0
