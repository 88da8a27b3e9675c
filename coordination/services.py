import hashlib
import json
import logging
import time
from datetime import timedelta

import phonenumbers
import redis
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token

from .locks import for_update
from .models import PRESENTATION_MAX_CHARS, AuditEvent, Guardianship, Notification, User
from .notifications import (
    BIRTH_DATE_CHANGED,
    GUARDIANSHIP_SET,
    NotificationKind,
    kind_check,
    kind_for,
)
from .sms import send_sms

logger = logging.getLogger(__name__)


def user_set_language(*, user: User, language: str) -> None:
    """Remembers the language a logged-in person chose (validated by the caller's form)."""
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


def presentation_check(presentation: str) -> str:
    presentation = presentation.strip()
    if len(presentation) > PRESENTATION_MAX_CHARS:
        raise ValidationError(
            {
                "presentation": translation.gettext(
                    "Write at most %(max)d characters (you wrote %(count)d)."
                )
                % {"max": PRESENTATION_MAX_CHARS, "count": len(presentation)}
            }
        )
    return presentation


def user_presentation_set(*, user: User, presentation: str) -> User:
    """The few words a person writes about themself; plain text, shown escaped."""
    presentation = presentation_check(presentation)
    if user.presentation != presentation:
        user.presentation = presentation
        user.save(update_fields=["presentation"])
    return user


# --- A person's own profile ----------------------------------------------------------------

CHANNEL_IN_APP = "in_app"
PROFILE_CHANNELS = ("in_app", "email", "sms")
PHONE_INPUT_MAX_CHARS = 32
EMAIL_MAX_CHARS = 254


def phone_normalize(raw: str) -> str:
    """A phone number as E.164 ("+4791234567"): Norwegian without a country code (+47 is
    assumed), or international with one; "" stays "". ValidationError on the field `phone`
    for anything that is not a number that can exist."""
    raw = raw.strip()
    if not raw:
        return ""
    invalid = ValidationError(
        {
            "phone": translation.gettext(
                "Write a phone number that can be reached, e.g. 912 34 567 or +46 70 123 45 67."
            )
        }
    )
    if len(raw) > PHONE_INPUT_MAX_CHARS:
        raise invalid
    try:
        number = phonenumbers.parse(raw, "NO")
    except phonenumbers.NumberParseException:
        raise invalid from None
    if not phonenumbers.is_valid_number(number):
        raise invalid
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def user_channels(user: User) -> list[str]:
    """The channels a person chose, as the profile shows them; in-app is always on."""
    channels = [CHANNEL_IN_APP]
    if user.notify_by_email:
        channels.append(CHANNEL_EMAIL)
    if user.notify_by_sms:
        channels.append(CHANNEL_SMS)
    return channels


def _profile_errors(
    *, email: str, phone: str, channels: list[str], language: str, display_name: str
) -> tuple[dict[str, str], str]:
    errors: dict[str, str] = {}
    if email:
        try:
            if len(email) > EMAIL_MAX_CHARS:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            errors["email"] = translation.gettext("Write an e-mail address like name@example.no.")
    try:
        phone = phone_normalize(phone)
    except ValidationError as error:
        errors["phone"] = " ".join(error.message_dict["phone"])
    if len(display_name) > User._meta.get_field("display_name").max_length:  # type: ignore[operator]
        errors["display_name"] = translation.gettext("Write a shorter name.")
    unknown = set(channels) - set(PROFILE_CHANNELS)
    if unknown or CHANNEL_IN_APP not in channels:
        errors["channels"] = translation.gettext(
            "Messages in Sammen are always on. You can add e-mail and SMS."
        )
    elif CHANNEL_EMAIL in channels and not email and "email" not in errors:
        errors["channels"] = translation.gettext("Add an e-mail address to get e-mail.")
    elif CHANNEL_SMS in channels and not phone and "phone" not in errors:
        errors["channels"] = translation.gettext("Add a phone number to get SMS.")
    if language not in dict(settings.LANGUAGES):
        errors["language"] = translation.gettext("Choose one of the languages offered.")
    return errors, phone


@transaction.atomic
def user_profile_update(
    *,
    user: User,
    display_name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    channels: list[str] | None = None,
    language: str | None = None,
    presentation: str | None = None,
) -> User:
    """A person changes their own profile; None leaves a field as it is. Every field is checked
    before anything is saved, so one wrong field saves nothing (ValidationError naming each).
    The phone is stored as E.164. A new e-mail or phone is used from the next notification on:
    delivery reads the recipient's row when it sends. The birth date is not here: only staff
    change it (the admin, user_birth_date_changed). Audited by field name, never the values."""
    user = for_update(User.objects.all()).get(pk=user.pk)
    display_name = user.display_name if display_name is None else display_name.strip()
    email = user.email if email is None else email.strip()
    phone = user.phone if phone is None else phone
    channels = user_channels(user) if channels is None else list(channels)
    language = user.preferred_language if language is None else language
    errors, phone = _profile_errors(
        email=email, phone=phone, channels=channels, language=language, display_name=display_name
    )
    if presentation is not None:
        try:
            presentation = presentation_check(presentation)
        except ValidationError as error:
            errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    values = {
        "display_name": display_name,
        "email": email,
        "phone": phone,
        "notify_by_email": CHANNEL_EMAIL in channels,
        "notify_by_sms": CHANNEL_SMS in channels,
        "preferred_language": language,
    }
    if presentation is not None:
        values["presentation"] = presentation
    changed = [field for field, value in values.items() if getattr(user, field) != value]
    if not changed:
        return user
    for field in changed:
        setattr(user, field, values[field])
    user.save(update_fields=changed)
    audit_append(
        actor=user,
        action="user.profile_changed",
        object_type="user",
        object_id=str(user.pk),
        data={"changed": sorted(changed)},
    )
    return user


# --- Staff changes to people (made in the admin; recorded here) -------------------------------

# Fields that decide what someone may do in the admin. Never access to a case: that is only
# ever participation (cases) and disclosures (consent).
PERMISSION_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")
REASON_MAX_CHARS = 1_000


def _reason_required(reason: str, *, field: str, message: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({field: message})
    if len(reason) > REASON_MAX_CHARS:
        raise ValidationError(
            {
                field: translation.gettext("Write at most %(max)d characters.")
                % {"max": REASON_MAX_CHARS}
            }
        )
    return reason


def birth_date_reason_check(reason: str) -> str:
    return _reason_required(
        reason,
        field="birth_date_reason",
        message=translation.gettext(
            "Say why the birth date changes: it decides who may consent to sharing."
        ),
    )


@transaction.atomic
def user_birth_date_changed(*, user: User, actor: User, reason: str) -> AuditEvent:
    """Records that staff changed `user`'s birth date (the admin form saved the field): the
    audit chain gets the reason, the young person is told. The dates stay out of the chain
    (it cannot be erased); the user row has the current one."""
    reason = birth_date_reason_check(reason)
    event = audit_append(
        actor=actor,
        action="user.birth_date_changed",
        object_type="user",
        object_id=str(user.pk),
        data={"reason": reason},
    )
    notification_create(recipient=user, kind=BIRTH_DATE_CHANGED, target_url="/")
    return event


def user_password_set_by_staff(*, user: User, actor: User) -> AuditEvent:
    """Records that staff set or removed someone else's password (never the password)."""
    return audit_append(
        actor=actor,
        action="user.password_set",
        object_type="user",
        object_id=str(user.pk),
        data={"usable": user.has_usable_password()},
    )


def user_permissions_changed(*, user: User, actor: User, changed: list[str]) -> AuditEvent:
    """Records a change of what `user` may do in the admin: which fields changed and the state
    after it, as ids."""
    return audit_append(
        actor=actor,
        action="user.permissions_changed",
        object_type="user",
        object_id=str(user.pk),
        data={
            "changed": sorted(changed),
            "is_staff": user.is_staff,
            "is_superuser": user.is_superuser,
            "groups": sorted(user.groups.values_list("pk", flat=True)),
            "user_permissions": sorted(user.user_permissions.values_list("pk", flat=True)),
        },
    )


def group_permissions_changed(*, group: Group, actor: User) -> AuditEvent:
    """Records a change of what every member of `group` may do in the admin (ids only)."""
    return audit_append(
        actor=actor,
        action="group.permissions_changed",
        object_type="group",
        object_id=str(group.pk),
        data={"permissions": sorted(group.permissions.values_list("pk", flat=True))},
    )


# --- Guardianships: who is a young person's guardian ---------------------------------------


def guardianship_set_check(*, youth: User, guardian: User, actor: User | None) -> None:
    """What refuses a registration, for the service and the admin form alike."""
    if actor is not None and not actor.has_perm("coordination.add_guardianship"):
        raise PermissionDenied(translation.gettext("Only municipal staff register guardians."))
    if youth.pk == guardian.pk:
        raise ValidationError(
            {"guardian": translation.gettext("A person cannot be their own guardian.")}
        )
    if actor is not None and actor.pk == guardian.pk:
        # The person who vouches for a guardianship is never the one who gains from it.
        raise ValidationError(
            {"guardian": translation.gettext("You cannot register yourself as a guardian.")}
        )
    if Guardianship.objects.filter(youth=youth, guardian=guardian, ended_at=None).exists():
        raise ValidationError(
            {"guardian": translation.gettext("This person is already registered as guardian.")}
        )


def guardianship_reason_check(reason: str, *, field: str = "reason") -> str:
    return _reason_required(
        reason,
        field=field,
        message=translation.gettext(
            "Say what this rests on, e.g. the national population register. "
            "The young person can see it."
        ),
    )


@transaction.atomic
def guardianship_set(
    *, youth: User, guardian: User, reason: str, actor: User | None
) -> Guardianship:
    """Registers `guardian` as a guardian of `youth`. `actor` None is the system (demo data).

    The young person's row is locked so that two registrations of one pair run one after the
    other and the second is refused instead of breaking the unique constraint."""
    for_update(User.objects.filter(pk=youth.pk)).first()
    guardianship_set_check(youth=youth, guardian=guardian, actor=actor)
    reason = guardianship_reason_check(reason)
    guardianship = Guardianship.objects.create(
        youth=youth, guardian=guardian, reason=reason, set_by=actor
    )
    audit_append(
        actor=actor,
        action="guardianship.set",
        object_type="guardianship",
        object_id=str(guardianship.pk),
        data={"youth": youth.pk, "guardian": guardian.pk},
    )
    notification_create(recipient=youth, kind=GUARDIANSHIP_SET, target_url="/")
    return guardianship


def api_token_for(*, user: User) -> str:
    token, _created = Token.objects.get_or_create(user=user)
    return token.key


WORKER_HEARTBEAT_KEY = "sammen:worker-heartbeat"


def worker_heartbeat_record() -> None:
    """Stamps the time a Celery worker last ran a scheduled task (read by /health/)."""
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    client.set(WORKER_HEARTBEAT_KEY, str(time.time()), ex=24 * 60 * 60)


# --- Notifications: the outbox -------------------------------------------------------------

CHANNEL_EMAIL = "email"
CHANNEL_SMS = "sms"
SWEEP_BATCH_SIZE = 500
# Rows younger than this are left to the on_commit enqueue; the sweep is for the ones it missed.
SWEEP_GRACE = timedelta(seconds=30)


def notification_create(
    *,
    recipient: User,
    kind: NotificationKind,
    case_id: int | None = None,
    entry_id: int | None = None,
    target_url: str = "",
) -> Notification:
    """Writes an outbox row in the caller's transaction; delivery is enqueued after commit.

    If the broker is down the enqueue fails quietly and the beat sweep delivers the row later,
    so the event that caused the notification never fails because of Redis.
    """
    kind_check(kind)
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind.key,
        case_id=case_id,
        entry_id=entry_id,
        target_url=target_url,
    )
    transaction.on_commit(lambda: notification_enqueue(notification_id=notification.pk))
    return notification


def notification_enqueue(*, notification_id: int) -> bool:
    """Hands one notification to Celery; False (and a log line without content) if it can't."""
    from .tasks import deliver  # the task module imports this one

    try:
        deliver.apply_async((notification_id,), retry=False)
    except Exception:  # kombu/redis raise several types; all mean "broker unavailable"
        logger.warning("Broker unavailable; notification %s waits for the sweep", notification_id)
        return False
    return True


def notification_text(notification: Notification) -> str:
    """The text every channel uses: what happened, never what it is about (no case content)."""
    return str(kind_for(notification.kind).text)


def _absolute_link(notification: Notification) -> str:
    return settings.SAMMEN_BASE_URL.rstrip("/") + (notification.target_url or "/notifications/")


def _send_email(notification: Notification, text: str) -> None:
    message = EmailMessage(
        subject=translation.gettext("New in Sammen"),
        body=f"{text}\n\n{_absolute_link(notification)}\n",
        to=[notification.recipient.email],
        # A stable Message-ID lets mail systems drop the copy a crashed worker might resend.
        headers={"Message-ID": f"<notification-{notification.pk}@sammen>"},
    )
    message.send(fail_silently=False)


def _send_sms(notification: Notification, text: str) -> None:
    send_sms(notification.recipient.phone, f"{text} {_absolute_link(notification)}")


def notification_channels(recipient: User) -> list[str]:
    """External channels for this person; in-app needs no sending (the row is the message)."""
    channels = []
    if recipient.notify_by_email and recipient.email:
        channels.append(CHANNEL_EMAIL)
    if recipient.notify_by_sms and recipient.phone:
        channels.append(CHANNEL_SMS)
    return channels


def notification_deliver(*, notification_id: int) -> bool:
    """Sends one notification through the recipient's channels, once.

    The row is claimed with a conditional UPDATE (no lock is held while sending); each channel is
    recorded as soon as it has been handed over, so a re-run after a crash skips what was sent.
    Returns False when there was nothing to do (already delivered, or claimed by another worker).
    """
    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id, delivered_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(
            claimed_until=now + timedelta(seconds=settings.NOTIFICATION_CLAIM_SECONDS),
            delivery_attempts=F("delivery_attempts") + 1,
        )
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    senders = {CHANNEL_EMAIL: _send_email, CHANNEL_SMS: _send_sms}
    with translation.override(notification.recipient.preferred_language):
        text = notification_text(notification)
        for channel in notification_channels(notification.recipient):
            if channel in notification.channels_done:
                continue
            senders[channel](notification, text)
            notification.channels_done.append(channel)
            Notification.objects.filter(pk=notification_id).update(
                channels_done=notification.channels_done
            )
    Notification.objects.filter(pk=notification_id).update(
        delivered_at=timezone.now(), claimed_until=None
    )
    return True


def notifications_sweep(
    *, batch_size: int = SWEEP_BATCH_SIZE, grace: timedelta = SWEEP_GRACE
) -> int:
    """Re-enqueues undelivered notifications whose enqueue was lost or whose worker died.

    Returns how many were handed to the broker.
    """
    now = timezone.now()
    pending_ids = list(
        Notification.objects.filter(delivered_at__isnull=True, created__lt=now - grace)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("created")
        .values_list("pk", flat=True)[:batch_size]
    )
    enqueued = 0
    for notification_id in pending_ids:
        if not notification_enqueue(notification_id=notification_id):
            break
        enqueued += 1
    return enqueued


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, recipient: User) -> int:
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- Audit chain ---------------------------------------------------------------------------

GENESIS_HASH = "0" * 64
# pg_advisory_xact_lock key: one writer at a time extends the chain.
AUDIT_CHAIN_LOCK = 7_201_001


def audit_hash(event: AuditEvent, previous_hash: str) -> str:
    """The row's hash: SHA-256 over the previous hash and the row's content, canonically."""
    content = {
        "created": event.created.isoformat(),
        "actor": event.actor_id,
        "action": event.action,
        "case": event.case_id,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "data": event.data,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((previous_hash + canonical).encode()).hexdigest()


@transaction.atomic
def audit_append(
    *,
    actor: User | None,
    action: str,
    case_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Appends one row to the audit chain, inside the caller's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK])
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    previous_hash = last or GENESIS_HASH
    event = AuditEvent(
        created=timezone.now(),
        actor=actor,
        action=action,
        case_id=case_id,
        object_type=object_type,
        object_id=str(object_id),
        data=data or {},
        previous_hash=previous_hash,
    )
    # Round-trip the data through JSON first so the hash covers exactly what the database stores.
    event.data = json.loads(json.dumps(event.data))
    event.hash = audit_hash(event, previous_hash)
    event.save()
    return event
