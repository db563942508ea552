"""What search engines and link previews read on a freelancer's public profile, and its sitemap section."""

from __future__ import annotations

import dataclasses

from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.common import seo
from profiles.models import FreelancerProfile, Mrc
from profiles.selectors import freelancer_is_indexable, freelancer_list_indexable

BIO_LENGTH = 500


def _avatar_url(profile: FreelancerProfile) -> str:
    # The JPEG thumbnail first: some link previews still don't read WebP.
    image = profile.avatar_thumbnail_jpeg or profile.avatar_thumbnail
    return image.url if image else ""


def _sentences(*parts: str) -> str:
    """The parts as one text, with a full stop after each but the last that ends without punctuation."""
    texts = [" ".join(part.split()) for part in parts if part and part.strip()]
    last = len(texts) - 1
    return " ".join(text if n == last or text[-1] in ".!?…" else f"{text}." for n, text in enumerate(texts))


def profile_json_ld(*, profile: FreelancerProfile, skills: list, url: str) -> dict:
    """The profile as a schema.org Person offering their services in their municipality and travel radius."""
    person_id = seo.absolute_url(reverse("freelancer-detail", args=[profile.pk])) + "#person"
    service: dict = {
        "@type": "Service",
        "name": profile.headline or _("Services de %(name)s") % {"name": profile.display_name},
        "provider": {"@id": person_id},
    }
    if skills:
        service["serviceType"] = [skill.name for skill in skills]
    if profile.rating_count and profile.rating_average is not None:
        # On the service, not the person: schema.org's Person has no aggregateRating, and what clients
        # rated is the work.
        service["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": str(profile.rating_average),
            "ratingCount": profile.rating_count,
            "bestRating": 5,
            "worstRating": 1,
        }
    offer: dict = {"@type": "Offer", "itemOffered": service}
    place = profile.municipality
    if place is not None:
        area = [
            seo.place_node(
                name=place.name,
                region=place.get_region_display(),
                latitude=place.latitude,
                longitude=place.longitude,
            )
        ]
        if profile.travel_radius_km:
            area.append(
                {
                    "@type": "GeoCircle",
                    "geoMidpoint": seo.geo_coordinates(place.latitude, place.longitude),
                    "geoRadius": {"@type": "QuantitativeValue", "value": profile.travel_radius_km, "unitCode": "KMT"},
                }
            )
        offer["areaServed"] = area
    if profile.hourly_rate is not None:
        offer["priceSpecification"] = seo.price_range_node(
            minimum=profile.hourly_rate, maximum=profile.hourly_rate, hourly=True
        )
    person: dict = {
        "@context": "https://schema.org",
        "@type": "Person",
        "@id": person_id,
        "name": profile.display_name,
        "url": url,
    }
    if profile.headline:
        person["jobTitle"] = profile.headline
    description = seo.plain_text(profile.bio or profile.headline, limit=BIO_LENGTH)
    if description:
        person["description"] = description
    avatar = _avatar_url(profile)
    if avatar:
        person["image"] = seo.absolute_url(avatar)
    if skills:
        person["knowsAbout"] = [skill.name for skill in skills]
    if profile.languages:
        person["knowsLanguage"] = list(profile.languages)
    person["makesOffer"] = [offer]
    return person


def profile_seo(*, profile: FreelancerProfile, skills: list) -> seo.PageSeo:
    """Head tags of the public profile page, in the language being served (no query: all is loaded)."""
    path = reverse("freelancer-detail", args=[profile.pk])
    place = profile.municipality
    fallback = (
        _("%(name)s, pigiste à %(place)s.") % {"name": profile.display_name, "place": place.name}
        if place
        else _("%(name)s, pigiste au Québec.") % {"name": profile.display_name}
    )
    title = f"{profile.display_name} — {profile.headline}" if profile.headline else profile.display_name
    page = seo.page_seo(
        path=path,
        title=title,
        description=_sentences(profile.headline, profile.bio) or fallback,
        indexable=freelancer_is_indexable(profile),
        image=_avatar_url(profile),
        og_type="profile",
    )
    if not page.indexable:
        return page
    return dataclasses.replace(page, json_ld=profile_json_ld(profile=profile, skills=skills, url=page.canonical))


class ProfileSitemap(seo.BilingualSitemap):
    """Public profiles whose freelancer lets search engines list them."""

    changefreq = "weekly"

    def items(self):
        return freelancer_list_indexable()

    def path(self, item) -> str:
        return reverse("freelancer-detail", args=[item.pk])

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # One query rather than Sitemap's loop over every item.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class MrcSitemap(seo.BilingualSitemap):
    """The page of each MRC where at least one freelancer lets search engines list them (others would be thin)."""

    changefreq = "weekly"

    def items(self):
        places = freelancer_list_indexable().values("municipality_id")
        return Mrc.objects.filter(municipalities__in=places).distinct().only("slug").order_by("slug")

    def path(self, item) -> str:
        return reverse("mrc-detail", args=[item.slug])
