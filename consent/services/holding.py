"""Reading first (issue #16 item 6), the step inside the share path: a share under a standing
rule of an entry the young person has not read yet waits for them (a HeldShare per recipient)
instead of disclosing. Releasing and cancelling are in consent.services.reading_first; the
release goes through `share` again, which then finds nothing to wait for."""

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import AccessEvent, Case, Entry, Withholding
from coordination.models import User
from coordination.services import audit_append, notification_create

from .. import links, notifications
from ..models import HeldShare, SharingRule

# What a helper writes straight on the case. The workflows' entries do not wait: minutes were
# reviewed and approved by the young person before they are sent out, messages are the
# writer's own conversation.
WAITING_KINDS = (Entry.Kind.NOTE, Entry.Kind.DOCUMENT, Entry.Kind.PLAN)


def reading_first_waits(*, case: Case, entry: Entry, reading_first: bool) -> bool:
    """A rule share of `entry` waits: the young person turned reading first on (`reading_first`:
    a ReadingFirst row of the case, as the caller read it under the lock:
    consent.selectors.entry_to_share), the entry is a note, document or plan younger than
    SAMMEN_READ_FIRST_HOURS, they have not opened it, it is not withheld from them (they could
    not read it), and no earlier wait for it was released (by their open, their "share it", the
    time running out or their turning reading first off). Caller holds the case lock."""
    if entry.kind not in WAITING_KINDS or not reading_first:
        return False
    if entry.created <= timezone.now() - timedelta(hours=settings.SAMMEN_READ_FIRST_HOURS):
        return False
    return not (
        AccessEvent.objects.filter(entry=entry, user_id=case.youth_id).exists()
        or Withholding.objects.filter(entry=entry, ended_at__isnull=True).exists()
        or HeldShare.objects.filter(entry=entry, end_reason__in=HeldShare.RELEASING).exists()
    )


def shares_hold(
    *,
    case: Case,
    entry: Entry,
    recipients: Sequence[User],
    rules: dict[int, SharingRule],
    actor: User,
    automatic: bool,
) -> list[HeldShare]:
    """Holds the rule share of `entry` to `recipients` (each covered by `rules`) until the young
    person has read it; tells them (share_waiting, no content). Someone already waiting for
    this entry is a 400, nothing written. Caller holds the case lock."""
    waiting = sorted(
        HeldShare.objects.filter(
            entry=entry, recipient__in=recipients, ended_at__isnull=True
        ).values_list("recipient_id", flat=True)
    )
    if waiting:
        raise ValidationError(
            {
                "recipients": _("These people get it when the young person has read it: %(ids)s.")
                % {"ids": ", ".join(map(str, waiting))}
            }
        )
    release_at = entry.created + timedelta(hours=settings.SAMMEN_READ_FIRST_HOURS)
    held = HeldShare.objects.bulk_create(
        [
            HeldShare(
                entry=entry,
                recipient=recipient,
                rule=rules[recipient.pk],
                requested_by=actor,
                automatic=automatic,
                release_at=release_at,
            )
            for recipient in recipients
        ]
    )
    audit_append(
        actor=actor,
        action="share.held",
        case_id=case.pk,
        object_type="entry",
        object_id=str(entry.pk),
        data={
            "held": [h.pk for h in held],
            "recipients": [r.pk for r in recipients],
            "rules": sorted({r.pk for r in rules.values()}),
            "automatic": automatic,
        },
    )
    notification_create(
        recipient=case.youth,
        kind=notifications.SHARE_WAITING,
        case_id=case.pk,
        entry_id=entry.pk,
        target_url=links.held_shares(case),
    )
    return held
