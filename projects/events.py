"""Live pushes of the projects app, to members' open sockets (marketplace.common.live)."""

from __future__ import annotations

from django.utils import translation

from marketplace.common import live
from profiles.models import User


def quote_changed(quote) -> None:
    """Push a quote's creation or change of state to the project owner and the quote's author."""
    users = User.objects.filter(pk__in={quote.project.owner_id, quote.freelancer_id}).only("pk", "language")
    pushes = []
    for user in users:
        # Each in their own language: the owner and the freelancer may not share one.
        with translation.override(user.language or "fr-ca"):
            label = str(quote.get_status_display())
        pushes.append(
            (
                live.user_group(user.pk),
                {
                    "type": "messaging.quote",
                    "project": quote.project_id,
                    "quote": quote.pk,
                    "status": quote.status,
                    "status_label": label,
                },
            )
        )
    live.push_all(pushes)
