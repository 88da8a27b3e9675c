#!/usr/bin/env python
"""The local OpenID provider the sign-in tests drive (see README.md "Sign-in with OpenID Connect").

Not part of Sammen: a tiny django-oauth-toolkit project, started twice by
scripts/oidc_providers.sh (an ID-porten-like and a municipal, Entra-like provider).
"""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provider.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
