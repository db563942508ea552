"""Writes on the account itself (not the freelancer profile)."""

import re

from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext_lazy as _

from marketplace.common.errors import ValidationFailed
from profiles.models import User

NAME_MAX_LENGTH = 120
# A language code as browsers and Django write them ("fr", "fr-ca", "en-us"). Checked before Django looks for
# a variant: it reads anything that starts with "fr-" as French, "fr-ca*" and "fr-!!" included.
_LANGUAGE_CODE = re.compile(r"[a-z]{1,8}(-[a-z0-9]{1,8})*", re.ASCII | re.IGNORECASE)


def account_name_set(*, user: User, name: str) -> User:
    """Set the name other members see on a client's projects and reviews."""
    name = " ".join(str(name or "").split())
    if not name:
        raise ValidationFailed(_("Indiquez votre nom ou celui de votre entreprise."), field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationFailed(_("120 caractères au maximum."), field="name")
    user.name = name
    user.save(update_fields=["name"])
    return user


def account_language_set(*, user: User, language: str) -> User:
    """Remember the language the member reads the site in: their e-mails and notifications are written in it."""
    requested = str(language or "")
    try:
        if not _LANGUAGE_CODE.fullmatch(requested):
            raise LookupError(requested)
        # One of settings.LANGUAGES: "fr", "fr-CA" and "fr-ca" are our Quebec French; "en-us" is English.
        code = get_supported_language_variant(requested.lower())
    except LookupError:
        raise ValidationFailed(
            _("Langue inconnue : %(code)s.") % {"code": str(language)[:20]}, field="language"
        ) from None
    if user.language != code:
        user.language = code
        user.save(update_fields=["language"])
    return user
