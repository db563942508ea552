"""What the apps above projects tell it, registered in their AppConfig.ready(): projects can't import them.

- messaging says who may write to whom, for the "Écrire" buttons of the project pages and the
  dashboard, by its own rules (messaging.services.conversation_open): `writing_rules_set(...)`.
  Without it nobody is blocked and no conversation exists.
- search finds the freelancers a project fits, for the owner's "Pigistes près de votre projet":
  `nearby_freelancers_set(search.matching.nearby_freelancers)`. Without it the block is empty.
- invoicing gives a client's payment record (facts from confirmed invoices) for the client page and the
  project page freelancers read before quoting: `payment_record_set(...)`. Without it none shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Expression, Value


@dataclass(frozen=True)
class WritingRules:
    """Messaging's answers for this app's pages; each is one query, or a subquery of the page's own query."""

    # `(user=, among=)`: who among `among` (user ids) blocked `user` or was blocked by them.
    blocked_user_ids: Callable[..., set[int]]
    # `(user_id=, other_id=)`: a boolean subquery, a block stands between the two (ids or OuterRef()s).
    blocked_between: Callable[..., Expression]
    # `(user=)`: a boolean subquery on projects, `user` already talks with the project's owner about it.
    conversation_with_owner: Callable[..., Expression]


_NOBODY = WritingRules(
    blocked_user_ids=lambda *, user, among: set(),
    blocked_between=lambda *, user_id, other_id: Value(False),
    conversation_with_owner=lambda *, user: Value(False),
)
_writing_rules = _NOBODY


def writing_rules_set(rules: WritingRules) -> None:
    global _writing_rules
    _writing_rules = rules


def writing_rules() -> WritingRules:
    return _writing_rules


_nearby_freelancers: Callable[..., list] = lambda *, project: []  # noqa: E731


def nearby_freelancers_set(finder: Callable[..., list]) -> None:
    """Have `finder(project=...)` list the freelancers near a project, for its owner's page."""
    global _nearby_freelancers
    _nearby_freelancers = finder


def nearby_freelancers(*, project) -> list:
    """Up to 10 freelancers the project fits, nearest first (search.matching.NearbyFreelancer items)."""
    return _nearby_freelancers(project=project)


_joint_quote_listeners: list[Callable[..., None]] = []


def joint_quote_changed_listen(listener: Callable[..., None]) -> None:
    """Have `listener(quote=...)` called when a joint quote's assigned members may have changed.

    messaging adds those members to the conversation between the client and the quote's author.
    """
    if listener not in _joint_quote_listeners:
        _joint_quote_listeners.append(listener)


def joint_quote_changed(*, quote) -> None:
    """Called inside the write transaction of a joint quote's submission or change."""
    for listener in _joint_quote_listeners:
        listener(quote=quote)


_quote_accepted_listeners: list[Callable[..., None]] = []


def quote_accepted_listen(listener: Callable[..., None]) -> None:
    """Have `listener(quote=...)` called when a client accepts a quote.

    engagements opens the engagement ("mandat") holding what was agreed.
    """
    if listener not in _quote_accepted_listeners:
        _quote_accepted_listeners.append(listener)


def quote_accepted(*, quote) -> None:
    """Called inside quote_accept's transaction: a listener's refusal undoes the acceptance."""
    for listener in _quote_accepted_listeners:
        listener(quote=quote)


_engagement_finder: Callable[..., object | None] = lambda *, user, project: None  # noqa: E731


def engagement_finder_set(finder: Callable[..., object | None]) -> None:
    """Have `finder(user=..., project=...)` give the engagement a party of the project may open, or None."""
    global _engagement_finder
    _engagement_finder = finder


def engagement_for(*, user, project):
    """The engagement ("mandat") of this project that `user` takes part in, for a link on the project page."""
    return _engagement_finder(user=user, project=project)


_payment_record: Callable[..., object | None] = lambda *, client_id: None  # noqa: E731


def payment_record_set(provider: Callable[..., object | None]) -> None:
    """Have `provider(client_id=...)` give a client's payment record (invoicing.selectors.client_payment_record)."""
    global _payment_record
    _payment_record = provider


def payment_record(*, client_id: int):
    """The client's payment record from confirmed invoices (invoicing.selectors.PaymentRecord), or None without it."""
    return _payment_record(client_id=client_id)
