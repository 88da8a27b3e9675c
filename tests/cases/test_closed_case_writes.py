"""Every write on a closed case answers 409 with one message and writes nothing (issue #13).

The endpoints come from the served OpenAPI schema, not from a hand list: a new write endpoint
that is neither driven here nor named as not writing to a case fails
`test_every_write_endpoint_is_covered`. Each is driven twice on the closed case: by someone
allowed to do it on an open case (409, "Saken er avsluttet.") and by someone off the case
(404: the closed state is told only to people who may see the case). Nothing may change in any
table of cases, consent, voice or meetings, nor in the audit chain or the outbox. An invalid
body changes none of that: the case is closed (409) before the body is read (400).
"""

from collections import defaultdict
from datetime import timedelta
from functools import cache, partial

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from cases.models import Participant
from cases.services import entry_withhold, invitation_create
from consent.models import SharingRule
from consent.services import (
    block_create,
    case_close,
    consent_request_approve,
    reading_first_set,
    share,
)
from coordination.models import AuditEvent, Notification
from meetings.demo import JONAS_TITLE
from meetings.models import Meeting
from meetings.services import (
    action_item_create,
    agenda_item_add,
    meeting_create,
    minutes_save,
)
from referrals.services import referral_create
from tests.meetings.helpers import hold
from tests.referrals.helpers import BUP, CLINIC, NAV
from voice.checkins import first_contact_create
from voice.plan import goal_add, step_add
from voice.rooms.services import room_create
from voice.services import remark_create

from ..consent.helpers import as_user, write_entry

pytestmark = pytest.mark.django_db

CLOSED = {"detail": "Saken er avsluttet."}
WRITE_METHODS = {"post", "put", "patch", "delete"}

# Write endpoints that do not write to a case, or that a closed case deliberately allows.
NOT_CASE_WRITES = {
    ("post", "/api/v1/auth/token/"): "signing in",
    ("post", "/api/v1/auth/logout/"): "signing out",
    ("patch", "/api/v1/me/"): "one's own profile",
    ("post", "/api/v1/cases/"): "opens a new case",
    ("post", "/api/v1/calendar-feed/reset/"): "one's own calendar link",
    ("post", "/api/v1/feedback/"): "feedback on a service, not on a case",
    ("put", "/api/v1/me/presentation/"): "one's own presentation",
    # A copy of what one may see: reading, and a closed case is still read by its youth.
    ("post", "/api/v1/me/export/"): "one's own copy of everything (reads only)",
    ("post", "/api/v1/notifications/{notification_id}/read/"): "one's own notifications",
    ("post", "/api/v1/cases/{case_id}/reopen/"): "the way back (test_close_reopen.py)",
    # Ending a withholding gives the youth back what they may read: the youth keeps reading
    # everything on a closed case (test_a_withholding_can_still_end_on_a_closed_case).
    ("post", "/api/v1/withholdings/{withholding_id}/end/"): "gives the youth access back",
    # What people thought of a meeting already held: anonymous feedback like /feedback/.
    ("post", "/api/v1/meetings/{meeting_id}/evaluations/"): "feedback on a held meeting",
}

PDF = b"%PDF-1.4\n%%EOF\n"


def build(demo):
    """Sara's and Jonas' cases with one of everything a write can touch, then both closed."""
    sara, nurse, coordinator = demo["sara"], demo["helsesykepleier"], demo["ungdomshjelper"]
    case = demo.sara_case
    note = write_entry(case, nurse)
    disclosure = consent_request_approve(
        consent_request=share(entry=note, recipients=[demo["laerer"]], actor=nurse).consent_request,
        actor=sara,
    ).disclosures.get()
    other = write_entry(case, nurse, title="Til BUP")
    sara_request = share(entry=other, recipients=[demo["bup"]], actor=nurse).consent_request
    jonas_note = write_entry(demo.jonas_case, nurse)
    jonas_request = share(
        entry=jonas_note, recipients=[demo["laerer"]], actor=nurse
    ).consent_request
    comment = remark_create(entry_id=note.pk, author=sara, kind="comment", text="Hmm")
    correction = remark_create(
        entry_id=note.pk, author=sara, kind="correction", text="Feil", proposed_body="Riktig."
    )
    withheld = write_entry(case, nurse, title="Holdes tilbake")
    withholding = entry_withhold(entry_id=withheld.pk, actor=nurse, reason="Pbrl. § 3-4.")
    goal = goal_add(case=case, actor=sara, text="Komme på skolen")
    step = step_add(goal=goal, actor=sara, text="Stå opp", owner=demo["bup"])
    upcoming = meeting_create(
        case=case,
        actor=coordinator,
        title="Oppfølging",
        starts_at=timezone.now() + timedelta(days=7),
        place="Rom 1",
        attendees=[demo["laerer"]],
    )
    private_item = agenda_item_add(meeting=upcoming, actor=sara, title="Mitt tema", private=True)
    held = meeting_create(
        case=case,
        actor=coordinator,
        title="Oppstart",
        starts_at=timezone.now() + timedelta(days=1),
        place="Rom 1",
    )
    hold(held, coordinator)
    minutes_save(meeting=held, actor=coordinator, summary="Vi snakket.")
    item = action_item_create(
        meeting=held,
        actor=coordinator,
        description="ringe",
        owner=demo["bup"],
        due=timezone.localdate() + timedelta(days=7),
    )
    invitation = invitation_create(
        case_id=case.pk,
        actor=nurse,
        role="helper",
        user=demo["barnevern"],
        service=Participant.objects.get(case=case, user=demo["laerer"]).service,
    )
    room = room_create(case_id=case.pk, actor=sara, title="Rommet", members=[demo["laerer"], nurse])
    check_in = first_contact_create(case=case, ungdomshjelper=coordinator)
    to_clinic = referral_create(
        case_id=case.pk, actor=nurse, service_id=CLINIC, purpose="Samtaler", entry_ids=[]
    )
    to_bup = referral_create(
        case_id=case.pk, actor=nurse, service_id=BUP, purpose="Vurdering", entry_ids=[note.pk]
    )
    # A rule share waiting for Sara to read the note first (reading first)
    reading_first_set(case_id=case.pk, actor=sara, on=True)
    waiting = write_entry(case, nurse, category="school", title="Venter")
    (held_share,) = share(entry=waiting, recipients=[demo["laerer"]], actor=nurse).held
    block = block_create(case_id=case.pk, actor=sara, user=demo["bup"])
    for closing in (case, demo.jonas_case):
        case_close(case=closing, actor=demo["helsesykepleier"], summary="Ferdig.")
    ids = {
        "case_id": case.pk,
        "entry_id": note.pk,
        "other_entry": other.pk,
        "request_id": sara_request.pk,
        "jonas_request": jonas_request.pk,
        "disclosure_id": disclosure.pk,
        "rule_id": SharingRule.objects.get(case=case, category="school").pk,
        "participant_id": Participant.objects.get(case=case, user=demo["bup"]).pk,
        "remark_id": comment.pk,
        "correction": correction.pk,
        "goal_id": goal.pk,
        "step_id": step.pk,
        "meeting_id": upcoming.pk,
        "held_meeting": held.pk,
        # Jonas (13) has said what he wants; his father has yet to decide (meetings.demo).
        "jonas_meeting": Meeting.objects.get(title=JONAS_TITLE).pk,
        "agenda_item": private_item.pk,
        "action_item": item.pk,
        "withholding_id": withholding.pk,
        "withheld_entry": withheld.pk,
        "invitation_id": invitation.pk,
        "room_id": room.pk,
        "check_in_id": check_in.pk,
        "referral_id": to_clinic.pk,
        "awaiting_referral": to_bup.pk,
        "held_share_id": held_share.pk,
        "block_id": block.pk,
    }
    service = str(Participant.objects.get(case=case, user=demo["laerer"]).service_id)
    return ids, service


def writes(demo, ids, service):
    """(method, path) -> (persona allowed on an open case, path ids, body, format)."""
    u = {name: demo[name].pk for name in ("laerer", "bup", "nav", "ungdomshjelper", "sara")}
    soon = (timezone.now() + timedelta(days=3)).isoformat()
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    held = {"meeting_id": ids["held_meeting"]}
    return {
        ("patch", "/api/v1/action-items/{item_id}/"): (
            "ungdomshjelper", {"item_id": ids["action_item"]}, {"status": "done"}),
        ("post", "/api/v1/agenda-items/{item_id}/publish/"): (
            "sara", {"item_id": ids["agenda_item"]}, None),
        ("delete", "/api/v1/blocks/{block_id}/"): ("sara", {}, None),
        ("post", "/api/v1/cases/{case_id}/blocks/"): ("sara", {}, {"user": u["laerer"]}),
        ("post", "/api/v1/cases/{case_id}/close/"): ("bup", {}, {"summary": "Igjen."}),
        ("post", "/api/v1/cases/{case_id}/invitations/"): (
            "helsesykepleier", {}, {"role": "helper", "user": u["nav"], "service": service}),
        ("post", "/api/v1/invitations/{invitation_id}/accept/"): ("barnevern", {}, None),
        ("post", "/api/v1/invitations/{invitation_id}/revoke/"): ("helsesykepleier", {}, None),
        ("post", "/api/v1/cases/{case_id}/entries/"): (
            "laerer", {}, {"kind": "note", "category": "school", "title": "Hei"}),
        ("post", "/api/v1/cases/{case_id}/meetings/"): (
            "ungdomshjelper", {}, {"title": "Nytt", "starts_at": soon, "place": "Rom 2"}),
        ("post", "/api/v1/cases/{case_id}/messages/"): ("bup", {}, {"body": "Hei Sara"}),
        ("post", "/api/v1/cases/{case_id}/participants/"): (
            "ungdomshjelper", {}, {"user": u["nav"], "role": "helper", "service": service}),
        ("post", "/api/v1/cases/{case_id}/plan/goals/"): ("sara", {}, {"text": "Nytt mål"}),
        ("post", "/api/v1/cases/{case_id}/sharing-rules/"): (
            "sara", {}, {"category": "health", "recipient_user": u["laerer"]}),
        ("post", "/api/v1/cases/{case_id}/ungdomshjelper/"): (
            "sara", {}, {"user": u["laerer"]}),  # a helper on the case is a candidate
        ("post", "/api/v1/cases/{case_id}/ungdomshjelper/change/"): ("sara", {}, None),
        ("post", "/api/v1/cases/{case_id}/ungdomshjelper/change/cancel/"): ("sara", {}, None),
        ("post", "/api/v1/cases/{case_id}/watch/{category}/"): (
            "sara", {"category": "health"}, None),
        ("delete", "/api/v1/cases/{case_id}/watch/{category}/"): (
            "sara", {"category": "health"}, None),
        ("post", "/api/v1/consent-requests/{request_id}/approve/"): ("sara", {}, None),
        ("post", "/api/v1/consent-requests/{request_id}/decline/"): (
            "sara", {}, {"reason": "Nei"}),
        ("post", "/api/v1/consent-requests/{request_id}/opinion/"): (
            "jonas", {"request_id": ids["jonas_request"]}, {"opinion": "Ok"}),
        ("post", "/api/v1/disclosures/{disclosure_id}/withdraw/"): ("sara", {}, None),
        ("post", "/api/v1/entries/{entry_id}/attachments/"): ("helsesykepleier", {}, "file"),
        ("post", "/api/v1/entries/{entry_id}/remarks/"): (
            "sara", {}, {"kind": "comment", "text": "Enda en"}),
        ("post", "/api/v1/entries/{entry_id}/share/"): (
            "helsesykepleier", {"entry_id": ids["other_entry"]}, {"recipients": [u["laerer"]]}),
        ("post", "/api/v1/entries/{entry_id}/watch/"): ("sara", {}, None),
        ("delete", "/api/v1/entries/{entry_id}/watch/"): ("sara", {}, None),
        ("post", "/api/v1/entries/{entry_id}/withhold/"): (
            "helsesykepleier", {}, {"reason": "Pbrl. § 3-4."}),
        ("patch", "/api/v1/meetings/{meeting_id}/"): ("ungdomshjelper", {}, {"place": "Rom 3"}),
        ("post", "/api/v1/meetings/{meeting_id}/action-items/"): (
            "ungdomshjelper", held, {"description": "mer", "owner": u["bup"], "due": due}),
        ("post", "/api/v1/meetings/{meeting_id}/agenda/"): ("sara", {}, {"title": "Tema"}),
        ("post", "/api/v1/meetings/{meeting_id}/agenda/publish/"): ("ungdomshjelper", {}, None),
        ("post", "/api/v1/meetings/{meeting_id}/attendance/"): (
            "sara", {}, {"coming": [u["laerer"]]}),
        ("post", "/api/v1/meetings/{meeting_id}/cancel/"): ("ungdomshjelper", {}, None),
        ("post", "/api/v1/meetings/{meeting_id}/guardians/wish/"): (
            "jonas", {"meeting_id": ids["jonas_meeting"]}, {"wish": "no"}),
        ("post", "/api/v1/meetings/{meeting_id}/guardians/decision/"): (
            "far", {"meeting_id": ids["jonas_meeting"]}, {"come": False}),
        ("post", "/api/v1/meetings/{meeting_id}/held/"): ("ungdomshjelper", {}, None),
        ("put", "/api/v1/meetings/{meeting_id}/minutes/"): (
            "ungdomshjelper", held, {"summary": "Ny tekst", "version": 1}),
        ("post", "/api/v1/meetings/{meeting_id}/minutes/approve/"): ("sara", held, {}),
        ("post", "/api/v1/meetings/{meeting_id}/minutes/comments/"): (
            "sara", held, {"text": "Bra"}),
        ("post", "/api/v1/meetings/{meeting_id}/minutes/distribute/"): (
            "ungdomshjelper", held, {"recipients": [u["laerer"]]}),
        ("post", "/api/v1/meetings/{meeting_id}/minutes/submit/"): ("ungdomshjelper", held, None),
        ("post", "/api/v1/meetings/{meeting_id}/proposals/"): (
            "ungdomshjelper", {}, {"users": [u["bup"]]}),
        ("post", "/api/v1/meetings/{meeting_id}/take-over/"): ("ungdomshjelper", {}, None),
        ("post", "/api/v1/participants/{participant_id}/remove/"): ("ungdomshjelper", {}, None),
        ("put", "/api/v1/participants/{participant_id}/help/"): (
            "bup", {}, {"what": "Samtaler", "direct_contact": ""}),
        ("post", "/api/v1/plan-goals/{goal_id}/steps/"): (
            "sara", {}, {"text": "Nytt steg", "owner": u["bup"]}),
        ("patch", "/api/v1/plan-steps/{step_id}/"): ("sara", {}, {"done": True}),
        ("put", "/api/v1/cases/{case_id}/check-ins/"): (
            "ungdomshjelper", {}, {"every_days": 14, "weekday": 3, "time": "15:00"}),
        ("post", "/api/v1/check-ins/{check_in_id}/done/"): ("ungdomshjelper", {}, None),
        ("post", "/api/v1/plan-steps/{step_id}/comments/"): ("sara", {}, {"text": "Takk"}),
        ("post", "/api/v1/plan-goals/{goal_id}/evaluations/"): ("sara", {}, {"score": 4}),
        ("post", "/api/v1/remarks/{remark_id}/accept/"): (
            "helsesykepleier", {"remark_id": ids["correction"]}, {"answer": "Ja"}),
        ("post", "/api/v1/remarks/{remark_id}/answer/"): (
            "helsesykepleier", {}, {"answer": "Svar"}),
        ("post", "/api/v1/remarks/{remark_id}/show/"): ("sara", {}, {"shown": True}),
        ("delete", "/api/v1/sharing-rules/{rule_id}/"): ("sara", {}, None),
        ("post", "/api/v1/cases/{case_id}/rooms/"): (
            "sara", {}, {"title": "Nytt rom", "members": [u["bup"]]}),
        ("post", "/api/v1/rooms/{room_id}/messages/"): ("sara", {}, {"body": "Hei"}),
        ("post", "/api/v1/rooms/{room_id}/members/"): ("sara", {}, {"user": u["bup"]}),
        ("post", "/api/v1/rooms/{room_id}/members/{user_id}/remove/"): (
            "sara", {"user_id": u["laerer"]}, None),
        ("post", "/api/v1/rooms/{room_id}/leave/"): ("laerer", {}, None),
        ("post", "/api/v1/rooms/{room_id}/close/"): ("sara", {}, None),
        ("post", "/api/v1/cases/{case_id}/referrals/"): (
            "helsesykepleier", {}, {"service": NAV, "purpose": "Jobb", "entries": []}),
        ("post", "/api/v1/referrals/{referral_id}/accept/"): ("helsestasjon", {}, {}),
        ("post", "/api/v1/referrals/{referral_id}/decline/"): (
            "helsestasjon", {}, {"reason": "Nei", "suggested_services": []}),
        ("post", "/api/v1/referrals/{referral_id}/withdraw/"): (
            "helsesykepleier", {"referral_id": ids["awaiting_referral"]}, None),
        ("put", "/api/v1/cases/{case_id}/reading-first/"): ("sara", {}, {"on": False}),
        ("post", "/api/v1/entries/{entry_id}/held-shares/release/"): ("sara", {}, None),
        ("post", "/api/v1/held-shares/{held_share_id}/withdraw/"): ("sara", {}, None),
    }  # fmt: skip


def schema_writes() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in WRITE_METHODS
    }


@cache
def fingerprint_sql() -> str:
    """One statement: for each table a write on a case may touch, a digest of all its rows in
    primary-key order, every column (PostgreSQL's text form of the whole row). A table each
    through the ORM was ~55 statements and most of this module's time."""
    models = [
        model
        for label in ("cases", "consent", "voice", "meetings", "referrals")
        for model in apps.get_app_config(label).get_models()
    ]
    models += [AuditEvent, Notification]
    quote = connection.ops.quote_name
    return " UNION ALL ".join(
        f"SELECT '{model._meta.label}', md5(coalesce(string_agg(t::text, ',' ORDER BY "
        f"t.{quote(model._meta.pk.column)}), '')) FROM {quote(model._meta.db_table)} AS t"
        for model in models
    )


def fingerprint() -> dict[str, str]:
    """Every row of every table a write on a case may touch (contents, not only counts)."""
    with connection.cursor() as cursor:
        cursor.execute(fingerprint_sql())
        return dict(cursor.fetchall())


def call(client, method, path, body):
    if body == "file":
        upload = SimpleUploadedFile("a.pdf", PDF, "application/pdf")
        return client.post(path, {"file": upload}, format="multipart")
    if body == "no file":
        return client.post(path, {"file": "not a file"}, format="multipart")
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, body, format="json")


def answer(request, before: dict[str, str]) -> tuple[int, dict | None, list[str]]:
    """What `request()` answered (the detail of a 409) and which tables it changed from
    `before`; rolled back, so the next request starts from the same closed case."""
    with transaction.atomic():
        response = request()
        changed = [label for label, rows in fingerprint().items() if before[label] != rows]
        transaction.set_rollback(True)
    detail = response.json() if response.status_code == 409 else None
    return response.status_code, detail, changed


def answers(demo, ids, table, *, bodies) -> dict:
    """(method, path, body number, outsider?) -> answer: each write driven with each body
    `bodies` makes of its valid one, by the persona allowed to on an open case and by NAV (off
    the case). Each starts from the same rows, taken once: every request is rolled back (one
    that was not would differ from them, and so would every request after it)."""
    before = fingerprint()
    got = {}
    for (method, path), (persona, path_ids, body) in sorted(table.items()):
        url = path.format(**(ids | path_ids))
        for number, sent in enumerate(bodies(body)):
            for who in (persona, "nav"):
                client = as_user(demo[who])
                got[(method, path, number, who == "nav")] = answer(
                    partial(call, client, method, url, sent), before
                )
    return got


def test_every_write_endpoint_is_covered(demo):
    driven = set(writes(demo, defaultdict(int), ""))
    missing = schema_writes() - driven - set(NOT_CASE_WRITES)
    assert not missing, f"drive these on a closed case, or say why they write no case: {missing}"
    assert not driven & set(NOT_CASE_WRITES)
    assert not (driven | set(NOT_CASE_WRITES)) - schema_writes(), "gone from the schema"


def test_every_write_on_a_closed_case_is_a_409_and_writes_nothing(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ids, service = build(demo)
    table = writes(demo, ids, service)
    got = answers(demo, ids, table, bodies=lambda body: [body])
    expected = {
        (method, path, 0, outsider): (404, None, []) if outsider else (409, CLOSED, [])
        for (method, path) in table
        for outsider in (False, True)
    }
    assert got == expected
    assert not list(tmp_path.rglob("*.pdf"))  # no attachment file left on disk


def test_a_withholding_can_still_end_on_a_closed_case(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ids, _service = build(demo)
    response = as_user(demo["helsesykepleier"]).post(
        f"/api/v1/withholdings/{ids['withholding_id']}/end/"
    )
    assert response.status_code == 200
    # The youth reads the entry again; nobody else gains anything.
    entry = f"/api/v1/entries/{ids['withheld_entry']}/"
    assert as_user(demo["sara"]).get(entry).status_code == 200
    assert as_user(demo["laerer"]).get(entry).status_code == 404


def invalid_bodies(body):
    """Bodies a write with fields refuses on an open case: nothing, and every field garbled (a
    dict is no valid string, number, date, boolean, id or list); an attachment without its
    file. A write without fields is sent an empty body."""
    if body == "file":
        return ["no file"]
    if not body:
        return [{}]
    return [{}, {field: {"not": ["valid"]} for field in body}]


def test_an_invalid_write_on_a_closed_case_is_a_409_not_a_400(demo, settings, tmp_path):
    """Order of every write: lock, access (404), closed (409), then validation (400).

    A closed case refuses the write whatever was sent, so a client never fixes its body only to
    be told the case is closed; an outsider learns nothing, not even what a valid body is.
    """
    settings.MEDIA_ROOT = tmp_path
    ids, service = build(demo)
    got = answers(demo, ids, writes(demo, ids, service), bodies=invalid_bodies)
    wrong = {
        key: result
        for key, result in got.items()
        if result != ((404, None, []) if key[3] else (409, CLOSED, []))
    }
    assert not wrong, "\n".join(f"{key}: {result}" for key, result in sorted(wrong.items()))
