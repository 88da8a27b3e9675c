from coordination.home import HomeSection, Viewer

from .selectors import meetings_upcoming_first


def home_sections(*, viewer: Viewer) -> list[HomeSection]:
    """Upcoming meetings for the young person and the people invited (or running them)."""
    meetings = meetings_upcoming_first(user=viewer.user)
    if not meetings:
        return []
    return [HomeSection("meetings/home_meetings.html", {"meetings": meetings}, order=15)]
