import functools
import json
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .oidc import provider_origins
from .parsing import InvalidInput
from .two_factor import requires_second_factor, second_factor_satisfied

NUL = "\x00"
JSON_NUL_ESCAPE = b"\\u0000"


class RejectNulMiddleware:
    """Answers 400 to a request that carries a NUL character anywhere a view could read it.

    PostgreSQL cannot store or compare text with a NUL, so such a value would be a 500 wherever
    it reached a query. Checked: the path, the query string, every header (Authorization,
    cookies) and the fields of a form or JSON body. The files of a multipart upload are not
    checked: a PDF has NULs. Raising InvalidInput gives the site's 400 (JSON under /api/).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._carries_nul(request):
            raise InvalidInput(_("The request contains a character that is not allowed."))
        return self.get_response(request)

    def _carries_nul(self, request: HttpRequest) -> bool:
        if NUL in request.path or _any_nul(request.GET.lists()):
            return True
        if any(NUL in str(value) for key, value in request.META.items() if key.startswith("HTTP_")):
            return True
        if request.method == "POST" and request.content_type in {
            "multipart/form-data",
            "application/x-www-form-urlencoded",
        }:
            # request.POST holds the form fields (not the files); Django parses the body once,
            # within its size limits, and the view gets the parsed result.
            return _any_nul(request.POST.lists())
        if request.content_type == "application/x-www-form-urlencoded" and _body_fits(request):
            return _any_nul(QueryDict(request.body, encoding=request.encoding).lists())
        if (request.content_type or "").endswith("json") and _body_fits(request):
            body = request.body
            return JSON_NUL_ESCAPE in body and _json_has_nul(body)
        return False


def _any_nul(lists: Iterable[tuple[str, list[str]]]) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in lists)


def _body_fits(request: HttpRequest) -> bool:
    # A larger body is refused by Django (and the API's error handler) when the view reads it.
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    length = request.META.get("CONTENT_LENGTH") or "0"
    return limit is None or (length.isascii() and length.isdigit() and int(length) <= limit)


def _json_has_nul(body: bytes) -> bool:
    """Whether a string of the JSON document holds a NUL; unparseable JSON is the parser's 400."""
    try:
        document = json.loads(body)
    except ValueError:
        return False
    return _value_has_nul(document)


def _value_has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(NUL in key or _value_has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_value_has_nul(item) for item in value)
    return False


class UserLanguageMiddleware:
    """Activates the language the person chose, else the municipality's default (LANGUAGE_CODE,
    from SAMMEN_DEFAULT_LANGUAGE: bokmål unless set to nynorsk or English).

    A logged-in user's saved preference wins, then the language cookie set by the switch.
    The browser's Accept-Language is deliberately ignored: a Norwegian municipal service is in
    its own language unless the person asks for another.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supported = {code for code, _name in settings.LANGUAGES}
        user = getattr(request, "user", None)
        language = None
        if user is not None and user.is_authenticated:
            language = user.preferred_language
        if language not in supported:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


@functools.cache
def _second_factor_free_paths() -> tuple[str, ...]:
    """What a person who still owes their second factor may open: the two-factor pages, logging
    out, the language switch, static files and the health check. Nothing else."""
    return (
        reverse("two-factor"),
        reverse("logout"),
        reverse("admin:logout"),
        reverse("language-switch"),
        reverse("setlang"),
        reverse("health"),
        settings.STATIC_URL,
    )


class SecondFactorRequiredMiddleware:
    """After a password sign-in, someone who needs a second factor (coordination.two_factor)
    and has not given one in this session is sent to give it (or to set it up) before anything
    else; the API answers 403 in JSON. API calls with a token are not seen here: the token
    endpoint asks for the code before it issues one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and not request.path_info.startswith(_second_factor_free_paths())
            and not second_factor_satisfied(request)
            and requires_second_factor(request.user)
        ):
            if request.path_info.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Confirm your sign-in with a code from your app first.")},
                    status=403,
                )
            return redirect_to_login(
                request.get_full_path(), reverse("two-factor-verify"), REDIRECT_FIELD_NAME
            )
        return self.get_response(request)


class SignInProvidersFormActionMiddleware:
    """Adds the configured OpenID providers to the page's CSP form-action: browsers apply it to
    the redirect that follows a form too, and the login buttons and the logout button (on every
    page) lead there. Read per request, from the providers' discovery documents."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        origins = provider_origins()
        if origins:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [*update.get("form-action", []), *origins]
            response._csp_update = update  # type: ignore[attr-defined]
        return response
