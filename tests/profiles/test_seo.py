"""What search engines and link previews read on a public profile, and the freelancer's choice to hide it."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from profiles import services
from profiles.models import FreelancerProfile
from projects.services import freelancer_rating_refresh
from tests.api import api_as
from tests.factories import FreelancerProfileFactory, MunicipalityFactory, ReviewFactory, SkillFactory, UserFactory
from tests.seo import read_head

pytestmark = pytest.mark.embedded


def _page(client, profile, query=""):
    return client.get(reverse("freelancer-detail", args=[profile.pk]) + query)


def _photographer() -> FreelancerProfile:
    place = MunicipalityFactory(name="Saint-Pascal", latitude=47.5283, longitude=-69.8028)
    profile = FreelancerProfileFactory(
        display_name="Julie Tremblay",
        headline="Photographe de produits",
        bio="Je photographie vos produits <b>en studio</b> ou chez vous.\n\nPME du Kamouraska bienvenues.",
        hourly_rate=Decimal("65.00"),
        municipality=place,
        travel_radius_km=30,
        skills=[SkillFactory(name="Photographie"), SkillFactory(name="Retouche")],
    )
    ReviewFactory(subject=profile.user, rating=5)
    ReviewFactory(subject=profile.user, rating=4)
    freelancer_rating_refresh(user_id=profile.user_id)
    profile.refresh_from_db()
    return profile


def test_a_profile_is_a_person_offering_services_in_its_place_and_radius(client, db):
    profile = _photographer()

    head = read_head(_page(client, profile).content.decode())

    (person,) = head.json_ld
    assert person["@context"] == "https://schema.org"
    assert person["@type"] == "Person"
    assert person["name"] == "Julie Tremblay"
    assert person["jobTitle"] == "Photographe de produits"
    assert person["url"] == f"{settings.SITE_URL}/pigistes/{profile.pk}/"
    assert person["knowsAbout"] == ["Photographie", "Retouche"]
    assert "<b>" not in person["description"] and "en studio" in person["description"]
    (offer,) = person["makesOffer"]
    assert offer["@type"] == "Offer"
    assert offer["itemOffered"]["@type"] == "Service"
    assert offer["itemOffered"]["serviceType"] == ["Photographie", "Retouche"]
    assert offer["priceSpecification"] == {
        "@type": "UnitPriceSpecification",
        "priceCurrency": "CAD",
        "price": "65.00",
        "unitCode": "HUR",
    }
    place, circle = offer["areaServed"]
    assert place["@type"] == "City" and place["name"] == "Saint-Pascal"
    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 47.5283, "longitude": -69.8028}
    assert place["containedInPlace"]["name"] == "Bas-Saint-Laurent"
    assert circle["@type"] == "GeoCircle"
    assert circle["geoMidpoint"]["latitude"] == 47.5283
    assert circle["geoRadius"] == {"@type": "QuantitativeValue", "value": 30, "unitCode": "KMT"}
    rating = offer["itemOffered"]["aggregateRating"]
    assert rating["@type"] == "AggregateRating"
    assert rating["ratingValue"] == "4.50" and rating["ratingCount"] == 2


def test_a_profile_without_reviews_place_or_rate_says_only_what_is_known(client, db):
    profile = FreelancerProfileFactory(municipality=None, travel_radius_km=0, hourly_rate=None, headline="", bio="")

    head = read_head(_page(client, profile).content.decode())

    (person,) = head.json_ld
    offer = person["makesOffer"][0]
    assert "aggregateRating" not in offer["itemOffered"]
    assert "areaServed" not in offer and "priceSpecification" not in offer
    assert "jobTitle" not in person
    assert head.meta["description"] == f"{profile.display_name}, pigiste au Québec."


def test_the_radius_circle_is_left_out_when_the_freelancer_does_not_travel(client, db):
    profile = FreelancerProfileFactory(travel_radius_km=0)
    (person,) = read_head(_page(client, profile).content.decode()).json_ld
    assert [area["@type"] for area in person["makesOffer"][0]["areaServed"]] == ["City"]


def test_canonical_and_language_alternates_are_absolute_and_without_tracking_params(client, db):
    profile = FreelancerProfileFactory()
    path = f"/pigistes/{profile.pk}/"

    head = read_head(_page(client, profile, "?utm_source=facebook&fbclid=abc").content.decode())

    assert head.link("canonical") == f"{settings.SITE_URL}{path}"
    assert head.hreflangs() == {
        "fr-CA": f"{settings.SITE_URL}{path}",
        "en": f"{settings.SITE_URL}{path}?lang=en",
        "x-default": f"{settings.SITE_URL}{path}",
    }
    assert head.meta["og:url"] == f"{settings.SITE_URL}{path}"
    assert head.meta["og:locale"] == "fr_CA" and head.meta["og:locale:alternate"] == "en_CA"


def test_the_english_address_serves_english_with_its_own_canonical(client, db):
    profile = FreelancerProfileFactory()

    response = _page(client, profile, "?lang=en")

    html = response.content.decode()
    head = read_head(html)
    assert '<html lang="en">' in html
    assert response["Content-Language"] == "en"
    assert head.link("canonical") == f"{settings.SITE_URL}/pigistes/{profile.pk}/?lang=en"
    assert head.meta["og:locale"] == "en_CA"
    # Only this page: the visitor's own language choice (the cookie) is untouched.
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert '<html lang="fr-ca">' in _page(client, profile).content.decode()


def test_sharing_tags_carry_title_description_and_the_avatar_or_the_site_image(client, db):
    profile = _photographer()

    head = read_head(_page(client, profile).content.decode())

    assert head.meta["og:type"] == "profile"
    assert head.meta["og:title"] == "Julie Tremblay — Photographe de produits"
    assert head.meta["description"].startswith("Photographe de produits. Je photographie vos produits en studio")
    assert len(head.meta["description"]) <= 160
    assert head.meta["og:description"] == head.meta["description"] == head.meta["twitter:description"]
    assert head.meta["og:image"] == f"{settings.SITE_URL}/static/img/og-default.png"
    assert head.meta["twitter:card"] == "summary"
    assert "robots" not in head.meta


def test_a_long_bio_is_cut_at_a_word_for_the_description(client, db):
    profile = FreelancerProfileFactory(headline="", bio="Illustration " * 40)
    description = read_head(_page(client, profile).content.decode()).meta["description"]
    assert len(description) <= 160 and description.endswith("Illustration…")


def test_a_script_end_tag_in_a_bio_stays_inside_the_json(client, db):
    attack = 'Graphiste </script><script>alert("pirate")</script><!-- & -->'
    profile = FreelancerProfileFactory(display_name="Ève </script>", headline=attack, bio=attack)

    html = _page(client, profile).content.decode()

    assert '</script><script>alert("pirate")' not in html
    head = read_head(html)
    (person,) = head.json_ld
    assert person["jobTitle"] == attack
    assert person["name"] == "Ève </script>"
    assert person["makesOffer"][0]["itemOffered"]["name"] == attack


def test_a_freelancer_who_opts_out_gets_noindex_in_the_page_and_the_header(client, db):
    profile = FreelancerProfileFactory(indexable_by_search_engines=False)

    response = _page(client, profile)

    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    head = read_head(response.content.decode())
    assert head.meta["robots"] == "noindex"
    # Nothing that would contradict it: no canonical, no language alternates, no structured data.
    assert head.link("canonical") is None and head.hreflangs() == {}
    assert head.json_ld == []
    # The page itself still reads well when a link to it is shared by hand.
    assert head.meta["og:title"] == profile.display_name + " — " + profile.headline


def test_an_indexable_profile_has_no_robots_header(client, db):
    assert "X-Robots-Tag" not in _page(client, FreelancerProfileFactory())


def test_a_hidden_profile_seen_by_its_owner_says_noindex(client, db):
    profile = FreelancerProfileFactory(is_hidden=True)
    client.force_login(profile.user)
    response = _page(client, profile)
    assert response.status_code == 200 and response["X-Robots-Tag"] == "noindex"


def test_the_profile_form_turns_indexing_off_and_on(client, db):
    profile = FreelancerProfileFactory()
    client.force_login(profile.user)
    form = {
        "display_name": profile.display_name,
        "availability": "now",
        "travel_radius_km": "0",
        "remote": "on",
    }
    page = client.get(reverse("profile-edit")).content.decode()
    (checkbox,) = re.findall(r'<input[^>]*name="indexable_by_search_engines"[^>]*>', page)
    assert "checked" in checkbox

    client.post(reverse("profile-edit"), form)
    profile.refresh_from_db()
    assert profile.indexable_by_search_engines is False

    client.post(reverse("profile-edit"), {**form, "indexable_by_search_engines": "on"})
    profile.refresh_from_db()
    assert profile.indexable_by_search_engines is True


def test_a_new_profile_is_indexable_unless_the_freelancer_says_otherwise(db):
    user = UserFactory()
    assert services.profile_save(user=user, data={"display_name": "Léa"}).indexable_by_search_engines is True


def test_the_api_reads_and_changes_the_choice(db):
    profile = FreelancerProfileFactory()
    api = api_as(profile.user)

    response = api.patch("/api/v1/me/profile/", {"indexable_by_search_engines": False}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["indexable_by_search_engines"] is False
    profile.refresh_from_db()
    assert profile.indexable_by_search_engines is False
    assert api.get(f"/api/v1/freelancers/{profile.pk}/").json()["indexable_by_search_engines"] is False


def test_the_api_refuses_a_choice_that_is_not_a_boolean(db):
    profile = FreelancerProfileFactory()
    api = api_as(profile.user)

    response = api.patch("/api/v1/me/profile/", {"indexable_by_search_engines": "peut-être"}, format="json")

    assert response.status_code == 400
    profile.refresh_from_db()
    assert profile.indexable_by_search_engines is True


def test_the_data_export_holds_the_choice(db):
    from profiles.privacy import export_data

    profile = FreelancerProfileFactory(indexable_by_search_engines=False)
    data, _files = export_data(user=profile.user)
    assert data["freelancer_profile"]["indexable_by_search_engines"] is False
