"""Everything about me (issue #17 item 1): a zip of JSON and readable pages, built by Celery,
downloaded once by its owner, with nothing in it the person may not see."""

import io
import json
import threading
import time
import zipfile
from datetime import timedelta

import jsonschema
import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from cases.models import AccessEvent, Attachment, Entry
from cases.services import entry_withhold
from consent.services import consent_request_approve, share
from coordination.exports.build import SCHEMA_PATH, readable_pages
from coordination.exports.sections import ExportSection, code_words, export_sections
from coordination.exports.services import (
    export_build,
    export_request,
    exports_expired_delete,
    exports_sweep,
)
from coordination.models import AuditEvent, Export, Notification, User
from coordination.notifications import kind_for
from tests.cases.conftest import seeded
from tests.consent.helpers import as_user, write_entry
from tests.consent.test_permission_matrix import PERSONAS, statuses
from tests.factories import page_client

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Bekymringsmelding-hemmelig-tittel"
SECRET_BODY = "Hemmelig-innhold-som-aldri-skal-ut"
REASON = "Barnevernloven § 12-1: kan skade henne å lese nå."
CHOICES = {"category": code_words(Entry.Category.choices)}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def built(user) -> Export:
    """Asks for an export of `user` and builds it as the worker would."""
    export, _created = export_request(user=user)
    assert export_build(export_id=export.pk)
    export.refresh_from_db()
    return export


def zip_bytes(export: Export) -> bytes:
    with default_storage.open(export.file_name, "rb") as opened:
        return opened.read()


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}


def document(export: Export) -> dict:
    return json.loads(members(zip_bytes(export))["data/export.json"])


def assert_nowhere(data: bytes, *texts: str) -> None:
    """Not in the zip's bytes, nor in any member once unpacked (the text parts are deflated)."""
    unpacked = [data, *members(data).values()]
    for text in texts:
        for needle in (text.encode(), json.dumps(text).strip('"').encode()):
            assert not any(needle in blob for blob in unpacked), text


def test_the_youth_gets_everything_she_may_see_valid_against_the_published_schema(demo):
    sara = demo["sara"]
    export = built(sara)

    assert export.status == "ready" and export.size and export.expires_at
    data = document(export)
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(data)
    sections = data["sections"]
    assert sections["profile"][0]["username"] == "sara"
    titles = {entry["title"] for entry in sections["entries"]}
    assert {"Samtale om søvn og stress", "Tilrettelegging ved prøver"} <= titles
    assert [item["case"] for item in sections["who_knows_what"]] == [demo.sara_case.pk]
    assert [item["case"] for item in sections["access_log"]] == [demo.sara_case.pk]
    assert sections["rights"][1]["url"].endswith("/complain/")

    # Readable: an index and one page per section, in her language (bokmål)
    pages = members(zip_bytes(export))
    assert {f"{key}.html" for key in sections} | {"index.html"} <= set(pages)
    assert "Alt Sammen har om deg" in pages["index.html"].decode()
    assert "/complain/" in pages["rights.html"].decode()

    # Told, audited, and every entry in it counts as opened by her
    assert Notification.objects.filter(recipient=sara, kind="export_ready").count() == 1
    assert AuditEvent.objects.filter(action="export.ready", object_id=str(export.pk)).exists()
    assert AccessEvent.objects.filter(user=sara, via="export").count() == len(sections["entries"])


def test_the_schema_is_published(client):
    response = client.get("/api/export-schema.json")
    assert response.status_code == 200
    assert json.loads(b"".join(response.streaming_content)) == json.loads(SCHEMA_PATH.read_text())


def test_a_withheld_entry_leaves_no_trace_but_its_placeholder(demo):
    sara, teacher = demo["sara"], demo["laerer"]
    entry = write_entry(demo.sara_case, teacher, category="school", title=SECRET_TITLE)
    Entry.objects.filter(pk=entry.pk).update(body=SECRET_BODY)
    share(entry=entry, recipients=[demo["helsesykepleier"]], actor=teacher)  # a standing rule
    entry_withhold(entry_id=entry.pk, actor=teacher, reason=REASON)
    AccessEvent.objects.create(entry=entry, user=demo["helsesykepleier"], via="page")

    export = built(sara)

    data = zip_bytes(export)
    assert_nowhere(data, SECRET_TITLE, SECRET_BODY)
    sections = json.loads(members(data)["data/export.json"])["sections"]
    assert sections["withheld"] == [
        {
            "case": demo.sara_case.pk,
            "category": "school",
            "reason": REASON,
            "decided_by": teacher.name,
            "decided_at": sections["withheld"][0]["decided_at"],
        }
    ]
    assert entry.pk not in {item["id"] for item in sections["entries"]}
    assert not AccessEvent.objects.filter(user=sara, entry=entry, via="export").exists()


def test_a_guardian_gets_themself_and_only_what_they_may_see(demo):
    mother, nurse = demo["mor"], demo["helsesykepleier"]
    kept = write_entry(demo.sara_case, nurse, title=SECRET_TITLE)
    Entry.objects.filter(pk=kept.pk).update(body=SECRET_BODY)
    school = write_entry(demo.sara_case, demo["laerer"], category="school", title="Til mor")
    asked = share(entry=school, recipients=[mother], actor=demo["laerer"]).consent_request
    consent_request_approve(consent_request=asked, actor=demo["sara"])

    mother.preferred_language = "en"
    mother.save(update_fields=["preferred_language"])

    export = built(mother)

    data = zip_bytes(export)
    assert_nowhere(data, SECRET_TITLE, SECRET_BODY)
    sections = json.loads(members(data)["data/export.json"])["sections"]
    assert sections["profile"][0]["username"] == "mor"
    # In her language: the pages and the words in the JSON
    assert "Everything Sammen has about you" in members(data)["index.html"].decode()
    assert sections["notifications"]
    with translation.override("en"):
        for notification in sections["notifications"]:
            assert notification["text"] == str(kind_for(notification["kind"]).text)
    assert "Til mor" in {entry["title"] for entry in sections["entries"]}
    # Sara is 16 and decides herself: her mother sees neither who knows what nor the log
    assert sections["who_knows_what"] == [] and sections["access_log"] == []
    assert sections["withheld"] == []


def test_attachments_are_in_the_zip(demo):
    nurse = demo["helsesykepleier"]
    entry = write_entry(demo.sara_case, nurse, category="school")
    attachment = Attachment.objects.create(
        entry=entry,
        file=ContentFile(b"%PDF-1.4 innhold", name="plan.pdf"),
        original_name="plan.pdf",
        content_type="application/pdf",
        size=16,
        uploaded_by=nurse,
    )

    export = built(demo["sara"])

    pages = members(zip_bytes(export))
    path = f"files/{entry.pk}/{attachment.pk}-plan.pdf"
    assert pages[path] == b"%PDF-1.4 innhold"
    entries = json.loads(pages["data/export.json"])["sections"]["entries"]
    item = next(e for e in entries if e["id"] == entry.pk)
    assert item["attachments"][0]["file"] == path


def test_a_build_that_keeps_failing_ends_failed_and_says_so(demo, settings):
    nurse = demo["helsesykepleier"]
    entry = write_entry(demo.sara_case, nurse, category="school")
    Attachment.objects.create(
        entry=entry,
        file="attachments/missing.pdf",  # no file on disk: the build cannot read it
        original_name="x.pdf",
        content_type="application/pdf",
        size=3,
        uploaded_by=nurse,
    )
    export, _ = export_request(user=demo["sara"])
    for attempt in range(1, settings.SAMMEN_EXPORT_MAX_ATTEMPTS + 1):
        assert not export_build(export_id=export.pk)
        export.refresh_from_db()
        assert export.attempts == attempt and export.claimed_until is None
    assert export.status == "failed" and not export.file_name
    assert not Notification.objects.filter(kind="export_ready").exists()
    page = page_client(demo["sara"]).get(f"/exports/{export.pk}/")
    assert "Noe gikk galt" in page.content.decode()
    # A new request starts afresh
    again, created = export_request(user=demo["sara"])
    assert created and again.pk != export.pk


def test_the_api_starts_one_and_reports_it(demo):
    sara = as_user(demo["sara"])
    first = sara.post("/api/v1/me/export/")
    assert first.status_code == 202
    assert first.json() == {"id": first.json()["id"], "status": "pending"}
    # Asked again while it runs: the same one
    assert sara.post("/api/v1/me/export/").json() == first.json()
    url = f"/api/v1/exports/{first.json()['id']}/"
    assert sara.get(url).json() == {"id": first.json()["id"], "status": "pending", "download": None}

    export_build(export_id=first.json()["id"])
    body = sara.get(url).json()
    assert body["status"] == "ready"
    assert body["download"].endswith(f"/exports/{body['id']}/download/")


def test_someone_elses_export_is_404_everywhere(demo):
    export = built(demo["sara"])
    for persona in ("mor", "laerer", "ungdomshjelper", "admin"):
        assert as_user(demo[persona]).get(f"/api/v1/exports/{export.pk}/").status_code == 404
        client = page_client(demo[persona])
        assert client.get(f"/exports/{export.pk}/").status_code == 404
        assert client.get(f"/exports/{export.pk}/download/").status_code == 404
    assert as_user(demo["sara"]).get("/api/v1/exports/999999/").status_code == 404
    export.refresh_from_db()
    assert export.downloaded_at is None


def test_the_permission_matrix(demo):
    export = built(demo["sara"])
    got = {
        persona: as_user(demo[persona]).get(f"/api/v1/exports/{export.pk}/").status_code
        for persona in PERSONAS
    }
    assert got == statuses(404, sara=200)
    started = {
        persona: as_user(demo[persona]).post("/api/v1/me/export/").status_code
        for persona in PERSONAS
    }
    assert started == statuses(202)
    assert Export.objects.filter(status="pending").count() == len(PERSONAS)


def test_anonymous_gets_nothing(demo, api_client, client):
    export = built(demo["sara"])
    assert api_client.post("/api/v1/me/export/").status_code in (401, 403)
    assert api_client.get(f"/api/v1/exports/{export.pk}/").status_code in (401, 403)
    assert client.get(f"/exports/{export.pk}/download/").status_code == 302  # to the login


def test_the_link_works_once_then_410_and_the_file_goes(demo, django_capture_on_commit_callbacks):
    sara = demo["sara"]
    export = built(sara)
    client = page_client(sara)

    first = client.get(f"/exports/{export.pk}/download/")
    assert first.status_code == 200
    assert first["Content-Type"] == "application/zip"
    assert "no-store" in first["Cache-Control"]
    assert b"".join(first.streaming_content) == zip_bytes(export)
    assert AuditEvent.objects.filter(action="export.downloaded", actor=sara).count() == 1

    second = client.get(f"/exports/{export.pk}/download/")
    assert second.status_code == 410
    assert "Lenken virker ikke lenger" in second.content.decode()
    assert as_user(sara).get(f"/api/v1/exports/{export.pk}/").json()["download"] is None

    with django_capture_on_commit_callbacks(execute=True):
        assert exports_expired_delete() == 1
    assert exports_expired_delete() == 0  # idempotent
    export.refresh_from_db()
    assert export.file_deleted_at and not export.file_name
    assert not default_storage.exists(f"exports/{sara.pk}/export-{export.pk}.zip")


def test_an_expired_link_is_410_and_its_file_is_deleted(
    demo, settings, django_capture_on_commit_callbacks
):
    sara = demo["sara"]
    export = built(sara)
    name = export.file_name
    later = timezone.now() + timedelta(days=settings.SAMMEN_EXPORT_TTL_DAYS, minutes=1)
    with time_machine.travel(later):
        response = page_client(sara).get(f"/exports/{export.pk}/download/")
        assert response.status_code == 410
        status = page_client(sara).get(f"/exports/{export.pk}/")
        assert "ikke lenger tilgjengelig" in status.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            assert exports_expired_delete() == 1
    assert not default_storage.exists(name)
    assert AuditEvent.objects.filter(action="export.file_deleted").count() == 1


def test_the_profile_button_leads_to_the_status_page(demo):
    client = page_client(demo["sara"])
    profile = client.get("/accounts/profile/")
    assert "Last ned alt om meg" in profile.content.decode()
    response = client.post("/me/export/")
    export = Export.objects.get(user=demo["sara"])
    assert response.status_code == 302 and response["Location"] == f"/exports/{export.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and "setter den sammen" in page.content.decode()
    assert client.get("/me/export/").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_get_the_same_export(settings):
    demo = seeded(settings)
    sara = demo["sara"]
    barrier = threading.Barrier(2)
    got: list[int] = []

    def ask() -> None:
        try:
            barrier.wait()
            export, _created = export_request(user=sara)
            got.append(export.pk)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(got) == 2 and got[0] == got[1]
    assert Export.objects.filter(user=sara).count() == 1


def test_the_worker_builds_it_after_commit_and_tells_her(settings, celery_worker):
    settings.MEDIA_ROOT = settings.MEDIA_ROOT  # the worker thread reads the same settings
    demo = seeded(settings)
    response = as_user(demo["sara"]).post("/api/v1/me/export/")
    assert response.status_code == 202
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        export = Export.objects.get(pk=response.json()["id"])
        if export.status != "pending":
            break
        time.sleep(0.2)
    assert export.status == "ready"
    assert Notification.objects.filter(recipient=demo["sara"], kind="export_ready").exists()


def test_the_sweep_hands_on_a_pending_export_nobody_holds(demo, settings):
    held, _ = export_request(user=demo["sara"])
    export_request(user=demo["mor"])  # nobody holds this one
    Export.objects.filter(pk=held.pk).update(
        claimed_until=timezone.now() + timedelta(seconds=settings.SAMMEN_EXPORT_CLAIM_SECONDS)
    )
    assert exports_sweep() == 0  # both too young: the on_commit enqueue is theirs
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert exports_sweep() == 1  # the held one is left to its worker


def test_the_sections_cost_the_same_queries_for_a_few_entries_or_many(demo):
    """Entries, attachments and access events are read per person, not per entry."""
    sara, nurse = demo["sara"], demo["helsesykepleier"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            export_sections(user=sara)
        return len(captured)

    write_entry(demo.sara_case, nurse)
    few = queries()
    for n in range(10):
        entry = write_entry(demo.sara_case, nurse, title=f"Notat {n}")
        AccessEvent.objects.create(entry=entry, user=nurse, via="page")
    assert queries() == few


def test_the_readable_pages_escape_everything_and_say_times_in_words():
    person = User(username="sara", display_name="Sara <b>", preferred_language="nb")
    item = {
        "title": "<script>alert(1)</script>",
        "created": "2026-11-02T10:00:00+01:00",
        "due": "2026-03-03",
        "looks_like_a_day": "2026-13-45",
        "erased": None,
        "category": "health",
    }
    section = ExportSection("entries", "Det du kan lese", "Alt.", [item], choices=CHOICES)

    pages = dict(readable_pages(user=person, sections=[section], generated=timezone.now()))

    page = pages["entries.html"].decode()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "2. november 2026 10:00" in page and "3. mars 2026" in page and "2026-13-45" in page
    assert "<dd>helse</dd>" in page
    assert "Sara &lt;b&gt;" in pages["index.html"].decode()


def test_the_guardians_question_is_in_the_export_only_for_who_sees_it(demo):
    from meetings.demo import JONAS_TITLE
    from meetings.models import Meeting
    from meetings.services import attendance_choose

    why = "Jeg vil prøve å si det selv først."
    schema = json.loads(SCHEMA_PATH.read_text())
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    for person in ("jonas", "far"):
        data = document(built(demo[person]))
        validator.validate(data)
        (meeting,) = [m for m in data["sections"]["meetings"] if m["title"] == JONAS_TITLE]
        assert meeting["guardians"]["wish"] == "no"
        assert meeting["guardians"]["why"] == why
        assert meeting["guardians"]["come"] is None
    # The teacher, invited by the father, sees the meeting, not what Jonas said about him
    jonas_meeting = Meeting.objects.get(title=JONAS_TITLE)
    attendance_choose(meeting=jonas_meeting, actor=demo["far"], coming=[demo["laerer"].pk])
    export = built(demo["laerer"])
    data = document(export)
    (meeting,) = [m for m in data["sections"]["meetings"] if m["title"] == JONAS_TITLE]
    assert meeting["guardians"] is None
    assert_nowhere(zip_bytes(export), why)
