"""Consent's part of the ungdomshjelper's overview (coordination.home.coordinator_items)."""

from datetime import UTC, datetime
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext_lazy

from cases.models import Case
from cases.selectors import CASE_IDS_SLOT
from coordination.home import CaseItem, case_item
from coordination.models import User
from coordination.statements import AnyOf, CompiledRead, Slot

from .models import ConsentRequest

FOR_GUARDIANS = ngettext_lazy(
    "%(count)d request to share waits for the guardians",
    "%(count)d requests to share wait for the guardians",
    "count",
)
FOR_YOUTH = ngettext_lazy(
    "Answer %(count)d request to share", "Answer %(count)d requests to share", "count"
)


def consent_items(*, user: User, cases: list[Case]) -> list[CaseItem]:
    """Consent requests pending on the cases (one query): those waiting for the young person's
    decision or view are theirs; the others wait for the guardians, which the ungdomshjelper
    follows up. Counts only: the requests themselves stay with the asker and the deciders, so
    the link is the requests page (where the young person answers)."""
    rows = _PENDING_BY_CASE(case_ids=[case.pk for case in cases], now=timezone.now())
    url = reverse("consent:requests")
    return [
        case_item(
            case_id=row["entry__case_id"],
            kind="consent_pending",
            count=row[key],
            label=FOR_YOUTH if youth else FOR_GUARDIANS,
            url=url,
            youth=youth,
        )
        for row in rows
        for key, youth in (("others", False), ("youth", True))
        if row[key]
    ]


def _pending_by_case(*, case_ids: list[int], now: datetime) -> QuerySet[ConsentRequest, Any]:
    """consent_items' statement: per case of `case_ids`, the requests pending at `now` for the
    young person and for others."""
    youth_decides = Exists(
        ConsentRequest.deciders.through.objects.filter(
            consentrequest_id=OuterRef("pk"), user_id=OuterRef("entry__case__youth_id")
        )
    )
    for_youth = Q(youth_decides) | Q(youth_opinion_asked=True, youth_opinion_at__isnull=True)
    return (
        ConsentRequest.objects.filter(
            AnyOf(F("entry__case_id"), case_ids),
            status=ConsentRequest.Status.PENDING,
            expires_at__gt=now,
        )
        .values("entry__case_id")
        .annotate(youth=Count("id", filter=for_youth), others=Count("id", filter=~for_youth))
        .order_by()
    )


# The overview asks it on every call: compiled once a process.
_PENDING_BY_CASE = CompiledRead(
    _pending_by_case,
    case_ids=CASE_IDS_SLOT,
    now=Slot(datetime(1901, 1, 1, tzinfo=UTC), datetime(1902, 2, 2, tzinfo=UTC)),
)
