"""What search engines and link previews read on public pages: description, canonical and language URLs,
Open Graph and Twitter tags, robots rules, schema.org JSON-LD, and the sitemap's shared base.

One URL serves both languages (the language cookie, else the browser's): `?lang=en` makes the English
version addressable on its own (LanguageFromQueryMiddleware), and the French one is the plain URL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe

LANGUAGE_PARAM = "lang"
# Page language → hreflang and Open Graph locale.
HREFLANGS = {"fr-ca": "fr-CA", "en": "en"}
OG_LOCALES = {"fr-ca": "fr_CA", "en": "en_CA"}
DESCRIPTION_LENGTH = 160
DEFAULT_IMAGE = "img/og-default.png"
NOINDEX = "noindex"

# As django.utils.html.json_script: "<", ">" and "&" written as JSON escapes, so "</script>" or "<!--" in
# a bio can neither close the script element nor open a comment inside it.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def plain_text(text: str | None, *, limit: int = DESCRIPTION_LENGTH) -> str:
    """`text` without HTML, on one line, cut at a word boundary to at most `limit` characters ("…" ends a cut)."""
    flat = " ".join(strip_tags(text or "").split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—") + "…"


def absolute_url(path_or_url: str) -> str:
    """A site path made absolute with SITE_URL; an address that already has a host is left as it is."""
    if urlsplit(path_or_url).netloc:
        return path_or_url
    return settings.SITE_URL + path_or_url


def language_path(path: str, language: str) -> str:
    """The path that serves `path` in `language`: plain for the site's default language, else `?lang=`."""
    if language == settings.LANGUAGE_CODE:
        return path
    return f"{path}?{urlencode({LANGUAGE_PARAM: language})}"


def language_url(path: str, language: str) -> str:
    return absolute_url(language_path(path, language))


def language_from_query(value: str | None) -> str | None:
    """The site language `?lang=` asks for ("en", "fr", "fr-CA"…), or None when it names none we serve."""
    if not value or len(value) > 20:
        return None
    try:
        return translation.get_supported_language_variant(value.lower())
    except LookupError:
        return None


def default_image_url() -> str:
    return absolute_url(static(DEFAULT_IMAGE))


def json_ld_script(data: dict) -> SafeString:
    """A `<script type="application/ld+json">` element whose content cannot break out of it."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308 (escaped above)


def geo_coordinates(latitude: float, longitude: float) -> dict:
    return {"@type": "GeoCoordinates", "latitude": round(latitude, 5), "longitude": round(longitude, 5)}


def place_node(*, name: str, region: str, latitude: float, longitude: float) -> dict:
    """A Quebec municipality as schema.org reads it: a place in its region, with coordinates."""
    return {
        "@type": "City",
        "name": name,
        "address": {"@type": "PostalAddress", "addressLocality": name, "addressRegion": "QC", "addressCountry": "CA"},
        "containedInPlace": {"@type": "AdministrativeArea", "name": region},
        "geo": geo_coordinates(latitude, longitude),
    }


def price_range_node(*, minimum: Decimal | None, maximum: Decimal | None, hourly: bool = False) -> dict | None:
    """A budget or rate in Canadian dollars, per hour when `hourly`; None when there is no figure."""
    if minimum is None and maximum is None:
        return None
    node: dict = {"@type": "UnitPriceSpecification" if hourly else "PriceSpecification", "priceCurrency": "CAD"}
    if minimum is not None and maximum is not None and minimum == maximum:
        node["price"] = str(minimum)
    else:
        if minimum is not None:
            node["minPrice"] = str(minimum)
        if maximum is not None:
            node["maxPrice"] = str(maximum)
    if hourly:
        node["unitCode"] = "HUR"  # UN/CEFACT code for "hour"
    return node


@dataclass(frozen=True)
class PageSeo:
    """Everything includes/seo_head.html writes in a public page's head."""

    title: str
    description: str
    indexable: bool
    canonical: str = ""
    alternates: list[tuple[str, str]] = field(default_factory=list)  # (hreflang, absolute URL), x-default last
    image: str = ""
    og_type: str = "website"
    locale: str = ""
    locale_alternates: list[str] = field(default_factory=list)
    json_ld: dict | None = None

    @property
    def robots(self) -> str:
        return "" if self.indexable else NOINDEX

    @property
    def json_ld_script(self) -> SafeString:
        return json_ld_script(self.json_ld) if self.json_ld else SafeString("")


def page_seo(
    *,
    path: str,
    title: str,
    description: str,
    indexable: bool,
    image: str = "",
    og_type: str = "website",
    json_ld: dict | None = None,
) -> PageSeo:
    """The head tags of the public page at `path`, in the language being served.

    A page search engines must not index gets "noindex" and no canonical, language alternates or
    JSON-LD (they would contradict it); its description and sharing tags stay for a link shared by hand.
    """
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language not in HREFLANGS:
        language = settings.LANGUAGE_CODE
    languages = [code for code, _name in settings.LANGUAGES]
    return PageSeo(
        title=title,
        description=plain_text(description),
        indexable=indexable,
        canonical=language_url(path, language) if indexable else "",
        alternates=(
            [(HREFLANGS[code], language_url(path, code)) for code in languages] + [("x-default", absolute_url(path))]
            if indexable
            else []
        ),
        image=absolute_url(image) if image else default_image_url(),
        og_type=og_type,
        locale=OG_LOCALES[language],
        locale_alternates=[OG_LOCALES[code] for code in languages if code != language],
        json_ld=json_ld if indexable else None,
    )


def robots_header(response, seo: PageSeo):
    """Say "noindex" in the HTTP header too: it also covers crawlers that read no HTML."""
    if not seo.indexable:
        response["X-Robots-Tag"] = NOINDEX
    return response


class BilingualSitemap(Sitemap):
    """A sitemap section listing each page in both languages, with hreflang alternates and x-default.

    Addresses are built on SITE_URL, like the canonical links, whatever host the crawler came by.
    Subclasses give `path(item)`.
    """

    i18n = True
    alternates = True
    x_default = True

    def path(self, item) -> str:
        raise NotImplementedError

    def location(self, item) -> str:
        # Sitemap calls this with the item's language active.
        return language_path(self.path(item), translation.get_language())

    @property
    def protocol(self) -> str:  # the sitemap index reads the attribute, the sections get_protocol()
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class StaticSitemap(BilingualSitemap):
    """The public pages that are not a profile or a project."""

    changefreq = "daily"
    url_names = ("home", "project-list", "freelancer-search", "project-search", "mrc-list", "about", "privacy-policy")

    def items(self):
        return list(self.url_names)

    def path(self, item) -> str:
        return reverse(item)
