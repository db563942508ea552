"""sitemap.xml, robots.txt, the addressable languages, and the shared SEO helpers."""

import datetime
import json
import re
import xml.etree.ElementTree as ET  # noqa: S405 (our own sitemap, parsed in a test)

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from marketplace.common import seo
from projects.models import ProjectStatus, Visibility
from tests.factories import (
    FreelancerProfileFactory,
    MrcFactory,
    MunicipalityFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.embedded

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def _sitemap_entries(client) -> dict[str, dict]:
    """Every <url> of every section the index lists: location → {lastmod, alternates}."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    assert index["Content-Type"].startswith("application/xml")
    index_root = ET.fromstring(index.content)  # noqa: S314
    sections = [loc.text for loc in index_root.findall("s:sitemap/s:loc", NS)]
    assert sections and all(url.startswith(settings.SITE_URL + "/sitemap-") for url in sections)
    entries = {}
    for url in sections:
        response = client.get(url.removeprefix(settings.SITE_URL))
        assert response.status_code == 200
        for node in ET.fromstring(response.content).findall("s:url", NS):  # noqa: S314
            lastmod = node.find("s:lastmod", NS)
            entries[node.find("s:loc", NS).text] = {
                "lastmod": lastmod.text if lastmod is not None else None,
                "alternates": {link.get("hreflang"): link.get("href") for link in node.findall("x:link", NS)},
            }
    return entries


def test_the_sitemap_lists_public_pages_profiles_and_open_projects_in_both_languages(client, db):
    profile = FreelancerProfileFactory()
    project = ProjectFactory()

    entries = _sitemap_entries(client)

    base = settings.SITE_URL
    for path in ("/", "/projets/", "/a-propos/", f"/pigistes/{profile.pk}/", f"/projets/{project.pk}/"):
        assert f"{base}{path}" in entries
        assert f"{base}{path}?lang=en" in entries
        assert entries[f"{base}{path}"]["alternates"] == {
            "fr-ca": f"{base}{path}",
            "en": f"{base}{path}?lang=en",
            "x-default": f"{base}{path}",
        }
    # The sitemap dates in Quebec time: late in the evening there, UTC is already tomorrow.
    assert entries[f"{base}/pigistes/{profile.pk}/"]["lastmod"] == timezone.localdate(profile.updated_at).isoformat()
    assert (
        entries[f"{base}/projets/{project.pk}/?lang=en"]["lastmod"]
        == timezone.localdate(project.updated_at).isoformat()
    )


def test_the_sitemap_leaves_out_what_search_engines_must_not_see(client, db):
    opted_out = FreelancerProfileFactory(indexable_by_search_engines=False)
    moderated = FreelancerProfileFactory(is_hidden=True)
    deactivated = FreelancerProfileFactory(user=UserFactory(is_active=False))
    listed = FreelancerProfileFactory()
    kept = ProjectFactory()
    left_out = [
        ProjectFactory(visibility=Visibility.INVITED),
        ProjectFactory(is_hidden=True),
        ProjectFactory(status=ProjectStatus.DRAFT, published_at=None),
        ProjectFactory(status=ProjectStatus.AWAITING_EMAIL, published_at=None),
        ProjectFactory(status=ProjectStatus.CLOSED),
        ProjectFactory(status=ProjectStatus.AWARDED),
        ProjectFactory(status=ProjectStatus.COMPLETED),
        ProjectFactory(quotes_due=timezone.localdate() - datetime.timedelta(days=1)),
    ]

    text = " ".join(_sitemap_entries(client))

    assert f"/pigistes/{listed.pk}/" in text and f"/projets/{kept.pk}/" in text
    for profile in (opted_out, moderated, deactivated):
        assert f"/pigistes/{profile.pk}/" not in text
    for project in left_out:
        assert f"/projets/{project.pk}/" not in text
    # Nothing private ever: account pages, messages, the API.
    assert not re.search(r"/(comptes|compte|messages|api|admin|mon-profil|tableau-de-bord)/", text)


def test_a_freelancer_who_opts_out_leaves_the_sitemap(client, db):
    profile = FreelancerProfileFactory()
    assert any(f"/pigistes/{profile.pk}/" in url for url in _sitemap_entries(client))

    profile.indexable_by_search_engines = False
    profile.save()

    assert not any(f"/pigistes/{profile.pk}/" in url for url in _sitemap_entries(client))


def test_the_sitemap_runs_a_constant_number_of_queries(client, db, django_assert_max_num_queries):
    for _ in range(5):
        FreelancerProfileFactory()
        ProjectFactory()
    # The site, then per section its latest change and its items (for the page count).
    with django_assert_max_num_queries(6):
        client.get("/sitemap.xml")
    for section in ("pages", "mrc", "pigistes", "projets"):
        with django_assert_max_num_queries(3):
            assert client.get(f"/sitemap-{section}.xml").status_code == 200


def test_robots_txt_opens_public_pages_closes_private_ones_and_names_the_sitemap(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Allow: /" in lines
    disallowed = {line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow: ")}
    assert {"/admin/", "/api/", "/comptes/", "/compte/", "/messages/", "/notifications/", "/mon-profil/"} <= disallowed
    assert {"/tableau-de-bord/", "/i18n/", "/projets/nouveau/"} <= disallowed
    # Public pages stay open.
    for path in ("/pigistes/1/", "/projets/1/", "/projets/", "/a-propos/", "/recherche/pigistes/"):
        assert not any(path.startswith(rule) for rule in disallowed), path
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in lines


def test_lang_in_the_address_serves_that_language_and_an_unknown_one_is_ignored(client, db):
    assert '<html lang="en">' in client.get("/?lang=en").content.decode()
    assert '<html lang="en">' in client.get("/?lang=EN").content.decode()
    assert '<html lang="fr-ca">' in client.get("/?lang=fr-CA").content.decode()
    response = client.get("/?lang=klingon")
    assert response.status_code == 200 and '<html lang="fr-ca">' in response.content.decode()


def test_lang_in_the_address_outranks_the_cookie_for_that_page_only(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="fr-ca">' in client.get("/?lang=fr-ca").content.decode()
    assert '<html lang="en">' in client.get("/").content.decode()


def test_the_language_switch_drops_lang_from_the_page_it_returns_to(client, db):
    response = client.post(reverse("set_language"), {"language": "fr-ca", "next": "/projets/?categorie=web&lang=en"})

    assert response.status_code == 302
    assert response["Location"] == "/projets/?categorie=web"
    assert '<html lang="fr-ca">' in client.get(response["Location"]).content.decode()


def test_plain_text_strips_html_and_cuts_at_a_word():
    assert seo.plain_text("<p>Bonjour <b>Québec</b></p>\n\n  à  vous") == "Bonjour Québec à vous"
    cut = seo.plain_text("mot " * 100, limit=30)
    assert cut == "mot mot mot mot mot mot mot…" and len(cut) <= 30
    assert seo.plain_text(None) == ""


def test_json_ld_cannot_leave_its_script_element():
    html = str(seo.json_ld_script({"name": "</script><script>alert(1)</script> <!-- & -->"}))

    assert html.count("</script>") == 1 and html.endswith("</script>")
    assert "<!--" not in html
    payload = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert json.loads(payload) == {"name": "</script><script>alert(1)</script> <!-- & -->"}


def test_language_urls_are_absolute_and_the_default_language_has_the_plain_one():
    assert seo.language_url("/projets/3/", "fr-ca") == f"{settings.SITE_URL}/projets/3/"
    assert seo.language_url("/projets/3/", "en") == f"{settings.SITE_URL}/projets/3/?lang=en"
    assert seo.absolute_url("https://cdn.example/a.png") == "https://cdn.example/a.png"


def test_the_sitemap_lists_the_mrc_pages_that_have_a_listed_freelancer(client, db):
    kamouraska = MrcFactory()
    other = MrcFactory(code="07", name="L'Islet", slug="l-islet")
    FreelancerProfileFactory(municipality=MunicipalityFactory(name="Saint-Pascal", mrc=kamouraska))
    FreelancerProfileFactory(
        municipality=MunicipalityFactory(name="Saint-Jean-Port-Joli", mrc=other), indexable_by_search_engines=False
    )

    entries = _sitemap_entries(client)

    assert f"{settings.SITE_URL}/mrc/{kamouraska.slug}/" in entries
    assert f"{settings.SITE_URL}/mrc/{kamouraska.slug}/?lang=en" in entries
    assert f"{settings.SITE_URL}/mrc/" in entries
    assert not any(f"/mrc/{other.slug}/" in url for url in entries)
