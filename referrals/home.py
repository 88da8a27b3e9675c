"""Referrals on the case page and the home page (coordination.home hooks)."""

from cases.models import Case
from coordination.home import HomeSection, Viewer
from coordination.models import User

from .selectors import is_intake_anywhere, may_refer, referrals_of_case


def case_sections(*, user: User, case: Case) -> list[HomeSection]:
    """ "Henvis" for whoever may refer; the link to the case's referrals for whoever sees them
    (the young person, the referrer, the ungdomshjelper)."""
    refer = may_refer(user=user, case=case)
    if not refer and not referrals_of_case(user=user, case=case).exists():
        return []
    return [
        HomeSection(
            "referrals/case_section.html",
            {"case": case, "may_refer": refer, "is_youth": user.pk == case.youth_id},
            order=30,
        )
    ]


def home_sections(*, viewer: Viewer) -> list[HomeSection]:
    """The intake's way to their inbox."""
    if not is_intake_anywhere(user=viewer.user):
        return []
    return [HomeSection("referrals/home_inbox.html", {}, order=15)]
