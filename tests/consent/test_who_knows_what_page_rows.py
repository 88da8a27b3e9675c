"""The who-knows-what page builds its rows in Python (consent.texts.KnowledgeRows, issue 18):
its lists show, byte for byte, what the template they replaced rendered
(who_knows_what_page_reference.html), for every kind of row, viewer and language."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from consent.selectors import categories_decided_by, who_knows_what
from consent.services import consent_request_approve, share
from tests.factories import login_with_second_factor

from .helpers import HOSTILE, everything_on_saras_case, write_entry

pytestmark = pytest.mark.django_db

REFERENCE = Template((Path(__file__).parent / "who_knows_what_page_reference.html").read_text())
LISTS = re.compile(r'<ul class="knowledge-list">(.*?)</ul>', re.DOTALL)


def _reference(case, viewer, csrf_token: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The inside of each list of the page, in order, as the template rendered it."""
    decided = categories_decided_by(case=case, user=viewer)
    lists = []
    for person in who_knows_what(case=case, viewer=viewer):
        if person.user.pk == case.youth_id:
            continue
        item = {"person": person}
        current = [k for k in person.entries if k.in_force]
        ended = [k for k in person.entries if not k.in_force]
        for name, rows in (("current", current), ("ended", ended)):
            if rows:
                context = {
                    "list": name,
                    "rows": rows,
                    "item": item,
                    "decided_categories": decided,
                    "csrf_token": csrf_token,
                }
                lists.append(REFERENCE.render(Context(context)))
    return lists


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_page_is_what_the_template_rendered(demo, language):
    everything_on_saras_case(demo)
    # One entry Sara decides about, shared with two people: a form to stop sharing on each of
    # their rows, the same title and different names (the page builds each once).
    both = write_entry(demo.sara_case, demo["helsesykepleier"], category="school", title="To")
    asked = share(
        entry=both,
        recipients=[demo["laerer"], demo["ungdomshjelper"]],
        actor=demo["helsesykepleier"],
    ).consent_request
    assert asked is not None
    consent_request_approve(consent_request=asked, actor=demo["sara"])
    viewers = [
        (demo.sara_case, demo["sara"]),
        (demo.sara_case, demo["ungdomshjelper"]),
        (demo.jonas_case, demo["far"]),
    ]
    compared = {}
    for case, viewer in viewers:
        viewer.preferred_language = language
        viewer.save(update_fields=["preferred_language"])
        client = Client()
        login_with_second_factor(client, viewer)
        page = client.get(f"/cases/{case.pk}/who-knows-what/").content.decode()
        assert f'<html lang="{language}">' in page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None
        with translation.override(language):
            expected = _reference(case, viewer, token.group(1))
        assert expected and all("<li>" in rows for rows in expected)
        assert LISTS.findall(page) == expected, (viewer.username, language)
        compared[viewer.username] = "".join(expected)
    # Sara's page has every kind of row: forms to stop sharing, the legal duty's note, ended
    # rows, opens, and what people wrote, escaped
    sara = compared["sara"]
    assert 'class="inline-form"' in sara and '<p class="note">' in sara
    stops = re.findall(r'<span class="visually-hidden"> «To» \S+ (.*?)</span>', sara)
    assert sorted(stops) == sorted([demo["laerer"].name, demo["ungdomshjelper"].name])
    with translation.override(language):
        assert gettext("ended:") in sara and gettext("Not opened yet") in sara
    assert "&lt;b&gt;Tom &amp; &quot;Jerry&#x27;s&quot;&lt;/b&gt;" in sara
    assert HOSTILE not in sara
