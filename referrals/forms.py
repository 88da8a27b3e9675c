from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PURPOSE_MAX_CHARS, REASON_MAX_CHARS

Choices = Sequence[tuple[str, str]]


def _offer(form: forms.Form, name: str, choices: Choices) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class ReferralForm(forms.Form):
    """ "Henvis": the service (among those that take referrals in Sammen, found by a search),
    the purpose in plain words, and the payload. The choices are set by the view from the
    selectors, so the form offers only what the service would accept."""

    service = forms.ChoiceField(
        label=_("Service"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a service.")},
    )
    purpose = forms.CharField(
        label=_("What is the referral for?"),
        help_text=_("In plain words: the young person and the person who gives consent read it."),
        max_length=PURPOSE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write what the referral is for, in plain words.")},
    )
    entries = forms.MultipleChoiceField(
        label=_("What goes with the referral"),
        help_text=_("Only what you choose; the person who gives consent approves it first."),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    legal_duty = forms.CharField(
        label=_("A legal duty requires me to send this without consent"),
        help_text=_("Leave empty to ask for consent. If you fill it in, the young person sees it."),
        max_length=REASON_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self, *args: object, services: Choices = (), entries: Choices = (), **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        _offer(self, "service", services)
        _offer(self, "entries", entries)


class AcceptForm(forms.Form):
    helper = forms.ChoiceField(label=_("Who joins the team for the service"))

    def __init__(self, *args: object, helpers: Choices = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        _offer(self, "helper", helpers)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why not"),
        help_text=_("The young person reads this: write it so they understand."),
        max_length=REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write why, so the young person understands.")},
    )
    suggested_services = forms.MultipleChoiceField(
        label=_("Other services that could help"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: object, services: Choices = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        _offer(self, "suggested_services", services)
