from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import api, views
from .exports import api as export_api
from .exports import views as export_views

api_v1: list[URLPattern | URLResolver] = [
    path("auth/token/", api.TokenApi.as_view(), name="api-token"),
    path("auth/logout/", api.LogoutApi.as_view(), name="api-logout"),
    path("me/", api.MeApi.as_view(), name="api-me"),
    path("me/presentation/", api.PresentationApi.as_view(), name="api-me-presentation"),
    path("me/export/", export_api.ExportRequestApi.as_view(), name="api-me-export"),
    path("exports/<int:export_id>/", export_api.ExportApi.as_view(), name="api-export"),
    path("notifications/", api.NotificationListApi.as_view(), name="api-notifications"),
    path(
        "notifications/<int:notification_id>/read/",
        api.NotificationReadApi.as_view(),
        name="api-notification-read",
    ),
    path("", include("cases.api_urls")),
    path("", include("consent.api_urls")),
    path("", include("voice.api_urls")),
    path("", include("meetings.api_urls")),
    path("", include("referrals.api_urls")),
    path("", include("services_registry.api_urls")),
]

handler400 = views.bad_request

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.sign_out, name="logout"),
    path("accounts/oidc/<slug:provider>/login/", views.oidc_login, name="oidc-login"),
    path("accounts/oidc/<slug:provider>/callback/", views.oidc_callback, name="oidc-callback"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/presentation/", views.presentation, name="presentation"),
    # Two-factor sign-in; the middleware lets a person who still owes their code reach only
    # these (under the first path), logging out, the language switch, static files and health.
    path("accounts/two-factor/", views.two_factor_overview, name="two-factor"),
    path("accounts/two-factor/setup/", views.two_factor_setup, name="two-factor-setup"),
    path("accounts/two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("accounts/two-factor/reset/", views.two_factor_reset, name="two-factor-reset"),
    path("language/", views.language_switch, name="language-switch"),
    path("me/export/", export_views.export_start, name="export-start"),
    path("exports/<int:export_id>/", export_views.export_status, name="export"),
    path(
        "exports/<int:export_id>/download/",
        export_views.export_download,
        name="export-download",
    ),
    # The same switch under Django's usual address (DESIGN §11: /i18n/setlang/ takes language=nn).
    path("i18n/setlang/", views.language_switch, name="setlang"),
    path("notifications/", views.notification_list, name="notifications"),
    path(
        "notifications/<int:notification_id>/open/",
        views.notification_open,
        name="notification-open",
    ),
    path("notifications/read-all/", views.notifications_read_all, name="notifications-read-all"),
    path("health/", views.health, name="health"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/export-schema.json", export_views.export_schema, name="export-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # After every API route: an unknown path under /api/ answers like the API, in JSON.
    re_path(r"^api/", views.api_not_found, name="api-not-found"),
    path("services/", include("services_registry.urls")),
    # /cases/<id>/... is shared: each app keeps its case pages in one `case_pages` list in its
    # own urls.py under "cases/<int:case_id>/"; consent and voice sit at the root because
    # their other pages (/consent/..., /glossary/, ...) have no common prefix.
    path("cases/", include("cases.urls")),
    path("", include("cases.invite_urls")),
    path("", include("consent.urls")),
    path("", include("voice.urls")),
    path("meetings/", include("meetings.urls")),
    path("", include("referrals.urls")),
]
