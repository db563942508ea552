"""Counter-offers on a quote: who may make and answer them, and that accepting one is the quote's one accept."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import override

from engagements.models import Engagement
from marketplace.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from notifications.models import Notification, NotificationKind
from notifications.texts import notification_text
from projects import selectors, services
from projects.models import OfferStatus, Pricing, ProjectStatus, Quote, QuoteLineItem, QuoteOffer, QuoteStatus
from projects.privacy import export_data, projects_anonymise_for_user
from tests.factories import FreelancerProfileFactory, QuoteFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


@pytest.fixture
def quote(project, freelancer):
    return QuoteFactory(project=project, freelancer=freelancer, amount=Decimal("3500.00"), delivery_days=21)


@pytest.fixture
def other_quote(project, other_freelancer):
    return QuoteFactory(project=project, freelancer=other_freelancer, amount=Decimal("4000.00"))


def client_offer(quote, amount="3000", **extra):
    return services.offer_make(
        user=quote.project.owner,
        quote_id=quote.pk,
        data={"amount": amount, "message": "Mon budget est serré.", **extra},
    )


def notified(user, kind) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind).order_by("pk"))


# --- Making offers ---------------------------------------------------------------------------------


def test_client_counter_offer_is_open_and_tells_the_freelancer(quote, freelancer):
    offer = client_offer(quote, delivery_days="30")

    assert (offer.from_client, offer.status, offer.amount, offer.delivery_days) == (
        True,
        OfferStatus.OPEN,
        Decimal("3000"),
        30,
    )
    assert offer.quote_amount == Decimal("3500.00")
    quote.refresh_from_db()
    assert (quote.status, quote.amount) == (QuoteStatus.PENDING, Decimal("3500.00"))  # unchanged until accepted
    [note] = notified(freelancer, NotificationKind.COUNTER_OFFER)
    assert note.url == f"/soumissions/{quote.pk}/offres/"
    with override("fr"):
        assert notification_text(note).body == (
            "Fromagerie du Littoral vous propose 3\u202f000,00\xa0$. Acceptez, refusez ou contre-proposez."
        )


def test_freelancer_counters_back_and_the_client_counters_again(quote, owner, freelancer):
    first = client_offer(quote)
    second = services.offer_make(user=freelancer, quote_id=quote.pk, data={"amount": "3300,50"})
    third = client_offer(quote, amount="3100")

    assert [(o.pk, o.status, o.from_client, o.amount) for o in QuoteOffer.objects.order_by("pk")] == [
        (first.pk, OfferStatus.COUNTERED, True, Decimal("3000.00")),
        (second.pk, OfferStatus.COUNTERED, False, Decimal("3300.50")),
        (third.pk, OfferStatus.OPEN, True, Decimal("3100.00")),
    ]
    [counter] = notified(owner, NotificationKind.COUNTER_OFFER)
    with override("en"):
        text = notification_text(counter)
    assert text.title == "Counter-proposal: “Site web pour la fromagerie”"
    assert text.body == "Julie Gagnon answers your offer with $3,300.50."


@pytest.mark.parametrize("status", [QuoteStatus.DECLINED, QuoteStatus.WITHDRAWN, QuoteStatus.ACCEPTED])
def test_counter_offer_on_a_decided_quote_is_refused(quote, status):
    Quote.objects.filter(pk=quote.pk).update(status=status)
    label = {"declined": "refusée", "withdrawn": "retirée", "accepted": "acceptée"}[status]

    with pytest.raises(Conflict) as refused:
        client_offer(quote)

    assert str(refused.value.message) == f"Cette soumission est {label} : elle ne peut plus changer."
    assert not QuoteOffer.objects.exists()


def test_counter_offer_on_a_quote_declined_by_the_client_is_refused(quote, owner):
    services.quote_decline(user=owner, quote_id=quote.pk, reason="Trop cher")

    with pytest.raises(Conflict, match="Cette soumission est refusée : elle ne peut plus changer."):
        client_offer(quote)
    assert not QuoteOffer.objects.exists()


@pytest.mark.parametrize("status", [ProjectStatus.CLOSED, ProjectStatus.AWARDED, ProjectStatus.CANCELLED])
def test_counter_offer_on_a_project_no_longer_open_is_refused(quote, project, status):
    type(project).objects.filter(pk=project.pk).update(status=status)

    with pytest.raises(Conflict, match="Ce projet n'est plus ouvert"):
        client_offer(quote)
    assert not QuoteOffer.objects.exists()


def test_stranger_cannot_see_the_quote_to_counter_it(quote):
    with pytest.raises(NotFound, match="Cette soumission n'existe pas."):
        services.offer_make(user=UserFactory(), quote_id=quote.pk, data={"amount": "10"})
    assert not QuoteOffer.objects.exists()


def test_staff_is_told_only_the_parties_negotiate(quote):
    staff = UserFactory(is_staff=True)
    with pytest.raises(PermissionDenied, match="Seuls le client et l'auteur de la soumission en négocient le prix."):
        services.offer_make(user=staff, quote_id=quote.pk, data={"amount": "10"})
    assert not QuoteOffer.objects.exists()


def test_freelancer_cannot_open_a_negotiation_on_their_own_quote(quote, freelancer):
    with pytest.raises(Conflict, match="Seul le client fait une contre-offre"):
        services.offer_make(user=freelancer, quote_id=quote.pk, data={"amount": "3000"})
    assert not QuoteOffer.objects.exists()


def test_one_open_offer_at_a_time(quote):
    first = client_offer(quote)

    with pytest.raises(Conflict, match="Votre offre attend déjà une réponse"):
        client_offer(quote, amount="2900")
    assert list(QuoteOffer.objects.values_list("pk", "status")) == [(first.pk, OfferStatus.OPEN)]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "Le montant doit être supérieur à 0 $."),
        ("-50", "Le montant doit être supérieur à 0 $."),
        ("10000000.01", "Le montant ne peut pas dépasser 10 000 000 $."),
        ("1e9", "Le montant ne peut pas dépasser 10 000 000 $."),
        ("12.345", "Le montant a au plus deux décimales."),
        ("beaucoup", "Entrez un nombre valide."),
        ("", "Ce champ est obligatoire."),
    ],
)
def test_absurd_amounts_are_refused_and_nothing_is_saved(quote, amount, message):
    with pytest.raises(ValidationFailed) as refused:
        client_offer(quote, amount=amount)

    assert [str(m) for m in refused.value.errors["amount"]] == [message]
    assert not QuoteOffer.objects.exists()
    assert not Notification.objects.filter(kind=NotificationKind.COUNTER_OFFER).exists()


def test_bad_delay_and_long_message_are_refused_together(quote):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        client_offer(quote, delivery_days="0", delivery_date=yesterday.isoformat(), message="x" * 2001)

    assert {field: [str(m) for m in msgs] for field, msgs in refused.value.errors.items()} == {
        "delivery_days": ["Le délai va de 1 à 3650 jours."],
        "delivery_date": ["La date de livraison ne peut pas être dans le passé."],
        "message": ["2000 caractères au maximum (vous en avez 2001)."],
    }
    assert not QuoteOffer.objects.exists()


def test_hourly_rate_times_hours_above_the_maximum_is_refused(project, freelancer):
    quote = QuoteFactory(
        project=project, freelancer=freelancer, pricing=Pricing.HOURLY, amount=Decimal("80"), estimated_hours=1000
    )
    with pytest.raises(ValidationFailed, match="Le total estimé ne peut pas dépasser 10 000 000 \\$."):
        client_offer(quote, amount="10001")
    assert not QuoteOffer.objects.exists()


# --- Answering ---------------------------------------------------------------------------------------


def test_freelancer_accepts_the_client_offer_the_quote_is_accepted_at_that_price(
    quote, other_quote, project, owner, freelancer, other_freelancer
):
    offer = client_offer(quote, delivery_days="30")

    services.offer_accept(user=freelancer, offer_id=offer.pk)

    quote.refresh_from_db()
    project.refresh_from_db()
    other_quote.refresh_from_db()
    assert (quote.status, quote.amount, quote.delivery_days) == (QuoteStatus.ACCEPTED, Decimal("3000.00"), 30)
    assert quote.delivery_date == timezone.localdate() + datetime.timedelta(days=30)
    assert project.status == ProjectStatus.AWARDED
    assert other_quote.status == QuoteStatus.DECLINED
    engagement = Engagement.objects.get(quote=quote)
    assert (engagement.amount, engagement.freelancer_id, engagement.client_id) == (
        Decimal("3000.00"),
        freelancer.pk,
        owner.pk,
    )
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED and offer.answered_at is not None
    # The original price stays in the history.
    assert offer.quote_amount == Decimal("3500.00")
    # The client hears the answer; the freelancer who accepted is not told of their own act.
    [answer] = notified(owner, NotificationKind.COUNTER_OFFER_ANSWERED)
    with override("fr"):
        assert notification_text(answer).title == "Offre acceptée : « Site web pour la fromagerie »"
    assert notified(freelancer, NotificationKind.QUOTE_ACCEPTED) == []
    assert len(notified(other_freelancer, NotificationKind.PROJECT_AWARDED_ELSEWHERE)) == 1


def test_client_accepts_the_freelancer_counter_through_the_same_accept(quote, other_quote, owner, freelancer):
    client_offer(quote)
    counter = services.offer_make(
        user=freelancer, quote_id=quote.pk, data={"amount": "3250", "delivery_date": "2099-01-15"}
    )

    services.offer_accept(user=owner, offer_id=counter.pk)

    quote.refresh_from_db()
    assert (quote.status, quote.amount, quote.delivery_date) == (
        QuoteStatus.ACCEPTED,
        Decimal("3250.00"),
        datetime.date(2099, 1, 15),
    )
    assert Engagement.objects.get(quote=quote).amount == Decimal("3250.00")
    assert Quote.objects.get(pk=other_quote.pk).status == QuoteStatus.DECLINED
    # The freelancer is told both that their quote is accepted and that their counter is.
    assert len(notified(freelancer, NotificationKind.QUOTE_ACCEPTED)) == 1
    assert len(notified(freelancer, NotificationKind.COUNTER_OFFER_ANSWERED)) == 1


def test_accepted_total_rescales_the_line_items_so_they_still_add_up(project, freelancer, owner):
    quote = QuoteFactory(project=project, freelancer=freelancer, amount=Decimal("1000.00"))
    QuoteLineItem.objects.create(quote=quote, description="Maquettes", amount=Decimal("333.33"), position=0)
    QuoteLineItem.objects.create(quote=quote, description="Intégration", amount=Decimal("666.67"), position=1)
    offer = client_offer(quote, amount="900")

    services.offer_accept(user=freelancer, offer_id=offer.pk)

    lines = list(QuoteLineItem.objects.filter(quote=quote).values_list("description", "amount"))
    assert lines == [("Maquettes", Decimal("300.00")), ("Intégration", Decimal("600.00"))]
    engagement = Engagement.objects.get(quote=quote)
    assert sum(Decimal(line["amount"]) for line in engagement.lines) == engagement.amount == Decimal("900.00")


def test_decline_keeps_the_quote_live_and_tells_the_author(quote, owner, freelancer):
    offer = client_offer(quote)

    services.offer_decline(user=freelancer, offer_id=offer.pk, reason="Je ne peux pas descendre sous 3 400 $.")

    offer.refresh_from_db()
    quote.refresh_from_db()
    assert (offer.status, offer.decline_reason) == (OfferStatus.DECLINED, "Je ne peux pas descendre sous 3 400 $.")
    assert (quote.status, quote.amount) == (QuoteStatus.PENDING, Decimal("3500.00"))
    [answer] = notified(owner, NotificationKind.COUNTER_OFFER_ANSWERED)
    with override("en"):
        assert notification_text(answer).body == "Reason: Je ne peux pas descendre sous 3 400 $."
    # The client may make a new offer after a refusal.
    assert client_offer(quote, amount="3400").status == OfferStatus.OPEN


def test_answering_ones_own_offer_is_refused(quote, owner):
    offer = client_offer(quote)
    with pytest.raises(PermissionDenied, match="Cette offre est la vôtre"):
        services.offer_accept(user=owner, offer_id=offer.pk)
    with pytest.raises(PermissionDenied, match="Cette offre est la vôtre"):
        services.offer_decline(user=owner, offer_id=offer.pk)
    assert QuoteOffer.objects.get().status == OfferStatus.OPEN
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.PENDING


def test_answering_an_offer_already_answered_is_a_conflict(quote, freelancer):
    offer = client_offer(quote)
    services.offer_decline(user=freelancer, offer_id=offer.pk)

    with pytest.raises(Conflict, match=r"Cette offre a déjà reçu une réponse \(refusée\)."):
        services.offer_accept(user=freelancer, offer_id=offer.pk)
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.PENDING
    assert not Engagement.objects.exists()


def test_answering_a_countered_offer_is_a_conflict(quote, owner, freelancer):
    offer = client_offer(quote)
    services.offer_make(user=freelancer, quote_id=quote.pk, data={"amount": "3300"})

    with pytest.raises(PermissionDenied):
        # The freelancer's own counter is open now; the client's first offer is not theirs to answer.
        services.offer_accept(user=owner, offer_id=offer.pk)
    with pytest.raises(Conflict, match="contre-proposée"):
        services.offer_accept(user=freelancer, offer_id=offer.pk)
    assert Quote.objects.get(pk=quote.pk).amount == Decimal("3500.00")


def test_offer_on_a_quote_withdrawn_meanwhile_cannot_be_accepted(quote, freelancer, owner):
    offer = client_offer(quote)
    services.quote_withdraw(user=freelancer, quote_id=quote.pk)

    with pytest.raises(Conflict, match="Cette soumission est retirée"):
        services.offer_accept(user=freelancer, offer_id=offer.pk)
    page = selectors.quote_offers_page(user=owner, quote_id=quote.pk)
    assert [o.shown_status for o in page.offers] == [OfferStatus.LAPSED]
    assert (page.can_offer, page.can_answer) == (False, False)


def test_offer_after_another_quote_was_accepted_cannot_be_accepted(quote, other_quote, owner, freelancer):
    offer = client_offer(quote)
    services.quote_accept(user=owner, quote_id=other_quote.pk)

    with pytest.raises(Conflict, match="Cette soumission est refusée"):
        services.offer_accept(user=freelancer, offer_id=offer.pk)
    assert Engagement.objects.get().quote_id == other_quote.pk


def test_stranger_answering_an_offer_gets_not_found(quote):
    offer = client_offer(quote)
    with pytest.raises(NotFound, match="Cette offre n'existe pas."):
        services.offer_accept(user=FreelancerProfileFactory().user, offer_id=offer.pk)
    with pytest.raises(NotFound, match="Cette offre n'existe pas."):
        services.offer_decline(user=UserFactory(), offer_id=999999)
    assert QuoteOffer.objects.get().status == OfferStatus.OPEN


def test_decline_reason_too_long_is_refused(quote, freelancer):
    offer = client_offer(quote)
    with pytest.raises(ValidationFailed, match="1000 caractères au maximum"):
        services.offer_decline(user=freelancer, offer_id=offer.pk, reason="x" * 1001)
    assert QuoteOffer.objects.get().status == OfferStatus.OPEN


# --- History -------------------------------------------------------------------------------------------


def test_both_sides_read_the_same_history_with_what_each_may_do(quote, owner, freelancer):
    client_offer(quote)
    services.offer_make(user=freelancer, quote_id=quote.pk, data={"amount": "3300", "message": "Entre les deux ?"})

    for_client = selectors.quote_offers_page(user=owner, quote_id=quote.pk)
    for_freelancer = selectors.quote_offers_page(user=freelancer, quote_id=quote.pk)

    expected = [
        (True, Decimal("3000.00"), "Mon budget est serré.", OfferStatus.COUNTERED),
        (False, Decimal("3300.00"), "Entre les deux ?", OfferStatus.OPEN),
    ]
    for page in (for_client, for_freelancer):
        assert [(o.from_client, o.amount, o.message, o.shown_status) for o in page.offers] == expected
    assert (for_client.can_answer, for_client.can_offer) == (True, True)
    assert (for_freelancer.can_answer, for_freelancer.can_offer) == (False, False)


def test_the_owner_table_and_the_author_card_know_the_open_offer(quote, owner, freelancer, project):
    offer = client_offer(quote)

    [row] = selectors.quotes_for_owner(project=project)
    mine = selectors.project_detail_for_viewer(user=freelancer, project_id=project.pk).my_quote

    for q in (row, mine):
        assert (q.has_offers, q.open_offer_id, q.open_offer_amount, q.open_offer_from_client) == (
            True,
            offer.pk,
            Decimal("3000.00"),
            True,
        )


# --- Notification texts --------------------------------------------------------------------------------


def test_counter_offer_texts_read_in_french_and_english():
    def text(kind, params, language):
        with override(language):
            return tuple(notification_text(Notification(kind=kind, params=params)))

    offer = {"title": "Logo", "name": "Marie", "amount": "80", "hourly": True, "counter": False}
    assert text(NotificationKind.COUNTER_OFFER, offer, "fr") == (
        "Contre-offre sur votre soumission : « Logo »",
        "Marie vous propose 80,00\xa0$/h. Acceptez, refusez ou contre-proposez.",
    )
    assert text(NotificationKind.COUNTER_OFFER, offer, "en") == (
        "Counter-offer on your quote: “Logo”",
        "Marie offers you $80.00/h. Accept, decline or counter.",
    )
    accepted = {"title": "Logo", "accepted": True, "reason": ""}
    assert text(NotificationKind.COUNTER_OFFER_ANSWERED, accepted, "en") == (
        "Offer accepted: “Logo”",
        "Your offer is accepted: the quote is hired at that price.",
    )
    declined = {"title": "Logo", "accepted": False, "reason": ""}
    assert text(NotificationKind.COUNTER_OFFER_ANSWERED, declined, "fr") == (
        "Offre refusée : « Logo »",
        "Aucune raison donnée ; la soumission reste en cours à son prix.",
    )
    assert text(NotificationKind.COUNTER_OFFER_ANSWERED, declined, "en") == (
        "Offer declined: “Logo”",
        "No reason given; the quote stays open at its own price.",
    )


# --- Loi 25 ------------------------------------------------------------------------------------------------


def test_export_holds_ones_offers_and_erasure_blanks_their_words(quote, owner, freelancer):
    offer = client_offer(quote)
    services.offer_decline(user=freelancer, offer_id=offer.pk, reason="Trop bas pour moi.")

    data, _files = export_data(user=owner)
    assert [(o["amount"], o["message"], o["status"]) for o in data["counter_offers"]] == [
        (Decimal("3000.00"), "Mon budget est serré.", OfferStatus.DECLINED)
    ]

    projects_anonymise_for_user(user=owner)
    projects_anonymise_for_user(user=freelancer)
    offer.refresh_from_db()
    # The price and the answer stay: they are the other side's record of the negotiation too.
    assert (offer.message, offer.decline_reason, offer.amount, offer.status) == (
        "",
        "",
        Decimal("3000.00"),
        OfferStatus.DECLINED,
    )
