"""What profiles does when a member signs in (django.contrib.auth's signal, sent by allauth's login too)."""

import contextlib

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from marketplace.common.errors import ValidationFailed
from profiles import hooks
from profiles.services import account_language_set


@receiver(user_logged_in)
def _language_on_login(sender, request, user, **kwargs):
    # A member who chose a language before signing in (the cookie of the language switch) gets their
    # e-mails and notifications in it from now on.
    chosen = getattr(request, "COOKIES", {}).get(settings.LANGUAGE_COOKIE_NAME)
    if chosen:
        # A cookie we never set (an unknown language): the member keeps theirs.
        with contextlib.suppress(ValidationFailed):
            account_language_set(user=user, language=chosen)


@receiver(user_logged_in)
def _sign_in_hooks(sender, request, user, **kwargs):
    # The apps above that care (privacy: a sign-in cancels a scheduled deletion) listen through profiles.hooks.
    hooks.signed_in(user=user, request=request)
