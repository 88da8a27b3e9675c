"""Rooms (issue #19 item 1) in Chromium, axe-checked at 390 px and 1280 px: Sara opens a room
with the nurse and the teacher (refused first without anyone chosen), the teacher writes, Sara
reads it with the new-message count, adds BUP with the earlier messages, and closes the room;
who-knows-what names her choice as the reason the nurse can read the teacher's message."""

import pytest
from playwright.sync_api import expect

from consent.models import Room

from .conftest import WIDTHS, serious_violations_at_widths, viewport

pytestmark = pytest.mark.django_db(transaction=True)


def test_sara_opens_a_room_and_the_team_talks_together(demo, as_user, axe):
    case = demo["sara"]
    # The list, empty
    sara = as_user("sara", f"/cases/{case.pk}/rooms/", viewport=viewport(WIDTHS[0]))
    expect(sara.get_by_role("heading", name="Rom", exact=True)).to_be_visible()
    expect(sara.get_by_text("Du har ingen rom ennå.")).to_be_visible()
    assert serious_violations_at_widths(axe, sara) == {}
    # A new room without anyone chosen: the form says so
    sara.get_by_role("link", name="Åpne et nytt rom").click()
    sara.get_by_label("Hva skal rommet hete?").fill("Skolen og helsa")
    sara.get_by_role("button", name="Åpne rommet").click()
    expect(sara.get_by_text("Velg hvem som skal være med i rommet.").first).to_be_visible()
    assert serious_violations_at_widths(axe, sara) == {}
    sara.get_by_label("Kari Nordmann", exact=False).check()
    sara.get_by_label("Ole Hansen", exact=False).check()
    sara.get_by_role("button", name="Åpne rommet").click()
    expect(sara.get_by_text("Rommet er åpent.")).to_be_visible()
    room = Room.objects.get(case=case)
    assert serious_violations_at_widths(axe, sara) == {}

    # The teacher writes; Sara sees one new message in her list
    teacher = as_user("laerer", f"/rooms/{room.pk}/", viewport=viewport(WIDTHS[0]))
    teacher.get_by_label("Meldingen din").fill("Hei Sara, hvordan går det?")
    teacher.get_by_role("button", name="Send").click()
    expect(teacher.get_by_text("Sendt til alle i rommet.")).to_be_visible()
    assert serious_violations_at_widths(axe, teacher) == {}
    sara.goto(f"/cases/{case.pk}/rooms/")
    expect(sara.get_by_text("1 ny melding")).to_be_visible()
    assert serious_violations_at_widths(axe, sara) == {}
    sara.get_by_role("link", name="Skolen og helsa").click()
    expect(sara.get_by_text("Hei Sara, hvordan går det?")).to_be_visible()

    # Members: Sara adds BUP with what was written before, then closes the room
    sara.get_by_role("link", name="Hvem er med i rommet").click()
    assert serious_violations_at_widths(axe, sara) == {}
    sara.get_by_label("Ahmed Khan", exact=False).check()
    sara.get_by_label("La dem også lese det som er skrevet før").check()
    sara.get_by_role("button", name="Legg til i rommet").click()
    expect(sara.get_by_text("er med i rommet nå.")).to_be_visible()
    sara.get_by_role("button", name="Steng rommet").click()
    expect(sara.get_by_text("Rommet er stengt. Du kan lese det")).to_be_visible()
    expect(sara.get_by_text("Hei Sara, hvordan går det?")).to_be_visible()
    assert serious_violations_at_widths(axe, sara) == {}

    # Who-knows-what: the reason the nurse can read the teacher's message is Sara's choice
    sara.goto(f"/cases/{case.pk}/who-knows-what/")
    expect(
        sara.get_by_text("du valgte hvem som er med i rommet «Skolen og helsa»").first
    ).to_be_visible()

    # The helper's members page offers leaving
    teacher.goto(f"/rooms/{room.pk}/members/")
    expect(teacher.get_by_role("button", name="Gå ut av rommet")).to_be_visible()
    assert serious_violations_at_widths(axe, teacher) == {}
