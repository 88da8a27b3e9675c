"""The environment the settings (coordination/settings.py) need to load with DEBUG off, as in
production, with throwaway keys: for what loads them outside a deployment (collecting the static
files, `make bench`'s in-process reads and its gunicorn). The keys live as long as the process
that gets them, so nothing signed with them outlives the run.

As a command it runs another with it: `python scripts/production_env.py BASE_URL COMMAND...`.
"""

import os
import secrets
import sys
from urllib.parse import urlsplit


def production_env(*, base_url: str) -> dict[str, str]:
    """DEBUG off, fresh keys, and `base_url`'s host the one allowed."""
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SAMMEN_IDENTITY_HMAC_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": urlsplit(base_url).hostname or "",
        "SAMMEN_BASE_URL": base_url,
    }


if __name__ == "__main__":
    base_url, *command = sys.argv[1:]
    os.execvpe(command[0], command, os.environ | production_env(base_url=base_url))
