from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.paginator import Paginator
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, requires_csrf_token
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .forms import LanguageForm, PresentationForm, ProfileForm
from .home import home_sections
from .parsing import InvalidInput, parse_page
from .rest import NOT_FOUND_DETAIL, TOO_LARGE_DETAIL, authenticated_user
from .selectors import notifications_for, service_health
from .services import (
    CHANNEL_IN_APP,
    notification_mark_read,
    notification_text,
    notifications_mark_all_read,
    user_channels,
    user_presentation_set,
    user_profile_update,
    user_set_language,
)

NOTIFICATIONS_PER_PAGE = 20


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
    return render(
        request, "coordination/profile.html", {"form": form, "person": user}, status=status
    )


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
