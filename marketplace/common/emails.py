"""What every e-mail the site writes itself shares: how it is signed."""

from django.conf import settings
from django.utils.translation import gettext


def email_signature() -> str:
    """ "— L'équipe Pigiste QC" and the site's address, in the active language; the name comes from settings."""
    return "— " + gettext("L'équipe %(name)s") % {"name": settings.SITE_NAME} + "\n" + settings.SITE_URL
