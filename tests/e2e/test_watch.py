"""Watching (issue #16 item 4) in Chromium, axe-checked at 390 px and 1280 px: Sara asks to be
told when her note is opened and when anything about school is opened."""

import pytest
from playwright.sync_api import expect

from cases.services import entry_create, entry_open
from consent.services import share
from coordination.models import Notification, User

from .conftest import WIDTHS, serious_violations_at_widths, viewport

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_youth_watches_an_entry_and_a_category(demo, as_user, axe):
    # Given a school note shared with the teacher by Sara's rule
    nurse, teacher = (User.objects.get(username=name) for name in ("helsesykepleier", "laerer"))
    note = entry_create(
        case=demo["sara"], author=nurse, kind="note", category="school", title="Prøver", body="T"
    )
    share(entry=note, recipients=[teacher], actor=nurse)
    # When Sara asks to be told on the note's page
    page = as_user(
        "sara", f"/cases/{demo['sara'].pk}/entries/{note.pk}/", viewport=viewport(WIDTHS[0])
    )
    page.get_by_role("button", name="Si fra når noen andre åpner dette").click()
    expect(page.get_by_text("Du får beskjed når noen andre åpner dette.").first).to_be_visible()
    assert serious_violations_at_widths(axe, page) == {}
    # And on her access log for everything about health
    page.goto(f"/cases/{demo['sara'].pk}/access-log/")
    page.get_by_text("Få beskjed når noen åpner noe om deg").click()
    page.get_by_role("button", name="Si fra om helse").click()
    page.get_by_text("Få beskjed når noen åpner noe om deg").click()
    expect(page.get_by_text("Du får beskjed om helse.")).to_be_visible()
    assert serious_violations_at_widths(axe, page) == {}
    # Then the teacher's open is an alert for her
    entry_open(user=teacher, entry_id=note.pk, via="page")
    sara = User.objects.get(username="sara")
    assert Notification.objects.filter(recipient=sara, kind="entry_opened").count() == 1
