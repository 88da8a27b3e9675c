"""base.html's frame (coordination/templatetags/frame.py): kept once per language, signed-in
state and page kind, with the CSRF token, the person's name, the unread count and the path put
back on every request. Every page is the same bytes as base.html's nodes rendered plainly in the
same request (so with the same CSRF token), for every demo person and a visitor, in every
language, on the pages each one reaches."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Engine, TemplateSyntaxError
from django.test import Client, RequestFactory

from coordination.templatetags import frame
from tests.factories import UserFactory, login_with_second_factor
from tests.pages import signed_in

pytestmark = pytest.mark.django_db

PEOPLE = ("sara", "jonas", "helsesykepleier", "laerer", "ungdomshjelper", "far", "mor", "bup")
# The pages that mark a navigation item current, and some that mark none; in each language a
# person is shown another of them, and in the first everyone the same one (a frame kept from
# someone else).
PAGES = (
    "/",
    "/cases/",
    "/meetings/",
    "/consent/requests/",
    "/notifications/",
    "/ungdomshjelper/",
    "/glossary/",
    "/accounts/profile/",
    "/services/",
    "/accounts/password/",
)
SHARED_PAGE = "/accounts/password/"
VISITOR_PAGES = ("/services/", "/glossary/", "/accounts/login/", "/no-such-page/")


@pytest.fixture
def renders(monkeypatch):
    """Each frame rendered in a request, with the plain render of its nodes in the same context
    after it: (kept, plain, whether the kept text was used)."""
    seen = []
    render = frame.FrameNode.render

    def both(node, context):
        kept = render(node, context)
        seen.append((kept, node.nodelist.render(context), frame._key(context) is not None))
        return kept

    monkeypatch.setattr(frame.FrameNode, "render", both)
    return seen


def get(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == (404 if path == "/no-such-page/" else 200), path
    return response.content.decode()


def test_every_page_is_the_plain_render(demo, renders):
    people = [demo[name] for name in PEOPLE]
    # A name that escaping changes.
    people.append(UserFactory(display_name="Å <b>\"Ola\"</b> & 'co'"))
    clients = [Client() for _ in people]
    for client, person in zip(clients, people, strict=True):
        client.force_login(person)
    # A second factor shows its menu item.
    login_with_second_factor(clients[PEOPLE.index("laerer")], demo["laerer"])
    visitor = Client()
    for turn, (language, _) in enumerate(settings.LANGUAGES):
        for client in [*clients, visitor]:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for index, client in enumerate(clients):
            get(client, PAGES[(index + 3 * turn) % len(PAGES)])
            if turn == 0:
                get(client, SHARED_PAGE)
        for path in VISITOR_PAGES:
            get(visitor, path)

    assert [kept for kept, plain, _ in renders] == [plain for _, plain, _ in renders]
    assert all(used for *_, used in renders)
    pages = "".join(kept for kept, _, _ in renders)
    assert "&lt;b&gt;&quot;Ola&quot;&lt;/b&gt; &amp; &#x27;co&#x27;" in pages
    assert pages.count('href="/accounts/two-factor/"') == len(settings.LANGUAGES) + 1
    assert 'class="badge"' in pages
    assert pages.count('aria-current="page"') > 20


def test_each_request_has_its_own_token_name_and_path(demo):
    """Two people one after another on the same kind of page: the second page's values are its
    own, and its token is one the site accepts."""
    first = signed_in(demo["sara"], "nb")
    second = Client(enforce_csrf_checks=True)
    second.force_login(demo["jonas"])
    first_page = get(first, "/glossary/?q=a")
    second_page = get(second, "/glossary/?q=b")

    assert demo["jonas"].name in second_page
    assert demo["sara"].name not in second_page
    assert 'name="next" value="/glossary/?q=b"' in second_page
    tokens = set(re.findall(r'csrfmiddlewaretoken" value="([^"]+)"', second_page))
    assert len(tokens) == 1
    assert tokens.isdisjoint(re.findall(r'csrfmiddlewaretoken" value="([^"]+)"', first_page))
    answer = second.post(
        "/language/", {"language": "en", "next": "/", "csrfmiddlewaretoken": tokens.pop()}
    )
    assert answer.status_code == 302


@pytest.mark.parametrize("debug", [False, True])
def test_a_frame_reading_something_else_per_request_is_refused(debug):
    """Also where template errors show their place (debug), as in development."""
    engine = Engine(debug=debug, libraries={"frame": "coordination.templatetags.frame"})
    context = Context(
        {"request": RequestFactory().get("/"), "user": AnonymousUser(), "csrf_token": "x"}
    )
    template = engine.from_string("{% load frame %}{% frame %}{{ request.method }}{% endframe %}")
    with pytest.raises(ImproperlyConfigured, match=r"request\.method"):
        template.render(context)
    with pytest.raises(TemplateSyntaxError):
        engine.from_string(
            "{% load frame %}{% frame %}{% if 1 %}{% block b %}{% endblock %}{% endif %}"
            "{% endframe %}"
        )
