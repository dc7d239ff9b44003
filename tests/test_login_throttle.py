"""Failed logins slow further attempts down per account and per client address (growing
waits, refused unchecked with 429 THROTTLED and Retry-After) instead of a lock that a
stranger could trigger; anonymous requests are charged to their address's bucket."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from typing import Any

import httpx
from starlette.applications import Starlette

from app import create_app
from domain.login_throttle import ACCOUNT, ADDRESS, account_key, address_key, purge_forgotten
from domain.passwords import verify_password
from domain.users import create_user
from models import LoginFailure, User, UserSession
from models.enums import UserRole
from settings import Settings
from tests.client import Api, Tenant, api_from

PASSWORD = "korrekt-pferd-batterie"
EMAIL = "erika@example.com"
WRONG = "falsches-passwort-123"

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { token userErrors { field code message } }
}
"""

PASSWORD_CHANGE = """
mutation Change($input: PasswordChangeInput!) {
  passwordChange(input: $input) { user { id } userErrors { field code message } }
}
"""


async def make_user(tenant: Tenant, email: str = EMAIL) -> User:
    return await create_user(
        organization_id=tenant.organization_id,
        email_address=email,
        role=UserRole.EMPLOYEE,
        password=PASSWORD,
    )


async def attempt(api: Api, email: str, password: str) -> httpx.Response:
    return await api.post(LOGIN, {"input": {"email": email, "password": password}}, key=None)


def refused(response: httpx.Response) -> bool:
    """A checked attempt that failed: 200 with the INVALID user error."""
    body: dict[str, Any] = response.json()
    return response.status_code == 200 and [
        e["code"] for e in body["data"]["login"]["userErrors"]
    ] == ["INVALID"]


def throttled(response: httpx.Response) -> bool:
    """An attempt refused unchecked: 429, Retry-After, a top-level THROTTLED error."""
    body: dict[str, Any] = response.json()
    return (
        response.status_code == 429
        and int(response.headers["Retry-After"]) >= 1
        and [e["extensions"]["code"] for e in body["errors"]] == ["THROTTLED"]
    )


async def failures_of(key: str | None) -> int | None:
    row = await LoginFailure.get_or_none(key=key)
    return row.failures if row else None


async def test_the_free_failures_cost_no_wait(api: Api, tenant: Tenant) -> None:
    # given
    user = await make_user(tenant)
    answers = [await attempt(api, EMAIL, WRONG) for _ in range(ACCOUNT.free)]
    # when
    right = await attempt(api, EMAIL, PASSWORD)
    # then: the account starts over
    assert all(refused(answer) for answer in answers)
    assert right.json()["data"]["login"]["token"].startswith("kss_")
    assert await failures_of(account_key(EMAIL)) is None
    assert await UserSession.filter(user_id=user.id).count() == 1


async def test_past_the_free_failures_the_next_attempt_waits_even_with_the_right_password(
    api: Api, tenant: Tenant
) -> None:
    # given: one failure past the free ones (it was checked, and sets a wait)
    user = await make_user(tenant)
    for _ in range(ACCOUNT.free + 1):
        assert refused(await attempt(api, EMAIL, WRONG))
    # when
    right = await attempt(api, EMAIL, PASSWORD)
    # then: refused unchecked, not counted, no session
    assert throttled(right)
    assert await failures_of(account_key(EMAIL)) == ACCOUNT.free + 1
    assert await UserSession.filter(user_id=user.id).count() == 0


async def test_after_the_wait_the_right_password_works(api: Api, tenant: Tenant) -> None:
    # given
    user = await make_user(tenant)
    for _ in range(ACCOUNT.free + 1):
        await attempt(api, EMAIL, WRONG)
    await LoginFailure.filter(key=account_key(EMAIL)).update(blocked_until=time.time() - 1)
    # when
    right = await attempt(api, EMAIL, PASSWORD)
    # then
    assert right.json()["data"]["login"]["userErrors"] == []
    assert await failures_of(account_key(EMAIL)) is None
    assert await UserSession.filter(user_id=user.id).count() == 1


async def test_the_waits_grow_and_a_stranger_cannot_lock_the_owner_out(
    api: Api, tenant: Tenant
) -> None:
    # given: a stranger has failed on the account many times over
    await make_user(tenant)
    waits = []
    for _ in range(12):
        await LoginFailure.filter(key=account_key(EMAIL)).update(blocked_until=0)
        before = time.time()
        assert refused(await attempt(api, EMAIL, WRONG))
        row = await LoginFailure.get(key=account_key(EMAIL))
        waits.append(max(0, round(row.blocked_until - before)))
    # when: the owner tries right then
    owner = await attempt(api, EMAIL, PASSWORD)
    # then: the waits doubled up to the cap (seconds), never a lock of minutes
    assert waits == [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 30, 30]
    assert throttled(owner)
    assert int(owner.headers["Retry-After"]) <= ACCOUNT.cap_seconds


async def test_parallel_guesses_cannot_outrun_the_wait(api: Api, tenant: Tenant) -> None:
    # given
    await make_user(tenant)
    # when: 30 guesses at once
    answers = await asyncio.gather(*(attempt(api, EMAIL, f"{WRONG}-{n:02}") for n in range(30)))
    # then: each was counted before its password was checked; once the free failures
    # were used up, the rest were refused unchecked
    checked = [answer for answer in answers if refused(answer)]
    assert len(checked) == ACCOUNT.free + 1
    assert sum(throttled(answer) for answer in answers) == 30 - len(checked)
    assert await failures_of(account_key(EMAIL)) == ACCOUNT.free + 1


async def test_unknown_email_addresses_are_throttled_alike(api: Api, tenant: Tenant) -> None:
    # when
    answers = [await attempt(api, "niemand@example.com", WRONG) for _ in range(ACCOUNT.free + 2)]
    # then
    assert [refused(a) for a in answers] == [True] * (ACCOUNT.free + 1) + [False]
    assert throttled(answers[-1])


async def test_one_address_trying_many_accounts_is_slowed_down_others_are_not(
    served_app: Starlette, tenant: Tenant
) -> None:
    # given: a client that failed on many accounts, none of them often
    await make_user(tenant)
    async with api_from(served_app, "203.0.113.9") as guesser:
        for n in range(ADDRESS.free + 1):
            assert refused(await attempt(guesser, f"person{n}@example.com", WRONG))
        # when
        from_guesser = await attempt(guesser, EMAIL, PASSWORD)
    owner_account_then = await failures_of(account_key(EMAIL))
    async with api_from(served_app, "198.51.100.20") as owner:
        from_owner = await attempt(owner, EMAIL, PASSWORD)
    # then: the address waits; the owner elsewhere logs in
    assert throttled(from_guesser)
    assert await failures_of(address_key("203.0.113.9")) == ADDRESS.free + 1
    assert owner_account_then is None  # an attempt refused for its address counts nowhere
    assert from_owner.json()["data"]["login"]["token"].startswith("kss_")


async def test_a_success_does_not_wipe_the_address_count(
    served_app: Starlette, tenant: Tenant
) -> None:
    # given: a guesser with an account of their own
    await make_user(tenant)
    await make_user(tenant, "eigen@example.com")
    async with api_from(served_app, "203.0.113.10") as guesser:
        for n in range(3):
            await attempt(guesser, f"person{n}@example.com", WRONG)
        # when
        await attempt(guesser, "eigen@example.com", PASSWORD)
    # then: only the successful attempt itself was given back
    assert await failures_of(address_key("203.0.113.10")) == 3


async def test_ipv6_clients_count_by_their_64_prefix(served_app: Starlette, tenant: Tenant) -> None:
    # when
    for host in ("2001:db8:1:2::a", "2001:db8:1:2::b"):
        async with api_from(served_app, host) as client:
            await attempt(client, "niemand@example.com", WRONG)
    # then
    assert address_key("2001:db8:1:2::a") == address_key("2001:db8:1:2:ffff::1")
    assert await failures_of(address_key("2001:db8:1:2::1")) == 2


async def test_password_change_shares_the_account_wait(api: Api, tenant: Tenant) -> None:
    # given: a logged-in session, perhaps stolen, guessing the current password
    user = await make_user(tenant)
    token = (await attempt(api, EMAIL, PASSWORD)).json()["data"]["login"]["token"]
    new = "neu-und-lang-1"
    guesses = [
        await api.post(
            PASSWORD_CHANGE,
            {"input": {"currentPassword": f"geraten-{n:03}-xyz", "newPassword": new}},
            key=token,
        )
        for n in range(ACCOUNT.free + 1)
    ]
    # when
    right = await api.post(
        PASSWORD_CHANGE, {"input": {"currentPassword": PASSWORD, "newPassword": new}}, key=token
    )
    # then
    assert all(g.json()["data"]["passwordChange"]["userErrors"] for g in guesses)
    assert right.status_code == 429
    assert right.json()["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert verify_password(PASSWORD, (await User.get(id=user.id)).password_hash)


async def test_anonymous_requests_are_charged_to_their_address(
    settings: Settings, tenant: Tenant
) -> None:
    # given: a small bucket; a login costs points like any mutation
    app = create_app(
        replace(settings, rate_limit_bucket=30, rate_limit_restore_rate=1, max_query_cost=30)
    )
    async with app.router.lifespan_context(app):
        async with api_from(app, "203.0.113.11") as client:
            answers = [await attempt(client, "niemand@example.com", WRONG) for _ in range(4)]
        async with api_from(app, "203.0.113.12") as other:
            elsewhere = await attempt(other, "niemand@example.com", WRONG)
    # then: the address ran out of points; another address has its own bucket
    assert answers[-1].status_code == 429
    assert answers[-1].json()["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert elsewhere.status_code == 200


async def test_failures_an_hour_old_are_forgotten_and_swept_away(api: Api, tenant: Tenant) -> None:
    # given: failures on two accounts, one of them an hour ago
    for email in ("alt@example.com", "neu@example.com"):
        await attempt(api, email, WRONG)
    hour_ago = time.time() - ACCOUNT.forget_seconds - 1
    await LoginFailure.filter(key=account_key("alt@example.com")).update(last_attempt_at=hour_ago)
    # when: the server's periodic sweep
    await purge_forgotten()
    # then
    assert await failures_of(account_key("alt@example.com")) is None
    assert await failures_of(account_key("neu@example.com")) == 1
