"""Error pages and the CSP as a person sees them in Chromium (desktop and phone)."""

import pytest

pytestmark = pytest.mark.browser


def _watch_csp(page):
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return violations


def test_pages_load_their_styles_without_any_csp_violation(asgi_server, new_page, screenshot):
    page = new_page()
    violations = _watch_csp(page)

    response = page.goto(f"{asgi_server.url}/a-propos/")

    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # site.css applied: the header is laid out by the stylesheet, not the browser's defaults.
    assert page.eval_on_selector(".site-header", "el => getComputedStyle(el).position") == "sticky"
    # The live socket (same origin) is allowed by connect-src 'self'; the server may still refuse an anonymous one.
    page.evaluate(
        """() => new Promise(done => {
            setTimeout(() => done("timeout"), 3000);
            try {
                const socket = new WebSocket(location.origin.replace("http", "ws") + "/ws/");
                socket.onopen = () => { socket.close(); done("open"); };
                socket.onerror = () => done("error");
                socket.onclose = () => done("closed");
            } catch (error) { done(String(error)); }
        })"""
    )
    assert violations == []


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_429_page_says_in_french_when_to_retry(asgi_server, new_page, screenshot, settings, phone):
    settings.ROOT_URLCONF = "tests.marketplace.ratelimit_urls"
    page = new_page(phone=phone)
    violations = _watch_csp(page)

    response = page.goto(f"{asgi_server.url}/test/always-limited/")

    assert response.status == 429
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert page.locator("h1").inner_text() == "Un instant, s'il vous plaît"
    assert "Réessayez dans" in page.locator(".lead").inner_text()
    assert page.get_by_role("link", name="Retour à l'accueil").is_visible()
    assert violations == []
    screenshot(page, f"error-429-{'phone' if phone else 'desktop'}")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_404_page_is_in_french_and_leads_home(asgi_server, new_page, screenshot, phone):
    page = new_page(phone=phone)

    response = page.goto(f"{asgi_server.url}/nulle-part/")

    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page introuvable"
    assert page.get_by_role("link", name="Retour à l'accueil").is_visible()
    screenshot(page, f"error-404-{'phone' if phone else 'desktop'}")
