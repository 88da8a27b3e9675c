from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, requires_csrf_token
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice

from .exports.selectors import exports_of
from .forms import LanguageForm, LoginForm, OneTimeCodeForm, PresentationForm, ProfileForm
from .home import home_sections, profile_sections
from .oidc import (
    LOGOUT_SESSION_KEY,
    Provider,
    SignInRefused,
    provider_for,
    provider_logout_url,
    providers,
    sign_in_begin,
    sign_in_complete,
)
from .parsing import InvalidInput, parse_page
from .rest import NOT_FOUND_DETAIL, TOO_LARGE_DETAIL, authenticated_user
from .selectors import (
    account_named,
    notifications_for,
    recovery_codes_left,
    second_factor_app,
    service_health,
)
from .services import (
    CHANNEL_IN_APP,
    notification_mark_read,
    notification_text,
    notifications_mark_all_read,
    second_factor_locked_out,
    second_factor_reset_own,
    second_factor_setup_confirm,
    second_factor_setup_start,
    second_factor_verify,
    sign_in_record,
    user_channels,
    user_presentation_set,
    user_profile_update,
    user_set_language,
)
from .two_factor import requires_second_factor, second_factor_satisfied

NOTIFICATIONS_PER_PAGE = 20


class SignInView(auth_views.LoginView):
    """Django's login page (fields username and password) with a button per OpenID provider;
    every password sign-in, accepted or refused, is audited here (once: not by a signal, which
    force_login in tests and the API would also send)."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: object) -> dict:
        return {**super().get_context_data(**kwargs), "oidc_providers": providers()}

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        sign_in_record(user=form.get_user(), method="password", success=True)
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        if form.data.get("username"):
            sign_in_record(
                user=account_named(form.data.get("username")), method="password", success=False
            )
        return super().form_invalid(form)


def _provider_or_404(key: str) -> Provider:
    provider = provider_for(key)
    if provider is None:
        raise Http404
    return provider


def _sign_in_refused(
    request: HttpRequest, provider: Provider, refusal: SignInRefused
) -> HttpResponse:
    sign_in_record(
        user=refusal.user,
        method="oidc",
        success=False,
        provider=provider.key,
        acr=refusal.acr,
        reason=refusal.reason,
    )
    context = {"provider": provider, "reason": refusal.reason}
    return render(request, "registration/oidc_refused.html", context, status=403)


@require_POST
def oidc_login(request: HttpRequest, provider: str) -> HttpResponse:
    """The login page's button: off to the provider (a POST, so no other site starts it)."""
    chosen = _provider_or_404(provider)
    try:
        return sign_in_begin(request, chosen)
    except SignInRefused as refusal:
        return _sign_in_refused(request, chosen, refusal)


@require_GET
@never_cache
def oidc_callback(request: HttpRequest, provider: str) -> HttpResponse:
    chosen = _provider_or_404(provider)
    try:
        sign_in_complete(request, chosen)
    except SignInRefused as refusal:
        return _sign_in_refused(request, chosen, refusal)
    return redirect(settings.LOGIN_REDIRECT_URL)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Logs out here and, after an OpenID sign-in, at the provider too: a shared computer must
    not sign the next person in as this one without asking."""
    provider_url = provider_logout_url(request, request.session.get(LOGOUT_SESSION_KEY))
    logout(request)
    return redirect(provider_url or settings.LOGOUT_REDIRECT_URL)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    sections = home_sections(user=authenticated_user(request))
    return render(request, "coordination/home.html", {"sections": sections})


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(
        notifications_for(user=authenticated_user(request)), NOTIFICATIONS_PER_PAGE
    ).get_page(parse_page(request.GET.get("page")))
    items = [(notification, notification_text(notification)) for notification in page]
    return render(request, "coordination/notifications.html", {"page": page, "items": items})


@login_required
@require_POST
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Marks one notification read and follows its link (only to a path on this site)."""
    notification = get_object_or_404(
        notifications_for(user=authenticated_user(request)), pk=notification_id
    )
    notification_mark_read(notification=notification)
    target = notification.target_url
    if not target.startswith("/") or target.startswith("//"):
        target = "/notifications/"
    return redirect(target)


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    notifications_mark_all_read(recipient=authenticated_user(request))
    return redirect("notifications")


@login_required
@require_http_methods(["GET", "POST"])
def presentation(request: HttpRequest) -> HttpResponse:
    """The few words about themself a person shows a young person choosing an ungdomshjelper."""
    user = authenticated_user(request)
    form = PresentationForm(
        request.POST if request.method == "POST" else None,
        initial={"presentation": user.presentation},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            user_presentation_set(user=user, presentation=form.cleaned_data["presentation"])
            messages.success(request, _("Your presentation is saved."))
            return redirect("presentation")
        status = 400
    return render(request, "coordination/presentation.html", {"form": form}, status=status)


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Sets the UI language: saved on the user when logged in, in a cookie always."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            user_set_language(user=request.user, language=language)
        _language_cookie(response, language)
    return response


def _language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 60 * 60,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _next_url(request: HttpRequest) -> str:
    """Where to go after the second factor: the page asked for, on this site only."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _second_factor_given(request: HttpRequest, device: Device) -> None:
    # The session now carries more rights: a new key, as Django's login gives after the password,
    # so a session id planted before cannot ride on it.
    request.session.cycle_key()
    otp_login(request, device)


def _code_refused(request: HttpRequest, form: OneTimeCodeForm, message: str) -> HttpResponse | None:
    """After a refused code: if that locked the person out, the session ends with the same
    answer a locked password sign-in gets; otherwise the form says why (None)."""
    if second_factor_locked_out(user=authenticated_user(request), request=request):
        logout(request)
        return lockout_response(request, None, None)
    form.add_error("otp", message)
    return None


@login_required
@never_cache
@require_GET
def two_factor_overview(request: HttpRequest) -> HttpResponse:
    user = authenticated_user(request)
    return render(
        request,
        "coordination/two_factor.html",
        {
            "app": second_factor_app(user=user),
            "codes_left": recovery_codes_left(user=user),
            "required": requires_second_factor(user),
            "form": OneTimeCodeForm(),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Adds the authenticator app (QR code or key, then its current code); on success shows the
    recovery codes, once."""
    user = authenticated_user(request)
    if not requires_second_factor(user) or second_factor_app(user=user) is not None:
        return redirect("two-factor")
    device = second_factor_setup_start(user=user)
    form = OneTimeCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        outcome = second_factor_setup_confirm(
            user=user, code=form.cleaned_data["otp"], request=request
        )
        if outcome is not None:
            confirmed, codes = outcome
            _second_factor_given(request, confirmed)
            context: dict[str, object] = {"codes": codes, "next": _next_url(request)}
            return render(request, "coordination/two_factor_codes.html", context)
        locked = _code_refused(
            request,
            form,
            _(
                "That code is not right. Type the code the app shows now (it changes every 30 "
                "seconds)."
            ),
        )
        if locked is not None:
            return locked
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": _next_url(request),
        # segno draws paths only (no text, no style attributes): safe to inline, CSP-clean.
        "qr": segno.make(device.config_url, error="m").svg_inline(scale=4, light="#fff"),
        "secret": " ".join(secret[start : start + 4] for start in range(0, len(secret), 4)),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "coordination/two_factor_setup.html", context, status=status)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Asks for the code after the password (the middleware sends people here)."""
    user = authenticated_user(request)
    if second_factor_satisfied(request):
        return redirect(_next_url(request))
    if second_factor_app(user=user) is None:
        setup = reverse("two-factor-setup")
        return redirect(f"{setup}?{urlencode({'next': _next_url(request)})}")
    form = OneTimeCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        device = second_factor_verify(user=user, code=form.cleaned_data["otp"], request=request)
        if device is not None:
            _second_factor_given(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    _("You used a recovery code. You have %(left)d left.")
                    % {"left": recovery_codes_left(user=user)},
                )
            return redirect(_next_url(request))
        locked = _code_refused(
            request, form, _("That code is not right, or it has been used already. Try again.")
        )
        if locked is not None:
            return locked
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "next": _next_url(request)}
    return render(request, "coordination/two_factor_verify.html", context, status=status)


@login_required
@never_cache
@require_POST
def two_factor_reset(request: HttpRequest) -> HttpResponse:
    """The person turns two-factor off with a fresh code, to set it up again (a new phone)."""
    user = authenticated_user(request)
    form = OneTimeCodeForm(request.POST)
    if form.is_valid() and second_factor_reset_own(
        user=user, code=form.cleaned_data["otp"], request=request
    ):
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
        messages.success(request, _("Two-factor sign-in is reset. Set it up again now."))
        return redirect("two-factor-setup")
    if form.is_valid():
        locked = _code_refused(
            request, form, _("That code is not right, or it has been used already. Try again.")
        )
        if locked is not None:
            return locked
    context = {
        "app": second_factor_app(user=user),
        "codes_left": recovery_codes_left(user=user),
        "required": requires_second_factor(user),
        "form": form,
    }
    return render(request, "coordination/two_factor.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """My profile: name, e-mail, phone, how I am told about news, language. The birth date is
    shown, not changed (the municipality changes it); the presentation has its own page."""
    user = authenticated_user(request)
    initial = {
        "display_name": user.display_name,
        "email": user.email,
        "phone": user.phone,
        "channels": [c for c in user_channels(user) if c != CHANNEL_IN_APP],
        "language": user.preferred_language,
    }
    form = ProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_profile_update(
                user=user,
                display_name=data["display_name"],
                email=data["email"],
                phone=data["phone"],
                channels=[CHANNEL_IN_APP, *data["channels"]],
                language=data["language"],
            )
        except ValidationError as refusal:
            for field, errors in refusal.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Your profile is saved."))
            response = redirect("profile")
            _language_cookie(response, data["language"])
            return response
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "person": user,
        "sections": profile_sections(user=user),
        "last_export": exports_of(user=user).first(),
    }
    return render(request, "coordination/profile.html", context, status=status)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """django-axes calls this when a username is locked: JSON for the API, a page otherwise."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": _("Too many wrong tries. Logging in is paused for 15 minutes.")},
            status=429,
        )
    return render(request, "registration/locked_out.html", status=429)


@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    checks = service_health()
    healthy = checks["database"] == "ok" and checks["redis"] == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", **checks}, status=200 if healthy else 503
    )


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's 400 (handler400): our 400 page, or the API's JSON shape under /api/.

    Reached when something before the view refuses the request (a NUL byte, a body over
    Django's limits) or a view raises InvalidInput; its message is shown, no other.
    """
    detail = str(exception) if isinstance(exception, InvalidInput) else ""
    if _is_api(request):
        if not detail:
            too_large = isinstance(exception, RequestDataTooBig)
            detail = str(TOO_LARGE_DETAIL if too_large else _("The request could not be read."))
        return JsonResponse({"detail": detail}, status=400)
    return render(request, "400.html", {"detail": detail}, status=400)


@csrf_exempt
def api_not_found(request: HttpRequest) -> HttpResponse:
    """Any path under /api/ that no endpoint has: the API's JSON 404, never the HTML page.

    This route matches every such path, so CommonMiddleware's APPEND_SLASH no longer sees an
    unknown one; a path that names an endpoint but for its trailing slash is redirected here the
    way Django would (GET and HEAD only: a redirected POST would lose its body)."""
    path = request.path_info
    if settings.APPEND_SLASH and not path.endswith("/") and request.method in ("GET", "HEAD"):
        try:
            match = resolve(path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not api_not_found:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return JsonResponse({"detail": str(NOT_FOUND_DETAIL)}, status=404)
