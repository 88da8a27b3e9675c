"""Rooms (issue #19 item 1): the young person opens a room for people on the team they choose;
every message is an Entry shared through the share path to exactly who is in the room, so
who-knows-what shows it and its basis; someone added later reads earlier messages only when the
young person says so; taking someone out (or leaving) ends their access through the share path;
a closed room is read only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import AccessEvent, Entry
from consent.models import Disclosure, Room
from consent.selectors import who_knows_what
from consent.services import block_create, case_close
from coordination.models import Notification
from coordination.services import notification_text
from tests.consent.helpers import as_user
from voice.rooms.services import (
    room_create,
    room_message_send,
)

pytestmark = pytest.mark.django_db


def rooms_url(case):
    return f"/api/v1/cases/{case.pk}/rooms/"


def messages_url(room_id):
    return f"/api/v1/rooms/{room_id}/messages/"


def sara_room(demo, *members, title="Skolen og helsa"):
    members = members or ("helsesykepleier", "laerer")
    return room_create(
        case_id=demo.sara_case.pk,
        actor=demo["sara"],
        title=title,
        members=[demo[m] for m in members],
    )


def knowledge_of(case, viewer, person, entry):
    row = next(p for p in who_knows_what(case=case, viewer=viewer) if p.user == person)
    return next(k for k in row.entries if k.entry == entry and k.in_force)


def test_sara_opens_a_room_the_teacher_writes_and_who_knows_what_names_her_choice(demo):
    sara, nurse, teacher = demo["sara"], demo["helsesykepleier"], demo["laerer"]
    # Given Sara opens a room with the nurse and the teacher
    response = as_user(sara).post(
        rooms_url(demo.sara_case),
        {"title": "Skolen og helsa", "members": [nurse.pk, teacher.pk]},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) >= {"id", "title", "members", "created"}
    assert (body["title"], sorted(body["members"])) == (
        "Skolen og helsa",
        sorted([nurse.pk, teacher.pk]),
    )
    room_id = body["id"]
    # each member is told, without content
    added = Notification.objects.get(recipient=nurse, kind="room_added")
    assert "Skolen" not in notification_text(added)

    # When the teacher writes
    sent = as_user(teacher).post(messages_url(room_id), {"body": "Hei alle!"}, format="json")
    assert sent.status_code == 201
    message = sent.json()
    assert set(message) == {"id", "entry", "author", "body", "created"}
    entry = Entry.objects.get(pk=message["entry"])

    # Then the nurse got it through the share path on the room's basis, and nobody else did
    disclosure = Disclosure.objects.get(entry=entry)
    assert (disclosure.recipient, disclosure.basis, disclosure.room_id) == (nurse, "room", room_id)
    assert [m["body"] for m in as_user(nurse).get(messages_url(room_id)).json()["results"]] == [
        "Hei alle!"
    ]
    # Sara's who-knows-what shows the message and why, in her words (and the teacher reads
    # that Sara chose, by name)
    known = knowledge_of(demo.sara_case, sara, nurse, entry)
    assert known.basis == "room"
    assert known.basis_text == "du valgte hvem som er med i rommet «Skolen og helsa»"
    teacher_view = knowledge_of(demo.sara_case, teacher, nurse, entry)
    assert (
        teacher_view.basis_text == "Sara Nilsen valgte hvem som er med i rommet «Skolen og helsa»"
    )
    # the ungdomshjelper, not in the room, reads who chose but not the room's name
    outside_view = knowledge_of(demo.sara_case, demo["ungdomshjelper"], nurse, entry)
    assert outside_view.basis_text == "Sara Nilsen valgte hvem som er med i et rom"
    coordinator_api = as_user(demo["ungdomshjelper"]).get(
        f"/api/v1/cases/{demo.sara_case.pk}/who-knows-what/"
    )
    assert "Skolen og helsa" not in coordinator_api.content.decode()
    api_rows = as_user(sara).get(f"/api/v1/cases/{demo.sara_case.pk}/who-knows-what/").json()
    nurse_row = next(r for r in api_rows if r["person"]["id"] == nurse.pk)
    assert any(e["entry"]["id"] == entry.pk and e["basis"] == "room" for e in nurse_row["entries"])
    # Sara and the nurse are told there is a new message, without its content
    for person in (sara, nurse):
        notice = Notification.objects.get(recipient=person, kind="room_message")
        assert notice.target_url == f"/rooms/{room_id}/"
        assert "Hei alle" not in notification_text(notice)
    assert not Notification.objects.filter(recipient=sara, kind="entry_shared").exists()


def test_what_sara_writes_is_her_own_choice_and_stays_out_of_the_conversation(demo):
    sara, nurse, teacher = demo["sara"], demo["helsesykepleier"], demo["laerer"]
    room = sara_room(demo)
    entry = room_message_send(room_id=room.pk, author=sara, body="Takk!")
    assert {(d.recipient, d.basis) for d in Disclosure.objects.filter(entry=entry)} == {
        (nurse, "own_choice"),
        (teacher, "own_choice"),
    }
    assert knowledge_of(demo.sara_case, sara, teacher, entry).basis_text == "du valgte å dele det"
    # a room's messages are not the one-to-one conversation's
    conversation = as_user(teacher).get(f"/api/v1/cases/{demo.sara_case.pk}/messages/").json()
    assert conversation["count"] == 0
    assert as_user(teacher).get("/api/v1/messages/unread/").json() == []


def test_only_members_and_the_youth_see_a_room(demo):
    room = sara_room(demo)
    room_message_send(room_id=room.pk, author=demo["laerer"], body="Hei")
    # bup is on Sara's team but not in the room: the list is empty and the room 404
    assert as_user(demo["bup"]).get(rooms_url(demo.sara_case)).json()["count"] == 0
    assert as_user(demo["bup"]).get(messages_url(room.pk)).status_code == 404
    assert as_user(demo["mor"]).get(messages_url(room.pk)).status_code == 404
    assert as_user(demo["nav"]).get(rooms_url(demo.sara_case)).status_code == 404
    assert as_user(demo["admin"]).get(messages_url(room.pk)).status_code == 404
    for person in ("sara", "laerer", "helsesykepleier"):
        listed = as_user(demo[person]).get(rooms_url(demo.sara_case)).json()
        assert [r["id"] for r in listed["results"]] == [room.pk]


def test_someone_added_later_reads_earlier_messages_only_when_sara_says_so(demo):
    sara, bup, ungdomshjelper = demo["sara"], demo["bup"], demo["ungdomshjelper"]
    room = sara_room(demo)
    before = room_message_send(room_id=room.pk, author=demo["laerer"], body="Før")
    mine_before = room_message_send(room_id=room.pk, author=sara, body="Mitt før")
    # When Sara adds bup without the earlier messages
    response = as_user(sara).post(
        f"/api/v1/rooms/{room.pk}/members/", {"user": bup.pk}, format="json"
    )
    assert response.status_code == 201
    assert bup.pk in response.json()["members"]
    room_message_send(room_id=room.pk, author=demo["laerer"], body="Etter")
    # Then bup reads only what came after
    listed = as_user(bup).get(messages_url(room.pk)).json()["results"]
    assert [m["body"] for m in listed] == ["Etter"]
    assert as_user(bup).get(f"/api/v1/entries/{before.pk}/").status_code == 404

    # When Sara adds the ungdomshjelper and says yes to the earlier messages
    as_user(sara).post(
        f"/api/v1/rooms/{room.pk}/members/",
        {"user": ungdomshjelper.pk, "show_earlier": True},
        format="json",
    )
    # Then they read all, each shared by Sara through the share path
    listed = as_user(ungdomshjelper).get(messages_url(room.pk)).json()["results"]
    assert [m["body"] for m in listed] == ["Før", "Mitt før", "Etter"]
    shown = Disclosure.objects.get(entry=before, recipient=ungdomshjelper)
    assert (shown.basis, shown.granted_by, shown.room_id) == ("room", sara, room.pk)
    own = Disclosure.objects.get(entry=mine_before, recipient=ungdomshjelper)
    assert own.basis == "own_choice"
    # told once that they were added, not once per earlier message
    assert Notification.objects.filter(recipient=ungdomshjelper, kind="room_added").count() == 1
    assert not Notification.objects.filter(recipient=ungdomshjelper, kind="room_message").exists()


def test_taking_someone_out_ends_their_access_through_the_share_path(demo):
    sara, nurse = demo["sara"], demo["helsesykepleier"]
    room = sara_room(demo)
    entry = room_message_send(room_id=room.pk, author=demo["laerer"], body="Hei")
    assert as_user(nurse).get(f"/api/v1/entries/{entry.pk}/").status_code == 200

    response = as_user(sara).post(f"/api/v1/rooms/{room.pk}/members/{nurse.pk}/remove/")
    assert response.status_code == 200
    assert nurse.pk not in response.json()["members"]
    disclosure = Disclosure.objects.get(entry=entry, recipient=nurse)
    assert (disclosure.end_reason, disclosure.withdrawn_by) == ("room_left", sara)
    assert as_user(nurse).get(f"/api/v1/entries/{entry.pk}/").status_code == 404
    assert as_user(nurse).get(messages_url(room.pk)).status_code == 404
    notice = Notification.objects.get(recipient=nurse, kind="room_removed")
    assert "Skolen" not in notification_text(notice)
    # new messages no longer reach her
    later = room_message_send(room_id=room.pk, author=demo["laerer"], body="Etter")
    assert not Disclosure.objects.filter(entry=later, recipient=nurse).exists()
    # and taking her out twice is a 400 by field
    again = as_user(sara).post(f"/api/v1/rooms/{room.pk}/members/{nurse.pk}/remove/")
    assert again.status_code == 400
    assert "user" in again.json()


def test_someone_taken_out_and_added_again_reads_nothing_from_while_they_were_away(demo):
    sara, nurse, teacher = demo["sara"], demo["helsesykepleier"], demo["laerer"]
    room = sara_room(demo)
    room_message_send(room_id=room.pk, author=teacher, body="Før")
    room_message_send(room_id=room.pk, author=nurse, body="Mitt")
    as_user(sara).post(f"/api/v1/rooms/{room.pk}/members/{nurse.pk}/remove/")
    away = room_message_send(room_id=room.pk, author=teacher, body="Borte")
    # When Sara adds her again without the earlier messages
    response = as_user(sara).post(
        f"/api/v1/rooms/{room.pk}/members/", {"user": nurse.pk}, format="json"
    )
    assert response.status_code == 201
    room_message_send(room_id=room.pk, author=teacher, body="Etter")
    # Then she reads what she wrote herself and what came after: neither what she was shown
    # before she was taken out nor what was written while she was away
    listed = as_user(nurse).get(messages_url(room.pk)).json()["results"]
    assert [m["body"] for m in listed] == ["Mitt", "Etter"]
    assert as_user(nurse).get(f"/api/v1/entries/{away.pk}/").status_code == 404
    assert not Disclosure.objects.filter(entry=away, recipient=nurse).exists()
    unread = as_user(teacher).get(rooms_url(demo.sara_case)).json()["results"][0]["unread"]
    assert unread == 0

    # When she leaves herself and Sara adds her again with the earlier messages
    assert as_user(nurse).post(f"/api/v1/rooms/{room.pk}/leave/").status_code in {200, 204}
    as_user(sara).post(
        f"/api/v1/rooms/{room.pk}/members/",
        {"user": nurse.pk, "show_earlier": True},
        format="json",
    )
    # Then she reads all of it, each shared again by Sara through the share path
    listed = as_user(nurse).get(messages_url(room.pk)).json()["results"]
    assert [m["body"] for m in listed] == ["Før", "Mitt", "Borte", "Etter"]
    shown = Disclosure.objects.get(entry=away, recipient=nurse, withdrawn_at__isnull=True)
    assert (shown.basis, shown.granted_by) == ("room", sara)


def test_a_helper_leaves_and_sara_is_told_but_sara_does_not_leave(demo):
    sara, teacher = demo["sara"], demo["laerer"]
    room = sara_room(demo)
    entry = room_message_send(room_id=room.pk, author=sara, body="Hei")
    assert as_user(sara).post(f"/api/v1/rooms/{room.pk}/leave/").status_code == 403
    assert as_user(teacher).post(f"/api/v1/rooms/{room.pk}/leave/").status_code == 204
    assert as_user(teacher).get(f"/api/v1/entries/{entry.pk}/").status_code == 404
    assert Disclosure.objects.get(entry=entry, recipient=teacher).end_reason == "room_left"
    assert Notification.objects.filter(recipient=sara, kind="room_left").exists()
    assert as_user(teacher).post(f"/api/v1/rooms/{room.pk}/leave/").status_code == 404


def test_only_sara_opens_manages_and_closes_her_rooms(demo):
    room = sara_room(demo)
    teacher = demo["laerer"]
    # a helper on the case may not open a room, add or remove (403: they see the case / room)
    refused = as_user(teacher).post(
        rooms_url(demo.sara_case), {"title": "Mitt", "members": [demo["bup"].pk]}, format="json"
    )
    assert refused.status_code == 403
    assert (
        as_user(teacher)
        .post(f"/api/v1/rooms/{room.pk}/members/", {"user": demo["bup"].pk}, format="json")
        .status_code
        == 403
    )
    nurse = demo["helsesykepleier"]
    assert (
        as_user(teacher).post(f"/api/v1/rooms/{room.pk}/members/{nurse.pk}/remove/").status_code
        == 403
    )
    assert as_user(teacher).post(f"/api/v1/rooms/{room.pk}/close/").status_code == 403
    assert Room.objects.count() == 1


def test_a_closed_room_is_read_only(demo):
    sara, teacher = demo["sara"], demo["laerer"]
    room = sara_room(demo)
    room_message_send(room_id=room.pk, author=teacher, body="Hei")
    response = as_user(sara).post(f"/api/v1/rooms/{room.pk}/close/")
    assert response.status_code == 200
    assert response.json()["closed"] is not None
    refused = as_user(teacher).post(messages_url(room.pk), {"body": "Mer"}, format="json")
    assert refused.status_code == 409
    assert as_user(sara).post(f"/api/v1/rooms/{room.pk}/close/").status_code == 409
    added = as_user(sara).post(
        f"/api/v1/rooms/{room.pk}/members/", {"user": demo["bup"].pk}, format="json"
    )
    assert added.status_code == 409
    # still readable by who is in it
    assert [m["body"] for m in as_user(teacher).get(messages_url(room.pk)).json()["results"]] == [
        "Hei"
    ]
    assert Entry.objects.filter(room_message__room=room).count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "", "members": ["{laerer}"]}, "title"),
        ({"title": "   ", "members": ["{laerer}"]}, "title"),
        ({"title": "x" * 101, "members": ["{laerer}"]}, "title"),
        ({"title": "Rom", "members": []}, "members"),
        ({"title": "Rom", "members": ["{nav}"]}, "members"),  # not on Sara's team
        ({"title": "Rom", "members": ["{sara}"]}, "members"),  # the youth herself
        ({"title": "Rom", "members": [99999999]}, "members"),
        ({"title": "Rom", "members": [2**70]}, "members"),
        ({"title": "Rom", "members": "laerer"}, "members"),
        ({"members": ["{laerer}"]}, "title"),
    ],
)
def test_bad_room_input_is_a_400_by_field_and_saves_nothing(demo, body, field):
    ids = {name: demo[name].pk for name in ("laerer", "nav", "sara")}
    members = body.get("members")
    if isinstance(members, list):
        body = {**body, "members": [m.format(**ids) if isinstance(m, str) else m for m in members]}
        body["members"] = [int(m) for m in body["members"]]
    response = as_user(demo["sara"]).post(rooms_url(demo.sara_case), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Room.objects.count() == 0


@pytest.mark.parametrize("body", ["", "   ", "x" * 5001])
def test_an_empty_or_too_long_message_is_a_400_and_stores_nothing(demo, body):
    room = sara_room(demo)
    response = as_user(demo["laerer"]).post(messages_url(room.pk), {"body": body}, format="json")
    assert response.status_code == 400
    assert "body" in response.json()
    assert not Entry.objects.filter(room_message__room=room).exists()


def test_adding_bad_members_is_a_400_by_field(demo):
    sara = demo["sara"]
    room = sara_room(demo)
    url = f"/api/v1/rooms/{room.pk}/members/"
    for user in (sara, demo["nav"], demo["laerer"]):  # herself, not on the team, in already
        response = as_user(sara).post(url, {"user": user.pk}, format="json")
        assert response.status_code == 400
        assert "user" in response.json()


def test_a_blocked_person_is_not_added_and_a_member_blocked_later_receives_nothing(demo):
    sara, nurse, teacher = demo["sara"], demo["helsesykepleier"], demo["laerer"]
    room = sara_room(demo)
    block_create(case_id=demo.sara_case.pk, actor=sara, user=demo["bup"])
    added = as_user(sara).post(
        f"/api/v1/rooms/{room.pk}/members/", {"user": demo["bup"].pk}, format="json"
    )
    assert added.status_code == 400 and "user" in added.json()
    opened = as_user(sara).post(
        rooms_url(demo.sara_case), {"title": "Nytt", "members": [demo["bup"].pk]}, format="json"
    )
    assert opened.status_code == 400 and "members" in opened.json()

    block_create(case_id=demo.sara_case.pk, actor=sara, user=teacher)
    message = room_message_send(room_id=room.pk, author=nurse, body="Hei alle")
    # The nurse's message reaches nobody blocked; the youth reads it as the youth.
    assert not Disclosure.objects.filter(entry=message).exists()
    listed = as_user(teacher).get(messages_url(room.pk))
    assert listed.status_code == 200
    assert message.pk not in [row["entry"] for row in listed.json()["results"]]


def test_unread_counts_per_member(demo):
    sara, nurse, teacher = demo["sara"], demo["helsesykepleier"], demo["laerer"]
    room = sara_room(demo)
    room_message_send(room_id=room.pk, author=teacher, body="En")
    room_message_send(room_id=room.pk, author=teacher, body="To")

    def unread(user):
        return as_user(user).get(rooms_url(demo.sara_case)).json()["results"][0]["unread"]

    assert (unread(sara), unread(nurse), unread(teacher)) == (2, 2, 0)
    as_user(nurse).get(messages_url(room.pk))
    assert (unread(sara), unread(nurse)) == (2, 0)
    assert AccessEvent.objects.filter(user=nurse, via="api").count() == 2
    # writing counts as having read the room
    room_message_send(room_id=room.pk, author=sara, body="Tre")
    assert (unread(sara), unread(nurse), unread(teacher)) == (0, 1, 1)


def test_a_closed_case_refuses_every_room_write_with_409(demo):
    sara, teacher = demo["sara"], demo["laerer"]
    room = sara_room(demo)
    case_close(case=demo.sara_case, actor=demo["ungdomshjelper"], summary="Ferdig.")
    assert (
        as_user(sara)
        .post(rooms_url(demo.sara_case), {"title": "Ny", "members": [teacher.pk]}, format="json")
        .status_code
        == 409
    )
    written = as_user(sara).post(messages_url(room.pk), {"body": "Hei"}, format="json")
    assert written.status_code == 409
    assert as_user(sara).post(f"/api/v1/rooms/{room.pk}/close/").status_code == 409


def _list_queries(user, room_id):
    with CaptureQueriesContext(connection) as queries:
        response = as_user(user).get(messages_url(room_id))
    assert response.status_code == 200
    return len(queries)


def _page_queries(client, room_id):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/rooms/{room_id}/")
    assert response.status_code == 200
    return len(queries)


def test_the_message_list_costs_the_same_queries_for_2_and_20_messages(demo, client):
    sara, teacher = demo["sara"], demo["laerer"]
    small = sara_room(demo, title="Lite")
    big = sara_room(demo, title="Stort")
    for room, count in ((small, 2), (big, 20)):
        for n in range(count):
            room_message_send(room_id=room.pk, author=teacher if n % 2 else sara, body=f"M{n}")
    for user in (sara, demo["helsesykepleier"]):
        assert _list_queries(user, small.pk) == _list_queries(user, big.pk)
    client.force_login(demo["helsesykepleier"])
    assert _page_queries(client, small.pk) == _page_queries(client, big.pk)


def test_room_pages_in_plain_words(demo, client):
    sara, teacher = demo["sara"], demo["laerer"]
    client.force_login(sara)
    # Sara opens a room on the page
    response = client.post(
        f"/cases/{demo.sara_case.pk}/rooms/new/",
        {"title": "Skolen", "members": [str(teacher.pk)]},
    )
    room = Room.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/rooms/{room.pk}/"
    # writes in it
    assert client.post(f"/rooms/{room.pk}/", {"body": "Hei lærer"}).status_code == 302
    assert "Hei lærer" in client.get(f"/rooms/{room.pk}/").content.decode()
    assert "Skolen" in client.get(f"/cases/{demo.sara_case.pk}/rooms/").content.decode()
    # an empty message or no members: 400 with the form again, nothing saved
    assert client.post(f"/rooms/{room.pk}/", {"body": ""}).status_code == 400
    bad = client.post(f"/cases/{demo.sara_case.pk}/rooms/new/", {"title": "Tomt"})
    assert bad.status_code == 400
    assert Room.objects.count() == 1
    # adds bup with the earlier messages, takes the teacher out, closes it
    response = client.post(
        f"/rooms/{room.pk}/members/", {"user": str(demo["bup"].pk), "show_earlier": "on"}
    )
    assert response.status_code == 302
    assert Disclosure.objects.filter(recipient=demo["bup"], room=room).count() == 1
    client.post(f"/rooms/{room.pk}/members/remove/", {"user": str(teacher.pk)})
    assert not Disclosure.objects.filter(
        recipient=teacher, room=room, withdrawn_at__isnull=True
    ).exists()
    client.post(f"/rooms/{room.pk}/close/")
    room.refresh_from_db()
    assert room.is_closed
    # the teacher, out of the room, gets 404; a helper may not open rooms (403)
    client.force_login(teacher)
    assert client.get(f"/rooms/{room.pk}/").status_code == 404
    assert client.get(f"/cases/{demo.sara_case.pk}/rooms/new/").status_code == 403
    assert client.post(f"/rooms/{room.pk}/members/remove/", {"user": "x"}).status_code == 404
    client.force_login(demo["bup"])
    assert client.post(f"/rooms/{room.pk}/leave/").status_code == 302
    assert client.get(f"/rooms/{room.pk}/").status_code == 404
