"""The finder form: its topics are those of active services, and its fast select and inputs write
exactly what Django's templated `Select` and inputs write."""

import pytest
from django import forms
from django.utils import translation

from services_registry.forms import (
    FastCheckboxInput,
    FastNumberInput,
    FastSelect,
    FastTextInput,
    FinderForm,
)
from tests.factories import ServiceFactory, TaxonomyTermFactory

CHOICES = [
    ("", "Alle temaer"),
    ("angst", "Angst og bekymring"),
    ("rus", 'Rus & "alkohol" <b>'),
    (7, "Sju"),
]
GROUPED = [("", "Ingen"), ("Gruppe <1>", [("a", "A"), ("b", "B")]), ("c", "C")]


@pytest.mark.parametrize(
    ("choices", "value", "attrs"),
    [
        (CHOICES, None, None),
        (CHOICES, "", {"id": "id_topic"}),
        (CHOICES, "angst", {"id": "id_topic", "aria-invalid": "true", "required": True}),
        (CHOICES, "rus", {"id": "x", "disabled": False, "data-x": '"<&>'}),
        (CHOICES, 7, {"id": "id_topic"}),
        (CHOICES, "no such topic", {"id": "id_topic", "aria-describedby": "id_topic_helptext"}),
        (GROUPED, "b", {"id": "id_g"}),
        ([], None, {"id": "id_empty"}),
    ],
)
def test_the_fast_select_writes_what_djangos_select_writes(choices, value, attrs):
    assert FastSelect(choices=choices).render("topic", value, attrs) == forms.Select(
        choices=choices
    ).render("topic", value, attrs)


@pytest.mark.parametrize(
    ("fast", "django", "value", "attrs"),
    [
        (FastTextInput, forms.TextInput, None, None),
        (FastTextInput, forms.TextInput, "", {"id": "id_q", "type": "search"}),
        (FastTextInput, forms.TextInput, "angst <b>&\"'", {"id": "id_q", "maxlength": "200"}),
        (FastTextInput, forms.TextInput, "x", {"aria-describedby": "id_q_helptext", "x": None}),
        (FastNumberInput, forms.NumberInput, None, {"id": "id_age", "min": 0, "max": 120}),
        (FastNumberInput, forms.NumberInput, 15, {"id": "id_age", "aria-invalid": "true"}),
        (FastNumberInput, forms.NumberInput, "-1x", {"id": "id_age", "required": True}),
        (FastCheckboxInput, forms.CheckboxInput, None, {"id": "id_free"}),
        (FastCheckboxInput, forms.CheckboxInput, True, {"id": "id_free", "disabled": False}),
        (FastCheckboxInput, forms.CheckboxInput, "on", {"id": "id_free"}),
        (FastCheckboxInput, forms.CheckboxInput, False, {"id": "id_free", "checked": True}),
    ],
)
def test_the_fast_inputs_write_what_djangos_inputs_write(fast, django, value, attrs):
    widget_attrs = {"type": "search", "autocomplete": "off"} if fast is FastTextInput else None
    assert fast(attrs=widget_attrs).render("field", value, attrs) == django(
        attrs=widget_attrs
    ).render("field", value, attrs)


@pytest.mark.django_db
def test_the_topics_are_those_active_services_have_by_name_read_anew():
    """The topics' statement is compiled once a process; its rows are read each time."""
    sleep = TaxonomyTermFactory(code="sovn", name="Søvn", name_en="Sleep")
    anxiety = TaxonomyTermFactory(code="angst", name="Angst", name_en="")
    TaxonomyTermFactory(code="ubrukt", name="Ubrukt")
    service = ServiceFactory(topics=[sleep, anxiety])

    def choices():
        return FinderForm().fields["topic"].choices[1:]

    with translation.override("en"):
        assert choices() == [("angst", "Angst"), ("sovn", "Sleep")]
    assert choices() == [("angst", "Angst"), ("sovn", "Søvn")]
    service.status = "inactive"
    service.save()
    assert choices() == []
