"""Template filters shared by every page."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html

from marketplace.common import emails
from marketplace.common.money import format_money

register = template.Library()

# format_money stays importable from here for the callers that took it from this module.
__all__ = ["format_money", "register"]


@register.filter
def money(amount):
    """ "1 234,50 $" / "$1,234.50" in the reader's language (marketplace.common.money)."""
    return format_money(amount)


@register.filter
def money_whole(amount):
    """ "4 000 $" / "$4,000": a round figure without ",00" (budgets); cents stay when there are some."""
    return format_money(amount, whole=True)


@register.simple_tag
def site_name() -> str:
    """The site's name, from settings (SITE_NAME): e-mails sign with it."""
    return settings.SITE_NAME


@register.simple_tag
def site_url() -> str:
    """The site's address, from settings (SITE_URL), for links in e-mails."""
    return settings.SITE_URL


@register.simple_tag
def email_signature() -> str:
    """How every e-mail ends (marketplace.common.emails); for plain-text templates, under {% autoescape off %}."""
    return emails.email_signature()


@register.filter
def stars(rating):
    """ "★★★★☆" for a rating out of 5."""
    if rating is None:
        return ""
    # Round half down so 4,5 shows four stars next to its figure, never a flattering five.
    full = int((Decimal(rating) - Decimal("0.01")).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    full = max(0, min(5, full))
    return "★" * full + "☆" * (5 - full)


@register.simple_tag
def place_line(place) -> str:
    """A place as Municipality.full_label reads it ("Saint-Pascal — Kamouraska, Bas-Saint-Laurent"), the MRC linked.

    `place`: a Municipality (its MRC selected with it: select_related("municipality__mrc")) or a search
    card's place (search/cards.py), which carries the MRC's slug and name.
    """
    if place is None:
        return ""
    if hasattr(place, "mrc_slug"):
        slug, mrc_name, region = place.mrc_slug, place.mrc_name, place.region_name
    else:
        mrc = place.mrc if place.mrc_id else None
        slug, mrc_name = (mrc.slug, mrc.name) if mrc else ("", "")
        region = place.get_region_display()
    if not slug:
        return format_html("{} — {}", place.name, region)
    url = reverse("mrc-detail", args=[slug])
    if mrc_name == place.name:
        # A city that is its own MRC (territoire équivalent): the name itself leads to the MRC's page.
        return format_html('<a href="{}">{}</a> — {}', url, place.name, region)
    return format_html('{} — <a href="{}">{}</a>, {}', place.name, url, mrc_name, region)
