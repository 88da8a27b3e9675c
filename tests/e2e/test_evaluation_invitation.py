"""Evaluation that comes by itself (issue #19 item 5) in Chromium, axe-checked at 390 px and
1280 px: the ungdomshjelper marks Sara's meeting held, Sara finds the invitation among her
notifications without anyone sending it, follows it and answers anonymously."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Evaluation, Meeting

from .conftest import WIDTHS, serious_violations_at_widths, viewport

pytestmark = pytest.mark.django_db(transaction=True)

QUESTIONS = ["Ble jeg hørt?", "Forsto jeg det som ble sagt?", "Var møtet nyttig?"]


def test_sara_is_asked_after_the_meeting_and_answers_anonymously(demo, as_user, axe):
    meeting = Meeting.objects.get(case=demo["sara"])
    # The meeting began an hour ago; the ungdomshjelper marks it held
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    coordinator = as_user("ungdomshjelper", f"/meetings/{meeting.pk}/")
    coordinator.get_by_role("button", name="Merk møtet som holdt").click()
    # Sara finds the invitation among her notifications
    sara = as_user("sara", "/notifications/", viewport=viewport(WIDTHS[0]))
    invitation = "Et møte er ferdig. Si hva du syntes i Sammen. Du kan svare anonymt."
    expect(sara.get_by_text(invitation, exact=True)).to_be_visible()
    assert serious_violations_at_widths(axe, sara) == {}
    # and follows it to the form, where she answers anonymously
    sara.get_by_role("button", name=re.compile("Et møte er ferdig")).click()
    expect(sara).to_have_url(re.compile(rf"/meetings/{meeting.pk}/evaluation/$"))
    assert serious_violations_at_widths(axe, sara) == {}
    for question in QUESTIONS:
        sara.get_by_role("group", name=question).get_by_label("Ja").check()
    sara.get_by_label("Svar anonymt").check()
    sara.get_by_role("button", name="Send").click()
    expect(sara.get_by_text("Takk for at du sa hva du synes.")).to_be_visible()
    assert Evaluation.objects.get(meeting=meeting).respondent_id is None
