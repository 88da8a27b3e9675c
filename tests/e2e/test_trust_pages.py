"""The page states #11 added, opened in Chromium and checked with axe-core: who-knows-what with
titles the viewer may not see, the guardian's home with the guardianship register, the remarks
page with the young person's choice to show a correction, and the 400 page for hostile input."""

import pytest
from playwright.sync_api import expect

from cases.services import entry_create
from coordination.models import User
from voice.models import Remark
from voice.services import correction_accept, remark_create

from .conftest import serious_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_who_knows_what_hides_titles_the_ungdomshjelper_may_not_open(demo, as_user, axe):
    # Given a health note the nurse never shared with the ungdomshjelper
    nurse = User.objects.get(username="helsesykepleier")
    entry_create(
        case=demo["sara"],
        author=nurse,
        kind="note",
        category="health",
        title="Tittel bare sykepleieren ser",
        body="Tekst",
    )
    # When the ungdomshjelper opens Sara's who-knows-what
    coordinator = as_user("ungdomshjelper", f"/cases/{demo['sara'].pk}/who-knows-what/")
    # Then the note is there in the hidden form, without its title, and the page is axe-clean
    expect(coordinator.get_by_text("(du kan ikke se det)").first).to_be_visible()
    assert "Tittel bare sykepleieren ser" not in coordinator.content()
    assert serious_violations(axe, coordinator) == []


def test_the_guardian_home_and_the_youth_home_show_the_register(demo, as_user, axe):
    mother = as_user("mor")
    expect(mother.get_by_text("Du er registrert som foresatt for Sara Nilsen")).to_be_visible()
    assert serious_violations(axe, mother) == []
    jonas = as_user("jonas")
    expect(jonas.get_by_text("Registrert som foresatt").first).to_be_visible()
    assert serious_violations(axe, jonas) == []


def test_the_remarks_page_with_the_choice_to_show_a_correction(demo, as_user, axe):
    # Given the nurse accepted Sara's correction of a note she wrote
    sara, nurse = (User.objects.get(username=name) for name in ("sara", "helsesykepleier"))
    note = entry_create(
        case=demo["sara"], author=nurse, kind="note", category="health", title="Samtale", body="A"
    )
    remark = remark_create(
        entry_id=note.pk, author=sara, kind=Remark.Kind.CORRECTION, text="Feil", proposed_body="B"
    )
    correction_accept(remark=remark, actor=nurse, answer="Rettet.")
    # When Sara opens the remarks page, she can show it to everyone who may read the note
    page = as_user("sara", f"/cases/{demo['sara'].pk}/entries/{note.pk}/remarks/")
    show = page.get_by_role("button", name="Vis det til alle som kan lese dette")
    expect(show).to_be_visible()
    assert serious_violations(axe, page) == []
    show.click()
    expect(page.get_by_text("Alle som kan lese dette, ser det nå.")).to_be_visible()
    assert serious_violations(axe, page) == []


def test_the_400_page_for_a_nul_byte_is_axe_clean(demo, as_user, axe):
    page = as_user("sara")
    response = page.goto("/services/?q=a%00b")
    assert response is not None and response.status == 400
    assert serious_violations(axe, page) == []
