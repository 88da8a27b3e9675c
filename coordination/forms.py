from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from .models import PRESENTATION_MAX_CHARS
from .services import EMAIL_MAX_CHARS, PHONE_INPUT_MAX_CHARS


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The username or password is wrong. Check both and try again. "
            "After several wrong tries the account is locked for a while."
        ),
        "inactive": _("This account is not active. Ask the person who gave you access."),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Autofocus would jump past the skip link and the page's introduction for screen readers.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        # AuthenticationForm sets max_length after the field is built, so without this check a
        # longer name would reach django-axes, which cannot store it (a 500, not a form error).
        username = self.fields["username"]
        if isinstance(username, forms.CharField) and username.max_length is not None:
            username.validators.append(MaxLengthValidator(username.max_length))


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class PresentationForm(forms.Form):
    presentation = forms.CharField(
        label=_("About you"),
        help_text=_(
            "Who you are and how you work, in a few plain sentences. Do not write about the "
            "young people you help."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=PRESENTATION_MAX_CHARS,
        required=False,
    )


class OneTimeCodeForm(forms.Form):
    """A code from the authenticator app, or a recovery code (the field name `otp` is masked in
    django-axes' record of failed sign-ins)."""

    otp = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class ProfileForm(forms.Form):
    """A person's own profile. Shapes only: the rules (a reachable phone, an address for each
    channel) are coordination.services.user_profile_update's, which the page calls."""

    display_name = forms.CharField(
        label=_("Your name as others see it"), max_length=150, required=False
    )
    email = forms.CharField(
        label=_("E-mail"),
        max_length=EMAIL_MAX_CHARS,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        help_text=_("A Norwegian number, or another country's with + and the country code."),
        max_length=PHONE_INPUT_MAX_CHARS,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    channels = forms.MultipleChoiceField(
        label=_("Tell me about news also by"),
        help_text=_("You always see news here in Sammen."),
        choices=[("email", _("E-mail")), ("sms", _("SMS"))],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
