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
    "conversation-open-peer": "POST only (the Écrire buttons between freelancers)",
    "peer-listing-update": "POST only (the bottin form of the profile page)",
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
    "engagement-milestones-propose": "POST only (the engagement page's milestone form)",
    "engagement-milestones-accept": "POST only",
    "engagement-deliver": "POST only (the engagement page's delivery form)",
    "engagement-delivery-approve": "POST only",
    "engagement-delivery-changes": "POST only",
    "engagement-file": "file download",
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
    "group-join": "POST only (the group page's button)",
    "group-leave": "POST only (the group page's button)",
    "group-invitation-answer": "POST only (the group page's buttons)",
    "group-invite": "POST only (the form is on the group page)",
    "group-request-answer": "POST only (the group page's buttons)",
    "group-member-remove": "POST only (the group page's buttons)",
    "group-post-create": "POST only (the board's form is on the group page)",
    "group-board-read": "POST only (the group page's script)",
    "group-post-fragment": "HTML fragment of the group page (checked there)",
    "event-register": "POST only (the event page's button)",
    "event-unregister": "POST only (the event page's button)",
    "event-ics": "an iCalendar file, not a page",
    "calendar-feed": "an iCalendar feed, not a page",
    "cohort-register": "POST only (the cohort page's button)",
    "cohort-unregister": "POST only (the cohort page's button)",
    "collective-invite": "POST only (the form is on « Mes collectifs »)",
    "collective-leave": "POST only (the button is on « Mes collectifs »)",
    "collective-member-remove": "POST only (the admin's buttons on « Mes collectifs »)",
    "collective-member-role": "POST only (the admin's form on « Mes collectifs »)",
    "collective-invitation-answer": "POST only (the invitation's buttons on « Mes collectifs »)",
    "coworking-review-decide": "POST only (the buttons of « Espaces à approuver », checked in tests/coworking)",
    "books-csv": "a CSV download (« Mes livres »; the page itself is walked, with data in tests/invoicing)",
    "invoice-pdf": "a PDF download (the invoice page links to it; its text is checked in tests/invoicing)",
    "invoice-cancel": "POST only (the invoice page's button)",
    "coworking-managers-leave": "POST only (the button of the space's managers page)",
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
    # A counter-offer from the client, open: the freelancer's three answers, the history on both sides.
    open_offer = services.offer_make(user=client, quote_id=mine.pk, data={"amount": "2200", "message": "Budget serré."})
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
    peer_conversation = _build_peer_directory(freelancer=freelancer, colleague=colleague.user)
    group = _build_group(organiser=freelancer, member=client, asking=others[1], place=place)
    event, cohort = _build_events(organiser=freelancer, member=client, group=group, place=place)
    collective = _build_collective(admin=freelancer, members=others[:2], inviter=others[2], place=place)
    coworking_space = _build_coworking_space(manager=freelancer, place=place)
    contested_invoice, contest = _build_contest(client=client, freelancer=freelancer)
    payable_invoice, paid_invoice = _build_payment(client=client, freelancer=freelancer)
    return {
        "payable_invoice": payable_invoice,
        "paid_invoice": paid_invoice,
        "contested_invoice": contested_invoice,
        "contest": contest,
        "event": event,
        "cohort": cohort,
        "coworking_space": coworking_space,
        "collective": collective,
        "group": group,
        "client": client,
        "freelancer": freelancer,
        "profile": profile,
        "open_project": open_project,
        "my_quote": mine,
        "pending_quote_pk": mine.pk,
        "open_offer_pk": open_offer.pk,
        "awarded": awarded,
        "completed": completed,
        "invited": invited,
        "conversation": conversation,
        "peer_conversation": peer_conversation,
        "portfolio_item": PortfolioItem.objects.get(profile=profile),
        "review": completed.reviews.get(),
        "hired_total": Decimal("1200"),
    }


def _build_peer_directory(*, freelancer, colleague):
    """Two freelancers listed in the bottin, and their conversation without a project."""
    from messaging.services import message_send, peer_conversation_open
    from profiles.services import peer_listing_set

    peer_listing_set(user=freelancer, listed=True, looking_for="Un partenaire pour les gros contrats")
    peer_listing_set(user=colleague, listed=True, looking_for="Une remplaçante pour l'été")
    conversation, _created = peer_conversation_open(user=freelancer, with_user_id=colleague.pk)
    message_send(user=freelancer, conversation_id=conversation.pk, client_id=uuid.uuid4(), body="Bonjour Rose !")
    return conversation


def _build_events(*, organiser, member, group, place):
    """An event of the group, full (the organiser in, the client waiting), and a cohort of 6 with its series."""
    import datetime

    from django.utils import timezone

    from community import services as community_services

    start = timezone.now() + datetime.timedelta(days=10)
    data = {
        "title": "Café des pigistes",
        "theme": "Réseau",
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=2),
    }
    event = community_services.event_create(
        user=organiser,
        group_id=group.pk,
        data={**data, "municipality": place.pk, "address": "1, rue de l'Église", "capacity": 1},
    )
    community_services.event_register(user=organiser, event_id=event.pk)
    community_services.event_register(user=member, event_id=event.pk)  # full: the client waits
    cohort = community_services.group_create(
        user=organiser,
        data={
            "name": "Cohorte de Kamouraska",
            "access": "public",
            "organiser_kind": "chambre",
            "municipality": place.pk,
        },
    )
    community_services.cohort_configure(user=organiser, group_id=cohort.pk, seats=6)
    community_services.event_create(
        user=organiser,
        group_id=cohort.pk,
        data={**data, "title": "Solitude", "online_url": "https://meet.exemple.ca/a"},
    )
    community_services.cohort_register(user=member, group_id=cohort.pk)
    return event, cohort


def _build_group(*, organiser, member, asking, place):
    """A group on request with a member, a request to answer and a board with a thread."""
    from community import services as community_services

    group = community_services.group_create(
        user=organiser,
        data={
            "name": "Pigistes de Rivière-du-Loup",
            "description": "Un 5 à 7 par mois.",
            "access": "sur_demande",
            "municipality": place.pk,
        },
    )
    community_services.group_invite(user=organiser, group_id=group.pk, invitee=member.pk)
    community_services.group_join(user=member, group_id=group.pk)
    community_services.group_join(user=asking, group_id=group.pk)
    post = community_services.bulletin_post_create(user=member, group_id=group.pk, body="Qui vient jeudi ?")
    community_services.bulletin_post_create(user=organiser, group_id=group.pk, body="Moi !", parent_id=post.pk)
    return group


def _build_collective(*, admin, members, inviter, place):
    """A collective the freelancer runs (a member, a pending invitation), and one that invites them."""
    from collectives import services as collective_services

    collective = collective_services.collective_create(
        creator=admin, name="Collectif du Fleuve", description="Design et web.", municipality=place
    )
    joined = collective_services.member_invite(collective=collective, by=admin, member=members[0])
    collective_services.invitation_answer(membership=joined, by=members[0], accept=True)
    collective_services.member_invite(collective=collective, by=admin, member=members[1])
    other = collective_services.collective_create(creator=inviter, name="Coop des Basques", kind="cooperative")
    collective_services.member_invite(collective=other, by=inviter, member=admin)
    return collective


def _build_coworking_space(*, manager, place):
    """An approved coworking space the freelancer proposed (so manages), with its prices and offer."""
    from coworking import services as coworking_services
    from tests.factories import UserFactory

    space = coworking_services.space_propose(
        user=manager,
        data={
            "name": "L'Église numérique",
            "municipality": place.pk,
            "address": "2, avenue de Gaspé Est",
            "desks": 12,
            "closed_offices": 3,
            "internet_mbps": 500,
            "price_day": "25",
            "opening_hours": "Lundi au vendredi, 8 h à 18 h",
        },
    )
    return coworking_services.space_approve(user=UserFactory(is_staff=True), space_id=space.pk)


def _build_contest(*, client, freelancer):
    """An invoice 10 days past due the client contests (the payment record's contest pages), and a second one
    still open to contest (the form)."""
    import datetime

    from django.utils import timezone

    from invoicing.services.contests import invoice_contest
    from tests.factories import InvoiceFactory

    today = timezone.localdate()
    overdue = {"issued_on": today - datetime.timedelta(days=40), "due_on": today - datetime.timedelta(days=10)}
    contested = InvoiceFactory(client=client, freelancer=freelancer, number=901, **overdue)
    contest = invoice_contest(user=client, invoice_id=contested.pk, message="Payé par chèque le 3 novembre.")
    open_to_contest = InvoiceFactory(client=client, freelancer=freelancer, number=902, **overdue)
    return open_to_contest, contest


def _build_payment(*, client, freelancer):
    """An invoice for work agreed outside an engagement the client can acknowledge and mark paid, and one the
    client marked paid that the freelancer can confirm or dispute (the payment confirmation pages)."""
    import datetime

    from django.utils import timezone

    from invoicing.services.payments import invoice_mark_paid
    from tests.factories import InvoiceFactory

    today = timezone.localdate()
    dates = {"issued_on": today - datetime.timedelta(days=5), "due_on": today + datetime.timedelta(days=25)}
    payable = InvoiceFactory(client=client, freelancer=freelancer, number=903, acknowledged_at=None, **dates)
    paid = InvoiceFactory(client=client, freelancer=freelancer, number=904, **dates)
    invoice_mark_paid(user=client, invoice_id=paid.pk, paid_on=today.isoformat())
    return payable, paid


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
    # The engagement opened by accepting the awarded project's quote, seen by each side.
    "engagement-detail": [
        ("client", lambda w: reverse("engagement-detail", args=[w["awarded"].engagements.get().pk])),
        ("freelancer", lambda w: reverse("engagement-detail", args=[w["awarded"].engagements.get().pk])),
    ],
    "review-create": [
        ("client", lambda w: reverse("review-create", args=[w["completed"].pk])),
        ("freelancer", lambda w: reverse("review-create", args=[w["completed"].pk])),
    ],
    "quote-update": [("freelancer", lambda w: reverse("quote-update", args=[w["my_quote"].pk]))],
    # The freelancer runs a collective: its joint-quote form, with its members to assign.
    "joint-quote-create": [("freelancer", lambda w: reverse("joint-quote-create", args=[w["invited"].pk]))],
    "quote-accept": [("client", lambda w: reverse("quote-accept", args=[w["pending_quote_pk"]]))],
    "quote-decline": [("client", lambda w: reverse("quote-decline", args=[w["pending_quote_pk"]]))],
    "quote-offers": [
        ("client", lambda w: reverse("quote-offers", args=[w["pending_quote_pk"]])),
        ("freelancer", lambda w: reverse("quote-offers", args=[w["pending_quote_pk"]])),
    ],
    "offer-accept": [("freelancer", lambda w: reverse("offer-accept", args=[w["open_offer_pk"]]))],
    "offer-decline": [("freelancer", lambda w: reverse("offer-decline", args=[w["open_offer_pk"]]))],
    "freelancer-detail": [
        ("anonymous", lambda w: reverse("freelancer-detail", args=[w["profile"].pk])),
        ("client", lambda w: reverse("freelancer-detail", args=[w["profile"].pk])),
    ],
    "freelancer-invite": [("client", lambda w: reverse("freelancer-invite", args=[w["profile"].pk]))],
    "client-detail": [("anonymous", lambda w: reverse("client-detail", args=[w["client"].pk]))],
    # One invoice, seen by each side; the issuing form prefilled for a project the freelancer was invited to.
    "invoice-detail": [
        ("client", lambda w: reverse("invoice-detail", args=[w["payable_invoice"].pk])),
        ("freelancer", lambda w: reverse("invoice-detail", args=[w["payable_invoice"].pk])),
    ],
    "invoice-create": [("freelancer", lambda w: reverse("invoice-create") + f"?project={w['invited'].pk}")],
    # An invoice's payment buttons ask to confirm on a page of their own: each side's two.
    "invoice-acknowledge": [("client", lambda w: reverse("invoice-acknowledge", args=[w["payable_invoice"].pk]))],
    "invoice-mark-paid": [("client", lambda w: reverse("invoice-mark-paid", args=[w["payable_invoice"].pk]))],
    "invoice-confirm-receipt": [
        ("freelancer", lambda w: reverse("invoice-confirm-receipt", args=[w["paid_invoice"].pk]))
    ],
    "invoice-dispute-payment": [
        ("freelancer", lambda w: reverse("invoice-dispute-payment", args=[w["paid_invoice"].pk]))
    ],
    # The payment record's contests: the client's form, the contest seen by the freelancer (to answer) and the client.
    "invoice-contest": [("client", lambda w: reverse("invoice-contest", args=[w["contested_invoice"].pk]))],
    "contest-detail": [
        ("freelancer", lambda w: reverse("contest-detail", args=[w["contest"].pk])),
        ("client", lambda w: reverse("contest-detail", args=[w["contest"].pk])),
    ],
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
        ("freelancer", lambda w: reverse("conversation-detail", args=[w["peer_conversation"].pk])),
    ],
    # The freelancer organises the group (requests and invitations to answer), the client is a member.
    "group-detail": [
        ("freelancer", lambda w: reverse("group-detail", args=[w["group"].slug])),
        ("client", lambda w: reverse("group-detail", args=[w["group"].slug])),
        ("anonymous", lambda w: reverse("group-detail", args=[w["group"].slug])),
    ],
    "group-update": [("freelancer", lambda w: reverse("group-update", args=[w["group"].slug]))],
    # Events: the freelancer organises them, the client holds a seat (and one in the cohort).
    "event-detail": [
        ("freelancer", lambda w: reverse("event-detail", args=[w["event"].pk])),
        ("client", lambda w: reverse("event-detail", args=[w["event"].pk])),
        ("anonymous", lambda w: reverse("event-detail", args=[w["event"].pk])),
    ],
    "event-update": [("freelancer", lambda w: reverse("event-update", args=[w["event"].pk]))],
    "event-cancel": [("freelancer", lambda w: reverse("event-cancel", args=[w["event"].pk]))],
    "event-create": [("freelancer", lambda w: reverse("event-create", args=[w["cohort"].slug]))],
    "cohort-detail": [
        ("client", lambda w: reverse("cohort-detail", args=[w["cohort"].slug])),
        ("freelancer", lambda w: reverse("cohort-detail", args=[w["cohort"].slug])),
    ],
    "cohort-settings": [("freelancer", lambda w: reverse("cohort-settings", args=[w["cohort"].slug]))],
    # The freelancer runs the collective (members to manage, an invitation of their own to answer).
    "collective-detail": [
        ("anonymous", lambda w: reverse("collective-detail", args=[w["collective"].slug])),
        ("freelancer", lambda w: reverse("collective-detail", args=[w["collective"].slug])),
    ],
    "collective-update": [("freelancer", lambda w: reverse("collective-update", args=[w["collective"].slug]))],
    "coworking-detail": [
        ("anonymous", lambda w: reverse("coworking-detail", args=[w["coworking_space"].slug])),
        ("freelancer", lambda w: reverse("coworking-detail", args=[w["coworking_space"].slug])),  # its manager
    ],
    "coworking-update": [("freelancer", lambda w: reverse("coworking-update", args=[w["coworking_space"].slug]))],
    "coworking-managers": [
        ("freelancer", lambda w: reverse("coworking-managers", args=[w["coworking_space"].slug]))  # its manager
    ],
    # /carte/ is walked empty (it asks for a place) and here around the freelancer's place, with its markers.
    "map": [
        ("anonymous", lambda w: reverse("map") + f"?lieu={w['profile'].municipality.pk}&rayon=50"),
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
