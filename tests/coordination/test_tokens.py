"""API tokens that end (#14 item 4): knox stores a digest only; a token ends at its expiry, on
logout, and when its owner's password changes or the account is deactivated, whichever way that
happens; creation and revocation are in the audit chain, without the token."""

import datetime
import hashlib

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework.test import APIClient

from coordination.models import AuditEvent, User
from coordination.services import api_token_for
from coordination.statements import Prepared
from coordination.tasks import delete_expired_api_tokens
from tests.coordination.test_staff_powers import admin_form_data
from tests.factories import PASSWORD, UserFactory, login_with_second_factor, totp_code
from tests.prepared import statement_text

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Et-helt-nytt-passord-77"


def token_login(username: str, password: str = PASSWORD) -> dict:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def me_status(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/me/").status_code


def page_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_token_ends_after_its_lifetime_and_not_before(settings):
    # Given a lifetime of two hours (SAMMEN_TOKEN_TTL)
    settings.SAMMEN_TOKEN_TTL = datetime.timedelta(hours=2)
    UserFactory(username="sara")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        answer = token_login("sara")
    # Then the answer says when it ends
    assert parse_datetime(answer["expires"]) == start + datetime.timedelta(hours=2)
    # and it works until then
    with time_machine.travel(start + datetime.timedelta(hours=2, seconds=-1), tick=False):
        assert me_status(answer["token"]) == 200
    # When the lifetime has passed, it is refused and gone
    with time_machine.travel(start + datetime.timedelta(hours=2, seconds=1), tick=False):
        assert me_status(answer["token"]) == 401
    assert not AuthToken.objects.exists()


def test_the_default_lifetime_is_ten_hours():
    from django.conf import settings

    assert datetime.timedelta(hours=10) == settings.SAMMEN_TOKEN_TTL


def test_only_a_digest_of_the_token_is_stored():
    user = UserFactory(username="sara")
    token = token_login("sara")["token"]
    stored = AuthToken.objects.get(user=user)
    assert stored.digest == hashlib.sha512(token.encode()).hexdigest()
    assert stored.digest != token and token not in stored.digest


def test_logout_ends_the_token_used_and_no_other():
    # Given two clients of one person, each with its own token
    UserFactory(username="mor")
    first, second = token_login("mor")["token"], token_login("mor")["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    # When the first logs out
    response = client.post("/api/v1/auth/logout/")
    # Then it gets 204 and its token is refused from then on; the other still works
    assert response.status_code == 204
    assert me_status(first) == 401
    assert client.post("/api/v1/auth/logout/").status_code == 401
    assert me_status(second) == 200


def test_logout_without_credentials_is_401():
    assert APIClient().post("/api/v1/auth/logout/").status_code == 401


def test_logout_in_a_browser_session_ends_the_session(user):
    client = APIClient(enforce_csrf_checks=False)
    client.force_login(user)
    assert client.get("/api/v1/me/").status_code == 200
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert client.get("/api/v1/me/").status_code == 401


def tokens_of(user: User) -> list[str]:
    return [token_login(user.username)["token"] for _ in range(2)]


def assert_all_refused(tokens: list[str]) -> None:
    assert [me_status(token) for token in tokens] == [401] * len(tokens)


def revoked_all_event(user: User, reason: str) -> AuditEvent:
    event = AuditEvent.objects.get(action="token.revoked_all", object_id=str(user.pk))
    assert event.data == {"reason": reason, "count": 2}
    return event


def test_changing_the_password_on_the_password_page_ends_every_token(user):
    tokens = tokens_of(user)
    response = page_client(user).post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert_all_refused(tokens)
    revoked_all_event(user, "password_changed")


def test_a_refused_password_change_keeps_the_tokens(user):
    tokens = tokens_of(user)
    response = page_client(user).post(
        "/accounts/password/",
        {"old_password": "feil", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert [me_status(token) for token in tokens] == [200, 200]
    assert not AuditEvent.objects.filter(action="token.revoked_all").exists()


@pytest.mark.parametrize("usable", ["true", "false"])
def test_a_password_set_or_removed_in_the_admin_ends_every_token(user, usable):
    tokens = tokens_of(user)
    admin = Client()
    login_with_second_factor(admin, UserFactory(is_staff=True, is_superuser=True))
    response = admin.post(
        f"/admin/coordination/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": usable}
        | ({} if usable == "true" else {"unset-password": "1"}),
    )
    assert response.status_code == 302
    assert_all_refused(tokens)
    revoked_all_event(user, "password_changed")


def test_a_password_set_in_code_ends_every_token(user):
    # What a service, `manage.py changepassword` or a password reset does
    tokens = tokens_of(user)
    user.set_password(NEW_PASSWORD)
    user.save()
    assert_all_refused(tokens)
    event = revoked_all_event(user, "password_changed")
    assert event.actor is None


def test_an_unusable_password_ends_every_token(user):
    tokens = tokens_of(user)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    assert_all_refused(tokens)
    revoked_all_event(user, "password_changed")


def test_deactivating_in_the_admin_ends_every_token_for_good(user):
    tokens = tokens_of(user)
    admin = Client()
    login_with_second_factor(admin, UserFactory(is_staff=True, is_superuser=True))
    url = f"/admin/coordination/user/{user.pk}/change/"
    data = admin_form_data(admin, url)
    data.pop("is_active")
    assert admin.post(url, data).status_code == 302
    assert_all_refused(tokens)
    revoked_all_event(user, "deactivated")
    # Active again, the old tokens stay dead
    user.refresh_from_db()
    user.is_active = True
    user.save()
    assert_all_refused(tokens)


def test_deactivating_in_code_ends_every_token(user):
    tokens = tokens_of(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert_all_refused(tokens)
    revoked_all_event(user, "deactivated")


def test_a_token_of_an_account_deactivated_behind_the_model_is_refused(user):
    # A bulk update skips User.save; knox refuses an inactive owner all the same.
    tokens = tokens_of(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert_all_refused(tokens)


def test_other_saves_and_a_hash_upgrade_at_login_keep_the_tokens(user, settings):
    # Given a password stored with an older hasher than the preferred one
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    tokens = tokens_of(user)
    old = PBKDF2PasswordHasher().encode(PASSWORD, "saltsaltsalt", iterations=1_000)
    User.objects.filter(pk=user.pk).update(password=old)
    # When the person logs in (Django stores the password again with the preferred hasher) and
    # their profile is saved
    client = Client()
    assert (
        client.post(
            "/accounts/login/", {"username": user.username, "password": PASSWORD}
        ).status_code
        == 302
    )
    user.refresh_from_db()
    assert user.password.startswith("md5$")
    user.display_name = "Nytt navn"
    user.save()
    # Then their tokens still work
    assert [me_status(token) for token in tokens] == [200, 200]
    assert not AuditEvent.objects.filter(action="token.revoked_all").exists()


def test_creation_and_revocation_are_audited_without_the_token(user):
    answer = token_login(user.username)
    stored = AuthToken.objects.get(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {answer['token']}")
    assert client.post("/api/v1/auth/logout/").status_code == 204
    token_login(user.username)
    user.set_password(NEW_PASSWORD)
    user.save()
    events = list(AuditEvent.objects.filter(object_id=str(user.pk)).order_by("id"))
    assert [(e.action, e.actor_id) for e in events] == [
        ("token.created", user.pk),
        ("token.revoked", user.pk),
        ("token.created", user.pk),
        ("token.revoked_all", None),
    ]
    assert set(events[0].data) == {"expires"}
    assert parse_datetime(events[0].data["expires"]) == parse_datetime(answer["expires"])
    assert events[1].data == {"reason": "logout"}
    assert events[3].data == {"reason": "password_changed", "count": 1}
    for event in events:
        text = f"{event.object_id} {event.data}"
        assert answer["token"] not in text
        assert stored.digest not in text
        assert stored.token_key not in text


def test_the_hourly_task_deletes_expired_tokens_only(settings):
    # Given a token that has expired (never used again) and one that has not
    settings.SAMMEN_TOKEN_TTL = datetime.timedelta(hours=1)
    old, fresh = UserFactory(), UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        api_token_for(user=old)
    with time_machine.travel(start + datetime.timedelta(minutes=30), tick=False):
        kept = api_token_for(user=fresh)
    # When beat runs the task after the first one's expiry
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        delete_expired_api_tokens()
        # Then only the live token is left, and still works
        assert list(AuthToken.objects.values_list("user", flat=True)) == [fresh.pk]
        assert me_status(kept) == 200
    assert "coordination.tasks.delete_expired_api_tokens" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }


def test_api_token_for_gives_a_working_token(user):
    assert me_status(api_token_for(user=user)) == 200


@pytest.mark.parametrize(
    "header",
    [
        "Token",
        "Token a b",
        "Token " + "0" * 64,
        "Token " + "é" * 10,  # Latin-1 in the header: not UTF-8 to knox
        "Token ÿÿÿ",
        "Token " + "a" * 5000,
    ],
)
def test_malformed_or_unknown_tokens_are_401_never_500(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert set(response.json()) == {"detail"}


def test_the_schema_documents_the_exchange_and_logout(client):
    schema = client.get("/api/schema/?format=json").json()
    token = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]["200"]
    ref = token["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][ref]["properties"]) == {"token", "expires"}
    assert "204" in schema["paths"]["/api/v1/auth/logout/"]["post"]["responses"]
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"


def token_call(**data) -> "tuple[int, dict]":
    response = APIClient().post("/api/v1/auth/token/", data, format="json")
    return response.status_code, response.json()


def test_someone_who_needs_two_factor_gets_a_token_only_with_a_good_code():
    # Given staff with an authenticator app (two-factor is always required for staff)
    staff = UserFactory(is_staff=True)
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    # Without a code, or with a wrong one: 400 on `otp`, no token, the failure counted
    status, body = token_call(username=staff.username, password=PASSWORD)
    assert status == 400 and "otp" in body
    status, body = token_call(username=staff.username, password=PASSWORD, otp="000000")
    assert status == 400 and "otp" in body
    assert AccessAttempt.objects.get(username=staff.username).failures_since_start == 1
    assert not AuthToken.objects.filter(user=staff).exists()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp pauses the device after a wrong code
    # With the app's current code: a token; the same code again is refused (used once)
    code = totp_code(device)
    status, body = token_call(username=staff.username, password=PASSWORD, otp=code)
    assert status == 200 and body["token"]
    status, body = token_call(username=staff.username, password=PASSWORD, otp=code)
    assert status == 400 and "otp" in body
    assert AuthToken.objects.filter(user=staff).count() == 1


def test_a_wrong_password_is_refused_before_any_code_is_asked_for():
    staff = UserFactory(is_staff=True)
    TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    status, body = token_call(username=staff.username, password="feil", otp="123456")
    assert status == 400 and "otp" not in body


def test_people_who_need_no_second_factor_ignore_the_code_field():
    youth = UserFactory()
    status, body = token_call(username=youth.username, password=PASSWORD, otp="")
    assert status == 200 and body["token"]


def test_a_call_reads_only_the_token_presented_not_its_owners_other_tokens(user):
    # Given a person with two tokens (two devices)
    api_token_for(user=user)
    live = api_token_for(user=user)
    # When one is used
    with CaptureQueriesContext(connection) as queries:
        assert me_status(live) == 200
    # Then the call looked that token up alone (knox itself reads all the owner's tokens on
    # every call, to delete expired ones: api_token_create and the hourly task do that), with
    # knox's own statement (the token by its first characters, with its owner), prepared once
    token_reads = [q["sql"] for q in queries if '"knox_authtoken"' in statement_text(q["sql"])]
    assert len(token_reads) == 1
    key = live[: CONSTANTS.TOKEN_KEY_LENGTH]
    knox_sql, knox_params = (
        AuthToken.objects.filter(token_key=key)
        .select_related("user")
        .query.get_compiler(connection=connection)
        .as_sql()
    )
    knox = Prepared(knox_sql)
    assert statement_text(token_reads[0]) == knox.prepare
    with connection.cursor() as cursor:
        assert token_reads[0] == cursor.mogrify(knox.execute, knox_params).decode()
