"""Issue 19 item 6 in the browser, as the demo personas: Jonas' father sees Jonas' wish before
deciding whether he comes to the meeting, decides against it with a reason, and Jonas reads the
reason. The meeting page part is axe-clean on a phone and on a desktop."""

import pytest
from playwright.sync_api import expect

from meetings.demo import JONAS_TITLE
from meetings.models import Meeting

from .conftest import PHONE, serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 900}


def clean_at_both_sizes(axe, page):
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        assert serious_violations(axe, page) == []


def test_jonas_father_sees_the_wish_decides_and_jonas_reads_why(demo, as_user, axe):
    meeting = Meeting.objects.get(title=JONAS_TITLE)
    father = as_user("far", f"/meetings/{meeting.pk}/")
    part = father.get_by_role("region", name="Foreldre og foresatte på møtet")
    expect(part).to_contain_text("Nei, jeg vil ikke ha dem der")
    expect(part).to_contain_text("Jeg vil prøve å si det selv først.")
    clean_at_both_sizes(axe, father)
    part.get_by_label("Ja, de kommer").check()
    part.get_by_role("button", name="Lagre avgjørelsen").click()
    expect(father.get_by_role("alert").or_(father.get_by_role("status")).first).to_be_visible()
    part = father.get_by_role("region", name="Foreldre og foresatte på møtet")
    part.get_by_label("Ja, de kommer").check()
    part.get_by_label("Hvis du bestemmer noe annet").fill("Vi må snakke om skolen sammen.")
    part.get_by_role("button", name="Lagre avgjørelsen").click()
    expect(father.get_by_role("status")).to_contain_text("Lagret.")

    jonas = as_user("jonas", f"/meetings/{meeting.pk}/")
    part = jonas.get_by_role("region", name="Foreldre og foresatte på møtet")
    expect(part).to_contain_text("De foresatte kommer.")
    expect(part).to_contain_text("Vi må snakke om skolen sammen.")
    clean_at_both_sizes(axe, jonas)
