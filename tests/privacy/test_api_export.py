"""/api/v1/me/data-export/: the Loi 25 archive asked for, followed and downloaded as on the privacy page."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from privacy import services as privacy_services
from privacy.models import DataExport
from tests.api import api_as
from tests.factories import UserFactory
from tests.privacy.factories import zip_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

URL = "/api/v1/me/data-export/"


def _download_url(export) -> str:
    return f"{URL}{export.token}/"


def test_an_archive_asked_through_the_api_is_the_one_the_privacy_page_offers(
    client, django_capture_on_commit_callbacks
):
    member = UserFactory(email="julie@exemple.qc.ca")
    api = api_as(member)

    with django_capture_on_commit_callbacks(execute=True):
        asked = api.post(URL)
    status = api.get(URL)

    assert asked.status_code == 202
    assert asked.json()["status"] == "pending" and asked.json()["download_url"] is None
    export = DataExport.objects.get(user=member)
    assert status.status_code == 200
    body = status.json()
    assert (body["status"], body["size"]) == ("ready", export.size)
    assert body["download_url"] == _download_url(export)
    assert datetime.datetime.fromisoformat(body["expires_at"]) == export.expires_at
    client.force_login(member)
    assert (
        reverse("data-export-download", args=[export.token]) in client.get(reverse("privacy-settings")).content.decode()
    )

    downloaded = api.get(body["download_url"])
    on_the_page = client.get(reverse("data-export-download", args=[export.token]))

    assert downloaded.status_code == 200
    assert downloaded["Content-Type"] == "application/zip"
    assert "attachment" in downloaded["Content-Disposition"]
    assert downloaded["Cache-Control"] == "private, no-store"
    archive = b"".join(downloaded.streaming_content)
    assert archive == b"".join(on_the_page.streaming_content)
    assert json.loads(zip_bytes(archive).read("data.json"))["account"]["email"] == "julie@exemple.qc.ca"


def test_an_archive_being_prepared_shows_on_the_page_and_a_second_one_is_refused(client):
    member = UserFactory()
    api = api_as(member)

    first = api.post(URL)  # its after-commit work not run: still being prepared
    second = api.post(URL)

    assert first.status_code == 202 and api.get(URL).json()["status"] == "pending"
    assert second.status_code == 409
    assert second.json() == {
        "detail": "Une archive est déjà en préparation. Vous recevrez un courriel dès qu'elle sera prête."
    }
    assert DataExport.objects.filter(user=member).count() == 1
    client.force_login(member)
    assert "En préparation" in client.get(reverse("privacy-settings")).content.decode()


def test_an_archive_asked_on_the_page_is_what_the_api_reports(client):
    member = UserFactory()
    client.force_login(member)

    client.post(reverse("data-export-request"))

    assert api_as(member).get(URL).json()["status"] == "pending"


def test_before_any_request_there_is_nothing_to_report():
    response = api_as(UserFactory()).get(URL)

    assert response.status_code == 404
    assert response.json() == {"detail": "Vous n'avez pas encore demandé d'archive."}


def test_someone_else_s_archive_and_one_not_ready_are_not_found(run_on_commit):
    owner = UserFactory()
    ready = run_on_commit(privacy_services.data_export_request, user=owner)
    pending_owner = UserFactory()
    pending = privacy_services.data_export_request(user=pending_owner)

    stranger = api_as(UserFactory()).get(_download_url(ready))
    not_ready = api_as(pending_owner).get(_download_url(pending))

    assert stranger.status_code == not_ready.status_code == 404
    assert stranger.json() == {"detail": "Cette archive n'existe pas."}
    assert not_ready.json() == {"detail": "Cette archive n'est pas encore prête."}


def test_an_expired_link_is_gone_with_the_page_s_message(run_on_commit):
    member = UserFactory()
    export = run_on_commit(privacy_services.data_export_request, user=member)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))

    response = api_as(member).get(_download_url(export))

    assert response.status_code == 410
    assert response.json()["detail"].startswith("Ce lien a expiré")


def test_a_json_accept_header_still_gets_the_file(run_on_commit):
    member = UserFactory()
    export = run_on_commit(privacy_services.data_export_request, user=member)

    response = api_as(member).get(_download_url(export), HTTP_ACCEPT="application/json")

    assert response.status_code == 200 and response["Content-Type"] == "application/zip"


def test_anonymous_callers_get_401(run_on_commit):
    export = run_on_commit(privacy_services.data_export_request, user=UserFactory())

    assert APIClient().get(URL).status_code == 401
    assert APIClient().post(URL).status_code == 401
    assert APIClient().get(_download_url(export)).status_code == 401
    assert DataExport.objects.count() == 1
