"""The who-knows-what API encodes its answer with orjson (consent.api.WhoKnowsWhatJSONRenderer,
issue 18): the bytes are those DRF's JSONRenderer makes of the same data, for every demo person
on both demo cases (answers and 404s), varied rows (every basis, withdrawn, expired, withheld,
hidden titles, a guardian), texts that JSON must escape, nb/nn/en, and an indented answer."""

import json

import pytest
from rest_framework.renderers import JSONRenderer

from cases.models import Case
from consent.api import WhoKnowsWhatJSONRenderer
from consent.services import share

from .helpers import as_user, everything_on_saras_case, write_entry

pytestmark = pytest.mark.django_db

# What JSON escapes, what JSONRenderer escapes besides (U+2028, U+2029) and what neither does.
ESCAPED = 'Linje\nskift\t"sitat" \\ \x01\x1f\x7f \u2028\u2029 æøå «» 😀 </script>'


def _same_as_drf(response, **render) -> None:  # type: ignore[no-untyped-def]
    drf = JSONRenderer().render(response.data, **render)
    assert response.content == drf
    assert json.loads(response.content) == json.loads(drf)


def test_every_answer_has_the_bytes_of_drfs_renderer(demo):
    # Given rows of every kind on Sara's case and titles, purposes and a room that JSON escapes
    everything_on_saras_case(demo)
    nurse, teacher = demo["helsesykepleier"], demo["laerer"]
    entry = write_entry(demo.sara_case, nurse, category="school", title=ESCAPED)
    share(entry=entry, recipients=[teacher], actor=nurse, purpose=ESCAPED)
    cases = list(Case.objects.filter(pk__in=[demo.sara_case.pk, demo.jonas_case.pk]))
    answers = set()
    # When every demo person asks for who-knows-what of each demo case, in nb, nn or en by turns
    # (one call each, not three: the suite stays cheap)
    for n, user in enumerate(demo.users.values()):
        language = ("nb", "nn", "en")[n % 3]
        client = as_user(user)
        for case in cases:
            response = client.get(
                f"/api/v1/cases/{case.pk}/who-knows-what/", HTTP_ACCEPT_LANGUAGE=language
            )
            answers.add(response.status_code)
            # Then the answer (or the 404) is DRF's, byte for byte
            _same_as_drf(response)
            if response.status_code == 200:
                assert b"\\u2028" in response.content or case != demo.sara_case
                assert "\u2028".encode() not in response.content
    assert answers == {200, 404} and len(demo.users) >= 6


def test_an_indented_answer_is_drfs(demo):
    # Given Sara's case with rows of every kind
    everything_on_saras_case(demo)
    # When Sara asks for an indented answer
    response = as_user(demo["sara"]).get(
        f"/api/v1/cases/{demo.sara_case.pk}/who-knows-what/",
        HTTP_ACCEPT="application/json; indent=2",
    )
    # Then it is JSONRenderer's, indented
    assert response.status_code == 200
    _same_as_drf(response, accepted_media_type="application/json; indent=2")
    assert b'\n  {\n    "person"' in response.content


def test_values_of_other_types_are_encoded_as_drf_encodes_them():
    # Given data holding what DRF's encoder converts (a datetime, a lazy text, a tuple)
    from datetime import UTC, datetime

    from django.utils.translation import gettext_lazy

    data = {"at": datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)}
    data |= {"text": gettext_lazy("wrote it"), "pair": (1, None), "nested": [{"é": True}]}
    # Then the bytes are JSONRenderer's
    assert WhoKnowsWhatJSONRenderer().render(data) == JSONRenderer().render(data)
    assert WhoKnowsWhatJSONRenderer().render(None) == b""
