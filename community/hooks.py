"""What the apps above community tell it, registered in their AppConfig.ready(): community can't import them.

- messaging says who blocked whom (messaging.models.Block): on a group's bulletin board a member doesn't
  see the posts of someone they blocked or who blocked them, and neither can reply to the other:
  `block_rules_set(...)`. Without it nobody is blocked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Expression, Value


@dataclass(frozen=True)
class BlockRules:
    # `(user=, among=)`: who among `among` (user ids) blocked `user` or was blocked by them, in one query.
    blocked_user_ids: Callable[..., set[int]]
    # `(user_id=, other_id=)`: a boolean subquery, a block stands between the two (ids or OuterRef()s).
    blocked_between: Callable[..., Expression]


_NOBODY = BlockRules(
    blocked_user_ids=lambda *, user, among: set(),
    blocked_between=lambda *, user_id, other_id: Value(False),
)
_block_rules = _NOBODY


def block_rules_set(rules: BlockRules) -> None:
    global _block_rules
    _block_rules = rules


def block_rules() -> BlockRules:
    return _block_rules
