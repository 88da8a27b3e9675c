"""who_knows_what reads its entries and disclosures as rows, each related person, rule, request,
room and service made once (consent.selectors._Related, DisclosureRow; issue 18). What the API
and the page show from them is what the model instances that select_related made showed: the
same rows built from those instances serialize and render byte for byte the same, for every
basis, ended, expired, withheld, opened and unopened rows, three viewers and nb/nn/en."""

import dataclasses
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from cases.models import AccessEvent, Case, Entry, Participant, Withholding
from cases.selectors import entries_visible
from consent.models import Disclosure
from consent.selectors import basis_text, who_knows_what
from consent.serializers import PersonKnowledgeSerializer
from consent.services import share, sharing_rule_create
from consent.texts import KnowledgeRows
from referrals.services import referral_create
from services_registry.services import service_staff_set
from tests.factories import ServiceFactory, UserFactory
from voice.rooms.services import room_create, room_message_send

from .helpers import everything_on_saras_case, write_entry

pytestmark = pytest.mark.django_db


def _more_bases_and_an_expired_share(demo) -> None:  # type: ignore[no-untyped-def]
    """A room message (basis room), Sara's own note shared by her (own_choice), and a share
    whose end passed before the sweep stamped it (shown as expired)."""
    sara, teacher, nurse = demo["sara"], demo["laerer"], demo["helsesykepleier"]
    room = room_create(
        case_id=demo.sara_case.pk, actor=sara, title="Rom <i>&</i>", members=[teacher, nurse]
    )
    room_message_send(room_id=room.pk, author=teacher, body="Hei")
    own = write_entry(demo.sara_case, sara, category="school", title="Mitt")
    share(entry=own, recipients=[nurse], actor=sara)
    expired = share(
        entry=write_entry(demo.sara_case, nurse, title="Gammel"),
        recipients=[teacher],
        actor=nurse,
        basis="legal_duty",
        justification="§",
    )
    Disclosure.objects.filter(pk__in=[d.pk for d in expired.disclosures]).update(
        until=timezone.now() - timedelta(days=1)
    )
    AccessEvent.objects.create(entry=own, user=nurse, via="web")
    # An intake off the team (a referral's payload, sent at once under a legal duty), named by
    # first and last name, and shares under rules for a person and for a service: what the rows
    # read of people, services and rules beyond their ids.
    service = ServiceFactory(name="BUP <inntak>")
    intake = UserFactory(first_name="Ina", last_name="Inntak", display_name="")
    service_staff_set(service=service, user=intake, receives_referrals=True)
    referral_create(
        case_id=demo.sara_case.pk,
        actor=nurse,
        service_id=service.pk,
        purpose="Vurdering",
        entry_ids=[write_entry(demo.sara_case, nurse, title="Henvist").pk],
        legal_duty="Opplysningsplikt",
    )
    school = Participant.objects.get(case=demo.sara_case, user=teacher, left__isnull=True).service
    for category, recipient in [
        ("general", {"recipient_user": teacher}),
        ("child_welfare", {"recipient_service": school}),
    ]:
        sharing_rule_create(case=demo.sara_case, actor=sara, category=category, **recipient)
        entry = write_entry(demo.sara_case, nurse, category=category, title=category)
        share(entry=entry, recipients=[teacher], actor=nurse)


def _from_model_instances(people, *, case, viewer) -> list:  # type: ignore[no-untyped-def]
    """The same rows with each entry and disclosure the model instance select_related makes,
    and the basis text made from that instance: what who_knows_what built before."""
    disclosures = Disclosure.objects.select_related(
        "recipient",
        "rule__created_by",
        "rule__recipient_user",
        "rule__recipient_service",
        "request__decided_by",
        "room",
        "service",
    ).in_bulk()
    entries = Entry.objects.select_related("author").defer("body").in_bulk()
    openable = set(entries_visible(user=viewer, queryset=Entry.objects.filter(case=case)))
    for entry in entries.values():
        entry.viewer_may_open = entry in openable  # type: ignore[attr-defined]
        entry.active_withholding = (  # type: ignore[attr-defined]
            Withholding.objects.select_related("decided_by")
            .filter(entry=entry, ended_at__isnull=True)
            .first()
        )
    youth = next(p.user for p in people if p.user.pk == case.youth_id)
    rebuilt = []
    for person in people:
        rows = []
        for row in person.entries:
            disclosure = None if row.disclosure is None else disclosures[row.disclosure.pk]
            if disclosure is not None:
                # The row's own fields are the instance's
                for name in ("basis", "rule_id", "request_id", "room_id", "justification"):
                    assert getattr(row.disclosure, name) == getattr(disclosure, name), name
                assert (row.disclosure.purpose, row.disclosure.end_reason) == (
                    disclosure.purpose,
                    disclosure.end_reason,
                )
                assert row.since == disclosure.granted_at
            entry = entries[row.entry.pk]
            text = basis_text(
                basis=row.basis,
                disclosure=disclosure,
                viewer_id=viewer.pk,
                youth=youth,
                visible=entry.viewer_may_open,  # type: ignore[attr-defined]
            )
            rows.append(
                dataclasses.replace(row, entry=entry, disclosure=disclosure, basis_text=text)
            )
        user = person.user
        if person.participant is None:
            user = next(d.recipient for d in disclosures.values() if d.recipient_id == user.pk)
        rebuilt.append(dataclasses.replace(person, user=user, entries=rows))
    return rebuilt


def _shown(people, *, decided: set[str]) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    """The API's JSON and the page's rows of these people."""
    api = json.dumps(PersonKnowledgeSerializer(people, many=True).data)
    texts = KnowledgeRows(decided_categories=decided, csrf_token="token")
    page = [
        texts.current(row, person.user) if row.in_force else texts.ended(row)
        for person in people
        for row in person.entries
    ]
    return api, page


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_rows_show_what_the_model_instances_showed(demo, language):
    everything_on_saras_case(demo)
    _more_bases_and_an_expired_share(demo)
    viewers = [
        (demo.sara_case, demo["sara"]),
        (demo.sara_case, demo["ungdomshjelper"]),
        (demo.jonas_case, demo["far"]),
    ]
    for case, viewer in viewers:
        # As access_case_overview reads it for the page and the API: with its young person.
        case = Case.objects.select_related("youth").get(pk=case.pk)
        with translation.override(language):
            decided = {"health", "school", "child_welfare"}
            # The rows' people, rules and services hold only the columns the rows read: a
            # deferred one read (for the basis texts, the API or the page) would be one more
            # query than who_knows_what's four, and the same text.
            with CaptureQueriesContext(connection) as queries:
                people = who_knows_what(case=case, viewer=viewer)
                shown = _shown(people, decided=decided)
            assert len(queries) == 4, [q["sql"] for q in queries.captured_queries]
            reference = _from_model_instances(people, case=case, viewer=viewer)
            assert shown == _shown(reference, decided=decided)
        if viewer == demo["sara"]:
            rows = [row for person in people for row in person.entries]
            bases = {row.basis for row in rows}
            assert bases >= {"youth", "author", "agreement", "consent", "legal_duty", "room"}
            assert "own_choice" in bases
            assert {row.end_reason for row in rows} >= {"withdrawn", "expired", ""}
            assert any(row.withheld for row in rows) and any(row.last_opened for row in rows)
            assert any(row.last_opened is None for row in rows if row.disclosure)
            intake = next(p for p in people if p.intake_of is not None)
            assert (intake.role, intake.user.name) == ("intake", "Ina Inntak")
            rules = [row.disclosure.rule for row in rows if row.disclosure]
            assert any(rule and rule.recipient_user_id for rule in rules)
            assert any(rule and rule.recipient_service_id for rule in rules)
            assert any(rule and rule.recipient_role for rule in rules)
