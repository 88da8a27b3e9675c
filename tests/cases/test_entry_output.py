"""The entry API's answer (`GET /api/v1/entries/{id}/`, and the create answer) is built directly
by EntryOutputSerializer.to_representation for speed, and so is each entry of the entry list
(`GET /api/v1/cases/{id}/entries/`, EntrySummarySerializer); their declared fields stay the
schema. Each must give exactly what DRF gives from those fields: same keys, order, values and
bytes, for the author (with both kinds of note and an attachment), a recipient and the young
person."""

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from cases.selectors import access_entry, entries_listed
from cases.serializers import EntryOutputSerializer, EntrySummarySerializer
from cases.services import attachment_add
from consent import rule_shares
from consent.services import reading_first_set, sharing_rule_create
from tests.pages import by_its_builder

from ..consent.helpers import as_user, write_entry

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def both_ways(user, entry_id: int) -> tuple[dict, dict]:
    """(the direct answer, DRF's answer from the declared fields) for `user`."""
    entry = access_entry(user=user, entry_id=entry_id)
    serializer = EntryOutputSerializer(entry, context={"request": SimpleNamespace(user=user)})
    return serializer.data, serializers.ModelSerializer.to_representation(serializer, entry)


def test_the_direct_answer_is_what_the_declared_fields_give(demo, monkeypatch):
    sara, nurse, teacher = demo["sara"], demo["helsesykepleier"], demo["laerer"]
    # Given a note shared automatically with the teacher, with a Markdown body and a file
    sharing_rule_create(
        case=demo.sara_case, actor=sara, category="health", recipient_user=teacher, automatic=True
    )
    shared = as_user(nurse).post(
        f"/api/v1/cases/{demo.sara_case.pk}/entries/",
        {"kind": "plan", "category": "health", "title": "Søvn", "body": "**Mål**\n\n- a\n- b"},
        format="json",
    )
    assert shared.status_code == 201, shared.content
    attachment_add(
        entry=access_entry(user=nurse, entry_id=shared.json()["id"]),
        uploaded_by=nurse,
        upload=SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf"),
    )
    # And a school note whose share waits for Sara to read it first
    reading_first_set(case_id=demo.sara_case.pk, actor=sara, on=True)
    waiting = write_entry(demo.sara_case, nurse, category="school", title="Prøver")
    held = as_user(nurse).post(
        f"/api/v1/entries/{waiting.pk}/share/", {"recipients": [teacher.pk]}, format="json"
    )
    assert held.status_code == 202, held.content
    note = both_ways(nurse, waiting.pk)[0]["notes"][0]
    assert note["until"] is not None and note["people"][0]["id"] == teacher.pk
    # (Sara last: her opening the school note releases the share that waits.)
    cases = [
        (nurse, shared.json()["id"], ["shared_automatically"], 1),
        (nurse, waiting.pk, ["waiting_for_youth"], 0),
        (teacher, shared.json()["id"], [], 1),
        (sara, shared.json()["id"], [], 1),
        (sara, waiting.pk, [], 0),
    ]
    for user, entry_id, kinds, files in cases:
        # When the answer is built both ways
        direct, declared = both_ways(user, entry_id)
        # Then they are the same, key for key in the same order, down to the bytes
        assert [note["kind"] for note in declared["notes"]] == kinds
        assert len(declared["attachments"]) == files
        assert list(direct) == list(declared)
        assert direct == declared
        assert JSONRenderer().render(direct) == JSONRenderer().render(declared)
        # And the API serves the direct answer
        response = as_user(user).get(f"/api/v1/entries/{entry_id}/")
        assert response.status_code == 200
        assert response.content == JSONRenderer().render(direct)
        # And the notes' compiled reads answer what their querysets do through the ORM
        with monkeypatch.context() as patched:
            for read in ("_SHARED_AUTOMATICALLY", "_WAITING_FOR_YOUTH"):
                patched.setattr(rule_shares, read, by_its_builder(getattr(rule_shares, read)))
            assert both_ways(user, entry_id)[0] == direct


def test_each_listed_entry_is_what_the_declared_fields_give(demo):
    names = ("sara", "jonas", "helsesykepleier", "laerer", "bup", "ungdomshjelper", "far", "mor")
    listed = 0
    for case in (demo.sara_case, demo.jonas_case):
        for user in (demo[name] for name in names):
            entries = list(entries_listed(user=user, case=case)[0:100])
            # When each entry of the case the reader may see is serialized both ways
            direct = EntrySummarySerializer(entries, many=True).data
            declared = [
                serializers.ModelSerializer.to_representation(EntrySummarySerializer(), entry)
                for entry in entries
            ]
            # Then they are the same, key for key in the same order, down to the bytes
            assert [list(row) for row in direct] == [list(row) for row in declared]
            assert JSONRenderer().render(direct) == JSONRenderer().render(declared)
            # And the API lists the direct answer to those on the case
            response = as_user(user).get(f"/api/v1/cases/{case.pk}/entries/?page_size=100")
            if response.status_code == 200:
                assert response.json()["results"] == direct
                listed += len(entries)
    assert listed > 5
