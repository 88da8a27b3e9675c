"""Standing rules that share by themselves (issue #19 item 7): a new entry in the category of an
automatic rule reaches the rule's recipients through the share path when it is saved, in the
same transaction, and the author is told with whom; nothing else changes for other rules."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from cases.models import Participant
from consent.models import Disclosure, SharingRule
from consent.services import (
    case_close,
    entry_share_automatically,
    sharing_rule_create,
    sharing_rule_end,
)
from coordination.models import AuditEvent, Notification
from tests.factories import page_client

from .helpers import as_user, write_entry

pytestmark = pytest.mark.django_db


def automatic_health_rule(demo, *, until=None) -> SharingRule:
    """Sara: health -> the teacher, shared automatically."""
    return sharing_rule_create(
        case=demo.sara_case,
        actor=demo["sara"],
        category="health",
        recipient_user=demo["laerer"],
        until=until,
        automatic=True,
    )


def test_the_rule_api_takes_automatic_and_defaults_to_false(demo):
    sara = as_user(demo["sara"])
    url = f"/api/v1/cases/{demo.sara_case.pk}/sharing-rules/"
    plain = sara.post(url, {"category": "health", "recipient_user": demo["bup"].pk}, format="json")
    assert plain.status_code == 201, plain.content
    assert plain.json()["automatic"] is False
    automatic = sara.post(
        url,
        {"category": "family", "recipient_user": demo["bup"].pk, "automatic": True},
        format="json",
    )
    assert automatic.status_code == 201, automatic.content
    assert automatic.json()["automatic"] is True
    assert SharingRule.objects.get(pk=automatic.json()["id"]).automatic
    listed = {r["category"]: r["automatic"] for r in sara.get(url).json()["results"]}
    assert listed["family"] is True and listed["school"] is False
    bad = sara.post(
        url,
        {"category": "police", "recipient_user": demo["bup"].pk, "automatic": "maybe"},
        format="json",
    )
    assert bad.status_code == 400 and "automatic" in bad.json()
    assert not SharingRule.objects.filter(category="police").exists()


def test_a_new_note_reaches_the_rule_s_recipient_without_a_click(demo):
    # Given Sara's automatic rule health -> the teacher
    nurse, teacher = demo["helsesykepleier"], demo["laerer"]
    rule = automatic_health_rule(demo)
    # When the nurse writes a health note through the API
    response = as_user(nurse).post(
        f"/api/v1/cases/{demo.sara_case.pk}/entries/",
        {"kind": "note", "category": "health", "title": "Søvn", "body": "Tekst."},
        format="json",
    )
    # Then the teacher can open it at once, under the rule, and was told
    assert response.status_code == 201, response.content
    entry_id = response.json()["id"]
    assert as_user(teacher).get(f"/api/v1/entries/{entry_id}/").status_code == 200
    (disclosure,) = Disclosure.objects.filter(entry_id=entry_id)
    assert (disclosure.recipient, disclosure.basis, disclosure.rule, disclosure.automatic) == (
        teacher,
        "agreement",
        rule,
        True,
    )
    assert Notification.objects.filter(recipient=teacher, kind="entry_received").exists()
    assert Notification.objects.filter(recipient=demo["sara"], kind="entry_shared").exists()
    assert AuditEvent.objects.filter(action="entry.shared", data__automatic=True).count() == 1
    # And the author sees with whom, in the create response and when reading it
    (note,) = response.json()["notes"]
    assert note["kind"] == "shared_automatically"
    assert [p["id"] for p in note["people"]] == [teacher.pk]
    assert teacher.name in note["text"]
    again = as_user(nurse).get(f"/api/v1/entries/{entry_id}/").json()
    assert again["notes"] == response.json()["notes"]
    # Nobody else reads the author's line
    assert as_user(teacher).get(f"/api/v1/entries/{entry_id}/").json()["notes"] == []
    assert as_user(demo["sara"]).get(f"/api/v1/entries/{entry_id}/").json()["notes"] == []


def test_the_author_sees_it_on_the_entry_page_in_plain_words(demo):
    nurse, teacher = demo["helsesykepleier"], demo["laerer"]
    automatic_health_rule(demo)
    client = page_client(nurse)
    response = client.post(
        f"/cases/{demo.sara_case.pk}/",
        {"kind": "note", "category": "health", "title": "Søvn", "body": "Tekst."},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Delt automatisk med {teacher.name}." in page
    assert "Bare du og ungdommen kan se det" not in page


def test_other_rules_and_the_youth_s_own_entries_share_nothing_by_themselves(demo):
    sara, nurse = demo["sara"], demo["helsesykepleier"]
    automatic_health_rule(demo)
    # Sara's seeded school rule is not automatic: a school note stays with its author
    school = write_entry(demo.sara_case, nurse, category="school")
    assert not Disclosure.objects.filter(entry=school).exists()
    # What Sara writes herself is hers to share
    own = write_entry(demo.sara_case, sara, category="health")
    assert not Disclosure.objects.filter(entry=own).exists()
    # A workflow's entry (a message) is shared by its workflow only
    message = write_entry(demo.sara_case, nurse, category="health", kind="message")
    assert not Disclosure.objects.filter(entry=message).exists()


def test_an_ended_or_expired_rule_shares_nothing(demo):
    nurse = demo["helsesykepleier"]
    rule = automatic_health_rule(demo)
    sharing_rule_end(rule=rule, actor=demo["sara"])
    assert not Disclosure.objects.filter(entry=write_entry(demo.sara_case, nurse)).exists()
    automatic_health_rule(demo, until=timezone.localdate() + timedelta(days=3))
    with time_machine.travel(timezone.now() + timedelta(days=5)):
        late = write_entry(demo.sara_case, nurse)
    assert not Disclosure.objects.filter(entry=late).exists()


def test_ending_the_automatic_rule_ends_what_it_shared(demo):
    # The seeded school -> helpers rule also covers the teacher: the automatic share still
    # belongs to the automatic rule, so ending that rule ends it.
    teacher = demo["laerer"]
    rule = sharing_rule_create(
        case=demo.sara_case,
        actor=demo["sara"],
        category="school",
        recipient_user=teacher,
        automatic=True,
    )
    note = write_entry(demo.sara_case, demo["helsesykepleier"], category="school")
    assert Disclosure.objects.get(entry=note).rule == rule
    sharing_rule_end(rule=rule, actor=demo["sara"])
    assert as_user(teacher).get(f"/api/v1/entries/{note.pk}/").status_code == 404


def test_a_role_rule_reaches_every_helper_but_the_author_and_runs_once(demo):
    sara, nurse = demo["sara"], demo["helsesykepleier"]
    sharing_rule_create(
        case=demo.sara_case,
        actor=sara,
        category="family",
        recipient_role=Participant.Role.HELPER,
        automatic=True,
    )
    note = write_entry(demo.sara_case, nurse, category="family")
    helpers = set(
        Participant.objects.active()
        .filter(case=demo.sara_case, role=Participant.Role.HELPER)
        .exclude(user=nurse)
        .values_list("user_id", flat=True)
    )
    assert (
        helpers
        and set(Disclosure.objects.filter(entry=note).values_list("recipient_id", flat=True))
        == helpers
    )
    # Idempotent: a second run finds everyone seeing it already
    assert entry_share_automatically(entry=note) is None
    assert Disclosure.objects.filter(entry=note).count() == len(helpers)


def test_a_closed_case_takes_no_entry_so_nothing_is_shared(demo):
    automatic_health_rule(demo)
    case_close(case=demo.sara_case, actor=demo["ungdomshjelper"], summary="Ferdig.")
    response = as_user(demo["helsesykepleier"]).post(
        f"/api/v1/cases/{demo.sara_case.pk}/entries/",
        {"kind": "note", "category": "health", "title": "Søvn", "body": ""},
        format="json",
    )
    assert response.status_code == 409
    assert not Disclosure.objects.exists()


def test_the_rules_page_offers_automatic_in_plain_words(demo):
    client = page_client(demo["sara"])
    url = f"/cases/{demo.sara_case.pk}/sharing-rules/"
    response = client.post(
        url,
        {
            "category": "health",
            "recipient": f"user:{demo['laerer'].pk}",
            "automatic": "on",
            "ends": "never",
        },
        follow=True,
    )
    assert response.status_code == 200
    rule = SharingRule.objects.get(category="health")
    assert rule.automatic
    page = response.content.decode()
    assert "Nye ting deles automatisk med dem." in page
    client.post(
        url, {"category": "family", "recipient": f"user:{demo['laerer'].pk}", "ends": "never"}
    )
    assert SharingRule.objects.get(category="family").automatic is False
