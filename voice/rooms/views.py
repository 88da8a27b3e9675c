"""The pages of rooms, in plain words. One view per action; services decide, pages show."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.selectors import access_case, team_users
from consent.models import Room
from coordination.pages import attempt
from coordination.parsing import parse_page, posted_id
from coordination.rest import authenticated_user

from ..selectors import message_recipients
from . import selectors, services
from .forms import RoomForm, RoomMemberForm, RoomMessageForm

ROOMS_PER_PAGE = 20
MESSAGES_PER_PAGE = 30


@login_required
@require_GET
def rooms(request: HttpRequest, case_id: int) -> HttpResponse:
    """The rooms of a case the caller is in, each with what is new for them."""
    user = authenticated_user(request)
    case = access_case(user=user, case_id=case_id)
    page = Paginator(selectors.rooms_for_case(user=user, case=case), ROOMS_PER_PAGE).get_page(
        parse_page(request.GET.get("page"))
    )
    return render(
        request,
        "voice/rooms/list.html",
        {
            "case": case,
            "page": page,
            "rows": selectors.room_rows(user=user, rooms=list(page)),
            "is_youth": user.pk == case.youth_id,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def room_new(request: HttpRequest, case_id: int) -> HttpResponse:
    """The young person opens a room and chooses who is in it."""
    user = authenticated_user(request)
    case = access_case(user=user, case_id=case_id)
    if user.pk != case.youth_id:
        raise PermissionDenied(_("Only the young person opens a room."))
    candidates = message_recipients(case=case)
    form = RoomForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        members = list(team_users(case=case).filter(pk__in=form.cleaned_data["members"]))
        if outcome := attempt(
            request,
            lambda: services.room_create(
                case_id=case.pk, actor=user, title=form.cleaned_data["title"], members=members
            ),
        ):
            messages.success(request, _("The room is open. Everyone in it has been told."))
            return redirect("voice:room", room_id=outcome.value.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "voice/rooms/new.html", {"case": case, "form": form}, status=status)


def _room_page(
    request: HttpRequest, room: Room, form: RoomMessageForm | None = None, status: int = 200
) -> HttpResponse:
    user = authenticated_user(request)
    paginator = Paginator(selectors.room_messages(user=user, room=room), MESSAGES_PER_PAGE)
    # The newest messages first come into view: without ?page= the last page.
    asked = request.GET.get("page")
    page = paginator.get_page(parse_page(asked) if asked else paginator.num_pages)
    shown = list(page)
    services.room_read(room=room, user=user, messages=shown, via="page")
    return render(
        request,
        "voice/rooms/room.html",
        {
            "room": room,
            "case": room.case,
            "page": page,
            "shown": shown,
            "members": list(selectors.room_members(room=room)),
            "is_youth": user.pk == room.case.youth_id,
            "form": form or RoomMessageForm(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def room(request: HttpRequest, room_id: int) -> HttpResponse:
    """A room: its messages and, while it is open, a box to write in."""
    user = authenticated_user(request)
    found = selectors.access_room(user=user, room_id=room_id)
    if request.method == "GET":
        return _room_page(request, found)
    form = RoomMessageForm(request.POST)
    if not form.is_valid():
        return _room_page(request, found, form, status=400)
    if attempt(
        request,
        lambda: services.room_message_send(
            room_id=found.pk, author=user, body=form.cleaned_data["body"]
        ),
    ):
        messages.success(request, _("Sent to everyone in the room."))
    return redirect("voice:room", room_id=found.pk)


def _members_page(
    request: HttpRequest, room: Room, form: RoomMemberForm | None = None, status: int = 200
) -> HttpResponse:
    user = authenticated_user(request)
    is_youth = user.pk == room.case.youth_id
    candidates = selectors.room_member_candidates(room=room) if is_youth else []
    return render(
        request,
        "voice/rooms/members.html",
        {
            "room": room,
            "case": room.case,
            "members": list(selectors.room_members(room=room)),
            "is_youth": is_youth,
            "form": form or (RoomMemberForm(candidates=candidates) if candidates else None),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def room_members(request: HttpRequest, room_id: int) -> HttpResponse:
    """Who is in the room; the young person adds someone here."""
    user = authenticated_user(request)
    found = selectors.access_room(user=user, room_id=room_id)
    if request.method == "GET":
        return _members_page(request, found)
    if user.pk != found.case.youth_id:
        raise PermissionDenied(_("Only the young person chooses who is in."))
    form = RoomMemberForm(request.POST, candidates=selectors.room_member_candidates(room=found))
    if not form.is_valid():
        return _members_page(request, found, form, status=400)
    member = team_users(case=found.case).get(pk=int(form.cleaned_data["user"]))
    if attempt(
        request,
        lambda: services.room_member_add(
            room_id=found.pk,
            actor=user,
            user=member,
            show_earlier=form.cleaned_data["show_earlier"],
        ),
    ):
        messages.success(request, _("%(name)s is in the room now.") % {"name": member.name})
    return redirect("voice:room-members", room_id=found.pk)


@login_required
@require_POST
def room_member_remove(request: HttpRequest, room_id: int) -> HttpResponse:
    user = authenticated_user(request)
    found = selectors.access_room(user=user, room_id=room_id)
    user_id = posted_id(request, "user")
    if attempt(
        request,
        lambda: services.room_member_remove(room_id=found.pk, actor=user, user_id=user_id),
    ):
        messages.success(
            request, _("They are out of the room and can no longer read what was written there.")
        )
    return redirect("voice:room-members", room_id=found.pk)


@login_required
@require_POST
def room_leave(request: HttpRequest, room_id: int) -> HttpResponse:
    user = authenticated_user(request)
    found = selectors.access_room(user=user, room_id=room_id)
    if attempt(request, lambda: services.room_leave(room_id=found.pk, actor=user)):
        messages.success(request, _("You have left the room."))
        return redirect("voice:rooms", case_id=found.case_id)
    return redirect("voice:room-members", room_id=found.pk)


@login_required
@require_POST
def room_close(request: HttpRequest, room_id: int) -> HttpResponse:
    user = authenticated_user(request)
    found = selectors.access_room(user=user, room_id=room_id)
    if attempt(request, lambda: services.room_close(room_id=found.pk, actor=user)):
        messages.success(request, _("The room is closed. Everyone in it can still read it."))
    return redirect("voice:room", room_id=found.pk)
