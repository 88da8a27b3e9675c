"""The who-knows-what rows are built by hand (consent.serializers, issue 18): each row and each
row's entry has exactly the declared fields, in their order, for every kind of row."""

import json

import pytest
from django.test import Client
from django.utils import formats, timezone, translation
from rest_framework import serializers

from cases.services import entry_withhold
from consent.selectors import who_knows_what
from consent.serializers import (
    KnowledgeEntrySerializer,
    KnowledgeSerializer,
    PersonKnowledgeSerializer,
)
from consent.services import consent_request_approve, share, sharing_rule_create
from tests.factories import login_with_second_factor

from .helpers import everything_on_saras_case, write_entry

pytestmark = pytest.mark.django_db


def _withheld_from_sara_after_she_consented(demo, *, reason: str):  # type: ignore[no-untyped-def]
    """A note "Hemmelig" by the nurse, shared with the teacher with Sara's consent, then withheld
    from Sara for `reason`."""
    nurse, teacher, sara = demo["helsesykepleier"], demo["laerer"], demo["sara"]
    withheld = write_entry(demo.sara_case, nurse, title="Hemmelig")
    request = share(
        entry=withheld, recipients=[teacher], actor=nurse, purpose="Fordi"
    ).consent_request
    consent_request_approve(consent_request=request, actor=sara)
    entry_withhold(entry_id=withheld.pk, actor=nurse, reason=reason)
    return withheld


def test_each_row_has_the_declared_fields_in_their_order(demo):
    # Given rows of every kind on Sara's case: youth and author rows, a rule share, a consent
    # share, an entry withheld from Sara and one she may not open
    nurse, teacher, sara = demo["helsesykepleier"], demo["laerer"], demo["sara"]
    sharing_rule_create(case=demo.sara_case, actor=sara, category="school", recipient_user=teacher)
    share(
        entry=write_entry(demo.sara_case, nurse, category="school"),
        recipients=[teacher],
        actor=nurse,
    )
    _withheld_from_sara_after_she_consented(demo, reason="Vern")
    rows = [k for p in who_knows_what(case=demo.sara_case, viewer=sara) for k in p.entries]
    assert {k.basis for k in rows} >= {"youth", "author", "agreement", "consent"}
    assert any(k.withheld for k in rows) and any(k.visible for k in rows)
    # When each row is represented as the API and the export do
    serializer = KnowledgeSerializer()
    # Then its keys are the declared fields, in order, and so are its entry's
    for row in rows:
        data = serializer.to_representation(row)
        assert list(data) == list(KnowledgeSerializer().fields)
        assert list(data["entry"]) == list(KnowledgeEntrySerializer().fields)


def test_the_page_tells_the_youth_why_an_entry_is_withheld_with_the_reason_escaped(demo):
    # Given a health note withheld from Sara with a reason holding markup, shared with the teacher
    # (the page builds the withholding sentence once per entry in the view, not in a template)
    nurse, sara = demo["helsesykepleier"], demo["sara"]
    withheld = _withheld_from_sara_after_she_consented(demo, reason="<b>Vern</b>")
    # When Sara opens who-knows-what
    client = Client()
    login_with_second_factor(client, sara)
    page = client.get(f"/cases/{demo.sara_case.pk}/who-knows-what/").content.decode()
    # Then she reads the placeholder, who decided, when, about what and the reason, escaped,
    # never the title
    with translation.override("nb"):
        date = formats.date_format(timezone.localtime(timezone.now()), "j. F Y")
        category = str(withheld.get_category_display())
    expected = (
        f"<strong>Noe du ikke kan se</strong> – {date} skrev {nurse.name} noe om {category} "
        "som du ikke får se. Grunnen de oppga: «&lt;b&gt;Vern&lt;/b&gt;»"
    )
    assert expected in page
    assert "Hemmelig" not in page and "<b>Vern</b>" not in page


def test_the_hand_built_answer_is_drfs_field_by_field(demo):
    # Given rows of every kind (withdrawn, expired, withheld, hidden titles, opened, a block,
    # someone who left) seen by Sara, the ungdomshjelper and a guardian
    everything_on_saras_case(demo)
    _withheld_from_sara_after_she_consented(demo, reason="Vern")
    viewers = [
        (demo.sara_case, demo["sara"]),
        (demo.sara_case, demo["ungdomshjelper"]),
        (demo.jonas_case, demo["far"]),
    ]
    # (each viewer in nb, nn or en by turns: one world built, not three)
    for (case, viewer), language in zip(viewers, ("nb", "nn", "en"), strict=True):
        with translation.override(language):
            people = who_knows_what(case=case, viewer=viewer)
            # When the answer is built by hand, and by DRF's generic Serializer walking the
            # declared fields (the nested serializers' own to_representation still by hand)
            answer = PersonKnowledgeSerializer(people, many=True).data
            drf = [_declared_fields(PersonKnowledgeSerializer(), person) for person in people]
        # Then they are the same, key order included
        assert json.dumps(answer) == json.dumps(drf), viewer.username
        assert any(person["entries"] for person in answer)


def _declared_fields(serializer, instance):  # type: ignore[no-untyped-def]
    """DRF's Serializer.to_representation (field by field), here and in each nested serializer
    that builds its dict by hand."""
    if isinstance(serializer, serializers.ListSerializer):
        return [_declared_fields(serializer.child, each) for each in instance]
    if not isinstance(serializer, (PersonKnowledgeSerializer, KnowledgeSerializer)):
        return serializer.to_representation(instance)
    data = {}
    for name, field in serializer.fields.items():
        value = field.get_attribute(instance)
        data[name] = None if value is None else _declared_fields(field, value)
    return data
