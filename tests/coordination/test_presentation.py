"""A person's own presentation: written by themself, plain text, at most 500 characters; a
young person reads it when choosing an ungdomshjelper."""

import pytest
from django.test import Client

from tests.consent.helpers import as_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/me/presentation/"
PAGE = "/accounts/presentation/"


def test_the_page_saves_my_presentation_and_shows_it_inert():
    # given a logged-in helper
    helper = UserFactory(presentation="")
    client = Client()
    client.force_login(helper)
    # the menu links "My profile", which links the presentation (#13)
    assert 'href="/accounts/profile/"' in client.get("/").content.decode()
    assert 'href="/accounts/presentation/"' in client.get("/accounts/profile/").content.decode()
    # when they write a presentation with markup in it
    done = client.post(PAGE, {"presentation": "  Jeg liker <b>fotball</b>.  "}, follow=True)
    # then it is stored as typed (trimmed) and shown escaped
    helper.refresh_from_db()
    assert helper.presentation == "Jeg liker <b>fotball</b>."
    page = done.content.decode()
    assert "Presentasjonen din er lagret" in page
    assert "Jeg liker &lt;b&gt;fotball&lt;/b&gt;." in page


def test_too_long_is_refused_and_nothing_stored():
    helper = UserFactory(presentation="Før.")
    client = Client()
    client.force_login(helper)
    response = client.post(PAGE, {"presentation": "x" * 501})
    assert response.status_code == 400
    assert as_user(helper).put(API, {"presentation": "x" * 501}, format="json").status_code == 400
    helper.refresh_from_db()
    assert helper.presentation == "Før."


def test_the_api_reads_and_writes_only_my_own():
    helper, other = UserFactory(presentation=""), UserFactory(presentation="Annen.")
    api = as_user(helper)
    assert api.get(API).json() == {"presentation": ""}
    assert api.put(API, {"presentation": "Hei!"}, format="json").json() == {"presentation": "Hei!"}
    other.refresh_from_db()
    assert other.presentation == "Annen."
    assert api.put(API, {"presentation": ""}, format="json").json() == {"presentation": ""}
    # anonymous: 401/403, and the page sends to login
    assert Client().get(API).status_code in (401, 403)
    assert Client().get(PAGE).status_code == 302
