"""Browser sessions (#14 item 5): a session idle longer than SAMMEN_SESSION_IDLE_MINUTES is
refused (frozen clock), and every POST that a logged-in browser can make, page, htmx or API,
needs the CSRF token. The routes come from the URL resolver, so a new one is checked too."""

import datetime
import os
import re

import pytest
import time_machine
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from rest_framework.authentication import SessionAuthentication
from rest_framework.test import APIClient

from coordination.services import api_token_for
from tests.factories import PASSWORD, UserFactory, login_with_second_factor
from tests.settings_module import settings_for

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


def test_an_idle_session_is_refused_after_the_timeout_and_not_before(client, user, settings):
    idle = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert idle == 30 * MINUTE
    start = timezone.now()
    # Given someone who logged in
    with time_machine.travel(start, tick=False):
        response = client.post(
            "/accounts/login/", {"username": user.username, "password": PASSWORD}
        )
        assert response.status_code == 302
    # When they come back just before the timeout, they are still in, and the window slides
    last = start + idle - MINUTE
    with time_machine.travel(last, tick=False):
        assert client.get("/").status_code == 200
    last += idle - MINUTE
    with time_machine.travel(last, tick=False):
        assert client.get("/").status_code == 200
        assert client.get("/api/v1/me/").status_code == 200
    # Then, idle for longer than the timeout, the page sends them to log in and the API refuses
    with time_machine.travel(last + idle + MINUTE, tick=False):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        assert client.get("/api/v1/me/").status_code == 401


def test_the_idle_timeout_comes_from_the_environment():
    started = settings_for({**os.environ, "SAMMEN_SESSION_IDLE_MINUTES": "12"})
    assert (started.SESSION_COOKIE_AGE, started.SESSION_SAVE_EVERY_REQUEST) == (720, True)


# --- CSRF ---------------------------------------------------------------------------------

UNSAFE = ("post", "put", "patch", "delete")
SAMPLES = {"int": "1", "uuid": "00000000-0000-4000-8000-000000000001", "path": "x/y"}


def _sample_path(route: str) -> str:
    """The route with a value for each converter (`<int:case_id>` -> 1)."""

    def value(match: re.Match) -> str:
        converter = match.group(1) or "str"
        return SAMPLES.get(converter, "x")

    return re.sub(r"<(?:(\w+):)?\w+>", value, route)


def _routes(patterns, prefix: str = "") -> list[str]:
    """Every route of the URL configuration written with path() (the regex ones are the API's
    catch-all 404 and the admin's per-app index, which only reads)."""
    found = []
    for pattern in patterns:
        if not isinstance(pattern.pattern, RoutePattern):
            continue
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found.extend(_routes(pattern.url_patterns, route))
        elif isinstance(pattern, URLPattern):
            found.append("/" + _sample_path(route))
    return sorted(set(found))


ROUTES = _routes(get_resolver().url_patterns)


def _reads_the_session(path: str) -> bool:
    """Whether a POST to `path` acts as the logged-in browser user. A DRF view without session
    authentication (the token exchange, the public finder) never does, so CSRF has nothing to
    protect there; everything else goes through CsrfViewMiddleware or DRF's session check."""
    view_class = getattr(resolve(path).func, "cls", None)
    if view_class is None:
        return True
    return any(issubclass(c, SessionAuthentication) for c in view_class.authentication_classes)


def test_the_routes_are_read_from_the_resolver():
    assert len(ROUTES) > 80
    for expected in (
        "/api/v1/entries/1/share/",
        "/api/v1/auth/logout/",
        "/accounts/password/",
        "/notifications/read-all/",
        "/admin/coordination/user/x/password/",
    ):
        assert expected in ROUTES
    # Without the session: the token exchange (it reads no cookie; it gives a token to whoever
    # knows the password) and the public catalogue, which only reads
    unprotected = [path for path in ROUTES if not _reads_the_session(path)]
    assert "/api/v1/services/" in unprotected
    writes = [
        path
        for path in unprotected
        if any(hasattr(resolve(path).func.cls, method) for method in UNSAFE)
    ]
    assert writes == ["/api/v1/auth/token/"]


@pytest.fixture
def browser():
    """A logged-in browser that sends no CSRF token unless told to."""
    client = Client(enforce_csrf_checks=True)
    # Staff, past the second factor (owing it, every POST is sent to give it before any view)
    login_with_second_factor(client, UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_every_post_of_a_logged_in_browser_needs_the_csrf_token(browser, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    let_through = {}
    for path in ROUTES:
        if not _reads_the_session(path):
            continue
        response = browser.post(path, {"x": "1"}, **headers)
        if response.status_code != 403 or b"CSRF" not in response.content:
            let_through[path] = response.status_code
    assert let_through == {}


def test_every_session_api_write_method_needs_the_csrf_token(user):
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(user)
    for method, path in [
        ("put", "/api/v1/me/presentation/"),
        ("patch", "/api/v1/me/presentation/"),
        ("delete", "/api/v1/sharing-rules/1/"),
        ("post", "/api/v1/auth/logout/"),
    ]:
        response = getattr(api, method)(path, {"presentation": "Hei"}, format="json")
        assert response.status_code == 403, (method, path)
        assert "CSRF" in response.json()["detail"]
    # Reading needs no token
    assert api.get("/api/v1/me/").status_code == 200


def _csrf_token(client: Client) -> str:
    client.get("/accounts/presentation/")
    return client.cookies["csrftoken"].value


def test_with_the_token_a_page_an_htmx_and_an_api_write_go_through(user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    token = _csrf_token(browser)
    # A form posts the token as a field
    response = browser.post(
        "/accounts/presentation/", {"presentation": "Hei", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    # htmx sends it in the header base.html sets (hx-headers)
    response = browser.post(
        "/notifications/read-all/", HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code in {200, 302}
    api = APIClient(enforce_csrf_checks=True)
    api.cookies = browser.cookies
    response = api.put(
        "/api/v1/me/presentation/",
        {"presentation": "Hallo"},
        format="json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200


def test_a_token_client_needs_no_csrf_token(user):
    # A token is not sent by the browser on its own, so it cannot be ridden cross-site.
    api = APIClient(enforce_csrf_checks=True)
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user=user)}")
    response = api.put("/api/v1/me/presentation/", {"presentation": "Hei"}, format="json")
    assert response.status_code == 200
    assert api.post("/api/v1/auth/logout/").status_code == 204
