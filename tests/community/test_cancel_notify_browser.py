"""The organiser's cancel in Chromium, desktop (1280) and phone (390): the confirmation says who is told."""

from pathlib import Path

import pytest

from community import services
from community.models import GroupRole
from notifications.models import Notification, NotificationKind
from tests.browser.helpers import off_the_browser_thread, session_cookie_for
from tests.browser.test_accessibility import AXE_JS, AXE_RUN, FAILING_IMPACTS, FAILING_RULES
from tests.factories import EventFactory, GroupFactory, GroupMembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.embedded]
SHOTS = Path("/tmp/shots/issue13-gaps")


@pytest.fixture(autouse=True)
def _browser_settings(monkeypatch, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _world():
    group = GroupFactory()
    organiser = UserFactory()
    GroupMembershipFactory(group=group, member=organiser, role=GroupRole.ORGANISER)
    event = EventFactory(group=group, capacity=1)
    seated, waiting = UserFactory(), UserFactory()
    services.event_register(user=seated, event_id=event.pk)
    services.event_register(user=waiting, event_id=event.pk)
    return {"organiser": organiser, "event": event, "members": {seated.pk, waiting.pk}}


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_organiser_cancels_and_the_members_are_told(asgi_server, new_page, phone):
    world = off_the_browser_thread(_world)
    page = new_page(phone=phone)
    page.context.add_init_script(path=str(AXE_JS))
    name, value = session_cookie_for(world["organiser"]).split("=", 1)
    page.context.add_cookies([{"name": name, "value": value, "url": asgi_server.url}])
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = "390" if phone else "1280"

    page.goto(f"{asgi_server.url}/evenements/{world['event'].pk}/annuler/")
    assert page.get_by_text("Les personnes inscrites et en attente en seront avisées.").is_visible()
    page.screenshot(path=str(SHOTS / f"event-cancel-confirm-{size}.png"), full_page=True)
    assert page.evaluate(AXE_RUN, [list(FAILING_IMPACTS), list(FAILING_RULES)]) == []

    page.get_by_role("button", name="Oui, annuler l'événement").click()
    page.wait_for_url(f"**/evenements/{world['event'].pk}/")
    assert page.get_by_text("les personnes inscrites et en attente en sont avisées").is_visible()
    page.screenshot(path=str(SHOTS / f"event-cancelled-{size}.png"), full_page=True)
    told = off_the_browser_thread(
        lambda: set(
            Notification.objects.filter(kind=NotificationKind.EVENT_CANCELLED).values_list("recipient_id", flat=True)
        )
    )
    assert told == world["members"]
