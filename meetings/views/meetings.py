"""Planning, who comes, agenda and calendars."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.selectors import access_case, cases_for_user
from coordination.models import User
from coordination.pages import attempt
from coordination.parsing import posted_id
from coordination.rest import authenticated_user

from .. import services, states
from ..forms import (
    AgendaItemForm,
    ChooseForm,
    GuardiansDecisionForm,
    GuardiansWishForm,
    MeetingForm,
    ProposeForm,
)
from ..ical import calendar_bytes
from ..models import AgendaItem, CalendarFeed, Meeting, Minutes
from ..selectors import (
    access_meeting,
    agenda_for,
    attendance_deciders,
    attendances_for_meeting,
    can_organise,
    guardians_for,
    meetings_attending,
    meetings_for_case,
    meetings_visible,
    sees_minutes_drafts,
)
from .common import _team, _users, unknown_action


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    feed = services.calendar_feed_for(user=user)
    organisable = [c for c in cases_for_user(user=user) if can_organise(case=c, user=user)]
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "meetings": meetings_visible(user=user).filter(cancelled_at__isnull=True),
            "feed": feed,
            "organisable": organisable,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, case_id: int) -> HttpResponse:
    user = authenticated_user(request)
    case = access_case(user=user, case_id=case_id)
    if not can_organise(case=case, user=user):
        raise PermissionDenied(
            _("The youth coordinator plans meetings (or a helper when there is none).")
        )
    team = _team(case)
    if request.method == "GET":
        form = MeetingForm(initial={"kind": services.suggested_kind(case=case)}, team=team)
        return render(request, "meetings/meeting_form.html", {"case": case, "form": form})
    form = MeetingForm(request.POST, team=team)
    if form.is_valid():
        data = form.cleaned_data
        if created := attempt(
            request,
            lambda: services.meeting_create(
                case=case,
                actor=user,
                title=data["title"],
                kind=data["kind"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                place=data["place"],
                video_link=data["video_link"],
                attendees=_users(data["attendees"]),
            ),
        ):
            messages.success(
                request, _("The meeting is planned. The young person chooses who comes.")
            )
            return redirect("meetings:detail", meeting_id=created.value.pk)
    return render(request, "meetings/meeting_form.html", {"case": case, "form": form}, status=400)


def _detail_context(request: HttpRequest, meeting: Meeting) -> dict:
    user = authenticated_user(request)
    case = meeting.case
    attendances = list(attendances_for_meeting(meeting=meeting))
    team = _team(case)
    by_user = {p.user_id: p for p in team}
    proposed = [by_user[a.user_id] for a in attendances if a.user_id in by_user]
    is_youth = user.pk == case.youth_id
    is_organiser = user.pk == meeting.organiser_id
    deciders = attendance_deciders(case=case)
    # Nothing changes on a closed case: the page shows the notice instead of the forms.
    possible = states.possible(meeting)
    if case.is_closed:
        possible = dict.fromkeys(possible, False)
    can_choose = possible["edit"] and (is_youth or user.pk in {d.pk for d in deciders})
    choose_initial = {
        "coming": [
            str(a.user_id)
            for a in attendances
            if (a.decision if a.decision is not None else a.youth_wish)
        ],
        "youth_presence": meeting.youth_presence,
        "representative": str(meeting.representative_id or ""),
    }
    minutes = Minutes.objects.filter(meeting=meeting).first()
    guardians = guardians_for(meeting=meeting, user=user)
    question = guardians.question if guardians else None
    return {
        "guardians": guardians,
        "guardians_wish_form": GuardiansWishForm(
            initial={"wish": question.wish, "why": question.why} if question else None
        ),
        "guardians_decision_form": GuardiansDecisionForm(),
        "meeting": meeting,
        "case": case,
        "attendances": attendances,
        "is_youth": is_youth,
        "is_organiser": is_organiser,
        "possible": possible,
        "youth_decides": case.youth in deciders,
        "can_choose": can_choose,
        "choose_form": ChooseForm(initial=choose_initial, proposed=proposed, team=team),
        "propose_form": ProposeForm(team=team),
        "agenda": agenda_for(meeting=meeting, user=user),
        "agenda_form": AgendaItemForm(),
        "minutes": minutes,
        "can_read_minutes": minutes is not None and sees_minutes_drafts(meeting=meeting, user=user),
        "can_evaluate": meeting.held_at is not None
        and services.can_evaluate(meeting=meeting, user=user),
        "can_take_over": not is_organiser
        and meeting.held_at is None
        and meeting.cancelled_at is None
        and meeting.organiser_id not in by_user
        and not case.is_closed
        and can_organise(case=case, user=user),
    }


@login_required
@require_http_methods(["GET", "POST"])
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = authenticated_user(request)
    meeting = access_meeting(user=user, meeting_id=meeting_id)
    if request.method == "POST":
        handler = _MEETING_ACTIONS.get(request.POST.get("action", ""), unknown_action)
        handler(request, meeting, user)
        return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(request, "meetings/meeting_detail.html", _detail_context(request, meeting))


# -- one handler per form of the meeting page: each parses its form and makes one service call --


def _choose(request: HttpRequest, meeting: Meeting, user: User) -> None:
    team = _team(meeting.case)
    by_user = {p.user_id: p for p in team}
    proposed = [
        by_user[a.user_id] for a in attendances_for_meeting(meeting=meeting) if a.user_id in by_user
    ]
    form = ChooseForm(request.POST, proposed=proposed, team=team)
    if not form.is_valid():
        messages.error(request, _("Check your choices and try again."))
        return
    data = form.cleaned_data
    representative = _users([data["representative"]])[0] if data["representative"] else None
    if chosen := attempt(
        request,
        lambda: services.attendance_choose(
            meeting=meeting,
            actor=user,
            coming=[int(i) for i in data["coming"]],
            youth_presence=data["youth_presence"],
            representative=representative,
        ),
    ):
        messages.success(
            request,
            _("Saved. The invitations follow your choice.")
            if chosen.value
            else _("Saved. Those who decide will see what you want."),
        )


def _guardians_wish(request: HttpRequest, meeting: Meeting, user: User) -> None:
    form = GuardiansWishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose yes, no, or that you do not mind."))
        return
    if attempt(
        request,
        lambda: services.guardians_wish_give(meeting=meeting, actor=user, **form.cleaned_data),
    ):
        messages.success(request, _("Saved. Those who decide will see what you want."))


def _guardians_decide(request: HttpRequest, meeting: Meeting, user: User) -> None:
    form = GuardiansDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the guardians come."))
        return
    if attempt(
        request,
        lambda: services.guardians_decide(meeting=meeting, actor=user, **form.cleaned_data),
    ):
        messages.success(request, _("Saved."))


def _propose(request: HttpRequest, meeting: Meeting, user: User) -> None:
    form = ProposeForm(request.POST, team=_team(meeting.case))
    if form.is_valid() and attempt(
        request,
        lambda: services.attendance_propose(
            meeting=meeting, actor=user, users=_users(form.cleaned_data["users"])
        ),
    ):
        messages.success(request, _("Suggested. The young person chooses who comes."))


def _agenda_add(request: HttpRequest, meeting: Meeting, user: User) -> None:
    form = AgendaItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a topic."))
        return
    if attempt(
        request,
        lambda: services.agenda_item_add(meeting=meeting, actor=user, **form.cleaned_data),
    ):
        messages.success(request, _("The topic is added."))


def _agenda_item_publish(request: HttpRequest, meeting: Meeting, user: User) -> None:
    item = AgendaItem.objects.filter(
        meeting=meeting, author=user, pk=posted_id(request, "item")
    ).first()
    if item is None:
        raise Http404
    if attempt(request, lambda: services.agenda_item_publish(item=item, actor=user)):
        messages.success(request, _("Your topic is on the agenda now."))


def _meeting_step(
    service: Callable[..., object], done: str
) -> Callable[[HttpRequest, Meeting, User], None]:
    """The forms that are a single button: the service takes the meeting and the actor. `done`
    is marked with gettext_noop and translated here, in the language of the request."""

    def handler(request: HttpRequest, meeting: Meeting, user: User) -> None:
        if attempt(request, lambda: service(meeting=meeting, actor=user)):
            messages.success(request, _(done))

    return handler


_MEETING_ACTIONS: dict[str, Callable[[HttpRequest, Meeting, User], None]] = {
    "choose": _choose,
    "guardians_wish": _guardians_wish,
    "guardians_decide": _guardians_decide,
    "propose": _propose,
    "agenda_add": _agenda_add,
    "agenda_item_publish": _agenda_item_publish,
    "agenda_publish": _meeting_step(
        services.agenda_publish, gettext_noop("The agenda is sent out.")
    ),
    "cancel": _meeting_step(
        services.meeting_cancel,
        gettext_noop("The meeting is cancelled. Everyone invited is told."),
    ),
    "take_over": _meeting_step(
        services.meeting_take_over, gettext_noop("You run the meeting now.")
    ),
    "held": _meeting_step(
        services.meeting_mark_held, gettext_noop("The meeting is marked as held.")
    ),
}


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def meeting_ics(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting(user=authenticated_user(request), meeting_id=meeting_id)
    return _ics_response(calendar_bytes([meeting], meeting.title), f"meeting-{meeting.pk}.ics")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """No login: calendar programs cannot log in, so the secret token is the key."""
    feed = CalendarFeed.objects.filter(token=token).select_related("user").first()
    if feed is None or not feed.user.is_active:
        raise Http404
    return _ics_response(calendar_bytes(meetings_attending(user=feed.user), "Sammen"), "sammen.ics")


@login_required
@require_POST
def calendar_reset(request: HttpRequest) -> HttpResponse:
    services.calendar_feed_reset(user=authenticated_user(request))
    messages.success(request, _("You have a new calendar address. The old one no longer works."))
    return redirect("meetings:list")


@login_required
@require_GET
def case_meetings(request: HttpRequest, case_id: int) -> HttpResponse:
    user = authenticated_user(request)
    case = access_case(user=user, case_id=case_id)
    return render(
        request,
        "meetings/case_meetings.html",
        {
            "case": case,
            "meetings": meetings_for_case(user=user, case=case),
            "can_organise": not case.is_closed and can_organise(case=case, user=user),
        },
    )
