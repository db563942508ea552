"""Profile, portfolio and report services: the rules, their messages, and that refusals change nothing."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from profiles import services
from profiles.models import FreelancerProfile, PortfolioImage, PortfolioItem, Report, Skill
from projects.models import Project, Review
from search.models import SearchOutboxEntry
from tests.factories import (
    FreelancerProfileFactory,
    MunicipalityFactory,
    ProjectFactory,
    ReviewFactory,
    SkillFactory,
    UserFactory,
)
from tests.profiles.factories import SVG, image_bytes, jpeg_with_gps_and_orientation, upload

# Also in the embedded pass: these hold on the `make run` settings too.
pytestmark = pytest.mark.embedded


def _outbox(profile_id):
    return SearchOutboxEntry.objects.filter(kind="profile", object_id=profile_id).count()


def test_saving_creates_the_profile_with_normalised_skills_and_records_it_for_search(db):
    user = UserFactory()
    existing = SkillFactory(name="Développement Web")
    place = MunicipalityFactory(name="Rivière-du-Loup")

    profile = services.profile_save(
        user=user,
        data={
            "display_name": "  Julie Tremblay ",
            "headline": "Développeuse web",
            "skills": ["développement web", "WordPress", "Développement  WEB", "wordpress"],
            "hourly_rate": "72,50",
            "languages": ["fr", "EN", "fr"],
            "municipality": str(place.pk),
            "travel_radius_km": "80",
            "remote": "on",
        },
    )

    profile.refresh_from_db()
    assert profile.display_name == "Julie Tremblay"
    assert sorted(s.name for s in profile.skills.all()) == ["Développement Web", "WordPress"]
    assert profile.skills.get(slug="developpement-web") == existing
    assert Skill.objects.count() == 2
    assert profile.hourly_rate == Decimal("72.50")
    assert profile.languages == ["fr", "en"]
    assert profile.municipality == place
    assert profile.travel_radius_km == 80
    assert profile.remote is True
    assert _outbox(profile.pk) == 1


def test_saving_again_updates_only_the_given_fields(db):
    profile = FreelancerProfileFactory(headline="Graphiste", hourly_rate=Decimal("65.00"))
    services.profile_save(user=profile.user, data={"hourly_rate": None})
    profile.refresh_from_db()
    assert profile.hourly_rate is None  # "à discuter"
    assert profile.headline == "Graphiste"
    assert FreelancerProfile.objects.count() == 1
    assert _outbox(profile.pk) == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"hourly_rate": "-5"},
            "hourly_rate",
            "Le taux horaire doit être plus grand que 0 $ (laissez vide pour « à discuter »).",
        ),
        (
            {"hourly_rate": "0"},
            "hourly_rate",
            "Le taux horaire doit être plus grand que 0 $ (laissez vide pour « à discuter »).",
        ),
        ({"hourly_rate": "1000000"}, "hourly_rate", "Le taux horaire ne peut pas dépasser 1 000 $ de l'heure."),
        ({"hourly_rate": "NaN"}, "hourly_rate", "Entrez un montant, par exemple 65 ou 72,50."),
        ({"hourly_rate": "soixante"}, "hourly_rate", "Entrez un montant, par exemple 65 ou 72,50."),
        ({"hourly_rate": "72,505"}, "hourly_rate", "Deux décimales au maximum."),
        ({"municipality": 987654}, "municipality", "Cette municipalité n'existe pas. Choisissez-la dans la liste."),
        ({"municipality": "abc"}, "municipality", "Cette municipalité n'existe pas. Choisissez-la dans la liste."),
        ({"headline": "x" * 10_000}, "headline", "140 caractères au maximum (vous en avez 10000)."),
        ({"display_name": "x" * 10_000}, "display_name", "80 caractères au maximum (vous en avez 10000)."),
        ({"display_name": "   "}, "display_name", "Ce champ est obligatoire."),
        ({"travel_radius_km": "-1"}, "travel_radius_km", "Entre 0 et 1500 km."),
        ({"travel_radius_km": "99999"}, "travel_radius_km", "Entre 0 et 1500 km."),
        ({"travel_radius_km": "loin"}, "travel_radius_km", "Entrez un nombre de kilomètres."),
        ({"travel_radius_km": "12,5"}, "travel_radius_km", "Entrez un nombre de kilomètres."),
        (
            {"availability": "from_date", "available_from": "demain"},
            "available_from",
            "Entrez une date valide (AAAA-MM-JJ).",
        ),
        ({"languages": ["fr", "klingon"]}, "languages", "Langue inconnue : klingon."),
        ({"skills": ["!!!"]}, "skills", "« !!! » n'est pas une compétence valide."),
        ({"skills": [f"skill {n}" for n in range(21)]}, "skills", "20 compétences au maximum."),
        ({"availability": "from_date"}, "available_from", "Indiquez à partir de quelle date vous êtes disponible."),
        (
            {"availability": "from_date", "available_from": "2001-01-01"},
            "available_from",
            "Cette date est déjà passée.",
        ),
        ({"availability": "sometimes"}, "availability", "Choisissez une disponibilité de la liste."),
    ],
)
def test_a_bad_value_is_refused_with_its_message_and_nothing_is_saved(db, data, field, message):
    profile = FreelancerProfileFactory(display_name="Julie", headline="Graphiste", hourly_rate=Decimal("65.00"))
    before = FreelancerProfile.objects.values().get(pk=profile.pk)

    with pytest.raises(ValidationFailed) as refused:
        services.profile_save(user=profile.user, data={"headline": "Nouveau titre", **data})

    assert [str(m) for m in refused.value.errors[field]] == [message]
    assert FreelancerProfile.objects.values().get(pk=profile.pk) == before
    assert _outbox(profile.pk) == 0


def test_a_first_save_without_a_name_creates_nothing(db):
    user = UserFactory()
    with pytest.raises(ValidationFailed) as refused:
        services.profile_save(user=user, data={"headline": "Graphiste"})
    assert refused.value.errors == {"display_name": ["Ce champ est obligatoire."]}
    assert not FreelancerProfile.objects.exists()
    assert not SearchOutboxEntry.objects.exists()


def test_available_from_a_date_keeps_the_date_and_other_choices_drop_it(db):
    profile = FreelancerProfileFactory()
    later = timezone.localdate() + datetime.timedelta(days=30)
    services.profile_save(user=profile.user, data={"availability": "from_date", "available_from": later.isoformat()})
    profile.refresh_from_db()
    assert (profile.availability, profile.available_from) == ("from_date", later)
    services.profile_save(user=profile.user, data={"availability": "now"})
    profile.refresh_from_db()
    assert (profile.availability, profile.available_from) == ("now", None)


def test_an_avatar_is_stored_clean_and_the_old_one_deleted(db, media_files, django_capture_on_commit_callbacks):
    profile = FreelancerProfileFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_save(user=profile.user, data={}, avatar=upload(jpeg_with_gps_and_orientation()))
    profile.refresh_from_db()
    first = [profile.avatar.name, profile.avatar_thumbnail.name, profile.avatar_thumbnail_jpeg.name]
    assert media_files() == sorted(first)

    with django_capture_on_commit_callbacks(execute=True):
        services.profile_save(user=profile.user, data={}, avatar=upload(image_bytes(fmt="PNG"), name="a.png"))
    profile.refresh_from_db()
    assert profile.avatar.name.endswith(".png")
    assert media_files() == sorted(
        [profile.avatar.name, profile.avatar_thumbnail.name, profile.avatar_thumbnail_jpeg.name]
    )


def test_a_bad_avatar_refuses_the_whole_change(db, media_files):
    profile = FreelancerProfileFactory(headline="Graphiste")
    with pytest.raises(ValidationFailed) as refused:
        services.profile_save(user=profile.user, data={"headline": "Autre"}, avatar=upload(SVG, name="moi.svg"))
    assert "avatar" in refused.value.errors
    profile.refresh_from_db()
    assert profile.headline == "Graphiste" and not profile.avatar
    assert media_files() == []


def test_a_valid_avatar_with_a_bad_field_leaves_no_file_behind(db, media_files):
    profile = FreelancerProfileFactory()
    with pytest.raises(ValidationFailed):
        services.profile_save(user=profile.user, data={"hourly_rate": "-1"}, avatar=upload(image_bytes()))
    assert media_files() == []


def test_removing_the_avatar_deletes_its_files(db, media_files, django_capture_on_commit_callbacks):
    profile = FreelancerProfileFactory()
    services.profile_save(user=profile.user, data={}, avatar=upload(image_bytes()))
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_avatar_remove(user=profile.user)
    profile.refresh_from_db()
    assert not profile.avatar and media_files() == []


# --- Portfolio --------------------------------------------------------------------------------


def test_a_portfolio_item_is_created_with_its_images(db, media_files):
    profile = FreelancerProfileFactory()
    item = services.portfolio_item_create(
        user=profile.user,
        data={"title": "Site de la fromagerie", "description": "Refonte complète."},
        images=[upload(image_bytes(width=800, height=600)), upload(image_bytes(fmt="WEBP"), name="b.webp")],
    )
    images = list(item.images.all())
    assert [(i.width, i.height) for i in images] == [(800, 600), (64, 48)]
    assert len(media_files()) == 6
    assert _outbox(profile.pk) == 1


def test_one_bad_image_refuses_the_whole_portfolio_item(db, media_files):
    profile = FreelancerProfileFactory()
    with pytest.raises(ValidationFailed) as refused:
        services.portfolio_item_create(
            user=profile.user,
            data={"title": "Affiche"},
            images=[upload(image_bytes()), upload(b"pas une image", name="x.jpg")],
        )
    assert refused.value.errors == {
        "images": ["Ce fichier n'est pas une image valide. Formats acceptés : JPEG, PNG ou WebP."]
    }
    assert not PortfolioItem.objects.exists() and media_files() == []


def test_a_portfolio_item_needs_a_title_and_a_profile(db):
    profile = FreelancerProfileFactory()
    with pytest.raises(ValidationFailed) as refused:
        services.portfolio_item_create(user=profile.user, data={"title": " "})
    assert refused.value.errors == {"title": ["Ce champ est obligatoire."]}
    with pytest.raises(ValidationFailed) as refused:
        services.portfolio_item_create(user=UserFactory(), data={"title": "Logo"})
    assert str(refused.value.message) == "Créez d'abord votre profil de pigiste."
    assert not PortfolioItem.objects.exists()


def test_a_portfolio_item_is_updated_and_removed_images_deleted(db, media_files, django_capture_on_commit_callbacks):
    profile = FreelancerProfileFactory()
    item = services.portfolio_item_create(user=profile.user, data={"title": "Logo"}, images=[upload(image_bytes())])
    old = item.images.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.portfolio_item_update(
            user=profile.user,
            item_id=item.pk,
            data={"title": "Logo de la microbrasserie", "description": ""},
            add_images=[upload(image_bytes(fmt="PNG"), name="n.png")],
            remove_image_ids=[old.pk],
        )
    item.refresh_from_db()
    assert item.title == "Logo de la microbrasserie"
    new = item.images.get()
    assert new.image.name.endswith(".png")
    assert media_files() == sorted([new.image.name, new.thumbnail.name, new.thumbnail_jpeg.name])


def test_someone_elses_portfolio_item_is_not_found(db):
    owner = FreelancerProfileFactory()
    item = services.portfolio_item_create(user=owner.user, data={"title": "Logo"})
    intruder = FreelancerProfileFactory()
    with pytest.raises(NotFound):
        services.portfolio_item_update(user=intruder.user, item_id=item.pk, data={"title": "Volé"})
    with pytest.raises(NotFound):
        services.portfolio_item_delete(user=intruder.user, item_id=item.pk)
    item.refresh_from_db()
    assert item.title == "Logo"


def test_deleting_a_portfolio_item_deletes_its_images(db, media_files, django_capture_on_commit_callbacks):
    profile = FreelancerProfileFactory()
    item = services.portfolio_item_create(user=profile.user, data={"title": "Logo"}, images=[upload(image_bytes())])
    with django_capture_on_commit_callbacks(execute=True):
        services.portfolio_item_delete(user=profile.user, item_id=item.pk)
    assert not PortfolioItem.objects.exists() and not PortfolioImage.objects.exists()
    assert media_files() == []


# --- Reports and moderation -------------------------------------------------------------------


def test_any_member_reports_a_project_once_while_the_report_is_open(db):
    project = ProjectFactory()
    reporter = UserFactory()
    report = services.report_create(
        reporter=reporter, kind="project", object_id=project.pk, reason="scam", details="Demande un dépôt."
    )
    assert report.target == project and report.status == "open"

    with pytest.raises(Conflict) as refused:
        services.report_create(reporter=reporter, kind="project", object_id=project.pk, reason="spam")
    assert str(refused.value.message) == "Vous avez déjà signalé cet élément. L'équipe s'en occupe."
    assert Report.objects.count() == 1


def test_reporting_refuses_own_content_unknown_items_and_bad_reasons(db):
    profile = FreelancerProfileFactory()
    with pytest.raises(PermissionDenied):
        services.report_create(reporter=profile.user, kind="profile", object_id=profile.pk, reason="spam")
    with pytest.raises(NotFound):
        services.report_create(reporter=UserFactory(), kind="review", object_id=999999, reason="spam")
    with pytest.raises(NotFound):
        services.report_create(reporter=UserFactory(), kind="user", object_id=profile.pk, reason="spam")
    with pytest.raises(ValidationFailed) as refused:
        services.report_create(reporter=UserFactory(), kind="profile", object_id=profile.pk, reason="boring")
    assert refused.value.errors == {"reason": ["Choisissez une raison dans la liste."]}
    assert not Report.objects.exists()


def test_staff_hide_a_reported_profile_and_every_open_report_on_it_closes(db):
    profile = FreelancerProfileFactory()
    first = services.report_create(reporter=UserFactory(), kind="profile", object_id=profile.pk, reason="scam")
    second = services.report_create(reporter=UserFactory(), kind="profile", object_id=profile.pk, reason="spam")

    services.report_hide_target(staff_user=UserFactory(is_staff=True), report_id=first.pk)

    profile.refresh_from_db()
    assert profile.is_hidden is True
    assert set(Report.objects.values_list("pk", "status")) == {(first.pk, "hidden"), (second.pk, "hidden")}
    assert _outbox(profile.pk) == 1


def test_staff_hide_a_reported_project(db):
    project = ProjectFactory()
    report = services.report_create(reporter=UserFactory(), kind="project", object_id=project.pk, reason="duplicate")
    services.report_hide_target(staff_user=UserFactory(is_staff=True), report_id=report.pk)
    assert Project.objects.get(pk=project.pk).is_hidden is True
    assert SearchOutboxEntry.objects.filter(kind="project", object_id=project.pk).count() == 1


def test_hiding_a_review_removes_it_from_the_freelancers_rating(db):
    freelancer = FreelancerProfileFactory()
    kept = ReviewFactory(subject=freelancer.user, rating=5)
    bad = ReviewFactory(subject=freelancer.user, rating=1, comment="Insultes")
    from projects.services import freelancer_rating_refresh

    freelancer_rating_refresh(user_id=freelancer.user_id)
    report = services.report_create(reporter=freelancer.user, kind="review", object_id=bad.pk, reason="abuse")

    services.report_hide_target(staff_user=UserFactory(is_staff=True), report_id=report.pk)

    assert Review.objects.get(pk=bad.pk).is_hidden and not Review.objects.get(pk=kept.pk).is_hidden
    freelancer.refresh_from_db()
    assert (freelancer.rating_average, freelancer.rating_count) == (Decimal("5.00"), 1)


def test_only_staff_hide_reported_items(db):
    profile = FreelancerProfileFactory()
    report = services.report_create(reporter=UserFactory(), kind="profile", object_id=profile.pk, reason="scam")
    with pytest.raises(PermissionDenied):
        services.report_hide_target(staff_user=UserFactory(), report_id=report.pk)
    profile.refresh_from_db()
    assert profile.is_hidden is False
    assert Report.objects.get(pk=report.pk).status == "open"


def test_a_hidden_item_can_no_longer_be_reported(db):
    profile = FreelancerProfileFactory(is_hidden=True)
    with pytest.raises(NotFound):
        services.report_create(reporter=UserFactory(), kind="profile", object_id=profile.pk, reason="scam")
