"""Consent's sections of "everything about me" (coordination.exports): who knows what on each
case (every disclosure with its period, basis and who decided), the access log, consent
requests with their decisions, and the standing rules; each exactly as the person's own pages
and the API show it to them (the same selectors and serializers), so nothing the person may not
see gets in and a withheld entry is only its placeholder."""

from types import SimpleNamespace

from django.utils.translation import gettext_lazy as _

from cases.models import AccessEvent, Entry, Participant
from cases.selectors import cases_for_user
from coordination.exports.sections import ExportSection, code_words
from coordination.models import User

from .access_log import access_log, access_log_categories, access_log_rows, access_log_team
from .models import Disclosure
from .selectors import (
    blocks_active,
    consent_requests_visible,
    may_block,
    may_see_who_knows_what,
    sharing_rules_active,
    who_knows_what,
)
from .serializers import (
    AccessLogSerializer,
    BlockOutputSerializer,
    ConsentRequestOutputSerializer,
    PersonKnowledgeSerializer,
    SharingRuleOutputSerializer,
)


def _choices() -> dict[str, dict[str, str]]:
    return {
        "category": code_words(Entry.Category.choices),
        "kind": code_words(Entry.Kind.choices),
        "role": code_words(Participant.Role.choices),
        "basis": code_words(Disclosure.Basis.choices),
        "via": code_words(AccessEvent.Via.choices),
        "end_reason": code_words(Disclosure.EndReason.choices),
    }


def export_sections(*, user: User) -> list[ExportSection]:
    knowledge: list[dict] = []
    log: list[dict] = []
    rules: list[dict] = []
    blocks: list[dict] = []
    for case in cases_for_user(user=user):
        if may_block(user=user, case=case):
            blocks.extend(
                {"case": case.pk, **block}
                for block in BlockOutputSerializer(
                    blocks_active(case=case, viewer=user), many=True
                ).data
            )
        if may_see_who_knows_what(user=user, case=case):
            people = who_knows_what(case=case, viewer=user)
            knowledge.append(
                {"case": case.pk, "people": PersonKnowledgeSerializer(people, many=True).data}
            )
            rules.extend(
                SharingRuleOutputSerializer(sharing_rules_active(case=case), many=True).data
            )
        categories = access_log_categories(user=user, case=case)
        if categories:
            team = access_log_team(case=case)
            events = list(access_log(case=case, categories=categories, viewer=user))
            rows = access_log_rows(case=case, team=team, viewer=user, events=events)
            log.append({"case": case.pk, "opened": AccessLogSerializer(rows, many=True).data})
    # The serializer asks the request's user whether the young person's view may be shown.
    context = {"request": SimpleNamespace(user=user)}
    requests = ConsentRequestOutputSerializer(
        consent_requests_visible(user=user), many=True, context=context
    ).data
    choices = _choices()
    return [
        ExportSection(
            "who_knows_what",
            _("Who knows what"),
            _(
                "For each of your cases where you may see it: who can or could see what, from "
                "when to when, and why."
            ),
            knowledge,
            choices=choices,
            order=40,
        ),
        ExportSection(
            "access_log",
            _("Who opened what"),
            _("Every time someone opened something on your cases, as far as you may see it."),
            log,
            choices=choices,
            order=41,
        ),
        ExportSection(
            "consent_requests",
            _("Questions about sharing"),
            _("Every time someone asked to share something, and what was decided."),
            list(requests),
            choices=choices,
            order=42,
        ),
        ExportSection(
            "sharing_rules",
            _("Standing rules"),
            _("The rules in force about what may be shared with whom on your cases."),
            list(rules),
            choices=choices,
            order=43,
        ),
        ExportSection(
            "blocks",
            _("People you blocked"),
            _("The people blocked on your cases: they get nothing from the case."),
            blocks,
            choices=choices,
            order=44,
        ),
    ]
