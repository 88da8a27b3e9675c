"""The session store (coordination.sessions): its compiled read loads what Django's database
store loads, for a live, an expired, an unknown and a malformed key, and the page a session signs
in to is the same."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from coordination.sessions import SessionStore
from tests.factories import UserFactory
from tests.pages import signed_in

pytestmark = pytest.mark.django_db


def loaded(store_class, key):
    store = store_class(key)
    return dict(store.items()), store.session_key


def test_it_loads_what_djangos_store_loads():
    live = db.SessionStore()
    live["who"] = "Sara"
    live.set_expiry(600)
    live.save()
    stale = db.SessionStore()
    stale["who"] = "Jonas"
    stale.set_expiry(60)
    stale.save()
    keys = [live.session_key, stale.session_key, "x" * 32, "kort", None]
    for day in (timezone.now(), timezone.now() + timedelta(seconds=120)):
        with time_machine.travel(day, tick=False):
            for key in keys:
                assert loaded(SessionStore, key) == loaded(db.SessionStore, key), (day, key)
    # Both kinds were compared: a session read, and one past its expiry that reads as none.
    data, key = loaded(SessionStore, live.session_key)
    assert (data["who"], key) == ("Sara", live.session_key)
    with time_machine.travel(timezone.now() + timedelta(seconds=120), tick=False):
        assert loaded(SessionStore, stale.session_key) == ({}, None)


def test_a_signed_in_page_reads_its_session_and_an_expired_one_signs_out():
    client = signed_in(UserFactory(), "nb")
    assert client.get("/ungdomshjelper/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/ungdomshjelper/").status_code == 302
