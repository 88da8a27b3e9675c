"""The #4 done-when path in the browser, as the demo personas (seed_demo) would click it."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Entry

from .conftest import serious_violations

pytestmark = pytest.mark.django_db(transaction=True)


def write_note(page, case, title, category):
    page.goto(f"/cases/{case.pk}/")
    page.get_by_label("Hva er det?").select_option(value="note")
    page.get_by_label("Hva handler det om?").select_option(value=category)
    page.get_by_label("Tittel").fill(title)
    page.get_by_label("Tekst").fill("Vi snakket om **søvn**. <script>alert(1)</script>")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    return Entry.objects.get(title=title)


def test_sara_decides_sees_who_opened_and_withdraws(demo, as_user, axe):
    case = demo["sara"]
    # The school nurse writes a health note and asks to share it with the teacher.
    nurse = as_user("helsesykepleier")
    entry = write_note(nurse, case, "Samtale om søvn", "health")
    assert serious_violations(axe, nurse) == []
    expect(nurse.locator(".entry-body strong")).to_have_text("søvn")
    expect(nurse.locator(".entry-body script")).to_have_count(0)
    nurse.get_by_label(re.compile("Ole Hansen")).check()
    # Without a purpose nothing is asked: no rule covers the teacher for health
    nurse.get_by_role("button", name="Del", exact=True).click()
    expect(nurse.get_by_role("status")).to_contain_text("Skriv hvorfor du deler dette")
    nurse.get_by_label(re.compile("Ole Hansen")).check()
    nurse.get_by_label("Hvorfor deler du dette?").fill("Så skolen kan ta hensyn i timene.")
    nurse.get_by_role("button", name="Del", exact=True).click()
    expect(nurse.get_by_role("status")).to_contain_text("den som gir samtykke, er spurt")
    entry_url = f"/cases/{case.pk}/entries/{entry.pk}/"

    # The teacher cannot open it; neither can Sara's mother.
    teacher = as_user("laerer", None)
    assert teacher.goto(entry_url).status == 404
    mother = as_user("mor", None)
    assert mother.goto(entry_url).status == 404

    # Sara sees the request on her home page and says yes.
    sara = as_user("sara")
    sara.get_by_role("link", name=re.compile("spør om å dele «Samtale om søvn»")).click()
    expect(sara.get_by_role("heading", level=1)).to_have_text("Forespørsel om deling")
    expect(sara.locator(".facts")).to_contain_text("Så skolen kan ta hensyn i timene.")
    assert serious_violations(axe, sara) == []
    sara.get_by_role("button", name="Ja, del det").click()
    expect(sara.get_by_role("status")).to_contain_text("Du sa ja")

    # The teacher reads it now.
    assert teacher.goto(entry_url).status == 200
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Samtale om søvn")

    # Sara's who-knows-what shows the teacher, on her consent, opened.
    sara.goto(f"/cases/{case.pk}/who-knows-what/")
    teacher_card = sara.locator("section.person", has_text="Ole Hansen")
    item = teacher_card.locator("li", has_text="Samtale om søvn")
    expect(item).to_contain_text("du sa ja")
    expect(item).to_contain_text("Hvorfor: «Så skolen kan ta hensyn i timene.»")
    expect(item).to_contain_text("Åpnet")
    assert serious_violations(axe, sara) == []

    # Sara stops the sharing; the teacher gets 404 and the history keeps the period.
    item.get_by_role("button", name=re.compile("Stopp delingen")).click()
    expect(sara.get_by_role("status")).to_contain_text("kan ikke lenger se dette")
    assert teacher.goto(entry_url).status == 404
    teacher_card = sara.locator("section.person", has_text="Ole Hansen")
    expect(teacher_card.locator("li", has_text="Samtale om søvn")).to_contain_text(
        "kunne se det fra"
    )
    assert mother.goto(entry_url).status == 404


def test_jonas_gives_his_view_and_his_father_decides(demo, as_user, axe):
    case = demo["jonas"]
    nurse = as_user("helsesykepleier")
    entry = write_note(nurse, case, "Hodepine i timene", "health")
    nurse.get_by_label(re.compile("Ole Hansen")).check()
    nurse.get_by_label("Hvorfor deler du dette?").fill("Så læreren vet om hodepinen.")
    nurse.get_by_role("button", name="Del", exact=True).click()
    expect(nurse.get_by_role("status")).to_contain_text("den som gir samtykke, er spurt")

    # Jonas (13) does not decide, but gives his view.
    jonas = as_user("jonas")
    jonas.get_by_role("link", name=re.compile("spør om å dele «Hodepine i timene»")).click()
    expect(jonas.get_by_role("button", name="Ja, del det")).to_have_count(0)
    jonas.get_by_label("Hva mener du?").fill(
        "Greit at læreren vet det, men ikke resten av klassen."
    )
    jonas.get_by_role("button", name="Send meningen min").click()
    expect(jonas.get_by_role("status")).to_contain_text("De som bestemmer, ser hva du mener")
    assert serious_violations(axe, jonas) == []

    # His father sees Jonas' view next to the decision, and says yes.
    father = as_user("far")
    father.get_by_role("link", name=re.compile("Hodepine i timene")).click()
    expect(father.locator(".facts")).to_contain_text("ikke resten av klassen")
    assert serious_violations(axe, father) == []
    father.get_by_role("button", name="Ja, del det").click()
    expect(father.get_by_role("status")).to_contain_text("Du sa ja")

    teacher = as_user("laerer")
    assert teacher.goto(f"/cases/{case.pk}/entries/{entry.pk}/").status == 200


def test_case_pages_are_axe_clean_and_writing_needs_a_title(demo, as_user, axe):
    nurse = as_user("helsesykepleier", "/cases/")
    assert serious_violations(axe, nurse) == []
    nurse.goto(f"/cases/{demo['sara'].pk}/")
    assert serious_violations(axe, nurse) == []
    nurse.get_by_role("button", name="Lagre").click()
    expect(nurse.get_by_role("alert")).to_contain_text("Sjekk feltene")
    assert serious_violations(axe, nurse) == []
    nurse.goto("/consent/requests/?show=all")
    assert serious_violations(axe, nurse) == []
