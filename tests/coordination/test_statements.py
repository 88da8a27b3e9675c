"""coordination.statements.CompiledRead: a statement compiled once, values bound per call; it
refuses to compile what it cannot bind safely."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.db.models import Count, F
from django.db.models.functions import TruncDate
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Entry
from coordination.models import AuditEvent
from coordination.services import audit_append
from coordination.statements import AnyOf, CompiledRead, Slot
from tests.consent.test_races import in_thread
from tests.factories import CaseFactory, EntryFactory

pytestmark = pytest.mark.django_db


def test_each_call_binds_its_own_values():
    first, second = EntryFactory(), EntryFactory(case=CaseFactory())
    by_author = CompiledRead(
        lambda author: Entry.objects.filter(author_id=author).order_by("pk"), author=Slot(-1, -2)
    )
    assert by_author(author=first.author_id) == [first]
    assert by_author(author=second.author_id) == [second]
    assert by_author(author=-5) == []


def test_a_thread_runs_on_its_own_connection():
    """Compiled on one thread, called on another: that thread's connection runs it."""
    by_author = CompiledRead(
        lambda author: Entry.objects.filter(author_id=author), author=Slot(-1, -2)
    )
    assert by_author(author=-5) == []
    answers, errors = [], []
    in_thread(lambda: answers.append(by_author(author=-5)), errors).join()
    assert (answers, errors) == ([[]], [])


def test_a_clock_read_outside_the_slots_does_not_compile():
    EntryFactory()
    since = CompiledRead(
        lambda author: Entry.objects.filter(author_id=author, created__lte=timezone.now()),
        author=Slot(-1, -2),
    )
    with (
        time_machine.travel(timezone.now() - timedelta(days=1), tick=False),
        pytest.raises(ValueError, match="date or time"),
    ):
        since(author=1)


def test_a_text_that_depends_on_the_values_does_not_compile():
    either = CompiledRead(
        lambda author: (
            Entry.objects.filter(author_id=author)
            if author == -1
            else Entry.objects.filter(case_id=author)
        ),
        author=Slot(-1, -2),
    )
    with pytest.raises(ValueError, match="text depends"):
        either(author=1)


def test_every_slot_is_bound_and_used():
    unused = CompiledRead(lambda author, case: Entry.objects.filter(author_id=author),
                          author=Slot(-1, -2), case=Slot(-3, -4))  # fmt: skip
    with pytest.raises(TypeError):
        unused(author=1)
    with pytest.raises(ValueError, match="does not use"):
        unused(author=1, case=2)


def test_a_values_read_answers_rows_and_any_number_of_ids_shares_one_text():
    """A values() queryset answers its dicts; AnyOf binds a list of any length as one slot."""
    first, second = EntryFactory(), EntryFactory(case=CaseFactory())
    per_case = CompiledRead(
        lambda cases: (
            Entry.objects.filter(AnyOf(F("case_id"), cases))
            .values("case_id")
            .annotate(entries=Count("id"))
            .order_by("case_id")
        ),
        cases=Slot((-1,), (-2,), param=list),
    )
    assert per_case(cases=[first.case_id]) == [{"case_id": first.case_id, "entries": 1}]
    assert per_case(cases=[first.case_id, second.case_id, -7]) == [
        {"case_id": first.case_id, "entries": 1},
        {"case_id": second.case_id, "entries": 1},
    ]
    assert per_case(cases=[]) == []
    assert list(Entry.objects.filter(AnyOf(F("case_id"), [second.case_id]))) == [second]


def test_a_slot_binds_each_parameter_it_makes_by_its_own_function():
    """`also`: one value making two parameters (two cutoffs from one date), each bound anew."""
    entry = EntryFactory()
    made = entry.created
    around = CompiledRead(
        lambda at: Entry.objects.filter(
            created__gt=at - timedelta(days=1), created__lt=at + timedelta(days=1)
        ),
        at=Slot(
            made.replace(year=1901),
            made.replace(year=1902),
            param=lambda at: at - timedelta(days=1),
            also=(lambda at: at + timedelta(days=1),),
        ),
    )
    assert around(at=made) == [entry]
    assert around(at=made + timedelta(hours=12)) == [entry]
    assert around(at=made + timedelta(days=2)) == []
    assert around(at=made - timedelta(days=2)) == []


def prepared_at(name: str) -> list:
    with connection.cursor() as cursor:
        cursor.execute("SELECT prepare_time FROM pg_prepared_statements WHERE name = %s", [name])
        return cursor.fetchall()


def test_each_call_executes_the_statement_its_connection_prepared_once():
    """PostgreSQL parses the text once a connection; every call sends only EXECUTE."""
    entry = EntryFactory()
    by_author = CompiledRead(
        lambda author: Entry.objects.filter(author_id=author), author=Slot(-1, -2)
    )
    with CaptureQueriesContext(connection) as sent:
        assert by_author(author=entry.author_id) == [entry]
    (name,) = {query["sql"].removeprefix("EXECUTE ").split("(")[0] for query in sent}
    assert sent[0]["sql"].startswith("EXECUTE ")
    prepared = prepared_at(name)
    assert len(prepared) == 1
    with CaptureQueriesContext(connection) as again:
        assert by_author(author=entry.author_id) == [entry]
        assert by_author(author=-5) == []
    assert [query["sql"].split("(")[0] for query in again] == [f"EXECUTE {name}"] * 2
    assert prepared_at(name) == prepared


@pytest.mark.django_db(transaction=True)
def test_a_statement_is_prepared_again_on_a_new_connection_and_outlives_a_rollback():
    entry = EntryFactory()
    by_author = CompiledRead(
        lambda author: Entry.objects.filter(author_id=author), author=Slot(-1, -2)
    )
    assert by_author(author=entry.author_id) == [entry]
    # CONN_MAX_AGE or an error closes the connection: the next one has no prepared statements.
    connection.close()
    assert by_author(author=entry.author_id) == [entry]
    with pytest.raises(RuntimeError), transaction.atomic():
        assert by_author(author=entry.author_id) == [entry]
        raise RuntimeError
    assert by_author(author=entry.author_id) == [entry]


def test_an_id_beyond_the_column_matches_nothing_as_the_text_did():
    """PREPARE types a parameter as its column; an id from a URL may not fit it."""
    entry = EntryFactory()
    by_author = CompiledRead(
        lambda author: Entry.objects.filter(author_id=author), author=Slot(-1, -2)
    )
    per_case = CompiledRead(
        lambda cases: Entry.objects.filter(AnyOf(F("case_id"), cases)),
        cases=Slot((-1,), (-2,), param=list),
    )
    for huge in (2**31, 10**20, -(10**20)):
        assert by_author(author=huge) == []
        assert per_case(cases=[entry.case_id, huge]) == [entry]
    assert by_author(author=entry.author_id) == [entry]


def test_each_call_converts_its_rows_as_the_orm_does():
    """The converters (here the JSON column's parsing and a date annotation's) are found once
    a statement and applied to every call's rows, model instances and values() rows alike."""
    with transaction.atomic():
        first = audit_append(actor=None, action="a", case_id=7_001, data={"n": [1, 2], "s": "x"})
        second = audit_append(actor=None, action="b", case_id=7_002, data={"n": None})

    def events(case):
        return (
            AuditEvent.objects.filter(case_id=case)
            .annotate(day=TruncDate("created"))
            .order_by("pk")
        )

    as_models = CompiledRead(events, case=Slot(999_999_991, 999_999_992))
    as_values = CompiledRead(
        lambda case: events(case).values("data", "day"), case=Slot(999_999_991, 999_999_992)
    )
    for event in (first, second, first):
        expected = list(events(event.case_id))
        rows = as_models(case=event.case_id)
        assert [(e.pk, e.data, e.day) for e in rows] == [(e.pk, e.data, e.day) for e in expected]
        assert rows[0].data == event.data
        assert as_values(case=event.case_id) == list(events(event.case_id).values("data", "day"))
