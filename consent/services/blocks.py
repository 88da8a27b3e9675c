"""Blocking a person on a case: from then on they receive nothing from it (the rule:
share.blocked_check), and what they could see ends at once. Removing a block restores nothing."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.selectors import is_active_participant
from cases.services import case_lock, case_require_open
from coordination.errors import StateConflict
from coordination.models import User
from coordination.services import audit_append

from ..models import BLOCK_REASON_MAX_CHARS, Block, Disclosure
from ..selectors import access_block, access_case_blocks
from .share import _end_disclosures


@transaction.atomic
def block_create(*, case_id: int, actor: User, user: User, reason: str = "") -> Block:
    """The young person (or a consent authority, selectors.may_block) blocks `user`, someone on
    the team. Their disclosures on the case end at once (reason `blocked`), but for those a
    legal duty made: the law still applies. Blocking yourself or the young person: 400."""
    case = case_lock(case_id)
    access_case_blocks(user=actor, case_id=case.pk)
    case_require_open(case)
    reason = reason.strip()
    if len(reason) > BLOCK_REASON_MAX_CHARS:
        raise ValidationError(
            {"reason": _("Write at most %(max)d characters.") % {"max": BLOCK_REASON_MAX_CHARS}}
        )
    if user.pk == actor.pk:
        raise ValidationError({"user": _("You cannot block yourself.")})
    if user.pk == case.youth_id:
        raise ValidationError({"user": _("The young person cannot be blocked on their own case.")})
    if not is_active_participant(user=user, case=case):
        raise ValidationError({"user": _("This person is not on the team.")})
    if Block.objects.filter(case=case, user=user, ended_at__isnull=True).exists():
        raise StateConflict(_("This person is already blocked."))
    block = Block.objects.create(case=case, user=user, reason=reason, created_by=actor)
    # The reason stays out of the audit data: it is the young person's own words.
    audit_append(
        actor=actor,
        action="block.created",
        case_id=case.pk,
        object_type="block",
        object_id=str(block.pk),
        data={"user": user.pk},
    )
    _end_disclosures(
        case=case,
        disclosures=list(
            Disclosure.objects.filter(entry__case=case, recipient=user, withdrawn_at__isnull=True)
            .exclude(basis=Disclosure.Basis.LEGAL_DUTY)
            .select_related("recipient")
            .order_by("pk")
        ),
        actor=actor,
        reason=Disclosure.EndReason.BLOCKED,
    )
    return block


@transaction.atomic
def block_remove(*, block_id: int, actor: User) -> Block:
    """Ends a block: the person may receive things again from now on; what ended stays ended.
    The young person removes any block; a guardian only one they set."""
    case_id = Block.objects.filter(pk=block_id).values_list("case_id", flat=True).first()
    if case_id is None:
        raise Http404
    case = case_lock(case_id)
    # Read under the case lock: a block removed a moment ago is gone (404), like any other.
    block = access_block(user=actor, block_id=block_id)
    if actor.pk != case.youth_id and actor.pk != block.created_by_id:
        raise PermissionDenied(_("Only the young person or whoever set it can remove a block."))
    case_require_open(case)
    block.ended_at, block.ended_by = timezone.now(), actor
    block.save(update_fields=["ended_at", "ended_by"])
    audit_append(
        actor=actor,
        action="block.removed",
        case_id=case.pk,
        object_type="block",
        object_id=str(block.pk),
        data={"user": block.user_id},
    )
    return block
