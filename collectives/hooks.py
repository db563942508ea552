"""What the apps above collectives tell it, registered in their AppConfig.ready(): collectives can't import them.

- messaging says who blocked whom, so nobody is invited by a person they blocked or who blocked them:
  `blocked_user_ids_provide(messaging.selectors.blocked_user_ids)`. Without it nobody is blocked.
- projects refuses the removal of a member who still has lines on an open joint quote:
  `member_removal_check_register(fn)`, where `fn(collective, member)` raises a ValidationError (Django's or
  the project's DomainError) with the message the admin reads.
- projects adds the reviews of the collective's joint work to its public page:
  `collective_page_section_register(fn)`, where `fn(collective)` returns rendered HTML or "".
- search follows every change of a collective (created, edited, a member joined, left or was removed, a
  role changed) to reindex it: `collective_changes_follow(fn)`. The services call
  `collective_changed(collective_id=...)` inside the transaction that made the change.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

_blocked_user_ids: Callable[..., set[int]] = lambda *, user, among: set()  # noqa: E731


def blocked_user_ids_provide(finder: Callable[..., set[int]]) -> None:
    """Have `finder(user=..., among={user ids})` answer who among `among` blocked `user` or was blocked by them."""
    global _blocked_user_ids
    _blocked_user_ids = finder


def blocked_user_ids(*, user, among) -> set[int]:
    """Who among `among` (user ids) stands on the other side of a block with `user`."""
    return _blocked_user_ids(user=user, among=among)


_member_removal_checks: list[Callable[..., object]] = []


def member_removal_check_register(check: Callable[..., object]) -> None:
    """Have `check(collective, member)` refuse (by raising) the departure of a member who still has work due."""
    if check not in _member_removal_checks:
        _member_removal_checks.append(check)


def member_removal_checks(collective, member) -> None:
    """Run every registered check; the first refusal propagates."""
    for check in _member_removal_checks:
        check(collective, member)


_page_sections: list[Callable[..., str]] = []


def collective_page_section_register(section: Callable[..., str]) -> None:
    """Have `section(collective)` add rendered HTML (or "") to the collective's public page."""
    if section not in _page_sections:
        _page_sections.append(section)


def collective_page_sections(collective) -> SafeString:
    """The registered sections' HTML, in registration order (each section escapes its own content)."""
    parts = [html for html in (section(collective) for section in _page_sections) if html]
    # Each part is HTML its app rendered from a template (autoescaped there): kept as it is.
    return format_html_join("", "{}", ((mark_safe(part),) for part in parts))  # noqa: S308


_change_followers: list[Callable[..., None]] = []


def collective_changes_follow(follower: Callable[..., None]) -> None:
    """Have `follower(collective_id=...)` hear every change of a collective, inside the writer's transaction."""
    if follower not in _change_followers:
        _change_followers.append(follower)


def collective_changed(*, collective_id: int) -> None:
    """A collective, its members or their roles changed (or it went); call inside the transaction that changed it."""
    for follower in _change_followers:
        follower(collective_id=collective_id)
