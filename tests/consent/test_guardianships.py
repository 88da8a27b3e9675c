"""Guardianship is a fact about the young person (#11 item 5): the municipality registers who is
a guardian of whom, with a reason, audited and shown to the youth; only a registered guardian can
be on the youth's case as guardian and so decide about sharing. Ending it, or a guardian leaving
the team, tells the youth who decides now."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from cases.models import Participant
from cases.services import participant_add
from consent import notifications as consent_notifications
from consent.services import guardianship_end, participant_remove
from coordination import notifications as coordination_notifications
from coordination.demo import MUNICIPAL_ADMINS
from coordination.errors import StateConflict
from coordination.models import AuditEvent, Guardianship, Notification
from coordination.services import guardianship_set
from tests.dates import born_for_age
from tests.factories import (
    CaseFactory,
    ParticipantFactory,
    UserFactory,
    login_with_second_factor,
)

from .helpers import as_user

pytestmark = pytest.mark.django_db

REGISTER = "Folkeregisteret: foreldreansvar."


@pytest.fixture
def municipal_admin(demo):
    """Staff in the municipal admin group: not a superuser, on no case."""
    staff = UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name=MUNICIPAL_ADMINS))
    return staff


def page_client(user) -> Client:
    """Logged in as `user`, past the second factor staff give after their password."""
    client = Client()
    login_with_second_factor(client, user)
    return client


def youth_aged(age: int):
    return UserFactory(birth_date=born_for_age(age, on=timezone.localdate(), birthday_days_ago=30))


def kinds_told(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_only_a_registered_guardian_can_be_added_as_guardian(demo):
    # Given Sara's ungdomshjelper, who may change her team, and Jonas' father (not Sara's)
    coordinator = as_user(demo["ungdomshjelper"])
    team_before = Participant.objects.filter(case=demo.sara_case).count()
    audit_before = AuditEvent.objects.count()
    # When they add him to Sara's case as guardian
    response = coordinator.post(
        f"/api/v1/cases/{demo.sara_case.pk}/participants/",
        {"user": demo["far"].pk, "role": "guardian"},
        format="json",
    )
    # Then it is refused with a clear message, and nothing is saved
    assert response.status_code == 400
    assert "registrert som" in str(response.json())
    assert Participant.objects.filter(case=demo.sara_case).count() == team_before
    assert AuditEvent.objects.count() == audit_before
    # Nor can the system (demo data, imports) do it
    with pytest.raises(ValidationError):
        participant_add(
            case=demo.jonas_case, actor=None, user=demo["nav"], role="guardian", service=None
        )


def test_a_guardian_registered_by_the_municipality_can_then_be_added(demo, municipal_admin):
    # Given the municipality registers the teacher (say, a foster parent) as Sara's guardian
    guardianship = guardianship_set(
        youth=demo["sara"], guardian=demo["laerer"], reason=REGISTER, actor=municipal_admin
    )
    # Then it is audited (ids only) and Sara is told
    event = AuditEvent.objects.get(action="guardianship.set", object_id=str(guardianship.pk))
    assert event.actor == municipal_admin
    assert event.data == {"youth": demo["sara"].pk, "guardian": demo["laerer"].pk}
    assert coordination_notifications.GUARDIANSHIP_SET.key in kinds_told(demo["sara"])
    # And Sara's home page names her registered guardians
    home = page_client(demo["sara"]).get("/").content.decode()
    assert "Ole Hansen" in home and "Hilde Nilsen" in home and "foresatt" in home
    # When the ungdomshjelper adds someone else registered as guardian (the teacher is already a
    # helper): a new registered guardian
    stepfather = UserFactory(display_name="Ny Foresatt")
    guardianship_set(
        youth=demo["sara"], guardian=stepfather, reason=REGISTER, actor=municipal_admin
    )
    response = as_user(demo["ungdomshjelper"]).post(
        f"/api/v1/cases/{demo.sara_case.pk}/participants/",
        {"user": stepfather.pk, "role": "guardian"},
        format="json",
    )
    assert response.status_code == 201


def test_registering_a_guardian_is_for_staff_with_a_reason(demo, municipal_admin):
    sara, mor = demo["sara"], demo["mor"]
    # A helper (no permission) cannot register anyone
    with pytest.raises(PermissionDenied):
        guardianship_set(youth=sara, guardian=demo["bup"], reason=REGISTER, actor=demo["bup"])
    # Staff cannot register themself
    with pytest.raises(ValidationError):
        guardianship_set(
            youth=sara, guardian=municipal_admin, reason=REGISTER, actor=municipal_admin
        )
    # A reason is required; a pair is registered once
    with pytest.raises(ValidationError):
        guardianship_set(youth=sara, guardian=demo["nav"], reason="  ", actor=municipal_admin)
    with pytest.raises(ValidationError):
        guardianship_set(youth=sara, guardian=mor, reason=REGISTER, actor=municipal_admin)
    assert not Guardianship.objects.filter(guardian__in=[demo["bup"], demo["nav"]]).exists()


def test_seed_demo_registers_mor_and_far_once(demo, settings):
    from tests.cases.conftest import seed

    seed(settings)  # twice: idempotent
    pairs = set(
        Guardianship.objects.filter(ended_at=None).values_list(
            "guardian__username", "youth__username"
        )
    )
    assert pairs == {("mor", "sara"), ("far", "jonas")}
    assert Guardianship.objects.count() == 2


def test_ending_a_guardianship_takes_the_guardian_off_and_tells_the_youth(demo, municipal_admin):
    # Given Jonas (13), whose father is his only guardian on the team
    far, jonas = demo["far"], demo["jonas"]
    guardianship = Guardianship.objects.get(guardian=far, youth=jonas, ended_at=None)
    assert (
        as_user(far).get(f"/api/v1/cases/{demo.jonas_case.pk}/who-knows-what/").status_code == 200
    )
    # A helper cannot end it; a reason is required
    with pytest.raises(PermissionDenied):
        guardianship_end(guardianship=guardianship, actor=demo["barnevern"], reason="Nei")
    with pytest.raises(ValidationError):
        guardianship_end(guardianship=guardianship, actor=municipal_admin, reason="")
    # When the municipality ends it
    guardianship_end(guardianship=guardianship, actor=municipal_admin, reason="Dom i tingretten.")
    # Then he is off Jonas' case and sees nothing there
    assert not Participant.objects.filter(case=demo.jonas_case, user=far, left=None).exists()
    assert (
        as_user(far).get(f"/api/v1/cases/{demo.jonas_case.pk}/who-knows-what/").status_code == 404
    )
    # And Jonas is told both, and that nobody can approve sharing now
    told = kinds_told(jonas)
    assert consent_notifications.GUARDIANSHIP_ENDED.key in told
    assert consent_notifications.GUARDIAN_LEFT_NOBODY_DECIDES.key in told
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"guardianship.ended", "participant.removed"} <= actions
    home = page_client(jonas).get("/")
    assert "Ingen kan godkjenne deling nå" in home.content.decode()
    # Ended once
    with pytest.raises(StateConflict):
        guardianship_end(guardianship=guardianship, actor=municipal_admin, reason="Igjen")
    # And he cannot be added back as guardian
    with pytest.raises(ValidationError):
        participant_add(case=demo.jonas_case, actor=None, user=far, role="guardian")


@pytest.mark.parametrize(
    ("age", "guardians", "told"),
    [
        (13, 2, consent_notifications.GUARDIAN_LEFT_GUARDIANS_DECIDE.key),
        (13, 1, consent_notifications.GUARDIAN_LEFT_NOBODY_DECIDES.key),
        (15, 1, consent_notifications.GUARDIAN_LEFT_NOBODY_DECIDES.key),
        (16, 1, consent_notifications.GUARDIAN_LEFT_YOUTH_DECIDES.key),
    ],
)
def test_a_guardian_leaving_tells_the_youth_who_decides_now(db, age, guardians, told):
    # Given a case with its ungdomshjelper and `guardians` registered guardians on the team
    case = CaseFactory(youth=youth_aged(age))
    coordinator = ParticipantFactory(case=case, role=Participant.Role.UNGDOMSHJELPER).user
    team = [ParticipantFactory(case=case, role=Participant.Role.GUARDIAN) for _ in range(guardians)]
    # When the ungdomshjelper takes one guardian off
    participant_remove(participant=team[0], actor=coordinator)
    # Then the youth is told who decides now
    assert [kind for kind in kinds_told(case.youth) if kind.startswith("guardian_left")] == [told]
    home = page_client(case.youth).get("/").content.decode()
    if told == consent_notifications.GUARDIAN_LEFT_GUARDIANS_DECIDE.key:
        assert team[1].user.name in home
    elif told == consent_notifications.GUARDIAN_LEFT_NOBODY_DECIDES.key:
        assert "Ingen kan godkjenne deling nå" in home
    else:
        assert "Du bestemmer selv" in home


def test_staff_register_and_end_guardianships_in_the_admin(demo, municipal_admin):
    admin = page_client(municipal_admin)
    sara, nav = demo["sara"], demo["nav"]
    assert admin.get("/admin/coordination/guardianship/").status_code == 200
    assert admin.get("/admin/coordination/guardianship/add/").status_code == 200
    # Without a reason: refused, nothing saved
    response = admin.post(
        "/admin/coordination/guardianship/add/",
        {"youth": sara.pk, "guardian": nav.pk, "reason": ""},
    )
    assert response.status_code == 200
    assert not Guardianship.objects.filter(guardian=nav).exists()
    # With one: registered through the service (audited, Sara told)
    admin.post(
        "/admin/coordination/guardianship/add/",
        {"youth": sara.pk, "guardian": nav.pk, "reason": REGISTER},
    )
    guardianship = Guardianship.objects.get(guardian=nav, youth=sara)
    assert guardianship.set_by == municipal_admin
    assert AuditEvent.objects.filter(
        action="guardianship.set", object_id=str(guardianship.pk)
    ).exists()
    # Ending needs a reason too, then it is stamped, never deleted
    change = f"/admin/coordination/guardianship/{guardianship.pk}/change/"
    assert admin.post(change, {"end_reason": ""}).status_code == 200
    admin.post(change, {"end_reason": "Feilregistrert."})
    guardianship.refresh_from_db()
    assert guardianship.ended_by == municipal_admin and guardianship.end_reason == "Feilregistrert."
    # An ended one is history: shown, not changeable
    assert "Feilregistrert." in admin.get(change).content.decode()
    assert (
        admin.post(f"/admin/coordination/guardianship/{guardianship.pk}/delete/").status_code == 403
    )
    assert Guardianship.objects.filter(pk=guardianship.pk).exists()
