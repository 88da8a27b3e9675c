"""Issue #13's "Done when" in Chromium: the nurse opens a case for a new young person, Ali
Hassan (15), who is invited by e-mail; she invites `bup` as helper; Ali follows the link from
the mail file, makes his account, logs in, sees his team (who invited whom) and an empty
who-knows-what; bup accepts and joins; the nurse leaves with a summary and Ali is told; bup
closes the case; every write is then 409 and Ali still reads everything. Every page axe-clean
at 390 and 1280 px."""

import re
from datetime import date
from email import message_from_bytes
from pathlib import Path

import pytest
from playwright.sync_api import expect
from rest_framework.test import APIClient

from cases.models import Case, Participant
from coordination.demo import birth_date_for_age
from coordination.models import Notification, User
from coordination.services import notification_deliver

from .conftest import PHONE, log_in, new_context, serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

WIDE = {"width": 1280, "height": 900}
PASSWORD = "Sommer-2026-fjord"


def axe_clean_at_both_widths(axe, page) -> None:
    for viewport in ({"width": 390, "height": 844}, WIDE):
        page.set_viewport_size(viewport)
        assert serious_violations(axe, page) == [], (page.url, viewport)
    page.set_viewport_size({"width": 390, "height": 844})


def deliver_outbox() -> None:
    """What the Celery worker does with each outbox row (tests/cases/test_invitations.py runs
    the real worker)."""
    for notification_id in Notification.objects.filter(delivered_at=None).values_list(
        "pk", flat=True
    ):
        notification_deliver(notification_id=notification_id)


def link_in_mail_to(folder: Path, address: str) -> str:
    for path in sorted(folder.iterdir()):
        for raw in path.read_bytes().split(b"-" * 79):
            message = message_from_bytes(raw.strip())
            if message["To"] == address:
                body = message.get_payload(decode=True).decode()
                link = re.search(r"https?://\S+?(/invite/[0-9a-f]+/)", body)
                assert link is not None, (path.name, body)
                return link.group(1)
    raise AssertionError(f"no mail to {address}")


def test_a_nurse_opens_a_case_for_ali_who_joins_with_bup(
    request, demo, as_user, browser, live_server, axe, settings, tmp_path
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    # The nurse opens a case for Ali from her case list
    nurse = as_user("helsesykepleier", "/cases/")
    # The catalogue search asks the server 300 ms after the last keystroke (htmx's delay): the
    # page's clock is moved on by that instead of the test waiting it out
    nurse.clock.install()
    nurse.get_by_role("link", name="Åpne en sak").click()
    expect(nurse.get_by_role("heading", level=1)).to_have_text("Åpne en sak")
    axe_clean_at_both_widths(axe, nurse)
    nurse.get_by_label("Tittel på saken").fill("Ali - oppfølging på skolen")
    nurse.get_by_label("Navnet til den unge").fill("Ali Hassan")
    nurse.get_by_label("Fødselsdato").fill(birth_date_for_age(15, today=date.today()).isoformat())
    nurse.get_by_label("E-post").fill("ali@example.org")
    nurse.get_by_label("Søk i katalogen").fill("Skolehelsetjenesten")
    nurse.clock.fast_forward(300)
    nurse.get_by_label(re.compile("Skolehelsetjenesten, Fjordvik ungdomsskole")).check()
    axe_clean_at_both_widths(axe, nurse)
    nurse.get_by_role("button", name="Åpne saken").click()
    expect(nurse.get_by_role("status")).to_contain_text("Saken er åpnet")
    case = Case.objects.get(title="Ali - oppfølging på skolen")
    expect(nurse.locator(".invitation", has_text="Ali Hassan")).to_contain_text(
        "Invitert av Kari Nordmann"
    )

    # She invites bup as helper for BUP
    nurse.get_by_label("Inviter som").select_option(label="hjelper")
    nurse.get_by_label("Brukernavn, hvis de allerede bruker Sammen").fill("bup")
    nurse.get_by_label("Søk i katalogen").fill("BUP")
    nurse.clock.fast_forward(300)
    nurse.get_by_label(re.compile(r"^BUP Fjordvik")).check()
    nurse.get_by_role("button", name="Send invitasjonen").click()
    expect(nurse.get_by_role("status")).to_contain_text("Invitert")
    expect(nurse.locator(".invitation", has_text="Ahmed Khan")).to_be_visible()
    axe_clean_at_both_widths(axe, nurse)

    # The outbox sends both; Ali's link is in the mail file
    deliver_outbox()
    ali_link = link_in_mail_to(Path(settings.EMAIL_FILE_PATH), "ali@example.org")
    bup_link = link_in_mail_to(Path(settings.EMAIL_FILE_PATH), "bup@sammen.localhost")

    # Ali follows it, makes his account and lands on his team
    context = new_context(request, browser, live_server, viewport=PHONE)
    ali = context.new_page()
    ali.goto(ali_link)
    expect(ali.get_by_role("heading", level=1)).to_have_text("Du er invitert")
    expect(ali.locator("main")).to_contain_text("Kari Nordmann inviterer deg")
    axe_clean_at_both_widths(axe, ali)
    ali.get_by_label("Velg et brukernavn").fill("ali")
    ali.get_by_label("Velg et passord").fill("123")
    ali.get_by_role("button", name="Lag kontoen og bli med").click()
    expect(ali.locator(".error-summary")).to_be_visible()
    axe_clean_at_both_widths(axe, ali)
    ali.get_by_label("Velg et brukernavn").fill("ali")
    ali.get_by_label("Velg et passord").fill(PASSWORD)
    ali.get_by_role("button", name="Lag kontoen og bli med").click()
    expect(ali.get_by_role("status")).to_contain_text("Velkommen til Sammen")
    # He logs out and in again with his own password
    ali.get_by_role("button", name=re.compile("Logg ut")).click()
    log_in(ali, "ali", PASSWORD)
    expect(ali.get_by_role("heading", level=1)).to_contain_text("Hei")
    # His team: the nurse, and bup invited by her, waiting
    ali.goto(f"/cases/{case.pk}/team/")
    expect(ali.locator(".team-member", has_text="Kari Nordmann")).to_contain_text(
        "Skolehelsetjenesten"
    )
    expect(ali.locator(".invitation", has_text="Ahmed Khan")).to_contain_text(
        "Invitert av Kari Nordmann"
    )
    axe_clean_at_both_widths(axe, ali)
    # Nobody knows anything about him yet
    ali.goto(f"/cases/{case.pk}/who-knows-what/")
    expect(ali.locator("main")).to_contain_text("Kan ikke se noe om deg nå")
    axe_clean_at_both_widths(axe, ali)
    # The link does not work twice
    used = context.new_page()
    used.goto(ali_link)
    expect(used.get_by_role("heading", level=1)).to_have_text("Denne lenken virker ikke")
    axe_clean_at_both_widths(axe, used)

    # bup sees the invitation on his own page (from his in-app notification), then follows the
    # link in his mail, logged in, and joins
    bup = as_user(
        "bup", Notification.objects.get(recipient__username="bup", kind="invited").target_url
    )
    expect(bup.get_by_role("button", name="Bli med i teamet")).to_be_visible()
    axe_clean_at_both_widths(axe, bup)
    bup.goto(bup_link)
    expect(bup.locator("main")).to_contain_text("som hjelper for BUP Fjordvik")
    axe_clean_at_both_widths(axe, bup)
    bup.get_by_role("button", name="Bli med i teamet").click()
    expect(bup.get_by_role("status")).to_contain_text("Velkommen i teamet")
    # Ali sees who invited him
    ali.goto(f"/cases/{case.pk}/team/")
    expect(ali.locator(".team-member", has_text="Ahmed Khan")).to_contain_text(
        "invitert av Kari Nordmann"
    )
    axe_clean_at_both_widths(axe, ali)

    # The nurse leaves the team with a summary; Ali is told who left and reads why
    nurse.goto(f"/cases/{case.pk}/team/")
    nurse.get_by_role("link", name="Gå ut av teamet").click()
    axe_clean_at_both_widths(axe, nurse)
    nurse.get_by_label("Noen ord til den unge og teamet (valgfritt)").fill(
        "BUP følger deg opp videre."
    )
    nurse.get_by_role("button", name="Gå ut av teamet").click()
    expect(nurse.get_by_role("status")).to_contain_text("Du har gått ut av teamet")
    assert Notification.objects.filter(
        recipient__username="ali", kind="participant_left", case_id=case.pk
    ).exists()
    ali.goto(f"/cases/{case.pk}/")
    expect(ali.locator("main")).to_contain_text("BUP følger deg opp videre.")

    # bup closes the case with a summary
    bup.goto(f"/cases/{case.pk}/")
    bup.get_by_role("link", name="Avslutt saken").click()
    axe_clean_at_both_widths(axe, bup)
    bup.get_by_label("Oppsummering").fill("Behandlingen er ferdig. Ny samtale om tre måneder.")
    bup.get_by_role("button", name="Avslutt saken").click()
    expect(bup.locator(".case-closed")).to_be_visible()

    # Every write is now 409 with one message, for Ali as for bup; Ali still reads it all
    note = {"kind": "note", "category": "general", "title": "Hei", "body": "Hei"}
    service = str(Participant.objects.get(case=case, user__username="bup").service_id)
    invite = {"role": "helper", "display_name": "Ny", "email": "ny@example.org"}
    for persona, path, body in (
        ("ali", f"/api/v1/cases/{case.pk}/entries/", note),
        ("bup", f"/api/v1/cases/{case.pk}/entries/", note),
        ("bup", f"/api/v1/cases/{case.pk}/invitations/", invite | {"service": service}),
    ):
        response = api_as(persona).post(path, body, format="json")
        assert (response.status_code, response.json()) == (409, {"detail": "Saken er avsluttet."})
    ali.goto(f"/cases/{case.pk}/")
    expect(ali.locator(".case-closed")).to_contain_text("Behandlingen er ferdig")
    axe_clean_at_both_widths(axe, ali)
    ali.goto(f"/cases/{case.pk}/who-knows-what/")
    expect(ali.get_by_role("heading", level=1)).to_be_visible()
    axe_clean_at_both_widths(axe, ali)
    assert api_as("ali").get(f"/api/v1/cases/{case.pk}/participants/").status_code == 200
    context.close()


def api_as(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(username=username))
    return client
