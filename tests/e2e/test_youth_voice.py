"""The #5 done-when path on a phone: Jonas understands his home, gives his view on a request,
chooses an ungdomshjelper and writes to his teacher; Sara removes her school rule."""

import re

import pytest
from playwright.sync_api import expect

from cases.demo import SCHOOL
from cases.models import Entry
from cases.services import entry_create, entry_withhold
from consent.services import share
from coordination.models import User

from .conftest import serious_violations

pytestmark = pytest.mark.django_db(transaction=True)


def personas():
    return {user.username: user for user in User.objects.all()}


def test_jonas_on_his_phone(demo, as_user, axe):
    users = personas()
    case = demo["jonas"]
    nurse = users["helsesykepleier"]
    note = entry_create(
        case=case, author=nurse, kind="note", category="health", title="Hodepine", body="Tekst"
    )
    share(entry=note, recipients=[users["laerer"]], actor=nurse)
    visit = Entry.objects.get(case=case, title="Hjemmebesøk")
    entry_withhold(entry_id=visit.pk, actor=users["barnevern"], reason="Barnevernsloven § 12-1.")

    jonas = as_user("jonas")
    # His home: his helpers, what needs his answer, the ungdomshjelper offer, messages.
    expect(jonas.get_by_role("heading", name="Dine hjelpere")).to_be_visible()
    expect(jonas.get_by_role("heading", name="Du kan velge en ungdomshjelper")).to_be_visible()
    expect(jonas.get_by_role("heading", name="Meldinger")).to_be_visible()
    assert serious_violations(axe, jonas) == []

    # He gives his view on the pending request.
    jonas.get_by_role("link", name=re.compile("spør om å dele «Hodepine»")).click()
    jonas.get_by_label("Hva mener du?").fill("Greit at læreren vet det.")
    jonas.get_by_role("button", name="Send meningen min").click()
    expect(jonas.get_by_role("status")).to_contain_text("De som bestemmer, ser hva du mener")

    # He chooses an ungdomshjelper.
    jonas.goto("/")
    jonas.get_by_role("link", name="Se hvem du kan velge").click()
    expect(jonas.get_by_role("heading", level=1)).to_have_text("Ungdomshjelperen din")
    assert serious_violations(axe, jonas) == []
    jonas.get_by_label(re.compile("Nora Bakken")).check()
    jonas.get_by_role("button", name="Velg", exact=True).click()
    expect(jonas.get_by_role("status")).to_contain_text("Nora Bakken er nå ungdomshjelperen din")
    assert serious_violations(axe, jonas) == []

    # He writes to his teacher.
    jonas.goto("/")
    jonas.get_by_role("link", name="Meldinger med hjelperne dine").click()
    assert serious_violations(axe, jonas) == []
    jonas.get_by_label("Meldingen din").fill("Kan vi snakke etter matten? <b>takk</b>")
    jonas.get_by_label(re.compile("Ole Hansen")).check()
    jonas.get_by_role("button", name="Send", exact=True).click()
    expect(jonas.get_by_role("status")).to_contain_text("Sendt")
    expect(jonas.locator(".message-body")).to_contain_text("<b>takk</b>")
    assert serious_violations(axe, jonas) == []

    # It shows in his who-knows-what, as his own choice.
    jonas.goto(f"/cases/{case.pk}/who-knows-what/")
    teacher_card = jonas.locator("section.person", has_text="Ole Hansen")
    expect(teacher_card).to_contain_text("Kan vi snakke etter matten?")
    assert serious_violations(axe, jonas) == []

    # His case page tells him what is withheld, why and by whom.
    jonas.goto(f"/cases/{case.pk}/")
    expect(jonas.locator(".withheld")).to_contain_text("Barnevernsloven § 12-1.")
    expect(jonas.locator(".withheld")).to_contain_text("Ingrid Lie")
    assert serious_violations(axe, jonas) == []

    # He writes a goal in his plan, in his own words.
    jonas.goto(f"/cases/{case.pk}/plan/")
    jonas.get_by_label("Et mål, med dine egne ord").fill("Komme på skolen hver dag")
    jonas.get_by_role("button", name="Legg til målet").click()
    expect(jonas.get_by_role("heading", name="Komme på skolen hver dag")).to_be_visible()
    assert serious_violations(axe, jonas) == []

    # His sharing rules page says who decides.
    jonas.goto(f"/cases/{case.pk}/sharing-rules/")
    expect(jonas.get_by_role("heading", level=1)).to_have_text("Mine delingsregler")
    assert serious_violations(axe, jonas) == []

    # The word "ungdomshjelper" on his pages leads to the glossary, which he can search.
    jonas.goto(f"/cases/{case.pk}/ungdomshjelper/")
    jonas.locator(".lead a.term").first.click()
    expect(jonas.get_by_role("heading", level=1)).to_have_text("Ordliste")
    jonas.get_by_label("Søk etter et ord").fill("taushetsplikt")
    jonas.get_by_role("button", name="Søk").click()
    expect(jonas.locator(".glossary-list")).to_contain_text("ikke får fortelle andre")
    assert serious_violations(axe, jonas) == []

    # He proposes a correction of what his teacher wrote.
    jonas.goto("/")
    jonas.get_by_role("link", name="Fravær i matematikk").click()
    assert serious_violations(axe, jonas) == []
    jonas.get_by_label("Si hva som er feil og hvordan det skal være").check()
    jonas.get_by_label("Kommentaren din").fill("Det var to timer, ikke fire.")
    jonas.get_by_label(re.compile("Slik skal teksten være")).fill("Borte fra to timer.")
    jonas.get_by_role("button", name="Send", exact=True).click()
    expect(jonas.get_by_role("status")).to_contain_text("Den som skrev det, svarer deg her")
    assert serious_violations(axe, jonas) == []

    # He gives anonymous feedback on the help.
    jonas.goto("/")
    jonas.get_by_role("link", name="Tilbakemelding på hjelpen").click()
    assert serious_violations(axe, jonas) == []
    jonas.get_by_label("Hvilken tjeneste gjelder det?").select_option(label=SCHOOL[0])
    jonas.get_by_label("4 – bra").check()
    jonas.get_by_role("button", name="Send tilbakemelding").click()
    expect(jonas.get_by_role("status")).to_contain_text("Takk!")

    # The teacher reads the message.
    teacher = as_user("laerer", f"/cases/{case.pk}/messages/")
    expect(teacher.locator(".message-body")).to_contain_text("Kan vi snakke etter matten?")


def test_sara_removes_the_school_rule(demo, as_user, axe):
    users = personas()
    case = demo["sara"]
    nurse = users["helsesykepleier"]
    entry = entry_create(
        case=case, author=nurse, kind="note", category="school", title="Lekseplan", body="Tekst"
    )
    assert share(entry=entry, recipients=[users["laerer"]], actor=nurse).status == "shared"
    entry_url = f"/cases/{case.pk}/entries/{entry.pk}/"
    teacher = as_user("laerer")
    assert teacher.goto(entry_url).status == 200

    sara = as_user("sara")
    sara.get_by_role("link", name="Mine delingsregler").click()
    assert serious_violations(axe, sara) == []
    rule = sara.locator(".rule-list li", has_text="skole")
    expect(rule).to_contain_text("Alle hjelperne dine kan se det som handler om skole.")
    rule.get_by_role("button", name=re.compile("Fjern")).click()
    expect(sara.get_by_role("status")).to_contain_text("Regelen er fjernet")
    assert serious_violations(axe, sara) == []
    # The teacher loses access at once.
    assert teacher.goto(entry_url).status == 404
    assert Entry.objects.filter(pk=entry.pk).exists()

    # Her mother cannot change the rules: 403 with the reason.
    mother = as_user("mor", None)
    response = mother.goto(f"/cases/{case.pk}/sharing-rules/")
    assert response.status == 403
    expect(mother.get_by_role("alert")).to_contain_text("gammel nok")
    assert serious_violations(axe, mother) == []
