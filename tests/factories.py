"""Factories for every test module; tests build exactly the world they need."""

import datetime

import factory
import factory.random  # not loaded by `import factory`; CaseFactory draws from it
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory

from cases.models import Case, Entry, Participant
from cases.services import case_create, entry_create, participant_add
from consent import notifications as consent_notifications
from coordination.models import Notification, User
from coordination.selectors import guardianship_active
from coordination.services import guardianship_set
from services_registry import models as catalogue
from services_registry.services import service_search_refresh
from tests.dates import born_for_age

PASSWORD = "correct-horse-battery"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name", locale="no_NO")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.test")

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


def totp_code(device: TOTPDevice) -> str:
    """The code the person's authenticator app shows now for `device`."""
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):0{device.digits}d}"


def login_with_second_factor(client, user) -> TOTPDevice:
    """Logs `user` in with a second factor already given in this session, as the code page
    leaves it (staff, catalogue editors and, outside DEBUG, helpers need one)."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def page_client(user) -> Client:
    """A browser-like client logged in as `user`, past the second factor where staff need it."""
    client = Client()
    if user.is_staff:
        login_with_second_factor(client, user)
    else:
        client.force_login(user)
    return client


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = consent_notifications.ENTRY_RECEIVED.key


# --- services_registry: the service catalogue -------------------------------------------------


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = catalogue.Organization

    name = factory.Sequence(lambda n: f"Organisasjon {n}")
    description = "En organisasjon i kommunen."


class TaxonomyFactory(DjangoModelFactory):
    class Meta:
        model = catalogue.Taxonomy

    name = "Sammen-temaer"
    description = "Temaer"


class TaxonomyTermFactory(DjangoModelFactory):
    class Meta:
        model = catalogue.TaxonomyTerm

    taxonomy = factory.SubFactory(TaxonomyFactory)
    code = factory.Sequence(lambda n: f"tema-{n}")
    name = factory.Sequence(lambda n: f"Tema {n}")
    description = "Et tema"


class ServiceFactory(DjangoModelFactory):
    """A service; pass topics=[term, ...] to tag it. The search columns are refreshed."""

    class Meta:
        model = catalogue.Service
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Tjeneste {n}")
    description = "Hjelp for unge."
    level = catalogue.Service.Level.MUNICIPAL
    sector = catalogue.Service.Sector.HEALTH

    @factory.post_generation
    def topics(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create:
            for term in extracted or []:
                catalogue.Attribute.objects.create(service=self, taxonomy_term=term)
            service_search_refresh(service_ids=[self.pk])


class ScheduleFactory(DjangoModelFactory):
    class Meta:
        model = catalogue.Schedule

    service = factory.SubFactory(ServiceFactory)
    freq = catalogue.Schedule.Freq.WEEKLY
    byday = "MO,TU,WE,TH,FR"
    opens_at = datetime.time(8, 0)
    closes_at = datetime.time(16, 0)


class LocationFactory(DjangoModelFactory):
    class Meta:
        model = catalogue.Location

    organization = factory.SubFactory(OrganizationFactory)
    location_type = catalogue.Location.LocationType.PHYSICAL
    name = factory.Sequence(lambda n: f"Sted {n}")


# --- cases and consent ----------------------------------------------------------------------
# Entries and teams are built through the services, so permissions and audit rows exist exactly
# as in production.


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = Case

    title = factory.Sequence(lambda n: f"Sak {n}")
    # 16 or 17 by Oslo's date, as the app counts ages (Faker's date_of_birth counts from the
    # machine's UTC date: between 23:00 and 24:00 UTC one youth in ~730 was already 18).
    youth = factory.SubFactory(
        UserFactory,
        birth_date=factory.LazyFunction(
            lambda: born_for_age(
                factory.random.randgen.choice((16, 17)),
                on=timezone.localdate(),
                birthday_days_ago=factory.random.randgen.randrange(364),
            )
        ),
    )

    @classmethod
    def _create(cls, model_class: type[Case], *args: object, **kwargs: object) -> Case:
        return case_create(title=kwargs["title"], youth=kwargs["youth"])  # type: ignore[arg-type]


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = Participant

    case = factory.SubFactory(CaseFactory)
    user = factory.SubFactory(UserFactory)
    role = Participant.Role.HELPER
    service = factory.Maybe(
        factory.LazyAttribute(lambda p: p.role == Participant.Role.HELPER),
        yes_declaration=factory.SubFactory(ServiceFactory),
        no_declaration=None,
    )

    @classmethod
    def _create(
        cls, model_class: type[Participant], *args: object, **kwargs: object
    ) -> Participant:
        case, user = kwargs["case"], kwargs["user"]
        # Only a registered guardian can be on a case as guardian: register one the way the
        # municipality does.
        if kwargs["role"] == Participant.Role.GUARDIAN and (
            guardianship_active(youth=case.youth, guardian=user) is None  # type: ignore[attr-defined]
        ):
            guardianship_set(
                youth=case.youth,  # type: ignore[attr-defined]
                guardian=user,  # type: ignore[arg-type]
                reason="Folkeregisteret",
                actor=None,
            )
        return participant_add(actor=None, **kwargs)  # type: ignore[arg-type]


class EntryFactory(DjangoModelFactory):
    class Meta:
        model = Entry

    case = factory.SubFactory(CaseFactory)
    author = factory.LazyAttribute(lambda entry: ParticipantFactory(case=entry.case).user)
    kind = Entry.Kind.NOTE
    category = Entry.Category.HEALTH
    title = factory.Sequence(lambda n: f"Notat {n}")
    body = "Et notat."

    @classmethod
    def _create(cls, model_class: type[Entry], *args: object, **kwargs: object) -> Entry:
        return entry_create(**kwargs)  # type: ignore[arg-type]


# --- meetings -------------------------------------------------------------------------------
# Meetings are built through meetings.services, so the organiser rule and audit rows hold.

import datetime as _dt  # noqa: E402

from django.utils import timezone as _tz  # noqa: E402

from meetings.models import Meeting  # noqa: E402
from meetings.services import meeting_create  # noqa: E402


class MeetingFactory(DjangoModelFactory):
    """`organiser` must be the case's ungdomshjelper (or a helper when it has none)."""

    class Meta:
        model = Meeting

    case = factory.SubFactory(CaseFactory)
    organiser = factory.LazyAttribute(
        lambda m: (
            ParticipantFactory(case=m.case, role=Participant.Role.UNGDOMSHJELPER, service=None).user
        )
    )
    title = factory.Sequence(lambda n: f"Møte {n}")
    starts_at = factory.LazyFunction(lambda: _tz.now() + _dt.timedelta(days=7))
    place = "Møterom 1"

    @classmethod
    def _create(cls, model_class: type[Meeting], *args: object, **kwargs: object) -> Meeting:
        organiser = kwargs.pop("organiser")
        return meeting_create(actor=organiser, **kwargs)  # type: ignore[arg-type]


# --- voice: the ungdomshjelper ----------------------------------------------------------------

from django.contrib.auth.models import Group  # noqa: E402

from voice.selectors import COORDINATORS_GROUP  # noqa: E402


class CoordinatorFactory(UserFactory):
    """A municipal youth coordinator: a candidate for ungdomshjelper on every case."""

    presentation = "Jeg er ungdomshjelper i kommunen."

    @factory.post_generation
    def coordinators_group(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.groups.add(Group.objects.get_or_create(name=COORDINATORS_GROUP)[0])
