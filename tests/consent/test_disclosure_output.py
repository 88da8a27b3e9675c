"""A disclosure's answer (the share's 201, withdrawing, releasing held shares, approved minutes)
is built directly by DisclosureOutputSerializer.to_representation for speed; its declared fields
stay the schema. It must give exactly what DRF gives from those fields: same keys, order, values
and bytes, for every disclosure of the demo plus one approved with a last day and a purpose, a
legal duty with its justification, and a rule share withdrawn; for a viewer who may open the entry
and one who may not; in the portal's time zone and in UTC (where DRF writes "Z")."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from consent.models import Disclosure
from consent.serializers import DisclosureOutputSerializer
from consent.services import consent_request_approve, share, withdraw

from .helpers import write_entry

pytestmark = pytest.mark.django_db


def test_the_direct_answer_is_what_the_declared_fields_give(demo):
    nurse, teacher, bup = demo["helsesykepleier"], demo["laerer"], demo["bup"]
    # Given a share asked for and approved with a last day, a legal duty, and a rule share
    # withdrawn (Sara's school notes go to every helper)
    asked = share(
        entry=write_entry(demo.sara_case, nurse, title="Søvn"),
        recipients=[teacher],
        actor=nurse,
        purpose="Så skolen kan tilrettelegge.",
    ).consent_request
    assert asked is not None
    consent_request_approve(
        consent_request=asked,
        actor=asked.deciders.order_by("pk").first(),
        until=timezone.localdate() + timedelta(days=30),
    )
    share(
        entry=write_entry(demo.sara_case, nurse, title="Bekymring"),
        recipients=[bup],
        actor=nurse,
        basis="legal_duty",
        justification="Opplysningsplikt.",
    )
    withdrawn = share(
        entry=write_entry(demo.sara_case, nurse, category="school", title="Fravær"),
        recipients=[teacher],
        actor=nurse,
    ).disclosures[0]
    withdraw(disclosure=withdrawn, actor=nurse)
    disclosures = list(Disclosure.objects.select_related("entry").order_by("pk"))
    kinds = {
        "until": any(d.until for d in disclosures),
        "withdrawn": any(d.withdrawn_by_id for d in disclosures),
        "justification": any(d.justification for d in disclosures),
        "purpose": any(d.purpose for d in disclosures),
        "rule": any(d.rule_id for d in disclosures),
        "request": any(d.request_id for d in disclosures),
    }
    assert all(kinds.values()), kinds
    # Then the direct answer and DRF's are the same bytes, for each reader and time zone
    for zone in (None, "UTC"):
        with timezone.override(zone or timezone.get_current_timezone()):
            for visible in (True, False):
                serializer = DisclosureOutputSerializer(
                    disclosures, many=True, context={"entry_visible": visible}
                )
                direct = JSONRenderer().render(serializer.data)
                child = serializer.child
                declared = JSONRenderer().render(
                    [serializers.ModelSerializer.to_representation(child, d) for d in disclosures]
                )
                assert direct == declared, (zone, visible)
