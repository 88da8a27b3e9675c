"""Comments and corrections: the youth comments on or corrects what they see; the author
accepts (history kept, recipients see the correction) or answers why not."""

import pytest
from django.test import Client

from cases.models import AccessEvent, Entry
from cases.services import entry_create
from consent.services import share, sharing_rule_create
from coordination.models import AuditEvent, Notification
from tests.consent.helpers import as_user
from voice.models import EntryVersion, Remark

pytestmark = pytest.mark.django_db


@pytest.fixture
def absence(demo):
    """The teacher's seeded note on Jonas' case."""
    return Entry.objects.get(case=demo.jonas_case, title="Fravær i matematikk")


def correction(demo, entry):
    return as_user(demo["jonas"]).post(
        f"/api/v1/entries/{entry.pk}/remarks/",
        {
            "kind": "correction",
            "text": "Det var to timer, ikke fire.",
            "proposed_body": "Jonas har vært borte fra to matematikktimer denne måneden.",
        },
        format="json",
    )


def test_the_teacher_accepts_and_recipients_see_the_corrected_text(demo, absence):
    # given the nurse can see the note through the share path (a standing rule by far)
    nurse = demo["helsesykepleier"]
    far = demo["far"]
    sharing_rule_create(case=demo.jonas_case, actor=far, category="school", recipient_role="helper")
    assert share(entry=absence, recipients=[nurse], actor=demo["laerer"]).status == "shared"
    # when Jonas proposes a correction and the teacher accepts it
    response = correction(demo, absence)
    assert response.status_code == 201
    remark_id = response.json()["id"]
    assert Notification.objects.filter(recipient=demo["laerer"], kind="remark_made").exists()
    accepted = as_user(demo["laerer"]).post(
        f"/api/v1/remarks/{remark_id}/accept/", {}, format="json"
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    # then the entry has the new text, the old one is kept, the nurse is told and sees it
    absence.refresh_from_db()
    assert absence.body.startswith("Jonas har vært borte fra to")
    assert EntryVersion.objects.get(entry=absence).body.startswith("Jonas har vært borte fra fire")
    assert Notification.objects.filter(recipient=nurse, kind="entry_corrected").exists()
    assert Notification.objects.filter(recipient=demo["jonas"], kind="remark_answered").exists()
    told = Notification.objects.get(recipient=nurse, kind="entry_corrected")
    assert told.target_url == f"/cases/{demo.jonas_case.pk}/entries/{absence.pk}/"
    client = Client()
    client.force_login(nurse)
    page = client.get(told.target_url).content.decode()
    assert "borte fra to" in page
    # the nurse reads the corrected text, not what Jonas wrote to the teacher nor the old text
    assert "Det var to timer, ikke fire." not in page and "borte fra fire" not in page
    # accepting twice is a conflict
    assert as_user(demo["laerer"]).post(f"/api/v1/remarks/{remark_id}/accept/").status_code == 409


def test_the_author_says_why_not(demo, absence):
    remark_id = correction(demo, absence).json()["id"]
    teacher = as_user(demo["laerer"])
    url = f"/api/v1/remarks/{remark_id}/answer/"
    assert teacher.post(url, {"answer": " "}, format="json").status_code == 400
    answered = teacher.post(url, {"answer": "Listene viser fire."}, format="json")
    assert answered.json()["status"] == "declined"
    absence.refresh_from_db()
    assert "fire" in absence.body
    assert not EntryVersion.objects.exists()


def test_only_the_author_answers_and_only_the_youth_remarks(demo, absence):
    remark_id = correction(demo, absence).json()["id"]
    # Jonas and his father see the entry but may not answer; others do not see it: 404
    assert as_user(demo["jonas"]).post(f"/api/v1/remarks/{remark_id}/accept/").status_code == 403
    assert as_user(demo["far"]).post(f"/api/v1/remarks/{remark_id}/accept/").status_code == 404
    assert (
        as_user(demo["barnevern"]).post(f"/api/v1/remarks/{remark_id}/accept/").status_code == 404
    )
    body = {"kind": "comment", "text": "Hei"}
    assert (
        as_user(demo["laerer"])
        .post(f"/api/v1/entries/{absence.pk}/remarks/", body, format="json")
        .status_code
        == 403
    )


def test_a_remark_on_an_entry_one_cannot_see_is_404_and_nothing_stored(demo):
    hidden = entry_create(
        case=demo.sara_case, author=demo["bup"], kind="note", category="mental_health",
        title="Hemmelig", body="Tekst",
    )  # fmt: skip
    for user in ("jonas", "laerer"):
        response = as_user(demo[user]).post(
            f"/api/v1/entries/{hidden.pk}/remarks/", {"kind": "comment", "text": "x"}, format="json"
        )
        assert response.status_code == 404
    assert as_user(demo["jonas"]).get(f"/api/v1/entries/{hidden.pk}/remarks/").status_code == 404
    assert not Remark.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "comment", "text": ""},
        {"kind": "comment", "text": "x" * 5_001},
        {"kind": "gossip", "text": "x"},
        {"kind": "correction", "text": "Feil"},
        {"kind": "comment", "text": "Hei", "proposed_body": "Ny tekst"},
    ],
)
def test_bad_remarks_are_refused_and_nothing_stored(demo, absence, body):
    response = as_user(demo["jonas"]).post(
        f"/api/v1/entries/{absence.pk}/remarks/", body, format="json"
    )
    assert response.status_code == 400
    assert not Remark.objects.exists()


def test_the_page_escapes_html_and_lists_in_few_queries(
    demo, absence, django_assert_max_num_queries
):
    jonas = Client()
    jonas.force_login(demo["jonas"])
    url = f"/cases/{demo.jonas_case.pk}/entries/{absence.pk}/remarks/"
    for n in range(6):
        jonas.post(url, {"kind": "comment", "text": f"<script>x{n}</script>"})
    assert Remark.objects.count() == 6
    teacher = Client()
    teacher.force_login(demo["laerer"])
    # +1 since #16: reading remarks is an open, and an open looks up its watches (one query).
    with django_assert_max_num_queries(15):
        page = teacher.get(url)
    text = page.content.decode()
    assert "&lt;script&gt;x0&lt;/script&gt;" in text and "<script>x0" not in text
    assert jonas.get(f"/cases/{demo.sara_case.pk}/entries/{absence.pk}/remarks/").status_code == 404
    # the home page links the latest entries to this page
    assert url in jonas.get("/").content.decode()


@pytest.fixture
def corrected(demo, absence):
    """The nurse receives the teacher's note; Jonas comments on it and proposes a correction; the
    teacher answers the comment and accepts the correction."""
    far, teacher = demo["far"], as_user(demo["laerer"])
    sharing_rule_create(case=demo.jonas_case, actor=far, category="school", recipient_role="helper")
    share(entry=absence, recipients=[demo["helsesykepleier"]], actor=demo["laerer"])
    comment = as_user(demo["jonas"]).post(
        f"/api/v1/entries/{absence.pk}/remarks/",
        {"kind": "comment", "text": "Jeg var hos tannlegen."},
        format="json",
    )
    teacher.post(
        f"/api/v1/remarks/{comment.json()['id']}/answer/", {"answer": "Notert."}, format="json"
    )
    remark_id = correction(demo, absence).json()["id"]
    teacher.post(f"/api/v1/remarks/{remark_id}/accept/", {"answer": "Rettet."}, format="json")
    return Remark.objects.get(pk=remark_id)


def remarks_url(demo, entry):
    return f"/cases/{demo.jonas_case.pk}/entries/{entry.pk}/remarks/"


def test_a_recipient_reads_no_remarks_and_no_earlier_text(demo, absence, corrected):
    nurse = as_user(demo["helsesykepleier"])
    # The nurse may open the corrected entry
    assert nurse.get(f"/api/v1/entries/{absence.pk}/").status_code == 200
    # but what Jonas wrote, the teacher's answers and the text corrected away are not hers
    for path in ("remarks", "versions"):
        response = nurse.get(f"/api/v1/entries/{absence.pk}/{path}/")
        assert response.status_code == 404, path
        text = response.content.decode()
        assert "Det var to timer" not in text and "borte fra fire" not in text
    client = Client()
    client.force_login(demo["helsesykepleier"])
    assert client.get(remarks_url(demo, absence)).status_code == 404
    # nor may she answer a remark she cannot read
    assert nurse.post(f"/api/v1/remarks/{corrected.pk}/answer/", {"answer": "x"}).status_code == 404


def test_the_youth_shows_a_correction_and_reads_are_logged(demo, absence, corrected):
    jonas, nurse = as_user(demo["jonas"]), as_user(demo["helsesykepleier"])
    # Only Jonas chooses: the teacher who wrote the entry may not, the nurse sees nothing
    show = f"/api/v1/remarks/{corrected.pk}/show/"
    assert as_user(demo["laerer"]).post(show, {"shown": True}, format="json").status_code == 403
    assert nurse.post(show, {"shown": True}, format="json").status_code == 404
    assert jonas.post(show, {"shown": "kanskje"}, format="json").status_code == 400
    # When Jonas shows his correction to everyone who can read the note
    response = jonas.post(show, {"shown": True}, format="json")
    assert response.status_code == 200 and response.json()["shown_to_recipients"] is True
    assert AuditEvent.objects.filter(action="remark.shown", object_id=str(corrected.pk)).exists()
    # Then the nurse reads that correction, its answer and the text it replaced; not the comment
    remarks = nurse.get(f"/api/v1/entries/{absence.pk}/remarks/").json()["results"]
    assert [(r["text"], r["answer"]) for r in remarks] == [
        ("Det var to timer, ikke fire.", "Rettet.")
    ]
    versions = nurse.get(f"/api/v1/entries/{absence.pk}/versions/").json()["results"]
    assert [v["body"][:30] for v in versions] == ["Jonas har vært borte fra fire "]
    client = Client()
    client.force_login(demo["helsesykepleier"])
    page = client.get(remarks_url(demo, absence)).content.decode()
    assert "Det var to timer, ikke fire." in page and "tannlegen" not in page
    # and every read is an open in the access log
    vias = set(
        AccessEvent.objects.filter(entry=absence, user=demo["helsesykepleier"]).values_list(
            "via", flat=True
        )
    )
    assert {"remarks", "versions"} <= vias
    # When Jonas hides it again, it is the nurse's 404 again
    assert jonas.post(show, {"shown": False}, format="json").status_code == 200
    assert AuditEvent.objects.filter(action="remark.hidden").exists()
    assert nurse.get(f"/api/v1/entries/{absence.pk}/remarks/").status_code == 404


def test_the_youth_shows_it_from_the_page(demo, absence, corrected):
    client = Client()
    client.force_login(demo["jonas"])
    page = client.get(remarks_url(demo, absence)).content.decode()
    assert "Vis det til alle som kan lese dette" in page
    # Not an id: the one parser's 400 (coordination.parsing.posted_id), never a 500.
    for bad in ("", "x", "²", "9" * 30):
        response = client.post(remarks_url(demo, absence), {"action": "show", "remark": bad})
        assert response.status_code == 400, bad
    client.post(remarks_url(demo, absence), {"action": "show", "remark": corrected.pk})
    corrected.refresh_from_db()
    assert corrected.shown_to_recipients
    assert AccessEvent.objects.filter(entry=absence, user=demo["jonas"], via="remarks").exists()
