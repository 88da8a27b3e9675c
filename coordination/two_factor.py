"""Two-factor sign-in: who needs it and whether this session has it (docs/architecture.md §7a).

The rule lives here and nowhere else: the middleware that sends people to the code page, the
admin site, the pages and the API token endpoint all ask these functions. Normen and the
municipalities' risk assessments ask for strong authentication of people who can read health
information about young people; staff and catalogue editors can change what everyone relies on.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import F, QuerySet
from django.http import HttpRequest

from .demo import CATALOGUE_EDITORS, HELPERS
from .models import User
from .services import second_factor_verify
from .statements import AnyOf, CompiledRead, Slot

# Set in the session by the OpenID Connect sign-in when the provider vouched for a strong enough
# level (`acr`): such a person has already shown a second factor and is not asked again.
STRONG_AUTH_SESSION_KEY = "sammen_strong_auth"


def requires_second_factor(user: User) -> bool:
    """Staff and catalogue editors always; helpers when SAMMEN_REQUIRE_2FA_FOR_HELPERS is on."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff:
        return True
    groups = [CATALOGUE_EDITORS]
    if settings.SAMMEN_REQUIRE_2FA_FOR_HELPERS:
        groups.append(HELPERS)
    return bool(_IN_GROUPS(user=user.pk, names=groups))


def _in_groups(*, user: int, names: list[str]) -> QuerySet[Group, Any]:
    """requires_second_factor's statement: one of `user`'s groups named in `names`, if any."""
    return Group.objects.filter(AnyOf(F("name"), names), user=user).values_list("id")[:1]


# Every signed-in page asks it (SecondFactorRequiredMiddleware): compiled once a process, as
# building the ORM's statement anew was ~7 % of the overview's Python (benchmarks/README.md).
_IN_GROUPS = CompiledRead(_in_groups, user=Slot(-1, -2), names=Slot(("-a-",), ("-b-",), param=list))


def second_factor_satisfied(request: HttpRequest) -> bool:
    """Whether this session passed a second factor: a code checked by django-otp here, or a
    strong sign-in through an identity provider."""
    if request.session.get(STRONG_AUTH_SESSION_KEY):
        return True
    is_verified = getattr(request.user, "is_verified", None)  # set by django-otp's middleware
    return callable(is_verified) and bool(is_verified())


def verify_otp(user: User, code: str, *, request: HttpRequest | None = None) -> bool:
    """Checks a code from the person's authenticator app or one of their recovery codes.

    For the API token endpoint. A refusal counts like a wrong password: pass the (Django)
    request, and django-axes counts it toward the same lockout; while the person is locked out
    every code is refused unread. Failures and recovery-code use are audited either way.
    """
    return second_factor_verify(user=user, code=code, request=request) is not None
