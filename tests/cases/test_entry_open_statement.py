"""access_entry runs entries_visible's statement compiled once a process, the person, entry and
clock bound per call (coordination.statements): for every persona and every entry of the
permission matrix's world, at several moments, it answers exactly what entries_visible's
queryset answers (the entry or nothing, its fields and the author and young person fetched
with it). The moments move the clock after the statement was compiled: a disclosure that
ends, and Sara turning 18, after which her mother takes part no more. The open's own row,
written by a prepared INSERT from its columns' values (access_events_record), is the row
bulk_create writes."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import AccessEvent, Attachment, Entry, EntryUserObjectPermission
from cases.selectors import access_entry, entries_for_case, entries_visible
from cases.services import access_events_record
from coordination.ages import adult_since
from coordination.statements import PreparedInsert
from tests.consent.helpers import write_entry
from tests.consent.test_permission_matrix import PERSONAS, build
from tests.prepared import statement_text

pytestmark = pytest.mark.django_db

MISSING = 10**9


def fields(instance) -> dict:
    return {k: v for k, v in vars(instance).items() if k != "_state"}


def through_the_orm(user, entry_id: int) -> Entry | None:
    return (
        entries_visible(user=user, queryset=Entry.objects.filter(pk=entry_id))
        .select_related("author", "case__youth")
        .defer("author__password", "case__youth__password")
        .first()
    )


def answers(demo) -> dict[tuple[str, int], object]:
    """Per persona and entry: the compiled read's answer, checked against the ORM's."""
    result = {}
    for persona in PERSONAS:
        user = demo[persona]
        for entry_id in [*Entry.objects.values_list("pk", flat=True), MISSING]:
            expected = through_the_orm(user, entry_id)
            try:
                opened = access_entry(user=user, entry_id=entry_id)
            except Http404:
                opened = None
            assert (opened is None) == (expected is None), (persona, entry_id)
            if opened is not None and expected is not None:
                for got, want in [
                    (opened, expected),
                    (opened.author, expected.author),
                    (opened.case.youth, expected.case.youth),
                ]:
                    assert fields(got) == fields(want), (persona, entry_id)
            result[persona, entry_id] = opened is not None
    return result


def test_access_entry_answers_what_entries_visible_does_as_the_clock_moves(demo):
    world = build(demo)
    note = world.ids["note"]
    sara = demo["sara"]
    # Sara's mother's own note: hers to open while she takes part.
    mothers = write_entry(demo.sara_case, demo["mor"], category="general", title="Fra mor").pk
    # The teacher's disclosure of the note ends by itself tomorrow (before the sweep runs).
    EntryUserObjectPermission.objects.filter(user=demo["laerer"], content_object_id=note).update(
        expires_at=timezone.now() + timedelta(days=1)
    )
    now = answers(demo)
    assert now["laerer", note] and now["sara", note] and not now["bup", note]
    assert now["mor", mothers] and now["sara", mothers]

    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        ended = answers(demo)
    assert not ended["laerer", note]

    birthday = adult_since(sara.birth_date)
    morning = timezone.make_aware(datetime.combine(birthday, time(9)))
    with time_machine.travel(morning, tick=False):
        of_age = answers(demo)
    assert not any(seen for (persona, _), seen in of_age.items() if persona == "mor")
    assert of_age["sara", note]


def test_opening_or_listing_entries_reads_no_password_hash(demo):
    nurse = demo["helsesykepleier"]
    entry = write_entry(demo.sara_case, nurse)
    with CaptureQueriesContext(connection) as opened:
        assert access_entry(user=nurse, entry_id=entry.pk).author == nurse
    with CaptureQueriesContext(connection) as listed:
        assert entry in entries_for_case(user=nurse, case=entry.case)
    statements = [statement_text(query["sql"]) for query in [*opened, *listed]]
    assert statements
    assert not [sql for sql in statements if '"password"' in sql]


def test_an_entry_id_beyond_the_column_is_not_found(demo):
    nurse = demo["helsesykepleier"]
    for huge in (2**63, 10**20):
        with pytest.raises(Http404):
            access_entry(user=nurse, entry_id=huge)


def test_an_open_writes_the_row_that_bulk_create_writes(demo):
    nurse = demo["helsesykepleier"]
    entries = [write_entry(demo.sara_case, nurse, title=title) for title in ("En", "To")]
    attachment = Attachment.objects.create(
        entry=entries[0],
        original_name="a.txt",
        content_type="text/plain",
        size=1,
        uploaded_by=nurse,
    )
    with time_machine.travel(timezone.now(), tick=False):
        # When the opens are recorded, and the same rows are written by Django's bulk_create
        mark = AccessEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for via, file in [(AccessEvent.Via.API, None), (AccessEvent.Via.ATTACHMENT, attachment)]:
            access_events_record(user=nurse, entries=entries, via=via, attachment=file)
            AccessEvent.objects.bulk_create(
                [AccessEvent(entry=e, user=nurse, via=via, attachment=file) for e in entries]
            )
    # Then every column but the id is the same, row for row
    rows = [
        {key: value for key, value in row.items() if key != "id"}
        for row in AccessEvent.objects.filter(pk__gt=mark).order_by("pk").values()
    ]
    assert len(rows) == 8
    recorded = rows[0:2] + rows[4:6]
    assert recorded == rows[2:4] + rows[6:8]
    assert {row["via"] for row in recorded} == {"api", "attachment"}
    # A row written as columns must name every one of them
    with pytest.raises(ValueError, match="a row of the columns"):
        PreparedInsert(AccessEvent).values([{"entry_id": entries[0].pk, "user_id": nurse.pk}])
