from cases.models import Case
from cases.services import can_close_case
from coordination.home import HomeSection, Viewer
from coordination.models import User

from .rule_shares import held_shares_visible
from .selectors import (
    cases_about,
    consent_requests_pending,
    may_see_who_knows_what,
    who_decides,
)


def home_sections(*, viewer: Viewer) -> list[HomeSection]:
    """'Needs your answer': pending requests this person decides, or gives their view on.
    For a young person also: who decides about sharing on their case now."""
    user = viewer.user
    pending = [
        consent_request
        for consent_request in consent_requests_pending(user=user)
        if consent_request.viewer_decides
        or (consent_request.youth_opinion_asked and consent_request.entry.case.youth_id == user.pk)
    ]
    sections = [HomeSection("consent/home_requests.html", {"requests": pending}, order=20)]
    own_cases = cases_about(user=user)
    if own_cases:
        deciding = [(case, who_decides(case=case)) for case in own_cases]
        sections.append(HomeSection("consent/home_who_decides.html", {"cases": deciding}, order=25))
    return sections


def case_sections(*, user: User, case: Case) -> list[HomeSection]:
    """The case page links to who-knows-what only for whoever may open it, the young person to
    reading first (with how much waits for them), and offers closing (or reopening) to whoever
    may do that (cases.services.can_close_case)."""
    sections = []
    if may_see_who_knows_what(user=user, case=case):
        sections.append(
            HomeSection(
                "consent/case_who_knows_what.html",
                {"case": case, "is_youth": user.pk == case.youth_id},
                order=10,
            )
        )
    if user.pk == case.youth_id:
        waiting = held_shares_visible(user=user, case=case).count()
        sections.append(
            HomeSection(
                "consent/case_reading_first.html", {"case": case, "waiting": waiting}, order=11
            )
        )
    if can_close_case(case=case, user=user):
        sections.append(HomeSection("consent/case_closing.html", {"case": case}, order=90))
    return sections
