"""The peer directory ("bottin des travailleurs autonomes"): a freelancer lists themself for colleagues."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from marketplace.common.errors import NotFound
from marketplace.common.inputs import FieldErrors, clean_text, parse_bool
from profiles.models import FreelancerProfile, User

MAX_LOOKING_FOR = 280


def peer_listing_set(*, user: User, listed, looking_for=None) -> FreelancerProfile:
    """List the user in the peer directory (or take them out), with what they look for.

    `looking_for` None keeps the current text. Kept apart from `profile_save`: the directory is seen by
    freelancers only, never by clients nor in the public profile's fields.
    """
    errors = FieldErrors()
    text = (
        None
        if looking_for is None
        else clean_text(looking_for, field="looking_for", errors=errors, max_length=MAX_LOOKING_FOR)
    )
    errors.raise_if_any()
    with transaction.atomic():
        profile = FreelancerProfile.objects.select_for_update().filter(user=user).first()
        if profile is None:
            raise NotFound(_("Créez d'abord votre profil de pigiste pour paraître dans le bottin."))
        profile.in_peer_directory = parse_bool(listed)
        fields = ["in_peer_directory", "updated_at"]
        if text is not None:
            profile.peer_looking_for = text
            fields.append("peer_looking_for")
        profile.save(update_fields=fields)
    return profile
