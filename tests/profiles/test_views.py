"""Profile pages as a visitor and a member sees them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from profiles import services
from profiles.models import FreelancerProfile, PortfolioItem, Report
from projects.models import PaidAsAgreed
from tests.factories import FreelancerProfileFactory, ProjectFactory, ReviewFactory, SkillFactory, UserFactory
from tests.profiles.factories import SVG, image_bytes, png_declaring, upload

# Also in the embedded pass: these hold on the `make run` settings too.
pytestmark = pytest.mark.embedded

SCRIPT = '<script>alert("pirate")</script><b>gras</b>'
ESCAPED = "&lt;script&gt;alert(&quot;pirate&quot;)&lt;/script&gt;&lt;b&gt;gras&lt;/b&gt;"


def _profile_with_everything(n: int) -> FreelancerProfile:
    profile = FreelancerProfileFactory(skills=[SkillFactory() for _ in range(n)])
    for i in range(n):
        services.portfolio_item_create(
            user=profile.user, data={"title": f"Réalisation {i}"}, images=[upload(image_bytes())]
        )
        ReviewFactory(subject=profile.user, rating=4 + i % 2)
    return profile


def test_the_public_profile_shows_the_freelancer(client, db):
    profile = FreelancerProfileFactory(
        display_name="Julie Tremblay",
        headline="Photographe de produits",
        hourly_rate=Decimal("1234.50"),
        skills=[SkillFactory(name="Photo de produits")],
        completed_projects_count=3,
    )
    ReviewFactory(subject=profile.user, rating=5, comment="Des photos superbes.")
    from projects.services import freelancer_rating_refresh

    freelancer_rating_refresh(user_id=profile.user_id)

    page = client.get(reverse("freelancer-detail", args=[profile.pk])).content.decode()

    assert "Julie Tremblay" in page and "Photographe de produits" in page
    assert "1\u202f234,50\xa0$" in page
    assert "Photo de produits" in page
    assert "Des photos superbes." in page
    assert "3 projets terminés" in page
    assert "Bas-Saint-Laurent" in page
    assert "Demander une soumission" in page
    assert reverse("freelancer-invite", args=[profile.pk]) in page


def test_a_rate_left_empty_shows_to_discuss(client, db):
    profile = FreelancerProfileFactory(hourly_rate=None)
    assert "À discuter" in client.get(reverse("freelancer-detail", args=[profile.pk])).content.decode()


def test_a_hidden_profile_is_404_for_visitors(client, db):
    profile = FreelancerProfileFactory(is_hidden=True)
    assert client.get(reverse("freelancer-detail", args=[profile.pk])).status_code == 404


def test_the_profile_page_runs_a_constant_number_of_queries(client, db, django_assert_max_num_queries):
    small, big = _profile_with_everything(1), _profile_with_everything(8)
    viewer = UserFactory()
    for _ in range(3):  # a client: the page lists their projects to write about (one query)
        ProjectFactory(owner=viewer)
    client.force_login(viewer)
    for profile in (small, big):
        # 12: one more since freelancers write to each other from a profile (messaging.selectors.peer_write_allowed).
        # 13: the projects whose joint quote counts for the freelancer, listed so that reviews are read by index.
        # 14: the booked weeks, prefetched (the next free week was a CASE over every bookable week).
        with django_assert_max_num_queries(14):
            response = client.get(reverse("freelancer-detail", args=[profile.pk]))
        assert response.status_code == 200
    assert big.portfolio_items.count() == 8


def test_html_in_every_text_field_is_shown_escaped(client, db):
    profile = FreelancerProfileFactory(display_name=SCRIPT[:80], headline=SCRIPT, bio=SCRIPT)
    services.profile_save(user=profile.user, data={"skills": [SCRIPT[:60]]})
    services.portfolio_item_create(user=profile.user, data={"title": SCRIPT, "description": SCRIPT})
    ReviewFactory(subject=profile.user, comment=SCRIPT)

    for url in (reverse("freelancer-detail", args=[profile.pk]), reverse("client-detail", args=[profile.user_id])):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page and "<b>gras</b>" not in page
    page = client.get(reverse("freelancer-detail", args=[profile.pk])).content.decode()
    assert page.count("&lt;script&gt;") >= 5
    assert ESCAPED[:40] in page


def test_my_profile_page_creates_the_profile_on_first_save(client, db, places):
    user = UserFactory()
    client.force_login(user)
    assert "Créer mon profil de pigiste" in client.get(reverse("profile-edit")).content.decode()

    response = client.post(
        reverse("profile-edit"),
        {
            "display_name": "Marc Ouellet",
            "headline": "Comptable pour PME",
            "skills": "Comptabilité, Tenue de livres",
            "hourly_rate": "55,00",
            "languages": ["fr", "en"],
            "availability": "now",
            "municipality": str(places("Rivière-du-Loup").pk),
            "travel_radius_km": "60",
            "remote": "on",
            "avatar": upload(image_bytes()),
        },
    )

    profile = FreelancerProfile.objects.get(user=user)
    assert response.status_code == 302 and response["Location"] == reverse("freelancer-detail", args=[profile.pk])
    assert profile.hourly_rate == Decimal("55.00") and profile.avatar
    assert profile.municipality.name == "Rivière-du-Loup"
    page = client.get(response["Location"]).content.decode()
    assert "Votre profil est enregistré." in page and "Marc Ouellet" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"hourly_rate": "-20"}, "Le taux horaire doit être plus grand que 0 $"),
        ({"hourly_rate": "999999"}, "Le taux horaire ne peut pas dépasser 1 000 $ de l&#x27;heure."),
        ({"municipality": "31337"}, "Cette municipalité n&#x27;existe pas."),
        ({"display_name": "x" * 10_000}, "80 caractères au maximum (vous en avez 10000)."),
        ({"headline": "x" * 10_000}, "140 caractères au maximum (vous en avez 10000)."),
        ({"avatar": upload(b"du texte", name="photo.jpg")}, "Ce fichier n&#x27;est pas une image valide."),
        (
            {"avatar": upload(SVG, name="photo.svg", content_type="image/svg+xml")},
            "Ce fichier n&#x27;est pas une image valide.",
        ),
        ({"avatar": upload(png_declaring(width=50_000, height=50_000), name="b.png")}, "Cette image est trop grande"),
    ],
)
def test_bad_input_on_my_profile_shows_the_message_and_saves_nothing(client, db, fields, message, media_files):
    profile = FreelancerProfileFactory(display_name="Julie", headline="Graphiste", hourly_rate=Decimal("65.00"))
    before = FreelancerProfile.objects.values().get(pk=profile.pk)
    client.force_login(profile.user)
    data = {"display_name": "Julie", "headline": "Nouveau", "availability": "now", **fields}

    response = client.post(reverse("profile-edit"), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Votre profil n'est pas enregistré" in page
    assert FreelancerProfile.objects.values().get(pk=profile.pk) == before
    assert media_files() == []


def test_an_oversized_avatar_is_refused(client, db, settings, media_files):
    settings.MAX_UPLOAD_BYTES = 1024
    profile = FreelancerProfileFactory()
    client.force_login(profile.user)
    response = client.post(
        reverse("profile-edit"),
        {"display_name": "Julie", "availability": "now", "avatar": upload(image_bytes(width=600, height=600))},
    )
    assert "Ce fichier est trop volumineux : 1 Ko au maximum." in response.content.decode()
    profile.refresh_from_db()
    assert not profile.avatar and media_files() == []


def test_editing_needs_a_login(client, db):
    response = client.get(reverse("profile-edit"))
    assert response.status_code == 302 and "/comptes/" in response["Location"]


def test_the_portfolio_page_adds_edits_and_deletes_items(client, db):
    profile = FreelancerProfileFactory()
    client.force_login(profile.user)
    response = client.post(
        reverse("portfolio-manage"),
        {
            "title": "Affiche du festival",
            "description": "Impression grand format",
            "images": [upload(image_bytes()), upload(image_bytes(fmt="PNG"), name="b.png")],
        },
    )
    assert response.status_code == 302
    item = PortfolioItem.objects.get()
    assert item.images.count() == 2
    assert "Affiche du festival" in client.get(reverse("portfolio-manage")).content.decode()

    removed = item.images.first()
    response = client.post(
        reverse("portfolio-item-update", args=[item.pk]),
        {"title": "Affiche du festival 2026", "description": "", "remove_images": [str(removed.pk)]},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Affiche du festival 2026" and item.images.count() == 1

    assert client.post(reverse("portfolio-item-delete", args=[item.pk])).status_code == 302
    assert not PortfolioItem.objects.exists()


def test_a_bad_portfolio_image_shows_the_message_and_adds_nothing(client, db, media_files):
    profile = FreelancerProfileFactory()
    client.force_login(profile.user)
    response = client.post(
        reverse("portfolio-manage"), {"title": "Logo", "images": [upload(image_bytes()), upload(SVG, name="logo.svg")]}
    )
    assert response.status_code == 200
    assert "Ce fichier n&#x27;est pas une image valide." in response.content.decode()
    assert not PortfolioItem.objects.exists() and media_files() == []


def test_someone_elses_portfolio_item_is_404(client, db):
    owner = FreelancerProfileFactory()
    item = services.portfolio_item_create(user=owner.user, data={"title": "Logo"})
    client.force_login(FreelancerProfileFactory().user)
    assert client.get(reverse("portfolio-item-update", args=[item.pk])).status_code == 404
    assert client.post(reverse("portfolio-item-delete", args=[item.pk])).status_code == 404
    assert PortfolioItem.objects.filter(pk=item.pk).exists()


def test_the_client_page_shows_reviews_and_how_many_were_paid_as_agreed(client, db, django_assert_max_num_queries):
    owner = UserFactory(name="Fromagerie du Fjord")
    for answer in [PaidAsAgreed.YES, PaidAsAgreed.YES, PaidAsAgreed.LATE]:
        project = ProjectFactory(owner=owner, status="completed")
        ReviewFactory(
            project=project,
            author=FreelancerProfileFactory().user,
            subject=owner,
            author_is_client=False,
            paid_as_agreed=answer,
            comment="Client clair et respectueux.",
        )

    with django_assert_max_num_queries(8):
        page = client.get(reverse("client-detail", args=[owner.pk])).content.decode()

    assert "Fromagerie du Fjord" in page
    assert (
        "Réponses déclarées par les pigistes (historique, non vérifiées) : 2 oui, 1 en retard, sur 3 réponses." in page
    )
    assert "Client clair et respectueux." in page


def test_a_member_reports_a_profile_once(client, db):
    profile = FreelancerProfileFactory()
    client.force_login(UserFactory())
    url = reverse("report-create", args=["profile", profile.pk])
    assert "Signaler ce profil" in client.get(url).content.decode()

    response = client.post(url, {"reason": "scam", "details": "Demande un paiement par carte-cadeau."})
    assert response.status_code == 302 and response["Location"] == reverse("freelancer-detail", args=[profile.pk])
    again = client.post(url, {"reason": "spam"})
    assert "Vous avez déjà signalé cet élément." in again.content.decode()
    assert Report.objects.count() == 1


def test_reporting_an_unknown_kind_or_item_is_404(client, db):
    client.force_login(UserFactory())
    assert client.get("/signaler/user/1/").status_code == 404
    assert client.post(reverse("report-create", args=["review", 999999]), {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists()


def test_the_admin_action_hides_the_reported_item(client, db):
    profile = FreelancerProfileFactory()
    report = services.report_create(reporter=UserFactory(), kind="profile", object_id=profile.pk, reason="scam")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:profiles_report_changelist"), {"action": "hide_target", "_selected_action": [report.pk]}
    )

    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.is_hidden is True
    assert Report.objects.get(pk=report.pk).status == "hidden"


@pytest.mark.parametrize(
    "name", ["user", "municipality", "skill", "freelancerprofile", "portfolioitem", "portfolioimage", "report"]
)
def test_every_admin_list_opens(client, db, name):
    FreelancerProfileFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse(f"admin:profiles_{name}_changelist")).status_code == 200
