"""Blocks (issue #16 item 3): the young person (or the consent authority) blocks someone on the
case; the blocked person receives nothing from it through any path, the sharer gets 409
"blocked" without the reason, what they could see ends at once, a legal duty still goes through
and alerts the young person, and removing a block restores nothing."""

import pytest

from cases.models import Entry
from cases.selectors import entries_visible
from consent.models import Block, ConsentRequest, Disclosure
from consent.services import (
    ShareBlocked,
    block_create,
    block_remove,
    consent_request_approve,
    share,
    sharing_rule_create,
)
from coordination.models import Notification
from coordination.services import notification_text
from meetings.services import minutes_distribute
from tests.factories import page_client
from tests.meetings.conftest import build_team
from tests.meetings.helpers import approved_minutes
from voice.services import message_send

from .helpers import as_user, write_entry

pytestmark = pytest.mark.django_db

REASON = "Han sa noe stygt om meg"


def sees(user, entry) -> bool:
    return entries_visible(user=user, queryset=Entry.objects.filter(pk=entry.pk)).exists()


def blocks_url(case) -> str:
    return f"/api/v1/cases/{case.pk}/blocks/"


def test_the_youth_blocks_bup_and_a_share_to_bup_is_refused_without_asking_her(demo):
    # Given Sara blocks BUP through the API
    sara, nurse, bup = demo["sara"], demo["helsesykepleier"], demo["bup"]
    response = as_user(sara).post(
        blocks_url(demo.sara_case), {"user": bup.pk, "reason": REASON}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["user"]["id"] == bup.pk and body["reason"] == REASON
    assert body["created_by"]["id"] == sara.pk
    # When the nurse shares a health note with BUP
    note = write_entry(demo.sara_case, nurse)
    asked_before = Notification.objects.filter(recipient=sara, kind="consent_requested").count()
    response = as_user(nurse).post(
        f"/api/v1/entries/{note.pk}/share/", {"recipients": [bup.pk]}, format="json"
    )
    # Then 409 "blocked" naming BUP, never the reason; Sara is not asked and nothing is written
    assert response.status_code == 409
    assert response.json()["code"] == "blocked"
    assert bup.name in response.json()["detail"]
    assert REASON not in response.content.decode()
    assert not ConsentRequest.objects.filter(entry=note).exists()
    assert not Disclosure.objects.filter(entry=note).exists()
    assert (
        Notification.objects.filter(recipient=sara, kind="consent_requested").count()
        == asked_before
    )
    assert not sees(bup, note)


def test_blocking_ends_what_they_see_at_once_but_a_legal_duty_disclosure(demo):
    sara, nurse, bup = demo["sara"], demo["helsesykepleier"], demo["bup"]
    note = write_entry(demo.sara_case, nurse)
    consent_request_approve(
        consent_request=share(entry=note, recipients=[bup], actor=nurse).consent_request,
        actor=sara,
    )
    duty = write_entry(demo.sara_case, nurse, title="Bekymring")
    share(entry=duty, recipients=[bup], actor=nurse, basis="legal_duty", justification="§ 13-2.")
    assert sees(bup, note) and sees(bup, duty)
    block_create(case_id=demo.sara_case.pk, actor=sara, user=bup)
    # The consented note ends with reason `blocked`; the law still applies to the other
    assert not sees(bup, note) and sees(bup, duty)
    ended = Disclosure.objects.get(entry=note, recipient=bup)
    assert ended.end_reason == "blocked" and ended.withdrawn_by == sara
    assert Disclosure.objects.get(entry=duty, recipient=bup).withdrawn_at is None
    # Who-knows-what shows the end to Sara in words
    page = page_client(sara).get(f"/cases/{demo.sara_case.pk}/who-knows-what/")
    assert "blokkert" in page.content.decode()


def test_every_path_refuses_a_blocked_recipient(demo):
    """Share by a standing rule, consent approval, the youth's message, minutes: all 409."""
    sara, nurse, bup, teacher = demo["sara"], demo["helsesykepleier"], demo["bup"], demo["laerer"]
    case = demo.sara_case
    # A request asked before the block cannot be approved after it
    note = write_entry(case, nurse)
    request = share(entry=note, recipients=[bup], actor=nurse).consent_request
    block_create(case_id=case.pk, actor=sara, user=bup)
    with pytest.raises(ShareBlocked):
        consent_request_approve(consent_request=request, actor=sara)
    assert not Disclosure.objects.filter(entry=note).exists()
    # Sara's school rule covers every helper, BUP included
    school = write_entry(case, teacher, category="school")
    with pytest.raises(ShareBlocked):
        share(entry=school, recipients=[nurse, bup], actor=teacher)
    assert not Disclosure.objects.filter(entry=school).exists()
    # The same rule still shares with the others
    assert share(entry=school, recipients=[nurse], actor=teacher).status == "shared"
    # A rule for BUP themself covers nothing now
    sharing_rule_create(case=case, actor=sara, category="health", recipient_user=bup)
    with pytest.raises(ShareBlocked):
        share(entry=write_entry(case, nurse), recipients=[bup], actor=nurse)
    # Sara's own message to BUP
    with pytest.raises(ShareBlocked):
        message_send(case=case, author=sara, body="Hei", recipients=[bup])
    assert not Disclosure.objects.filter(recipient=bup, withdrawn_at__isnull=True).exists()


def test_minutes_are_not_distributed_to_a_blocked_attendee(db):
    team = build_team()
    minutes = approved_minutes(team)
    block_create(case_id=team.case.pk, actor=team.youth, user=team.nurse)
    with pytest.raises(ShareBlocked):
        minutes_distribute(minutes=minutes, actor=team.coordinator, recipients=[team.nurse])
    minutes.refresh_from_db()
    assert minutes.status == "approved" and minutes.entry is None


def test_a_legal_duty_goes_through_and_alerts_the_youth_without_content(demo):
    sara, nurse, bup = demo["sara"], demo["helsesykepleier"], demo["bup"]
    block_create(case_id=demo.sara_case.pk, actor=sara, user=bup, reason=REASON)
    note = write_entry(demo.sara_case, nurse, title="Bekymringsmelding")
    response = as_user(nurse).post(
        f"/api/v1/entries/{note.pk}/share/",
        {
            "recipients": [bup.pk],
            "basis": "legal_duty",
            "justification": "Bvl. § 13-2.",
            "purpose": "Barnevernet må vurdere saken.",
        },
        format="json",
    )
    assert response.status_code == 201
    assert sees(bup, note)
    (alert,) = Notification.objects.filter(recipient=sara, kind="blocked_share_legal_duty")
    assert (alert.case_id, alert.entry_id) == (demo.sara_case.pk, note.pk)
    assert alert.target_url == f"/cases/{demo.sara_case.pk}/who-knows-what/"
    text = notification_text(alert)
    assert "Bekymringsmelding" not in text and "13-2" not in text
    # Who, what and the justification are on who-knows-what
    page = page_client(sara).get(f"/cases/{demo.sara_case.pk}/who-knows-what/").content.decode()
    assert "Bekymringsmelding" in page and "Bvl. § 13-2." in page and bup.name in page
    # The blocked person is not told why they were blocked
    assert not any(
        REASON in notification_text(n) for n in Notification.objects.filter(recipient=bup)
    )


def test_removing_a_block_restores_nothing(demo):
    sara, nurse, bup = demo["sara"], demo["helsesykepleier"], demo["bup"]
    note = write_entry(demo.sara_case, nurse)
    consent_request_approve(
        consent_request=share(entry=note, recipients=[bup], actor=nurse).consent_request,
        actor=sara,
    )
    block = block_create(case_id=demo.sara_case.pk, actor=sara, user=bup)
    response = as_user(sara).delete(f"/api/v1/blocks/{block.pk}/")
    assert response.status_code == 204
    block.refresh_from_db()
    assert block.ended_at is not None and block.ended_by == sara
    # Nothing comes back; a new share is possible again
    assert not sees(bup, note)
    assert share(entry=note, recipients=[bup], actor=nurse).status == "consent_requested"
    # Removing it twice: gone
    assert as_user(sara).delete(f"/api/v1/blocks/{block.pk}/").status_code == 404
    assert as_user(sara).get(blocks_url(demo.sara_case)).json()["results"] == []


@pytest.mark.parametrize(
    ("who", "blocked", "status", "field"),
    [
        ("sara", "sara", 400, "user"),  # yourself
        ("sara", "jonas", 400, "user"),  # not on the case (the same words as a made-up id)
        ("sara", 0, 400, "user"),  # nobody
        ("sara", "x", 400, "user"),  # not an id
        ("far", "jonas", 404, None),  # not Sara's guardian: off the case
        ("laerer", "bup", 404, None),  # a helper does not block
        ("ungdomshjelper", "bup", 404, None),  # nor the ungdomshjelper
        ("mor", "bup", 404, None),  # Sara (16) decides everything herself
    ],
)
def test_who_may_block_whom(demo, who, blocked, status, field):
    target = demo[blocked].pk if blocked in demo.users else blocked
    response = as_user(demo[who]).post(blocks_url(demo.sara_case), {"user": target}, format="json")
    assert response.status_code == status, response.json()
    if field:
        assert field in response.json()
    assert not Block.objects.exists()


def test_a_deciding_guardian_blocks_but_not_the_youth_and_never_learns_their_own_block(demo):
    # Jonas is 13: his father decides, and may block the teacher but not Jonas
    jonas, far, teacher = demo["jonas"], demo["far"], demo["laerer"]
    case = demo.jonas_case
    response = as_user(far).post(blocks_url(case), {"user": jonas.pk}, format="json")
    assert response.status_code == 400 and "user" in response.json()
    response = as_user(far).post(blocks_url(case), {"user": teacher.pk}, format="json")
    assert response.status_code == 201
    # Blocking twice: 409
    response = as_user(jonas).post(blocks_url(case), {"user": teacher.pk}, format="json")
    assert response.status_code == 409
    # Jonas blocks his father with a reason: the father does not see that block, nor remove it
    block = block_create(case_id=case.pk, actor=jonas, user=far, reason=REASON)
    listed = as_user(far).get(blocks_url(case)).json()
    assert [row["user"]["id"] for row in listed["results"]] == [teacher.pk]
    assert REASON not in str(listed)
    assert as_user(far).delete(f"/api/v1/blocks/{block.pk}/").status_code == 404
    # Jonas sees both and removes the one his father set
    listed = as_user(jonas).get(blocks_url(case)).json()
    assert {row["user"]["id"] for row in listed["results"]} == {teacher.pk, far.pk}
    father_block = Block.objects.get(case=case, user=teacher)
    assert as_user(jonas).delete(f"/api/v1/blocks/{father_block.pk}/").status_code == 204


def test_a_guardian_removes_only_the_blocks_they_set(demo):
    jonas, far, teacher = demo["jonas"], demo["far"], demo["laerer"]
    block = block_create(case_id=demo.jonas_case.pk, actor=jonas, user=teacher)
    response = as_user(far).delete(f"/api/v1/blocks/{block.pk}/")
    assert response.status_code == 403
    block.refresh_from_db()
    assert block.ended_at is None


def test_the_block_list_and_removal_are_hidden_from_everyone_else(demo):
    sara, bup = demo["sara"], demo["bup"]
    block = block_create(case_id=demo.sara_case.pk, actor=sara, user=bup, reason=REASON)
    for name in ("bup", "laerer", "ungdomshjelper", "mor", "jonas", "far"):
        client = as_user(demo[name])
        assert client.get(blocks_url(demo.sara_case)).status_code == 404, name
        assert client.delete(f"/api/v1/blocks/{block.pk}/").status_code == 404, name
        assert page_client(demo[name]).get(f"/cases/{demo.sara_case.pk}/blocks/").status_code == 404
    assert as_user(sara).get("/api/v1/cases/999999/blocks/").status_code == 404
    assert as_user(sara).delete("/api/v1/blocks/999999/").status_code == 404
    block.refresh_from_db()
    assert block.ended_at is None


def test_a_too_long_reason_is_a_400_and_saves_nothing(demo):
    response = as_user(demo["sara"]).post(
        blocks_url(demo.sara_case), {"user": demo["bup"].pk, "reason": "x" * 501}, format="json"
    )
    assert response.status_code == 400 and "reason" in response.json()
    assert not Block.objects.exists()


def test_the_youths_page_blocks_and_unblocks_in_plain_words(demo):
    sara, bup = demo["sara"], demo["bup"]
    client = page_client(sara)
    wkw = client.get(f"/cases/{demo.sara_case.pk}/who-knows-what/").content.decode()
    assert f"/cases/{demo.sara_case.pk}/blocks/" in wkw
    page = client.get(f"/cases/{demo.sara_case.pk}/blocks/")
    assert page.status_code == 200
    assert "Ingen er blokkert" in page.content.decode()
    # An empty choice: the page again with the field marked, nothing saved
    response = client.post(f"/cases/{demo.sara_case.pk}/blocks/", {"user": ""})
    assert response.status_code == 400 and not Block.objects.exists()
    response = client.post(
        f"/cases/{demo.sara_case.pk}/blocks/", {"user": bup.pk, "reason": REASON}, follow=True
    )
    text = response.content.decode()
    assert response.status_code == 200 and bup.name in text and REASON in text
    block = Block.objects.get(user=bup, ended_at__isnull=True)
    # Someone not on the team, through a forged form: a message, nothing saved
    client.post(f"/cases/{demo.sara_case.pk}/blocks/", {"user": demo["jonas"].pk})
    assert Block.objects.count() == 1
    response = client.post(f"/cases/{demo.sara_case.pk}/blocks/{block.pk}/remove/", follow=True)
    assert response.status_code == 200
    block.refresh_from_db()
    assert block.ended_at is not None
    # A block of another case through this case's address: 404
    other = block_create(case_id=demo.jonas_case.pk, actor=demo["jonas"], user=demo["laerer"])
    assert (
        page_client(demo["jonas"])
        .post(f"/cases/{demo.sara_case.pk}/blocks/{other.pk}/remove/")
        .status_code
        == 404
    )


def test_removing_a_block_lets_the_youth_share_again(demo):
    sara, bup = demo["sara"], demo["bup"]
    block = block_create(case_id=demo.sara_case.pk, actor=sara, user=bup)
    with pytest.raises(ShareBlocked):
        message_send(case=demo.sara_case, author=sara, body="Hei", recipients=[bup])
    block_remove(block_id=block.pk, actor=sara)
    entry = message_send(case=demo.sara_case, author=sara, body="Hei", recipients=[bup])
    assert sees(bup, entry)
