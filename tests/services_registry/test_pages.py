"""The public finder page, service pages and the picker fragment: no login, plain language,
and a query count that does not grow with the number of results."""

import datetime
import re
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.template import Context, Template
from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils import translation

from services_registry.links import service_page_url
from services_registry.models import Address, Phone, Schedule, ServiceAtLocation
from services_registry.opening import Day
from services_registry.templatetags.catalogue import today_line
from tests.factories import (
    LocationFactory,
    ScheduleFactory,
    ServiceFactory,
    TaxonomyTermFactory,
)

pytestmark = pytest.mark.django_db


def many_services(count):
    term = TaxonomyTermFactory(code="angst", name="Angst")
    for number in range(count):
        service = ServiceFactory(name=f"Angsttjeneste {number}", topics=[term])
        ScheduleFactory(service=service)


def test_the_finder_is_public_and_linked_from_every_page(client):
    response = client.get(reverse("services_registry:finder"))
    assert response.status_code == 200
    assert "Hvem skal jeg snakke med nå?" in response.content.decode()
    login_page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("services_registry:finder")}"' in login_page


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize(
    ("params", "queries"),
    [
        # topics for the form, the page of the services with every word, its total and hours
        ({"q": "angst", "age": 15}, 2),
        # topics for the form, the page
        ({"age": 15}, 2),
        # topics, every word's (empty) page, the typo threshold, the page (one word: its any
        # word's page would be every word's)
        ({"q": "angsst"}, 4),
        # topics, every word's and any word's (empty) pages, the typo threshold, the page
        ({"q": "angsst ungdm"}, 5),
    ],
)
def test_a_result_page_costs_the_same_queries_for_3_or_30_results(
    client, count, params, queries, django_assert_num_queries
):
    many_services(count)
    with django_assert_num_queries(queries):
        response = client.get(reverse("services_registry:finder"), params)
    assert response.context["page"].total == count
    assert len(response.context["results"]) == min(count, 20)


def test_each_result_shows_its_hours_today_in_both_languages(client):
    term = TaxonomyTermFactory(code="angst", name="Angst")
    weekly = ServiceFactory(name="Angst A", topics=[term])
    ScheduleFactory(
        service=weekly, byday="MO,TU", opens_at=datetime.time(14), closes_at=datetime.time(16)
    )
    ScheduleFactory(
        service=weekly, byday="MO", opens_at=datetime.time(8), closes_at=datetime.time(11)
    )
    special = ServiceFactory(name="Angst B", topics=[term])
    ScheduleFactory(service=special, byday="MO")
    ScheduleFactory(
        service=special,
        freq="",
        byday="",
        valid_from=datetime.date(2026, 3, 2),
        valid_to=datetime.date(2026, 3, 2),
        opens_at=datetime.time(12),
        closes_at=datetime.time(13),
        description="Kort dag",
        description_en="Short day",
    )
    holiday = ServiceFactory(name="Angst C", topics=[term])
    ScheduleFactory(service=holiday)
    monday_at_ten = datetime.datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Europe/Oslo"))
    labour_day = datetime.datetime(2026, 5, 1, 10, tzinfo=ZoneInfo("Europe/Oslo"))

    with time_machine.travel(monday_at_ten, tick=False):
        cards = result_cards(client.get(reverse("services_registry:finder"), {"q": "angst"}))
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english = result_cards(client.get(reverse("services_registry:finder"), {"q": "angst"}))
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    with time_machine.travel(labour_day, tick=False):
        holiday_cards = result_cards(
            client.get(reverse("services_registry:finder"), {"q": "angst"})
        )

    assert "Åpent nå" in cards["Angst A"] and "I dag: 08:00–11:00, 14:00–16:00" in cards["Angst A"]
    assert "Stengt nå" in cards["Angst B"] and "I dag: 12:00–13:00 – Kort dag" in cards["Angst B"]
    assert (
        "Open now" in english["Angst A"] and "Today: 08:00–11:00, 14:00–16:00" in english["Angst A"]
    )
    assert (
        "Closed now" in english["Angst B"]
        and "Today: 12:00–13:00 – Short day" in english["Angst B"]
    )
    assert "Stengt i dag (Arbeidernes dag)" in holiday_cards["Angst C"]


def result_cards(response):
    """Each result card's text by the service's name."""
    body = response.content.decode()
    cards = body.split('<li class="card service-card">')[1:]
    return {
        re.search(r'">([^<]+)</a></h3>', card).group(1): " ".join(
            re.sub("<[^>]+>", " ", card).split()
        )
        for card in cards
    }


def test_htmx_requests_get_only_the_results(client):
    many_services(2)
    response = client.get(
        reverse("services_registry:finder"),
        {"q": "angst"},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "2 tjenester funnet" in body


def test_the_service_page_says_it_all_in_plain_language(client):
    term = TaxonomyTermFactory(name="Angst og bekymring")
    service = ServiceFactory(
        name="Helsestasjon for ungdom",
        description="Gratis helsestasjon for unge.",
        application_process="Kom innom uten time.",
        minimum_age=13,
        maximum_age=23,
        drop_in=True,
        free=True,
        anonymous=True,
        topics=[term],
    )
    ScheduleFactory(
        service=service, byday="MO,WE", opens_at=datetime.time(14), closes_at=datetime.time(19)
    )
    Phone.objects.create(service=service, number="33 40 10 20")
    location = LocationFactory(
        organization=service.organization,
        name="Helsehuset",
        latitude="59.048500",
        longitude="10.032200",
    )
    Address.objects.create(
        location=location,
        address_1="Storgata 12",
        city="Fjordvik",
        state_province="Vestfold",
        postal_code="3290",
        address_type="physical",
    )
    ServiceAtLocation.objects.create(service=service, location=location)

    response = client.get(reverse("services_registry:service-detail", args=[service.pk]))

    body = response.content.decode()
    for text in [
        "Hva de hjelper med",
        "Angst og bekymring",
        "For deg fra 13 til 23 år.",
        "Du kan ta kontakt selv. Du trenger ikke henvisning.",
        "Du kan bare komme innom, uten time.",
        "Du trenger ikke si hvem du er.",
        "Kom innom uten time.",
        'href="tel:33401020"',
        "14:00\u201319:00",
        "Storgata 12",
        "https://www.openstreetmap.org/?mlat=59.048500&amp;mlon=10.032200",
        "Stengt på helligdager.",
    ]:
        assert text in body, text
    assert "<iframe" not in body


def test_the_service_page_switches_to_english(client):
    service = ServiceFactory(name="Helsestasjon for ungdom", name_en="Youth health clinic")
    client.cookies["django_language"] = "en"
    body = client.get(
        reverse("services_registry:service-detail", args=[service.pk])
    ).content.decode()
    assert "<h1>Youth health clinic</h1>" in body
    assert "Who can come" in body


def test_inactive_or_unknown_services_are_404(client):
    service = ServiceFactory(status="inactive")
    assert (
        client.get(reverse("services_registry:service-detail", args=[service.pk])).status_code
        == 404
    )
    assert client.get("/services/00000000-0000-4000-8000-000000000000/").status_code == 404


def test_the_picker_fragment_lists_matching_services_as_radio_buttons(client):
    service = ServiceFactory(name="BUP Fjordvik")
    ServiceFactory(name="NAV Fjordvik")
    response = client.get(reverse("services_registry:picker"), {"q": "bup", "field": "service_id"})
    body = response.content.decode()
    assert f'name="service_id" id="service_id-{service.pk}" value="{service.pk}"' in body
    assert "NAV" not in body
    # A field name that is not an identifier falls back to "service".
    response = client.get(reverse("services_registry:picker"), {"q": "bup", "field": '"><b>'})
    assert 'name="service"' in response.content.decode()


# The template the day's line of a card and of a service page was, before the `today_line`
# filter replaced it (issue 18): the filter must write what it wrote.
TODAY_TEMPLATE = (
    '{% load i18n catalogue %}<p class="today-hours">{% if today.periods %}{% translate "Today:" %}'
    " {{ today.periods|hours }}{% elif today.holiday %}{% blocktranslate with"
    " holiday=today.holiday %}Closed today ({{ holiday }}){% endblocktranslate %}{% else %}"
    '{% translate "Closed today" %}{% endif %}{% if today.exception and'
    ' today.exception|localized:"description" %} – {{ today.exception|localized:"description" }}'
    "{% endif %}</p>\n"
)


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_the_day_line_is_what_its_template_wrote(language):
    note = Schedule(description="<b>Kort</b> & «stengt»", description_en="Short & <i>closed</i>")
    days = [
        Day(
            periods=[(datetime.time(8), datetime.time(11)), (datetime.time(14), datetime.time(16))]
        ),
        Day(holiday="Første juledag"),
        Day(holiday="<script>&'\"</script>"),
        Day(),
        Day(exception=note),
        Day(periods=[(datetime.time(12), datetime.time(13))], exception=note),
        Day(exception=Schedule()),
    ]
    template = Template(TODAY_TEMPLATE)
    with translation.override(language):
        for day in days:
            assert today_line(day) == template.render(Context({"today": day})), day


@pytest.mark.parametrize("prefix", ["/", "/sammen/"])
def test_a_service_page_url_is_the_one_reverse_gives(prefix):
    """The finder's cards and API results link a page of services with one `reverse`."""
    before = get_script_prefix()
    set_script_prefix(prefix)
    try:
        url = service_page_url()
        ids = [uuid.UUID(int=0), uuid.UUID(int=2**128 - 1), *(uuid.uuid4() for _ in range(5))]
        for service_id in ids:
            assert url(service_id) == reverse("services_registry:service-detail", args=[service_id])
    finally:
        set_script_prefix(before)
