"""Pieces shared by the profiles services: limits, the language list, the profile's fields, search keys."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

MAX_HOURLY_RATE = Decimal("1000")  # Above 1 000 $/h is a typo, not a rate.
MAX_TRAVEL_RADIUS_KM = 1500
MAX_SKILLS = 20
MAX_SKILL_LENGTH = 60
MAX_PORTFOLIO_ITEMS = 24
MAX_IMAGES_PER_ITEM = 8

# Languages a freelancer can offer, by ISO 639-1 code; names are shown in the page's language.
LANGUAGE_CHOICES = [
    ("fr", _("Français")),
    ("en", _("Anglais")),
    ("es", _("Espagnol")),
    ("pt", _("Portugais")),
    ("it", _("Italien")),
    ("de", _("Allemand")),
    ("ar", _("Arabe")),
    ("zh", _("Mandarin")),
    ("vi", _("Vietnamien")),
    ("ht", _("Créole haïtien")),
    ("iu", _("Inuktitut")),
    ("cr", _("Cri")),
    ("asl", _("Langue des signes (LSQ/ASL)")),
]
LANGUAGE_CODES = {code for code, _label in LANGUAGE_CHOICES}

PROFILE_FIELDS = (
    "display_name",
    "headline",
    "bio",
    "skills",
    "hourly_rate",
    "languages",
    "availability",
    "available_from",
    "remote",
    "municipality",
    "travel_radius_km",
    "indexable_by_search_engines",
)


def search_key(text: str) -> str:
    """Lower case, accents removed, punctuation as spaces: "Lévis" and "levis" match."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    cleaned = "".join(ch if ch.isalnum() else " " for ch in ascii_text)
    return " ".join(cleaned.split())
