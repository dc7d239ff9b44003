"""Web-app login: scrypt passwords, bearer sessions, logout, currentUser, `user create`.

Failed logins slowing further attempts down: test_login_throttle.py.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import os
import re
import uuid
from typing import Any

import pytest

from domain.errors import DomainError, ErrorCode
from domain.login_throttle import account_key
from domain.users import create_user
from models import Customer, LoginFailure, User, UserSession
from models.enums import UserRole
from schema.node import encode_id
from tests.client import Api, Tenant
from tests.live_server import ROOT, kundenstamm_command

PASSWORD = "korrekt-pferd-batterie"
EMAIL = "erika@example.com"

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) {
    token expiresAt
    user { id email role }
    userErrors { field code message }
  }
}
"""

LOGIN_AND_CREATE = """
mutation LoginAndCreate($login: LoginInput!, $input: CustomerCreateInput!) {
  login(input: $login) { token userErrors { field code message } }
  customerCreate(input: $input) { customer { id } userErrors { field code message } }
}
"""

LOGOUT = """
mutation Logout {
  logout { loggedOut userErrors { field code message } }
}
"""

CURRENT_USER = """
query CurrentUser {
  currentUser { id email role }
}
"""

ORGANIZATION = """
query Organization {
  organization { name }
}
"""

CREATE = """
mutation Create($input: CustomerCreateInput!) {
  customerCreate(input: $input) { customer { id } userErrors { field code message } }
}
"""

PERSON: dict[str, Any] = {"type": "PERSON", "firstName": "Max", "lastName": "Mustermann"}


# --- helpers -------------------------------------------------------------------------------


async def make_user(
    tenant: Tenant,
    email: str = EMAIL,
    role: UserRole = UserRole.EMPLOYEE,
    password: str = PASSWORD,
) -> User:
    return await create_user(
        organization_id=tenant.organization_id, email_address=email, role=role, password=password
    )


async def login(api: Api, email: str, password: str) -> dict[str, Any]:
    """The login mutation without an Authorization header."""
    response = await api.post(LOGIN, {"input": {"email": email, "password": password}}, key=None)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body["errors"]
    payload: dict[str, Any] = body["data"]["login"]
    return payload


async def token_of(api: Api, email: str = EMAIL, password: str = PASSWORD) -> str:
    payload = await login(api, email, password)
    assert payload["userErrors"] == []
    token: str = payload["token"]
    return token


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def session_of(token: str) -> UserSession:
    return await UserSession.get(token_hash=digest(token))


def codes(payload: dict[str, Any]) -> list[str]:
    return [error["code"] for error in payload["userErrors"]]


# --- passwords and login -------------------------------------------------------------------


async def test_password_is_stored_as_scrypt_hash(tenant: Tenant) -> None:
    # when
    user = await make_user(tenant)
    # then
    stored = await User.get(id=user.id)
    assert stored.password_hash != PASSWORD
    assert stored.password_hash.startswith("scrypt$")
    assert PASSWORD not in stored.password_hash
    assert stored.email == EMAIL
    assert stored.organization_id == tenant.organization_id


async def test_login_returns_a_session_token_stored_hashed(api: Api, tenant: Tenant) -> None:
    # given
    user = await make_user(tenant, role=UserRole.ADMIN)
    # when
    payload = await login(api, EMAIL, PASSWORD)
    # then
    assert payload["userErrors"] == []
    assert payload["user"] == {"id": encode_id("User", user.id), "email": EMAIL, "role": "ADMIN"}
    token = payload["token"]
    assert token
    expires_at = dt.datetime.fromisoformat(payload["expiresAt"])
    assert expires_at > dt.datetime.now(dt.UTC)
    sessions = await UserSession.filter(user_id=user.id)
    assert len(sessions) == 1
    assert sessions[0].token_hash == digest(token)
    assert sessions[0].token_hash != token
    assert token not in sessions[0].token_hash
    assert sessions[0].revoked_at is None
    assert sessions[0].expires_at == expires_at


async def test_the_token_authorizes_queries_of_the_users_organization(
    api: Api, tenant: Tenant
) -> None:
    # given
    await make_user(tenant)
    token = await token_of(api)
    # when
    data = await api.execute(ORGANIZATION, key=token)
    # then
    assert data["organization"]["name"] == "Muster GmbH"
    assert await UserSession.filter(token_hash=digest(token), revoked_at__isnull=True).exists()


async def test_email_is_case_insensitive(api: Api, tenant: Tenant) -> None:
    # given
    user = await make_user(tenant, email="Erika.Muster@Example.COM")
    # when
    payload = await login(api, " ERIKA.muster@example.com ", PASSWORD)
    # then
    assert payload["userErrors"] == []
    assert payload["user"]["email"] == "erika.muster@example.com"
    assert await UserSession.filter(user_id=user.id).count() == 1


async def test_the_same_email_in_another_case_is_taken(tenant: Tenant) -> None:
    # given
    await make_user(tenant, email="erika@example.com")
    # when
    with pytest.raises(DomainError) as refused:
        await make_user(tenant, email="ERIKA@example.com")
    # then
    assert [(e.code, e.field) for e in refused.value.errors] == [(ErrorCode.TAKEN, ("email",))]
    assert await User.all().count() == 1


async def test_wrong_password_and_unknown_email_give_the_same_invalid_error(
    api: Api, tenant: Tenant
) -> None:
    # given
    user = await make_user(tenant)
    # when
    wrong_password = await login(api, EMAIL, "falsches-passwort-123")
    unknown_email = await login(api, "niemand@example.com", PASSWORD)
    # then
    assert codes(wrong_password) == ["INVALID"]
    assert wrong_password["userErrors"] == unknown_email["userErrors"]
    for payload in (wrong_password, unknown_email):
        assert (payload["token"], payload["expiresAt"], payload["user"]) == (None, None, None)
    assert await UserSession.all().count() == 0
    # each counted under its own e-mail address: throttling tells them apart no more
    counted = await LoginFailure.filter(
        key__in=[account_key(EMAIL), account_key("niemand@example.com")]
    )
    assert [row.failures for row in counted] == [1, 1]
    assert (await User.get(id=user.id)).password_hash == user.password_hash


# --- what runs without a key ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        pytest.param(ORGANIZATION, {}, id="query"),
        pytest.param(CURRENT_USER, {}, id="current-user"),
        pytest.param(CREATE, {"input": PERSON}, id="mutation"),
        pytest.param(LOGOUT, {}, id="logout"),
        pytest.param(
            LOGIN_AND_CREATE,
            {"login": {"email": EMAIL, "password": PASSWORD}, "input": PERSON},
            id="login-mixed-with-another-field",
        ),
    ],
)
async def test_anything_but_login_without_a_key_is_401(
    api: Api, tenant: Tenant, document: str, variables: dict[str, Any]
) -> None:
    # given
    await make_user(tenant)
    # when
    response = await api.post(document, variables, key=None)
    # then
    assert response.status_code == 401
    assert await Customer.all().count() == 0
    assert await UserSession.all().count() == 0


# --- expiry and logout ---------------------------------------------------------------------


async def test_an_expired_session_is_401(api: Api, tenant: Tenant) -> None:
    # given
    await make_user(tenant)
    token = await token_of(api)
    session = await session_of(token)
    session.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    await session.save()
    # when
    response = await api.post(ORGANIZATION, key=token)
    # then
    assert response.status_code == 401
    stored = await session_of(token)
    assert stored.expires_at < dt.datetime.now(dt.UTC)


async def test_after_logout_the_token_is_401_and_other_sessions_keep_working(
    api: Api, tenant: Tenant
) -> None:
    # given
    user = await make_user(tenant)
    first = await token_of(api)
    second = await token_of(api)
    # when
    data = await api.execute(LOGOUT, key=first)
    # then
    assert data["logout"] == {"loggedOut": True, "userErrors": []}
    assert (await api.post(ORGANIZATION, key=first)).status_code == 401
    assert (await api.execute(CURRENT_USER, key=second))["currentUser"]["email"] == EMAIL
    assert (await session_of(first)).revoked_at is not None
    assert (await session_of(second)).revoked_at is None
    assert await UserSession.filter(user_id=user.id).count() == 2


async def test_logout_with_an_api_key_is_invalid(api: Api, tenant: Tenant) -> None:
    # given
    await make_user(tenant)
    token = await token_of(api)
    # when
    data = await tenant.execute(LOGOUT)
    # then
    assert data["logout"]["loggedOut"] is False
    assert codes(data["logout"]) == ["INVALID"]
    assert (await tenant.execute(ORGANIZATION))["organization"]["name"] == "Muster GmbH"
    assert (await session_of(token)).revoked_at is None


# --- currentUser ---------------------------------------------------------------------------


async def test_current_user_is_the_logged_in_user(api: Api, tenant: Tenant) -> None:
    # given
    user = await make_user(tenant, role=UserRole.READ_ONLY)
    token = await token_of(api)
    # when
    data = await api.execute(CURRENT_USER, key=token)
    # then
    assert data["currentUser"] == {
        "id": encode_id("User", user.id),
        "email": EMAIL,
        "role": "READ_ONLY",
    }
    assert (await User.get(id=user.id)).role is UserRole.READ_ONLY


async def test_current_user_is_null_for_an_api_key(tenant: Tenant) -> None:
    # given
    await make_user(tenant)
    # when
    data = await tenant.execute(CURRENT_USER)
    # then
    assert data["currentUser"] is None
    assert await UserSession.all().count() == 0


# --- `kundenstamm user create` ------------------------------------------------------------


async def run_user_create(
    database_url: str, *args: str, stdin: bytes | None = None
) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *kundenstamm_command(),
        "user",
        "create",
        *args,
        cwd=ROOT,
        env={**os.environ, "KUNDENSTAMM_DATABASE_URL": database_url},
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(stdin or b""), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_cli_user_create_prints_a_one_time_password_that_logs_in(
    api: Api, tenant: Tenant, database_url: str
) -> None:
    # when
    code, out, err = await run_user_create(
        database_url,
        "--org",
        str(tenant.organization_id),
        "--email",
        "Chefin@Example.com",
        "--role",
        "ADMIN",
    )
    # then
    assert code == 0, err
    match = re.search(r"One-time password \(shown once\): (\S+)", out)
    assert match is not None, out
    password = match.group(1)
    stored = await User.get(email="chefin@example.com")
    assert stored.role is UserRole.ADMIN
    assert stored.organization_id == tenant.organization_id
    assert stored.password_hash.startswith("scrypt$")
    assert password not in stored.password_hash
    payload = await login(api, "chefin@example.com", password)
    assert payload["userErrors"] == []
    assert payload["user"]["role"] == "ADMIN"


async def test_cli_user_create_takes_the_password_from_stdin(
    api: Api, tenant: Tenant, database_url: str
) -> None:
    # when
    code, out, err = await run_user_create(
        database_url,
        "--org",
        str(tenant.organization_id),
        "--email",
        "leser@example.com",
        "--role",
        "READ_ONLY",
        "--password-stdin",
        stdin=f"{PASSWORD}\n".encode(),
    )
    # then
    assert code == 0, err
    assert "One-time password" not in out
    assert PASSWORD not in out
    stored = await User.get(email="leser@example.com")
    assert stored.role is UserRole.READ_ONLY
    payload = await login(api, "leser@example.com", PASSWORD)
    assert payload["userErrors"] == []
    assert payload["user"]["role"] == "READ_ONLY"


async def test_cli_user_create_refuses_a_short_password(
    api: Api, tenant: Tenant, database_url: str
) -> None:
    # when
    code, _, err = await run_user_create(
        database_url,
        "--org",
        str(tenant.organization_id),
        "--email",
        "kurz@example.com",
        "--password-stdin",
        stdin=b"zu-kurz\n",
    )
    # then
    assert code == 1
    assert "INVALID" in err
    assert await User.all().count() == 0


async def test_cli_user_create_for_an_unknown_organization_fails(
    api: Api, database_url: str
) -> None:
    # when
    code, _, err = await run_user_create(
        database_url, "--org", str(uuid.uuid4()), "--email", "x@example.com"
    )
    # then
    assert code == 1
    assert "NOT_FOUND" in err
    assert await User.all().count() == 0


PASSWORD_CHANGE = """
mutation Change($input: PasswordChangeInput!) {
  passwordChange(input: $input) { user { email mustChangePassword } userErrors { field code } }
}
"""
CUSTOMERS = "query { customers { totalCount } }"


async def test_a_one_time_password_only_allows_replacing_it(api: Api, tenant: Tenant) -> None:
    # given: a user created with a one-time password, logged in twice
    user = await create_user(
        organization_id=tenant.organization_id,
        email_address=EMAIL,
        role=UserRole.EMPLOYEE,
        password=PASSWORD,
        one_time=True,
    )
    first = (await login(api, EMAIL, PASSWORD))["token"]
    second = (await login(api, EMAIL, PASSWORD))["token"]
    # when
    refused = await api.post(CUSTOMERS, key=first)
    wrong = await api.execute(
        PASSWORD_CHANGE,
        {"input": {"currentPassword": "falsch-falsch-123", "newPassword": "ganz-neues-passwort"}},
        key=first,
    )
    changed = await api.execute(
        PASSWORD_CHANGE,
        {"input": {"currentPassword": PASSWORD, "newPassword": "ganz-neues-passwort"}},
        key=first,
    )
    # then
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["code"] == "PASSWORD_CHANGE_REQUIRED"
    assert wrong["passwordChange"]["userErrors"] == [
        {"field": ["input", "currentPassword"], "code": "INVALID"}
    ]
    assert changed["passwordChange"] == {
        "user": {"email": EMAIL, "mustChangePassword": False},
        "userErrors": [],
    }
    allowed = await api.execute(CUSTOMERS, key=first)
    assert allowed["customers"]["totalCount"] == 0
    assert (await api.post(CUSTOMERS, key=second)).status_code == 401
    stored = await User.get(id=user.id)
    assert stored.must_change_password is False
    assert codes(await login(api, EMAIL, PASSWORD)) == ["INVALID"]
    assert (await login(api, EMAIL, "ganz-neues-passwort"))["userErrors"] == []


async def test_a_new_password_must_be_long_enough_and_new(api: Api, tenant: Tenant) -> None:
    # given
    user = await make_user(tenant)
    token = (await login(api, EMAIL, PASSWORD))["token"]
    before = (await User.get(id=user.id)).password_hash
    # when
    results = [
        await api.execute(
            PASSWORD_CHANGE,
            {"input": {"currentPassword": PASSWORD, "newPassword": new}},
            key=token,
        )
        for new in ("kurz", PASSWORD)
    ]
    # then
    assert [r["passwordChange"]["userErrors"] for r in results] == [
        [{"field": ["input", "newPassword"], "code": "INVALID"}]
    ] * 2
    assert (await User.get(id=user.id)).password_hash == before
