"""The finder's answers, byte for byte: its pages, htmx fragments and API answers for varied
searches, the picker and service pages, in the three languages at four frozen moments, on the
demo catalogue, against the digests in finder_snapshots.json, recorded with the code before a
speed-up. A change meant to alter them records them again:
`SAMMEN_WRITE_SNAPSHOTS=1 pytest tests/services_registry/test_finder_snapshots.py -n 0`."""

import datetime
import hashlib
import json
import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from services_registry.apps import DEMO_CATALOGUE
from services_registry.models import Service
from tests.pages import without_csrf

pytestmark = pytest.mark.django_db

SNAPSHOTS = Path(__file__).with_name("finder_snapshots.json")
OSLO = ZoneInfo("Europe/Oslo")
MOMENTS = {
    "monday morning": datetime.datetime(2026, 11, 23, 10, 0, tzinfo=OSLO),
    "monday evening": datetime.datetime(2026, 11, 23, 20, 30, tzinfo=OSLO),
    "christmas day": datetime.datetime(2026, 12, 25, 12, 0, tzinfo=OSLO),
    "sunday": datetime.datetime(2026, 11, 29, 13, 0, tzinfo=OSLO),
}
SEARCHES = [
    {},
    {"q": "angst", "age": "15"},
    {"q": "angst", "age": "15", "open_now": "on"},
    {"q": "angsst"},
    {"q": "rus og alkohol"},
    {"q": "helse ungdom gratis"},
    {"age": "17", "free": "on"},
    {"topic": "angst", "drop_in": "on", "anonymous": "on"},
    {"page": "2"},
    {"q": "nobody has this word", "page": "3"},
    {"q": "<b>&'", "age": "x"},
]
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# The catalogue's ids are fixed; the demo municipality's own services' are new each seeding.
FIXED_IDS = set(UUID.findall(DEMO_CATALOGUE.read_text(encoding="utf-8")))


def digest(response) -> str:
    body = without_csrf(response.content.decode())
    body = UUID.sub(lambda match: match[0] if match[0] in FIXED_IDS else "-", body)
    return hashlib.sha256(f"{response.status_code}\n{body}".encode()).hexdigest()


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_the_finder_answers_the_same_bytes(demo_once, client, api_client, language, moment):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    api_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    answers = {}
    with time_machine.travel(MOMENTS[moment], tick=False):
        for params in SEARCHES:
            key = json.dumps(params)
            answers[f"page {key}"] = digest(client.get("/services/", params))
            answers[f"fragment {key}"] = digest(
                client.get(
                    "/services/", params, headers={"HX-Request": "true", "HX-Target": "results"}
                )
            )
            answers[f"api {key}"] = digest(api_client.get("/api/v1/services/", params))
        for query in ("angst", "helsestasjon", "x"):
            answers[f"picker {query}"] = digest(client.get("/services/picker/", {"q": query}))
        for service in Service.objects.order_by("name")[:4]:
            answers[f"service {service.name}"] = digest(client.get(f"/services/{service.pk}/"))
    recorded = json.loads(SNAPSHOTS.read_text()) if SNAPSHOTS.exists() else {}
    if os.environ.get("SAMMEN_WRITE_SNAPSHOTS"):
        recorded[f"{language} {moment}"] = answers
        SNAPSHOTS.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n")
    expected = recorded[f"{language} {moment}"]
    assert [key for key in answers if answers[key] != expected.get(key)] == []
    assert answers.keys() == expected.keys()
