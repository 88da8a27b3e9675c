"""Protected models keep their object permissions in direct foreign-key tables (STYLE.md):
indexed joins, and rows deleted with the object so a reused id never inherits access."""

import pytest
from django.apps import apps
from guardian.models import GroupObjectPermission, UserObjectPermission
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from cases.models import Entry
from consent.services import share

from ..consent.helpers import as_user, write_entry

# Every model whose instances are guarded by django-guardian object permissions.
PROTECTED_MODELS = [Entry]


@pytest.mark.parametrize("model", PROTECTED_MODELS)
def test_protected_model_has_direct_permission_tables(db, model):
    user_model = get_user_obj_perms_model(model)
    group_model = get_group_obj_perms_model(model)
    assert not user_model.objects.is_generic(), f"{model.__name__} lacks a direct user table"
    assert not group_model.objects.is_generic(), f"{model.__name__} lacks a direct group table"
    assert user_model._meta.get_field("content_object").related_model is model
    assert group_model._meta.get_field("content_object").related_model is model


def test_every_model_with_direct_tables_is_listed_as_protected():
    # A new direct table without the model in PROTECTED_MODELS (or the reverse) fails here.
    guarded = {
        m._meta.get_field("content_object").related_model
        for m in apps.get_models()
        if m.__module__.startswith(("cases.", "consent.", "meetings."))
        and any(f.name == "content_object" for f in m._meta.get_fields())
    }
    assert guarded == set(PROTECTED_MODELS)


def test_the_generic_tables_stay_empty_through_the_share_path(demo):
    # Given entries written, shared, opened and withdrawn
    entry = write_entry(demo.sara_case, demo["helsesykepleier"], category="school")
    disclosure = share(
        entry=entry, recipients=[demo["laerer"]], actor=demo["helsesykepleier"]
    ).disclosures[0]
    as_user(demo["laerer"]).get(f"/api/v1/entries/{entry.pk}/")
    as_user(demo["sara"]).post(f"/api/v1/disclosures/{disclosure.pk}/withdraw/")
    # Then nothing landed in guardian's generic tables
    assert not UserObjectPermission.objects.exists()
    assert not GroupObjectPermission.objects.exists()


def test_guardian_created_no_anonymous_user(db):
    from coordination.models import User

    assert not User.objects.filter(username="AnonymousUser").exists()
