"""The case pages for everyone on the team. Sharing lives in consent.views (it owns the path)."""

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coordination.errors import StateConflict
from coordination.home import case_sections
from coordination.oidc import Provider, SignInRefused, provider_for, providers, sign_in_begin
from coordination.pages import Done, Refused, attempt
from coordination.parsing import parse_page, posted_id
from coordination.rest import authenticated_user
from coordination.throttling import page_throttle_wait, throttled_message
from services_registry.models import Service

from .apps import INVITATION_SESSION_KEY
from .forms import AccountForm, CaseOpenForm, EntryForm, HelpForm, InviteForm, WithholdForm
from .models import Case, Invitation, Participant
from .selectors import (
    access_case,
    access_entry,
    access_invitation,
    access_invitation_as_invitee,
    access_withholding,
    cases_for_user,
    catalogue_service,
    entries_for_case,
    entry_notes,
    invitation_for_token,
    invitations_for_case,
    invite_roles,
    is_case_admin,
    may_open_case,
    on_team,
    participant_active,
    participants_for_case,
    person_to_name,
    service_acted_for,
    withholdings_active,
    withholdings_for_review,
)
from .services import (
    InvitationUnusable,
    NewPerson,
    can_manage_team,
    case_open,
    entry_create,
    entry_kinds_writable,
    entry_withhold,
    invitation_accept,
    invitation_accept_by_link,
    invitation_accept_new_account,
    invitation_create,
    invitation_revoke,
    may_say_help,
    participant_help_set,
    participants_removable,
    withholding_end,
)

T = TypeVar("T")

CASES_PER_PAGE = 20
ENTRIES_PER_PAGE = 20


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    page = Paginator(cases_for_user(user=user), CASES_PER_PAGE).get_page(
        parse_page(request.GET.get("page"))
    )
    return render(
        request, "cases/case_list.html", {"page": page, "may_open": may_open_case(user=user)}
    )


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
    # The entry's page says what became of it when an app shared it by itself (entry_notes).
    messages.success(
        request,
        _("Saved.")
        if entry_notes(user=user, entry=entry)
        else _("Saved. Only you and the young person can see it until you share it."),
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


def _refusal_on_form(form: forms.Form, refusal: ValidationError) -> None:
    """A service's field errors onto the form: on the field where the form has it, else on
    the form as a whole."""
    for field, errors in refusal.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _throttled(request: HttpRequest, form: forms.Form) -> bool:
    """A form that sends a link (opening a case for a new person, inviting) counts in the API's
    "invitation" scope: page and API share one limit. Throttled: said on the form, nothing done."""
    wait = page_throttle_wait(request, "invitation")
    if wait is None:
        return False
    form.add_error(None, throttled_message(wait))
    return True


def _service_chosen(form: forms.Form) -> Service | None:
    service_id = form.cleaned_data.get("service")
    return catalogue_service(service_id=service_id)


@login_required
@require_http_methods(["GET", "POST"])
def case_open_page(request: HttpRequest) -> HttpResponse:
    """A helper opens a case for a young person and joins it for the service they act for."""
    user = authenticated_user(request)
    if not may_open_case(user=user):
        raise PermissionDenied
    remembered = service_acted_for(user=user)
    form = CaseOpenForm(request.POST or None)
    throttled = request.method == "POST" and _throttled(request, form)
    if request.method == "POST" and not throttled and form.is_valid():
        data = form.cleaned_data
        youth = None
        if data["youth_username"]:
            youth = person_to_name(username=data["youth_username"])
            if youth is None:
                form.add_error("youth_username", _("Nobody uses Sammen with that username."))
        if not form.errors:
            try:
                case = case_open(
                    actor=user,
                    title=data["title"],
                    service=_service_chosen(form),
                    youth=youth,
                    new_youth=None
                    if youth
                    else NewPerson(
                        display_name=data["display_name"],
                        email=data["email"],
                        phone=data["phone"],
                        birth_date=data["birth_date"],
                    ),
                )
            except ValidationError as refusal:
                _refusal_on_form(form, refusal)
            else:
                messages.success(request, _("The case is open. You are on the team."))
                return redirect("cases:team", case_id=case.pk)
    status = 429 if throttled else 400 if request.method == "POST" else 200
    context = {"form": form, "remembered": remembered}
    return render(request, "cases/case_open.html", context, status=status)


def _team_page(
    request: HttpRequest,
    case: Case,
    invite_form: InviteForm | None,
    status: int = 200,
    help_form: HelpForm | None = None,
) -> HttpResponse:
    user = authenticated_user(request)
    participants = list(participants_for_case(case=case))
    me = participant_active(case=case, user=user)
    if help_form is None and me is not None and may_say_help(participant=me, user=user):
        help_form = HelpForm(
            initial={"what": me.help_what, "direct_contact": me.help_direct_contact}
        )
    invitations = list(invitations_for_case(case=case))
    context = {
        "case": case,
        "team": [p for p in participants if p.left is None],
        "former": [p for p in participants if p.left is not None],
        "me": me,
        "manages": can_manage_team(case=case, user=user),
        "pending": [i for i in invitations if i.status == Invitation.Status.PENDING],
        "answered": [i for i in invitations if i.status != Invitation.Status.PENDING],
        "invite_form": invite_form,
        "help_form": help_form,
        # Leaving or taking someone off is consent's page (it ends access), with the summary.
        "removable": participants_removable(case=case, actor=user, participants=participants),
    }
    return render(request, "cases/team.html", context, status=status)


def _invite(request: HttpRequest, case: Case) -> HttpResponse:
    user = authenticated_user(request)
    form = InviteForm(request.POST, roles=invite_roles(case=case, user=user))
    if _throttled(request, form):
        return _team_page(request, case, form, status=429)
    if form.is_valid():
        data = form.cleaned_data
        invitee = None
        if data["username"]:
            invitee = person_to_name(username=data["username"])
            if invitee is None:
                form.add_error("username", _("Nobody uses Sammen with that username."))
        if not form.errors:
            outcome = attempt_on_form(
                request,
                form,
                lambda: invitation_create(
                    case_id=case.pk,
                    actor=user,
                    role=data["role"],
                    user=invitee,
                    person=None
                    if invitee
                    else NewPerson(data["display_name"], email=data["email"], phone=data["phone"]),
                    service=_service_chosen(form),
                ),
            )
            if outcome:
                messages.success(request, _("Invited. The link is on its way."))
                return redirect("cases:team", case_id=case.pk)
    return _team_page(request, case, form, status=400)


def _revoke(request: HttpRequest, case: Case) -> HttpResponse:
    invitation = access_invitation(
        user=authenticated_user(request), invitation_id=posted_id(request, "invitation")
    )
    if invitation.case_id != case.pk:
        raise Http404
    if attempt(
        request,
        lambda: invitation_revoke(invitation_id=invitation.pk, actor=authenticated_user(request)),
    ):
        messages.success(request, _("Withdrawn. The link no longer works."))
    return redirect("cases:team", case_id=case.pk)


def _say_help(request: HttpRequest, case: Case) -> HttpResponse:
    user = authenticated_user(request)
    me = participant_active(case=case, user=user)
    if me is None:
        raise Http404
    form = HelpForm(request.POST)
    # Two optional text fields: the service checks what they say (limits, one line).
    outcome = form.is_valid() and attempt_on_form(
        request,
        form,
        lambda: participant_help_set(
            participant_id=me.pk,
            actor=user,
            what=form.cleaned_data["what"],
            direct_contact=form.cleaned_data["direct_contact"],
        ),
    )
    if outcome:
        messages.success(request, _("Saved. The young person and the team see it."))
    if outcome or not form.errors:
        return redirect("cases:team", case_id=case.pk)
    roles = invite_roles(case=case, user=user)
    invite_form = InviteForm(roles=roles) if roles else None
    return _team_page(request, case, invite_form, status=400, help_form=form)


TEAM_ACTIONS = {"invite": _invite, "revoke": _revoke, "help": _say_help}


@login_required
@require_http_methods(["GET", "POST"])
def team_page(request: HttpRequest, case_id: int) -> HttpResponse:
    """Everyone on the case now and before, who invited them, the invitations, and the forms
    to invite, withdraw an invitation and remove someone (removal is consent's: it ends
    access)."""
    user = authenticated_user(request)
    case = access_case(user=user, case_id=case_id)
    roles = invite_roles(case=case, user=user)
    if request.method == "GET":
        return _team_page(request, case, InviteForm(roles=roles) if roles else None)
    handler = TEAM_ACTIONS.get(request.POST.get("action", ""))
    if handler is None:
        messages.error(request, _("That could not be done."))
        return redirect("cases:team", case_id=case.pk)
    return handler(request, case)


def attempt_on_form(
    request: HttpRequest, form: forms.Form, action: Callable[[], T]
) -> Done[T] | Refused:
    """Like coordination.pages.attempt, but field errors land on the form's fields."""
    try:
        return Done(action())
    except ValidationError as refusal:
        _refusal_on_form(form, refusal)
    except (PermissionDenied, StateConflict) as refusal:
        messages.error(request, str(refusal))
    return Refused()


@login_required
@require_http_methods(["GET", "POST"])
def invitation_detail(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """The invited account's own page (linked from their in-app notification): accept."""
    user = authenticated_user(request)
    invitation = access_invitation_as_invitee(user=user, invitation_id=invitation_id)
    if request.method == "POST" and attempt(
        request, lambda: invitation_accept(invitation_id=invitation.pk, user=user)
    ):
        messages.success(request, _("Welcome to the team."))
        return redirect("cases:team", case_id=invitation.case_id)
    return render(request, "cases/invitation.html", {"invitation": invitation})


def _link_unusable(request: HttpRequest) -> HttpResponse:
    """One page for every link that does not work, saying nothing about any case."""
    return render(request, "cases/invitation_unusable.html", status=404)


# Who may join from an invitation's page by signing in at an identity provider instead of
# choosing a password, as the provider's roles (SAMMEN_OIDC_<KEY>_ROLES) name them. Helpers are
# linked by staff (`manage.py link_identity`): the helpers' group decides their sign-in role.
SIGN_IN_ROLE = {Participant.Role.YOUTH: "youth", Participant.Role.GUARDIAN: "guardian"}


def invitation_sign_in_providers(invitation: Invitation) -> list[Provider]:
    if invitation.invitee.has_usable_password():
        return []
    role = SIGN_IN_ROLE.get(invitation.role)  # type: ignore[call-overload]
    return [provider for provider in providers() if role in provider.roles]


@require_POST
def invitation_sign_in(request: HttpRequest, token: str, provider: str) -> HttpResponse:
    """A new person answers the invitation by signing in at an identity provider (ID-porten):
    the session keeps the token's hash until the sign-in comes back, and
    CasesConfig.oidc_new_identity then lets them join as the invited account."""
    invitation = invitation_for_token(token=token)
    chosen = provider_for(provider)
    if (
        invitation is None
        or request.user.is_authenticated
        or chosen is None
        or chosen not in invitation_sign_in_providers(invitation)
    ):
        return _link_unusable(request)
    request.session[INVITATION_SESSION_KEY] = invitation.token_hash
    try:
        return sign_in_begin(request, chosen)
    except SignInRefused:
        request.session.pop(INVITATION_SESSION_KEY, None)
        messages.error(
            request,
            _("The sign-in service does not answer now. Try again later, or make an account."),
        )
        return redirect("invitations:accept", token=token)


@require_http_methods(["GET", "POST"])
def invitation_link(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link. A person without a password yet chooses a username and a password
    and joins, logged in; an account with a password joins after logging in as exactly that
    account. Anything else: the same page, nothing written."""
    invitation = invitation_for_token(token=token)
    logged_in = request.user if request.user.is_authenticated else None
    if invitation is None or (logged_in is not None and logged_in.pk != invitation.invitee_id):
        return _link_unusable(request)
    context: dict[str, object] = {
        "invitation": invitation,
        "sign_in_providers": invitation_sign_in_providers(invitation),
        "token": token,
    }
    if invitation.invitee.has_usable_password():
        if logged_in is not None and request.method == "POST":
            try:
                invitation_accept_by_link(token=token, user=invitation.invitee)
            except (InvitationUnusable, StateConflict, ValidationError):
                # E.g. the guardianship ended since the invitation: it cannot be used now.
                return _link_unusable(request)
            messages.success(request, _("Welcome to the team."))
            return redirect("cases:team", case_id=invitation.case_id)
        return render(request, "cases/invitation_link.html", context)
    form = AccountForm(request.POST or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        try:
            invitee = invitation_accept_new_account(
                token=token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except (InvitationUnusable, StateConflict):
            return _link_unusable(request)
        except ValidationError as refusal:
            _refusal_on_form(form, refusal)
        else:
            login(request, invitee, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Sammen. You are logged in."))
            return redirect("cases:team", case_id=invitation.case_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/invitation_link.html", context, status=status)
