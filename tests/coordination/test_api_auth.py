"""API base: token exchange, /me/, authentication errors, the schema."""

import pytest
import yaml
from django.urls import reverse
from drf_spectacular.validation import validate_schema

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_token_for_valid_credentials_then_me_with_it(api_client):
    # Given a user with a preferred language
    user = UserFactory(username="sara", display_name="Sara Nilsen", preferred_language="en")
    # When they exchange username and password for a token
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "sara", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    # Then the token authenticates /me/, which has exactly the contract's fields
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json() == {
        "id": user.id,
        "username": "sara",
        "display_name": "Sara Nilsen",
        "email": "sara@example.test",
        "phone": "",
        "channels": ["in_app", "email"],
        "language": "en",
        "presentation": "",
        "birth_date": None,
    }


def test_token_accepts_form_encoded_body(client):
    UserFactory(username="jonas")
    response = client.post("/api/v1/auth/token/", {"username": "jonas", "password": PASSWORD})
    assert response.status_code == 200
    assert set(response.json()) == {"token", "expires"}
    assert len(response.json()["token"]) == 64


def test_each_exchange_gives_a_new_token_and_both_work(api_client):
    # Several clients of one person each hold their own token (knox: one row each).
    UserFactory(username="mor")
    body = {"username": "mor", "password": PASSWORD}
    first = api_client.post("/api/v1/auth/token/", body, format="json").json()["token"]
    second = api_client.post("/api/v1/auth/token/", body, format="json").json()["token"]
    assert first != second
    for token in (first, second):
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert api_client.get("/api/v1/me/").status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"username": "sara", "password": "wrong"},
        {"username": "nobody", "password": PASSWORD},
    ],
)
def test_wrong_credentials_give_400_with_one_message(api_client, body):
    UserFactory(username="sara")
    response = api_client.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    # The same answer for a wrong password and an unknown user: no account enumeration.
    assert list(response.json()) == ["non_field_errors"]


def test_missing_fields_give_field_errors(api_client):
    response = api_client.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_an_overlong_username_is_a_field_error_not_a_server_error(api_client):
    # A failed login is recorded by django-axes in a 255-character column: the username must be
    # refused before authentication, not crash it.
    body = {"username": "x" * 256, "password": "guess"}
    response = api_client.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username"}


def test_inactive_user_gets_no_token(api_client):
    UserFactory(username="gone", is_active=False)
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "gone", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400


def test_me_without_credentials_is_401_with_challenge(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"


def test_me_with_a_bad_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 64)
    assert api_client.get("/api/v1/me/").status_code == 401


def test_me_with_session_auth(client, user):
    client.force_login(user)
    assert client.get("/api/v1/me/").json()["username"] == user.username


def test_token_endpoint_locks_out_after_repeated_failures(api_client, settings):
    # Given the lockout threshold
    UserFactory(username="sara")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api_client.post(
            "/api/v1/auth/token/", {"username": "sara", "password": "guess"}, format="json"
        )
    # When the right password comes after too many wrong ones
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "sara", "password": PASSWORD}, format="json"
    )
    # Then no token is given
    assert response.status_code == 429
    assert set(response.json()) == {"detail"}


def test_schema_is_valid_openapi_and_names_the_contract(client):
    response = client.get(reverse("api-schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # raises on anything that is not OpenAPI 3
    assert "/api/v1/auth/token/" in schema["paths"]
    assert "/api/v1/me/" in schema["paths"]


def test_swagger_ui_is_served_without_a_cdn(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    assert "unpkg" not in html.lower()
