"""Domain errors: each carries a stable machine code; web/errors.py maps them to HTTP."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None, details: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = list(details)


class BadRequest(DomainError):
    """The request cannot be understood."""

    code = "bad_request"


class NotFound(DomainError):
    """The thing named does not exist."""

    code = "not_found"


class Conflict(DomainError):
    """The request clashes with what is stored (a duplicate, a frozen batch)."""

    code = "conflict"


class Invalid(DomainError):
    """The request is understood but its content is wrong; `details` lists every problem."""

    code = "invalid"


class Unauthorized(DomainError):
    """No valid credentials were given."""

    code = "unauthorized"


class Forbidden(DomainError):
    """The credentials are valid but the role is too low."""

    code = "forbidden"


class TooLarge(DomainError):
    """The body is larger than allowed."""

    code = "too_large"


class RateLimited(DomainError):
    """Too many requests from one client."""

    code = "rate_limited"
