"""The reading-first page (issue #16 item 6): the young person turns it on or off and sees what
waits for them to read it, with "share it" and "don't share"; someone who shared sees what of
theirs waits, and may stop it. Every write goes through consent.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.selectors import access_case, access_entry
from coordination.pages import attempt
from coordination.rest import authenticated_user

from .rule_shares import (
    access_held_share,
    held_shares_visible,
    reading_first_hours,
    reading_first_on,
)
from .services import held_share_withdraw, held_shares_release, reading_first_set


@login_required
@require_GET
def reading_first_page(request: HttpRequest, case_id: int) -> HttpResponse:
    user = authenticated_user(request)
    case = access_case(user=user, case_id=case_id)
    is_youth = user.pk == case.youth_id
    return render(
        request,
        "consent/reading_first.html",
        {
            "case": case,
            "is_youth": is_youth,
            "on": is_youth and reading_first_on(case=case),
            "hours": reading_first_hours(),
            "waiting": list(held_shares_visible(user=user, case=case)),
        },
    )


@login_required
@require_POST
def reading_first_switch(request: HttpRequest, case_id: int) -> HttpResponse:
    user = authenticated_user(request)
    on = request.POST.get("on") == "on"
    if attempt(request, lambda: reading_first_set(case_id=case_id, actor=user, on=on)):
        messages.success(
            request,
            _("Reading first is on. New things about you wait until you have read them.")
            if on
            else _("Reading first is off. What waited for you has been shared."),
        )
    return redirect("consent:reading-first", case_id=case_id)


@login_required
@require_POST
def held_shares_release_page(request: HttpRequest, case_id: int, entry_id: int) -> HttpResponse:
    """The young person's "share it" for one entry."""
    user = authenticated_user(request)
    entry = access_entry(user=user, entry_id=entry_id)
    if entry.case_id != case_id:
        raise Http404
    if attempt(request, lambda: held_shares_release(entry_id=entry.pk, actor=user)):
        messages.success(request, _("It is shared now, as your rules say."))
    return redirect("consent:reading-first", case_id=case_id)


@login_required
@require_POST
def held_share_withdraw_page(request: HttpRequest, held_share_id: int) -> HttpResponse:
    """ "Don't share it" (the young person) or "stop it" (the person who shared it)."""
    user = authenticated_user(request)
    held = access_held_share(user=user, held_share_id=held_share_id)
    if attempt(request, lambda: held_share_withdraw(held_share_id=held.pk, actor=user)):
        messages.success(request, _("It will not be shared."))
    return redirect("consent:reading-first", case_id=held.entry.case_id)
