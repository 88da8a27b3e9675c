"""The HTML pages of the share path: who may open what (404 otherwise), refusals as messages,
and query counts that do not grow with the size of a case."""

import pytest
from django.test import Client

from cases.models import Entry
from cases.services import entry_create
from consent.models import ConsentRequest, Disclosure
from consent.services import share
from coordination.models import User
from tests.factories import UserFactory, login_with_second_factor


def client_for(user):
    """Logged in as `user`; staff (`admin`) past the second factor they give after the password."""
    client = Client()
    login_with_second_factor(client, user)
    return client


@pytest.fixture
def health_note(demo):
    return entry_create(
        case=demo.sara_case,
        author=demo["helsesykepleier"],
        kind=Entry.Kind.NOTE,
        category=Entry.Category.HEALTH,
        title="Samtale om søvn",
        body="Hemmelig innhold",
    )


def entry_url(entry):
    return f"/cases/{entry.case_id}/entries/{entry.pk}/"


def test_entry_page_is_404_for_everyone_without_access_with_one_body(demo, health_note):
    outsider = UserFactory()
    bodies = set()
    for user in [demo["laerer"], demo["mor"], demo["nav"], demo["admin"], outsider]:
        response = client_for(user).get(entry_url(health_note))
        assert response.status_code == 404, user.username
        assert "Hemmelig innhold" not in response.content.decode()
        bodies.add(response.content.decode().split("<main")[1].split("</main>")[0])
    missing = client_for(demo["laerer"]).get(f"/cases/{demo.sara_case.pk}/entries/999999/")
    assert missing.status_code == 404
    assert len(bodies) == 1


def test_entry_page_under_another_case_is_404(demo, health_note):
    response = client_for(demo["sara"]).get(
        f"/cases/{demo.jonas_case.pk}/entries/{health_note.pk}/"
    )
    assert response.status_code == 404


def test_author_and_youth_open_it_and_the_open_is_recorded(demo, health_note):
    assert client_for(demo["sara"]).get(entry_url(health_note)).status_code == 200
    page = client_for(demo["helsesykepleier"]).get(entry_url(health_note)).content.decode()
    assert "Del med" in page
    assert health_note.access_events.count() == 2


def test_the_authors_page_lists_a_requests_recipients_by_id(demo, health_note):
    """As consent requests' lists do. Added against the order of their ids, and the first moved
    to the end of the person table (an update writes a new row version), so neither table's
    own order is the ids'."""
    people = sorted(
        (demo[name] for name in ["laerer", "nav", "mor", "far"]), key=lambda user: -user.pk
    )
    request = ConsentRequest.objects.create(entry=health_note, requested_by=demo["helsesykepleier"])
    request.recipients.add(*people)
    User.objects.filter(pk=people[-1].pk).update(display_name=people[-1].display_name)
    page = client_for(demo["helsesykepleier"]).get(entry_url(health_note)).content.decode()
    listed = page.split(f'href="/consent/requests/{request.pk}/">')[1].split("</a>")[0]
    assert listed == ", ".join(person.name for person in reversed(people))


def test_only_the_author_gets_the_share_form(demo, health_note):
    page = client_for(demo["sara"]).get(entry_url(health_note)).content.decode()
    assert "Del med" not in page


def test_share_without_recipients_is_400_and_stores_nothing(demo, health_note):
    response = client_for(demo["helsesykepleier"]).post(
        entry_url(health_note) + "share/", {"basis": "auto"}
    )
    assert response.status_code == 400
    assert "Velg minst én person." in response.content.decode()
    assert not ConsentRequest.objects.exists()


def test_legal_duty_without_reason_is_400(demo, health_note):
    response = client_for(demo["helsesykepleier"]).post(
        entry_url(health_note) + "share/",
        {"recipients": [demo["laerer"].pk], "basis": "legal_duty", "justification": " "},
    )
    assert response.status_code == 400
    assert not Disclosure.objects.exists()


def test_share_by_someone_who_is_not_the_author_is_404_or_refused(demo, health_note):
    # The teacher cannot see it: 404. Sara can see it but did not write it: refused, nothing shared.
    teacher = client_for(demo["laerer"]).post(
        entry_url(health_note) + "share/", {"recipients": [demo["bup"].pk], "basis": "auto"}
    )
    assert teacher.status_code == 404
    sara = client_for(demo["sara"]).post(
        entry_url(health_note) + "share/",
        {"recipients": [demo["bup"].pk], "basis": "auto"},
        follow=True,
    )
    assert 'class="message message-error"' in sara.content.decode()
    assert not Disclosure.objects.exists() and not ConsentRequest.objects.exists()


def test_who_knows_what_page_is_for_the_youth_the_deciding_guardian_and_coordinator(demo):
    url = f"/cases/{demo.sara_case.pk}/who-knows-what/"
    assert client_for(demo["sara"]).get(url).status_code == 200
    assert client_for(demo["ungdomshjelper"]).get(url).status_code == 200
    # Sara is 16: her mother decides nothing, so she does not get the overview.
    for username in ["mor", "laerer", "helsesykepleier", "bup", "nav", "far"]:
        assert client_for(demo[username]).get(url).status_code == 404, username
    jonas_url = f"/cases/{demo.jonas_case.pk}/who-knows-what/"
    assert client_for(demo["far"]).get(jonas_url).status_code == 200


def test_request_page_denials_and_double_answer(demo, health_note):
    result = share(entry=health_note, recipients=[demo["laerer"]], actor=demo["helsesykepleier"])
    request_url = f"/consent/requests/{result.consent_request.pk}/"
    for username in ["laerer", "mor", "nav", "bup"]:
        assert client_for(demo[username]).get(request_url).status_code == 404, username
    # The asker sees it but cannot answer it: a message, nothing changes.
    nurse = client_for(demo["helsesykepleier"])
    nurse.post(request_url, {"action": "approve"})
    assert ConsentRequest.objects.get().status == ConsentRequest.Status.PENDING
    sara = client_for(demo["sara"])
    sara.post(request_url, {"action": "approve"})
    again = sara.post(request_url, {"action": "decline"}, follow=True)
    assert 'class="message message-error"' in again.content.decode()
    assert ConsentRequest.objects.get().status == ConsentRequest.Status.APPROVED


def test_withdraw_of_legal_duty_is_refused_with_the_reason(demo, health_note):
    share(
        entry=health_note,
        recipients=[demo["laerer"]],
        actor=demo["helsesykepleier"],
        basis=Disclosure.Basis.LEGAL_DUTY,
        justification="Opplysningsplikt til barnevernet",
    )
    disclosure = Disclosure.objects.get()
    page = client_for(demo["sara"]).get(f"/cases/{demo.sara_case.pk}/who-knows-what/")
    assert "Opplysningsplikt til barnevernet" in page.content.decode()
    response = client_for(demo["sara"]).post(
        f"/consent/disclosures/{disclosure.pk}/withdraw/", follow=True
    )
    assert "Opplysningsplikt til barnevernet" in response.content.decode()
    disclosure.refresh_from_db()
    assert disclosure.withdrawn_at is None


def test_withdraw_by_a_stranger_is_404(demo, health_note):
    share(
        entry=health_note,
        recipients=[demo["laerer"]],
        actor=demo["helsesykepleier"],
        basis=Disclosure.Basis.LEGAL_DUTY,
        justification="Plikt",
    )
    disclosure = Disclosure.objects.get()
    for username in ["laerer", "mor", "nav"]:
        response = client_for(demo[username]).post(
            f"/consent/disclosures/{disclosure.pk}/withdraw/"
        )
        assert response.status_code == 404, username


def _many_entries(demo, count):
    for n in range(count):
        entry = entry_create(
            case=demo.sara_case,
            author=demo["helsesykepleier"],
            kind=Entry.Kind.NOTE,
            category=Entry.Category.SCHOOL,
            title=f"Notat {n}",
            body="",
        )
        share(entry=entry, recipients=[demo["laerer"]], actor=demo["helsesykepleier"])


@pytest.mark.parametrize("url_name", ["case", "who-knows-what", "requests"])
def test_page_query_counts_do_not_grow_with_the_case(demo, django_assert_max_num_queries, url_name):
    urls = {
        "case": f"/cases/{demo.sara_case.pk}/",
        "who-knows-what": f"/cases/{demo.sara_case.pk}/who-knows-what/",
        "requests": "/consent/requests/?show=all",
    }
    sara = client_for(demo["sara"])
    _many_entries(demo, 2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert sara.get(urls[url_name]).status_code == 200
    _many_entries(demo, 25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert sara.get(urls[url_name]).status_code == 200
