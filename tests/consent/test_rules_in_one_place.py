"""Issue #12 item 1: each consent rule is one function that the pages, the API, the home page and
the SQL all use; each test covers both sides of the rule's boundary."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from cases.models import Entry, Participant
from consent.models import ConsentRequest
from consent.policy import age_on, born_by, consent_authority
from consent.selectors import youth_decides_q
from consent.services import share
from coordination.models import User
from tests.factories import CaseFactory, ParticipantFactory, UserFactory

from .helpers import as_user, write_entry

pytestmark = pytest.mark.django_db


def born_years_ago(years: int, *, plus_days: int = 0) -> date:
    """Turns `years` today (plus_days=0), or in `plus_days` days."""
    return born_by(today=timezone.localdate(), years=years) + timedelta(days=plus_days)


def case_with_guardian(birth_date: date):
    youth = UserFactory(birth_date=birth_date)
    case = CaseFactory(youth=youth)
    guardian = ParticipantFactory(case=case, role=Participant.Role.GUARDIAN, service=None).user
    helper = ParticipantFactory(case=case).user
    return case, guardian, helper


def page(user, path: str):
    client = Client()
    client.force_login(user)
    return client.get(path)


# -- who-knows-what: the link on the case page and the page itself, one rule ------------------


@pytest.mark.parametrize(
    ("birth_date", "guardian_sees"),
    [
        (born_years_ago(16, plus_days=1), True),  # 15, 16 tomorrow: guardians decide
        (born_years_ago(16), False),  # 16 today: the youth decides every category
    ],
)
def test_the_guardian_sees_the_who_knows_what_link_exactly_when_they_may_open_it(
    birth_date, guardian_sees
):
    case, guardian, _helper = case_with_guardian(birth_date)
    overview = f"/cases/{case.pk}/who-knows-what/"

    case_page = page(guardian, f"/cases/{case.pk}/")
    opened = page(guardian, overview)
    api = as_user(guardian).get(f"/api/v1/cases/{case.pk}/who-knows-what/")

    assert case_page.status_code == 200
    assert (overview in case_page.content.decode()) is guardian_sees
    assert opened.status_code == (200 if guardian_sees else 404)
    assert api.status_code == (200 if guardian_sees else 404)


def test_the_youth_and_the_ungdomshjelper_see_the_link_and_a_helper_does_not():
    case, _guardian, helper = case_with_guardian(born_years_ago(16))
    coordinator = ParticipantFactory(
        case=case, role=Participant.Role.UNGDOMSHJELPER, service=None
    ).user
    overview = f"/cases/{case.pk}/who-knows-what/"
    for user, sees in ((case.youth, True), (coordinator, True), (helper, False)):
        assert (overview in page(user, f"/cases/{case.pk}/").content.decode()) is sees
        assert page(user, overview).status_code == (200 if sees else 404)


# -- who answers a consent request: stored as a decider AND deciding today --------------------


def asked_of_the_guardian(*, birth_known: bool = True):
    """A request about a 15-year-old's health note (or one of unknown age): the guardian is
    stored as the decider."""
    case, guardian, helper = case_with_guardian(born_years_ago(16, plus_days=10))
    if not birth_known:  # guardians decide, as for a child
        User.objects.filter(pk=case.youth_id).update(birth_date=None)
        case.youth.refresh_from_db()
    entry = write_entry(case, helper, category=Entry.Category.HEALTH)
    recipient = ParticipantFactory(case=case).user
    request = share(entry=entry, recipients=[recipient], actor=helper).consent_request
    assert list(request.deciders.all()) == [guardian]
    return case, guardian, request


def decider_views(user, request: ConsentRequest) -> dict[str, bool]:
    """Every place that tells `user` they decide: request page, list, home page."""
    detail = page(user, f"/consent/requests/{request.pk}/").content.decode()
    listed = page(user, "/consent/requests/").content.decode()
    home = page(user, "/").content.decode()
    return {
        "page offers yes/no": 'value="approve"' in detail,
        "list says you decide": "you decide" in listed or "du bestemmer" in listed,
        "home asks for an answer": f"/consent/requests/{request.pk}/" in home,
    }


@pytest.mark.parametrize("birth_known", [True, False])
def test_a_stored_guardian_decides_while_the_youth_is_under_the_age(birth_known):
    _case, guardian, request = asked_of_the_guardian(birth_known=birth_known)
    assert all(decider_views(guardian, request).values())
    response = as_user(guardian).post(f"/api/v1/consent-requests/{request.pk}/approve/")
    assert response.status_code == 200


def test_a_stored_guardian_no_longer_decides_once_the_youth_is_old_enough():
    # Given a request stored with the guardian as decider; then the youth turns 16 (here: the
    # registered birth date is corrected)
    case, guardian, request = asked_of_the_guardian()
    User.objects.filter(pk=case.youth_id).update(birth_date=born_years_ago(16))
    # Then no page offers the guardian the decision, and the service refuses it
    assert not any(decider_views(guardian, request).values())
    response = as_user(guardian).post(f"/api/v1/consent-requests/{request.pk}/approve/")
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == ConsentRequest.Status.PENDING


def test_a_stored_guardian_reads_the_youths_view_only_while_they_decide():
    # Given a request the 15-year-old gave their view on, with the guardian as stored decider
    case, guardian, request = asked_of_the_guardian()
    request.youth_opinion = "Helst ikke"
    request.save(update_fields=["youth_opinion"])
    path = f"/api/v1/consent-requests/{request.pk}/"
    assert as_user(guardian).get(path).json()["youth_opinion"] == "Helst ikke"
    assert "Helst ikke" in page(guardian, f"/consent/requests/{request.pk}/").content.decode()
    # When the youth decides for themself (the birth date is corrected to 16)
    User.objects.filter(pk=case.youth_id).update(birth_date=born_years_ago(16))
    # Then the guardian no longer reads it, on the page or in the API
    assert as_user(guardian).get(path).json().get("youth_opinion") in (None, "")
    assert "Helst ikke" not in page(guardian, f"/consent/requests/{request.pk}/").content.decode()


def test_a_stored_guardian_who_left_the_team_no_longer_decides_on_any_page():
    case, guardian, request = asked_of_the_guardian()
    Participant.objects.filter(case=case, user=guardian).update(left=timezone.now())
    assert page(guardian, f"/consent/requests/{request.pk}/").status_code == 404
    assert f"/consent/requests/{request.pk}/" not in page(guardian, "/").content.decode()


# -- the consent ages: the policy and its SQL draw the line on the same day --------------------


@given(
    birth=st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)),
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
    years=st.integers(min_value=0, max_value=20),
)
def test_born_by_is_the_age_boundary(birth, today, years):
    assert (age_on(birth, today) >= years) is (birth <= born_by(today=today, years=years))


@pytest.mark.parametrize(
    "today", [date(2026, 6, 15), date(2024, 2, 29), date(2025, 2, 28), date(2025, 3, 1)]
)
def test_the_sql_and_the_policy_agree_on_every_side_of_each_age(today):
    # Given young people born on each side of every threshold, and one with no birth date
    births = {None}
    for years in (12, 15, 16):
        edge = born_by(today=today, years=years)
        births |= {edge - timedelta(days=1), edge, edge + timedelta(days=1)}
    births |= {date(2008, 2, 29), date(2009, 2, 28), date(2009, 3, 1), date(2010, 2, 28)}
    users = {UserFactory(birth_date=birth).pk: birth for birth in births}
    for category in Entry.Category.values:
        # When the SQL twin selects those who decide themselves
        in_sql = set(
            User.objects.filter(pk__in=users)
            .filter(youth_decides_q(birth_date="birth_date", category=category, today=today))
            .values_list("pk", flat=True)
        )
        negated = set(
            User.objects.filter(pk__in=users)
            .filter(~youth_decides_q(birth_date="birth_date", category=category, today=today))
            .values_list("pk", flat=True)
        )
        # Then it is exactly whom the policy lets decide, and its negation the rest
        by_policy = {
            pk
            for pk, birth in users.items()
            if consent_authority(category=category, birth_date=birth, today=today).youth_decides
        }
        assert in_sql == by_policy, category
        assert negated == set(users) - by_policy, category
