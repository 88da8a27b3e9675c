"""'My sharing rules': plain words, add and remove through the consent services, who may."""

import pytest
from django.test import Client

from cases.services import entry_create
from consent.models import SharingRule
from consent.services import share
from tests.consent.helpers import as_user

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def rules_url(case):
    return f"/cases/{case.pk}/sharing-rules/"


def test_sara_sees_her_rules_in_plain_words(demo, django_assert_max_num_queries):
    # given Sara's seeded rules, when she opens the page
    sara = client_for(demo["sara"])
    # session, user, case, team, rules, unread badge, session save
    with django_assert_max_num_queries(10):
        page = sara.get(rules_url(demo.sara_case))
    # then each rule reads as a sentence, with a button to remove it
    assert page.status_code == 200
    text = page.content.decode()
    assert "Alle hjelperne dine kan se det som handler om skole." in text
    assert "Nora Bakken kan se det som handler om generelle ting i saken din." in text
    assert text.count("Fjern") >= 2


def test_sara_removes_the_school_rule_and_the_teacher_loses_access_at_once(demo):
    # given a school entry shared with the teacher under Sara's school rule
    teacher = demo["laerer"]
    entry = entry_create(
        case=demo.sara_case, author=demo["helsesykepleier"], kind="note", category="school",
        title="Lekser", body="Tekst",
    )  # fmt: skip
    assert share(entry=entry, recipients=[teacher], actor=demo["helsesykepleier"]).status == (
        "shared"
    )
    assert as_user(teacher).get(f"/api/v1/entries/{entry.pk}/").status_code == 200
    rule = SharingRule.objects.get(case=demo.sara_case, category="school", ended_at=None)
    # when Sara removes the rule on the page
    response = client_for(demo["sara"]).post(f"/sharing-rules/{rule.pk}/remove/", follow=True)
    # then the teacher gets 404 at once and is told; the page says so
    assert "Regelen er fjernet" in response.content.decode()
    assert as_user(teacher).get(f"/api/v1/entries/{entry.pk}/").status_code == 404
    assert teacher.notifications.filter(kind="disclosure_withdrawn").exists()


def test_sara_adds_a_rule(demo):
    sara = client_for(demo["sara"])
    response = sara.post(
        rules_url(demo.sara_case),
        {"category": "health", "recipient": f"user:{demo['helsesykepleier'].pk}"},
        follow=True,
    )
    assert "Kari Nordmann kan se det som handler om helsen din." in response.content.decode()
    assert SharingRule.objects.filter(
        case=demo.sara_case, category="health", recipient_user=demo["helsesykepleier"]
    ).exists()


def test_bad_rule_input_stores_nothing(demo):
    before = SharingRule.objects.count()
    response = client_for(demo["sara"]).post(
        rules_url(demo.sara_case), {"category": "horoscope", "recipient": "user:nobody"}
    )
    assert response.status_code == 400
    assert SharingRule.objects.count() == before


def test_guardian_of_a_16_year_old_gets_403_with_an_explanation(demo):
    # given Sara is 16: her mother is on the case but does not decide
    mother = client_for(demo["mor"])
    page = mother.get(rules_url(demo.sara_case))
    assert page.status_code == 403
    assert "gammel nok til å bestemme" in page.content.decode()
    response = mother.post(
        rules_url(demo.sara_case), {"category": "health", "recipient": "role:helper"}
    )
    assert response.status_code == 403
    assert not SharingRule.objects.filter(case=demo.sara_case, category="health").exists()


def test_someone_elses_case_is_404(demo):
    # a helper sees the case but not its rules; Jonas and strangers not even the case
    assert client_for(demo["laerer"]).get(rules_url(demo.sara_case)).status_code == 404
    assert client_for(demo["jonas"]).get(rules_url(demo.sara_case)).status_code == 404
    assert client_for(demo["nav"]).get(rules_url(demo.sara_case)).status_code == 404
    rule = SharingRule.objects.filter(case=demo.sara_case).first()
    assert client_for(demo["jonas"]).post(f"/sharing-rules/{rule.pk}/remove/").status_code == 404


def test_jonas_sees_who_decides_and_his_father_adds(demo):
    # Jonas (13) may look but his father decides
    page = client_for(demo["jonas"]).get(rules_url(demo.jonas_case)).content.decode()
    assert "Legg til regelen" not in page
    assert "Foreldrene eller de foresatte dine bestemmer" in page
    response = client_for(demo["far"]).post(
        rules_url(demo.jonas_case), {"category": "school", "recipient": "role:helper"}
    )
    assert response.status_code == 302
    assert SharingRule.objects.filter(case=demo.jonas_case, category="school").exists()
