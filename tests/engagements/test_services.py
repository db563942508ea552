"""The engagement ("mandat") flow, called through its services: each rule, its message, and that refusals change nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from engagements import services
from engagements.models import (
    Delivery,
    DeliveryFile,
    DeliveryStatus,
    Engagement,
    EngagementStatus,
    EventKind,
    Milestone,
    MilestoneStatus,
)
from marketplace.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from notifications.models import Notification, NotificationKind
from notifications.texts import notification_text
from projects import services as project_services
from projects.models import ProjectStatus, Review
from tests.factories import QuoteFactory, UserFactory
from tests.privacy.factories import PDF_BYTES

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def in_days(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def split(*amounts, due=None):
    due = due or in_days(10)
    return [{"title": f"Étape {i + 1}", "amount": amount, "due_on": due} for i, amount in enumerate(amounts)]


def kinds_for(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def deliver(engagement, milestone=None, message="Voici le site, en ligne sur le serveur de test.", uploads=()):
    return services.delivery_submit(
        user=engagement.freelancer,
        engagement_id=engagement.pk,
        milestone_id=milestone.pk if milestone else None,
        message=message,
        uploads=uploads,
    )


def agree_on(engagement, *amounts):
    services.milestones_propose(user=engagement.freelancer, engagement_id=engagement.pk, items=split(*amounts))
    return services.milestones_accept(user=engagement.client, engagement_id=engagement.pk)


def age(delivery, days: float):
    """Move the clock: the delivery was handed over `days` ago."""
    Delivery.objects.filter(pk=delivery.pk).update(delivered_at=timezone.now() - datetime.timedelta(days=days))


# --- Opening ---------------------------------------------------------------------------------------------


def test_accepting_a_quote_opens_the_engagement_with_its_lines_price_and_dates(engagement):
    quote = engagement.quote

    assert engagement.project == quote.project
    assert engagement.client == quote.project.owner
    assert engagement.freelancer == quote.freelancer
    assert engagement.amount == Decimal("3500.00")
    assert engagement.charges_taxes is True
    assert engagement.delivery_days == 21
    assert engagement.delivery_date == quote.delivery_eta
    assert engagement.lines == [
        {"description": "Maquettes", "amount": "1500.00", "position": 0},
        {"description": "Intégration", "amount": "2000.00", "position": 1},
    ]
    assert engagement.status == EngagementStatus.IN_PROGRESS
    assert list(engagement.events.values_list("kind", flat=True)) == [EventKind.OPENED]
    assert NotificationKind.ENGAGEMENT_OPENED in kinds_for(engagement.client)
    assert NotificationKind.ENGAGEMENT_OPENED in kinds_for(engagement.freelancer)


def test_a_refused_acceptance_opens_no_engagement(engagement):
    other = QuoteFactory(project=engagement.project)
    with pytest.raises(Conflict):
        project_services.quote_accept(user=engagement.client, quote_id=other.pk)
    assert list(Engagement.objects.values_list("quote_id", flat=True)) == [engagement.quote_id]


# --- Milestones ------------------------------------------------------------------------------------------


def test_one_side_proposes_milestones_and_the_other_accepts_them(engagement):
    services.milestones_propose(user=engagement.client, engagement_id=engagement.pk, items=split("1000", "2500.00"))
    assert NotificationKind.MILESTONES_PROPOSED in kinds_for(engagement.freelancer)

    milestones = services.milestones_accept(user=engagement.freelancer, engagement_id=engagement.pk)

    assert [(m.title, m.amount, m.status) for m in milestones] == [
        ("Étape 1", Decimal("1000.00"), MilestoneStatus.ACCEPTED),
        ("Étape 2", Decimal("2500.00"), MilestoneStatus.ACCEPTED),
    ]
    assert NotificationKind.MILESTONES_ACCEPTED in kinds_for(engagement.client)


def test_milestone_amounts_that_do_not_add_up_are_refused_and_nothing_is_saved(engagement):
    with pytest.raises(ValidationFailed) as error:
        services.milestones_propose(
            user=engagement.freelancer, engagement_id=engagement.pk, items=split("1000", "2000")
        )
    assert "totalisent 3000.00 $" in str(error.value.message)
    assert "3500.00 $" in str(error.value.message)
    assert not Milestone.objects.exists()
    engagement.refresh_from_db()
    assert engagement.milestones_proposed_by is None


def test_a_milestone_due_in_the_past_is_refused(engagement):
    items = split("1500", "2000")
    items[1]["due_on"] = in_days(-1)
    with pytest.raises(ValidationFailed) as error:
        services.milestones_propose(user=engagement.freelancer, engagement_id=engagement.pk, items=items)
    assert str(error.value.message) == "L'échéance d'un jalon ne peut pas être dans le passé."
    assert not Milestone.objects.exists()


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"title": " ", "amount": "3500", "due_on": in_days(3)}, "Chaque jalon a un titre de 200 caractères au plus."),
        ({"title": "Tout", "amount": "-3500", "due_on": in_days(3)}, "Chaque jalon a un montant plus grand que zéro."),
        ({"title": "Tout", "amount": "beaucoup", "due_on": in_days(3)}, "Chaque jalon a un montant en dollars."),
        ({"title": "Tout", "amount": "3500", "due_on": "demain"}, "Chaque jalon a une date d'échéance."),
    ],
)
def test_a_malformed_milestone_is_refused(engagement, item, message):
    with pytest.raises(ValidationFailed) as error:
        services.milestones_propose(user=engagement.freelancer, engagement_id=engagement.pk, items=[item])
    assert str(error.value.message) == message
    assert not Milestone.objects.exists()


def test_the_proposer_cannot_accept_their_own_split(engagement):
    services.milestones_propose(user=engagement.freelancer, engagement_id=engagement.pk, items=split("3500"))
    with pytest.raises(PermissionDenied):
        services.milestones_accept(user=engagement.freelancer, engagement_id=engagement.pk)
    assert Milestone.objects.get().status == MilestoneStatus.PROPOSED


def test_agreed_milestones_cannot_be_split_again(engagement):
    agree_on(engagement, "3500")
    with pytest.raises(Conflict):
        services.milestones_propose(user=engagement.client, engagement_id=engagement.pk, items=split("3000", "500"))
    assert list(Milestone.objects.values_list("amount", flat=True)) == [Decimal("3500.00")]


def test_a_stranger_gets_not_found_on_every_action(engagement):
    stranger = UserFactory()
    with pytest.raises(NotFound):
        services.milestones_propose(user=stranger, engagement_id=engagement.pk, items=split("3500"))
    with pytest.raises(NotFound):
        services.delivery_submit(user=stranger, engagement_id=engagement.pk, milestone_id=None, message="Voilà")
    delivery = deliver(engagement)
    with pytest.raises(NotFound):
        services.delivery_approve(user=stranger, engagement_id=engagement.pk, delivery_id=delivery.pk)
    with pytest.raises(NotFound):
        services.delivery_request_changes(
            user=stranger, engagement_id=engagement.pk, delivery_id=delivery.pk, reason="Non"
        )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING


# --- Delivering and answering ----------------------------------------------------------------------------


def test_delivering_the_whole_work_then_approving_completes_the_project_and_opens_reviews(engagement):
    delivery = deliver(engagement)
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.DELIVERED
    assert NotificationKind.WORK_DELIVERED in kinds_for(engagement.client)

    services.delivery_approve(user=engagement.client, engagement_id=engagement.pk, delivery_id=delivery.pk)

    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.COMPLETED
    assert engagement.project.status == ProjectStatus.COMPLETED
    assert engagement.freelancer.freelancer_profile.completed_projects_count == 1
    review = project_services.review_submit(
        user=engagement.freelancer, project_id=engagement.project_id, data={"rating": 5, "paid_as_agreed": "yes"}
    )
    assert review.subject == engagement.client
    assert Review.objects.count() == 1


def test_delivering_twice_is_refused(engagement):
    deliver(engagement)
    with pytest.raises(Conflict) as error:
        deliver(engagement, message="Encore")
    assert str(error.value.message) == "Ce travail est déjà livré et attend la réponse du client."
    assert Delivery.objects.count() == 1


def test_only_the_freelancer_delivers(engagement):
    with pytest.raises(PermissionDenied):
        services.delivery_submit(user=engagement.client, engagement_id=engagement.pk, milestone_id=None, message="Oui")
    assert not Delivery.objects.exists()


def test_the_freelancer_cannot_approve_their_own_delivery(engagement):
    delivery = deliver(engagement)
    with pytest.raises(PermissionDenied) as error:
        services.delivery_approve(user=engagement.freelancer, engagement_id=engagement.pk, delivery_id=delivery.pk)
    assert str(error.value.message) == "Seul le client du mandat peut répondre à une livraison."
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert engagement.project.status == ProjectStatus.AWARDED


def test_asking_for_changes_sends_it_back_with_the_reason_then_a_new_delivery_is_approved(engagement):
    first = deliver(engagement)
    with pytest.raises(ValidationFailed):
        services.delivery_request_changes(
            user=engagement.client, engagement_id=engagement.pk, delivery_id=first.pk, reason=" "
        )
    first.refresh_from_db()
    assert first.status == DeliveryStatus.PENDING

    services.delivery_request_changes(
        user=engagement.client, engagement_id=engagement.pk, delivery_id=first.pk, reason="Le logo est flou."
    )

    first.refresh_from_db()
    engagement.refresh_from_db()
    assert first.status == DeliveryStatus.CHANGES_REQUESTED
    assert first.change_reason == "Le logo est flou."
    assert engagement.status == EngagementStatus.IN_PROGRESS
    notification = Notification.objects.get(recipient=engagement.freelancer, kind=NotificationKind.CHANGES_REQUESTED)
    assert notification_text(notification).body == "Le client demande des modifications : Le logo est flou."

    second = deliver(engagement, message="Logo corrigé.")
    services.delivery_approve(user=engagement.client, engagement_id=engagement.pk, delivery_id=second.pk)
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.COMPLETED


def test_answering_a_delivery_twice_is_refused(engagement):
    delivery = deliver(engagement)
    services.delivery_request_changes(
        user=engagement.client, engagement_id=engagement.pk, delivery_id=delivery.pk, reason="Non"
    )
    with pytest.raises(Conflict):
        services.delivery_approve(user=engagement.client, engagement_id=engagement.pk, delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.CHANGES_REQUESTED


def test_milestones_are_delivered_one_by_one_and_the_last_approval_completes_the_project(engagement):
    first, second = agree_on(engagement, "1500", "2000")
    with pytest.raises(ValidationFailed):
        deliver(engagement)  # the whole work, while milestones are agreed

    d1 = deliver(engagement, first)
    with pytest.raises(Conflict):
        deliver(engagement, first, message="Encore")
    services.delivery_approve(user=engagement.client, engagement_id=engagement.pk, delivery_id=d1.pk)
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.IN_PROGRESS
    assert engagement.project.status == ProjectStatus.AWARDED
    with pytest.raises(Conflict) as error:
        deliver(engagement, first, message="Encore")
    assert str(error.value.message) == "Ce jalon est déjà approuvé."

    d2 = deliver(engagement, second)
    services.delivery_approve(user=engagement.client, engagement_id=engagement.pk, delivery_id=d2.pk)
    engagement.refresh_from_db()
    assert [m.status for m in engagement.milestones.all()] == [MilestoneStatus.APPROVED] * 2
    assert engagement.status == EngagementStatus.COMPLETED
    assert engagement.project.status == ProjectStatus.COMPLETED


def test_nothing_can_be_delivered_once_everything_is_approved(engagement):
    delivery = deliver(engagement)
    services.delivery_approve(user=engagement.client, engagement_id=engagement.pk, delivery_id=delivery.pk)
    with pytest.raises(Conflict):
        deliver(engagement, message="Un extra")
    assert Delivery.objects.count() == 1


# --- Files -----------------------------------------------------------------------------------------------


def test_a_delivery_keeps_its_files_privately(engagement):
    delivery = deliver(engagement, uploads=[SimpleUploadedFile("rapport final.pdf", PDF_BYTES)])
    (row,) = delivery.files.all()
    assert row.name == "rapport final.pdf"
    assert row.content_type == "application/pdf"
    assert row.file.name.startswith("engagements/")
    assert "rapport" not in row.file.name


def test_a_file_of_the_wrong_type_refuses_the_whole_delivery(engagement):
    with pytest.raises(ValidationFailed) as error:
        deliver(engagement, uploads=[SimpleUploadedFile("site.zip", b"PK\x03\x04 pas un pdf")])
    assert str(error.value.message) == "Seules les images (JPEG, PNG, WebP) et les PDF sont acceptés."
    assert not Delivery.objects.exists()
    assert not DeliveryFile.objects.exists()


def test_a_file_too_large_refuses_the_whole_delivery(engagement):
    huge = SimpleUploadedFile("gros.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024) + b"\n%%EOF\n")
    with pytest.raises(ValidationFailed) as error:
        deliver(engagement, uploads=[huge])
    assert str(error.value.message) == "Une pièce jointe dépasse 10 Mo."
    assert not Delivery.objects.exists()


# --- The 14 days -----------------------------------------------------------------------------------------


def test_reminders_at_7_and_13_days_then_automatic_approval_at_14(engagement):
    delivery = deliver(engagement)
    client = engagement.client

    age(delivery, 6.9)
    assert services.deliveries_follow_up() == {"reminded": 0, "approved": 0}

    age(delivery, 7.1)
    assert services.deliveries_follow_up() == {"reminded": 1, "approved": 0}
    assert services.deliveries_follow_up() == {"reminded": 0, "approved": 0}  # once
    reminder = Notification.objects.get(recipient=client, kind=NotificationKind.DELIVERY_REMINDER)
    assert notification_text(reminder).title == f"Livraison à approuver : « {engagement.project.title} »"

    age(delivery, 13.1)
    assert services.deliveries_follow_up() == {"reminded": 1, "approved": 0}
    assert kinds_for(client).count(NotificationKind.DELIVERY_REMINDER) == 2

    age(delivery, 14.01)
    call_command("follow_up_deliveries")

    delivery.refresh_from_db()
    engagement.refresh_from_db()
    assert delivery.status == DeliveryStatus.AUTO_APPROVED
    assert engagement.status == EngagementStatus.COMPLETED
    assert engagement.project.status == ProjectStatus.COMPLETED
    assert EventKind.AUTO_APPROVED in engagement.events.values_list("kind", flat=True)
    approved = Notification.objects.get(recipient=engagement.freelancer, kind=NotificationKind.DELIVERY_APPROVED)
    assert (
        notification_text(approved).body == "La livraison est approuvée automatiquement, faute de réponse en 14 jours."
    )
    # Reviews open as after a client's approval.
    project_services.review_submit(
        user=engagement.freelancer, project_id=engagement.project_id, data={"rating": 4, "paid_as_agreed": "yes"}
    )


def test_approving_after_the_automatic_approval_is_refused(engagement):
    delivery = deliver(engagement)
    age(delivery, 15)
    services.deliveries_follow_up()

    with pytest.raises(Conflict) as error:
        services.delivery_approve(user=engagement.client, engagement_id=engagement.pk, delivery_id=delivery.pk)
    assert str(error.value.message) == (
        "Cette livraison a déjà été approuvée automatiquement, faute de réponse en 14 jours."
    )
    with pytest.raises(Conflict):
        services.delivery_request_changes(
            user=engagement.client, engagement_id=engagement.pk, delivery_id=delivery.pk, reason="Trop tard"
        )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.AUTO_APPROVED
    assert delivery.change_reason == ""


def test_an_answered_delivery_is_neither_reminded_nor_approved_automatically(engagement):
    delivery = deliver(engagement)
    services.delivery_request_changes(
        user=engagement.client, engagement_id=engagement.pk, delivery_id=delivery.pk, reason="Non"
    )
    age(delivery, 20)
    assert services.deliveries_follow_up() == {"reminded": 0, "approved": 0}
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.CHANGES_REQUESTED


def test_a_client_who_completed_the_project_by_hand_leaves_the_engagement_completed(engagement):
    delivery = deliver(engagement)
    project_services.project_complete(user=engagement.client, project_id=engagement.project_id)
    services.delivery_approve(user=engagement.client, engagement_id=engagement.pk, delivery_id=delivery.pk)
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.COMPLETED
    assert engagement.freelancer.freelancer_profile.completed_projects_count == 1


# --- Notification texts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "params", "french", "english"),
    [
        (
            NotificationKind.ENGAGEMENT_OPENED,
            {"title": "Logo"},
            "Mandat ouvert : « Logo »",
            "Engagement opened: “Logo”",
        ),
        (
            NotificationKind.MILESTONES_PROPOSED,
            {"title": "Logo", "name": "Ana"},
            "Jalons proposés : « Logo »",
            "Milestones proposed: “Logo”",
        ),
        (
            NotificationKind.MILESTONES_ACCEPTED,
            {"title": "Logo", "name": "Ana"},
            "Jalons acceptés : « Logo »",
            "Milestones accepted: “Logo”",
        ),
        (
            NotificationKind.WORK_DELIVERED,
            {"title": "Logo", "auto_on": "2026-12-15"},
            "Travail livré : « Logo »",
            "Work delivered: “Logo”",
        ),
        (
            NotificationKind.DELIVERY_APPROVED,
            {"title": "Logo", "auto": ""},
            "Livraison approuvée : « Logo »",
            "Delivery approved: “Logo”",
        ),
        (
            NotificationKind.CHANGES_REQUESTED,
            {"title": "Logo", "reason": "Flou"},
            "Modifications demandées : « Logo »",
            "Changes requested: “Logo”",
        ),
        (
            NotificationKind.DELIVERY_REMINDER,
            {"title": "Logo", "auto_on": "2026-12-15"},
            "Livraison à approuver : « Logo »",
            "Delivery awaiting approval: “Logo”",
        ),
    ],
)
def test_notification_texts_in_french_and_english(kind, params, french, english):
    from django.utils import translation

    notification = Notification(kind=kind, params=params)
    with translation.override("fr-ca"):
        assert notification_text(notification).title == french
    with translation.override("en"):
        assert notification_text(notification).title == english
