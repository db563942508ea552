"""The platform's decline reasons are a kind, worded in the reader's language; the client's stay as written."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from projects import services
from projects.models import Quote, QuoteStatus, SystemDeclineReason
from tests.factories import ProjectFactory, QuoteFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


@pytest.fixture
def lost_quote(project, owner, freelancer, other_freelancer):
    """`freelancer`'s quote, declined by the platform when the owner hired `other_freelancer`."""
    lost = QuoteFactory(project=project, freelancer=freelancer)
    winner = QuoteFactory(project=project, freelancer=other_freelancer)
    with translation.override("fr-ca"):  # the owner decides in French
        services.quote_accept(user=owner, quote_id=winner.pk)
    lost.refresh_from_db()
    return lost


def test_a_system_decline_is_stored_as_a_kind_not_as_french_words(lost_quote):
    assert lost_quote.status == QuoteStatus.DECLINED
    assert (lost_quote.decline_reason_kind, lost_quote.decline_reason) == (SystemDeclineReason.AWARDED_ELSEWHERE, "")
    assert lost_quote.decline_reason_by_system is True


def test_cancelling_a_project_declines_its_quotes_with_a_kind(project, owner, freelancer):
    quote = QuoteFactory(project=project, freelancer=freelancer)

    services.project_cancel(user=owner, project_id=project.pk)

    quote.refresh_from_db()
    assert quote.decline_reason_kind == SystemDeclineReason.PROJECT_CANCELLED
    with translation.override("en"):
        assert quote.decline_reason_text == "The client cancelled the project."


def test_the_freelancer_reads_the_platform_s_reason_in_english(client, lost_quote, freelancer):
    client.force_login(freelancer)
    client.cookies["django_language"] = "en"

    detail = client.get(reverse("project-detail", args=[lost_quote.project_id])).content.decode()
    dashboard = client.get(reverse("dashboard")).content.decode()

    assert "The client chose another quote." in detail
    assert "The client chose another quote." in dashboard
    assert "Le client a retenu une autre soumission." not in detail + dashboard


def test_the_freelancer_reads_the_platform_s_reason_in_french(client, lost_quote, freelancer):
    client.force_login(freelancer)

    detail = client.get(reverse("project-detail", args=[lost_quote.project_id])).content.decode()

    assert "Le client a retenu une autre soumission." in detail


def test_the_owner_s_quote_table_reads_in_english(client, lost_quote, owner):
    client.force_login(owner)
    client.cookies["django_language"] = "en"

    table = client.get(reverse("project-detail", args=[lost_quote.project_id])).content.decode()

    assert "The client chose another quote." in table


def test_the_api_words_the_reason_in_the_reader_s_language_and_gives_its_kind(lost_quote, freelancer):
    api = APIClient()
    api.force_authenticate(freelancer)

    english = api.get(f"/api/v1/quotes/{lost_quote.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    french = api.get(f"/api/v1/quotes/{lost_quote.pk}/", HTTP_ACCEPT_LANGUAGE="fr-ca").json()

    assert (english["decline_reason"], english["decline_reason_kind"]) == (
        "The client chose another quote.",
        "awarded_elsewhere",
    )
    assert french["decline_reason"] == "Le client a retenu une autre soumission."
    assert english["decline_reason_by_system"] is True


def test_the_client_s_own_reason_is_shown_as_written_in_every_language(project, owner, freelancer):
    quote = QuoteFactory(project=project, freelancer=freelancer)
    services.quote_decline(user=owner, quote_id=quote.pk, reason="Trop loin pour nous.")
    quote.refresh_from_db()

    assert (quote.decline_reason_kind, quote.decline_reason_by_system) == ("", False)
    for language in ("fr-ca", "en"):
        with translation.override(language):
            assert quote.decline_reason_text == "Trop loin pour nous."


def test_a_kind_we_no_longer_know_shows_whatever_words_the_row_has():
    with translation.override("en"):
        assert (
            Quote(decline_reason_kind="gone_kind", decline_reason="Ancien texte").decline_reason_text == "Ancien texte"
        )
        assert Quote(decline_reason_kind="gone_kind").decline_reason_text == ""


# --- Rows written before kinds: migration 0006 ----------------------------------------------------

_migration = importlib.import_module("projects.migrations.0006_quote_decline_reason_kind_from_text")


@pytest.mark.parametrize(
    ("french", "kind", "english"),
    [
        ("Le client a retenu une autre soumission.", "awarded_elsewhere", "The client chose another quote."),
        ("Le client a annulé le projet.", "project_cancelled", "The client cancelled the project."),
        (
            "Le projet a été fermé sans décision du client.",
            "project_closed",
            "The project was closed without a decision from the client.",
        ),
    ],
)
def test_the_migration_turns_the_platform_s_french_reasons_into_kinds(french, kind, english):
    quote = QuoteFactory(
        project=ProjectFactory(), status=QuoteStatus.DECLINED, decline_reason=french, decline_reason_by_system=True
    )

    _migration.forwards(apps, None)

    quote.refresh_from_db()
    assert (quote.decline_reason_kind, quote.decline_reason) == (kind, "")
    with translation.override("en"):
        assert quote.decline_reason_text == english
    with translation.override("fr-ca"):
        assert quote.decline_reason_text == french


def test_the_migration_keeps_unknown_and_client_reasons_readable_as_written():
    unknown_system = QuoteFactory(
        status=QuoteStatus.DECLINED, decline_reason="Projet retiré par la modération.", decline_reason_by_system=True
    )
    clients_words = QuoteFactory(status=QuoteStatus.DECLINED, decline_reason="Budget trop élevé.")

    _migration.forwards(apps, None)

    for quote, words in ((unknown_system, "Projet retiré par la modération."), (clients_words, "Budget trop élevé.")):
        quote.refresh_from_db()
        assert (quote.decline_reason_kind, quote.decline_reason) == ("", words)
        with translation.override("en"):
            assert quote.decline_reason_text == words


def test_the_migration_can_be_reversed_to_the_french_words():
    quote = QuoteFactory(
        status=QuoteStatus.DECLINED, decline_reason="Le client a annulé le projet.", decline_reason_by_system=True
    )
    _migration.forwards(apps, None)

    _migration.backwards(apps, None)

    quote.refresh_from_db()
    assert quote.decline_reason == "Le client a annulé le projet."
