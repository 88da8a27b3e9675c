from django.db.models import Prefetch

from coordination.home import HomeSection, Viewer
from services_registry.models import Phone

from .models import Participant
from .selectors import viewer_cases


def home_sections(*, viewer: Viewer) -> list[HomeSection]:
    """For a young person: the helpers on their case(s). For everyone else: their cases."""
    user = viewer.user
    cases = viewer_cases(viewer=viewer)
    own = [case for case in cases if case.youth_id == user.pk]
    sections = []
    if own:
        team = (
            Participant.objects.active()
            .filter(case__in=own)
            .exclude(user=user)
            .select_related("user", "service", "case")
            # How to reach them: the phone numbers of the service they act for.
            .prefetch_related(Prefetch("service__phones", Phone.objects.order_by("number")))
            .order_by("case_id", "joined", "id")
        )
        sections.append(
            HomeSection("cases/home_helpers.html", {"cases": own, "team": list(team)}, order=10)
        )
    others = [case for case in cases if case.youth_id != user.pk]
    if others or not own:
        sections.append(HomeSection("cases/home_cases.html", {"cases": others}, order=30))
    return sections
