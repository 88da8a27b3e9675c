"""Pages compared byte for byte, as the tests of the compiled reads compare them: a person signed
in, in one language, and the page with its CSRF token (new on every request) masked."""

import re
from typing import Any

from django.conf import settings
from django.test import Client

from coordination.models import User

CSRF = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


def without_csrf(html: str) -> str:
    return CSRF.sub(r"\1-", html)


def signed_in(user: User, language: str) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return without_csrf(response.content.decode())


def by_its_builder(read: Any) -> Any:
    """A compiled read's stand-in: its builder's queryset, built and run by the ORM on the call
    (as before it was compiled)."""
    return lambda **values: list(read._build(**values))
