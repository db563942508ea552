"""axe-core on every page of the site, logged out and logged in (client and freelancer), desktop and phone.

Zero serious or critical violation is the bar (plus heading-order, which the walk-through found on search).
The walk covers every named URL: those without arguments are visited as they come; those with arguments
are either in PAGES_WITH_OBJECTS (built on real data) or in NOT_PAGES with the reason they are no page.
A new URL name that is in neither fails test_every_named_url_is_walked_or_explained, so the check keeps up
with the site. axe-core comes from npm (scripts/axe, pinned by its package-lock; `make test` installs it).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.browser.helpers import off_the_browser_thread, session_cookie_for

pytestmark = [pytest.mark.browser, pytest.mark.embedded]

AXE_JS = Path(settings.BASE_DIR) / "scripts" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# Impacts that fail the test, and rules that fail it whatever their impact.
FAILING_IMPACTS = ("serious", "critical")
FAILING_RULES = ("heading-order",)

# Named URLs that are no page to check, and why. Every other name is walked (see PAGES_WITH_OBJECTS).
NOT_PAGES: dict[str, str] = {
    "healthz": "health check for the load balancer (plain text)",
    "readyz": "readiness check (plain text)",
    "set_language": "POST only (the footer's language buttons)",
    "media": "uploaded files",
    "api-schema": "OpenAPI schema (YAML)",
    "api-docs": "Swagger UI's own page, for developers",
    "conversation-open": "POST only (the Écrire buttons)",
    "conversation-block": "POST only",
    "message-attachment": "file download",
    "notification-read": "POST only",
    "saved-search-create": "POST only",
    "saved-search-delete": "POST only",
    "data-export-request": "POST only",
    "data-export-download": "file download",
    "account-token-create": "POST only (the API section of the account page)",
    "account-token-revoke": "POST only (the API section of the account page)",
    "invitation-accept": "POST only (the dashboard's invitations)",
    "invitation-decline": "POST only (the dashboard's invitations)",
    "portfolio-item-delete": "POST only",
    "project-publish": "POST only",
    "project-cancel": "POST only",
    "project-attachment-add": "POST only",
    "project-attachment-delete": "POST only",
    "project-attachment": "file download",
    "project-quotes-fragment": "HTML fragment of the project page (checked there)",
    "quote-create": "POST only (the form is on the project page)",
    "quote-withdraw": "POST only",
    "quote-shortlist": "POST only",
    "quote-request-revision": "POST only (the form is in the quote table)",
    "invitation-pass-on": "POST only (the form is on the project page)",
    "project-recommend": "POST only (the form is on the project page)",
    "recommendation-invite": "POST only (the client's recommended colleagues, on the project page)",
    "robots-txt": "robots.txt (plain text, for crawlers)",
    "sitemap": "sitemap index (XML, for crawlers)",
    "sitemap-section": "sitemap section (XML, for crawlers)",
}
# Whole families: the JSON API and Django's admin (staff only, Django's own templates).
NOT_PAGE_PREFIXES = ("api-", "admin:")


def named_urls() -> dict[str, bool]:
    """Every URL name of the site (namespaced as `ns:name`) → whether it takes arguments."""
    names: dict[str, bool] = {}

    def walk(patterns, namespace: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if namespace and pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}"
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or f"(unnamed: {pattern.pattern})"
                if namespace:
                    name = f"{namespace}:{name}"
                names[name] = pattern.pattern.regex.groups > 0

    walk(get_resolver().url_patterns, None)
    return names


def _not_a_page(name: str) -> bool:
    return name in NOT_PAGES or name.startswith(NOT_PAGE_PREFIXES)


# --- The people and the data the pages show ---------------------------------------------------------------

QUOTE = {"pricing": "fixed", "delivery_days": 14, "charges_taxes": True, "message": "Bonjour, voici ma proposition."}


def build_world() -> dict:
    """A client with a project that has every kind of quote row (declined ones too), a freelancer who quotes,
    an awarded and a completed project, an invitation, a conversation and a portfolio: what the pages show."""
    from messaging.services import conversation_open, message_send
    from profiles.models import PortfolioItem
    from profiles.services import portfolio_item_create
    from projects import services
    from projects.models import ProjectStatus, Visibility
    from tests.factories import (
        FreelancerProfileFactory,
        MrcFactory,
        MunicipalityFactory,
        ProjectFactory,
        UserFactory,
    )

    place = MunicipalityFactory(name="Rivière-du-Loup", mrc=MrcFactory(code="12", name="Rivière-du-Loup"))
    client = UserFactory(email="fromagerie@exemple.qc.ca", name="Fromagerie du Fleuve")
    freelancer = UserFactory(email="emile@exemple.qc.ca", name="Émile Ébert")
    profile = FreelancerProfileFactory(
        user=freelancer, display_name="Émile Ébert", headline="Développeur web", municipality=place
    )
    others = [FreelancerProfileFactory(municipality=place).user for _ in range(4)]

    def quote(user, project, amount="2400", **extra):
        data = {**QUOTE, "amount": amount, **extra}
        return services.quote_submit(user=user, project_id=project.pk, data=data)

    # The owner's comparison table: pending (with a revision asked), shortlisted, declined with and without
    # a reason, withdrawn.
    open_project = ProjectFactory(owner=client, title="Site web pour la fromagerie", municipality=place)
    mine = quote(
        freelancer,
        open_project,
        amount="2400",
        line_items=[{"description": "Maquettes", "amount": "900"}, {"description": "Intégration", "amount": "1500"}],
    )
    services.quote_request_revision(user=client, quote_id=mine.pk, note="Pouvez-vous inclure l'hébergement ?")
    services.quote_shortlist(user=client, quote_id=quote(others[0], open_project, "3100").pk)
    services.quote_decline(user=client, quote_id=quote(others[1], open_project, "5200").pk, reason="Trop cher.")
    services.quote_decline(user=client, quote_id=quote(others[2], open_project, "4100").pk)
    services.quote_withdraw(user=others[3], quote_id=quote(others[3], open_project, "1900").pk)

    # Awarded: the other quote is declined by the platform ("Le client a retenu une autre soumission.").
    awarded = ProjectFactory(owner=client, title="Logo pour la fromagerie", municipality=place)
    hired = quote(freelancer, awarded, "1200")
    quote(others[0], awarded, "1500")
    services.quote_accept(user=client, quote_id=hired.pk)

    # Completed, reviewed by the client only: the freelancer still has a review to write.
    completed = ProjectFactory(owner=client, title="Affiche du marché public", municipality=place)
    services.quote_accept(user=client, quote_id=quote(freelancer, completed, "800").pk)
    services.project_complete(user=client, project_id=completed.pk)
    services.review_submit(user=client, project_id=completed.pk, data={"rating": 5, "comment": "Excellent travail."})

    invited = ProjectFactory(
        owner=client, title="Étiquettes de fromage", visibility=Visibility.INVITED, municipality=place
    )
    services.invitation_send(user=client, project_id=invited.pk, freelancer_profile_id=profile.pk, message="Bonjour")
    # A colleague passed on to the client (the recommended colleagues' cards on the owner's project page).
    colleague = FreelancerProfileFactory(municipality=place, display_name="Rose Ouellet")
    services.recommendation_send(
        user=others[0], project_id=open_project.pk, colleague_profile_ids=[colleague.pk], note="Très fiable."
    )
    ProjectFactory(owner=client, title="Brouillon : infolettre", status=ProjectStatus.DRAFT, published_at=None)

    conversation, _created = conversation_open(user=client, project_id=open_project.pk, with_user_id=freelancer.pk)
    message_send(user=client, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Bonjour Émile !")
    message_send(user=freelancer, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Bonjour !")

    portfolio_item_create(user=freelancer, data={"title": "Site d'une boulangerie", "description": "WordPress."})
    return {
        "client": client,
        "freelancer": freelancer,
        "profile": profile,
        "open_project": open_project,
        "my_quote": mine,
        "pending_quote_pk": mine.pk,
        "awarded": awarded,
        "completed": completed,
        "invited": invited,
        "conversation": conversation,
        "portfolio_item": PortfolioItem.objects.get(profile=profile),
        "review": completed.reviews.get(),
        "hired_total": Decimal("1200"),
    }


# Pages whose URL needs an object: who looks at which one. Every URL name with arguments is here or in NOT_PAGES.
PAGES_WITH_OBJECTS: dict[str, list[tuple[str, Callable[[dict], str]]]] = {
    "project-detail": [
        ("client", lambda w: reverse("project-detail", args=[w["open_project"].pk])),  # the quote table
        ("client", lambda w: reverse("project-detail", args=[w["awarded"].pk])),
        ("freelancer", lambda w: reverse("project-detail", args=[w["open_project"].pk])),  # my quote, revision
        ("freelancer", lambda w: reverse("project-detail", args=[w["completed"].pk])),
        ("freelancer", lambda w: reverse("project-detail", args=[w["invited"].pk])),  # the quote form
        ("anonymous", lambda w: reverse("project-detail", args=[w["open_project"].pk])),
    ],
    "project-update": [("client", lambda w: reverse("project-update", args=[w["open_project"].pk]))],
    "project-complete": [("client", lambda w: reverse("project-complete", args=[w["awarded"].pk]))],
    "review-create": [
        ("client", lambda w: reverse("review-create", args=[w["completed"].pk])),
        ("freelancer", lambda w: reverse("review-create", args=[w["completed"].pk])),
    ],
    "quote-update": [("freelancer", lambda w: reverse("quote-update", args=[w["my_quote"].pk]))],
    "quote-accept": [("client", lambda w: reverse("quote-accept", args=[w["pending_quote_pk"]]))],
    "quote-decline": [("client", lambda w: reverse("quote-decline", args=[w["pending_quote_pk"]]))],
    "freelancer-detail": [
        ("anonymous", lambda w: reverse("freelancer-detail", args=[w["profile"].pk])),
        ("client", lambda w: reverse("freelancer-detail", args=[w["profile"].pk])),
    ],
    "freelancer-invite": [("client", lambda w: reverse("freelancer-invite", args=[w["profile"].pk]))],
    "client-detail": [("anonymous", lambda w: reverse("client-detail", args=[w["client"].pk]))],
    "mrc-detail": [("anonymous", lambda w: reverse("mrc-detail", args=[w["profile"].municipality.mrc.slug]))],
    "portfolio-item-update": [
        ("freelancer", lambda w: reverse("portfolio-item-update", args=[w["portfolio_item"].pk]))
    ],
    "report-create": [
        ("freelancer", lambda w: reverse("report-create", args=["project", w["open_project"].pk])),
        ("client", lambda w: reverse("report-create", args=["review", w["review"].pk])),
    ],
    "conversation-detail": [
        ("client", lambda w: reverse("conversation-detail", args=[w["conversation"].pk])),
        ("freelancer", lambda w: reverse("conversation-detail", args=[w["conversation"].pk])),
    ],
    # A stale or mistyped link from an e-mail: the page that says so.
    "account_confirm_email": [("anonymous", lambda w: reverse("account_confirm_email", args=["cle-perimee"]))],
    "account_reset_password_from_key": [
        ("anonymous", lambda w: reverse("account_reset_password_from_key", args=["1", "cle-perimee"]))
    ],
}

PERSONAS = ("anonymous", "client", "freelancer")


def pages_to_check(world: dict) -> dict[str, list[str]]:
    """Persona → the paths they visit: every page without arguments, then the pages with objects."""
    plain = sorted(reverse(name) for name, has_args in named_urls().items() if not has_args and not _not_a_page(name))
    paths = {persona: list(plain) for persona in PERSONAS}
    for visits in PAGES_WITH_OBJECTS.values():
        for persona, build in visits:
            paths[persona].append(build(world))
    return paths


AXE_RUN = """async ([impacts, rules]) => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations
        .filter(v => impacts.includes(v.impact) || rules.includes(v.id))
        .map(v => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " → " + n.failureSummary.replace(/\\s+/g, " ")),
            count: v.nodes.length,
        }));
}"""


# --- The tests ----------------------------------------------------------------------------------------------


def test_every_named_url_is_walked_or_explained():
    names = named_urls()
    with_args = {name for name, has_args in names.items() if has_args}

    unexplained = sorted(n for n in with_args if n not in PAGES_WITH_OBJECTS and not _not_a_page(n))
    unnamed = sorted(n for n in names if n.startswith("(unnamed") and not n.startswith(NOT_PAGE_PREFIXES))
    stale = sorted(n for n in [*PAGES_WITH_OBJECTS, *NOT_PAGES] if n not in names)

    assert unexplained == [], (
        "New pages with URL arguments: add them to PAGES_WITH_OBJECTS (with data to show) or, if they are no "
        f"page, to NOT_PAGES with the reason: {unexplained}"
    )
    assert unnamed == [], f"Give these URL patterns a name, so the accessibility walk can reach them: {unnamed}"
    assert stale == [], f"These names no longer exist: remove them from the lists: {stale}"


def test_every_page_has_no_serious_accessibility_violation(asgi_server, new_page, screenshot):
    assert AXE_JS.exists(), f"axe-core is missing: run `npm ci --prefix {AXE_JS.parents[2]}` (`make test` does)."
    world = off_the_browser_thread(build_world)
    paths = pages_to_check(world)
    found: list[str] = []
    not_pages: list[str] = []
    checked = 0

    for persona in PERSONAS:
        for phone in (False, True):
            viewport = "phone" if phone else "desktop"
            page = new_page(phone=phone)
            # Injected by the browser itself in every document: the page's CSP (script-src 'self') is not involved.
            page.context.add_init_script(path=str(AXE_JS))
            if persona != "anonymous":
                name, value = session_cookie_for(world[persona]).split("=", 1)
                page.context.add_cookies([{"name": name, "value": value, "url": asgi_server.url}])
            seen: set[str] = set()
            for path in paths[persona]:
                response = page.goto(asgi_server.url + path)
                final = page.url.removeprefix(asgi_server.url)
                if final in seen:  # e.g. every login-only page sends a visitor to the same login page
                    continue
                seen.add(final)
                if response is None or "text/html" not in response.headers.get("content-type", ""):
                    not_pages.append(f"{path} ({persona}): {response and response.headers.get('content-type')}")
                    continue
                checked += 1
                for violation in page.evaluate(AXE_RUN, [list(FAILING_IMPACTS), list(FAILING_RULES)]):
                    found.append(
                        f"{persona}/{viewport} {final}: {violation['id']} ({violation['impact']}, "
                        f"{violation['count']} nodes) {violation['help']}\n      " + "\n      ".join(violation["nodes"])
                    )
            if persona == "client":
                page.goto(asgi_server.url + reverse("project-detail", args=[world["open_project"].pk]))
                screenshot(page, f"a11y-owner-quote-table-{viewport}")

    assert not_pages == [], f"Not HTML: add these names to NOT_PAGES with the reason: {not_pages}"
    assert found == [], f"{len(found)} accessibility violations on {checked} pages:\n" + "\n".join(found)
    # Sanity: the walk really went through the site (every persona, both sizes), not through a few pages.
    assert checked >= 6 * 15
