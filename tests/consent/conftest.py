from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Participant
from cases.services import entry_withhold
from consent.models import ConsentRequest
from consent.services import share
from tests.cases.conftest import demo  # noqa: F401
from tests.consent.helpers import write_entry


@pytest.fixture
def asked(demo):  # noqa: F811 (the fixture imported above)
    """Pending requests on both demo cases in categories of both ages of deciding, one entry
    withheld from its young person, one request that expires tomorrow."""
    for case in (demo.sara_case, demo.jonas_case):
        author, recipient = [
            participant.user
            for participant in Participant.objects.active()
            .filter(case=case, role=Participant.Role.HELPER)
            .order_by("pk")[:2]
        ]
        for category in ("health", "child_welfare", "school"):
            entry = write_entry(case, author, category=category, title=f"Om {category}")
            share(entry=entry, recipients=[recipient], actor=author)
        entry_withhold(entry_id=entry.pk, actor=author, reason="Vern")
    pending = ConsentRequest.objects.filter(status=ConsentRequest.Status.PENDING)
    pending.filter(pk=pending.order_by("pk").first().pk).update(
        expires_at=timezone.now() + timedelta(days=1)
    )
    return demo
