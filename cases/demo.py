"""Sara's and Jonas' cases of docs/architecture.md §10, with a few entries. Idempotent: what
exists is left alone, so running it twice changes nothing."""

from datetime import date
from typing import TextIO

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from coordination.demo import HELPERS, MUNICIPAL_ADMINS
from coordination.models import User
from services_registry.models import Organization, Service

from .models import CASE_ADMIN_CODENAME, OPEN_CASE_CODENAME, Case, Entry, Participant
from .services import case_create, entry_create_from_workflow, participant_add

# (service, organization). Looked up by name: the demo catalogue (services_registry, seeded
# first) has all but the school, so the helpers act for services the finder shows.
SCHOOL_HEALTH = (
    "Skolehelsetjenesten, Fjordvik ungdomsskole",
    "Fjordvik kommune – Helse og mestring",
)
SCHOOL = ("Fjordvik ungdomsskole", "Fjordvik kommune – Oppvekst og utdanning")
BUP = ("BUP Fjordvik (barne- og ungdomspsykiatrisk poliklinikk)", "Helse Fjord HF")
CHILD_WELFARE = ("Barnevernstjenesten", "Fjordvik kommune – Barnevernstjenesten")

# Everyone who helps young people for a service, and the municipal coordinator, may open a
# case; `nav` and `helsestasjon` too, though on no case.
HELPER_PERSONAS = [
    "laerer",
    "helsesykepleier",
    "bup",
    "barnevern",
    "nav",
    "helsestasjon",
    "ungdomshjelper",
]

SARA_CASE = "Sara - samarbeid rundt skole og helse"
JONAS_CASE = "Jonas - oppfølging hjemme og på skolen"

# (case title, author, kind, category, title, body)
ENTRIES = [
    (
        SARA_CASE, "helsesykepleier", "note", "health", "Samtale om søvn og stress",
        "Sara forteller at hun sover dårlig i uka før prøver.\n\n"
        "- Vi snakket om faste leggetider\n- Ny samtale om to uker",
    ),
    (
        SARA_CASE, "laerer", "plan", "school", "Tilrettelegging ved prøver",
        "Sara kan ta prøver på grupperom og får **15 minutter ekstra** tid.",
    ),
    (
        SARA_CASE, "ungdomshjelper", "minutes", "general", "Oppstartsmøte",
        "Sara valgte hvem som skulle være med. Neste møte om seks uker.",
    ),
    (
        JONAS_CASE, "barnevern", "note", "child_welfare", "Hjemmebesøk",
        "Samtale med Jonas og far om rutiner hjemme. Jonas ønsker mer fritid med venner.",
    ),
    (
        JONAS_CASE, "laerer", "note", "school", "Fravær i matematikk",
        "Jonas har vært borte fra fire matematikktimer denne måneden.",
    ),
]  # fmt: skip


def _service(name: str, organization: str) -> Service:
    existing = Service.objects.filter(name=name).first()
    if existing is not None:
        return existing
    org, _created = Organization.objects.get_or_create(name=organization)
    return Service.objects.create(name=name, organization=org)


def _case(title: str, youth: User) -> Case:
    existing = Case.objects.filter(title=title, youth=youth).first()
    return existing or case_create(title=title, youth=youth)


def _team(case: Case, members: list[tuple[User, str, Service | None]]) -> None:
    for user, role, service in members:
        if not Participant.objects.active().filter(case=case, user=user).exists():
            participant_add(case=case, actor=None, user=user, role=role, service=service)


@transaction.atomic
def seed_cases(*, users: dict[str, User], today: date, stdout: TextIO) -> dict[str, Case]:
    school_health = _service(*SCHOOL_HEALTH)
    school = _service(*SCHOOL)
    bup = _service(*BUP)
    child_welfare = _service(*CHILD_WELFARE)
    helper, guardian = Participant.Role.HELPER, Participant.Role.GUARDIAN

    sara = _case(SARA_CASE, users["sara"])
    _team(
        sara,
        [
            (users["mor"], guardian, None),
            (users["helsesykepleier"], helper, school_health),
            (users["laerer"], helper, school),
            (users["bup"], helper, bup),
            (users["ungdomshjelper"], Participant.Role.UNGDOMSHJELPER, None),
        ],
    )
    jonas = _case(JONAS_CASE, users["jonas"])
    _team(
        jonas,
        [
            (users["far"], guardian, None),
            (users["barnevern"], helper, child_welfare),
            (users["laerer"], helper, school),
            (users["helsesykepleier"], helper, school_health),
        ],
    )
    # Municipal admins review withholdings on any case (reason, who, when; never the entry).
    # They change no team: only a case's ungdomshjelper does.
    Group.objects.get(name=MUNICIPAL_ADMINS).permissions.add(
        Permission.objects.get(content_type__app_label="cases", codename=CASE_ADMIN_CODENAME)
    )
    helpers, _created = Group.objects.get_or_create(name=HELPERS)
    helpers.permissions.add(
        Permission.objects.get(content_type__app_label="cases", codename=OPEN_CASE_CODENAME)
    )
    helpers.user_set.add(*(users[name] for name in HELPER_PERSONAS))
    cases = {SARA_CASE: sara, JONAS_CASE: jonas}
    # Demo entries stand in for what the workflows would have written (the start meeting's
    # minutes among them), so they are written the way those workflows write.
    for case_title, author, kind, category, title, body in ENTRIES:
        case = cases[case_title]
        if not Entry.objects.filter(case=case, title=title).exists():
            entry_create_from_workflow(
                case=case,
                author=users[author],
                kind=kind,
                category=category,
                title=title,
                body=body,
            )
    stdout.write("Cases: Sara (5 on the team), Jonas (4 on the team)")
    return {"sara": sara, "jonas": jonas}
