"""/api/v1/me/portfolio/: items added, changed and removed as on "Mon portfolio", with the same limits."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from rest_framework.test import APIClient

from marketplace.common.quota import storage_usage
from profiles import services
from profiles.models import PortfolioImage, PortfolioItem
from tests.api import api_as
from tests.factories import FreelancerProfileFactory, UserFactory
from tests.profiles.factories import image_bytes, upload

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

URL = "/api/v1/me/portfolio/"
NOT_AN_IMAGE = "Ce fichier n'est pas une image valide. Formats acceptés : JPEG, PNG ou WebP."


def item_url(item_id: int) -> str:
    return f"{URL}{item_id}/"


def images_url(item_id: int) -> str:
    return f"{URL}{item_id}/images/"


def _item(profile, title="Affiche du festival", images=1) -> PortfolioItem:
    return services.portfolio_item_create(
        user=profile.user,
        data={"title": title, "description": "Pour le festival du Bas-Saint-Laurent."},
        images=[upload(image_bytes(width=120, height=90), name=f"image{n}.jpg") for n in range(images)],
    )


def _public_page(client, profile) -> str:
    return client.get(reverse("freelancer-detail", args=[profile.pk])).content.decode()


def test_an_item_added_through_the_api_shows_on_the_public_profile_and_the_manage_page(client):
    profile = FreelancerProfileFactory()
    body = {
        "title": "Logo de la fromagerie",
        "description": "Un logo en deux couleurs.",
        "images": [upload(image_bytes(width=800, height=600), "a.jpg"), upload(image_bytes(fmt="PNG"), "b.png")],
    }

    response = api_as(profile.user).post(URL, body, format="multipart")

    assert response.status_code == 201
    item = PortfolioItem.objects.get(profile=profile)
    data = response.json()
    assert (data["id"], data["title"], data["description"]) == (
        item.pk,
        "Logo de la fromagerie",
        "Un logo en deux couleurs.",
    )
    images = list(item.images.all())
    assert [(i["width"], i["height"]) for i in data["images"]] == [(800, 600), (64, 48)]
    assert data["images"][0]["url"] == f"http://testserver{images[0].image.url}"
    page = _public_page(client, profile)
    assert "Logo de la fromagerie" in page and images[0].image.url in page and images[1].image.url in page
    client.force_login(profile.user)
    assert "Logo de la fromagerie" in client.get(reverse("portfolio-manage")).content.decode()
    assert api_as(UserFactory()).get(f"/api/v1/freelancers/{profile.pk}/").json()["portfolio"] == [data]


def test_an_item_without_images_can_be_sent_as_json():
    profile = FreelancerProfileFactory()

    response = api_as(profile.user).post(URL, {"title": "Site de l'érablière"}, format="json")

    assert response.status_code == 201
    assert response.json()["images"] == [] and response.json()["description"] == ""


def test_the_list_shows_my_items_in_the_page_s_order():
    profile = FreelancerProfileFactory()
    first, second = _item(profile, "Premier"), _item(profile, "Second", images=0)
    _item(FreelancerProfileFactory(), "D'un autre")

    response = api_as(profile.user).get(URL)

    assert response.status_code == 200
    assert [(i["id"], i["title"]) for i in response.json()] == [(first.pk, "Premier"), (second.pk, "Second")]
    assert api_as(UserFactory()).get(URL).json() == []


def test_changing_the_title_alone_keeps_the_description_and_images(client):
    profile = FreelancerProfileFactory()
    item = _item(profile)

    response = api_as(profile.user).patch(item_url(item.pk), {"title": "Affiche 2026"}, format="json")

    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.title, item.description) == ("Affiche 2026", "Pour le festival du Bas-Saint-Laurent.")
    assert len(response.json()["images"]) == 1
    assert "Affiche 2026" in _public_page(client, profile)


def test_images_added_through_the_api_show_on_the_public_profile(client):
    profile = FreelancerProfileFactory()
    item = _item(profile)
    [first] = item.images.all()

    response = api_as(profile.user).post(
        images_url(item.pk), {"images": [upload(image_bytes(width=200, height=100), "c.jpg")]}, format="multipart"
    )

    assert response.status_code == 201
    assert [i["id"] for i in response.json()["images"]][0] == first.pk
    assert [(i["width"], i["height"]) for i in response.json()["images"]] == [(120, 90), (200, 100)]
    added = item.images.order_by("position").last()
    assert added.image.url in _public_page(client, profile)
    assert storage_usage(user_id=profile.user_id).used == sum(i.size for i in item.images.all())


def test_images_removed_through_the_api_leave_the_page_and_the_storage(client, django_capture_on_commit_callbacks):
    profile = FreelancerProfileFactory()
    item = _item(profile, images=2)
    kept, removed = list(item.images.all())

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(profile.user).patch(item_url(item.pk), {"remove_images": [removed.pk, 999_999]})

    assert response.status_code == 200
    assert [i["id"] for i in response.json()["images"]] == [kept.pk]
    assert item.title == response.json()["title"] == "Affiche du festival"
    assert not default_storage.exists(removed.image.name)
    assert removed.image.url not in _public_page(client, profile)
    assert storage_usage(user_id=profile.user_id).used == kept.size


def test_deleting_an_item_removes_it_from_the_page_and_its_files(client, django_capture_on_commit_callbacks):
    profile = FreelancerProfileFactory()
    item = _item(profile)
    image = item.images.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(profile.user).delete(item_url(item.pk))

    assert response.status_code == 204
    assert not PortfolioItem.objects.filter(pk=item.pk).exists()
    assert "Affiche du festival" not in _public_page(client, profile)
    assert not default_storage.exists(image.image.name)
    assert api_as(profile.user).get(item_url(item.pk)).status_code == 404


def test_another_member_s_item_is_not_found_and_stays_as_it_was(media_files):
    owner = FreelancerProfileFactory()
    item = _item(owner)
    files = media_files()
    intruder = api_as(FreelancerProfileFactory().user)

    answers = [
        intruder.get(item_url(item.pk)),
        intruder.patch(item_url(item.pk), {"title": "Volé"}, format="json"),
        intruder.patch(item_url(item.pk), {"remove_images": [item.images.get().pk]}, format="json"),
        intruder.post(images_url(item.pk), {"images": [upload(image_bytes())]}, format="multipart"),
        intruder.delete(item_url(item.pk)),
    ]

    assert [a.status_code for a in answers] == [404, 404, 404, 404, 404]
    assert answers[0].json() == {"detail": "Cette réalisation n'existe pas."}
    item.refresh_from_db()
    assert item.title == "Affiche du festival" and item.images.count() == 1
    assert media_files() == files


def test_more_than_eight_images_are_refused_as_on_the_page(media_files):
    profile = FreelancerProfileFactory()
    images = [upload(image_bytes(), f"{n}.jpg") for n in range(services.MAX_IMAGES_PER_ITEM + 1)]

    response = api_as(profile.user).post(URL, {"title": "Trop d'images", "images": images}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {"images": ["8 images au maximum par réalisation."]}
    assert not PortfolioItem.objects.exists() and media_files() == []


def test_adding_past_the_ninth_image_of_an_item_is_refused_and_nothing_changes(media_files):
    profile = FreelancerProfileFactory()
    item = _item(profile, images=services.MAX_IMAGES_PER_ITEM)
    files = media_files()

    response = api_as(profile.user).post(images_url(item.pk), {"images": [upload(image_bytes())]}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {"images": ["8 images au maximum par réalisation."]}
    assert item.images.count() == services.MAX_IMAGES_PER_ITEM and media_files() == files


def test_a_full_portfolio_takes_no_more_items():
    profile = FreelancerProfileFactory()
    PortfolioItem.objects.bulk_create(
        PortfolioItem(profile=profile, title=f"Réalisation {n}", position=n)
        for n in range(services.MAX_PORTFOLIO_ITEMS)
    )

    response = api_as(profile.user).post(URL, {"title": "Une de trop"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": "24 réalisations au maximum dans un portfolio."}
    assert profile.portfolio_items.count() == services.MAX_PORTFOLIO_ITEMS


def test_an_image_past_the_storage_quota_is_refused(settings, media_files):
    settings.STORAGE_QUOTA_BYTES = 1000
    profile = FreelancerProfileFactory()

    response = api_as(profile.user).post(
        URL, {"title": "Grande affiche", "images": [upload(image_bytes(width=400, height=400))]}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["images"][0].startswith("Votre espace de stockage est plein")
    assert not PortfolioItem.objects.exists() and media_files() == []


def test_a_file_that_is_not_an_image_refuses_the_whole_item(media_files):
    profile = FreelancerProfileFactory()
    images = [upload(image_bytes()), upload(b"%PDF-1.7\n1 0 obj<<>>endobj\n", "cv.jpg")]

    response = api_as(profile.user).post(URL, {"title": "Avec un faux", "images": images}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {"images": [NOT_AN_IMAGE]}
    assert not PortfolioItem.objects.exists() and media_files() == []


def test_an_oversized_image_is_refused(settings, media_files):
    settings.MAX_UPLOAD_BYTES = 2048
    profile = FreelancerProfileFactory()

    response = api_as(profile.user).post(
        URL, {"title": "Lourde", "images": [upload(image_bytes(width=900, height=900))]}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json() == {"images": ["Ce fichier est trop volumineux : 2 Ko au maximum."]}
    assert not PortfolioItem.objects.exists() and media_files() == []


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"title": 12}, "title", "Un texte est attendu."),
        ({"title": "Logo", "description": ["un", "deux"]}, "description", "Un texte est attendu."),
        ({"title": True}, "title", "Un texte est attendu."),
        ({"title": "Logo", "remove_images": "3"}, "remove_images", "Une liste est attendue."),
        ({"title": "Logo", "remove_images": ["3"]}, "remove_images", "Un nombre entier est attendu."),
    ],
)
def test_values_of_the_wrong_json_type_are_refused(body, field, message):
    profile = FreelancerProfileFactory()
    item = _item(profile, images=0)

    created = api_as(profile.user).post(URL, body, format="json")
    changed = api_as(profile.user).patch(item_url(item.pk), body, format="json")

    assert created.status_code == changed.status_code == 400
    assert changed.json() == {field: [message]}
    assert profile.portfolio_items.count() == 1
    item.refresh_from_db()
    assert item.title == "Affiche du festival"


def test_an_item_without_a_title_is_refused():
    profile = FreelancerProfileFactory()

    missing = api_as(profile.user).post(URL, {"description": "Sans titre"}, format="json")
    blank = api_as(profile.user).post(URL, {"title": "   "}, format="multipart")

    assert missing.status_code == blank.status_code == 400
    assert missing.json() == blank.json() == {"title": ["Ce champ est obligatoire."]}
    assert not PortfolioItem.objects.exists()


def test_an_empty_title_is_refused_on_a_change_too():
    profile = FreelancerProfileFactory()
    item = _item(profile)

    response = api_as(profile.user).patch(item_url(item.pk), {"title": "", "description": ""}, format="json")

    assert response.status_code == 400
    assert response.json() == {"title": ["Ce champ est obligatoire."]}
    item.refresh_from_db()
    assert (item.title, item.description) == ("Affiche du festival", "Pour le festival du Bas-Saint-Laurent.")


def test_a_change_is_json_and_an_image_upload_needs_its_files():
    profile = FreelancerProfileFactory()
    item = _item(profile)
    api = api_as(profile.user)

    as_form = api.patch(item_url(item.pk), {"title": "Nouveau"}, format="multipart")
    without_files = api.post(images_url(item.pk), {"title": "Nouveau"}, format="multipart")
    as_json = api.post(images_url(item.pk), {"images": []}, format="json")

    assert as_form.status_code == 415 and as_json.status_code == 415
    assert without_files.status_code == 400 and without_files.json() == {"images": ["Ce champ est obligatoire."]}
    item.refresh_from_db()
    assert item.title == "Affiche du festival" and item.images.count() == 1


def test_a_member_without_a_freelancer_profile_is_told_to_create_it_first():
    response = api_as(UserFactory()).post(URL, {"title": "Logo"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": "Créez d'abord votre profil de pigiste."}


def test_anonymous_callers_get_401():
    anonymous = APIClient()
    assert anonymous.get(URL).status_code == 401
    assert anonymous.post(URL, {"title": "Logo"}, format="json").status_code == 401
    assert anonymous.delete(item_url(1)).status_code == 401
    assert not PortfolioImage.objects.exists()
