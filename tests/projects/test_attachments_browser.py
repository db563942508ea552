"""Project documents in Chromium: the owner attaches plans, an invited freelancer downloads them."""

from pathlib import Path

import pytest

from tests.factories import FreelancerProfileFactory, ProjectFactory, UserFactory
from tests.privacy.factories import PDF_BYTES
from tests.profiles.factories import image_bytes
from tests.projects.factories import InvitationFactory
from tests.projects.test_browser import log_in

pytestmark = pytest.mark.browser


def test_owner_attaches_documents_and_an_invited_freelancer_downloads_one(asgi_server, new_page, screenshot, tmp_path):
    owner = UserFactory(email="client@exemple.qc.ca", name="Fromagerie du Littoral")
    project = ProjectFactory(owner=owner, title="Agrandir le comptoir de la fromagerie")
    invited = FreelancerProfileFactory(display_name="Julie Gagnon").user
    InvitationFactory(project=project, freelancer=invited)
    stranger = FreelancerProfileFactory(display_name="Marc Pelletier").user
    plans = tmp_path / "Plans du comptoir (version finale).pdf"
    plans.write_bytes(PDF_BYTES)
    photo = tmp_path / "comptoir-actuel.jpg"
    photo.write_bytes(image_bytes(width=800, height=600))
    base = asgi_server.url
    url = f"{base}/projets/{project.pk}/"

    page = new_page()
    log_in(page, base, owner.email)
    page.goto(url)
    page.set_input_files("#document-file", [str(plans), str(photo)])
    page.click(".document-upload [type=submit]")
    page.wait_for_load_state()
    assert page.locator(".document-name").all_inner_texts() == [
        "Plans du comptoir (version finale).pdf",
        "comptoir-actuel.jpg",
    ]
    assert "Document ajouté." in page.inner_text("body")
    screenshot(page, "projects-documents-owner-desktop")

    freelancer_page = new_page(phone=True)
    log_in(freelancer_page, base, invited.email)
    freelancer_page.goto(url)
    with freelancer_page.expect_download() as download_info:
        freelancer_page.click("text=Plans du comptoir (version finale).pdf")
    download = download_info.value
    assert download.suggested_filename == "Plans du comptoir (version finale).pdf"
    assert Path(download.path()).read_bytes() == PDF_BYTES
    freelancer_page.locator("#documents").scroll_into_view_if_needed()
    screenshot(freelancer_page, "projects-documents-invited-phone")

    stranger_page = new_page(phone=True)
    log_in(stranger_page, base, stranger.email)
    stranger_page.goto(url)
    assert "2 documents sont réservés aux pigistes invités ou qui ont soumissionné." in stranger_page.inner_text(
        "#documents"
    )
    assert stranger_page.locator(".document-link").count() == 0
    screenshot(stranger_page, "projects-documents-stranger-phone")
