"""Web-app login and logout, and who is calling."""

from __future__ import annotations

from domain import users
from domain.errors import DomainError, ErrorCode
from models import User as UserRow
from resolvers.payloads import refusals_as
from schema.context import Info
from schema.inputs import LoginInput, PasswordChangeInput
from schema.payloads import LoginPayload, LogoutPayload, PasswordChangePayload
from schema.types.user import User


@refusals_as(LoginPayload)
async def login(info: Info, input: LoginInput) -> LoginPayload:
    session = await users.login(email_address=input.email, password=input.password)
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
    user = await users.change_password(
        session_id=session_id,
        current_password=input.current_password,
        new_password=input.new_password,
    )
    return PasswordChangePayload(user=User.from_model(user))
