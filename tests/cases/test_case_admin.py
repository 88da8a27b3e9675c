"""Issue #12 item 1: "case admin" is one predicate (cases.selectors.is_case_admin, on the one
constant CASE_ADMIN_PERMISSION) for the review page, the API and the service; it reviews
withholdings and gives nothing else."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from cases.models import CASE_ADMIN_CODENAME, Entry
from cases.permissions import CASE_ADMIN_PERMISSION
from cases.selectors import is_case_admin
from cases.services import entry_withhold
from coordination.models import User
from tests.consent.helpers import as_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REASON = "Pasient- og brukerrettighetsloven § 3-4."


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("admin", [True, False])
def test_the_review_page_the_api_and_the_service_agree_on_who_is_a_case_admin(demo, admin):
    absence = Entry.objects.get(case=demo.jonas_case, title="Fravær i matematikk")
    withholding = entry_withhold(entry_id=absence.pk, actor=demo["laerer"], reason=REASON)
    # Given someone on no case, with or without the one case-admin permission
    person = UserFactory()
    if admin:
        person.user_permissions.add(
            Permission.objects.get(content_type__app_label="cases", codename=CASE_ADMIN_CODENAME)
        )
    person = User.objects.get(pk=person.pk)  # a fresh permission cache
    assert f"cases.{CASE_ADMIN_CODENAME}" == CASE_ADMIN_PERMISSION
    assert is_case_admin(user=person) is admin
    # Then the review page opens and the API ends the withholding for the admin only
    assert client_for(person).get("/cases/withheld/").status_code == (200 if admin else 404)
    ended = as_user(person).post(f"/api/v1/withholdings/{withholding.pk}/end/")
    assert ended.status_code == (200 if admin else 404)
    withholding.refresh_from_db()
    assert (withholding.ended_by_id == person.pk) is admin
    # And being a case admin opens no case, no team and no entry
    case = demo.jonas_case
    assert client_for(person).get(f"/cases/{case.pk}/").status_code == 404
    assert as_user(person).get(f"/api/v1/cases/{case.pk}/participants/").status_code == 404
    assert as_user(person).get(f"/api/v1/entries/{absence.pk}/").status_code == 404
