"""Pages of the share path: an entry with its sharing, who-knows-what, consent requests.

Every write goes through consent.services; a refusal (not allowed, wrong state, bad input) is
shown as a message on the page it came from and changes nothing.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.markdown import render_markdown
from cases.models import Case, Entry, Participant
from cases.selectors import access_case, access_entry, attachments_for_entry, entry_notes
from cases.services import can_close_case, entry_open, participants_removable
from coordination.models import User
from coordination.pages import attempt
from coordination.parsing import parse_page
from coordination.rest import authenticated_user

from . import links
from .access_log import (
    access_case_log,
    access_log,
    access_log_categories,
    access_log_people,
    access_log_rows,
    access_log_team,
)
from .forms import (
    BASIS_LEGAL_DUTY,
    AccessLogFilterForm,
    BlockForm,
    CaseCloseForm,
    DeclineForm,
    EndsForm,
    LeaveForm,
    OpinionForm,
    ShareForm,
)
from .models import ConsentRequest, Disclosure
from .selectors import (
    access_block,
    access_case_blocks,
    access_case_overview,
    access_consent_request,
    access_disclosure,
    block_candidates,
    blocks_active,
    categories_decided_by,
    categories_watched,
    consent_requests_visible,
    may_block,
    may_see_youth_opinion,
    share_candidates,
    sharing_overview_for_entry,
    watches_entry,
    who_knows_what,
)
from .services import (
    block_create,
    block_remove,
    case_close,
    case_reopen,
    category_watch,
    consent_request_approve,
    consent_request_decline,
    consent_request_opinion,
    entry_watch,
    participant_remove,
    share,
    withdraw,
)
from .texts import KnowledgeRows

REQUESTS_PER_PAGE = 20


def _entry_page(
    request: HttpRequest, case_id: int, entry_id: int, form: ShareForm | None, status: int = 200
) -> HttpResponse:
    user = authenticated_user(request)
    entry = entry_open(user=user, entry_id=entry_id, via="page")
    if entry.case_id != case_id:
        raise Http404
    is_author = user.pk == entry.author_id
    context: dict[str, object] = {
        "entry": entry,
        "case": entry.case,
        "body_html": render_markdown(entry.body),
        "attachments": attachments_for_entry(entry=entry),
        "is_author": is_author,
        "is_youth": user.pk == entry.case.youth_id,
        "watching": user.pk == entry.case.youth_id and watches_entry(user=user, entry=entry),
        "notes": entry_notes(user=user, entry=entry),
    }
    if is_author:
        candidates = share_candidates(entry=entry)
        disclosures, consent_requests = sharing_overview_for_entry(entry=entry)
        context.update(
            form=form or ShareForm(candidates=candidates),
            candidates=candidates,
            disclosures=disclosures,
            consent_requests=consent_requests,
        )
    return render(request, "consent/entry_detail.html", context, status=status)


@login_required
@require_GET
def entry_detail(request: HttpRequest, case_id: int, entry_id: int) -> HttpResponse:
    """Opening an entry is recorded (the youth sees who opened it and when)."""
    return _entry_page(request, case_id, entry_id, None)


@login_required
@require_POST
def entry_share(request: HttpRequest, case_id: int, entry_id: int) -> HttpResponse:
    user = authenticated_user(request)
    entry = entry_open(user=user, entry_id=entry_id, via="page")
    if entry.case_id != case_id:
        raise Http404
    form = ShareForm(request.POST, candidates=share_candidates(entry=entry))
    if not form.is_valid():
        return _entry_page(request, case_id, entry_id, form, status=400)
    recipients = list(User.objects.filter(pk__in=form.cleaned_data["recipients"]))
    legal_duty = form.cleaned_data["basis"] == BASIS_LEGAL_DUTY
    shared = attempt(
        request,
        lambda: share(
            entry=entry,
            recipients=recipients,
            actor=user,
            basis=Disclosure.Basis.LEGAL_DUTY if legal_duty else None,
            justification=form.cleaned_data["justification"] if legal_duty else "",
            purpose=form.cleaned_data["purpose"],
        ),
    )
    if shared:
        if shared.value.held:
            messages.success(
                request,
                _(
                    "Not shared yet: waiting for %(name)s to read it first. It is shared when "
                    "they have, or at the latest %(hours)d hours after it was written."
                )
                % {"name": entry.case.youth.name, "hours": settings.SAMMEN_READ_FIRST_HOURS},
            )
        elif shared.value.status == "shared":
            messages.success(
                request,
                ngettext(
                    "Shared with %(count)d person. The young person has been told.",
                    "Shared with %(count)d people. The young person has been told.",
                    len(recipients),
                )
                % {"count": len(recipients)},
            )
        else:
            messages.success(
                request,
                _(
                    "Not shared yet: the person who gives consent has been asked. "
                    "You will be told the answer."
                ),
            )
    return redirect("consent:entry", case_id=case_id, entry_id=entry_id)


@login_required
@require_GET
def who_knows_what_page(request: HttpRequest, case_id: int) -> HttpResponse:
    """'Who knows what about me': per person what they can see, since when, why, and opened."""
    user = authenticated_user(request)
    case = access_case_overview(user=user, case_id=case_id)
    decided = categories_decided_by(case=case, user=user)
    people = []
    # The rows' forms and the rest of the page carry the same token, as the template's did.
    csrf_token = get_token(request)
    rows = KnowledgeRows(decided_categories=decided, csrf_token=csrf_token)
    for person in who_knows_what(case=case, viewer=user):
        if person.user.pk == case.youth_id:
            continue  # the youth sees everything about themself; the page is about the others
        current, ended = [], []
        for k in person.entries:
            if k.in_force:
                current.append(rows.current(k, person.user))
            else:
                ended.append(rows.ended(k))
        people.append(
            {
                "person": person,
                "current": mark_safe("".join(current)),  # noqa: S308
                "ended": mark_safe("".join(ended)),  # noqa: S308
            }
        )
    return render(
        request,
        "consent/who_knows_what.html",
        {
            "csrf_token": csrf_token,
            "case": case,
            "people": people,
            "is_youth": user.pk == case.youth_id,
            "decided_categories": decided,
            "reads_access_log": bool(access_log_categories(user=user, case=case)),
            "may_block": may_block(user=user, case=case),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def blocks_page(request: HttpRequest, case_id: int) -> HttpResponse:
    """ "Block someone": the people who get nothing from the case, and whom to add."""
    user = authenticated_user(request)
    case = access_case_blocks(user=user, case_id=case_id)
    people = block_candidates(case=case, viewer=user)
    form = BlockForm(request.POST or None, people=people)
    if request.method == "POST":
        if not form.is_valid():
            return _blocks_page(request, case, form, people, status=400)
        blocked = User.objects.filter(pk=form.cleaned_data["user"]).first()
        reason = form.cleaned_data["reason"]
        if blocked is not None and attempt(
            request,
            lambda: block_create(case_id=case.pk, actor=user, user=blocked, reason=reason),
        ):
            messages.success(
                request,
                _("%(name)s gets nothing from your case now. They are not told why.")
                % {"name": blocked.name},
            )
        return redirect("consent:blocks", case_id=case.pk)
    return _blocks_page(request, case, form, people)


def _blocks_page(
    request: HttpRequest,
    case: Case,
    form: BlockForm,
    people: list[Participant],
    status: int = 200,
) -> HttpResponse:
    user = authenticated_user(request)
    return render(
        request,
        "consent/blocks.html",
        {
            "case": case,
            "form": form,
            "people": people,
            "blocks": list(blocks_active(case=case, viewer=user)),
            "is_youth": user.pk == case.youth_id,
        },
        status=status,
    )


@login_required
@require_POST
def block_remove_page(request: HttpRequest, case_id: int, block_id: int) -> HttpResponse:
    user = authenticated_user(request)
    if access_block(user=user, block_id=block_id).case_id != case_id:
        raise Http404
    if attempt(request, lambda: block_remove(block_id=block_id, actor=user)):
        messages.success(
            request,
            _("The block is removed. What was shared before does not come back by itself."),
        )
    return redirect("consent:blocks", case_id=case_id)


def _watching_posted(request: HttpRequest) -> bool:
    return request.POST.get("watching") == "on"


@login_required
@require_POST
def entry_watch_page(request: HttpRequest, case_id: int, entry_id: int) -> HttpResponse:
    """The young person's "tell me when someone else opens this" on the entry's page."""
    user = authenticated_user(request)
    entry = access_entry(user=user, entry_id=entry_id)
    if entry.case_id != case_id:
        raise Http404
    watching = _watching_posted(request)
    if attempt(request, lambda: entry_watch(entry_id=entry.pk, actor=user, watching=watching)):
        messages.success(
            request,
            _("You will be told when someone else opens this.")
            if watching
            else _("You will no longer be told when this is opened."),
        )
    return redirect(links.entry(entry))


@login_required
@require_POST
def category_watch_page(request: HttpRequest, case_id: int) -> HttpResponse:
    """The young person's "tell me when someone else opens anything about ..." on the log."""
    user = authenticated_user(request)
    watching = _watching_posted(request)
    category = request.POST.get("category", "")
    if attempt(
        request,
        lambda: category_watch(case_id=case_id, category=category, actor=user, watching=watching),
    ):
        messages.success(request, _("Your choice is saved."))
    return redirect("consent:access-log", case_id=case_id)


ACCESS_LOG_PER_PAGE = 25


@login_required
@require_GET
def access_log_page(request: HttpRequest, case_id: int) -> HttpResponse:
    """The access log in plain words: who opened what, when and why; filters by person,
    entry and period (a wrong filter is a message on the page and shows nothing)."""
    user = authenticated_user(request)
    case, categories = access_case_log(user=user, case_id=case_id)
    team = access_log_team(case=case)
    form = AccessLogFilterForm(request.GET, people=access_log_people(team))
    watched = categories_watched(user=user, case=case) if user.pk == case.youth_id else set()
    page, rows = None, []
    if form.is_valid():
        events = access_log(case=case, categories=categories, viewer=user, narrow=form.narrowed())
        page = Paginator(events, ACCESS_LOG_PER_PAGE).get_page(parse_page(request.GET.get("page")))
        rows = access_log_rows(case=case, team=team, viewer=user, events=list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "consent/access_log.html",
        {
            "case": case,
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "is_youth": user.pk == case.youth_id,
            "narrowed": any(request.GET.get(name) for name in form.fields),
            "categories": [
                (value, label, value in watched) for value, label in Entry.Category.choices
            ],
        },
        status=200 if page is not None else 400,
    )


@login_required
@require_POST
def disclosure_withdraw(request: HttpRequest, disclosure_id: int) -> HttpResponse:
    user = authenticated_user(request)
    disclosure = access_disclosure(user=user, disclosure_id=disclosure_id)
    if attempt(request, lambda: withdraw(disclosure=disclosure, actor=user)):
        messages.success(
            request,
            _("%(name)s can no longer see this. They have been told.")
            % {"name": disclosure.recipient.name},
        )
    return redirect("consent:who-knows-what", case_id=disclosure.entry.case_id)


@login_required
@require_GET
def consent_request_list(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    show_all = request.GET.get("show") == "all"
    requests = consent_requests_visible(
        user=user, status=None if show_all else ConsentRequest.Status.PENDING
    )
    page = Paginator(requests, REQUESTS_PER_PAGE).get_page(parse_page(request.GET.get("page")))
    return render(request, "consent/request_list.html", {"page": page, "show_all": show_all})


def _request_page(
    request: HttpRequest,
    consent_request: ConsentRequest,
    decline_form: DeclineForm | None = None,
    opinion_form: OpinionForm | None = None,
    approve_form: EndsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = authenticated_user(request)
    pending = consent_request.effective_status == ConsentRequest.Status.PENDING
    is_youth = user.pk == consent_request.entry.case.youth_id
    return render(
        request,
        "consent/request_detail.html",
        {
            "consent_request": consent_request,
            "entry": consent_request.entry,
            "pending": pending,
            "can_decide": pending and consent_request.viewer_decides,
            "can_give_opinion": pending and is_youth and consent_request.youth_opinion_asked,
            "is_youth": is_youth,
            "show_opinion": may_see_youth_opinion(consent_request=consent_request, user=user),
            "decline_form": decline_form or DeclineForm(),
            "approve_form": approve_form or EndsForm(),
            "opinion_form": opinion_form
            or OpinionForm(initial={"opinion": consent_request.youth_opinion}),
        },
        status=status,
    )


def _approve(request: HttpRequest, consent_request: ConsentRequest) -> HttpResponse | None:
    """Yes, for as long as the form says; the page again (400) when the period is not valid."""
    approve_form = EndsForm(request.POST)
    if not approve_form.is_valid():
        return _request_page(request, consent_request, approve_form=approve_form, status=400)
    until = approve_form.ends_on()
    user = authenticated_user(request)
    if attempt(
        request,
        lambda: consent_request_approve(consent_request=consent_request, actor=user, until=until),
    ):
        messages.success(request, _("You said yes. It is shared now, and everyone is told."))
    return None


@login_required
@require_http_methods(["GET", "POST"])
def consent_request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    user = authenticated_user(request)
    consent_request = access_consent_request(user=user, request_id=request_id)
    if request.method == "GET":
        return _request_page(request, consent_request)
    action = request.POST.get("action")
    if action == "approve":
        refused = _approve(request, consent_request)
        if refused is not None:
            return refused
    elif action == "decline":
        decline_form = DeclineForm(request.POST)
        if not decline_form.is_valid():
            return _request_page(request, consent_request, decline_form=decline_form, status=400)
        reason = decline_form.cleaned_data["reason"]
        if attempt(
            request,
            lambda: consent_request_decline(
                consent_request=consent_request, actor=user, reason=reason
            ),
        ):
            messages.success(request, _("You said no. Nothing was shared."))
    elif action == "opinion":
        opinion_form = OpinionForm(request.POST)
        if not opinion_form.is_valid():
            return _request_page(request, consent_request, opinion_form=opinion_form, status=400)
        opinion = opinion_form.cleaned_data["opinion"]
        if attempt(
            request,
            lambda: consent_request_opinion(
                consent_request=consent_request, actor=user, opinion=opinion
            ),
        ):
            messages.success(
                request, _("Thank you. The people who decide will see what you think.")
            )
    else:
        messages.error(request, _("Choose what you want to do."))
    return redirect("consent:request", request_id=request_id)


@login_required
@require_http_methods(["GET", "POST"])
def case_close_page(request: HttpRequest, case_id: int) -> HttpResponse:
    """The ungdomshjelper or a helper closes the case with a summary (and a follow-up date)."""
    user = authenticated_user(request)
    case = access_case(user=user, case_id=case_id)
    if not can_close_case(case=case, user=user):
        raise PermissionDenied
    if case.is_closed:
        messages.error(request, _("The case is closed."))
        return redirect("cases:detail", case_id=case.pk)
    form = CaseCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if attempt(
            request,
            lambda: case_close(
                case=case,
                actor=user,
                summary=form.cleaned_data["summary"],
                follow_up_on=form.cleaned_data["follow_up_on"],
            ),
        ):
            messages.success(
                request,
                _("The case is closed. The young person and the team have been told."),
            )
        return redirect("cases:detail", case_id=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "consent/case_close.html", {"case": case, "form": form}, status=status)


@login_required
@require_POST
def case_reopen_page(request: HttpRequest, case_id: int) -> HttpResponse:
    user = authenticated_user(request)
    case = access_case(user=user, case_id=case_id)
    if attempt(request, lambda: case_reopen(case=case, actor=user)):
        messages.success(
            request, _("The case is open again. The young person and the team have been told.")
        )
    return redirect("cases:detail", case_id=case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def participant_remove_page(
    request: HttpRequest, case_id: int, participant_id: int
) -> HttpResponse:
    """Leaving the team, or (the ungdomshjelper) taking someone off it, with an optional
    summary the young person and the team read. Who may: cases.services.participants_removable,
    asked by the service."""
    user = authenticated_user(request)
    case = access_case(user=user, case_id=case_id)
    participant = (
        Participant.objects.filter(case=case, pk=participant_id, left__isnull=True)
        .select_related("user", "service")
        .first()
    )
    if participant is None:
        raise Http404
    if participant.pk not in participants_removable(
        case=case, actor=user, participants=[participant]
    ):
        raise PermissionDenied
    form = LeaveForm(request.POST or None)
    leaving = participant.user_id == user.pk
    if request.method == "POST" and form.is_valid():
        summary = form.cleaned_data["summary"]
        if attempt(
            request,
            lambda: participant_remove(participant=participant, actor=user, summary=summary),
        ):
            if leaving:
                messages.success(
                    request, _("You have left the team. You can no longer see the case.")
                )
                return redirect("home")
            messages.success(
                request,
                _("%(name)s is off the team now. The young person and the team have been told.")
                % {"name": participant.user.name},
            )
        return redirect("cases:detail", case_id=case.pk)
    status = 400 if request.method == "POST" else 200
    context = {"case": case, "participant": participant, "leaving": leaving, "form": form}
    return render(request, "consent/participant_remove.html", context, status=status)
