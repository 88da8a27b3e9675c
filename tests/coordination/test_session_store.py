"""The session store (coordination.sessions): its compiled read loads what Django's database
store loads, for a live, an expired, an unknown and a malformed key; its prepared write stores
what Django's store stores, and refuses a deleted session as it does; and the page a session
signs in to is the same."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
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


def stored(key):
    row = Session.objects.get(session_key=key)
    return row.get_decoded(), row.expire_date


def test_it_stores_what_djangos_store_stores():
    rows = []
    later = timezone.now() + timedelta(seconds=90)
    for store_class in (db.SessionStore, SessionStore):
        store = store_class()
        store["who"] = "Sara"
        store.create()
        with time_machine.travel(later, tick=False):
            again = store_class(store.session_key)
            again["who"] = "Jonas «x»"
            again["n"] = [1, 2]
            again.set_expiry(300)
            again.save()
            rows.append(stored(store.session_key))
        Session.objects.filter(session_key=store.session_key).delete()
        gone = store_class(store.session_key)
        gone._session_cache = {"who": "Sara"}
        with pytest.raises(UpdateError):
            gone.save()
        assert not Session.objects.filter(session_key=store.session_key).exists()
    assert rows[0] == rows[1]
    assert rows[1][0]["who"] == "Jonas «x»"


def test_a_signed_in_page_reads_its_session_and_an_expired_one_signs_out():
    client = signed_in(UserFactory(), "nb")
    assert client.get("/ungdomshjelper/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/ungdomshjelper/").status_code == 302
