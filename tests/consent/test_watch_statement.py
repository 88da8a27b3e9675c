"""An open looks up its watches with a statement compiled once a process
(consent.services.watch, coordination.statements): for every entry of Sara's and Jonas' cases,
for several entries at once and every persona opening them, it finds exactly the watches the
ORM's queryset finds, the watcher's id with them, and an open of one entry alerts as an open of
several does."""

import pytest

from cases.models import Entry
from cases.selectors import entries_visible
from cases.services import access_events_record
from consent.models import Watch
from consent.services.watch import _WATCHES, _watches
from coordination.models import Notification

from .test_permission_matrix import PERSONAS

pytestmark = pytest.mark.django_db


def found(watches) -> list[tuple]:
    return sorted((w.pk, w.entry_id, w.case_id, w.category, w.watcher.pk) for w in watches)


def test_the_compiled_lookup_finds_what_the_orm_finds(demo):
    # Given Sara watches one entry and a category, and Jonas watches another entry
    sara, jonas = demo["sara"], demo["jonas"]
    sara_entries = list(Entry.objects.filter(case=demo.sara_case).order_by("pk"))
    jonas_entries = list(Entry.objects.filter(case=demo.jonas_case).order_by("pk"))
    Watch.objects.create(case=demo.sara_case, watcher=sara, entry=sara_entries[0])
    Watch.objects.create(case=demo.sara_case, watcher=sara, category=sara_entries[1].category)
    Watch.objects.create(case=demo.jonas_case, watcher=jonas, entry=jonas_entries[0])
    # Then for each opener and each entry alone, a few of one case, and a few of both cases, the
    # compiled statement and the queryset agree
    everything = sara_entries + jonas_entries
    opened = [[entry] for entry in everything]
    opened += [sara_entries[1:4], jonas_entries[:3], sara_entries[:2] + jonas_entries[-2:], []]
    hits = set()
    for persona in PERSONAS:
        opener = demo[persona]
        for entries in opened:
            ids = [entry.pk for entry in entries]
            cases = sorted({entry.case_id for entry in entries})
            compiled = _WATCHES(entries=ids, cases=cases, opener=opener.pk)
            queried = _watches(entries=ids, cases=cases, opener=opener.pk)
            assert found(compiled) == found(queried), (persona, ids)
            hits.add(len(compiled))
    # and the comparison saw one watch and several, not only empty answers
    assert {1, 2} <= hits


def test_one_entry_opened_alerts_as_when_opened_with_others(demo):
    # Given Sara watches two entries of her case that are not kept from her
    sara, teacher, nurse = demo["sara"], demo["laerer"], demo["helsesykepleier"]
    first, second = entries_visible(
        user=sara, queryset=Entry.objects.filter(case=demo.sara_case)
    ).order_by("pk")[:2]
    for entry in (first, second):
        Watch.objects.create(case=demo.sara_case, watcher=sara, entry=entry)
    # When the teacher opens one of them alone, and the nurse both together
    access_events_record(user=teacher, entries=[first], via="api")
    access_events_record(user=nurse, entries=[first, second], via="api")
    # Then Sara is told about each open, once per opener and entry
    alerts = Notification.objects.filter(recipient=sara, kind="entry_opened")
    assert sorted(alerts.values_list("entry_id", flat=True)) == sorted(
        [first.pk, first.pk, second.pk]
    )
