"""tests/settings_module.py: the settings read in this process are those a new process reads, and
reading them leaves this process' environment and Django's settings as they were."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tests.coordination.test_settings import PRODUCTION, ROOT
from tests.settings_module import environment_of_a_start, settings_for

# Settings each derived from the environment in its own way (a flag, a parsed URL, a list, a
# number turned into seconds, a table of providers, a default that depends on DEBUG).
NAMES = (
    "DEBUG",
    "ALLOWED_HOSTS",
    "DATABASES",
    "REDIS_URL",
    "LANGUAGE_CODE",
    "SESSION_COOKIE_AGE",
    "SAMMEN_THROTTLE_RATES",
    "SAMMEN_REQUIRE_2FA_FOR_HELPERS",
    "SAMMEN_DEMO_PASSWORD",
    "SAMMEN_OIDC_PROVIDERS",
    "MIDDLEWARE",
)
# Not development's: production without DEBUG, with a provider and other choices.
STARTED_WITH = environment_of_a_start(
    ("SAMMEN_DEMO_PASSWORD",),
    SECRET_KEY="a-production-key-" + "x" * 40,
    ALLOWED_HOSTS="sammen.kommune.no,www.sammen.kommune.no",
    SAMMEN_DEFAULT_LANGUAGE="nn",
    SAMMEN_SESSION_IDLE_MINUTES="12",
    SAMMEN_THROTTLE_TOKEN="5/min",
    SAMMEN_OIDC_PROVIDERS="kommune",
    SAMMEN_OIDC_KOMMUNE_ISSUER="https://sts.windows.net/tenant/",
    SAMMEN_OIDC_KOMMUNE_CLIENT_ID="app",
    SAMMEN_OIDC_KOMMUNE_CLIENT_SECRET="s3cret",
    SAMMEN_OIDC_KOMMUNE_ROLES="helper,staff",
    **PRODUCTION,
)
PRINT = (
    "import json, coordination.settings as s; "
    f"print(json.dumps({{name: getattr(s, name) for name in {NAMES!r}}}))"
)


def test_the_settings_read_here_are_those_a_new_process_reads():
    started = subprocess.run(
        [sys.executable, "-c", PRINT],
        cwd=ROOT,
        env=STARTED_WITH,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    read_here = settings_for(STARTED_WITH)
    expected = json.loads(started.stdout)
    assert expected["DEBUG"] is False and expected["LANGUAGE_CODE"] == "nn"
    assert json.loads(json.dumps({name: getattr(read_here, name) for name in NAMES})) == expected


def test_reading_them_leaves_the_environment_and_djangos_settings_as_they_were():
    environment = dict(os.environ)

    def djangos() -> tuple:
        return (settings.DEBUG, settings.SECRET_KEY, settings.DATABASES, settings.LANGUAGE_CODE)

    before = djangos()
    module = sys.modules["coordination.settings"]

    assert settings_for(STARTED_WITH).LANGUAGE_CODE == "nn"
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is the development key"):
        settings_for(environment_of_a_start(DEBUG="false", **PRODUCTION))

    assert dict(os.environ) == environment
    assert djangos() == before
    assert sys.modules["coordination.settings"] is module
