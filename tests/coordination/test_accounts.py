"""Accounts in the browser: login, lockout, logout, password change, language, headers."""

import pytest
from django.conf import settings as django_settings

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_login_page_is_in_bokmal_by_default_whatever_the_browser_says(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="nb">' in html
    assert "Logg inn" in html


def test_login_then_home_greets_by_name(client):
    UserFactory(username="sara", display_name="Sara Nilsen")
    response = login(client, "sara", PASSWORD)
    assert response.status_code == 302
    assert response.url == "/"
    home = client.get("/").content.decode()
    assert "Hei, Sara Nilsen!" in home


def test_wrong_password_shows_a_clear_message_and_keeps_the_username(client):
    UserFactory(username="sara")
    response = login(client, "sara", "wrong")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Brukernavnet eller passordet er feil" in html
    assert 'value="sara"' in html


def test_repeated_failures_lock_the_account(client, settings):
    UserFactory(username="sara")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "sara", "wrong")
    response = login(client, "sara", PASSWORD)
    # The right password no longer lets anyone in while the lock lasts.
    assert response.status_code == 429
    assert "For mange feil forsøk" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_post_and_ends_the_session(client, user):
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_password_change_rejects_a_weak_password_and_accepts_a_good_one(client, user):
    client.force_login(user)
    weak = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"},
    )
    assert weak.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    good = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "lang-og-trygg-setning-42",
            "new_password2": "lang-og-trygg-setning-42",
        },
    )
    assert good.status_code == 302
    user.refresh_from_db()
    assert user.check_password("lang-og-trygg-setning-42")


def test_language_switch_is_remembered_on_the_user(client, user):
    client.force_login(user)
    response = client.post("/language/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.preferred_language == "en"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Needs your answer" in html


def test_saved_language_follows_the_user_to_a_new_device(client):
    UserFactory(username="jonas", preferred_language="en")
    login(client, "jonas", PASSWORD)
    assert '<html lang="en">' in client.get("/").content.decode()


def test_language_switch_ignores_unknown_language_and_foreign_next(client):
    response = client.post("/language/", {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.url == "/"
    assert django_settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_anonymous_language_choice_is_kept_in_a_cookie(client):
    client.post("/language/", {"language": "en", "next": "/accounts/login/"})
    assert '<html lang="en">' in client.get("/accounts/login/").content.decode()


def test_sessions_suit_shared_devices():
    assert django_settings.SESSION_COOKIE_AGE <= 30 * 60
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert django_settings.SESSION_SAVE_EVERY_REQUEST


def test_security_headers_on_every_page(client):
    response = client.get("/accounts/login/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/finnes-ikke/")
    assert response.status_code == 404
    assert "Vi fant ikke den siden" in response.content.decode()


def test_no_page_loads_assets_from_another_origin(client, user):
    client.force_login(user)
    for url in ["/", "/accounts/login/", "/accounts/password/"]:
        html = client.get(url).content.decode()
        assert "http://" not in html and "https://" not in html, url
