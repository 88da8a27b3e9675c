import functools
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Q, QuerySet
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .demo import HELPERS
from .locks import for_update
from .models import AuditEvent, Guardianship, Identity, Notification, User
from .services import (
    GENESIS_HASH,
    LEGACY_CHAIN,
    WORKER_HEARTBEAT_KEY,
    audit_chain,
    audit_hash,
    identity_hash,
)
from .statements import CompiledRead, Paged, Slot

# Beat schedules the heartbeat every minute; three missed beats mean the worker or beat is gone.
WORKER_HEARTBEAT_MAX_AGE_SECONDS = 180


def service_health() -> dict[str, str]:
    """What answers right now.

    {"database": "ok"|"down", "redis": "ok"|"down", "worker": "ok"|"stale"|"unknown"}.
    The worker state is informative: a stopped worker delays notifications (the outbox keeps
    them) but does not make the portal unhealthy.
    """
    health = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        health["database"] = "ok"
    except DatabaseError:
        health["database"] = "down"
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        last_beat = client.get(WORKER_HEARTBEAT_KEY)
        health["redis"] = "ok"
        if last_beat is None:
            health["worker"] = "unknown"
        elif time.time() - float(last_beat) <= WORKER_HEARTBEAT_MAX_AGE_SECONDS:
            health["worker"] = "ok"
        else:
            health["worker"] = "stale"
    except redis.RedisError:
        health["redis"] = "down"
        health["worker"] = "unknown"
    return health


def notifications_for(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The person's own notifications, newest first; nobody sees anyone else's."""
    notifications = Notification.objects.filter(recipient=user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created", "-id")


# The API's inbox, a page at a time (coordination.api): notifications_for's two statements
# compiled once a process, the person bound per call (building and compiling them was most of
# the call's Python, benchmarks/README.md).
def _notifications_of(*, user: int, unread_only: bool) -> QuerySet[Notification]:
    return notifications_for(user=User(pk=user), unread_only=unread_only)


_NOTIFICATIONS_LISTED = {
    unread_only: CompiledRead(
        functools.partial(_notifications_of, unread_only=unread_only), user=Slot(-1, -2)
    )
    for unread_only in (False, True)
}


def notifications_listed(*, user: User, unread_only: bool = False) -> Paged:
    """notifications_for as the API's paginator reads it."""
    return _NOTIFICATIONS_LISTED[unread_only].paged(user=user.pk)


def unread_notification_count(*, user: User) -> int:
    """The badge on every page: the unread inbox's compiled COUNT (no statement built a call)."""
    return _NOTIFICATIONS_LISTED[True].paged(user=user.pk).count()


AUDIT_VERIFY_CHUNK = 2_000


@dataclass(frozen=True)
class AuditChainsReport:
    """What verifying the audit log found: its rows and chains, and the first broken row of
    each broken chain (in chain order)."""

    rows: int
    chains: int
    broken: list[AuditEvent]
    # Each chain's last row as stored: (id, hash).
    heads: dict[str, tuple[int, str]]


def audit_chains_verify() -> AuditChainsReport:
    """Recomputes every chain: the legacy chain (rows from before chains existed, "") from the
    genesis hash, every other chain from the legacy chain's last hash. A row is broken when it
    does not link to the previous row of its chain, its hash does not match its content, or it
    is not in its case's chain. One pass in (chain, id) order, the index's."""
    legacy_head = (
        AuditEvent.objects.filter(chain=LEGACY_CHAIN)
        .order_by("-id")
        .values_list("hash", flat=True)
        .first()
    )
    anchor = legacy_head or GENESIS_HASH
    rows = chains = 0
    broken: list[AuditEvent] = []
    heads: dict[str, tuple[int, str]] = {}
    chain: str | None = None
    previous_hash = ""
    chain_broken = False
    events = AuditEvent.objects.order_by("chain", "id").iterator(chunk_size=AUDIT_VERIFY_CHUNK)
    for event in events:
        rows += 1
        heads[event.chain] = (event.pk, event.hash)
        if event.chain != chain:
            chain, chains, chain_broken = event.chain, chains + 1, False
            previous_hash = GENESIS_HASH if chain == LEGACY_CHAIN else anchor
        if chain_broken:
            continue
        if (
            (chain != LEGACY_CHAIN and chain != audit_chain(event.case_id))
            or event.previous_hash != previous_hash
            or audit_hash(event, previous_hash) != event.hash
        ):
            broken.append(event)
            chain_broken = True
        previous_hash = event.hash
    return AuditChainsReport(rows=rows, chains=chains, broken=broken, heads=heads)


def audit_heads_missing(recorded: dict[str, tuple[int, str]]) -> list[str]:
    """The chains whose recorded last row (id, hash), from an earlier verification, is no
    longer a row of that chain: rows were removed from its end, which the hashes alone cannot
    show. In chain order; one query."""
    rows = AuditEvent.objects.filter(pk__in=[pk for pk, _hash in recorded.values()])
    present = set(rows.values_list("chain", "pk", "hash"))
    return sorted(
        chain for chain, (pk, hash_) in recorded.items() if (chain, pk, hash_) not in present
    )


def guardianship_active(*, youth: User, guardian: User, lock: bool = False) -> Guardianship | None:
    """The registration that `guardian` is a guardian of `youth` now. `lock` (inside a
    transaction) holds the row so that it cannot be ended until the caller commits."""
    guardianships = Guardianship.objects.filter(youth=youth, guardian=guardian, ended_at=None)
    if lock:
        guardianships = for_update(guardianships)
    return guardianships.first()


def guardianships_now() -> QuerySet[Guardianship]:
    """The guardianships registered now (not ended), in the order they were registered."""
    return Guardianship.objects.filter(ended_at=None).order_by("created", "id")


def guardianships_of_youth(*, youth: User) -> QuerySet[Guardianship]:
    """Who is registered as guardian of `youth` now, for the young person's own page."""
    return guardianships_now().filter(youth=youth).select_related("guardian")


def guardianships_as_guardian(*, guardian: User) -> QuerySet[Guardianship]:
    """Whose guardian `guardian` is registered as now, for the guardian's own page."""
    return guardianships_now().filter(guardian=guardian).select_related("youth")


def _guardianships_of(*, user: int) -> QuerySet[Guardianship]:
    return (
        guardianships_now()
        .filter(Q(youth_id=user) | Q(guardian_id=user))
        .select_related("guardian", "youth")
    )


# Every home page asks (coordination.home.guardianship_sections): compiled once a process.
_GUARDIANSHIPS_OF = CompiledRead(_guardianships_of, user=Slot(-1, -2))


def guardianships_of_person(*, user: User) -> tuple[list[Guardianship], list[Guardianship]]:
    """guardianships_of_youth and guardianships_as_guardian of `user` in one query (the home
    page shows both): (as the young person, as the guardian)."""
    rows = _GUARDIANSHIPS_OF(user=user.pk)
    return (
        [row for row in rows if row.youth_id == user.pk],
        [row for row in rows if row.guardian_id == user.pk],
    )


# The roles an OpenID provider may be opened to (SAMMEN_OIDC_<KEY>_ROLES).
SIGN_IN_ROLES = ("youth", "guardian", "helper", "staff")


def identity_user(*, provider: str, subject: str) -> User | None:
    """The active account linked to this person at this provider, if any."""
    identity = (
        Identity.objects.select_related("user")
        .filter(
            provider=provider,
            subject_hash=identity_hash(provider=provider, subject=subject),
            user__is_active=True,
        )
        .first()
    )
    return identity.user if identity else None


def user_sign_in_roles(*, user: User) -> set[str]:
    """What a person is, as far as choosing a sign-in goes: a young person (has a birth date), a
    registered guardian, a helper (the helpers' group, coordination.demo.HELPERS) or staff."""
    roles = set()
    if user.birth_date is not None:
        roles.add("youth")
    if Guardianship.objects.filter(guardian=user, ended_at__isnull=True).exists():
        roles.add("guardian")
    if user.groups.filter(name=HELPERS).exists():
        roles.add("helper")
    if user.is_staff:
        roles.add("staff")
    return roles


def account_named(username: object) -> User | None:
    """The account a login form named, to audit a failed try against it."""
    if not isinstance(username, str) or not username:
        return None
    return User.objects.filter(username=username).first()


def second_factor_app(*, user: User) -> TOTPDevice | None:
    """The person's authenticator app, once set up (confirmed)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
