"""The errors services raise; views, the API and consumers translate them in one place each."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the action; `message` is user-facing and translated."""

    status_code = 400
    code = "invalid"

    def __init__(
        self,
        message,
        *,
        field: str | None = None,
        code: str | None = None,
        errors: dict | None = None,
        action_url: str | None = None,
    ):
        super().__init__(str(message))
        self.message = message
        self.field = field
        # Where the user can fix what was refused (e.g. create the missing profile).
        self.action_url = action_url
        if code:
            self.code = code
        # Several field errors at once, e.g. {"budget_min": ["…"], "deadline": ["…"]}.
        self.errors = errors or ({field: [message]} if field else {})

    def as_dict(self) -> dict:
        """Field errors as `{field: [messages]}`, or `{"detail": message}` when none."""
        if self.errors:
            return {key: [str(m) for m in msgs] for key, msgs in self.errors.items()}
        if self.action_url:
            return {"detail": str(self.message), "action_url": self.action_url}
        return {"detail": str(self.message)}


class ValidationFailed(DomainError):
    status_code = 400
    code = "invalid"


class PermissionDenied(DomainError):
    status_code = 403
    code = "forbidden"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    """The object is not in a state that allows the action (e.g. already awarded)."""

    status_code = 409
    code = "conflict"


class Gone(DomainError):
    """The thing existed but is no longer available (an expired link): its page offers what to do instead."""

    status_code = 410
    code = "gone"

    def __init__(self, message, *, action_url: str | None = None, action_label: str | None = None):
        super().__init__(message, action_url=action_url)
        self.action_label = action_label


class RateLimited(DomainError):
    status_code = 429
    code = "slow_down"
