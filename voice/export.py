"""Voice's sections of "everything about me" (coordination.exports): the messages the person may
read, the plans, earlier texts of entries, their own comments and corrections, the feedback they
signed with their name (anonymous feedback has no name to find it by), and where to go to have
something corrected or to complain."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.models import Entry
from cases.selectors import cases_for_user
from coordination.exports.sections import ExportSection, code_words, iso
from coordination.models import User

from .models import Feedback, Remark
from .plan import goals_of, plan_of
from .selectors import messages_for_case, remarks_by_author, versions_visible


def _absolute(path: str) -> str:
    return settings.SAMMEN_BASE_URL.rstrip("/") + path


def _plans(user: User) -> list[dict]:
    items = []
    for case in cases_for_user(user=user):
        plan = plan_of(case=case, viewer=user)
        if plan is None:
            continue
        goals = [
            {
                "goal": goal.text,
                "created": iso(goal.created),
                "steps": [
                    {
                        "step": step.text,
                        "owner": step.owner.name,
                        "due": iso(step.due),
                        "done": iso(step.done_at),
                    }
                    for step in goal.steps.all()
                ],
            }
            for goal in goals_of(plan=plan)
        ]
        items.append({"case": case.pk, "entry": plan.pk, "goals": goals})
    return items


def _messages(user: User) -> list[dict]:
    return [
        {
            "case": case.pk,
            "entry": message.pk,
            "author": message.author.name,
            "body": message.body,
            "created": iso(message.created),
        }
        for case in cases_for_user(user=user)
        for message in messages_for_case(user=user, case=case)
    ]


def _remarks(user: User) -> list[dict]:
    return [
        {
            "entry": remark.entry_id,
            "case": remark.entry.case_id,
            "kind": remark.kind,
            "text": remark.text,
            "proposed_text": remark.proposed_body,
            "status": remark.status,
            "answer": remark.answer,
            "answered": iso(remark.answered_at),
            "created": iso(remark.created),
            "shown_to_recipients": remark.shown_to_recipients,
        }
        for remark in remarks_by_author(user=user)
    ]


def _rights() -> list[dict]:
    return [
        {
            "what": str(_("See your comments and corrections, and ask for a correction")),
            "url": _absolute(reverse("voice:my-remarks")),
        },
        {
            "what": str(_("How to complain about how Sammen handles information about you")),
            "url": _absolute(reverse("voice:complain")),
        },
    ]


def export_sections(*, user: User) -> list[ExportSection]:
    versions = [
        {"entry": version.entry_id, "text": version.body, "replaced": iso(version.replaced_at)}
        for version in versions_visible(viewer=user)
    ]
    feedback = [
        {
            "service": item.service.name,
            "rating": item.rating,
            "text": item.text,
            "week": iso(item.week),
            "created": iso(item.created),
        }
        for item in Feedback.objects.filter(author=user)
        .select_related("service")
        .order_by("created", "id")
    ]
    choices = {
        "kind": {**code_words(Entry.Kind.choices), **code_words(Remark.Kind.choices)},
        "status": code_words(Remark.Status.choices),
    }
    return [
        ExportSection(
            "rights",
            _("Your rights"),
            _(
                "If something here is wrong, you can ask for it to be corrected. If you think "
                "Sammen handles information about you wrongly, you can complain."
            ),
            _rights(),
            order=11,
        ),
        ExportSection(
            "messages",
            _("Messages"),
            _("The messages on your cases that you may read."),
            _messages(user),
            order=50,
        ),
        ExportSection(
            "entry_versions",
            _("Earlier texts"),
            _("Texts that were changed after a correction, as they were before."),
            versions,
            order=32,
        ),
        ExportSection(
            "remarks",
            _("Your comments and corrections"),
            _("What you have commented on or asked to have corrected, and the answers."),
            _remarks(user),
            choices=choices,
            order=33,
        ),
        ExportSection(
            "plan",
            _("Plans"),
            _("The goals and steps in the plans you may see."),
            _plans(user),
            order=60,
        ),
        ExportSection(
            "feedback",
            _("Feedback you gave with your name"),
            _(
                "What you said about the help you got. Anonymous feedback has no name and is "
                "not here."
            ),
            feedback,
            order=80,
        ),
    ]
