"""Staff are not on cases (#11 item 6): no staff status, group or superuser puts anyone on a
case or reads case content; nobody reads another person's API token; what staff change about a
person (password, birth date, admin rights) is written to the audit chain."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.forms import CheckboxInput, MultiWidget
from django.test import Client

from cases.models import Entry, Participant
from coordination import notifications as coordination_notifications
from coordination.demo import MUNICIPAL_ADMINS
from coordination.models import AuditEvent, Notification
from coordination.services import api_token_for
from tests.consent.helpers import as_user
from tests.factories import login_with_second_factor

pytestmark = pytest.mark.django_db


def page_client(user) -> Client:
    """Logged in as `user`, past the second factor staff give after their password."""
    client = Client()
    login_with_second_factor(client, user)
    return client


def admin_form_data(client: Client, url: str) -> dict:
    """What the admin's change form would post back unchanged."""
    form = client.get(url).context["adminform"].form
    data: dict = {}
    for field in form:
        value = field.value()
        widget = field.field.widget
        if isinstance(widget, MultiWidget):
            for index, part in enumerate(widget.decompress(value)):
                data[f"{field.html_name}_{index}"] = "" if part is None else part
        elif isinstance(widget, CheckboxInput):
            if value:
                data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(item) for item in value]
        else:
            data[field.html_name] = "" if value is None else value
    return data


def test_a_superuser_cannot_add_themself_to_a_case_or_read_it(demo):
    # Given the demo superuser, on no case
    admin, case = demo["admin"], demo.sara_case
    assert admin.is_superuser
    team_before = Participant.objects.filter(case=case).count()
    api = as_user(admin)
    # When he adds himself to Sara's case over the API
    response = api.post(
        f"/api/v1/cases/{case.pk}/participants/",
        {"user": admin.pk, "role": "ungdomshjelper"},
        format="json",
    )
    # Then the case does not exist for him, and nothing changed
    assert response.status_code == 404
    assert Participant.objects.filter(case=case).count() == team_before
    bup = Participant.objects.get(case=case, user=demo["bup"])
    assert api.post(f"/api/v1/participants/{bup.pk}/remove/").status_code == 404
    # Nor is there a page for it: the admin has no participants to add
    pages = page_client(admin)
    assert pages.get("/admin/cases/participant/add/").status_code == 404
    assert pages.get(f"/cases/{case.pk}/").status_code == 404
    # He opens no entry and sees no who-knows-what
    entry = Entry.objects.filter(case=case).first()
    assert api.get(f"/api/v1/entries/{entry.pk}/").status_code == 404
    assert pages.get(f"/cases/{case.pk}/entries/{entry.pk}/").status_code == 404
    assert api.get(f"/api/v1/cases/{case.pk}/who-knows-what/").status_code == 404
    assert pages.get(f"/cases/{case.pk}/who-knows-what/").status_code == 404


def test_nobody_lists_api_tokens_in_the_admin(demo):
    # Given Sara has an API token
    api_token_for(user=demo["sara"])
    pages = page_client(demo["admin"])
    # Then the superuser finds no token admin to read it from, nor knox's, which would make
    # a token for anyone and show it
    for path in ("/admin/knox/authtoken/", "/admin/knox/authtoken/add/", "/admin/knox/"):
        assert pages.get(path).status_code == 404
    index = pages.get("/admin/").content.decode()
    assert "authtoken" not in index
    assert "knox" not in index


@pytest.fixture
def staff(demo):
    """Municipal staff who may change users in the admin, not a superuser."""
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    member = UserFactory(is_staff=True)
    member.groups.add(Group.objects.get(name=MUNICIPAL_ADMINS))
    member.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="coordination", codename__in=["view_user", "change_user"]
        )
    )
    return member


def test_a_birth_date_change_needs_a_reason_is_audited_and_told(demo, staff):
    jonas = demo["jonas"]
    url = f"/admin/coordination/user/{jonas.pk}/change/"
    pages = page_client(staff)
    data = admin_form_data(pages, url)
    old_birth_date = jonas.birth_date
    # Making 13-year-old Jonas 16 would move consent from his father to him
    data["birth_date"] = (old_birth_date - datetime.timedelta(days=3 * 366)).isoformat()
    # Without a reason: refused, nothing saved
    assert pages.post(url, data).status_code == 200
    jonas.refresh_from_db()
    assert jonas.birth_date == old_birth_date
    assert not AuditEvent.objects.filter(action="user.birth_date_changed").exists()
    # With a reason: saved, audited (the reason and ids; no dates), Jonas told
    data["birth_date_reason"] = "Feil i Folkeregisteret, rettet 1. mars."
    assert pages.post(url, data).status_code == 302
    jonas.refresh_from_db()
    assert jonas.birth_date != old_birth_date
    event = AuditEvent.objects.get(action="user.birth_date_changed")
    assert event.actor == staff and event.object_id == str(jonas.pk)
    assert event.data == {"reason": "Feil i Folkeregisteret, rettet 1. mars."}
    assert Notification.objects.filter(
        recipient=jonas, kind=coordination_notifications.BIRTH_DATE_CHANGED.key
    ).exists()
    # Saving again without changing the date needs no reason and records nothing
    data.pop("birth_date_reason")
    data["birth_date"] = jonas.birth_date.isoformat()
    assert pages.post(url, data).status_code == 302
    assert AuditEvent.objects.filter(action="user.birth_date_changed").count() == 1


def test_admin_rights_changes_are_audited(demo, staff):
    nav = demo["nav"]
    url = f"/admin/coordination/user/{nav.pk}/change/"
    pages = page_client(demo["admin"])
    data = admin_form_data(pages, url)
    group = Group.objects.get(name=MUNICIPAL_ADMINS)
    data["is_staff"] = "on"
    data["groups"] = [str(group.pk)]
    assert pages.post(url, data).status_code == 302
    event = AuditEvent.objects.get(action="user.permissions_changed")
    assert event.actor == demo["admin"] and event.object_id == str(nav.pk)
    assert event.data["changed"] == ["groups", "is_staff"]
    assert event.data["groups"] == [group.pk] and event.data["is_staff"] is True


def test_group_permission_changes_are_audited(demo):
    from django.contrib.auth.models import Permission

    group = Group.objects.get(name=MUNICIPAL_ADMINS)
    url = f"/admin/auth/group/{group.pk}/change/"
    pages = page_client(demo["admin"])
    data = admin_form_data(pages, url)
    extra = Permission.objects.get(content_type__app_label="coordination", codename="change_user")
    data["permissions"] = [*data["permissions"], str(extra.pk)]
    assert pages.post(url, data).status_code == 302
    event = AuditEvent.objects.get(action="group.permissions_changed")
    assert event.actor == demo["admin"] and event.object_id == str(group.pk)
    assert extra.pk in event.data["permissions"]


def test_a_password_set_by_staff_is_audited_without_the_password(demo):
    sara = demo["sara"]
    pages = page_client(demo["admin"])
    url = f"/admin/coordination/user/{sara.pk}/password/"
    # A mismatch saves nothing and records nothing
    pages.post(
        url, {"password1": "Et-nytt-passord-91", "password2": "annet", "usable_password": "true"}
    )
    assert not AuditEvent.objects.filter(action="user.password_set").exists()
    response = pages.post(
        url,
        {
            "password1": "Et-nytt-passord-91",
            "password2": "Et-nytt-passord-91",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.password_set")
    assert event.actor == demo["admin"] and event.object_id == str(sara.pk)
    assert "Et-nytt-passord-91" not in str(event.data) and event.data == {"usable": True}
    # A nonsense id is a 404, not an error
    assert pages.get("/admin/coordination/user/abc/password/").status_code == 404
