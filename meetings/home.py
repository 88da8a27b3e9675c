from coordination.home import HomeSection, Viewer

from .selectors import meetings_upcoming

HOME_MEETINGS = 5


def home_sections(*, viewer: Viewer) -> list[HomeSection]:
    """Upcoming meetings for the young person and the people invited (or running them)."""
    meetings = list(meetings_upcoming(user=viewer.user)[:HOME_MEETINGS])
    if not meetings:
        return []
    return [HomeSection("meetings/home_meetings.html", {"meetings": meetings}, order=15)]
