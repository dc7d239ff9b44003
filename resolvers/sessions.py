"""Web-app login and logout, and who is calling."""

from __future__ import annotations

from domain import users
from domain.errors import DomainError, ErrorCode
from domain.login_throttle import LoginThrottled
from models import User as UserRow
from resolvers.payloads import refusals_as
from schema.context import Info
from schema.errors import ClientError
from schema.inputs import LoginInput, PasswordChangeInput
from schema.payloads import LoginPayload, LogoutPayload, PasswordChangePayload
from schema.types.user import User
from telemetry.metrics import LOGIN_ATTEMPTS


def _client_address(info: Info) -> str | None:
    # Behind a reverse proxy: uvicorn takes X-Forwarded-For from FORWARDED_ALLOW_IPS only.
    client = info.context.request.client
    return client.host if client else None


def _throttled(info: Info, error: LoginThrottled) -> ClientError:
    """A limit, like the rate limit: HTTP 429 with Retry-After and a top-level error."""
    info.context.response.status_code = 429
    info.context.response.headers["Retry-After"] = str(error.retry_after)
    return ClientError(
        "Too many failed attempts: the next one is checked in "
        f"{error.retry_after} s (Retry-After).",
        code="THROTTLED",
    )


@refusals_as(LoginPayload)
async def login(info: Info, input: LoginInput) -> LoginPayload:
    try:
        session = await users.login(
            email_address=input.email, password=input.password, address=_client_address(info)
        )
    except LoginThrottled as error:
        LOGIN_ATTEMPTS.labels("throttled").inc()
        raise _throttled(info, error) from None
    except DomainError:
        LOGIN_ATTEMPTS.labels("refused").inc()
        raise
    LOGIN_ATTEMPTS.labels("ok").inc()
    return LoginPayload(
        token=session.token, expires_at=session.expires_at, user=User.from_model(session.user)
    )


@refusals_as(LogoutPayload)
async def logout(info: Info) -> LogoutPayload:
    session_id = info.context.principal.session_id
    if session_id is None:
        raise DomainError.single(
            ErrorCode.INVALID, "Only a login session can log out; API keys are revoked instead."
        )
    await users.logout(session_id)
    return LogoutPayload(logged_out=True)


async def current_user(info: Info) -> User | None:
    principal = info.context.principal
    if not principal.is_user:
        return None
    row = await UserRow.get_or_none(id=principal.actor.id)
    return User.from_model(row) if row else None


@refusals_as(PasswordChangePayload)
async def password_change(info: Info, input: PasswordChangeInput) -> PasswordChangePayload:
    session_id = info.context.principal.session_id
    if session_id is None:
        raise DomainError.single(ErrorCode.INVALID, "API keys have no password.")
    try:
        user = await users.change_password(
            session_id=session_id,
            current_password=input.current_password,
            new_password=input.new_password,
            address=_client_address(info),
        )
    except LoginThrottled as error:
        raise _throttled(info, error) from None
    return PasswordChangePayload(user=User.from_model(user))
