"""Web-app users: creation, login with e-mail and password, sessions, logout."""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import uuid
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from domain import passwords
from domain.api_keys import digest
from domain.errors import DomainError, ErrorCode
from domain.validation import InvalidValue, email, has_control_characters
from models import Organization, User, UserSession
from models.enums import UserRole

SESSION_PREFIX = "kss_"
SESSION_LIFETIME = dt.timedelta(hours=12)
MAX_FAILED_LOGINS = 5
LOCK_DURATION = dt.timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class IssuedSession:
    token: str
    expires_at: dt.datetime
    user: User


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def _hash(password: str) -> str:
    # scrypt takes tens of milliseconds of CPU: keep it off the event loop.
    return await asyncio.to_thread(passwords.hash_password, password)


async def _verify(password: str, stored: str) -> bool:
    return await asyncio.to_thread(passwords.verify_password, password, stored)


def _login_refused() -> DomainError:
    # One message for unknown e-mail, wrong password and locked account: no enumeration.
    return DomainError.single(
        ErrorCode.INVALID, "E-mail or password is wrong, or the login is locked for a while."
    )


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


async def _password_matches(user: User, password: str) -> bool:
    """Check a password of a known user against the attempt limit.

    Each attempt takes one of MAX_FAILED_LOGINS slots before the password is checked, so
    parallel guesses cannot outrun the lock, and every refusal costs a scrypt run.
    """
    now = _now()
    if user.locked_until is not None and user.locked_until <= now:
        await User.filter(id=user.id, locked_until=user.locked_until).update(
            locked_until=None, failed_logins=0
        )
    reserved = await User.filter(
        Q(locked_until__isnull=True) | Q(locked_until__lte=now),
        id=user.id,
        failed_logins__lt=MAX_FAILED_LOGINS,
    ).update(failed_logins=F("failed_logins") + 1)
    matches = await _verify(password, user.password_hash if reserved else passwords.DUMMY_HASH)
    if reserved and matches:
        await User.filter(id=user.id).update(failed_logins=0, locked_until=None)
        return True
    # Out of slots, or one more failure: lock for a while. Also when a slot was lost to
    # a request that died half-way, so the account is never stuck for good.
    await User.filter(
        id=user.id, failed_logins__gte=MAX_FAILED_LOGINS, locked_until__isnull=True
    ).update(locked_until=now + LOCK_DURATION)
    return False


async def login(*, email_address: str, password: str) -> IssuedSession:
    email_address = email_address.strip().lower()[:255]
    # No stored address has control characters; PostgreSQL would not even compare one.
    user = (
        None
        if has_control_characters(email_address)
        else await User.get_or_none(email=email_address)
    )
    password = password[: passwords.MAX_LENGTH + 1]
    if user is None or len(password) > passwords.MAX_LENGTH:
        await _verify(password, passwords.DUMMY_HASH)
        raise _login_refused()
    if not await _password_matches(user, password):
        raise _login_refused()
    token = SESSION_PREFIX + secrets.token_urlsafe(32)
    expires_at = _now() + SESSION_LIFETIME
    await UserSession.create(user_id=user.id, token_hash=digest(token), expires_at=expires_at)
    return IssuedSession(token=token, expires_at=expires_at, user=user)


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
    *, session_id: uuid.UUID, current_password: str, new_password: str
) -> User:
    """Replace the password; every other session of the user ends."""
    session = await UserSession.get(id=session_id).select_related("user")
    user = session.user
    # The same attempt limit as login: a stolen session must not become a password oracle.
    if not await _password_matches(user, current_password[: passwords.MAX_LENGTH + 1]):
        raise DomainError.single(
            ErrorCode.INVALID,
            "The current password is wrong, or attempts are locked for a while.",
            ("current_password",),
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
