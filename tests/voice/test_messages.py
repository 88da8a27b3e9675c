"""Messages: a conversation per case; the young person's message to a helper goes through the
share path (own choice), so who-knows-what shows it; unread counts; content-free notices."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from cases.models import AccessEvent, Entry
from consent.models import Disclosure
from consent.selectors import who_knows_what
from coordination.models import Notification
from coordination.services import notification_text
from tests.consent.helpers import as_user
from tests.prepared import statement_text
from voice.models import MessageRead
from voice.services import message_send, messages_read

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def messages_url(case):
    return f"/cases/{case.pk}/messages/"


def test_jonas_writes_to_the_teacher_and_it_shows_in_who_knows_what(demo):
    jonas, teacher = demo["jonas"], demo["laerer"]
    # when Jonas sends a message to the teacher on the page
    response = client_for(jonas).post(
        messages_url(demo.jonas_case),
        {"body": "Kan vi snakke etter timen?", "recipients": [str(teacher.pk)]},
    )
    assert response.status_code == 302
    message = Entry.objects.get(kind=Entry.Kind.MESSAGE)
    # then it is a disclosure by his own choice, seen in who-knows-what
    disclosure = Disclosure.objects.get(entry=message)
    assert (disclosure.recipient, disclosure.basis) == (teacher, "own_choice")
    teacher_row = next(p for p in who_knows_what(case=demo.jonas_case) if p.user == teacher)
    assert any(k.entry == message and k.basis == "own_choice" for k in teacher_row.entries)
    # the teacher reads it, the father and the nurse do not
    assert (
        "Kan vi snakke" in client_for(teacher).get(messages_url(demo.jonas_case)).content.decode()
    )
    for other in ("far", "helsesykepleier"):
        page = client_for(demo[other]).get(messages_url(demo.jonas_case)).content.decode()
        assert "Kan vi snakke" not in page
    # the teacher is told a message came, in the conversation, without its content
    notice = Notification.objects.get(recipient=teacher, entry_id=message.pk)
    assert (notice.kind, notice.target_url) == (
        "message_received",
        messages_url(demo.jonas_case),
    )
    assert "Kan vi snakke" not in notification_text(notice)
    # and Jonas, who sent it himself, gets no "something was shared" notice
    assert not Notification.objects.filter(recipient=jonas, entry_id=message.pk).exists()


def test_unread_counts_and_reading_logs_opens(demo):
    jonas, teacher = demo["jonas"], demo["laerer"]
    message_send(case=demo.jonas_case, author=jonas, body="Hei", recipients=[teacher])
    message_send(case=demo.jonas_case, author=jonas, body="Hallo igjen", recipients=[teacher])
    api = as_user(teacher)
    assert api.get("/api/v1/messages/unread/").json() == [{"case": demo.jonas_case.pk, "unread": 2}]
    assert as_user(jonas).get("/api/v1/messages/unread/").json() == []
    listed = api.get(f"/api/v1/cases/{demo.jonas_case.pk}/messages/").json()
    assert [m["body"] for m in listed["results"]] == ["Hei", "Hallo igjen"]
    assert api.get("/api/v1/messages/unread/").json() == []
    assert AccessEvent.objects.filter(user=teacher, via="api").count() == 2
    # a reply from the teacher goes to Jonas, who is told without content
    reply = api.post(
        f"/api/v1/cases/{demo.jonas_case.pk}/messages/", {"body": "Ja!"}, format="json"
    )
    assert reply.status_code == 201
    assert as_user(jonas).get("/api/v1/messages/unread/").json() == [
        {"case": demo.jonas_case.pk, "unread": 1}
    ]
    notice = Notification.objects.get(recipient=jonas, kind="message_received")
    assert "Ja!" not in notice.target_url


@pytest.mark.parametrize("body", ["", "   ", "x" * 5_001])
def test_empty_or_too_long_messages_are_refused(demo, body):
    response = as_user(demo["jonas"]).post(
        f"/api/v1/cases/{demo.jonas_case.pk}/messages/",
        {"body": body, "recipients": [demo["laerer"].pk]},
        format="json",
    )
    assert response.status_code == 400
    assert "body" in response.json()
    assert not Entry.objects.filter(kind=Entry.Kind.MESSAGE).exists()


def test_a_10_mb_message_is_refused_with_a_clear_error_and_nothing_stored(demo):
    ten_mb = "x" * (10 * 1024 * 1024)
    # on the page: our own 400 page, in bokmål, saying nothing was saved
    response = client_for(demo["jonas"]).post(
        messages_url(demo.jonas_case), {"body": ten_mb, "recipients": [str(demo["laerer"].pk)]}
    )
    assert response.status_code == 400
    assert "Ingenting ble lagret" in response.content.decode()
    # over the API: the usual JSON error shape
    response = as_user(demo["jonas"]).post(
        f"/api/v1/cases/{demo.jonas_case.pk}/messages/",
        {"body": ten_mb, "recipients": [demo["laerer"].pk]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Forespørselen er for stor. Ingenting ble lagret."}
    assert not Entry.objects.filter(kind=Entry.Kind.MESSAGE).exists()


def test_html_in_a_message_is_inert(demo):
    message_send(
        case=demo.jonas_case,
        author=demo["jonas"],
        body="<script>alert(1)</script><b>hei</b>",
        recipients=[demo["laerer"]],
    )
    page = client_for(demo["laerer"]).get(messages_url(demo.jonas_case)).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;" in page


def test_recipients_must_be_on_the_team_and_helpers_write_only_to_the_youth(demo):
    api = as_user(demo["jonas"])
    url = f"/api/v1/cases/{demo.jonas_case.pk}/messages/"
    assert (
        api.post(url, {"body": "Hei", "recipients": [demo["nav"].pk]}, format="json").status_code
        == 400
    )
    assert api.post(url, {"body": "Hei", "recipients": []}, format="json").status_code == 400
    assert api.post(url, {"body": "Hei", "recipients": [999999]}, format="json").status_code == 400
    helper = as_user(demo["laerer"])
    refused = helper.post(url, {"body": "Hei", "recipients": [demo["far"].pk]}, format="json")
    assert refused.status_code == 400
    assert not Entry.objects.filter(kind=Entry.Kind.MESSAGE).exists()


def test_someone_elses_case_is_404(demo):
    for user in ("sara", "nav", "bup"):
        assert client_for(demo[user]).get(messages_url(demo.jonas_case)).status_code == 404
        response = as_user(demo[user]).post(
            f"/api/v1/cases/{demo.jonas_case.pk}/messages/", {"body": "Hei"}, format="json"
        )
        assert response.status_code == 404


def test_conversation_queries_do_not_grow(demo, django_assert_max_num_queries):
    for n in range(12):
        message_send(
            case=demo.jonas_case, author=demo["jonas"], body=f"Melding {n}",
            recipients=[demo["laerer"]],
        )  # fmt: skip
    teacher = client_for(demo["laerer"])
    # session, user, case, the messages (one guardian-filtered query), one bulk insert of
    # opens, the read stamp (one upsert), the unread badge, session save, savepoints
    # +1 since #14: the two-factor middleware asks the person's groups once a page.
    # +1 since #16: the watches of the opened messages (consent's entries_opened), one query.
    # Since issue 18 the read stamp is one upsert: update_or_create sent six statements for the
    # first stamp (the page's) and four after (the API's); the API's bound, 15, pinned to 7.
    with django_assert_max_num_queries(14):
        assert teacher.get(messages_url(demo.jonas_case)).status_code == 200
    with django_assert_max_num_queries(7):
        assert (
            as_user(demo["laerer"]).get(f"/api/v1/cases/{demo.jonas_case.pk}/messages/").status_code
            == 200
        )


def test_the_read_stamp_is_the_upsert_bulk_create_sends(demo):
    """Reading the conversation stamps read_at with one prepared statement: the text
    bulk_create(update_conflicts=True) sends, a first stamp inserted and a later one written
    over it in the same row."""
    case, teacher, nurse = demo.jonas_case, demo["laerer"], demo["helsesykepleier"]
    start = timezone.now()
    sent: list[str] = []

    def record(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    ids = []
    for at in (start, start + timedelta(minutes=5)):
        with time_machine.travel(at, tick=False), connection.execute_wrapper(record):
            # When the teacher reads (the prepared upsert) and the nurse is stamped by Django
            messages_read(case=case, user=teacher, messages=[], via="api")
            MessageRead.objects.bulk_create(
                [MessageRead(case=case, user=nurse, read_at=at)],
                update_conflicts=True,
                unique_fields=["case", "user"],
                update_fields=["read_at"],
            )
        rows = MessageRead.objects.filter(case=case, user__in=[teacher, nurse]).order_by("user")
        stamps = {row.user_id: (row.pk, row.read_at) for row in rows}
        # Then both have one row at that instant
        assert {user: read_at for user, (_, read_at) in stamps.items()} == {
            teacher.pk: at,
            nurse.pk: at,
        }
        ids.append(stamps)
    # the later stamp wrote over the first, in the same row
    assert {user: pk for user, (pk, _) in ids[0].items()} == {
        user: pk for user, (pk, _) in ids[1].items()
    }
    # and the statement is Django's own, prepared
    stamp = 'INSERT INTO "voice_messageread"'
    (ours,) = {text for text in map(statement_text, sent) if text.startswith(stamp) and "$" in text}
    (django,) = {sql for sql in sent if sql.startswith(stamp)}
    numbered = iter(range(1, 4))
    assert ours == re.sub("%s", lambda _: f"${next(numbered)}", django)
