"""API throttling (#14 item 5), counted in the real Redis: per IP without credentials, per person
with them, stricter for the token exchange and for invitations; 429 in JSON with Retry-After.
The suite runs with roomy rates (tests/conftest.py); these tests set small ones."""

import datetime
import json
import os
import threading

import pytest
import redis
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from coordination.services import api_token_for
from coordination.throttling import UserThrottle
from tests.factories import PASSWORD, UserFactory
from tests.settings_module import settings_for

pytestmark = pytest.mark.django_db

ROOMY = "100000/min"
FINDER = "/api/v1/services/"


@pytest.fixture
def rates(settings):
    """Small rates for one scope at a time, and counters that start from nothing."""
    client = redis.Redis.from_url(django_settings.CACHES["default"]["LOCATION"])
    for key in client.scan_iter(match="sammen-cache:*throttle_*"):
        client.delete(key)

    def set_rates(**given: str) -> None:
        settings.SAMMEN_THROTTLE_RATES = {
            scope: given.get(scope, ROOMY) for scope in ("anon", "user", "token", "invitation")
        }

    return set_rates


def assert_throttled(response, *, window: int) -> None:
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    wait = int(response["Retry-After"])
    assert 1 <= wait <= window
    assert json.loads(response.content) == {
        "detail": f"For mange forespørsler på kort tid. Prøv igjen om {wait} sekunder."
    }


def test_anonymous_calls_are_counted_per_ip_address(rates):
    rates(anon="3/min")
    here, elsewhere = APIClient(REMOTE_ADDR="192.0.2.10"), APIClient(REMOTE_ADDR="192.0.2.11")
    # Given three calls from one address
    assert [here.get(FINDER).status_code for _ in range(3)] == [200, 200, 200]
    # When it calls a fourth time within the minute
    response = here.get(FINDER)
    # Then it waits, in JSON, told how long; another address is not held up
    assert_throttled(response, window=60)
    assert elsewhere.get(FINDER).status_code == 200


def test_a_made_up_forwarded_for_header_does_not_escape_the_count(rates):
    # No proxy is configured (SAMMEN_NUM_PROXIES=0): the header is not the caller's address.
    rates(anon="2/min")
    client = APIClient(REMOTE_ADDR="192.0.2.20")
    statuses = [
        client.get(FINDER, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_the_count_starts_again_after_the_window(rates):
    rates(anon="1/min")
    client = APIClient(REMOTE_ADDR="192.0.2.30")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.get(FINDER).status_code == 200
        assert client.get(FINDER).status_code == 429
    with time_machine.travel(start + datetime.timedelta(seconds=59), tick=False):
        assert client.get(FINDER).status_code == 429
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        assert client.get(FINDER).status_code == 200


def test_a_person_is_counted_across_addresses_and_apart_from_others(rates):
    rates(user="3/min")
    sara, mor = UserFactory(), UserFactory()
    sara_token, mor_token = api_token_for(user=sara), api_token_for(user=mor)
    calls = []
    for n in range(4):
        client = APIClient(REMOTE_ADDR=f"192.0.2.{40 + n}")
        client.credentials(HTTP_AUTHORIZATION=f"Token {sara_token}")
        calls.append(client.get("/api/v1/me/"))
    assert [call.status_code for call in calls[:3]] == [200, 200, 200]
    assert_throttled(calls[3], window=60)
    other = APIClient(REMOTE_ADDR="192.0.2.40")
    other.credentials(HTTP_AUTHORIZATION=f"Token {mor_token}")
    assert other.get("/api/v1/me/").status_code == 200


def test_the_token_exchange_is_stricter_and_gives_no_token_when_throttled(rates):
    rates(token="2/min")
    UserFactory(username="sara")
    client = APIClient(REMOTE_ADDR="192.0.2.50")
    body = {"username": "sara", "password": PASSWORD}
    assert [client.post("/api/v1/auth/token/", body).status_code for _ in range(2)] == [200, 200]
    response = client.post("/api/v1/auth/token/", body)
    assert_throttled(response, window=60)
    assert AuthToken.objects.count() == 2
    # The rest of the API is not held up for that address
    assert client.get(FINDER).status_code == 200


class InvitationLikeApi(APIView):
    """Stands in for the invitation endpoints, which set this scope."""

    throttle_scope = "invitation"

    def post(self, request):
        return Response(status=201)


def test_the_invitation_scope_has_its_own_rate(rates):
    rates(invitation="2/hour")
    user = UserFactory()
    factory, view = APIRequestFactory(), InvitationLikeApi.as_view()

    def invite():
        request = factory.post("/", REMOTE_ADDR="192.0.2.60")
        force_authenticate(request, user=user)
        return view(request)

    assert [invite().status_code for _ in range(2)] == [201, 201]
    response = invite()
    response.render()
    assert_throttled(response, window=60 * 60)


def test_calls_at_the_same_moment_cannot_share_the_last_place(rates):
    # Given one call a minute for each person, and eight calls of one person at the same moment
    rates(user="1/min")
    user = UserFactory()
    request = APIRequestFactory().get(FINDER)
    force_authenticate(request, user=user)
    request = Request(request)
    request.user = user
    start = threading.Barrier(8)
    allowed: list[bool] = []

    def call() -> None:
        start.wait()
        allowed.append(UserThrottle().allow_request(request, None))

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then exactly one gets through (counting is one atomic Redis call, not a read then a write)
    assert sorted(allowed) == [False] * 7 + [True]


def test_english_is_there_for_who_chose_it(rates):
    rates(anon="1/min")
    client = APIClient(REMOTE_ADDR="192.0.2.65")
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    client.get(FINDER)
    response = client.get(FINDER)
    wait = int(response["Retry-After"])
    assert response.json() == {"detail": f"Too many requests. Try again in {wait} seconds."}


def test_the_api_answers_when_redis_does_not(rates, settings):
    # Given the cache on a port where no Redis listens
    rates(anon="1/min", user="1/min")
    settings.CACHES = {
        "default": {
            **django_settings.CACHES["default"],
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    client = APIClient(REMOTE_ADDR="192.0.2.70")
    # Then calls go through, unthrottled, rather than fail
    assert [client.get(FINDER).status_code for _ in range(3)] == [200, 200, 200]
    cache.close()


def test_a_connection_redis_dropped_loses_no_count(rates):
    # Given two calls a minute for each person, and one call counted
    rates(user="2/min")
    client = APIClient(REMOTE_ADDR="192.0.2.71")
    client.force_authenticate(UserFactory())
    assert client.get(FINDER).status_code == 200
    # When Redis drops the connection that counted it (a restart, an idle timeout)
    admin = redis.Redis.from_url(django_settings.CACHES["default"]["LOCATION"])
    database = admin.connection_pool.connection_kwargs.get("db", 0)
    counting = [
        connection["id"]
        for connection in admin.client_list(_type="normal")
        if connection["cmd"] == "evalsha" and int(connection["db"]) == database
    ]
    assert counting
    for connection in counting:
        admin.client_kill_filter(_id=connection)
    # Then the next call is counted as the second, and the third is refused
    assert client.get(FINDER).status_code == 200
    assert_throttled(client.get(FINDER), window=60)


def test_the_real_rates_are_stricter_for_tokens_and_invitations():
    # What production runs unless the environment says otherwise (settings.py)
    assert settings_for(dict(os.environ)).SAMMEN_THROTTLE_RATES == {
        "anon": "120/min",
        "user": "600/min",
        "token": "20/min",
        "invitation": "30/hour",
    }


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SAMMEN_THROTTLE_USER", "lots", "SAMMEN_THROTTLE_USER must look like 20/min"),
        ("SAMMEN_THROTTLE_TOKEN", "0/min", "SAMMEN_THROTTLE_TOKEN must look like 20/min"),
        ("SAMMEN_TOKEN_TTL", "0", "SAMMEN_TOKEN_TTL must be a whole number above 0"),
        ("SAMMEN_SESSION_IDLE_MINUTES", "-5", "SAMMEN_SESSION_IDLE_MINUTES must be a whole"),
    ],
)
def test_a_setting_that_makes_no_sense_stops_the_start(name, value, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        settings_for(dict(os.environ, **{name: value}))
