"""Web-app users: creation, login with e-mail and password, sessions, logout."""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import uuid
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain import passwords
from domain.api_keys import digest
from domain.errors import DomainError, ErrorCode
from domain.login_throttle import (
    account_key,
    address_key,
    charge_attempt,
    forget_failures,
    hashing_slot,
)
from domain.validation import InvalidValue, email, has_control_characters
from models import Organization, User, UserSession
from models.enums import UserRole

SESSION_PREFIX = "kss_"
SESSION_LIFETIME = dt.timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class IssuedSession:
    token: str
    expires_at: dt.datetime
    user: User


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def _hash(password: str) -> str:
    # scrypt takes tens of milliseconds of CPU: keep it off the event loop, and only a
    # few at once, so a flood of logins cannot take every core.
    async with hashing_slot():
        return await asyncio.to_thread(passwords.hash_password, password)


async def _verify(password: str, stored: str) -> bool:
    async with hashing_slot():
        return await asyncio.to_thread(passwords.verify_password, password, stored)


def _login_refused() -> DomainError:
    # One message for unknown e-mail and wrong password: no enumeration.
    return DomainError.single(ErrorCode.INVALID, "E-mail or password is wrong.")


def _check_new_password(password: str, field: str) -> None:
    if not passwords.MIN_LENGTH <= len(password) <= passwords.MAX_LENGTH:
        raise DomainError.single(
            ErrorCode.INVALID,
            f"Passwords have {passwords.MIN_LENGTH} to {passwords.MAX_LENGTH} characters.",
            (field,),
        )


async def create_user(
    *,
    organization_id: uuid.UUID,
    email_address: str,
    role: UserRole,
    password: str,
    one_time: bool = False,
) -> User:
    """`one_time`: the password was handed out, its owner must replace it first."""
    try:
        normalized = email(email_address)
    except InvalidValue as exc:
        raise DomainError.single(exc.code, exc.message, ("email",)) from None
    if normalized is None:
        raise DomainError.single(ErrorCode.REQUIRED, "An e-mail address is required.", ("email",))
    _check_new_password(password, "password")
    if not await Organization.exists(id=organization_id):
        raise DomainError.single(ErrorCode.NOT_FOUND, "Organization not found.", ("organization",))
    password_hash = await _hash(password)  # slow on purpose: not inside the transaction
    try:
        async with in_transaction():  # see domain.billing: the refusal must not spoil callers
            return await User.create(
                organization_id=organization_id,
                email=normalized.lower(),
                role=role,
                password_hash=password_hash,
                must_change_password=one_time,
            )
    except IntegrityError:
        raise DomainError.single(
            ErrorCode.TAKEN, "A user with this e-mail address exists.", ("email",)
        ) from None


async def _password_matches(
    *, email_address: str, password_hash: str | None, password: str, address: str | None
) -> bool:
    """Check a password, counted against the account's and the address's failures.

    The attempt is counted before the check (raises LoginThrottled while either must
    wait) and given back on success. An unknown e-mail address (`password_hash` None)
    costs the same scrypt run and is counted under its own key, so neither timing nor
    throttling tells whether an account exists.
    """
    account, client = account_key(email_address), address_key(address)
    await charge_attempt(account=account, address=client)
    matches = await _verify(password, password_hash or passwords.DUMMY_HASH)
    if password_hash is not None and matches:
        await forget_failures(account=account, address=client)
        return True
    return False


async def login(*, email_address: str, password: str, address: str | None) -> IssuedSession:
    """`address`: the client's IP address, whose failures are counted too."""
    email_address = email_address.strip().lower()[:255]
    # No stored address has control characters; PostgreSQL would not even compare one.
    user = (
        None
        if has_control_characters(email_address)
        else await User.get_or_none(email=email_address)
    )
    password = password[: passwords.MAX_LENGTH + 1]
    # No stored password is longer: refused like an unknown e-mail, after the same work.
    known = user if user is not None and len(password) <= passwords.MAX_LENGTH else None
    matches = await _password_matches(
        email_address=email_address,
        password_hash=known.password_hash if known else None,
        password=password,
        address=address,
    )
    if known is None or not matches:
        raise _login_refused()
    token = SESSION_PREFIX + secrets.token_urlsafe(32)
    expires_at = _now() + SESSION_LIFETIME
    await UserSession.create(user_id=known.id, token_hash=digest(token), expires_at=expires_at)
    return IssuedSession(token=token, expires_at=expires_at, user=known)


async def find_active_session(token: str) -> UserSession | None:
    if not token.startswith(SESSION_PREFIX) or len(token) > 128:
        return None
    return (
        await UserSession.filter(
            token_hash=digest(token), revoked_at__isnull=True, expires_at__gt=_now()
        )
        .select_related("user__organization")
        .first()
    )


async def change_password(
    *, session_id: uuid.UUID, current_password: str, new_password: str, address: str | None
) -> User:
    """Replace the password; every other session of the user ends."""
    session = await UserSession.get(id=session_id).select_related("user")
    user = session.user
    # The same attempt limit as login: a stolen session must not become a password oracle.
    current = current_password[: passwords.MAX_LENGTH + 1]
    if not await _password_matches(
        email_address=user.email,
        password_hash=user.password_hash,
        password=current,
        address=address,
    ):
        raise DomainError.single(
            ErrorCode.INVALID, "The current password is wrong.", ("current_password",)
        )
    _check_new_password(new_password, "new_password")
    if new_password == current_password:
        raise DomainError.single(
            ErrorCode.INVALID, "Choose a password other than the current one.", ("new_password",)
        )
    await User.filter(id=user.id).update(
        password_hash=await _hash(new_password), must_change_password=False
    )
    await (
        UserSession.filter(user_id=user.id, revoked_at__isnull=True)
        .exclude(id=session_id)
        .update(revoked_at=_now())
    )
    return await User.get(id=user.id)


async def logout(session_id: uuid.UUID) -> None:
    await UserSession.filter(id=session_id, revoked_at__isnull=True).update(revoked_at=_now())
