from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cases.models import Participant
from consent.models import ROOM_TITLE_MAX_CHARS

from ..forms import person_label


def _choices(candidates: list[Participant]) -> list[tuple[str, str]]:
    return [(str(p.user_id), person_label(p)) for p in candidates]


class RoomForm(forms.Form):
    title = forms.CharField(
        label=_("What is the room called?"),
        help_text=_("Everyone in the room sees the name, e.g. «School and health»."),
        max_length=ROOM_TITLE_MAX_CHARS,
        error_messages={"required": _("Give the room a name.")},
    )
    members = forms.MultipleChoiceField(
        label=_("Who is in the room?"),
        help_text=_("Only they read what is written there. You are always in it."),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose who is in the room.")},
    )

    def __init__(self, *args: object, candidates: list[Participant], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["members"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = _choices(candidates)


class RoomMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=settings.SAMMEN_MESSAGE_MAX_CHARS,
        error_messages={"required": _("Write a message.")},
    )


class RoomMemberForm(forms.Form):
    user = forms.ChoiceField(
        label=_("Who do you want to add?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one person.")},
    )
    show_earlier = forms.BooleanField(
        label=_("Let them read what was written before too"),
        help_text=_("If you leave this empty, they only read what is written from now on."),
        required=False,
    )

    def __init__(self, *args: object, candidates: list[Participant], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["user"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _choices(candidates)
