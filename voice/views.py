"""Pages of the young person's voice. Every write goes through a service; a refusal becomes a
message on the page it came from (consent.views._attempt) and changes nothing."""

from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.markdown import render_markdown
from cases.models import AccessEvent, Case, Entry, Participant
from cases.selectors import access_case, participants_for_case
from cases.services import entry_open
from consent.selectors import (
    access_case_rules,
    access_sharing_rule,
    categories_decided_by,
    sharing_rules_active,
)
from consent.services import sharing_rule_create, sharing_rule_end
from coordination.models import User
from coordination.pages import attempt
from coordination.parsing import parse_page, posted_id
from coordination.rest import authenticated_user
from services_registry.models import Service

from .forms import (
    AcceptForm,
    AnswerForm,
    ChooseForm,
    CommitForm,
    FeedbackForm,
    GoalEvaluationForm,
    GoalForm,
    MessageForm,
    RemarkForm,
    RuleForm,
    StepCommentForm,
    StepForm,
)
from .glossary import terms_matching
from .models import Goal, Remark, Step
from .overview import overview_for
from .plain import rule_text
from .plan import (
    goal_add,
    goal_evaluate,
    goal_progress,
    goals_of,
    helper_may_add_steps,
    plan_of,
    step_add,
    step_comment_add,
    step_mark,
)
from .selectors import (
    FEEDBACK_MIN_ANSWERS,
    access_case_for_choice,
    access_remark,
    access_remarks,
    entry_version,
    feedback_services,
    feedback_services_for_helper,
    feedback_summary,
    message_recipients,
    messages_for_case,
    remarks_by_author,
    remarks_for_entry,
    ungdomshjelper_candidates,
    ungdomshjelper_cases_paged,
    ungdomshjelper_change_open,
    ungdomshjelper_of,
    ungdomshjelper_offered,
    versions_of,
)
from .services import (
    correction_accept,
    feedback_give,
    message_send,
    messages_read,
    remark_answer,
    remark_create,
    remark_show,
    remarks_open,
    ungdomshjelper_change_ask,
    ungdomshjelper_change_cancel,
    ungdomshjelper_choose,
)

OVERVIEW_PER_PAGE = 25

# -- sharing rules ----------------------------------------------------------------------------


def _rules_case(request: HttpRequest, case_id: int) -> Case | HttpResponse:
    """The case whose rules the caller may see, or a 403 page that tells a guardian of a young
    person who decides for themself why the rules are not theirs."""
    try:
        return access_case_rules(user=authenticated_user(request), case_id=case_id)
    except PermissionDenied as refusal:
        return render(request, "voice/rules_forbidden.html", {"reason": str(refusal)}, status=403)


def _rules_page(
    request: HttpRequest, case: Case, form: RuleForm | None = None, status: int = 200
) -> HttpResponse:
    user = authenticated_user(request)
    decided = categories_decided_by(case=case, user=user)
    team = message_recipients(case=case)
    rules = [
        {"rule": rule, "text": rule_text(rule), "can_end": rule.category in decided}
        for rule in sharing_rules_active(case=case)
    ]
    return render(
        request,
        "voice/rules.html",
        {
            "case": case,
            "rules": rules,
            "is_youth": user.pk == case.youth_id,
            "form": (form or RuleForm(categories=decided, team=team)) if decided else None,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def sharing_rules(request: HttpRequest, case_id: int) -> HttpResponse:
    user = authenticated_user(request)
    case = _rules_case(request, case_id)
    if isinstance(case, HttpResponse):
        return case
    if request.method == "GET":
        return _rules_page(request, case)
    form = RuleForm(
        request.POST,
        categories=categories_decided_by(case=case, user=user),
        team=message_recipients(case=case),
    )
    if not form.is_valid():
        return _rules_page(request, case, form, status=400)
    kind, _sep, value = form.cleaned_data["recipient"].partition(":")
    # The form only offers people and services on the team, so these lookups succeed.
    recipient_user = get_object_or_404(User, pk=value) if kind == "user" else None
    recipient_service = get_object_or_404(Service, pk=value) if kind == "service" else None
    if attempt(
        request,
        lambda: sharing_rule_create(
            case=case,
            actor=user,
            category=form.cleaned_data["category"],
            recipient_user=recipient_user,
            recipient_service=recipient_service,
            recipient_role=value if kind == "role" else "",
            until=form.ends_on(),
            automatic=form.cleaned_data["automatic"],
        ),
    ):
        messages.success(
            request,
            _("The rule is saved. New things about this are shared automatically.")
            if form.cleaned_data["automatic"]
            else _(
                "The rule is saved. Nothing is shared until someone writes "
                "something about it and shares it."
            ),
        )
    return redirect("voice:rules", case_id=case.pk)


@login_required
@require_POST
def sharing_rule_remove(request: HttpRequest, rule_id: int) -> HttpResponse:
    user = authenticated_user(request)
    rule = access_sharing_rule(user=user, rule_id=rule_id)
    ended = rule.disclosures.filter(withdrawn_at__isnull=True).count()
    if attempt(request, lambda: sharing_rule_end(rule=rule, actor=user)):
        messages.success(
            request,
            ngettext(
                "The rule is removed. %(count)d thing shared under it can no longer be seen; "
                "the people who had it have been told.",
                "The rule is removed. %(count)d things shared under it can no longer be seen; "
                "the people who had them have been told.",
                ended,
            )
            % {"count": ended},
        )
    return redirect("voice:rules", case_id=rule.case_id)


# -- messages ---------------------------------------------------------------------------------


def _messages_page(
    request: HttpRequest, case: Case, form: MessageForm | None = None, status: int = 200
) -> HttpResponse:
    user = authenticated_user(request)
    is_youth = user.pk == case.youth_id
    recipients = message_recipients(case=case) if is_youth else []
    conversation = list(messages_for_case(user=user, case=case).select_related("author"))
    messages_read(case=case, user=user, messages=conversation, via="page")
    return render(
        request,
        "voice/messages.html",
        {
            "case": case,
            "conversation": conversation,
            "is_youth": is_youth,
            "form": form or MessageForm(recipients=recipients),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def conversation(request: HttpRequest, case_id: int) -> HttpResponse:
    """The conversation of a case: the young person writes to the helpers they choose; a helper
    writes to the young person."""
    user = authenticated_user(request)
    case = access_case(user=user, case_id=case_id)
    if request.method == "GET":
        return _messages_page(request, case)
    recipients = message_recipients(case=case) if user.pk == case.youth_id else []
    form = MessageForm(request.POST, recipients=recipients)
    if not form.is_valid():
        return _messages_page(request, case, form, status=400)
    chosen = list(User.objects.filter(pk__in=form.cleaned_data.get("recipients", [])))
    if attempt(
        request,
        lambda: message_send(
            case=case, author=user, body=form.cleaned_data["body"], recipients=chosen
        ),
    ):
        messages.success(request, _("Sent."))
    return redirect("voice:messages", case_id=case.pk)


# -- the ungdomshjelper -----------------------------------------------------------------------


def _ungdomshjelper_post(request: HttpRequest, case: Case, form: ChooseForm) -> bool:
    """Asks for another ungdomshjelper, cancels that, or chooses. False: the choice form is
    invalid (the page is shown again with its errors)."""
    user = authenticated_user(request)
    action = request.POST.get("action", "choose")
    if action == "change":
        if attempt(request, lambda: ungdomshjelper_change_ask(case=case, actor=user)):
            messages.success(request, _("Now choose who you want instead."))
        return True
    if action == "cancel":
        if attempt(request, lambda: ungdomshjelper_change_cancel(case=case, actor=user)):
            messages.success(request, _("You keep your ungdomshjelper. Nobody was told."))
        return True
    if not form.is_valid():
        return False
    chosen = get_object_or_404(User, pk=form.cleaned_data["chosen"])
    if attempt(request, lambda: ungdomshjelper_choose(case=case, actor=user, chosen=chosen)):
        messages.success(
            request,
            _("%(name)s is now your ungdomshjelper and has been told.") % {"name": chosen.name},
        )
    return True


@login_required
@require_http_methods(["GET", "POST"])
def ungdomshjelper(request: HttpRequest, case_id: int) -> HttpResponse:
    """The offer, the candidates with their own presentation, and the choice; later, asking
    for another ungdomshjelper (who is not told until someone new is chosen)."""
    user = authenticated_user(request)
    case = access_case_for_choice(user=user, case_id=case_id)
    candidates = ungdomshjelper_candidates(case=case)
    form = ChooseForm(request.POST or None, candidates=candidates)
    status = 200
    if request.method == "POST":
        if _ungdomshjelper_post(request, case, form):
            return redirect("voice:ungdomshjelper", case_id=case.pk)
        status = 400
    return render(
        request,
        "voice/ungdomshjelper.html",
        {
            "case": case,
            "current": ungdomshjelper_of(case=case),
            "offered": ungdomshjelper_offered(case=case),
            "change": ungdomshjelper_change_open(case=case),
            "form": form,
            "options": list(zip(form["chosen"], candidates, strict=True)),
            "is_youth": user.pk == case.youth_id,
        },
        status=status,
    )


@login_required
@require_GET
def ungdomshjelper_overview(request: HttpRequest) -> HttpResponse:
    """The ungdomshjelper's own page: each case where they have the role, what needs them, and
    what waits for the young person. Someone without the role sees an empty page that says so
    (it concerns only themself, so there is nothing to hide behind a 404)."""
    user = authenticated_user(request)
    # A compiled read's Paged: Django's Paginator asks it only for count() and a slice.
    cases: Any = ungdomshjelper_cases_paged(user=user)
    page = Paginator(cases, OVERVIEW_PER_PAGE).get_page(parse_page(request.GET.get("page")))
    return render(
        request,
        "voice/overview.html",
        {"page": page, "rows": overview_for(user=user, cases=list(page))},
    )


# -- glossary ---------------------------------------------------------------------------------


@require_GET
def glossary(request: HttpRequest) -> HttpResponse:
    """Ordliste: open to everyone, logged in or not (it holds no personal data)."""
    query = request.GET.get("q", "")[:100]
    return render(request, "voice/glossary.html", {"terms": terms_matching(query), "query": query})


# -- feedback ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest) -> HttpResponse:
    """The young person gives feedback on a service helping them; a helper sees the feedback on
    the services they act for, once there are enough answers to hide who said what."""
    user = authenticated_user(request)
    services = feedback_services(user=user)
    form = FeedbackForm(request.POST or None, services=services)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            if attempt(
                request,
                lambda: feedback_give(
                    author=user,
                    service=data["service"],
                    rating=data["rating"],
                    text=data["text"],
                    anonymous=data["anonymous"],
                ),
            ):
                messages.success(request, _("Thank you! Your feedback helps make the help better."))
            return redirect("voice:feedback")
        status = 400
    summaries = [
        feedback_summary(service=service) for service in feedback_services_for_helper(user=user)
    ]
    return render(
        request,
        "voice/feedback.html",
        {
            "form": form if services.exists() else None,
            "summaries": summaries,
            "min_answers": FEEDBACK_MIN_ANSWERS,
        },
        status=status,
    )


# -- comments and corrections -----------------------------------------------------------------


def _remarks_page(
    request: HttpRequest, entry: Entry, form: RemarkForm | None = None, status: int = 200
) -> HttpResponse:
    user = authenticated_user(request)
    is_youth = user.pk == entry.case.youth_id
    return render(
        request,
        "voice/remarks.html",
        {
            "entry": entry,
            "case": entry.case,
            "body_html": render_markdown(entry.body),
            "remarks": remarks_for_entry(entry=entry, viewer=user),
            "versions": versions_of(entry=entry, viewer=user),
            "entry_version": entry_version(entry=entry),
            "is_youth": is_youth,
            "is_author": user.pk == entry.author_id,
            "form": (form or RemarkForm()) if is_youth else None,
            "answer_form": AnswerForm(),
        },
        status=status,
    )


def _remark_show(request: HttpRequest, user: User, remark: Remark, *, shown: bool) -> None:
    if attempt(request, lambda: remark_show(remark=remark, actor=user, shown=shown)):
        messages.success(
            request,
            _("Everyone who can read this can now see it.")
            if shown
            else _("Only you and the person who wrote it can see it now."),
        )


def _remark_accept(request: HttpRequest, user: User, remark: Remark) -> None:
    form = AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and read the text again."))
        return
    if attempt(request, lambda: correction_accept(remark=remark, actor=user, **form.cleaned_data)):
        messages.success(request, _("Your answer is saved, and the young person is told."))


def _remark_answer(request: HttpRequest, user: User, remark: Remark) -> None:
    form = AnswerForm(request.POST)
    answer = form.cleaned_data["answer"] if form.is_valid() else ""
    if attempt(request, lambda: remark_answer(remark=remark, actor=user, answer=answer)):
        messages.success(request, _("Your answer is saved, and the young person is told."))


# The forms on the remarks page that act on one remark, by their `action`; each makes one
# service call. Anything else posted is a new comment or correction.
_REMARK_ACTIONS: dict[str, Callable[[HttpRequest, User, Remark], None]] = {
    "show": partial(_remark_show, shown=True),
    "hide": partial(_remark_show, shown=False),
    "accept": _remark_accept,
    "answer": _remark_answer,
}


@login_required
@require_http_methods(["GET", "POST"])
def remarks(request: HttpRequest, case_id: int, entry_id: int) -> HttpResponse:
    """An entry with the young person's comments and corrections, and its earlier texts: for the
    young person and the author, and for others what the young person showed them (else 404)."""
    user = authenticated_user(request)
    if request.method == "GET":
        entry = remarks_open(user=user, entry_id=entry_id, via=AccessEvent.Via.REMARKS)
    else:
        entry = access_remarks(user=user, entry_id=entry_id)
    if entry.case_id != case_id:
        raise Http404
    if request.method == "GET":
        return _remarks_page(request, entry)
    handler = _REMARK_ACTIONS.get(request.POST.get("action", ""))
    if handler is not None:
        handler(request, user, access_remark(user=user, remark_id=posted_id(request, "remark")))
        return redirect("voice:remarks", case_id=case_id, entry_id=entry_id)
    form = RemarkForm(request.POST)
    if not form.is_valid():
        return _remarks_page(request, entry, form, status=400)
    if attempt(request, lambda: remark_create(entry_id=entry.pk, author=user, **form.cleaned_data)):
        messages.success(request, _("Sent. The person who wrote it will answer you here."))
    return redirect("voice:remarks", case_id=case_id, entry_id=entry_id)


REMARKS_PER_PAGE = 25


@login_required
@require_GET
def my_remarks(request: HttpRequest) -> HttpResponse:
    """The young person's own comments and corrections on every case (GDPR Art. 16), each with
    its answer and a way to the entry; the profile links here."""
    page = Paginator(remarks_by_author(user=authenticated_user(request)), REMARKS_PER_PAGE)
    return render(
        request,
        "voice/my_remarks.html",
        {"page": page.get_page(parse_page(request.GET.get("page")))},
    )


@require_GET
def complain(request: HttpRequest) -> HttpResponse:
    """ "Jeg vil klage": how to complain to the municipality and to Datatilsynet, in plain words.
    Open to everyone, logged in or not (a text; no form, nothing stored)."""
    context = {
        "controller": settings.SAMMEN_CONTROLLER_NAME,
        "contact": settings.SAMMEN_PRIVACY_CONTACT_EMAIL,
    }
    return render(request, "voice/complain.html", context)


# -- the plan ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, case_id: int) -> HttpResponse:
    """The young person's plan; others see it once the young person has shared it with them.
    Helpers on the team who see it add what they will do and mark their own steps; the
    services decide who may do what."""
    user = authenticated_user(request)
    case = access_case(user=user, case_id=case_id)
    is_youth = user.pk == case.youth_id
    entry = plan_of(case=case, viewer=user)
    if entry is None and not is_youth:
        raise Http404
    if request.method == "POST":
        handler = _PLAN_ACTIONS.get(request.POST.get("action", ""))
        if handler is not None:
            handler(request, case, user)
        return redirect("voice:plan", case_id=case.pk)
    if entry is not None:
        # Reading the plan is reading the plan entry: who-knows-what shows it as opened.
        entry_open(user=user, entry_id=entry.pk, via="page")
    goals = goals_of(plan=entry) if entry else []
    return render(
        request,
        "voice/plan.html",
        {
            "case": case,
            "plan": entry,
            "goals": [(goal, goal_progress(goal)) for goal in goals],
            "versions": versions_of(entry=entry, viewer=user).count() if entry else 0,
            "is_youth": is_youth,
            "may_commit": not is_youth and helper_may_add_steps(case=case, user=user),
            "goal_form": GoalForm(),
            "step_form": StepForm(team=_plan_team(case)),
            "commit_form": CommitForm(),
            "comment_form": StepCommentForm(),
            "evaluation_form": GoalEvaluationForm(),
        },
    )


def _plan_team(case: Case) -> list[Participant]:
    return list(participants_for_case(case=case).active())


# -- one handler per form of the plan page: each parses its form and makes one service call ----


def _plan_goal(request: HttpRequest, case: Case, user: User) -> None:
    form = GoalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a few words."))
        return
    text = form.cleaned_data["text"]
    if attempt(request, lambda: goal_add(case=case, actor=user, text=text)):
        messages.success(request, _("Your goal is in the plan."))


def _plan_step(request: HttpRequest, case: Case, user: User) -> None:
    goal = get_object_or_404(Goal, pk=posted_id(request, "goal"), plan__case=case)
    form = StepForm(request.POST, team=_plan_team(case))
    if not form.is_valid():
        messages.error(request, _("Write the step and choose who does it."))
        return
    data = form.cleaned_data
    owner = get_object_or_404(User, pk=data["owner"])
    if attempt(
        request,
        lambda: step_add(goal=goal, actor=user, text=data["text"], owner=owner, due=data["due"]),
    ):
        messages.success(request, _("The step is in the plan."))


def _plan_step_mark(request: HttpRequest, case: Case, user: User, *, done: bool) -> None:
    step = get_object_or_404(Step, pk=posted_id(request, "step"), goal__plan__case=case)
    if attempt(request, lambda: step_mark(step=step, actor=user, done=done)):
        messages.success(request, _("Saved."))


def _plan_commit(request: HttpRequest, case: Case, user: User) -> None:
    goal = get_object_or_404(Goal, pk=posted_id(request, "goal"), plan__case=case)
    form = CommitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write what you will do."))
        return
    data = form.cleaned_data
    if attempt(
        request,
        lambda: step_add(goal=goal, actor=user, text=data["text"], owner=user, due=data["due"]),
    ):
        messages.success(request, _("What you will do is in the plan. The young person is told."))


def _plan_comment(request: HttpRequest, case: Case, user: User) -> None:
    step = get_object_or_404(Step, pk=posted_id(request, "step"), goal__plan__case=case)
    form = StepCommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a few words."))
        return
    text = form.cleaned_data["text"]
    if attempt(request, lambda: step_comment_add(step=step, actor=user, text=text)):
        messages.success(request, _("Your comment is in the plan."))


def _plan_evaluate(request: HttpRequest, case: Case, user: User) -> None:
    goal = get_object_or_404(Goal, pk=posted_id(request, "goal"), plan__case=case)
    form = GoalEvaluationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a number from 1 to 5."))
        return
    data = form.cleaned_data
    if attempt(
        request,
        lambda: goal_evaluate(
            goal=goal,
            actor=user,
            score=data["score"],
            words=data["words"],
            at_meeting=data["at_meeting"],
        ),
    ):
        messages.success(request, _("Thank you. Your answer is in the plan."))


_PLAN_ACTIONS: dict[str, Callable[[HttpRequest, Case, User], None]] = {
    "goal": _plan_goal,
    "step": _plan_step,
    "done": partial(_plan_step_mark, done=True),
    "undo": partial(_plan_step_mark, done=False),
    "commit": _plan_commit,
    "comment": _plan_comment,
    "evaluate": _plan_evaluate,
}
