"""Retention (issue #17 item 2): the daily job erases the content of entries on closed cases past
their category's retention, keeps the rows, the disclosures, the access log and a verifying audit
chain, writes one audit event per erasure, and stops for a legal hold. Frozen clocks."""

import threading
from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction

from cases.models import AccessEvent, Attachment, Entry
from cases.services import (
    attachment_add,
    case_legal_hold_set,
    entry_erase,
    entry_open,
    retention_run,
)
from consent.models import Disclosure
from consent.services import case_close, case_reopen, share
from coordination.models import AuditEvent
from coordination.selectors import audit_chains_verify
from meetings.models import Meeting, Minutes, MinutesComment, MinutesVersion
from voice.models import GoalEvaluation, Remark, StepComment
from voice.plan import goal_add, goal_evaluate, step_add, step_comment_add
from voice.services import remark_create

from ..consent.helpers import as_user, write_entry

CLOSED = datetime(2020, 3, 10, 12, 0, tzinfo=UTC)
BEFORE_3_YEARS = datetime(2023, 3, 10, 11, 0, tzinfo=UTC)
AFTER_3_YEARS = datetime(2023, 3, 10, 13, 0, tzinfo=UTC)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(demo):
    """Sara's case, closed on CLOSED: a school note with a file, shared with the teacher and read
    by him, commented on by Sara; a health note; a child-welfare note."""
    case, nurse = demo.sara_case, demo["helsesykepleier"]
    with time_machine.travel(datetime(2020, 1, 15, tzinfo=UTC), tick=False):
        school = write_entry(case, nurse, category="school", title="Hemmelig skoletittel")
        Entry.objects.filter(pk=school.pk).update(body="Hemmelig skoletekst.")
        attachment_add(
            entry=school,
            uploaded_by=nurse,
            upload=SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf"),
        )
        share(entry=school, recipients=[demo["laerer"]], actor=nurse)
        entry_open(user=demo["laerer"], entry_id=school.pk, via=AccessEvent.Via.PAGE)
        remark_create(entry_id=school.pk, author=demo["sara"], kind="comment", text="Sara mener")
        health = write_entry(case, nurse, category="health", title="Helsenotat")
        welfare = write_entry(case, nurse, category="child_welfare", title="Barnevernsnotat")
    with time_machine.travel(CLOSED, tick=False):
        case_close(case=case, actor=demo["ungdomshjelper"], summary="Ferdig.")
    return {"school": school, "health": health, "welfare": welfare}


def _erased_events(entry: Entry) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="entry.erased", object_id=str(entry.pk)))


def _erased(entry: Entry) -> bool:
    return Entry.objects.get(pk=entry.pk).erased_at is not None


@pytest.mark.django_db
def test_nothing_goes_before_its_time_and_school_content_goes_after_three_years(
    demo, world, django_capture_on_commit_callbacks
):
    school = world["school"]
    attachment = Attachment.objects.get(entry=school)
    stored = attachment.file.name
    disclosures = Disclosure.objects.filter(entry=school).count()
    opens = AccessEvent.objects.filter(entry=school).count()

    # Given the clock an hour before three years have passed: nothing goes
    with time_machine.travel(BEFORE_3_YEARS, tick=False):
        assert retention_run() == 0
    assert Entry.objects.get(pk=school.pk).title == "Hemmelig skoletittel"

    # When three years have passed (the demo's own school and general notes go too)
    with (
        time_machine.travel(AFTER_3_YEARS, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        erased = retention_run()
    assert erased == len(AuditEvent.objects.filter(action="entry.erased")) >= 1

    # Then the school note's content is gone, its file deleted, its comments erased with it
    school.refresh_from_db()
    assert (school.title, school.body) == ("slettet etter 3 år", "slettet etter 3 år")
    assert school.erased_at == AFTER_3_YEARS
    attachment.refresh_from_db()
    assert attachment.file.name == "" and attachment.original_name == "slettet etter 3 år"
    assert not default_storage.exists(stored)
    assert Remark.objects.get(entry=school).text == "slettet etter 3 år"
    # the health (10 years) and child-welfare (archive) notes are untouched
    assert Entry.objects.get(pk=world["health"].pk).title == "Helsenotat"
    assert Entry.objects.get(pk=world["welfare"].pk).title == "Barnevernsnotat"
    # the skeleton stays: who could see it, and who opened it, when
    assert Disclosure.objects.filter(entry=school).count() == disclosures > 0
    assert AccessEvent.objects.filter(entry=school).count() == opens > 0
    # and Sara's who-knows-what still says the teacher could see it, since when, on what basis
    knows = as_user(demo["sara"]).get(f"/api/v1/cases/{demo.sara_case.pk}/who-knows-what/")
    assert knows.status_code == 200
    assert "slettet etter 3 år" in knows.content.decode()
    assert "Hemmelig" not in knows.content.decode()
    assert demo["laerer"].name in knows.content.decode()
    # one audit event, without content, and the chain still verifies
    [event] = _erased_events(school)
    assert event.object_id == str(school.pk) and event.actor is None
    assert event.data == {"category": "school", "years": 3, "attachments": 1}
    assert audit_chains_verify().broken == []
    call_command("verify_audit_chain", stdout=StringIO())


@pytest.mark.django_db
def test_a_second_run_erases_nothing_and_writes_no_audit_event(demo, world):
    with time_machine.travel(AFTER_3_YEARS, tick=False):
        assert retention_run() >= 1
        assert retention_run() == 0
        assert entry_erase(entry_id=world["school"].pk) is False
    assert len(_erased_events(world["school"])) == 1


@pytest.mark.django_db
def test_child_welfare_content_is_never_erased_here(demo, world):
    with time_machine.travel(datetime(2120, 1, 1, tzinfo=UTC), tick=False):
        retention_run()
    assert Entry.objects.get(pk=world["welfare"].pk).title == "Barnevernsnotat"
    assert Entry.objects.get(pk=world["health"].pk).title == "slettet etter 10 år"


@pytest.mark.django_db
def test_a_legal_hold_stops_erasure_until_it_is_lifted(demo, world):
    # Given a case admin holds the closed case
    case_legal_hold_set(case_id=demo.sara_case.pk, actor=demo["admin"], reason="Klagesak.")
    with time_machine.travel(AFTER_3_YEARS, tick=False):
        # Then nothing goes
        assert retention_run() == 0
        assert entry_erase(entry_id=world["school"].pk) is False
        # until the hold is lifted
        case_legal_hold_set(case_id=demo.sara_case.pk, actor=demo["admin"], reason=None)
        retention_run()
    assert _erased(world["school"])
    assert AuditEvent.objects.filter(action="case.legal_hold_set", data={}).count() == 1
    assert AuditEvent.objects.filter(action="case.legal_hold_lifted").count() == 1


@pytest.mark.django_db
def test_only_a_case_admin_sets_a_legal_hold(demo, world):
    for username in ("helsesykepleier", "ungdomshjelper", "sara"):
        with pytest.raises(PermissionDenied):
            case_legal_hold_set(case_id=demo.sara_case.pk, actor=demo[username], reason="Nei.")
    demo.sara_case.refresh_from_db()
    assert demo.sara_case.legal_hold_since is None


@pytest.mark.django_db
def test_a_reopened_case_is_not_erased(demo, world):
    with time_machine.travel(datetime(2020, 6, 1, tzinfo=UTC), tick=False):
        case_reopen(case=demo.sara_case, actor=demo["ungdomshjelper"])
    with time_machine.travel(AFTER_3_YEARS, tick=False):
        assert retention_run() == 0


@pytest.mark.django_db
def test_the_dry_run_lists_ids_without_content_and_changes_nothing(demo, world):
    out = StringIO()
    with time_machine.travel(AFTER_3_YEARS, tick=False):
        call_command("retention", "--dry-run", stdout=out)
    listing = out.getvalue()
    school = world["school"]
    assert (
        f"entry {school.pk} on case {demo.sara_case.pk}: school, case closed 2020-03-10" in listing
    )
    assert "entries would be erased." in listing
    assert "Hemmelig" not in listing
    assert not _erased(school)
    with time_machine.travel(AFTER_3_YEARS, tick=False):
        call_command("retention", stdout=out)
    assert _erased(school)


@pytest.mark.django_db
def test_a_download_of_an_erased_file_is_a_clear_410(demo, world):
    attachment = Attachment.objects.get(entry=world["school"])
    sara = as_user(demo["sara"])
    url = f"/api/v1/attachments/{attachment.pk}/download/"
    # The file vanished after the request read the row (the erasure's commit in between)
    default_storage.delete(attachment.file.name)
    assert sara.get(url).status_code == 410
    with time_machine.travel(AFTER_3_YEARS, tick=False):
        retention_run()
    response = sara.get(url)
    assert response.status_code == 410
    assert response.json() == {"detail": "Filen ble slettet etter oppbevaringstiden."}


@pytest.mark.django_db(transaction=True)
def test_an_erasure_racing_an_open_never_errors(demo, world):
    """The open sees the content while the erasure is uncommitted and the erased text after."""
    school, sara = world["school"], demo["sara"]
    erased, proceed = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def erase() -> None:
        try:
            with time_machine.travel(AFTER_3_YEARS, tick=False), transaction.atomic():
                assert entry_erase(entry_id=school.pk)
                erased.set()
                proceed.wait(10)
        except BaseException as failure:
            failures.append(failure)
            erased.set()
        finally:
            connection.close()

    eraser = threading.Thread(target=erase)
    eraser.start()
    assert erased.wait(10)
    during = entry_open(user=sara, entry_id=school.pk, via=AccessEvent.Via.PAGE)
    proceed.set()
    eraser.join(10)
    after = entry_open(user=sara, entry_id=school.pk, via=AccessEvent.Via.PAGE)
    assert failures == []
    assert during.title == "Hemmelig skoletittel"
    assert after.title == "slettet etter 3 år"


@pytest.mark.django_db
def test_the_minutes_drafts_and_comments_of_an_erased_entry_go_with_it(demo, world):
    # Given minutes whose distributed entry is the school note (rows as the workflow leaves them)
    nurse = demo["helsesykepleier"]
    meeting = Meeting.objects.create(
        case=demo.sara_case,
        title="Startmøte",
        kind=Meeting.Kind.START,
        starts_at=CLOSED,
        place="Møterom 1",
        organiser=demo["ungdomshjelper"],
    )
    minutes = Minutes.objects.create(meeting=meeting, entry=world["school"])
    version = MinutesVersion.objects.create(
        minutes=minutes,
        number=1,
        summary="Hemmelig referat",
        decisions="Hemmelig vedtak",
        created_by=nurse,
    )
    MinutesComment.objects.create(
        minutes=minutes, version=version, author=demo["sara"], text="Hemmelig kommentar"
    )

    # When the note's time has come
    with time_machine.travel(AFTER_3_YEARS, tick=False):
        retention_run()

    # Then the drafts and comments say only that they were erased; the rows stay
    version.refresh_from_db()
    assert (version.summary, version.decisions) == ("slettet etter 3 år", "")
    assert MinutesComment.objects.get(minutes=minutes).text == "slettet etter 3 år"


@pytest.mark.django_db
def test_the_goals_steps_comments_and_evaluations_of_an_erased_plan_go_with_it(demo):
    # Given Sara's plan with a goal, a step, her comment on it and her evaluation, then closed
    sara, case = demo["sara"], demo.sara_case
    with time_machine.travel(datetime(2020, 1, 15, tzinfo=UTC), tick=False):
        goal = goal_add(case=case, actor=sara, text="Hemmelig mål")
        step = step_add(goal=goal, actor=sara, text="Hemmelig steg", owner=sara)
        step_comment_add(step=step, actor=sara, text="Hemmelig kommentar")
        goal_evaluate(goal=goal, actor=sara, score=3, words="Hemmelige ord")
    with time_machine.travel(CLOSED, tick=False):
        case_close(case=case, actor=demo["ungdomshjelper"], summary="Ferdig.")

    # When the plan's time has come (general information: three years)
    with time_machine.travel(AFTER_3_YEARS, tick=False):
        retention_run()

    # Then nothing of what Sara wrote is left; the rows stay
    goal.refresh_from_db()
    step.refresh_from_db()
    assert (goal.text, step.text) == ("slettet etter 3 år",) * 2
    assert StepComment.objects.get(step=step).text == "slettet etter 3 år"
    assert GoalEvaluation.objects.get(goal=goal).words == ""
