from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import AccessEvent, Entry, Participant
from cases.services import entry_create, entry_create_from_workflow, entry_withhold
from consent.services import (
    block_create,
    consent_request_approve,
    participant_remove,
    share,
    sharing_rule_create,
    withdraw,
)


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def write_entry(case, author, *, category="health", title="Notat", kind="note") -> Entry:
    """A note by default; minutes and messages as their workflows write them."""
    create = entry_create if kind in {"note", "document", "plan"} else entry_create_from_workflow
    return create(
        case=case, author=author, kind=kind, category=category, title=title, body="Tekst."
    )


# Markup, quotes and ampersands in everything people write, to catch any escaping difference.
HOSTILE = '<b>Tom & "Jerry\'s"</b>'


def everything_on_saras_case(demo) -> None:  # type: ignore[no-untyped-def]
    """Rows of every kind: a rule share with an end, consent with a purpose, a legal duty with
    its justification, an entry withheld from Sara, a withdrawn share, opens, a block and
    someone who left."""
    sara, nurse, teacher = demo["sara"], demo["helsesykepleier"], demo["laerer"]
    case = demo.sara_case
    sharing_rule_create(
        case=case,
        actor=sara,
        category="school",
        recipient_user=teacher,
        until=timezone.localdate() + timedelta(days=30),
    )
    school = write_entry(case, nurse, category="school", title=f"Skole {HOSTILE}")
    share(entry=school, recipients=[teacher], actor=nurse, purpose=f"Plan {HOSTILE}")
    health = write_entry(case, nurse, title=f"Helse {HOSTILE}")
    request = share(
        entry=health, recipients=[teacher, demo["mor"]], actor=nurse, purpose=HOSTILE
    ).consent_request
    consent_request_approve(consent_request=request, actor=sara)
    duty = write_entry(case, nurse, title="Bekymring")
    share(
        entry=duty,
        recipients=[teacher, demo["bup"]],
        actor=nurse,
        basis="legal_duty",
        justification=f"§ 13-2 {HOSTILE}",
    )
    secret = write_entry(case, nurse, title="Hemmelig")
    shared = share(entry=secret, recipients=[teacher], actor=nurse, purpose="Fordi")
    consent_request_approve(consent_request=shared.consent_request, actor=sara)
    entry_withhold(entry_id=secret.pk, actor=nurse, reason=f"Vern {HOSTILE}")
    withdraw(disclosure=health.disclosures.get(recipient=teacher), actor=sara)
    for entry in (school, health, duty):
        AccessEvent.objects.create(entry=entry, user=teacher, via="web")
    block_create(case_id=case.pk, actor=sara, user=demo["mor"])
    participant_remove(
        participant=Participant.objects.get(case=case, user=demo["bup"], left__isnull=True),
        actor=demo["bup"],
    )


def answers(demo, calls) -> dict:  # type: ignore[no-untyped-def]
    """Each API GET of `calls` ((persona, path) pairs) as that person: its status, its bytes and
    how many statements it sent, for tests that compare two ways of answering."""
    answered = {}
    for persona, path in calls:
        with CaptureQueriesContext(connection) as queries:
            response = as_user(demo[persona]).get(path)
        answered[persona, path] = (response.status_code, response.content, len(queries))
    return answered
