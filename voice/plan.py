"""The young person's plan: goals in their own words, small steps (who does what by when) and
the progress they mark. The plan is an Entry of kind `plan` written by the young person, so it
is shared like anything else, through the share path (their own choice), and every change keeps
the previous text as an EntryVersion."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Entry, Participant
from cases.selectors import entries_visible
from cases.services import case_lock, case_require_open, entry_create_from_workflow
from coordination.models import User
from coordination.services import audit_append

from .models import EntryVersion, Goal, Step

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
    """Goals with their steps and owners (two queries)."""
    steps = Step.objects.select_related("owner").order_by("created", "id")
    return list(Goal.objects.filter(plan=plan).prefetch_related(Prefetch("steps", steps)))


def _render(plan: Entry) -> str:
    lines = []
    for goal in goals_of(plan=plan):
        lines.append(f"## {goal.text}")
        for step in goal.steps.all():
            mark = "x" if step.done_at else " "
            due = f", {step.due:%d.%m.%Y}" if step.due else ""
            lines.append(f"- [{mark}] {step.text} ({step.owner.name}{due})")
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
    plan = goal.plan
    case = case_lock(plan.case_id)
    _own_plan(case=case, actor=actor)
    if not Participant.objects.active().filter(case=case, user=owner).exists():
        raise ValidationError({"owner": _("Choose someone on the team.")})
    step = Step.objects.create(goal=goal, text=_text(text, "text"), owner=owner, due=due)
    _changed(plan=plan, actor=actor, action="step_added")
    return step


@transaction.atomic
def step_mark(*, step: Step, actor: User, done: bool) -> Step:
    """The young person marks progress."""
    plan = step.goal.plan
    case = case_lock(plan.case_id)
    _own_plan(case=case, actor=actor)
    step.done_at = timezone.now() if done else None
    step.save(update_fields=["done_at"])
    _changed(plan=plan, actor=actor, action="step_done" if done else "step_reopened")
    return step
