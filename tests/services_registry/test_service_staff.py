"""Service staff (issue #15 item 1): who works at a service and who of them receives its
referrals. Catalogue editors set it in the admin; the public page says only that the service
takes referrals in Sammen, never who."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from coordination.demo import CATALOGUE_EDITORS
from services_registry.apps import DEMO_INTAKE
from services_registry.models import ServiceStaff
from services_registry.selectors import intake_staff
from services_registry.services import service_staff_set
from tests.factories import ServiceFactory, UserFactory, login_with_second_factor
from tests.services_registry.test_admin import form_data

pytestmark = pytest.mark.django_db

TAKES_REFERRALS = "Tar imot henvisninger i Sammen."


def page(client, service) -> str:
    url = reverse("services_registry:service-detail", args=[service.pk])
    return client.get(url).content.decode()


def test_the_page_says_a_service_takes_referrals_without_naming_anyone(client):
    service = ServiceFactory(name="BUP Fjordvik")
    intake = UserFactory(username="inntak", display_name="Ida Inntak")
    service_staff_set(service=service, user=intake, receives_referrals=True)

    body = page(client, service)

    assert TAKES_REFERRALS in body
    assert "Ida Inntak" not in body and "inntak" not in body


def test_staff_who_do_not_receive_referrals_or_cannot_sign_in_are_no_intake(client):
    service = ServiceFactory()
    colleague = UserFactory()
    service_staff_set(service=service, user=colleague, receives_referrals=False)
    departed = UserFactory(is_active=False)
    service_staff_set(service=service, user=departed, receives_referrals=True)

    assert TAKES_REFERRALS not in page(client, service)
    assert not intake_staff(service_id=service.pk).exists()

    service_staff_set(service=service, user=colleague, receives_referrals=True)
    assert list(intake_staff(service_id=service.pk).values_list("user", flat=True)) == [
        colleague.pk
    ]
    assert TAKES_REFERRALS in page(client, service)


def test_the_page_says_it_in_english_too(client):
    service = ServiceFactory()
    service_staff_set(service=service, user=UserFactory(), receives_referrals=True)
    client.cookies["django_language"] = "en"
    assert "Takes referrals in Sammen." in page(client, service)


@pytest.mark.parametrize("staff_count", [1, 5])
def test_the_service_page_costs_the_same_queries_however_many_staff(
    client, staff_count, django_assert_max_num_queries
):
    service = ServiceFactory()
    for _ in range(staff_count):
        service_staff_set(service=service, user=UserFactory(), receives_referrals=True)
    # The intake is an EXISTS in the service's own query: no query per staff member.
    with django_assert_max_num_queries(8) as captured:
        page(client, service)
    assert sum("servicestaff" in q["sql"] for q in captured.captured_queries) == 1


def test_staff_are_in_no_export_and_no_public_api(client, tmp_path):
    service = ServiceFactory(name="BUP Fjordvik")
    intake = UserFactory(username="inntaksperson", display_name="Ida Inntak")
    service_staff_set(service=service, user=intake, receives_referrals=True)

    path = tmp_path / "export.json"
    call_command("export_hsds", str(path), stdout=io.StringIO())
    hsds_api = client.get(f"/api/v1/hsds/services/{service.pk}/").content.decode()
    finder_api = client.get("/api/v1/services/", {"q": "BUP"}).content.decode()

    assert "BUP Fjordvik" in finder_api and "BUP Fjordvik" in hsds_api
    for published in (path.read_text(encoding="utf-8"), hsds_api, finder_api):
        assert "inntaksperson" not in published and "Ida Inntak" not in published


def test_setting_staff_again_changes_nothing(client):
    service = ServiceFactory()
    user = UserFactory()
    service_staff_set(service=service, user=user, receives_referrals=True)
    service_staff_set(service=service, user=user, receives_referrals=True)
    assert ServiceStaff.objects.get(service=service, user=user).history.count() == 1


def test_an_editor_adds_intake_staff_in_the_admin_and_history_keeps_it(client):
    editor = UserFactory(username="redaktor", is_staff=True)
    editor.groups.add(Group.objects.get(name=CATALOGUE_EDITORS))
    service = ServiceFactory()
    intake = UserFactory(username="inntak")
    UserFactory(username="sluttet", is_active=False)
    login_with_second_factor(client, editor)
    url = reverse("admin:services_registry_service_change", args=[service.pk])

    form_page = client.get(url)
    staff_formset = next(
        f.formset
        for f in form_page.context["inline_admin_formsets"]
        if f.formset.model is ServiceStaff
    )
    choices = {str(label) for _value, label in staff_formset.empty_form.fields["user"].choices}
    assert "inntak" in " ".join(choices) and "sluttet" not in " ".join(choices)

    data = form_data(form_page)
    prefix = staff_formset.prefix
    data |= {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-0-user": str(intake.pk),
        f"{prefix}-0-receives_referrals": "on",
        f"{prefix}-0-service": str(service.pk),
    }
    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    staff = ServiceStaff.objects.get(service=service)
    assert (staff.user, staff.receives_referrals) == (intake, True)
    assert staff.history.latest().history_user == editor


def test_staff_outside_the_editors_group_cannot_add_staff(client):
    service = ServiceFactory()
    intake = UserFactory()
    staff = UserFactory(is_staff=True)
    login_with_second_factor(client, staff)
    url = reverse("admin:services_registry_service_change", args=[service.pk])
    response = client.post(
        url,
        {
            "staff-TOTAL_FORMS": "1",
            "staff-INITIAL_FORMS": "0",
            "staff-0-user": str(intake.pk),
            "staff-0-receives_referrals": "on",
        },
    )
    assert response.status_code == 403
    assert not ServiceStaff.objects.exists()


def test_the_demo_intake_workers_receive_their_services_referrals(settings):
    settings.SAMMEN_DEMO_PASSWORD = "demo"
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    intake = {
        (s.user.username, s.service.name)
        for s in ServiceStaff.objects.filter(receives_referrals=True).select_related(
            "user", "service"
        )
    }
    assert intake == {
        ("bup", "BUP Fjordvik (barne- og ungdomspsykiatrisk poliklinikk)"),
        ("nav", "NAV ungdomsveileder"),
        ("helsestasjon", "Helsestasjon for ungdom"),
    }
    assert len(DEMO_INTAKE) == ServiceStaff.history.count()
