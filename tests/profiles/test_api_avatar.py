"""/api/v1/me/profile/avatar/: the profile photo changed and removed as on "Mon profil", same pipeline and quota."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from rest_framework.test import APIClient

from marketplace.common.quota import storage_usage
from profiles import services
from tests.api import api_as
from tests.factories import FreelancerProfileFactory, UserFactory
from tests.profiles.factories import SVG, image_bytes, upload

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

URL = "/api/v1/me/profile/avatar/"
NOT_AN_IMAGE = "Ce fichier n'est pas une image valide. Formats acceptés : JPEG, PNG ou WebP."


def _page(client, profile) -> str:
    return client.get(reverse("freelancer-detail", args=[profile.pk])).content.decode()


def test_a_new_avatar_sent_through_the_api_shows_on_the_profile_page(client, media_files):
    profile = FreelancerProfileFactory()

    response = api_as(profile.user).put(URL, {"avatar": upload(image_bytes(width=600, height=400))}, format="multipart")

    assert response.status_code == 200
    profile.refresh_from_db()
    assert profile.avatar and profile.avatar_thumbnail
    assert response.json()["avatar_url"] == f"http://testserver{profile.avatar_thumbnail.url}"
    assert profile.avatar_thumbnail.url in _page(client, profile)
    assert storage_usage(user_id=profile.user_id).used == profile.avatar_size > 0
    assert media_files() == sorted(
        [profile.avatar.name, profile.avatar_thumbnail.name, profile.avatar_thumbnail_jpeg.name]
    )


def test_replacing_the_avatar_deletes_the_old_files(django_capture_on_commit_callbacks, media_files):
    profile = FreelancerProfileFactory()
    services.profile_save(user=profile.user, data={}, avatar=upload(image_bytes()))
    profile.refresh_from_db()
    old = profile.avatar.name

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(profile.user).put(
            URL, {"avatar": upload(image_bytes(fmt="PNG"), "moi.png")}, format="multipart"
        )

    assert response.status_code == 200
    assert not default_storage.exists(old)
    assert len(media_files()) == 3


def test_removing_the_avatar_through_the_api_removes_it_from_the_page(client, django_capture_on_commit_callbacks):
    profile = FreelancerProfileFactory()
    services.profile_save(user=profile.user, data={}, avatar=upload(image_bytes()))
    profile.refresh_from_db()
    thumbnail = profile.avatar_thumbnail.url

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(profile.user).delete(URL)

    assert response.status_code == 200
    assert response.json()["avatar_url"] is None
    assert thumbnail not in _page(client, profile)
    assert not default_storage.exists(profile.avatar.name)
    assert storage_usage(user_id=profile.user_id).used == 0


@pytest.mark.parametrize(
    ("data", "name"),
    [(b"Bonjour, je ne suis pas une image.\n" * 20, "photo.jpg"), (SVG, "logo.png")],
    ids=["text-named-jpg", "svg-named-png"],
)
def test_a_file_that_is_not_an_image_is_refused_and_the_avatar_stays(data, name, media_files):
    profile = FreelancerProfileFactory()
    services.profile_save(user=profile.user, data={}, avatar=upload(image_bytes()))
    before = sorted(media_files())

    response = api_as(profile.user).put(URL, {"avatar": upload(data, name)}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {"avatar": [NOT_AN_IMAGE]}
    assert media_files() == before


def test_an_oversized_avatar_is_refused_with_the_page_s_message(settings, media_files):
    settings.MAX_UPLOAD_BYTES = 2048
    profile = FreelancerProfileFactory()

    response = api_as(profile.user).put(URL, {"avatar": upload(image_bytes(width=800, height=800))}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {"avatar": ["Ce fichier est trop volumineux : 2 Ko au maximum."]}
    profile.refresh_from_db()
    assert not profile.avatar
    assert media_files() == []


def test_an_avatar_past_the_storage_quota_is_refused_and_nothing_is_kept(settings, media_files):
    settings.STORAGE_QUOTA_BYTES = 1000
    profile = FreelancerProfileFactory()

    response = api_as(profile.user).put(URL, {"avatar": upload(image_bytes(width=300, height=300))}, format="multipart")

    assert response.status_code == 400
    assert response.json()["avatar"][0].startswith("Votre espace de stockage est plein")
    profile.refresh_from_db()
    assert not profile.avatar
    assert media_files() == []


def test_a_request_without_the_file_or_with_json_is_refused():
    profile = FreelancerProfileFactory()
    api = api_as(profile.user)

    missing = api.put(URL, {"other": "x"}, format="multipart")
    text_instead = api.put(URL, {"avatar": "photo.jpg"}, format="multipart")
    json_body = api.put(URL, {"avatar": "photo.jpg"}, format="json")

    assert missing.status_code == 400 and list(missing.json()) == ["avatar"]
    assert text_instead.status_code == 400 and list(text_instead.json()) == ["avatar"]
    assert json_body.status_code == 415
    profile.refresh_from_db()
    assert not profile.avatar


def test_a_member_without_a_profile_gets_404_and_no_file_is_kept(media_files):
    member = UserFactory()
    api = api_as(member)

    sent = api.put(URL, {"avatar": upload(image_bytes())}, format="multipart")
    removed = api.delete(URL)

    assert sent.status_code == removed.status_code == 404
    assert sent.json() == {"detail": "Vous n'avez pas encore de profil de pigiste."}
    assert media_files() == []


def test_anonymous_callers_get_401():
    assert APIClient().put(URL, {"avatar": upload(image_bytes())}, format="multipart").status_code == 401
    assert APIClient().delete(URL).status_code == 401
