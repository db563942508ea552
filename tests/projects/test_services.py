"""Services of the projects app, called directly: the rules, their messages, and that refusals change nothing."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from notifications.models import Notification, NotificationKind
from notifications.texts import notification_text
from profiles.models import FreelancerProfile
from projects import services
from projects.models import Project, ProjectStatus, Quote, QuoteStatus, Review, Visibility
from search.models import SearchOutboxEntry
from tests.factories import ProjectFactory, QuoteFactory, UserFactory

from .factories import InvitationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def kinds_for(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# --- Projects ------------------------------------------------------------------------------------------


def test_project_create_publishes_with_skills_and_records_search(owner, project_data):
    project = services.project_create(owner=owner, data=project_data, publish=True)

    assert project.status == ProjectStatus.OPEN
    assert project.published_at is not None
    assert sorted(s.name for s in project.skills.all()) == ["Design graphique", "Illustration"]
    assert SearchOutboxEntry.objects.filter(kind="project", object_id=project.pk).exists()


def test_project_create_as_draft_and_publish_later(owner, project_data):
    project = services.project_create(owner=owner, data=project_data)
    assert project.status == ProjectStatus.DRAFT

    services.project_publish(user=owner, project_id=project.pk)

    project.refresh_from_db()
    assert project.status == ProjectStatus.OPEN


def test_same_skill_typed_differently_is_one_skill(owner, project_data):
    project_data["skills"] = ["Développement Web", "développement  web"]
    project = services.project_create(owner=owner, data=project_data)
    assert project.skills.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"budget_min": Decimal("-10")}, "budget_min", "Le montant doit être supérieur à 0 $."),
        ({"budget_min": Decimal("0")}, "budget_min", "Le montant doit être supérieur à 0 $."),
        ({"budget_max": Decimal("10000000.01")}, "budget_max", "Le montant ne peut pas dépasser 10 000 000 $."),
        ({"budget_max": Decimal("1e12")}, "budget_max", "Le montant ne peut pas dépasser 10 000 000 $."),
        (
            {"budget_min": Decimal("3000"), "budget_max": Decimal("1000")},
            "budget_min",
            "Le budget minimum ne peut pas dépasser le budget maximum.",
        ),
        (
            {"deadline": timezone.localdate() - datetime.timedelta(days=1)},
            "deadline",
            "L'échéance ne peut pas être dans le passé.",
        ),
        (
            {"quotes_due": timezone.localdate() - datetime.timedelta(days=1)},
            "quotes_due",
            "La date limite des soumissions ne peut pas être dans le passé.",
        ),
        ({"title": "x" * 10_000}, "title", "120 caractères au maximum (vous en avez 10000)."),
        ({"title": "   "}, "title", "Ce champ est obligatoire."),
        ({"description": ""}, "description", "Ce champ est obligatoire."),
        (
            {"municipality": 987654321},
            "municipality",
            "Cette municipalité n'existe pas. Choisissez-en une dans la liste.",
        ),
        ({"municipality": "abc"}, "municipality", "Entrez un nombre entier."),
        ({"category": "astrology"}, "category", "Choisissez une catégorie de la liste."),
        ({"skills": 42}, "skills", "Donnez une liste de compétences."),
        ({"budget_min": "beaucoup"}, "budget_min", "Entrez un nombre valide."),
        ({"deadline": "demain"}, "deadline", "Entrez une date valide (AAAA-MM-JJ)."),
        (
            {"municipality": None, "remote": False},
            "municipality",
            "Indiquez une municipalité, ou précisez que le travail peut se faire à distance.",
        ),
        ({"budget_min": None, "budget_max": None}, "budget_max", "Indiquez un budget, ou choisissez « À discuter »."),
    ],
)
def test_project_create_refuses_bad_input_and_saves_nothing(owner, project_data, changes, field, message):
    project_data.update(changes)

    with pytest.raises(ValidationFailed) as exc:
        services.project_create(owner=owner, data=project_data, publish=True)

    assert [str(m) for m in exc.value.errors[field]] == [message]
    assert Project.objects.count() == 0
    assert SearchOutboxEntry.objects.count() == 0


def test_project_create_reports_every_bad_field_at_once(owner, project_data):
    project_data.update(title="", budget_min=Decimal("-1"), deadline=timezone.localdate() - datetime.timedelta(days=3))

    with pytest.raises(ValidationFailed) as exc:
        services.project_create(owner=owner, data=project_data)

    assert set(exc.value.errors) == {"title", "budget_min", "deadline"}


def test_to_discuss_budget_drops_the_figures(owner, project_data):
    project_data.update(budget_type="to_discuss", budget_min=Decimal("-5"))
    project = services.project_create(owner=owner, data=project_data)
    assert (project.budget_min, project.budget_max) == (None, None)


def test_project_update_by_owner(project, owner):
    services.project_update(user=owner, project_id=project.pk, data={"title": "Nouveau titre", "skills": ["WordPress"]})
    project.refresh_from_db()
    assert project.title == "Nouveau titre"
    assert [s.name for s in project.skills.all()] == ["WordPress"]


def test_project_update_by_someone_else_is_refused(project):
    stranger = UserFactory()
    with pytest.raises(PermissionDenied) as exc:
        services.project_update(user=stranger, project_id=project.pk, data={"title": "Piraté"})
    assert str(exc.value.message) == "Seul l'auteur du projet peut faire cela."
    project.refresh_from_db()
    assert project.title == "Site web pour la fromagerie"


def test_project_update_once_awarded_is_refused(project, owner):
    project.status = ProjectStatus.AWARDED
    project.save()
    with pytest.raises(Conflict) as exc:
        services.project_update(user=owner, project_id=project.pk, data={"title": "Autre"})
    assert str(exc.value.message) == "Ce projet ne peut plus être modifié (statut : Attribué)."
    project.refresh_from_db()
    assert project.title == "Site web pour la fromagerie"


def test_project_update_keeps_a_past_deadline_that_was_not_changed(project, owner):
    Project.objects.filter(pk=project.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=2))
    services.project_update(user=owner, project_id=project.pk, data={"title": "Titre corrigé"})
    project.refresh_from_db()
    assert project.title == "Titre corrigé"


def test_project_update_with_budget_min_above_max_changes_nothing(project, owner):
    with pytest.raises(ValidationFailed) as exc:
        services.project_update(user=owner, project_id=project.pk, data={"budget_min": Decimal("9000")})
    assert str(exc.value.errors["budget_min"][0]) == "Le budget minimum ne peut pas dépasser le budget maximum."
    project.refresh_from_db()
    assert project.budget_min == Decimal("2000.00")


def test_project_cancel_declines_live_quotes_and_tells_their_authors(project, owner, freelancer):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    services.project_cancel(user=owner, project_id=project.pk)

    project.refresh_from_db()
    quote.refresh_from_db()
    assert project.status == ProjectStatus.CANCELLED
    assert quote.status == QuoteStatus.DECLINED
    assert kinds_for(freelancer) == [NotificationKind.PROJECT_CLOSED]


def test_project_cancel_once_awarded_is_refused(project, owner):
    project.status = ProjectStatus.AWARDED
    project.save()
    with pytest.raises(Conflict) as exc:
        services.project_cancel(user=owner, project_id=project.pk)
    assert str(exc.value.message) == "Seul un projet ouvert peut être annulé."
    project.refresh_from_db()
    assert project.status == ProjectStatus.AWARDED


# --- Quotes: submission ------------------------------------------------------------------------------


def test_quote_submit_notifies_the_owner_and_pushes_after_commit(
    project, owner, freelancer, quote_data, pushed_quotes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        quote = services.quote_submit(user=freelancer, project_id=project.pk, data=quote_data)

    assert quote.status == QuoteStatus.PENDING
    assert [(i.description, i.amount) for i in quote.line_items.all()] == [
        ("Trois pistes de logo", Decimal("900.00")),
        ("Déclinaisons", Decimal("300.00")),
    ]
    notification = Notification.objects.get(recipient=owner)
    assert notification.kind == NotificationKind.QUOTE_RECEIVED
    assert notification_text(notification).title == "Nouvelle soumission pour « Site web pour la fromagerie »"
    assert notification.url == f"/projets/{project.pk}/#quotes"
    assert pushed_quotes == [(quote.pk, "pending")]


def test_hourly_quote_needs_estimated_hours(project, freelancer, quote_data):
    quote_data.update(pricing="hourly", amount=Decimal("65"), line_items=[])
    with pytest.raises(ValidationFailed) as exc:
        services.quote_submit(user=freelancer, project_id=project.pk, data=quote_data)
    assert str(exc.value.errors["estimated_hours"][0]) == "Indiquez le nombre d'heures estimé pour un taux horaire."
    assert Quote.objects.count() == 0

    quote_data["estimated_hours"] = Decimal("20")
    quote = services.quote_submit(user=freelancer, project_id=project.pk, data=quote_data)
    assert quote.estimated_total == Decimal("1300.00")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": Decimal("-100")}, "amount", "Le montant doit être supérieur à 0 $."),
        ({"amount": Decimal("0")}, "amount", "Le montant doit être supérieur à 0 $."),
        ({"amount": Decimal("10000001")}, "amount", "Le montant ne peut pas dépasser 10 000 000 $."),
        ({"amount": "beaucoup"}, "amount", "Entrez un nombre valide."),
        ({"amount": None}, "amount", "Ce champ est obligatoire."),
        (
            {"pricing": "hourly", "amount": Decimal("5000"), "estimated_hours": Decimal("5000")},
            "amount",
            "Le total estimé ne peut pas dépasser 10 000 000 $.",
        ),
        ({"delivery_days": None}, "delivery_days", "Indiquez un délai de livraison en jours ou une date."),
        ({"delivery_days": 0}, "delivery_days", "Le délai va de 1 à 3650 jours."),
        (
            {"delivery_days": None, "delivery_date": timezone.localdate() - datetime.timedelta(days=1)},
            "delivery_date",
            "La date de livraison ne peut pas être dans le passé.",
        ),
        ({"message": ""}, "message", "Ce champ est obligatoire."),
        ({"message": "x" * 5001}, "message", "5000 caractères au maximum (vous en avez 5001)."),
        (
            {"line_items": [{"description": "Poste", "amount": Decimal("-1")}]},
            "line_items",
            "Le montant d'un poste doit être supérieur à 0 $.",
        ),
    ],
)
def test_quote_submit_refuses_bad_input_and_saves_nothing(
    project, owner, freelancer, quote_data, changes, field, message
):
    quote_data.update(changes)

    with pytest.raises(ValidationFailed) as exc:
        services.quote_submit(user=freelancer, project_id=project.pk, data=quote_data)

    assert [str(m) for m in exc.value.errors[field]] == [message]
    assert Quote.objects.count() == 0
    assert Notification.objects.count() == 0


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (ProjectStatus.CLOSED, "Ce projet est fermé : il ne reçoit plus de soumissions."),
        (ProjectStatus.AWARDED, "Ce projet a déjà été attribué : il ne reçoit plus de soumissions."),
        (ProjectStatus.CANCELLED, "Ce projet a été annulé : il ne reçoit plus de soumissions."),
    ],
)
def test_quote_on_a_project_not_open_is_refused(project, freelancer, quote_data, status, message):
    project.status = status
    project.save()

    with pytest.raises(Conflict) as exc:
        services.quote_submit(user=freelancer, project_id=project.pk, data=quote_data)

    assert str(exc.value.message) == message
    assert Quote.objects.count() == 0


def test_quote_on_a_draft_or_hidden_project_is_refused_as_not_found(project, freelancer, quote_data):
    project.status = ProjectStatus.DRAFT
    project.save()
    with pytest.raises(NotFound):
        services.quote_submit(user=freelancer, project_id=project.pk, data=quote_data)
    project.status, project.is_hidden = ProjectStatus.OPEN, True
    project.save()
    with pytest.raises(NotFound):
        services.quote_submit(user=freelancer, project_id=project.pk, data=quote_data)
    assert Quote.objects.count() == 0


def test_quote_past_the_closing_date_is_refused(project, freelancer, quote_data):
    Project.objects.filter(pk=project.pk).update(quotes_due=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(Conflict) as exc:
        services.quote_submit(user=freelancer, project_id=project.pk, data=quote_data)
    assert str(exc.value.message) == "La période de soumissions de ce projet est terminée."
    assert Quote.objects.count() == 0


def test_quote_on_invite_only_project_needs_an_invitation(project, freelancer, other_freelancer, quote_data):
    project.visibility = Visibility.INVITED
    project.save()
    InvitationFactory(project=project, freelancer=other_freelancer)

    with pytest.raises(NotFound) as exc:
        services.quote_submit(user=freelancer, project_id=project.pk, data=quote_data)
    assert str(exc.value.message) == "Ce projet n'existe pas."
    assert Quote.objects.count() == 0

    quote = services.quote_submit(user=other_freelancer, project_id=project.pk, data=quote_data)
    assert quote.freelancer == other_freelancer


def test_second_live_quote_from_the_same_freelancer_is_refused(project, freelancer, quote_data):
    first = services.quote_submit(user=freelancer, project_id=project.pk, data=quote_data)
    quote_data["amount"] = Decimal("999")

    with pytest.raises(Conflict) as exc:
        services.quote_submit(user=freelancer, project_id=project.pk, data=quote_data)

    assert str(exc.value.message).startswith("Vous avez déjà une soumission en cours sur ce projet")
    assert list(Quote.objects.values_list("pk", "amount")) == [(first.pk, Decimal("1200.00"))]


def test_new_quote_after_withdrawing_is_allowed(project, freelancer, quote_data):
    first = services.quote_submit(user=freelancer, project_id=project.pk, data=quote_data)
    services.quote_withdraw(user=freelancer, quote_id=first.pk)
    second = services.quote_submit(user=freelancer, project_id=project.pk, data=quote_data)
    assert second.pk != first.pk


def test_quote_on_own_project_is_refused(project, owner, quote_data):
    with pytest.raises(PermissionDenied) as exc:
        services.quote_submit(user=owner, project_id=project.pk, data=quote_data)
    assert str(exc.value.message) == "Vous ne pouvez pas soumissionner sur votre propre projet."
    assert Quote.objects.count() == 0


# --- Quotes: the detail of costs adds up to the total ------------------------------------------------


@pytest.mark.parametrize(
    ("items", "message"),
    [
        # 600 $ of items on a 1 200 $ quote.
        (
            [("Maquettes", "400"), ("Intégration", "200")],
            "Le détail des coûts totalise 600,00\xa0$, mais le total de la soumission est de 1\u202f200,00\xa0$ : "
            "corrigez les postes ou le montant (écart de 600,00\xa0$).",
        ),
        # One cent short.
        (
            [("Maquettes", "900"), ("Intégration", "299.99")],
            "Le détail des coûts totalise 1\u202f199,99\xa0$, mais le total de la soumission est de "
            "1\u202f200,00\xa0$ : corrigez les postes ou le montant (écart de 0,01\xa0$).",
        ),
        # One cent over.
        (
            [("Maquettes", "900.01"), ("Intégration", "300")],
            "Le détail des coûts totalise 1\u202f200,01\xa0$, mais le total de la soumission est de "
            "1\u202f200,00\xa0$ : corrigez les postes ou le montant (écart de 0,01\xa0$).",
        ),
        ([("Maquettes", "-300"), ("Intégration", "1500")], "Le montant d'un poste doit être supérieur à 0 $."),
        ([("Maquettes", "0"), ("Intégration", "1200")], "Le montant d'un poste doit être supérieur à 0 $."),
        ([("Maquettes", "beaucoup"), ("Intégration", "1200")], "Entrez un nombre valide."),
        ([("Maquettes", "NaN"), ("Intégration", "1200")], "Entrez un nombre valide."),
        ([("Maquettes", ""), ("Intégration", "1200")], "Ce champ est obligatoire."),
        ([("Maquettes", "899.995"), ("Intégration", "300")], "Le montant d'un poste a au plus deux décimales."),
        ([("Maquettes", "20000000")], "Le montant d'un poste ne peut pas dépasser 10 000 000 $."),
        ([("", "1200")], "Chaque poste a une description."),
    ],
)
def test_quote_whose_line_items_do_not_add_up_is_refused_and_nothing_is_saved(
    project, owner, freelancer, quote_data, items, message
):
    quote_data["line_items"] = [{"description": d, "amount": a} for d, a in items]

    with pytest.raises(ValidationFailed) as exc:
        services.quote_submit(user=freelancer, project_id=project.pk, data=quote_data)

    assert [str(m) for m in exc.value.errors["line_items"]] == [message]
    assert Quote.objects.count() == 0
    assert Notification.objects.count() == 0


def test_line_items_of_an_hourly_quote_add_up_to_rate_times_hours(project, freelancer, quote_data):
    quote_data.update(pricing="hourly", amount=Decimal("65"), estimated_hours=Decimal("20"))
    quote_data["line_items"] = [{"description": "Maquettes", "amount": "1000"}]
    with pytest.raises(ValidationFailed) as exc:
        services.quote_submit(user=freelancer, project_id=project.pk, data=quote_data)
    assert [str(m) for m in exc.value.errors["line_items"]] == [
        "Le détail des coûts totalise 1\u202f000,00\xa0$, mais le total de la soumission est de "
        "1\u202f300,00\xa0$ : corrigez les postes ou le montant (écart de 300,00\xa0$)."
    ]
    assert Quote.objects.count() == 0

    quote_data["line_items"] = [{"description": "Maquettes", "amount": "1000"}, {"description": "Tests", "amount": 300}]
    quote = services.quote_submit(user=freelancer, project_id=project.pk, data=quote_data)
    assert sum(i.amount for i in quote.line_items.all()) == quote.estimated_total == Decimal("1300.00")


def test_hourly_total_to_the_cent_rounds_half_a_cent_like_the_shown_estimate(project, freelancer, quote_data):
    # 65,15 $/h × 1,5 h = 97,725 $: the estimate shows 97,72 $, so that is what the items must add up to.
    quote_data.update(pricing="hourly", amount=Decimal("65.15"), estimated_hours=Decimal("1.5"))
    quote_data["line_items"] = [{"description": "Appel de démarrage", "amount": "97.72"}]

    quote = services.quote_submit(user=freelancer, project_id=project.pk, data=quote_data)

    assert quote.estimated_total == Decimal("97.72")


def test_new_price_that_leaves_the_stored_line_items_behind_is_refused(project, freelancer, quote_data):
    quote = services.quote_submit(user=freelancer, project_id=project.pk, data=quote_data)  # 900 + 300 = 1 200 $

    with pytest.raises(ValidationFailed) as exc:
        services.quote_update(user=freelancer, quote_id=quote.pk, data={"amount": Decimal("1500")})

    assert "mais le total de la soumission est de 1\u202f500,00\xa0$" in str(exc.value.errors["line_items"][0])
    quote.refresh_from_db()
    assert quote.amount == Decimal("1200.00")
    # A change that keeps the total keeps the stored detail, and so does one that sends a new detail that adds up.
    services.quote_update(user=freelancer, quote_id=quote.pk, data={"message": "Bonjour, précisions ajoutées."})
    services.quote_update(
        user=freelancer,
        quote_id=quote.pk,
        data={"amount": "1500", "line_items": [{"description": "Tout compris", "amount": "1500"}]},
    )
    quote.refresh_from_db()
    assert quote.amount == Decimal("1500.00")
    assert [(i.description, i.amount) for i in quote.line_items.all()] == [("Tout compris", Decimal("1500.00"))]


# --- Quotes: changes and decisions ------------------------------------------------------------------


def test_quote_update_answers_a_revision_request(project, owner, freelancer):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    services.quote_request_revision(user=owner, quote_id=quote.pk, note="Pouvez-vous inclure l'hébergement ?")
    assert kinds_for(freelancer) == [NotificationKind.REVISION_REQUESTED]

    services.quote_update(user=freelancer, quote_id=quote.pk, data={"amount": Decimal("3900")})

    quote.refresh_from_db()
    assert quote.amount == Decimal("3900.00")
    assert quote.revision_requested_at is None and quote.revision_note == ""


def test_revision_request_needs_a_note(project, owner, freelancer):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    with pytest.raises(ValidationFailed) as exc:
        services.quote_request_revision(user=owner, quote_id=quote.pk, note="  ")
    assert str(exc.value.errors["note"][0]) == "Ce champ est obligatoire."
    quote.refresh_from_db()
    assert quote.revision_requested_at is None


def test_editing_a_quote_after_it_was_accepted_is_refused(project, owner, freelancer):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    services.quote_accept(user=owner, quote_id=quote.pk)

    with pytest.raises(Conflict) as exc:
        services.quote_update(user=freelancer, quote_id=quote.pk, data={"amount": Decimal("99999")})

    assert str(exc.value.message) == "Cette soumission est acceptée : elle ne peut plus changer."
    quote.refresh_from_db()
    assert quote.amount == Decimal("3500.00")


def test_editing_someone_elses_quote_is_refused(project, freelancer, other_freelancer):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    with pytest.raises(NotFound):
        services.quote_update(user=other_freelancer, quote_id=quote.pk, data={"amount": Decimal("1")})
    quote.refresh_from_db()
    assert quote.amount == Decimal("3500.00")


def test_decline_with_reason_tells_the_freelancer(
    project, owner, freelancer, pushed_quotes, django_capture_on_commit_callbacks
):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_decline(user=owner, quote_id=quote.pk, reason="Budget trop élevé pour nous.")

    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DECLINED
    assert quote.decline_reason == "Budget trop élevé pour nous."
    notification = Notification.objects.get(recipient=freelancer)
    assert notification.kind == NotificationKind.QUOTE_DECLINED
    assert notification_text(notification).body == "Raison donnée par le client : Budget trop élevé pour nous."
    assert pushed_quotes == [(quote.pk, "declined")]


@pytest.mark.parametrize("action", ["accept", "decline", "shortlist"])
def test_decisions_by_anyone_but_the_owner_are_refused(project, freelancer, other_freelancer, action):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    call = getattr(services, f"quote_{action}")

    with pytest.raises(PermissionDenied) as exc:
        call(user=freelancer, quote_id=quote.pk)
    assert str(exc.value.message) == "Seul l'auteur du projet peut décider des soumissions."
    with pytest.raises(NotFound):
        call(user=other_freelancer, quote_id=quote.pk)

    quote.refresh_from_db()
    project.refresh_from_db()
    assert quote.status == QuoteStatus.PENDING
    assert project.status == ProjectStatus.OPEN
    assert Notification.objects.count() == 0


def test_accept_awards_the_project_and_declines_the_others(
    project, owner, freelancer, other_freelancer, pushed_quotes, django_capture_on_commit_callbacks
):
    winner = QuoteFactory(project=project, freelancer=freelancer)
    loser = QuoteFactory(project=project, freelancer=other_freelancer, status=QuoteStatus.SHORTLISTED)
    withdrawn = QuoteFactory(project=project, status=QuoteStatus.WITHDRAWN)

    with django_capture_on_commit_callbacks(execute=True):
        services.quote_accept(user=owner, quote_id=winner.pk)

    project.refresh_from_db()
    assert project.status == ProjectStatus.AWARDED
    assert dict(Quote.objects.values_list("pk", "status")) == {
        winner.pk: "accepted",
        loser.pk: "declined",
        withdrawn.pk: "withdrawn",
    }
    # The engagement ("mandat") the acceptance opens links both sides to it (engagements app).
    assert sorted(kinds_for(freelancer)) == [NotificationKind.ENGAGEMENT_OPENED, NotificationKind.QUOTE_ACCEPTED]
    assert kinds_for(other_freelancer) == [NotificationKind.PROJECT_AWARDED_ELSEWHERE]
    assert sorted(pushed_quotes) == sorted([(winner.pk, "accepted"), (loser.pk, "declined")])


def test_reasons_the_platform_writes_are_flagged_and_the_clients_own_are_not(
    project, owner, freelancer, other_freelancer
):
    declined_by_client = QuoteFactory(project=project)
    services.quote_decline(user=owner, quote_id=declined_by_client.pk, reason="Trop loin de chez nous.")
    winner = QuoteFactory(project=project, freelancer=freelancer)
    loser = QuoteFactory(project=project, freelancer=other_freelancer)
    services.quote_accept(user=owner, quote_id=winner.pk)
    cancelled_project = ProjectFactory(owner=owner)
    on_cancelled = QuoteFactory(project=cancelled_project, freelancer=freelancer)
    services.project_cancel(user=owner, project_id=cancelled_project.pk)

    rows = dict(Quote.objects.values_list("pk", "decline_reason_by_system"))
    assert rows[declined_by_client.pk] is False
    assert (rows[loser.pk], rows[on_cancelled.pk], rows[winner.pk]) == (True, True, False)
    loser.refresh_from_db()
    assert loser.decline_reason_text == "Le client a retenu une autre soumission."


def test_accept_on_an_awarded_project_is_refused_and_changes_nothing(project, owner, freelancer, other_freelancer):
    winner = QuoteFactory(project=project, freelancer=freelancer)
    services.quote_accept(user=owner, quote_id=winner.pk)
    late = QuoteFactory(project=project, freelancer=other_freelancer)  # e.g. slipped in by the admin
    before = Notification.objects.count()

    with pytest.raises(Conflict) as exc:
        services.quote_accept(user=owner, quote_id=late.pk)

    assert exc.value.status_code == 409
    assert str(exc.value.message) == "Ce projet a déjà été attribué : une seule soumission peut être acceptée."
    assert dict(Quote.objects.values_list("pk", "status")) == {winner.pk: "accepted", late.pk: "pending"}
    assert Notification.objects.count() == before


# --- Invitations --------------------------------------------------------------------------------------


def test_invitation_notifies_the_freelancer(project, owner, freelancer):
    profile = freelancer.freelancer_profile
    services.invitation_send(user=owner, project_id=project.pk, freelancer_profile_id=profile.pk, message="Bonjour !")
    notification = Notification.objects.get(recipient=freelancer)
    assert notification.kind == NotificationKind.INVITATION
    assert notification_text(notification).title == "Demande de soumission : « Site web pour la fromagerie »"


def test_invitation_twice_or_on_someone_elses_project_is_refused(project, owner, freelancer):
    profile = freelancer.freelancer_profile
    services.invitation_send(user=owner, project_id=project.pk, freelancer_profile_id=profile.pk)
    with pytest.raises(Conflict) as exc:
        services.invitation_send(user=owner, project_id=project.pk, freelancer_profile_id=profile.pk)
    assert str(exc.value.message) == "Vous avez déjà invité ce pigiste sur ce projet."
    with pytest.raises(PermissionDenied):
        services.invitation_send(user=UserFactory(), project_id=project.pk, freelancer_profile_id=profile.pk)
    assert project.invitations.count() == 1


# --- Completion and reviews ---------------------------------------------------------------------------


@pytest.fixture
def completed(project, owner, freelancer):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    services.quote_accept(user=owner, quote_id=quote.pk)
    services.project_complete(user=owner, project_id=project.pk)
    return project


def test_complete_counts_the_project_for_the_freelancer(completed, freelancer):
    profile = FreelancerProfile.objects.get(user=freelancer)
    assert profile.completed_projects_count == 1
    assert SearchOutboxEntry.objects.filter(kind="profile", object_id=profile.pk).exists()


def test_complete_before_award_is_refused(project, owner):
    with pytest.raises(Conflict) as exc:
        services.project_complete(user=owner, project_id=project.pk)
    assert str(exc.value.message) == "Seul un projet attribué peut être marqué comme terminé."
    project.refresh_from_db()
    assert project.status == ProjectStatus.OPEN


def test_both_sides_review_each_other_and_ratings_follow(completed, owner, freelancer):
    services.review_submit(user=owner, project_id=completed.pk, data={"rating": 4, "comment": "Très bon travail."})
    services.review_submit(
        user=freelancer,
        project_id=completed.pk,
        data={"rating": 5, "comment": "Client clair.", "paid_as_agreed": "yes"},
    )

    profile = FreelancerProfile.objects.get(user=freelancer)
    assert (profile.rating_average, profile.rating_count) == (Decimal("4.00"), 1)
    # Blind reviews: both appear together, and each side is told once, then (not when each was written).
    assert kinds_for(freelancer).count(NotificationKind.REVIEWS_PUBLISHED) == 1
    assert kinds_for(owner).count(NotificationKind.REVIEWS_PUBLISHED) == 1
    assert NotificationKind.REVIEW_RECEIVED not in kinds_for(freelancer) + kinds_for(owner)
    from projects.selectors import PaidSummary, client_paid_summary

    assert client_paid_summary(user_id=owner.pk) == PaidSummary(answers=1, yes=1, late=0)


def test_freelancer_review_must_say_whether_they_were_paid(completed, freelancer):
    with pytest.raises(ValidationFailed) as exc:
        services.review_submit(user=freelancer, project_id=completed.pk, data={"rating": 5})
    assert (
        str(exc.value.errors["paid_as_agreed"][0])
        == "Dites si le client vous a payé comme convenu (oui, en retard ou non)."
    )
    assert Review.objects.count() == 0


@pytest.mark.parametrize("rating", [0, 6, None, "cinq"])
def test_review_rating_outside_one_to_five_is_refused(completed, owner, rating):
    with pytest.raises(ValidationFailed):
        services.review_submit(user=owner, project_id=completed.pk, data={"rating": rating})
    assert Review.objects.count() == 0


def test_review_by_a_stranger_is_refused(completed, other_freelancer):
    with pytest.raises(PermissionDenied) as exc:
        services.review_submit(
            user=other_freelancer, project_id=completed.pk, data={"rating": 1, "paid_as_agreed": "no"}
        )
    assert str(exc.value.message) == "Seuls le client et le pigiste retenu peuvent évaluer ce projet."
    assert Review.objects.count() == 0


def test_second_review_is_refused(completed, owner, freelancer):
    services.review_submit(user=owner, project_id=completed.pk, data={"rating": 5})
    with pytest.raises(Conflict) as exc:
        services.review_submit(user=owner, project_id=completed.pk, data={"rating": 1})
    assert str(exc.value.message) == "Vous avez déjà évalué ce projet ; vous pouvez modifier votre évaluation."
    assert list(Review.objects.values_list("rating", flat=True)) == [5]
    # Blind until the freelancer writes theirs: it counts in no rating yet.
    assert FreelancerProfile.objects.get(user=freelancer).rating_average is None


def test_review_before_completion_is_refused(project, owner, freelancer):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    services.quote_accept(user=owner, quote_id=quote.pk)
    with pytest.raises(Conflict) as exc:
        services.review_submit(user=owner, project_id=project.pk, data={"rating": 5})
    assert str(exc.value.message) == "Vous pourrez évaluer une fois le projet terminé."
    assert Review.objects.count() == 0


def test_review_update_until_published_then_refused(completed, owner, freelancer):
    review = services.review_submit(user=owner, project_id=completed.pk, data={"rating": 2})
    services.review_update(user=owner, review_id=review.pk, data={"rating": 4})
    services.review_submit(user=freelancer, project_id=completed.pk, data={"rating": 5, "paid_as_agreed": "yes"})
    assert FreelancerProfile.objects.get(user=freelancer).rating_average == Decimal("4.00")

    with pytest.raises(Conflict) as exc:
        services.review_update(user=owner, review_id=review.pk, data={"rating": 1})
    assert str(exc.value.message) == "Cette évaluation est publiée : elle ne peut plus être modifiée."
    review.refresh_from_db()
    assert review.rating == 4


def test_review_update_by_someone_else_is_refused(completed, owner, freelancer):
    review = services.review_submit(user=owner, project_id=completed.pk, data={"rating": 5})
    with pytest.raises(NotFound):
        services.review_update(user=freelancer, review_id=review.pk, data={"rating": 1})
    review.refresh_from_db()
    assert review.rating == 5


# --- Overdue projects ----------------------------------------------------------------------------------


def test_overdue_project_reminds_the_owner_then_closes_and_tells_every_bidder(
    project, owner, freelancer, other_freelancer
):
    QuoteFactory(project=project, freelancer=freelancer)
    QuoteFactory(project=project, freelancer=other_freelancer)
    Project.objects.filter(pk=project.pk).update(quotes_due=timezone.localdate() - datetime.timedelta(days=1))

    assert services.project_send_decision_reminders() == 1
    assert services.project_send_decision_reminders() == 0  # once
    assert kinds_for(owner) == [NotificationKind.DECISION_REMINDER]
    assert services.project_close_overdue() == 0  # still within the grace period

    later = timezone.now() + datetime.timedelta(days=services.DECISION_GRACE_DAYS, minutes=1)
    assert services.project_close_overdue(now=later) == 1

    project.refresh_from_db()
    assert project.status == ProjectStatus.CLOSED
    assert kinds_for(freelancer) == [NotificationKind.PROJECT_CLOSED]
    assert kinds_for(other_freelancer) == [NotificationKind.PROJECT_CLOSED]
    assert set(Quote.objects.values_list("status", flat=True)) == {"declined"}


def test_overdue_command_runs_both_steps(project, owner):
    from django.core.management import call_command

    Project.objects.filter(pk=project.pk).update(quotes_due=timezone.localdate() - datetime.timedelta(days=30))
    call_command("follow_up_overdue_projects")
    project.refresh_from_db()
    assert project.reminder_sent_at is not None
    assert project.status == ProjectStatus.OPEN  # the owner gets the reminder's grace period first


def test_decided_projects_are_not_reminded(project, owner, freelancer):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    services.quote_accept(user=owner, quote_id=quote.pk)
    Project.objects.filter(pk=project.pk).update(quotes_due=timezone.localdate() - datetime.timedelta(days=30))
    assert services.project_send_decision_reminders() == 0
    assert NotificationKind.DECISION_REMINDER not in kinds_for(owner)


def test_other_projects_unaffected_by_closing(owner):
    fresh = ProjectFactory(owner=owner)
    services.project_close_overdue(now=timezone.now() + datetime.timedelta(days=365))
    fresh.refresh_from_db()
    assert fresh.status == ProjectStatus.OPEN
