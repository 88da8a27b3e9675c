"""Configuration: production refuses development defaults and passes Django's deploy check.

What the settings make of the environment is read in this process (tests/settings_module.py);
a process is started only where the start itself is the subject: that a refusal stops
`manage.py`, Django's checks, and the commands.
"""

import io
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from tests.settings_module import environment_of_a_start, settings_for

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, unset: tuple[str, ...] = (), **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment_of_a_start(unset, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def refusal(unset: tuple[str, ...] = (), **env: str) -> str:
    """The message the settings stop a start with, in the environment run_manage would give."""
    with pytest.raises(ImproperlyConfigured) as refused:
        settings_for(environment_of_a_start(unset, **env))
    return str(refused.value)


# What production must be told; scripts/env.sh sets the first two for development.
PRODUCTION = {
    "DATABASE_URL": os.environ["DATABASE_URL"],
    "REDIS_URL": os.environ["REDIS_URL"],
    "SAMMEN_BASE_URL": "https://sammen.kommune.no",
    "SAMMEN_IDENTITY_HMAC_KEY": secrets.token_urlsafe(32),
}


def test_production_refuses_the_development_secret_key():
    # The start itself, once: a refusal of the settings stops manage.py with its message
    result = run_manage("check", DEBUG="false", **PRODUCTION)
    assert result.returncode != 0
    assert "SECRET_KEY is the development key" in result.stderr


@pytest.mark.parametrize("missing", sorted(PRODUCTION))
def test_production_refuses_to_fall_back_on_a_development_default(missing):
    # Given production settings with one of them left out (not set, or set empty)
    given = {name: value for name, value in PRODUCTION.items() if name != missing}
    for value in (None, ""):
        env = dict(given, SECRET_KEY=secrets.token_urlsafe(50), DEBUG="false")
        if value is not None:
            env[missing] = value
        # When the portal starts, then it refuses, naming what is missing
        assert f"{missing} is not set while DEBUG is off" in refusal(unset=(missing,), **env)


def test_production_refuses_the_development_identity_key():
    # Given production settings whose identity key is the development one (pids hashed with a
    # published key could be found again by trying every birth number)
    env = dict(PRODUCTION, SECRET_KEY=secrets.token_urlsafe(50), DEBUG="false")
    env["SAMMEN_IDENTITY_HMAC_KEY"] = "sammen-development-identity-key-never-use-in-production"
    # When the portal starts, then it refuses
    assert "SAMMEN_IDENTITY_HMAC_KEY is the development key" in refusal(**env)


def test_development_falls_back_on_the_local_services():
    result = run_manage("check", unset=tuple(PRODUCTION), DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_production_settings_pass_the_deploy_check():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="sammen.kommune.no",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_seed_demo_refuses_without_password_when_debug_is_off(settings):
    # Given production without a demo password (none set, or set empty)
    for given in ({}, {"SAMMEN_DEMO_PASSWORD": ""}):
        started = settings_for(
            environment_of_a_start(
                ("SAMMEN_DEMO_PASSWORD",),
                DEBUG="false",
                SECRET_KEY=secrets.token_urlsafe(50),
                **PRODUCTION,
                **given,
            )
        )
        assert started.SAMMEN_DEMO_PASSWORD == ""
    # When the demo is asked for, then it refuses before it touches the database (this test may
    # not: pytest-django would fail it)
    settings.SAMMEN_DEMO_PASSWORD = started.SAMMEN_DEMO_PASSWORD
    with pytest.raises(CommandError, match="Set SAMMEN_DEMO_PASSWORD"):
        call_command("seed_demo", stdout=io.StringIO())


OIDC_ENV = {
    "SAMMEN_OIDC_PROVIDERS": "idporten,kommune",
    "SAMMEN_OIDC_IDPORTEN_ISSUER": "https://test.idporten.no",
    "SAMMEN_OIDC_IDPORTEN_CLIENT_ID": "sammen-test",
    "SAMMEN_OIDC_IDPORTEN_CLIENT_SECRET": "s3cret",
    "SAMMEN_OIDC_IDPORTEN_CLAIM": "pid",
    "SAMMEN_OIDC_IDPORTEN_ROLES": "youth,guardian",
    "SAMMEN_OIDC_IDPORTEN_ACR_VALUES": "idporten-loa-substantial,idporten-loa-high",
    "SAMMEN_OIDC_IDPORTEN_ACR_VALUES_GUARDIAN": "idporten-loa-high",
    "SAMMEN_OIDC_KOMMUNE_ISSUER": "https://sts.windows.net/tenant/",
    "SAMMEN_OIDC_KOMMUNE_CLIENT_ID": "app",
    "SAMMEN_OIDC_KOMMUNE_CLIENT_SECRET": "s3cret",
    "SAMMEN_OIDC_KOMMUNE_CLAIM": "oid",
    "SAMMEN_OIDC_KOMMUNE_ROLES": "helper,staff",
}


def test_openid_providers_come_from_the_environment():
    providers = settings_for(environment_of_a_start(DEBUG="true", **OIDC_ENV)).SAMMEN_OIDC_PROVIDERS
    assert list(providers) == ["idporten", "kommune"]
    assert providers["idporten"]["acr_values"] == ["idporten-loa-substantial", "idporten-loa-high"]
    assert providers["idporten"]["acr_by_role"] == {"guardian": ["idporten-loa-high"]}
    assert providers["kommune"]["acr_by_role"] == {}
    assert providers["idporten"]["discovery_url"] == (
        "https://test.idporten.no/.well-known/openid-configuration"
    )
    # The issuer is kept exactly (Entra's v1 issuer ends in a slash)
    assert providers["kommune"]["issuer"] == "https://sts.windows.net/tenant/"
    assert providers["kommune"]["roles"] == ["helper", "staff"]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SAMMEN_OIDC_PROVIDERS", "id-porten", "is not a provider key"),
        ("SAMMEN_OIDC_IDPORTEN_ROLES", "youth,everyone", "ROLES must name who may use it"),
        ("SAMMEN_OIDC_IDPORTEN_ROLES", "", "ROLES must name who may use it"),
    ],
)
def test_a_wrong_provider_setting_stops_the_start(name, value, message):
    assert message in refusal(DEBUG="true", **{**OIDC_ENV, name: value})
