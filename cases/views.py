"""The case pages for everyone on the team. Sharing lives in consent.views (it owns the path)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from coordination.errors import StateConflict
from coordination.home import case_sections
from coordination.parsing import parse_page, posted_id
from coordination.rest import authenticated_user

from .forms import EntryForm, WithholdForm
from .models import Case
from .selectors import (
    access_case,
    access_entry,
    access_withholding,
    cases_for_user,
    entries_for_case,
    is_case_admin,
    on_team,
    participant_active,
    participants_for_case,
    withholdings_active,
    withholdings_for_review,
)
from .services import (
    entry_create,
    entry_kinds_writable,
    entry_withhold,
    participants_removable,
    withholding_end,
)

CASES_PER_PAGE = 20
ENTRIES_PER_PAGE = 20


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    page = Paginator(cases_for_user(user=user), CASES_PER_PAGE).get_page(
        parse_page(request.GET.get("page"))
    )
    return render(request, "cases/case_list.html", {"page": page})


def _case_page(
    request: HttpRequest, case: Case, form: EntryForm, status: int = 200
) -> HttpResponse:
    user = authenticated_user(request)
    participants = list(participants_for_case(case=case))
    team = [p for p in participants if on_team(p)]
    me = participant_active(case=case, user=user)
    page = Paginator(entries_for_case(user=user, case=case), ENTRIES_PER_PAGE).get_page(
        parse_page(request.GET.get("page"))
    )
    context = {
        "case": case,
        "team": team,
        "former": [p for p in participants if p not in team],
        "removable": participants_removable(case=case, actor=user, participants=team),
        "me": me,
        "is_youth": user.pk == case.youth_id,
        # The apps above cases add to the top of the page (consent: who-knows-what, by its rule).
        "sections": case_sections(user=user, case=case),
        "page": page,
        "form": form,
        # The young person is told what is kept from them, why, and who decided.
        "withheld": list(withholdings_active(case=case)) if user.pk == case.youth_id else [],
    }
    return render(request, "cases/case_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """The team, the entries I may open, and (for people on the team) a form to write one."""
    user = authenticated_user(request)
    case = access_case(user=user, case_id=case_id)
    kinds = entry_kinds_writable(case=case, author=user)
    if request.method == "GET":
        return _case_page(request, case, EntryForm(kinds=kinds))
    form = EntryForm(request.POST, kinds=kinds)
    if not form.is_valid():
        return _case_page(request, case, form, status=400)
    try:
        entry = entry_create(case=case, author=user, **form.cleaned_data)
    except ValidationError as refusal:
        form.add_error(None, refusal)
        return _case_page(request, case, form, status=400)
    messages.success(
        request,
        _("Saved. Only you and the young person can see it until you share it."),
    )
    return redirect("consent:entry", case_id=case.pk, entry_id=entry.pk)


@login_required
@require_http_methods(["GET", "POST"])
def entry_withhold_page(request: HttpRequest, case_id: int, entry_id: int) -> HttpResponse:
    """The author keeps an entry from the young person, with a legal reason they will read."""
    user = authenticated_user(request)
    entry = access_entry(user=user, entry_id=entry_id)
    if entry.case_id != case_id or entry.author_id != user.pk:
        raise Http404
    form = WithholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry_withhold(entry_id=entry.pk, actor=user, reason=form.cleaned_data["reason"])
        except (PermissionDenied, StateConflict, ValidationError) as refusal:
            messages.error(request, " ".join(getattr(refusal, "messages", [str(refusal)])))
        else:
            messages.success(
                request, _("Withheld. The young person sees the reason and that you decided.")
            )
        return redirect("cases:detail", case_id=case_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/withhold.html", {"entry": entry, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def withholdings_review(request: HttpRequest) -> HttpResponse:
    """Case admins review every active withholding (reason, who, when; never the entry) and
    can end one, which gives the young person access again."""
    user = authenticated_user(request)
    if not is_case_admin(user=user):
        raise Http404
    if request.method == "POST":
        withholding = access_withholding(
            user=user, withholding_id=posted_id(request, "withholding")
        )
        try:
            withholding_end(withholding=withholding, actor=user)
        except StateConflict as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Ended. The young person can see the entry again."))
        return redirect("cases:withheld")
    page = Paginator(withholdings_for_review(), CASES_PER_PAGE).get_page(
        parse_page(request.GET.get("page"))
    )
    return render(request, "cases/withholdings_review.html", {"page": page})
