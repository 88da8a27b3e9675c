"""seed_demo creates the personas of docs/architecture.md §10, idempotently."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from coordination.demo import CATALOGUE_EDITORS, birth_date_for_age
from coordination.models import User

pytestmark = pytest.mark.django_db

PERSONAS = {
    "sara",
    "jonas",
    "mor",
    "far",
    "laerer",
    "helsesykepleier",
    "bup",
    "barnevern",
    "nav",
    "helsestasjon",
    "ungdomshjelper",
    "admin",
}


def age_on(birth_date, today):
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )


def test_seed_demo_creates_every_persona_with_the_demo_password(settings):
    settings.SAMMEN_DEMO_PASSWORD = "demo"
    call_command("seed_demo", stdout=io.StringIO())
    users = {u.username: u for u in User.objects.all()}
    assert set(users) >= PERSONAS
    assert all(users[name].check_password("demo") for name in PERSONAS)
    today = timezone.localdate()
    assert age_on(users["sara"].birth_date, today) == 16
    assert age_on(users["jonas"].birth_date, today) == 13
    assert users["admin"].is_superuser
    assert users["admin"].groups.filter(name=CATALOGUE_EDITORS).exists()
    assert not users["nav"].is_staff


def test_seed_demo_twice_changes_nothing(settings):
    settings.SAMMEN_DEMO_PASSWORD = "demo"
    call_command("seed_demo", stdout=io.StringIO())
    first = list(User.objects.order_by("id").values_list("id", "username", "birth_date"))
    call_command("seed_demo", stdout=io.StringIO())
    assert list(User.objects.order_by("id").values_list("id", "username", "birth_date")) == first


@pytest.mark.parametrize("today_str", ["2024-02-29", "2026-01-01", "2026-12-31"])
def test_birth_dates_give_the_right_age_on_any_day(today_str):
    from datetime import date

    today = date.fromisoformat(today_str)
    for age in (12, 13, 15, 16, 17):
        assert age_on(birth_date_for_age(age, today=today), today) == age
