"""Consent requests answered, and disclosures withdrawn."""

from datetime import date

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Participant
from cases.selectors import is_active_participant
from cases.services import case_lock, case_require_open
from coordination.errors import StateConflict
from coordination.locks import for_update
from coordination.models import User
from coordination.services import audit_append, notification_create

from .. import links, notifications
from ..models import ConsentRequest, Disclosure
from ..periods import until_check
from ..selectors import (
    access_consent_request,
    access_disclosure,
    decides_for,
)
from .payload import intake_ids
from .share import _disclose, _end_disclosures, _expire_due, _seeing


def _decidable_request(
    *, consent_request: ConsentRequest, actor: User
) -> tuple[Case, ConsentRequest]:
    case = case_lock(consent_request.entry.case_id)
    # Read under the case lock, so who decides is today's answer (viewer_decides).
    visible = access_consent_request(user=actor, request_id=consent_request.pk)
    request = for_update(ConsentRequest.objects.select_related("entry", "service")).get(
        pk=visible.pk
    )
    if not visible.viewer_decides:
        raise PermissionDenied(_("Only the person who gives consent can answer this request."))
    case_require_open(case)
    if not is_active_participant(user=request.requested_by, case=case):
        raise StateConflict(
            _("The person who asked has left the team, so the request is cancelled.")
        )
    if request.status == ConsentRequest.Status.CANCELLED:  # the case was closed meanwhile
        raise StateConflict(_("The request was cancelled; ask again if it is still needed."))
    if request.effective_status == ConsentRequest.Status.EXPIRED:
        raise StateConflict(_("The request has expired; ask again if it is still needed."))
    if request.status != ConsentRequest.Status.PENDING:
        raise StateConflict(_("The request has already been answered."))
    return case, request


def _decided(*, case: Case, request: ConsentRequest, actor: User, status: str) -> None:
    request.status = status
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at", "decline_reason", "until"])
    audit_append(
        actor=actor,
        action=f"consent.{status}",
        case_id=case.pk,
        object_type="consent_request",
        object_id=str(request.pk),
        data={"entry": request.entry_id, "category": request.entry.category},
    )
    notification_create(
        recipient=request.requested_by,
        kind=notifications.CONSENT_DECIDED,
        case_id=case.pk,
        entry_id=request.entry_id,
        target_url=links.consent_request(request),
    )


@transaction.atomic
def consent_request_approve(
    *, consent_request: ConsentRequest, actor: User, until: date | None = None
) -> ConsentRequest:
    """Approving runs the share path for every recipient still on the team and not yet seeing
    the entry (someone may have left, or been covered otherwise, since the request). With
    `until` (the last day, consent.periods) the disclosures end by themselves."""
    case, request = _decidable_request(consent_request=consent_request, actor=actor)
    until_check(until, today=timezone.localdate())
    request.until = until
    _expire_due(case=case)
    entry = request.entry
    seeing = _seeing(case=case, entry=entry)
    # A referral's payload goes to the service's intake, who are not on the team: they must
    # still receive its referrals now.
    allowed = (
        intake_ids(service=request.service)
        if request.service is not None
        else set(Participant.objects.active().filter(case=case).values_list("user_id", flat=True))
    )
    recipients = [user for user in request.recipients.order_by("pk") if user.pk in allowed - seeing]
    if recipients:
        _disclose(
            case=case,
            entry=entry,
            recipients=recipients,
            basis=Disclosure.Basis.CONSENT,
            granted_by=actor,
            request=request,
            intake_of=request.service,
            purpose=request.purpose,
        )
    _decided(case=case, request=request, actor=actor, status=ConsentRequest.Status.APPROVED)
    _tell_apps(request=request, actor=actor)
    return request


def _tell_apps(*, request: ConsentRequest, actor: User | None) -> None:
    """Apps above consent that asked for this request learn the answer through the AppConfig
    hook `consent_request_decided(*, request, actor)` (referrals: a referral's payload), in
    the same transaction; `actor` is None when the request expired."""
    for config in apps.get_app_configs():
        decided = getattr(config, "consent_request_decided", None)
        if decided is not None:
            decided(request=request, actor=actor)


@transaction.atomic
def consent_request_decline(
    *, consent_request: ConsentRequest, actor: User, reason: str = ""
) -> ConsentRequest:
    """The asker learns only that the answer is no, plus `reason` if the decider wrote one."""
    case, request = _decidable_request(consent_request=consent_request, actor=actor)
    request.decline_reason = reason.strip()
    _decided(case=case, request=request, actor=actor, status=ConsentRequest.Status.DECLINED)
    _tell_apps(request=request, actor=actor)
    return request


@transaction.atomic
def consent_request_opinion(
    *, consent_request: ConsentRequest, actor: User, opinion: str
) -> ConsentRequest:
    """The youth's own view when their guardians decide; shown to the guardians next to it."""
    case = case_lock(consent_request.entry.case_id)
    request = access_consent_request(user=actor, request_id=consent_request.pk)
    request = for_update(ConsentRequest.objects.all()).get(pk=request.pk)
    if actor.pk != case.youth_id or not request.youth_opinion_asked:
        raise PermissionDenied(_("Only the young person gives their view, when others decide."))
    case_require_open(case)
    if request.effective_status != ConsentRequest.Status.PENDING:
        raise StateConflict(_("The request has already been answered."))
    opinion = opinion.strip()
    if not opinion:
        raise ValidationError({"opinion": _("Write what you think.")})
    request.youth_opinion = opinion
    request.youth_opinion_at = timezone.now()
    request.save(update_fields=["youth_opinion", "youth_opinion_at"])
    audit_append(
        actor=actor,
        action="consent.opinion",
        case_id=case.pk,
        object_type="consent_request",
        object_id=str(request.pk),
    )
    return request


@transaction.atomic
def withdraw(*, disclosure: Disclosure, actor: User) -> Disclosure:
    """Ends one disclosure now. The youth and the consent authority may withdraw, and so may the
    entry's author or whoever granted it; nobody but the latter two ends a legal-duty
    disclosure, and the youth is told why."""
    case = case_lock(disclosure.entry.case_id)
    disclosure = access_disclosure(user=actor, disclosure_id=disclosure.pk)
    disclosure = for_update(Disclosure.objects.select_related("entry", "recipient")).get(
        pk=disclosure.pk
    )
    entry = disclosure.entry
    is_author_side = actor.pk in {entry.author_id, disclosure.granted_by_id}
    if disclosure.basis == Disclosure.Basis.LEGAL_DUTY and not is_author_side:
        raise PermissionDenied(
            _("This was shared because of a legal duty, so it cannot be withdrawn: %(why)s")
            % {"why": disclosure.justification}
        )
    if not is_author_side and not decides_for(case=case, user=actor, category=entry.category):
        raise PermissionDenied(_("Only the person who gives consent can withdraw this."))
    case_require_open(case)
    if disclosure.withdrawn_at is not None:
        raise StateConflict(_("This sharing has already ended."))
    _end_disclosures(
        case=case, disclosures=[disclosure], actor=actor, reason=Disclosure.EndReason.WITHDRAWN
    )
    return disclosure


def consent_requests_expire() -> int:
    """Stamps pending requests past their 30 days as expired; returns how many. Reads already
    treat them as expired (ConsentRequest.effective_status) and approving one is refused, so for
    most requests this only keeps the stored status true for lists and reports. A request an app
    asked for (a referral's payload: `service` set) is stamped under its case lock and the app is
    told, as for an answer, so a referral does not wait for consent that can no longer come."""
    due = ConsentRequest.objects.filter(
        status=ConsentRequest.Status.PENDING, expires_at__lte=timezone.now()
    )
    told = 0
    for request_id, case_id in due.filter(service__isnull=False).values_list(
        "pk", "entry__case_id"
    ):
        told += _consent_request_expire(request_id=request_id, case_id=case_id)
    return told + due.update(status=ConsentRequest.Status.EXPIRED)


@transaction.atomic
def _consent_request_expire(*, request_id: int, case_id: int) -> int:
    case_lock(case_id)
    request = (
        for_update(
            ConsentRequest.objects.filter(pk=request_id, status=ConsentRequest.Status.PENDING)
        )
        .select_related("service")
        .first()
    )
    if request is None or request.expires_at > timezone.now():
        return 0  # answered or swept meanwhile
    request.status = ConsentRequest.Status.EXPIRED
    request.save(update_fields=["status"])
    _tell_apps(request=request, actor=None)
    return 1
