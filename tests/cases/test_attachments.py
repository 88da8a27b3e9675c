"""Attachments: type and size checked, stored under MEDIA_ROOT, downloaded only by people who
may see the entry, and every download logged."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import AccessEvent, Attachment
from consent.services import share

from ..consent.helpers import as_user, write_entry

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, entry, name, content, content_type="application/pdf"):
    return client.post(
        f"/api/v1/entries/{entry.pk}/attachments/",
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
        format="multipart",
    )


def test_upload_and_download_by_someone_who_may_see_it(demo, settings):
    entry = write_entry(demo.sara_case, demo["helsesykepleier"], category="school")
    nurse = as_user(demo["helsesykepleier"])
    response = upload(nurse, entry, "plan.pdf", PDF)
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF)
    path = attachment.file.path
    assert path.startswith(str(settings.MEDIA_ROOT)) and "plan" not in path.rsplit("/", 1)[-1]
    download = response.json()["download"]

    # The teacher cannot download until it is shared with him; then he can, and it is logged
    teacher = as_user(demo["laerer"])
    assert teacher.get(download).status_code == 404
    share(entry=entry, recipients=[demo["laerer"]], actor=demo["helsesykepleier"])
    response = teacher.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith('attachment; filename="plan.pdf"')
    assert response["Cache-Control"] == "private, no-store"
    assert AccessEvent.objects.filter(
        entry=entry, user=demo["laerer"], via="attachment", attachment=attachment
    ).exists()
    # Entry detail lists the attachment
    assert (
        as_user(demo["sara"]).get(f"/api/v1/entries/{entry.pk}/").json()["attachments"][0]["name"]
        == "plan.pdf"
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.exe", b"MZ\x90\x00"),
        ("fake.pdf", b"<html>not a pdf</html>"),
        ("bilde.png", PDF),  # content and name disagree
        ("binary.txt", b"\x00\x01\x02"),
    ],
)
def test_wrong_types_are_refused(demo, name, content):
    entry = write_entry(demo.sara_case, demo["helsesykepleier"])
    response = upload(as_user(demo["helsesykepleier"]), entry, name, content)
    assert response.status_code == 400
    assert "file" in response.json()
    assert not Attachment.objects.exists()


def test_too_large_is_refused(demo, settings):
    settings.SAMMEN_ATTACHMENT_MAX_BYTES = 100
    entry = write_entry(demo.sara_case, demo["helsesykepleier"])
    response = upload(as_user(demo["helsesykepleier"]), entry, "stor.pdf", PDF + b" " * 200)
    assert response.status_code == 400
    assert not Attachment.objects.exists()


def test_only_the_author_attaches(demo):
    entry = write_entry(demo.sara_case, demo["helsesykepleier"])
    assert upload(as_user(demo["sara"]), entry, "a.pdf", PDF).status_code == 403
    assert upload(as_user(demo["laerer"]), entry, "a.pdf", PDF).status_code == 404


def test_plain_text_is_accepted(demo):
    entry = write_entry(demo.sara_case, demo["helsesykepleier"])
    response = upload(
        as_user(demo["helsesykepleier"]), entry, "notat.txt", "Hei på deg".encode(), "text/plain"
    )
    assert response.status_code == 201
    assert Attachment.objects.get().content_type == "text/plain"


def test_a_file_with_nul_bytes_is_accepted(demo):
    # Binary files are full of NULs: the NUL check (coordination.middleware) skips uploaded files.
    entry = write_entry(demo.sara_case, demo["helsesykepleier"])
    content = PDF.replace(b"trailer", b"stream\x00\x00\xff\x00endstream\ntrailer")
    response = upload(as_user(demo["helsesykepleier"]), entry, "scan.pdf", content)
    assert response.status_code == 201, response.content
    assert Attachment.objects.get().size == len(content)
