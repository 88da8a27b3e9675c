"""The finder form's fast select writes exactly what Django's templated `Select` writes."""

import pytest
from django import forms

from services_registry.forms import FastSelect

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
