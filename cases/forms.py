from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Entry

# Minutes come from meetings and messages from the conversation view; here helpers write the rest.
WRITABLE_KINDS = [
    (value, label)
    for value, label in Entry.Kind.choices
    if value in {Entry.Kind.NOTE, Entry.Kind.DOCUMENT, Entry.Kind.PLAN}
]
BODY_MAX_LENGTH = 20_000


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is it?"), choices=WRITABLE_KINDS)
    category = forms.ChoiceField(
        label=_("What is it about?"),
        choices=Entry.Category.choices,
        help_text=_("Sharing rules follow the topic, so choose the one that fits best."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=BODY_MAX_LENGTH,
        required=False,
        help_text=_("Write so that the young person understands it: they can always read it."),
    )
