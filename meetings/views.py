"""Meeting pages. Every write goes through meetings.services; a refusal (not allowed, wrong
state, bad input) is shown as a message on the page it came from and changes nothing."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.markdown import render_markdown
from cases.models import Case, Participant
from cases.selectors import access_case, cases_for_user
from coordination.models import User
from coordination.rest import StateConflict, authenticated_user

from . import services
from .forms import (
    ActionItemForm,
    ActionItemStatusForm,
    AgendaItemForm,
    ChooseForm,
    CommentForm,
    DistributeForm,
    EvaluationForm,
    MeetingForm,
    MinutesForm,
    ProposeForm,
)
from .ical import calendar_bytes
from .models import ActionItem, AgendaItem, CalendarFeed, Meeting, Minutes
from .selectors import (
    access_action_item,
    access_meeting,
    action_items_visible,
    agenda_for,
    attendance_deciders,
    attendances_for_meeting,
    can_organise,
    evaluation_for_meeting,
    evaluation_over_time,
    meetings_attending,
    meetings_for_case,
    meetings_visible,
)


def _attempt(request: HttpRequest, action: Callable[[], object]) -> bool:
    """Runs a service call; a refusal becomes an error message and nothing is changed."""
    try:
        action()
    except (PermissionDenied, StateConflict, ValidationError) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text or _("That could not be done."))
        return False
    return True


def _team(case: Case, *, with_youth: bool = False) -> list[Participant]:
    team = Participant.objects.filter(case=case, left__isnull=True).select_related(
        "user", "service"
    )
    if not with_youth:
        team = team.exclude(user_id=case.youth_id)
    return list(team.order_by("joined", "id"))


def _posted_id(request: HttpRequest, name: str) -> int:
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() else 0


def _users(ids: list[str]) -> list[User]:
    return list(User.objects.filter(pk__in=[int(i) for i in ids]))


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
        created: list[Meeting] = []
        if _attempt(
            request,
            lambda: created.append(
                services.meeting_create(
                    case=case,
                    actor=user,
                    title=data["title"],
                    kind=data["kind"],
                    starts_at=data["starts_at"],
                    duration_minutes=data["duration_minutes"],
                    place=data["place"],
                    video_link=data["video_link"],
                    attendees=_users(data["attendees"]),
                )
            ),
        ):
            messages.success(
                request, _("The meeting is planned. The young person chooses who comes.")
            )
            return redirect("meetings:detail", meeting_id=created[0].pk)
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
    can_choose = meeting.cancelled_at is None and (is_youth or user.pk in {d.pk for d in deciders})
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
    return {
        "meeting": meeting,
        "case": case,
        "attendances": attendances,
        "is_youth": is_youth,
        "is_organiser": is_organiser,
        "youth_decides": case.youth in deciders,
        "can_choose": can_choose,
        "choose_form": ChooseForm(initial=choose_initial, proposed=proposed, team=team),
        "propose_form": ProposeForm(team=team),
        "agenda": agenda_for(meeting=meeting, user=user),
        "agenda_form": AgendaItemForm(),
        "minutes": minutes,
        "can_read_minutes": minutes is not None and (is_youth or is_organiser),
        "can_evaluate": meeting.held_at is not None
        and services.can_evaluate(meeting=meeting, user=user),
    }


@login_required
@require_http_methods(["GET", "POST"])
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = authenticated_user(request)
    meeting = access_meeting(user=user, meeting_id=meeting_id)
    if request.method == "POST":
        _meeting_action(request, meeting, user)
        return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(request, "meetings/meeting_detail.html", _detail_context(request, meeting))


def _meeting_action(request: HttpRequest, meeting: Meeting, user: User) -> None:
    action = request.POST.get("action")
    team = _team(meeting.case)
    if action == "choose":
        by_user = {p.user_id: p for p in team}
        proposed = [
            by_user[a.user_id]
            for a in attendances_for_meeting(meeting=meeting)
            if a.user_id in by_user
        ]
        form = ChooseForm(request.POST, proposed=proposed, team=team)
        if not form.is_valid():
            messages.error(request, _("Check your choices and try again."))
            return
        data = form.cleaned_data
        representative = _users([data["representative"]])[0] if data["representative"] else None
        result: list[bool] = []
        if _attempt(
            request,
            lambda: result.append(
                services.attendance_choose(
                    meeting=meeting,
                    actor=user,
                    coming=[int(i) for i in data["coming"]],
                    youth_presence=data["youth_presence"],
                    representative=representative,
                )
            ),
        ):
            messages.success(
                request,
                _("Saved. The invitations follow your choice.")
                if result[0]
                else _("Saved. Those who decide will see what you want."),
            )
    elif action == "propose":
        propose_form = ProposeForm(request.POST, team=team)
        if propose_form.is_valid() and _attempt(
            request,
            lambda: services.attendance_propose(
                meeting=meeting, actor=user, users=_users(propose_form.cleaned_data["users"])
            ),
        ):
            messages.success(request, _("Suggested. The young person chooses who comes."))
    elif action == "agenda_add":
        item_form = AgendaItemForm(request.POST)
        if not item_form.is_valid():
            messages.error(request, _("Write a topic."))
            return
        if _attempt(
            request,
            lambda: services.agenda_item_add(meeting=meeting, actor=user, **item_form.cleaned_data),
        ):
            messages.success(request, _("The topic is added."))
    elif action == "agenda_item_publish":
        item = AgendaItem.objects.filter(
            meeting=meeting, author=user, pk=_posted_id(request, "item")
        ).first()
        if item is None:
            raise Http404
        if _attempt(request, lambda: services.agenda_item_publish(item=item, actor=user)):
            messages.success(request, _("Your topic is on the agenda now."))
    elif action == "agenda_publish":
        if _attempt(request, lambda: services.agenda_publish(meeting=meeting, actor=user)):
            messages.success(request, _("The agenda is sent out."))
    elif action == "cancel":
        if _attempt(request, lambda: services.meeting_cancel(meeting=meeting, actor=user)):
            messages.success(request, _("The meeting is cancelled. Everyone invited is told."))
    elif action == "held":
        if _attempt(request, lambda: services.meeting_mark_held(meeting=meeting, actor=user)):
            messages.success(request, _("The meeting is marked as held."))
    else:
        messages.error(request, _("Choose what you want to do."))


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


# -- minutes ----------------------------------------------------------------------------------


def _minutes_context(request: HttpRequest, minutes: Minutes) -> dict:
    user = authenticated_user(request)
    meeting = minutes.meeting
    team = _team(meeting.case, with_youth=True)
    versions = list(minutes.versions.all()) if minutes.pk else []
    shown = (
        minutes.approved_version
        if user.pk not in (meeting.organiser_id, meeting.case.youth_id)
        else (versions[-1] if versions else None)
    )
    items = list(meeting.action_items.select_related("owner").all())
    return {
        "minutes": minutes,
        "meeting": meeting,
        "case": meeting.case,
        "versions": versions,
        "shown": shown,
        "summary_html": render_markdown(shown.summary) if shown else "",
        "decisions_html": render_markdown(shown.decisions) if shown else "",
        "comments": minutes.comments.select_related("version").all() if minutes.pk else [],
        "items": [(item, services.action_item_sentence(item)) for item in items],
        "is_youth": user.pk == meeting.case.youth_id,
        "is_organiser": user.pk == meeting.organiser_id,
        "editable": minutes.status in services.REVIEW_STATES,
        "minutes_form": MinutesForm(
            initial={"summary": shown.summary, "decisions": shown.decisions} if shown else None
        ),
        "item_form": ActionItemForm(team=team),
        "comment_form": CommentForm(),
        "distribute_form": DistributeForm(
            team=[p for p in team if p.user_id not in (meeting.organiser_id, meeting.case.youth_id)]
        ),
    }


def _minutes_for(user: User, meeting_id: int) -> Minutes:
    """The organiser's first draft needs a Minutes row before one exists."""
    try:
        return services.minutes_open(user=user, meeting_id=meeting_id, via="page")
    except Http404:
        meeting = access_meeting(user=user, meeting_id=meeting_id)
        if meeting.organiser_id != user.pk:
            raise
        return Minutes(meeting=meeting)


@login_required
@require_http_methods(["GET", "POST"])
def minutes_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = authenticated_user(request)
    minutes = _minutes_for(user, meeting_id)
    if request.method == "POST":
        _minutes_action(request, minutes, user)
        return redirect("meetings:minutes", meeting_id=meeting_id)
    return render(request, "meetings/minutes.html", _minutes_context(request, minutes))


def _minutes_action(request: HttpRequest, minutes: Minutes, user: User) -> None:
    meeting = minutes.meeting
    action = request.POST.get("action")
    if action == "save":
        form = MinutesForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Write a summary."))
            return
        if _attempt(
            request, lambda: services.minutes_save(meeting=meeting, actor=user, **form.cleaned_data)
        ):
            messages.success(request, _("A new version is saved."))
        return
    if action == "action_item":
        task_form = ActionItemForm(request.POST, team=_team(meeting.case, with_youth=True))
        if not task_form.is_valid():
            messages.error(request, _("A task needs what, who and by when."))
            return
        data = task_form.cleaned_data
        if _attempt(
            request,
            lambda: services.action_item_create(
                meeting=meeting,
                actor=user,
                description=data["description"],
                owner=_users([data["owner"]])[0],
                due=data["due"],
            ),
        ):
            messages.success(request, _("The task is added."))
        return
    if minutes.pk is None:
        messages.error(request, _("Write the minutes first."))
        return
    if action == "submit":
        if _attempt(request, lambda: services.minutes_submit(minutes=minutes, actor=user)):
            messages.success(request, _("Sent to the young person to review."))
    elif action in ("comment", "correction"):
        comment_form = CommentForm(request.POST)
        if not comment_form.is_valid():
            messages.error(request, _("Write your comment."))
            return
        if _attempt(
            request,
            lambda: services.minutes_comment(
                minutes=minutes,
                actor=user,
                text=comment_form.cleaned_data["text"],
                is_correction=action == "correction",
            ),
        ):
            messages.success(request, _("Thank you. Your comment is saved with the minutes."))
    elif action == "approve":
        if _attempt(request, lambda: services.minutes_approve(minutes=minutes, actor=user)):
            messages.success(request, _("You approved the minutes."))
    elif action == "distribute":
        distribute_form = DistributeForm(request.POST, team=_team(meeting.case))
        if not distribute_form.is_valid():
            messages.error(request, _("Choose at least one person."))
            return
        results: list = []
        if _attempt(
            request,
            lambda: results.append(
                services.minutes_distribute(
                    minutes=minutes,
                    actor=user,
                    recipients=_users(distribute_form.cleaned_data["recipients"]),
                    category=distribute_form.cleaned_data["category"],
                )
            ),
        ):
            messages.success(
                request,
                _("Sent out. The young person has been told.")
                if results[0].status == "shared"
                else _(
                    "Not sent yet: the person who gives consent has been asked. Only those "
                    "they approve will receive the minutes."
                ),
            )
    else:
        messages.error(request, _("Choose what you want to do."))


@login_required
@require_GET
def minutes_print(request: HttpRequest, meeting_id: int) -> HttpResponse:
    minutes = services.minutes_open(
        user=authenticated_user(request), meeting_id=meeting_id, via="page"
    )
    if minutes.approved_version is None:
        raise Http404
    version = minutes.approved_version
    items = minutes.meeting.action_items.select_related("owner").all()
    return render(
        request,
        "meetings/minutes_print.html",
        {
            "minutes": minutes,
            "meeting": minutes.meeting,
            "version": version,
            "summary_html": render_markdown(version.summary),
            "decisions_html": render_markdown(version.decisions),
            "items": [services.action_item_sentence(item) for item in items],
            "attendances": [
                a for a in attendances_for_meeting(meeting=minutes.meeting) if a.invited_at
            ],
        },
    )


# -- action items and evaluation --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def action_item_list(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    if request.method == "POST":
        item = access_action_item(user=user, item_id=_posted_id(request, "item"))
        form = ActionItemStatusForm(request.POST)
        if form.is_valid() and _attempt(
            request,
            lambda: services.action_item_set_status(
                item=item, actor=user, status=form.cleaned_data["status"]
            ),
        ):
            messages.success(request, _("The status is saved."))
        return redirect("meetings:tasks")
    items = [
        (item, services.action_item_sentence(item)) for item in action_items_visible(user=user)
    ]
    return render(
        request,
        "meetings/action_items.html",
        {"items": items, "me": user, "statuses": ActionItem.Status.choices},
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = authenticated_user(request)
    meeting = access_meeting(user=user, meeting_id=meeting_id)
    form = EvaluationForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            request,
            lambda: services.evaluation_submit(meeting=meeting, actor=user, **form.cleaned_data),
        )
    ):
        messages.success(request, _("Thank you for telling us what you thought."))
        return redirect("meetings:detail", meeting_id=meeting.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "meetings/evaluation_form.html",
        {"meeting": meeting, "form": form, "is_youth": user.pk == meeting.case.youth_id},
        status=status,
    )


@login_required
@require_GET
def evaluation_results(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = authenticated_user(request)
    meeting = access_meeting(user=user, meeting_id=meeting_id)
    if user.pk != meeting.organiser_id:
        raise Http404
    return render(
        request,
        "meetings/evaluation_results.html",
        {
            "meeting": meeting,
            "summary": evaluation_for_meeting(meeting=meeting),
            "over_time": evaluation_over_time(organiser=user),
        },
    )


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
            "can_organise": can_organise(case=case, user=user),
        },
    )
