"""A helper's own line (issue #19 item 3): what they help with and how to reach them directly,
written by that helper alone, shown on the team page, the youth's home and in the participants
API. Every refusal: someone off the case 404, anyone but that helper 403 (persona by persona in
tests/cases/test_team_permission_matrix.py), a closed case 409, bad text 400 with nothing
saved."""

import pytest

from cases.models import HELP_CONTACT_MAX_CHARS, HELP_WHAT_MAX_CHARS, Participant
from consent.services import case_close, participant_remove
from coordination.models import AuditEvent
from tests.consent.helpers import as_user
from tests.factories import page_client

pytestmark = pytest.mark.django_db

LINE = {"what": "Jeg hjelper deg med søvn og hodepine.", "direct_contact": "Ring meg på 900 00 000"}


def _nurse(demo) -> Participant:
    return Participant.objects.get(case=demo.sara_case, user=demo["helsesykepleier"])


def _put(user, participant_id, body):
    return as_user(user).put(f"/api/v1/participants/{participant_id}/help/", body, format="json")


def test_the_helper_says_what_they_help_with_and_the_team_reads_it_in_the_api(demo):
    # Given the school nurse on Sara's case
    nurse = _nurse(demo)
    # When she writes her line (spaces around it are not kept)
    response = _put(demo["helsesykepleier"], nurse.pk, {**LINE, "what": f"  {LINE['what']} "})
    # Then it is saved and shown in the participants API to Sara
    assert response.status_code == 200, response.content
    assert response.json()["help"] == LINE
    team = as_user(demo["sara"]).get(f"/api/v1/cases/{demo.sara_case.pk}/participants/").json()
    assert next(p for p in team if p["id"] == nurse.pk)["help"] == LINE
    # and the audit names the fields, never the words
    event = AuditEvent.objects.filter(action="participant.help_set").get()
    assert event.data == {"what": True, "direct_contact": True}
    assert "søvn" not in str(event.data)


def test_both_empty_clears_the_line(demo):
    nurse = _nurse(demo)
    _put(demo["helsesykepleier"], nurse.pk, LINE)
    response = _put(demo["helsesykepleier"], nurse.pk, {"what": "", "direct_contact": " "})
    assert response.status_code == 200
    nurse.refresh_from_db()
    assert (nurse.help_what, nurse.help_direct_contact) == ("", "")


def test_the_youth_and_guardians_have_no_help_line(demo):
    for persona, case in (("sara", demo.sara_case), ("mor", demo.sara_case)):
        own = Participant.objects.get(case=case, user=demo[persona])
        assert _put(demo[persona], own.pk, LINE).status_code == 403
        own.refresh_from_db()
        assert own.help_what == ""


def test_no_such_participation_is_404(demo):
    assert _put(demo["helsesykepleier"], 999_999, LINE).status_code == 404


def test_someone_who_left_cannot_change_their_old_line(demo):
    # Given the nurse left Sara's case
    nurse = _nurse(demo)
    participant_remove(participant=nurse, actor=demo["helsesykepleier"])
    # Then her old participation is not hers to change any more (she is off the case: 404)
    assert _put(demo["helsesykepleier"], nurse.pk, LINE).status_code == 404


def test_a_closed_case_refuses_the_line(demo):
    case_close(case=demo.sara_case, actor=demo["ungdomshjelper"], summary="Ferdig")
    response = _put(demo["helsesykepleier"], _nurse(demo).pk, LINE)
    assert response.status_code == 409
    assert _put(demo["far"], _nurse(demo).pk, LINE).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"what": "x" * (HELP_WHAT_MAX_CHARS + 1), "direct_contact": ""}, "what"),
        ({"what": "", "direct_contact": "9" * (HELP_CONTACT_MAX_CHARS + 1)}, "direct_contact"),
        ({"what": "Første linje\nandre linje", "direct_contact": ""}, "what"),
        ({"what": "a\tb", "direct_contact": ""}, "what"),
        ({"what": "a\u2028b", "direct_contact": ""}, "what"),
        ({"what": "ok"}, "direct_contact"),
        ({"what": ["a"], "direct_contact": ""}, "what"),
        ({"what": None, "direct_contact": ""}, "what"),
    ],
)
def test_bad_text_is_a_400_naming_the_field_and_saves_nothing(demo, body, field):
    nurse = _nurse(demo)
    response = _put(demo["helsesykepleier"], nurse.pk, body)
    assert response.status_code == 400
    assert field in response.json()
    nurse.refresh_from_db()
    assert nurse.help_what == "" and nurse.help_direct_contact == ""


def test_a_pasted_number_with_non_breaking_spaces_is_one_line(demo):
    body = {"what": "Søvn 😴", "direct_contact": "900\u00a000\u202f000"}
    response = _put(demo["helsesykepleier"], _nurse(demo).pk, body)
    assert response.status_code == 200 and response.json()["help"] == body


def test_the_limits_themselves_are_allowed(demo):
    body = {"what": "x" * HELP_WHAT_MAX_CHARS, "direct_contact": "9" * HELP_CONTACT_MAX_CHARS}
    assert _put(demo["helsesykepleier"], _nurse(demo).pk, body).status_code == 200


def test_the_team_page_form_saves_the_line_and_the_youth_home_shows_it(demo):
    # Given the nurse on her team page
    client = page_client(demo["helsesykepleier"])
    page = client.get(f"/cases/{demo.sara_case.pk}/team/").content.decode()
    assert 'name="action" value="help"' in page
    # When she saves her line
    response = client.post(
        f"/cases/{demo.sara_case.pk}/team/", {"action": "help", **LINE}, follow=True
    )
    # Then the team page shows it, Sara's home shows it, escaped as plain text
    assert LINE["what"] in response.content.decode()
    home = page_client(demo["sara"]).get("/").content.decode()
    assert LINE["what"] in home and LINE["direct_contact"] in home
    team = page_client(demo["bup"]).get(f"/cases/{demo.sara_case.pk}/team/").content.decode()
    assert LINE["direct_contact"] in team


def test_the_page_shows_a_too_long_line_on_the_field_and_saves_nothing(demo):
    client = page_client(demo["helsesykepleier"])
    response = client.post(
        f"/cases/{demo.sara_case.pk}/team/",
        {"action": "help", "what": "x" * (HELP_WHAT_MAX_CHARS + 1), "direct_contact": ""},
    )
    assert response.status_code == 400
    assert 'id="id_what-error"' in response.content.decode()
    assert _nurse(demo).help_what == ""


def test_the_youth_has_no_form_and_her_post_changes_nothing(demo):
    client = page_client(demo["sara"])
    page = client.get(f"/cases/{demo.sara_case.pk}/team/").content.decode()
    assert 'name="action" value="help"' not in page
    response = client.post(f"/cases/{demo.sara_case.pk}/team/", {"action": "help", **LINE})
    assert response.status_code == 302
    assert not Participant.objects.filter(case=demo.sara_case).exclude(help_what="").exists()


def test_html_in_the_line_is_shown_as_text(demo):
    _put(demo["helsesykepleier"], _nurse(demo).pk, {"what": "<b>hei</b>", "direct_contact": ""})
    home = page_client(demo["sara"]).get("/").content.decode()
    assert "&lt;b&gt;hei&lt;/b&gt;" in home and "<b>hei</b>" not in home
