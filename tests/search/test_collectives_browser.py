"""A collective among the freelancers found, in Chromium: its card links to its page (desktop and phone)."""

from pathlib import Path

import pytest
from django.db import transaction

from collectives.hooks import collective_changed
from collectives.models import CollectiveKind, MemberRole
from tests.factories import CollectiveFactory, CollectiveMembershipFactory, FreelancerProfileFactory, SkillFactory

from .conftest import sync_index
from .factories import place

pytestmark = [pytest.mark.browser, pytest.mark.embedded]

SHOTS = Path("/tmp/shots/h7")


@pytest.fixture
def live_search(asgi_server, settings):
    settings.ELASTICSEARCH_URL = ""
    rdl = place("Rivière-du-Loup")
    design, photo = SkillFactory(name="Design graphique"), SkillFactory(name="Photographie")
    coop = CollectiveFactory(
        name="Atelier du Fleuve",
        slug="atelier-du-fleuve",
        kind=CollectiveKind.COOPERATIVE,
        municipality=rdl,
        description="Coopérative de graphistes et de photographes au bord du fleuve.",
    )
    for name, skills, role in (
        ("Gaëlle Ouellet", [design], MemberRole.ADMIN),
        ("Hugo Roy", [photo], MemberRole.MEMBER),
    ):
        profile = FreelancerProfileFactory(display_name=name, municipality=rdl, skills=skills)
        CollectiveMembershipFactory(collective=coop, member=profile.user, role=role)
    with transaction.atomic():
        collective_changed(collective_id=coop.pk)
    sync_index()
    return asgi_server.url + "/recherche/pigistes/?collectives=include&q=graphiste"


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_collective_card_reads_and_leads_to_its_page(live_search, new_page, phone):
    page = new_page(phone=phone)
    page.goto(live_search)

    card = page.locator(".result", has=page.locator(".collective-kind"))
    assert card.locator("h2 a").get_attribute("href") == "/collectifs/atelier-du-fleuve/"
    assert card.locator(".collective-kind").inner_text() == "Coopérative"
    assert card.locator(".member-count").inner_text() == "2 membres"
    assert card.locator(".tag").all_inner_texts() == ["Design graphique", "Photographie"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"search-collective-{'phone' if phone else 'desktop'}.png"), full_page=True)
