"""Consent's part of the ungdomshjelper's overview (coordination.home.coordinator_items)."""

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from cases.models import Case
from coordination.home import CaseItem
from coordination.models import User

from .models import ConsentRequest


def consent_items(*, user: User, cases: list[Case]) -> list[CaseItem]:
    """Consent requests pending on the cases (one query): those waiting for the young person's
    decision or view are theirs; the others wait for the guardians, which the ungdomshjelper
    follows up. Counts only: the requests themselves stay with the asker and the deciders."""
    youth_decides = Exists(
        ConsentRequest.deciders.through.objects.filter(
            consentrequest_id=OuterRef("pk"), user_id=OuterRef("entry__case__youth_id")
        )
    )
    for_youth = Q(youth_decides) | Q(youth_opinion_asked=True, youth_opinion_at__isnull=True)
    rows = (
        ConsentRequest.objects.filter(
            entry__case__in=cases,
            status=ConsentRequest.Status.PENDING,
            expires_at__gt=timezone.now(),
        )
        .values("entry__case_id")
        .annotate(youth=Count("id", filter=for_youth), others=Count("id", filter=~for_youth))
        .order_by()
    )
    url = reverse("consent:requests")
    items = []
    for row in rows:
        if row["others"]:
            items.append(
                CaseItem(
                    case_id=row["entry__case_id"],
                    kind="consent_pending",
                    count=row["others"],
                    label=ngettext(
                        "%(count)d request to share waits for the guardians",
                        "%(count)d requests to share wait for the guardians",
                        row["others"],
                    )
                    % {"count": row["others"]},
                    url=url,
                )
            )
        if row["youth"]:
            items.append(
                CaseItem(
                    case_id=row["entry__case_id"],
                    kind="consent_pending",
                    count=row["youth"],
                    label=ngettext(
                        "Answer %(count)d request to share",
                        "Answer %(count)d requests to share",
                        row["youth"],
                    )
                    % {"count": row["youth"]},
                    url=url,
                    youth=True,
                )
            )
    return items
