"""Referral pages: "Henvis" from the case page, the case's referrals as timelines, one
referral, and the service's intake inbox. Thin: selectors read, services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.selectors import access_case
from coordination.pages import attempt
from coordination.parsing import parse_id, parse_page
from coordination.rest import authenticated_user

from . import links, selectors, services
from .forms import AcceptForm, DeclineForm, ReferralForm
from .models import Referral

PER_PAGE = 25
SEARCH_MAX_CHARS = 100


@login_required
@require_http_methods(["GET", "POST"])
def referral_create_page(request: HttpRequest, case_id: int) -> HttpResponse:
    user = authenticated_user(request)
    case = access_case(user=user, case_id=case_id)
    if not selectors.may_refer(user=user, case=case):
        raise Http404
    query = request.GET.get("q", "")[:SEARCH_MAX_CHARS].strip()
    found = list(selectors.services_taking_referrals(query=query)[:50])
    chosen = request.POST.get("service") if request.method == "POST" else None
    offered = {str(s.pk): s for s in found}
    if chosen and chosen not in offered:
        # The search on the page may have changed: keep what was chosen on offer.
        offered.update(
            {str(s.pk): s for s in selectors.services_taking_referrals() if str(s.pk) == chosen}
        )
    entries = list(selectors.payload_choices(user=user, case=case))
    form = ReferralForm(
        request.POST if request.method == "POST" else None,
        services=[(pk, service.name) for pk, service in offered.items()],
        entries=[
            (str(entry.pk), f"{entry.title} ({entry.get_category_display()})") for entry in entries
        ],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            request,
            lambda: services.referral_create(
                case_id=case.pk,
                actor=user,
                service_id=offered[data["service"]].pk,
                purpose=data["purpose"],
                entry_ids=[int(pk) for pk in data["entries"]],
                legal_duty=data["legal_duty"],
            ),
        )
        if outcome:
            messages.success(
                request,
                _("The referral is sent.")
                if outcome.value.status == Referral.Status.SENT
                else _("The referral waits for consent to what goes with it."),
            )
            return redirect(links.referral(outcome.value.pk))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "referrals/create.html",
        {"case": case, "form": form, "query": query, "found": found},
        status=status,
    )


@login_required
@require_GET
def case_referrals_page(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's referrals, each as a timeline: for the young person, the referrer and the
    ungdomshjelper (the rule of referrals_visible); anyone else on the case sees none."""
    user = authenticated_user(request)
    case = access_case(user=user, case_id=case_id)
    page = Paginator(selectors.referrals_of_case(user=user, case=case), PER_PAGE).get_page(
        parse_page(request.GET.get("page"))
    )
    referrals = selectors.referrals_detailed(user=user, referrals=page.object_list)
    return render(
        request,
        "referrals/case.html",
        {
            "case": case,
            "page": page,
            "items": [(r, selectors.referral_timeline(referral=r)) for r in referrals],
            "may_refer": selectors.may_refer(user=user, case=case),
            "is_youth": user.pk == case.youth_id,
        },
    )


def _suggestable(referral: Referral) -> list[tuple[str, str]]:
    return [
        (str(service.pk), service.name)
        for service in selectors.services_to_suggest(instead_of=referral.service)
    ]


def _detail(
    request: HttpRequest,
    referral: Referral,
    *,
    accept_form: AcceptForm | None = None,
    decline_form: DeclineForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = authenticated_user(request)
    [referral] = selectors.referrals_detailed(user=user, referrals=[referral])
    may_answer = selectors.referral_may_answer(user=user, referral=referral)
    if may_answer:
        accept_form = accept_form or AcceptForm(
            initial={"helper": str(user.pk)},
            helpers=[
                (str(person.pk), person.name)
                for person in selectors.staff_of_service(service=referral.service)
            ],
        )
        decline_form = decline_form or DeclineForm(services=_suggestable(referral))
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "steps": selectors.referral_timeline(referral=referral),
            "may_answer": may_answer,
            "may_withdraw": selectors.referral_may_withdraw(user=user, referral=referral),
            "accept_form": accept_form,
            "decline_form": decline_form,
            "is_youth": user.pk == referral.case.youth_id,
        },
        status=status,
    )


@login_required
@require_GET
def referral_detail_page(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = authenticated_user(request)
    return _detail(request, selectors.access_referral(user=user, referral_id=referral_id))


@login_required
@require_POST
def referral_accept_page(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = authenticated_user(request)
    referral = selectors.access_referral(user=user, referral_id=referral_id)
    helper_id = parse_id(request.POST.get("helper"))
    if attempt(
        request,
        lambda: services.referral_accept(referral_id=referral.pk, actor=user, helper_id=helper_id),
    ):
        messages.success(request, _("Accepted: the helper is now on the young person's team."))
    return redirect(links.referral(referral.pk))


@login_required
@require_POST
def referral_decline_page(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = authenticated_user(request)
    referral = selectors.access_referral(user=user, referral_id=referral_id)
    form = DeclineForm(request.POST, services=_suggestable(referral))
    if not form.is_valid():
        return _detail(request, referral, decline_form=form, status=400)
    if attempt(
        request,
        lambda: services.referral_decline(
            referral_id=referral.pk,
            actor=user,
            reason=form.cleaned_data["reason"],
            suggested_service_ids=form.cleaned_data["suggested_services"],
        ),
    ):
        messages.success(request, _("Answered no. The young person sees your reason."))
    return redirect(links.referral(referral.pk))


@login_required
@require_POST
def referral_withdraw_page(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = authenticated_user(request)
    referral = selectors.access_referral(user=user, referral_id=referral_id)
    if attempt(request, lambda: services.referral_withdraw(referral_id=referral.pk, actor=user)):
        messages.success(request, _("The referral is withdrawn."))
    return redirect(links.referral(referral.pk))


@login_required
@require_GET
def inbox_page(request: HttpRequest) -> HttpResponse:
    """The intake's inbox: referrals to their services, newest first; waiting ones marked."""
    user = authenticated_user(request)
    page = Paginator(selectors.referrals_visible(user=user, box="received"), PER_PAGE).get_page(
        parse_page(request.GET.get("page"))
    )
    return render(
        request,
        "referrals/inbox.html",
        {
            "page": page,
            "referrals": selectors.referrals_detailed(user=user, referrals=page.object_list),
        },
    )
