"""Links to the cases app's pages, by URL name, for notifications of the apps above it."""

from django.urls import reverse

from .models import Case, Invitation
from .tokens import token_for


def case(case: Case) -> str:
    return reverse("cases:detail", kwargs={"case_id": case.pk})


def team(case: Case) -> str:
    return reverse("cases:team", kwargs={"case_id": case.pk})


def invitation(invitation: Invitation) -> str:
    """The invited person's own page for a logged-in account (no token in it)."""
    return reverse("invitations:detail", kwargs={"invitation_id": invitation.pk})


def invitation_accept(invitation: Invitation) -> str:
    """The one-time link: only ever put into an e-mail or SMS as it is sent."""
    return reverse("invitations:accept", kwargs={"token": token_for(invitation.nonce)})
