"""The case pages for everyone on the team. Sharing lives in consent.views (it owns the path)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from coordination.rest import authenticated_user

from .forms import EntryForm
from .models import Case, Participant
from .selectors import (
    access_case,
    cases_for_user,
    entries_for_case,
    participant_active,
    participants_for_case,
)
from .services import entry_create

CASES_PER_PAGE = 20
ENTRIES_PER_PAGE = 20


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    page = Paginator(cases_for_user(user=user), CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cases/case_list.html", {"page": page})


def _case_page(
    request: HttpRequest, case: Case, form: EntryForm, status: int = 200
) -> HttpResponse:
    user = authenticated_user(request)
    participants = list(participants_for_case(case=case))
    me = participant_active(case=case, user=user)
    page = Paginator(entries_for_case(user=user, case=case), ENTRIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "case": case,
        "team": [p for p in participants if p.left is None],
        "former": [p for p in participants if p.left is not None],
        "me": me,
        "is_youth": user.pk == case.youth_id,
        "can_overview": user.pk == case.youth_id
        or (
            me is not None
            and me.role in {Participant.Role.UNGDOMSHJELPER, Participant.Role.GUARDIAN}
        ),
        "page": page,
        "form": form,
    }
    return render(request, "cases/case_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """The team, the entries I may open, and (for people on the team) a form to write one."""
    user = authenticated_user(request)
    case = access_case(user=user, case_id=case_id)
    if request.method == "GET":
        return _case_page(request, case, EntryForm())
    form = EntryForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, form, status=400)
    entry = entry_create(case=case, author=user, **form.cleaned_data)
    messages.success(
        request,
        _("Saved. Only you and the young person can see it until you share it."),
    )
    return redirect("consent:entry", case_id=case.pk, entry_id=entry.pk)
