"""Web pages: forms, actions, what each person sees, escaping, and sign-up on submit."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from profiles.models import User
from projects.models import Invitation, Project, ProjectStatus, Quote, QuoteLineItem, QuoteStatus, Review
from projects.views import DashboardView, ProjectListView
from tests.emails import confirmation_path
from tests.factories import FreelancerProfileFactory, ProjectFactory, QuoteFactory, ReviewFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]
XSS = '<script>alert("x")</script><b>gras</b>'
XSS_ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;gras&lt;/b&gt;"


def form_post(project_data, **changes):
    data = {**project_data, **changes}
    data["skills"] = ", ".join(data["skills"]) if isinstance(data["skills"], list) else data["skills"]
    data = {k: ("on" if v is True else "" if v in (None, False) else str(v)) for k, v in data.items()}
    data.setdefault("action", "publish")
    return data


def test_project_create_page_publishes_and_redirects(client, owner, project_data):
    client.force_login(owner)
    response = client.post(reverse("project-create"), form_post(project_data))
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/projets/{project.pk}/"
    assert project.status == ProjectStatus.OPEN
    page = client.get(response["Location"]).content.decode()
    assert "500\xa0$ – 1\u202f500\xa0$" in page


def test_project_create_shows_every_error_and_saves_nothing(client, owner, project_data):
    client.force_login(owner)
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("project-create"),
        form_post(
            project_data, title="x" * 10_000, budget_min="3000", budget_max="1000", deadline=past, municipality="987654"
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "120 caractères au maximum (vous en avez 10000)." in page
    assert "Le budget minimum ne peut pas dépasser le budget maximum." in page
    assert "L&#x27;échéance ne peut pas être dans le passé." in page
    assert "Cette municipalité n&#x27;existe pas." in page
    assert Project.objects.count() == 0


def test_visitor_writes_a_project_signs_up_and_finds_it_created(client, project_data):
    response = client.post(reverse("project-create"), form_post(project_data, title="Logo <pour> brasserie"))
    assert response.status_code == 302
    assert response["Location"] == "/comptes/signup/?next=%2Fprojets%2Fnouveau%2Freprendre%2F"
    assert Project.objects.count() == 0

    signup = client.post(
        response["Location"],
        {
            "email": "nouvelle@exemple.qc.ca",
            "name": "Ferme Les Trois Sœurs",
            "password1": "motdepasse-solide-123",
            "password2": "motdepasse-solide-123",
        },
    )
    assert signup.status_code == 302
    # Saved at once for the new account, waiting for the e-mail's confirmation.
    assert signup["Location"] == "/comptes/confirm-email/"
    assert Project.objects.get().status == ProjectStatus.AWAITING_EMAIL

    # The link in the e-mail, confirmed in this browser: signed in, on to where sign-up was headed.
    confirmation = client.get(confirmation_path("nouvelle@exemple.qc.ca"))
    confirmed = client.post(confirmation.request["PATH_INFO"])
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/projets/nouveau/reprendre/"
    created = client.get(confirmed["Location"])

    project = Project.objects.get()
    assert created["Location"] == f"/projets/{project.pk}/"
    assert project.owner == User.objects.get(email="nouvelle@exemple.qc.ca")
    assert (project.title, project.status) == ("Logo <pour> brasserie", ProjectStatus.OPEN)
    assert sorted(s.name for s in project.skills.all()) == ["Design graphique", "Illustration"]
    # The session no longer holds it: reloading creates nothing more.
    client.get("/projets/nouveau/reprendre/")
    assert Project.objects.count() == 1


def test_visitor_sees_errors_before_being_sent_to_sign_up(client, project_data):
    response = client.post(reverse("project-create"), form_post(project_data, budget_max="-5"))
    assert response.status_code == 200
    assert "Le montant doit être supérieur à 0 $." in response.content.decode()


def test_html_in_every_project_text_field_is_shown_escaped(client, owner, freelancer, project_data):
    project = ProjectFactory(owner=owner, title=XSS[:120], description=XSS)
    project.skills.create(name=XSS[:60], slug="xss")
    QuoteFactory(project=project, freelancer=freelancer, message=XSS, decline_reason=XSS, status=QuoteStatus.DECLINED)
    for viewer in (owner, freelancer):
        client.force_login(viewer)
        for url in (reverse("project-detail", args=[project.pk]), reverse("project-list"), reverse("dashboard")):
            page = client.get(url).content.decode()
            assert "<script>alert" not in page, url
    client.force_login(freelancer)
    assert XSS_ESCAPED in client.get(reverse("project-detail", args=[project.pk])).content.decode()


def test_quote_form_on_project_page_sends_a_quote(client, project, freelancer):
    client.force_login(freelancer)
    response = client.post(
        reverse("quote-create", args=[project.pk]),
        {
            "pricing": "hourly",
            "amount": "65",
            "estimated_hours": "20",
            "delivery_days": "10",
            "charges_taxes": "0",
            "message": "Bonjour !",
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-0-description": "Maquettes",
            "items-0-amount": "1300",
        },
    )
    assert response.status_code == 302
    quote = Quote.objects.get()
    assert (quote.pricing, quote.amount, quote.charges_taxes) == ("hourly", Decimal("65.00"), False)
    page = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    # The label and its value read as one phrase: "Taxes : non applicables", never "Taxes : Taxes non applicables".
    assert "<dt>Taxes</dt><dd>non applicables (petit fournisseur)</dd>" in page
    assert "65,00\xa0$/h × 20 h" in page
    assert "Maquettes" in page


def test_quote_form_errors_render_on_the_project_page(client, project, freelancer):
    client.force_login(freelancer)
    response = client.post(
        reverse("quote-create", args=[project.pk]),
        {
            "pricing": "fixed",
            "amount": "-5",
            "delivery_days": "10",
            "charges_taxes": "1",
            "message": "Bonjour",
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert "Le montant doit être supérieur à 0 $." in response.content.decode()
    assert Quote.objects.count() == 0


def test_freelancer_never_sees_other_quotes_or_prices(client, project, freelancer, other_freelancer):
    QuoteFactory(project=project, freelancer=freelancer, amount=Decimal("1111"))
    QuoteFactory(project=project, freelancer=other_freelancer, amount=Decimal("7777"), message="Secret de Marc")
    client.force_login(freelancer)
    page = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    assert "1\u202f111,00\xa0$" in page
    assert "7\u202f777" not in page and "Secret de Marc" not in page
    assert "TPS et TVQ en sus" in page
    assert 'id="quotes"' not in page
    assert client.get(reverse("project-quotes-fragment", args=[project.pk])).status_code == 403


def test_owner_page_has_the_live_quotes_section(client, owner, project):
    QuoteFactory(project=project)
    client.force_login(owner)
    page = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    assert (
        f'<section id="quotes" class="card quotes-card" data-project-id="{project.pk}" '
        f'data-live-quotes-url="/projets/{project.pk}/soumissions/fragment/">' in page
    )
    fragment = client.get(reverse("project-quotes-fragment", args=[project.pk])).content.decode()
    assert "1 soumission reçue" in fragment and "<html" not in fragment


def test_declined_freelancer_sees_the_reason(client, owner, project, freelancer):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    client.force_login(owner)
    client.post(reverse("quote-decline", args=[quote.pk]), {"reason": "Nous avons choisi quelqu'un de plus proche."})
    client.force_login(freelancer)
    page = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    assert "Refusée" in page
    assert "Nous avons choisi quelqu&#x27;un de plus proche." in page


def test_accept_asks_for_confirmation_then_awards(client, owner, project, freelancer, other_freelancer):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    QuoteFactory(project=project, freelancer=other_freelancer)
    client.force_login(owner)
    confirm = client.get(reverse("quote-accept", args=[quote.pk])).content.decode()
    assert "Confier le projet à Julie Gagnon ?" in confirm
    assert "L'autre soumission en cours sera refusée" in confirm
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.PENDING

    client.post(reverse("quote-accept", args=[quote.pk]))
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.AWARDED
    client.force_login(other_freelancer)
    page = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    assert "Refusée" in page


@pytest.mark.parametrize("action", ["quote-accept", "quote-decline", "quote-shortlist", "quote-request-revision"])
def test_owner_actions_by_others_are_refused(client, project, freelancer, other_freelancer, action):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    client.force_login(freelancer)
    assert client.post(reverse(action, args=[quote.pk]), {"note": "x"}).status_code == 403
    client.force_login(other_freelancer)
    assert client.post(reverse(action, args=[quote.pk]), {"note": "x"}).status_code == 404
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.PENDING and quote.revision_note == ""


def test_second_accept_shows_a_clear_message(client, owner, project, freelancer, other_freelancer):
    first = QuoteFactory(project=project, freelancer=freelancer)
    second = QuoteFactory(project=project, freelancer=other_freelancer)
    client.force_login(owner)
    client.post(reverse("quote-accept", args=[first.pk]))
    response = client.post(reverse("quote-accept", args=[second.pk]), follow=True)
    assert "Ce projet a déjà été attribué : une seule soumission peut être acceptée." in response.content.decode()
    assert Quote.objects.get(pk=second.pk).status == QuoteStatus.DECLINED


def test_update_page_for_someone_elses_project_is_refused(client, project):
    client.force_login(UserFactory())
    assert client.get(reverse("project-update", args=[project.pk])).status_code == 403
    assert client.post(reverse("project-update", args=[project.pk]), {"title": "x"}).status_code == 403
    assert Project.objects.get(pk=project.pk).title == "Site web pour la fromagerie"


def test_invite_only_project_page_is_404_for_uninvited(client, project):
    project.visibility = "invited"
    project.save()
    client.force_login(FreelancerProfileFactory().user)
    assert client.get(reverse("project-detail", args=[project.pk])).status_code == 404


def test_invite_a_freelancer_from_their_profile(client, owner, project, freelancer):
    profile = freelancer.freelancer_profile
    client.force_login(owner)
    page = client.get(reverse("freelancer-invite", args=[profile.pk])).content.decode()
    assert "Inviter Julie Gagnon à soumissionner" in page
    response = client.post(
        reverse("freelancer-invite", args=[profile.pk]), {"project": project.pk, "message": "Bonjour"}
    )
    assert response.status_code == 302
    assert Invitation.objects.filter(project=project, freelancer=freelancer).exists()


def test_complete_then_review_through_pages(client, owner, project, freelancer):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    client.force_login(owner)
    client.post(reverse("quote-accept", args=[quote.pk]))
    client.post(reverse("project-complete", args=[project.pk]))
    assert client.get(reverse("review-create", args=[project.pk])).status_code == 200
    client.post(reverse("review-create", args=[project.pk]), {"rating": "5", "comment": XSS})
    client.force_login(freelancer)
    response = client.post(reverse("review-create", args=[project.pk]), {"rating": "4", "comment": "Bon client"})
    assert response.status_code == 400
    assert "Dites si le client vous a payé comme convenu" in response.content.decode()
    client.post(
        reverse("review-create", args=[project.pk]), {"rating": "4", "comment": "Bon client", "paid_as_agreed": "late"}
    )
    page = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    assert Review.objects.count() == 2
    assert XSS_ESCAPED in page and "Oui, mais en retard" in page


def test_review_page_refuses_strangers(client, owner, project, freelancer):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    quote.status = QuoteStatus.ACCEPTED
    quote.save()
    project.status = ProjectStatus.COMPLETED
    project.save()
    client.force_login(FreelancerProfileFactory().user)
    assert client.post(reverse("review-create", args=[project.pk]), {"rating": "1"}).status_code == 403
    assert Review.objects.count() == 0


def test_dashboard_shows_projects_with_french_dates(client, owner, project):
    client.force_login(owner)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Mes projets" in page
    months = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ]
    assert f"jusqu'au {project.quotes_due.day} {months[project.quotes_due.month - 1]} {project.quotes_due.year}" in page


def test_dashboard_needs_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"].startswith("/comptes/login/")


# --- What a freelancer checks before quoting -----------------------------------------------------------


def test_client_card_links_to_the_client_page_with_how_many_were_paid_as_agreed(client, owner, project, freelancer):
    for answer in ["yes", "yes", "late"]:
        ReviewFactory(
            project=ProjectFactory(owner=owner, status=ProjectStatus.COMPLETED),
            author=FreelancerProfileFactory().user,
            subject=owner,
            author_is_client=False,
            paid_as_agreed=answer,
        )
    client.force_login(freelancer)
    page = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    assert f'<a href="/clients/{owner.pk}/"><strong>Fromagerie du Littoral</strong></a>' in page
    assert (
        "Réponses déclarées par les pigistes (historique, non vérifiées) : 2 oui, 1 en retard, sur 3 réponses." in page
    )


def test_client_card_says_when_no_freelancer_has_reviewed_the_client_yet(client, project):
    page = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    assert "Aucune facture de ce client dans les 24 derniers mois." in page


def test_report_link_shows_for_signed_in_visitors_other_than_the_owner(client, owner, project, freelancer):
    report_url = f"/signaler/project/{project.pk}/"
    assert report_url not in client.get(reverse("project-detail", args=[project.pk])).content.decode()
    client.force_login(owner)
    assert report_url not in client.get(reverse("project-detail", args=[project.pk])).content.decode()
    client.force_login(freelancer)
    assert report_url in client.get(reverse("project-detail", args=[project.pk])).content.decode()


def test_quote_authors_in_the_comparison_table_link_to_their_profile(client, owner, project, freelancer):
    QuoteFactory(project=project, freelancer=freelancer)
    client.force_login(owner)
    page = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    assert f'<a href="/pigistes/{freelancer.freelancer_profile.pk}/">Julie Gagnon</a>' in page


def test_a_reason_the_platform_wrote_is_not_presented_as_the_clients(client, owner, project, freelancer):
    winner = QuoteFactory(project=project)
    QuoteFactory(project=project, freelancer=freelancer)
    client.force_login(owner)
    client.post(reverse("quote-accept", args=[winner.pk]))
    client.force_login(freelancer)
    page = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    assert "Le client a retenu une autre soumission." in page
    assert "Raison donnée par le client" not in page


def test_a_reason_the_client_wrote_is_labelled_as_theirs(client, owner, project, freelancer):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    client.force_login(owner)
    client.post(reverse("quote-decline", args=[quote.pk]), {"reason": "Budget dépassé."})
    client.force_login(freelancer)
    page = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    assert "<strong>Raison donnée par le client :</strong> Budget dépassé." in page


# --- Line items that add up, and decisions that ask first ---------------------------------------------


def _quote_post(**changes):
    data = {
        "pricing": "fixed",
        "amount": "1000",
        "delivery_days": "10",
        "charges_taxes": "1",
        "message": "Bonjour !",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-0-description": "Maquettes",
        "items-0-amount": "400",
        "items-1-description": "Intégration",
        "items-1-amount": "200",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {},
            "Le détail des coûts totalise 600,00\xa0$, mais le total de la soumission est de 1\u202f000,00\xa0$ : "
            "corrigez les postes ou le montant (écart de 400,00\xa0$).",
        ),
        (
            {"items-0-amount": "799.99"},
            "Le détail des coûts totalise 999,99\xa0$, mais le total de la soumission est de 1\u202f000,00\xa0$ : "
            "corrigez les postes ou le montant (écart de 0,01\xa0$).",
        ),
        ({"items-0-amount": "-400", "items-1-amount": "1400"}, "Le montant d'un poste doit être supérieur à 0 $."),
        ({"items-0-amount": "0", "items-1-amount": "1000"}, "Le montant d'un poste doit être supérieur à 0 $."),
        ({"items-0-amount": "quatre cents"}, "Saisissez un nombre."),
    ],
)
def test_quote_form_with_line_items_that_do_not_add_up_shows_why_and_saves_nothing(
    client, project, freelancer, changes, message
):
    client.force_login(freelancer)

    response = client.post(reverse("quote-create", args=[project.pk]), _quote_post(**changes))

    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert Quote.objects.count() == 0


def test_quote_form_shows_the_live_total_next_to_the_line_items(client, project, freelancer):
    client.force_login(freelancer)
    page = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    assert "data-line-items-total" in page
    assert (
        'data-text-gap="Total des postes : {sum}. Le total de la soumission est de {total} : écart de {gap}."' in page
    )
    assert "/static/js/projects.js" in page


def test_edit_form_refuses_line_items_that_do_not_add_up(client, project, freelancer):
    quote = QuoteFactory(project=project, freelancer=freelancer, amount=Decimal("1000"))
    QuoteLineItem.objects.create(quote=quote, description="Tout compris", amount=Decimal("1000"), position=0)
    client.force_login(freelancer)

    response = client.post(
        reverse("quote-update", args=[quote.pk]),
        _quote_post(**{"items-1-amount": "599.99", "items-INITIAL_FORMS": "0"}),
    )

    assert response.status_code == 400
    assert "écart de 0,01\xa0$" in response.content.decode()
    assert [(i.description, i.amount) for i in quote.line_items.all()] == [("Tout compris", Decimal("1000.00"))]


def test_refuser_asks_for_confirmation_without_javascript(client, owner, project, freelancer):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    client.force_login(owner)
    table = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    # In the table, "Refuser" is a plain link: following it decides nothing.
    link = f'href="/soumissions/{quote.pk}/refuser/">Refuser</a>'
    assert f'<a class="button button-small button-secondary button-danger-outline" {link}' in table

    confirm = client.get(reverse("quote-decline", args=[quote.pk]))

    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Refuser la soumission de Julie Gagnon ?" in page
    assert 'name="reason"' in page and "Oui, refuser cette soumission" in page
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.PENDING
    # Confirming (the page's form, no script involved) declines, with the reason.
    response = client.post(reverse("quote-decline", args=[quote.pk]), {"reason": "Trop loin pour nous."})
    assert response.status_code == 302 and response["Location"] == f"/projets/{project.pk}/#quotes"
    quote.refresh_from_db()
    assert (quote.status, quote.decline_reason) == (QuoteStatus.DECLINED, "Trop loin pour nous.")
    # Once decided, the confirmation page sends back to the table instead of asking again.
    again = client.get(reverse("quote-decline", args=[quote.pk]))
    assert again.status_code == 302 and again["Location"] == f"/projets/{project.pk}/#quotes"


def test_refuser_confirmation_is_only_for_the_projects_owner(client, project, freelancer, other_freelancer):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    client.force_login(freelancer)
    assert client.get(reverse("quote-decline", args=[quote.pk])).status_code == 403
    client.force_login(other_freelancer)
    assert client.get(reverse("quote-decline", args=[quote.pk])).status_code == 403
    client.logout()
    response = client.get(reverse("quote-decline", args=[quote.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/comptes/login/")
    client.force_login(project.owner)
    assert client.get(reverse("quote-decline", args=[987654])).status_code == 404
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.PENDING


def test_marquer_comme_termine_asks_for_confirmation_without_javascript(client, owner, project, freelancer):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    client.force_login(owner)
    client.post(reverse("quote-accept", args=[quote.pk]))
    detail = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    assert f'<a class="button" href="/projets/{project.pk}/terminer/">Marquer comme terminé</a>' in detail

    confirm = client.get(reverse("project-complete", args=[project.pk]))

    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Le projet est-il terminé ?" in page and "Confirmez que Julie Gagnon a livré le travail convenu." in page
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.AWARDED
    response = client.post(reverse("project-complete", args=[project.pk]))
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.COMPLETED
    # Nothing left to confirm: back to the project page.
    assert client.get(reverse("project-complete", args=[project.pk]))["Location"] == f"/projets/{project.pk}/"


def test_marquer_comme_termine_confirmation_is_only_for_the_owner(client, owner, project, freelancer):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    client.force_login(owner)
    client.post(reverse("quote-accept", args=[quote.pk]))
    client.force_login(freelancer)
    assert client.get(reverse("project-complete", args=[project.pk])).status_code == 403
    assert client.post(reverse("project-complete", args=[project.pk])).status_code == 403
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.AWARDED


# --- Dashboards fit the roles a member actually plays --------------------------------------------------


def test_a_pure_client_is_invited_to_create_a_freelancer_profile_instead_of_empty_quotes(client, owner, project):
    client.force_login(owner)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'id="client-projects"' in page
    assert "Mes soumissions" not in page
    assert 'id="freelancer-prompt"' in page and 'href="/mon-profil/"' in page


def test_a_pure_freelancer_gets_a_publish_prompt_instead_of_empty_projects(client, freelancer):
    client.force_login(freelancer)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Mes soumissions" in page
    assert 'id="client-projects"' not in page
    assert 'id="client-prompt"' in page
    assert 'id="freelancer-prompt"' not in page


def test_a_member_playing_both_roles_sees_both_cards_and_no_prompt(client, freelancer):
    ProjectFactory(owner=freelancer, title="Traduction de notre site")
    client.force_login(freelancer)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Mes projets" in page and "Mes soumissions" in page
    assert "role-prompt" not in page


def test_dashboard_lists_completed_projects_to_review_for_both_sides_until_reviewed(client, owner, project, freelancer):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    client.force_login(owner)
    client.post(reverse("quote-accept", args=[quote.pk]))
    assert "À évaluer" not in client.get(reverse("dashboard")).content.decode()
    client.post(reverse("project-complete", args=[project.pk]))
    review_url = reverse("review-create", args=[project.pk])

    for user, button in [(owner, "Évaluer le pigiste"), (freelancer, "Évaluer le client")]:
        client.force_login(user)
        page = client.get(reverse("dashboard")).content.decode()
        assert "À évaluer" in page
        assert f'<a class="button button-small" href="{review_url}">{button}</a>' in page

    client.force_login(owner)
    client.post(review_url, {"rating": "5", "comment": "Merci !"})
    assert "À évaluer" not in client.get(reverse("dashboard")).content.decode()
    client.force_login(freelancer)
    assert review_url in client.get(reverse("dashboard")).content.decode()


# --- Project list filters ------------------------------------------------------------------------------


def test_project_list_filters_by_category_from_the_home_page_link(client):
    ProjectFactory(title="Logo de microbrasserie", category="design")
    ProjectFactory(title="Tenue de livres mensuelle", category="accounting")
    page = client.get(reverse("project-list") + "?categorie=design").content.decode()
    assert "Logo de microbrasserie" in page and "Tenue de livres mensuelle" not in page
    assert '<option value="design" selected>Design graphique</option>' in page
    assert 'name="distance"' in page


# --- Project list past the count cap -------------------------------------------------------------------


def _titles(page: str) -> list[str]:
    return re.findall(r'class="project-card-title"><a href="/projets/\d+/">([^<]+)</a>', page)


def test_a_long_project_list_says_more_than_the_cap_and_keeps_every_page_reachable(client, monkeypatch):
    monkeypatch.setattr(ProjectListView, "count_cap", 4)
    monkeypatch.setattr(ProjectListView, "paginate_by", 2)
    for i in range(7):
        ProjectFactory(title=f"Projet {i}")

    seen, url, pages = [], reverse("project-list"), []
    while url:
        page = client.get(url).content.decode()
        pages.append(page)
        seen += _titles(page)
        next_link = re.search(r'href="\?page=(\d+)">Suivante', page)
        url = reverse("project-list") + f"?page={next_link.group(1)}" if next_link else None

    # Every project once, newest first, over four pages reached one "Suivante" at a time.
    assert seen == [f"Projet {i}" for i in range(6, -1, -1)]
    assert len(pages) == 4
    # Past the cap: no total, only "more than"; the last page counts them all again.
    assert "Plus de 4 projets ouverts" in pages[0] and "Page 1</span>" in pages[0]
    assert "Plus de 4 projets ouverts" in pages[2] and "Page 3</span>" in pages[2]
    assert "7 projets ouverts" in pages[3] and "Page 4 sur 4" in pages[3]
    assert "← Précédente" in pages[3] and "Suivante" not in pages[3]


def test_a_project_list_under_the_cap_shows_the_exact_count_and_total_pages(client, monkeypatch):
    monkeypatch.setattr(ProjectListView, "paginate_by", 2)
    for i in range(3):
        ProjectFactory(title=f"Projet {i}")
    page = client.get(reverse("project-list")).content.decode()
    assert "3 projets ouverts" in page and "Plus de" not in page
    assert "Page 1 sur 2" in page


# --- The comparison table's controls -------------------------------------------------------------------


def test_each_row_of_the_comparison_table_acts_on_its_own_quote(owner, project, freelancer, other_freelancer):
    pending = QuoteFactory(project=project, freelancer=freelancer)
    shortlisted = QuoteFactory(project=project, freelancer=other_freelancer, status=QuoteStatus.SHORTLISTED)
    QuoteLineItem.objects.create(quote=pending, description="Maquette <b>", amount=Decimal("450"), position=0)
    client = Client(enforce_csrf_checks=True)  # the forms' tokens must really pass the check
    client.force_login(owner)
    page = client.get(reverse("project-detail", args=[project.pk])).content.decode()
    # The line items show under their own quote's message, escaped.
    row = page.split(f'id="quote-{pending.pk}"')[1].split("</tr>\n")[0]
    assert "<td>Maquette &lt;b&gt;</td>" in row and "450,00\xa0$" in row
    assert "Maquette" not in page.split(f'id="quote-{shortlisted.pk}"')[1].split("</tr>\n")[0]
    for quote in (pending, shortlisted):
        assert f'href="/soumissions/{quote.pk}/accepter/"' in page
        assert f'action="/soumissions/{quote.pk}/revision/"' in page and f'id="note-{quote.pk}"' in page
        # "Refuser" leads to its confirmation page, like "Accepter".
        assert f'href="/soumissions/{quote.pk}/refuser/"' in page
    # Only a pending quote can be shortlisted.
    assert f'action="/soumissions/{pending.pk}/preselectionner/"' in page
    assert f'action="/soumissions/{shortlisted.pk}/preselectionner/"' not in page
    # Every form carries this session's CSRF token.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert page.count(f'name="csrfmiddlewaretoken" value="{token}"') >= 5
    response = client.post(
        reverse("quote-decline", args=[shortlisted.pk]), {"reason": "Trop loin", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert Quote.objects.get(pk=shortlisted.pk).status == QuoteStatus.DECLINED
    assert Quote.objects.get(pk=pending.pk).status == QuoteStatus.PENDING


def test_the_dashboard_pages_a_clients_projects_and_reaches_every_one(client, owner, monkeypatch):
    monkeypatch.setattr(DashboardView, "client_projects_per_page", 3)
    projects = [ProjectFactory(owner=owner, title=f"Projet {i}") for i in range(7)]
    client.force_login(owner)

    seen, url, pages = [], reverse("dashboard"), []
    while url:
        page = client.get(url).content.decode()
        pages.append(page)
        seen += re.findall(r'<a href="/projets/\d+/"><strong>(Projet \d)</strong></a>', page)
        older = re.search(r'href="\?projets=(\d+)#client-projects">Projets plus anciens', page)
        url = reverse("dashboard") + f"?projets={older.group(1)}" if older else None

    assert seen == [p.title for p in reversed(projects)]  # newest first, each once, over three pages
    assert len(pages) == 3
    assert "plus récents" not in pages[0]
    assert 'href="?projets=2#client-projects">← Projets plus récents' in pages[2]
    # A page past the end, or nonsense, shows the first one rather than "no project yet".
    for bad in ("9", "abc", "-1"):
        page = client.get(reverse("dashboard") + f"?projets={bad}").content.decode()
        assert "Projet 6" in page and "pas encore publié" not in page
