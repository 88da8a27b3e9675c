"""coordination/settings.py read in this process for an environment of the test's choosing, as a
new process (`manage.py`, a worker) reads it when it starts.

A new Python process costs ~0.55 s of CPU before it even reaches the settings (Python, Django,
Celery and the settings' imports), and a `manage.py check` ~3 s; the settings module itself takes
milliseconds. So the tests of what the settings make of the environment (a refusal, a parsed
value) read the module here, and only the tests of what a start does with it (`manage.py
check`, `check --deploy`, a command) start a process.
"""

import importlib.util
import os
from types import ModuleType
from unittest import mock

from coordination import settings as loaded

# What this process has and a deployment does not: the development key and DEBUG that
# scripts/env.sh sets, and the browser tests' permission for async-unsafe ORM calls.
NOT_INHERITED = ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")


def environment_of_a_start(unset: tuple[str, ...] = (), **given: str) -> dict[str, str]:
    """This process' environment without what a deployment does not have (and `unset`), with
    `given` on top: what a process started for the test would be given."""
    drop = {*NOT_INHERITED, *unset}
    environment = {name: value for name, value in os.environ.items() if name not in drop}
    environment.update(given)
    return environment


def settings_for(environment: dict[str, str]) -> ModuleType:
    """The settings module run from its first line with `environment` as the whole of
    os.environ (the `.env` file read into it as a start would), or the exception it stops a start
    with. os.environ is exactly as before afterwards, whatever the module or `.env` set; Django's
    settings are untouched: the module is a new one, in no `sys.modules`."""
    assert loaded.__file__ is not None
    spec = importlib.util.spec_from_file_location(loaded.__name__, loaded.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    with mock.patch.dict(os.environ, environment, clear=True):
        spec.loader.exec_module(module)
    return module
