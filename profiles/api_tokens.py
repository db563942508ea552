"""Personal API tokens: one per member, created and revoked from the account page or through the API.

A token is DRF's `authtoken` row (TokenAuthentication reads it). Only a member who could sign in gets one:
an active account with a confirmed e-mail. Obtaining one with the password counts as a login attempt
against allauth's own limits (ACCOUNT_RATE_LIMITS), so the API is no way around the login's lockout.
"""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit as allauth_ratelimit
from django import forms
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from marketplace.common.errors import PermissionDenied, RateLimited, ValidationFailed
from profiles import hooks
from profiles.models import User
from profiles.selectors import account_email_confirmed


def api_token_get(*, user) -> Token | None:
    """The member's current token, if any (the page shows its date, never its key again)."""
    return Token.objects.filter(user_id=user.pk).first()


def api_token_allowed(*, user) -> bool:
    """Whether the member may hold a token: an active account with a confirmed e-mail."""
    return user.is_active and account_email_confirmed(user=user)


def _check_allowed(user) -> None:
    if not api_token_allowed(user=user):
        raise PermissionDenied(
            _("Confirmez d'abord votre adresse courriel : un jeton d'API n'est remis qu'à une adresse confirmée."),
            code="email_unconfirmed",
            action_url=reverse("account_email"),
        )


@transaction.atomic
def api_token_create(*, user) -> Token:
    """A new token for the member; the one they had stops working at once."""
    # The user's row lock serialises two clicks: each would otherwise delete, then both insert.
    locked = User.objects.select_for_update().get(pk=user.pk)
    _check_allowed(locked)
    Token.objects.filter(user=locked).delete()
    return Token.objects.create(user=locked)


def api_token_revoke(*, user) -> bool:
    """Delete the member's token; whatever used it gets 401 from now on. False when there was none."""
    deleted, _rows = Token.objects.filter(user_id=user.pk).delete()
    return bool(deleted)


def api_token_obtain(*, request: HttpRequest, email: str, password: str) -> tuple[Token, bool]:
    """The member's token for their e-mail and password (created if they had none), and whether it is new.

    A wrong password and an unknown e-mail get the same answer. Counted like a login on the site: per
    address and per e-mail, in the same counters, so failures here and there add up.
    """
    if not allauth_ratelimit.consume(request, action="login"):
        raise RateLimited(_("Trop de tentatives de connexion. Réessayez dans quelques minutes."))
    try:
        user = get_adapter(request).authenticate(request, email=email, password=password)
    except forms.ValidationError:  # allauth's lockout after repeated failures ("too_many_login_attempts")
        raise RateLimited(_("Trop de tentatives de connexion. Réessayez dans quelques minutes.")) from None
    if user is None or not user.is_active:
        # allauth hands back an inactive account whose password matched; it gets the common answer too.
        raise ValidationFailed(_("Adresse courriel ou mot de passe incorrect."))
    _check_allowed(user)
    # Signing in during the deletion grace period keeps the account, here as on the site.
    hooks.signed_in(user=user)
    token, created = Token.objects.get_or_create(user=user)
    return token, created
