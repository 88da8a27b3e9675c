"""The list serializers that build their answer directly (speed: CaseOutputSerializer,
InvitationOutputSerializer, consent's BlockOutputSerializer, voice's MessageOutputSerializer and
RoomOutputSerializer, meetings' MeetingOutputSerializer) answer byte for byte what DRF's walk
over their declared fields, which the schema shows, answers: for varied rows (open, closed,
reopened; every invitation status, with and without a service; blocks with and without a reason;
messages; rooms open and closed; meetings of every kind, planned, held and cancelled, with a
video link or a representative), in every language and on both sides of summer time."""

import datetime

import pytest
from django.utils import timezone, translation
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from cases.models import Case, Entry, Invitation, Participant
from cases.serializers import CaseOutputSerializer, InvitationOutputSerializer
from consent.models import Block, Room
from consent.serializers import BlockOutputSerializer
from meetings.models import Meeting
from meetings.serializers import MeetingOutputSerializer
from tests.factories import (
    CaseFactory,
    EntryFactory,
    MeetingFactory,
    ServiceFactory,
    UserFactory,
)
from voice.rooms.selectors import RoomRow
from voice.rooms.serializers import RoomOutputSerializer
from voice.serializers import MessageOutputSerializer

pytestmark = pytest.mark.django_db

SUMMER = datetime.datetime(2026, 7, 1, 10, 0, 0, 123456, tzinfo=datetime.UTC)
WINTER = datetime.datetime(2026, 1, 1, 23, 30, tzinfo=datetime.UTC)


def assert_same(serializer_class: type[serializers.ModelSerializer], instances: list) -> None:
    serializer = serializer_class()
    for language in ["nb", "nn", "en"]:
        with translation.override(language), timezone.override("Europe/Oslo"):
            for instance in instances:
                direct = serializer.to_representation(instance)
                declared = serializers.ModelSerializer.to_representation(serializer, instance)
                assert JSONRenderer().render(direct) == JSONRenderer().render(declared), instance
                assert list(direct) == list(declared)
                assert [type(v) for v in direct.values()] == [type(v) for v in declared.values()]


def test_cases_answer_what_their_declared_fields_give():
    closer = UserFactory(first_name="Åse", last_name="Ødegård")
    CaseFactory(title="Åpen sak", created=SUMMER)
    CaseFactory(
        title="Lukket «sak»",
        status=Case.Status.CLOSED,
        created=WINTER,
        closed_at=SUMMER,
        closed_by=closer,
        closing_summary="Ferdig.\nTakk",
        follow_up_on=datetime.date(2026, 12, 31),
    )
    CaseFactory(
        title="Gjenåpnet",
        created=WINTER,
        closed_at=WINTER,
        closed_by=closer,
        reopened_at=SUMMER,
    )
    cases = list(Case.objects.select_related("youth", "closed_by"))
    assert len(cases) == 3
    assert_same(CaseOutputSerializer, cases)


def test_invitations_answer_what_their_declared_fields_give():
    case = CaseFactory()
    inviter = UserFactory()
    service = ServiceFactory(name="Helsestasjon for ungdom")
    now = timezone.now()
    rows = [
        {},  # waiting
        {"service": service, "role": Participant.Role.HELPER},
        {"accepted_at": now},
        {"revoked_at": now, "revoked_by": inviter},
        {"expires": WINTER},  # expired
        {"expires": SUMMER, "role": Participant.Role.GUARDIAN},
    ]
    for n, row in enumerate(rows):
        Invitation.objects.create(
            **{
                "case": case,
                "role": Participant.Role.UNGDOMSHJELPER,
                "invitee": UserFactory(first_name=f"Navn {n}"),
                "invited_by": inviter,
                "nonce": f"n{n}",
                "token_hash": f"h{n}",
                "expires": now + datetime.timedelta(days=7),
                **row,
            }
        )
    invitations = list(Invitation.objects.select_related("invitee", "invited_by", "service"))
    assert {str(invitation.status) for invitation in invitations} == {
        "pending",
        "accepted",
        "revoked",
        "expired",
    }
    assert_same(InvitationOutputSerializer, invitations)


def test_blocks_answer_what_their_declared_fields_give():
    case = CaseFactory()
    Block.objects.create(case=case, user=UserFactory(), reason="", created_by=case.youth)
    Block.objects.create(
        case=case, user=UserFactory(), reason="Vil ikke, «nei» 😊", created_by=case.youth
    )
    Block.objects.filter(reason="").update(created=WINTER)
    blocks = list(Block.objects.select_related("user", "created_by"))
    assert_same(BlockOutputSerializer, blocks)


def test_messages_answer_what_their_declared_fields_give():
    case = CaseFactory()
    for body, created in [
        ("Hei \n", SUMMER),
        ('<b>Tom & "Jerry\'s"</b>\n«hei» 😊', WINTER),
        ("", SUMMER),
    ]:
        entry = EntryFactory(case=case, body=body)
        Entry.objects.filter(pk=entry.pk).update(created=created)
    messages = list(Entry.objects.select_related("author"))
    assert len(messages) == 3
    assert_same(MessageOutputSerializer, messages)


def test_rooms_answer_what_their_declared_fields_give():
    case = CaseFactory()
    open_room = Room.objects.create(case=case, title="Skolen & «helsa»", created=SUMMER)
    closed = Room.objects.create(case=case, title="Før", created=WINTER, closed_at=SUMMER)
    rows = [RoomRow(open_room, [3, 1], 2), RoomRow(closed, [], 0)]
    assert_same(RoomOutputSerializer, rows)


def test_meetings_answer_what_their_declared_fields_give():
    planned = MeetingFactory(title="Oppstart «skole» & helse", kind=Meeting.Kind.START)
    case = planned.case
    MeetingFactory(
        case=case,
        organiser=planned.organiser,
        kind=Meeting.Kind.ANSVARSGRUPPE,
        place="",
        video_link="https://møte.example.org/rom?a=1&b=2",
        duration_minutes=600,
    )
    MeetingFactory(case=case, organiser=planned.organiser, kind=Meeting.Kind.FOLLOW_UP)
    later = list(Meeting.objects.exclude(pk=planned.pk).order_by("pk"))
    Meeting.objects.filter(pk=later[0].pk).update(
        youth_presence=Meeting.YouthPresence.REPRESENTED,
        representative=UserFactory(first_name="Åse", last_name="Ødegård"),
        attendance_decided_at=SUMMER,
        agenda_published_at=WINTER,
        held_at=SUMMER,
        starts_at=WINTER,
        created=SUMMER,
    )
    Meeting.objects.filter(pk=later[1].pk).update(cancelled_at=WINTER, starts_at=SUMMER)
    meetings = list(Meeting.objects.select_related("organiser", "representative"))
    assert len(meetings) == 3
    assert_same(MeetingOutputSerializer, meetings)
