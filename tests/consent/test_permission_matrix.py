"""Every endpoint of cases and consent x every demo persona: the status each one gets.

The world: Sara's health note (by the nurse) shared with the teacher by Sara's consent, with an
attachment; a pending request to Sara (note -> BUP) and one to Jonas' father (note -> teacher);
Sara's seeded standing rules. 404 means "not yours to see", 403 "you see it but may not do it".
"""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from cases.models import Participant
from cases.services import attachment_add
from consent.models import SharingRule
from consent.services import (
    block_create,
    case_close,
    consent_request_approve,
    consent_request_opinion,
    participant_remove,
    reading_first_set,
    share,
)
from tests.factories import login_with_second_factor

from .helpers import as_user, write_entry

pytestmark = pytest.mark.django_db

PERSONAS = [
    "sara", "jonas", "mor", "far", "laerer", "helsesykepleier", "bup", "barnevern", "nav",
    "ungdomshjelper", "admin",
]  # fmt: skip
SARA_TEAM = {"sara", "mor", "laerer", "helsesykepleier", "bup", "ungdomshjelper"}
PDF = b"%PDF-1.4\n%%EOF\n"


@dataclass
class World:
    ids: dict[str, int | str]


def build(demo) -> World:
    nurse = demo["helsesykepleier"]
    note = write_entry(demo.sara_case, nurse)
    request = share(entry=note, recipients=[demo["laerer"]], actor=nurse).consent_request
    disclosure = consent_request_approve(
        consent_request=request, actor=demo["sara"]
    ).disclosures.get()
    attachment = attachment_add(
        entry=note, uploaded_by=nurse, upload=SimpleUploadedFile("a.pdf", PDF, "application/pdf")
    )
    other = write_entry(demo.sara_case, nurse, title="Til BUP")
    sara_request = share(entry=other, recipients=[demo["bup"]], actor=nurse).consent_request
    jonas_note = write_entry(demo.jonas_case, nurse)
    jonas_request = share(
        entry=jonas_note, recipients=[demo["laerer"]], actor=nurse
    ).consent_request
    # Sara reads first: a school note shared to the teacher under her rule waits for her
    reading_first_set(case_id=demo.sara_case.pk, actor=demo["sara"], on=True)
    waiting = write_entry(demo.sara_case, nurse, category="school", title="Venter")
    (held,) = share(entry=waiting, recipients=[demo["laerer"]], actor=nurse).held
    # Jonas' father blocked child welfare on Jonas' case
    block = block_create(case_id=demo.jonas_case.pk, actor=demo["far"], user=demo["barnevern"])
    return World(
        ids={
            "block": block.pk,
            "sara_case": demo.sara_case.pk,
            "jonas_case": demo.jonas_case.pk,
            "note": note.pk,
            "disclosure": disclosure.pk,
            "attachment": attachment.pk,
            "sara_request": sara_request.pk,
            "jonas_request": jonas_request.pk,
            "rule": SharingRule.objects.get(case=demo.sara_case, category="school").pk,
            "bup_participant": Participant.objects.get(case=demo.sara_case, user=demo["bup"]).pk,
            "waiting": waiting.pk,
            "held": held.pk,
            "nav": demo["nav"].pk,
            "far": demo["far"].pk,
            "laerer": demo["laerer"].pk,
            "bup": demo["bup"].pk,
            "school_service": str(
                Participant.objects.get(case=demo.sara_case, user=demo["laerer"]).service_id
            ),
        }
    )


def statuses(default: int, **overrides: int) -> dict[str, int]:
    return {persona: overrides.get(persona, default) for persona in PERSONAS}


def sara_team(status: int, **overrides: int) -> dict[str, int]:
    return {p: overrides.get(p, status if p in SARA_TEAM else 404) for p in PERSONAS}


# (method, path template, body, expected status per persona)
MATRIX = [
    # Everyone ends their own credentials; nobody anyone else's (there is no id to name).
    ("post", "/api/v1/auth/logout/", None, statuses(204)),
    ("get", "/api/v1/cases/", None, statuses(200)),
    ("get", "/api/v1/cases/{sara_case}/", None, sara_team(200)),
    ("get", "/api/v1/cases/{sara_case}/participants/", None, sara_team(200)),
    (
        "post",
        "/api/v1/cases/{sara_case}/participants/",
        {"user": "{nav}", "role": "helper", "service": "{school_service}"},
        sara_team(403, ungdomshjelper=201),  # admin (a superuser) puts nobody on a case: 404
    ),
    (
        # Jonas' father is nobody's guardian but Jonas': no one can make him Sara's (#11 item 5).
        "post",
        "/api/v1/cases/{sara_case}/participants/",
        {"user": "{far}", "role": "guardian"},
        sara_team(403, ungdomshjelper=400),
    ),
    ("get", "/api/v1/cases/{sara_case}/entries/", None, sara_team(200)),
    (
        "post",
        "/api/v1/cases/{sara_case}/entries/",
        {"kind": "note", "category": "general", "title": "Hei"},
        sara_team(201),
    ),
    (
        "get",
        "/api/v1/entries/{note}/",
        None,
        statuses(404, sara=200, helsesykepleier=200, laerer=200),
    ),
    (
        "post",
        "/api/v1/entries/{note}/share/",
        {"recipients": ["{bup}"], "purpose": "Behandling."},
        statuses(404, helsesykepleier=202, sara=403, laerer=403),
    ),
    (
        "get",
        "/api/v1/attachments/{attachment}/download/",
        None,
        statuses(404, sara=200, helsesykepleier=200, laerer=200),
    ),
    ("get", "/api/v1/consent-requests/", None, statuses(200)),
    (
        "get",
        "/api/v1/consent-requests/{sara_request}/",
        None,
        statuses(404, sara=200, helsesykepleier=200),
    ),
    (
        "post",
        "/api/v1/consent-requests/{sara_request}/approve/",
        None,
        statuses(404, sara=200, helsesykepleier=403),
    ),
    (
        "post",
        "/api/v1/consent-requests/{sara_request}/decline/",
        {"reason": ""},
        statuses(404, sara=200, helsesykepleier=403),
    ),
    (
        "post",
        "/api/v1/consent-requests/{jonas_request}/opinion/",
        {"opinion": "Ok"},
        statuses(404, jonas=200, far=403, helsesykepleier=403),
    ),
    (
        "get",
        "/api/v1/cases/{sara_case}/sharing-rules/",
        None,
        statuses(404, sara=200, ungdomshjelper=200),
    ),
    (
        "post",
        "/api/v1/cases/{sara_case}/sharing-rules/",
        {"category": "health", "recipient_user": "{laerer}"},
        statuses(404, sara=201, ungdomshjelper=403, mor=403),
    ),
    ("delete", "/api/v1/sharing-rules/{rule}/", None, statuses(404, sara=204, ungdomshjelper=403)),
    (
        "get",
        "/api/v1/cases/{sara_case}/who-knows-what/",
        None,
        statuses(404, sara=200, ungdomshjelper=200),
    ),
    ("get", "/api/v1/cases/{jonas_case}/who-knows-what/", None, statuses(404, jonas=200, far=200)),
    # The access log: the young person, and a guardian who decides (Sara is 16, so her mother
    # decides nothing; Jonas is 13); the ungdomshjelper and the helpers get 404 (issue #16).
    ("get", "/api/v1/cases/{sara_case}/access-log/", None, statuses(404, sara=200)),
    ("get", "/api/v1/cases/{jonas_case}/access-log/", None, statuses(404, jonas=200, far=200)),
    # Watching: the young person only; others who see the entry or the case 403, the rest 404.
    (
        "post",
        "/api/v1/entries/{note}/watch/",
        None,
        statuses(404, sara=201, helsesykepleier=403, laerer=403),
    ),
    (
        "delete",
        "/api/v1/entries/{note}/watch/",
        None,
        statuses(404, sara=204, helsesykepleier=403, laerer=403),
    ),
    ("post", "/api/v1/cases/{sara_case}/watch/health/", None, sara_team(403, sara=201)),
    ("delete", "/api/v1/cases/{sara_case}/watch/health/", None, sara_team(403, sara=204)),
    # Reading first: the setting is the young person's (the rest of her team 403); what waits
    # is listed to everyone on the team (their own part); "share it" by her only; stopping a
    # waiting share by her or the sharer (issue #16 item 6).
    ("get", "/api/v1/cases/{sara_case}/reading-first/", None, sara_team(403, sara=200)),
    ("put", "/api/v1/cases/{sara_case}/reading-first/", {"on": True}, sara_team(403, sara=200)),
    ("get", "/api/v1/cases/{sara_case}/held-shares/", None, sara_team(200)),
    (
        "post",
        "/api/v1/entries/{waiting}/held-shares/release/",
        None,
        statuses(404, sara=200, helsesykepleier=403),
    ),
    (
        "post",
        "/api/v1/held-shares/{held}/withdraw/",
        None,
        statuses(404, sara=200, helsesykepleier=200),
    ),
    (
        "post",
        "/api/v1/disclosures/{disclosure}/withdraw/",
        None,
        statuses(404, sara=200, helsesykepleier=200),
    ),
    # Blocks: the young person, and a guardian who decides (Sara is 16: not her mother);
    # everyone else 404, the blocked person too.
    ("get", "/api/v1/cases/{sara_case}/blocks/", None, statuses(404, sara=200)),
    ("get", "/api/v1/cases/{jonas_case}/blocks/", None, statuses(404, jonas=200, far=200)),
    ("post", "/api/v1/cases/{sara_case}/blocks/", {"user": "{bup}"}, statuses(404, sara=201)),
    (
        "post",
        "/api/v1/cases/{jonas_case}/blocks/",
        {"user": "{laerer}"},
        statuses(404, jonas=201, far=201),
    ),
    ("delete", "/api/v1/blocks/{block}/", None, statuses(404, jonas=204, far=204)),
    (
        "post",
        "/api/v1/participants/{bup_participant}/remove/",
        None,
        # The ungdomshjelper takes anyone off; bup may leave by themself (issue #13).
        sara_team(403, ungdomshjelper=200, bup=200),
    ),
    (
        # The ungdomshjelper or a helper on the case closes it; the youth and guardians see
        # the case but may not (403); nobody else sees it (404, the superuser included).
        "post",
        "/api/v1/cases/{sara_case}/close/",
        {"summary": "Ferdig."},
        sara_team(200, sara=403, mor=403),
    ),
    # Reopening an open case is a conflict for those who may reopen.
    ("post", "/api/v1/cases/{sara_case}/reopen/", None, sara_team(409, sara=403, mor=403)),
    (
        "post",
        "/api/v1/participants/{bup_participant}/remove/",
        {"summary": "x" * 501},
        sara_team(400),
    ),
    # Everyone reads and changes their own profile, and only their own (issue #13).
    ("get", "/api/v1/me/", None, statuses(200)),
    ("patch", "/api/v1/me/", {"language": "en"}, statuses(200)),
    ("patch", "/api/v1/me/", {"birth_date": "2000-01-01"}, statuses(400)),
]


def fill(template, ids):
    if isinstance(template, str):
        filled = template.format(**ids)
        return int(filled) if template.startswith("{") and filled.isdigit() else filled
    if isinstance(template, list):
        return [fill(item, ids) for item in template]
    if isinstance(template, dict):
        return {key: fill(value, ids) for key, value in template.items()}
    return template


def matrix_statuses(demo, matrix, ids) -> tuple[dict, dict]:
    """(got, expected): per row of `matrix`, the status each persona gets and should get."""
    got, expected = {}, {}
    for method, path, body, wanted in matrix:
        # Rows of one path differ by their body (e.g. a valid and an invalid one).
        row = f"{method} {path}" if body is None else f"{method} {path} {body}"
        expected[row], got[row] = wanted, {}
        for persona in PERSONAS:
            # Each persona acts on the same untouched world.
            with transaction.atomic():
                kwargs = {"format": "json"} if body is not None else {}
                response = getattr(as_user(demo[persona]), method)(
                    fill(path, ids), fill(body, ids), **kwargs
                )
                got[row][persona] = response.status_code
                transaction.set_rollback(True)
    return got, expected


def test_permission_matrix(demo, settings, tmp_path):
    # One world serves every row (each request is rolled back): building it for each of the 47
    # rows was most of this module's time.
    settings.MEDIA_ROOT = tmp_path
    got, expected = matrix_statuses(demo, MATRIX, build(demo).ids)
    assert len(got) == len(MATRIX)
    assert got == expected


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, _, _ in MATRIX])
def test_anonymous_callers_get_401_everywhere(db, method, path):
    ids = {key: 1 for key in ("sara_case", "jonas_case", "note", "disclosure", "attachment")}
    ids |= {key: 1 for key in ("sara_request", "jonas_request", "rule", "bup_participant")}
    ids |= {"waiting": 1, "held": 1, "block": 1}
    response = getattr(APIClient(), method)(path.format(**ids))
    assert response.status_code == 401


# The same world after the nurse left Sara's team (issue #11 item 7): she wrote the note, asked
# both of Sara's requests and granted nothing herself; Sara decides. (persona, method, path,
# body, status)
FORMER_MATRIX = [
    ("helsesykepleier", "get", "/api/v1/cases/{sara_case}/", None, 404),
    (
        "helsesykepleier",
        "post",
        "/api/v1/cases/{sara_case}/entries/",
        {"kind": "note", "category": "general", "title": "Hei"},
        404,
    ),
    ("helsesykepleier", "get", "/api/v1/entries/{note}/", None, 404),
    ("helsesykepleier", "post", "/api/v1/entries/{note}/share/", {"recipients": ["{bup}"]}, 404),
    ("helsesykepleier", "get", "/api/v1/attachments/{attachment}/download/", None, 404),
    ("helsesykepleier", "get", "/api/v1/consent-requests/{sara_request}/", None, 404),
    ("helsesykepleier", "post", "/api/v1/disclosures/{disclosure}/withdraw/", None, 404),
    ("sara", "get", "/api/v1/consent-requests/{sara_request}/", None, 200),
    ("sara", "post", "/api/v1/consent-requests/{sara_request}/approve/", None, 409),
    ("sara", "post", "/api/v1/consent-requests/{sara_request}/decline/", {"reason": ""}, 409),
    ("sara", "post", "/api/v1/disclosures/{disclosure}/withdraw/", None, 200),
    ("laerer", "get", "/api/v1/entries/{note}/", None, 200),
]


def test_permission_matrix_after_the_author_left(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build(demo)
    nurse = Participant.objects.get(case=demo.sara_case, user=demo["helsesykepleier"])
    participant_remove(participant=nurse, actor=demo["ungdomshjelper"])
    got, expected = {}, {}
    for persona, method, path, body, status in FORMER_MATRIX:
        with transaction.atomic():
            kwargs = {"format": "json"} if body is not None else {}
            response = getattr(as_user(demo[persona]), method)(
                fill(path, world.ids), fill(body, world.ids), **kwargs
            )
            got[(persona, method, path)] = response.status_code
            expected[(persona, method, path)] = status
            transaction.set_rollback(True)
    assert got == expected


# The same world after a helper closed Sara's case (issue #13 item 5): the youth still reads
# everything, the author what she wrote, the teacher's disclosure has ended. Writes: see
# tests/cases/test_closed_case_writes.py. (persona, method, path, body, status)
CLOSED_MATRIX = [
    ("sara", "get", "/api/v1/entries/{note}/", None, 200),
    ("sara", "get", "/api/v1/attachments/{attachment}/download/", None, 200),
    ("sara", "get", "/api/v1/cases/{sara_case}/who-knows-what/", None, 200),
    ("helsesykepleier", "get", "/api/v1/entries/{note}/", None, 200),
    ("laerer", "get", "/api/v1/entries/{note}/", None, 404),
    ("laerer", "get", "/api/v1/attachments/{attachment}/download/", None, 404),
    ("mor", "get", "/api/v1/cases/{sara_case}/", None, 200),
    ("nav", "get", "/api/v1/cases/{sara_case}/", None, 404),
    ("bup", "post", "/api/v1/cases/{sara_case}/close/", {"summary": "Igjen."}, 409),
    ("sara", "post", "/api/v1/cases/{sara_case}/reopen/", None, 403),
    ("mor", "post", "/api/v1/cases/{sara_case}/reopen/", None, 403),
    ("nav", "post", "/api/v1/cases/{sara_case}/reopen/", None, 404),
    ("admin", "post", "/api/v1/cases/{sara_case}/reopen/", None, 404),
    ("laerer", "post", "/api/v1/cases/{sara_case}/reopen/", None, 200),
    ("ungdomshjelper", "post", "/api/v1/cases/{sara_case}/reopen/", None, 200),
]


def test_permission_matrix_after_the_case_closed(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build(demo)
    case_close(case=demo.sara_case, actor=demo["bup"], summary="Ferdig.")
    got, expected = {}, {}
    for persona, method, path, body, status in CLOSED_MATRIX:
        with transaction.atomic():
            kwargs = {"format": "json"} if body is not None else {}
            response = getattr(as_user(demo[persona]), method)(
                fill(path, world.ids), fill(body, world.ids), **kwargs
            )
            got[(persona, method, path)] = response.status_code
            expected[(persona, method, path)] = status
            transaction.set_rollback(True)
    assert got == expected


OPINION = "Greit at læreren vet det."


def test_youth_opinion_matrix_page_and_api_agree(demo):
    # Given Jonas' view on the nurse's request to share with the teacher (his father decides)
    nurse = demo["helsesykepleier"]
    note = write_entry(demo.jonas_case, nurse)
    request = share(entry=note, recipients=[demo["laerer"]], actor=nurse).consent_request
    consent_request_opinion(consent_request=request, actor=demo["jonas"], opinion=OPINION)
    # When each persona opens the request page and the API
    got = {}
    for persona in PERSONAS:
        page_client = Client()
        # `admin` is staff: past his second factor, as he would be
        login_with_second_factor(page_client, demo[persona])
        page = page_client.get(f"/consent/requests/{request.pk}/")
        api = as_user(demo[persona]).get(f"/api/v1/consent-requests/{request.pk}/")
        assert page.status_code == api.status_code, persona
        if api.status_code == 404:
            got[persona] = 404
            continue
        in_page = OPINION in page.content.decode()
        assert in_page == (api.json()["youth_opinion"] == OPINION), persona
        got[persona] = "sees" if in_page else "hidden"
    # Then the youth and the decider see it; the helper who asked does not; others get 404
    assert got == statuses(404, jonas="sees", far="sees", helsesykepleier="hidden")
