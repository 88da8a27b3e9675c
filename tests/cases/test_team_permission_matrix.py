"""Opening cases and invitations x every demo persona: the status each one gets (the matrix of
tests/consent/test_permission_matrix.py, for the endpoints of issue #13 items 1-2). 404 means
"not yours to see", 403 "you see it but may not do it"."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from cases.models import Participant
from cases.services import invitation_create
from coordination.demo import birth_date_for_age
from tests.consent.test_permission_matrix import (
    PERSONAS,
    matrix_statuses,
    sara_team,
    statuses,
)

pytestmark = pytest.mark.django_db

HELPERS = {"laerer", "helsesykepleier", "bup", "barnevern", "nav", "ungdomshjelper"}
JONAS_TEAM = {"jonas", "far", "barnevern", "laerer", "helsesykepleier"}


def jonas_team(status: int, **overrides: int) -> dict[str, int]:
    return {p: overrides.get(p, status if p in JONAS_TEAM else 404) for p in PERSONAS}


def build(demo) -> dict[str, object]:
    school = Participant.objects.get(case=demo.sara_case, user=demo["laerer"]).service
    invitation = invitation_create(
        case_id=demo.sara_case.pk, actor=demo["helsesykepleier"], role="helper",
        user=demo["nav"], service=school,
    )  # fmt: skip
    return {
        "sara_case": demo.sara_case.pk,
        "jonas_case": demo.jonas_case.pk,
        "invitation": invitation.pk,
        "nurse_on_sara": Participant.objects.get(
            case=demo.sara_case, user=demo["helsesykepleier"]
        ).pk,
        "barnevern": demo["barnevern"].pk,
        "bup": demo["bup"].pk,
        "school_service": str(school.pk),
        "birth_date": birth_date_for_age(15, today=date.today()).isoformat(),
    }


NEW_HELPER = {"role": "helper", "user": "{barnevern}", "service": "{school_service}"}
MATRIX = [
    (
        "post",
        "/api/v1/cases/",
        {
            "title": "Ali",
            "service": "{school_service}",
            "youth": {
                "display_name": "Ali Hassan",
                "birth_date": "{birth_date}",
                "email": "a@b.no",
            },
        },
        {p: 201 if p in HELPERS else 403 for p in PERSONAS},
    ),
    ("get", "/api/v1/cases/{sara_case}/invitations/", None, sara_team(200)),
    ("get", "/api/v1/cases/{jonas_case}/invitations/", None, jonas_team(200)),
    # Sara (16) invites anyone; her mother is a guardian: 403
    ("post", "/api/v1/cases/{sara_case}/invitations/", NEW_HELPER, sara_team(201, mor=403)),
    # Jonas (13) and his father: 403
    (
        "post",
        "/api/v1/cases/{jonas_case}/invitations/",
        NEW_HELPER | {"user": "{bup}"},
        jonas_team(201, jonas=403, far=403),
    ),
    (
        "post",
        "/api/v1/invitations/{invitation}/revoke/",
        None,
        sara_team(403, helsesykepleier=200, ungdomshjelper=200),
    ),
    ("post", "/api/v1/invitations/{invitation}/accept/", None, statuses(404, nav=200)),
    # A helper's own line (issue #19 item 3): only that helper; the rest of the team 403
    (
        "put",
        "/api/v1/participants/{nurse_on_sara}/help/",
        {"what": "Søvn og hodepine", "direct_contact": "Tirsdager 9-11"},
        sara_team(403, helsesykepleier=200),
    ),
]


def test_permission_matrix(demo):
    # One world serves every row (each request is rolled back), as in the consent matrix.
    got, expected = matrix_statuses(demo, MATRIX, build(demo))
    assert len(got) == len(MATRIX)
    assert got == expected


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, _, _ in MATRIX])
def test_anonymous_callers_get_401_everywhere(db, method, path):
    ids = {"sara_case": 1, "jonas_case": 1, "invitation": 1, "nurse_on_sara": 1}
    assert getattr(APIClient(), method)(path.format(**ids)).status_code == 401
