"""Plans about what the helpers will do (issue #19 item 2) in Chromium, axe-checked at 390 px and
1280 px: the nurse adds what she will do under Sara's goal, Sara comments on it and says how
much the work on the goal helped, and sees the chart and its table."""

import re

import pytest
from playwright.sync_api import expect

from consent.services import share
from coordination.models import User
from voice.plan import goal_add

from .conftest import WIDTHS, serious_violations_at_widths, viewport

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_nurse_commits_and_sara_comments_and_evaluates(demo, as_user, axe):
    case = demo["sara"]
    sara_user = User.objects.get(username="sara")
    goal = goal_add(case=case, actor=sara_user, text="Sove bedre")
    share(
        entry=goal.plan,
        recipients=[User.objects.get(username="helsesykepleier")],
        actor=sara_user,
    )
    nurse = as_user("helsesykepleier", f"/cases/{case.pk}/plan/", viewport=viewport(WIDTHS[0]))
    assert serious_violations_at_widths(axe, nurse) == {}
    nurse.get_by_label("Hva skal du gjøre?").fill("Ringe Sara etter skolen")
    nurse.get_by_role("button", name="Legg til det jeg skal gjøre").click()
    expect(nurse.get_by_role("status")).to_contain_text("Det du skal gjøre, står i planen")
    expect(nurse.locator(".rule-list")).to_contain_text("Ringe Sara etter skolen")
    # she marks her own step, not Sara's plan as a whole
    expect(
        nurse.get_by_role("button", name=re.compile("Merk som ferdig.*Ringe Sara etter skolen"))
    ).to_be_visible()
    assert serious_violations_at_widths(axe, nurse) == {}

    sara = as_user("sara", f"/cases/{case.pk}/plan/", viewport=viewport(WIDTHS[0]))
    expect(sara.get_by_text("lagt til av Kari Nordmann")).to_be_visible()
    assert serious_violations_at_widths(axe, sara) == {}
    sara.get_by_label(re.compile("Kommentaren din.*Ringe Sara etter skolen")).fill(
        "Helst etter kl. 15"
    )
    sara.get_by_role("button", name=re.compile("Send kommentaren.*Ringe Sara etter skolen")).click()
    expect(sara.get_by_text("Helst etter kl. 15")).to_be_visible()
    sara.get_by_label("4 – ganske mye").check()
    sara.get_by_label("Med dine egne ord (valgfritt)").fill("Det hjelper å vite når")
    sara.get_by_role("button", name="Lagre svaret mitt").click()
    expect(sara.get_by_role("status")).to_contain_text("Svaret ditt er med i planen")
    table = sara.locator("table.progress-table")
    expect(table).to_contain_text("Det hjelper å vite når")
    expect(sara.locator("svg.progress rect.bar-fill")).to_have_count(1)
    assert serious_violations_at_widths(axe, sara) == {}
