from coordination.home import HomeSection
from coordination.models import User

from .models import ConsentRequest
from .selectors import consent_requests_visible


def home_sections(*, user: User) -> list[HomeSection]:
    """'Needs your answer': pending requests this person decides, or gives their view on."""
    pending = [
        consent_request
        for consent_request in consent_requests_visible(
            user=user, status=ConsentRequest.Status.PENDING
        )
        if user in consent_request.deciders.all()
        or (consent_request.youth_opinion_asked and consent_request.entry.case.youth_id == user.pk)
    ]
    return [HomeSection("consent/home_requests.html", {"requests": pending}, order=20)]
