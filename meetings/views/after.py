"""After the meeting: minutes, printable minutes, tasks and evaluation."""

from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.markdown import render_markdown
from coordination.models import User
from coordination.pages import attempt
from coordination.parsing import posted_id
from coordination.rest import authenticated_user

from .. import services
from ..forms import (
    ActionItemForm,
    ActionItemStatusForm,
    CommentForm,
    DistributeForm,
    EvaluationForm,
    MinutesApproveForm,
    MinutesForm,
)
from ..models import ActionItem, Minutes
from ..selectors import (
    access_action_item,
    access_meeting,
    access_minutes,
    action_items_visible,
    attendances_for_meeting,
    evaluation_for_meeting,
    evaluation_over_time,
    sees_minutes_drafts,
)
from .common import _team, _users, unknown_action

# -- minutes ----------------------------------------------------------------------------------


def _minutes_context(request: HttpRequest, minutes: Minutes) -> dict:
    user = authenticated_user(request)
    meeting = minutes.meeting
    team = _team(meeting.case, with_youth=True)
    versions = list(minutes.versions.all()) if minutes.pk else []
    sees_drafts = sees_minutes_drafts(meeting=meeting, user=user)
    shown = (versions[-1] if versions else None) if sees_drafts else minutes.approved_version
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
        "sees_drafts": sees_drafts,
        "editable": minutes.status in services.REVIEW_STATES,
        "minutes_form": MinutesForm(
            initial={
                "summary": shown.summary,
                "decisions": shown.decisions,
                "version": shown.number,
            }
            if shown
            else {"version": 0}
        ),
        "item_form": ActionItemForm(team=team),
        "comment_form": CommentForm(),
        "distribute_form": DistributeForm(
            team=[p for p in team if p.user_id not in (meeting.organiser_id, meeting.case.youth_id)]
        ),
    }


def _minutes_for(user: User, meeting_id: int, *, read: bool) -> Minutes:
    """The minutes the caller may see; showing them (`read`) records the reading, a form sent
    from the page only acts on them. The organiser's first draft needs a Minutes row before one
    exists."""
    try:
        if read:
            return services.minutes_open(user=user, meeting_id=meeting_id, via="page")
        return access_minutes(user=user, meeting_id=meeting_id)
    except Http404:
        meeting = access_meeting(user=user, meeting_id=meeting_id)
        if meeting.organiser_id != user.pk:
            raise
        return Minutes(meeting=meeting)


@login_required
@require_http_methods(["GET", "POST"])
def minutes_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = authenticated_user(request)
    minutes = _minutes_for(user, meeting_id, read=request.method == "GET")
    if request.method == "POST":
        handler = _MINUTES_ACTIONS.get(request.POST.get("action", ""), _written(unknown_action))
        handler(request, minutes, user)
        return redirect("meetings:minutes", meeting_id=meeting_id)
    return render(request, "meetings/minutes.html", _minutes_context(request, minutes))


# -- one handler per form of the minutes page: each parses its form and makes one service call --

MinutesHandler = Callable[[HttpRequest, Minutes, User], None]


def _written(handler: MinutesHandler) -> MinutesHandler:
    """The forms that act on minutes already written (not on the organiser's first draft)."""

    def checked(request: HttpRequest, minutes: Minutes, user: User) -> None:
        if minutes.pk is None:
            messages.error(request, _("Write the minutes first."))
            return
        handler(request, minutes, user)

    return checked


def _save(request: HttpRequest, minutes: Minutes, user: User) -> None:
    form = MinutesForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Reload the page and read the minutes again.")
            if "version" in form.errors
            else _("Write a summary."),
        )
        return
    if attempt(
        request,
        lambda: services.minutes_save(meeting=minutes.meeting, actor=user, **form.cleaned_data),
    ):
        messages.success(request, _("A new version is saved."))


def _action_item(request: HttpRequest, minutes: Minutes, user: User) -> None:
    meeting = minutes.meeting
    form = ActionItemForm(request.POST, team=_team(meeting.case, with_youth=True))
    if not form.is_valid():
        messages.error(request, _("A task needs what, who and by when."))
        return
    data = form.cleaned_data
    if attempt(
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


def _submit(request: HttpRequest, minutes: Minutes, user: User) -> None:
    if attempt(request, lambda: services.minutes_submit(minutes=minutes, actor=user)):
        messages.success(request, _("Sent to the young person to review."))


def _comment(request: HttpRequest, minutes: Minutes, user: User, *, is_correction: bool) -> None:
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write your comment."))
        return
    if attempt(
        request,
        lambda: services.minutes_comment(
            minutes=minutes,
            actor=user,
            text=form.cleaned_data["text"],
            is_correction=is_correction,
        ),
    ):
        messages.success(request, _("Thank you. Your comment is saved with the minutes."))


def _approve(request: HttpRequest, minutes: Minutes, user: User) -> None:
    form = MinutesApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and read the minutes again."))
        return
    version = form.cleaned_data["version"]
    if attempt(
        request, lambda: services.minutes_approve(minutes=minutes, actor=user, version=version)
    ):
        messages.success(request, _("You approved the minutes."))


def _distribute(request: HttpRequest, minutes: Minutes, user: User) -> None:
    form = DistributeForm(request.POST, team=_team(minutes.meeting.case))
    if not form.is_valid():
        messages.error(request, _("Choose at least one person."))
        return
    if sent := attempt(
        request,
        lambda: services.minutes_distribute(
            minutes=minutes,
            actor=user,
            recipients=_users(form.cleaned_data["recipients"]),
            category=form.cleaned_data["category"],
        ),
    ):
        messages.success(
            request,
            _("Sent out. The young person has been told.")
            if sent.value.status == "shared"
            else _(
                "Not sent yet: the person who gives consent has been asked. Only those "
                "they approve will receive the minutes."
            ),
        )


_MINUTES_ACTIONS: dict[str, MinutesHandler] = {
    "save": _save,
    "action_item": _action_item,
    "submit": _written(_submit),
    "comment": _written(partial(_comment, is_correction=False)),
    "correction": _written(partial(_comment, is_correction=True)),
    "approve": _written(_approve),
    "distribute": _written(_distribute),
}


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
        item = access_action_item(user=user, item_id=posted_id(request, "item"))
        form = ActionItemStatusForm(request.POST)
        if form.is_valid() and attempt(
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
        and attempt(
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
