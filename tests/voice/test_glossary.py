"""Ordliste: at least 40 terms in plain bokmål and English, searchable, linked in UI text."""

import pytest
from django.test import Client
from django.utils import translation

from voice.glossary import TERMS, terms_matching
from voice.templatetags.glossary import glossary_links

REQUIRED = [
    "BUP", "PPT", "Barnevern", "Taushetsplikt", "Samtykke", "Individuell plan", "Ansvarsgruppe",
    "SLT", "NAV", "Fastlege", "Helsestasjon for ungdom",
]  # fmt: skip


def test_at_least_40_terms_with_both_languages_and_unique_anchors():
    assert len(TERMS) >= 40
    assert {term.word for term in TERMS} >= set(REQUIRED)
    assert all(term.nb and term.en and term.nb != term.en for term in TERMS)
    assert len({term.slug for term in TERMS}) == len(TERMS)


def test_search_finds_words_forms_and_explanations():
    with translation.override("nb"):
        assert [t.word for t in terms_matching("bup")] == ["BUP"]
        assert "Taushetsplikt" in [t.word for t in terms_matching("taushetsplikten")]
        assert "Psykisk helse" in [t.word for t in terms_matching("humør")]
    with translation.override("en"):
        assert "Samtykke" in [t.word for t in terms_matching("say yes")]
    assert terms_matching("") == sorted(TERMS, key=lambda t: t.word.lower())


def test_terms_are_linked_once_and_other_text_stays_escaped():
    html = glossary_links("Spør BUP eller bup om <b>samtykke</b>; helsestasjon for ungdom.")
    assert html.count('href="/glossary/#bup"') == 1
    assert '<a class="term" href="/glossary/#samtykke">samtykke</a>' in html
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert 'href="/glossary/#helsestasjon-for-ungdom">helsestasjon for ungdom</a>' in html
    # no match inside a longer word
    assert "<a" not in glossary_links("Pappaen ringte NAVNET")


@pytest.mark.django_db
def test_the_page_and_the_api_search(django_assert_max_num_queries):
    client = Client()
    with django_assert_max_num_queries(0):
        page = client.get("/glossary/", {"q": "taushet"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Taushetsplikt" in text and "BUP" not in text.split("<main")[1]
    inert = client.get("/glossary/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)" not in inert
    body = client.get("/api/v1/glossary/", {"q": "bup"}).json()
    assert body["count"] == 1 and body["results"][0]["word"] == "BUP"
