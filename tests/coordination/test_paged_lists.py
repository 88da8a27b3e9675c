"""The API lists read through a compiled statement (coordination.statements.CompiledRead.paged):
for every persona and case of the demo, each answers the rows of its selector's queryset (the
same objects, fields and related objects fetched with them, in the same order) and the same
count, and the blocks' case check lets in and keeps out exactly whom the ORM's did. How they
page is tests/coordination/test_pagination.py's."""

import pytest
from django.http import Http404

from cases.models import Case, Participant
from cases.selectors import (
    cases_for_user,
    cases_listed,
    entries_for_case,
    entries_listed,
    invitations_for_case,
    invitations_listed,
)
from cases.services import NewPerson, invitation_create
from consent.selectors import access_case_blocks, blocks_active, blocks_listed, may_block
from consent.services import block_create
from coordination.parsing import MAX_ID
from meetings.models import Meeting
from meetings.selectors import meetings_for_case, meetings_listed
from tests.consent.test_permission_matrix import PERSONAS
from voice.rooms.selectors import rooms_for_case, rooms_listed
from voice.rooms.services import room_create
from voice.selectors import messages_for_case, messages_listed
from voice.services import message_send

pytestmark = pytest.mark.django_db


def snapshot(instance) -> tuple:
    """An object's fields and, the same way, those of the related objects read with it."""
    fields = {k: v for k, v in vars(instance).items() if k != "_state"}
    related = {
        name: None if other is None else snapshot(other)
        for name, other in instance._state.fields_cache.items()
    }
    return fields, related


def same(paged, queryset) -> None:
    assert [snapshot(row) for row in paged[0:100]] == [snapshot(row) for row in queryset]
    assert paged.count() == queryset.count()


def test_each_list_answers_its_querysets_rows_and_count(demo):
    assert Meeting.objects.filter(case=demo.sara_case).exists()
    sara, nurse = demo["sara"], demo["helsesykepleier"]
    bup_service = Participant.objects.get(case=demo.sara_case, user=demo["bup"]).service
    for name in ("Lise Moe", "Per Berg"):
        invitation_create(
            case_id=demo.jonas_case.pk, actor=nurse, role="helper",
            person=NewPerson(name, email="lise@example.org"), service=bup_service,
        )  # fmt: skip
    block_create(case_id=demo.sara_case.pk, actor=sara, user=demo["bup"])
    block_create(case_id=demo.sara_case.pk, actor=sara, user=demo["laerer"])
    for title, members in [("Skolen", ["helsesykepleier"]), ("Helsa", ["helsesykepleier", "mor"])]:
        room_create(
            case_id=demo.sara_case.pk,
            actor=sara,
            title=title,
            members=[demo[member] for member in members],
        )
    message_send(case=demo.sara_case, author=sara, body="Hei", recipients=[nurse])
    message_send(case=demo.sara_case, author=sara, body="Hallo", recipients=[nurse, demo["mor"]])
    cases = list(Case.objects.all())
    for persona in PERSONAS:
        user = demo[persona]
        same(cases_listed(user=user), cases_for_user(user=user))
        for case in cases:
            # Who sees a case's blocks is access_case_blocks' check; the list for each viewer
            # (a blocked one does not see their own block).
            same(blocks_listed(case=case, viewer=user), blocks_active(case=case, viewer=user))
            same(meetings_listed(user=user, case=case), meetings_for_case(user=user, case=case))
            same(rooms_listed(user=user, case=case), rooms_for_case(user=user, case=case))
            same(entries_listed(user=user, case=case), entries_for_case(user=user, case=case))
            same(messages_listed(user=user, case=case), messages_for_case(user=user, case=case))
    for case in cases:
        same(invitations_listed(case=case), invitations_for_case(case=case))


def through_the_orm(user, case_id: int) -> tuple | None:
    case = Case.objects.select_related("youth").filter(pk=case_id).first()
    return snapshot(case) if case is not None and may_block(user=user, case=case) else None


def compiled(user, case_id: int) -> tuple | None:
    try:
        return snapshot(access_case_blocks(user=user, case_id=case_id))
    except Http404:
        return None


def test_the_blocks_case_check_answers_as_the_orm_did(demo):
    case_ids = [*Case.objects.values_list("pk", flat=True), 10**9, MAX_ID, MAX_ID + 1]
    asked = [(demo[persona], case_id) for persona in PERSONAS for case_id in case_ids]
    assert [compiled(*each) for each in asked] == [through_the_orm(*each) for each in asked]
