"""Nynorsk (issue #19 item 8): a third language with a complete catalogue, the switch, the
glossary, and a municipality's default language."""

import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import translation

from cases.models import Participant
from coordination import notifications as coordination_notifications
from coordination.models import User
from coordination.services import notification_create, notification_deliver
from tests.consent.helpers import as_user
from tests.factories import CaseFactory, ParticipantFactory, UserFactory
from tests.settings_module import settings_for
from voice.glossary import TERMS, terms_matching

ROOT = Path(__file__).resolve().parents[2]


def catalogues(lang: str) -> list[Path]:
    project = ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"
    return [project, *sorted(ROOT.glob(f"*/locale/{lang}/LC_MESSAGES/django.po"))]


def msgids(po: Path) -> set[str]:
    output = subprocess.run(
        ["msgcat", "--no-wrap", "--sort-output", str(po)], capture_output=True, text=True
    ).stdout
    return {line for line in output.splitlines() if line.startswith("msgid ")}


# -- the switch ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["/i18n/setlang/", "/language/"])
def test_setlang_to_nynorsk_is_kept_in_a_cookie_for_a_visitor(client, address):
    response = client.post(address, {"language": "nn", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "nn"
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="nn">' in page
    assert "Her samarbeider du og dei som hjelper deg" in page


@pytest.mark.django_db
def test_setlang_to_nynorsk_is_saved_on_the_user_and_follows_them(client):
    user = UserFactory(username="nora-nn")
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "nn", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "nn"
    # On a new device the page is in nynorsk from the start.
    other = Client()
    other.force_login(user)
    assert '<html lang="nn">' in other.get("/").content.decode()


def test_the_switch_offers_nynorsk_between_bokmal_and_english(client):
    assert [code for code, _name in django_settings.LANGUAGES] == ["nb", "nn", "en"]
    page = client.get("/accounts/login/").content.decode()
    assert 'name="language" value="nn" lang="nn"' in page
    assert "Norsk (nynorsk)" in page


@pytest.mark.django_db
def test_setlang_refuses_an_unknown_language_and_keeps_the_old_one(client):
    client.post("/i18n/setlang/", {"language": "nn"})
    response = client.post("/i18n/setlang/", {"language": "nn-x", "next": "/"})
    assert response.status_code == 302
    assert django_settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert '<html lang="nn">' in client.get("/accounts/login/").content.decode()


@pytest.mark.django_db
def test_the_api_takes_nynorsk_and_notifications_then_come_in_nynorsk():
    person = UserFactory(username="ola-nn", email="ola@example.test")
    response = as_user(person).patch("/api/v1/me/", {"language": "nn"}, format="json")
    assert response.status_code == 200 and response.json()["language"] == "nn"
    notification = notification_create(
        recipient=person, kind=coordination_notifications.GUARDIANSHIP_SET
    )
    assert notification_deliver(notification_id=notification.pk) is True
    assert mail.outbox[0].subject == "Nytt i Sammen"
    assert mail.outbox[0].body.startswith("Nokon er registrert som føresett for deg i Sammen.")


# -- pages in nynorsk ------------------------------------------------------------------------


@pytest.fixture
def sara_in_nynorsk(db):
    sara = UserFactory(username="sara-nn", display_name="Sara", preferred_language="nn")
    case = CaseFactory(youth=sara, title="Sara")
    nurse = UserFactory(username="nurse-nn", display_name="Helsesjukepleiar Hanne")
    ParticipantFactory(case=case, user=nurse, role=Participant.Role.HELPER)
    client = Client()
    client.force_login(sara)
    return client, case


def test_the_youths_home_reads_in_nynorsk(sara_in_nynorsk):
    client, _case = sara_in_nynorsk
    page = client.get("/").content.decode()
    assert '<html lang="nn">' in page
    assert "Hjelparane dine" in page
    assert "Kven veit kva om meg" in page
    assert "Dine hjelpere" not in page and "Hvem vet hva om meg" not in page  # bokmål


def test_who_knows_what_reads_in_nynorsk(sara_in_nynorsk):
    client, case = sara_in_nynorsk
    response = client.get(f"/cases/{case.pk}/who-knows-what/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Her ser du alle som er med i saka di" in page
    assert "Hvem vet hva" not in page


def test_dates_follow_the_nynorsk_locale():
    from datetime import date

    from django.utils.formats import date_format

    with translation.override("nn"):
        assert date_format(date(2026, 11, 30), "DATE_FORMAT") == "30. november 2026"
        assert date_format(date(2026, 11, 28), "l") == "laurdag"


# -- the municipality's default language -----------------------------------------------------


@pytest.mark.django_db
def test_a_nynorsk_municipality_greets_visitors_and_new_accounts_in_nynorsk(client, settings):
    settings.LANGUAGE_CODE = "nn"
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="nn">' in page
    assert User.objects.create_user(username="new-in-nn").preferred_language == "nn"
    # A person's own choice still wins over the default.
    client.post("/i18n/setlang/", {"language": "nb"})
    assert '<html lang="nb">' in client.get("/accounts/login/").content.decode()


@pytest.mark.django_db
def test_bokmal_stays_the_default_when_nothing_is_set(client):
    assert django_settings.LANGUAGE_CODE == "nb"
    assert '<html lang="nb">' in client.get("/accounts/login/").content.decode()
    assert User.objects.create_user(username="new-in-nb").preferred_language == "nb"


def settings_with_default_language(value: str) -> ModuleType:
    """The settings as a start reads them with SAMMEN_DEFAULT_LANGUAGE set to `value`."""
    return settings_for(dict(os.environ, SAMMEN_DEFAULT_LANGUAGE=value))


@pytest.mark.parametrize("value", ["nynorsk", "NN", "de", " "])
def test_the_default_language_setting_refuses_what_sammen_does_not_offer(value):
    with pytest.raises(
        ImproperlyConfigured, match="SAMMEN_DEFAULT_LANGUAGE must be one of nb, nn, en"
    ):
        settings_with_default_language(value)


def test_the_default_language_setting_takes_nynorsk():
    assert settings_with_default_language("nn").LANGUAGE_CODE == "nn"


# -- the catalogue ---------------------------------------------------------------------------


def test_every_app_has_a_nynorsk_catalogue_with_the_same_strings_as_bokmal():
    bokmal, nynorsk = catalogues("nb"), catalogues("nn")
    assert [po.parent.parent.parent for po in nynorsk] == [po.parent.parent.parent for po in bokmal]
    for nb_po, nn_po in zip(bokmal, nynorsk, strict=True):
        assert msgids(nn_po) == msgids(nb_po), nn_po


@pytest.mark.parametrize("po", catalogues("nn"), ids=lambda po: str(po.relative_to(ROOT)))
def test_the_nynorsk_catalogues_are_complete_and_compile(po):
    for flag in ("--untranslated", "--only-fuzzy"):
        left = subprocess.run(
            ["msgattrib", flag, "--no-obsolete", str(po)], capture_output=True, text=True
        )
        assert left.stdout == "", left.stdout
    assert subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(po)]).returncode == 0


def test_untranslated_lists_a_missing_nynorsk_string_by_file(tmp_path):
    # A copy of the project's catalogues with one nynorsk string emptied.
    for lang in ("nb", "nn"):
        source = ROOT / "voice" / "locale" / lang / "LC_MESSAGES" / "django.po"
        target = tmp_path / "voice" / "locale" / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        text = source.read_text()
        if lang == "nn":
            text = text.replace('msgstr "Ordliste"', 'msgstr ""', 1)
        (target / "django.po").write_text(text)
    (tmp_path / "scripts").mkdir()
    script = tmp_path / "scripts" / "untranslated.py"
    script.write_text((ROOT / "scripts" / "untranslated.py").read_text())

    missing = subprocess.run([sys.executable, str(script), "nn"], capture_output=True, text=True)
    assert missing.returncode == 1
    assert "voice/locale/nn/LC_MESSAGES/django.po: 1" in missing.stdout
    assert "msgid  'Glossary'" in missing.stdout
    assert "nb     'Ordliste'" in missing.stdout  # the bokmål text to translate from
    done = subprocess.run([sys.executable, str(script), "nb"], capture_output=True, text=True)
    assert done.returncode == 0 and "0 left in nb." in done.stdout


# -- the glossary in nynorsk -----------------------------------------------------------------


def test_every_term_is_explained_in_nynorsk():
    assert all(term.nn and term.nn not in (term.nb, term.en) for term in TERMS)


def test_the_glossary_shows_nynorsk_words_under_the_same_anchors():
    teieplikt = next(term for term in TERMS if term.word == "Taushetsplikt")
    with translation.override("nn"):
        assert teieplikt.shown_word() == "Teieplikt"
        assert teieplikt.explanation().startswith("Regelen om at vaksne")
        assert teieplikt in terms_matching("teieplikta")
    with translation.override("nb"):
        assert teieplikt.shown_word() == "Taushetsplikt"
    assert teieplikt.slug == "taushetsplikt"


def test_the_glossary_page_and_api_in_nynorsk(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "nn"
    page = client.get("/glossary/", {"q": "teieplikt"}).content.decode()
    assert '<dt id="taushetsplikt" lang="nn">Teieplikt</dt>' in page
    assert "Ord som dei vaksne i tenestene bruker" in page
    body = client.get("/api/v1/glossary/", {"q": "teieplikt"}).json()
    assert body["results"] == [
        {
            "word": "Teieplikt",
            "slug": "taushetsplikt",
            "explanation": next(t.nn for t in TERMS if t.word == "Taushetsplikt"),
        }
    ]
