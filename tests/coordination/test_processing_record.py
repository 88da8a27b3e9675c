"""The Art. 30 record (issue #17 item 3): generated from the models and settings, and a model
with personal data that the record does not describe fails here."""

from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import models

from coordination import processing


def _user_relations(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.get_fields()
        if f.is_relation
        and f.concrete
        and f.related_model is apps.get_model(django_settings.AUTH_USER_MODEL)
    ]


def test_every_model_is_described_or_named_as_holding_no_personal_data() -> None:
    assert processing.undescribed_models() == []


def test_a_model_named_as_holding_no_personal_data_points_to_no_person() -> None:
    # Given every model the record parks as "no personal data"
    # Then none of them names an account (that would be personal data by definition).
    parked = {
        label: _user_relations(apps.get_model(label)) for label in processing.NO_PERSONAL_DATA
    }
    assert {label: rel for label, rel in parked.items() if rel} == {}


def test_a_model_left_out_of_the_record_is_reported_and_the_command_refuses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given the record forgets the access log
    records = dict(processing.RECORDS)
    del records["cases.AccessEvent"]
    monkeypatch.setattr(processing, "RECORDS", records)

    # Then the check names it and the command prints no record
    assert processing.undescribed_models() == ["cases.AccessEvent"]
    with pytest.raises(CommandError, match=r"cases\.AccessEvent"):
        call_command("processing_record", stdout=StringIO())


def test_a_description_of_a_model_that_is_gone_is_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        processing, "NO_PERSONAL_DATA", {**processing.NO_PERSONAL_DATA, "cases.Gone": "x"}
    )
    assert processing.undescribed_models() == ["cases.Gone"]


def test_the_command_prints_the_record_from_models_and_settings(settings) -> None:  # type: ignore[no-untyped-def]
    # Given an installation with its own SMS provider and retention for school notes
    settings.SAMMEN_SMS_BACKEND = "example.sms.Provider"
    settings.SAMMEN_RETENTION_YEARS = {
        **settings.SAMMEN_RETENTION_YEARS,
        "school": 4,
    }
    out = StringIO()

    # When the record is printed
    call_command("processing_record", stdout=out)
    record = out.getvalue()

    # Then it describes every model with personal data, the retention per category and the
    # sub-processors as this installation is configured
    assert record.startswith("# Record of processing activities (GDPR Art. 30)")
    for label in processing.RECORDS:
        assert f"| {label} |" in record
    assert "| services_registry.HistoricalContact |" in record
    assert "(`school`): 4 years" in record
    assert "(`child_welfare`): kept and transferred to the archive" in record
    assert "`example.sms.Provider`" in record
    assert settings.EMAIL_BACKEND in record
    assert "young people (mostly under 18)" in record
