"""The meeting pages driven with Django's test client: the done-when path on the demo data,
refusals as messages, 404 for what the caller may not see, and bounded query counts."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from cases.models import Entry
from consent.models import ConsentRequest
from meetings.demo import DEMO_TITLE
from meetings.models import ActionItem, Meeting, Minutes
from tests.meetings.helpers import hold, started


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_done_when_path_through_the_pages(demo, django_assert_max_num_queries):
    case = demo.sara_case
    coordinator = client_for(demo["ungdomshjelper"])
    sara = client_for(demo["sara"])
    # The coordinator plans a start meeting and suggests four people
    response = coordinator.get(f"/meetings/case/{case.pk}/new/")
    assert response.status_code == 200
    starts = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    response = coordinator.post(
        f"/meetings/case/{case.pk}/new/",
        {
            "title": "Oppstart",
            "kind": "start",
            "starts_at": starts,
            "duration_minutes": 60,
            "place": "Skolen",
            "attendees": [str(demo[n].pk) for n in ("mor", "helsesykepleier", "laerer")],
        },
    )
    meeting = Meeting.objects.get(title="Oppstart")
    assert response.status_code == 302 and meeting.kind == "start"
    url = f"/meetings/{meeting.pk}/"
    # Sara chooses: not her mother
    response = sara.post(
        url,
        {
            "action": "choose",
            "coming": [str(demo["helsesykepleier"].pk), str(demo["laerer"].pk)],
            "youth_presence": "attends",
            "representative": "",
        },
        follow=True,
    )
    assert "Lagret. Invitasjonene følger valget ditt." in messages_of(response)
    assert client_for(demo["mor"]).get(url).status_code == 404
    assert client_for(demo["bup"]).get(url).status_code == 404
    # Sara adds her own private topic
    sara.post(url, {"action": "agenda_add", "title": "Fritid", "details": "", "private": "on"})
    assert "Fritid" not in coordinator.get(url).content.decode()
    with django_assert_max_num_queries(25):
        assert "Fritid" in sara.get(url).content.decode()
    # The meeting begins and is held; minutes with two tasks
    started(meeting)
    coordinator.post(url, {"action": "held"})
    minutes_url = f"/meetings/{meeting.pk}/minutes/"
    coordinator.post(
        minutes_url, {"action": "save", "summary": "Sara er lat.", "decisions": "", "version": "0"}
    )
    for owner, what in (("laerer", "lage en plan"), ("helsesykepleier", "ringe Sara")):
        coordinator.post(
            minutes_url,
            {
                "action": "action_item",
                "owner": str(demo[owner].pk),
                "description": what,
                "due": (timezone.localdate() + timedelta(days=14)).isoformat(),
            },
        )
    assert ActionItem.objects.filter(meeting=meeting).count() == 2
    # Distributing before approval: a clear refusal, nothing shared
    response = coordinator.post(
        minutes_url,
        {"action": "distribute", "recipients": [str(demo["laerer"].pk)], "category": "general"},
        follow=True,
    )
    assert any("ikke godkjent" in m for m in messages_of(response))
    assert not Entry.objects.filter(kind="minutes", title="Referat: Oppstart").exists()
    coordinator.post(minutes_url, {"action": "submit"})
    # Sara asks for one correction, then approves the corrected version
    sara.post(minutes_url, {"action": "correction", "text": "Jeg er sliten, ikke lat."})
    coordinator.post(
        minutes_url,
        {"action": "save", "summary": "Sara er sliten.", "decisions": "", "version": "1"},
    )
    coordinator.post(minutes_url, {"action": "submit"})
    with django_assert_max_num_queries(25):
        page = sara.get(minutes_url).content.decode()
    assert "Jeg er sliten, ikke lat." in page and "Sara er lat." in page
    sara.post(minutes_url, {"action": "approve", "version": "2"})
    assert Minutes.objects.get(meeting=meeting).status == "approved"
    # Distribution to the nurse and teacher asks Sara, who says yes
    coordinator.post(
        minutes_url,
        {
            "action": "distribute",
            "recipients": [str(demo["helsesykepleier"].pk), str(demo["laerer"].pk)],
            "category": "general",
        },
    )
    request = ConsentRequest.objects.get(entry__kind="minutes", entry__case=case)
    sara.post(f"/consent/requests/{request.pk}/", {"action": "approve"})
    for name in ("helsesykepleier", "laerer"):
        assert client_for(demo[name]).get(minutes_url).status_code == 200
        assert client_for(demo[name]).get(minutes_url + "print/").status_code == 200
    assert client_for(demo["bup"]).get(minutes_url).status_code == 404
    assert client_for(demo["bup"]).get(minutes_url + "print/").status_code == 404
    # Sara's tasks page says it plainly
    with django_assert_max_num_queries(15):
        tasks = sara.get("/meetings/tasks/").content.decode()
    assert f"{demo['laerer'].name} skal lage en plan innen" in tasks


def test_pages_of_a_meeting_on_someone_elses_case_are_404(demo):
    meeting = Meeting.objects.get(title=DEMO_TITLE)
    nav = client_for(demo["nav"])
    for path in (
        "/",
        ".ics",
        "/minutes/",
        "/minutes/print/",
        "/evaluation/",
        "/evaluation/results/",
    ):
        url = f"/meetings/{meeting.pk}{path}"
        assert nav.get(url).status_code == 404, url
    assert nav.get(f"/meetings/case/{meeting.case_id}/new/").status_code == 404
    # A helper on the case may not plan: the case has an ungdomshjelper
    assert (
        client_for(demo["laerer"]).get(f"/meetings/case/{meeting.case_id}/new/").status_code == 403
    )


def test_meeting_list_home_and_evaluation(demo, django_assert_max_num_queries):
    coordinator = client_for(demo["ungdomshjelper"])
    with django_assert_max_num_queries(15):
        page = coordinator.get("/meetings/").content.decode()
    assert DEMO_TITLE in page and "/meetings/calendar/" in page
    assert DEMO_TITLE in coordinator.get("/").content.decode()
    meeting = started(Meeting.objects.get(title=DEMO_TITLE))
    coordinator.post(f"/meetings/{meeting.pk}/", {"action": "held"})
    sara = client_for(demo["sara"])
    response = sara.post(
        f"/meetings/{meeting.pk}/evaluation/",
        {"heard": "2", "understood": "1", "useful": "2", "comment": "", "anonymous": "on"},
    )
    assert response.status_code == 302
    response = sara.post(f"/meetings/{meeting.pk}/evaluation/", {"heard": "9"})
    assert response.status_code == 400
    results = coordinator.get(f"/meetings/{meeting.pk}/evaluation/results/").content.decode()
    assert "fem svar" in results
    assert sara.get(f"/meetings/{meeting.pk}/evaluation/results/").status_code == 404


def test_jonas_wishes_and_his_father_decides_who_comes(demo):
    # Jonas' case has no ungdomshjelper, so a helper plans the meeting
    case = demo.jonas_case
    helper = client_for(demo["barnevern"])
    starts = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = helper.post(
        f"/meetings/case/{case.pk}/new/",
        {
            "title": "Møte om Jonas",
            "kind": "start",
            "starts_at": starts,
            "duration_minutes": 45,
            "video_link": "https://video.example.test/jonas",
            "attendees": [str(demo["laerer"].pk), str(demo["helsesykepleier"].pk)],
        },
    )
    meeting = Meeting.objects.get(title="Møte om Jonas")
    url = f"/meetings/{meeting.pk}/"
    choice = {"action": "choose", "youth_presence": "attends", "representative": ""}
    # Jonas (13) says what he wants: recorded, nobody invited yet
    response = client_for(demo["jonas"]).post(
        url, {**choice, "coming": [str(demo["laerer"].pk)]}, follow=True
    )
    assert "Lagret. De som bestemmer, ser hva du ønsker." in messages_of(response)
    assert client_for(demo["laerer"]).get(url).status_code == 404
    # His father sees Jonas' wish and decides
    father = client_for(demo["far"])
    assert "den unge vil ikke ha dem med" in father.get(url).content.decode()
    father.post(url, {**choice, "coming": [str(demo["laerer"].pk)]})
    assert client_for(demo["laerer"]).get(url).status_code == 200
    assert client_for(demo["helsesykepleier"]).get(url).status_code == 404


def test_task_status_by_the_owner_only(demo):
    from meetings.services import action_item_create

    meeting = Meeting.objects.get(title=DEMO_TITLE)
    hold(meeting, demo["ungdomshjelper"])
    item = action_item_create(
        meeting=meeting,
        actor=demo["ungdomshjelper"],
        description="sende timeplan",
        owner=demo["laerer"],
        due=timezone.localdate(),
    )
    # Sara sees it; BUP posting a status change gets 404 and nothing changes
    assert "sende timeplan" in client_for(demo["sara"]).get("/meetings/tasks/").content.decode()
    assert (
        client_for(demo["bup"])
        .post("/meetings/tasks/", {"item": item.pk, "status": "done"})
        .status_code
        == 404
    )
    response = client_for(demo["ungdomshjelper"]).post(
        "/meetings/tasks/", {"item": item.pk, "status": "done"}, follow=True
    )
    assert "Statusen er lagret." in messages_of(response)
    item.refresh_from_db()
    assert item.status == "done"
