"""The public profile and the profile editor in Debian's Chromium, desktop and phone, against the live ASGI server."""

import io
from decimal import Decimal

import pytest
from django.db import transaction
from PIL import Image, ImageDraw

from profiles import services
from profiles.models import FreelancerProfile
from projects.services import freelancer_rating_refresh
from tests.factories import ProjectFactory, ReviewFactory, UserFactory
from tests.profiles.factories import upload

pytestmark = pytest.mark.browser
PASSWORD = "motdepasse-solide-123"


@pytest.fixture(autouse=True)
def _browser_settings(monkeypatch, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _picture(width, height, colors):
    image = Image.new("RGB", (width, height), colors[0])
    draw = ImageDraw.Draw(image)
    for i, color in enumerate(colors[1:], start=1):
        draw.ellipse([width * i // 6, height * i // 8, width * (i + 3) // 6, height * (i + 4) // 8], fill=color)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return upload(buffer.getvalue())


def _log_in(page, base, email):
    page.goto(f"{base}/comptes/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_load_state()


def _julie():
    services.municipalities_load()
    from profiles.models import Municipality

    place = Municipality.objects.get(name="Rivière-du-Loup")
    user = UserFactory(email="julie@exemple.qc.ca")
    services.profile_save(
        user=user,
        data={
            "display_name": "Julie Tremblay",
            "headline": "Graphiste et illustratrice pour les PME du Bas-Saint-Laurent",
            "bio": "Pigiste depuis dix ans, je crée des logos, des étiquettes et des affiches.\n\nJe travaille surtout avec des producteurs de la région.",
            "skills": ["Design graphique", "Illustration", "Étiquettes", "Logo"],
            "hourly_rate": "65",
            "languages": ["fr", "en"],
            "municipality": place.pk,
            "travel_radius_km": 80,
            "remote": True,
        },
        avatar=_picture(400, 400, [(31, 95, 191), (232, 240, 252), (224, 161, 0)]),
    )
    for title, colors in [
        ("Étiquettes de la Fromagerie du Fjord", [(120, 60, 30), (250, 230, 200), (200, 40, 40)]),
        ("Logo de la microbrasserie Kamouraska", [(20, 80, 60), (240, 200, 60), (255, 255, 255)]),
        ("Affiche du festival de contes", [(60, 20, 90), (240, 120, 160), (255, 230, 120)]),
    ]:
        services.portfolio_item_create(
            user=user,
            data={"title": title, "description": "Conception complète, du croquis à l'impression."},
            images=[_picture(1200, 900, colors), _picture(900, 900, colors[::-1])],
        )
    client = UserFactory(name="Fromagerie du Fjord")
    for rating, comment in [(5, "Travail impeccable, livré à temps."), (4, "Très créative, à l'écoute.")]:
        project = ProjectFactory(owner=client, status="completed")
        ReviewFactory(project=project, author=client, subject=user, rating=rating, comment=comment)
        ReviewFactory(
            project=project,
            author=user,
            subject=client,
            author_is_client=False,
            rating=5,
            paid_as_agreed="yes",
            comment="Client clair, paiement reçu le jour même.",
        )
    with transaction.atomic():
        freelancer_rating_refresh(user_id=user.pk)
    FreelancerProfile.objects.filter(user=user).update(completed_projects_count=2)
    return FreelancerProfile.objects.get(user=user)


def test_the_public_profile_on_desktop_and_phone(asgi_server, new_page, screenshot):
    profile = _julie()
    url = f"{asgi_server.url}/pigistes/{profile.pk}/"
    for phone in (False, True):
        page = new_page(phone=phone)
        page.goto(url)
        assert page.locator("h1").inner_text() == "Julie Tremblay"
        assert page.get_by_text("65,00\xa0$/h").is_visible() or page.locator(".rate").inner_text().startswith("65,00")
        assert page.get_by_role("link", name="Demander une soumission").is_visible()
        assert page.locator(".portfolio-item").count() == 3
        # Every image (avatar, portfolio thumbnails) actually loaded.
        broken = page.evaluate(
            """Promise.all([...document.images].map(img => {
                img.loading = "eager";
                return img.decode().then(() => 0, () => 1);
            })).then(results => results.reduce((a, b) => a + b, 0))"""
        )
        assert broken == 0
        screenshot(page, f"profiles-public-{'phone' if phone else 'desktop'}")
        page.get_by_role("link", name="Fromagerie du Fjord", exact=True).first.click()
        page.wait_for_url("**/clients/*/")
        assert page.get_by_text(
            "Réponses déclarées par les pigistes (historique, non vérifiées) : 2 oui, 0 en retard, sur 2 réponses."
        ).is_visible()
        screenshot(page, f"profiles-client-{'phone' if phone else 'desktop'}")


def test_the_profile_editor_on_desktop_and_phone(asgi_server, new_page, screenshot):
    profile = _julie()
    for phone in (False, True):
        page = new_page(phone=phone)
        _log_in(page, asgi_server.url, "julie@exemple.qc.ca")
        page.goto(f"{asgi_server.url}/mon-profil/")
        assert page.locator("#id_display_name").input_value() == "Julie Tremblay"
        page.fill("#id_hourly_rate", "-5")
        page.click("form.profile-form button[type=submit]")
        assert page.get_by_text("Le taux horaire doit être plus grand que 0 $").is_visible()
        screenshot(page, f"profiles-edit-error-{'phone' if phone else 'desktop'}")
        page.fill("#id_hourly_rate", "70")
        page.fill("#id_headline", "Graphiste, illustratrice et <b>pas</b> de HTML")
        page.click("form.profile-form button[type=submit]")
        page.wait_for_url(f"**/pigistes/{profile.pk}/")
        assert page.get_by_text("Votre profil est enregistré.").is_visible()
        assert page.locator(".profile-headline").inner_text() == "Graphiste, illustratrice et <b>pas</b> de HTML"
        page.goto(f"{asgi_server.url}/mon-profil/")
        screenshot(page, f"profiles-edit-{'phone' if phone else 'desktop'}")
    profile.refresh_from_db()
    assert profile.hourly_rate == Decimal("70.00")


def test_a_new_member_creates_a_profile_and_manages_the_portfolio(asgi_server, new_page, screenshot):
    services.municipalities_load()
    UserFactory(email="marc@exemple.qc.ca", name="Marc")
    page = new_page(phone=True)
    _log_in(page, asgi_server.url, "marc@exemple.qc.ca")
    page.goto(f"{asgi_server.url}/mon-profil/")
    page.fill("#id_display_name", "Marc Ouellet")
    page.fill("#id_skills", "Comptabilité, Tenue de livres")
    page.fill("#id_municipality", "levis")
    page.get_by_role("option", name="Lévis").first.click()
    screenshot(page, "profiles-create-phone")
    page.click("form.profile-form button[type=submit]")
    page.wait_for_url("**/pigistes/*/")
    assert page.locator("h1").inner_text() == "Marc Ouellet"
    # As every page names a place (Municipality.full_label): Lévis is its own MRC (territoire équivalent).
    assert page.get_by_text("Lévis — Chaudière-Appalaches").is_visible()
    page.goto(f"{asgi_server.url}/mon-profil/portfolio/")
    page.fill("#id_title", "Bilan annuel d'une coopérative")
    page.set_input_files("#id_images", files=[{"name": "bilan.svg", "mimeType": "image/svg+xml", "buffer": b"<svg/>"}])
    page.click("form.card button[type=submit]")
    assert page.get_by_text("Ce fichier n'est pas une image valide.").is_visible()
    screenshot(page, "profiles-portfolio-error-phone")
