from coordination.home import HomeSection, Viewer

from .selectors import viewer_cases, youth_team


def home_sections(*, viewer: Viewer) -> list[HomeSection]:
    """For a young person: the helpers on their case(s). For everyone else: their cases."""
    user = viewer.user
    cases = viewer_cases(viewer=viewer)
    own = [case for case in cases if case.youth_id == user.pk]
    sections = []
    if own:
        team = youth_team(user=user, cases=own)
        sections.append(
            HomeSection("cases/home_helpers.html", {"cases": own, "team": team}, order=10)
        )
    others = [case for case in cases if case.youth_id != user.pk]
    if others or not own:
        sections.append(HomeSection("cases/home_cases.html", {"cases": others}, order=30))
    return sections
