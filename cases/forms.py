from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import HELP_CONTACT_MAX_CHARS, HELP_WHAT_MAX_CHARS, Entry, Participant


class EntryForm(forms.Form):
    """The kinds offered and the length limits come from cases.services and the settings it
    reads; the service checks them again for the page and the API alike."""

    kind = forms.ChoiceField(label=_("What is it?"))
    category = forms.ChoiceField(
        label=_("What is it about?"),
        choices=Entry.Category.choices,
        help_text=_("Sharing rules follow the topic, so choose the one that fits best."),
    )
    title = forms.CharField(label=_("Title"))
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_("Write so that the young person understands it: they can always read it."),
    )

    def __init__(self, *args: object, kinds: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(value, label) for value, label in Entry.Kind.choices if value in kinds]
        self.fields["title"].widget.attrs["maxlength"] = settings.SAMMEN_ENTRY_TITLE_MAX_CHARS
        self.fields["body"].widget.attrs["maxlength"] = settings.SAMMEN_ENTRY_BODY_MAX_CHARS


class HelpForm(forms.Form):
    """A helper's own line (cases.services.participant_help_set checks it for page and API)."""

    what = forms.CharField(
        label=_("What I help with"),
        required=False,
        strip=False,
        help_text=_("One plain sentence the young person understands."),
        widget=forms.TextInput(attrs={"maxlength": HELP_WHAT_MAX_CHARS}),
    )
    direct_contact = forms.CharField(
        label=_("How to reach me directly"),
        required=False,
        strip=False,
        help_text=_("Your own phone or when you can be found, not only the switchboard."),
        widget=forms.TextInput(attrs={"maxlength": HELP_CONTACT_MAX_CHARS}),
    )


class WithholdForm(forms.Form):
    reason = forms.CharField(
        label=_("Legal reason (the young person will read this)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2_000,
        error_messages={"required": _("Write the legal reason. The young person will read it.")},
    )


class CaseOpenForm(forms.Form):
    """The young person is an account (their username) or a new person (name, birth date and
    e-mail and/or phone); the service comes from the catalogue picker (`service` radios)."""

    title = forms.CharField(
        label=_("Title of the case"),
        max_length=200,
        help_text=_("The young person reads it. For example: Ali - support at school."),
    )
    display_name = forms.CharField(
        label=_("The young person's name"), required=False, max_length=150
    )
    birth_date = forms.DateField(
        label=_("Birth date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Write the date as YYYY-MM-DD.")},
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(
        label=_("Mobile phone"),
        required=False,
        max_length=32,
        help_text=_("The invitation goes to the e-mail address and/or the phone."),
    )
    youth_username = forms.CharField(
        label=_("Or: their username, if they already use Sammen"), required=False, max_length=150
    )
    service = forms.UUIDField(
        required=False, error_messages={"invalid": _("Choose a service from the list.")}
    )


class InviteForm(forms.Form):
    role = forms.ChoiceField(label=_("Invite as"))
    username = forms.CharField(
        label=_("Username, if they already use Sammen"), required=False, max_length=150
    )
    display_name = forms.CharField(label=_("Or a new person: name"), required=False, max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Mobile phone"), required=False, max_length=32)
    service = forms.UUIDField(
        required=False, error_messages={"invalid": _("Choose a service from the list.")}
    )

    def __init__(self, *args: object, roles: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [
            (value, label) for value, label in Participant.Role.choices if value in roles
        ]


class AccountForm(forms.Form):
    """A new person takes over the account their invitation made: their own username and
    password (Django's password validators, checked by the service)."""

    username = forms.CharField(
        label=_("Choose a username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
        help_text=_("Letters, digits and @ . + - _ only. You log in with it."),
    )
    password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, and not too common."),
    )
