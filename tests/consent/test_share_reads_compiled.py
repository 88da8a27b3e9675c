"""The share's reads compiled once a process (issue 18 item 3, coordination.statements): the
view's check of the recipients against the team, the recipients read under the case lock with
whether they receive the entry already, the standing rules of a category and the blocks find
exactly what the ORM's querysets find. For every persona of both demo cases, alone and all at
once with an id nobody has, with rules in force, ended, past their last day and automatic, a
block in force and one ended, someone who left the team, and on the day the young person comes
of age (their guardian takes part no more)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from cases.models import Entry, Participant
from cases.selectors import team_users, team_users_among
from consent.models import Block, SharingRule
from consent.selectors import (
    _AUTOMATIC_RULES_OF_CATEGORY,
    _RULES_OF_CATEGORY,
    blocked_on,
    receives_entry,
    sharing_rules_active,
    team_receiving,
)
from consent.services import block_create, share, sharing_rule_create

from .helpers import write_entry
from .test_permission_matrix import PERSONAS

pytestmark = pytest.mark.django_db


def vary(demo) -> None:
    """Rules in force, ended, past their last day and automatic on Sara's case; a note the
    youth coordinator receives; a block in force and one ended; the nurse off Sara's team."""
    sara, case = demo["sara"], demo.sara_case
    teacher = demo["laerer"]
    share(
        entry=write_entry(case, teacher, category="school"),
        recipients=[demo["ungdomshjelper"]],
        actor=teacher,
        basis="legal_duty",
        justification="Opplysningsplikt.",
    )
    today = timezone.localdate()
    sharing_rule_create(case=case, actor=sara, category="school", recipient_user=demo["bup"])
    sharing_rule_create(
        case=case, actor=sara, category="school", recipient_role="helper", automatic=True
    )
    sharing_rule_create(
        case=case, actor=sara, category="health", recipient_user=demo["laerer"], until=today
    )
    past = sharing_rule_create(
        case=case, actor=sara, category="school", recipient_user=demo["laerer"], until=today
    )
    SharingRule.objects.filter(pk=past.pk).update(until=today - timedelta(days=1))
    ended = sharing_rule_create(
        case=case, actor=sara, category="general", recipient_user=demo["ungdomshjelper"]
    )
    SharingRule.objects.filter(pk=ended.pk).update(ended_at=timezone.now())
    block_create(case_id=case.pk, actor=sara, user=demo["bup"])
    lifted = block_create(case_id=case.pk, actor=sara, user=demo["laerer"])
    Block.objects.filter(pk=lifted.pk).update(ended_at=timezone.now())
    Participant.objects.filter(case=case, user=demo["helsesykepleier"]).update(left=timezone.now())


def id_sets(demo) -> list[set[int]]:
    everyone = {demo[persona].pk for persona in PERSONAS}
    return [{demo[persona].pk} for persona in PERSONAS] + [everyone | {max(everyone) + 1000}]


def compare(demo) -> dict[str, int]:
    """Each compiled read against its queryset; how many rows each found in all (so that the
    comparison is seen to be about something)."""
    hits = {"team": 0, "receiving": 0, "receives": 0, "rules": 0, "automatic": 0, "blocked": 0}
    for case in (demo.sara_case, demo.jonas_case):
        entries = list(Entry.objects.filter(case=case).order_by("pk"))
        for ids in id_sets(demo):
            compiled = sorted(user.pk for user in team_users_among(ids, case=case))
            queried = sorted(team_users(case=case).filter(pk__in=ids).values_list("pk", flat=True))
            assert compiled == queried, (case.pk, ids)
            hits["team"] += len(compiled)
            blocked = set(
                Block.objects.filter(case=case, ended_at__isnull=True, user_id__in=ids).values_list(
                    "user_id", flat=True
                )
            )
            assert blocked_on(case=case, user_ids=ids) == blocked, (case.pk, ids)
            hits["blocked"] += len(blocked)
            for entry in entries:
                compiled_rows = sorted(
                    (p.pk, p.user.pk, p.user.username, p.role, p.receives)
                    for p in team_receiving(case=case, entry=entry, user_ids=ids)
                )
                queried_rows = sorted(
                    (p.pk, p.user.pk, p.user.username, p.role, p.receives)
                    for p in Participant.objects.active()
                    .filter(case=case, user_id__in=ids)
                    .select_related("user")
                    .annotate(receives=receives_entry(entry=entry))
                )
                assert compiled_rows == queried_rows, (case.pk, entry.pk, ids)
                hits["receiving"] += len(compiled_rows)
                hits["receives"] += sum(row[-1] for row in compiled_rows)
        for category in Entry.Category.values:
            active = sharing_rules_active(case=case).filter(category=category)
            for read, queryset, hit in (
                (_RULES_OF_CATEGORY, active, "rules"),
                (_AUTOMATIC_RULES_OF_CATEGORY, active.filter(automatic=True), "automatic"),
            ):
                rules = read(case=case.pk, category=category, today=timezone.localdate())
                assert [
                    (r.pk, r.recipient_user, r.recipient_service, r.recipient_role) for r in rules
                ] == [
                    (r.pk, r.recipient_user, r.recipient_service, r.recipient_role)
                    for r in queryset
                ], (case.pk, category)
                hits[hit] += len(rules)
    return hits


def test_the_compiled_share_reads_find_what_the_querysets_find(demo):
    vary(demo)
    hits = compare(demo)
    assert all(hits.values()), hits


def test_they_read_the_team_on_the_day_the_young_person_comes_of_age(demo):
    # Given Sara's guardian on her team today
    vary(demo)
    sara, mor = demo["sara"], demo["mor"]
    assert [u.pk for u in team_users_among({mor.pk}, case=demo.sara_case)] == [mor.pk]
    # When Sara turns 18
    birthday = sara.birth_date.replace(year=sara.birth_date.year + 18)
    with time_machine.travel(timezone.make_aware(timezone.datetime(*birthday.timetuple()[:3], 12))):
        # Then her guardian is off the team for both reads, as for the querysets
        assert team_users_among({mor.pk}, case=demo.sara_case) == []
        entry = Entry.objects.filter(case=demo.sara_case).first()
        assert team_receiving(case=demo.sara_case, entry=entry, user_ids={mor.pk}) == []
        assert all(compare(demo).values())
