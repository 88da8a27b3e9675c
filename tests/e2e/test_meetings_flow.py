"""The #6 done-when path in the browser, as the demo personas (seed_demo) would click it, with
the action item reminders sent by the beat task on the real Celery worker."""

import re
from datetime import timedelta

import pytest
from celery.signals import task_postrun
from django.utils import timezone
from playwright.sync_api import expect

from coordination.models import Notification, User
from meetings.models import Meeting
from meetings.tasks import send_action_item_reminders
from tests.waiting import wait_until

from .conftest import serious_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(demo):
    """Sara's case of the demo (tests/e2e/conftest.py)."""
    return demo["sara"]


def name(username):
    return User.objects.get(username=username).name


def status(page):
    return page.get_by_role("status")


def add_task(page, owner, what, due):
    page.get_by_label("Hvem gjør det").select_option(value=str(User.objects.get(username=owner).pk))
    page.get_by_label("Hva skal gjøres").fill(what)
    page.get_by_label("Innen når").fill(due.isoformat())
    page.get_by_role("button", name="Legg til oppgave").click()
    expect(status(page)).to_contain_text("Oppgaven er lagt til")


def test_sara_runs_her_meeting_from_invitation_to_reminders(demo, as_user, axe, celery_worker):
    case = demo
    # The ungdomshjelper plans a start meeting on Sara's case and suggests three people
    coordinator = as_user("ungdomshjelper")
    coordinator.get_by_role("link", name="Møter", exact=True).click()
    assert serious_violations(axe, coordinator) == []
    coordinator.get_by_role("link", name=re.compile("Planlegg et møte i «Sara")).click()
    coordinator.get_by_label("Tittel").fill("Oppstart med Sara")
    coordinator.get_by_label("Type møte").select_option(value="start")
    starts = timezone.localtime() + timedelta(days=5)
    coordinator.get_by_label("Dato og klokkeslett").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    coordinator.get_by_label("Sted").fill("Helsestasjonen")
    for person in ("mor", "helsesykepleier", "laerer"):
        coordinator.get_by_label(re.compile(name(person))).check()
    assert serious_violations(axe, coordinator) == []
    coordinator.get_by_role("button", name="Planlegg møtet").click()
    expect(status(coordinator)).to_contain_text("Den unge velger hvem som kommer")
    meeting = Meeting.objects.get(title="Oppstart med Sara")
    assert meeting.kind == "start"
    meeting_url = f"/meetings/{meeting.pk}/"

    # Sara chooses that her mother does not come, and adds her own private topic
    sara = as_user("sara")
    sara.get_by_role("link", name="Oppstart med Sara").click()
    expect(sara.get_by_role("heading", level=1)).to_have_text("Oppstart med Sara")
    sara.get_by_label(re.compile(name("helsesykepleier"))).check()
    sara.get_by_label(re.compile(name("laerer"))).check()
    expect(sara.get_by_label(re.compile(name("mor")))).not_to_be_checked()
    sara.get_by_role("button", name="Lagre hvem som kommer").click()
    expect(status(sara)).to_contain_text("Invitasjonene følger valget ditt")
    sara.get_by_label(re.compile("^Tema")).fill("Fritid og venner")
    sara.get_by_label("Bare jeg ser det til jeg velger å dele det").check()
    sara.get_by_role("button", name="Legg til tema").click()
    expect(sara.locator(".agenda-list")).to_contain_text("bare du ser dette")
    assert serious_violations(axe, sara) == []
    mother = as_user("mor", None)
    assert mother.goto(meeting_url).status == 404
    nurse = as_user("helsesykepleier", meeting_url)
    expect(nurse.locator(".agenda-list")).to_have_count(0)
    assert Notification.objects.filter(
        recipient__username="helsesykepleier", kind="meeting_invited"
    ).exists()

    # The meeting begins (time passes) and is held; minutes with two tasks go to Sara for review
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    coordinator.goto(meeting_url)
    coordinator.get_by_role("button", name="Merk møtet som holdt").click()
    coordinator.get_by_role("link", name="Referat", exact=True).click()
    coordinator.get_by_role("textbox", name=re.compile("^Oppsummering")).fill(
        "Sara er lat på skolen."
    )
    coordinator.get_by_role("button", name="Lagre som ny versjon").click()
    tomorrow = timezone.localdate() + timedelta(days=1)
    add_task(coordinator, "laerer", "lage en plan for prøvene", tomorrow)
    add_task(coordinator, "helsesykepleier", "ringe Sara om søvn", tomorrow)
    assert serious_violations(axe, coordinator) == []
    coordinator.get_by_role("button", name="Send til den unge for gjennomgang").click()
    expect(status(coordinator)).to_contain_text("Sendt til den unge")

    # Sara asks for one correction, the coordinator corrects, Sara approves
    minutes_url = f"/meetings/{meeting.pk}/minutes/"
    sara.goto(minutes_url)
    sara.get_by_label("Kommentaren din").fill("Jeg er ikke lat, jeg er sliten.")
    sara.get_by_role("button", name="Be om retting").click()
    expect(status(sara)).to_contain_text("Kommentaren din er lagret")
    assert serious_violations(axe, sara) == []
    coordinator.goto(minutes_url)
    coordinator.get_by_role("textbox", name=re.compile("^Oppsummering")).fill(
        "Sara er sliten, og skolen tilrettelegger."
    )
    coordinator.get_by_role("button", name="Lagre som ny versjon").click()
    coordinator.get_by_role("button", name="Send til den unge for gjennomgang").click()
    sara.goto(minutes_url)
    expect(sara.locator(".correction")).to_contain_text("jeg er sliten")
    sara.get_by_role("button", name="Referatet stemmer: godkjenn").click()
    expect(status(sara)).to_contain_text("Du godkjente referatet")

    # The minutes go to the nurse and the teacher only, through Sara's consent
    coordinator.goto(minutes_url)
    coordinator.get_by_label(re.compile(name("helsesykepleier"))).check()
    coordinator.get_by_label(re.compile(name("laerer"))).check()
    coordinator.get_by_role("button", name="Send ut", exact=True).click()
    expect(status(coordinator)).to_contain_text("den som gir samtykke, er spurt")
    sara.goto("/")
    sara.get_by_role("link", name=re.compile("«Referat: Oppstart med Sara»")).click()
    sara.get_by_role("button", name="Ja, del det").click()
    expect(status(sara)).to_contain_text("Du sa ja")

    teacher = as_user("laerer", None)
    for reader in (nurse, teacher):
        assert reader.goto(minutes_url).status == 200
        expect(reader.locator(".minutes")).to_contain_text("Sara er sliten")
        assert reader.goto(minutes_url + "print/").status == 200
    assert serious_violations(axe, teacher) == []
    bup = as_user("bup", None)
    assert bup.goto(minutes_url).status == 404
    assert bup.goto(minutes_url + "print/").status == 404

    # Sara's who-knows-what shows who got the minutes; her tasks page says it plainly
    sara.goto(f"/cases/{case.pk}/who-knows-what/")
    teacher_card = sara.locator("section.person", has_text=name("laerer"))
    expect(teacher_card).to_contain_text("Referat: Oppstart med Sara")
    bup_card = sara.locator("section.person", has_text=name("bup"))
    expect(bup_card).not_to_contain_text("Referat: Oppstart med Sara")
    sara.goto("/meetings/tasks/")
    expect(sara.locator(".task-list")).to_contain_text(
        f"{name('laerer')} skal lage en plan for prøvene innen"
    )
    assert serious_violations(axe, sara) == []

    # Beat's reminder task on the real worker reminds both owners, once: both runs are waited
    # for to the end (the worker runs in a thread of this process and signals each), so a
    # reminder the second run made again would be counted
    finished = set()

    def on_postrun(task_id, **kwargs):
        finished.add(task_id)

    task_postrun.connect(on_postrun, weak=False)
    try:
        runs = {send_action_item_reminders.apply_async().id for _ in range(2)}
        assert wait_until(lambda: runs <= finished, timeout=20)
    finally:
        task_postrun.disconnect(on_postrun)
    reminders = Notification.objects.filter(kind="action_item_due")
    # A fresh count each poll: iterating `reminders` would cache the rows, and the wait would
    # see the first poll's undelivered rows for its whole timeout
    delivered = reminders.filter(delivered_at__isnull=False)
    assert wait_until(lambda: delivered.count() == 2, timeout=20)
    assert sorted(reminders.values_list("recipient__username", flat=True)) == [
        "helsesykepleier",
        "laerer",
    ]
    teacher.goto("/notifications/")
    expect(teacher.locator(".notification-list")).to_contain_text("frist")


def test_meeting_pages_are_axe_clean(demo, as_user, axe):
    meeting = Meeting.objects.get(case=demo)
    coordinator = as_user("ungdomshjelper", f"/meetings/{meeting.pk}/")
    assert serious_violations(axe, coordinator) == []
    # The meeting begins (time passes): now it can be marked held
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    coordinator.goto(f"/meetings/{meeting.pk}/")
    assert serious_violations(axe, coordinator) == []
    coordinator.get_by_role("button", name="Merk møtet som holdt").click()
    coordinator.goto(f"/meetings/case/{demo.pk}/")
    assert serious_violations(axe, coordinator) == []
    coordinator.goto(f"/meetings/{meeting.pk}/evaluation/")
    coordinator.get_by_role("button", name="Send").click()
    expect(coordinator.get_by_role("alert")).to_contain_text("Sjekk feltene")
    assert serious_violations(axe, coordinator) == []
    coordinator.goto(f"/meetings/{meeting.pk}/evaluation/results/")
    assert serious_violations(axe, coordinator) == []
    coordinator.goto("/meetings/tasks/")
    assert serious_violations(axe, coordinator) == []
    sara = as_user("sara")
    expect(sara.locator("#meetings-heading")).to_have_text("Kommende møter")
    assert serious_violations(axe, sara) == []
