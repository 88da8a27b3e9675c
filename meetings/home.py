from coordination.home import HomeSection
from coordination.models import User

from .selectors import meetings_upcoming

HOME_MEETINGS = 5


def home_sections(*, user: User) -> list[HomeSection]:
    """Upcoming meetings for the young person and the people invited (or running them)."""
    meetings = list(meetings_upcoming(user=user)[:HOME_MEETINGS])
    if not meetings:
        return []
    return [HomeSection("meetings/home_meetings.html", {"meetings": meetings}, order=15)]
