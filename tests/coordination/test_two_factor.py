"""Two-factor sign-in (#14 item 3 and the 2FA part of item 6): who needs it, the pages that set
it up and ask for it, the lockout it shares with wrong passwords, recovery codes, resets, and
the admin site that stays closed without it."""

import base64
import re
import secrets
import time

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from coordination.admin_site import SammenAdminSite
from coordination.demo import CATALOGUE_EDITORS, HELPERS
from coordination.models import AuditEvent
from coordination.services import RECOVERY_CODE_COUNT
from coordination.two_factor import (
    STRONG_AUTH_SESSION_KEY,
    requires_second_factor,
    verify_otp,
)
from tests.coordination.test_settings import PRODUCTION
from tests.factories import PASSWORD, UserFactory, login_with_second_factor, totp_code
from tests.settings_module import environment_of_a_start, settings_for

pytestmark = pytest.mark.django_db

VERIFY = "/accounts/two-factor/verify/"
SETUP = "/accounts/two-factor/setup/"
RESET = "/accounts/two-factor/reset/"
OVERVIEW = "/accounts/two-factor/"


@pytest.fixture
def staff(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


def member_of(group_name, **fields):
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get_or_create(name=group_name)[0])
    return user


def password_login(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password page itself is unchanged"
    return response


def set_up_app(client, user) -> tuple[TOTPDevice, list[str]]:
    """Logs in with the password, then through the set-up page: the app's first code turns it
    on and shows the recovery codes."""
    password_login(client, user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"otp": totp_code(device), "next": "/admin/"})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    device.refresh_from_db()
    return device, codes


def actions(user) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="user", object_id=str(user.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def later(seconds=60):
    """A moment later: the app shows its next code and django-otp's pause after a wrong code has
    passed."""
    return time_machine.travel(time.time() + seconds, tick=False)


# --- who needs it -----------------------------------------------------------------------------


def test_staff_and_catalogue_editors_always_need_a_second_factor(settings, staff):
    settings.SAMMEN_REQUIRE_2FA_FOR_HELPERS = False
    editor = member_of(CATALOGUE_EDITORS)
    assert requires_second_factor(staff)
    assert requires_second_factor(editor)


def test_helpers_need_it_only_when_the_setting_is_on(settings):
    helper = member_of(HELPERS)
    settings.SAMMEN_REQUIRE_2FA_FOR_HELPERS = False
    assert not requires_second_factor(helper)
    settings.SAMMEN_REQUIRE_2FA_FOR_HELPERS = True
    assert requires_second_factor(helper)


def test_a_youth_and_other_people_do_not_need_it(settings):
    settings.SAMMEN_REQUIRE_2FA_FOR_HELPERS = True
    assert not requires_second_factor(UserFactory())
    assert not requires_second_factor(member_of("Some other group"))


@pytest.mark.parametrize(("debug", "expected"), [("false", "True"), ("true", "False")])
def test_helpers_need_it_by_default_outside_development_only(debug, expected):
    # Given no SAMMEN_REQUIRE_2FA_FOR_HELPERS in the environment, when the portal starts
    started = settings_for(
        environment_of_a_start(
            ("SAMMEN_REQUIRE_2FA_FOR_HELPERS",),
            DEBUG=debug,
            SECRET_KEY=secrets.token_urlsafe(50),
            **PRODUCTION,
        )
    )
    # Then helpers need a second factor in production and not in the demo
    assert str(started.SAMMEN_REQUIRE_2FA_FOR_HELPERS) == expected


def test_demo_helpers_keep_password_only_login_in_development(client, settings):
    # Given a helper while the setting is off (DEBUG's default)
    settings.SAMMEN_REQUIRE_2FA_FOR_HELPERS = False
    helper = member_of(HELPERS, display_name="Kari Nordmann")
    # When she logs in with her password, then she is home at once
    password_login(client, helper)
    assert "Kari Nordmann" in client.get("/").content.decode()


def test_a_helper_is_sent_to_set_up_when_the_setting_is_on(client, settings):
    settings.SAMMEN_REQUIRE_2FA_FOR_HELPERS = True
    helper = member_of(HELPERS)
    password_login(client, helper)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(SETUP)


# --- the admin site ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/coordination/user/", "/admin/coordination/auditevent/", "/"]
)
def test_admin_cannot_reach_any_page_without_a_second_factor(client, staff, path):
    # Given `admin` logged in with his password only
    password_login(client, staff)
    # When he opens an admin page (or any other), he is sent to the code page
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    # and the code page, since he has no app yet, sends him to set one up
    assert client.get(response.url).url.startswith(SETUP)


def test_the_session_api_refuses_a_person_who_owes_the_code(client, staff):
    password_login(client, staff)
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert "detail" in response.json()


def test_logout_language_and_health_stay_open_while_the_code_is_owed(client, staff):
    password_login(client, staff)
    assert client.get("/health/").status_code in (200, 503)
    assert client.post("/language/", {"language": "en", "next": SETUP}).url == SETUP
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_admin_sets_up_the_app_on_first_login_then_reaches_the_admin(client, staff):
    # Given `admin` after his password
    password_login(client, staff)
    # When he opens the set-up page: a QR code drawn on the server and the key to type
    page = client.get(SETUP + "?next=/admin/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg width="' in html and "<script" not in html.split("<main", 1)[1]
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert page.context["secret"].replace(" ", "")  # the key, for apps that cannot scan
    # and types the app's current code
    response = client.post(SETUP, {"otp": totp_code(device), "next": "/admin/"})
    # Then the recovery codes are shown, once, and the admin opens
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(codes) == RECOVERY_CODE_COUNT
    assert response["Cache-Control"].startswith("max-age=0")
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/coordination/user/").status_code == 200
    assert "two_factor.set_up" in actions(staff)
    # and nothing secret is in the audit chain
    event = AuditEvent.objects.get(action="two_factor.set_up")
    assert device.key not in str(event.data) and not any(c in str(event.data) for c in codes)


def test_a_wrong_code_at_set_up_turns_nothing_on_and_counts(client, staff, settings):
    # Given admin on the set-up page
    password_login(client, staff)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    # When he types a wrong code, nothing is turned on, and it counts and is audited
    response = client.post(SETUP, {"otp": wrong})
    assert response.status_code == 400
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    assert not StaticDevice.objects.filter(user=staff).exists()
    assert AccessAttempt.objects.get(username=staff.username).failures_since_start == 1
    assert [a for a in actions(staff) if a.startswith("two_factor.")] == ["two_factor.failed"]
    # and the page keeps the same key (reloading does not make a new one)
    assert (
        client.get(SETUP).context["secret"].replace(" ", "")
        == base64.b32encode(device.bin_key).decode()
    )
    # When the lockout is reached at set-up, the session ends there too
    settings.AXES_FAILURE_LIMIT = 2
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    assert client.post(SETUP, {"otp": wrong}).status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_admin_site_itself_refuses_a_session_without_the_second_factor(staff):
    # Even if a path were let past the middleware, the admin site asks the same rule.
    request = RequestFactory().get("/admin/")
    request.user = staff
    request.session = {}
    staff.is_verified = lambda: False
    assert not SammenAdminSite().has_permission(request)
    request.session = {STRONG_AUTH_SESSION_KEY: True}
    assert SammenAdminSite().has_permission(request)


def test_staff_cannot_read_anyones_secrets_in_the_admin(client, staff):
    login_with_second_factor(client, staff)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404


# --- verifying after the password ---------------------------------------------------------------


def test_a_later_login_asks_for_the_code_and_the_right_one_lets_in(client, staff):
    device, _codes = set_up_app(client, staff)
    client.post("/accounts/logout/")
    password_login(client, staff)
    assert client.get("/admin/").url.startswith(VERIFY)
    before = client.session.session_key
    with later():
        response = client.post(VERIFY, {"otp": totp_code(device), "next": "/admin/"})
        assert response.status_code == 302 and response.url == "/admin/"
        assert client.get("/admin/").status_code == 200
    # with a new session key: a session id planted before the code cannot ride on it
    assert client.session.session_key != before


def test_a_wrong_code_is_refused_counted_and_audited(client, staff):
    device, _codes = set_up_app(client, staff)
    client.post("/accounts/logout/")
    password_login(client, staff)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(VERIFY, {"otp": wrong})
    assert response.status_code == 400
    assert "ikke riktig" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    assert AccessAttempt.objects.get(username=staff.username).failures_since_start == 1
    assert actions(staff)[-1] == "two_factor.failed"
    # the code itself is kept nowhere: not in the audit row, not in axes' record of the POST
    assert wrong not in AccessAttempt.objects.get(username=staff.username).post_data


def test_a_reused_code_is_refused_and_counted(client, staff):
    # Given the code that turned the app on a moment ago
    device, _codes = set_up_app(client, staff)
    used = totp_code(device)
    client.post("/accounts/logout/")
    password_login(client, staff)
    # When someone types it again (within the same 30 seconds), it is refused
    response = client.post(VERIFY, {"otp": used})
    assert response.status_code == 400
    assert AccessAttempt.objects.get(username=staff.username).failures_since_start == 1


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, staff, settings):
    device, _codes = set_up_app(client, staff)
    client.post("/accounts/logout/")
    password_login(client, staff)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # django-otp also pauses after each wrong code; step past it as a patient guesser would
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
        response = client.post(VERIFY, {"otp": wrong})
        if attempt < settings.AXES_FAILURE_LIMIT - 1:
            assert response.status_code == 400
    # Then the last one locks: the session ends with the lockout page
    assert response.status_code == 429
    assert "For mange feil forsøk" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # and the right password no longer lets him in, nor then the right code
    assert (
        client.post(
            "/accounts/login/", {"username": staff.username, "password": PASSWORD}
        ).status_code
        == 429
    )


def test_while_locked_out_even_the_right_code_is_refused_unread(staff, settings):
    settings.AXES_FAILURE_LIMIT = 1
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    request = RequestFactory().post("/api/v1/auth/token/")
    assert verify_otp(staff, "000000x", request=request) is False
    assert verify_otp(staff, totp_code(device), request=RequestFactory().post("/")) is False
    device.refresh_from_db()
    assert device.last_t == -1  # the right code was never checked, so it is not spent


def test_verify_otp_for_the_token_endpoint(staff):
    # Given staff with an app
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    request = RequestFactory().post("/api/v1/auth/token/")
    code = totp_code(device)
    # Then the current code is accepted once; again, or a wrong one, is refused and counted
    assert verify_otp(staff, code, request=request) is True
    assert verify_otp(staff, code, request=RequestFactory().post("/api/v1/auth/token/")) is False
    assert verify_otp(staff, "", request=RequestFactory().post("/api/v1/auth/token/")) is False
    assert AccessAttempt.objects.get(username=staff.username).failures_since_start == 2
    assert actions(staff).count("two_factor.failed") == 2


def test_verify_otp_for_someone_without_an_app_is_false(staff):
    assert verify_otp(staff, "123456") is False


def test_a_person_with_an_oidc_strong_sign_in_is_not_asked_again(client, staff):
    # The OIDC sign-in sets this after an acr the provider vouched for (its contract with us).
    client.force_login(staff)
    session = client.session
    session[STRONG_AUTH_SESSION_KEY] = True
    session.save()
    assert client.get("/admin/").status_code == 200


def test_next_never_leaves_the_site(client, staff):
    device, _codes = set_up_app(client, staff)
    client.post("/accounts/logout/")
    password_login(client, staff)
    with later():
        response = client.post(VERIFY, {"otp": totp_code(device), "next": "https://evil.test/"})
    assert response.url == "/"


@pytest.mark.parametrize("otp", ["", "x" * 21, "12345", "ÆØÅ", " "])
def test_bad_input_is_a_form_error_never_a_500(client, staff, otp):
    TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    password_login(client, staff)
    assert client.post(VERIFY, {"otp": otp}).status_code == 400
    assert client.post(RESET, {"otp": otp}).status_code in (302, 400)


# --- recovery codes ---------------------------------------------------------------------------


def test_a_recovery_code_lets_in_once(client, staff):
    # Given admin with his recovery codes, on a new day without his phone
    _device, codes = set_up_app(client, staff)
    client.post("/accounts/logout/")
    password_login(client, staff)
    # When he types one (as printed, in capitals)
    response = client.post(VERIFY, {"otp": codes[0].upper(), "next": "/admin/"}, follow=True)
    # Then he is in, told how many are left, and the use is audited
    assert response.redirect_chain[-1][0] == "/admin/"
    assert str(RECOVERY_CODE_COUNT - 1) in response.content.decode()
    assert "two_factor.recovery_code_used" in actions(staff)
    # and the same code never works again
    client.post("/accounts/logout/")
    password_login(client, staff)
    with later():
        assert client.post(VERIFY, {"otp": codes[0]}).status_code == 400
    assert StaticToken.objects.filter(token=codes[0]).count() == 0


# --- resets -----------------------------------------------------------------------------------


def test_a_person_resets_their_own_with_a_fresh_code(client, staff):
    device, _codes = set_up_app(client, staff)
    with later():
        # A wrong code resets nothing
        wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
        assert client.post(RESET, {"otp": wrong}).status_code == 400
        assert TOTPDevice.objects.filter(user=staff).exists()
    with later(120):
        response = client.post(RESET, {"otp": totp_code(device)})
    # Then the app and the codes are gone, he sets it up again, and it is audited
    assert response.url == SETUP
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    assert not StaticDevice.objects.filter(user=staff).exists()
    assert client.get("/admin/").status_code == 302
    event = AuditEvent.objects.filter(action="two_factor.reset").get()
    assert event.actor == staff and event.data == {"by_self": True}


def test_staff_reset_someone_in_the_admin_and_it_is_audited(client, staff):
    # Given an editor who lost his phone, verified in some session
    editor = member_of(CATALOGUE_EDITORS, is_staff=True)
    editor_client = Client()
    login_with_second_factor(editor_client, editor)
    assert editor_client.get("/admin/").status_code == 200
    # When admin resets his two-factor from the user list
    login_with_second_factor(client, staff)
    response = client.post(
        "/admin/coordination/user/",
        {"action": "second_factor_reset", "_selected_action": [editor.pk]},
    )
    assert response.status_code == 302
    # Then his app is gone, his session must set it up again, and the reset is audited
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert editor_client.get("/admin/").status_code == 302
    event = AuditEvent.objects.get(action="two_factor.reset")
    assert event.actor == staff and event.object_id == str(editor.pk)
    assert event.data == {"by_self": False}


def test_someone_who_may_not_change_users_cannot_reset_anyone(client):
    # A catalogue editor is staff in the admin but has no right to change people.
    editor = member_of(CATALOGUE_EDITORS, is_staff=True)
    victim = UserFactory()
    TOTPDevice.objects.create(user=victim, name="app", confirmed=True)
    login_with_second_factor(client, editor)
    response = client.post(
        "/admin/coordination/user/",
        {"action": "second_factor_reset", "_selected_action": [victim.pk]},
    )
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=victim).exists()


# --- the pages for those who do not need it, or have it already ------------------------------


def test_a_person_who_does_not_need_it_is_not_offered_a_set_up(client):
    youth = UserFactory()
    client.force_login(youth)
    assert client.get(SETUP).url == OVERVIEW
    assert "bare med passord" in client.get(OVERVIEW).content.decode()
    assert not TOTPDevice.objects.filter(user=youth).exists()


def test_set_up_does_not_replace_an_app_that_is_on(client, staff):
    device = login_with_second_factor(client, staff)
    assert client.get(SETUP).url == OVERVIEW
    assert list(TOTPDevice.objects.filter(user=staff)) == [device]


def test_the_overview_tells_how_many_recovery_codes_are_left(client, staff):
    set_up_app(client, staff)
    html = client.get(OVERVIEW).content.decode()
    assert f"{RECOVERY_CODE_COUNT} reservekoder igjen" in html


def test_pages_are_in_english_too(client, staff):
    password_login(client, staff)
    client.post("/language/", {"language": "en", "next": "/"})
    assert "Set up two-factor sign-in" in client.get(SETUP).content.decode()
