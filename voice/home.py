from cases.models import Case, Participant
from cases.selectors import viewer_cases
from coordination.home import HomeSection, Viewer
from coordination.models import User

from .checkins import rhythm_of, rhythm_sentence, ungdomshjelper_participant
from .rooms.selectors import room_unread_by_case
from .selectors import (
    is_youth_of_a_case,
    latest_about_youth,
    may_choose_ungdomshjelper,
    news_for_youth,
    ungdomshjelper_case_count,
    ungdomshjelper_change_open,
    ungdomshjelper_offered,
    unread_messages,
)


def home_sections(*, viewer: Viewer) -> list[HomeSection]:
    """Messages with unread counts on every case; for the young person (and a guardian who
    decides) the sharing rules and the offer of an ungdomshjelper; for the young person the
    latest information about them, to read, comment on or correct; for an ungdomshjelper the
    way to their own page."""
    user = viewer.user
    cases = viewer_cases(viewer=viewer)
    unread = unread_messages(user=user, cases=cases)
    unread_in_rooms = room_unread_by_case(user=user, cases=cases)
    # Only the young person and guardians may choose; one query tells which of the other cases
    # the user is a guardian on, so a helper with many cases costs no query per case (and the
    # young person with only their own cases none, nor the building of one).
    others = [case for case in cases if case.youth_id != user.pk]
    guardian_on = (
        set(
            Participant.objects.active()
            .filter(case__in=others, user=user, role=Participant.Role.GUARDIAN)
            .values_list("case_id", flat=True)
        )
        if others
        else set()
    )
    rows = []
    for case in cases:
        chooser = (case.youth_id == user.pk or case.pk in guardian_on) and (
            may_choose_ungdomshjelper(case=case, user=user)
        )
        offer = chooser and ungdomshjelper_offered(case=case)
        rows.append(
            {
                "case": case,
                "unread": unread.get(case.pk, 0),
                "rooms_unread": unread_in_rooms.get(case.pk, 0),
                "rules": chooser,
                "offer": offer,
                "change": offer and ungdomshjelper_change_open(case=case) is not None,
                "own": case.youth_id == user.pk,
            }
        )
    if not rows:
        return []
    own = [case for case in cases if case.youth_id == user.pk]
    latest = latest_about_youth(user=user, cases=own)
    context = {
        "check_in": _check_in_sentence(own[0]) if own else "",
        "rows": rows,
        "latest": latest,
        "news": news_for_youth(user=user, cases=own) if own else None,
        "own": own[0] if own else None,
        "coordinating": ungdomshjelper_case_count(user=user),
    }
    return [HomeSection("voice/home_voice.html", context, order=15)]


def _check_in_sentence(case: Case) -> str:
    """ "Nora tar kontakt med deg annenhver torsdag kl. 15:00" once a rhythm is set."""
    rhythm = rhythm_of(case=case)
    coordinator = ungdomshjelper_participant(case=case) if rhythm else None
    if rhythm is None or coordinator is None:
        return ""
    return rhythm_sentence(rhythm=rhythm, name=coordinator.user.name)


def profile_sections(*, user: User) -> list[HomeSection]:
    """Your rights on the profile: a young person's comments and corrections (Art. 16), and for
    everyone the way to complain (Art. 77)."""
    return [
        HomeSection("voice/profile_rights.html", {"youth": is_youth_of_a_case(user=user)}, order=10)
    ]
