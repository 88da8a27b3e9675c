"""The youth's home ('new since my last visit') and the guardian view per the policy."""

import pytest
from django.test import Client

from cases.models import Entry
from cases.permissions import view_entry_grant
from cases.services import entry_create
from consent.models import Disclosure
from consent.services import share
from services_registry.services import service_staff_set
from tests.factories import (
    CaseFactory,
    EntryFactory,
    ParticipantFactory,
    ServiceFactory,
    UserFactory,
)
from voice.models import Visit
from voice.selectors import News, news_for_youth, unread_messages
from voice.services import message_send

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.force_login(user)  # sends user_logged_in, like the login form
    return client


def test_new_since_the_last_visit_counts_from_the_previous_login(
    demo, django_assert_max_num_queries
):
    jonas = demo["jonas"]
    logged_in(jonas)  # first visit
    first = Visit.objects.get(user=jonas)
    assert first.previous is None
    nurse = demo["helsesykepleier"]
    entry = entry_create(
        case=demo.jonas_case, author=nurse, kind="note", category="school", title="Ny", body="x"
    )
    client = logged_in(jonas)  # second visit: the first one is now "previous"
    assert Visit.objects.get(user=jonas).previous == first.current
    with django_assert_max_num_queries(40):
        home = client.get("/").content.decode()
    assert "Nytt siden sist du var her" in home
    assert "1 ny ting er skrevet om deg" in home
    # reloading during the visit does not reset it
    assert "1 ny ting er skrevet om deg" in client.get("/").content.decode()
    assert Entry.objects.filter(pk=entry.pk).exists()


def test_guardian_below_the_threshold_acts_for_the_child(demo):
    # Jonas is 13: his father decides, sets rules and may choose the ungdomshjelper
    far = logged_in(demo["far"])
    home = far.get("/").content.decode()
    assert "Se hvem du kan velge" in home
    assert (
        "Legg til regelen"
        in far.get(f"/cases/{demo.jonas_case.pk}/sharing-rules/").content.decode()
    )
    assert far.get(f"/cases/{demo.jonas_case.pk}/who-knows-what/").status_code == 200


def test_guardian_from_16_sees_only_what_the_youth_shares(demo):
    # Sara is 16: her mother has no rules, no who-knows-what, no choice, only what Sara shares
    mor = logged_in(demo["mor"])
    case = demo.sara_case
    assert mor.get(f"/cases/{case.pk}/sharing-rules/").status_code == 403
    assert mor.get(f"/cases/{case.pk}/who-knows-what/").status_code == 404
    assert mor.get(f"/cases/{case.pk}/ungdomshjelper/").status_code == 404
    page = mor.get(f"/cases/{case.pk}/").content.decode()
    assert "Samtale om søvn og stress" not in page
    own = entry_create(
        case=case, author=demo["sara"], kind="note", category="family", title="Til mamma", body="x"
    )
    share(entry=own, recipients=[demo["mor"]], actor=demo["sara"])
    assert "Til mamma" in mor.get(f"/cases/{case.pk}/").content.decode()


def test_the_home_counts_keep_to_the_persons_own_cases_whatever_the_caller_passes():
    # The home passes the cases it has read to save a statement; a case the person does not
    # take part in, passed by mistake, must count nothing.
    mine, theirs = CaseFactory(), CaseFactory()
    helper = ParticipantFactory(case=theirs).user
    colleague = ParticipantFactory(case=theirs).user
    note = EntryFactory(case=theirs, author=helper)
    shared = share(
        entry=note,
        recipients=[colleague],
        actor=helper,
        basis=Disclosure.Basis.LEGAL_DUTY,
        justification="Opplysningsplikt",
    )
    assert shared.status == "shared"
    message = message_send(case=theirs, author=helper, body="Hei")
    # An intake worker may open this message as their service's referral, off the team.
    intake = UserFactory()
    service = ServiceFactory()
    service_staff_set(service=service, user=intake, receives_referrals=True)
    view_entry_grant([(message.pk, intake.pk)], via_service=service)

    assert news_for_youth(user=mine.youth, cases=[theirs]) == News(since=None, written=0, shared=0)
    assert news_for_youth(user=theirs.youth, cases=[theirs]).shared == 1
    assert unread_messages(user=intake, cases=[theirs]) == {}
    assert unread_messages(user=theirs.youth, cases=[theirs]) == {theirs.pk: 1}
