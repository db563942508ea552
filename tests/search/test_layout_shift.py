"""The search pages don't jump while they load (cumulative layout shift, measured in Chromium)."""

import json
from decimal import Decimal

import pytest

from tests.factories import FreelancerProfileFactory, ProjectFactory, SkillFactory, UserFactory

from .conftest import sync_index
from .factories import place

pytestmark = [pytest.mark.browser, pytest.mark.embedded]

# Google's threshold for a "good" CLS is 0.1; a page that reserves its space scores about 0.
GOOD_CLS = 0.1

# Registered before any of the page's own code: sums every shift not caused by the user, and
# remembers which elements moved (to say what jumped when the test fails).
MEASURE_LAYOUT_SHIFT = """
if (!window.__shifts) {
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) continue;
    window.__shifts.push({
      value: entry.value,
      sources: (entry.sources || []).map((s) => {
        const node = s.node;
        const name = node && node.nodeType === 1
          ? node.tagName.toLowerCase() + (node.className ? "." + String(node.className).split(" ").join(".") : "")
          : String(node && node.nodeName);
        return name;
      }),
    });
  }
}).observe({ type: "layout-shift", buffered: true });
}
"""


@pytest.fixture
def listed(asgi_server, settings, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.ELASTICSEARCH_URL = ""  # the database backend, as under `make run`
    design, web = SkillFactory(name="Design graphique"), SkillFactory(name="Développement web")
    places = [place("Rivière-du-Loup"), place("Rimouski"), place("Québec"), place("Montréal")]
    for i in range(12):
        FreelancerProfileFactory(
            display_name=f"Pigiste {i}",
            headline="Graphiste et illustratrice" if i % 2 else "Développeur web",
            bio="Je conçois des identités visuelles et des sites pour les PME de la région depuis dix ans. " * 2,
            municipality=places[i % 4],
            skills=[design] if i % 2 else [web],
            hourly_rate=Decimal(50 + i),
            rating_average=Decimal("4.5") if i % 3 else None,
            rating_count=3 if i % 3 else 0,
        )
    ProjectFactory(title="Logo pour une microbrasserie", municipality=places[0], skills=[design])
    sync_index()
    return asgi_server


def like_a_mid_range_phone(page) -> None:
    """Lighthouse's mobile throttling (4× slower CPU, 150 ms round trips at 1.6 Mb/s): late scripts show up."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8},
    )


def layout_shift(page, url: str) -> tuple[float, list]:
    page.add_init_script(MEASURE_LAYOUT_SHIFT)
    # A throttled phone on a busy test machine: the first page of a cold server may take longer than the default.
    page.goto(url, wait_until="load", timeout=60_000)
    page.wait_for_load_state("networkidle", timeout=60_000)
    page.wait_for_timeout(500)  # shifts are reported asynchronously, after the frame that caused them
    shifts = page.evaluate("window.__shifts")
    return sum(s["value"] for s in shifts), shifts


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
@pytest.mark.parametrize("path", ["/recherche/pigistes/", "/recherche/pigistes/?q=graphiste", "/recherche/projets/"])
def test_the_search_pages_do_not_jump_while_they_load(listed, new_page, screenshot, phone, path):
    page = new_page(phone=phone)
    if phone:
        like_a_mid_range_phone(page)
    cls, shifts = layout_shift(page, listed.url + path)
    assert cls < GOOD_CLS, json.dumps(shifts, indent=1)
    assert cls < 0.01, json.dumps(shifts, indent=1)  # nothing moves at all, in practice
    if path == "/recherche/pigistes/":
        screenshot(page, f"search-freelancers-loaded-{'phone' if phone else 'desktop'}")


def test_the_freelancer_search_does_not_jump_for_a_member_either(listed, new_page):
    # Logged in, the header carries live badges and the project page a saved-search box.
    user = UserFactory(email="membre@exemple.qc.ca")
    page = new_page(phone=True)
    page.goto(f"{listed.url}/comptes/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", "motdepasse-solide-123")
    page.click("form [type=submit]")
    page.wait_for_url(lambda url: "/comptes/login/" not in url)
    for path in ("/recherche/pigistes/?q=web", "/recherche/projets/?q=logo"):
        cls, shifts = layout_shift(page, listed.url + path)
        assert cls < 0.01, json.dumps(shifts, indent=1)
