from typing import Any

from django import forms
from django.conf import settings
from django.forms.widgets import Input
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .selectors import MAX_QUERY_LENGTH, FinderQuery, topic_choices

MAX_AGE = 120


class FastSelect(forms.Select):
    """Django's `Select`, written by Python instead of its templates, byte for byte (held to it
    by tests/services_registry/test_forms.py): they include a template for each option and
    loop over its attributes, ~1.7 ms for the finder's 21 topics, as long as the rest of the
    form."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = format_html_join(
            "",
            "{}{}{}",
            (
                (
                    format_html('\n  <optgroup label="{}">', group_name) if group_name else "",
                    format_html_join(
                        "",
                        '\n  <option value="{}"{}>{}</option>\n',
                        (
                            (option["value"], _attributes(option["attrs"]), option["label"])
                            for option in options
                        ),
                    ),
                    SafeString("\n  </optgroup>") if group_name else "",
                )
                for group_name, options, _index in widget["optgroups"]
            ),
        )
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            _attributes(widget["attrs"]),
            groups,
        )


class FastInput(Input):
    """Django's `Input`, written by Python instead of its templates, byte for byte (held to it by
    tests/services_registry/test_forms.py): its template includes the attributes' template and
    loops over them, ~0.6 ms of CPU for the finder's six inputs against ~0.2 written here."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            format_html(' value="{}"', widget["value"]) if widget["value"] is not None else "",
            _attributes(widget["attrs"]),
        )


class FastTextInput(FastInput, forms.TextInput):
    pass


class FastNumberInput(FastInput, forms.NumberInput):
    pass


class FastCheckboxInput(FastInput, forms.CheckboxInput):
    pass


def _attributes(attrs: dict[str, Any]) -> SafeString:
    """As django/forms/widgets/attrs.html: ` name="value"`, ` name` for True, none for False."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class FinderForm(forms.Form):
    q = forms.CharField(
        label=_("What do you need help with?"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=_("For example: anxiety, school, money, home"),
        widget=FastTextInput(attrs={"type": "search", "autocomplete": "off"}),
        error_messages={
            "max_length": _("Please use at most %(limit_value)d characters."),
        },
    )
    age = forms.IntegerField(
        label=_("Your age"),
        required=False,
        widget=FastNumberInput,
        min_value=0,
        max_value=MAX_AGE,
        error_messages={
            "min_value": _("Age must be between 0 and 120."),
            "max_value": _("Age must be between 0 and 120."),
            "invalid": _("Write your age as a number, for example 15."),
        },
    )
    topic = forms.ChoiceField(label=_("Topic"), required=False, widget=FastSelect)
    drop_in = forms.BooleanField(
        label=_("I can just drop in"), required=False, widget=FastCheckboxInput
    )
    free = forms.BooleanField(label=_("Free"), required=False, widget=FastCheckboxInput)
    anonymous = forms.BooleanField(
        label=_("I can stay anonymous"), required=False, widget=FastCheckboxInput
    )
    open_now = forms.BooleanField(label=_("Open now"), required=False, widget=FastCheckboxInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        topic_field = self.fields["topic"]
        assert isinstance(topic_field, forms.ChoiceField)
        topic_field.choices = [("", _("All topics"))] + [
            (term.code, term.localized("name")) for term in topic_choices()
        ]

    def finder_query(self) -> FinderQuery:
        data = self.cleaned_data
        return FinderQuery(
            q=data["q"],
            age=data["age"],
            topic=data["topic"],
            drop_in=data["drop_in"],
            free=data["free"],
            anonymous=data["anonymous"],
            open_now=data["open_now"],
        )


class CatalogueImportForm(forms.Form):
    file = forms.FileField(
        label=_("HSDS file"),
        help_text=_(
            "An HSDS 3 JSON file (a nested organization file, one service or organization, or an "
            "API page), or a data package with JSON or CSV tables packed as a .zip."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.zip,application/json"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.HSDS_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than the limit of %(limit)s MB.")
                % {"limit": f"{limit / 1_000_000:.1f}"}
            )
        return upload
