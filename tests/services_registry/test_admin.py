"""Catalogue editors (a group with model permissions, not superusers) maintain the catalogue in
the admin; every change is in the history, can be reverted, and shows in the HSDS export."""

import io
import json
from datetime import timedelta

import pytest
import time_machine
from django import forms
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from coordination.demo import CATALOGUE_EDITORS
from services_registry.models import Service
from services_registry.selectors import review_cutoff
from tests.factories import ServiceFactory, UserFactory, login_with_second_factor
from tests.search_columns import service_writes

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    user = UserFactory(username="redaktor", is_staff=True)
    user.groups.add(Group.objects.get(name=CATALOGUE_EDITORS))
    return user


def form_data(response):
    """What a browser would post back from an admin change form, unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    for inline in response.context.get("inline_admin_formsets", []):
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{inline.formset.prefix}-{name}"] = management[name].value()
    return data


def test_the_editors_group_has_the_catalogue_model_permissions():
    group = Group.objects.get(name=CATALOGUE_EDITORS)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_service", "change_service", "delete_service", "view_schedule"} <= codenames
    assert "view_servicedueforreview" in codenames
    assert not any(code.endswith("historicalservice") for code in codenames)


def test_an_editor_edits_a_service_and_it_shows_in_history_and_export(client, editor, tmp_path):
    service = ServiceFactory(name="Helsestasjon for ungdom", minimum_age=13, maximum_age=23)
    login_with_second_factor(client, editor)
    url = reverse("admin:services_registry_service_change", args=[service.pk])

    # When the editor renames the service in the admin
    data = form_data(client.get(url))
    data["name"] = "Helsestasjon for ungdom (HFU)"
    inserted, updated = service_writes()
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    # written once, its search columns with it
    assert service_writes() == (inserted, updated + 1)

    # Then history says who changed what, and the finder and export see the new name.
    service.refresh_from_db()
    latest = service.history.latest()
    assert latest.history_user == editor
    assert latest.diff_against(latest.prev_record).changed_fields == ["name"]
    history_page = client.get(reverse("admin:services_registry_service_history", args=[service.pk]))
    assert "Helsestasjon for ungdom (HFU)" in history_page.content.decode()
    assert "hfu" in service.search_words

    path = tmp_path / "export.json"
    call_command("export_hsds", str(path), stdout=io.StringIO())
    exported = json.loads(path.read_text(encoding="utf-8"))
    names = [s["name"] for o in exported["organizations"] for s in o.get("services", [])]
    assert "Helsestasjon for ungdom (HFU)" in names


def test_an_editor_reverts_a_change_from_history(client, editor):
    service = ServiceFactory(name="Gammelt navn")
    first = service.history.earliest()
    service.name = "Nytt navn"
    service.save()
    login_with_second_factor(client, editor)

    url = reverse(
        "admin:services_registry_service_simple_history", args=[service.pk, first.history_id]
    )
    response = client.post(url, form_data(client.get(url)))

    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Gammelt navn"
    assert service.history.count() == 3
    assert "gammelt" in service.search_words


def test_staff_outside_the_editors_group_cannot_change_the_catalogue(client):
    staff = UserFactory(username="ansatt", is_staff=True)
    service = ServiceFactory()
    login_with_second_factor(client, staff)
    url = reverse("admin:services_registry_service_change", args=[service.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "x"}).status_code == 403


# The 1st of a month once made the "stale" service fall on the cutoff day itself (a test that
# failed one day a month); the days below pin that edge and the short-month one.
@pytest.mark.parametrize(
    "now", ["2026-12-01T09:00:00+01:00", "2026-08-31T09:00:00+02:00", "2027-03-15T09:00:00+01:00"]
)
def test_the_review_list_shows_services_not_reviewed_for_six_months(client, editor, now):
    with time_machine.travel(now):
        today = timezone.localdate()
        cutoff = review_cutoff(today)
        fresh = ServiceFactory(name="Fersk", assured_date=today)
        on_cutoff = ServiceFactory(name="Akkurat", assured_date=cutoff)
        stale = ServiceFactory(name="Gammel", assured_date=cutoff - timedelta(days=1))
        never = ServiceFactory(name="Aldri", assured_date=None)
        login_with_second_factor(client, editor)

        response = client.get(reverse("admin:services_registry_servicedueforreview_changelist"))

        listed = {s.pk for s in response.context["cl"].result_list}
        assert listed == {stale.pk, never.pk}
        assert fresh.pk not in listed and on_cutoff.pk not in listed

        # The filter on the service list agrees.
        response = client.get(
            reverse("admin:services_registry_service_changelist") + "?review=overdue"
        )
        assert {s.pk for s in response.context["cl"].result_list} == {stale.pk, never.pk}


def test_mark_reviewed_stamps_today(client, editor):
    service = ServiceFactory(assured_date=None)
    login_with_second_factor(client, editor)
    client.post(
        reverse("admin:services_registry_service_changelist"),
        {"action": "mark_reviewed", "_selected_action": [str(service.pk)]},
    )
    assert Service.objects.get(pk=service.pk).assured_date == timezone.localdate()
