import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import phonenumbers
import redis
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone, translation
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from .errors import StateConflict
from .locks import for_update
from .models import (
    PRESENTATION_MAX_CHARS,
    AuditEvent,
    Guardianship,
    Identity,
    Notification,
    User,
)
from .notifications import (
    BIRTH_DATE_CHANGED,
    GUARDIANSHIP_SET,
    NotificationKind,
    kind_check,
    kind_for,
)
from .sms import send_sms
from .statements import AnyOf, CompiledRead, Prepared, PreparedInsert, Slot

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


def email_error(email: str) -> str | None:
    """What to tell someone about an e-mail address they wrote; None for "" or a usable one.
    The length is the column's: a longer one would be a database error, not a 400."""
    if email and len(email) <= EMAIL_MAX_CHARS:
        try:
            validate_email(email)
            return None
        except ValidationError:
            pass
    return translation.gettext("Write an e-mail address like name@example.no.") if email else None


def _profile_errors(
    *, email: str, phone: str, channels: list[str], language: str, display_name: str
) -> tuple[dict[str, str], str]:
    errors: dict[str, str] = {}
    if problem := email_error(email):
        errors["email"] = problem
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


# --- Two-factor sign-in (the rule: coordination/two_factor.py) ------------------------------

RECOVERY_CODE_COUNT = 10
TOTP_DIGITS = 6


def _code_normalised(code: str) -> str:
    # People copy codes with spaces ("123 456") or type recovery codes in capitals.
    return "".join(code.split()).replace("-", "").lower()


def second_factor_setup_start(*, user: User) -> TOTPDevice:
    """The authenticator app the person is adding: their unconfirmed TOTP device, made on the
    first visit and kept until confirmed, so reloading the page keeps the QR code."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise StateConflict(
            translation.gettext("Two-factor sign-in is already set up. Reset it first.")
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="app", confirmed=False)


def second_factor_setup_confirm(
    *, user: User, code: str, request: HttpRequest | None
) -> tuple[TOTPDevice, list[str]] | None:
    """Turns the app on when `code` is its current code, and makes fresh recovery codes (the
    only time they are shown). None, counted as a failed sign-in, when the code is wrong."""
    code = _code_normalised(code)
    if second_factor_locked_out(user=user, request=request):
        return None
    with transaction.atomic():
        device = (
            for_update(TOTPDevice.objects.filter(user=user, confirmed=False)).order_by("pk").first()
        )
        verified = device is not None and device.verify_token(code)
    if not verified or device is None:
        _second_factor_failed(user=user, request=request, kind="totp")
        return None
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        StaticDevice.objects.filter(user=user).delete()
        recovery = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
        codes = [StaticToken.random_token() for _index in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
        audit_append(
            actor=user, action="two_factor.set_up", object_type="user", object_id=str(user.pk)
        )
    return device, codes


def second_factor_verify(*, user: User, code: str, request: HttpRequest | None) -> Device | None:
    """The device that accepts `code` (the app's current code, or an unused recovery code,
    which is then spent), or None. django-otp refuses a code already used and slows down
    guessing per device; a refusal also counts toward django-axes' lockout for the person and
    address, the same one wrong passwords fill, and is audited (never the code)."""
    code = _code_normalised(code)
    kind = "totp" if code.isdigit() and len(code) == TOTP_DIGITS else "recovery_code"
    if second_factor_locked_out(user=user, request=request):
        return None
    model: type[TOTPDevice] | type[StaticDevice] = TOTPDevice if kind == "totp" else StaticDevice
    with transaction.atomic():
        device = for_update(model.objects.filter(user=user, confirmed=True)).first()
        verified = device is not None and device.verify_token(code)
        if verified and isinstance(device, StaticDevice):
            audit_append(
                actor=user,
                action="two_factor.recovery_code_used",
                object_type="user",
                object_id=str(user.pk),
                data={"left": device.token_set.count()},
            )
    if not verified:
        _second_factor_failed(user=user, request=request, kind=kind)
        return None
    return device


def second_factor_reset_own(*, user: User, code: str, request: HttpRequest | None) -> bool:
    """The person turns two-factor off to set it up again (a new phone), proving with a fresh
    code that they still hold it. False, counted as a failure, when the code is refused."""
    if second_factor_verify(user=user, code=code, request=request) is None:
        return False
    second_factor_reset(user=user, actor=user)
    return True


@transaction.atomic
def second_factor_reset(*, user: User, actor: User) -> None:
    """Removes every device and recovery code of `user` (staff do this from the admin for a
    person who lost their phone). Their sessions are no longer verified: at the next request
    they are asked to set it up again."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_append(
        actor=actor,
        action="two_factor.reset",
        object_type="user",
        object_id=str(user.pk),
        data={"by_self": actor.pk == user.pk},
    )


def second_factor_locked_out(*, user: User, request: HttpRequest | None) -> bool:
    """Whether django-axes has locked this username from this address (wrong passwords and
    wrong codes alike); without a request nothing is known."""
    if request is None:
        return False
    return AxesProxyHandler.is_locked(request, {"username": user.get_username()})


def _second_factor_failed(*, user: User, request: HttpRequest | None, kind: str) -> None:
    """A refused code: audited, and (through Django's failed-login signal, which django-axes
    listens to) counted like a wrong password for this username and address."""
    audit_append(
        actor=user,
        action="two_factor.failed",
        object_type="user",
        object_id=str(user.pk),
        data={"kind": kind},
    )
    if request is not None:
        user_login_failed.send(
            sender=__name__, credentials={"username": user.get_username()}, request=request
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


# --- API tokens (django-rest-knox: only a digest is stored) -----------------------------------
# The audit chain names the person and why, never the token, its digest or its first characters.


@transaction.atomic
def api_token_create(*, user: User) -> tuple[AuthToken, str]:
    """A new token for `user`, valid for settings.SAMMEN_TOKEN_TTL: the stored row and the token
    itself, which exists only in this answer. The person's expired tokens are deleted here, so
    the table does not grow with every login."""
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    token, key = AuthToken.objects.create(user=user, expiry=settings.SAMMEN_TOKEN_TTL)
    audit_append(
        actor=user,
        action="token.created",
        object_type="user",
        object_id=str(user.pk),
        data={"expires": token.expiry.isoformat() if token.expiry else None},
    )
    return token, key


def api_token_for(*, user: User) -> str:
    """A new token for `user` (the token exchange, demo clients, tests)."""
    return api_token_create(user=user)[1]


def api_tokens_expired_delete() -> int:
    """Deletes every expired token. knox deletes one when it is used, and api_token_create the
    owner's at their next login; a token nobody uses again would otherwise stay for ever."""
    deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted


@transaction.atomic
def api_token_revoke(*, token: AuthToken) -> None:
    """Logout: the token used stops working at once."""
    user = token.user
    AuthToken.objects.filter(digest=token.digest).delete()
    audit_append(
        actor=user,
        action="token.revoked",
        object_type="user",
        object_id=str(user.pk),
        data={"reason": "logout"},
    )


@transaction.atomic
def api_tokens_revoke_all(*, user: User, reason: str) -> int:
    """Ends every token of `user` (`reason`: password_changed or deactivated). Called by
    User.save, the one place both happen, so no page, admin form or service can forget it. Who
    changed the password is not known there: the row's actor is the system."""
    revoked, _ = AuthToken.objects.filter(user=user).delete()
    if revoked:
        audit_append(
            actor=None,
            action="token.revoked_all",
            object_type="user",
            object_id=str(user.pk),
            data={"reason": reason, "count": revoked},
        )
    return revoked


# --- Sign-in ---------------------------------------------------------------------------------


def identity_hash(*, provider: str, subject: str) -> str:
    """The only form in which Sammen keeps the claim that identifies a person at a provider."""
    message = f"{provider}\x00{subject}".encode()
    return hmac.new(settings.SAMMEN_IDENTITY_HMAC_KEY.encode(), message, hashlib.sha256).hexdigest()


@transaction.atomic
def identity_link(*, user: User, provider: str, subject: str) -> Identity:
    """Lets `user` sign in at `provider` as the person `subject` (the provider's claim, e.g. a
    pid). Only an invitation or staff decide this; never a name or an e-mail address.
    A subject already linked to someone else is a ValidationError."""
    subject_hash = identity_hash(provider=provider, subject=subject)
    identity, created = Identity.objects.get_or_create(
        provider=provider, subject_hash=subject_hash, defaults={"user": user}
    )
    if identity.user_id != user.pk:
        raise ValidationError("This identity already belongs to another account.")
    if created:
        audit_append(
            actor=user,
            action="identity.linked",
            object_type="identity",
            object_id=str(identity.pk),
            data={"provider": provider},
        )
    return identity


def sign_in_record(
    *,
    user: User | None,
    method: str,
    success: bool,
    provider: str = "",
    acr: str = "",
    reason: str = "",
) -> AuditEvent:
    """One sign-in, accepted or refused, in the audit chain: `user` is the account signed in to
    or tried (when known; the actor only when it succeeded). Never a password, a token, a pid or
    a username someone typed (it may be a mistyped password)."""
    data: dict[str, object] = {"method": method, "success": success}
    data.update({k: v for k, v in (("provider", provider), ("acr", acr), ("reason", reason)) if v})
    return audit_append(
        actor=user if success else None,
        action="sign_in.succeeded" if success else "sign_in.failed",
        object_type="user" if user else "",
        object_id=str(user.pk) if user else "",
        data=data,
    )


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


@dataclass(frozen=True)
class NotificationToCreate:
    """One row for notifications_create: what notification_create takes."""

    recipient: User
    kind: NotificationKind
    case_id: int | None = None
    entry_id: int | None = None
    target_url: str = ""


# The outbox rows' and the audit event's INSERTs, each prepared once a connection
# (coordination.statements.PreparedInsert).
_NOTIFICATIONS = PreparedInsert(Notification)
_AUDIT_EVENT = PreparedInsert(AuditEvent)


def notifications_create(notices: Sequence[NotificationToCreate]) -> list[Notification]:
    """Writes outbox rows in the caller's transaction, in one INSERT; after commit one Celery
    task delivers them all (an event that tells several people at once, as a share tells the
    young person and each recipient, costs one task, not one a person).

    If the broker is down the enqueue fails quietly and the beat sweep delivers the rows later,
    so the event that caused the notifications never fails because of Redis.
    """
    for notice in notices:
        kind_check(notice.kind)
    notifications = _NOTIFICATIONS(
        [
            Notification(
                recipient=notice.recipient,
                kind=notice.kind.key,
                case_id=notice.case_id,
                entry_id=notice.entry_id,
                target_url=notice.target_url,
            )
            for notice in notices
        ]
    )
    if notifications:
        ids = [notification.pk for notification in notifications]
        transaction.on_commit(lambda: notification_enqueue(notification_ids=ids))
    return notifications


def notification_create(
    *,
    recipient: User,
    kind: NotificationKind,
    case_id: int | None = None,
    entry_id: int | None = None,
    target_url: str = "",
) -> Notification:
    """One outbox row (notifications_create)."""
    return notifications_create(
        [NotificationToCreate(recipient, kind, case_id, entry_id, target_url)]
    )[0]


def notification_enqueue(*, notification_ids: list[int]) -> bool:
    """Hands notifications to one Celery task; False (and a log line without content) if it
    can't."""
    from .tasks import deliver  # the task module imports this one

    try:
        # Every share publishes one such message after its commit. `declare=[]`: the default
        # queue is reached through the broker's anonymous exchange (on Redis a list by the
        # queue's name), which needs nothing declared; kombu's maybe_declare bound a copy of the
        # queue to the channel on every publish before finding it declared. The worker
        # declares its queues itself.
        deliver.apply_async((notification_ids,), retry=False, declare=[])
    except Exception:  # kombu/redis raise several types; all mean "broker unavailable"
        logger.warning(
            "Broker unavailable; notifications %s wait for the sweep",
            ", ".join(map(str, notification_ids)),
        )
        return False
    return True


def notification_text(notification: Notification) -> str:
    """The text every channel uses: what happened, never what it is about (no case content)."""
    return str(kind_for(notification.kind).text)


def _absolute_link(notification: Notification) -> str:
    link = kind_for(notification.kind).link
    path = link(notification) if link else notification.target_url
    return settings.SAMMEN_BASE_URL.rstrip("/") + (path or "/notifications/")


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


# The claim of notifications_deliver: every row of the batch still undelivered and not held by
# a live claim, in one statement; RETURNING says which rows this worker now holds. It names the
# model's columns rather than `*`: the statement is prepared once a connection, and a column
# added by a migration meanwhile would change what `*` returns, which PostgreSQL refuses for a
# prepared statement ("cached plan must not change result type").
_NOTIFICATION_COLUMNS = [field.column for field in Notification._meta.concrete_fields]
# The names are the model's own columns, quoted: no value of a request reaches this text.
NOTIFICATION_CLAIM_SQL = """
UPDATE coordination_notification
SET claimed_until = %s, delivery_attempts = delivery_attempts + 1
WHERE id = ANY(%s) AND delivered_at IS NULL AND (claimed_until IS NULL OR claimed_until < %s)
RETURNING {columns}
""".format(columns=", ".join(map(connection.ops.quote_name, _NOTIFICATION_COLUMNS)))
_NOTIFICATION_CLAIM = Prepared(NOTIFICATION_CLAIM_SQL)
# The claimed rows' recipients (their channels and language), and the stamp of delivered rows:
# the worker runs both for every event, so the one is compiled once a process and both are
# prepared once a connection (coordination.statements) instead of built by the ORM each time.
_RECIPIENTS = CompiledRead(
    lambda *, users: User.objects.filter(AnyOf(F("pk"), users)).order_by(),
    users=Slot([-1], [-2]),
)
_NOTIFICATIONS_DELIVERED = Prepared(
    "UPDATE coordination_notification SET delivered_at = %s, claimed_until = NULL"
    " WHERE id = ANY(%s)"
)


def notifications_deliver(*, notification_ids: Sequence[int]) -> int:
    """Sends notifications through their recipients' channels, each once; returns how many
    this call delivered.

    The rows are claimed together with one conditional UPDATE (no lock is held while sending);
    rows already delivered or claimed by another worker are left alone. Each channel is
    recorded as soon as it has been handed over, and a row is stamped delivered when its
    channels are done, so a re-run after a crash skips what was sent. Rows with nothing left to
    send (in-app only: the row is the message) are stamped together, in one statement.
    """
    now = timezone.now()
    claim = [
        now + timedelta(seconds=settings.NOTIFICATION_CLAIM_SECONDS),
        list(notification_ids),
        now,
    ]
    claimed = list(
        Notification.objects.raw(_NOTIFICATION_CLAIM.statement(connection, claim), claim)
    )
    if not claimed:
        return 0
    recipients = {
        user.pk: user
        for user in _RECIPIENTS(users=list({notification.recipient_id for notification in claimed}))
    }
    for notification in claimed:
        notification.recipient = recipients[notification.recipient_id]
    to_send = {
        notification.pk: [
            channel
            for channel in notification_channels(notification.recipient)
            if channel not in notification.channels_done
        ]
        for notification in claimed
    }
    _notifications_delivered([pk for pk, channels in to_send.items() if not channels])
    senders = {CHANNEL_EMAIL: _send_email, CHANNEL_SMS: _send_sms}
    for notification in sorted(claimed, key=lambda row: row.pk):
        if not to_send[notification.pk]:
            continue
        with translation.override(notification.recipient.preferred_language):
            text = notification_text(notification)
            for channel in to_send[notification.pk]:
                senders[channel](notification, text)
                notification.channels_done.append(channel)
                Notification.objects.filter(pk=notification.pk).update(
                    channels_done=notification.channels_done
                )
        _notifications_delivered([notification.pk])
    return len(claimed)


def _notifications_delivered(notification_ids: list[int]) -> None:
    if notification_ids:
        params: list[Any] = [timezone.now(), notification_ids]
        with connection.cursor() as cursor:
            cursor.execute(_NOTIFICATIONS_DELIVERED.statement(connection, params), params)


def notification_deliver(*, notification_id: int) -> bool:
    """Sends one notification (notifications_deliver); False when there was nothing to do
    (already delivered, or claimed by another worker)."""
    return notifications_deliver(notification_ids=[notification_id]) == 1


def outbox_sweep(
    rows: QuerySet[Any],
    *,
    now: datetime,
    grace: timedelta,
    batch_size: int,
    enqueue: Callable[[int], bool],
) -> int:
    """The sweep of a database outbox (notifications, exports): hands `enqueue(id)` the
    oldest `rows` older than `grace` that no worker holds (`claimed_until` unset or past), and
    stops at the first refusal (the broker is down: the next sweep goes on). Returns how many
    were handed over."""
    pending_ids = list(
        rows.filter(created__lt=now - grace)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("created")
        .values_list("pk", flat=True)[:batch_size]
    )
    enqueued = 0
    for row_id in pending_ids:
        if not enqueue(row_id):
            break
        enqueued += 1
    return enqueued


def notifications_sweep(
    *, batch_size: int = SWEEP_BATCH_SIZE, grace: timedelta = SWEEP_GRACE
) -> int:
    """Re-enqueues undelivered notifications whose enqueue was lost or whose worker died.

    Returns how many were handed to the broker.
    """
    return outbox_sweep(
        Notification.objects.filter(delivered_at__isnull=True),
        now=timezone.now(),
        grace=grace,
        batch_size=batch_size,
        enqueue=lambda notification_id: notification_enqueue(notification_ids=[notification_id]),
    )


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
# The class (first key) of the chains' pg_advisory_xact_lock(int, int); the second key is the
# chain's (audit_chain_lock_key). One writer at a time extends a chain.
AUDIT_CHAIN_LOCK = 7_201_001
LEGACY_CHAIN = ""
INSTALLATION_CHAIN = "installation"
# The head of `chain`, or else the legacy chain's last hash (where every new chain starts, so a
# chain's first row also vouches for the legacy chain's end), or else the genesis hash.
AUDIT_CHAIN_HEAD_SQL = """
SELECT COALESCE(
    (SELECT hash FROM coordination_auditevent WHERE chain = %s ORDER BY id DESC LIMIT 1),
    (SELECT hash FROM coordination_auditevent WHERE chain = %s ORDER BY id DESC LIMIT 1),
    %s
)
"""
_AUDIT_CHAIN_HEAD = Prepared(AUDIT_CHAIN_HEAD_SQL)


def audit_chain(case_id: int | None) -> str:
    """The chain an event belongs to: its case's, or the installation's for one outside cases."""
    return INSTALLATION_CHAIN if case_id is None else f"case:{case_id}"


def audit_chain_lock_key(case_id: int | None) -> int:
    """The second key of the chain's advisory lock (an int4): the case id, 0 for the
    installation. Two chains that share a key (ids 2**31 apart) only wait for each other."""
    return 0 if case_id is None else case_id % 2**31


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


# No savepoint when nested (SAVEPOINT and RELEASE are two round trips of every audited write):
# the row commits or fails with the caller's work, and the chain lock needs only a transaction.
@transaction.atomic(savepoint=False)
def audit_append(
    *,
    actor: User | None,
    action: str,
    case_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Appends one row to its chain (the case's, or the installation's), inside the caller's
    transaction. The chain's lock is held to COMMIT, so the head read under it is the last row
    committed; writes on other chains do not wait for it. The lock order that keeps this free
    of deadlocks is at cases.services.case_lock."""
    chain = audit_chain(case_id)
    lock_key = audit_chain_lock_key(case_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [AUDIT_CHAIN_LOCK, lock_key])
        # A statement of its own: its snapshot must be taken after the lock was granted.
        head = [chain, LEGACY_CHAIN, GENESIS_HASH]
        cursor.execute(_AUDIT_CHAIN_HEAD.statement(connection, head), head)
        (previous_hash,) = cursor.fetchone()
    event = AuditEvent(
        created=timezone.now(),
        actor=actor,
        action=action,
        case_id=case_id,
        object_type=object_type,
        object_id=str(object_id),
        data=data or {},
        chain=chain,
        previous_hash=previous_hash,
    )
    # Round-trip the data through JSON first so the hash covers exactly what the database stores.
    event.data = json.loads(json.dumps(event.data))
    event.hash = audit_hash(event, previous_hash)
    _AUDIT_EVENT([event])
    return event
