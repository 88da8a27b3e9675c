"""Reading first and rules that share by themselves (issue #16 item 6, #19 item 7) in Chromium,
axe-checked at 390 px and 1280 px: Sara turns reading first on, a school note shared with the
teacher waits for her, she says "Del det"; the nurse sees that a note was shared automatically,
and that another waits."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Participant
from cases.services import entry_create
from consent.models import Disclosure
from consent.services import reading_first_set, share, sharing_rule_create
from coordination.models import User

from .conftest import WIDTHS, serious_violations_at_widths, viewport
from .test_share_flow import write_note

pytestmark = pytest.mark.django_db(transaction=True)


def test_sara_reads_first_and_says_share_it(demo, as_user, axe):
    nurse, teacher = (User.objects.get(username=name) for name in ("helsesykepleier", "laerer"))
    case = demo["sara"]
    # Sara finds it from her rules and turns it on
    page = as_user("sara", f"/cases/{case.pk}/sharing-rules/", viewport=viewport(WIDTHS[0]))
    page.get_by_role("link", name="Vil du lese nye notater om deg").click()
    assert serious_violations_at_widths(axe, page) == {}
    page.get_by_role("button", name="Jeg vil lese det først").click()
    expect(page.get_by_text("Det er på: du leser nye ting først.")).to_be_visible()
    # A school note the nurse shares with the teacher under Sara's rule waits for her
    note = entry_create(
        case=case, author=nurse, kind="note", category="school", title="Prøver", body="T"
    )
    assert share(entry=note, recipients=[teacher], actor=nurse).status == "waiting_for_youth"
    page.reload()
    expect(page.get_by_text("deler «Prøver» med Ole Hansen")).to_be_visible()
    assert serious_violations_at_widths(axe, page) == {}
    page.get_by_role("button", name=re.compile(r"^Del det")).click()
    expect(page.get_by_text("Det er delt nå, slik reglene dine sier.")).to_be_visible()
    expect(page.get_by_text("Ingenting venter.")).to_be_visible()
    assert serious_violations_at_widths(axe, page) == {}
    assert Disclosure.objects.filter(entry=note, recipient=teacher).exists()


def test_the_nurse_sees_what_was_shared_automatically_and_what_waits(demo, as_user, axe):
    sara = User.objects.get(username="sara")
    case = demo["sara"]
    sharing_rule_create(
        case=case,
        actor=sara,
        category="health",
        recipient_role=Participant.Role.HELPER,
        automatic=True,
    )
    page = as_user("helsesykepleier", viewport=viewport(WIDTHS[0]))
    write_note(page, case, "Søvn", "health")
    expect(page.get_by_text("Delt automatisk med")).to_be_visible()
    assert serious_violations_at_widths(axe, page) == {}
    # With reading first on, the next one waits for Sara
    reading_first_set(case_id=case.pk, actor=sara, on=True)
    write_note(page, case, "Søvn igjen", "health")
    expect(page.get_by_text("Venter på at Sara Nilsen leser det")).to_be_visible()
    assert serious_violations_at_widths(axe, page) == {}
