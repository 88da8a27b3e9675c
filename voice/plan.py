"""The young person's plan: goals in their own words, small steps (who does what by when) and
the progress they mark. The plan is an Entry of kind `plan` written by the young person, so it
is shared like anything else, through the share path (their own choice), and every change keeps
the previous text as an EntryVersion.

Helpers who can open the plan add what they themselves will do under the young person's goals
(issue #19 item 2); the young person comments on any step and evaluates each goal ("did it
help?", 1-5 and their own words), and the evaluations over time are the goal's progress."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Entry, Participant
from cases.selectors import entries_visible
from cases.services import case_lock, case_require_open, entry_create_from_workflow
from coordination.models import User
from coordination.services import audit_append, notification_create

from . import links, notifications
from .models import EntryVersion, Goal, GoalEvaluation, Step, StepComment, StepReminder

PLAN_TITLE = "Min plan"


def plan_of(*, case: Case, viewer: User) -> Entry | None:
    """The plan of `case` if there is one and `viewer` may open it."""
    return (
        entries_visible(
            user=viewer,
            queryset=Entry.objects.filter(
                case=case, kind=Entry.Kind.PLAN, author_id=case.youth_id
            ).select_related("case"),
        )
        .order_by("created", "id")
        .first()
    )


def access_goal(*, user: User, goal_id: int) -> Goal:
    """A goal on a plan `user` may open; anything else is a 404, like a missing one."""
    goal = Goal.objects.select_related("plan").filter(pk=goal_id).first()
    if goal is None or not entries_visible(
        user=user, queryset=Entry.objects.filter(pk=goal.plan_id)
    ):
        raise Http404
    return goal


def access_step(*, user: User, step_id: int) -> Step:
    step = Step.objects.select_related("goal__plan", "owner").filter(pk=step_id).first()
    if step is None:
        raise Http404
    access_goal(user=user, goal_id=step.goal_id)
    return step


def goals_of(*, plan: Entry) -> list[Goal]:
    """Goals with their steps (owner, who added it, comments) and evaluations: five queries
    however many there are."""
    comments = StepComment.objects.select_related("author").order_by("created", "id")
    steps = (
        Step.objects.select_related("owner", "added_by")
        .prefetch_related(Prefetch("comments", comments))
        .order_by("created", "id")
    )
    evaluations = GoalEvaluation.objects.order_by("created", "id")
    return list(
        Goal.objects.filter(plan=plan).prefetch_related(
            Prefetch("steps", steps), Prefetch("evaluations", evaluations)
        )
    )


def helper_may_add_steps(*, case: Case, user: User) -> bool:
    """A helper or the ungdomshjelper on the team now adds steps they own to a plan they can
    open (the caller has checked that); the young person adds any step."""
    return (
        Participant.objects.active()
        .filter(
            case=case,
            user=user,
            role__in=[Participant.Role.HELPER, Participant.Role.UNGDOMSHJELPER],
        )
        .exists()
    )


def may_mark_step(*, step: Step, case: Case, user: User) -> bool:
    """The young person marks any step; the owner of a step marks their own while on the team."""
    if user.pk == case.youth_id:
        return True
    return step.owner_id == user.pk and helper_may_add_steps(case=case, user=user)


def _render(plan: Entry) -> str:
    lines = []
    for goal in goals_of(plan=plan):
        lines.append(f"## {goal.text}")
        for step in goal.steps.all():
            mark = "x" if step.done_at else " "
            due = f", {step.due:%d.%m.%Y}" if step.due else ""
            lines.append(f"- [{mark}] {step.text} ({step.owner.name}{due})")
            lines.extend(f"  - {comment.text}" for comment in step.comments.all())
        for evaluation in goal.evaluations.all():
            words = f": {evaluation.words}" if evaluation.words else ""
            lines.append(f"- {evaluation.created:%d.%m.%Y} {evaluation.score}/5{words}")
        lines.append("")
    return "\n".join(lines).strip()


def _changed(*, plan: Entry, actor: User, action: str) -> None:
    """Keeps the old text, writes the new one, audits (ids only)."""
    EntryVersion.objects.create(entry=plan, body=plan.body)
    Entry.objects.filter(pk=plan.pk).update(body=_render(plan))
    audit_append(
        actor=actor,
        action=f"plan.{action}",
        case_id=plan.case_id,
        object_type="entry",
        object_id=str(plan.pk),
    )


def _own_plan(*, case: Case, actor: User) -> Entry:
    if actor.pk != case.youth_id:
        raise PermissionDenied(_("Only the young person changes their plan."))
    case_require_open(case)
    plan = plan_of(case=case, viewer=actor)
    if plan is None:
        plan = entry_create_from_workflow(
            case=case,
            author=actor,
            kind=Entry.Kind.PLAN,
            category=Entry.Category.GENERAL,
            title=PLAN_TITLE,
            body="",
        )
    return plan


def _text(text: str, field: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({field: _("Write a few words.")})
    if len(text) > 300:
        raise ValidationError({field: _("Keep it under 300 characters.")})
    return text


@transaction.atomic
def goal_add(*, case: Case, actor: User, text: str) -> Goal:
    case = case_lock(case.pk)
    plan = _own_plan(case=case, actor=actor)
    goal = Goal.objects.create(plan=plan, text=_text(text, "text"))
    _changed(plan=plan, actor=actor, action="goal_added")
    return goal


@transaction.atomic
def step_add(*, goal: Goal, actor: User, text: str, owner: User, due: date | None = None) -> Step:
    """The young person adds a step for anyone on the team; a helper who can open the plan adds
    what they themself will do (owner: themself), and the young person is told."""
    plan = goal.plan
    case = case_lock(plan.case_id)
    if actor.pk == case.youth_id:
        _own_plan(case=case, actor=actor)
    else:
        _helper_on_plan(case=case, plan=plan, actor=actor)
        if owner.pk != actor.pk:
            raise ValidationError({"owner": _("Add what you yourself will do.")})
    if not Participant.objects.active().filter(case=case, user=owner).exists():
        raise ValidationError({"owner": _("Choose someone on the team.")})
    step = Step.objects.create(
        goal=goal, text=_text(text, "text"), owner=owner, due=due, added_by=actor
    )
    _changed(plan=plan, actor=actor, action="step_added")
    if actor.pk != case.youth_id:
        notification_create(
            recipient=case.youth,
            kind=notifications.PLAN_STEP_ADDED,
            case_id=case.pk,
            target_url=links.plan(case.pk),
        )
    return step


def _helper_on_plan(*, case: Case, plan: Entry, actor: User) -> None:
    """A helper writes on the plan only while on the team as helper or ungdomshjelper and able
    to open the plan; someone who cannot open it does not learn that it exists."""
    if not entries_visible(user=actor, queryset=Entry.objects.filter(pk=plan.pk)).exists():
        raise Http404
    if not helper_may_add_steps(case=case, user=actor):
        raise PermissionDenied(_("Only the young person and their helpers add steps."))
    case_require_open(case)


@transaction.atomic
def step_mark(*, step: Step, actor: User, done: bool) -> Step:
    """The young person marks progress; a helper marks the steps they own."""
    plan = step.goal.plan
    case = case_lock(plan.case_id)
    if not may_mark_step(step=step, case=case, user=actor):
        raise PermissionDenied(_("Only the young person changes their plan."))
    case_require_open(case)
    step.done_at = timezone.now() if done else None
    step.save(update_fields=["done_at"])
    _changed(plan=plan, actor=actor, action="step_done" if done else "step_reopened")
    return step


@transaction.atomic
def step_comment_add(*, step: Step, actor: User, text: str) -> StepComment:
    """The young person comments on a step; its owner is told (no content) if they can open the
    plan."""
    plan = step.goal.plan
    case = case_lock(plan.case_id)
    _own_plan(case=case, actor=actor)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write a few words.")})
    if len(text) > 500:
        raise ValidationError({"text": _("Keep it under 500 characters.")})
    comment = StepComment.objects.create(step=step, author=actor, text=text)
    _changed(plan=plan, actor=actor, action="step_commented")
    owner = step.owner
    if owner.pk != actor.pk and plan_of(case=case, viewer=owner) is not None:
        notification_create(
            recipient=owner,
            kind=notifications.PLAN_STEP_COMMENTED,
            case_id=case.pk,
            target_url=links.plan(case.pk),
        )
    return comment


@transaction.atomic
def goal_evaluate(
    *, goal: Goal, actor: User, score: int, words: str = "", at_meeting: bool = False
) -> GoalEvaluation:
    """The young person says whether the work on a goal helped: a score from 1 (not at all) to
    5 (a lot) and, if they like, their own words."""
    plan = goal.plan
    case = case_lock(plan.case_id)
    _own_plan(case=case, actor=actor)
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise ValidationError({"score": _("Choose a number from 1 to 5.")})
    words = words.strip()
    if len(words) > 500:
        raise ValidationError({"words": _("Keep it under 500 characters.")})
    evaluation = GoalEvaluation.objects.create(
        goal=goal, author=actor, score=score, words=words, at_meeting=at_meeting
    )
    _changed(plan=plan, actor=actor, action="goal_evaluated")
    return evaluation


@dataclass(frozen=True)
class ProgressPoint:
    """One evaluation placed on the goal's small chart (SVG user units, 0-100 wide)."""

    evaluation: GoalEvaluation
    x: int
    y: int
    width: int
    height: int


CHART_HEIGHT = 50  # five steps of ten units: score 5 fills the chart


def goal_progress(goal: Goal) -> list[ProgressPoint]:
    """The goal's evaluations, oldest first, as bars of a chart read left to right. Uses the
    prefetched evaluations (goals_of), so it adds no query."""
    evaluations = list(goal.evaluations.all())
    if not evaluations:
        return []
    slot = 100 / len(evaluations)
    return [
        ProgressPoint(
            evaluation=evaluation,
            x=round(index * slot),
            y=CHART_HEIGHT - evaluation.score * 10,
            # A gap between bars, so neighbouring answers stay apart.
            width=max(1, round(slot * 0.8)),
            height=evaluation.score * 10,
        )
        for index, evaluation in enumerate(evaluations)
    ]


def _remind(step: Step, rule: str) -> bool:
    """Sends one reminder unless one was sent for (step, rule) before; the unique row is the
    proof, so a restarted or second worker sends nothing twice."""
    try:
        with transaction.atomic():
            StepReminder.objects.create(step=step, rule=rule)
            notification_create(
                recipient=step.owner,
                kind=notifications.PLAN_STEP_DUE,
                case_id=step.goal.plan.case_id,
                target_url=links.plan(step.goal.plan.case_id),
            )
    except IntegrityError:
        return False
    return True


def plan_step_reminders_send(*, today: date | None = None) -> int:
    """Beat: a reminder SAMMEN_PLAN_STEP_REMIND_DAYS before a step's date and an overdue notice
    the day after, to its owner, for steps not done on open cases whose owner is on the team and
    can open the plan (a step on a plan they cannot read is not theirs to be reminded of)."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=settings.SAMMEN_PLAN_STEP_REMIND_DAYS)
    steps = (
        Step.objects.filter(
            done_at__isnull=True,
            due__isnull=False,
            due__lte=soon,
            goal__plan__case__status=Case.Status.OPEN,
        )
        .exclude(reminders__rule=StepReminder.Rule.OVERDUE)
        .select_related("owner", "goal__plan__case")
    )
    sent = 0
    for step in steps:
        plan = step.goal.plan
        if plan_of(case=plan.case, viewer=step.owner) is None:
            continue
        assert step.due is not None
        rule = StepReminder.Rule.OVERDUE if step.due < today else StepReminder.Rule.BEFORE
        sent += _remind(step, rule)
    return sent
