from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Entry


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


class WithholdForm(forms.Form):
    reason = forms.CharField(
        label=_("Legal reason (the young person will read this)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2_000,
        error_messages={"required": _("Write the legal reason. The young person will read it.")},
    )
